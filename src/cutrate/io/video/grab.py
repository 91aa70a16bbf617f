"""Full-size frames for thumbnails (reports, notebooks)."""

from __future__ import annotations

import logging
import os

import numpy as np

from ...errors import DecodeError
from .open import close, open_container, python_logging_active, video_stream

log = logging.getLogger(__name__)


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
        container = open_container(str(path))
    except DecodeError as exc:
        log.warning("%s: could not grab frames (%s)", path, exc.reason)
        return out
    try:
        stream = video_stream(str(path), container)
        stream.thread_type = "AUTO"
        if python_logging_active():
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
        close(container)
    return out
