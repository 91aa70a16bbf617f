"""Report text: the terminal summary of a result and the names reports use."""

from __future__ import annotations

from pathlib import Path

from .._fmt import clock, seconds
from ..analysis.pipeline import Result


def video_name(result: Result) -> str:
    """The video's file name (without folders), as plots and reports title it."""
    return Path(result.info.path).name or result.info.path


def format_summary(result: Result) -> str:
    """The short per-video summary printed after analysis."""
    s = result.summary
    kinds = ", ".join(f"{k} {v}" for k, v in s.transitions.items())
    p = s.peak
    unit = "cut" if p.count == 1 else "cuts"
    lines = [
        f"  duration {clock(s.duration_s)} · {s.shots} shots · {s.transition_count} transitions ({kinds})",
        f"  ASL {seconds(s.asl_s)} · MSL {seconds(s.msl_s)} · {s.cuts_per_minute:.1f} cuts/min",
        f"  peak: {p.count} {unit} in {p.window_s:g} s, {clock(p.start)}-{clock(p.end)}",
    ]
    return "\n".join(lines)
