"""Short text forms of times and counts, shared by the terminal, reports and plots.

A leaf module: it imports only :mod:`cutrate.types`.
"""

from __future__ import annotations

import math

from .types import Peak, Summary


def timecode(seconds: float) -> str:
    """``HH:MM:SS.mmm``, as PySceneDetect and editors write it."""
    ms = int(round(max(seconds, 0.0) * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def clock(seconds: float) -> str:
    """Short human time with tenths: ``12:31.0`` or ``1:02:03.5`` (``-`` if not finite)."""
    if not math.isfinite(seconds):
        return "-"
    tenths = int(round(max(seconds, 0.0) * 10))
    h, rem = divmod(tenths, 36000)
    m, rem = divmod(rem, 600)
    s = rem / 10
    return f"{h}:{m:02d}:{s:04.1f}" if h else f"{m}:{s:04.1f}"


def mss(seconds: float, *, hours: bool | None = None) -> str:
    """Whole-second clock time: ``12:31`` or ``1:02:03`` (``-`` if not finite).

    Parameters
    ----------
    seconds : float
        Time in seconds (negative values get a leading minus).
    hours : bool, optional
        Force (True) or suppress (False) the hours field; by default it is shown
        from one hour on.
    """
    if not math.isfinite(seconds):
        return "-"
    sign = "-" if seconds < 0 else ""
    total = round(abs(seconds))
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    if hours or (hours is None and h):
        return f"{sign}{h}:{m:02d}:{s:02d}"
    return f"{sign}{m + 60 * h}:{s:02d}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``"1 shot"``, ``"2 shots"`` (``many`` for irregular plurals)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def seconds(x: float, digits: int = 2) -> str:
    """``"1.25 s"``, or ``"-"`` when not finite."""
    return "-" if not math.isfinite(x) else f"{x:.{digits}f} s"


#: How each ``count`` choice is named wherever a count is shown (singular, plural).
COUNT_WORDS = {"all": ("shot change", "shot changes"), "cuts": ("hard cut", "hard cuts")}


def count_words(count_of: str, n: int | None = None) -> str:
    """``"shot changes"``/``"hard cuts"`` (singular when ``n == 1``)."""
    one, many = COUNT_WORDS.get(count_of, ("transition", "transitions"))
    return one if n == 1 else many


def span(a: float, b: float) -> str:
    """A time span as everywhere in cutrate's outputs: ``"0:09.2–1:09.2"``."""
    return f"{clock(a)}–{clock(b)}"


def peak_sentence(peak: Peak, summary: Summary | None = None) -> str:
    """The headline peak: ``"93 shot changes in 60 s, 12:31.4–13:31.4"``, or for a
    video shorter than the window ``"12 shot changes in 6.7 s (whole video)"``.  When
    the ``summary`` the peak belongs to leaves time out (an opening, an exclusion) and
    no counted stretch is as long as the window, the peak is the longest counted
    stretch, and the sentence says so and where it is."""
    what = count_words(peak.count_of, peak.count)
    if peak.whole_video:
        if summary is not None and summary.kept_s is not None and summary.kept_s < summary.duration_s - 1e-6:
            return f"{peak.count} {what} in {peak.span_s:.1f} s, {span(peak.start, peak.end)} (longest counted stretch)"
        return f"{peak.count} {what} in {peak.span_s:.1f} s (whole video)"
    return f"{peak.count} {what} in {peak.window_s:g} s, {span(peak.start, peak.end)}"
