"""The pictures a report shows: one per shot of the peak window, and the frames
before and after a transition under review.

They come from the stills kept during the one decode (``result.evidence.stills``,
also in the feature cache), taking the kept frame nearest to the one wanted within
the same shot.  Only when a result has no stills (an ``analysis.json`` from another
machine) and the video is at hand are the exact frames decoded again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..analysis.pipeline import Result
from ..types import Shot, Transition

log = logging.getLogger(__name__)

#: Width of pictures decoded again when a result has no stills.
DECODE_WIDTH = 256


@dataclass(frozen=True)
class Picture:
    """A frame of the video as JPEG bytes."""

    frame: int
    jpeg: bytes

    def rgb(self) -> np.ndarray:
        """The pixels, uint8 [shape=(h, w, 3)]."""
        from ..analysis.stills import decode_jpeg

        return decode_jpeg(self.jpeg)


@dataclass(frozen=True)
class Want:
    """A frame to show, or failing that the nearest one in ``lo..hi``."""

    frame: int
    lo: int
    hi: int


def shot_want(shot: Shot) -> Want:
    """The middle frame of a shot (any frame of the shot will do)."""
    return Want((shot.start_frame + shot.end_frame) // 2, shot.start_frame, shot.end_frame)


def before_after(result: Result, t: Transition) -> tuple[Want, Want]:
    """The last frame before a transition and the first clean frame after it (or
    the nearest frames of the shots on either side)."""
    before_shot = next((s for s in result.shots if s.start_frame <= t.start_frame - 1 <= s.end_frame), None)
    after_shot = next((s for s in result.shots if s.start_frame <= t.end_frame <= s.end_frame), None)
    b, a = t.start_frame - 1, t.end_frame
    return (Want(b, before_shot.start_frame if before_shot else b, b),
            Want(a, a, after_shot.end_frame if after_shot else a))


def pictures(result: Result, wants: dict[str, Want]) -> tuple[dict[str, Picture], str | None]:
    """Pictures for ``wants`` (by key) and a note when some or all are missing."""
    if not wants:
        return {}, None
    stills = result.evidence.stills if result.evidence is not None else None
    out: dict[str, Picture] = {}
    if stills is not None and len(stills):
        for key, w in wants.items():
            f = stills.nearest(w.frame, w.lo, w.hi)
            data = stills.jpeg(f) if f is not None else None
            if data is not None:
                out[key] = Picture(f, data)
        missing = len(wants) - len(out)
        return out, (f"{missing} of {len(wants)} pictures are not among the stills kept." if missing else None)
    path = result.info.path
    if not Path(path).is_file():
        return {}, (f"Thumbnails skipped: the result has no stills (its features are not in the cache) and the "
                    f"video file {path} is not available here.")
    return _decode(path, wants)


def _decode(path: str, wants: dict[str, Want]) -> tuple[dict[str, Picture], str | None]:
    import cv2

    from ..io.video import grab_frames

    images = grab_frames(path, sorted({w.frame for w in wants.values()}), width=DECODE_WIDTH)
    out = {}
    for key, w in wants.items():
        img = images.get(w.frame)
        if img is None:
            continue
        ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(img[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, 85])
        if ok:
            out[key] = Picture(w.frame, buf.tobytes())
    missing = len(wants) - len(out)
    return out, (f"{missing} of {len(wants)} thumbnails could not be decoded." if missing else None)
