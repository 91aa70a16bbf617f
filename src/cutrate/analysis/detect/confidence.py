"""Calibrated confidence: the rules' margins turned into probabilities.

The rules give each transition a raw confidence that grows with its margin over
their thresholds (a sigmoid of the margin).  Those margins are comparable within a
kind but say nothing of how often a detection of that kind is right: a dissolve
that fits its mix by a small margin is nearly always a dissolve.  A Platt scaling
per kind, ``p = sigmoid(a * logit(raw) + b)``, fitted by
``benchmarks/calibrate_confidence.py`` on whether each detection was right
(shared clips, same-film splices and synthetic clips, validated
leave-one-source-out), makes the confidence the share of such detections that are
right.  The scalings are a JSON file shipped with the package
(:data:`CALIBRATION_FILE`); a kind it does not name keeps its raw confidence.
Calibration never changes which transitions are found, only their confidence.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources

CALIBRATION_FILE = "confidence.json"
FORMAT = "cutrate-confidence-1"
#: Raw confidences are clipped to [EDGE, 1 - EDGE] before the logit.
EDGE = 1e-4


@dataclass(frozen=True)
class Calibration:
    """Per-kind Platt scalings ``(a, b)`` of the logit of the raw confidence."""

    scalings: dict[str, tuple[float, float]]
    version: str

    def __call__(self, kind: str, raw: float) -> float:
        ab = self.scalings.get(kind)
        if ab is None:
            return float(raw)
        r = min(max(float(raw), EDGE), 1.0 - EDGE)
        z = ab[0] * math.log(r / (1.0 - r)) + ab[1]
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": self.version,
                "kinds": {k: [float(a), float(b)] for k, (a, b) in sorted(self.scalings.items())}}

    @classmethod
    def from_dict(cls, d: dict) -> Calibration:
        if d.get("format") != FORMAT:
            raise ValueError(f"not a cutrate confidence calibration: format {d.get('format')!r}")
        return cls({k: (float(v[0]), float(v[1])) for k, v in d["kinds"].items()}, str(d["version"]))


IDENTITY = Calibration({}, "none")


@functools.cache
def default_calibration() -> Calibration:
    """The calibration shipped with cutrate (identity when the file is missing)."""
    try:
        text = resources.files(__package__).joinpath(CALIBRATION_FILE).read_text()
    except FileNotFoundError:
        return IDENTITY
    return Calibration.from_dict(json.loads(text))
