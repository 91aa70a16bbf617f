"""Report text: the terminal summary of a result and the names reports use."""

from __future__ import annotations

from pathlib import Path

from .._fmt import clock, count_words, peak_sentence, plural, seconds, span
from ..analysis.pipeline import Result
from ..types import EXCLUDED_KINDS, Segment, Summary


def video_name(result: Result) -> str:
    """The video's file name (without folders), as plots and reports title it."""
    return Path(result.info.path).name or result.info.path


def format_summary(result: Result) -> str:
    """The short per-video summary printed after analysis."""
    s = result.summary
    kinds = ", ".join(f"{k} {v}" for k, v in s.transitions.items())
    kept = "" if not left_out(result) else f" ({clock(s.kept_s or 0.0)} counted)"
    lines = [
        f"  duration {clock(s.duration_s)}{kept} · {plural(s.shots, 'shot')} · "
        f"{plural(s.transition_count, 'transition')} ({kinds})",
        f"  ASL {seconds(s.asl_s)} · MSL {seconds(s.msl_s)} · {per_minute(s)}",
        f"  peak: {peak_sentence(s.peak, s)}",
    ]
    if left_out(result):
        lines.append(f"  {excluding(result)}")
    return "\n".join(lines)


def left_out(result: Result) -> list[Segment]:
    """The segments the pace numbers leave out."""
    keep_all = result.settings.timeline.keep_all
    return [g for g in result.segments if g.kind in EXCLUDED_KINDS and (g.source == "user" or not keep_all)]


def excluding(result: Result) -> str:
    """``"excluding opening 0:20.0–1:50.0, ending 22:30.0–24:00.0"``, or ``""``."""
    parts = []
    for g in left_out(result):
        name = g.label or ("" if g.kind == "excluded" else g.kind)
        parts.append(f"{name} {span(g.start, g.end)}".strip())
    return "excluding " + ", ".join(parts) if parts else ""


def per_minute(s: Summary) -> str:
    """``"107.3 shot changes/min"`` (what is counted named)."""
    return "-" if s.cuts_per_minute != s.cuts_per_minute else f"{s.cuts_per_minute:.1f} {count_words(s.count)}/min"


def season_line(results: list[Result]) -> str:
    """What the season matching found across a batch, in one line:
    ``"season of 4 videos: opening in 4, ending in 4, recap in 3; left out of the pace
    numbers (--keep-all counts them)"``."""
    found: dict[str, int] = {}
    for r in results:
        for kind in sorted({g.kind for g in r.segments if g.source == "season"}):
            found[kind] = found.get(kind, 0) + 1
    head = f"season of {plural(len(results), 'video')}"
    if not found:
        return f"{head}: nothing recurs across them"
    order = ["opening", "ending", "recap", "preview", "repeat"]
    parts = ", ".join(f"{k} in {found[k]}" for k in sorted(found, key=lambda k: (order.index(k) if k in order else 9, k)))
    keep_all = any(r.settings.timeline.keep_all for r in results)
    gone = set(found) & set(EXCLUDED_KINDS)
    if not gone:
        tail = "counted like the rest (its role is unknown)"
    elif keep_all:
        tail = "counted in the pace numbers (--keep-all)"
    else:
        tail = "left out of the pace numbers (--keep-all counts them)"
    return f"{head}: {parts}; {tail}"
