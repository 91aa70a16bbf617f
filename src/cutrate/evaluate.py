"""Score shot-boundary detections against hand-checked truth (mir_eval style).

The module reads truth annotations and detector outputs, matches detections to
truth transitions, and reports hits, misses, false alarms, precision, recall and
F1 per clip and pooled over clips.  It needs only the standard library, so
``import cutrate.evaluate`` stays light (no video decoding, no ML frameworks).

Inputs
------
Truth
    A transitions TSV (one ``#`` comment line, then the header
    ``type start_frame end_frame start_time end_time note``; tab separated) read
    by :func:`read_truth_tsv`, or a PySceneDetect scene-list CSV read by
    :func:`read_scenedetect_csv` (every scene start after the first becomes a
    ``cut`` row).  :func:`load_truth` picks the reader from the file's content.
Predictions
    A list of frame numbers, each the 0-based index of the first decoded frame of
    a new shot.  :func:`load_predictions` reads a PySceneDetect CSV, a plain
    frame list (one integer a line, ``#`` comments allowed; :func:`read_frame_list`)
    or cutrate's own ``analysis.json`` (:func:`read_analysis_json`).

Frame numbers are 0-based indices of decoded frames, as
``ffmpeg -i CLIP -fps_mode passthrough`` produces them.  PySceneDetect writes
1-based ``Start Frame`` numbers in its CSV (``frame_num + 1``); the reader
subtracts one.

Matching rule
-------------
Truth rows fall into three groups by ``kind``:

* counted (:data:`COUNTED_KINDS`: ``cut``, ``dissolve``, ``fade_out_in``,
  ``flash``, ``wipe``) -- each is a transition to find; a matched one is a *hit*,
  an unmatched one a *miss*;
* optional (:data:`OPTIONAL_KINDS`: ``graphic``, ``leader_cut``, ``fade_in``,
  ``fade_out``) -- a detection matched to one is neither a hit nor a false
  alarm, and leaving one unmatched costs nothing;
* not boundaries (:data:`NON_BOUNDARY_KINDS`: ``not_a_cut`` hard negatives and
  ``note`` remarks) -- never matched; a detection near one is a false alarm and
  the false-alarm record names the row it hit.

A detection at frame ``f`` *can match* a counted or optional row when
``start_frame - tolerance <= f <= end_frame + tolerance`` (``tolerance`` defaults
to 2 frames).  Its *distance* to the row is 0 inside ``[start_frame, end_frame]``
and otherwise the distance to the nearer end of the span.

Matching is greedy and one-to-one: all (detection, row) pairs that can match are
sorted by distance, then by group (counted rows before optional rows), then by
detection frame, then by the row's start frame; the pairs are taken in that order,
skipping any pair whose detection or row is already taken.  Giving counted rows
priority at equal distance means a detection that lies as close to a counted row
as to an optional one is credited as a hit rather than silently absorbed by the
optional row; a closer optional row still wins, since the detection most likely
marks that one.  Greedy matching can pair fewer than an optimal bipartite
matching would, but only where two truth spans lie within ``2 * tolerance``
frames of each other (so that one detection can reach both).

Every detection left unmatched is a false alarm.  Its reason is, in this order
of preference: ``"not_a_cut"`` when it lies within ``tolerance`` of a
``not_a_cut`` row (the nearest such row is reported); ``"duplicate"`` when it lies
within ``tolerance`` of a counted or optional row that another detection took;
``"note"`` when it lies within ``tolerance`` of a ``note`` row; else
``"unmatched"`` (the nearest boundary row, if any, is reported for diagnosis).

Scores
------
``precision = hits / (hits + false_alarms)``, ``recall = hits / (hits + misses)``
and ``F1 = 2PR / (P + R)`` (0 when ``P + R == 0``).  With no detections counted
(``hits + false_alarms == 0``) precision is 1; with nothing to find
(``hits + misses == 0``) recall is 1; so a clip with nothing to find and nothing
found scores P = R = F1 = 1.  :func:`pool` sums hits, false alarms and misses over
clips before computing the ratios (micro-averaging).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from cutrate.errors import CutrateError

__all__ = [
    "ALL_KINDS",
    "COUNTED_KINDS",
    "NON_BOUNDARY_KINDS",
    "OPTIONAL_KINDS",
    "AnnotationFormatError",
    "CalibrationRow",
    "ClipScore",
    "Detection",
    "FalseAlarm",
    "Match",
    "TruthRow",
    "calibrate",
    "evaluate",
    "format_calibration",
    "format_errors",
    "format_table",
    "load_predictions",
    "load_truth",
    "pool",
    "read_analysis_json",
    "read_frame_list",
    "read_scenedetect_csv",
    "read_truth_tsv",
]

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


# --------------------------------------------------------------------------- records


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


# --------------------------------------------------------------------------- scoring


def evaluate(
    truth: Iterable[TruthRow],
    predicted_frames: Iterable[int],
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    name: str = "",
) -> ClipScore:
    """Match detections to truth rows and count hits, misses and false alarms.

    See the module docstring for the matching rule.

    Parameters
    ----------
    truth : iterable of TruthRow
        The clip's truth rows (any kinds, any order).
    predicted_frames : iterable of int
        Detected boundaries, each the 0-based first frame of a new shot.  Order
        does not matter; a frame listed twice is two detections.
    tolerance : int, default 2
        Frames a detection may lie outside a row's span and still match it.
    name : str, default ""
        Clip name stored in the result.

    Returns
    -------
    ClipScore
        Hits, misses, false alarms and the matches made.

    Raises
    ------
    ValueError
        If ``tolerance`` is negative.
    """
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance}")
    rows = list(truth)
    frames = sorted(int(f) for f in predicted_frames)
    boundaries = [r for r in rows if r.is_boundary]

    # All (distance, group, frame, row start, detection index, row index) pairs
    # that can match; sorting the tuples gives the documented greedy order.  The
    # two indices only make the order total (equal frames, equal rows).
    candidates: list[tuple[int, int, int, int, int, int]] = []
    for di, frame in enumerate(frames):
        for ri, row in enumerate(boundaries):
            d = row.distance(frame)
            if d <= tolerance:
                group = 0 if row.counted else 1
                candidates.append((d, group, frame, row.start_frame, di, ri))
    candidates.sort()

    det_taken: dict[int, int] = {}
    row_taken: set[int] = set()
    for _d, _group, _frame, _start, di, ri in candidates:
        if di in det_taken or ri in row_taken:
            continue
        det_taken[di] = ri
        row_taken.add(ri)

    matches: list[Match] = []
    optional_matches: list[Match] = []
    false_alarms: list[FalseAlarm] = []
    for di, frame in enumerate(frames):
        taken_row = det_taken.get(di)
        if taken_row is None:
            false_alarms.append(_explain_false_alarm(frame, rows, boundaries, row_taken, tolerance))
            continue
        row = boundaries[taken_row]
        m = Match(frame=frame, row=row, distance=row.distance(frame))
        (matches if row.counted else optional_matches).append(m)

    misses = tuple(r for ri, r in enumerate(boundaries) if r.counted and ri not in row_taken)
    return ClipScore(
        name=name,
        hits=len(matches),
        misses=tuple(sorted(misses, key=lambda r: (r.start_frame, r.end_frame))),
        false_alarms=tuple(false_alarms),
        matches=tuple(matches),
        optional_matches=tuple(optional_matches),
    )


def _explain_false_alarm(
    frame: int,
    rows: Sequence[TruthRow],
    boundaries: Sequence[TruthRow],
    row_taken: set[int],
    tolerance: int,
) -> FalseAlarm:
    """Build the :class:`FalseAlarm` record for an unmatched detection."""

    def nearest(cands: Iterable[TruthRow]) -> TruthRow | None:
        # Nearest first; among equally near rows the shortest span (most
        # specific), then the earliest.
        best = min(
            cands,
            key=lambda r: (r.distance(frame), r.end_frame - r.start_frame, r.start_frame),
            default=None,
        )
        return best

    near_negative = nearest(r for r in rows if r.kind == "not_a_cut" and r.distance(frame) <= tolerance)
    if near_negative is not None:
        return FalseAlarm(frame, "not_a_cut", near_negative, near_negative.distance(frame))
    taken = nearest(r for ri, r in enumerate(boundaries) if ri in row_taken and r.distance(frame) <= tolerance)
    if taken is not None:
        return FalseAlarm(frame, "duplicate", taken, taken.distance(frame))
    near_note = nearest(r for r in rows if r.kind == "note" and r.distance(frame) <= tolerance)
    if near_note is not None:
        return FalseAlarm(frame, "note", near_note, near_note.distance(frame))
    closest = nearest(boundaries)
    return FalseAlarm(frame, "unmatched", closest, None if closest is None else closest.distance(frame))


def pool(scores: Iterable[ClipScore], *, name: str = "pooled") -> ClipScore:
    """Combine clip scores by summing hits, misses and false alarms.

    Parameters
    ----------
    scores : iterable of ClipScore
        Per-clip (or already pooled) scores.
    name : str, default "pooled"
        Name of the combined score.

    Returns
    -------
    ClipScore
        Sums of the counts and concatenations of the row lists (in input order);
        its ratios are therefore micro-averages over all clips.  Pooling nothing
        gives an empty score with ``clips == 0`` (P = R = F1 = 1).
    """
    items = list(scores)
    return ClipScore(
        name=name,
        hits=sum(s.hits for s in items),
        misses=tuple(r for s in items for r in s.misses),
        false_alarms=tuple(fa for s in items for fa in s.false_alarms),
        matches=tuple(m for s in items for m in s.matches),
        optional_matches=tuple(m for s in items for m in s.optional_matches),
        clips=sum(s.clips for s in items),
    )


def calibrate(
    clips: Iterable[tuple[Sequence[TruthRow], Sequence[Detection]]],
    thresholds: Sequence[float] = (0.9, 0.7, 0.5),
    *,
    tolerance: int = DEFAULT_TOLERANCE,
) -> list[CalibrationRow]:
    """Score, for each threshold, only the detections at or above it.

    Each threshold re-runs :func:`evaluate` on the kept detections of every clip,
    so the numbers are exactly those a user would get by discarding detections
    below the threshold.

    Parameters
    ----------
    clips : iterable of (truth rows, detections)
        One pair per clip.
    thresholds : sequence of float, default (0.9, 0.7, 0.5)
        Confidence thresholds, reported in the given order.
    tolerance : int, default 2
        Passed to :func:`evaluate`.

    Returns
    -------
    list of CalibrationRow
        One row per threshold with the pooled score over all clips.
    """
    pairs = [(list(t), list(d)) for t, d in clips]
    out: list[CalibrationRow] = []
    for th in thresholds:
        scores = []
        count = 0
        for truth, dets in pairs:
            kept = [d.frame for d in dets if d.confidence >= th]
            count += len(kept)
            scores.append(evaluate(truth, kept, tolerance=tolerance))
        out.append(CalibrationRow(threshold=float(th), count=count, score=pool(scores)))
    return out


# --------------------------------------------------------------------------- readers


def read_truth_tsv(path: str | os.PathLike[str]) -> list[TruthRow]:
    """Read a transitions TSV annotation.

    The file has ``#`` comment lines, then the tab-separated header
    ``type start_frame end_frame start_time end_time note``, then one row per
    transition.  Blank lines are skipped; a missing trailing ``note`` field reads
    as an empty note.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.tsv`` file.

    Returns
    -------
    list of TruthRow
        Rows in file order.

    Raises
    ------
    AnnotationFormatError
        On a missing or wrong header, a short row, a non-numeric field, an unknown
        kind, or ``end_frame < start_frame``.
    """
    text = _read_text(path)
    return _parse_truth_tsv(text, str(path))


def _parse_truth_tsv(text: str, where: str) -> list[TruthRow]:
    rows: list[TruthRow] = []
    header_seen = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if not header_seen:
            names = tuple(f.strip() for f in fields)
            if names not in (TSV_COLUMNS, TSV_COLUMNS[:-1]):
                raise AnnotationFormatError(
                    f"{where}:{lineno}: expected header {' '.join(TSV_COLUMNS)!r}, got {line!r}"
                )
            header_seen = True
            continue
        if len(fields) < 5:
            raise AnnotationFormatError(f"{where}:{lineno}: expected 6 tab-separated fields, got {len(fields)}")
        kind = fields[0].strip()
        if kind not in ALL_KINDS:
            raise AnnotationFormatError(
                f"{where}:{lineno}: unknown transition type {kind!r} (known: {', '.join(sorted(ALL_KINDS))})"
            )
        try:
            start_frame, end_frame = int(fields[1]), int(fields[2])
            start_time, end_time = float(fields[3]), float(fields[4])
        except ValueError as exc:
            raise AnnotationFormatError(f"{where}:{lineno}: {exc}") from None
        if end_frame < start_frame:
            raise AnnotationFormatError(f"{where}:{lineno}: end_frame {end_frame} < start_frame {start_frame}")
        note = "\t".join(fields[5:]).strip()
        rows.append(TruthRow(kind, start_frame, end_frame, start_time, end_time, note))
    if not header_seen:
        raise AnnotationFormatError(f"{where}: no header line {' '.join(TSV_COLUMNS)!r}")
    return rows


def read_scenedetect_csv(path: str | os.PathLike[str]) -> list[TruthRow]:
    """Read a PySceneDetect scene-list CSV as shot boundaries.

    Accepts what ``scenedetect ... list-scenes`` writes: an optional first line
    of cut timecodes (``Timecode List:,...``; omitted with ``--skip-cuts``), then
    a header naming at least ``Start Frame`` (extra columns such as
    ``Scene Number``, ``Start Time (seconds)`` or a leading ``Video`` column are
    fine), then one row per scene.  PySceneDetect writes ``Start Frame`` 1-based
    (its 0-based ``frame_num + 1``), so each scene after the first yields a
    boundary at 0-based frame ``Start Frame - 1``.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.csv`` file.

    Returns
    -------
    list of TruthRow
        One ``cut`` row per scene start after the first, in file order, with
        ``start_frame == end_frame`` and both times set to the scene's
        ``Start Time (seconds)`` (``nan`` when that column is absent); the note
        names the scene number.  Use it as truth, or take ``row.start_frame`` as
        predictions.

    Raises
    ------
    AnnotationFormatError
        If no header with a ``Start Frame`` column is found or a value is not a
        number.
    """
    text = _read_text(path)
    return _parse_scenedetect_csv(text, str(path))


def _parse_scenedetect_csv(text: str, where: str) -> list[TruthRow]:
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    rows: list[TruthRow] = []
    scene_index = 0
    for record in reader:
        lineno = reader.line_num
        if not record or not any(f.strip() for f in record):
            continue
        cells = [f.strip() for f in record]
        if header is None:
            if "Start Frame" in cells:
                header = cells
            continue
        values = dict(zip(header, cells, strict=False))
        try:
            start = int(values["Start Frame"])
            seconds_text = values.get("Start Time (seconds)", "")
            seconds = float(seconds_text) if seconds_text else math.nan
        except (KeyError, ValueError) as exc:
            raise AnnotationFormatError(f"{where}:{lineno}: bad scene row {record!r}: {exc}") from None
        scene_index += 1
        if scene_index == 1:
            continue  # the first scene starts the clip: not a boundary
        frame = start - 1
        label = values.get("Scene Number", str(scene_index))
        rows.append(TruthRow("cut", frame, frame, seconds, seconds, f"scene {label}"))
    if header is None:
        raise AnnotationFormatError(f"{where}: no PySceneDetect header with a 'Start Frame' column")
    return rows


def read_frame_list(path: str | os.PathLike[str]) -> list[int]:
    """Read a plain list of boundary frames.

    One integer a line (the 0-based first frame of a new shot).  Everything after
    a ``#`` is a comment; blank lines are skipped.

    Parameters
    ----------
    path : str or os.PathLike
        The text file.

    Returns
    -------
    list of int
        The frames in file order.

    Raises
    ------
    AnnotationFormatError
        If a line holds anything but one integer.
    """
    return _parse_frame_list(_read_text(path), str(path))


def _parse_frame_list(text: str, where: str) -> list[int]:
    frames: list[int] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            frames.append(int(line))
        except ValueError:
            raise AnnotationFormatError(
                f"{where}:{lineno}: expected one integer frame number, got {raw.strip()!r}"
            ) from None
    return frames


def read_analysis_json(path: str | os.PathLike[str]) -> list[Detection]:
    """Read the detections from cutrate's ``analysis.json``.

    Parameters
    ----------
    path : str or os.PathLike
        A JSON file whose ``"transitions"`` key lists objects with at least
        ``frame`` (and optionally ``kind`` and ``confidence``).

    Returns
    -------
    list of Detection
        In file order; a missing confidence reads as 1.0, a missing kind as
        ``"cut"``.

    Raises
    ------
    AnnotationFormatError
        If the file is not JSON, has no ``"transitions"`` list, or an entry lacks
        an integer ``frame``.
    """
    return _parse_analysis_json(_read_text(path), str(path))


def _parse_analysis_json(text: str, where: str) -> list[Detection]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnnotationFormatError(f"{where}: not valid JSON: {exc}") from None
    items = doc.get("transitions") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise AnnotationFormatError(f"{where}: no 'transitions' list")
    out: list[Detection] = []
    for i, item in enumerate(items):
        frame = item.get("frame") if isinstance(item, dict) else None
        if isinstance(frame, bool) or not isinstance(frame, int):
            raise AnnotationFormatError(f"{where}: transitions[{i}] has no integer 'frame'")
        conf = item.get("confidence")
        out.append(
            Detection(
                frame=frame,
                confidence=1.0 if conf is None else float(conf),
                kind=str(item.get("kind", "cut")),
            )
        )
    return out


def _read_text(path: str | os.PathLike[str]) -> str:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return fh.read()


FileFormat = Literal["tsv", "csv", "json", "frames"]


def _sniff(text: str, path: str) -> FileFormat:
    """Guess a file's format from its content, falling back on its extension."""
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("{"):
            return "json"
        if line.startswith("#"):
            continue
        if line.split("\t")[:3] == list(TSV_COLUMNS[:3]):
            return "tsv"
        if line.startswith("Timecode List:") or "Start Frame" in line.split(","):
            return "csv"
        if line.split("#", 1)[0].strip().lstrip("+-").isdigit():
            return "frames"
        break
    ext = os.path.splitext(path)[1].lower()
    by_ext: dict[str, FileFormat] = {".tsv": "tsv", ".csv": "csv", ".json": "json"}
    if ext in by_ext:
        return by_ext[ext]
    if not text.split("#", 1)[0].strip():
        return "frames"  # empty or comments only: an empty frame list
    raise AnnotationFormatError(f"{path}: cannot tell the file format from its content or extension")


def load_truth(path: str | os.PathLike[str]) -> list[TruthRow]:
    """Read truth rows from a transitions TSV, a PySceneDetect CSV or a frame list.

    The format is recognised from the content (the TSV header, the CSV
    ``Timecode List:``/``Start Frame`` header, integer lines), else from the
    extension.  A frame list gives one ``cut`` row per frame (times ``nan``).

    Parameters
    ----------
    path : str or os.PathLike
        The annotation file.

    Returns
    -------
    list of TruthRow

    Raises
    ------
    AnnotationFormatError
        If the format is unknown or the file is malformed; ``analysis.json`` is
        not accepted as truth.
    """
    where = str(path)
    text = _read_text(path)
    fmt = _sniff(text, where)
    if fmt == "tsv":
        return _parse_truth_tsv(text, where)
    if fmt == "csv":
        return _parse_scenedetect_csv(text, where)
    if fmt == "frames":
        return [TruthRow("cut", f, f, math.nan, math.nan) for f in _parse_frame_list(text, where)]
    raise AnnotationFormatError(f"{where}: a JSON file is not accepted as truth")


def load_predictions(path: str | os.PathLike[str]) -> list[int]:
    """Read predicted boundary frames from any supported file.

    Accepts a PySceneDetect CSV (scene starts after the first, made 0-based), a
    plain frame list, cutrate's ``analysis.json`` (each transition's ``frame``)
    or a transitions TSV (the ``start_frame`` of each counted or optional row).

    Parameters
    ----------
    path : str or os.PathLike
        The predictions file.

    Returns
    -------
    list of int
        Boundary frames, sorted.

    Raises
    ------
    AnnotationFormatError
        If the format is unknown or the file is malformed.
    """
    where = str(path)
    text = _read_text(path)
    fmt = _sniff(text, where)
    if fmt == "json":
        frames = [d.frame for d in _parse_analysis_json(text, where)]
    elif fmt == "csv":
        frames = [r.start_frame for r in _parse_scenedetect_csv(text, where)]
    elif fmt == "tsv":
        frames = [r.start_frame for r in _parse_truth_tsv(text, where) if r.is_boundary]
    else:
        frames = _parse_frame_list(text, where)
    return sorted(frames)


# --------------------------------------------------------------------------- formatting


TableStyle = Literal["markdown", "text"]


def _render(headers: Sequence[str], body: Sequence[Sequence[str]], style: TableStyle, align: str) -> str:
    """Render a table; ``align`` holds one ``l``/``r`` per column."""
    if style not in ("markdown", "text"):
        raise ValueError(f"style must be 'markdown' or 'text', got {style!r}")
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(headers)]

    def cell(text: str, i: int) -> str:
        return text.ljust(widths[i]) if align[i] == "l" else text.rjust(widths[i])

    lines: list[str] = []
    if style == "markdown":
        lines.append("| " + " | ".join(cell(h, i) for i, h in enumerate(headers)) + " |")
        rule = ["-" * (w - 1) + ":" if a == "r" else "-" * w for w, a in zip(widths, align, strict=True)]
        lines.append("| " + " | ".join(rule) + " |")
        lines.extend("| " + " | ".join(cell(c, i) for i, c in enumerate(r)) + " |" for r in body)
    else:
        lines.append("  ".join(cell(h, i) for i, h in enumerate(headers)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        lines.extend("  ".join(cell(c, i) for i, c in enumerate(r)).rstrip() for r in body)
    return "\n".join(lines) + "\n"


def format_table(
    scores: Sequence[ClipScore],
    *,
    pooled: bool = True,
    style: TableStyle = "markdown",
    digits: int = 3,
) -> str:
    """Format per-clip scores (and their pooled total) as a table.

    Parameters
    ----------
    scores : sequence of ClipScore
        One per clip, in the order to print.
    pooled : bool, default True
        Append a row with :func:`pool` of ``scores``.
    style : {"markdown", "text"}, default "markdown"
        A GitHub-flavoured Markdown table or aligned plain text.
    digits : int, default 3
        Decimals of P, R and F1.

    Returns
    -------
    str
        The table, ending in a newline.  Columns: clip, truth (counted rows),
        predicted (hits + false alarms), hits, misses, false alarms, optional
        (detections matched to optional rows), P, R, F1.
    """
    headers = ["clip", "truth", "pred", "hits", "miss", "FA", "opt", "P", "R", "F1"]
    items = list(scores)
    if pooled:
        total = pool(items)
        label = f"pooled ({total.clips} clip{'' if total.clips == 1 else 's'})"
        if style == "markdown":
            label = f"**{label}**"
        items.append(replace(total, name=label))
    body = [
        [
            s.name,
            str(s.n_truth),
            str(s.n_predicted),
            str(s.hits),
            str(len(s.misses)),
            str(len(s.false_alarms)),
            str(len(s.optional_matches)),
            f"{s.precision:.{digits}f}",
            f"{s.recall:.{digits}f}",
            f"{s.f1:.{digits}f}",
        ]
        for s in items
    ]
    return _render(headers, body, style, "lrrrrrrrrr")


def format_calibration(rows: Sequence[CalibrationRow], *, style: TableStyle = "markdown", digits: int = 3) -> str:
    """Format :func:`calibrate` results as a table.

    Parameters
    ----------
    rows : sequence of CalibrationRow
        As returned by :func:`calibrate`.
    style : {"markdown", "text"}, default "markdown"
        Table style.
    digits : int, default 3
        Decimals of P, R and F1.

    Returns
    -------
    str
        Columns: confidence threshold, detections kept, hits, false alarms, P, R, F1.
    """
    headers = ["confidence >=", "detections", "hits", "FA", "P", "R", "F1"]
    body = [
        [
            f"{r.threshold:g}",
            str(r.count),
            str(r.score.hits),
            str(len(r.score.false_alarms)),
            f"{r.score.precision:.{digits}f}",
            f"{r.score.recall:.{digits}f}",
            f"{r.score.f1:.{digits}f}",
        ]
        for r in rows
    ]
    return _render(headers, body, style, "rrrrrrr")


def format_errors(scores: Sequence[ClipScore]) -> str:
    """List every miss and false alarm, clip by clip, as plain text.

    Parameters
    ----------
    scores : sequence of ClipScore
        Per-clip scores.

    Returns
    -------
    str
        One block per clip that has errors (``name: N misses, M false alarms``
        followed by indented lines), or the line ``no misses or false alarms``.
    """
    blocks: list[str] = []
    for s in scores:
        if not s.misses and not s.false_alarms:
            continue
        lines = [f"{s.name}: {len(s.misses)} misses, {len(s.false_alarms)} false alarms"]
        for r in s.misses:
            note = f" ({r.note})" if r.note else ""
            lines.append(f"  miss  {r.label()}{note}")
        for fa in s.false_alarms:
            lines.append(f"  FA    {fa.describe()}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks) + "\n" if blocks else "no misses or false alarms\n"
