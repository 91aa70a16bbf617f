"""Decoding: the only module that talks to a video library (PyAV).

It turns a video file into batches of small frames with exact timestamps::

    from cutrate.decode import VideoReader
    with VideoReader("ep01.mkv") as reader:
        print(reader.info)
        for batch in reader.batches():
            batch.y  # uint8 [shape=(n, 36, 64)], area-averaged luma
            batch.times  # float seconds, presentation timestamps

Frame numbering equals ``ffmpeg -i X -fps_mode passthrough``: every decoded frame,
in presentation order, 0-based.  Frames are read straight from the decoder's Y/U/V
planes and area-downscaled with OpenCV; PyAV's per-frame ``to_ndarray``/``reformat``
would cost several times the decode itself.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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

_DIRECT_FORMATS = {
    "yuv420p": (1, 1),
    "yuvj420p": (1, 1),
    "yuv422p": (1, 0),
    "yuvj422p": (1, 0),
    "yuv444p": (0, 0),
    "yuvj444p": (0, 0),
}


@dataclass(frozen=True)
class FrameBatch:
    """Consecutive decoded frames, downscaled.

    Attributes
    ----------
    start : int
        Index of the first frame of the batch in the whole video.
    times : np.ndarray [shape=(n,), float64]
        Presentation timestamps in seconds.
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


def _open(path: str):
    import av

    p = Path(path)
    if not p.exists():
        raise DecodeError(path, "no such file")
    if p.is_dir():
        raise DecodeError(path, "is a directory, not a video file")
    if p.stat().st_size == 0:
        raise DecodeError(path, "empty file (0 bytes)")
    if not os.access(p, os.R_OK):
        raise DecodeError(path, "file is not readable (permission denied)")
    try:
        container = av.open(str(p), metadata_errors="ignore")
    except av.error.FFmpegError as exc:  # type: ignore[attr-defined]
        raise DecodeError(path, f"not a readable video container ({_reason(exc)})") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DecodeError(path, f"cannot open ({exc})") from None
    if not container.streams.video:
        container.close()
        kinds = sorted({s.type for s in container.streams}) or ["no streams"]
        raise DecodeError(path, f"no video stream (found: {', '.join(kinds)})")
    return container


def _reason(exc: BaseException) -> str:
    msg = getattr(exc, "strerror", None) or str(exc)
    return str(msg).split(":")[0].strip() or type(exc).__name__


def _stream_info(path: str, container, stream) -> VideoInfo:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    fps = float(rate) if rate else 0.0
    if not math.isfinite(fps) or fps <= 0:
        fps = 25.0
    duration = 0.0
    if stream.duration is not None and stream.time_base is not None:
        duration = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        duration = container.duration / 1_000_000
    frames = int(stream.frames or 0) or int(round(duration * fps))
    start = float(stream.start_time * stream.time_base) if stream.start_time is not None else 0.0
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
        return _stream_info(path, container, container.streams.video[0])
    finally:
        container.close()


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
    """

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        size: tuple[int, int] = FRAME_SIZE,
        fast: bool = True,
        threads: int = 0,
    ) -> None:
        self.path = str(path)
        self.size = (int(size[0]), int(size[1]))
        self.fast = fast
        self.threads = threads
        self.warnings: list[str] = []
        self._container = _open(self.path)
        try:
            self._stream = self._container.streams.video[0]
            self.info = _stream_info(self.path, self._container, self._stream)
            ctx = self._stream.codec_context
            self._stream.thread_type = "AUTO"
            if threads:
                ctx.thread_count = threads
            if fast:
                ctx.options = {**ctx.options, "skip_loop_filter": "all"}
        except BaseException:
            self._container.close()
            raise

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._container.close()

    # -- decoding ---------------------------------------------------------------
    def _frames(self) -> Iterator:
        """Decoded frames in presentation order, skipping damaged packets."""
        import av

        bad_run = 0
        for packet in self._container.demux(self._stream):
            try:
                frames = packet.decode()
            except (av.error.InvalidDataError, av.error.ValueError, ValueError) as exc:  # type: ignore[attr-defined]
                bad_run += 1
                pos = float(packet.pts * packet.time_base) if packet.pts is not None else None
                where = f"near {pos:.3f} s" if pos is not None else "at an unknown position"
                msg = f"skipped a damaged packet {where} ({_reason(exc)})"
                if len(self.warnings) < 50:
                    self.warnings.append(msg)
                log.warning("%s: %s", self.path, msg)
                if bad_run >= MAX_BAD_PACKETS:
                    raise DecodeError(self.path, f"stream is corrupt ({bad_run} bad packets in a row)") from None
                continue
            bad_run = 0
            yield from frames

    def batches(self, batch_frames: int = BATCH_FRAMES) -> Iterator[FrameBatch]:
        """Yield :class:`FrameBatch` objects covering every decoded frame once."""
        w, h = self.size
        cw, ch = max(1, w // 2), max(1, h // 2)
        ys = np.empty((batch_frames, h, w), np.uint8)
        uvs = np.empty((batch_frames, 2, ch, cw), np.uint8)
        times = np.empty(batch_frames, np.float64)
        n = 0
        start = 0
        last_t = None
        step = 1.0 / self.info.fps
        for frame in self._frames():
            t = frame.time
            if t is None or (last_t is not None and t <= last_t - 10 * step):
                t = (last_t + step) if last_t is not None else 0.0
            last_t = t
            _extract(frame, ys[n], uvs[n], (w, h), (cw, ch))
            times[n] = t
            n += 1
            if n == batch_frames:
                yield FrameBatch(start, times.copy(), ys.copy(), uvs.copy())
                start += n
                n = 0
        if n:
            yield FrameBatch(start, times[:n].copy(), ys[:n].copy(), uvs[:n].copy())
        if start + n == 0:
            raise DecodeError(self.path, "no decodable video frames")


def _plane(plane, height: int, dtype=np.uint8) -> np.ndarray:
    itemsize = np.dtype(dtype).itemsize
    buf = np.frombuffer(plane, dtype)
    stride = plane.line_size // itemsize
    return buf[: stride * height].reshape(height, stride)[:, : plane.width]


def _extract(frame, y_out: np.ndarray, uv_out: np.ndarray, size, csize) -> None:
    fmt = frame.format.name
    if fmt not in _DIRECT_FORMATS:
        frame = frame.reformat(format="yuv420p")
        fmt = "yuv420p"
    planes = frame.planes
    fh = frame.height
    sx, sy = _DIRECT_FORMATS[fmt]
    _shrink(_plane(planes[0], fh), size, y_out)
    chh = -(-fh // (1 << sy))
    for i in (1, 2):
        _shrink(_plane(planes[i], chh), csize, uv_out[i - 1])


def _shrink(plane: np.ndarray, size: tuple[int, int], out: np.ndarray) -> None:
    """Area-average ``plane`` down to ``size``.

    OpenCV's general INTER_AREA path is slow for large non-integer ratios, so large
    planes are first sampled bilinearly to four times the target size; the final
    4x4 area average then covers each output pixel with 64 source pixels.
    """
    import cv2

    w, h = size
    if plane.shape[1] > 8 * w and plane.shape[0] > 8 * h:
        plane = cv2.resize(plane, (4 * w, 4 * h), interpolation=cv2.INTER_LINEAR)
    cv2.resize(plane, size, dst=out, interpolation=cv2.INTER_AREA)


def grab_frames(
    path: str | os.PathLike, frames: list[int], *, width: int = 320
) -> dict[int, np.ndarray]:
    """RGB images of the given 0-based frame indices, ``width`` pixels wide.

    Decodes sequentially (exact frame numbering, no seek inaccuracy) and stops
    after the last wanted frame; for thumbnails in reports.

    Returns
    -------
    dict frame -> np.ndarray [shape=(h, width, 3), uint8]
    """
    want = sorted({int(f) for f in frames if f >= 0})
    out: dict[int, np.ndarray] = {}
    if not want:
        return out
    container = _open(str(path))
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        ctx = stream.codec_context
        h = max(2, int(round(width * (ctx.height or 9) / max(ctx.width or 16, 1) / 2)) * 2)
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
        container.close()
    return out
