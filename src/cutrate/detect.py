"""Transition detection: per-frame features in, a list of transitions out.

This stage is cheap (milliseconds per minute of video) and works on a
:class:`~cutrate.features.Features` record only, so it can be re-run with other
settings without decoding again::

    feats = cutrate.features.compute("ep01.mkv")
    strict = cutrate.detect.transitions(feats, settings=DetectSettings(threshold=0.4))

How it decides
--------------
1. **Hard cuts.**  ``features.score`` is the structural change between a frame and
   the previous one, measured block by block with local motion compensation.  A
   frame starts a new shot when its score is at least ``threshold`` *and* exceeds
   the median score of its neighbourhood (``context_s`` seconds on each side) by
   ``contrast``: fast motion, shaky cameras and animation on twos raise the
   neighbourhood too, a cut does not.  There is no minimum shot length, so shots of
   two frames are found.
2. **Flashes and brief occlusions.**  If, after 1 to ``flash_frames`` frames, the
   picture returns to the shot it came from (a lightning flash, a muzzle flash, an
   impact frame, an object passing the lens), the event is not a transition.  A
   bright flash that leads into a *different* shot is one ``flash`` transition.
3. **Fades.**  A run of flat black (or white) frames between two shots is one
   ``fade`` transition spanning the fade-out, the flat frames and the fade-in.  Black
   leaders and tails at the very start or end of a video are not transitions.
4. **Dissolves.**  A span of frames that are each a linear mix of the frame before
   the span and the frame after it, joining two different shots, is one
   ``dissolve``.  Pans, zooms and moving objects are not linear mixes.

Each transition has a ``confidence`` in [0, 1] that grows with its margin over the
thresholds.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from .errors import ParameterError
from .features import Features, block_dissimilarities, block_dissimilarity, block_histograms, color_change
from .types import Transition


@dataclass(frozen=True)
class DetectSettings:
    """Detection settings; every default is defined here once.

    Attributes
    ----------
    threshold : float
        Smallest cut score (0..1) that can be a hard cut.
    contrast : float
        How far a cut's score must rise above the median score of its
        neighbourhood (0..1).
    evidence : float
        Smallest sum of the three signs that tell a cut from motion: how much the
        score stands above both neighbouring frames, how much more frames two apart
        differ across the boundary than beside it, and the change of the colour
        histogram (0..3).
    moved_color, moved_static : float
        A candidate cut whose colours are all found nearby in the previous frame
        (``features.color_change`` below ``moved_color``) while at least
        ``moved_static`` of the picture did not change at all is things moving in
        front of a still background (animation on twos/threes), not a cut.
    context_s : float
        Half-width in seconds of the neighbourhood used by ``contrast``.
    flash_frames : int
        Longest flash or occlusion, in frames, after which the picture may return to
        the same shot without counting as a transition.
    occlusion_s : float
        Longest time, in seconds, that an object passing the lens may cover part of
        the picture before it returns to the same shot without a transition.
    flat_std : float
        Luma standard deviation (0..255) below which a frame counts as flat (black,
        white or grey), for fades.
    dissolve : bool
        Look for dissolves.
    dissolve_min_s, dissolve_max_s : float
        Shortest and longest dissolve, in seconds.
    dissolve_fit : float
        Largest relative error of the linear-mix model for a dissolve (0..1).
    """

    threshold: float = 0.30
    contrast: float = 0.20
    evidence: float = 0.50
    moved_color: float = 0.10
    moved_static: float = 0.35
    context_s: float = 0.25
    flash_frames: int = 3
    occlusion_s: float = 0.5
    flat_std: float = 6.0
    dissolve: bool = True
    dissolve_min_s: float = 0.25
    dissolve_max_s: float = 2.5
    dissolve_fit: float = 0.25

    def __post_init__(self) -> None:
        _check_range("threshold", self.threshold, 0.0, 1.0)
        _check_range("contrast", self.contrast, 0.0, 1.0)
        _check_range("evidence", self.evidence, 0.0, 3.0)
        _check_range("dissolve_fit", self.dissolve_fit, 0.0, 1.0)
        if not self.context_s > 0:
            raise ParameterError(f"context_s must be > 0 seconds, got {self.context_s!r}")
        if not (isinstance(self.flash_frames, int) and 0 <= self.flash_frames <= 12):
            raise ParameterError(f"flash_frames must be an int in [0, 12], got {self.flash_frames!r}")
        if not self.occlusion_s >= 0:
            raise ParameterError(f"occlusion_s must be >= 0 seconds, got {self.occlusion_s!r}")
        if not self.flat_std >= 0:
            raise ParameterError(f"flat_std must be >= 0, got {self.flat_std!r}")
        if not 0 < self.dissolve_min_s <= self.dissolve_max_s:
            raise ParameterError(
                f"need 0 < dissolve_min_s <= dissolve_max_s, got {self.dissolve_min_s!r}, {self.dissolve_max_s!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DetectSettings:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


def _check_range(name: str, value: float, lo: float, hi: float) -> None:
    if not (isinstance(value, (int, float)) and lo <= value <= hi):
        raise ParameterError(f"{name} must be in [{lo}, {hi}], got {value!r}")


# --------------------------------------------------------------------------- helpers
def _rolling_median_excluding(x: np.ndarray, half: int) -> np.ndarray:
    """Median of ``x[t-half : t+half+1]`` without ``x[t]`` itself, edges shrunk."""
    n = x.shape[0]
    if n == 0:
        return x.copy()
    pad = np.pad(x.astype(np.float64), half, mode="constant", constant_values=np.nan)
    win = np.lib.stride_tricks.sliding_window_view(pad, 2 * half + 1)
    win = np.delete(win, half, axis=1)
    with np.errstate(all="ignore"):
        med = np.nanmedian(win, axis=1) if half > 0 else np.zeros(n)
    return np.nan_to_num(med, nan=0.0)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (start, end) index pairs of the True runs in ``mask``."""
    if mask.size == 0:
        return []
    m = np.concatenate([[False], mask, [False]]).astype(np.int8)
    d = np.diff(m)
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1) - 1
    return list(zip(starts.tolist(), ends.tolist()))


class _Frames:
    """Thumbnail access with a pairwise dissimilarity for frames far apart."""

    def __init__(self, feats: Features) -> None:
        self.y = feats.thumb_y
        self.uv = feats.thumb_uv
        self.n = feats.n

    def dis(self, i: int, j: int) -> float:
        a = self.y[i][None].astype(np.float32)
        b = self.y[j][None].astype(np.float32)
        return float(block_dissimilarity(a, b, grid=(3, 4), shifts=(2, 2))[0])

    def moved_only(self, i: int, j: int, s: DetectSettings) -> bool:
        """Whether frame j shows the same scene as frame i with things moved: all its
        colours found nearby and part of the picture unchanged."""
        hist = block_histograms(*self._yuv([i, j]))
        cc = float(color_change(hist[1:], hist[:1])[0])
        return cc < 0.5 * s.moved_color and _static_between(self.y[i], self.y[j]) >= s.moved_static

    def _yuv(self, idx: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        y = self.y[idx]
        uv = self.uv[idx].repeat(2, axis=2).repeat(2, axis=3)[:, :, : y.shape[1], : y.shape[2]]
        return y, uv[:, 0], uv[:, 1]

    def blocks_after(self, i: int, first: int, last: int) -> np.ndarray:
        """Block dissimilarities of frame ``i`` against each of frames ``first..last``."""
        b = self.y[first : last + 1].astype(np.float32)
        a = np.broadcast_to(self.y[i].astype(np.float32), b.shape)
        return block_dissimilarities(a, b, grid=(3, 4), shifts=(2, 2))


# --------------------------------------------------------------------------- stage
def transitions(features: Features, *, settings: DetectSettings | None = None) -> list[Transition]:
    """Find the transitions in a video's features.

    Parameters
    ----------
    features : Features
        Output of :func:`cutrate.features.compute`.
    settings : DetectSettings, optional
        Detection settings; the defaults when omitted.

    Returns
    -------
    list of Transition
        Sorted by frame; kinds are ``cut``, ``dissolve``, ``fade`` and ``flash``.
    """
    s = settings or DetectSettings()
    n = features.n
    if n < 2:
        return []
    fps = features.info.fps or 25.0
    times = features.times
    score = features.score.astype(np.float64)
    frames = _Frames(features)
    ctx = _rolling_median_excluding(score, max(1, round(s.context_s * fps)))
    rise = score - ctx

    flat = (features.luma_std < s.flat_std) & ((features.luma_mean < 48) | (features.luma_mean > 200))
    out: list[Transition] = []
    taken = np.zeros(n, bool)  # frames already inside a transition or an event

    def emit(kind: str, frame: int, start: int, end: int, conf: float) -> None:
        frame = min(max(frame, 0), n - 1)
        out.append(Transition(kind, frame, float(times[frame]), int(start), int(end), float(min(max(conf, 0.0), 1.0))))
        taken[max(0, start - 1) : min(n, end + 2)] = True

    # --- flat runs: fades, white flashes, leaders and tails ---------------------------
    for r0, r1 in _runs(flat):
        if r0 == 0 or r1 == n - 1:
            # leader / tail: the edge of the video, not a boundary between shots
            if r0 == 0 and r1 + 1 < n:
                lo, hi = 0, _walk_fade(features.luma_std, features.luma_mean, r1 + 1, +1, round(2.0 * fps))
            else:
                lo, hi = _walk_fade(features.luma_std, features.luma_mean, max(r0 - 1, 0), -1, round(2.0 * fps)), n - 1
            taken[lo : hi + 1] = True
            continue
        pre, post = r0 - 1, r1 + 1
        length = r1 - r0 + 1
        same = frames.dis(pre, post) < s.threshold
        if length <= s.flash_frames and same:
            taken[r0 : post + 1] = True  # a flash or dropped frame inside one shot
            continue
        bright = float(features.luma_mean[r0 : r1 + 1].mean()) > 128
        if length <= s.flash_frames and bright:
            emit("flash", post, r0, post, 0.9 if not same else 0.6)
            continue
        start = _walk_fade(features.luma_std, features.luma_mean, pre, -1, round(2.0 * fps))
        end = _walk_fade(features.luma_std, features.luma_mean, post, +1, round(2.0 * fps))
        darkness = 1.0 - float(features.luma_std[r0 : r1 + 1].max()) / max(s.flat_std, 1e-6)
        emit("fade", post, start, end, 0.85 + 0.15 * darkness if not same else 0.6)

    events = taken.copy()  # fades, flashes, leaders, occlusions: no dissolve overlaps these

    # --- hard cuts with flash / occlusion rejection ------------------------------------
    peak = np.zeros(n, bool)
    peak[1:] = (score[1:] >= s.threshold) & (rise[1:] >= s.contrast)
    left = np.concatenate([[-np.inf], score[:-1]])
    right = np.concatenate([score[1:], [-np.inf]])
    peak &= (score >= left) & (score > right)
    for t in np.flatnonzero(peak):
        if taken[t]:
            continue
        pre = t - 1
        event_end = None
        longest = min(max(s.flash_frames, int(round(s.occlusion_s * fps))), n - 1 - t)
        if longest >= 1:
            # blocks of the frame before the event against every frame after it
            blocks = frames.blocks_after(pre, t, t + longest)
            back = blocks.mean(1)
            kept = np.sort(blocks, axis=1)[:, 1] < 0.15  # part of the scene still in view
            for length in range(1, longest + 1):
                returned = back[length] < min(s.threshold, 0.5 * score[t]) or frames.moved_only(pre, t + length, s)
                if not returned:
                    continue
                # a flash may cover everything; a longer occlusion enters and leaves the
                # picture, so its first and last frames still show part of the scene
                # (an insert shot, A-B-A, shows none of it)
                if length <= s.flash_frames or (kept[0] and kept[length - 1]):
                    event_end = t + length
                break
        if event_end is not None:
            taken[t : event_end + 1] = True
            events[t : event_end + 1] = True
            continue
        if _ends_an_event(frames, features, int(t), s):
            continue
        flash_end = _flash_end(features.luma_mean, t, pre, s.flash_frames)
        if flash_end is not None and flash_end < n and score[flash_end] >= s.threshold:
            conf = _sigmoid((min(score[t], score[flash_end]) - s.threshold) / 0.05)
            emit("flash", flash_end, t, flash_end, conf)
            continue
        ev = _evidence(features, int(t))
        if ev < s.evidence:
            continue
        if features.color_change[t] < s.moved_color and _static_share(features, int(t)) >= s.moved_static:
            continue  # the same colours nearby and much of the picture unchanged: things moved
        margin = min((score[t] - s.threshold) / 0.04, (rise[t] - s.contrast) / 0.04, (ev - s.evidence) / 0.06)
        emit("cut", int(t), int(t), int(t), _sigmoid(margin + 1.0))

    # --- dissolves ----------------------------------------------------------------------
    if s.dissolve:
        found = _dissolves(features, s, events, flat)
        # a cut inside a dissolve is a drawing change seen through the mix
        out = [t for t in out if t.kind != "cut" or not any(d.start_frame < t.frame <= d.end_frame for d in found)]
        out.extend(found)

    out.sort(key=lambda tr: tr.frame)
    # the precision written to analysis.json, so a saved result reads back equal
    return [
        Transition(t.kind, t.frame, round(t.time, 6), t.start_frame, t.end_frame, round(t.confidence, 4)) for t in out
    ]


def _ends_an_event(frames: _Frames, features: Features, t: int, s: DetectSettings) -> bool:
    """Whether frame ``t`` returns to the picture from before a flash of 1 to
    ``flash_frames`` frames that ended at ``t - 1`` (the flash's own start may not
    have been a candidate, e.g. a partial or grey flash)."""
    for k in range(1, s.flash_frames + 1):
        before = t - 1 - k
        if before < 0:
            break
        if features.luma_mean[t - k : t].mean() < features.luma_mean[before] + 10 and k > 1:
            continue  # not a brighter event in between
        if frames.dis(before, t) < min(s.threshold, 0.5 * float(features.score[t])) or frames.moved_only(before, t, s):
            return True
    return False


def _static_share(features: Features, t: int) -> float:
    """Share of the picture that did not change from frame t-1 to t."""
    return _static_between(features.thumb_y[t - 1], features.thumb_y[t])


def _static_between(a: np.ndarray, b: np.ndarray) -> float:
    """Share of a 6x8 grid of thumbnail blocks that is the same in ``a`` and ``b``
    (after removing a global brightness change): the still background of a shot in
    which only some things move."""
    d = b.astype(np.float32) - a.astype(np.float32)
    d -= np.median(d)
    h, w = d.shape
    bh, bw = h // 6, w // 8
    blocks = np.abs(d[: 6 * bh, : 8 * bw]).reshape(6, bh, 8, bw).mean(axis=(1, 3))
    return float((blocks < 3.0).mean())


def _evidence(features: Features, t: int) -> float:
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


_CHUNK = 1024  # dissolve centres per step: memory stays flat whatever the length


def _thumbs(features: Features, idx: np.ndarray) -> np.ndarray:
    """Thumbnail luma and chroma of frames ``idx`` as float vectors, shape (len, 864)."""
    k = idx.shape[0]
    return np.concatenate(
        [features.thumb_y[idx].reshape(k, -1), features.thumb_uv[idx].reshape(k, -1)], axis=1
    ).astype(np.float32)


class _Window:
    """Thumbnail vectors of frames ``base ..`` as float, indexed by frame number."""

    def __init__(self, x: np.ndarray, base: int) -> None:
        self.x = x
        self.base = base

    def __getitem__(self, idx: np.ndarray) -> np.ndarray:
        return self.x[idx - self.base]


def _mix_fit(win: _Window, c: np.ndarray, h: int, fit: float) -> tuple[np.ndarray, np.ndarray]:
    """For windows ``c - h .. c + h``: how far apart their ends are (mean absolute
    difference, 0..255) and the relative error of the linear-mix model at the
    middle and quarter frames (0 = a perfect dissolve; inf where the ends are too
    alike to tell)."""
    q = max(1, h // 2)
    wq = 0.5 - q / (2 * h)
    a, b = win[c - h], win[c + h]
    dab = np.abs(a - b).mean(1)
    rel = np.full(c.shape[0], np.inf)
    far = np.flatnonzero(dab >= 10.0)
    if far.size == 0:
        return dab, rel
    a, b, cf = a[far], b[far], c[far]
    r_mid = np.abs(win[cf] - 0.5 * (a + b))
    r_q1 = np.abs(win[cf - q] - ((1 - wq) * a + wq * b))
    r_q3 = np.abs(win[cf + q] - (wq * a + (1 - wq) * b))
    denom = dab[far]
    r = (r_mid.mean(1) + r_q1.mean(1) + r_q3.mean(1)) / 3.0 / denom
    # moving objects spoil a few pixels of a real dissolve (a large mean but a small
    # median residual); a pan or a zoom spoils them all
    near = np.flatnonzero((r > fit) & (r <= fit + 0.07))
    if near.size:
        med = (
            np.median(r_mid[near], axis=1) + np.median(r_q1[near], axis=1) + np.median(r_q3[near], axis=1)
        ) / 3.0 / denom[near]
        r[near] = np.where(med <= 0.08, fit, r[near])
    rel[far] = r
    return dab, rel


def _mix_span(x: np.ndarray, lo: int) -> tuple[int, int, int, float] | None:
    """Trim a dissolve window to where the mix actually moves.

    ``x`` holds the thumbnail vectors of frames ``lo..hi``.  Projects every frame on
    the line from the first to the last: ``alpha`` runs from 0 to 1 through a
    dissolve.  Returns the first mixed
    frame, the first frame at the new shot, the frame where the new shot takes over
    (alpha crosses 0.5) and how far alpha strays from monotone (0 = perfectly), or
    None when alpha does not progress.
    """
    hi = lo + x.shape[0] - 1
    a, b = x[0], x[-1]
    d = b - a
    dd = float(d @ d)
    if dd <= 0:
        return None
    alpha = (x - a) @ d / dd
    wobble = float(np.max(np.maximum.accumulate(alpha) - alpha))
    moving = np.flatnonzero((alpha > 0.08) & (alpha < 0.92))
    if moving.size < 2:
        return None
    start = lo + int(moving[0])
    end = min(hi, lo + int(moving[-1]) + 1)
    take = lo + int(np.argmax(alpha >= 0.5))
    return start, end, take, wobble


def _luma_between(luma: np.ndarray, a: int, b: int) -> bool:
    """During a dissolve brightness moves between its ends; flashes overshoot."""
    seg = luma[a : b + 1].astype(np.float64)
    lo, hi = min(seg[0], seg[-1]), max(seg[0], seg[-1])
    slack = 0.25 * (hi - lo) + 6.0
    return bool(seg.min() >= lo - slack and seg.max() <= hi + slack)


def _walk_fade(std: np.ndarray, mean: np.ndarray, t: int, step: int, limit: int) -> int:
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


def _flash_end(luma: np.ndarray, t: int, pre: int, max_len: int) -> int | None:
    """If frames t.. are a bright flash of at most ``max_len`` frames, the first frame after it."""
    n = luma.shape[0]
    base = float(luma[pre])
    k = t
    while k < n and k - t < max_len and luma[k] >= max(base + 40.0, 150.0):
        k += 1
    if k == t or k >= n or k - t > max_len:
        return None
    if luma[k] >= max(base + 40.0, 150.0):
        return None
    return k


def _dissolves(features: Features, s: DetectSettings, taken: np.ndarray, flat: np.ndarray) -> list[Transition]:
    """Spans where every frame is a linear mix of the frames at the span's ends."""
    fps = features.info.fps or 25.0
    n = features.n
    hmin = max(2, int(round(s.dissolve_min_s * fps / 2)))
    hmax = max(hmin, int(round(s.dissolve_max_s * fps / 2)))
    halves = sorted({int(round(h)) for h in np.geomspace(hmin, hmax, 7)})
    cands: list[tuple[float, int, int, float]] = []  # (fit error, centre, half, strength)
    cum_taken = np.concatenate([[0], np.cumsum(taken)])
    hmax_used = max(halves)
    for c0 in range(0, n, _CHUNK):
        lo_x, hi_x = max(0, c0 - hmax_used), min(n, c0 + _CHUNK + hmax_used)
        window = _Window(_thumbs(features, np.arange(lo_x, hi_x)), lo_x)
        for h in halves:
            c = np.arange(max(c0, h), min(c0 + _CHUNK, n - h))
            if c.size == 0:
                continue
            c = c[~flat[c - h] & ~flat[c + h] & ((cum_taken[c + h + 1] - cum_taken[c - h]) == 0)]
            if c.size == 0:
                continue
            dab, rel = _mix_fit(window, c, h, s.dissolve_fit)
            ok = rel <= s.dissolve_fit
            for i in np.flatnonzero(ok):
                cands.append((float(rel[i]), int(c[i]), h, float(dab[i])))
    # longest windows first: a long dissolve also fits its shorter sub-windows
    cands.sort(key=lambda c: (-c[2], c[0]))
    used = np.zeros(n, bool)
    spans: list[tuple[int, int, float]] = []
    for rel, c, h, dab in cands:
        lo, hi = c - h, c + h
        if used[lo : hi + 1].any():
            continue
        if features.score[lo + 1 : hi + 1].max() >= s.threshold + s.contrast:
            continue
        used[lo : hi + 1] = True
        spans.append((lo, hi, rel))
    spans.sort()
    merged: list[list] = []
    for lo, hi, rel in spans:
        if merged and lo <= merged[-1][1] + 3:
            merged[-1][1] = max(merged[-1][1], hi)
            merged[-1][2] = min(merged[-1][2], rel)
        else:
            merged.append([lo, hi, rel])
    found: list[Transition] = []
    for lo, hi, rel in merged:
        span = _mix_span(_thumbs(features, np.arange(lo, hi + 1)), lo)
        if span is None:
            continue
        a, b, c, wobble = span
        if wobble > 0.25 or not _luma_between(features.luma_mean, a, b):
            continue
        blocks = block_dissimilarities(
            features.thumb_y[a][None].astype(np.float32), features.thumb_y[b][None].astype(np.float32),
            grid=(3, 4), shifts=(2, 2),
        )[0]
        structural = float(blocks.mean())
        # a dissolve replaces the whole picture; a glow fading or a title fading in
        # over a shot leaves part of it unchanged
        if structural < s.threshold or np.mean(blocks >= 0.2) < 0.7:
            continue
        conf = (
            _sigmoid((s.dissolve_fit - rel) / 0.03)
            * _sigmoid((structural - s.threshold) / 0.05)
            * _sigmoid((0.15 - wobble) / 0.03)
        )
        found.append(Transition("dissolve", c, float(features.times[c]), a, b, conf))
    return found
