"""Hard cuts.

``features.score`` is the structural change between a frame and the previous one,
measured block by block with local motion compensation.  A frame starts a new shot
when its score is at least ``threshold`` *and* exceeds the median score of its
neighbourhood (``context_s`` seconds on each side) by ``contrast``: fast motion,
shaky cameras and animation on twos raise the neighbourhood too, a cut does not.
A clean spike (:func:`spikes`: one frame far above every frame within three of it)
needs less: a cut between two framings of one scene can change little.
It must also show *evidence* of a boundary (see :func:`evidence`; short of it, the
fitted model's probability decides, SECOND_OPINION; the model may also make a cut of
a change that rises only OPINION_RISE of ``contrast`` and brought new colours), must not be an
in-shot flash or occlusion (:mod:`.flashes`), and must not be things moving over a
still background (unless it replaced the picture, :func:`replaced_picture`, or
brought new colours to the part of it that changed).  There
is no minimum shot length, so shots of two frames are found.

:func:`find_model` is the experimental alternative (detector ``cutrate-model``):
every local peak of the score is a candidate (:func:`.model.candidates`), and a
fitted model (:mod:`.model`) gives each the probability that it is a cut.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...settings import DetectSettings
from ...types import Features
from . import flashes
from .common import (DETAIL_BLOCKS, DETAIL_KEPT, REPLACED_COLOUR, SAME_PICTURE, Found, Thumbs,
                     rolling_median_excluding, sigmoid)
from .model import FEATURES, CutModel, candidates as model_candidates, default_model, describe

#: Smallest cut score into and out of a bright flash for the model's flash cuts
#: (the rules use ``threshold``).
FLASH_SCORE = 0.30

#: Animation on twos, threes or fours: drawings change every BEATS frames, each
#: change at least BEAT_SHARE of the candidate's, the frames between below
#: QUIET_SHARE of it.
BEATS = (2, 3, 4)
BEAT_SHARE = 0.5
QUIET_SHARE = 0.2
#: A clean spike: a change below ``threshold`` (or rising less than ``contrast``
#: above its neighbourhood) still is a cut candidate when it is at least SPIKE_SHARE
#: of ``threshold`` (and at most SPIKE_MARGIN below it, so a strict threshold stays
#: strict; at the default both give 0.12) and SPIKE_RATIO times every score within SPIKE_REACH
#: frames of it (a cut between two framings of one scene changes little, but only
#: on one frame; animation on threes changes again within three frames), and its
#: evidence is at least SPIKE_EVIDENCE times its score (a clean spike's rise over its
#: neighbours and its cross evidence each nearly equal its score; on the shared and
#: splice clips, 99 % of such cuts have at least 1.8 times).
SPIKE_SHARE = 0.6
SPIKE_MARGIN = 0.08
SPIKE_RATIO = 4.0
SPIKE_REACH = 3
SPIKE_EVIDENCE = 1.5
#: A clean spike that brought some new colours (REPLACED_COLOUR) replaced the
#: picture when it kept less than SPIKE_KEPT of its detail (:func:`replaced_picture`).
SPIKE_KEPT = 0.7
#: A candidate whose score and rise pass but whose evidence falls short is a cut
#: when the fitted model (:mod:`.model`) gives it at least SECOND_OPINION: a cut in
#: fast motion, whose neighbours and two-apart pairs change too, has little evidence.
SECOND_OPINION = 0.75
#: ... and so is a candidate short of ``contrast`` that rises at least OPINION_RISE
#: times ``contrast`` above its neighbourhood and brought new colours
#: (``moved_color``): a cut between two framings of one scene during fast motion
#: changes little more than the motion does.
OPINION_RISE = 0.5
#: The columns of :data:`.model.FEATURES` that :func:`.flashes.event_features` fills.
EVENT_COLUMNS = slice(len(FEATURES) - len(flashes.EVENT_FEATURES), len(FEATURES))
#: Candidates whose return tests' colours are computed in one batch
#: (:func:`.flashes.prefetch_returns`).
RETURN_BATCH = 32
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


def on_a_beat(score: np.ndarray, t: int) -> bool:
    """Whether the change at ``t`` keeps the beat of animation on twos, threes or
    fours: a change as large (at least BEAT_SHARE of it) two, three or four frames
    before and after it (only one side at the very start or end of the video), and quiet
    frames in between (below QUIET_SHARE of it).  A side on which a larger change
    (the next cut) comes before the beat may be left out when the other side
    keeps the beat for two beats; so may a side that holds still for two beats (a
    freeze: the animation stops after the change, or starts again with it)."""
    n = score.shape[0]
    s_t = float(score[t])

    def beat(b: int, step: int) -> bool:  # a beat at b, quiet from it to b + step
        between = slice(min(b, b + step) + 1, max(b, b + step))
        return 1 <= b < n and score[b] >= BEAT_SHARE * s_t and score[between].max() < QUIET_SHARE * s_t

    for k in BEATS:
        kept = []  # per side: the beat kept, once, twice, or the side left out (None)
        for d in (-1, 1):
            if not 1 <= t + d * k < n:
                continue  # the start or end of the video
            near = score[t + 1 : t + k + 1] if d > 0 else score[t - k : t]  # the frames up to that beat
            if beat(t + d * k, -d * k):
                kept.append(2 if beat(t + 2 * d * k, -d * k) else 1)
            elif float(near.max()) > s_t or _held(score, t, d, 2 * k):
                kept.append(None)
            else:
                kept.append(0)
        if kept and all(v != 0 for v in kept) and (None not in kept or 2 in kept):
            return True
    return False


def _held(score: np.ndarray, t: int, d: int, frames: int) -> bool:
    """Whether the picture holds still for ``frames`` frames after the change at
    ``t`` (``d`` = 1) or before it (``d`` = -1): every change below
    :data:`.flashes.MOVING`, a freeze (a pan or slow motion on twos changes more,
    however small beside a cut)."""
    span = score[t + 1 : t + 1 + frames] if d > 0 else score[max(0, t - frames) : t]
    return span.shape[0] == frames and float(span.max()) < flashes.MOVING


def static_share(thumbs: Thumbs, t: int) -> float:
    """Share of the picture that did not change from frame t-1 to t."""
    return thumbs.static(t - 1, t)


def replaced_picture(thumbs: Thumbs, t: int, color_change: float, spike: bool, s: DetectSettings) -> bool:
    """Whether frame ``t`` replaced the picture of frame ``t - 1`` rather than moved
    things in it: asked where its colours are found nearby (``color_change`` below
    ``moved_color``) and much of it did not change (a cut to another framing of one
    set, to another character in front of the same background, to the next title),
    and of every candidate by the return test (:func:`.flashes.return_after`).

    - A clean spike (``spike``, :func:`spikes`) that moved every edge of the picture
      (:meth:`.Thumbs.moved_every_edge`) replaced it.
    - So did a change that brought some new colours (at least REPLACED_COLOUR of
      ``moved_color``) and moved every edge, or, as a clean spike, kept less than
      SPIKE_KEPT of the picture's detail: a new drawing of the same character, a
      pose or a mouth, keeps both its colours and the rest of the drawing.
    """
    if spike and thumbs.moved_every_edge(t - 1, t):
        return True
    if color_change < REPLACED_COLOUR * s.moved_color:
        return False
    kept, count = thumbs.kept_detail(t - 1, t)
    return count >= DETAIL_BLOCKS and (kept < DETAIL_KEPT or (spike and kept < SPIKE_KEPT))


def spike_floor(threshold: float) -> float:
    """The smallest score of a clean spike for a given ``threshold``."""
    return max(SPIKE_SHARE * threshold, threshold - SPIKE_MARGIN)


def spikes(score: np.ndarray, threshold: float) -> np.ndarray:
    """Frames whose score is at least :func:`spike_floor` and SPIKE_RATIO times every
    score within SPIKE_REACH frames of it, bool [shape=(n,)]."""
    n = score.shape[0]
    padded = np.concatenate([np.zeros(SPIKE_REACH), score, np.zeros(SPIKE_REACH)])
    near = np.zeros(n)
    for d in range(1, SPIKE_REACH + 1):
        near = np.maximum(near, np.maximum(padded[SPIKE_REACH - d : SPIKE_REACH - d + n],
                                           padded[SPIKE_REACH + d : SPIKE_REACH + d + n]))
    out = (score >= spike_floor(threshold)) & (score >= SPIKE_RATIO * near)
    out[0] = False
    return out


def candidates(score: np.ndarray, rise: np.ndarray, s: DetectSettings, spike: np.ndarray | None = None) -> np.ndarray:
    """Frames whose score reaches ``threshold`` and rises ``contrast`` (or, for the
    fitted model's opinion, OPINION_RISE of it) above its neighbourhood, or that are
    clean spikes (``spike``), and are local maxima (ties go to the first frame)."""
    n = score.shape[0]
    peak = np.zeros(n, bool)
    peak[1:] = (score[1:] >= s.threshold) & (rise[1:] >= min(1.0, OPINION_RISE) * s.contrast)
    if spike is not None:
        peak |= spike
    left = np.concatenate([[-np.inf], score[:-1]])
    right = np.concatenate([score[1:], [-np.inf]])
    peak &= (score >= left) & (score > right)
    return np.flatnonzero(peak)


def find_model(features: Features, s: DetectSettings, thumbs: Thumbs, found: Found, *,
               model: CutModel | None = None, collect: list[tuple[int, np.ndarray]] | None = None) -> None:
    """Like :func:`find`, with the fitted model's decision: a candidate is a cut when
    its probability reaches ``min_probability``; the in-shot flashes and occlusions
    the model rejects are marked as events.

    ``collect``, when given, receives ``(frame, features)`` for every candidate that
    reached the model's decision, and no cut is added (how the training script
    gathers its examples).
    """
    frames, ctx = model_candidates(features)
    x = describe(features, frames, ctx)
    judged = []
    for i, t in enumerate(frames.tolist()):
        if found.taken[t] or _flash_cut(features, s, found, t, FLASH_SCORE, thumbs):
            continue
        x[i, EVENT_COLUMNS] = flashes.event_features(features, thumbs, t, s)
        judged.append(i)
    if collect is not None:
        collect.extend((int(frames[i]), x[i].copy()) for i in judged)
        return
    p = (model or default_model()).probability(x[judged]) if judged else np.zeros(0)
    for i, pi in zip(judged, p.tolist()):
        t = int(frames[i])
        if found.taken[t]:
            continue
        if pi >= s.min_probability:
            found.add("cut", t, t, t, pi)
        else:
            end = flashes.return_after(features, thumbs, t, float(features.score[t]), s)
            if end is not None:
                found.events[t : end + 1] = True  # an in-shot event: no dissolve over it


def _flash_cut(features: Features, s: DetectSettings, found: Found, t: int, min_score: float,
               thumbs: Thumbs) -> bool:
    """Whether ``t`` starts a bright flash into a new shot, with cut scores of at least
    ``min_score`` into and out of it (then it is added to ``found``).  A flash that
    comes back to the picture before it is no flash cut, nor are bright frames with
    a still picture of their own (:func:`.flashes.own_picture`)."""
    score = features.score
    end = flashes.flash_end(features.luma_mean, t, t - 1, s.flash_frames)
    if end is None or end >= features.n or score[end] < min_score:
        return False
    if flashes.own_picture(thumbs, t - 1, t, end - 1):
        return False  # a short bright shot: its way in and out are cuts of their own
    if thumbs.dis(t - 1, end) < SAME_PICTURE or thumbs.moved_only(t - 1, end, s, pan=True):
        return False  # back to the same picture, or the same scene moved on: a flash inside the shot
    conf = sigmoid((min(score[t], score[end]) - min_score) / FLASH_SCORE_UNIT)
    found.add("flash", end, t, end, conf)
    return True


def _event_or_flash(features: Features, s: DetectSettings, thumbs: Thumbs, found: Found, t: int,
                    cut_margin: Callable[[int], float | None], exits: set[int], replaced: bool) -> bool:
    """Whether the candidate at ``t`` is an in-shot event (marked in ``found``), the
    end of one, or a flash cut (added to ``found``).  A short insert shot that
    returns (:func:`.flashes.insert_exit`) is no event when both its cuts pass the cut
    tests (``cut_margin``); its way out is then added to ``exits``.  ``replaced``:
    the change at ``t`` replaced the picture (:func:`replaced_picture`)."""
    score = features.score
    event_end = flashes.return_after(features, thumbs, t, float(score[t]), s, replaced=replaced)
    if event_end is not None:
        out = flashes.insert_exit(features, thumbs, t, event_end, s)
        if out is not None and cut_margin(t) is not None and cut_margin(out) is not None:
            exits.add(out)
            return False
        found.mark(t, event_end, event=True)
        return True
    if t in exits:
        return False  # the cut out of an insert returns to the shot before it by design
    if flashes.ends_an_event(thumbs, features, t, s) or flashes.ends_an_occlusion(thumbs, t, s, features.info.frame_rate):
        return True
    return _flash_cut(features, s, found, t, s.threshold, thumbs)


def find(features: Features, s: DetectSettings, thumbs: Thumbs, found: Found) -> None:
    """Add the hard cuts (and the flash cuts met on the way) to ``found``; mark the
    in-shot flashes and occlusions as events."""
    score = features.score.astype(np.float64)
    ctx = rolling_median_excluding(score, max(1, round(s.context_s * features.info.frame_rate)))
    rise = score - ctx
    spike = spikes(score, s.threshold)

    def replaced(t: int) -> bool:
        """Whether the picture at ``t`` was replaced, not moved, though it kept its
        colours nearby and much of it is unchanged (:func:`replaced_picture`)."""
        return replaced_picture(thumbs, t, float(features.color_change[t]), bool(spike[t]), s)

    def main(t: int) -> bool:
        """Whether the score at ``t`` reaches ``threshold`` and rises ``contrast``."""
        return bool(score[t] >= s.threshold and rise[t] >= s.contrast)

    def weak(t: int) -> bool:
        """Whether the change at ``t``, short of ``contrast``, is one the model may
        still make a cut (OPINION_RISE): it brought new colours (``moved_color``);
        a weak change whose colours are all found nearby is motion."""
        return bool(score[t] >= s.threshold and rise[t] >= OPINION_RISE * s.contrast
                    and features.color_change[t] >= s.moved_color)

    opinions: dict[int, float] = {}
    model_ctx: np.ndarray | None = None

    def second_opinion(t: int) -> float:
        """The fitted model's probability that ``t`` is a cut (:mod:`.model`)."""
        nonlocal model_ctx
        if t not in opinions:
            if model_ctx is None:
                model_ctx = model_candidates(features)[1]
            x = describe(features, np.array([t]), model_ctx)
            x[0, EVENT_COLUMNS] = flashes.event_features(features, thumbs, t, s)
            opinions[t] = float(default_model().probability(x)[0])
        return opinions[t]

    def cut_margin(t: int) -> float | None:
        """The smallest margin of frame ``t`` over the cut tests (None: it fails one)."""
        ev = evidence(features, t)
        if main(t) and ev >= s.evidence:
            margins = ((score[t] - s.threshold) / SCORE_UNIT, (rise[t] - s.contrast) / RISE_UNIT,
                       (ev - s.evidence) / EVIDENCE_UNIT)
        elif spike[t] and ev >= SPIKE_EVIDENCE * score[t]:
            margins = ((score[t] - spike_floor(s.threshold)) / SCORE_UNIT, (ev - SPIKE_EVIDENCE * score[t]) / EVIDENCE_UNIT)
        elif (main(t) or weak(t)) and second_opinion(t) >= SECOND_OPINION:
            # the rules' signs it fell short of set its confidence
            margins = ((ev - s.evidence) / EVIDENCE_UNIT, (rise[t] - s.contrast) / RISE_UNIT)
        else:
            return None
        if features.color_change[t] < s.moved_color:
            if on_a_beat(features.score, t):
                return None  # the same colours nearby and a steady beat: a new drawing
            still = static_share(thumbs, t)
            # the colours that changed are judged on the part that changed: new
            # shapes in front of a still background bring new colours to it
            if still >= s.moved_static and features.color_change[t] < s.moved_color * (1.0 - still) and not replaced(t):
                return None  # the same colours nearby and much of the picture unchanged: things moved
        return min(margins)

    exits: set[int] = set()
    frames = candidates(score, rise, s, spike).tolist()
    for j, t in enumerate(frames):
        if j % RETURN_BATCH == 0:
            flashes.prefetch_returns(features, thumbs, frames[j : j + RETURN_BATCH], s)
        if found.taken[t]:
            continue
        if not (spike[t] or main(t)) and not (weak(t) and second_opinion(t) >= SECOND_OPINION):
            continue  # a weak change that only the model's opinion could make a cut: no event either
        if _event_or_flash(features, s, thumbs, found, t, cut_margin, exits, replaced(t)):
            continue
        margin = cut_margin(t)
        if margin is not None:
            found.add("cut", t, t, t, sigmoid(margin + CUT_MARGIN_SHIFT))
