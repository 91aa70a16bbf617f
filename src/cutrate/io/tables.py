"""CSV tables of an analysis: transitions, shots (PySceneDetect's scene list), timeline.

Each writer takes plain records and a folder, writes atomically and returns the
path it wrote.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._fmt import timecode
from ..types import Evidence, Shot, Timeline, Transition
from .atomic import write_atomic

SCENE_LIST_COLUMNS = (
    "Scene Number",
    "Start Frame",
    "Start Timecode",
    "Start Time (seconds)",
    "End Frame",
    "End Timecode",
    "End Time (seconds)",
    "Length (frames)",
    "Length (timecode)",
    "Length (seconds)",
)


def csv_text(rows: Sequence[Sequence[Any]]) -> str:
    """Rows as CSV text (``\\n`` line ends)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerows(rows)
    return buf.getvalue()


def write_transitions_csv(transitions: Sequence[Transition], folder: str | os.PathLike) -> Path:
    """``transitions.csv``: kind, frame, time, timecode, span and confidence of each transition."""
    rows: list[list[Any]] = [["kind", "frame", "time", "timecode", "start_frame", "end_frame", "confidence"]]
    for t in transitions:
        rows.append([t.kind, t.frame, f"{t.time:.3f}", timecode(t.time), t.start_frame, t.end_frame, f"{t.confidence:.3f}"])
    return write_atomic(Path(folder) / "transitions.csv", csv_text(rows))


def write_shots_csv(shots: Sequence[Shot], folder: str | os.PathLike) -> Path:
    """``shots.csv``: PySceneDetect's scene-list CSV (frames 1-based, as it writes and
    reads them), so ``scenedetect load-scenes`` and ``split-video`` can use it."""
    rows: list[list[Any]] = [["Timecode List:", *(timecode(s.start) for s in shots[1:])], list(SCENE_LIST_COLUMNS)]
    for i, s in enumerate(shots, 1):
        rows.append(
            [
                i,
                s.start_frame + 1,
                timecode(s.start),
                f"{s.start:.3f}",
                s.end_frame + 1,
                timecode(s.end),
                f"{s.end:.3f}",
                s.frames,
                timecode(s.duration),
                f"{s.duration:.3f}",
            ]
        )
    return write_atomic(Path(folder) / "shots.csv", csv_text(rows))


def write_timeline_csv(timeline: Timeline, folder: str | os.PathLike) -> Path:
    """``timeline.csv``: the sliding-window cuts per minute."""
    rows: list[list[Any]] = [["time", "timecode", "cuts_per_minute", "window_s"]]
    for t, c in zip(timeline.times, timeline.cuts_per_minute):
        rows.append([f"{t:.3f}", timecode(float(t)), f"{c:.3f}", f"{timeline.window_s:g}"])
    return write_atomic(Path(folder) / "timeline.csv", csv_text(rows))


def write_stats_csv(evidence: Evidence, transitions: Sequence[Transition], folder: str | os.PathLike) -> Path:
    """``stats.csv``: one row per decoded frame with its change score (the structural
    difference to the previous frame, 0..1) and, on the frame where one takes
    effect, the transition's kind — to plot and try thresholds of one's own (like
    PySceneDetect's ``--stats``)."""
    at = {t.frame: t.kind for t in transitions}
    rows: list[list[Any]] = [["frame", "time", "timecode", "score", "transition"]]
    for i, (t, s) in enumerate(zip(evidence.times, evidence.score)):
        rows.append([i, f"{t:.6f}", timecode(float(t)), f"{s:.5f}", at.get(i, "")])
    return write_atomic(Path(folder) / "stats.csv", csv_text(rows))
