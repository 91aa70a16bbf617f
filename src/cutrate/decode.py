"""Decoding: the only module that talks to a video library (PyAV).

It turns a video file into batches of small frames with exact timestamps::

    from cutrate.decode import VideoReader
    with VideoReader("ep01.mkv") as reader:
        print(reader.info)
        for batch in reader.batches():
            batch.y  # uint8 [shape=(n, 36, 64)], area-averaged luma
            batch.times  # float seconds, presentation timestamps
        print(reader.warnings)  # damaged or odd parts of the file, each saying where

Frame numbering equals ``ffmpeg -i X -fps_mode passthrough``: every decoded frame,
in presentation order, 0-based.  Frames are read straight from the decoder's Y/U/V
planes (8-bit, and 9- to 16-bit planar YUV/grey as ``uint16`` planes) and
area-downscaled with OpenCV; PyAV's per-frame ``to_ndarray``/``reformat`` would cost
several times the decode itself, so it is only the fallback for other pixel formats
(RGB, palette, semi-planar, big-endian ...).

Damaged input never costs the whole result:

- a packet the decoder rejects is skipped; a frame the decoder had to conceal is
  kept; a container that cannot be read any further ends the decode with what was
  decoded so far.  Each of these becomes one warning in :attr:`VideoReader.warnings`
  saying where (frame numbers and seconds).
- times stay strictly increasing whatever the timestamps do: a lone frame out of
  order is placed between its neighbours; a jump back (concatenated streams,
  timestamp resets) continues one frame after the previous time; a forward jump is
  kept as real screen time unless it is longer than :data:`MAX_GAP_DISCONT_S` in a
  container that allows timestamp resets (MPEG-TS/PS) or :data:`MAX_GAP_S` in any
  other one, where it is closed like a reset.  Frames without timestamps follow the
  previous one at the nominal frame rate.
- missing frames in a constant-rate stream and a decode that ends well before the
  container's declared duration (truncated file) are reported.
- a file that is not a video (missing, empty, text, still image, audio only,
  unreadable container) raises :class:`~cutrate.errors.DecodeError` with a one-line
  reason.

Rotation metadata (phone videos) does not change shot boundaries; frames are
analysed in their stored orientation and the display rotation is available as
:attr:`VideoReader.rotation`.
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import numpy as np

from .errors import DecodeError
from .types import VideoInfo

log = logging.getLogger(__name__)

#: Size of the analysis frames (width, height) for luma; chroma is half of it.
FRAME_SIZE: tuple[int, int] = (64, 36)
#: Frames per batch handed to the feature stage.
BATCH_FRAMES = 256
#: Consecutive undecodable packets after which a stream is given up as corrupt.
MAX_BAD_PACKETS = 200
#: Warnings kept per video; further ones are only counted.
MAX_WARNINGS = 20
#: Longest forward timestamp jump (s) kept as screen time in containers whose
#: timestamps may reset (MPEG-TS/PS; ffmpeg's ``dts_delta_threshold``).
MAX_GAP_DISCONT_S = 10.0
#: Longest forward timestamp jump (s) kept as screen time in any other container.
MAX_GAP_S = 3600.0

_AVFMT_TS_DISCONT = 0x0200  # libavformat: the format allows timestamp discontinuities

#: 8-bit planar formats read directly: name -> number of chroma planes (0 = grey).
_DIRECT_FORMATS: dict[str, int] = {
    **{f"yuv{s}p": 2 for s in ("420", "422", "444", "440", "411", "410")},
    **{f"yuvj{s}p": 2 for s in ("420", "422", "444", "440", "411")},
    **{f"yuva{s}p": 2 for s in ("420", "422", "444")},
    "gray": 0,
}
#: 9- to 16-bit little-endian planar formats, read as uint16 planes.
_DEEP_FORMAT = re.compile(r"^(?:yuva?(?:420|422|444|440)p|gray)(9|10|12|14|16)le$")

#: Called as (frames decoded, estimated total, active) (see :func:`set_heartbeat`).
_heartbeat: Callable[[int, int, bool], None] | None = None


def set_heartbeat(fn: Callable[[int, int, bool], None] | None) -> None:
    """Install a callback that follows the decoder's progress.

    It is called as ``fn(done, total, active)``: with ``active=True`` when a file
    is about to be opened and after every demuxed packet (``done`` frames decoded
    so far, ``total`` the container's estimate), and with ``active=False`` when the
    file is closed.  :mod:`cutrate.watchdog` uses it in its worker process to tell
    a slow decode from a stuck one (and not to mistake the numerical work after
    decoding for a stall).  The callback must be cheap; ``None`` removes it.
    """
    global _heartbeat
    _heartbeat = fn


def _beat(done: int = 0, total: int = 0, active: bool = True) -> None:
    if _heartbeat is not None:
        _heartbeat(done, total, active)


@dataclass(frozen=True)
class FrameBatch:
    """Consecutive decoded frames, downscaled.

    Attributes
    ----------
    start : int
        Index of the first frame of the batch in the whole video.
    times : np.ndarray [shape=(n,), float64]
        Presentation timestamps in seconds, strictly increasing over the video.
    y : np.ndarray [shape=(n, h, w), uint8]
        Luma, area-averaged to :data:`FRAME_SIZE`.
    uv : np.ndarray [shape=(n, 2, h // 2, w // 2), uint8]
        Chroma (Cb, Cr) at half the luma size.
    """

    start: int
    times: np.ndarray
    y: np.ndarray
    uv: np.ndarray

    def __len__(self) -> int:
        return int(self.times.shape[0])


# --------------------------------------------------------------------------- opening
_STILL_IMAGE_FORMATS = frozenset({"image2", "image2pipe"})


def _open(path: str) -> Any:
    """Open ``path`` with PyAV, or raise :class:`DecodeError` with a one-line reason."""
    import av

    _beat()
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
        reason = _sniff(p) or f"not a readable video container ({_reason(exc)})"
        raise DecodeError(path, reason) from None
    except (OSError, UnicodeDecodeError, ValueError, MemoryError) as exc:
        raise DecodeError(path, f"cannot open ({_reason(exc)})") from None
    try:
        _video_stream(path, container)
    except BaseException:
        _close(container)
        raise
    return container


def _close(container: Any, done: int = 0, total: int = 0) -> None:
    container.close()
    _beat(done, total, False)


def _video_stream(path: str, container: Any) -> Any:
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


def _python_logging_active() -> bool:
    """Whether PyAV's Python log callback is installed (``av.logging.set_level(level)``).

    FFmpeg's decoder threads then take the GIL for every error message, even below
    the level, and PyAV waits for those threads while holding the GIL when a
    container is closed mid-stream: a deadlock on damaged files.  Decoding is
    single-threaded while the callback is installed; PyAV's default (no Python
    callback) and FFmpeg's own (``av.logging.restore_default_callback()``) are safe.
    """
    import av.logging

    return av.logging.get_level() is not None


def _reason(exc: BaseException) -> str:
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
    return 25.0


def _declared(container: Any, stream: Any) -> tuple[float, float]:
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


def _stream_info(path: str, container: Any, stream: Any) -> VideoInfo:
    fps = _rate(stream)
    start, duration = _declared(container, stream)
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
    )


def probe(path: str | os.PathLike) -> VideoInfo:
    """Read a video's metadata from its container without decoding.

    Raises
    ------
    DecodeError
        If the file is missing, not a video, or has no video stream.
    """
    path = str(path)
    container = _open(path)
    try:
        return _stream_info(path, container, _video_stream(path, container))
    finally:
        _close(container)


# --------------------------------------------------------------------------- timestamps
class _Clock:
    """Turns decoder timestamps into strictly increasing times (see the module docstring).

    Every time is at least ``step / 1000`` after the previous one, so times stay
    distinct after rounding to microseconds.

    Parameters
    ----------
    step : float
        Nominal frame duration in seconds.
    max_gap : float
        Longest forward jump kept as screen time.
    warn : callable(str)
        Receives one message per timestamp reset.
    """

    #: Frame durations outside this range (s) mean the timestamps are not credible.
    CREDIBLE_STEP = (1e-3, 3600.0)

    def __init__(self, step: float, max_gap: float, warn: Callable[[str], None]) -> None:
        self.step = step
        self.eps = step / 1000.0
        self.max_gap = max_gap
        self.warn = warn
        self.offset = 0.0
        self.last: float | None = None
        self.untimed = 0
        self.resets = 0
        self.stray: list[int] = []
        self.ignore: bool | None = None  # decided on the first batch

    def times(self, raw: np.ndarray, start: int, lookahead: float) -> np.ndarray:
        """Corrected times of frames ``start, start + 1, ...`` from their raw timestamps.

        ``raw`` holds NaN for frames without a timestamp; ``lookahead`` is the raw
        timestamp of the frame after the last one (NaN when unknown or at the end).
        """
        if self.ignore is None:
            self.ignore = not self._credible(raw)
        if self.ignore:
            raw = np.full(raw.shape[0], np.nan)
            lookahead = math.nan
        out = np.empty(raw.shape[0], np.float64)
        nxt = np.append(raw[1:], lookahead)
        for i in range(raw.shape[0]):
            out[i] = self._one(float(raw[i]), float(nxt[i]), start + i)
        return out

    def _credible(self, raw: np.ndarray) -> bool:
        """Whether the first batch's timestamps imply a plausible frame duration."""
        timed = raw[np.isfinite(raw)]
        steps = np.diff(timed)
        steps = steps[steps > 0]
        if steps.size < 2:
            return True
        m = float(np.median(steps))
        lo, hi = self.CREDIBLE_STEP
        if lo <= m <= hi:
            return True
        self.warn(f"the timestamps imply {1 / m:.6g} frames per second, which is not credible: "
                  f"frames are timed at the nominal {1 / self.step:.3f} fps instead")
        return False

    def _one(self, raw: float, nxt: float, index: int) -> float:
        last, step, eps = self.last, self.step, self.eps
        if not math.isfinite(raw):
            if not self.ignore:
                self.untimed += 1
            t = 0.0 if last is None else last + step
        elif last is None:
            t = raw + self.offset
        else:
            c = raw + self.offset
            cn = nxt + self.offset if math.isfinite(nxt) else None
            d = c - last
            if d <= eps or d > self.max_gap:
                if cn is not None and last + 2 * eps < cn <= last + self.max_gap:
                    t = last + min(step, (cn - last) / 2)  # a lone stray frame: the next one follows on
                    self.stray.append(index)
                elif d <= eps:
                    self.resets += 1
                    self.offset += last + step - c
                    t = last + step
                    self.warn(f"timestamps jump back {max(0.0, -d):.3f} s after frame {index - 1} ({last:.3f} s): "
                              f"frames from {index} on are timed on from {t:.3f} s")
                else:
                    self.resets += 1
                    self.offset -= d - step
                    t = last + step
                    self.warn(f"timestamps jump forward {d:.3f} s after frame {index - 1} ({last:.3f} s), more "
                              f"than {self.max_gap:g} s: taken as a timestamp reset, frames from {index} on are "
                              f"timed on from {t:.3f} s")
            elif cn is not None and last + 2 * eps < cn < c - step / 2:
                t = last + (cn - last) / 2  # a lone frame stamped too late
                self.stray.append(index)
            else:
                t = c
        self.last = t
        return t

    def notes(self) -> list[str]:
        """Summary warnings for frames without or with out-of-order timestamps."""
        out = []
        if self.untimed:
            out.append(f"{self.untimed} frame(s) without a timestamp: timed at the nominal "
                       f"{1 / self.step:.3f} fps after the previous frame")
        if self.stray:
            first = self.stray[0]
            out.append(f"{len(self.stray)} frame(s) with an out-of-order timestamp (first at frame {first}): "
                       "placed between their neighbours")
        return out


# --------------------------------------------------------------------------- reading
class VideoReader:
    """Decode every frame of a video into small luma/chroma arrays.

    A context manager; the container is closed on exit and if opening fails.

    Parameters
    ----------
    path : str or PathLike
        The video file.
    size : (int, int)
        Width and height of the luma frames handed out (chroma is half).
    fast : bool
        Skip the in-loop deblocking filter (``skip_loop_filter=all``).  It changes
        pixels imperceptibly at analysis size and makes H.264/HEVC decoding cheaper.
    threads : int
        Decoder threads; 0 lets FFmpeg choose.

    Attributes
    ----------
    info : VideoInfo
        The container's metadata (estimates until decoded).
    warnings : list of str
        Damaged or odd parts met while decoding, each saying where; at most
        :data:`MAX_WARNINGS` plus one line counting the rest.
    rotation : int
        Display rotation in degrees from the stream's display matrix (counter-clockwise,
        as :attr:`av.VideoFrame.rotation`); known once the first frame is decoded.

    Raises
    ------
    DecodeError
        If the file is missing, not a video, or has no video stream.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        size: tuple[int, int] = FRAME_SIZE,
        fast: bool = True,
        threads: int = 0,
    ) -> None:
        import av

        self.path = str(path)
        self.size = (int(size[0]), int(size[1]))
        self.fast = fast
        self.threads = threads
        self.warnings: list[str] = []
        self.rotation = 0
        self._dropped = 0
        self._decoded = 0
        self._container = _open(self.path)
        try:
            self._stream = _video_stream(self.path, self._container)
            self.info = _stream_info(self.path, self._container, self._stream)
            ctx = self._stream.codec_context
            self._stream.thread_type = "AUTO"
            if threads:
                ctx.thread_count = threads
            if _python_logging_active():
                ctx.thread_count = 1  # see _python_logging_active
            if fast:
                ctx.options = {**ctx.options, "skip_loop_filter": "all"}
            flags = int(self._container.format.flags or 0)
            self._max_gap = MAX_GAP_DISCONT_S if flags & _AVFMT_TS_DISCONT else MAX_GAP_S
            self._declared = _declared(self._container, self._stream)
        except av.error.FFmpegError as exc:  # type: ignore[attr-defined]
            _close(self._container)
            raise DecodeError(self.path, f"cannot set up the decoder ({_reason(exc)})") from None
        except BaseException:
            _close(self._container)
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the container (idempotent)."""
        _close(self._container, self._decoded, self._decoded)

    # -- warnings ----------------------------------------------------------------
    def _warn(self, msg: str) -> None:
        log.warning("%s: %s", self.path, msg)
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(msg)
        else:
            self._dropped += 1

    def _where(self, index: int, t: float | None) -> str:
        if index == 0:
            return "before the first frame"
        return f"after frame {index - 1}" + (f" ({t:.3f} s)" if t is not None else "")

    # -- decoding ---------------------------------------------------------------
    def _frames(self, last_time: Callable[[], float | None]) -> Iterator[Any]:
        """Decoded frames in presentation order, skipping damaged packets."""
        import av

        errors = (av.error.FFmpegError, ValueError, OSError, MemoryError)  # type: ignore[attr-defined]
        bad_run = 0
        run_at: tuple[int, float | None] | None = None
        reason = ""
        demux = self._container.demux(self._stream)

        def close_run() -> None:
            nonlocal bad_run, run_at
            if run_at is not None:
                what = "a damaged packet" if bad_run == 1 else f"{bad_run} damaged packets"
                self._warn(f"skipped {what} {self._where(*run_at)} ({reason})")
            bad_run, run_at = 0, None

        while True:
            try:
                packet = next(demux)
            except StopIteration:
                break
            except IndexError:
                # PyAV's demux() fails in its final flush when streams appeared mid-file
                # (MPEG-TS): every packet has been read; flush the decoder here instead.
                yield from self._flush(errors)
                break
            except errors as exc:
                close_run()
                self._warn(f"stopped reading {self._where(self._decoded, last_time())}: "
                           f"the container is damaged from here on ({_reason(exc)})")
                yield from self._flush(errors)
                break
            try:
                frames = packet.decode()
            except errors as exc:
                if run_at is None:
                    run_at, reason = (self._decoded, last_time()), _reason(exc)
                bad_run += 1
                if bad_run >= MAX_BAD_PACKETS:
                    close_run()
                    if self._decoded == 0:
                        raise DecodeError(self.path, f"stream is corrupt ({MAX_BAD_PACKETS} bad packets in a row, "
                                                     f"no frame decoded; {reason})") from None
                    self._warn(f"gave up {self._where(self._decoded, last_time())}: "
                               f"{MAX_BAD_PACKETS} damaged packets in a row")
                    break
                continue
            finally:
                if _heartbeat is not None:
                    _heartbeat(self._decoded, max(self.info.frames, self._decoded), True)
            close_run()
            for frame in frames:
                self._decoded += 1
                yield frame
        close_run()

    def _flush(self, errors: tuple[type[BaseException], ...]) -> Iterator[Any]:
        """Frames still buffered in the decoder after the demuxer gave up."""
        try:
            frames = self._stream.codec_context.decode(None)
        except errors:
            return
        for frame in frames:
            self._decoded += 1
            yield frame

    def batches(self, batch_frames: int = BATCH_FRAMES) -> Iterator[FrameBatch]:
        """Yield :class:`FrameBatch` objects covering every decoded frame once.

        A batch is handed out once the first frame of the next one is decoded (its
        timestamp settles the last frame's time), or at the end of the stream.
        Warnings about the whole stream (missing frames, truncation) are added to
        :attr:`warnings` when the generator is exhausted.

        Raises
        ------
        DecodeError
            If the stream holds no decodable video frame.
        """
        w, h = self.size
        cw, ch = max(1, w // 2), max(1, h // 2)
        ys = np.empty((batch_frames, h, w), np.uint8)
        uvs = np.empty((batch_frames, 2, ch, cw), np.uint8)
        raw = np.empty(batch_frames, np.float64)
        clock = _Clock(1.0 / self.info.fps, self._max_gap, self._warn)
        damaged = _Runs(self, "decoded with errors (the decoder concealed damaged data)")
        all_times: list[np.ndarray] = []
        n = 0
        start = 0

        def emit(lookahead: float) -> FrameBatch:
            times = clock.times(raw[:n], start, lookahead)
            all_times.append(times)
            return FrameBatch(start, times, ys[:n].copy(), uvs[:n].copy())

        def repeat_previous(i: int, batch: FrameBatch | None) -> None:
            """Stand-in pixels for an unconvertible frame: the previous frame's."""
            if i:
                ys[i], uvs[i] = ys[i - 1], uvs[i - 1]
            elif batch is not None:
                ys[i], uvs[i] = batch.y[-1], batch.uv[-1]

        previous: FrameBatch | None = None
        last_raw = math.nan

        def position() -> float | None:
            """Time of the last decoded frame, for warnings (its batch may not be timed yet)."""
            if math.isfinite(last_raw) and not clock.ignore:
                return last_raw + clock.offset
            return clock.last

        for frame in self._frames(position):
            t = frame.time
            t = float(t) if t is not None and math.isfinite(t) else math.nan
            last_raw = t
            if n == batch_frames:
                previous = emit(t)
                yield previous
                start += n
                n = 0
            if start + n == 0:
                self.rotation = _rotation(frame)
            raw[n] = t
            ok = _extract(frame, ys[n], uvs[n], (w, h), (cw, ch))
            if not ok:
                if start + n == 0:
                    raise DecodeError(self.path, f"cannot convert pixel format {frame.format.name!r} "
                                                 f"({frame.width}x{frame.height})")
                repeat_previous(n, previous)
            if not ok or frame.is_corrupt:
                damaged.add(start + n)
            n += 1
        if n:
            yield emit(math.nan)
        total = start + n
        if total == 0:
            why = f" ({self.warnings[0]})" if self.warnings else ""
            raise DecodeError(self.path, f"no decodable video frames{why}")
        damaged.close(all_times)
        for note in clock.notes():
            self._warn(note)
        times = np.concatenate(all_times)
        self._check_gaps(times)
        if not clock.resets:  # after a reset the declared duration means little
            self._check_end(times)
        if self._dropped:
            self.warnings.append(f"... and {self._dropped} more warning(s)")

    def _check_gaps(self, times: np.ndarray) -> None:
        """Report missing frames in a constant-rate stream (gaps of 1.5 frames or more).

        Gaps at most two frames apart are reported together as one damaged stretch.
        """
        if times.shape[0] < 3:
            return
        steps = np.diff(times)
        m = float(np.median(steps))
        if m <= 0 or np.mean(np.abs(steps - m) <= 0.1 * m) < 0.8:
            return  # variable frame rate: long frames are normal
        if abs(1.0 / self.info.fps - m) < 0.1 * m:
            m = 1.0 / self.info.fps  # the exact nominal step, not a rounded one
        gaps = np.flatnonzero(steps > 1.5 * m)
        if not gaps.size:
            return
        groups = np.split(gaps, np.flatnonzero(np.diff(gaps) > 3) + 1)
        for g in groups[:MAX_WARNINGS]:
            a, b = int(g[0]), int(g[-1]) + 1
            missing = int(sum(round(steps[i] / m) - 1 for i in g))
            self._warn(f"about {missing} frame(s) missing between frame {a} ({times[a]:.3f} s) and frame {b} "
                       f"({times[b]:.3f} s): damaged data or a gap in the timestamps")
        if len(groups) > MAX_WARNINGS:
            self._warn(f"{len(groups) - MAX_WARNINGS} more stretch(es) with missing frames")

    def _check_end(self, times: np.ndarray) -> None:
        """Warn when the decode ends well before the container's declared end."""
        start, duration = self._declared
        if duration <= 0:
            return
        end = float(times[-1]) + 1.0 / self.info.fps
        declared = start + duration
        if declared - end > max(0.5, 0.1 * duration) and end < declared:
            self._warn(f"decoding ended at {end:.3f} s but the container declares {declared:.3f} s: "
                       "the file looks truncated or damaged near its end")


class _Runs:
    """Collects frame indices into ranges for one warning per range."""

    def __init__(self, reader: VideoReader, what: str) -> None:
        self.reader = reader
        self.what = what
        self.runs: list[list[int]] = []

    def add(self, index: int) -> None:
        if self.runs and self.runs[-1][1] == index - 1:
            self.runs[-1][1] = index
        else:
            self.runs.append([index, index])

    def close(self, all_times: list[np.ndarray]) -> None:
        if not self.runs:
            return
        times = np.concatenate(all_times)
        for a, b in self.runs:
            span = f"frame {a} ({times[a]:.3f} s)" if a == b else f"frames {a}-{b} ({times[a]:.3f}-{times[b]:.3f} s)"
            self.reader._warn(f"{span} {self.what}")


def _rotation(frame: Any) -> int:
    try:
        return round(float(frame.rotation or 0)) % 360
    except (AttributeError, TypeError, ValueError):
        return 0


# --------------------------------------------------------------------------- pixels
def _layout(fmt: str) -> tuple[int, int] | None:
    """(chroma planes, bits above 8) of a directly readable pixel format, else None."""
    if fmt in _DIRECT_FORMATS:
        return _DIRECT_FORMATS[fmt], 0
    m = _DEEP_FORMAT.match(fmt)
    if m:
        return (0 if fmt.startswith("gray") else 2), int(m.group(1)) - 8
    return None


def _plane(plane: Any, height: int, dtype: Any = np.uint8) -> np.ndarray:
    itemsize = np.dtype(dtype).itemsize
    buf = np.frombuffer(plane, dtype)
    stride = plane.line_size // itemsize
    return buf[: stride * height].reshape(height, stride)[:, : plane.width]


def _extract(frame: Any, y_out: np.ndarray, uv_out: np.ndarray, size: tuple[int, int],
             csize: tuple[int, int]) -> bool:
    """Downscale ``frame`` into ``y_out`` / ``uv_out``; False if it cannot be converted."""
    if frame.width < 1 or frame.height < 1:
        return False
    fmt = frame.format.name
    layout = _layout(fmt)
    try:
        if layout is None:
            frame = frame.reformat(format="yuv420p")
            layout = (2, 0)
        chroma, shift = layout
        dtype = np.uint16 if shift else np.uint8
        planes = frame.planes
        _shrink(_plane(planes[0], planes[0].height, dtype), size, y_out, shift)
        if chroma:
            for i in (1, 2):
                _shrink(_plane(planes[i], planes[i].height, dtype), csize, uv_out[i - 1], shift)
        else:
            uv_out.fill(128)
    except (ValueError, TypeError, IndexError) as exc:  # unsupported or malformed frame buffers
        log.debug("cannot convert a %s frame: %s", fmt, exc)
        return False
    return True


def _shrink(plane: np.ndarray, size: tuple[int, int], out: np.ndarray, shift: int = 0) -> None:
    """Area-average ``plane`` down to ``size`` into the uint8 ``out``.

    OpenCV's general INTER_AREA path is slow for large non-integer ratios, so large
    planes are first sampled bilinearly to four times the target size; the final
    4x4 area average then covers each output pixel with 64 source pixels.  Planes
    of more than 8 bits (``shift`` > 0) are averaged as uint16 and rounded down to
    8 bits.
    """
    import cv2

    w, h = size
    if plane.shape[1] > 8 * w and plane.shape[0] > 8 * h:
        plane = cv2.resize(plane, (4 * w, 4 * h), interpolation=cv2.INTER_LINEAR)
    if not shift:
        cv2.resize(plane, size, dst=out, interpolation=cv2.INTER_AREA)
        return
    deep = cv2.resize(plane, size, interpolation=cv2.INTER_AREA).astype(np.uint32)
    np.minimum((deep + (1 << (shift - 1))) >> shift, 255, out=deep)
    out[...] = deep


def grab_frames(
    path: str | os.PathLike, frames: list[int], *, width: int = 320
) -> dict[int, np.ndarray]:
    """RGB images of the given 0-based frame indices, ``width`` pixels wide.

    Decodes sequentially (exact frame numbering, no seek inaccuracy) and stops
    after the last wanted frame; for thumbnails in reports.  Best effort: a file
    that cannot be read gives the frames found so far (possibly none).

    Returns
    -------
    dict frame -> np.ndarray [shape=(h, width, 3), uint8]
    """
    want = sorted({int(f) for f in frames if f >= 0})
    out: dict[int, np.ndarray] = {}
    if not want:
        return out
    try:
        container = _open(str(path))
    except DecodeError as exc:
        log.warning("%s: could not grab frames (%s)", path, exc.reason)
        return out
    try:
        stream = _video_stream(str(path), container)
        stream.thread_type = "AUTO"
        if _python_logging_active():
            stream.codec_context.thread_count = 1
        ctx = stream.codec_context
        h = max(2, round(width * (ctx.height or 9) / max(ctx.width or 16, 1) / 2) * 2)
        wanted = set(want)
        last = want[-1]
        for i, frame in enumerate(container.decode(stream)):
            if i in wanted:
                out[i] = frame.to_ndarray(format="rgb24", width=width, height=h)
            if i >= last:
                break
    except Exception as exc:  # noqa: BLE001 - thumbnails are best effort
        log.warning("%s: could not grab frames (%s)", path, exc)
    finally:
        _close(container)
    return out
