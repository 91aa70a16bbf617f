"""Runs of material that two episodes share, found from their fingerprints.

:func:`find_runs` takes the :class:`~cutrate.analysis.fingerprints.Fingerprints` of a
batch and returns every :class:`Run`: frames ``a0..a1`` of episode ``a`` that episode ``b``
shows ``delta`` seconds later.  It is the audio-fingerprinting recipe on block patterns:

1. **Rarity**: how common each block pattern is in the batch (the share of the indexed blocks
   within :data:`BLOCK_BITS` of it, by a Walsh-Hadamard XOR-convolution over all 65536
   patterns).  Patterns that a large share of all pictures have (:data:`GENERIC_BITS`: a
   vignette, a sky above, dark edges) say nothing about which picture it is and are not
   compared.
2. **Index**: about ``sample_fps`` frames a second of each episode; each sample puts its
   non-generic blocks with content into an inverted index keyed by (block, pattern), one
   LSH band per block.  A pattern repeated in consecutive samples (a still picture) is indexed
   once, and keys held by too many samples are dropped.  Two samples of different episodes
   that share :data:`MIN_SHARED` keys (or one rare key) are compared.
3. **Verify and vote**: two frames match when at least :data:`BLOCK_SHARE` of the
   non-generic blocks with content in both, and at least :data:`MATCH_BLOCKS`, differ in at
   most :data:`BLOCK_BITS` of 16 bits.  Every matching pair votes for its time offset; offset
   bins with :data:`MIN_VOTES` votes (with their neighbours) are examined.
4. **Runs**: along an offset, the matching frames are followed at the sample rate, growing
   the window until they stop; stretches whose matches are no more than ``gap_s`` of
   differing frames apart are runs.  The offset is then refined to the frame, and the edges
   are put at the full frame rate where matches are dense, then moved over pictures that look
   the same although only generic patterns (or flat frames) say so.
5. **Bridges, one to one**: runs of a pair at the same offset (each at least
   :data:`BRIDGE_MIN_S`) less than :data:`BRIDGE_S` apart are joined when most frames between
   them still match in part (an overlay hides the rest); then, of the runs of a pair, moving
   pictures before still ones and longer before shorter, none may map a stretch already
   mapped (a still picture or a slow take matches itself at many offsets).

Frames are matched by time (nearest frame), so episodes need not share a frame rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..settings import SeasonSettings
from .fingerprints import BLOCK_INDEX, BLOCKS, POPCOUNT, Fingerprints

#: Fewest blocks with picture content for a frame to be indexed (real picture content).
MIN_BLOCKS = 3
#: Fewest non-generic blocks with content in both, and fewest matching ones, for two frames to
#: match (a mostly flat picture may extend a run, never start one).
MATCH_BLOCKS = 2
#: Most differing bits (of 16) for two blocks to match.
BLOCK_BITS = 3
#: Share of the non-generic blocks with content in both frames that must match.
BLOCK_SHARE = 0.6
#: A pattern is generic when more than 2**-GENERIC_BITS (here 18 %) of the batch's indexed
#: blocks lie within :data:`BLOCK_BITS` of it.
GENERIC_BITS = 2.5
#: Pseudo-count of uniformly random patterns mixed into the pattern statistics (a small batch
#: cannot call anything very rare).
RARITY_PRIOR = 64.0
#: Index keys held by more samples than this times the number of episodes (plus 16) are dropped.
BUCKET_PER_EPISODE = 2
#: Fewest index keys two samples must share to be compared, unless one of them is rare (held
#: by at most as many samples as there are episodes, plus 8).
MIN_SHARED = 2
#: Fewest matching sample pairs (over three neighbouring offset bins) for an offset to be examined.
MIN_VOTES = 4
#: Most offsets examined per pair of episodes.
MAX_OFFSETS = 32
#: Window (seconds) in which matches must be dense at a run's edges.
EDGE_S = 0.5
#: Longest stretch (seconds) without specific picture content a run bridges, and over which
#: its edges move on pictures that only look alike.
EXTEND_S = 10.0
#: Largest share of differing bits for such pictures to look alike.
EXTEND_BITS = 0.12
#: Largest difference of mean luma (0..255) for two flat frames to look alike.
FLAT_LUMA = 12
#: Longest gap (seconds) between two runs of a pair at the same offset that are joined.
BRIDGE_S = 30.0
#: Shortest run (seconds) that is joined so (a second of two look-alike pictures is not).
BRIDGE_MIN_S = 2.0
#: A run is a still picture when fewer than a fifth of its frames differ from its first
#: frame in more than this share of their common bits.
STILL_BITS = 0.25

_POP8 = POPCOUNT[:256]
_ROWS = BLOCK_INDEX.astype(np.intp)[None, :]


@dataclass(frozen=True)
class Run:
    """Frames ``a0..a1`` (inclusive) of episode ``a`` show what episode ``b`` (``a < b``, indices
    into the batch) shows at ``time + delta`` seconds; ``matched`` frames matched, ``still``:
    it is (nearly) one still picture."""

    a: int
    b: int
    a0: int
    a1: int
    delta: float
    matched: int
    still: bool

    def counterpart(self, prints: Sequence[Fingerprints], e: int, f0: int, f1: int) -> tuple[int, int]:
        """Frames of the run's other episode showing frames ``f0..f1`` of episode ``e`` (a or b)."""
        src, dst = (prints[self.a], prints[self.b]) if e == self.a else (prints[self.b], prints[self.a])
        t = src.times[[f0, f1]] + (self.delta if e == self.a else -self.delta)
        g = dst.frame_at(t)
        g = np.where(g < 0, np.clip(np.searchsorted(dst.times, t), 0, dst.n - 1), g)
        return int(g[0]), int(g[1])


def find_runs(prints: Sequence[Fingerprints], *, settings: SeasonSettings | None = None) -> list[Run]:
    """Every run of material shared by two episodes of a batch.

    Parameters
    ----------
    prints : sequence of Fingerprints
        One per episode.
    settings : SeasonSettings, optional
        ``sample_fps`` and ``gap_s`` are used.

    Returns
    -------
    list of Run
        Grouped by pair of episodes; at most one run maps any stretch of either episode of a pair.
    """
    return _Matcher(prints, settings or SeasonSettings()).runs() if len(prints) >= 2 else []


def _fwht(x: np.ndarray) -> np.ndarray:
    """Walsh-Hadamard transform along the last axis (length a power of 2)."""
    shape, n, h = x.shape, x.shape[-1], 1
    while h < n:
        x = x.reshape(-1, n // (2 * h), 2, h)
        x = np.stack([x[:, :, 0] + x[:, :, 1], x[:, :, 0] - x[:, :, 1]], axis=2)
        h *= 2
    return x.reshape(shape)


def overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    """Whether frame spans ``a0..a1`` and ``b0..b1`` share half of the shorter one."""
    return min(a1, b1) - max(a0, b0) + 1 >= 0.5 * min(a1 - a0 + 1, b1 - b0 + 1)


def _stretches(p: Fingerprints, frames: np.ndarray, matched: np.ndarray, known: np.ndarray,
               gap: float) -> list[tuple[int, int]]:
    """First and last matching frame of each stretch of ``frames`` (sorted frames of ``p``) whose
    matches are separated by at most ``gap`` seconds of frames that differ and at most
    :data:`EXTEND_S` seconds in all (frames without specific content neither match nor differ)."""
    at = np.flatnonzero(matched)
    if at.size == 0:
        return []
    step = float(np.median(np.diff(p.times[frames]))) if frames.size > 1 else 1.0 / p.fps
    differ = np.r_[0, np.cumsum(known & ~matched)]
    cut = ((differ[at[1:]] - differ[at[:-1] + 1]) * step > gap) | (np.diff(p.times[frames[at]]) > EXTEND_S)
    ends = np.flatnonzero(cut)
    return [(int(frames[at[i]]), int(frames[at[j]])) for i, j in zip(np.r_[0, ends + 1], np.r_[ends, at.size - 1],
                                                                      strict=True)]


def _still(p: Fingerprints, frames: np.ndarray) -> bool:
    """Whether ``frames`` of ``p`` show (nearly) one still picture."""
    frames = frames[p.usable(frames) >= MIN_BLOCKS]
    if frames.size < 2:
        return True
    ref = frames[:1].repeat(frames.size)
    mask = (((p.valid[ref] & p.valid[frames])[:, None] >> BLOCK_INDEX) & 1).astype(np.int32)
    differ = (POPCOUNT[p.bits[ref] ^ p.bits[frames]] * mask).sum(axis=1)
    return bool(np.mean(differ > STILL_BITS * 16 * np.maximum(mask.sum(axis=1), 1)) < 0.2)


class _Matcher:
    """The matching state of one batch: fingerprints, settings, index samples, pattern rarity."""

    def __init__(self, prints: Sequence[Fingerprints], s: SeasonSettings) -> None:
        self.prints, self.s = prints, s
        frames = []
        for p in prints:  # the indexed samples: frames with picture content
            f = np.arange(0, p.n, max(1, round(p.fps / s.sample_fps)))
            frames.append(f[p.usable(f) >= MIN_BLOCKS])
        self.eps = np.concatenate([np.full(f.size, e, np.int64) for e, f in enumerate(frames)] or [np.zeros(0, int)])
        self.frames = np.concatenate(frames or [np.zeros(0, int)])
        self.bits = np.concatenate([p.bits[f] for p, f in zip(prints, frames, strict=True)])
        self.valid = np.concatenate([p.valid[f] for p, f in zip(prints, frames, strict=True)])
        self.rarity = self._rarity()

    def _rarity(self) -> np.ndarray:
        """-log2 of the share of the batch's indexed blocks within :data:`BLOCK_BITS` of each pattern,
        per block, shape (8, 65536)."""
        counts = np.zeros((BLOCKS, 1 << 16))
        for b in range(BLOCKS):
            counts[b] = np.bincount(self.bits[((self.valid >> b) & 1) == 1, b], minlength=1 << 16)
        ball = (POPCOUNT <= BLOCK_BITS).astype(np.float64)
        near = _fwht(_fwht(counts) * _fwht(ball)) / (1 << 16)  # XOR-convolution: the neighbours in the ball
        share = (np.maximum(near, 0) + RARITY_PRIOR * ball.mean()) / (counts.sum(axis=1, keepdims=True) + RARITY_PRIOR)
        return (-np.log2(np.clip(share, 1e-9, 1.0))).astype(np.float32)

    def blocks(self, a: int, fa: np.ndarray, b: int, fb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(matching, compared) numbers of blocks for frame pairs ``fa[i]`` of episode ``a`` and
        ``fb[i]`` of ``b``: the non-generic blocks with content in both, and those of them within
        :data:`BLOCK_BITS`."""
        pa, pb = self.prints[a], self.prints[b]
        va, vb = pa.bits[fa], pb.bits[fb]
        usable = ((((pa.valid[fa] & pb.valid[fb])[:, None] >> BLOCK_INDEX) & 1) == 1) & (
            np.minimum(self.rarity[_ROWS, va], self.rarity[_ROWS, vb]) >= GENERIC_BITS)
        return ((POPCOUNT[va ^ vb] <= BLOCK_BITS) & usable).sum(axis=1), usable.sum(axis=1)

    def match(self, a: int, fa: np.ndarray, b: int, fb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(matched, known) for frame pairs ``fa[i]`` of episode ``a`` and ``fb[i]`` of ``b``; known:
        enough non-generic blocks with content in both to tell."""
        hits, usable = self.blocks(a, fa, b, fb)
        known = usable >= MATCH_BLOCKS
        return known & (hits >= MATCH_BLOCKS) & (hits >= BLOCK_SHARE * usable), known

    def along(self, a: int, fa: np.ndarray, b: int, delta: float) -> tuple[np.ndarray, np.ndarray]:
        """(matched, known) for frames ``fa`` of episode ``a`` against ``b`` at time offset ``delta``."""
        fb = self.prints[b].frame_at(self.prints[a].times[fa] + delta)
        inside = fb >= 0
        matched, known = np.zeros(fa.shape, bool), np.zeros(fa.shape, bool)
        matched[inside], known[inside] = self.match(a, fa[inside], b, fb[inside])
        return matched, known

    def covered(self, a: int, fa: np.ndarray, b: int, delta: float) -> bool:
        """Whether most of frames ``fa`` of ``a`` that can be compared with ``b`` at ``delta`` still
        match in part (at least :data:`MATCH_BLOCKS` blocks): the rest hidden by an overlay."""
        fb = self.prints[b].frame_at(self.prints[a].times[fa] + delta)
        hits, usable = self.blocks(a, fa[fb >= 0], b, fb[fb >= 0])
        compared = usable >= MATCH_BLOCKS
        return bool(2 * np.count_nonzero(hits[compared] >= MATCH_BLOCKS) >= np.count_nonzero(compared))

    def closest(self, a: int, fa: np.ndarray, b: int, deltas: np.ndarray) -> float:
        """The offset of ``deltas`` at which frames ``fa`` of ``a`` differ least from ``b`` (fewest
        differing bits per block with content in both; with held drawings and still pictures,
        neighbouring offsets match as often)."""
        pa, pb = self.prints[a], self.prints[b]
        best, choice = np.inf, float(deltas[len(deltas) // 2])
        for d in deltas:
            fb = pb.frame_at(pa.times[fa] + d)
            f, g = fa[fb >= 0], fb[fb >= 0]
            common = ((pa.valid[f] & pb.valid[g])[:, None] >> BLOCK_INDEX) & 1
            if f.size and common.any():
                cost = float((POPCOUNT[pa.bits[f] ^ pb.bits[g]] * common).sum() / common.sum())
                if cost < best:
                    best, choice = cost, float(d)
        return choice

    def candidates(self) -> np.ndarray:
        """Sample pairs (i, j), episode of i before that of j, sharing index keys; shape (m, 2)."""
        eps, rows, m = self.eps, np.arange(self.eps.size), len(self.prints)
        cap, rare = BUCKET_PER_EPISODE * m + 16, m + 8
        indexed = (((self.valid[:, None] >> BLOCK_INDEX) & 1) == 1) & (self.rarity[_ROWS, self.bits] >= GENERIC_BITS)
        codes = []  # (i * samples + j) * 2 + (the key is rare), i < j: samples are in episode order
        for b in range(BLOCKS):
            v = self.bits[:, b]
            keep = indexed[:, b] & np.r_[True, (v[1:] != v[:-1]) | (eps[1:] != eps[:-1])]  # a still picture once
            order = np.argsort(v[keep], kind="stable")
            key, who = v[keep][order], rows[keep][order]
            start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
            size = np.diff(np.r_[start, key.size])
            end = np.repeat(start + size, size)
            rare_key = np.repeat(size <= rare, size)
            active = np.flatnonzero(np.repeat((size >= 2) & (size <= cap), size))
            step = 1
            while active.size:  # every pair within a bucket, one distance at a time
                active = active[active + step < end[active]]
                i, j = who[active], who[active + step]
                other = eps[i] != eps[j]
                lo, hi = np.minimum(i, j)[other], np.maximum(i, j)[other]
                codes.append((lo * eps.size + hi) * 2 + rare_key[active][other])
                step += 1
        code = np.concatenate(codes) if codes else np.zeros(0, np.int64)
        code.sort()
        pair = code >> 1
        if code.size:
            start = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
            shared = np.diff(np.r_[start, code.size])
            pair = pair[start[(shared >= MIN_SHARED) | (np.maximum.reduceat(code & 1, start) == 1)]]
        return np.stack([pair // eps.size, pair % eps.size], axis=1)

    def runs(self) -> list[Run]:
        """Every run of material shared by two episodes of the batch."""
        pairs = self.candidates()
        key = self.eps[pairs[:, 0]] * len(self.prints) + self.eps[pairs[:, 1]]
        order = np.argsort(key, kind="stable")
        key, fa, fb = key[order], self.frames[pairs[order, 0]], self.frames[pairs[order, 1]]
        out: list[Run] = []
        for lo in np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else ():
            hi = int(np.searchsorted(key, key[lo], side="right"))
            a, b = divmod(int(key[lo]), len(self.prints))
            good = self.match(a, fa[lo:hi], b, fb[lo:hi])[0]
            out += self.pair_runs(a, b, fa[lo:hi][good], fb[lo:hi][good])
        return out

    def pair_runs(self, a: int, b: int, fa: np.ndarray, fb: np.ndarray) -> list[Run]:
        """Runs of material shared by episodes ``a`` and ``b``, from their matching sample pairs."""
        pa, pb, width = self.prints[a], self.prints[b], 1.0 / self.s.sample_fps
        if fa.size == 0:
            return []
        bins = np.rint((pb.times[fb] - pa.times[fa]) / width).astype(np.int64)
        values, counts = np.unique(bins, return_counts=True)

        def beside(shift: int) -> np.ndarray:
            j = np.minimum(np.searchsorted(values, values + shift), values.size - 1)
            return np.where(values[j] == values + shift, counts[j], 0)

        left, right = beside(-1), beside(1)
        votes = counts + left + right
        cand = np.flatnonzero((votes >= MIN_VOTES) & (counts >= left) & (counts >= right))
        cand = cand[np.argsort(-votes[cand], kind="stable")][:MAX_OFFSETS]
        steps = np.arange(-math.ceil(pb.fps * width), math.ceil(pb.fps * width) + 1) / pb.fps
        runs: list[Run] = []
        for c in cand:
            voters = np.sort(fa[np.abs(bins - values[c]) <= 1])
            if any(r.a0 <= voters[0] and voters[-1] <= r.a1 and abs(r.delta - values[c] * width) <= 2 * width
                   for r in runs):
                continue
            runs += self.grow(a, b, voters, self.closest(a, voters, b, values[c] * width + steps))
        return self.one_to_one(self.bridge(runs))

    def bridge(self, runs: list[Run]) -> list[Run]:
        """Join runs of one pair at the same offset (within a frame), each at least
        :data:`BRIDGE_MIN_S` long, less than :data:`BRIDGE_S` apart, when most frames between
        them match in part: one piece of material whose middle an overlay (credits) keeps
        from matching in full."""
        if not runs:
            return runs
        pa, pb = self.prints[runs[0].a], self.prints[runs[0].b]
        out: list[Run] = []
        for r in sorted(runs, key=lambda r: (r.a0, r.a1)):
            if pa.end(r.a1) - pa.times[r.a0] < BRIDGE_MIN_S:
                out.append(r)
                continue
            i = next((i for i in range(len(out) - 1, -1, -1) if abs(out[i].delta - r.delta) <= 1.5 / pb.fps
                      and pa.end(out[i].a1) - pa.times[out[i].a0] >= BRIDGE_MIN_S), None)
            if (i is not None and r.a0 > out[i].a1 and pa.times[r.a0] - pa.end(out[i].a1) <= BRIDGE_S
                    and self.covered(r.a, np.arange(out[i].a1 + 1, r.a0, 2), r.b, r.delta)):
                x = out[i]
                out[i] = Run(r.a, r.b, x.a0, r.a1, x.delta, x.matched + r.matched, x.still and r.still)
            else:
                out.append(r)
        return out

    def one_to_one(self, runs: list[Run]) -> list[Run]:
        """The best runs of one pair of episodes such that no stretch of either is mapped twice:
        moving pictures before still ones, longer before shorter."""
        kept: list[tuple[Run, tuple[int, int]]] = []
        for r in sorted(runs, key=lambda r: (r.still, -r.matched, r.a0)):
            b0, b1 = r.counterpart(self.prints, r.a, r.a0, r.a1)
            if not any(overlaps(r.a0, r.a1, k.a0, k.a1) or overlaps(b0, b1, *kb) for k, kb in kept):
                kept.append((r, (b0, b1)))
        return [r for r, _ in kept]

    def grow(self, a: int, b: int, voters: np.ndarray, delta: float) -> list[Run]:
        """Runs along ``delta`` around the voting frames: sampled, the window grown until the
        matches stop, then refined to the frame."""
        pa, s = self.prints[a], self.s
        step = max(1, round(pa.fps / s.sample_fps))
        margin, slack = max(30.0, 2 * s.gap_s), s.gap_s + 2 * step / pa.fps
        lo, hi = pa.times[voters[0]] - margin, pa.times[voters[-1]] + margin
        while True:
            f = np.arange(int(np.searchsorted(pa.times, lo)), int(np.searchsorted(pa.times, hi)), step)
            matched, known = self.along(a, f, b, delta)
            spans = [(f0, f1) for f0, f1 in _stretches(pa, f, matched, known, s.gap_s) if f1 > f0]
            grow_lo = bool(spans) and pa.times[spans[0][0]] - lo < slack and f[0] > 0
            grow_hi = bool(spans) and hi - pa.times[spans[-1][1]] < slack and f[-1] < pa.n - step
            if not (grow_lo or grow_hi):
                break
            lo, hi = lo - margin * grow_lo, hi + margin * grow_hi
        return [r for r in (self.refine(a, b, f0, f1, delta) for f0, f1 in spans) if r is not None]

    def refine(self, a: int, b: int, f0: int, f1: int, delta: float) -> Run | None:
        """The frame-accurate offset and edges of a sampled run (None if it does not hold up)."""
        pa, pb, s = self.prints[a], self.prints[b], self.s
        delta = self.closest(a, np.arange(f0, f1 + 1), b, delta + np.arange(-2, 3) / pb.fps)
        reach = int(math.ceil((s.gap_s + 2.0 / s.sample_fps) * pa.fps))
        frames = np.arange(max(0, f0 - reach), min(pa.n, f1 + reach + 1))
        matched, known = self.along(a, frames, b, delta)
        spans = [(g0, g1) for g0, g1 in _stretches(pa, frames, matched, known, s.gap_s) if g1 >= f0 and g0 <= f1]
        if not spans:
            return None
        # the edges: the outermost matching frames followed (preceded) by mostly matching ones
        idx = np.arange(spans[0][0] - frames[0], spans[-1][1] - frames[0] + 1)
        w = max(2, round(EDGE_S * pa.fps))
        cm, ck = np.r_[0, np.cumsum(matched)], np.r_[0, np.cumsum(known)]
        nxt, prv = np.minimum(idx + w, frames.size), np.maximum(idx + 1 - w, 0)
        ahead = 2 * (cm[nxt] - cm[idx]) >= np.maximum(ck[nxt] - ck[idx], 2)
        behind = 2 * (cm[idx + 1] - cm[prv]) >= np.maximum(ck[idx + 1] - ck[prv], 2)
        first, last = idx[ahead & matched[idx]], idx[behind & matched[idx]]
        if first.size == 0 or last.size == 0 or last[-1] <= first[0]:
            return None
        a0 = self.extend(a, b, int(frames[first[0]]), -1, delta)
        a1 = self.extend(a, b, int(frames[last[-1]]), 1, delta)
        inside = (frames >= a0) & (frames <= a1)
        return Run(a, b, a0, a1, delta, int(matched[inside].sum()), _still(pa, np.arange(a0, a1 + 1)))

    def extend(self, a: int, b: int, f: int, way: int, delta: float) -> int:
        """Move a run's edge ``f`` outwards (``way`` -1 or 1) over frames that match, that look alike
        (at most :data:`EXTEND_BITS` of the bits of the blocks with content in both differ: generic
        patterns, or specific ones that heavy compression has blurred past a match), or that are
        flat in both (within :data:`FLAT_LUMA`), up to :data:`EXTEND_S`; two frames in a row that
        do not stop it."""
        pa, pb = self.prints[a], self.prints[b]
        fa = f + way * np.arange(1, round(EXTEND_S * pa.fps) + 1)
        fa = fa[(fa >= 0) & (fa < pa.n)]
        fb = pb.frame_at(pa.times[fa] + delta)
        inside = int(np.argmin(fb >= 0)) if (fb < 0).any() else fb.size
        fa, fb = fa[:inside], fb[:inside]
        common = pa.valid[fa] & pb.valid[fb]
        differ = (POPCOUNT[pa.bits[fa] ^ pb.bits[fb]] * (((common[:, None] >> BLOCK_INDEX) & 1) == 1)).sum(axis=1)
        matched, _ = self.match(a, fa, b, fb)
        same = matched | ((_POP8[common] >= MATCH_BLOCKS) & (differ <= EXTEND_BITS * 16 * _POP8[common]))
        same |= (pa.valid[fa] == 0) & (pb.valid[fb] == 0) & (np.abs(pa.luma[fa].astype(np.int16) - pb.luma[fb])
                                                            <= FLAT_LUMA)
        stop = np.flatnonzero(~same[:-1] & ~same[1:])
        good = np.flatnonzero(same[: int(stop[0]) if stop.size else same.size])
        return int(fa[good[-1]]) if good.size else f
