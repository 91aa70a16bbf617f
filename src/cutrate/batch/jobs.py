"""One video of a batch: the job, what became of it, and where its files go.

Each finished video is written by :func:`write_outputs` into a temporary folder
that is renamed into place, so a killed run never leaves a half-written result
folder; :func:`up_to_date` lets a re-run skip videos whose results match the
file's identity, the settings and the cutrate version.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..analysis.fingerprints import Fingerprints, fingerprints
from ..analysis.pipeline import Result, analyze, provenance
from ..errors import CutrateError
from ..io.cache import file_identity
from ..io.results import ANALYSIS_JSON, SCHEMA_VERSION
from ..report.writers import Writer
from ..settings import STALL_S, Settings

log = logging.getLogger(__name__)

#: The season fingerprints of a result folder (see :mod:`cutrate.analysis.segments`).
PRINTS = "fingerprints.npz"


@dataclass(frozen=True)
class Job:
    """One video to analyse and the folder its results go to."""

    path: str
    folder: str
    settings: Settings = field(default_factory=Settings)
    cache_dir: str | None = None
    use_cache: bool = True
    #: Seconds without decoding progress after which the video is given up (the decoder
    #: runs in a watched child process, see :mod:`cutrate.batch.watchdog`); None: in-process.
    stall_s: float | None = STALL_S
    #: Decoder threads (0: all cores); :func:`cutrate.batch.run` gives each of N
    #: parallel jobs cores / N, so that they divide the machine rather than oversubscribe it.
    threads: int = 0


@dataclass(frozen=True)
class Outcome:
    """What became of one job: ``status`` is ``done``, ``skipped`` or ``failed``."""

    path: str
    folder: str
    status: str
    error: str | None = None
    result: Result | None = None
    seconds: float = 0.0
    frames: int = 0
    #: Fingerprints of the episode for season matching (computed where it was analysed).
    prints: Fingerprints | None = None
    #: True when the season pass rewrote the result with new recurring segments.
    resegmented: bool = False


def identity(path: str | os.PathLike) -> str | None:
    """The file's content identity (see :func:`cutrate.io.cache.file_identity`), None if unreadable."""
    try:
        return file_identity(path)
    except OSError:
        return None


def up_to_date(job: Job) -> bool:
    """Whether ``job.folder`` already holds a complete result for this file and these
    settings, in the current format, from the current features and detector (not
    necessarily from this cutrate release: a new release that changes neither does
    not redo a season)."""
    f = Path(job.folder) / ANALYSIS_JSON
    try:
        d = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        (Path(job.folder) / PRINTS).is_file()
        and d.get("schema_version") == SCHEMA_VERSION
        and d.get("provenance") == json.loads(json.dumps(provenance(job.settings)))
        and d.get("settings") == json.loads(json.dumps(job.settings.to_dict()))
        and d.get("video", {}).get("identity") == identity(job.path)
        and d.get("video", {}).get("identity") is not None
    )


def analyse_for_batch(path: str, *, name: str, **kwargs) -> tuple[Result, Fingerprints | None]:
    """:func:`~cutrate.analysis.pipeline.analyze` as a batch needs it: the result
    without its per-frame arrays (the evidence a report needs stays) and the season
    fingerprints (26 bytes a frame).  Run where the video is decoded (the watchdog's
    child, a Dask worker), so that only these travel back."""
    result = analyze(path, **kwargs)
    prints = fingerprints(result.features, name=name) if result.features is not None else None
    return dataclasses.replace(result, features=None), prints


def analyse_job(job: Job, progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Run one job; never raises for a bad file (the reason is in the outcome)."""
    t0 = time.perf_counter()
    kwargs = dict(name=Path(job.folder).name, settings=job.settings, cache_dir=job.cache_dir,
                  use_cache=job.use_cache, threads=job.threads)
    try:
        if job.stall_s is None:
            result, prints = analyse_for_batch(job.path, progress=progress, **kwargs)
        else:
            from .watchdog import run_with_watchdog

            result, prints = run_with_watchdog(analyse_for_batch, job.path, label=job.path, stall_s=job.stall_s,
                                               progress=progress, **kwargs)
    except CutrateError as exc:
        return Outcome(job.path, job.folder, "failed", error=str(exc), seconds=time.perf_counter() - t0)
    except MemoryError:
        return Outcome(job.path, job.folder, "failed", error=f"{job.path}: out of memory",
                       seconds=time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop a batch
        log.debug("internal error on %s\n%s", job.path, traceback.format_exc())
        return Outcome(job.path, job.folder, "failed", error=f"{job.path}: internal error ({type(exc).__name__}: {exc})",
                       seconds=time.perf_counter() - t0)
    return Outcome(job.path, job.folder, "done", result=result, seconds=time.perf_counter() - t0,
                   frames=result.info.frames, prints=prints)


def write_outputs(outcome: Outcome, writers: Iterable[Writer]) -> None:
    """Write a finished job's files (and its season fingerprints) into a temporary
    folder, then swap it into place."""
    assert outcome.result is not None
    folder = Path(outcome.folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.partial-{os.getpid()}"
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        prints = outcome.prints
        if prints is None and (folder / PRINTS).is_file():
            shutil.copy2(folder / PRINTS, tmp / PRINTS)  # a folder written again keeps its fingerprints
        elif prints is not None:
            np.savez_compressed(tmp / PRINTS, **prints.to_arrays())
        for write in writers:
            write(outcome.result, tmp)
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def clean_stale(out_root: str | os.PathLike) -> None:
    """Remove temporary folders left by a run that was killed."""
    root = Path(out_root)
    if not root.is_dir():
        return
    for p in root.iterdir():
        if p.name.startswith(".") and (".partial-" in p.name or ".old-" in p.name) and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
