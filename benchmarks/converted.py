"""cutrate on annotated clips converted to another frame rate.

Much video people analyse was converted once: a 24 fps film or cartoon to 30 fps
(PAL to NTSC, a web upload), by repeating frames or by blending them.  Blending
spreads every cut over two frames with a mix of both shots between them; repeating
frames puts a still frame next to some cuts.  This script decodes each clip once at
cutrate's analysis size, converts the decoded frames in memory, runs the detectors
on the converted frames (:func:`cutrate.analysis.features.from_arrays`) and scores
them against the clip's annotation, moved to the new frame rate::

    python benchmarks/converted.py --mode blend /tmp/cutrate-splices ../shared/clips
    python benchmarks/converted.py --mode repeat --to-fps 30 /tmp/cutrate-splices
    python benchmarks/converted.py --mode repeat --via-fps 30 --to-fps 60 /tmp/cutrate-splices
    python benchmarks/converted.py --mode repeat --to-fps 60 --per-shot /tmp/cutrate-splices

``--overlay`` also burns a white channel logo into the top right corner and
subtitles that come and go (two seconds of every three) into the bottom of every
frame, as on a broadcast or an upload: in a letterboxed or pillarboxed video they
fall in the bars, otherwise over the picture::

    python benchmarks/converted.py --mode none --overlay /tmp/cutrate-splices ../shared/clips

``--mode none`` scores the same decoded frames unconverted (it equals
``benchmarks/accuracy.py``'s cutrate row on those clips).  Decoded frames are
kept in ``--cache-dir`` (about 3.5 KB a frame), so a second run only detects.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import sys
from pathlib import Path

import numpy as np

import cutrate
from cutrate.analysis.features import from_arrays
from cutrate.eval import evaluate, load_truth
from cutrate.io.inputs import VIDEO_EXTENSIONS
from cutrate.io.video.reader import VideoReader

MODES = ("blend", "repeat", "none")


def decoded(path: Path, cache_dir: Path) -> tuple[np.ndarray, np.ndarray, float]:
    """Luma and chroma of every frame of ``path`` at the analysis size, and its frame rate."""
    key = hashlib.sha1(f"{path.resolve()}:{path.stat().st_size}:{path.stat().st_mtime_ns}".encode()).hexdigest()[:16]
    cached = cache_dir / f"{path.name}.{key}.npz"
    if cached.exists():
        z = np.load(cached)
        return z["y"], z["uv"], float(z["fps"])
    ys, uvs = [], []
    with VideoReader(path) as reader:
        fps = reader.info.frame_rate
        for batch in reader.batches():
            ys.append(batch.y)
            uvs.append(batch.uv)
    y, uv = np.concatenate(ys), np.concatenate(uvs)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez(cached, y=y, uv=uv, fps=fps)
    return y, uv, fps


def convert(y: np.ndarray, uv: np.ndarray, fps: float, to_fps: float, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """Frames at ``to_fps``: output frame ``j`` shows source time ``j / to_fps``, as
    the mix of the two source frames around it (``blend``) or the nearest one
    (``repeat``)."""
    if mode == "none":
        return y, uv
    n = y.shape[0]
    t = np.arange(int(n * to_fps / fps)) * fps / to_fps
    if mode == "repeat":
        j = np.minimum(np.floor(t + 0.5).astype(int), n - 1)  # half up: a steady pattern
        return y[j], uv[j]
    i = np.floor(t).astype(int)
    w = (t - i).astype(np.float32)
    nxt = np.minimum(i + 1, n - 1)

    def mix(a: np.ndarray) -> np.ndarray:
        ww = w.reshape(-1, *([1] * (a.ndim - 1)))
        return np.round(a[i] * (1 - ww) + a[nxt] * ww).astype(np.uint8)

    return mix(y), mix(uv)


def convert_shots(y: np.ndarray, uv: np.ndarray, fps: float, to_fps: float, mode: str, cuts: list[int],
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Frames at ``to_fps`` as an editor's timeline makes them: every shot (the frames
    between two of ``cuts``) converted on its own (:func:`convert`), starting at a
    random point of the conversion's pattern; with the first output frame of each shot."""
    bounds = [0, *sorted(c for c in set(cuts) if 0 < c < y.shape[0]), y.shape[0]]
    out_y, out_uv, starts, at = [], [], [], 0
    for a, b in zip(bounds, bounds[1:]):
        # source frames of the pattern that fall before the shot (every pattern of
        # 24 or 25 to 30 or 60 fps comes round within 5 source frames)
        pad = int(rng.integers(0, 5))
        sy, suv = convert(np.concatenate([y[a:a + 1]] * pad + [y[a:b]]), np.concatenate([uv[a:a + 1]] * pad + [uv[a:b]]),
                          fps, to_fps, mode)
        skip = int(round(pad * to_fps / fps))
        starts.append(at)
        out_y.append(sy[skip:])
        out_uv.append(suv[skip:])
        at += sy.shape[0] - skip
    return np.concatenate(out_y), np.concatenate(out_uv), starts


def overlay(y: np.ndarray, uv: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """Copies of the frames with a white logo in the top right corner (2-10 % in from
    the right edge, 3-10 % down) and a white subtitle bar (the middle 40 %, 88-94 %
    down) shown two seconds of every three."""
    y, uv = y.copy(), uv.copy()
    _, h, w = y.shape

    def box(x0: float, x1: float, y0: float, y1: float, frames: np.ndarray) -> None:
        r, c = slice(int(y0 * h), int(y1 * h)), slice(int(x0 * w), int(x1 * w))
        y[frames, r, c] = 235
        uv[frames, :, r.start // 2 : r.stop // 2, c.start // 2 : c.stop // 2] = 128

    every = np.arange(y.shape[0])
    box(0.90, 0.98, 0.03, 0.10, every)
    box(0.30, 0.70, 0.88, 0.94, every[(every / fps) % 3.0 < 2.0])
    return y, uv


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+", type=Path, help="folders of clips with .transitions.tsv annotations")
    ap.add_argument("--mode", choices=MODES, default="blend")
    ap.add_argument("--to-fps", type=float, default=30.0, help="frame rate to convert to (default: 30)")
    ap.add_argument("--via-fps", type=float, default=None,
                    help="convert to this frame rate first, then to --to-fps (24 made 30, then 60)")
    ap.add_argument("--per-shot", action="store_true",
                    help="convert every annotated shot on its own, at a random point of the pattern, as an "
                         "editor's timeline does (the conversion's phase moves at each cut)")
    ap.add_argument("--overlay", action="store_true",
                    help="also burn a logo and subtitles that come and go into every frame (after any conversion)")
    ap.add_argument("--tolerance", type=int, default=2, help="frames (default: 2)")
    ap.add_argument("--cache-dir", type=Path, default=Path("/tmp/cutrate-converted-cache"))
    args = ap.parse_args(argv)
    if args.per_shot and args.via_fps:
        ap.error("--per-shot converts each shot once: it does not combine with --via-fps")
    clips = sorted(p for d in args.folders for p in d.iterdir()
                   if p.suffix.lower() in VIDEO_EXTENSIONS and Path(f"{p}.transitions.tsv").exists())
    if not clips:
        print("no annotated clips found", file=sys.stderr)
        return 1
    hits = misses = false = 0
    print(f"cutrate {cutrate.__version__}, {cutrate.detect.detector_id(cutrate.DetectSettings())}; "
          f"mode {args.mode}, to {args.to_fps:g} fps"
          f"{f' via {args.via_fps:g}' if args.via_fps else ''}{', each shot on its own' if args.per_shot else ''}"
          f"{', logo and subtitles burnt in' if args.overlay else ''}, tolerance {args.tolerance} frames")
    print("\n| clip | fps | hits | misses | false alarms | missed (converted frames) | false (converted frames) |")
    print("| --- | ---: | ---: | ---: | ---: | --- | --- |")
    for path in clips:
        y, uv, fps = decoded(path, args.cache_dir)
        to_fps = fps if args.mode == "none" else args.to_fps
        rows = load_truth(f"{path}.transitions.tsv")
        k = to_fps / fps
        if args.per_shot and args.mode != "none":
            seed = int(hashlib.sha1(path.name.encode()).hexdigest()[:8], 16)
            cuts = [r.start_frame for r in rows if r.kind == "cut"]
            cy, cuv, starts = convert_shots(y, uv, fps, to_fps, args.mode, cuts, np.random.default_rng(seed))
            bounds = [0, *sorted(c for c in set(cuts) if 0 < c < y.shape[0])]

            def moved(f: int) -> int:
                i = int(np.searchsorted(bounds, f, side="right")) - 1
                return starts[i] + int(round((f - bounds[i]) * k))
        else:
            cy, cuv, at = y, uv, fps
            if args.via_fps and args.mode != "none" and fps < args.via_fps < to_fps:
                cy, cuv = convert(cy, cuv, at, args.via_fps, args.mode)
                at = args.via_fps
            cy, cuv = convert(cy, cuv, at, to_fps, args.mode)

            def moved(f: int) -> int:
                return int(round(f * k))
        if args.overlay:
            cy, cuv = overlay(cy, cuv, to_fps)
        found = cutrate.detect_transitions(from_arrays(cy, cuv, fps=to_fps, path=str(path)))
        truth = [dataclasses.replace(r, start_frame=moved(r.start_frame), end_frame=moved(r.end_frame)) for r in rows]
        score = evaluate(truth, [t.frame for t in found], tolerance=args.tolerance)
        m = sorted(r.start_frame for r in score.misses)
        fa = sorted(d.frame for d in score.false_alarms)
        hits, misses, false = hits + score.hits, misses + len(m), false + len(fa)
        print(f"| {path.name} | {fps:g} | {score.hits} | {len(m)} | {len(fa)} | {' '.join(map(str, m))} | {' '.join(map(str, fa))} |")
    p = hits / max(hits + false, 1)
    r = hits / max(hits + misses, 1)
    f1 = 2 * p * r / max(p + r, 1e-9)
    print(f"\n**Pooled ({len(clips)} clips): P {p:.3f}, R {r:.3f}, F1 {f1:.3f}** "
          f"({hits} hits, {misses} misses, {false} false alarms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
