"""Spans of time the user names: the range to analyse and the spans to leave out.

Times are PySceneDetect's formats (:mod:`cutrate.timespec`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import ParameterError
from ..timespec import parse_span, parse_time
from ..types import Segment, VideoInfo

def frame_at(t: float, times: np.ndarray | None, info: VideoInfo) -> int:
    """The first frame shown at or after ``t`` seconds (clamped to the video)."""
    if times is not None and len(times):
        return int(min(np.searchsorted(times, t - 1e-9), len(times) - 1))
    return int(max(0, min(round((t - info.start_time) * info.frame_rate), max(info.frames - 1, 0))))


def user_segments(info: VideoInfo, times: np.ndarray | None, *, start: str | None = None, end: str | None = None,
                  exclude: Sequence[str] = (), labels: Sequence[str] = ()) -> list[Segment]:
    """The ``excluded`` segments (``source="user"``) for a range to analyse and
    spans to leave out: before ``start``, after ``end`` and each ``exclude`` span
    (``labels`` name them, e.g. from an exclusions file).

    Raises
    ------
    ParameterError
        For a malformed time, a span that ends before it starts, or a range outside
        the video.
    """
    v0, v1 = info.start_time, info.end_time
    spans: list[tuple[float, float, str]] = []
    a = parse_time(start, param="start").seconds(times, info) if start is not None else v0
    b = parse_time(end, param="end").seconds(times, info) if end is not None else v1
    if start is not None or end is not None:
        if not a < b:
            raise ParameterError(f"end must come after start, got start {start!r} and end {end!r}", param="end")
        if a >= v1:
            raise ParameterError(f"start {start!r} is past the end of the video ({v1 - v0:.1f} s)", param="start")
        if a > v0:
            spans.append((v0, a, "before --start"))
        if b < v1:
            spans.append((b, v1, "after --end"))
    for k, text in enumerate(exclude):
        s0, s1 = parse_span(text)
        x, y = s0.seconds(times, info), s1.seconds(times, info)
        if not x < y:
            raise ParameterError(f"exclude span {text!r} ends before it starts", param="exclude")
        x, y = max(x, v0), min(y, v1)
        if x < y:
            spans.append((x, y, labels[k] if k < len(labels) else ""))
    out = []
    for x, y, label in sorted(spans):
        f0 = frame_at(x, times, info)
        f1 = max(f0, frame_at(y, times, info) - 1) if y < v1 else max(info.frames - 1, f0)
        out.append(Segment("excluded", x, y, f0, f1, source="user", label=label))
    return out
