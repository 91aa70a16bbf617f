"""Per-frame change features: the expensive, cacheable stage.

:func:`compute` decodes a video once and returns :class:`Features`, a record of
plain arrays, one entry per decoded frame.  Detection (:mod:`cutrate.analysis.detect`) works
on these arrays only, so a video never has to be decoded twice to try other
detection settings.

Feature definitions (frame ``t`` against frame ``t - 1``; entry 0 is 0):

``score``
    the cut score: structural dissimilarity of luma in a 3x4 grid of blocks, each
    block compared at its best small shift (±3 px horizontally, ±2 px vertically at
    64x36) so that pans and moving objects cost little, averaged over blocks, in
    [0, 1].  Textured blocks compare by normalised correlation (immune to flicker
    and exposure changes); flat blocks by their brightness and contrast.
``score2``
    the same measure between frame ``t`` and frame ``t - 2``; comparing it across
    and beside a boundary separates cuts from fast motion (entries 0 and 1 are 0).
``color_change``
    how much of each block's colours cannot be found in the surrounding 3x3
    blocks of the previous frame (and the reverse), averaged over blocks, in [0, 1]:
    low when things move, even far, high when new content appears.
``hist_diff``
    half the L1 distance between joint Y/Cb/Cr histograms (8x4x4 bins), in [0, 1];
    insensitive to motion, sensitive to a change of content.
``luma_mean``, ``luma_std``
    mean and standard deviation of luma in [0, 255]; black, white and flat frames.
``thumbs``
    32x18 luma and 16x9 chroma thumbnails, for cheap comparisons of frames further
    apart (flash and dissolve checks) without decoding again.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from ..settings import FAST_DECODE
from ..types import Features, VideoInfo
from .kernels import align, block_dissimilarity, block_histograms, color_change, half, histograms
from .stills import Collector, display_size

#: Bumped whenever a feature's definition changes (invalidates caches).
FEATURES_VERSION = 4


class _Accumulator:
    """Streaming feature computation with the last frame carried across batches."""

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {k: [] for k in Features.ARRAYS}
        self.prev_y: np.ndarray | None = None
        self.prev_hist: np.ndarray | None = None
        self.prev_bh: np.ndarray | None = None

    def add(self, times: np.ndarray, y: np.ndarray, uv: np.ndarray) -> np.ndarray:
        """Add a batch of frames; returns their cut scores (the first frame's is 0)."""
        n = y.shape[0]
        yf = y.astype(np.int16)
        hist = histograms(y, uv)
        if self.prev_y is None:
            yf_all = np.concatenate([yf[:1], yf[:1], yf])
            ph = np.concatenate([hist[:1], hist[:-1]])
        else:
            yf_all = np.concatenate([self.prev_y, yf])
            ph = np.concatenate([self.prev_hist, hist[:-1]])
        py, py2 = yf_all[1:-1], yf_all[:-2]
        first = self.prev_y is None
        # every frame halved once: this batch's thumbnails, the shift search of both
        # scores and the block histograms all use the same half-size frames
        h_all = half(yf_all)
        ty = h_all[2:]
        # the previous frame and the one before it, each aligned to this one, scored
        # in one pass (the same arithmetic frame by frame as two calls)
        prev = np.concatenate([align(py, yf, halves=(h_all[1:-1], ty)), align(py2, yf, halves=(h_all[:-2], ty))])
        both = block_dissimilarity(np.concatenate([yf, yf]), prev).astype(np.float32)
        score, score2 = both[:n], both[n:]
        if first:
            score[0] = 0.0
        self.parts["score"].append(score)
        self.parts["score2"].append(score2)
        bh = block_histograms(ty, uv[:, 0], uv[:, 1])
        pbh = np.concatenate([bh[:1] if self.prev_bh is None else self.prev_bh, bh[:-1]])
        self.parts["color_change"].append(color_change(bh, pbh).astype(np.float32))
        self.prev_bh = bh[-1:]
        self.parts["hist_diff"].append((0.5 * np.abs(hist - ph).sum(axis=1)).astype(np.float32))
        self.parts["luma_mean"].append(y.mean(axis=(1, 2), dtype=np.float64).astype(np.float32))
        self.parts["luma_std"].append(y.reshape(n, -1).std(axis=1, dtype=np.float64).astype(np.float32))
        self.parts["times"].append(times.astype(np.float64))
        tuv = half(uv.reshape(-1, *uv.shape[2:])).reshape(n, 2, uv.shape[2] // 2, uv.shape[3] // 2)
        self.parts["thumb_y"].append(ty)
        self.parts["thumb_uv"].append(tuv)
        self.prev_y, self.prev_hist = yf_all[-2:], hist[-1:]
        return score

    def result(self, info: VideoInfo, warnings: Iterable[str], settings: dict[str, Any]) -> Features:
        arrays = {k: np.concatenate(self.parts.pop(k)) for k in list(self.parts)}  # one array's copy at a time
        for k in ("score", "hist_diff", "score2", "color_change"):
            arrays[k][0] = 0.0
        arrays["score2"][1:2] = 0.0
        return Features(info=info, warnings=tuple(warnings), settings=settings, **arrays)


def compute(
    path: str | os.PathLike,
    *,
    fast_decode: bool = FAST_DECODE,
    stills: bool = True,
    pyscenedetect: bool = False,
    threads: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Features:
    """Decode ``path`` once and compute :class:`Features` for every frame.

    Parameters
    ----------
    path : str or PathLike
        The video file.
    fast_decode : bool
        Skip the decoder's deblocking filter (see :class:`cutrate.io.video.VideoReader`).
    stills : bool
        Keep the stills reports show (:mod:`cutrate.analysis.stills`) in ``Features.stills``.
    pyscenedetect : bool
        Also score every frame with PySceneDetect's ``ContentDetector``
        (``Features.content_val``, for ``detector="pyscenedetect-*"``).
    threads : int
        Decoder threads (0: FFmpeg's choice, all cores).
    progress : callable(done_frames, total_frames_estimate), optional
        Called after every batch.

    Raises
    ------
    DecodeError
        If the file cannot be opened or holds no decodable video frame.

    Examples
    --------
    >>> feats = compute("sample_clips/fast_burst.mp4")  # doctest: +SKIP
    >>> feats.score.shape == feats.times.shape
    True
    """
    from ..io.video import FRAME_SIZE, VideoReader
    from ..io.video.pixels import PREVIEW_SCALE

    acc = _Accumulator()
    with VideoReader(path, fast=fast_decode, preview=stills or pyscenedetect, threads=threads) as reader:
        total = reader.info.frames
        box = (PREVIEW_SCALE * FRAME_SIZE[0], PREVIEW_SCALE * FRAME_SIZE[1])
        collector = Collector(reader.info.frame_rate, display_size(reader.info.width, reader.info.height, box))
        recorder = None
        if pyscenedetect:
            from .peers import ScoreRecorder

            recorder = ScoreRecorder(reader.info.frame_rate)
        done = 0
        for batch in _prefetch(reader.batches()):
            score = acc.add(batch.times, batch.y, batch.uv)
            if batch.preview_y is not None and batch.preview_uv is not None:
                if stills:
                    collector.add(batch.start, score, batch.preview_y, batch.preview_uv)
                if recorder is not None:
                    recorder.add(batch.preview_y, batch.preview_uv)
            done += len(batch)
            if progress is not None:
                progress(done, max(total, done))
        info = _final_info(reader.info, acc)
        warnings = list(reader.warnings)
    _release_freed_memory()  # the decoder's frame buffers, before the arrays are joined
    settings = {"frame_size": list(FRAME_SIZE), "fast_decode": fast_decode, "features_version": FEATURES_VERSION}
    feats = acc.result(info, warnings, settings)
    return dataclasses.replace(feats, stills=collector.result() if stills else None,
                               content_val=recorder.result() if recorder is not None else None)


def _release_freed_memory() -> None:
    """Hand the heap memory FFmpeg freed back to the system (glibc keeps it otherwise,
    and a 1080p decoder's buffers are a third of the peak memory of an analysis)."""
    import ctypes
    import sys

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (musl): nothing to do
            pass


def from_arrays(
    y: np.ndarray,
    uv: np.ndarray | None = None,
    *,
    fps: float = 24.0,
    times: np.ndarray | None = None,
    path: str = "<arrays>",
) -> Features:
    """Features of frames already in memory (synthetic tests, other decoders).

    Parameters
    ----------
    y : np.ndarray [shape=(n, 36, 64), uint8]
        Luma frames at the analysis size.
    uv : np.ndarray [shape=(n, 2, 18, 32), uint8], optional
        Chroma; neutral grey when omitted.
    fps : float
        Frame rate, used for timestamps when ``times`` is omitted.
    times : np.ndarray [shape=(n,)], optional
        Timestamps in seconds.
    """
    y = np.ascontiguousarray(y, dtype=np.uint8)
    n, h, w = y.shape
    if uv is None:
        uv = np.full((n, 2, h // 2, w // 2), 128, np.uint8)
    if times is None:
        times = np.arange(n, dtype=np.float64) / fps
    acc = _Accumulator()
    for i in range(0, n, 256):
        acc.add(np.asarray(times[i : i + 256], np.float64), y[i : i + 256], np.asarray(uv[i : i + 256], np.uint8))
    info = VideoInfo(path=path, duration_s=n / fps, fps=fps, frames=n, width=w, height=h, codec="raw")
    info = _final_info(info, acc)
    return acc.result(info, (), {"frame_size": [w, h], "fast_decode": False, "features_version": FEATURES_VERSION})


def _prefetch(batches: Iterator, depth: int = 2) -> Iterator:
    """Run the decoder one or two batches ahead in a thread.

    FFmpeg's frame threads leave part of the cores idle; computing features on one
    batch while the next decodes uses that time.  Errors from the decoder are
    re-raised here, in the caller's thread; leaving the loop early stops it.
    """
    import queue
    import threading

    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for item in batches:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            q.put(exc)

    worker = threading.Thread(target=produce, name="cutrate-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                pass
            worker.join(timeout=0.1)


def _final_info(info: VideoInfo, acc: _Accumulator) -> VideoInfo:
    """Replace container estimates with what the decode actually produced."""
    times = np.concatenate(acc.parts["times"])
    n = int(times.shape[0])
    if n > 1:
        steps = np.diff(times)
        steps = steps[steps > 0]
        step = float(np.median(steps)) if steps.size else 1.0 / info.fps
    else:
        step = 1.0 / info.fps
    fps = 1.0 / step if step > 0 else info.fps
    if abs(fps - info.fps) / info.fps < 0.01:
        fps = info.fps
    duration = float(times[-1] - times[0]) + 1.0 / fps if n else 0.0
    return VideoInfo(
        path=info.path,
        duration_s=duration,
        fps=fps,
        frames=n,
        width=info.width,
        height=info.height,
        codec=info.codec,
        start_time=float(times[0]) if n else info.start_time,
        timecode=info.timecode,
    )
