"""Pixels: decoded frames to small luma/chroma arrays, read straight from the planes.

PyAV's per-frame ``to_ndarray``/``reformat`` would cost several times the decode
itself, so planar 8-bit and 9- to 16-bit YUV/grey formats are read from their
planes and area-downscaled with OpenCV; other formats go through ``reformat``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

#: Preview planes (for the stills of reports) are this many times the analysis size:
#: the intermediate of the downscale of large frames, so they cost nothing extra.
PREVIEW_SCALE = 4

#: 8-bit planar formats read directly: name -> number of chroma planes (0 = grey).
_DIRECT_FORMATS: dict[str, int] = {
    **{f"yuv{s}p": 2 for s in ("420", "422", "444", "440", "411", "410")},
    **{f"yuvj{s}p": 2 for s in ("420", "422", "444", "440", "411")},
    **{f"yuva{s}p": 2 for s in ("420", "422", "444")},
    "gray": 0,
}
#: 9- to 16-bit little-endian planar formats, read as uint16 planes.
_DEEP_FORMAT = re.compile(r"^(?:yuva?(?:420|422|444|440)p|gray)(9|10|12|14|16)le$")


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


def extract(frame: Any, y_out: np.ndarray, uv_out: np.ndarray, size: tuple[int, int],
            csize: tuple[int, int], preview_y: np.ndarray | None = None,
            preview_uv: np.ndarray | None = None) -> bool:
    """Downscale ``frame`` into ``y_out`` / ``uv_out`` (and, when given, into the
    preview planes at :data:`PREVIEW_SCALE` times that size); False if it cannot be
    converted."""
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
        _shrink(_plane(planes[0], planes[0].height, dtype), size, y_out, shift, preview_y)
        if chroma:
            for i in (1, 2):
                big = None if preview_uv is None else preview_uv[i - 1]
                _shrink(_plane(planes[i], planes[i].height, dtype), csize, uv_out[i - 1], shift, big)
        else:
            uv_out.fill(128)
            if preview_uv is not None:
                preview_uv.fill(128)
    except (ValueError, TypeError, IndexError) as exc:  # unsupported or malformed frame buffers
        log.debug("cannot convert a %s frame: %s", fmt, exc)
        return False
    return True


def _shrink(plane: np.ndarray, size: tuple[int, int], out: np.ndarray, shift: int = 0,
            preview: np.ndarray | None = None) -> None:
    """Area-average ``plane`` down to ``size`` into the uint8 ``out`` (and into
    ``preview``, :data:`PREVIEW_SCALE` times ``size``, when given).

    OpenCV's general INTER_AREA path is slow for large non-integer ratios, so large
    planes are first sampled bilinearly to four times the target size; the final
    4x4 area average then covers each output pixel with 64 source pixels.  That
    intermediate is the preview, at no extra cost; smaller planes are resized to
    the preview size directly.  Planes of more than 8 bits (``shift`` > 0) are
    averaged as uint16 and rounded down to 8 bits.
    """
    import cv2

    w, h = size
    big = (PREVIEW_SCALE * w, PREVIEW_SCALE * h)
    if plane.shape[1] > 8 * w and plane.shape[0] > 8 * h:
        if preview is not None and not shift:
            plane = cv2.resize(plane, big, dst=preview, interpolation=cv2.INTER_LINEAR)
        else:
            plane = cv2.resize(plane, big, interpolation=cv2.INTER_LINEAR)
            if preview is not None:
                preview[...] = _to8(plane, shift)
    elif preview is not None:
        shrinking = plane.shape[1] >= big[0] and plane.shape[0] >= big[1]
        small = cv2.resize(plane, big, interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
        preview[...] = _to8(small, shift)
    if not shift:
        cv2.resize(plane, size, dst=out, interpolation=cv2.INTER_AREA)
        return
    out[...] = _to8(cv2.resize(plane, size, interpolation=cv2.INTER_AREA), shift)


def _to8(x: np.ndarray, shift: int) -> np.ndarray:
    """Samples of ``8 + shift`` bits rounded to 8 bits."""
    if not shift:
        return x
    deep = x.astype(np.uint32)
    np.minimum((deep + (1 << (shift - 1))) >> shift, 255, out=deep)
    return deep
