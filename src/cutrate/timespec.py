"""Points and spans of time as users type them, in PySceneDetect's formats.

``90`` is a frame count (frame 90), ``90.5`` or ``90s`` seconds, ``1:30``,
``1:30.5`` and ``00:01:30.000`` clock times; a span is ``START-END`` in any of
those (``1:00-1:30``, ``2000-2400``, ``60s-90s``).  A frame count becomes seconds
through the video's own frame times (:meth:`TimeSpec.seconds`), so it is exact
also at variable frame rates.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from .errors import ParameterError
from .types import VideoInfo

_CLOCK = re.compile(r"^(?:(\d+):)?(\d+):(\d+(?:\.\d*)?)$")


@dataclass(frozen=True)
class TimeSpec:
    """A point in a video as the user gave it: ``value`` frames or seconds."""

    value: float
    frames: bool

    def seconds(self, times: np.ndarray | None, info: VideoInfo) -> float:
        """The point in seconds (the frame's timestamp for a frame count)."""
        if not self.frames:
            return info.start_time + self.value
        f = int(self.value)
        if times is not None and len(times):
            return float(times[f]) if f < len(times) else info.end_time
        return info.start_time + f / info.frame_rate


def parse_time(text: str | float, *, param: str = "time") -> TimeSpec:
    """A :class:`TimeSpec` from PySceneDetect's formats (see the module docstring).

    Raises
    ------
    ParameterError
        When ``text`` is none of them (the message names ``param``).
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        if not math.isfinite(text) or text < 0:
            raise ParameterError(f"{param} must be a time >= 0, got {text!r}", param=param)
        return TimeSpec(float(text), frames=False)
    s = str(text).strip().lower()
    try:
        if s.isdigit():
            return TimeSpec(float(int(s)), frames=True)
        if s.endswith("s") and s[:-1]:
            return _secs(float(s[:-1]), text, param)
        m = _CLOCK.match(s)
        if m:
            h, mi, sec = int(m.group(1) or 0), int(m.group(2)), float(m.group(3))
            if (m.group(1) and mi >= 60) or sec >= 60:
                raise ValueError
            return _secs(3600 * h + 60 * mi + sec, text, param)
        return _secs(float(s), text, param)
    except ValueError:
        raise ParameterError(f"{param} must be a time like 90 (frames), 90s, 1:30 or 00:01:30.000, got {text!r}",
                             param=param) from None


def _secs(x: float, text: object, param: str) -> TimeSpec:
    if not math.isfinite(x) or x < 0:
        raise ParameterError(f"{param} must be a time >= 0, got {text!r}", param=param)
    return TimeSpec(x, frames=False)


def parse_span(text: str, *, param: str = "exclude") -> tuple[TimeSpec, TimeSpec]:
    """``START-END`` as two :class:`TimeSpec`.

    Raises
    ------
    ParameterError
        When it is not a span.
    """
    parts = str(text).split("-")
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise ParameterError(f"{param} must be a span START-END (e.g. 1:00-1:30), got {text!r}", param=param)
    return parse_time(parts[0], param=param), parse_time(parts[1], param=param)
