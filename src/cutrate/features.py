"""Per-frame change features: the expensive, cacheable stage.

:func:`compute` decodes a video once and returns :class:`Features`, a record of
plain arrays, one entry per decoded frame.  Detection (:mod:`cutrate.detect`) works
on these arrays only, so a video never has to be decoded twice to try other
detection settings.

Feature definitions (frame ``t`` against frame ``t - 1``; entry 0 is 0):

``diff``
    mean absolute difference of luma and chroma at 64x36, in [0, 1].
``score``
    the cut score: structural dissimilarity of luma in a 3x4 grid of blocks, each
    block compared at its best small shift (±3 px horizontally, ±2 px vertically at
    64x36) so that pans and moving objects cost little, averaged over blocks, in
    [0, 1].  Textured blocks compare by normalised correlation (immune to flicker
    and exposure changes); flat blocks by their brightness and contrast.
``score2``
    the same measure between frame ``t`` and frame ``t - 2``; comparing it across
    and beside a boundary separates cuts from fast motion (entries 0 and 1 are 0).
``color_change``
    how much of each block's colours cannot be found in the surrounding 3x3
    blocks of the previous frame (and the reverse), averaged over blocks, in [0, 1]:
    low when things move, even far, high when new content appears.
``hist_diff``
    half the L1 distance between joint Y/Cb/Cr histograms (8x4x4 bins), in [0, 1];
    insensitive to motion, sensitive to a change of content.
``luma_mean``, ``luma_std``
    mean and standard deviation of luma in [0, 255]; black, white and flat frames.
``thumbs``
    32x18 luma and 16x9 chroma thumbnails, for cheap comparisons of frames further
    apart (flash and dissolve checks) without decoding again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .types import VideoInfo

#: Bumped whenever a feature's definition changes (invalidates caches).
FEATURES_VERSION = 2

_HIST_BINS = (8, 4, 4)


@dataclass(frozen=True)
class Features:
    """Per-frame features of one video (see the module docstring).

    All arrays have length ``n`` = number of decoded frames.
    """

    info: VideoInfo
    times: np.ndarray
    diff: np.ndarray
    score: np.ndarray
    score2: np.ndarray
    color_change: np.ndarray
    hist_diff: np.ndarray
    luma_mean: np.ndarray
    luma_std: np.ndarray
    thumb_y: np.ndarray
    thumb_uv: np.ndarray
    warnings: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.times.shape[0])

    ARRAYS = ("times", "diff", "score", "score2", "color_change", "hist_diff", "luma_mean", "luma_std", "thumb_y", "thumb_uv")


class _Accumulator:
    """Streaming feature computation with the last frame carried across batches."""

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {k: [] for k in Features.ARRAYS}
        self.prev_y: np.ndarray | None = None
        self.prev_uv: np.ndarray | None = None
        self.prev_hist: np.ndarray | None = None
        self.prev_bh: np.ndarray | None = None

    def add(self, times: np.ndarray, y: np.ndarray, uv: np.ndarray) -> None:
        n = y.shape[0]
        yf = y.astype(np.int16)
        uvf = uv.astype(np.int16)
        hist = _histograms(y, uv)
        if self.prev_y is None:
            yf_all = np.concatenate([yf[:1], yf[:1], yf])
            uv_all = np.concatenate([uvf[:1], uvf])
            ph = np.concatenate([hist[:1], hist[:-1]])
        else:
            yf_all = np.concatenate([self.prev_y, yf])
            uv_all = np.concatenate([self.prev_uv, uvf])
            ph = np.concatenate([self.prev_hist, hist[:-1]])
        py, py2 = yf_all[1:-1], yf_all[:-2]
        puv = uv_all[:-1]
        dy = np.abs(yf - py).mean(axis=(1, 2))
        duv = np.abs(uvf - puv).mean(axis=(1, 2, 3))
        self.parts["diff"].append(((dy + duv) / (2 * 255.0)).astype(np.float32))
        self.parts["score"].append(block_dissimilarity(yf, align(py, yf)).astype(np.float32))
        self.parts["score2"].append(block_dissimilarity(yf, align(py2, yf)).astype(np.float32))
        bh = block_histograms(_half(y), uv[:, 0], uv[:, 1])
        pbh = np.concatenate([bh[:1] if self.prev_bh is None else self.prev_bh, bh[:-1]])
        self.parts["color_change"].append(color_change(bh, pbh).astype(np.float32))
        self.prev_bh = bh[-1:]
        self.parts["hist_diff"].append((0.5 * np.abs(hist - ph).sum(axis=1)).astype(np.float32))
        self.parts["luma_mean"].append(y.mean(axis=(1, 2), dtype=np.float64).astype(np.float32))
        self.parts["luma_std"].append(y.reshape(n, -1).std(axis=1, dtype=np.float64).astype(np.float32))
        self.parts["times"].append(times.astype(np.float64))
        ty = _half(y)
        tuv = _half(uv.reshape(-1, *uv.shape[2:])).reshape(n, 2, uv.shape[2] // 2, uv.shape[3] // 2)
        self.parts["thumb_y"].append(ty)
        self.parts["thumb_uv"].append(tuv)
        self.prev_y, self.prev_uv, self.prev_hist = yf_all[-2:], uvf[-1:], hist[-1:]

    def result(self, info: VideoInfo, warnings: Iterable[str], settings: dict[str, Any]) -> Features:
        arrays = {k: np.concatenate(v) for k, v in self.parts.items()}
        for k in ("diff", "score", "hist_diff", "score2", "color_change"):
            arrays[k][0] = 0.0
        arrays["score2"][1:2] = 0.0
        return Features(info=info, warnings=tuple(warnings), settings=settings, **arrays)


def _half(x: np.ndarray) -> np.ndarray:
    """Exact 2x2 area average of a stack of frames (odd edges dropped), uint8."""
    n, h, w = x.shape
    h2, w2 = h // 2, w // 2
    s = x[:, : 2 * h2, : 2 * w2].reshape(n, h2, 2, w2, 2).astype(np.int32).sum(axis=(2, 4))
    return np.clip((s + 2) // 4, 0, 255).astype(np.uint8)


def _histograms(y: np.ndarray, uv: np.ndarray) -> np.ndarray:
    """Normalised joint Y/Cb/Cr histograms, shape (n, 128)."""
    n = y.shape[0]
    yb, ub, vb = _HIST_BINS
    # luma subsampled 2x to the chroma grid so every pixel has all three values
    ys = y[:, ::2, ::2][:, : uv.shape[2], : uv.shape[3]]
    idx = (
        (ys.astype(np.int32) * yb >> 8) * (ub * vb)
        + (uv[:, 0].astype(np.int32) * ub >> 8) * vb
        + (uv[:, 1].astype(np.int32) * vb >> 8)
    ).reshape(n, -1)
    nb = yb * ub * vb
    idx = idx + (np.arange(n, dtype=np.int32) * nb)[:, None]
    counts = np.bincount(idx.ravel(), minlength=n * nb).reshape(n, nb)
    return counts / float(idx.shape[1])


_GRID = (3, 4)
_CBINS = 4  # per channel: 64 joint Y/Cb/Cr colours


def block_histograms(y: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Joint Y/Cb/Cr colour histograms of each block of a 3x4 grid.

    Parameters
    ----------
    y, u, v : np.ndarray [shape=(n, h, w), uint8]
        The three planes on one pixel grid.

    Returns
    -------
    np.ndarray [shape=(n, 12, 64), float32]
        Counts per block and colour.
    """
    n, h, w = y.shape
    by, bx = _GRID
    hb, wb = h // by, w // bx
    q = 256 // _CBINS
    idx = (y[:, : hb * by, : wb * bx].astype(np.int32) // q) * (_CBINS * _CBINS)
    idx += (u[:, : hb * by, : wb * bx].astype(np.int32) // q) * _CBINS
    idx += v[:, : hb * by, : wb * bx].astype(np.int32) // q
    block = (np.arange(hb * by)[:, None] // hb) * bx + (np.arange(wb * bx)[None, :] // wb)
    nb = by * bx * _CBINS**3
    flat = (idx + block[None] * _CBINS**3 + (np.arange(n) * nb)[:, None, None]).ravel()
    return np.bincount(flat, minlength=n * nb).reshape(n, by * bx, _CBINS**3).astype(np.float32)


def _neighbourhoods(h: np.ndarray) -> np.ndarray:
    """Sum of each block's histogram with its 3x3 neighbours (clamped at edges)."""
    by, bx = _GRID
    g = h.reshape(h.shape[0], by, bx, -1)
    pad = np.pad(g, ((0, 0), (1, 1), (1, 1), (0, 0)))
    out = sum(pad[:, dy : dy + by, dx : dx + bx] for dy in range(3) for dx in range(3))
    return out.reshape(h.shape)


def color_change(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Share of colour in each block of ``a`` missing from the block's neighbourhood in
    ``b``, and the reverse, averaged over blocks: shape ``(n,)`` in [0, 1].

    ``a`` and ``b`` come from :func:`block_histograms`.  Motion, even several blocks'
    worth over a few frames, keeps colours in the neighbourhood; new content does not.
    """
    na, nb_ = _neighbourhoods(a), _neighbourhoods(b)
    size = np.maximum(a.sum(-1), 1.0)
    fwd = 1.0 - np.minimum(a, nb_).sum(-1) / size
    bwd = 1.0 - np.minimum(b, na).sum(-1) / np.maximum(b.sum(-1), 1.0)
    return np.maximum(fwd, bwd).mean(-1)


def global_shift(a: np.ndarray, b: np.ndarray, *, reach: int = 4) -> np.ndarray:
    """Whole-frame translation (dy, dx) in pixels that best maps ``b[i]`` onto ``a[i]``.

    Searched at half resolution over ±``reach`` half-pixels, so camera pans up to
    ±2*reach pixels per frame are followed; returns int array [shape=(n, 2)].
    """
    ah = _half(np.asarray(a)).astype(np.float32)
    bh = _half(np.asarray(b)).astype(np.float32)
    n, h, w = ah.shape
    r = reach
    core = ah[:, r : h - r, r : w - r]
    best = np.full(n, np.inf)
    arg = np.zeros((n, 2), np.int64)
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            d = np.abs(core - bh[:, r - dy : h - r - dy, r - dx : w - r - dx]).mean(axis=(1, 2))
            # prefer no motion unless a shift is clearly better
            d = d + 0.02 * (abs(dy) + abs(dx))
            better = d < best
            best = np.where(better, d, best)
            arg[better] = (dy, dx)
    return 2 * arg


def align(b: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``b`` translated by :func:`global_shift` (edges replicated) to line up with ``a``."""
    shifts = global_shift(a, b)
    if not shifts.any():
        return b
    out = b.copy()
    n, h, w = b.shape
    for i in np.flatnonzero(shifts.any(axis=1)):
        dy, dx = (int(v) for v in shifts[i])
        ys = np.clip(np.arange(h) - dy, 0, h - 1)
        xs = np.clip(np.arange(w) - dx, 0, w - 1)
        out[i] = b[i][np.ix_(ys, xs)]
    return out


def block_dissimilarity(a: np.ndarray, b: np.ndarray, *, grid: tuple[int, int] = (3, 4),
                        shifts: tuple[int, int] = (3, 2)) -> np.ndarray:
    """Mean over blocks of :func:`block_dissimilarities`, shape ``(n,)``."""
    return block_dissimilarities(a, b, grid=grid, shifts=shifts).mean(-1)


def block_dissimilarities(a: np.ndarray, b: np.ndarray, *, grid: tuple[int, int] = (3, 4),
                          shifts: tuple[int, int] = (3, 2)) -> np.ndarray:
    """Dissimilarity of ``a[i]`` and ``b[i]`` block by block.

    Parameters
    ----------
    a, b : np.ndarray [shape=(n, h, w)]
        Luma frames (any real dtype, 0..255 scale).
    grid : (rows, cols)
        Blocks per frame.
    shifts : (x, y)
        Largest shift in pixels tried for each block independently.

    Returns
    -------
    np.ndarray [shape=(n, rows * cols), float32] in [0, 1]
    """
    a = np.asarray(a, np.float32)
    b = np.asarray(b, np.float32)
    n, h, w = a.shape
    mx, my = shifts
    by, bx = grid
    core_h, core_w = h - 2 * my, w - 2 * mx
    hb, wb = core_h // by, core_w // bx
    hh, ww = hb * by, wb * bx

    def blocks(x: np.ndarray) -> np.ndarray:
        return x[:, :hh, :ww].reshape(n, by, hb, bx, wb).transpose(0, 1, 3, 2, 4).reshape(n, by * bx, hb * wb)

    ab = blocks(a[:, my : my + core_h, mx : mx + core_w])
    am = ab.mean(-1)
    ab = ab - am[..., None]
    asd = np.sqrt((ab * ab).mean(-1))
    best = None
    for dy in range(-my, my + 1):
        for dx in range(-mx, mx + 1):
            bb = blocks(b[:, my + dy : my + dy + core_h, mx + dx : mx + dx + core_w])
            bm = bb.mean(-1)
            bb = bb - bm[..., None]
            bsd = np.sqrt((bb * bb).mean(-1))
            corr = (ab * bb).mean(-1) / (asd * bsd + 1e-6)
            texture = np.clip(np.minimum(asd, bsd) / 6.0, 0.0, 1.0)
            dmean = np.clip(np.abs(am - bm) / 48.0, 0.0, 1.0)
            dstd = np.abs(asd - bsd) / (asd + bsd + 8.0)
            d = texture * np.maximum(np.clip(1.0 - corr, 0.0, 1.0), 0.5 * dmean) + (1.0 - texture) * np.maximum(dmean, dstd)
            best = d if best is None else np.minimum(best, d)
    return best


def compute(
    path: str | os.PathLike,
    *,
    fast_decode: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Features:
    """Decode ``path`` once and compute :class:`Features` for every frame.

    Parameters
    ----------
    path : str or PathLike
        The video file.
    fast_decode : bool
        Skip the decoder's deblocking filter (see :class:`cutrate.decode.VideoReader`).
    progress : callable(done_frames, total_frames_estimate), optional
        Called after every batch.

    Raises
    ------
    DecodeError
        If the file cannot be opened or holds no decodable video frame.

    Examples
    --------
    >>> feats = compute("sample_clips/fast_burst.mp4")  # doctest: +SKIP
    >>> feats.diff.shape == feats.times.shape
    True
    """
    from .decode import FRAME_SIZE, VideoReader

    acc = _Accumulator()
    with VideoReader(path, fast=fast_decode) as reader:
        total = reader.info.frames
        done = 0
        for batch in _prefetch(reader.batches()):
            acc.add(batch.times, batch.y, batch.uv)
            done += len(batch)
            if progress is not None:
                progress(done, max(total, done))
        info = _final_info(reader.info, acc)
        settings = {"frame_size": list(FRAME_SIZE), "fast_decode": fast_decode, "features_version": FEATURES_VERSION}
        return acc.result(info, reader.warnings, settings)


def from_arrays(
    y: np.ndarray,
    uv: np.ndarray | None = None,
    *,
    fps: float = 24.0,
    times: np.ndarray | None = None,
    path: str = "<arrays>",
) -> Features:
    """Features of frames already in memory (synthetic tests, other decoders).

    Parameters
    ----------
    y : np.ndarray [shape=(n, 36, 64), uint8]
        Luma frames at the analysis size.
    uv : np.ndarray [shape=(n, 2, 18, 32), uint8], optional
        Chroma; neutral grey when omitted.
    fps : float
        Frame rate, used for timestamps when ``times`` is omitted.
    times : np.ndarray [shape=(n,)], optional
        Timestamps in seconds.
    """
    y = np.ascontiguousarray(y, dtype=np.uint8)
    n, h, w = y.shape
    if uv is None:
        uv = np.full((n, 2, h // 2, w // 2), 128, np.uint8)
    if times is None:
        times = np.arange(n, dtype=np.float64) / fps
    acc = _Accumulator()
    for i in range(0, n, 256):
        acc.add(np.asarray(times[i : i + 256], np.float64), y[i : i + 256], np.asarray(uv[i : i + 256], np.uint8))
    info = VideoInfo(path=path, duration_s=n / fps, fps=fps, frames=n, width=w, height=h, codec="raw")
    info = _final_info(info, acc)
    return acc.result(info, (), {"frame_size": [w, h], "fast_decode": False, "features_version": FEATURES_VERSION})


def _prefetch(batches: Iterator, depth: int = 2) -> Iterator:
    """Run the decoder one or two batches ahead in a thread.

    FFmpeg's frame threads leave part of the cores idle; computing features on one
    batch while the next decodes uses that time.  Errors from the decoder are
    re-raised here, in the caller's thread; leaving the loop early stops it.
    """
    import queue
    import threading

    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for item in batches:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            q.put(exc)

    worker = threading.Thread(target=produce, name="cutrate-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                pass
            worker.join(timeout=0.1)


def _final_info(info: VideoInfo, acc: _Accumulator) -> VideoInfo:
    """Replace container estimates with what the decode actually produced."""
    times = np.concatenate(acc.parts["times"])
    n = int(times.shape[0])
    if n > 1:
        steps = np.diff(times)
        steps = steps[steps > 0]
        step = float(np.median(steps)) if steps.size else 1.0 / info.fps
    else:
        step = 1.0 / info.fps
    fps = 1.0 / step if step > 0 else info.fps
    if abs(fps - info.fps) / info.fps < 0.01:
        fps = info.fps
    duration = float(times[-1] - times[0]) + 1.0 / fps if n else 0.0
    return VideoInfo(
        path=info.path,
        duration_s=duration,
        fps=fps,
        frames=n,
        width=info.width,
        height=info.height,
        codec=info.codec,
        start_time=float(times[0]) if n else info.start_time,
    )
