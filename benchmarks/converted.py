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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+", type=Path, help="folders of clips with .transitions.tsv annotations")
    ap.add_argument("--mode", choices=MODES, default="blend")
    ap.add_argument("--to-fps", type=float, default=30.0, help="frame rate to convert to (default: 30)")
    ap.add_argument("--via-fps", type=float, default=None,
                    help="convert to this frame rate first, then to --to-fps (24 made 30, then 60)")
    ap.add_argument("--tolerance", type=int, default=2, help="frames (default: 2)")
    ap.add_argument("--cache-dir", type=Path, default=Path("/tmp/cutrate-converted-cache"))
    args = ap.parse_args(argv)
    clips = sorted(p for d in args.folders for p in d.iterdir()
                   if p.suffix.lower() in VIDEO_EXTENSIONS and Path(f"{p}.transitions.tsv").exists())
    if not clips:
        print("no annotated clips found", file=sys.stderr)
        return 1
    hits = misses = false = 0
    print(f"cutrate {cutrate.__version__}, {cutrate.detect.detector_id(cutrate.DetectSettings())}; "
          f"mode {args.mode}, to {args.to_fps:g} fps"
          f"{f' via {args.via_fps:g}' if args.via_fps else ''}, tolerance {args.tolerance} frames")
    print("\n| clip | fps | hits | misses | false alarms | missed (converted frames) | false (converted frames) |")
    print("| --- | ---: | ---: | ---: | ---: | --- | --- |")
    for path in clips:
        y, uv, fps = decoded(path, args.cache_dir)
        to_fps = fps if args.mode == "none" else args.to_fps
        cy, cuv, at = y, uv, fps
        if args.via_fps and args.mode != "none" and fps < args.via_fps < to_fps:
            cy, cuv = convert(cy, cuv, at, args.via_fps, args.mode)
            at = args.via_fps
        cy, cuv = convert(cy, cuv, at, to_fps, args.mode)
        found = cutrate.detect_transitions(from_arrays(cy, cuv, fps=to_fps, path=str(path)))
        k = to_fps / fps
        truth = [dataclasses.replace(r, start_frame=int(round(r.start_frame * k)), end_frame=int(round(r.end_frame * k)))
                 for r in load_truth(f"{path}.transitions.tsv")]
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
