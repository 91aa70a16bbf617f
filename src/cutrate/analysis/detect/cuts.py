"""Hard cuts.

``features.score`` is the structural change between a frame and the previous one,
measured block by block with local motion compensation.  A frame starts a new shot
when its score is at least ``threshold`` *and* exceeds the median score of its
neighbourhood (``context_s`` seconds on each side) by ``contrast``: fast motion,
shaky cameras and animation on twos raise the neighbourhood too, a cut does not.
It must also show *evidence* of a boundary (see :func:`evidence`), must not be an
in-shot flash or occlusion (:mod:`.flashes`), and must not be things moving over a
still background.  There is no minimum shot length, so shots of two frames are
found.
"""

from __future__ import annotations

import numpy as np

from ...settings import DetectSettings
from ...types import Features
from . import flashes
from .common import Found, Thumbs, rolling_median_excluding, sigmoid, static_between

#: Confidence of a cut: a sigmoid of its smallest margin over the three thresholds,
#: each in these units, shifted by CUT_MARGIN_SHIFT.
SCORE_UNIT = 0.04
RISE_UNIT = 0.04
EVIDENCE_UNIT = 0.06
CUT_MARGIN_SHIFT = 1.0
#: Confidence of a flash cut: a sigmoid of the smaller of the scores into and out of
#: the flash over ``threshold``, in this unit.
FLASH_SCORE_UNIT = 0.05


def evidence(features: Features, t: int) -> float:
    """How strongly the change at frame ``t`` looks like a cut rather than motion.

    The sum of: the score's rise over both neighbouring frames (a cut is an
    isolated peak, motion is continuous); the excess of frame pairs two apart that
    straddle the boundary over pairs two apart beside it (after a cut the frames
    on either side stay alike); and the colour-histogram change.
    """
    s1, s2 = features.score, features.score2
    n = features.n
    spike = s1[t] - max(s1[t - 1] if t >= 1 else 0.0, s1[t + 1] if t + 1 < n else 0.0)
    cross = min(s2[t], s2[t + 1]) if t + 1 < n else s2[t]
    beside = [s2[i] for i in (t - 1, t + 2) if 2 <= i < n]
    within = min(beside) if beside else 0.0
    return float(max(spike, 0.0) + max(cross - within, 0.0) + features.hist_diff[t])


def static_share(features: Features, t: int) -> float:
    """Share of the picture that did not change from frame t-1 to t."""
    return static_between(features.thumb_y[t - 1], features.thumb_y[t])


def candidates(score: np.ndarray, rise: np.ndarray, s: DetectSettings) -> np.ndarray:
    """Frames whose score reaches ``threshold``, rises ``contrast`` above its
    neighbourhood and is a local maximum (ties go to the first frame)."""
    n = score.shape[0]
    peak = np.zeros(n, bool)
    peak[1:] = (score[1:] >= s.threshold) & (rise[1:] >= s.contrast)
    left = np.concatenate([[-np.inf], score[:-1]])
    right = np.concatenate([score[1:], [-np.inf]])
    peak &= (score >= left) & (score > right)
    return np.flatnonzero(peak)


def find(features: Features, s: DetectSettings, thumbs: Thumbs, found: Found) -> None:
    """Add the hard cuts (and the flash cuts met on the way) to ``found``; mark the
    in-shot flashes and occlusions as events."""
    n = features.n
    score = features.score.astype(np.float64)
    ctx = rolling_median_excluding(score, max(1, round(s.context_s * features.info.frame_rate)))
    rise = score - ctx
    for t in candidates(score, rise, s):
        if found.taken[t]:
            continue
        event_end = flashes.return_after(features, thumbs, int(t), float(score[t]), s)
        if event_end is not None:
            found.mark(int(t), event_end, event=True)
            continue
        if flashes.ends_an_event(thumbs, features, int(t), s):
            continue
        flash_end = flashes.flash_end(features.luma_mean, t, t - 1, s.flash_frames)
        if flash_end is not None and flash_end < n and score[flash_end] >= s.threshold:
            conf = sigmoid((min(score[t], score[flash_end]) - s.threshold) / FLASH_SCORE_UNIT)
            found.add("flash", flash_end, int(t), flash_end, conf)
            continue
        ev = evidence(features, int(t))
        if ev < s.evidence:
            continue
        if features.color_change[t] < s.moved_color and static_share(features, int(t)) >= s.moved_static:
            continue  # the same colours nearby and much of the picture unchanged: things moved
        margin = min((score[t] - s.threshold) / SCORE_UNIT, (rise[t] - s.contrast) / RISE_UNIT,
                     (ev - s.evidence) / EVIDENCE_UNIT)
        found.add("cut", int(t), int(t), int(t), sigmoid(margin + CUT_MARGIN_SHIFT))
