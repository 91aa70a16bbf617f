"""The season pass: after the episodes of a batch are analysed, find what recurs across
them (openings, endings, recaps, previews) and leave it out of each episode's pace.

The output folder is the season: every result folder in it with its fingerprints
(``fingerprints.npz``, written with each result) takes part, in the order of the folder
names, whether it was analysed in this run or an earlier one.  So adding an episode to an
analysed season and running again decodes only the new episode and updates the others'
segments from their stored fingerprints.  Matching runs here, in the process that writes
the results (on a Dask cluster: the client), on the fingerprints the workers sent back.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..analysis.fingerprints import Fingerprints
from ..analysis.pipeline import Result, load
from ..analysis.segments import find_segments
from ..io.results import ANALYSIS_JSON
from ..report.writers import Writer
from ..settings import SeasonSettings
from .jobs import PRINTS, Outcome, write_outputs

log = logging.getLogger(__name__)


def _natural(name: str) -> list:
    """Sort key that puts ``ep2`` before ``ep10``."""
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", name)]


def load_prints(folder: str | Path) -> Fingerprints | None:
    """The fingerprints stored in a result folder (named after the folder), or None."""
    f = Path(folder) / PRINTS
    try:
        with np.load(f, allow_pickle=False) as z:
            return replace(Fingerprints.from_arrays(z), name=Path(folder).name)
    except (OSError, ValueError, KeyError) as exc:
        if f.exists():
            log.warning("%s: ignoring unreadable fingerprints (%s)", f, exc)
        return None


def season_outcomes(output: str | Path, outcomes: Sequence[Outcome]) -> list[Outcome]:
    """This run's outcomes and, as ``skipped`` ones, every other result folder of the
    output folder: the whole season, in the order of the folder names."""
    root = Path(output)
    seen = {Path(oc.folder).resolve() for oc in outcomes}
    extra = [Outcome(str(p.parent), str(p.parent), "skipped") for p in sorted(root.glob(f"*/{ANALYSIS_JSON}"))
             if p.parent.resolve() not in seen]
    return sorted([*outcomes, *extra], key=lambda oc: _natural(Path(oc.folder).name))


def season_pass(season: Sequence[Outcome], writers: Sequence[Writer], *,
                settings: SeasonSettings | None = None, cache_dir: str | Path | None = None) -> list[Outcome]:
    """Match the season's fingerprints and rewrite every episode whose recurring
    segments changed; returns the outcomes with their updated results (episodes that
    did not change keep theirs)."""
    prints: list[Fingerprints] = []
    for oc in season:
        if oc.status == "failed":
            continue
        p = oc.prints if oc.prints is not None else load_prints(oc.folder)
        if p is None:
            log.warning("%s: no fingerprints; left out of the season matching (analyse it again with --force)",
                        oc.folder)
            continue
        prints.append(replace(p, name=Path(oc.folder).name))
    if len(prints) < 2:
        return list(season)
    found = find_segments(prints, settings=settings)
    out = []
    for oc in season:
        name = Path(oc.folder).name
        if name not in found:
            out.append(oc)
            continue
        res = oc.result or _load(oc.folder, cache_dir)
        new = sorted(found[name], key=lambda s: (s.start, s.end))
        old = [s for s in res.segments if s.source == "season"] if res is not None else []
        if res is None or [g.to_dict() for g in new] == [g.to_dict() for g in old]:  # as analysis.json has them
            out.append(oc)
            continue
        res = res.with_segments(new)
        try:
            write_outputs(replace(oc, result=res), writers)
        except OSError as exc:
            out.append(replace(oc, status="failed", error=f"{oc.folder}: cannot write results ({exc.strerror or exc})"))
            continue
        out.append(replace(oc, result=res, resegmented=True))
    return out


def with_results(season: Sequence[Outcome], cache_dir: str | Path | None = None) -> list[Outcome]:
    """The outcomes, each that did not fail with its result (loaded from its folder
    when this run did not produce it)."""
    out = []
    for oc in season:
        if oc.result is None and oc.status != "failed":
            res = _load(oc.folder, cache_dir, evidence=False)
            oc = replace(oc, result=res) if res is not None else replace(
                oc, status="failed", error=f"{oc.folder}: cannot read {ANALYSIS_JSON}")
        out.append(oc)
    return out


def _load(folder: str, cache_dir: str | Path | None, evidence: bool = True) -> Result | None:
    try:
        return load(folder, evidence=evidence, cache_dir=cache_dir)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("%s: cannot read the result (%s)", folder, exc)
        return None
