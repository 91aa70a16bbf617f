"""Results in notebooks: pandas DataFrames and the compact HTML card Jupyter shows.

These functions take plain records (and anything with ``summary`` and ``info``
attributes, such as :class:`cutrate.Result`); pandas is imported only when a
DataFrame is asked for.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from ._fmt import clock, count_words, peak_sentence
from .errors import CutrateError
from .settings import Settings
from .types import Shot, Summary, Timeline, Transition, VideoInfo

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class Frames(NamedTuple):
    """The three tables of one result."""

    transitions: pd.DataFrame
    shots: pd.DataFrame
    timeline: pd.DataFrame


class HasSummary(Protocol):
    """What :func:`compare` needs of a result."""

    summary: Summary
    info: VideoInfo


def _pd() -> Any:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise CutrateError("DataFrames need pandas: pip install pandas") from None
    return pd


def to_pandas(transitions: Sequence[Transition], shots: Sequence[Shot], timeline: Timeline) -> Frames:
    """Transitions, shots and timeline as DataFrames (seconds, frames)."""
    pd = _pd()
    trans = pd.DataFrame(
        [t.to_dict() for t in transitions],
        columns=["kind", "frame", "time", "start_frame", "end_frame", "confidence"],
    )
    shot_df = pd.DataFrame(
        [s.to_dict() for s in shots], columns=["start_frame", "end_frame", "start", "end", "duration"]
    )
    shot_df["frames"] = shot_df["end_frame"] - shot_df["start_frame"] + 1
    tl = pd.DataFrame({"time": timeline.times, "cuts_per_minute": timeline.cuts_per_minute})
    return Frames(trans, shot_df, tl)


def summary_row(summary: Summary, info: VideoInfo) -> dict[str, Any]:
    """The headline statistics of one video as a flat dict."""
    s = summary
    return {
        "video": Path(info.path).name,
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


def compare(results: Sequence[HasSummary]) -> pd.DataFrame:
    """One row per result: the headline statistics side by side."""
    pd = _pd()
    return pd.DataFrame([summary_row(r.summary, r.info) for r in results]).set_index("video")


def summary_html(summary: Summary, info: VideoInfo, settings: Settings, version: str) -> str:
    """A compact HTML card for Jupyter's rich display."""
    s = summary
    p = s.peak
    kinds = ", ".join(f"{k} {v}" for k, v in s.transitions.items() if v) or "none"
    rows = [
        ("duration", clock(s.duration_s)),
        ("shots", f"{s.shots}"),
        ("transitions", f"{s.transition_count} ({kinds})"),
        ("ASL / MSL", f"{_f(s.asl_s)} s / {_f(s.msl_s)} s"),
        (f"{count_words(s.count)} per minute", f"{_f(s.cuts_per_minute, 1)}"),
        ("peak", peak_sentence(p, s)),
    ]
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    title = html.escape(Path(info.path).name)
    d = settings.detect
    foot = html.escape(f"cutrate {version} · threshold {d.threshold} · window {settings.timeline.window_s:g} s")
    return (
        f"<div class='cutrate-result'><b>{title}</b>"
        f"<table style='margin-top:4px'>{body}</table>"
        f"<small style='color:#666'>{foot}</small></div>"
    )


def _f(x: float, digits: int = 2) -> str:
    return "–" if x != x else f"{x:.{digits}f}"
