"""Block clips: a new smooth random picture every ``shot`` frames, a moving bar within.

The simplest clips with known cuts (every ``shot`` frames), for the robustness
corpus and the fuzzer: any codec, container, pixel format, size or timestamps
(:func:`cutrate.io.video.writer.write_video` options).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ..io.video.writer import write_video

#: (file name, container format, codec, pixel format, codec options) of the fuzzer's base clips.
BASE_CLIPS: tuple[tuple[str, str, str, str, dict[str, str]], ...] = (
    ("h264.mp4", "mp4", "libx264", "yuv420p", {"preset": "veryfast", "bf": "2"}),
    ("h264.mkv", "matroska", "libx264", "yuv420p", {"preset": "veryfast"}),
    ("h264.ts", "mpegts", "libx264", "yuv420p", {"preset": "veryfast"}),
    ("mpeg4.avi", "avi", "mpeg4", "yuv420p", {}),
    ("vp9.webm", "webm", "libvpx-vp9", "yuv420p", {"deadline": "realtime", "cpu-used": "8"}),
)


def block_frame(i: int, size: tuple[int, int] = (160, 90), shot: int = 12, look: int = 0) -> np.ndarray:
    """RGB frame ``i`` (uint8, ``(h, w, 3)``): picture ``i // shot`` of the series
    ``look``, with a bar moving 3 pixels a frame so that frames within a shot differ."""
    import cv2

    w, h = size
    rng = np.random.default_rng(look * 1000 + i // shot)
    base = rng.integers(0, 256, (h // 8 + 1, w // 8 + 1, 3)).astype(np.uint8)
    img = cv2.resize(base, (w, h), interpolation=cv2.INTER_LINEAR)
    x = (i * 3) % max(1, w - 8)
    img[:, x : x + 6] = 255 - img[:, x : x + 6]
    return np.ascontiguousarray(img)


def block_clip(path: str | os.PathLike, frames: int = 48, *, size: tuple[int, int] = (160, 90), shot: int = 12,
               look: int = 0, **encode: Any) -> Path:
    """Encode a block clip of ``frames`` frames (cuts every ``shot`` frames) to ``path``;
    ``encode`` goes to :func:`~cutrate.io.video.writer.write_video`."""
    return write_video(path, (block_frame(i, size, shot, look) for i in range(frames)), **encode)


def make_base_clips(folder: str | os.PathLike, names: tuple[str, ...] | None = None) -> list[Path]:
    """Encode the fuzzer's base clips (:data:`BASE_CLIPS`, or those named) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, fmt, codec, pix_fmt, options in BASE_CLIPS:
        if names is None or name in names:
            out.append(block_clip(folder / name, size=(160, 90), look=1, fmt=fmt, codec=codec, pix_fmt=pix_fmt,
                                  options=options))
    return out
