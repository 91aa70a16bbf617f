"""``analyze()``: the whole pipeline in one call, built from the public stages.

>>> result = cutrate.analyze("ep01.mkv")                       # doctest: +SKIP
>>> result.summary.cuts_per_minute                             # doctest: +SKIP
>>> strict = result.redetect(threshold=0.4)      # no decoding   # doctest: +SKIP
>>> short = result.rewindow(window_s=10.0)       # no decoding   # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import notebook
from .._version import __version__
from ..errors import ParameterError
from ..io import cache
from ..io.results import SCHEMA_VERSION, read_document
from ..settings import DETECT_NAMES, FAST_DECODE, Settings, TimelineSettings
from ..types import EXCLUDED_KINDS, Evidence, Features, Segment, Shot, Summary, Timeline, Transition, VideoInfo
from . import detect, features, ranges, timeline


@dataclass(frozen=True)
class Result:
    """Everything one analysis produced.

    ``features`` (the per-frame arrays) may be None: a result loaded from
    ``analysis.json``, or sent back from a batch worker; then :meth:`redetect` is
    unavailable.  ``evidence`` (the change score and the stills a report shows) is
    the light part of the features, kept where the features are dropped.
    """

    info: VideoInfo
    settings: Settings
    transitions: list[Transition]
    shots: list[Shot]
    timeline: Timeline
    summary: Summary
    features: Features | None = None
    warnings: tuple[str, ...] = ()
    version: str = __version__
    evidence: Evidence | None = None
    segments: tuple[Segment, ...] = ()

    # -- cheap re-runs -----------------------------------------------------------
    def redetect(self, settings: Settings | None = None, **kwargs: Any) -> Result:
        """Detect again with other settings on the same features (no decoding).

        Flat keyword arguments (``threshold=0.4``, ``window_s=30``) override single
        fields of ``settings`` (default: this result's settings).
        """
        if self.features is None:
            raise ParameterError("this result has no features (loaded from JSON); run analyze() again")
        return from_features(self.features, settings=Settings.from_kwargs(settings or self.settings, **kwargs))

    def rewindow(self, **kwargs: Any) -> Result:
        """Recompute timeline and summary with other timeline settings (``window_s=``,
        ``hop_s=``, ``peak_windows_s=``, ``segments=``); the transitions stay.

        Raises
        ------
        ParameterError
            For a detection setting (those need :meth:`redetect`) or an unknown name.
        """
        wrong = sorted(set(kwargs) & (DETECT_NAMES | {"fast_decode", "compare"}))
        if wrong:
            raise ParameterError(f"rewindow() changes only timeline settings; {', '.join(wrong)} needs redetect()")
        settings = Settings.from_kwargs(self.settings, **kwargs)
        times = self.evidence.times if self.evidence is not None else None
        season = [s for s in self.segments if s.source == "season"]
        segments = tuple(sorted([*season, *_user_segments(self.info, times, settings.timeline)], key=_seg_order))
        tl, summary = _pace(self.transitions, self.shots, self.info, settings.timeline, segments)
        return dataclasses.replace(self, settings=settings, timeline=tl, summary=summary, segments=segments)

    def with_segments(self, season: Sequence[Segment]) -> Result:
        """This result with the recurring segments found across its season (openings,
        endings, recaps ...) in place of the ones it had, and the pace numbers
        recomputed over the time they leave (no decoding)."""
        user = [s for s in self.segments if s.source == "user"]
        segments = tuple(sorted([*user, *season], key=_seg_order))
        tl, summary = _pace(self.transitions, self.shots, self.info, self.settings.timeline, segments)
        return dataclasses.replace(self, timeline=tl, summary=summary, segments=segments)

    # -- notebooks ------------------------------------------------------------------
    def to_pandas(self) -> notebook.Frames:
        """Transitions, shots and timeline as DataFrames (a named tuple of three)."""
        return notebook.to_pandas(self.transitions, self.shots, self.timeline)

    def _repr_html_(self) -> str:
        return notebook.summary_html(self.summary, self.info, self.settings, self.version)

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<cutrate.Result {os.path.basename(self.info.path)}: {s.shots} shots, "
            f"{s.transition_count} transitions, {s.cuts_per_minute:.1f} cuts/min, "
            f"peak {s.peak.count} in {s.peak.window_s:g} s>"
        )

    # -- the analysis.json document -------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The ``analysis.json`` document."""
        info = self.info
        return {
            "schema_version": SCHEMA_VERSION,
            "cutrate_version": self.version,
            "provenance": provenance(self.settings),
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
                "timecode": info.timecode or None,
            },
            "summary": self.summary.to_dict(),
            "transitions": [t.to_dict() for t in self.transitions],
            "shots": [s.to_dict() for s in self.shots],
            "timeline": self.timeline.to_dict(),
            "segments": [s.to_dict() for s in self.segments],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Result:
        """A result from its ``analysis.json`` document (without features)."""
        return cls(
            info=VideoInfo.from_dict(d["video"]),
            settings=Settings.from_dict(d.get("settings", {})),
            transitions=[Transition.from_dict(t) for t in d["transitions"]],
            shots=[Shot.from_dict(s) for s in d["shots"]],
            timeline=Timeline.from_dict(d["timeline"]),
            summary=Summary.from_dict(d["summary"]),
            features=None,
            warnings=tuple(d.get("warnings", ())),
            version=d.get("cutrate_version", "unknown"),
            segments=tuple(Segment.from_dict(s) for s in d.get("segments", ())),
        )


def provenance(settings: Settings) -> dict[str, Any]:
    """What a result depends on besides its settings and the file: the features'
    definition and the detector (its model).  A saved result stays up to date while
    these are unchanged, whatever cutrate release wrote it."""
    return {"features_version": features.FEATURES_VERSION, "detector": detect.detector_id(settings.detect)}


def load(path: str | os.PathLike, *, cache_dir: str | os.PathLike | None = None, evidence: bool = False) -> Result:
    """Read a saved ``analysis.json`` (or its folder) back into a :class:`Result`.

    With ``evidence=True`` the change score and stills come from the feature cache
    when it still holds the video's features (found by the video's content
    identity; the video itself is not needed).
    """
    result = Result.from_dict(read_document(path))
    if evidence:
        feats = cached_features(result.info, fast_decode=result.settings.fast_decode, cache_dir=cache_dir)
        if feats is not None:
            result = dataclasses.replace(result, evidence=feats.evidence)
    return result


def cached_features(info: VideoInfo, *, fast_decode: bool = FAST_DECODE,
                    cache_dir: str | os.PathLike | None = None) -> Features | None:
    """The cached features of the video ``info`` describes (by its identity), or None."""
    if not info.identity:
        return None
    cdir = cache_dir if cache_dir is not None else cache.default_dir()
    entry = cache.key(info.path, _cache_settings(fast_decode), identity=info.identity)
    return cache.load(cdir, entry, info.path)


def _cache_settings(fast_decode: bool) -> dict[str, Any]:
    return {"fast_decode": fast_decode, "features_version": features.FEATURES_VERSION}


def _seg_order(s: Segment) -> tuple[float, float]:
    return (s.start, s.end)


def _user_segments(info: VideoInfo, times: Any, tl: TimelineSettings) -> list[Segment]:
    return ranges.user_segments(info, times, start=tl.start, end=tl.end, exclude=tl.exclude, labels=tl.exclude_labels)


def excluded_spans(segments: Sequence[Segment], settings: TimelineSettings) -> list[tuple[float, float]]:
    """The spans left out of the pace numbers: every user exclusion, and the
    recurring openings, endings, recaps and previews unless ``keep_all``."""
    return [(s.start, s.end) for s in segments
            if s.kind in EXCLUDED_KINDS and (s.source == "user" or not settings.keep_all)]


def _pace(transitions: list[Transition], shots: list[Shot], info: VideoInfo, settings: TimelineSettings,
          segments: Sequence[Segment] = ()) -> tuple[Timeline, Summary]:
    excluded = excluded_spans(segments, settings)
    tl = timeline.rate(
        transitions, start_s=info.start_time, duration_s=info.duration_s, window_s=settings.window_s,
        hop_s=settings.hop_s, count=settings.count, excluded=excluded,
    )
    summary = timeline.summarize(
        transitions, shots, duration_s=info.duration_s, start_s=info.start_time, settings=settings, excluded=excluded,
    )
    return tl, summary


def from_features(feats: Features, *, settings: Settings | None = None) -> Result:
    """Run detection and the timeline on already computed features."""
    settings = settings or Settings()
    info = feats.info
    trans = detect.transitions(feats, settings=settings.detect)
    shot_list = timeline.shots(trans, times=feats.times, end_time=info.end_time)
    segments = tuple(_user_segments(info, feats.times, settings.timeline))
    tl, summary = _pace(trans, shot_list, info, settings.timeline, segments)
    return Result(
        info=info,
        settings=settings,
        transitions=trans,
        shots=shot_list,
        timeline=tl,
        summary=summary,
        features=feats,
        warnings=feats.warnings,
        evidence=feats.evidence,
        segments=segments,
    )


def load_features(
    path: str | os.PathLike,
    *,
    fast_decode: bool = FAST_DECODE,
    cache_dir: str | os.PathLike | None = None,
    use_cache: bool = True,
    threads: int = 0,
    pyscenedetect: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Features:
    """Features of ``path`` from the feature cache, or computed (and cached) by decoding.

    Parameters
    ----------
    path : str or PathLike
        The video file.
    fast_decode : bool
        Skip the decoder's deblocking filter (see :class:`cutrate.io.video.VideoReader`).
    cache_dir : str or PathLike, optional
        Where features are cached (default: :func:`cutrate.io.cache.default_dir`).
    use_cache : bool
        Read and write the cache; False always decodes.
    threads : int
        Decoder threads (0: all cores).
    pyscenedetect : bool
        The features must include PySceneDetect's per-frame scores (a cached entry
        without them is computed again, with them).
    progress : callable(done_frames, total_frames), optional
        Called while decoding.
    """
    path = str(path)
    try:
        ident = cache.file_identity(path)
    except OSError:
        ident = ""  # missing or unreadable: let the decoder report it
    entry = None
    cdir = cache_dir if cache_dir is not None else cache.default_dir()
    if use_cache and ident:
        entry = cache.key(path, _cache_settings(fast_decode), identity=ident)
        hit = cache.load(cdir, entry, path)
        if hit is not None and (hit.content_val is not None or not pyscenedetect):
            if progress is not None:
                progress(hit.n, hit.n)
            return _with_identity(hit, ident)
    feats = features.compute(path, fast_decode=fast_decode, threads=threads, pyscenedetect=pyscenedetect,
                             progress=progress)
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
    threads: int = 0,
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
    threads : int
        Decoder threads (0: all cores; a batch of N parallel jobs gives each cores / N).
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
        path, fast_decode=settings.fast_decode, cache_dir=cache_dir, use_cache=use_cache, threads=threads,
        pyscenedetect=settings.detect.detector != "cutrate" or settings.compare, progress=progress,
    )
    return from_features(feats, settings=settings)
