"""PySceneDetect's detectors in cutrate's pipeline (``--detector pyscenedetect-*``).

PySceneDetect's ``ContentDetector`` and ``AdaptiveDetector`` run on the frames
cutrate decodes anyway: while decoding, :class:`cutrate.analysis.peers.ScoreRecorder` hands each preview
frame (256 pixels wide, the size PySceneDetect downscales to by default) to a
``ContentDetector`` and keeps its per-frame ``content_val`` in the features, so the
video is decoded once for both and the scores are cached like the rest.  Detection
then replays PySceneDetect's own decision logic — thresholds, the adaptive ratio,
``min_scene_len`` and its flash filter — on those scores (:func:`transitions`).
Every boundary it finds is a ``cut`` (PySceneDetect does not classify transitions)
with confidence 1.

Counts can differ slightly from the ``scenedetect`` command line, which decodes
with OpenCV and resizes frames its own way.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...settings import DetectSettings
from ...types import Features, Transition

#: ``--detector`` choices that run PySceneDetect, with its default parameters.
PYSCENEDETECT = ("pyscenedetect-adaptive", "pyscenedetect-content")


def _replaying(base: type) -> type:
    """A PySceneDetect detector class whose frame score comes from a cached array."""

    class Replay(base):  # type: ignore[misc, valid-type]
        def __init__(self, scores: np.ndarray, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._scores = scores

        def _calculate_frame_score(self, timecode: Any, frame_img: Any) -> float:
            return float(self._scores[timecode.frame_num])

    return Replay


def cut_frames(content_val: np.ndarray, fps: float, detector: str) -> list[int]:
    """First frames of new scenes by PySceneDetect's ``detector`` (one of
    :data:`PYSCENEDETECT`) from its per-frame ``content_val`` scores."""
    from scenedetect import FrameTimecode
    from scenedetect.detectors import AdaptiveDetector, ContentDetector

    base = AdaptiveDetector if detector == "pyscenedetect-adaptive" else ContentDetector
    det = _replaying(base)(content_val)
    n = int(content_val.shape[0])
    cuts: list[int] = []
    for i in range(n):
        cuts += [int(tc.frame_num) for tc in det.process_frame(FrameTimecode(i, fps), None)]
    if n and hasattr(det, "post_process"):
        cuts += [int(tc.frame_num) for tc in det.post_process(FrameTimecode(n - 1, fps)) or []]
    return sorted({f for f in cuts if 0 < f < n})


def transitions(features: Features, settings: DetectSettings) -> list[Transition]:
    """The cuts PySceneDetect's detector finds in ``features`` (which must hold its
    scores, ``features.content_val``)."""
    if features.content_val is None:
        raise ValueError("these features have no PySceneDetect scores; compute them with pyscenedetect=True")
    times = features.times
    return [Transition("cut", f, round(float(times[f]), 6), f, f, 1.0)
            for f in cut_frames(features.content_val, features.info.frame_rate, settings.detector)]


def version() -> str:
    """PySceneDetect's version (part of the detector's identity)."""
    import scenedetect

    return str(scenedetect.__version__)
