"""Recurring sequences across the episodes of a batch: openings, endings, recaps, previews.

An anime episode's opening is often its fastest-cut minute, and the same minute in every
episode.  After the episodes of a batch are analysed, :func:`find_segments` finds the
material they share, so that the pace numbers can leave it out.  It works on the per-frame
thumbnails the analysis already computed, never on the video: adding an episode to an
analysed season matches stored fingerprints again, nothing is decoded.

    from cutrate.analysis.segments import Fingerprints, find_segments, fingerprints

    prints = [fingerprints(feats, name=name) for name, feats in episodes]
    np.savez(path, **prints[0].to_arrays())          # 26 bytes a frame
    prints[0] = Fingerprints.from_arrays(np.load(path))
    found = find_segments(prints)                     # {name: [Segment(kind="opening", ...), ...]}

The stages, each a module: :mod:`.fingerprints` (8 block patterns of 16 bits per frame, from
the 32x18 thumbnails), :mod:`.recurrence` (an inverted index of the patterns, offset voting
per pair of episodes, runs refined to the frame) and, here, the **roles**:

- material shared by at least ``min_share`` of the episodes (and at least 3; all of them in
  a batch of 2 or 3) is recurring: an ``opening`` if it lies near the start (within
  ``opening_within_s``, in the first half) in this episode and in most of the others, an
  ``ending`` likewise near the end, otherwise a ``repeat`` (an eyecatch, a logo);
- of the material shared by two episodes only, what lies at the start of episode N (within
  ``recap_within_s`` of its opening's end) and is episode N-1's own is a ``recap``; what
  lies at the end of episode N (after its ending starts) and is in episode N+1's body is a
  ``preview``; anything else is a ``repeat`` on both sides.  Recaps and previews are only
  named in a batch with an opening or an ending (a season);
- openings and endings last at least ``min_main_s``, everything else ``min_repeat_s``; a
  still picture counts only when at least 3 episodes share it.

Episodes are taken in the order given (the season's order); material repeated within one
episode is not looked for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..settings import SeasonSettings
from ..types import Segment, SegmentKind
from .fingerprints import FINGERPRINT_VERSION, Fingerprints, fingerprints
from .recurrence import Run, find_runs, overlaps

__all__ = ["find_segments", "fingerprints", "Fingerprints", "FINGERPRINT_VERSION", "find_runs", "Run"]

#: Shortest piece (seconds) of a two-episode run kept for a recap, preview or repeat
#: (pieces of one kind are merged before ``min_repeat_s`` applies).
MIN_PIECE_S = 1.0
#: Pieces of a recap or a preview this close (seconds) are one (a recap is a string of clips).
MERGE_S = 5.0
_PRIORITY: dict[str, int] = {"opening": 0, "ending": 0, "recap": 1, "preview": 1, "repeat": 2}


@dataclass
class _Span:
    kind: str
    f0: int
    f1: int
    also: set[int]
    still: bool


def find_segments(prints: Sequence[Fingerprints], *,
                  settings: SeasonSettings | None = None) -> dict[str, list[Segment]]:
    """Find the sequences that recur across the episodes of a batch.

    Parameters
    ----------
    prints : sequence of Fingerprints
        One per episode, in the season's order (recaps look at the previous episode,
        previews at the next); names must differ.
    settings : SeasonSettings, optional
        Lengths, shares and zones (default :class:`~cutrate.settings.SeasonSettings`).

    Returns
    -------
    dict of str to list of Segment
        Per episode name, its segments sorted by start: ``kind`` ``opening``, ``ending``,
        ``recap``, ``preview`` or ``repeat``, ``source="season"``, ``also_in`` the other
        episodes with the same material.

    Raises
    ------
    ParameterError
        If two fingerprints have the same name.
    """
    s = settings or SeasonSettings()
    names = [p.name for p in prints]
    if len(set(names)) != len(names):
        raise ParameterError(f"episode names must differ, got {names!r}")
    if len(prints) < 2:
        return {name: [] for name in names}
    spans = _roles(prints, find_runs(prints, settings=s), s)
    return {p.name: [_segment(p, x, names) for x in spans[e]] for e, p in enumerate(prints)}


def _segment(p: Fingerprints, x: _Span, names: list[str]) -> Segment:
    kind: SegmentKind = x.kind  # type: ignore[assignment]
    return Segment(kind, float(p.times[x.f0]), p.end(x.f1), x.f0, x.f1, "season",
                   tuple(names[i] for i in sorted(x.also)))


def _subtract(spans: list[tuple[int, int]], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Inclusive frame spans minus inclusive frame spans."""
    for c0, c1 in cuts:
        out = []
        for f0, f1 in spans:
            if c1 < f0 or c0 > f1:
                out.append((f0, f1))
                continue
            if f0 < c0:
                out.append((f0, c0 - 1))
            if c1 < f1:
                out.append((c1 + 1, f1))
        spans = out
    return spans


def _zone(p: Fingerprints, f0: int, f1: int, where: str, s: SeasonSettings, anchor: _Span | None = None) -> bool:
    """Whether frames ``f0..f1`` of ``p`` lie where an opening, ending, recap or preview may be."""
    t0, dur = float(p.times[0]), p.end_time - float(p.times[0])
    start, end = float(p.times[f0]) - t0, p.end(f1) - t0
    mid = 0.5 * (start + end)
    if where == "opening":
        return start <= s.opening_within_s and mid < 0.5 * dur
    if where == "ending":
        return dur - end <= s.ending_within_s and mid > 0.5 * dur
    if where == "recap":  # after the opening, if the episode has one; else in the first half
        if anchor is not None:
            return start <= p.end(anchor.f1) - t0 + s.recap_within_s
        return start <= s.recap_within_s and start < 0.5 * dur
    if anchor is not None:  # a preview: after the start of the ending, if there is one
        return dur - end <= s.preview_within_s and start >= float(p.times[anchor.f0]) - t0 - s.gap_s
    return dur - end <= s.preview_within_s and start > 0.5 * dur


def _roles(prints: Sequence[Fingerprints], runs: list[Run], s: SeasonSettings) -> list[list[_Span]]:
    """Per episode, its segments from the runs of all pairs of episodes."""
    m = len(prints)
    need = m if m <= 3 else max(3, math.ceil(s.min_share * m))
    sides: list[list[tuple[int, int, int, Run]]] = [[] for _ in range(m)]
    for r in runs:
        b0, b1 = r.counterpart(prints, r.a, r.a0, r.a1)
        sides[r.a].append((r.a0, r.a1, r.b, r))
        sides[r.b].append((b0, b1, r.a, r))
    recurring = [_recurring(prints, e, sides[e], need, s) for e in range(m)]
    season = False
    for e, spans in enumerate(recurring):
        for x in spans:
            x.kind = _main_kind(prints, e, x, sides[e], s)
            season |= x.kind in ("opening", "ending")
    found: list[list[_Span]] = [[x for x in spans if x.kind] for spans in recurring]
    anchors = [{x.kind: x for x in spans if x.kind in ("opening", "ending")} for spans in found]
    for r in runs:
        cuts = [(x.f0, x.f1) for x in recurring[r.a]]
        cuts += [r.counterpart(prints, r.b, x.f0, x.f1) for x in recurring[r.b]]
        pa = prints[r.a]
        for f0, f1 in _subtract([(r.a0, r.a1)], cuts):
            if pa.end(f1) - float(pa.times[f0]) < MIN_PIECE_S:
                continue
            g0, g1 = r.counterpart(prints, r.a, f0, f1)
            pb = prints[r.b]
            kinds = ("repeat", "repeat")
            if season and r.b == r.a + 1:
                tail_a = _zone(pa, f0, f1, "preview", s, anchors[r.a].get("ending"))
                if tail_a and not _zone(pb, g0, g1, "preview", s, anchors[r.b].get("ending")):
                    kinds = ("preview", "")
                elif not tail_a and _zone(pb, g0, g1, "recap", s, anchors[r.b].get("opening")):
                    kinds = ("", "recap")
            if kinds[0]:
                found[r.a].append(_Span(kinds[0], f0, f1, {r.b}, r.still))
            if kinds[1]:
                found[r.b].append(_Span(kinds[1], g0, g1, {r.a}, r.still))
    return [_tidy(prints[e], found[e], s) for e in range(m)]


def _recurring(prints: Sequence[Fingerprints], e: int, sides: list[tuple[int, int, int, Run]], need: int,
               s: SeasonSettings) -> list[_Span]:
    """Spans of episode ``e`` shared with at least ``need - 1`` other episodes.

    The runs that overlap by half are grouped (one piece of material: the ending, the preview
    after it); a group counts where enough of its runs cover the frames.  In a batch of 4 or
    more, a group of 3 consecutive episodes (a preview, the next episode's body, the recap of
    the episode after) is not season-wide material.
    """
    p, m = prints[e], len(prints)
    group = list(range(len(sides)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    order = sorted(range(len(sides)), key=lambda i: sides[i][0])
    for k, i in enumerate(order):  # by start: only runs starting before i ends can overlap it
        for j in order[k + 1 :]:
            if sides[j][0] > sides[i][1]:
                break
            if overlaps(sides[i][0], sides[i][1], sides[j][0], sides[j][1]):
                group[root(i)] = root(j)
    members: dict[int, list[int]] = {}
    for i in range(len(sides)):
        members.setdefault(root(i), []).append(i)
    out = []
    for idx in members.values():
        partners = {sides[i][2] for i in idx}
        if len(partners) < need - 1 or (m >= 4 and max(partners | {e}) - min(partners | {e}) <= 2):
            continue
        lo, hi = min(sides[i][0] for i in idx), max(sides[i][1] for i in idx)
        masks = {o: np.zeros(hi - lo + 1, bool) for o in partners}
        for i in idx:
            masks[sides[i][2]][sides[i][0] - lo : sides[i][1] - lo + 1] = True
        frames = lo + np.flatnonzero(np.sum(list(masks.values()), axis=0) >= need - 1)
        for a, b in _split(p.times[frames], s.gap_s):
            f0, f1 = int(frames[a]), int(frames[b])
            also = {o for o, mk in masks.items() if mk[f0 - lo : f1 - lo + 1].mean() >= 0.5}
            out.append(_Span("", f0, f1, also, all(sides[i][3].still for i in idx)))
    return sorted(out, key=lambda x: x.f0)


def _main_kind(prints: Sequence[Fingerprints], e: int, x: _Span, sides: list[tuple[int, int, int, Run]],
               s: SeasonSettings) -> str:
    """``opening``, ``ending``, ``repeat`` or "" (too short, or a still shared by too few) for a recurring span."""
    p = prints[e]
    length = p.end(x.f1) - float(p.times[x.f0])
    if length < s.min_repeat_s or (x.still and len(x.also) + 1 < 3):
        return ""
    if length >= s.min_main_s:
        for where in ("opening", "ending"):
            if not _zone(p, x.f0, x.f1, where, s):
                continue
            votes = []
            for other in x.also:
                parts = [r.counterpart(prints, e, max(f0, x.f0), min(f1, x.f1))
                         for f0, f1, o, r in sides if o == other and f0 <= x.f1 and f1 >= x.f0]
                votes.append(any(_zone(prints[other], g0, g1, where, s) for g0, g1 in parts))
            if votes and 2 * sum(votes) >= len(votes):
                return where
    return "repeat"


def _tidy(p: Fingerprints, spans: list[_Span], s: SeasonSettings) -> list[_Span]:
    """Merge neighbouring spans of one kind, drop short ones, let higher-priority kinds win overlaps."""
    merged: list[_Span] = []
    for x in sorted(spans, key=lambda x: (_PRIORITY[x.kind], x.kind, x.f0)):
        last = merged[-1] if merged else None
        gap = MERGE_S if x.kind in ("recap", "preview") else s.gap_s
        if last is not None and last.kind == x.kind and float(p.times[x.f0]) - p.end(last.f1) <= gap:
            last.f1, last.also, last.still = max(last.f1, x.f1), last.also | x.also, last.still and x.still
        else:
            merged.append(_Span(x.kind, x.f0, x.f1, set(x.also), x.still))
    out: list[_Span] = []
    for x in merged:
        above = [y for y in out if _PRIORITY[y.kind] < _PRIORITY[x.kind]]
        for y in above:  # the same material is in x's episodes too
            if overlaps(x.f0, x.f1, y.f0, y.f1) and y.kind in ("recap", "preview"):
                y.also |= x.also
        taken = [(y.f0, y.f1) for y in above]
        for f0, f1 in _subtract([(x.f0, x.f1)], taken):
            length = p.end(f1) - float(p.times[f0])
            shortest = s.min_main_s if x.kind in ("opening", "ending") else s.min_repeat_s
            if length >= shortest and not (x.still and len(x.also) + 1 < 3):
                out.append(_Span(x.kind, f0, f1, x.also, x.still))
    return sorted(out, key=lambda x: x.f0)


def _split(t: np.ndarray, gap: float) -> list[tuple[int, int]]:
    """Index ranges (inclusive) of sorted times ``t``, split where neighbours are more than ``gap`` apart."""
    if t.size == 0:
        return []
    br = np.flatnonzero(np.diff(t) > gap)
    return list(zip(np.r_[0, br + 1].tolist(), np.r_[br, t.size - 1].tolist(), strict=True))
