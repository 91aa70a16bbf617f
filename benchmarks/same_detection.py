"""Same detections before and after a change that claims to leave them alone.

A speed-up of the detectors must not change a single transition.  This script
records, for every video given and every one of a grid of detection settings, the
transitions the detectors find (kind, frames and the exact raw confidence, before
its calibration), and later compares a new run against that record::

    python benchmarks/same_detection.py record /tmp/same.json sample_clips ../shared/clips /tmp/cutrate-heldout
    # ... change the detectors ...
    python benchmarks/same_detection.py compare /tmp/same.json

Features come from the feature cache (``--cache-dir``, default
``/tmp/cutrate-same-cache``), so only the first ``record`` decodes; the record
holds the video paths.  ``compare`` exits 1 and lists the first differences when
any transition differs, and prints the detection time of both runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cutrate
from cutrate.analysis.detect import IDENTITY, transitions
from cutrate.io.inputs import VIDEO_EXTENSIONS

#: Detection settings tried on every video: the defaults and one step either side
#: of each knob the rules read.
GRID: list[dict] = [
    {},
    {"flash_frames": 1}, {"flash_frames": 2}, {"flash_frames": 5},
    {"threshold": 0.12}, {"threshold": 0.35},
    {"contrast": 0.08}, {"contrast": 0.3},
    {"evidence": 0.3}, {"evidence": 0.7},
    {"moved_color": 0.05}, {"moved_color": 0.2},
    {"moved_static": 0.2}, {"moved_static": 0.6},
    {"context_s": 0.1}, {"context_s": 0.6},
    {"occlusion_s": 0.2}, {"occlusion_s": 1.0},
    {"flat_std": 3.0}, {"flat_std": 12.0},
    {"dissolve": False},
    {"dissolve_min_s": 0.5}, {"dissolve_max_s": 3.0},
    {"dissolve_fit": 0.08}, {"dissolve_fit": 0.2},
]


def videos_in(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(q for q in p.rglob("*") if q.suffix.lower() in VIDEO_EXTENSIONS)
        elif p.exists():
            out.append(p)
    return out


def detect_all(videos: list[str], cache_dir: str) -> tuple[dict[str, list], float]:
    found: dict[str, list] = {}
    spent = 0.0
    for v in videos:
        feats = cutrate.load_features(v, cache_dir=cache_dir)
        for i, kw in enumerate(GRID):
            settings = cutrate.DetectSettings(**kw)
            t0 = time.perf_counter()
            trans = transitions(feats, settings=settings, calibration=IDENTITY)  # decisions and raw confidences
            spent += time.perf_counter() - t0
            found[f"{v}|{i}"] = [[t.kind, t.frame, t.start_frame, t.end_frame, repr(float(t.confidence))] for t in trans]
    return found, spent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["record", "compare"])
    ap.add_argument("record", help="JSON file of recorded detections")
    ap.add_argument("paths", nargs="*", help="videos or folders (record only)")
    ap.add_argument("--cache-dir", default="/tmp/cutrate-same-cache")
    args = ap.parse_args(argv)

    if args.mode == "record":
        videos = [str(v) for v in videos_in(args.paths)]
        if not videos:
            ap.error("no videos found")
        found, spent = detect_all(videos, args.cache_dir)
        Path(args.record).write_text(json.dumps({"videos": videos, "grid": GRID, "seconds": spent,
                                                 "found": found}))
        total = sum(len(v) for v in found.values())
        print(f"recorded {total} transitions: {len(videos)} videos x {len(GRID)} settings, "
              f"detection {spent:.2f} s")
        return 0

    rec = json.loads(Path(args.record).read_text())
    if rec["grid"] != GRID:
        print("the settings grid changed since the record was made; record again", file=sys.stderr)
        return 2
    found, spent = detect_all(rec["videos"], args.cache_dir)
    diffs = [k for k in rec["found"] if rec["found"][k] != found.get(k)]
    total = sum(len(v) for v in found.values())
    print(f"{len(rec['videos'])} videos x {len(GRID)} settings: {total} transitions, "
          f"{len(diffs)} runs differ; detection {rec['seconds']:.2f} s recorded, {spent:.2f} s now "
          f"({rec['seconds'] / max(spent, 1e-9):.2f}x)")
    for k in diffs[:10]:
        video, i = k.rsplit("|", 1)
        old, new = rec["found"][k], found[k]
        only_old = [t for t in old if t not in new]
        only_new = [t for t in new if t not in old]
        print(f"  {Path(video).name} {GRID[int(i)]}: was {only_old[:3]} now {only_new[:3]}")
    return 1 if diffs else 0


if __name__ == "__main__":
    raise SystemExit(main())
