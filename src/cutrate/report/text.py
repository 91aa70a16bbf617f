"""Report text: the terminal summary of a result and the names reports use."""

from __future__ import annotations

from pathlib import Path

from .._fmt import clock, count_words, peak_sentence, plural, seconds
from ..analysis.pipeline import Result
from ..types import Summary


def video_name(result: Result) -> str:
    """The video's file name (without folders), as plots and reports title it."""
    return Path(result.info.path).name or result.info.path


def format_summary(result: Result) -> str:
    """The short per-video summary printed after analysis."""
    s = result.summary
    kinds = ", ".join(f"{k} {v}" for k, v in s.transitions.items())
    lines = [
        f"  duration {clock(s.duration_s)} · {plural(s.shots, 'shot')} · "
        f"{plural(s.transition_count, 'transition')} ({kinds})",
        f"  ASL {seconds(s.asl_s)} · MSL {seconds(s.msl_s)} · {per_minute(s)}",
        f"  peak: {peak_sentence(s.peak)}",
    ]
    return "\n".join(lines)


def per_minute(s: Summary) -> str:
    """``"107.3 shot changes/min"`` (what is counted named)."""
    return "-" if s.cuts_per_minute != s.cuts_per_minute else f"{s.cuts_per_minute:.1f} {count_words(s.count)}/min"
