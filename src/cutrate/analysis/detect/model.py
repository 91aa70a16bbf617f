"""The hard-cut decision: a small fitted model over a few numbers per candidate.

Each candidate frame (a local peak of the cut score, see :func:`candidates`) is
described by :data:`FEATURES`, numbers that say how much the picture changed and
how much that change stands out from its neighbourhood: the score, its ratio *and*
difference to the frames around it, the two-apart cross evidence, the colour and
histogram change, the still share of the picture and the brightness.  Boosted
trees fitted by ``benchmarks/train_detector.py`` (deterministic, on same-film
splices, the shared clips and synthetic clips, validated leave-one-source-out) map
them to a raw score, and a Platt scaling fitted on out-of-fold predictions turns it
into a calibrated probability that the candidate is a hard cut.  The trees are a
JSON file shipped with the package (:data:`MODEL_FILE`) and evaluated in numpy.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

from ...types import Features
from .common import rolling_median_excluding, static_between
from .flashes import EVENT_FEATURES

MODEL_FILE = "cut_model.json"
FORMAT = "cutrate-cut-model-1"
#: A candidate is a local maximum of the score at least this high ...
GATE_SCORE = 0.05
#: ... standing at least this far above the median of its neighbourhood.
GATE_RISE = 0.02
#: Half-width, in seconds, of the neighbourhood (as for the rules' ``context_s``).
CONTEXT_S = 0.25
#: Offset that keeps the ratios finite on still pictures.
EPS = 0.01

FEATURES = (
    "score",             # structural change from the previous frame
    "rise",              # score minus the neighbourhood's median
    "log_ratio_ctx",     # log of score over the neighbourhood's median
    "log_ratio_next",    # log of score over the larger of the two adjacent scores
    "log_ratio_near",    # log of score over the largest score within 2 frames (t excluded)
    "ctx_max",           # largest score in the neighbourhood (t excluded)
    "cross",             # change between frames two apart across the boundary
    "cross_excess",      # cross minus the same measure beside the boundary
    "hist_diff",         # colour-histogram change
    "hist_rise",         # hist_diff minus its neighbourhood's median
    "color_change",      # colours not found nearby in the previous frame
    "static_share",      # share of the picture that did not change at all
    "luma_dark",         # the darker frame's mean luma
    "luma_flat",         # the flatter frame's luma standard deviation
    "luma_jump",         # absolute change of mean luma
    *EVENT_FEATURES,     # does the picture return? (.flashes.event_features)
)


def candidates(features: Features) -> tuple[np.ndarray, np.ndarray]:
    """Candidate frames (local maxima of the score over the gate) and the median
    score of each frame's neighbourhood (for every frame)."""
    score = features.score.astype(np.float64)
    half = max(1, round(CONTEXT_S * features.info.frame_rate))
    ctx = rolling_median_excluding(score, half)
    left = np.concatenate([[-np.inf], score[:-1]])
    right = np.concatenate([score[1:], [-np.inf]])
    peak = (score >= GATE_SCORE) & (score - ctx >= GATE_RISE) & (score >= left) & (score > right)
    peak[:1] = False
    return np.flatnonzero(peak), ctx


def describe(features: Features, frames: np.ndarray, ctx: np.ndarray) -> np.ndarray:
    """The :data:`FEATURES` of each candidate frame, one row per frame, without the
    event features (their columns are left 0: the detector fills them in, they
    cost more)."""
    t = np.asarray(frames, dtype=np.int64)
    n = features.n
    out = np.zeros((t.size, len(FEATURES)), np.float64)
    if t.size == 0:
        return out
    s = features.score.astype(np.float64)
    s2 = features.score2.astype(np.float64)
    pad = 2
    sp = np.pad(s, pad)
    s2p = np.pad(s2, pad)
    at = lambda a, k: a[t + pad + k]  # noqa: E731 - a shifted view, edges zero
    st = s[t]
    nxt = np.maximum(at(sp, -1), at(sp, 1))
    near = np.maximum(nxt, np.maximum(at(sp, -2), at(sp, 2)))
    half = max(1, round(CONTEXT_S * features.info.frame_rate))
    w = np.lib.stride_tricks.sliding_window_view(np.pad(s, half), 2 * half + 1)[t].copy()
    w[:, half] = 0.0
    cross = np.minimum(at(s2p, 0), at(s2p, 1))
    beside = np.minimum(np.where(t - 1 >= 2, at(s2p, -1), np.inf), np.where(t + 2 < n, at(s2p, 2), np.inf))
    beside = np.where(np.isfinite(beside), beside, 0.0)
    hd = features.hist_diff.astype(np.float64)
    hctx = rolling_median_excluding(hd, half)
    lm = features.luma_mean.astype(np.float64)
    ls = features.luma_std.astype(np.float64)
    static = np.array([static_between(features.thumb_y[i - 1], features.thumb_y[i]) for i in t])
    cols = {
        "score": st,
        "rise": st - ctx[t],
        "log_ratio_ctx": np.log((st + EPS) / (ctx[t] + EPS)),
        "log_ratio_next": np.log((st + EPS) / (nxt + EPS)),
        "log_ratio_near": np.log((st + EPS) / (near + EPS)),
        "ctx_max": w.max(axis=1),
        "cross": cross,
        "cross_excess": cross - beside,
        "hist_diff": hd[t],
        "hist_rise": hd[t] - hctx[t],
        "color_change": features.color_change.astype(np.float64)[t],
        "static_share": static,
        "luma_dark": np.minimum(lm[t - 1], lm[t]),
        "luma_flat": np.minimum(ls[t - 1], ls[t]),
        "luma_jump": np.abs(lm[t] - lm[t - 1]),
    }
    for j, name in enumerate(FEATURES[: len(FEATURES) - len(EVENT_FEATURES)]):
        out[:, j] = cols[name]
    return out


@dataclass(frozen=True)
class CutModel:
    """Boosted regression trees over :data:`FEATURES` plus a Platt scaling.

    Trees are stored flat: for node ``k`` of tree ``i``, ``feature[i][k]`` (``-1`` at
    a leaf), ``threshold`` (go left when the value is ``<=`` it), ``left``,
    ``right`` and ``value`` (a leaf's contribution, already scaled by the
    learning rate).
    """

    features: tuple[str, ...]
    base: float
    feature: np.ndarray  # (trees, nodes) int
    threshold: np.ndarray  # (trees, nodes) float
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    platt_a: float
    platt_b: float
    depth: int
    version: str

    @classmethod
    def from_dict(cls, d: dict) -> CutModel:
        if d.get("format") != FORMAT:
            raise ValueError(f"not a cutrate cut model (format {d.get('format')!r})")
        if tuple(d["features"]) != FEATURES:
            raise ValueError("the model was fitted on other features than this version computes")
        trees = d["trees"]
        width = max(len(tr["feature"]) for tr in trees)

        def grid(key: str, dtype, fill) -> np.ndarray:
            a = np.full((len(trees), width), fill, dtype)
            for i, tr in enumerate(trees):
                a[i, : len(tr[key])] = tr[key]
            return a

        return cls(tuple(d["features"]), float(d["base"]), grid("feature", np.int64, -1),
                   grid("threshold", np.float64, 0.0), grid("left", np.int64, 0), grid("right", np.int64, 0),
                   grid("value", np.float64, 0.0), float(d["platt"][0]), float(d["platt"][1]),
                   int(d["depth"]), str(d["version"]))

    def to_dict(self) -> dict:
        trees = []
        for i in range(self.feature.shape[0]):
            trees.append({k: getattr(self, k)[i].tolist() for k in ("feature", "threshold", "left", "right", "value")})
        return {"format": FORMAT, "version": self.version, "features": list(self.features), "base": self.base,
                "depth": self.depth, "platt": [self.platt_a, self.platt_b], "trees": trees}

    def raw(self, x: np.ndarray) -> np.ndarray:
        """The trees' summed output for each row of ``x`` (log-odds before scaling)."""
        x = np.asarray(x, np.float32).astype(np.float64)  # compared as the trees were fitted
        m = x.shape[0]
        total = np.full(m, self.base)
        if m == 0:
            return total
        rows = np.arange(m)
        for i in range(self.feature.shape[0]):
            node = np.zeros(m, np.int64)
            f, thr, lo, hi = self.feature[i], self.threshold[i], self.left[i], self.right[i]
            for _ in range(self.depth):
                fi = f[node]
                inner = fi >= 0
                go_left = x[rows, np.where(inner, fi, 0)] <= thr[node]
                node = np.where(inner, np.where(go_left, lo[node], hi[node]), node)
            total += self.value[i][node]
        return total

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probability that each row is a hard cut."""
        z = self.platt_a * self.raw(x) + self.platt_b
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


@functools.cache
def default_model() -> CutModel:
    """The model shipped with this version of cutrate."""
    text = resources.files(__package__).joinpath(MODEL_FILE).read_text()
    return CutModel.from_dict(json.loads(text))

