"""Fit cutrate's hard-cut model, validate it leave-one-source-out, ship its weights.

    pip install -e '.[train]'          # scikit-learn, for fitting only
    python benchmarks/train_detector.py [--write] [--report docs/accuracy-model.md]

Data (every video has a hand-checked or generated truth file):

``shared``
    the 13 annotated real clips in ``../shared/clips``;
``splices``
    same-film splices of those clips' shots (``benchmarks/splices.py``): hard cuts
    between shots of one film, bursts of 2-16-frame shots, cuts back;
``synthetic``
    clips from the held-out benchmark's generator (``benchmarks/heldout.py``) with
    *other seeds* than the benchmark's (``--synth-seed``, default 7; the benchmark
    uses seed 0): flashes, objects passing the lens, twos/threes, holds, fades.

Every video belongs to a **source**: its film (the four Big Buck Bunny clips and
their splices are one source) or, for synthetic clips, one of four seed groups.
For each source, the model is fitted on all the others and scored on it: the
out-of-fold figures are the honest ones.  The Platt scaling that makes the
probability calibrated is fitted on the out-of-fold raw scores.  The final model is
fitted on everything, with that scaling, and ``--write`` stores it in
``src/cutrate/analysis/detect/cut_model.json``.

Examples are the candidates that reach the model's decision in the real detector
(:func:`cutrate.analysis.detect.cut_examples`): a candidate is positive when it is
the nearest candidate within 2 frames of a truth ``cut``; candidates near other
transitions (dissolves, fades, flashes, optional rows) are left out of fitting;
every other candidate is negative.  Everything is seeded: the same inputs give the
same model, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))

from cutrate.analysis.detect import cut_examples, transitions  # noqa: E402
from cutrate.analysis.detect.model import FEATURES, CutModel  # noqa: E402
from cutrate.analysis.pipeline import load_features  # noqa: E402
from cutrate.eval import evaluate, pool, read_truth_tsv  # noqa: E402
from cutrate.settings import DetectSettings  # noqa: E402

MODEL_OUT = REPO / "src" / "cutrate" / "analysis" / "detect" / "cut_model.json"
CACHE = Path("/tmp/cutrate-train/features")
TOL = 2
#: Boosted trees: shallow and few, so the decision stays cheap and smooth.
GBT = dict(n_estimators=160, max_depth=3, learning_rate=0.08, subsample=0.8, min_samples_leaf=8, random_state=0)


@dataclass
class Video:
    set: str
    source: str
    path: Path
    truth: list


def shared_videos(shared: Path) -> list[Video]:
    from splices import FILMS

    return [Video("shared", FILMS.get(p.name, p.stem), p, read_truth_tsv(f"{p}.transitions.tsv"))
            for p in sorted(shared.glob("*")) if Path(f"{p}.transitions.tsv").exists()]


def splice_videos(folder: Path, shared: Path) -> list[Video]:
    import splices

    if not (folder / "sets.json").exists():
        splices.build(folder, 3, 0, shared)
    sets = json.loads((folder / "sets.json").read_text())
    return [Video("splices", film, folder / name, read_truth_tsv(folder / f"{name}.transitions.tsv"))
            for name, film in sorted(sets.items())]


def synthetic_videos(folder: Path, seed: int, clips: int) -> list[Video]:
    import heldout

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(clips):
        plan = heldout.plan_clip(seed, i)
        heldout._render_one(plan, str(folder), (640, 360), False)
        p = folder / plan.name
        out.append(Video("synthetic", f"synthetic-{i % 4}", p, read_truth_tsv(p.with_name(p.name + ".transitions.tsv"))))
    return out


def label(frames: np.ndarray, truth: list) -> np.ndarray:
    """1 for the nearest candidate to each truth cut (within TOL), -1 for candidates
    near any other boundary (left out), 0 for the rest."""
    y = np.zeros(frames.size, np.int64)
    for r in truth:
        if not r.is_boundary:
            continue
        near = np.flatnonzero((frames >= r.start_frame - TOL) & (frames <= r.end_frame + TOL))
        if r.kind != "cut":
            y[near] = np.where(y[near] == 1, 1, -1)
        elif near.size:
            best = near[np.argmin(np.abs(frames[near] - r.start_frame))]
            y[best] = 1
    return y


def export(gbc, platt: tuple[float, float], version: str) -> CutModel:
    """The fitted sklearn model as a :class:`CutModel` (checked against sklearn)."""
    lr = gbc.learning_rate
    trees = [e[0].tree_ for e in gbc.estimators_]
    width = max(t.node_count for t in trees)
    shape = (len(trees), width)
    feat, thr = np.full(shape, -1, np.int64), np.zeros(shape)
    left, right, value = np.zeros(shape, np.int64), np.zeros(shape, np.int64), np.zeros(shape)
    for i, t in enumerate(trees):
        k = t.node_count
        leaf = t.children_left[:k] < 0
        feat[i, :k] = np.where(leaf, -1, t.feature[:k])
        thr[i, :k] = np.where(leaf, 0.0, t.threshold[:k])
        left[i, :k] = np.where(leaf, 0, t.children_left[:k])
        right[i, :k] = np.where(leaf, 0, t.children_right[:k])
        value[i, :k] = lr * t.value[:k, 0, 0]
    probe = np.zeros((1, len(FEATURES)))
    base = float(gbc.decision_function(probe)[0] - sum(lr * float(t.predict(probe.astype(np.float32)).ravel()[0]) for t in trees))
    depth = max(t.max_depth for t in trees)
    return CutModel(FEATURES, base, feat, thr, left, right, value, platt[0], platt[1], depth, version)


def fit(x: np.ndarray, y: np.ndarray):
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(**GBT).fit(x, y)


def platt(raw: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e6).fit(raw[:, None], y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def reliability(dets: list, videos: list[Video]) -> str:
    """Share of correct hard-cut detections per confidence decile (out of fold)."""
    conf, ok = [], []
    for (sc, found), v in zip(dets, videos):
        bad = {fa.frame for fa in sc.false_alarms}
        for t in found:
            if t.kind == "cut":
                conf.append(t.confidence)
                ok.append(t.frame not in bad)
    conf, ok = np.array(conf), np.array(ok, float)
    lines = ["| confidence | detections | mean confidence | share correct |", "| --- | ---: | ---: | ---: |"]
    edges = np.linspace(0.0, 1.0, 11)
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (conf >= lo) & ((conf < hi) | (hi == 1.0))
        if sel.any():
            lines.append(f"| {lo:.1f}-{hi:.1f} | {int(sel.sum())} | {conf[sel].mean():.3f} | {ok[sel].mean():.3f} |")
    return "\n".join(lines)


def add_data_arguments(ap: argparse.ArgumentParser) -> None:
    """The options that say where the fitting data are (shared, splices, synthetic)."""
    ap.add_argument("--shared", default=str(REPO.parent / "shared" / "clips"))
    ap.add_argument("--splices", default="/tmp/cutrate-splices")
    ap.add_argument("--synthetic", default="/tmp/cutrate-train/synthetic")
    ap.add_argument("--synth-seed", type=int, default=7)
    ap.add_argument("--synth-clips", type=int, default=96)


def data_videos(a: argparse.Namespace) -> list[Video] | None:
    """Every video of the three sets (made when missing); None, with a message, when
    the shared clips are not there."""
    shared = Path(a.shared)
    if not shared.is_dir():
        print(f"error: {shared}: the shared clips are not here", file=sys.stderr)
        return None
    return [*shared_videos(shared), *splice_videos(Path(a.splices), shared),
            *synthetic_videos(Path(a.synthetic), a.synth_seed, a.synth_clips)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_arguments(ap)
    ap.add_argument("--write", action="store_true", help=f"store the final model in {MODEL_OUT.relative_to(REPO)}")
    ap.add_argument("--json", default="/tmp/cutrate-train/loso.json", help="out-of-fold results")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    videos = data_videos(a)
    if videos is None:
        return 1
    feats, xs, ys, srcs, owner = {}, [], [], [], []
    for vi, v in enumerate(videos):
        f = load_features(v.path, cache_dir=CACHE)
        feats[vi] = replace(f, stills=None)  # the pictures are not needed here
        frames, x = cut_examples(f)
        y = label(frames, v.truth)
        keep = y >= 0
        xs.append(x[keep])
        ys.append(y[keep])
        srcs += [v.source] * int(keep.sum())
        owner += [vi] * int(keep.sum())
    x, y, srcs, owner = np.concatenate(xs), np.concatenate(ys), np.array(srcs), np.array(owner)
    print(f"{len(videos)} videos, {len(x)} examples ({int(y.sum())} cuts), {len(set(srcs))} sources, "
          f"features in {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    # leave one source out: raw out-of-fold scores, then the scaling, then each fold's detections
    sources = sorted({v.source for v in videos})
    oof = np.zeros(len(x))
    fold_models = {}
    for src in sources:
        test = srcs == src
        g = fit(x[~test], y[~test])
        if test.any():
            oof[test] = g.decision_function(x[test])
        fold_models[src] = g
    a_b = platt(oof, y)
    scores: dict[str, list] = defaultdict(list)
    rules: dict[str, list] = defaultdict(list)
    dets: list = []
    per_video = []
    for vi, v in enumerate(videos):
        m = export(fold_models[v.source], a_b, "fold")
        found = transitions(feats[vi], settings=DetectSettings(detector="cutrate-model"), model=m)
        sc = evaluate(v.truth, [t.frame for t in found], tolerance=TOL, name=v.path.name)
        scores[v.set].append(sc)
        base = transitions(feats[vi], settings=DetectSettings())
        rules[v.set].append(evaluate(v.truth, [t.frame for t in base], tolerance=TOL, name=v.path.name))
        dets.append((sc, found))
        per_video.append({"set": v.set, "source": v.source, "video": v.path.name, "hits": sc.hits,
                          "misses": [r.start_frame for r in sc.misses],
                          "false_alarms": [fa.frame for fa in sc.false_alarms]})
    lines = ["| set | detector | videos | P | R | F1 | hits | misses | false alarms |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name in ("shared", "splices", "synthetic"):
        for label_, table in (("cutrate-model, leave-one-source-out", scores), ("cutrate (rules)", rules)):
            p = pool(table[name], name=name)
            lines.append(f"| {name} | {label_} | {len(table[name])} | {p.precision:.3f} | {p.recall:.3f} | "
                         f"{p.f1:.3f} | {p.hits} | {len(p.misses)} | {len(p.false_alarms)} |")
    print("\n".join(lines))
    print(reliability(dets, videos))
    Path(a.json).parent.mkdir(parents=True, exist_ok=True)
    Path(a.json).write_text(json.dumps({"per_video": per_video, "table": lines, "platt": a_b}, indent=1))

    import hashlib

    digest = hashlib.sha1(x.tobytes() + y.tobytes()).hexdigest()[:8]
    g = fit(x, y)
    final = export(g, a_b, f"2-{digest}")
    check = g.decision_function(x[:200])
    assert np.allclose(final.raw(x[:200]), check, atol=1e-9), "exported trees disagree with sklearn"
    if a.write:
        MODEL_OUT.write_text(json.dumps(final.to_dict(), separators=(",", ":")) + "\n")
        print(f"wrote {MODEL_OUT.relative_to(REPO)} ({MODEL_OUT.stat().st_size / 1024:.0f} KiB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
