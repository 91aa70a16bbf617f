"""Plain data records passed between the pipeline stages.

Every record is a frozen dataclass; arrays inside them are never modified by the
library after construction.  Times are float seconds, frame indices are ints.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

TransitionKind = Literal["cut", "dissolve", "fade", "flash"]
TRANSITION_KINDS: tuple[str, ...] = ("cut", "dissolve", "fade", "flash")


@dataclass(frozen=True)
class VideoInfo:
    """What :func:`cutrate.decode.probe` learns about a video file.

    ``frames`` is the number of decoded frames (exact after a full decode, the
    container's estimate before).  ``duration_s`` runs from the first frame's
    timestamp to the end of the last frame.
    """

    path: str
    duration_s: float
    fps: float
    frames: int
    width: int
    height: int
    codec: str = ""
    start_time: float = 0.0
    identity: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Transition:
    """One shot boundary.

    ``frame`` is the 0-based index of the first decoded frame of the new shot (for
    gradual transitions: where the new shot takes over); ``start_frame`` and
    ``end_frame`` span the transition (equal to ``frame`` for a hard cut).
    ``time`` is the timestamp of ``frame`` in seconds.
    """

    kind: str
    frame: int
    time: float
    start_frame: int
    end_frame: int
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "frame": int(self.frame),
            "time": round(float(self.time), 6),
            "start_frame": int(self.start_frame),
            "end_frame": int(self.end_frame),
            "confidence": round(float(self.confidence), 4),
        }


@dataclass(frozen=True)
class Shot:
    """A run of frames between two transitions; ``end_frame`` is inclusive.

    ``start`` is the first frame's timestamp, ``end`` the time the last frame stops
    being shown (the next shot's start), ``duration = end - start`` in seconds.
    """

    start_frame: int
    end_frame: int
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def frames(self) -> int:
        return self.end_frame - self.start_frame + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "start_frame": int(self.start_frame),
            "end_frame": int(self.end_frame),
            "start": round(float(self.start), 6),
            "end": round(float(self.end), 6),
            "duration": round(float(self.duration), 6),
        }


@dataclass(frozen=True)
class Peak:
    """The window ``[start, start + window_s)`` holding the most transitions."""

    window_s: float
    count: int
    start: float
    end: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "window_s": float(self.window_s),
            "count": int(self.count),
            "start": round(float(self.start), 6),
            "end": round(float(self.end), 6),
        }


@dataclass(frozen=True)
class Timeline:
    """Sliding-window pace: ``cuts_per_minute[i]`` counts transitions in the window
    centred on ``times[i]`` and scales the count to one minute."""

    window_s: float
    hop_s: float
    times: np.ndarray
    cuts_per_minute: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        return {
            "window_s": float(self.window_s),
            "hop_s": float(self.hop_s),
            "times": [round(float(t), 6) for t in self.times],
            "cuts_per_minute": [round(float(c), 6) for c in self.cuts_per_minute],
        }


@dataclass(frozen=True)
class Summary:
    """Headline statistics of one analysis (seconds throughout)."""

    duration_s: float
    shots: int
    transitions: dict[str, int]
    asl_s: float
    msl_s: float
    sd_s: float
    cv: float
    cuts_per_minute: float
    peak: Peak
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def transition_count(self) -> int:
        return int(sum(self.transitions.values()))

    def to_dict(self) -> dict[str, Any]:
        d = {
            "duration_s": round(float(self.duration_s), 6),
            "shots": int(self.shots),
            "transitions": dict(self.transitions),
            "transition_count": self.transition_count,
            "asl_s": _r(self.asl_s),
            "msl_s": _r(self.msl_s),
            "sd_s": _r(self.sd_s),
            "cv": _r(self.cv),
            "cuts_per_minute": _r(self.cuts_per_minute),
            "peak": self.peak.to_dict(),
        }
        d.update(self.extra)
        return d


def _r(x: float) -> float | None:
    x = float(x)
    return None if not np.isfinite(x) else round(x, 6)
