"""Matching detections to truth and scoring them (the rule is in :mod:`cutrate.eval`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from .records import DEFAULT_TOLERANCE, CalibrationRow, ClipScore, Detection, FalseAlarm, Match, TruthRow

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


def most_in_window(frames: Iterable[int], window: int) -> int:
    """The most of ``frames`` that fall in any ``window`` consecutive frames
    (``[f, f + window)``); all of them when they span less than the window."""
    if window < 1:
        raise ValueError(f"window must be >= 1 frame, got {window}")
    fs = sorted(int(f) for f in frames)
    best, lo = 0, 0
    for hi, f in enumerate(fs):
        while fs[lo] <= f - window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def peak_counts(score: ClipScore, fps: float, *, window_s: float = 60.0) -> tuple[int, int]:
    """The busiest ``window_s`` of one clip, counted twice: ``(truth, detected)``.

    The truth counts every counted row (at its start frame for a cut, its middle
    for a gradual transition), the detections count hits and false alarms (the
    detections scored; those on optional rows are left out, as in precision).
    ``detected - truth`` is how far a sentence like "93 cuts in 60 seconds" would
    be off.  A clip shorter than the window is counted whole.
    """
    if not fps > 0:
        raise ValueError(f"fps must be > 0, got {fps}")
    window = max(1, round(window_s * fps))
    truth = [(r.start_frame + r.end_frame) // 2 for r in (*(m.row for m in score.matches), *score.misses)]
    detected = [m.frame for m in score.matches] + [fa.frame for fa in score.false_alarms]
    return most_in_window(truth, window), most_in_window(detected, window)


def peak_errors(scores: Iterable[ClipScore], fps: Mapping[str, float], *, window_s: float = 60.0) -> list[int]:
    """Per clip (``fps`` keyed by :attr:`ClipScore.name`), detected minus true count
    in its busiest ``window_s`` (:func:`peak_counts`): how far a "N cuts in 60
    seconds" sentence would be off."""
    return [d - t for t, d in (peak_counts(s, fps[s.name], window_s=window_s) for s in scores)]
