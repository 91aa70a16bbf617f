"""Writers for one analysis: ``analysis.json`` and the CSV tables.

Every writer takes a :class:`~cutrate.pipeline.Result` and a folder, writes
atomically (temporary name, then rename) and returns the path it wrote.
:func:`load` reads an ``analysis.json`` back into a Result without decoding.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .pipeline import Result, Settings
from .types import Peak, Shot, Summary, Timeline, Transition, VideoInfo

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


def timecode(seconds: float) -> str:
    """``HH:MM:SS.mmm``, as PySceneDetect and editors write it."""
    ms = int(round(max(seconds, 0.0) * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def clock(seconds: float) -> str:
    """Short human time: ``12:31.0`` or ``1:02:03.5``."""
    if not math.isfinite(seconds):
        return "-"
    tenths = int(round(max(seconds, 0.0) * 10))
    h, rem = divmod(tenths, 36000)
    m, rem = divmod(rem, 600)
    s = rem / 10
    return f"{h}:{m:02d}:{s:04.1f}" if h else f"{m}:{s:04.1f}"


def write_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; results are meant to be shared and published
        os.replace(tmp, p)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return p


def _csv(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerows(rows)
    return buf.getvalue()


def write_json(result: Result, folder: str | os.PathLike) -> Path:
    """``analysis.json``: everything, with the cutrate version and all settings."""
    text = json.dumps(result.to_dict(), indent=1, allow_nan=False, default=_jsonable)
    return write_atomic(Path(folder) / "analysis.json", text + "\n")


def _jsonable(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def write_transitions_csv(result: Result, folder: str | os.PathLike) -> Path:
    rows: list[list[Any]] = [["kind", "frame", "time", "timecode", "start_frame", "end_frame", "confidence"]]
    for t in result.transitions:
        rows.append([t.kind, t.frame, f"{t.time:.3f}", timecode(t.time), t.start_frame, t.end_frame, f"{t.confidence:.3f}"])
    return write_atomic(Path(folder) / "transitions.csv", _csv(rows))


def write_shots_csv(result: Result, folder: str | os.PathLike) -> Path:
    """PySceneDetect's scene-list CSV (frames 1-based, as it writes and reads them),
    so ``scenedetect load-scenes`` and ``split-video`` can use it."""
    shots = result.shots
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
    return write_atomic(Path(folder) / "shots.csv", _csv(rows))


def write_timeline_csv(result: Result, folder: str | os.PathLike) -> Path:
    tl = result.timeline
    rows: list[list[Any]] = [["time", "timecode", "cuts_per_minute", "window_s"]]
    for t, c in zip(tl.times, tl.cuts_per_minute):
        rows.append([f"{t:.3f}", timecode(float(t)), f"{c:.3f}", f"{tl.window_s:g}"])
    return write_atomic(Path(folder) / "timeline.csv", _csv(rows))


def write_all(result: Result, folder: str | os.PathLike) -> list[Path]:
    """Write the JSON and CSV outputs; ``analysis.json`` goes last, so its presence
    means the folder is complete."""
    out = [write_transitions_csv(result, folder), write_shots_csv(result, folder), write_timeline_csv(result, folder)]
    out.append(write_json(result, folder))
    return out


def writers() -> list:
    """The standard per-video writers, ``analysis.json`` last (its presence marks a
    complete folder)."""
    return [write_transitions_csv, write_shots_csv, write_timeline_csv, write_json]


SEASON_COLUMNS = (
    "video", "folder", "status", "duration_s", "shots", "transitions", "cut", "dissolve", "fade", "flash",
    "asl_s", "msl_s", "cuts_per_minute", "peak_count", "peak_window_s", "peak_start", "peak_end", "error",
)


def season_rows(outcomes) -> list[dict[str, Any]]:
    """One row per episode of a batch, from fresh results or the saved ``analysis.json``."""
    rows = []
    for oc in outcomes:
        row: dict[str, Any] = {"video": oc.path, "folder": oc.folder, "status": oc.status, "error": oc.error or ""}
        res = oc.result
        if res is None and oc.status != "failed":
            try:
                res = load(oc.folder)
            except (OSError, ValueError, KeyError):
                res = None
        if res is not None:
            sm = res.summary
            row.update(
                duration_s=round(sm.duration_s, 3), shots=sm.shots, transitions=sm.transition_count,
                **{k: sm.transitions.get(k, 0) for k in ("cut", "dissolve", "fade", "flash")},
                asl_s=_round(sm.asl_s), msl_s=_round(sm.msl_s), cuts_per_minute=_round(sm.cuts_per_minute),
                peak_count=sm.peak.count, peak_window_s=sm.peak.window_s, peak_start=round(sm.peak.start, 3),
                peak_end=round(sm.peak.end, 3),
            )
        rows.append(row)
    return rows


def _round(x: float) -> float | None:
    return None if x != x else round(float(x), 4)


def write_season(out_root: str | os.PathLike, outcomes) -> list[Path]:
    """``season.csv`` and ``season.json``: one row per episode of a batch."""
    from . import __version__

    rows = season_rows(outcomes)
    table = [list(SEASON_COLUMNS)] + [["" if r.get(c) is None else r.get(c, "") for c in SEASON_COLUMNS] for r in rows]
    doc = {"cutrate_version": __version__, "episodes": rows}
    return [
        write_atomic(Path(out_root) / "season.csv", _csv(table)),
        write_atomic(Path(out_root) / "season.json", json.dumps(doc, indent=1) + "\n"),
    ]


def load(path: str | os.PathLike) -> Result:
    """Read an ``analysis.json`` (or the folder holding it) back into a Result."""
    p = Path(path)
    if p.is_dir():
        p = p / "analysis.json"
    d = json.loads(p.read_text(encoding="utf-8"))
    v = d["video"]
    info = VideoInfo(
        path=v["path"], duration_s=v["duration_s"], fps=v["fps"], frames=v["frames"], width=v["width"],
        height=v["height"], codec=v.get("codec", ""), start_time=v.get("start_time", 0.0),
        identity=v.get("identity", ""),
    )
    trans = [Transition(**t) for t in d["transitions"]]
    shots = [Shot(s["start_frame"], s["end_frame"], s["start"], s["end"]) for s in d["shots"]]
    tl = d["timeline"]
    timeline = Timeline(tl["window_s"], tl["hop_s"], np.array(tl["times"], float), np.array(tl["cuts_per_minute"], float))
    sm = d["summary"]
    core = {"duration_s", "shots", "transitions", "transition_count", "asl_s", "msl_s", "sd_s", "cv", "cuts_per_minute", "peak"}
    summary = Summary(
        duration_s=sm["duration_s"], shots=sm["shots"], transitions=sm["transitions"],
        asl_s=_num(sm["asl_s"]), msl_s=_num(sm["msl_s"]), sd_s=_num(sm["sd_s"]), cv=_num(sm.get("cv")),
        cuts_per_minute=_num(sm["cuts_per_minute"]), peak=Peak(**sm["peak"]),
        extra={k: val for k, val in sm.items() if k not in core},
    )
    return Result(
        info=info, settings=Settings.from_dict(d.get("settings", {})), transitions=trans, shots=shots,
        timeline=timeline, summary=summary, features=None, warnings=tuple(d.get("warnings", ())),
        version=d.get("cutrate_version", "unknown"),
    )


def _num(x: Any) -> float:
    return math.nan if x is None else float(x)
