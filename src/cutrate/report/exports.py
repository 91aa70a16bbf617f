"""Exports for editors and readers: a CMX 3600 EDL, an OpenTimelineIO timeline and
a Markdown summary.

Every writer takes a :class:`~cutrate.analysis.pipeline.Result` and a folder, writes
atomically and returns the path it wrote (``write_otio`` returns None when
``opentimelineio`` is not installed).  This module needs neither matplotlib nor a
video library.

The media file is its own source: an event's source timecodes equal its record
timecodes, so an editor that relinks reel ``AX`` to the video shows every shot in
place.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path

from .._fmt import clock, count_words, peak_sentence, seconds, timecode
from ..analysis.pipeline import Result
from ..io.atomic import write_atomic
from .text import video_name

log = logging.getLogger(__name__)

#: Reel name written for the video in the EDL.
REEL = "AX"
#: Transitions listed in ``summary.md`` before the table is cut short.
MARKDOWN_TRANSITIONS = 50

_otio_missing_logged = False


def smpte(frame: int, fps: int) -> str:
    """Non-drop-frame timecode ``HH:MM:SS:FF`` of a 0-based frame count at ``fps`` frames per second."""
    frame = max(int(frame), 0)
    ff = frame % fps
    secs = frame // fps
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    return f"{h:02d}:{m:02d}:{s:02d}:{ff:02d}"


def edl_fps(result: Result) -> int:
    """The EDL's frame rate: the video's rounded to the nearest integer (at least 1)."""
    return max(1, round(result.info.fps))


# --------------------------------------------------------------------------- EDL


@dataclass(frozen=True)
class _Event:
    """One EDL event: record frames ``[start, stop)`` and how it is entered."""

    start: int
    stop: int
    dissolve: int  # frames of the dissolve into this event, 0 for a cut
    note: str


def _events(result: Result) -> list[_Event]:
    """One event per shot.  A dissolve starts the incoming event where the dissolve
    starts (the CMX convention); one that cannot be placed cleanly (it would start
    at or before the previous event) is written as a cut at its ``frame``."""
    shots = result.shots
    if not shots:
        return []
    by_frame = {t.frame: t for t in result.transitions}
    total = shots[-1].end_frame + 1
    starts: list[int] = [0]
    dissolves: list[int] = [0]
    notes: list[str] = [""]
    for shot in shots[1:]:
        t = by_frame.get(shot.start_frame)
        start, length, note = shot.start_frame, 0, ""
        if t is not None:
            note = f"{t.kind} at frame {t.frame}, confidence {t.confidence:.3f}"
            if t.kind == "dissolve" and t.start_frame > starts[-1] and t.end_frame > t.start_frame:
                start, length = t.start_frame, t.end_frame - t.start_frame
            elif t.kind != "cut":
                note += f" (frames {t.start_frame}-{t.end_frame}, written as a cut)"
        starts.append(start)
        dissolves.append(length)
        notes.append(note)
    stops = [*starts[1:], total]
    return [
        _Event(a, b, min(d, max(b - a, 0)), n) for a, b, d, n in zip(starts, stops, dissolves, notes)
    ]


def _edl_line(number: int, kind: str, length: int, a: int, b: int, fps: int) -> str:
    src = f"{smpte(a, fps)} {smpte(b, fps)}"
    field = f"{kind:<4} {length:03d}" if kind == "D" else f"{kind:<4}    "
    return f"{number % 1000:03d}  {REEL:<8} {'V':<5} {field} {src} {src}"


def edl_text(result: Result, *, title: str | None = None) -> str:
    """The CMX 3600 EDL of ``result`` as text (see :func:`write_edl`)."""
    fps = edl_fps(result)
    name = video_name(result)
    lines = [f"TITLE: {title or Path(name).stem}", "FCM: NON-DROP FRAME", ""]
    if abs(result.info.fps - fps) > 1e-3:
        lines += [f"* VIDEO FRAME RATE {result.info.fps:.3f} FPS, TIMECODES COUNT FRAMES AT {fps} FPS", ""]
    events = _events(result)
    for i, ev in enumerate(events, 1):
        number = (i - 1) % 999 + 1  # CMX event numbers have three digits: 999 wraps to 001
        if ev.dissolve:
            prev = events[i - 2]
            lines.append(_edl_line(number, "C", 0, prev.stop, prev.stop, fps))
            lines.append(_edl_line(number, "D", ev.dissolve, ev.start, ev.stop, fps))
        else:
            lines.append(_edl_line(number, "C", 0, ev.start, ev.stop, fps))
        lines.append(f"* FROM CLIP NAME: {name}")
        lines.append(f"* CUTRATE SHOT {i}: FRAMES {ev.start}-{ev.stop - 1}" + (f"; {ev.note}" if ev.note else ""))
        lines.append("")
    return "\n".join(lines)


def write_edl(result: Result, folder: str | os.PathLike) -> Path:
    """Write ``cuts.edl``: a CMX 3600 EDL with one event per shot.

    Timecodes are ``HH:MM:SS:FF`` non-drop-frame at the video's frame rate rounded
    to the nearest integer, counted from frame 0 = ``00:00:00:00``; source and
    record timecodes are equal (the video is its own source, reel ``AX``, track
    ``V``).  Cuts, fades and flashes are ``C`` edits at the transition's frame, the
    latter two with a comment naming their span; a dissolve is a ``D nnn``
    transition of ``end_frame - start_frame`` frames starting at ``start_frame``.
    Event numbers wrap from 999 to 001.

    Parameters
    ----------
    result : Result
        The analysis.
    folder : str or PathLike
        Output folder (created if needed).

    Returns
    -------
    Path
        ``folder/cuts.edl``.
    """
    return write_atomic(Path(folder) / "cuts.edl", edl_text(result) + "\n")


# --------------------------------------------------------------------------- OpenTimelineIO


def otio_timeline(result: Result):  # -> opentimelineio.schema.Timeline
    """The analysis as an ``opentimelineio`` Timeline (the library must be importable).

    One video track of Clips, one per shot, each referencing the media file with
    its source range in frames at the video's frame rate; a dissolve is a
    ``SMPTE_Dissolve`` Transition at the cut point (the transition's ``frame``),
    with ``in_offset`` reaching back to ``start_frame`` and ``out_offset`` on to
    ``end_frame``.  Each clip and transition carries ``metadata["cutrate"]``.
    """
    import opentimelineio as otio

    info = result.info
    rate = float(info.fps)
    total = result.shots[-1].end_frame + 1 if result.shots else 0
    media = otio.schema.ExternalReference(
        target_url=Path(os.path.abspath(info.path)).as_uri(),
        available_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(total, rate)
        ),
    )
    timeline = otio.schema.Timeline(name=Path(video_name(result)).stem)
    timeline.metadata["cutrate"] = {"version": result.version, "summary": _plain(result.summary.to_dict())}
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    by_frame = {t.frame: t for t in result.transitions}
    for i, shot in enumerate(result.shots, 1):
        t = by_frame.get(shot.start_frame)
        if t is not None and t.kind == "dissolve" and len(track) > 0:
            track.append(
                otio.schema.Transition(
                    name=f"dissolve into shot {i}",
                    transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                    in_offset=otio.opentime.RationalTime(t.frame - t.start_frame, rate),
                    out_offset=otio.opentime.RationalTime(t.end_frame - t.frame, rate),
                    metadata={"cutrate": t.to_dict()},
                )
            )
        clip = otio.schema.Clip(
            name=f"shot {i:03d}",
            media_reference=media.clone(),
            source_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(shot.start_frame, rate), otio.opentime.RationalTime(shot.frames, rate)
            ),
            metadata={"cutrate": {"shot": shot.to_dict(), "transition_in": t.to_dict() if t is not None else None}},
        )
        track.append(clip)
    return timeline


def _plain(x):
    """JSON-like data with plain Python scalars only (OTIO metadata rejects numpy types)."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if hasattr(x, "item"):
        return x.item()
    return x


def write_otio(result: Result, folder: str | os.PathLike) -> Path | None:
    """Write ``timeline.otio`` (OpenTimelineIO JSON) if ``opentimelineio`` is installed.

    See :func:`otio_timeline` for the content.  Install it with
    ``pip install "cutrate[otio]"``.

    Returns
    -------
    Path or None
        ``folder/timeline.otio``, or None (with a logged message, once per process)
        when ``opentimelineio`` cannot be imported.
    """
    global _otio_missing_logged
    try:
        import opentimelineio as otio
    except ImportError as exc:
        if not _otio_missing_logged:
            log.warning("timeline.otio skipped: opentimelineio is not installed (%s)", exc)
            _otio_missing_logged = True
        return None
    text = otio.adapters.write_to_string(otio_timeline(result), adapter_name="otio_json")
    return write_atomic(Path(folder) / "timeline.otio", text)


# --------------------------------------------------------------------------- Markdown


def markdown_text(result: Result, *, max_transitions: int = MARKDOWN_TRANSITIONS) -> str:
    """The ``summary.md`` document (see :func:`write_markdown`)."""
    s = result.summary
    info = result.info
    kinds = ", ".join(f"{k} {v}" for k, v in s.transitions.items())
    peaks = s.peaks or (s.peak,)
    ln = s.lognormal
    ac = s.autocorrelation_lag1
    lines = [
        f"# {_md(video_name(result))}",
        "",
        f"**Peak: {peak_sentence(s.peak)}.** Average {s.cuts_per_minute:.1f} {count_words(s.count)} per minute "
        f"over {clock(s.duration_s)}.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| duration | {clock(s.duration_s)} ({info.frames} frames at {info.fps:.3f} fps) |",
        f"| shots | {s.shots} |",
        f"| transitions | {s.transition_count} ({kinds}) |",
        f"| ASL (mean shot length) | {seconds(s.asl_s)} |",
        f"| MSL (median shot length) | {seconds(s.msl_s)} |",
        f"| SD / CV of shot lengths | {seconds(s.sd_s)} / {'-' if not math.isfinite(s.cv) else f'{s.cv:.2f}'} |",
        f"| {count_words(s.count)} per minute | {s.cuts_per_minute:.1f} |",
    ]
    for p in peaks:
        lines.append(f"| peak in {p.window_s:g} s | {peak_sentence(p)} |")
    if ln.mu is not None and ln.sigma is not None and ln.median_s is not None:
        lines.append(f"| lognormal fit (Salt) | μ = {ln.mu:.3f}, σ = {ln.sigma:.3f} (median {ln.median_s:.2f} s) |")
    if ac is not None:
        lines.append(f"| lag-1 autocorrelation of shot lengths | {ac:.2f} |")
    lines += ["", f"## Transitions ({s.transition_count})", ""]
    if result.transitions:
        lines += ["| # | kind | time | timecode | frame | span | confidence |", "|---|---|---|---|---|---|---|"]
        for i, t in enumerate(result.transitions[:max_transitions], 1):
            span = str(t.frame) if t.start_frame == t.end_frame else f"{t.start_frame}–{t.end_frame}"
            lines.append(
                f"| {i} | {t.kind} | {clock(t.time)} | {timecode(t.time)} | {t.frame} | {span} | {t.confidence:.2f} |"
            )
        rest = len(result.transitions) - max_transitions
        if rest > 0:
            lines += ["", f"… and {rest} more: see `transitions.csv`."]
    else:
        lines.append("No transitions were detected.")
    lines += ["", f"*cutrate {_md(result.version)}; settings in `analysis.json`.*", ""]
    return "\n".join(lines)


def _md(text: str) -> str:
    """Escape the characters that Markdown tables and emphasis would interpret."""
    return "".join("\\" + c if c in "\\`*_[]|<>#" else c for c in str(text))


def write_markdown(result: Result, folder: str | os.PathLike, *, max_transitions: int = MARKDOWN_TRANSITIONS) -> Path:
    """Write ``summary.md``: the headline numbers, the peak sentence and a table of
    the first ``max_transitions`` transitions.

    Returns
    -------
    Path
        ``folder/summary.md``.
    """
    return write_atomic(Path(folder) / "summary.md", markdown_text(result, max_transitions=max_transitions))


def write_exports(result: Result, folder: str | os.PathLike) -> list[Path]:
    """Write ``cuts.edl``, ``timeline.otio`` (when ``opentimelineio`` is installed) and ``summary.md``."""
    out = [write_edl(result, folder)]
    otio_path = write_otio(result, folder)
    if otio_path is not None:
        out.append(otio_path)
    out.append(write_markdown(result, folder))
    return out
