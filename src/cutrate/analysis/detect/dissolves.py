"""Dissolves: spans whose frames are linear mixes of the frames at both ends.

A span of frames that are each a linear mix of the frame before the span and the
frame after it, joining two different shots, is one ``dissolve``.  Pans, zooms and
moving objects are not linear mixes; a glow or a title fading in over a shot
leaves part of the picture unchanged.  Animation on twos or threes seen through
the mix breaks the linear mix on every drawing change, so only part of such a
dissolve fits; it spans the steady luma ramp that contains that part
(:func:`luma_ramp`), and a drawing change inside it is no cut.  Motion seen
through the mix spoils the fit too; a window whose middle frame has lost the
contrast that a mix of two pictures loses may fit more loosely (:data:`DIP`).
"""

from __future__ import annotations

import numpy as np

from ...settings import DetectSettings
from ...types import Features, Transition
from ..kernels import block_dissimilarities
from .common import THUMB_GRID, THUMB_SHIFTS, sigmoid

#: Dissolve centres per step: memory stays flat whatever the length.
CHUNK = 1024
#: Window half-lengths tried between the shortest and longest dissolve.
HALF_LENGTHS = 7
#: Ends of a window must differ by this mean absolute level (0..255) to be a mix of two pictures.
MIN_END_CONTRAST = 10.0
#: Windows whose mix error is within NEAR_FIT of ``dissolve_fit`` are accepted when
#: their median error is below MEDIAN_FIT (moving objects spoil a few pixels of a
#: real dissolve; a pan or a zoom spoils them all).
NEAR_FIT = 0.07
MEDIAN_FIT = 0.08
#: No frame inside a dissolve may change as much as a cut does (structural score).
MAX_STEP = 0.50
#: Windows closer than this many frames are one dissolve.
MERGE_GAP = 3
#: A cut up to this many frames before a dissolve's first frame (or inside it, or on
#: the frame after it) is a drawing change seen through the mix.
CUT_BEFORE = 3
#: ``alpha`` (0 = old shot, 1 = new shot) between these bounds is "mixing".
ALPHA_EDGE = 0.08
#: Largest departure of ``alpha`` from monotone growth.
MAX_WOBBLE = 0.25
#: Brightness may stray this share of the ends' difference plus LUMA_SLACK levels
#: beyond the range of the ends (flashes overshoot).
LUMA_SHARE = 0.25
LUMA_SLACK = 6.0
#: The ends must differ structurally by MIN_CHANGE on average, and at least
#: CHANGED_SHARE of the blocks by CHANGED_BLOCK: the whole picture is replaced.
MIN_CHANGE = 0.30
CHANGED_BLOCK = 0.2
CHANGED_SHARE = 0.7
#: Ends whose thumbnails correlate this well show one picture at two brightnesses:
#: a shot fading out (or in) on its own, e.g. at the end of a video, not a dissolve.
SAME_PICTURE_CORR = 0.9
#: A dissolve between shots of different brightness moves the mean luma at a steady
#: rate; drawing changes and motion seen through the mix barely touch it, though
#: they can break the linear mix (animation on twos or threes).  A dissolve whose
#: luma moves at least RAMP_MIN levels (0..255) per frame goes on before and after
#: the span the mix fits while each frame's luma step keeps its direction and is
#: at least RAMP_SHARE and at most RAMP_MAX times its mean step, up to the longest
#: dissolve (:func:`luma_ramp`).
RAMP_MIN = 1.0
RAMP_SHARE = 0.25
RAMP_MAX = 3.0
#: Motion seen through a dissolve (both shots panning or moving fast) spoils the
#: linear mix of its end frames, but not what a mix does to contrast: half way, the
#: mix of two unrelated pictures spreads its luma over about 1/sqrt(2) of their range
#: (the standard deviation of an even mix), while a pan or motion inside one shot
#: keeps it.  A window whose middle frame's luma spread is at most DIP of its ends'
#: (their root mean square) may fit the mix up to DIP_FIT worse than
#: ``dissolve_fit``; such a loose fit must hold no found cut, comes no closer than
#: MERGE_GAP to a window that fits closely, takes no cut beside it and does not grow
#: along a luma ramp.
DIP = 0.85
DIP_FIT = 0.10
#: Such a window whose mix error is larger still may fit on a coarse grid: the mean
#: luma and chroma of COARSE_GRID blocks of the thumbnails, in which shapes moving
#: within a block and a pan of a fraction of a block barely count, fit the mix to
#: within COARSE_FIT; the progress of the mix (:func:`mix_span`) is then measured on
#: that grid too.  Each block has one luma and two chroma means, so chroma weighs
#: twice as much as luma there; on the thumbnails luma weighs twice as much.
COARSE_GRID = (3, 4)
COARSE_FIT = 0.15
#: How a window fits the mix: closely, loosely (:data:`DIP`), on the coarse grid.
CLOSE, LOOSE, COARSE = 0, 1, 2
#: Confidence: the product of sigmoids of the fit margin, the structural change and
#: the monotony, in these units (WOBBLE_OK is the wobble of a confident dissolve).
FIT_UNIT = 0.03
CHANGE_UNIT = 0.05
WOBBLE_OK = 0.15
WOBBLE_UNIT = 0.03


def thumb_vectors(features: Features, idx: np.ndarray) -> np.ndarray:
    """Thumbnail luma and chroma of frames ``idx`` as float vectors, shape (len, 864)."""
    return _thumb_levels(features, idx).astype(np.float32)


def _thumb_levels(features: Features, idx: np.ndarray) -> np.ndarray:
    """The values of :func:`thumb_vectors` as they are stored (whole levels, uint8)."""
    k = idx.shape[0]
    return np.concatenate([features.thumb_y[idx].reshape(k, -1), features.thumb_uv[idx].reshape(k, -1)], axis=1)


#: Thumbnail vectors are cut into groups of this many values; a group's mean bounds
#: the mix error from below cheaply (see :func:`mix_fit`).
GROUP = 4


def _mean_of(total: np.ndarray, count: int, unit: int = 1) -> np.ndarray:
    """The float32 mean of ``count`` values that are multiples of ``1 / unit`` and
    sum to ``total / unit`` (``total`` whole, summed in integers, which is cheap): the
    number :meth:`numpy.ndarray.mean` gives for them in float32, whose sum of them is
    exact in any order (below 2**24 units) and divided through float64, as here."""
    return (total / unit / count).astype(np.float32)


class _Window:
    """Thumbnail vectors of frames ``base ..`` (whole levels, uint8), indexed by
    frame number, with the mean of each :data:`GROUP` of values.

    The mix tests' means of whole and half levels are summed in integers
    (:func:`_mean_of`); the rest is float32 arithmetic on :func:`thumb_vectors`."""

    def __init__(self, levels: np.ndarray, base: int) -> None:
        self.levels = levels
        self.base = base
        d = levels.shape[1] - levels.shape[1] % GROUP
        total = sum(levels[:, k:d:GROUP].astype(np.int16) for k in range(GROUP))
        self.groups = _mean_of(total, GROUP)

    def __getitem__(self, idx: np.ndarray) -> np.ndarray:
        """The float vectors (:func:`thumb_vectors`) of frames ``idx``."""
        return self.levels[idx - self.base].astype(np.float32)

    def contrast(self, c: np.ndarray, h: int) -> np.ndarray:
        """Mean absolute difference of frames ``c - h`` and ``c + h``."""
        d = np.subtract(self.levels[c + h - self.base], self.levels[c - h - self.base], dtype=np.int16)
        return _mean_of(np.abs(d).sum(1, dtype=np.int32), d.shape[1])

    def mid_residual(self, c: np.ndarray, h: int) -> np.ndarray:
        """Mean absolute residual of frame ``c`` from the even mix of frames
        ``c - h`` and ``c + h``: the mean of ``abs(x[c] - 0.5 * (x[c - h] + x[c + h]))``."""
        twice = self.levels[c - self.base].astype(np.int16) * 2
        twice -= self.levels[c - h - self.base]
        twice -= self.levels[c + h - self.base]
        return _mean_of(np.abs(twice).sum(1, dtype=np.int32), twice.shape[1], 2)


def _bounds(g: np.ndarray, c: np.ndarray, h: int, q: int, wq: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower bounds of the mean absolute mix residuals of :func:`mix_fit` at the
    middle frame and at the two quarter frames, from group means: the mean of
    absolute values is at least the absolute value of the mean, group by group."""
    a, b = g[c - h], g[c + h]
    mid = np.abs(g[c] - 0.5 * (a + b)).mean(1)
    q1 = np.abs(g[c - q] - ((1 - wq) * a + wq * b)).mean(1)
    q3 = np.abs(g[c + q] - (wq * a + (1 - wq) * b)).mean(1)
    return mid, q1, q3


def _in_reach(err: np.ndarray, fit: float) -> np.ndarray:
    """Where a lower bound of the relative mix error leaves it within NEAR_FIT of
    ``fit`` (with a margin for rounding)."""
    return err <= (fit + NEAR_FIT) * (1 + 1e-4) + 1e-6


def _row_medians(x: np.ndarray) -> np.ndarray:
    """``np.median(x, axis=1)``, the same numbers, from a sort (numpy's sort is
    vectorised, its partition is not): the mean of the middle one or two values."""
    s = np.sort(x, axis=1)
    n = s.shape[1]
    return s[:, (n - 1) // 2 : n // 2 + 1].mean(1)


def mix_fit(win: _Window, c: np.ndarray, h: int, fit: float) -> tuple[np.ndarray, np.ndarray]:
    """For windows ``c - h .. c + h``: how far apart their ends are (mean absolute
    difference, 0..255) and the relative error of the linear-mix model at the
    middle and quarter frames (0 = a perfect dissolve; inf where the ends are too
    alike to tell, and where the error is sure to exceed ``fit`` by more than
    NEAR_FIT)."""
    q = max(1, h // 2)
    wq = 0.5 - q / (2 * h)
    dab = win.contrast(c, h)
    rel = np.full(c.shape[0], np.inf)
    far = np.flatnonzero(dab >= MIN_END_CONTRAST)
    if far.size == 0:
        return dab, rel
    # the exact error only where a bound leaves it in reach: most windows are pans,
    # cuts or motion, far from a mix.  First the bounds from group means, then the
    # exact middle residual with the quarters' bounds, then the exact first quarter
    # with the last one's bound, then the exact last quarter.
    b_mid, b_q1, b_q3 = _bounds(win.groups, c[far] - win.base, h, q, wq)
    b_quarters = b_q1 + b_q3
    keep = _in_reach((b_mid + b_quarters) / 3.0 / dab[far], fit)
    far, b_quarters, b_q3 = far[keep], b_quarters[keep], b_q3[keep]
    if far.size == 0:
        return dab, rel
    mid = win.mid_residual(c[far], h)
    keep = _in_reach((mid + b_quarters) / 3.0 / dab[far], fit)
    far, mid, b_q3 = far[keep], mid[keep], b_q3[keep]
    if far.size == 0:
        return dab, rel
    a, b, cf = win[c[far] - h], win[c[far] + h], c[far]
    r_q1 = np.abs(win[cf - q] - ((1 - wq) * a + wq * b))
    m_q1 = r_q1.mean(1)
    keep = _in_reach((mid + m_q1 + b_q3) / 3.0 / dab[far], fit)
    if not keep.all():
        far, mid, a, b, cf, r_q1, m_q1 = far[keep], mid[keep], a[keep], b[keep], cf[keep], r_q1[keep], m_q1[keep]
        if far.size == 0:
            return dab, rel
    r_q3 = np.abs(win[cf + q] - (wq * a + (1 - wq) * b))
    denom = dab[far]
    r = (mid + m_q1 + r_q3.mean(1)) / 3.0 / denom
    near = np.flatnonzero((r > fit) & (r <= fit + NEAR_FIT))
    if near.size:
        # the median error, one residual at a time: medians of absolute values are
        # never negative, so a partial sum already over MEDIAN_FIT settles a window
        r_mid = np.abs(win[cf[near]] - 0.5 * (a[near] + b[near]))
        parts = (r_mid, r_q1[near], r_q3[near])
        total = np.zeros(near.size, r_mid.dtype)
        left = np.arange(near.size)  # the windows not yet settled, as rows of parts
        for part in parts:
            if left.size == 0:
                break
            total = total + _row_medians(part[left])
            keep = total / 3.0 / denom[near[left]] <= MEDIAN_FIT
            left, total = left[keep], total[keep]
        r[near[left]] = fit
    rel[far] = r
    return dab, rel


def coarse_vectors(features: Features, lo: int, hi: int) -> np.ndarray:
    """Mean luma and chroma of the COARSE_GRID blocks of frames ``lo .. hi-1``,
    shape (frames, 3 * blocks)."""
    gy, gx = COARSE_GRID

    def means(x: np.ndarray) -> np.ndarray:  # (frames, planes, h, w) -> (frames, planes * gy * gx)
        k, p, h, w = x.shape
        x = x[:, :, : h // gy * gy, : w // gx * gx].astype(np.float32)
        return x.reshape(k, p, gy, h // gy, gx, w // gx).mean(axis=(3, 5)).reshape(k, -1)

    return np.concatenate([means(features.thumb_y[lo:hi, None]), means(features.thumb_uv[lo:hi])], axis=1)


def coarse_fit(coarse: np.ndarray, c: np.ndarray, h: int) -> np.ndarray:
    """For windows ``c - h .. c + h`` (rows of ``coarse``, :func:`coarse_vectors`):
    the relative error of the linear mix of their ends at the middle and quarter
    frames, as in :func:`mix_fit` (inf where the ends are closer than
    MIN_END_CONTRAST / 4: block means differ less than pixels do)."""
    q = max(1, h // 2)
    mid, q1, q3 = _bounds(coarse, c, h, q, 0.5 - q / (2 * h))  # exact here: each block is one value
    dab = np.abs(coarse[c + h] - coarse[c - h]).mean(1)
    return np.where(dab >= MIN_END_CONTRAST / 4, (mid + q1 + q3) / 3.0 / np.maximum(dab, 1e-6), np.inf)


def mix_span(x: np.ndarray, lo: int) -> tuple[int, int, int, float] | None:
    """Trim a dissolve window to where the mix actually moves.

    ``x`` holds the thumbnail vectors of frames ``lo..hi``.  Projects every frame on
    the line from the first to the last: ``alpha`` runs from 0 to 1 through a
    dissolve.  Returns the first mixed frame, the first frame at the new shot, the
    frame where the new shot takes over (alpha crosses 0.5) and how far alpha
    strays from monotone (0 = perfectly), or None when alpha does not progress.
    """
    hi = lo + x.shape[0] - 1
    a, b = x[0], x[-1]
    d = b - a
    dd = float(d @ d)
    if dd <= 0:
        return None
    alpha = (x - a) @ d / dd
    wobble = float(np.max(np.maximum.accumulate(alpha) - alpha))
    moving = np.flatnonzero((alpha > ALPHA_EDGE) & (alpha < 1.0 - ALPHA_EDGE))
    if moving.size < 2:
        return None
    start = lo + int(moving[0])
    end = min(hi, lo + int(moving[-1]) + 1)
    take = lo + int(np.argmax(alpha >= 0.5))
    return start, end, take, wobble


def luma_between(luma: np.ndarray, a: int, b: int) -> bool:
    """During a dissolve brightness moves between its ends; flashes overshoot."""
    seg = luma[a : b + 1].astype(np.float64)
    lo, hi = min(seg[0], seg[-1]), max(seg[0], seg[-1])
    slack = LUMA_SHARE * (hi - lo) + LUMA_SLACK
    return bool(seg.min() >= lo - slack and seg.max() <= hi + slack)


def luma_ramp(luma: np.ndarray, a: int, b: int, longest: int, blocked: np.ndarray) -> tuple[int, int]:
    """The first and last frames of the luma ramp through a dissolve found from frame
    ``a`` to ``b``: the span grown at either end while the mean luma keeps moving as it
    does through the span (RAMP_MIN, RAMP_SHARE, RAMP_MAX), to at most ``longest``
    frames, never onto a frame marked in ``blocked`` (flat frames: a fade, a flash).
    ``a`` (at least 1) stays the first frame whose luma has moved, ``b`` the first at
    the new shot's level (its step is the ramp's last)."""
    y = luma.astype(np.float64)
    n = y.shape[0]
    if b <= a or a < 1:
        return a, b
    mean = (y[b] - y[a - 1]) / (b - a + 1)
    if abs(mean) < RAMP_MIN:
        return a, b

    def continues(k: int) -> bool:  # the step into frame k goes on with the ramp
        step = (y[k] - y[k - 1]) / mean
        return RAMP_SHARE <= step <= RAMP_MAX and not blocked[k] and not blocked[k - 1]

    while b + 1 < n and b - a + 1 < longest and continues(b + 1):
        b += 1
    while a - 1 >= 1 and b - a + 1 < longest and continues(a - 1):
        a -= 1
    return a, b


def halfway(luma: np.ndarray, a: int, b: int) -> int:
    """The first frame of ``a..b`` (``a`` at least 1) whose mean luma has moved half
    way from the frame before ``a`` to frame ``b`` (``a`` when it does not move)."""
    y = luma.astype(np.float64)
    base = y[a - 1]
    moved = (y[a : b + 1] - base) / (y[b] - base) if y[b] != base else np.ones(b - a + 1)
    return a + int(np.argmax(moved >= 0.5))


def _windows(features: Features, s: DetectSettings, taken: np.ndarray, flat: np.ndarray,
             cut_at: np.ndarray | None = None) -> list[tuple[int, int, float, int]]:
    """Non-overlapping windows ``(lo, hi, fit error, fit)`` that fit a linear mix,
    merged; ``fit`` is CLOSE, or LOOSE or COARSE for windows that fit only as a mix
    seen through motion (:data:`DIP`, :data:`COARSE_FIT`): these hold none of the
    cuts marked in ``cut_at`` nor frames marked in ``taken``, and touch no window
    that fits better.  No window ends on a frame marked in ``taken`` or ``flat``;
    one that fits closely may hold frames marked in ``taken`` (what the cut tests
    took for an in-shot event, a drawing change on twos seen through the mix, say:
    a close fit of the frames themselves says they are a mix)."""
    fps = features.info.frame_rate
    n = features.n
    hmin = max(2, int(round(s.dissolve_min_s * fps / 2)))
    hmax = max(hmin, int(round(s.dissolve_max_s * fps / 2)))
    halves = sorted({int(round(h)) for h in np.geomspace(hmin, hmax, HALF_LENGTHS)})
    fits: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # fit errors, centres, halves of windows that fit
    loose: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # the same for windows that fit loosely
    rough: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # ... and for those that fit on the coarse grid
    # a window with a cut-sized step inside is never taken (see below): skip it now
    cum_step = np.concatenate([[0], np.cumsum(features.score >= MAX_STEP)])
    cum_cut = np.concatenate([[0], np.cumsum(np.zeros(n, bool) if cut_at is None else cut_at)])
    cum_taken = np.concatenate([[0], np.cumsum(taken)])
    spread = features.luma_std.astype(np.float64)
    hmax_used = max(halves)
    for c0 in range(0, n, CHUNK):
        lo_x, hi_x = max(0, c0 - hmax_used), min(n, c0 + CHUNK + hmax_used)
        window = _Window(_thumb_levels(features, np.arange(lo_x, hi_x)), lo_x)
        coarse = coarse_vectors(features, lo_x, hi_x)
        for h in halves:
            c = np.arange(max(c0, h), min(c0 + CHUNK, n - h))
            if c.size == 0:
                continue
            c = c[~flat[c - h] & ~flat[c + h] & ~taken[c - h] & ~taken[c + h]
                  & ((cum_step[c + h + 1] - cum_step[c - h + 1]) == 0)]
            if c.size == 0:
                continue
            _, rel = mix_fit(window, c, h, s.dissolve_fit)
            ok = rel <= s.dissolve_fit
            fits.append((rel[ok], c[ok], np.full(int(ok.sum()), h)))
            ends = np.sqrt(0.5 * (spread[c - h] ** 2 + spread[c + h] ** 2))
            c = c[~ok & (spread[c] <= DIP * ends) & ((cum_cut[c + h + 1] - cum_cut[c - h + 1]) == 0)
                  & ((cum_taken[c + h + 1] - cum_taken[c - h]) == 0)]
            if c.size:
                _, rel = mix_fit(window, c, h, s.dissolve_fit + DIP_FIT)
                ok = rel <= s.dissolve_fit + DIP_FIT
                # the error counted from the loose limit, as a close fit's from the strict one
                loose.append((rel[ok] - DIP_FIT, c[ok], np.full(int(ok.sum()), h)))
                c = c[~ok]
                if c.size:
                    rel = coarse_fit(coarse, c - lo_x, h)
                    ok = rel <= COARSE_FIT
                    # the error counted from the coarse limit, as a close fit's from the strict one
                    rough.append((rel[ok] - COARSE_FIT + s.dissolve_fit, c[ok], np.full(int(ok.sum()), h)))
    used = np.zeros(n, bool)
    found = _pick(features, fits, used, 0, CLOSE)
    found += _pick(features, loose, used, MERGE_GAP, LOOSE)
    found += _pick(features, rough, used, MERGE_GAP, COARSE)
    found.sort()
    return found


def _pick(features: Features, fits: list[tuple[np.ndarray, np.ndarray, np.ndarray]], used: np.ndarray,
          gap: int, tier: int) -> list[tuple[int, int, float, int]]:
    """The windows of ``fits`` that do not overlap each other nor come within ``gap``
    frames of the frames marked in ``used`` (which they then mark), merged when closer
    than MERGE_GAP, each marked with ``tier`` (how it fits)."""
    errors, centres, halves_of = (np.concatenate(x) for x in zip(*fits)) if fits else (np.zeros(0),) * 3
    # longest windows first (a long dissolve also fits its shorter sub-windows), then
    # the best fits; ties in the order found (a stable sort)
    order = np.lexsort((errors, -halves_of))
    n = used.shape[0]
    mine = np.zeros(n, bool)
    spans: list[tuple[int, int, float]] = []
    for rel, c, h in zip(errors[order].tolist(), centres[order].tolist(), halves_of[order].tolist()):
        lo, hi = c - h, c + h
        if mine[lo : hi + 1].any() or used[max(0, lo - gap) : hi + gap + 1].any():
            continue
        if features.score[lo + 1 : hi + 1].max() >= MAX_STEP:
            continue
        mine[lo : hi + 1] = True
        spans.append((lo, hi, rel))
    used |= mine
    spans.sort()
    merged: list[list] = []
    for lo, hi, rel in spans:
        if merged and lo <= merged[-1][1] + MERGE_GAP:
            merged[-1][1] = max(merged[-1][1], hi)
            merged[-1][2] = min(merged[-1][2], rel)
        else:
            merged.append([lo, hi, rel])
    return [(lo, hi, rel, tier) for lo, hi, rel in merged]


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    x = a.astype(np.float64).ravel() - a.mean()
    y = b.astype(np.float64).ravel() - b.mean()
    den = float(np.sqrt((x * x).sum() * (y * y).sum()))
    return float((x * y).sum() / den) if den > 0 else 0.0


def find_spans(features: Features, s: DetectSettings, events: np.ndarray, flat: np.ndarray,
               blocked: np.ndarray | None = None, cut_at: np.ndarray | None = None) -> list[tuple[Transition, int, int]]:
    """The dissolves of a video, none of whose windows ends on a frame marked in
    ``events``, each with the first and last frame at which a cut is a drawing change
    seen through its mix.
    A dissolve grows along its luma ramp (:func:`luma_ramp`) onto no frame marked in
    ``flat`` or ``blocked`` (fades and flashes).  Cuts are absorbed up to CUT_BEFORE
    frames before its first frame and on the frame after its end, where the mix
    begins and ends below what is measured; on an end grown along the ramp, only up
    to the ramp's own end (the frame after it broke the ramp's pace, as a cut does).
    A dissolve that fits only loosely or on the coarse grid (:data:`DIP`,
    :data:`COARSE_FIT`) holds none of the cuts marked in ``cut_at`` and none of the
    frames marked in ``events``, absorbs no cut and does not grow along a ramp."""
    found: list[tuple[Transition, int, int]] = []
    longest = max(2, int(round(s.dissolve_max_s * features.info.frame_rate)))
    stop = flat if blocked is None else flat | blocked
    for lo, hi, rel, tier in _windows(features, s, events, flat, cut_at):
        loose = tier != CLOSE
        vectors = coarse_vectors(features, lo, hi + 1) if tier == COARSE else thumb_vectors(features, np.arange(lo, hi + 1))
        span = mix_span(vectors, lo)
        if span is None:
            continue
        a, b, c, wobble = span
        if wobble > MAX_WOBBLE or not luma_between(features.luma_mean, a, b):
            continue
        # a loose fit holds no cut and takes none beside it, nor grows along a ramp
        first, last = (a, b) if loose else (a - CUT_BEFORE, b + 1)
        ramp = (a, b) if loose else luma_ramp(features.luma_mean, a, b, longest, stop)
        if ramp != (a, b):  # the new shot takes over where the luma is half way
            first, last = (ramp[0] if ramp[0] < a else first), (ramp[1] if ramp[1] > b else last)
            a, b = ramp
            c = halfway(features.luma_mean, a, b)
        if found and a <= found[-1][0].end_frame:
            continue  # another part of a dissolve already grown along its ramp
        blocks = block_dissimilarities(
            features.thumb_y[a][None].astype(np.float32), features.thumb_y[b][None].astype(np.float32),
            grid=THUMB_GRID, shifts=THUMB_SHIFTS,
        )[0]
        structural = float(blocks.mean())
        # a dissolve replaces the whole picture; a glow fading or a title fading in
        # over a shot leaves part of it unchanged
        if structural < MIN_CHANGE or np.mean(blocks >= CHANGED_BLOCK) < CHANGED_SHARE:
            continue
        if _correlation(features.thumb_y[a], features.thumb_y[b]) >= SAME_PICTURE_CORR:
            continue  # the same picture darker or brighter: a fade within the shot
        conf = (
            sigmoid((s.dissolve_fit - rel) / FIT_UNIT)
            * sigmoid((structural - MIN_CHANGE) / CHANGE_UNIT)
            * sigmoid((WOBBLE_OK - wobble) / WOBBLE_UNIT)
        )
        found.append((Transition("dissolve", c, float(features.times[c]), a, b, conf), first, last))
    return found
