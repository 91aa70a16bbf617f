"""cutrate: measure the editing pace of video.

A pipeline of plain stages, each taking the previous stage's output::

    import cutrate
    result = cutrate.analyze("ep01.mkv")          # decode once, everything
    result.summary.cuts_per_minute, result.summary.peak
    result.transitions, result.shots, result.timeline

    feats = cutrate.load_features("ep01.mkv")     # the expensive part, cached
    trans = cutrate.detect_transitions(feats, settings=cutrate.DetectSettings(threshold=0.4))
    shots = cutrate.timeline.shots(trans, times=feats.times)
    again = result.redetect(threshold=0.4)        # no decoding
    wider = result.rewindow(window_s=30.0)        # no decoding

    cutrate.plot.pace(result)                     # matplotlib, loaded on first use

The package's folders are its layers (``docs/architecture.md``): ``io`` (files),
``analysis`` (features, detection, timeline), ``report`` and ``eval`` (outputs and
scores), ``batch`` (many videos), ``testing`` (synthetic clips), ``cli``.  Video
libraries load only when a video is decoded, matplotlib only when a plot is drawn.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._fmt import clock as format_time
from ._version import __version__
from .analysis import detect, timeline
from .analysis.features import compute as compute_features
from .analysis.pipeline import Result, analyze, from_features, load, load_features
from .errors import CutrateError, DecodeError, ParameterError
from .settings import DetectSettings, Settings, TimelineSettings
from .types import Features, Peak, Shot, Summary, Timeline, Transition, VideoInfo

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

#: Submodules loaded on first attribute access (they import heavy libraries).
_LAZY = {"plot": "cutrate.report.plots", "eval": "cutrate.eval", "batch": "cutrate.batch"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'cutrate' has no attribute {name!r}")


def detect_transitions(features: Features, *, settings: DetectSettings | None = None) -> list[Transition]:
    """Transitions from features (see :func:`cutrate.analysis.detect.transitions`)."""
    return detect.transitions(features, settings=settings)


def thumbnails(source: str | os.PathLike | Result, frames: Sequence[int] | None = None, *,
               times: Sequence[float] | None = None) -> dict[int, np.ndarray]:
    """Pictures of a video's frames, as RGB arrays ``{frame: array [shape=(h, w, 3), uint8]}``.

    Parameters
    ----------
    source : Result or path
        A result: its stills (kept during the analysis, or found in the feature
        cache for a loaded result) give the frame wanted or the nearest one of the
        same shot, with no decoding.  A path (or a result without stills): the exact
        frames are decoded.
    frames : sequence of int, optional
        0-based frame indices (as everywhere in cutrate).
    times : sequence of float, optional
        Times in seconds instead of frames (a result is needed to map them).

    Returns
    -------
    dict
        Keyed by the frame asked for (with stills, the picture is that of the
        nearest kept frame of the same shot); frames that cannot be had are missing.
    """
    import numpy as np

    from .report.pictures import Want, pictures

    if times is not None:
        if not isinstance(source, Result):
            raise ParameterError("times need a Result (to know which frame is shown when); give frames for a path")
        starts = np.array([s.start for s in source.shots])
        frames = []
        for t in times:
            shot = source.shots[max(int(np.searchsorted(starts, t, side="right")) - 1, 0)]
            frames.append(min(shot.end_frame, shot.start_frame + round((t - shot.start) * source.info.frame_rate)))
    wanted = [int(f) for f in (frames or [])]
    if not isinstance(source, Result):
        from .io.video import grab_frames

        return grab_frames(source, wanted, width=256)
    wants = {}
    for f in wanted:
        shot = next((s for s in source.shots if s.start_frame <= f <= s.end_frame), None)
        wants[str(f)] = Want(f, shot.start_frame if shot else f, shot.end_frame if shot else f)
    found, _ = pictures(source, wants)
    return {int(key): pic.rgb() for key, pic in found.items()}


def load_all(folder: Any) -> list[Result]:
    """Every saved result under ``folder`` (each ``*/analysis.json``), sorted by folder name."""
    from pathlib import Path

    return [load(p) for p in sorted(Path(folder).glob("*/analysis.json"))]


def compare(results: Any) -> Any:
    """A DataFrame with one row of headline statistics per result (needs pandas)."""
    from .notebook import compare as _compare

    return _compare(results)


__all__ = [
    "analyze",
    "Result",
    "Settings",
    "DetectSettings",
    "TimelineSettings",
    "load_features",
    "compute_features",
    "detect_transitions",
    "from_features",
    "load",
    "load_all",
    "compare",
    "thumbnails",
    "format_time",
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
    "plot",
    "eval",
    "batch",
    "__version__",
]
