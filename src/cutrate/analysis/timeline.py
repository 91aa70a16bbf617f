"""Shots, pace over time and film-studies statistics: transitions in, numbers out.

Everything here is pure arithmetic on transition times, so re-windowing a result
never touches the video::

    shots = cutrate.timeline.shots(transitions, times=feats.times)
    tl = cutrate.timeline.rate(transitions, duration_s=120.0, window_s=30.0)
    summary = cutrate.timeline.summarize(transitions, shots, duration_s=120.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..settings import TimelineSettings, check_positive
from ..types import TRANSITION_KINDS, Lognormal, Peak, Shot, Summary, Timeline, TimeSlice, Transition


def shots(
    transitions: Sequence[Transition], *, times: np.ndarray, end_time: float | None = None
) -> list[Shot]:
    """Split a video into shots at each transition's ``frame``.

    Parameters
    ----------
    transitions : sequence of Transition
        Sorted or not; duplicates by frame are ignored.
    times : np.ndarray [shape=(n,)]
        Timestamp in seconds of every decoded frame.
    end_time : float, optional
        When the last frame stops being shown; defaults to the last timestamp plus
        the median frame step.

    Returns
    -------
    list of Shot
        Contiguous, covering frames ``0 .. n-1``.
    """
    times = np.asarray(times, dtype=np.float64)
    n = int(times.shape[0])
    if n == 0:
        return []
    if end_time is None:
        step = float(np.median(np.diff(times))) if n > 1 else 0.0
        end_time = float(times[-1]) + step
    bounds = sorted({int(t.frame) for t in transitions if 0 < int(t.frame) < n})
    starts = [0, *bounds]
    ends = [*(b - 1 for b in bounds), n - 1]
    out = []
    for a, b in zip(starts, ends):
        stop = float(times[b + 1]) if b + 1 < n else float(end_time)
        out.append(Shot(a, b, round(float(times[a]), 6), round(stop, 6)))
    return out


Span = tuple[float, float]

#: Transition kinds counted with ``count="cuts"``: hard cuts, and flash cuts (a hard
#: cut through a white frame or two).
HARD_KINDS = frozenset({"cut", "flash"})


def counted(transitions: Sequence[Transition], count: str = TimelineSettings.count) -> list[Transition]:
    """The transitions that count toward pace: all of them (``count="all"``, shot
    changes) or only hard cuts and flash cuts (``count="cuts"``)."""
    if count == "all":
        return list(transitions)
    return [t for t in transitions if t.kind in HARD_KINDS]


def kept_spans(start_s: float, end_s: float, excluded: Sequence[Span] = ()) -> list[Span]:
    """The parts of ``[start_s, end_s)`` outside the ``excluded`` spans, in order."""
    spans = [(start_s, end_s)]
    for a, b in sorted(excluded):
        out = []
        for x, y in spans:
            if b <= x or a >= y:
                out.append((x, y))
                continue
            if a > x:
                out.append((x, a))
            if b < y:
                out.append((b, y))
        spans = out
    return [(x, y) for x, y in spans if y - x > 1e-9]


def _times_in(transitions: Sequence[Transition], kept: Sequence[Span]) -> np.ndarray:
    t = np.sort(np.array([tr.time for tr in transitions], dtype=np.float64))
    if not kept:
        return t[:0]
    inside = np.zeros(t.shape[0], bool)
    for a, b in kept:
        inside |= (t >= a) & (t < b)
    return t[inside]


def _overlap(lo: np.ndarray, hi: np.ndarray, kept: Sequence[Span]) -> np.ndarray:
    """Seconds of each ``[lo, hi)`` inside the kept spans."""
    total = np.zeros(lo.shape[0])
    for a, b in kept:
        total += np.clip(np.minimum(hi, b) - np.maximum(lo, a), 0.0, None)
    return total


def rate(
    transitions: Sequence[Transition],
    *,
    start_s: float = 0.0,
    duration_s: float,
    window_s: float = TimelineSettings.window_s,
    hop_s: float = TimelineSettings.hop_s,
    count: str = TimelineSettings.count,
    excluded: Sequence[Span] = (),
) -> Timeline:
    """Cuts per minute in a window sliding over the video.

    The window centred on ``times[i]`` is ``[times[i] - window_s / 2, times[i] +
    window_s / 2)``; ``cuts_per_minute[i]`` is the number of transitions in it (the
    kinds ``count`` names, outside the ``excluded`` spans) times ``60 / window_s``.
    Nothing is extrapolated: where the window reaches past the start or end of the
    video, or into an excluded span, it counts what is there and
    ``partial[i]`` is True.  Centres inside an excluded span have no value (NaN).
    So no value, times ``window_s / 60``, exceeds the exact peak count.
    """
    check_positive("window_s", window_s)
    check_positive("hop_s", hop_s)
    end_s = start_s + max(float(duration_s), 0.0)
    centres = start_s + np.arange(0.0, max(duration_s, 0.0) + 1e-9, hop_s)
    if centres.size == 0:
        centres = np.array([start_s])
    kept = kept_spans(start_s, end_s, excluded)
    t = _times_in(counted(transitions, count), kept)
    lo, hi = centres - window_s / 2, centres + window_s / 2
    counts = np.searchsorted(t, hi, side="left") - np.searchsorted(t, lo, side="left")
    cpm = counts * 60.0 / window_s
    partial = _overlap(lo, hi, kept) < window_s - 1e-6
    if excluded:
        inside = np.zeros(centres.shape[0], bool)
        for a, b in kept:
            inside |= (centres >= a) & (centres < b)
        cpm = np.where(inside, cpm, np.nan)
    return Timeline(window_s=float(window_s), hop_s=float(hop_s), times=centres, cuts_per_minute=cpm,
                    partial=partial, count=count)


def span_pace(transitions: Sequence[Transition], start: float, end: float,
              count: str = TimelineSettings.count) -> tuple[int, float]:
    """How fast one span is cut (an opening, an ending): the transitions of the
    kinds ``count`` names in ``[start, end)``, and that count per minute of the span.

    The same half-open rule as the kept time's, so a transition at an opening's
    start belongs to the opening and one at its end to what follows: every
    transition is counted once, in the kept time or in one left-out span.
    """
    t = _times_in(counted(transitions, count), [(start, end)])
    n = int(t.shape[0])
    return n, (n * 60.0 / (end - start) if end > start else math.nan)


def peak(
    transitions: Sequence[Transition],
    *,
    window_s: float = TimelineSettings.window_s,
    start_s: float = 0.0,
    end_s: float | None = None,
    count: str = TimelineSettings.count,
    excluded: Sequence[Span] = (),
) -> Peak:
    """The window ``[start, start + window_s)`` holding the most transitions.

    Exact, not sampled on a grid: a best window can always be slid right until its
    start meets a transition or the end of the video, so only those starts are
    tried.  Ties go to the earliest window.  When the video is known (``end_s``) the
    window lies inside it, and outside every ``excluded`` span (in one stretch of
    kept time).  When no kept stretch is as long as the window — a video shorter
    than the window — the peak is that whole stretch (``whole_video``), so its end
    never passes the end of the video.
    """
    check_positive("window_s", window_s)
    t_all = [tr.time for tr in transitions]
    if end_s is None:
        end_s = max([start_s, *t_all]) + window_s
    kept = kept_spans(start_s, end_s, excluded)
    t = _times_in(counted(transitions, count), kept)
    best: tuple[int, float, float, bool] | None = None  # count, start, end, whole
    for a, b in kept:
        if b - a < window_s - 1e-9:
            continue
        cands = np.concatenate([t[(t >= a) & (t <= b - window_s)], [b - window_s]])
        n = np.searchsorted(t, cands + window_s, side="left") - np.searchsorted(t, cands, side="left")
        order = np.lexsort((cands, -n))
        k, s0 = int(n[order[0]]), float(cands[order[0]])
        if best is None or k > best[0]:
            best = (k, s0, s0 + window_s, False)
    if best is None:  # every kept stretch is shorter than the window: the longest one, whole
        a, b = max(kept, key=lambda ab: (ab[1] - ab[0], -ab[0])) if kept else (start_s, start_s)
        best = (int(((t >= a) & (t < b)).sum()), float(a), float(b), True)
    if best[0] == 0 and not best[3]:  # no transition at all: the first window
        a = kept[0][0] if kept else start_s
        best = (0, float(a), float(a) + window_s, False)
    return Peak(window_s=float(window_s), count=best[0], start=best[1], end=best[2], whole_video=best[3], count_of=count)


def summarize(
    transitions: Sequence[Transition],
    shot_list: Sequence[Shot],
    *,
    duration_s: float,
    start_s: float = 0.0,
    settings: TimelineSettings | None = None,
    excluded: Sequence[Span] = (),
) -> Summary:
    """Headline statistics: shot lengths, counts by kind, pace and peak windows.

    ASL is the mean shot length, MSL the median, SD the sample standard deviation
    and CV = SD / ASL (all in seconds).  The lognormal fit (Salt) is reported as the
    mean and standard deviation of log shot lengths; the lag-1 autocorrelation tells
    whether long shots follow long shots.  The average cuts per minute and the peaks
    count the kinds ``settings.count`` names, over the time outside ``excluded``;
    the shot statistics and the counts by kind cover the shots that start and the
    transitions that fall in that time.
    """
    s = settings or TimelineSettings()
    end_s = start_s + duration_s
    kept = kept_spans(start_s, end_s, excluded)
    kept_s = sum(b - a for a, b in kept)
    if excluded:  # shots and kinds of the kept time: shots that start in it, transitions in it
        shot_list = [sh for sh in shot_list if any(a <= sh.start < b for a, b in kept)]
        transitions = [tr for tr in transitions if any(a <= tr.time < b for a, b in kept)]
    lengths = np.array([sh.duration for sh in shot_list], dtype=np.float64)
    by_kind = {k: 0 for k in TRANSITION_KINDS}
    for tr in transitions:
        by_kind[tr.kind] = by_kind.get(tr.kind, 0) + 1
    asl = float(lengths.mean()) if lengths.size else math.nan
    sd = float(lengths.std(ddof=1)) if lengths.size > 1 else math.nan
    n = _times_in(counted(transitions, s.count), kept).shape[0]
    cpm = n * 60.0 / kept_s if kept_s > 0 else math.nan
    head = peak(transitions, window_s=s.window_s, start_s=start_s, end_s=end_s, count=s.count, excluded=excluded)
    peaks = tuple(peak(transitions, window_s=w, start_s=start_s, end_s=end_s, count=s.count, excluded=excluded)
                  for w in s.peak_windows_s)
    return Summary(
        duration_s=float(duration_s),
        shots=len(shot_list),
        transitions=by_kind,
        asl_s=asl,
        msl_s=float(np.median(lengths)) if lengths.size else math.nan,
        sd_s=sd,
        cv=sd / asl if lengths.size > 1 and asl > 0 else math.nan,
        cuts_per_minute=cpm,
        peak=head,
        peaks=peaks,
        lognormal=_lognormal(lengths),
        autocorrelation_lag1=_autocorr(lengths),
        parts=_parts(shot_list, start_s, duration_s, s.segments),
        count=s.count,
        counted=n,
        kept_s=kept_s,
    )


def _lognormal(lengths: np.ndarray) -> Lognormal:
    pos = lengths[lengths > 0]
    if pos.size < 2:
        return Lognormal()
    logs = np.log(pos)
    mu, sigma = float(logs.mean()), float(logs.std(ddof=1))
    return Lognormal(round(mu, 6), round(sigma, 6), round(math.exp(mu), 6))


def _autocorr(lengths: np.ndarray) -> float | None:
    if lengths.size < 3 or float(lengths.std()) == 0.0:
        return None
    x = lengths - lengths.mean()
    return round(float((x[:-1] * x[1:]).sum() / (x * x).sum()), 6)


def _parts(shot_list: Sequence[Shot], start_s: float, duration_s: float, k: int) -> tuple[TimeSlice, ...]:
    """Equal-time parts of the video with the ASL of the shots that start in each."""
    if duration_s <= 0 or not shot_list:
        return ()
    edges = start_s + np.linspace(0.0, duration_s, k + 1)
    starts = np.array([sh.start for sh in shot_list])
    lengths = np.array([sh.duration for sh in shot_list])
    idx = np.clip(np.searchsorted(edges, starts, side="right") - 1, 0, k - 1)
    out = []
    for i in range(k):
        sel = lengths[idx == i]
        out.append(TimeSlice(round(float(edges[i]), 6), round(float(edges[i + 1]), 6), int(sel.size),
                             round(float(sel.mean()), 6) if sel.size else None))
    return tuple(out)
