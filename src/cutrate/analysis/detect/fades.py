"""Fades and flashes through flat frames.

A run of flat black (or white) frames between two shots is one ``fade`` spanning
the fade-out, the flat frames and the fade-in; a short bright run into a different
shot is a ``flash``; a short run that returns to the same picture is an in-shot
flash or a dropped frame.  Black leaders and tails at the very start or end of a
video are not transitions.
"""

from __future__ import annotations

import numpy as np

from ...settings import DetectSettings
from ...types import Features
from . import flashes
from .common import SAME_PICTURE, Found, Thumbs, runs

#: A flat frame is this dark (luma mean below) or this bright (above), 0..255.
FLAT_DARK = 48.0
FLAT_BRIGHT = 200.0
#: A flat run brighter than this (mean luma) is a flash, not a fade.
FLASH_MEAN = 128.0
#: Longest fade-out or fade-in followed from a flat run, in seconds.
FADE_WALK_S = 2.0
#: Confidence of a flash cut; of a fade is FADE_CONFIDENCE plus up to FADE_DARKNESS
#: for flat frames darker than ``flat_std``; of either when the picture after it is
#: the one before it.
FLASH_CONFIDENCE = 0.9
FADE_CONFIDENCE = 0.85
FADE_DARKNESS = 0.15
SAME_PICTURE_CONFIDENCE = 0.6
#: The frames next to a short dark run were faded when their contrast (luma standard
#: deviation) is below FADED times that of the frame where the fade began or ended.
FADED = 0.5
#: A fade-out or fade-in is abrupt (a hard cut to or from the flat run) when the
#: frame next to the run already has ABRUPT of the contrast its walk reaches.
ABRUPT = 0.5
#: The picture after a flat run is the one before it when the two are structurally
#: close (SAME_PICTURE) and keep their colours: less than SAME_RUN_COLOURS of them
#: changed (:meth:`.Thumbs.color_change`).  Two shots of little detail can be
#: close in structure; another shot replaces nearly all the colours.
SAME_RUN_COLOURS = 0.5


def flat_frames(features: Features, s: DetectSettings) -> np.ndarray:
    """Frames of (nearly) uniform black or white, bool [shape=(n,)]."""
    return (features.luma_std < s.flat_std) & ((features.luma_mean < FLAT_DARK) | (features.luma_mean > FLAT_BRIGHT))


def walk_fade(std: np.ndarray, mean: np.ndarray, t: int, step: int, limit: int) -> int:
    """Follow a fade away from the flat run while contrast keeps growing."""
    n = std.shape[0]
    cur = t
    for _ in range(limit):
        nxt = cur + step
        if not 0 <= nxt < n:
            break
        if std[nxt] > std[cur] * 1.01 + 0.05 or abs(mean[nxt] - mean[cur]) > 0.5 and std[nxt] >= std[cur]:
            cur = nxt
        else:
            break
    return cur


def _light_start(mean: np.ndarray, r0: int, lo: int) -> int:
    """The first frame of the light of a bright flat run starting at ``r0``: the
    earliest frame ``j`` from ``lo`` on such that frames ``j .. r0 - 1`` are all lit
    as a flash is against frame ``j - 1`` (:data:`.flashes.FLASH_RISE` brighter and at
    least :data:`.flashes.FLASH_LUMA`); ``r0`` when there is none."""
    for j in range(max(lo, 1), r0):
        if float(mean[j:r0].min()) >= max(float(mean[j - 1]) + flashes.FLASH_RISE, flashes.FLASH_LUMA):
            return j
    return r0


def _same_picture(thumbs: Thumbs, i: int, j: int) -> bool:
    """Whether frame ``j`` shows the picture of frame ``i`` (SAME_PICTURE, SAME_RUN_COLOURS)."""
    return thumbs.dis(i, j) < SAME_PICTURE and thumbs.color_change(i, j) < SAME_RUN_COLOURS


def find(features: Features, s: DetectSettings, thumbs: Thumbs, flat: np.ndarray, found: Found) -> None:
    """Add the fades and flash cuts of the flat runs to ``found``; mark leaders,
    tails and in-shot flashes as taken."""
    n = features.n
    fps = features.info.frame_rate
    limit = round(FADE_WALK_S * fps)
    std, mean = features.luma_std, features.luma_mean
    done = 0  # the first frame after the last flash followed
    for r0, r1 in runs(flat):
        if r0 < done:
            continue  # a flat frame inside that flash
        if r0 == 0 or r1 == n - 1:
            # leader / tail: the edge of the video, not a boundary between shots
            if r0 == 0 and r1 + 1 < n:
                lo, hi = 0, walk_fade(std, mean, r1 + 1, +1, limit)
            else:
                lo, hi = walk_fade(std, mean, max(r0 - 1, 0), -1, limit), n - 1
            found.mark(lo, hi)
            continue
        pre, post = r0 - 1, r1 + 1
        bright = float(mean[r0 : r1 + 1].mean()) > FLASH_MEAN
        first = r0  # the flash's first frame
        if bright:
            # a flash lasts as long as its light, also over frames a moving scene
            # shows through a little too clearly to be flat, before the flat run ...
            first = _light_start(mean, r0, max(done, post - s.flash_frames, 1))
            pre = first - 1
            # ... and after it
            lit = flashes.flash_end(mean, first, pre, s.flash_frames)
            if lit is not None:
                post = max(post, lit)
        length = post - first
        done = post
        start = walk_fade(std, mean, pre, -1, limit)
        end = walk_fade(std, mean, post, +1, limit)
        # a side whose first frame makes most of the contrast its walk gains is an
        # abrupt cut to or from the flat run: what the walk followed is the shot's
        # own change (a camera move), not a fade
        if std[pre] - std[r0] >= ABRUPT * (std[start] - std[r0]):
            start = pre
        if std[post] - std[r1] >= ABRUPT * (std[end] - std[r1]):
            end = post
        same = _same_picture(thumbs, pre, post)
        if length <= s.flash_frames:
            # a short dark run that a fade leads into (or out of) is judged by the
            # pictures the fades leave and reach: a dropped frame or a blink is
            # abrupt, and the frames right at the black of a fade are too dark to tell
            # one shot from another
            faded = not bright and (std[pre] < FADED * std[start] or std[post] < FADED * std[end])
            a, b = (start, end) if faded else (pre, post)
            alike = _same_picture(thumbs, a, b) if faded else same
            if alike or thumbs.moved_only(a, b, s, pan=bright):
                found.mark(first, post)  # a flash or dropped frame inside one shot (which may have moved on)
                continue
            same = alike
        if length <= s.flash_frames and bright:
            found.add("flash", post, first, post, FLASH_CONFIDENCE if not same else SAME_PICTURE_CONFIDENCE)
            continue
        darkness = 1.0 - float(std[r0 : r1 + 1].max()) / max(s.flat_std, 1e-6)
        found.add("fade", post, start, end,
                  FADE_CONFIDENCE + FADE_DARKNESS * darkness if not same else SAME_PICTURE_CONFIDENCE)
