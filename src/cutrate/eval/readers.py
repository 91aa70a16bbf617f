"""Readers of truth annotations and detector outputs.

Truth: a transitions TSV (:func:`read_truth_tsv`), a PySceneDetect scene-list CSV
(:func:`read_scenedetect_csv`) or a frame list; :func:`load_truth` picks the
reader from the file's content.  Predictions: the same, or cutrate's
``analysis.json`` (:func:`load_predictions`).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from pathlib import Path
from typing import Literal

from ..errors import InputError

from .records import ALL_KINDS, TSV_COLUMNS, AnnotationFormatError, Detection, TruthRow

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


#: Truth files sit beside their videos as ``<video file name>`` + this suffix.
TRUTH_SUFFIX = ".transitions.tsv"
_PREDICTION_SUFFIXES = frozenset({".json", ".csv", ".txt", ".tsv"})


def is_prediction_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` holds detections (a result, a CSV or a frame list) rather than video."""
    p = Path(path)
    return p.suffix.lower() in _PREDICTION_SUFFIXES or p.name.endswith(TRUTH_SUFFIX)


def find_pairs(first: str, truth: str | None = None) -> list[tuple[str, str]]:
    """``(video or predictions, truth)`` pairs: the pair given, ``first`` with the truth
    file beside it, or every video in the folder ``first`` that has one.

    Raises
    ------
    InputError
        When no truth file can be found.
    """
    p = Path(first)
    if truth is not None:
        return [(first, truth)]
    if not p.is_dir():
        t = Path(first + TRUTH_SUFFIX)
        if t.is_file():
            return [(first, str(t))]
        raise InputError(f"{first}: give a TRUTH file, or a folder of videos with <name>{TRUTH_SUFFIX} files")
    pairs = []
    for t in sorted(p.glob(f"*{TRUTH_SUFFIX}")):
        video = t.with_name(t.name[: -len(TRUTH_SUFFIX)])
        if video.is_file():
            pairs.append((str(video), str(t)))
    if not pairs:
        raise InputError(f"{first}: no video with a <name>{TRUTH_SUFFIX} truth file beside it")
    return pairs
