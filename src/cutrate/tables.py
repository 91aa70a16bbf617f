"""Results as tables: pandas DataFrames and the compact HTML shown in Jupyter.

pandas is optional (``pip install 'cutrate[notebook]'``) and imported only here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .pipeline import Result


class Frames(NamedTuple):
    """The three tables of one result."""

    transitions: pd.DataFrame
    shots: pd.DataFrame
    timeline: pd.DataFrame


def _pd():
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        from .errors import CutrateError

        raise CutrateError("DataFrames need pandas: pip install 'cutrate[notebook]'") from None
    return pd


def to_pandas(result: Result) -> Frames:
    """Transitions, shots and timeline of ``result`` as DataFrames (seconds, frames)."""
    pd = _pd()
    trans = pd.DataFrame(
        [t.to_dict() for t in result.transitions],
        columns=["kind", "frame", "time", "start_frame", "end_frame", "confidence"],
    )
    shots = pd.DataFrame(
        [s.to_dict() for s in result.shots], columns=["start_frame", "end_frame", "start", "end", "duration"]
    )
    shots["frames"] = shots["end_frame"] - shots["start_frame"] + 1
    tl = pd.DataFrame({"time": result.timeline.times, "cuts_per_minute": result.timeline.cuts_per_minute})
    return Frames(trans, shots, tl)


def summary_row(result: Result) -> dict[str, Any]:
    s = result.summary
    return {
        "video": Path(result.info.path).name,
        "duration_s": s.duration_s,
        "shots": s.shots,
        **{k: v for k, v in s.transitions.items()},
        "asl_s": s.asl_s,
        "msl_s": s.msl_s,
        "sd_s": s.sd_s,
        "cv": s.cv,
        "cuts_per_minute": s.cuts_per_minute,
        "peak_count": s.peak.count,
        "peak_window_s": s.peak.window_s,
        "peak_start": s.peak.start,
    }


def compare(results: Sequence[Result]) -> pd.DataFrame:
    """One row per result: the headline statistics side by side."""
    pd = _pd()
    return pd.DataFrame([summary_row(r) for r in results]).set_index("video")


def summary_html(result: Result) -> str:
    """A compact HTML card for Jupyter's rich display."""
    from .report import clock

    s = result.summary
    p = s.peak
    kinds = ", ".join(f"{k} {v}" for k, v in s.transitions.items() if v) or "none"
    rows = [
        ("duration", clock(s.duration_s)),
        ("shots", f"{s.shots}"),
        ("transitions", f"{s.transition_count} ({kinds})"),
        ("ASL / MSL", f"{_f(s.asl_s)} s / {_f(s.msl_s)} s"),
        ("cuts per minute", f"{_f(s.cuts_per_minute, 1)}"),
        ("peak", f"{p.count} cuts in {p.window_s:g} s, {clock(p.start)}–{clock(p.end)}"),
    ]
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    title = html.escape(Path(result.info.path).name)
    d = result.settings.detect
    foot = html.escape(f"cutrate {result.version} · threshold {d.threshold} · window {result.settings.timeline.window_s:g} s")
    return (
        f"<div class='cutrate-result'><b>{title}</b>"
        f"<table style='margin-top:4px'>{body}</table>"
        f"<small style='color:#666'>{foot}</small></div>"
    )


def _f(x: float, digits: int = 2) -> str:
    return "–" if x != x else f"{x:.{digits}f}"
