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
from .text import excluding, left_out

SEASON_COLUMNS = (
    "video", "folder", "status", "duration_s", "shots", "transitions", "cut", "dissolve", "fade", "flash",
    "asl_s", "msl_s", "cuts_per_minute", "peak_count", "peak_window_s", "peak_start", "peak_end", "error",
    "kept_s", "left_out",
    "opening_start", "opening_end", "opening_count", "opening_cuts_per_minute",
    "ending_start", "ending_end", "ending_count", "ending_cuts_per_minute",
)
#: The recurring segments whose own pace the season table gives (the first of each kind).
OWN_PACE_KINDS = ("opening", "ending")


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
                peak_end=round(sm.peak.end, 3), kept_s=_round(sm.kept_s if sm.kept_s is not None else sm.duration_s),
                left_out=excluding(res).removeprefix("excluding "),
            )
            row.update(own_pace(res))
        rows.append(row)
    return rows


def own_pace(result: Result) -> dict[str, Any]:
    """``opening_start``, ``opening_end``, ``opening_count``, ``opening_cuts_per_minute``
    and the same for the ending: how fast the episode's (first) opening and ending are
    cut, counting what the summary counts; None where it has none."""
    from ..analysis.timeline import span_pace

    out: dict[str, Any] = {}
    for kind in OWN_PACE_KINDS:
        seg = next((g for g in result.segments if g.kind == kind), None)
        n, cpm = span_pace(result.transitions, seg.start, seg.end, result.summary.count) if seg else (None, None)
        out.update({f"{kind}_start": round(seg.start, 3) if seg else None, f"{kind}_end": round(seg.end, 3) if seg else None,
                    f"{kind}_count": n, f"{kind}_cuts_per_minute": _round(cpm) if cpm is not None else None})
    return out


@dataclass(frozen=True)
class PaceGrid:
    """Transitions per slice of each episode: ``counts[i, k]`` in slice ``k`` of
    episode ``i``, which has ``covered[i, k]`` seconds of counted time (less than the
    slice length for its last slice or where a left-out span — an opening, an
    exclusion — covers part of it; 0 past its end); ``rates = counts × 60 / bin_s``
    (NaN where nothing of the slice is counted): what is there, never extrapolated
    to a full minute."""

    bin_s: float
    counts: np.ndarray
    covered: np.ndarray
    rates: np.ndarray


def pace_grid(results: Sequence[Result], bin_s: float = 60.0) -> PaceGrid:
    """The :class:`PaceGrid` of a batch (each result's counted kinds, in its kept time)."""
    from ..analysis.timeline import counted, kept_spans

    longest = max((r.info.duration_s for r in results), default=bin_s)
    nbins = max(1, int(np.ceil(longest / bin_s - 1e-9)))
    counts = np.zeros((len(results), nbins))
    covered = np.zeros((len(results), nbins))
    lo = np.arange(nbins) * bin_s
    for i, r in enumerate(results):
        t0 = r.info.start_time
        kept = [(a - t0, b - t0) for a, b in kept_spans(t0, t0 + r.info.duration_s,
                                                         [(g.start, g.end) for g in left_out(r)])]
        t = np.array([tr.time for tr in counted(r.transitions, r.summary.count)], float) - t0
        inside = np.zeros(t.shape[0], bool)
        for a, b in kept:
            inside |= (t >= a) & (t < b)
            covered[i] += np.clip(np.minimum(lo + bin_s, b) - np.maximum(lo, a), 0.0, None)
        t = t[inside]
        if t.size:
            counts[i] = np.bincount(np.clip((t // bin_s).astype(int), 0, nbins - 1), minlength=nbins)[:nbins]
    rates = np.where(covered > 1e-6, counts * 60.0 / bin_s, np.nan)
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
