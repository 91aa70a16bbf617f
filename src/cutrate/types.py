"""Plain data records passed between the pipeline stages.

Every record is a frozen dataclass; arrays inside them are never modified by the
library after construction.  Times are float seconds, frame indices are ints.
This module imports nothing from cutrate: every layer may use it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Literal, cast

import numpy as np

TransitionKind = Literal["cut", "dissolve", "fade", "flash"]
TRANSITION_KINDS: tuple[TransitionKind, ...] = ("cut", "dissolve", "fade", "flash")

SegmentKind = Literal["opening", "ending", "recap", "preview", "repeat", "excluded"]
SEGMENT_KINDS: tuple[SegmentKind, ...] = ("opening", "ending", "recap", "preview", "repeat", "excluded")
#: Segment kinds left out of the pace numbers by default (``repeat`` stays in).
EXCLUDED_KINDS: frozenset[str] = frozenset({"opening", "ending", "recap", "preview", "excluded"})

#: Frame rate assumed where a stream declares none (nor a usable timestamp).
DEFAULT_FPS = 25.0


def _r(x: float | None, digits: int = 6) -> float | None:
    """``x`` rounded for JSON, None when missing or not finite."""
    if x is None:
        return None
    x = float(x)
    return None if not math.isfinite(x) else round(x, digits)


def _num(x: Any) -> float:
    """A JSON number back as float (None reads as NaN)."""
    return math.nan if x is None else float(x)


@dataclass(frozen=True)
class VideoInfo:
    """What the decoder learns about a video file.

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
    timecode: str = ""

    @property
    def frame_rate(self) -> float:
        """``fps``, or :data:`DEFAULT_FPS` when unknown."""
        return self.fps or DEFAULT_FPS

    @property
    def end_time(self) -> float:
        """When the last frame stops being shown, in seconds."""
        return self.start_time + self.duration_s

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> VideoInfo:
        return cls(
            path=d["path"], duration_s=d["duration_s"], fps=d["fps"], frames=d["frames"], width=d["width"],
            height=d["height"], codec=d.get("codec", ""), start_time=d.get("start_time", 0.0),
            identity=d.get("identity", ""), timecode=d.get("timecode") or "",
        )


@dataclass(frozen=True)
class Transition:
    """One shot boundary.

    ``frame`` is the 0-based index of the first decoded frame of the new shot (for
    gradual transitions: where the new shot takes over); ``start_frame`` and
    ``end_frame`` span the transition (equal to ``frame`` for a hard cut).
    ``time`` is the timestamp of ``frame`` in seconds.
    """

    kind: TransitionKind
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

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Transition:
        return cls(cast(TransitionKind, d["kind"]), int(d["frame"]), float(d["time"]), int(d["start_frame"]),
                   int(d["end_frame"]), float(d["confidence"]))


@dataclass(frozen=True)
class Segment:
    """A span of a video with a role: a recurring opening, ending, recap or preview
    found across a season (``source="season"``), or a span the user excluded
    (``kind="excluded"``, ``source="user"``).

    ``start``/``end`` are seconds (``end`` exclusive: when the segment's last frame
    stops being shown); ``start_frame``/``end_frame`` are 0-based decoded frames,
    both inclusive.  ``also_in`` names the other episodes the material recurs in;
    ``label`` is free text (e.g. from an exclusions file).
    """

    kind: SegmentKind
    start: float
    end: float
    start_frame: int
    end_frame: int
    source: Literal["season", "user"] = "season"
    also_in: tuple[str, ...] = ()
    label: str = ""

    def __post_init__(self) -> None:
        # to the microsecond, as transition and shot times are: a transition at a
        # segment's edge falls on the same side in memory and in analysis.json
        object.__setattr__(self, "start", round(float(self.start), 6))
        object.__setattr__(self, "end", round(float(self.end), 6))

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "kind": self.kind,
            "start": round(float(self.start), 6),
            "end": round(float(self.end), 6),
            "start_frame": int(self.start_frame),
            "end_frame": int(self.end_frame),
            "source": self.source,
        }
        if self.also_in:
            d["also_in"] = list(self.also_in)
        if self.label:
            d["label"] = self.label
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Segment:
        return cls(cast(SegmentKind, d["kind"]), float(d["start"]), float(d["end"]), int(d["start_frame"]),
                   int(d["end_frame"]), d.get("source", "season"), tuple(d.get("also_in", ())), d.get("label", ""))


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

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Shot:
        return cls(int(d["start_frame"]), int(d["end_frame"]), float(d["start"]), float(d["end"]))


@dataclass(frozen=True)
class Peak:
    """The window ``[start, start + window_s)`` holding the most transitions.

    ``whole_video`` marks a video (or a kept stretch of it) shorter than the window:
    then ``[start, end)`` is all of it and ``end - start < window_s``.  ``count_of``
    names what was counted: ``"all"`` transitions (shot changes) or ``"cuts"``.
    """

    window_s: float
    count: int
    start: float
    end: float
    whole_video: bool = False
    count_of: str = "all"

    @property
    def span_s(self) -> float:
        """The window's length in seconds (shorter than ``window_s`` for a whole short video)."""
        return self.end - self.start

    def to_dict(self) -> dict[str, Any]:
        return {
            "window_s": float(self.window_s),
            "count": int(self.count),
            "start": round(float(self.start), 6),
            "end": round(float(self.end), 6),
            "whole_video": bool(self.whole_video),
            "count_of": self.count_of,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Peak:
        return cls(float(d["window_s"]), int(d["count"]), float(d["start"]), float(d["end"]),
                   bool(d.get("whole_video", False)), str(d.get("count_of", "all")))


@dataclass(frozen=True)
class Timeline:
    """Sliding-window pace: ``cuts_per_minute[i]`` is the number of transitions in
    the window of ``window_s`` seconds centred on ``times[i]``, times
    ``60 / window_s``.  ``partial[i]`` marks a window that reaches past the video's
    start or end (or into an excluded span) and so counts only part of
    ``window_s``; values are NaN where the centre itself is excluded.  ``count``
    names what is counted (see :class:`~cutrate.settings.TimelineSettings`)."""

    window_s: float
    hop_s: float
    times: np.ndarray
    cuts_per_minute: np.ndarray
    partial: np.ndarray | None = None
    count: str = "all"

    def to_dict(self) -> dict[str, Any]:
        partial = self.partial if self.partial is not None else np.zeros(self.times.shape[0], bool)
        return {
            "window_s": float(self.window_s),
            "hop_s": float(self.hop_s),
            "count": self.count,
            "times": [round(float(t), 6) for t in self.times],
            "cuts_per_minute": [_r(c) for c in self.cuts_per_minute],
            "partial": [bool(p) for p in partial],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Timeline:
        partial = np.array(d["partial"], bool) if "partial" in d else None
        cpm = np.array([math.nan if c is None else c for c in d["cuts_per_minute"]], float)
        return cls(float(d["window_s"]), float(d["hop_s"]), np.array(d["times"], float), cpm, partial,
                   str(d.get("count", "all")))


@dataclass(frozen=True)
class Lognormal:
    """Salt's lognormal fit of shot lengths: mean ``mu`` and standard deviation
    ``sigma`` of the natural log of the lengths; ``median_s = exp(mu)``.  All None
    with fewer than two shots."""

    mu: float | None = None
    sigma: float | None = None
    median_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"mu": _r(self.mu), "sigma": _r(self.sigma), "median_s": _r(self.median_s)}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Lognormal:
        d = d or {}
        return cls(d.get("mu"), d.get("sigma"), d.get("median_s"))


@dataclass(frozen=True)
class TimeSlice:
    """One of the equal-time parts of a video, with the ASL of the shots starting in it."""

    start: float
    end: float
    shots: int
    asl_s: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"start": _r(self.start), "end": _r(self.end), "shots": int(self.shots), "asl_s": _r(self.asl_s)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TimeSlice:
        return cls(float(d["start"]), float(d["end"]), int(d["shots"]), d.get("asl_s"))


@dataclass(frozen=True)
class Summary:
    """Headline statistics of one analysis (seconds throughout).

    ASL is the mean shot length, MSL the median, SD the sample standard deviation
    and CV = SD / ASL; ``peak`` is the headline window, ``peaks`` the peak for each
    of the summary's window lengths; ``parts`` (``segments`` in ``analysis.json``)
    are the equal-time parts of the video.  ``count`` names what the pace numbers
    (``cuts_per_minute``, the peaks) count and ``counted`` how many those are.
    """

    duration_s: float
    shots: int
    transitions: dict[str, int]
    asl_s: float
    msl_s: float
    sd_s: float
    cv: float
    cuts_per_minute: float
    peak: Peak
    peaks: tuple[Peak, ...] = ()
    lognormal: Lognormal = field(default_factory=Lognormal)
    autocorrelation_lag1: float | None = None
    parts: tuple[TimeSlice, ...] = ()
    count: str = "all"
    counted: int | None = None
    kept_s: float | None = None

    @property
    def transition_count(self) -> int:
        return int(sum(self.transitions.values()))

    def to_dict(self) -> dict[str, Any]:
        return {
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
            "peaks": [p.to_dict() for p in self.peaks],
            "lognormal": self.lognormal.to_dict(),
            "autocorrelation_lag1": _r(self.autocorrelation_lag1),
            "segments": [p.to_dict() for p in self.parts],
            "count": self.count,
            "counted": self.transition_count if self.counted is None else int(self.counted),
            "kept_s": _r(self.duration_s if self.kept_s is None else self.kept_s),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Summary:
        return cls(
            duration_s=float(d["duration_s"]), shots=int(d["shots"]), transitions=dict(d["transitions"]),
            asl_s=_num(d["asl_s"]), msl_s=_num(d["msl_s"]), sd_s=_num(d["sd_s"]), cv=_num(d.get("cv")),
            cuts_per_minute=_num(d["cuts_per_minute"]), peak=Peak.from_dict(d["peak"]),
            peaks=tuple(Peak.from_dict(p) for p in d.get("peaks") or ()),
            lognormal=Lognormal.from_dict(d.get("lognormal")),
            autocorrelation_lag1=d.get("autocorrelation_lag1"),
            parts=tuple(TimeSlice.from_dict(p) for p in d.get("segments") or ()),
            count=str(d.get("count", "all")),
            counted=d.get("counted"),
            kept_s=d.get("kept_s"),
        )


@dataclass(frozen=True)
class Stills:
    """Small JPEG pictures of some frames, kept during the one decode so that reports
    and notebooks never decode the video again.

    ``frames`` (ascending 0-based frame indices) has one entry per picture; picture
    ``i`` is ``data[offsets[i]:offsets[i + 1]]`` (JPEG bytes, at most ``width`` ×
    ``height`` pixels, in the video's display aspect).
    """

    frames: np.ndarray
    offsets: np.ndarray
    data: np.ndarray
    width: int = 0
    height: int = 0

    #: Array fields, as stored in the feature cache.
    ARRAYS: ClassVar[tuple[str, ...]] = ("frames", "offsets", "data")

    def __len__(self) -> int:
        return int(self.frames.shape[0])

    def jpeg(self, frame: int) -> bytes | None:
        """The JPEG bytes of ``frame``, or None when it was not kept."""
        i = int(np.searchsorted(self.frames, frame))
        if i < len(self) and int(self.frames[i]) == int(frame):
            return self.data[int(self.offsets[i]) : int(self.offsets[i + 1])].tobytes()
        return None

    def nearest(self, frame: int, lo: int | None = None, hi: int | None = None) -> int | None:
        """The kept frame closest to ``frame`` within ``[lo, hi]`` (ties: the earlier), or None."""
        if not len(self):
            return None
        i = int(np.searchsorted(self.frames, frame))
        best = None
        for j in (i - 1, i):
            if 0 <= j < len(self):
                f = int(self.frames[j])
                if (lo is None or f >= lo) and (hi is None or f <= hi):
                    if best is None or abs(f - frame) < abs(best - frame):
                        best = f
        if best is None:  # the neighbours are outside the range: any kept frame inside it
            a = int(np.searchsorted(self.frames, lo if lo is not None else frame))
            if a < len(self) and (hi is None or int(self.frames[a]) <= hi):
                best = int(self.frames[a])
        return best


@dataclass(frozen=True)
class Evidence:
    """What a reviewer needs to check a result without the video: the per-frame
    change score (``times``, ``score``), the stills kept during the decode and, when
    computed, PySceneDetect's per-frame ``content_val`` (to compare detectors)."""

    times: np.ndarray
    score: np.ndarray
    stills: Stills | None = None
    content_val: np.ndarray | None = None


@dataclass(frozen=True)
class Features:
    """Per-frame features of one video; the arrays are defined in
    :mod:`cutrate.analysis.features`.  All arrays have length ``n`` = number of
    decoded frames; ``stills`` holds the pictures kept for reports, ``content_val``
    (when asked for) PySceneDetect's ``ContentDetector`` score of every frame."""

    info: VideoInfo
    times: np.ndarray
    score: np.ndarray
    score2: np.ndarray
    color_change: np.ndarray
    hist_diff: np.ndarray
    luma_mean: np.ndarray
    luma_std: np.ndarray
    thumb_y: np.ndarray
    thumb_uv: np.ndarray
    warnings: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    stills: Stills | None = None
    content_val: np.ndarray | None = None

    #: The per-frame arrays, in the order they are stored.
    ARRAYS: ClassVar[tuple[str, ...]] = (
        "times", "score", "score2", "color_change", "hist_diff", "luma_mean", "luma_std", "thumb_y", "thumb_uv",
    )

    @property
    def n(self) -> int:
        return int(self.times.shape[0])

    @property
    def evidence(self) -> Evidence:
        """The part of the features that reports need."""
        return Evidence(self.times, self.score, self.stills, self.content_val)
