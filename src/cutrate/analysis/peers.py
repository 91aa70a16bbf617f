"""Per-frame scores of other detectors, computed during cutrate's one decode.

:class:`ScoreRecorder` gives PySceneDetect's ``ContentDetector`` each preview frame
(256 pixels wide, the size PySceneDetect itself downscales to) and keeps its
``content_val``; :mod:`cutrate.analysis.detect.pyscenedetect` replays PySceneDetect's
decisions on those scores.
"""

from __future__ import annotations

import numpy as np


class ScoreRecorder:
    """Computes PySceneDetect's ``content_val`` for each frame, in order."""

    def __init__(self, fps: float) -> None:
        from scenedetect import FrameTimecode
        from scenedetect.detectors import ContentDetector

        self._det = ContentDetector()
        self._fps = float(fps)
        self._timecode = FrameTimecode
        self._n = 0
        self.scores: list[float] = []

    def add(self, preview_y: np.ndarray, preview_uv: np.ndarray) -> None:
        """Score a batch of preview frames (luma ``(n, h, w)``, chroma ``(n, 2, h/2, w/2)``)."""
        import cv2

        for y, uv in zip(preview_y, preview_uv):
            h, w = y.shape
            i420 = np.concatenate([y.reshape(-1), uv[0].reshape(-1), uv[1].reshape(-1)]).reshape(h * 3 // 2, w)
            bgr = cv2.cvtColor(i420, cv2.COLOR_YUV2BGR_I420)
            score = self._det._calculate_frame_score(self._timecode(self._n, self._fps), bgr)
            self.scores.append(float(score or 0.0))
            self._n += 1

    def result(self) -> np.ndarray:
        return np.asarray(self.scores, np.float32)
