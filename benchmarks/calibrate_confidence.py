"""Fit the per-kind calibration of the rules' confidence, validated leave-one-source-out.

    pip install -e '.[train]'          # scikit-learn, for fitting only
    python benchmarks/calibrate_confidence.py [--write]

The data are those of ``benchmarks/train_detector.py`` (the shared clips, their
same-film splices and synthetic clips of another seed than the held-out
benchmark's), each video with its source.  Every video is detected with the rules
and *raw* confidences; a detection is right when it matches a truth row within 2
frames (:func:`cutrate.eval.evaluate`).  For each kind of transition, a Platt
scaling of the logit of the raw confidence is fitted on whether detections were
right (a logistic regression with a mild L2 penalty, so a kind that is always
right gets a high but finite probability).  For each source, the scalings are
fitted on all other sources and applied to it: the out-of-fold reliability table
printed is the honest check.  The final scalings, fitted on everything, go to
``src/cutrate/analysis/detect/confidence.json`` with ``--write``.  Deterministic:
the same inputs give the same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

# the fitting data are train_detector.py's (importing it also puts src/ on the path)
sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_detector import CACHE, REPO, TOL, add_data_arguments, data_videos  # noqa: E402

from cutrate.analysis.detect import IDENTITY, transitions  # noqa: E402
from cutrate.analysis.detect.confidence import EDGE, Calibration  # noqa: E402
from cutrate.analysis.pipeline import load_features  # noqa: E402
from cutrate.eval import evaluate  # noqa: E402

OUT = REPO / "src" / "cutrate" / "analysis" / "detect" / "confidence.json"
#: Inverse L2 strength of the logistic fits (sklearn's ``C``).
C = 1.0


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EDGE, 1.0 - EDGE)
    return np.log(p / (1.0 - p))


def fit(raw: np.ndarray, right: np.ndarray) -> tuple[float, float]:
    """Platt scaling ``(a, b)`` of ``logit(raw)`` for the labels ``right``."""
    if right.all() or not right.any():
        # one class only: no slope can be learnt; a constant from the count with
        # one imagined detection of the other class (Laplace's rule)
        share = (right.sum() + 0.5) / (right.size + 1.0)
        return 0.0, float(np.log(share / (1.0 - share)))
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=C).fit(logit(raw)[:, None], right.astype(int))
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def table(conf: np.ndarray, right: np.ndarray) -> str:
    lines = ["| confidence | detections | mean confidence | share right | |", "| --- | ---: | ---: | ---: | --- |"]
    edges = np.linspace(0.0, 1.0, 11)
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (conf >= lo) & ((conf < hi) | (hi == 1.0))
        if sel.any():
            m, s = conf[sel].mean(), right[sel].mean()
            lines.append(f"| {lo:.1f}-{hi:.1f} | {int(sel.sum())} | {m:.3f} | {s:.3f} | "
                         f"{'ok' if abs(m - s) <= 0.1 else 'off by more than 0.1'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_arguments(ap)
    ap.add_argument("--write", action="store_true", help=f"store the scalings in {OUT.relative_to(REPO)}")
    ap.add_argument("--rows", help="also save every detection (source, kind, raw confidence, right) as JSON here")
    a = ap.parse_args(argv)
    videos = data_videos(a)
    if videos is None:
        return 1
    rows = []  # (source, kind, raw confidence, right)
    for v in videos:
        feats = load_features(v.path, cache_dir=CACHE)
        found = transitions(feats, calibration=IDENTITY)
        bad = {fa.frame for fa in evaluate(v.truth, [t.frame for t in found], tolerance=TOL).false_alarms}
        rows += [(v.source, t.kind, t.confidence, t.frame not in bad) for t in found]
    if a.rows:
        Path(a.rows).write_text(json.dumps(rows))
    src = np.array([r[0] for r in rows])
    kind = np.array([r[1] for r in rows])
    raw = np.array([r[2] for r in rows], float)
    right = np.array([r[3] for r in rows], bool)
    print(f"{len(videos)} videos, {len(rows)} detections, {int((~right).sum())} wrong, "
          f"{len(set(src))} sources", file=sys.stderr)

    oof = raw.copy()
    for s in sorted(set(src)):
        test = src == s
        for k in sorted(set(kind[test])):
            train = (src != s) & (kind == k)
            if train.any():
                a_, b_ = fit(raw[train], right[train])
                cal = Calibration({k: (a_, b_)}, "fold")
                sel = test & (kind == k)
                oof[sel] = [cal(k, r) for r in raw[sel]]
    print("Raw confidence (all kinds):\n")
    print(table(raw, right))
    print("\nCalibrated, leave-one-source-out (all kinds):\n")
    print(table(oof, right))
    by_kind = {}
    for k in sorted(set(kind)):
        sel = kind == k
        by_kind[k] = [int(sel.sum()), int((~right[sel]).sum()), float(raw[sel].mean()), float(oof[sel].mean()),
                      float(right[sel].mean())]
    print("\n| kind | detections | wrong | mean raw | mean calibrated (out of fold) | share right |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for k, (n, w, mr, mc, sr) in by_kind.items():
        print(f"| {k} | {n} | {w} | {mr:.3f} | {mc:.3f} | {sr:.3f} |")

    final = {k: fit(raw[kind == k], right[kind == k]) for k in sorted(set(kind))}
    digest = hashlib.sha1(json.dumps(sorted(final.items())).encode()).hexdigest()[:8]
    out = Calibration(final, f"1-{digest}")
    if a.write:
        OUT.write_text(json.dumps(out.to_dict(), indent=1) + "\n")
        print(f"\nwrote {OUT.relative_to(REPO)}", file=sys.stderr)
    else:
        print("\n" + json.dumps(out.to_dict(), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
