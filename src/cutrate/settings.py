"""Every setting of an analysis, each with one meaning and one declaration.

The library's defaults are the ones written here; the command line reads them
from these classes (a test asserts that CLI and API agree), so they cannot drift.

- :class:`DetectSettings`: how transitions are found (:mod:`cutrate.analysis.detect`);
- :class:`TimelineSettings`: how pace is measured (:mod:`cutrate.analysis.timeline`);
- :class:`Settings`: both, plus how the video is decoded;
- :class:`SeasonSettings`: how recurring openings, endings, recaps and previews are found
  across the episodes of a batch (:mod:`cutrate.analysis.segments`).

Module constants below are settings of the tool rather than of one analysis.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from .errors import ParameterError
from .timespec import parse_span, parse_time

#: Who finds the transitions (``DetectSettings.detector``).
DETECTORS = ("cutrate", "cutrate-model", "pyscenedetect-adaptive", "pyscenedetect-content")
#: What the pace numbers may count (``TimelineSettings.count``).
COUNT_CHOICES = ("all", "cuts")

#: Skip the decoder's in-loop deblocking filter (H.264/HEVC): imperceptible at
#: analysis size, and it makes decoding ~1.45x cheaper.
FAST_DECODE = True
#: Transitions below this confidence are shown for review (report, plots).
REVIEW_CONFIDENCE = 0.8
#: Seconds without decoding progress after which a batch gives a video up (the
#: decoder runs in a watched child process, :mod:`cutrate.batch.watchdog`).
STALL_S = 120.0


def check_range(name: str, value: float, lo: float, hi: float) -> None:
    if not (isinstance(value, (int, float)) and lo <= value <= hi):
        raise ParameterError(f"{name} must be in [{lo}, {hi}], got {value!r}", param=name)


def check_positive(name: str, value: float) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ParameterError(f"{name} must be > 0 seconds, got {value!r}", param=name)


def _from_dict(cls: type, d: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in d.items() if k in names}


@dataclass(frozen=True)
class DetectSettings:
    """Detection settings.

    Attributes
    ----------
    threshold : float
        The smallest change score (0..1, the structural change from the previous
        frame) of a hard cut; also the smallest score into and out of a flash cut.
        Cuts between two shots of one scene (same set and palette, other framing)
        score 0.2-0.3, so the default is 0.2; the other signs below keep motion out.
        With the ``cutrate`` rules, a clean spike (a change on one frame only, far
        above every score within three frames of it) is a cut from 0.6 of this on,
        but no more than 0.08 below it (:func:`cutrate.analysis.detect.cuts.spikes`).
    contrast : float
        ``cutrate`` rules only: how far a cut's score must rise above the median
        score of its neighbourhood (0..1); a change that rises only
        :data:`cutrate.analysis.detect.cuts.OPINION_RISE` of it (half) and brought
        new colours (``moved_color``) is a cut only when the fitted model gives it
        at least :data:`cutrate.analysis.detect.cuts.SECOND_OPINION`.
    evidence : float
        ``cutrate`` rules only:
        smallest sum of the three signs that tell a cut from motion: how much the
        score stands above both neighbouring frames, how much more frames two apart
        differ across the boundary than beside it, and the change of the colour
        histogram (0..3).  Short of it, a candidate that passes ``threshold`` and
        ``contrast`` is still a cut when the fitted model gives it a probability of
        at least :data:`cutrate.analysis.detect.cuts.SECOND_OPINION` (see
        ``contrast`` for the other case the model decides).
    moved_color, moved_static : float
        A candidate cut whose colours are all found nearby in the previous frame
        (``features.color_change`` below ``moved_color`` of the part of the picture
        that changed) while at least ``moved_static`` of the picture did not change
        at all, or whose change keeps (with ``color_change`` below ``moved_color``)
        the steady beat of animation on twos, threes or fours, is things moving in
        front of a still background or a new drawing, not a cut (unless it replaced
        the picture: some new colours and every edge moved, see
        :func:`cutrate.analysis.detect.cuts.replaced_picture`).
    context_s : float
        Half-width in seconds of the neighbourhood used by ``contrast``.
    flash_frames : int
        Longest flash or occlusion, in frames, after which the picture may return to
        the same shot without counting as a transition.
    occlusion_s : float
        Longest time, in seconds, that an object passing the lens may cover part of
        the picture before it returns to the same shot without a transition.
    flat_std : float
        Luma standard deviation (0..255) below which a frame counts as flat (black,
        white or grey), for fades.
    dissolve : bool
        Look for dissolves.
    dissolve_min_s, dissolve_max_s : float
        Shortest and longest dissolve, in seconds.
    dissolve_fit : float
        Largest relative error of the linear-mix model for a dissolve (0..1).
    min_probability : float
        ``cutrate-model`` only: the smallest probability (0..1) the fitted model
        must give a candidate to report it as a hard cut (its ``confidence``).
    detector : {"cutrate", "cutrate-model", "pyscenedetect-adaptive", "pyscenedetect-content"}
        Who finds the transitions: cutrate's detectors, the same with hard cuts
        decided by a fitted model (experimental, see ``docs/accuracy.md``), or
        PySceneDetect's adaptive or content detector (with its defaults) on the
        same decoded frames.
    """

    threshold: float = 0.20
    contrast: float = 0.15
    evidence: float = 0.45
    moved_color: float = 0.10
    moved_static: float = 0.35
    context_s: float = 0.25
    flash_frames: int = 3
    occlusion_s: float = 0.5
    flat_std: float = 6.0
    dissolve: bool = True
    dissolve_min_s: float = 0.25
    dissolve_max_s: float = 2.5
    dissolve_fit: float = 0.25
    min_probability: float = 0.5
    detector: Literal["cutrate", "cutrate-model", "pyscenedetect-adaptive", "pyscenedetect-content"] = "cutrate"

    def __post_init__(self) -> None:
        check_range("threshold", self.threshold, 0.0, 1.0)
        check_range("contrast", self.contrast, 0.0, 1.0)
        check_range("evidence", self.evidence, 0.0, 3.0)
        check_range("dissolve_fit", self.dissolve_fit, 0.0, 1.0)
        check_range("min_probability", self.min_probability, 0.0, 1.0)
        if self.detector not in DETECTORS:
            raise ParameterError(f"detector must be one of {', '.join(DETECTORS)}, got {self.detector!r}",
                                 param="detector")
        if not self.context_s > 0:
            raise ParameterError(f"context_s must be > 0 seconds, got {self.context_s!r}", param="context_s")
        if not (isinstance(self.flash_frames, int) and 0 <= self.flash_frames <= 12):
            raise ParameterError(f"flash_frames must be an int in [0, 12], got {self.flash_frames!r}", param="flash_frames")
        if not self.occlusion_s >= 0:
            raise ParameterError(f"occlusion_s must be >= 0 seconds, got {self.occlusion_s!r}", param="occlusion_s")
        if not self.flat_std >= 0:
            raise ParameterError(f"flat_std must be >= 0, got {self.flat_std!r}", param="flat_std")
        if not 0 < self.dissolve_min_s <= self.dissolve_max_s:
            raise ParameterError(
                f"need 0 < dissolve_min_s <= dissolve_max_s, got {self.dissolve_min_s!r}, {self.dissolve_max_s!r}",
                param="dissolve_min_s",
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DetectSettings:
        return cls(**_from_dict(cls, d))


@dataclass(frozen=True)
class TimelineSettings:
    """Timeline settings.

    Attributes
    ----------
    window_s : float
        Length of the sliding window for cuts per minute and of the headline peak.
    hop_s : float
        Step between window centres.
    peak_windows_s : tuple of float
        Further window lengths for which the peak is reported in the summary.
    segments : int
        Number of equal-time parts of the video for the per-part ASL.
    count : {"all", "cuts"}
        What the pace numbers count: every transition (``all``, "shot changes") or
        only hard cuts and flash cuts (``cuts``).
    start, end : str, optional
        Analyse only this range (PySceneDetect's time formats, :mod:`cutrate.timespec`:
        ``90`` frames, ``90s``, ``1:30``, ``00:01:30.000``); time outside it is left out
        of the pace numbers like an excluded span.
    exclude : tuple of str
        Spans ``START-END`` left out of the pace numbers (each an ``excluded`` segment).
    exclude_labels : tuple of str
        A label for each ``exclude`` span (e.g. from an exclusions file), or none.
    keep_all : bool
        Keep recurring openings, endings, recaps and previews in the pace numbers
        (by default they are left out; user exclusions always are).
    """

    window_s: float = 60.0
    hop_s: float = 1.0
    peak_windows_s: tuple[float, ...] = (10.0, 30.0, 60.0)
    segments: int = 10
    count: Literal["all", "cuts"] = "all"
    start: str | None = None
    end: str | None = None
    exclude: tuple[str, ...] = ()
    exclude_labels: tuple[str, ...] = ()
    keep_all: bool = False

    def __post_init__(self) -> None:
        check_positive("window_s", self.window_s)
        for name in ("start", "end"):
            if getattr(self, name) is not None:
                parse_time(getattr(self, name), param=name)
        for span in self.exclude:
            parse_span(span, param="exclude")
        check_positive("hop_s", self.hop_s)
        for w in self.peak_windows_s:
            check_positive("peak_windows_s", w)
        if not (isinstance(self.segments, int) and self.segments >= 1):
            raise ParameterError(f"segments must be an int >= 1, got {self.segments!r}", param="segments")
        if self.count not in COUNT_CHOICES:
            raise ParameterError(f"count must be one of {', '.join(COUNT_CHOICES)}, got {self.count!r}", param="count")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["peak_windows_s"] = list(self.peak_windows_s)
        d["exclude"] = list(self.exclude)
        d["exclude_labels"] = list(self.exclude_labels)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TimelineSettings:
        kw = _from_dict(cls, d)
        for name in ("peak_windows_s", "exclude", "exclude_labels"):
            if name in kw:
                kw[name] = tuple(kw[name])
        return cls(**kw)


DETECT_NAMES: frozenset[str] = frozenset(f.name for f in fields(DetectSettings))
TIMELINE_NAMES: frozenset[str] = frozenset(f.name for f in fields(TimelineSettings))


@dataclass(frozen=True)
class Settings:
    """Every setting of an analysis: decoding, detection and timeline."""

    detect: DetectSettings = field(default_factory=DetectSettings)
    timeline: TimelineSettings = field(default_factory=TimelineSettings)
    fast_decode: bool = FAST_DECODE
    #: Also score the frames with PySceneDetect's detectors (about 2 % more work), so
    #: that reports show how many transitions each finds in the peak window.
    compare: bool = False

    @classmethod
    def from_kwargs(cls, base: Settings | None = None, **kwargs: Any) -> Settings:
        """Build settings from flat keyword arguments (``threshold=0.4, window_s=30``).

        Raises
        ------
        ParameterError
            For a name that is no setting.
        """
        base = base or cls()
        det = {k: v for k, v in kwargs.items() if k in DETECT_NAMES}
        tl = {k: v for k, v in kwargs.items() if k in TIMELINE_NAMES}
        rest = set(kwargs) - DETECT_NAMES - TIMELINE_NAMES - {"fast_decode", "compare"}
        if rest:
            raise ParameterError(f"unknown setting(s): {', '.join(sorted(rest))}")
        return cls(
            detect=dataclasses.replace(base.detect, **det),
            timeline=dataclasses.replace(base.timeline, **tl),
            fast_decode=bool(kwargs.get("fast_decode", base.fast_decode)),
            compare=bool(kwargs.get("compare", base.compare)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"detect": self.detect.to_dict(), "timeline": self.timeline.to_dict(), "fast_decode": self.fast_decode,
                "compare": self.compare}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Settings:
        return cls(
            detect=DetectSettings.from_dict(d.get("detect", {})),
            timeline=TimelineSettings.from_dict(d.get("timeline", {})),
            fast_decode=bool(d.get("fast_decode", FAST_DECODE)),
            compare=bool(d.get("compare", False)),
        )


@dataclass(frozen=True)
class SeasonSettings:
    """How recurring sequences are found across the episodes of a batch
    (:func:`cutrate.analysis.segments.find_segments`).

    Attributes
    ----------
    sample_fps : float
        Frames per second of each episode put into the match index; edges are then
        refined at the full frame rate.
    min_share : float
        Share of the episodes (0..1) that material must recur in to count as an
        opening, ending or other season-wide ``repeat`` (at least 3 episodes, or all
        of them in a batch of 2 or 3).
    min_main_s : float
        Shortest opening or ending, in seconds.
    min_repeat_s : float
        Shortest recap, preview or ``repeat``, in seconds.
    gap_s : float
        Longest stretch, in seconds, without a matching frame (flat frames, a
        flash, overlaid text) that a run of matching frames may bridge.
    opening_within_s : float
        An opening starts within this many seconds of the start (room for a cold open).
    ending_within_s : float
        An ending ends within this many seconds of the end (room for a preview or a
        scene after the credits).
    recap_within_s : float
        A recap starts within this many seconds of the start, or of the end of the
        episode's opening.
    preview_within_s : float
        A preview ends within this many seconds of the end and starts after the
        start of the episode's ending, if it has one.
    """

    sample_fps: float = 4.0
    min_share: float = 0.4
    min_main_s: float = 10.0
    min_repeat_s: float = 3.0
    gap_s: float = 1.5
    opening_within_s: float = 300.0
    ending_within_s: float = 180.0
    recap_within_s: float = 180.0
    preview_within_s: float = 180.0

    def __post_init__(self) -> None:
        if not (isinstance(self.sample_fps, (int, float)) and 0.5 <= self.sample_fps <= 30):
            raise ParameterError(f"sample_fps must be in [0.5, 30] frames per second, got {self.sample_fps!r}")
        for name in ("min_main_s", "min_repeat_s", "gap_s", "opening_within_s", "ending_within_s",
                     "recap_within_s", "preview_within_s"):
            check_positive(name, getattr(self, name))
        check_range("min_share", self.min_share, 0.0, 1.0)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SeasonSettings:
        return cls(**_from_dict(cls, d))
