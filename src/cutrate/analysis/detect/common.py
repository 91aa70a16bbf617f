"""What the detectors share: thumbnail comparisons, masks of runs, small maths.

The thumbnails (``features.thumb_y``, 32x18 luma, and ``thumb_uv``, 16x9 chroma)
let the detectors compare frames far apart without decoding again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ...settings import DetectSettings
from ...types import Features, Transition, TransitionKind
from ..kernels import BlockStats, block_histograms, color_change, forget_oldest, neighbourhoods

#: Blocks (rows, columns) and largest shift (x, y) in pixels for thumbnail comparisons.
THUMB_GRID = (3, 4)
THUMB_SHIFTS = (2, 2)
#: Structural distance below which two frames show the same picture: a flash or an
#: occlusion that returns to its shot, a fade between two views of one shot.
SAME_PICTURE = 0.30
#: "Things moved" needs colours even closer than ``moved_color`` when frames are
#: compared across an event rather than frame to frame.
MOVED_ACROSS_EVENT = 0.5
#: Across an event, a picture that moved on as far as the shot moves anyway in as
#: many frames (up to CONTINUE times that) is the same shot moving.
CONTINUE = 1.5
#: The shot's own motion is measured at HOLD_PHASES offsets (the most of them): on
#: twos or threes, a span of frames holds one more drawing change at some phases.
HOLD_PHASES = 3
#: A 6x8 grid of thumbnail blocks, and the mean absolute luma difference (0..255)
#: below which a block did not change, for the static share of a picture.
STATIC_GRID = (6, 8)
STATIC_LEVEL = 3.0
#: A static-grid block has detail when its luma spread (std, 0..255) is at least this.
DETAIL_LEVEL = 8.0
#: A change moved every edge of a picture with at least DETAIL_BLOCKS blocks of
#: detail (of 48) when it kept less than DETAIL_KEPT of them.
DETAIL_BLOCKS = 8
DETAIL_KEPT = 0.15
#: A change whose colours are found nearby (below ``moved_color``) still brought
#: new ones when at least REPLACED_COLOUR of ``moved_color`` changed: other shapes
#: in front of the same background rather than the same ones moved.
REPLACED_COLOUR = 0.6
#: Frames whose colour histograms :class:`Thumbs` keeps (6 KB each; the oldest are
#: computed again when asked for again): the detectors move through a video in
#: time order, so these stay bounded whatever its length (the pair results, about
#: 1.3 KB per frame of video, are all kept).
KEEP_FRAMES = 4096
#: A flat block (luma deviation below FLAT_BLOCK, levels 0..255) keeps its colour
#: when its mean chroma moved less than CHROMA_KEPT (|U| + |V|, levels 0..255,
#: :meth:`Thumbs.recoloured_blocks`).
FLAT_BLOCK = 6.0
CHROMA_KEPT = 12.0
#: Thumbnail rows and columns at the edges that stay darker than BORDER_LEVEL
#: (0..255) in all but BORDER_SHARE of the frames are letterbox or pillarbox bars:
#: the same in every shot, so frame comparisons leave them out.
BORDER_LEVEL = 24.0
BORDER_SHARE = 0.02
#: A row or column is picture when at least BORDER_LIT of its thumbnail pixels are
#: lit (above); a channel logo, a caption or subtitles in a bar light only a few.
BORDER_LIT = 0.5


def active_area(thumb_y: np.ndarray) -> tuple[slice, slice]:
    """Rows and columns of the thumbnails inside any letterbox or pillarbox bars
    (the whole thumbnail when there are none; never less than half of it).  A logo or
    subtitles inside a bar leave it a bar (:data:`BORDER_LIT`)."""
    if thumb_y.shape[0] == 0:
        return slice(None), slice(None)
    step = max(1, thumb_y.shape[0] // 500)
    sample = thumb_y[::step]
    lit = np.quantile(sample, 1.0 - BORDER_SHARE, axis=0) >= BORDER_LEVEL  # (h, w)

    def span(used: np.ndarray) -> slice:
        idx = np.flatnonzero(used)
        if idx.size == 0 or idx[-1] - idx[0] + 1 < used.size // 2:
            return slice(None)
        return slice(int(idx[0]), int(idx[-1]) + 1)

    return span(lit.mean(axis=1) >= BORDER_LIT), span(lit.mean(axis=0) >= BORDER_LIT)


def rolling_median_excluding(x: np.ndarray, half: int) -> np.ndarray:
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


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (start, end) index pairs of the True runs in ``mask``."""
    if mask.size == 0:
        return []
    m = np.concatenate([[False], mask, [False]]).astype(np.int8)
    d = np.diff(m)
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1) - 1
    return list(zip(starts.tolist(), ends.tolist()))


def _grid(x: np.ndarray) -> np.ndarray:
    """``x`` (a thumbnail, float) as :data:`STATIC_GRID` blocks, shape (rows, h, cols, w)."""
    h, w = x.shape
    gy, gx = STATIC_GRID
    bh, bw = h // gy, w // gx
    return x[: gy * bh, : gx * bw].reshape(gy, bh, gx, bw)


def _unchanged_blocks(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per :data:`STATIC_GRID` block, whether it is the same in ``a`` and ``b`` (float
    thumbnails) after removing a global brightness change, bool (rows, cols)."""
    d = b - a
    d -= np.median(d)
    return np.abs(_grid(d)).mean(axis=(1, 3)) < STATIC_LEVEL


def static_between(a: np.ndarray, b: np.ndarray) -> float:
    """Share of a :data:`STATIC_GRID` of thumbnail blocks that is the same in ``a``
    and ``b`` (after removing a global brightness change): the still background of
    a shot in which only some things move."""
    return float(_unchanged_blocks(a.astype(np.float32), b.astype(np.float32)).mean())


def kept_detail(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    """Of the :data:`STATIC_GRID` blocks with detail (an edge: luma spread of at
    least :data:`DETAIL_LEVEL` in ``a`` or ``b``), the share that is the same in both
    (as :func:`static_between` judges), and how many such blocks there are.  Things
    moving over a still scene keep the detail of the rest; a cut to another
    framing, another drawing or another title moves every edge."""
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    same = _unchanged_blocks(a32, b32)
    detail = _detail(a32) | _detail(b32)
    count = int(detail.sum())
    return (float(same[detail].mean()) if count else 1.0), count


def _detail(x: np.ndarray) -> np.ndarray:
    """Per :data:`STATIC_GRID` block of ``x`` (a float thumbnail), whether it has
    detail (a luma spread of at least :data:`DETAIL_LEVEL`), bool (rows, cols)."""
    return _grid(x).std(axis=(1, 3)) >= DETAIL_LEVEL


def detail_blocks(a: np.ndarray) -> int:
    """How many :data:`STATIC_GRID` blocks of thumbnail ``a`` have detail."""
    return int(_detail(a.astype(np.float32)).sum())


def structure_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation (-1..1) of the detail of thumbnails ``a`` and ``b``: each
    :data:`STATIC_GRID` block minus its mean, so that light falling on a picture,
    which shifts and scales its blocks, keeps it near 1; 0 when either is flat."""
    ga, gb = _grid(a.astype(np.float64)), _grid(b.astype(np.float64))
    ga = ga - ga.mean(axis=(1, 3), keepdims=True)
    gb = gb - gb.mean(axis=(1, 3), keepdims=True)
    den = math.sqrt(float((ga * ga).sum()) * float((gb * gb).sum()))
    return float((ga * gb).sum()) / den if den > 0 else 0.0


class Thumbs:
    """Thumbnail access with a pairwise dissimilarity for frames far apart, on the
    active picture (inside letterbox or pillarbox bars, see :func:`active_area`).

    The detectors ask about the same frames and pairs many times (a candidate's
    return check, the end of the event before it, the flash cut test), so pair
    results are remembered (each pair computed once), and so are the colour
    histograms and block parts of the most recent frames (:data:`KEEP_FRAMES`;
    older ones are computed again when asked for).  Everything is computed with
    the same functions, so remembering never changes a decision.
    """

    def __init__(self, feats: Features) -> None:
        rows, cols = active_area(feats.thumb_y)
        self.area = (rows, cols)
        self.y = feats.thumb_y[:, rows, cols]
        self.uv = feats.thumb_uv
        self.score = feats.score
        self.n = feats.n
        self._dis: dict[tuple[int, int], float] = {}
        self._static: dict[tuple[int, int], float] = {}
        self._cc: dict[tuple[int, int], float] = {}
        self._hist: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._blocks: dict[tuple[int, int], np.ndarray] = {}
        self._edges: dict[tuple[int, int], tuple[float, int]] = {}
        self._in_view: dict[tuple[int, int, int], np.ndarray] = {}
        self._colour: dict[int, np.ndarray] = {}
        self._block_colour: dict[int, np.ndarray] = {}
        self._stats = BlockStats(self.y, grid=THUMB_GRID, shifts=THUMB_SHIFTS)

    def dis(self, i: int, j: int) -> float:
        """Structural dissimilarity of frames ``i`` and ``j`` (0..1)."""
        key = (i, j)
        d = self._dis.get(key)
        if d is None:
            self.prefetch_blocks([key])
            d = self._dis[key] = float(self._blocks[key].mean())
        return d

    def moved_only(self, i: int, j: int, s: DetectSettings, *, pan: bool = False) -> bool:
        """Whether frame j shows the same scene as frame i with things moved: all its
        colours found nearby and part of the picture unchanged; with ``pan``, or the
        whole of it moved no farther than the shot moves anyway
        (:meth:`moved_as_the_shot`), its colours then changed no more than from one
        frame to the next of a shot (``moved_color``)."""
        cc = self.color_change(i, j)
        if cc < MOVED_ACROSS_EVENT * s.moved_color and self.static(i, j) >= s.moved_static:
            return True
        return pan and cc < s.moved_color and self.moved_as_the_shot(i, j)

    def moved_as_the_shot(self, i: int, j: int) -> bool:
        """Whether frame ``j`` is no farther from frame ``i`` than the shot itself
        moves over as many frames beside them: :data:`CONTINUE` times the smaller of
        the changes over the span before ``i`` and the span after ``j``, each the most
        over :data:`HOLD_PHASES` offsets (where a side has no room for the whole span,
        twice the change over half of it).  A span in which a frame changes as much as
        both the way into and the way out of the event (``features.score``) may hold a
        cut: it does not count, and without a span on either side the answer is no.
        (A shape entering the lens may come in with less change than the shot's own
        drawing changes make, so the smaller of the two would leave no span.)"""
        span = j - i
        if span < 2 or j >= self.n:
            return False
        # a span with a change as large as the ways into and out of the event may hold a cut
        limit = max(float(self.score[i + 1]), float(self.score[j]))
        own = []
        for side in (-1, 1):  # the span before i, then the span after j, at each phase of a hold
            for length in (span, (span + 1) // 2):  # half the span, twice over, where the whole does not fit
                starts = [i - length - d for d in range(HOLD_PHASES)] if side < 0 else [j + d for d in range(HOLD_PHASES)]
                moved = [self.dis(a, a + length) for a in starts
                         if a >= 0 and a + length < self.n and float(self.score[a + 1 : a + length + 1].max()) < limit]
                if moved:
                    own.append(max(moved) * span / length)
                    break
        return bool(own) and self.dis(i, j) <= CONTINUE * min(own)

    def color_change(self, i: int, j: int) -> float:
        """:func:`~cutrate.analysis.kernels.color_change` of frame ``j`` against ``i``."""
        v = self._cc.get((i, j))
        if v is None:
            self.color_changes(i, range(j, j + 1))
            v = self._cc[(i, j)]
        return v

    def color_changes(self, i: int, frames: range) -> None:
        """:meth:`color_change` of each of ``frames`` against frame ``i``, in one
        batch (before many :meth:`moved_only` questions about them)."""
        self.color_pairs([(i, j) for j in frames])

    def color_pairs(self, pairs: Iterable[tuple[int, int]]) -> None:
        """:meth:`color_change` of each pair ``(i, j)``, in one batch."""
        todo = sorted({p for p in pairs if p not in self._cc})
        if not todo:
            return
        self.prefetch({f for p in todo for f in p})
        hj = np.concatenate([self._hist[j][0] for _, j in todo])
        nj = np.concatenate([self._hist[j][1] for _, j in todo])
        hi = np.concatenate([self._hist[i][0] for i, _ in todo])
        ni = np.concatenate([self._hist[i][1] for i, _ in todo])
        self._cc.update(zip(todo, color_change(hj, hi, na=nj, nb=ni).tolist()))

    def static(self, i: int, j: int) -> float:
        """:func:`static_between` frames ``i`` and ``j``."""
        key = (i, j)
        v = self._static.get(key)
        if v is None:
            v = self._static[key] = static_between(self.y[i], self.y[j])
        return v

    def moved_every_edge(self, i: int, j: int) -> bool:
        """Whether frame ``j`` kept less than DETAIL_KEPT of the blocks with detail of
        frame ``i`` (at least DETAIL_BLOCKS of them, :func:`kept_detail`): things
        moving over a still scene keep the rest of its detail; a cut to a closer
        framing of the same set, or from one title to the next, keeps only flat
        areas unchanged."""
        kept, count = self.kept_detail(i, j)
        return count >= DETAIL_BLOCKS and kept < DETAIL_KEPT

    def kept_detail(self, i: int, j: int) -> tuple[float, int]:
        """:func:`kept_detail` of frames ``i`` and ``j``."""
        key = (i, j)
        v = self._edges.get(key)
        if v is None:
            v = self._edges[key] = kept_detail(self.y[i], self.y[j])
        return v

    def prefetch(self, frames: Iterable[int]) -> None:
        """Compute the colour histograms of ``frames`` in one batch (before many
        :meth:`moved_only` questions about them)."""
        frames = set(frames)
        forget_oldest(self._hist, KEEP_FRAMES, frames)
        todo = sorted(i for i in frames if i not in self._hist)
        if todo:
            h = block_histograms(*self.yuv(todo))
            nh = neighbourhoods(h)
            for k, i in enumerate(todo):
                self._hist[i] = (h[k : k + 1].copy(), nh[k : k + 1].copy())

    def yuv(self, idx: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The active picture of frames ``idx``: luma and the two chroma planes, at
        the luma thumbnail's size (each chroma sample covers 2x2 luma pixels)."""
        y = self.y[idx]
        rows, cols = self.area
        uv = self.uv[idx].repeat(2, axis=2).repeat(2, axis=3)[:, :, rows, cols][:, :, : y.shape[1], : y.shape[2]]
        return y, uv[:, 0], uv[:, 1]

    def median_colour(self, i: int) -> np.ndarray:
        """The median luma and chroma of frame ``i``'s active picture, shape (3,)."""
        v = self._colour.get(i)
        if v is None:
            v = self._colour[i] = np.median(np.stack(self.yuv([i])).reshape(3, -1), axis=1).astype(np.float32)
        return v

    def block_colour(self, i: int) -> np.ndarray:
        """The luma deviation and mean chroma (U, V) of each block of
        :meth:`blocks_after` (unshifted) in frame ``i``, shape (blocks, 3)."""
        v = self._block_colour.get(i)
        if v is None:
            y, u, w = (np.asarray(p[0], np.float32).ravel()[self._stats.blocks] for p in self.yuv([i]))
            v = self._block_colour[i] = np.stack([y.std(axis=1), u.mean(axis=1), w.mean(axis=1)], axis=1)
        return v

    def recoloured_blocks(self, i: int, k: int) -> np.ndarray:
        """Per block of :meth:`blocks_after`, whether it is flat in frames ``i`` and
        ``k`` (luma deviation below FLAT_BLOCK) with mean chroma CHROMA_KEPT levels or
        more apart (|U| + |V|): flat areas of the same luma match in structure
        whatever their colour, bool (blocks,)."""
        a, b = self.block_colour(i), self.block_colour(k)
        flat = (a[:, 0] < FLAT_BLOCK) & (b[:, 0] < FLAT_BLOCK)
        return flat & (np.abs(b[:, 1:] - a[:, 1:]).sum(axis=1) >= CHROMA_KEPT)

    def blocks_after(self, i: int, first: int, last: int) -> np.ndarray:
        """Block dissimilarities of frame ``i`` against each of frames ``first..last``,
        shape (frames, blocks); each pair is computed once (the occlusion tests ask
        about the same pairs for many spans)."""
        frames = range(first, last + 1)
        if not frames:
            return np.zeros((0, THUMB_GRID[0] * THUMB_GRID[1]), np.float32)
        self.prefetch_blocks([(i, k) for k in frames])
        return np.array([self._blocks[(i, k)] for k in frames])  # (faster than np.stack for a few rows)

    def in_view(self, i: int, first: int, last: int) -> np.ndarray:
        """How clearly part of frame ``i`` is in view in each of frames ``first..last``:
        the second-smallest of its block dissimilarities (:meth:`blocks_after`) per
        frame; each span is computed once (the lens tests ask about one end of a span
        for many spans)."""
        key = (i, first, last)
        v = self._in_view.get(key)
        if v is None:
            v = self._in_view[key] = np.partition(self.blocks_after(i, first, last), 1, axis=-1)[..., 1]
        return v

    def prefetch_blocks(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Compute the block dissimilarities of each pair ``(i, k)`` (frame ``i``
        against frame ``k``, as :meth:`blocks_after`) in one batch."""
        todo = sorted({p for p in pairs if p not in self._blocks})
        if todo:
            self._blocks.update(zip(todo, self._stats.dissimilarities(todo)))


class Found:
    """The transitions found so far and the frames taken by them and by in-shot
    events (flashes, occlusions, leaders), which later detectors leave alone.

    ``taken`` marks frames inside a transition (with one frame of margin) or an
    event; ``events`` marks fades, flashes, leaders and occlusions only: no dissolve
    may overlap those.
    """

    def __init__(self, features: Features) -> None:
        self.n = features.n
        self.times = features.times
        self.transitions: list[Transition] = []
        self.taken = np.zeros(self.n, bool)
        self.events = np.zeros(self.n, bool)

    def add(self, kind: TransitionKind, frame: int, start: int, end: int, confidence: float) -> None:
        frame = min(max(frame, 0), self.n - 1)
        conf = float(min(max(confidence, 0.0), 1.0))
        self.transitions.append(Transition(kind, frame, float(self.times[frame]), int(start), int(end), conf))
        self.taken[max(0, start - 1) : min(self.n, end + 2)] = True

    def mark(self, start: int, end: int, *, event: bool = False) -> None:
        """Frames ``start..end`` are taken (and, with ``event``, an in-shot event)."""
        self.taken[start : end + 1] = True
        if event:
            self.events[start : end + 1] = True
