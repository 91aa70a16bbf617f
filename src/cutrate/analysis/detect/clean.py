"""The features as the detectors should see them.

Three things in a video change what the per-frame features say without changing
what a viewer sees:

- **Letterbox and pillarbox bars.**  The decoder measures luma over the whole
  frame, bars included; :func:`picture_luma` measures it inside them.
- **Blended frames.**  A video converted to another frame rate by blending
  frames (24 to 30 fps, PAL to NTSC), or deinterlaced across a cut that fell
  between two fields, shows one frame that is a mix of the last frame of a shot
  and the first of the next.  The cut is spread over two frames, each with part
  of its change, and the colours of the old shot are still in the blend: the cut
  tests, which ask about one frame against the one before, see two half cuts.
  :func:`unblend` finds such frames and shows each as the shot it mostly is, so
  the cut is one frame with all of its change, as in the video before the
  conversion.
- **Repeated frames of a frame-rate conversion.**  24 fps converted to 30 by
  repeating frames repeats every fifth frame (25 to 30, every sixth; 24 to 60,
  three frames of every five; at 48 fps or more, 30 to 60 every second frame).
  Below 48 fps, every second frame repeated is animation on twos held in step,
  not a conversion.  Next to a repeat, a change looks like an isolated spike, and
  animation on twos or threes loses its steady beat (a drawing held 2 frames
  becomes 2 or 3): the cut tests take drawing changes and motion for cuts.
  :func:`conversion_repeats` finds repeats that come at a steady period where the
  picture moves (at 48 fps or more without one, those beyond what each picture
  showed at 24 fps); detection leaves them out (:func:`without_frames`), which
  restores the video as it was before the conversion, and gives its transitions at
  the video's own frames (:func:`on_all_frames`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from ...settings import DetectSettings
from ...types import Features, Transition
from .common import Thumbs, active_area, structure_correlation

#: A frame is a blend of its neighbours when its thumbnail (luma and chroma) is
#: within BLEND_FIT of their mean absolute difference from a weighted mean of them,
#: at a weight between BLEND_WEIGHT and 1 - BLEND_WEIGHT, and the neighbours differ
#: by at least BLEND_CONTRAST levels (0..255).
BLEND_FIT = 0.12
BLEND_WEIGHT = 0.1
BLEND_CONTRAST = 10.0
#: ... where the change across it (frame after against frame before, ``score2``)
#: reaches ``threshold``, each of its two steps has at least STEP_SHARE of that
#: change, and the steps before and after them less than QUIET_SHARE of the smaller
#: of the two: one change spread over two frames, not a fade, a dissolve, a pan or
#: motion, whose steps go on at the same pace.
STEP_SHARE = 0.15
QUIET_SHARE = 0.8
#: ... and neither neighbour is flat or nearly (luma spread below FADED_STD times
#: ``flat_std``): a mix with a flat frame is a step of a fade.
FADED_STD = 2.0
#: ... and the frames either side are two pictures: the detail of their thumbnails
#: correlates less than SAME_LAYOUT (:func:`.common.structure_correlation`; a fade
#: within a shot keeps it near 1).
SAME_LAYOUT = 0.9
#: Not at MAX_BLEND_FPS frames a second or more: a conversion that blends frames up
#: to 50 or 60 mixes two or three frames into every step, a cut is spread over
#: more than one, and single mixes in motion pass the tests above (converted to 60,
#: the real clips gained 84 cuts and 62 false ones; ``benchmarks/converted.py``).
MAX_BLEND_FPS = 48.0


#: A frame repeats the one before it when its cut score is at most REPEAT_SCORE and
#: its thumbnail's luma differs from the one before by at most REPEAT_LEVEL levels
#: on average (0..255; the cut score forgives small motion, a repeat has none); a
#: frame is in motion when the thumbnail of some frame within MOVING_REACH of it
#: differs from the one before by at least MOVING_LEVEL (in a still shot every frame
#: repeats the one before).
REPEAT_SCORE = 0.03
REPEAT_LEVEL = 1.5
MOVING_LEVEL = 3.0
MOVING_REACH = 2
#: Conversion repeats come at some phases of a period of PERIODS frames
#: (:func:`conversion_repeats`: PHASE_SHARE, OTHER_SHARE, BLOCK_PERIODS), with at
#: least MIN_MOVING frames in motion at each phase.  At DOUBLED_FPS frames a second
#: or more, DOUBLED_PERIODS too: every second frame (30 to 60 fps), and six of 10
#: (24 made 30, then 60).  Below it, a frame repeated every second frame all through
#: a video is animation on twos held in step, no conversion.
PERIODS = (5, 6, 4, 12)
DOUBLED_PERIODS = (2, 10)
DOUBLED_FPS = 47.0
BLOCK_PERIODS = 12
PHASE_SHARE = 0.9
OTHER_SHARE = 0.6
MIN_MOVING = 6
#: At DOUBLED_FPS or more, a video with no steady phase (each shot converted on its
#: own by an editor's timeline, whose phase moves at every cut) keeps of each run of
#: one picture as many frames as it showed at FILM_FPS
#: (:func:`_run_repeats`): 24 fps footage is shown 2 or 3 times a frame at 60, 25 or
#: 30 fps footage 2 or 3 times, a drawing held 2 frames 4 or 5 times.
FILM_FPS = 24.0
#: ... when at least RUN_SHARE of its frames in motion repeat the one before (a
#: conversion from 30 fps or less to 48 or more repeats half of them or more; a
#: blending conversion, whose slow motion passes the repeat test, a few).
RUN_SHARE = 0.3


def picture_luma(features: Features) -> Features:
    """``features`` with ``luma_mean`` and ``luma_std`` of the active picture when the
    video has letterbox or pillarbox bars (:func:`.common.active_area`), else
    ``features``.

    Measured over the whole frame, bars included, a white or grey frame between
    black bars is far from uniform, and a flash in a 2.39:1 picture is a quarter
    darker than the same flash filling the frame.  Inside the bars, from the
    thumbnails less the row or column at each barred edge (it may hold some bar),
    a flash, a fade through white and a fade through black whose black is not the
    bars' are as flat as they are without bars.
    """
    _, h, w = features.thumb_y.shape
    row_sl, col_sl = active_area(features.thumb_y)
    rows, cols = range(h)[row_sl], range(w)[col_sl]
    if len(rows) == h and len(cols) == w:
        return features

    def inner(r: range, size: int) -> slice:
        return slice(r.start + (r.start > 0), r.stop - (r.stop < size))

    y = features.thumb_y[:, inner(rows, h), inner(cols, w)]
    y = y.reshape(features.n, -1).astype(np.float64)
    return dataclasses.replace(features, luma_mean=y.mean(axis=1).astype(np.float32),
                               luma_std=y.std(axis=1).astype(np.float32))


def blend_weight(features: Features, b: int) -> float | None:
    """The weight of frame ``b + 1`` in frame ``b`` when frame ``b`` is a blend of
    frames ``b - 1`` and ``b + 1`` (BLEND_FIT, BLEND_WEIGHT, BLEND_CONTRAST), else None."""
    if not 1 <= b < features.n - 1:
        return None
    k = np.array([b - 1, b, b + 1])
    v = np.concatenate([features.thumb_y[k].reshape(3, -1), features.thumb_uv[k].reshape(3, -1)], axis=1)
    a, x, c = v.astype(np.float64)
    d = c - a
    scale = float(np.abs(d).mean())
    if scale < BLEND_CONTRAST:
        return None
    w = float((x - a) @ d) / float(d @ d)
    if not BLEND_WEIGHT <= w <= 1.0 - BLEND_WEIGHT:
        return None
    return w if float(np.abs(x - a - w * d).mean()) <= BLEND_FIT * scale else None


def blended_frames(features: Features, s: DetectSettings) -> list[tuple[int, float]]:
    """The blended frames between two shots, each with the weight of the frame after
    it (:func:`blend_weight`), in order; none next to another."""
    score, across = features.score.astype(np.float64), features.score2.astype(np.float64)
    n = features.n
    if n < 4 or features.info.frame_rate >= MAX_BLEND_FPS:
        return []
    b = np.arange(1, n - 2)
    x = across[b + 1]  # frame b + 1 against frame b - 1
    step = np.minimum(score[b], score[b + 1])
    ok = ((x >= s.threshold) & (step >= STEP_SHARE * x)
          & (np.maximum(score[b - 1], score[b + 2]) < QUIET_SHARE * step))
    # next to a flat frame, a mix is a step of a fade from or to black or white
    std = features.luma_std
    ok &= (np.minimum(std[b - 1], std[b + 1]) >= FADED_STD * s.flat_std)
    out: list[tuple[int, float]] = []
    for f in b[ok].tolist():
        if out and f - out[-1][0] < 2:
            continue
        if structure_correlation(features.thumb_y[f - 1], features.thumb_y[f + 1]) >= SAME_LAYOUT:
            continue  # one picture at two brightnesses: a step of a fade
        w = blend_weight(features, f)
        if w is not None:
            out.append((f, w))
    return out


def unblend(features: Features, s: DetectSettings) -> Features:
    """``features`` with every blended frame between two shots (:func:`blended_frames`)
    shown as the shot it mostly is: a copy of the frame after it (its weight is at
    least a half) or of the frame before, so that the whole change of the cut falls on
    one frame; ``features`` itself when there is none.  The change across the blend
    (``score2``, and the colours of :meth:`.Thumbs.color_change`) becomes the cut's, the
    other step a repeated frame's."""
    found = blended_frames(features, s)
    if not found:
        return features
    thumbs = Thumbs(features)
    arrays = {k: getattr(features, k).copy() for k in
              ("score", "score2", "color_change", "hist_diff", "luma_mean", "luma_std", "thumb_y", "thumb_uv")}
    score, score2, cc, hist = arrays["score"], arrays["score2"], arrays["color_change"], arrays["hist_diff"]
    n = features.n
    for b, w in found:
        cut, rep, like = (b, b + 1, b + 1) if w >= 0.5 else (b + 1, b, b - 1)
        across = float(features.score2[b + 1])
        colours = thumbs.color_change(b - 1, b + 1)
        for k in ("luma_mean", "luma_std", "thumb_y", "thumb_uv"):
            arrays[k][b] = getattr(features, k)[like]
        score[cut], score[rep] = across, 0.0
        cc[cut], cc[rep] = max(colours, float(features.color_change[b]), float(features.color_change[b + 1])), 0.0
        hist[cut], hist[rep] = min(1.0, float(features.hist_diff[b] + features.hist_diff[b + 1])), 0.0
        # two frames apart: frame b now repeats one neighbour, so pairs across it
        # are the change across the blend, pairs beside it a single step
        if w >= 0.5:  # b shows b + 1: (b, b - 2) crosses the cut, (b + 2, b) is one step
            score2[b] = max(float(features.score2[b]), across)
            if b + 2 < n:
                score2[b + 2] = float(features.score[b + 2])
        else:  # b shows b - 1: (b, b - 2) is one step, (b + 2, b) crosses the cut
            score2[b] = float(features.score[b - 1])
            if b + 2 < n:
                score2[b + 2] = max(float(features.score2[b + 2]), across)
    score2[:2] = 0.0  # frames 0 and 1 have no frame two before them
    return dataclasses.replace(features, **arrays)


def conversion_repeats(features: Features) -> np.ndarray:
    """Frames that repeat the frame before them at the steady period of a frame-rate
    conversion, bool [shape=(n,)].

    Over the whole video, at least PHASE_SHARE of the frames in motion at some
    phases of a period of PERIODS repeat (one phase of 5 for 24 to 30 fps, three of
    5 for 24 to 60, seven of 12 for 25 to 60, at DOUBLED_FPS or more one of 2 or six
    of 10 too), and at most OTHER_SHARE of those at each other phase.  Animation on
    twos and threes repeats too, at phases that depend on the shot (a drawing held
    three frames, a cut, move them); converted, it can repeat at the conversion's
    phase and another all through a shot, so only the whole video tells which
    phases are the conversion's; and phases of a longer period that repeat at a
    shorter one (every second of 4) are animation on twos, not a conversion.  Of
    the periods that qualify, the one whose phases explain the most frames wins.
    Its repeats are left out block by block
    (BLOCK_PERIODS periods, with as much around it on either side) where they hold
    there too: a video edited after its conversion moves the phase at its cuts.
    At DOUBLED_FPS or more, a video with no steady phase at all is cut down run by
    run to about FILM_FPS (:func:`_run_repeats`)."""
    n = features.n
    out = np.zeros(n, bool)
    score = features.score.astype(np.float64)
    periods = PERIODS + (DOUBLED_PERIODS if features.info.frame_rate >= DOUBLED_FPS else ())
    if n < 4 * max(periods):
        return out
    y = features.thumb_y.reshape(n, -1)
    still = np.concatenate([[0.0], np.abs(np.diff(y.astype(np.int16), axis=0)).mean(axis=1)])
    repeat = (score <= REPEAT_SCORE) & (still <= REPEAT_LEVEL)
    repeat[0] = False  # the first frame repeats nothing
    pad = np.concatenate([np.zeros(MOVING_REACH), still, np.zeros(MOVING_REACH)])
    moving = np.max([pad[d : d + n] for d in range(2 * MOVING_REACH + 1)], axis=0) >= MOVING_LEVEL
    idx = np.arange(n)

    def share(sel: np.ndarray, lo: int = 0, hi: int = n) -> float:
        """Of the frames ``lo..hi-1`` in motion and in ``sel``, the share that repeat."""
        m = moving[lo:hi] & sel[lo:hi]
        return float(repeat[lo:hi][m].mean()) if m.sum() >= MIN_MOVING else np.nan

    # the period and phases that explain the most repeats
    best: tuple[float, int, np.ndarray] | None = None
    for p in periods:
        shares = np.array([share(idx % p == k) for k in range(p)])
        if np.isnan(shares).any():
            continue
        phases = np.flatnonzero(shares >= PHASE_SHARE)
        rest = np.delete(shares, phases)
        if not 1 <= phases.size < p or rest.max() > OTHER_SHARE or _shorter_period(set(phases.tolist()), p):
            continue
        if best is None or phases.size / p > best[0]:
            best = (phases.size / p, p, phases)
    if best is None:
        if features.info.frame_rate >= DOUBLED_FPS and moving.any() and repeat[moving].mean() >= RUN_SHARE:
            # no steady phase (edited after its conversion, or footage converted
            # from several rates): every picture shown about fps / FILM_FPS times
            return _run_repeats(repeat, features.info.frame_rate / FILM_FPS)
        return out
    _, p, phases = best
    at = np.isin(idx % p, phases)
    block = BLOCK_PERIODS * p
    for b0 in range(0, n, block):
        if share(at, max(0, b0 - block), b0 + 2 * block) >= PHASE_SHARE:
            sel = slice(b0, b0 + block)
            out[sel] = repeat[sel] & at[sel]
    return out


def _run_repeats(repeat: np.ndarray, k: float) -> np.ndarray:
    """The repeats to leave out of runs of one picture shown ``k`` times a source
    frame on average: of a run of ``L`` frames, ``round(L / k)`` are kept (at least
    one, spread evenly from the first), the rest left out; still shots too, so the
    whole video is seen at about one rate."""
    n = repeat.shape[0]
    out = np.zeros(n, bool)
    starts = np.flatnonzero(~repeat)
    ends = np.append(starts[1:], n)
    for a, b in zip(starts.tolist(), ends.tolist()):
        length = b - a
        if length > 1:
            m = max(1, int(round(length / k)))
            out[a + 1 : b] = True
            out[[a + int(round(i * length / m)) for i in range(1, m)]] = False
    return out


def _shorter_period(phases: set[int], p: int) -> bool:
    """Whether a set of phases of period ``p`` repeats at a shorter period: animation
    on twos (every second phase) or threes, not a conversion."""
    return any(p % d == 0 and {(k + d) % p for k in phases} == phases for d in range(1, p))


def without_frames(features: Features, drop: np.ndarray) -> Features:
    """``features`` with the frames in ``drop`` (repeats of the frame before them)
    left out.  The change into a kept frame is then its change from the last kept
    frame, the same numbers (the dropped frame showed that frame); only its change
    two kept frames back, across a dropped one, was never measured, and is taken
    as the larger of its two steps."""
    keep = np.flatnonzero(~drop)
    arrays = {k: getattr(features, k)[keep] for k in Features.ARRAYS}  # copies: free to change
    after_drop = np.flatnonzero(drop[keep - 1] & (keep > 0))  # kept frames right after a dropped one
    score = arrays["score"]
    arrays["score2"][after_drop] = np.maximum(score[after_drop], score[np.maximum(after_drop - 1, 0)])
    score[0] = 0.0
    arrays["score2"][:2] = 0.0
    info = dataclasses.replace(features.info, fps=features.info.frame_rate * keep.size / features.n)
    # the stills and PySceneDetect's scores are per frame of the video: not for this view
    return dataclasses.replace(features, info=info, stills=None, content_val=None, **arrays)


def on_all_frames(keep: np.ndarray, times: np.ndarray) -> Callable[[Transition], Transition]:
    """Maps a transition found on the kept frames ``keep`` (indices into the video)
    back to the video's own frames and timestamps ``times``."""

    def back(t: Transition) -> Transition:
        frame = int(keep[t.frame])
        # a span starts after the last copy of the frame before it moved (a repeat
        # adds nothing to a fade-out); its frame and end are where the new picture
        # is first shown
        start = int(keep[t.start_frame + 1]) - 1 if t.start_frame < t.frame else frame
        return dataclasses.replace(t, frame=frame, time=float(times[frame]),
                                   start_frame=start, end_frame=int(keep[t.end_frame]))

    return back
