"""Stills: the few frames a report shows, kept as small JPEGs during the one decode.

A report shows, for the peak window, one picture per shot, and for transitions to
review, the frame before and after.  Which frames those are is known only after
detection, so while decoding :class:`Collector` keeps a picture of

- every frame whose change score is a local maximum of at least :data:`KEEP_SCORE`,
  or reaches :data:`SURE_SCORE` (a possible cut: the first frame of the new shot),
  and the frame before it, and
- one frame every :data:`EVERY_S` seconds (the middle of any shot, gradual
  transitions),

as JPEG at the preview size (4× the 64×36 analysis size, in the video's display
aspect).  That costs a fraction of a percent of the decode and a few hundred kB per
minute of video, and it is cached with the features, so ``cutrate report`` shows
stills without the video.
"""

from __future__ import annotations

import numpy as np

from ..types import Stills

#: Frames whose change score is a local maximum of at least KEEP_SCORE, or reaches
#: SURE_SCORE, are kept with the frame before them.
KEEP_SCORE = 0.15
SURE_SCORE = 0.30
#: A frame is also kept every this many seconds.
EVERY_S = 1.0
#: JPEG quality (0..100).
QUALITY = 80


def display_size(width: int, height: int, box: tuple[int, int]) -> tuple[int, int]:
    """The largest even size of the video's aspect that fits ``box`` (w, h)."""
    bw, bh = box
    if width <= 0 or height <= 0:
        return bw, bh
    scale = min(bw / width, bh / height)
    return max(2, int(round(width * scale / 2)) * 2), max(2, int(round(height * scale / 2)) * 2)


class Collector:
    """Picks and encodes stills batch by batch (see the module docstring).

    Parameters
    ----------
    fps : float
        Nominal frame rate (for the sampling interval).
    size : (int, int)
        Width and height of the stills (the display aspect).
    """

    def __init__(self, fps: float, size: tuple[int, int]) -> None:
        self.every = max(1, int(round(EVERY_S * fps)))
        self.size = size
        self.frames: list[int] = []
        self.parts: list[bytes] = []
        self._last: tuple[int, np.ndarray, np.ndarray] | None = None  # previous batch's last frame
        self._kept_last = False
        self._last_score = -np.inf

    def add(self, start: int, score: np.ndarray, py: np.ndarray, puv: np.ndarray) -> None:
        """Consider frames ``start .. start + len(score) - 1`` (their scores and preview planes)."""
        n = score.shape[0]
        idx = np.arange(start, start + n)
        left = np.concatenate([[self._last_score], score[:-1]])
        right = np.concatenate([score[1:], [-np.inf]])  # the next batch's first score is unknown
        cut = ((score >= KEEP_SCORE) & (score >= left) & (score >= right)) | (score >= SURE_SCORE)
        keep = (idx % self.every == 0) | cut
        before = np.zeros(n, bool)
        before[:-1] = cut[1:]
        if n and cut[0] and self._last is not None and not self._kept_last:
            f, y, uv = self._last
            self._encode(f, y, uv)
        for i in np.flatnonzero(keep | before):
            self._encode(start + int(i), py[i], puv[i])
        if n:
            self._last_score = float(score[-1])
            self._last = (start + n - 1, py[-1].copy(), puv[-1].copy())
            self._kept_last = bool(keep[-1] | before[-1])

    def _encode(self, frame: int, y: np.ndarray, uv: np.ndarray) -> None:
        import cv2

        h, w = y.shape
        i420 = np.concatenate([y.reshape(-1), uv[0].reshape(-1), uv[1].reshape(-1)]).reshape(h * 3 // 2, w)
        bgr = cv2.cvtColor(i420, cv2.COLOR_YUV2BGR_I420)
        if (w, h) != self.size:
            bgr = cv2.resize(bgr, self.size, interpolation=cv2.INTER_AREA)
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, QUALITY])
        if ok:
            self.frames.append(frame)
            self.parts.append(buf.tobytes())

    def result(self) -> Stills:
        order = np.argsort(self.frames, kind="stable")
        frames = np.asarray(self.frames, np.int64)[order]
        sizes = np.array([len(self.parts[i]) for i in order], np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        data = np.empty(int(offsets[-1]), np.uint8)  # filled part by part: no second copy of them all
        for k, i in enumerate(order):
            data[offsets[k] : offsets[k + 1]] = np.frombuffer(self.parts[i], np.uint8)
            self.parts[i] = b""
        self.parts, self.frames = [], []
        return Stills(frames, offsets, data, self.size[0], self.size[1])


def decode_jpeg(data: bytes) -> np.ndarray:
    """RGB pixels of a still, uint8 [shape=(h, w, 3)]."""
    import cv2

    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return np.ascontiguousarray(bgr[..., ::-1])
