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


def rate(
    transitions: Sequence[Transition],
    *,
    start_s: float = 0.0,
    duration_s: float,
    window_s: float = TimelineSettings.window_s,
    hop_s: float = TimelineSettings.hop_s,
) -> Timeline:
    """Cuts per minute in a window sliding over the video.

    The window centred on ``times[i]`` covers ``[times[i] - window_s / 2,
    times[i] + window_s / 2)`` clipped to the video; its count is scaled by
    ``60 / covered seconds``, so the first and last half-window are not biased
    low.  Every transition counts once, whatever its kind.
    """
    check_positive("window_s", window_s)
    check_positive("hop_s", hop_s)
    end_s = start_s + max(float(duration_s), 0.0)
    centres = start_s + np.arange(0.0, max(duration_s, 0.0) + 1e-9, hop_s)
    if centres.size == 0:
        centres = np.array([start_s])
    t = np.sort(np.array([tr.time for tr in transitions], dtype=np.float64))
    lo = np.maximum(centres - window_s / 2, start_s)
    hi = np.minimum(centres + window_s / 2, end_s)
    counts = np.searchsorted(t, hi, side="left") - np.searchsorted(t, lo, side="left")
    covered = np.maximum(hi - lo, 1e-9)
    cpm = np.where(hi > lo, counts * 60.0 / covered, 0.0)
    return Timeline(window_s=float(window_s), hop_s=float(hop_s), times=centres, cuts_per_minute=cpm)


def peak(
    transitions: Sequence[Transition],
    *,
    window_s: float = TimelineSettings.window_s,
    start_s: float = 0.0,
    end_s: float | None = None,
) -> Peak:
    """The window ``[start, start + window_s)`` holding the most transitions.

    Exact, not sampled on a grid: the best window can always be slid right until
    its start meets a transition, so only windows starting at a transition time
    are tried.  Ties go to the earliest window.  When the video is known
    (``end_s``), the window is moved left to lie inside it where possible, which
    keeps the same transitions inside.
    """
    check_positive("window_s", window_s)
    t = np.sort(np.array([tr.time for tr in transitions], dtype=np.float64))
    if t.size == 0:
        return Peak(window_s=float(window_s), count=0, start=float(start_s), end=float(start_s + window_s))
    j = np.searchsorted(t, t + window_s, side="left")
    counts = j - np.arange(t.size)
    i = int(np.argmax(counts))
    start = float(t[i])
    if end_s is not None and start + window_s > end_s:
        # by maximality, no earlier transition can enter the window moved left
        start = min(max(float(start_s), float(end_s) - window_s), start)
    return Peak(window_s=float(window_s), count=int(counts[i]), start=start, end=start + float(window_s))


def summarize(
    transitions: Sequence[Transition],
    shot_list: Sequence[Shot],
    *,
    duration_s: float,
    start_s: float = 0.0,
    settings: TimelineSettings | None = None,
) -> Summary:
    """Headline statistics: shot lengths, counts by kind, pace and peak windows.

    ASL is the mean shot length, MSL the median, SD the sample standard deviation
    and CV = SD / ASL (all in seconds).  The lognormal fit (Salt) is reported as the
    mean and standard deviation of log shot lengths; the lag-1 autocorrelation tells
    whether long shots follow long shots.
    """
    s = settings or TimelineSettings()
    lengths = np.array([sh.duration for sh in shot_list], dtype=np.float64)
    by_kind = {k: 0 for k in TRANSITION_KINDS}
    for tr in transitions:
        by_kind[tr.kind] = by_kind.get(tr.kind, 0) + 1
    end_s = start_s + duration_s
    asl = float(lengths.mean()) if lengths.size else math.nan
    sd = float(lengths.std(ddof=1)) if lengths.size > 1 else math.nan
    cpm = len(transitions) * 60.0 / duration_s if duration_s > 0 else math.nan
    head = peak(transitions, window_s=s.window_s, start_s=start_s, end_s=end_s)
    peaks = tuple(peak(transitions, window_s=w, start_s=start_s, end_s=end_s) for w in s.peak_windows_s)
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
