"""Numerical kernels on small frames: the building blocks of features and detection.

Pure numpy functions of stacks of frames (``shape=(n, h, w)``); nothing here knows
about videos, files or settings.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import numpy as np

_HIST_BINS = (8, 4, 4)


def half(x: np.ndarray) -> np.ndarray:
    """Exact 2x2 area average of a stack of frames (odd edges dropped), uint8."""
    n, h, w = x.shape
    h2, w2 = h // 2, w // 2
    s = x[:, : 2 * h2, : 2 * w2].reshape(n, h2, 2, w2, 2).astype(np.int32).sum(axis=(2, 4))
    return np.clip((s + 2) // 4, 0, 255).astype(np.uint8)


def histograms(y: np.ndarray, uv: np.ndarray) -> np.ndarray:
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
    # the colour of each pixel, 0..63, in uint8 (the planes are uint8)
    idx = (y[:, : hb * by, : wb * bx] // q) * (_CBINS * _CBINS)
    idx += (u[:, : hb * by, : wb * bx] // q) * _CBINS
    idx += v[:, : hb * by, : wb * bx] // q
    block = (np.arange(hb * by)[:, None] // hb) * bx + (np.arange(wb * bx)[None, :] // wb)
    nb = by * bx * _CBINS**3
    flat = (idx + (block * _CBINS**3 + (np.arange(n) * nb)[:, None, None])).ravel()
    return np.bincount(flat, minlength=n * nb).reshape(n, by * bx, _CBINS**3).astype(np.float32)


def neighbourhoods(h: np.ndarray) -> np.ndarray:
    """Sum of each block's histogram (from :func:`block_histograms`) with its 3x3
    neighbours (clamped at edges)."""
    by, bx = _GRID
    g = h.reshape(h.shape[0], by, bx, -1)
    rows = g.copy()  # counts are whole numbers: the sums are exact in any order
    rows[:, 1:] += g[:, :-1]
    rows[:, :-1] += g[:, 1:]
    out = rows.copy()
    out[:, :, 1:] += rows[:, :, :-1]
    out[:, :, :-1] += rows[:, :, 1:]
    return out.reshape(h.shape)


def color_change(a: np.ndarray, b: np.ndarray, *, na: np.ndarray | None = None,
                 nb: np.ndarray | None = None) -> np.ndarray:
    """Share of colour in each block of ``a`` missing from the block's neighbourhood in
    ``b``, and the reverse, averaged over blocks: shape ``(n,)`` in [0, 1].

    ``a`` and ``b`` come from :func:`block_histograms`.  Motion, even several blocks'
    worth over a few frames, keeps colours in the neighbourhood; new content does not.
    ``na`` and ``nb``, when given, are :func:`neighbourhoods` of ``a`` and ``b``.
    """
    na = neighbourhoods(a) if na is None else na
    nb_ = neighbourhoods(b) if nb is None else nb
    size = np.maximum(a.sum(-1), 1.0)
    fwd = 1.0 - np.minimum(a, nb_).sum(-1) / size
    bwd = 1.0 - np.minimum(b, na).sum(-1) / np.maximum(b.sum(-1), 1.0)
    return np.maximum(fwd, bwd).mean(-1)


def global_shift(a: np.ndarray, b: np.ndarray, *, reach: int = 4, halves: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Whole-frame translation (dy, dx) in pixels that best maps ``b[i]`` onto ``a[i]``.

    Searched at half resolution over ±``reach`` half-pixels, so camera pans up to
    ±2*reach pixels per frame are followed; returns int array [shape=(n, 2)].
    ``halves``, when given, are :func:`half` of ``a`` and ``b`` already computed.
    """
    ha, hb = halves if halves is not None else (half(np.asarray(a)), half(np.asarray(b)))
    ah = ha.astype(np.float32)
    bh = hb.astype(np.float32)
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


def align(b: np.ndarray, a: np.ndarray, *, halves: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """``b`` translated by :func:`global_shift` (edges replicated) to line up with ``a``
    (``halves``: :func:`half` of ``b`` and ``a``, when already computed)."""
    shifts = global_shift(a, b, halves=None if halves is None else (halves[1], halves[0]))
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


#: Up to this many frame pairs, :func:`block_dissimilarities` stacks all shifts.
_FEW = 32


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

    ab, am, asd = _centred(blocks(a[:, my : my + core_h, mx : mx + core_w]))
    offsets = [(dy, dx) for dy in range(-my, my + 1) for dx in range(-mx, mx + 1)]
    if n <= _FEW:
        # few frames: every shifted block of b gathered at once, the same
        # arithmetic element by element as the loop below (and as BlockStats)
        idx = _shifted_blocks(h, w, grid, shifts)
        bb = b.reshape(n, h * w)[:, idx].transpose(1, 0, 2, 3).copy()
        return _block_distance(ab, am, asd, bb).min(axis=0)
    best = None
    for dy, dx in offsets:
        bb = blocks(b[:, my + dy : my + dy + core_h, mx + dx : mx + dx + core_w])
        d = _block_distance(ab, am, asd, bb)
        best = d if best is None else np.minimum(best, d)
    return best


@functools.lru_cache(maxsize=16)
def _shifted_blocks(h: int, w: int, grid: tuple[int, int], shifts: tuple[int, int]) -> np.ndarray:
    """Flat pixel indices of the blocks of :func:`block_dissimilarities` at every
    shift, shape ``(shifts, blocks, pixels per block)``, in the loop's order."""
    mx, my = shifts
    by, bx = grid
    core_h, core_w = h - 2 * my, w - 2 * mx
    hb, wb = core_h // by, core_w // bx
    flat = np.arange(h * w).reshape(h, w)
    out = [
        flat[my + dy : my + dy + hb * by, mx + dx : mx + dx + wb * bx]
        .reshape(by, hb, bx, wb).transpose(0, 2, 1, 3).reshape(by * bx, hb * wb)
        for dy in range(-my, my + 1) for dx in range(-mx, mx + 1)
    ]
    return np.stack(out)


def _block_distance(ab: np.ndarray, am: np.ndarray, asd: np.ndarray, bb: np.ndarray) -> np.ndarray:
    """Per-block distance of centred blocks ``ab`` (means ``am``, deviations ``asd``)
    to blocks ``bb`` (any leading shape that broadcasts)."""
    return _centred_distance(ab, am, asd, *_centred(bb))


def _centred(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Blocks ``x`` (float32, pixels on the last axis) minus their means, the means,
    and the deviations."""
    m = _mean(x)
    c = x - m[..., None]
    return c, m, np.sqrt(_mean(c * c))


def _mean(x: np.ndarray) -> np.ndarray:
    """``x.mean(-1)`` of float32 ``x``, the same numbers, faster: numpy divides the
    float32 sum through float64, and a quotient rounded to float64 and then to
    float32 is the float32 quotient (53 >= 2 * 24 + 2 bits: double rounding is
    harmless for a division)."""
    return x.sum(-1) / np.float32(x.shape[-1])


def _centred_distance(ab: np.ndarray, am: np.ndarray, asd: np.ndarray,
                      bb: np.ndarray, bm: np.ndarray, bsd: np.ndarray) -> np.ndarray:
    """Per-block distance of centred blocks ``ab`` (means ``am``, deviations ``asd``)
    to centred blocks ``bb`` (``bm``, ``bsd``)."""
    corr = _mean(ab * bb) / (asd * bsd + 1e-6)
    texture = np.clip(np.minimum(asd, bsd) / 6.0, 0.0, 1.0)
    dmean = np.clip(np.abs(am - bm) / 48.0, 0.0, 1.0)
    dstd = np.abs(asd - bsd) / (asd + bsd + 8.0)
    return texture * np.maximum(np.clip(1.0 - corr, 0.0, 1.0), 0.5 * dmean) + (1.0 - texture) * np.maximum(dmean, dstd)


class BlockStats:
    """What :func:`block_dissimilarities` computes of each frame on its own, kept
    for frames compared many times (the detectors' pair checks): each frame's
    blocks as the first of a pair (unshifted) and as the second (at every shift),
    centred, with their means and deviations.  :meth:`dissimilarities` of two
    frames is then the same arithmetic as :func:`block_dissimilarities`, element
    by element, so the results are identical.

    ``frames`` (n, h, w) luma; frames are prepared on first use, and about the
    ``keep`` most recently prepared as second of a pair (the larger part, 34 KB
    each at 32x18) and ``keep_first`` as first are kept (:func:`forget_oldest`).
    """

    def __init__(self, frames: np.ndarray, *, grid: tuple[int, int] = (3, 4), shifts: tuple[int, int] = (3, 2),
                 keep: int = 512, keep_first: int = 4096) -> None:
        self.frames = frames
        self.grid = grid
        self.shifts = shifts
        self.keep = keep
        self.keep_first = keep_first
        _, h, w = frames.shape
        self._idx = _shifted_blocks(h, w, grid, shifts)  # (shifts, blocks, pixels)
        mx, my = shifts
        self._centre = my * (2 * mx + 1) + mx  # the unshifted blocks
        #: Flat pixel indices of the unshifted blocks, shape (blocks, pixels per block).
        self.blocks = self._idx[self._centre]
        self._first: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._second: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def dissimilarities(self, pairs: list[tuple[int, int]]) -> np.ndarray:
        """Block dissimilarities of frame ``i`` against frame ``k`` for each pair
        ``(i, k)``: :func:`block_dissimilarities` of ``frames[i]`` and ``frames[k]``,
        shape (pairs, blocks)."""
        if not pairs:
            return np.zeros((0, self.grid[0] * self.grid[1]), np.float32)
        self._prepare(self._first, sorted({i for i, _ in pairs}), self.blocks, self.keep_first)
        self._prepare(self._second, sorted({k for _, k in pairs}), self._idx, self.keep)
        # (np.array of a list: faster than np.stack)
        ab, am, asd = (np.array([self._first[i][q] for i, _ in pairs])[:, None] for q in range(3))  # every shift
        bb, bm, bsd = (np.array([self._second[k][q] for _, k in pairs]) for q in range(3))
        return _centred_distance(ab, am, asd, bb, bm, bsd).min(axis=1)

    def _prepare(self, store: dict, frames: list[int], idx: np.ndarray, keep: int) -> None:
        forget_oldest(store, keep, frames)
        todo = [i for i in frames if i not in store]
        if not todo:
            return
        x = np.asarray(self.frames[todo], np.float32)
        n, h, w = x.shape
        # (contiguous, as block_dissimilarities' blocks are: a reduction's rounding follows the layout)
        c, m, sd = _centred(np.take(x.reshape(n, h * w), idx.ravel(), axis=1).reshape(n, *idx.shape))
        for k, i in enumerate(todo):  # (copies: a kept frame does not keep its whole batch)
            store[i] = (c[k].copy(), m[k].copy(), sd[k].copy())


def forget_oldest(store: dict, keep: int, needed: Iterable) -> None:
    """When ``store`` holds more than ``keep`` entries, drop the oldest (in insertion
    order) down to half of ``keep``, but none of ``needed``: a bounded memory of
    per-frame results for detectors that move through a video in time order (what
    is dropped is computed again, with the same result, if asked for again)."""
    if len(store) <= keep:
        return
    needed = set(needed)
    drop = len(store) - keep // 2
    for key in [k for k in store if k not in needed][:drop]:
        del store[key]
