"""Opening a video file with PyAV: sniffing non-videos, picking the stream, metadata.

Every failure is a :class:`~cutrate.errors.DecodeError` with a one-line reason
naming the file ("no such file", "a text file, not a video", "no video stream
(found: audio)" ...).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from ...errors import DecodeError
from ...types import DEFAULT_FPS, VideoInfo
from .heartbeat import beat

# --------------------------------------------------------------------------- opening
_STILL_IMAGE_FORMATS = frozenset({"image2", "image2pipe"})


def open_container(path: str) -> Any:
    """Open ``path`` with PyAV, or raise :class:`DecodeError` with a one-line reason."""
    import av

    beat()
    p = Path(path)
    try:
        if not p.exists():
            raise DecodeError(path, "no such file")
        if p.is_dir():
            raise DecodeError(path, "is a directory, not a video file")
        if p.stat().st_size == 0:
            raise DecodeError(path, "empty file (0 bytes)")
    except OSError as exc:  # e.g. a name too long, a broken mount
        raise DecodeError(path, f"cannot read ({exc.strerror or exc})") from None
    if not os.access(p, os.R_OK):
        raise DecodeError(path, "file is not readable (permission denied)")
    try:
        container = av.open(str(p), metadata_errors="ignore")
    except av.error.FFmpegError as exc:  # type: ignore[attr-defined]
        why = _sniff(p) or f"not a readable video container ({describe_error(exc)})"
        raise DecodeError(path, why) from None
    except (OSError, UnicodeDecodeError, ValueError, MemoryError) as exc:
        raise DecodeError(path, f"cannot open ({describe_error(exc)})") from None
    try:
        video_stream(path, container)
    except BaseException:
        close(container)
        raise
    return container


def close(container: Any, done: int = 0, total: int = 0) -> None:
    container.close()
    beat(done, total, False)


def video_stream(path: str, container: Any) -> Any:
    """The stream to analyse: the first real video stream (not cover art)."""
    import av

    fmt = str(container.format.name or "")
    cover = av.stream.Disposition.attached_pic
    videos = [s for s in container.streams.video if not (s.disposition & cover)]
    if fmt in _STILL_IMAGE_FORMATS or fmt.endswith("_pipe"):
        codec = videos[0].codec_context.name if videos and videos[0].codec_context else fmt
        raise DecodeError(path, f"a still image ({str(codec).upper()}), not a video")
    if not videos:
        kinds = sorted({str(s.type) for s in container.streams if s not in container.streams.video})
        if container.streams.video:
            kinds.append("cover picture")
        if not kinds:
            raise DecodeError(path, "no streams in the container (damaged, or not a video)")
        raise DecodeError(path, f"no video stream (found: {', '.join(kinds)})")
    for s in videos:
        if s.codec_context is not None:
            return s
    raise DecodeError(path, "video codec not supported by this FFmpeg build")


def _sniff(p: Path) -> str | None:
    """A clearer reason than FFmpeg's for a few common non-videos, from the file's bytes."""
    try:
        with p.open("rb") as f:
            head = f.read(4096)
            size = p.stat().st_size
            if head[4:8] == b"ftyp":
                return _sniff_mp4(f, size)
    except OSError:
        return None
    text = ""
    for cut in range(4):  # the sample may end inside a multi-byte character
        try:
            text = head[: len(head) - cut].decode("utf-8")
            break
        except UnicodeDecodeError:
            continue
    if text and sum(c.isprintable() or c in "\r\n\t" for c in text) >= 0.95 * len(text):
        return "a text file, not a video"
    return None


def _sniff_mp4(f: Any, size: int) -> str | None:
    """Walk the top-level boxes of an MP4/MOV file to name what is wrong with it."""
    pos = 0
    boxes: list[bytes] = []
    while pos + 8 <= size and len(boxes) < 1000:
        f.seek(pos)
        hdr = f.read(16)
        box_size, kind = int.from_bytes(hdr[:4], "big"), hdr[4:8]
        if box_size == 1 and len(hdr) == 16:
            box_size = int.from_bytes(hdr[8:16], "big")
        elif box_size == 0:
            box_size = size - pos
        if box_size < 8 or not all(48 <= c < 127 or c == 32 or c == 0xA9 for c in kind):
            return "MP4/MOV file with a damaged structure (an unreadable box header)"
        boxes.append(kind)
        if pos + box_size > size:
            if b"moov" in boxes:
                return None
            return ("MP4/MOV file cut short before its index (moov box): the recording "
                    "was interrupted or the file is truncated")
        pos += box_size
    if b"moov" not in boxes:
        return "MP4/MOV file without its index (moov box): the recording was interrupted or the file is incomplete"
    return None


def python_logging_active() -> bool:
    """Whether PyAV's Python log callback is installed (``av.logging.set_level(level)``).

    FFmpeg's decoder threads then take the GIL for every error message, even below
    the level, and PyAV waits for those threads while holding the GIL when a
    container is closed mid-stream: a deadlock on damaged files.  Decoding is
    single-threaded while the callback is installed; PyAV's default (no Python
    callback) and FFmpeg's own (``av.logging.restore_default_callback()``) are safe.
    """
    import av.logging

    return av.logging.get_level() is not None


def describe_error(exc: BaseException) -> str:
    msg = getattr(exc, "strerror", None) or str(exc)
    return str(msg).split(":")[0].strip() or type(exc).__name__


def _rate(stream: Any) -> float:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        try:
            fps = float(rate) if rate else 0.0
        except (ZeroDivisionError, OverflowError, ValueError):
            fps = 0.0
        if math.isfinite(fps) and 0.1 <= fps <= 1000.0:
            return fps
    return DEFAULT_FPS


def declared(container: Any, stream: Any) -> tuple[float, float]:
    """(start, duration) in seconds as the container declares them (0 when unknown)."""
    start = duration = 0.0
    tb = stream.time_base
    if stream.start_time is not None and tb is not None:
        start = float(stream.start_time * tb)
    elif container.start_time is not None:
        start = container.start_time / 1_000_000
    if stream.duration is not None and tb is not None:
        duration = float(stream.duration * tb)
    elif container.duration is not None:
        duration = container.duration / 1_000_000
    if not (math.isfinite(start) and math.isfinite(duration)) or duration < 0:
        return 0.0, 0.0
    return start, duration


def stream_info(path: str, container: Any, stream: Any) -> VideoInfo:
    fps = _rate(stream)
    start, duration = declared(container, stream)
    frames = int(stream.frames or 0) or round(min(duration, 1e7) * fps)
    ctx = stream.codec_context
    return VideoInfo(
        path=str(path),
        duration_s=duration,
        fps=fps,
        frames=frames,
        width=int(ctx.width or 0),
        height=int(ctx.height or 0),
        codec=str(ctx.name or ""),
        start_time=start,
        timecode=_timecode_tag(container, stream),
    )


def _timecode_tag(container: Any, stream: Any) -> str:
    """The stream's (or container's) own start timecode tag, e.g. ``01:00:00:00``."""
    for meta in (getattr(stream, "metadata", None) or {}, getattr(container, "metadata", None) or {}):
        tc = meta.get("timecode")
        if tc:
            return str(tc)
    return ""


def probe(path: str | os.PathLike) -> VideoInfo:
    """Read a video's metadata from its container without decoding.

    Raises
    ------
    DecodeError
        If the file is missing, not a video, or has no video stream.
    """
    path = str(path)
    container = open_container(path)
    try:
        return stream_info(path, container, video_stream(path, container))
    finally:
        close(container)
