"""Encoding frames to a video file (the synthetic test clips of :mod:`cutrate.testing`).

:func:`write_video` takes RGB frames and any codec, container, pixel format,
timestamps, rotation and extra audio tracks, so the generators can make every kind
of file the reader must cope with.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np


def write_video(
    path: str | os.PathLike,
    frames: Iterable[np.ndarray],
    *,
    fps: int = 24,
    codec: str = "libx264",
    fmt: str | None = None,
    pix_fmt: str = "yuv420p",
    options: dict[str, str] | None = None,
    pts: Sequence[int] | None = None,
    time_base: Fraction | None = None,
    rotation: int | None = None,
    audio_tracks: int = 0,
    bit_rate: int | None = None,
    frame_threads: bool = False,
) -> Path:
    """Encode frames (all of one size) to ``path``.

    Each frame is an RGB picture (uint8, ``(h, w, 3)``) or a ``(Y, U, V)`` tuple of
    yuv420p planes (uint8, ``(h, w)``, ``(h/2, w/2)``, ``(h/2, w/2)``).

    Parameters
    ----------
    path : str or PathLike
        The output file.
    frames : iterable of np.ndarray
        The pictures, in order.
    fps : int
        Frame rate; frame ``i`` is stamped ``i`` (or ``pts[i]``) in ``1 / fps`` units
        (or ``time_base``).
    codec, fmt, pix_fmt : str
        Encoder, container format (from the file name when None) and pixel format.
    options : dict, optional
        Encoder options (e.g. ``{"crf": "23", "preset": "medium"}``).
    pts, time_base : optional
        Explicit timestamps and their time base (variable frame rate, jumps).
    rotation : int, optional
        Display rotation in degrees, written as stream side data.
    audio_tracks : int
        Sine-tone AAC tracks added after the video, as long as it.
    bit_rate : int, optional
        Target bit rate in bits per second.
    frame_threads : bool
        Frame-threaded encoding: one slice per frame, as most real encodes have
        (the default slice threading lets decoders use slice threads that real
        episodes usually cannot).

    Returns
    -------
    Path
        ``path``.
    """
    import av

    path = Path(path)
    n = 0
    with av.open(str(path), mode="w", format=fmt) as container:
        stream = None
        for i, picture in enumerate(frames):
            planes = isinstance(picture, tuple)
            height, width = picture[0].shape[:2] if planes else picture.shape[:2]
            if stream is None:
                stream = container.add_stream(codec, rate=fps)
                stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
                if options:
                    stream.options = dict(options)
                if bit_rate is not None:
                    stream.bit_rate = bit_rate
                if frame_threads:
                    stream.thread_type = "FRAME"
                if time_base is not None:
                    stream.time_base = stream.codec_context.time_base = time_base
                if rotation is not None:
                    stream.set_display_rotation(rotation)
                tracks = [container.add_stream("aac", rate=48000) for _ in range(audio_tracks)]
            if planes:
                frame = av.VideoFrame(width, height, "yuv420p")
                for plane, arr in zip(frame.planes, picture):
                    dst = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
                    dst[:, : arr.shape[1]] = arr
            else:
                frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")
            frame.pts = i if pts is None else pts[i]
            if time_base is not None:
                frame.time_base = time_base
            container.mux(stream.encode(frame))
            n += 1
        if stream is None:
            raise ValueError(f"{path}: no frames to write")
        container.mux(stream.encode(None))
        for k, a in enumerate(tracks):
            _encode_tone(container, a, n / fps, 220.0 * (k + 1))
    return path


def _encode_tone(container, stream, seconds: float, hz: float, rate: int = 48000, chunk: int = 1024) -> None:
    import av

    t = np.arange(int(rate * seconds)) / rate
    data = (0.2 * np.sin(2 * np.pi * hz * t)).astype(np.float32)[None]
    for j in range(0, data.shape[1], chunk):
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data[:, j : j + chunk]), format="fltp", layout="mono")
        frame.sample_rate, frame.pts = rate, j
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def write_audio(path: str | os.PathLike, seconds: float = 1.0, *, cover: np.ndarray | None = None) -> Path:
    """An audio-only file (a tone); with ``cover`` (an RGB picture), an MP3 whose
    cover art FFmpeg shows as a video stream marked ``attached_pic``."""
    import av

    path = Path(path)
    if cover is None:
        with av.open(str(path), "w") as c:
            _encode_tone(c, c.add_stream("aac", rate=48000), seconds, 440.0)
        return path
    with av.open(str(path), "w", format="mp3") as c:
        a = c.add_stream("libmp3lame", rate=48000)
        v = c.add_stream("mjpeg", rate=1)
        v.width, v.height, v.pix_fmt = cover.shape[1], cover.shape[0], "yuvj420p"
        v.disposition = av.stream.Disposition.attached_pic
        pic = av.VideoFrame.from_ndarray(np.ascontiguousarray(cover), format="rgb24")
        pic.pts = 0
        c.mux(v.encode(pic))
        c.mux(v.encode(None))
        _encode_tone(c, a, seconds, 440.0, chunk=1152)
    return path
