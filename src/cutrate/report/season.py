"""Season tables: one row per episode of a batch (``season.csv``, ``season.json``)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .._version import __version__
from ..analysis.pipeline import Result, load
from ..io.atomic import write_atomic
from ..io.tables import csv_text

SEASON_COLUMNS = (
    "video", "folder", "status", "duration_s", "shots", "transitions", "cut", "dissolve", "fade", "flash",
    "asl_s", "msl_s", "cuts_per_minute", "peak_count", "peak_window_s", "peak_start", "peak_end", "error",
)


class Episode(Protocol):
    """What a season row needs of a batch outcome."""

    path: str
    folder: str
    status: str
    error: str | None
    result: Result | None


def season_rows(outcomes: Iterable[Episode]) -> list[dict[str, Any]]:
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


@dataclass(frozen=True)
class PaceGrid:
    """Transitions per slice of each episode: ``counts[i, k]`` in slice ``k`` of
    episode ``i``, which covers ``covered[i, k]`` seconds of it (less than the slice
    length for its last slice, 0 past its end); ``rates = counts × 60 / bin_s`` (NaN
    past the end): what is there, never extrapolated to a full minute."""

    bin_s: float
    counts: np.ndarray
    covered: np.ndarray
    rates: np.ndarray


def pace_grid(results: Sequence[Result], bin_s: float = 60.0) -> PaceGrid:
    """The :class:`PaceGrid` of a batch (each result's counted kinds)."""
    from ..analysis.timeline import counted

    longest = max((r.info.duration_s for r in results), default=bin_s)
    nbins = max(1, int(np.ceil(longest / bin_s - 1e-9)))
    counts = np.zeros((len(results), nbins))
    covered = np.zeros((len(results), nbins))
    for i, r in enumerate(results):
        t = np.array([tr.time for tr in counted(r.transitions, r.summary.count)], float) - r.info.start_time
        if t.size:
            counts[i] = np.bincount(np.clip((t // bin_s).astype(int), 0, nbins - 1), minlength=nbins)[:nbins]
        covered[i] = np.clip(r.info.duration_s - np.arange(nbins) * bin_s, 0.0, bin_s)
    rates = np.where(covered > 0, counts * 60.0 / bin_s, np.nan)
    return PaceGrid(float(bin_s), counts, covered, rates)


def _round(x: float) -> float | None:
    return None if x != x else round(float(x), 4)


def write_season(out_root: str | os.PathLike, outcomes: Iterable[Episode]) -> list[Path]:
    """``season.csv`` and ``season.json``: one row per episode of a batch."""
    rows = season_rows(outcomes)
    table = [list(SEASON_COLUMNS)] + [["" if r.get(c) is None else r.get(c, "") for c in SEASON_COLUMNS] for r in rows]
    doc = {"cutrate_version": __version__, "episodes": rows}
    return [
        write_atomic(Path(out_root) / "season.csv", csv_text(table)),
        write_atomic(Path(out_root) / "season.json", json.dumps(doc, indent=1) + "\n"),
    ]
