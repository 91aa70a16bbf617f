"""Records of the evaluation: truth rows, detections, matches and scores.

Kinds of truth rows (see :mod:`cutrate.eval` for the matching rule):
:data:`COUNTED_KINDS` are transitions to find, :data:`OPTIONAL_KINDS` may be found
at no cost, :data:`NON_BOUNDARY_KINDS` are hard negatives and remarks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..errors import CutrateError

COUNTED_KINDS: frozenset[str] = frozenset({"cut", "dissolve", "fade_out_in", "flash", "wipe"})
"""Truth kinds that are transitions to find (hits and misses count)."""

OPTIONAL_KINDS: frozenset[str] = frozenset({"graphic", "leader_cut", "fade_in", "fade_out"})
"""Truth kinds that may be detected or not at no cost."""

NON_BOUNDARY_KINDS: frozenset[str] = frozenset({"not_a_cut", "note"})
"""Truth kinds that are not shot boundaries (hard negatives and remarks)."""

ALL_KINDS: frozenset[str] = COUNTED_KINDS | OPTIONAL_KINDS | NON_BOUNDARY_KINDS
"""Every kind a truth TSV may use."""

DEFAULT_TOLERANCE = 2
"""Frames a detection may lie outside a truth span and still match it."""

TSV_COLUMNS: tuple[str, ...] = ("type", "start_frame", "end_frame", "start_time", "end_time", "note")
"""Header of a truth TSV, in order."""

FalseAlarmReason = Literal["not_a_cut", "duplicate", "note", "unmatched"]


class AnnotationFormatError(CutrateError, ValueError):
    """A truth or prediction file does not have the expected format.

    The message names the file and, where it applies, the line.
    """




@dataclass(frozen=True)
class TruthRow:
    """One row of a truth annotation.

    Attributes
    ----------
    kind : str
        One of :data:`ALL_KINDS`.
    start_frame, end_frame : int
        0-based decoded frame indices spanning the transition, inclusive.  For a
        hard cut both equal the first frame of the new shot.
    start_time, end_time : float
        Timestamps of those frames in seconds (informational; matching uses
        frames only).
    note : str
        Free-text remark, possibly empty.
    """

    kind: str
    start_frame: int
    end_frame: int
    start_time: float
    end_time: float
    note: str = ""

    @property
    def counted(self) -> bool:
        """Whether the row is a transition to find (see :data:`COUNTED_KINDS`)."""
        return self.kind in COUNTED_KINDS

    @property
    def optional(self) -> bool:
        """Whether detecting the row is optional (see :data:`OPTIONAL_KINDS`)."""
        return self.kind in OPTIONAL_KINDS

    @property
    def is_boundary(self) -> bool:
        """Whether a detection may match the row (counted or optional)."""
        return self.kind in COUNTED_KINDS or self.kind in OPTIONAL_KINDS

    def distance(self, frame: int) -> int:
        """Frames from ``frame`` to the span ``[start_frame, end_frame]``.

        Parameters
        ----------
        frame : int
            A 0-based frame index.

        Returns
        -------
        int
            0 when ``frame`` lies inside the span, otherwise the distance to the
            nearer end of the span.
        """
        if frame < self.start_frame:
            return self.start_frame - frame
        if frame > self.end_frame:
            return frame - self.end_frame
        return 0

    def label(self) -> str:
        """Short human-readable form, e.g. ``"cut 30"`` or ``"dissolve 88-111"``."""
        if self.start_frame == self.end_frame:
            return f"{self.kind} {self.start_frame}"
        return f"{self.kind} {self.start_frame}-{self.end_frame}"


@dataclass(frozen=True)
class Detection:
    """One predicted shot boundary.

    Attributes
    ----------
    frame : int
        0-based index of the first decoded frame of the new shot.
    confidence : float
        Detector confidence in ``[0, 1]``; 1.0 when the source gives none.
    kind : str
        The detector's label for the transition (``"cut"`` when unknown).
    """

    frame: int
    confidence: float = 1.0
    kind: str = "cut"


@dataclass(frozen=True)
class Match:
    """A detection paired with the truth row it matched.

    Attributes
    ----------
    frame : int
        The detection's frame.
    row : TruthRow
        The counted or optional truth row.
    distance : int
        :meth:`TruthRow.distance` of ``frame`` to ``row``.
    """

    frame: int
    row: TruthRow
    distance: int


@dataclass(frozen=True)
class FalseAlarm:
    """A detection that matched no truth row.

    Attributes
    ----------
    frame : int
        The detection's frame.
    reason : {"not_a_cut", "duplicate", "note", "unmatched"}
        Why it is a false alarm (see the module docstring).
    row : TruthRow or None
        For ``"not_a_cut"`` and ``"note"`` the row hit; for ``"duplicate"`` the
        already-matched boundary row; for ``"unmatched"`` the nearest counted or
        optional row of the clip (any distance), or None when the clip has none.
    distance : int or None
        ``row.distance(frame)``, or None when ``row`` is None.
    """

    frame: int
    reason: FalseAlarmReason
    row: TruthRow | None = None
    distance: int | None = None

    def describe(self) -> str:
        """One-line explanation, e.g. ``"frame 100: hit not_a_cut 98-102 (vehicle ...)"``."""
        if self.row is None:
            return f"frame {self.frame}: no transition in the clip"
        where = self.row.label()
        note = f" ({self.row.note})" if self.row.note else ""
        if self.reason == "not_a_cut":
            return f"frame {self.frame}: hit hard negative {where}{note}"
        if self.reason == "note":
            return f"frame {self.frame}: inside {where}{note}"
        if self.reason == "duplicate":
            return f"frame {self.frame}: second detection of {where} (already matched)"
        return f"frame {self.frame}: no transition within tolerance; nearest {where}, {self.distance} frames away"


@dataclass(frozen=True)
class ClipScore:
    """Result of scoring one clip (or, from :func:`pool`, several clips).

    Attributes
    ----------
    name : str
        Clip name (``"pooled"`` for :func:`pool` results by default).
    hits : int
        Counted truth rows matched by a detection.
    misses : tuple of TruthRow
        Counted truth rows left unmatched.
    false_alarms : tuple of FalseAlarm
        Detections that matched no truth row, sorted by frame.
    matches : tuple of Match
        Detections matched to counted rows (``len(matches) == hits``), by frame.
    optional_matches : tuple of Match
        Detections matched to optional rows (neither hits nor false alarms).
    clips : int
        Number of clips the score covers.
    """

    name: str
    hits: int
    misses: tuple[TruthRow, ...]
    false_alarms: tuple[FalseAlarm, ...]
    matches: tuple[Match, ...] = ()
    optional_matches: tuple[Match, ...] = ()
    clips: int = 1

    @property
    def n_truth(self) -> int:
        """Counted truth rows: ``hits + len(misses)``."""
        return self.hits + len(self.misses)

    @property
    def n_predicted(self) -> int:
        """Detections that count for precision: ``hits + len(false_alarms)``."""
        return self.hits + len(self.false_alarms)

    @property
    def precision(self) -> float:
        """``hits / (hits + false alarms)``; 1.0 when there are no such detections."""
        return _ratio(self.hits, self.n_predicted)

    @property
    def recall(self) -> float:
        """``hits / (hits + misses)``; 1.0 when there is nothing to find."""
        return _ratio(self.hits, self.n_truth)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall; 0.0 when both are 0."""
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0.0 else 2.0 * p * r / (p + r)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable summary (counts and ratios, no row lists)."""
        return {
            "name": self.name,
            "clips": self.clips,
            "truth": self.n_truth,
            "predicted": self.n_predicted,
            "hits": self.hits,
            "misses": len(self.misses),
            "false_alarms": len(self.false_alarms),
            "optional_matches": len(self.optional_matches),
            "precision": round(self.precision, 6),
            "recall": round(self.recall, 6),
            "f1": round(self.f1, 6),
        }


@dataclass(frozen=True)
class CalibrationRow:
    """Scores of the detections whose confidence reaches a threshold.

    Attributes
    ----------
    threshold : float
        Detections with ``confidence >= threshold`` were kept.
    count : int
        Number of detections kept (including those matched to optional rows).
    score : ClipScore
        Pooled score of the kept detections.
    """

    threshold: float
    count: int
    score: ClipScore

    @property
    def precision(self) -> float:
        """Precision of the kept detections."""
        return self.score.precision

    @property
    def recall(self) -> float:
        """Recall of the kept detections."""
        return self.score.recall


def _ratio(num: int, den: int) -> float:
    return 1.0 if den == 0 else num / den
