"""The reader: a video file in, batches of small frames with exact timestamps out::

    from cutrate.io.video import VideoReader
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Self

import numpy as np

from ...errors import DecodeError
from ...settings import FAST_DECODE
from . import heartbeat
from .clock import Clock
from .open import close, declared, open_container, python_logging_active, describe_error, stream_info, video_stream
from .pixels import PREVIEW_SCALE, extract

log = logging.getLogger(__name__)

#: Size of the analysis frames (width, height) for luma; chroma is half of it.
FRAME_SIZE: tuple[int, int] = (64, 36)
#: Frames per batch handed to the feature stage.  Up to four batches are alive at
#: once (one filling, two queued, one in the feature stage), each with its 256x144
#: preview planes: 64 frames keep that under 15 MB and measured as fast as 256
#: (features identical: the stages carry their state across batches).
BATCH_FRAMES = 64
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
    preview_y, preview_uv : np.ndarray, optional
        The same frames at :data:`~cutrate.io.video.pixels.PREVIEW_SCALE` times the
        size (from ``VideoReader(preview=True)``), for stills in reports.
    """

    start: int
    times: np.ndarray
    y: np.ndarray
    uv: np.ndarray
    preview_y: np.ndarray | None = None
    preview_uv: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.times.shape[0])


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
    preview : bool
        Also hand out every frame at :data:`~cutrate.io.video.pixels.PREVIEW_SCALE`
        times the size (``FrameBatch.preview_y``/``preview_uv``).

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
        fast: bool = FAST_DECODE,
        threads: int = 0,
        preview: bool = False,
    ) -> None:
        import av

        self.path = str(path)
        self.size = (int(size[0]), int(size[1]))
        self.fast = fast
        self.threads = threads
        self.preview = preview
        self.warnings: list[str] = []
        self.rotation = 0
        self._dropped = 0
        self._decoded = 0
        self._container = open_container(self.path)
        try:
            self._stream = video_stream(self.path, self._container)
            self.info = stream_info(self.path, self._container, self._stream)
            ctx = self._stream.codec_context
            self._stream.thread_type = "AUTO"
            if threads:
                ctx.thread_count = threads
            if python_logging_active():
                ctx.thread_count = 1  # see open.python_logging_active
            if fast:
                ctx.options = {**ctx.options, "skip_loop_filter": "all"}
            flags = int(self._container.format.flags or 0)
            self._max_gap = MAX_GAP_DISCONT_S if flags & _AVFMT_TS_DISCONT else MAX_GAP_S
            self._declared = declared(self._container, self._stream)
        except av.error.FFmpegError as exc:  # type: ignore[attr-defined]
            close(self._container)
            raise DecodeError(self.path, f"cannot set up the decoder ({describe_error(exc)})") from None
        except BaseException:
            close(self._container)
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the container (idempotent)."""
        close(self._container, self._decoded, self._decoded)

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
                           f"the container is damaged from here on ({describe_error(exc)})")
                yield from self._flush(errors)
                break
            try:
                frames = packet.decode()
            except errors as exc:
                if run_at is None:
                    run_at, reason = (self._decoded, last_time()), describe_error(exc)
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
                heartbeat.beat(self._decoded, max(self.info.frames, self._decoded), True)
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
        k = PREVIEW_SCALE
        pys = np.empty((batch_frames, k * h, k * w), np.uint8) if self.preview else None
        puvs = np.empty((batch_frames, 2, k * ch, k * cw), np.uint8) if self.preview else None
        raw = np.empty(batch_frames, np.float64)
        clock = Clock(1.0 / self.info.fps, self._max_gap, self._warn)
        damaged = _Runs(self, "decoded with errors (the decoder concealed damaged data)")
        all_times: list[np.ndarray] = []
        n = 0
        start = 0

        def emit(lookahead: float) -> FrameBatch:
            times = clock.times(raw[:n], start, lookahead)
            all_times.append(times)
            if pys is None or puvs is None:
                return FrameBatch(start, times, ys[:n].copy(), uvs[:n].copy())
            return FrameBatch(start, times, ys[:n].copy(), uvs[:n].copy(), pys[:n].copy(), puvs[:n].copy())

        def repeat_previous(i: int, batch: FrameBatch | None) -> None:
            """Stand-in pixels for an unconvertible frame: the previous frame's."""
            if i:
                ys[i], uvs[i] = ys[i - 1], uvs[i - 1]
                if pys is not None and puvs is not None:
                    pys[i], puvs[i] = pys[i - 1], puvs[i - 1]
            elif batch is not None:
                ys[i], uvs[i] = batch.y[-1], batch.uv[-1]
                if pys is not None and puvs is not None and batch.preview_y is not None:
                    pys[i], puvs[i] = batch.preview_y[-1], batch.preview_uv[-1]

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
            ok = extract(frame, ys[n], uvs[n], (w, h), (cw, ch), None if pys is None else pys[n],
                         None if puvs is None else puvs[n])
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
