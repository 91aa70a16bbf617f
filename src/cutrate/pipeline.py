"""``analyze()``: the whole pipeline in one call, built from the public stages.

>>> result = cutrate.analyze("ep01.mkv")                       # doctest: +SKIP
>>> result.summary.cuts_per_minute                             # doctest: +SKIP
>>> strict = result.redetect(threshold=0.4)      # no decoding   # doctest: +SKIP
>>> short = result.rewindow(window_s=10.0)       # no decoding   # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from . import __version__
from . import detect as _detect
from . import timeline as _timeline
from .errors import ParameterError
from .features import Features
from .types import Shot, Summary, Timeline, Transition, VideoInfo


@dataclass(frozen=True)
class Settings:
    """Every setting of an analysis: decoding, detection and timeline."""

    detect: _detect.DetectSettings = field(default_factory=_detect.DetectSettings)
    timeline: _timeline.TimelineSettings = field(default_factory=_timeline.TimelineSettings)
    fast_decode: bool = True

    @classmethod
    def from_kwargs(cls, base: Settings | None = None, **kwargs: Any) -> Settings:
        """Build settings from flat keyword arguments (``threshold=0.4, window_s=30``)."""
        base = base or cls()
        det_names = {f.name for f in fields(_detect.DetectSettings)}
        tl_names = {f.name for f in fields(_timeline.TimelineSettings)}
        det = {k: v for k, v in kwargs.items() if k in det_names}
        tl = {k: v for k, v in kwargs.items() if k in tl_names}
        rest = set(kwargs) - det_names - tl_names - {"fast_decode"}
        if rest:
            raise ParameterError(f"unknown setting(s): {', '.join(sorted(rest))}")
        return cls(
            detect=dataclasses.replace(base.detect, **det),
            timeline=dataclasses.replace(base.timeline, **tl),
            fast_decode=bool(kwargs.get("fast_decode", base.fast_decode)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"detect": self.detect.to_dict(), "timeline": self.timeline.to_dict(), "fast_decode": self.fast_decode}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Settings:
        return cls(
            detect=_detect.DetectSettings.from_dict(d.get("detect", {})),
            timeline=_timeline.TimelineSettings.from_dict(d.get("timeline", {})),
            fast_decode=bool(d.get("fast_decode", True)),
        )


@dataclass(frozen=True)
class Result:
    """Everything one analysis produced.  ``features`` may be None for a result
    loaded from ``analysis.json``; then :meth:`redetect` is unavailable."""

    info: VideoInfo
    settings: Settings
    transitions: list[Transition]
    shots: list[Shot]
    timeline: Timeline
    summary: Summary
    features: Features | None = None
    warnings: tuple[str, ...] = ()
    version: str = __version__

    # -- cheap re-runs -----------------------------------------------------------
    def redetect(self, settings: Settings | None = None, **kwargs: Any) -> Result:
        """Detect again with other settings on the same features (no decoding)."""
        if self.features is None:
            raise ParameterError("this result has no features (loaded from JSON); run analyze() again")
        return from_features(self.features, settings=Settings.from_kwargs(settings or self.settings, **kwargs))

    def rewindow(self, **kwargs: Any) -> Result:
        """Recompute timeline and summary with other timeline settings (``window_s=``, ``hop_s=`` ...)."""
        settings = Settings.from_kwargs(self.settings, **kwargs)
        tl, summary = _pace(self.transitions, self.shots, self.info, settings.timeline)
        return dataclasses.replace(self, settings=settings, timeline=tl, summary=summary)

    # -- notebooks ------------------------------------------------------------------
    def to_pandas(self):
        """Transitions, shots and timeline as DataFrames (a named tuple of three)."""
        from .tables import to_pandas

        return to_pandas(self)

    def _repr_html_(self) -> str:
        from .tables import summary_html

        return summary_html(self)

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<cutrate.Result {os.path.basename(self.info.path)}: {s.shots} shots, "
            f"{s.transition_count} transitions, {s.cuts_per_minute:.1f} cuts/min, "
            f"peak {s.peak.count} in {s.peak.window_s:g} s>"
        )

    # -- export -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The ``analysis.json`` document."""
        info = self.info
        return {
            "cutrate_version": self.version,
            "settings": self.settings.to_dict(),
            "video": {
                "path": info.path,
                "duration_s": round(info.duration_s, 6),
                "fps": round(info.fps, 6),
                "frames": info.frames,
                "width": info.width,
                "height": info.height,
                "codec": info.codec,
                "start_time": round(info.start_time, 6),
                "identity": info.identity,
            },
            "summary": self.summary.to_dict(),
            "transitions": [t.to_dict() for t in self.transitions],
            "shots": [s.to_dict() for s in self.shots],
            "timeline": self.timeline.to_dict(),
            "warnings": list(self.warnings),
        }


def _pace(
    transitions: list[Transition], shots: list[Shot], info: VideoInfo, settings: _timeline.TimelineSettings
) -> tuple[Timeline, Summary]:
    tl = _timeline.rate(
        transitions, start_s=info.start_time, duration_s=info.duration_s, window_s=settings.window_s, hop_s=settings.hop_s
    )
    summary = _timeline.summarize(
        transitions, shots, duration_s=info.duration_s, start_s=info.start_time, settings=settings
    )
    return tl, summary


def from_features(features: Features, *, settings: Settings | None = None) -> Result:
    """Run detection and the timeline on already computed features."""
    settings = settings or Settings()
    info = features.info
    trans = _detect.transitions(features, settings=settings.detect)
    shot_list = _timeline.shots(trans, times=features.times, end_time=info.start_time + info.duration_s)
    tl, summary = _pace(trans, shot_list, info, settings.timeline)
    return Result(
        info=info,
        settings=settings,
        transitions=trans,
        shots=shot_list,
        timeline=tl,
        summary=summary,
        features=features,
        warnings=features.warnings,
    )


def load_features(
    path: str | os.PathLike,
    *,
    fast_decode: bool = True,
    cache_dir: str | os.PathLike | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Features:
    """Features of ``path`` from the cache, or computed (and cached) by decoding."""
    from . import cache, features

    path = str(path)
    try:
        ident = cache.file_identity(path)
    except OSError:
        ident = ""  # missing or unreadable: let the decoder report it
    entry = None
    if use_cache and ident:
        entry = cache.key(path, {"fast_decode": fast_decode}, identity=ident)
        cdir = cache_dir if cache_dir is not None else cache.default_dir()
        hit = cache.load(cdir, entry, path)
        if hit is not None:
            if progress is not None:
                progress(hit.n, hit.n)
            return _with_identity(hit, ident)
    feats = features.compute(path, fast_decode=fast_decode, progress=progress)
    if entry is not None:
        cache.store(cdir, entry, feats)
    return _with_identity(feats, ident)


def _with_identity(feats: Features, ident: str) -> Features:
    return dataclasses.replace(feats, info=dataclasses.replace(feats.info, identity=ident))


def analyze(
    path: str | os.PathLike,
    *,
    settings: Settings | None = None,
    cache_dir: str | os.PathLike | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
    **kwargs: Any,
) -> Result:
    """Analyse one video: decode, detect transitions, build shots and pace.

    Parameters
    ----------
    path : str or PathLike
        The video file.
    settings : Settings, optional
        All settings; flat keyword arguments (``threshold=0.4``, ``window_s=30``)
        override single fields.
    cache_dir : str or PathLike, optional
        Where features are cached (default: the user cache directory).
    use_cache : bool
        Read and write the feature cache.
    progress : callable(done_frames, total_frames), optional
        Called while decoding.

    Returns
    -------
    Result

    Raises
    ------
    DecodeError
        The file is missing, not a video, or holds no decodable frame.
    ParameterError
        A setting is out of range.
    """
    settings = Settings.from_kwargs(settings, **kwargs)
    feats = load_features(
        path, fast_decode=settings.fast_decode, cache_dir=cache_dir, use_cache=use_cache, progress=progress
    )
    return from_features(feats, settings=settings)
