"""cutrate: measure the editing pace of video.

A pipeline of plain stages, each taking the previous stage's output::

    import cutrate
    result = cutrate.analyze("ep01.mkv")          # decode once, everything
    result.summary.cuts_per_minute, result.summary.peak
    result.transitions, result.shots, result.timeline

    feats = cutrate.compute_features("ep01.mkv")  # the expensive, cached part
    trans = cutrate.detect_transitions(feats, settings=cutrate.DetectSettings(threshold=0.4))
    shots = cutrate.timeline.shots(trans, times=feats.times)
    again = result.redetect(threshold=0.4)        # no decoding
    wider = result.rewindow(window_s=30.0)        # no decoding

Video libraries load only when a video is decoded; plotting lives in
``cutrate.plot`` and loads matplotlib only when imported.
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import detect, timeline  # noqa: E402  (light: numpy only)
from .detect import DetectSettings  # noqa: E402
from .errors import CutrateError, DecodeError, ParameterError  # noqa: E402
from .features import Features  # noqa: E402
from .pipeline import Result, Settings, analyze, from_features, load_features  # noqa: E402
from .timeline import TimelineSettings  # noqa: E402
from .types import Peak, Shot, Summary, Timeline, Transition, VideoInfo  # noqa: E402


def compute_features(path, **kwargs) -> Features:
    """Decode ``path`` and compute its features (see :func:`cutrate.features.compute`)."""
    from .features import compute

    return compute(path, **kwargs)


def detect_transitions(features: Features, *, settings: DetectSettings | None = None) -> list[Transition]:
    """Transitions from features (see :func:`cutrate.detect.transitions`)."""
    return detect.transitions(features, settings=settings)


def load_all(folder) -> list[Result]:
    """Every saved result under ``folder`` (each ``*/analysis.json``), sorted by folder name."""
    from pathlib import Path

    from .report import load as _load

    return [_load(p) for p in sorted(Path(folder).glob("*/analysis.json"))]


def compare(results):
    """A DataFrame with one row of headline statistics per result (needs pandas)."""
    from .tables import compare as _compare

    return _compare(results)


def load(path) -> Result:
    """Read a saved ``analysis.json`` (or its folder) back into a :class:`Result`."""
    from .report import load as _load

    return _load(path)


__all__ = [
    "analyze",
    "Result",
    "Settings",
    "DetectSettings",
    "TimelineSettings",
    "compute_features",
    "detect_transitions",
    "from_features",
    "load_features",
    "load",
    "compare",
    "load_all",
    "Features",
    "Transition",
    "Shot",
    "Timeline",
    "Summary",
    "Peak",
    "VideoInfo",
    "CutrateError",
    "DecodeError",
    "ParameterError",
    "detect",
    "timeline",
    "__version__",
]
