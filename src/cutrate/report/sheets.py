"""``peak_sheet.png``: the busiest window of a video as one picture to paste into an
article: the headline sentence and its timecodes above one still per shot of the
window, in order, each with the shot's start time and length."""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

import numpy as np

from .._fmt import clock, count_words, peak_sentence, plural
from .._version import __version__
from ..analysis.pipeline import Result
from ..io.atomic import write_atomic
from .pictures import pictures, shot_want
from .text import video_name

#: Most shots on one sheet (the busiest minute of fast anime has about 100).
MAX_SHOTS = 120


def _layout(n: int) -> tuple[int, int]:
    """(columns, tile width in pixels) for ``n`` tiles."""
    if n <= 4:
        return max(n, 1), 320
    if n <= 12:
        return 4, 288
    if n <= 30:
        return 6, 240
    if n <= 60:
        return 8, 200
    return 10, 176


def _font(size: int, bold: bool = False):
    """DejaVu Sans (shipped with matplotlib) at ``size`` pixels, for Pillow."""
    from matplotlib import get_data_path
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(get_data_path()) / "fonts" / "ttf" / name), size)


def peak_sheet(result: Result) -> bytes:
    """The peak sheet of ``result`` as PNG bytes (see the module docstring)."""
    from PIL import Image, ImageDraw

    p = result.summary.peak
    shots = [(i, sh) for i, sh in enumerate(result.shots, 1) if sh.end > p.start and sh.start < p.end][:MAX_SHOTS]
    pics, note = pictures(result, {str(i): shot_want(sh) for i, sh in shots}) if p.count else ({}, None)
    cols, tile_w = _layout(len(shots))
    rows = math.ceil(len(shots) / cols)
    aspect = (result.info.height / result.info.width) if result.info.width else 9 / 16
    tile_h = int(round(tile_w * aspect))
    gap, cap, head, foot = 10, 26, 96, 34
    width = max(cols * (tile_w + gap) + gap, 900)
    height = head + rows * (tile_h + cap + gap) + foot
    sheet = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(sheet)
    draw.text((gap, 12), peak_sentence(p, result.summary), fill="#8c2d04", font=_font(30, bold=True))
    sub = (f"{video_name(result)}  ·  {plural(len(shots), 'shot')} in the window, one still each, in order  ·  "
           f"counted: {count_words(p.count_of)}")
    draw.text((gap, 58), sub, fill="#444444", font=_font(16))
    small = _font(14)
    for k, (i, sh) in enumerate(shots):
        r, c = divmod(k, cols)
        x0, y0 = gap + c * (tile_w + gap), head + r * (tile_h + cap + gap)
        pic = pics.get(str(i))
        if pic is not None:
            sheet.paste(Image.fromarray(_fit(pic.rgb(), tile_w, tile_h)), (x0, y0))
        else:
            draw.rectangle((x0, y0, x0 + tile_w - 1, y0 + tile_h - 1), fill="#ebebeb")
        draw.text((x0, y0 + tile_h + 5), f"{k + 1}.  {clock(sh.start)}  ·  {sh.duration:.2f} s", fill="#222222",
                  font=small)
    tail = f"cutrate {__version__}" + (f"  ·  {note}" if note else "")
    if not p.count:
        tail = "No transitions, so no peak window.  ·  " + tail
    draw.text((gap, height - foot + 8), tail, fill="#777777", font=_font(13))
    buf = io.BytesIO()
    # photographs compress little: level 1 is twice as fast as 6 for 2 % more bytes
    sheet.save(buf, format="PNG", optimize=False, compress_level=1)
    return buf.getvalue()


def _fit(img: np.ndarray, w: int, h: int) -> np.ndarray:
    import cv2

    if img.shape[1] == w and img.shape[0] == h:
        return img
    interp = cv2.INTER_AREA if img.shape[1] > w else cv2.INTER_CUBIC
    return cv2.resize(img, (w, h), interpolation=interp)


def write_peak_sheet(result: Result, folder: str | os.PathLike) -> Path:
    """Write ``folder/peak_sheet.png``."""
    return write_atomic(Path(folder) / "peak_sheet.png", peak_sheet(result))
