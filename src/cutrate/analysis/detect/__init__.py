"""Transition detection: per-frame features in, a list of transitions out.

This stage is cheap (milliseconds per minute of video) and works on a
:class:`~cutrate.types.Features` record only, so it can be re-run with other
settings without decoding again::

    feats = cutrate.load_features("ep01.mkv")
    strict = cutrate.detect_transitions(feats, settings=cutrate.DetectSettings(threshold=0.4))

How it decides, in this order (each step leaves the frames it took to the next):

1. **Fades and flash cuts** through flat frames (:mod:`.fades`).
2. **Hard cuts** (:mod:`.cuts`), rejecting **flashes and brief occlusions** that
   return to the shot they came from (:mod:`.flashes`).
3. **Dissolves** (:mod:`.dissolves`); a cut inside a found dissolve is a drawing
   change seen through the mix and is dropped.

Each transition has a ``confidence`` in [0, 1] that grows with its margin over the
thresholds.  The settings are :class:`~cutrate.settings.DetectSettings`; the
detectors' fixed constants are named and documented in their modules.
"""

from __future__ import annotations

from ...settings import DetectSettings
from ...types import Features, Transition
from . import cuts, dissolves, fades, pyscenedetect
from .common import Found, Thumbs

__all__ = ["transitions", "detector_id", "DetectSettings"]

#: Bumped whenever the detectors' decisions change for the same features and settings.
RULES_VERSION = 1


def detector_id(settings: DetectSettings) -> str:
    """A name for the detector that :func:`transitions` runs with ``settings``."""
    if settings.detector in pyscenedetect.PYSCENEDETECT:
        return f"{settings.detector}-{pyscenedetect.version()}"
    return f"cutrate-rules-{RULES_VERSION}"


def transitions(features: Features, *, settings: DetectSettings | None = None) -> list[Transition]:
    """Find the transitions in a video's features.

    Parameters
    ----------
    features : Features
        Output of :func:`cutrate.analysis.features.compute` (or the cache).
    settings : DetectSettings, optional
        Detection settings; the defaults when omitted.

    Returns
    -------
    list of Transition
        Sorted by frame; kinds are ``cut``, ``dissolve``, ``fade`` and ``flash``.
    """
    s = settings or DetectSettings()
    if features.n < 2:
        return []
    if s.detector in pyscenedetect.PYSCENEDETECT:
        return pyscenedetect.transitions(features, s)
    thumbs = Thumbs(features)
    found = Found(features)
    flat = fades.flat_frames(features, s)
    fades.find(features, s, thumbs, flat, found)
    found.events[:] = found.taken  # leaders, tails, fades and flashes so far
    cuts.find(features, s, thumbs, found)
    out = found.transitions
    if s.dissolve:
        gradual = dissolves.find(features, s, found.events, flat)
        # a cut inside a dissolve is a drawing change seen through the mix
        out = [t for t in out if t.kind != "cut" or not any(d.start_frame < t.frame <= d.end_frame for d in gradual)]
        out.extend(gradual)
    out.sort(key=lambda tr: tr.frame)
    # the precision written to analysis.json, so a saved result reads back equal
    return [
        Transition(t.kind, t.frame, round(t.time, 6), t.start_frame, t.end_frame, round(t.confidence, 4)) for t in out
    ]
