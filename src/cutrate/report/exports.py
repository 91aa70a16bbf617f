"""Exports for editors and readers: a CMX 3600 EDL, an OpenTimelineIO timeline and
a Markdown summary.

Every writer takes a :class:`~cutrate.analysis.pipeline.Result` and a folder, writes
atomically and returns the path it wrote.  This module needs neither matplotlib nor
a video library.

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
from .._version import __version__
from ..analysis.pipeline import Result
from ..errors import ParameterError
from ..io.atomic import write_atomic
from .text import excluding, video_name
from .timecodes import Timebase, parse_smpte, timebase, to_smpte

log = logging.getLogger(__name__)

#: Reel name written for the video in the EDL.
REEL = "AX"
#: Transitions listed in ``summary.md`` before the table is cut short.
MARKDOWN_TRANSITIONS = 50

_fcp_missing_logged = False


def edl_fps(result: Result) -> int:
    """The EDL's frame numbers per second: the video's rate rounded (at least 1)."""
    return timebase(result.info.fps).fps


def start_frame_of(result: Result, start_timecode: str | None = None) -> tuple[int, str]:
    """The record timecode of frame 0 as a frame count in the EDL's timebase, and
    where it came from: ``start_timecode`` if given, else the stream's own
    ``timecode`` tag, else ``00:00:00:00``."""
    tb = timebase(result.info.fps)
    if start_timecode:
        return parse_smpte(start_timecode, tb), "given"
    if result.info.timecode:
        try:
            return parse_smpte(result.info.timecode, tb), "the stream's timecode tag"
        except ParameterError:
            log.warning("%s: ignoring the stream's timecode tag %r", result.info.path, result.info.timecode)
    return 0, "default"


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


def _edl_line(number: int, kind: str, length: int, a: int, b: int, tb: Timebase, base: int) -> str:
    src = f"{to_smpte(base + a, tb)} {to_smpte(base + b, tb)}"
    field = f"{kind:<4} {length:03d}" if kind == "D" else f"{kind:<4}    "
    return f"{number % 1000:03d}  {REEL:<8} {'V':<5} {field} {src} {src}"


def edl_text(result: Result, *, title: str | None = None, start_timecode: str | None = None) -> str:
    """The CMX 3600 EDL of ``result`` as text (see :func:`write_edl`)."""
    tb = timebase(result.info.fps)
    base, origin = start_frame_of(result, start_timecode)
    name = video_name(result)
    lines = [f"TITLE: {title or Path(name).stem}", f"FCM: {'DROP FRAME' if tb.drop else 'NON-DROP FRAME'}", ""]
    # notes about the whole list go with the first event: readers take comments only after an event
    notes = [f"* START TIMECODE {to_smpte(base, tb)} ({origin.upper()})",
             f"* WRITTEN BY CUTRATE {__version__}; SETTINGS IN ANALYSIS.JSON"]
    if abs(result.info.fps - tb.fps) > 1e-3 and not tb.drop:
        notes.append(f"* VIDEO FRAME RATE {result.info.fps:.3f} FPS, TIMECODES COUNT FRAMES AT {tb.fps} FPS")
    events = _events(result)
    for i, ev in enumerate(events, 1):
        number = (i - 1) % 999 + 1  # CMX event numbers have three digits: 999 wraps to 001
        if ev.dissolve:
            prev = events[i - 2]
            lines.append(_edl_line(number, "C", 0, prev.stop, prev.stop, tb, base))
            lines.append(_edl_line(number, "D", ev.dissolve, ev.start, ev.stop, tb, base))
        else:
            lines.append(_edl_line(number, "C", 0, ev.start, ev.stop, tb, base))
        lines.append(f"* FROM CLIP NAME: {name}")
        lines.append(f"* CUTRATE SHOT {i}: FRAMES {ev.start}-{ev.stop - 1}" + (f"; {ev.note}" if ev.note else ""))
        if i == 1:
            lines += notes
        lines.append("")
    return "\n".join(lines)


def write_edl(result: Result, folder: str | os.PathLike, *, start_timecode: str | None = None) -> Path:
    """Write ``cuts.edl``: a CMX 3600 EDL with one event per shot.

    Timecodes are ``HH:MM:SS:FF`` at the video's frame rate rounded to the nearest
    integer, drop-frame (``HH:MM:SS;FF``, ``FCM: DROP FRAME``) at 29.97 and 59.94;
    frame 0 is ``start_timecode``, else the stream's own timecode tag, else
    ``00:00:00:00``.  Source and record timecodes are equal (the video is its own
    source, reel ``AX``, track ``V``).  Cuts, fades and flashes are ``C`` edits at the transition's frame, the
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
    return write_atomic(Path(folder) / "cuts.edl", edl_text(result, start_timecode=start_timecode) + "\n")


# --------------------------------------------------------------------------- OpenTimelineIO


def otio_timeline(result: Result, *, start_timecode: str | None = None):  # -> opentimelineio.schema.Timeline
    """The analysis as an ``opentimelineio`` Timeline (the library must be importable).

    One video track of Clips, one per shot, each referencing the media file with
    its source range in frames at the video's frame rate; a dissolve is a
    ``SMPTE_Dissolve`` Transition at the cut point (the transition's ``frame``),
    with ``in_offset`` reaching back to ``start_frame`` and ``out_offset`` on to
    ``end_frame``.  The media and the timeline start at the start timecode (see
    :func:`start_frame_of`).  Each clip and transition carries ``metadata["cutrate"]``.
    """
    import opentimelineio as otio

    info = result.info
    rate = float(info.fps)
    base, _ = start_frame_of(result, start_timecode)
    total = result.shots[-1].end_frame + 1 if result.shots else 0
    media = otio.schema.ExternalReference(
        target_url=Path(os.path.abspath(info.path)).as_uri(),
        available_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(base, rate), otio.opentime.RationalTime(total, rate)
        ),
    )
    timeline = otio.schema.Timeline(name=Path(video_name(result)).stem,
                                    global_start_time=otio.opentime.RationalTime(base, rate))
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
                otio.opentime.RationalTime(base + shot.start_frame, rate), otio.opentime.RationalTime(shot.frames, rate)
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


def write_otio(result: Result, folder: str | os.PathLike, *, start_timecode: str | None = None) -> Path:
    """Write ``timeline.otio`` (OpenTimelineIO JSON); see :func:`otio_timeline`."""
    import opentimelineio as otio

    text = otio.adapters.write_to_string(otio_timeline(result, start_timecode=start_timecode),
                                         adapter_name="otio_json")
    return write_atomic(Path(folder) / "timeline.otio", text)


def write_fcp_xml(result: Result, folder: str | os.PathLike, *, start_timecode: str | None = None) -> Path | None:
    """Write ``timeline.xml``: Final Cut Pro 7 XML (also read by Premiere, Resolve and
    Avid), through OpenTimelineIO's ``fcp_xml`` adapter (``otio-fcp-adapter``).

    Returns
    -------
    Path or None
        ``folder/timeline.xml``, or None (with a logged message, once per process)
        when the adapter is not installed; ``otioconvert -i timeline.otio -o
        timeline.xml`` does the same once it is.
    """
    global _fcp_missing_logged
    import opentimelineio as otio

    try:
        text = otio.adapters.write_to_string(otio_timeline(result, start_timecode=start_timecode),
                                             adapter_name="fcp_xml")
    except (otio.exceptions.NotSupportedError, otio.exceptions.AdapterDoesntSupportFunctionError, ValueError) as exc:
        if not _fcp_missing_logged:
            log.warning("timeline.xml skipped: no FCP XML adapter for OpenTimelineIO (pip install otio-fcp-adapter): %s",
                        exc)
            _fcp_missing_logged = True
        return None
    return write_atomic(Path(folder) / "timeline.xml", text)


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
        *([f"*Pace numbers {_md(excluding(result))}.*", ""] if excluding(result) else []),
        f"**Peak: {peak_sentence(s.peak, s)}.** Average {s.cuts_per_minute:.1f} {count_words(s.count)} per minute "
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
        lines.append(f"| peak in {p.window_s:g} s | {peak_sentence(p, s)} |")
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


def write_exports(result: Result, folder: str | os.PathLike, *, start_timecode: str | None = None) -> list[Path]:
    """Write ``cuts.edl``, ``timeline.otio``, ``timeline.xml`` (FCP 7 XML, when its
    OpenTimelineIO adapter is installed) and ``summary.md``."""
    out = [write_edl(result, folder, start_timecode=start_timecode),
           write_otio(result, folder, start_timecode=start_timecode)]
    fcp = write_fcp_xml(result, folder, start_timecode=start_timecode)
    if fcp is not None:
        out.append(fcp)
    out.append(write_markdown(result, folder))
    return out
