"""Many videos: parallel, resumable, and the same code locally or on a Dask cluster.

:func:`run` takes :class:`Job` records and an executor choice:

- ``jobs=1``: in this process (with a per-frame progress callback);
- ``jobs=N``: a local process pool;
- ``scheduler="tcp://host:8786"`` (or ``CUTRATE_SCHEDULER``): a
  ``dask.distributed`` cluster.  Workers must be able to read the video paths;
  the :class:`~cutrate.pipeline.Result` comes back to the client, which writes
  every output, so workers need no access to the output folder.

Each finished video is written by :func:`write_outputs` into a temporary folder
that is renamed into place, so a killed run never leaves a half-written result
folder; :func:`up_to_date` lets a re-run skip videos whose results match the
file's identity, the settings and the cutrate version.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .errors import CutrateError
from .pipeline import Result, Settings

log = logging.getLogger(__name__)

Writer = Callable[[Result, Path], Any]


@dataclass(frozen=True)
class Job:
    """One video to analyse and the folder its results go to."""

    path: str
    folder: str
    settings: Settings = field(default_factory=Settings)
    cache_dir: str | None = None
    use_cache: bool = True
    #: Seconds without decoding progress after which the video is given up (the decoder
    #: runs in a watched child process, see :mod:`cutrate.watchdog`); None: in-process.
    stall_s: float | None = 120.0


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


def identity(path: str | os.PathLike) -> str | None:
    from .cache import file_identity

    try:
        return file_identity(path)
    except OSError:
        return None


def up_to_date(job: Job) -> bool:
    """Whether ``job.folder`` already holds a complete result for this file, these
    settings and this cutrate version."""
    f = Path(job.folder) / "analysis.json"
    try:
        d = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        d.get("cutrate_version") == __version__
        and d.get("settings") == json.loads(json.dumps(job.settings.to_dict()))
        and d.get("video", {}).get("identity") == identity(job.path)
        and d.get("video", {}).get("identity") is not None
    )


def analyse_job(job: Job, progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Run one job; never raises for a bad file (the reason is in the outcome)."""
    from .pipeline import analyze

    t0 = time.perf_counter()
    try:
        if job.stall_s is None:
            result = analyze(job.path, settings=job.settings, cache_dir=job.cache_dir, use_cache=job.use_cache,
                             progress=progress)
        else:
            from .watchdog import run_with_watchdog

            result = run_with_watchdog(analyze, job.path, label=job.path, stall_s=job.stall_s, progress=progress,
                                       settings=job.settings, cache_dir=job.cache_dir, use_cache=job.use_cache)
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
                   frames=result.info.frames)


def write_outputs(outcome: Outcome, writers: Iterable[Writer]) -> None:
    """Write a finished job's files into a temporary folder, then swap it into place."""
    assert outcome.result is not None
    folder = Path(outcome.folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.partial-{os.getpid()}"
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
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


# --------------------------------------------------------------------------- executors
@contextlib.contextmanager
def _deferred_sigint() -> Iterator[threading.Event]:
    """Turn Ctrl-C into a flag checked by the waiting loop.

    With worker processes busy, a KeyboardInterrupt raised at an arbitrary point of
    the parent can land inside a finalizer, where Python prints it as an "Exception
    ignored" traceback and drops it; the loop raises it at a safe point instead.
    """
    event = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield event
        return
    previous = signal.signal(signal.SIGINT, lambda *_: event.set())
    try:
        yield event
    finally:
        signal.signal(signal.SIGINT, previous)


class _LocalExecutor:
    """The same ``submit`` / ``as_completed`` shape as Dask, on a process pool."""

    def __init__(self, workers: int) -> None:
        import multiprocessing as mp

        from .watchdog import ignore_sigint

        # Ctrl-C reaches the whole process group; workers ignore it and the parent,
        # which handles it, ends them (close(cancel=True)).
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                                        initializer=ignore_sigint)

    def submit(self, job: Job) -> Future:
        from .watchdog import sigint_ignored

        with sigint_ignored():  # workers start here and inherit the ignored SIGINT
            return self.pool.submit(analyse_job, job)

    def as_completed(self, futures: list[Future]) -> Iterator[Future]:
        pending = set(futures)
        with _deferred_sigint() as interrupted:
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                if interrupted.is_set():
                    raise KeyboardInterrupt
                yield from done

    def close(self, cancel: bool = False) -> None:
        if cancel:  # do not wait for the videos in progress (workers ignore SIGINT)
            for proc in list((getattr(self.pool, "_processes", None) or {}).values()):
                proc.terminate()
        self.pool.shutdown(wait=not cancel, cancel_futures=cancel)


class _DaskExecutor:
    def __init__(self, scheduler: Any) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the environment
            raise CutrateError("--scheduler needs dask.distributed: pip install 'cutrate[dask]'") from None
        self.client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        self._own = not isinstance(scheduler, Client)

    def submit(self, job: Job):
        return self.client.submit(analyse_job, job, pure=False)

    def as_completed(self, futures):
        from distributed import as_completed

        return as_completed(futures)

    def close(self, cancel: bool = False) -> None:
        if self._own:
            self.client.close()


def run(
    jobs: list[Job],
    *,
    workers: int = 1,
    scheduler: Any = None,
    writers: Iterable[Writer] = (),
    force: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
    progress: Callable[[Job], Callable[[int, int], None] | None] | None = None,
) -> list[Outcome]:
    """Analyse every job, writing each result as soon as it is finished.

    Parameters
    ----------
    jobs : list of Job
    workers : int
        Local worker processes (1 = in this process).
    scheduler : str or distributed.Client, optional
        A Dask scheduler address or client; overrides ``workers``.
    writers : iterable of callables ``(result, folder)``
        Output writers; ``analysis.json`` should come last.
    force : bool
        Re-analyse videos whose results are up to date.
    on_outcome : callable(Outcome), optional
        Called in this process as each job finishes, fails or is skipped.
    progress : callable(Job) -> per-frame callback, optional
        Only used when running in this process.

    Returns
    -------
    list of Outcome, in the order of ``jobs``.
    """
    writers = list(writers)
    outcomes: dict[int, Outcome] = {}

    def finish(i: int, oc: Outcome) -> None:
        if oc.status == "done" and writers:
            try:
                write_outputs(oc, writers)
            except OSError as exc:
                oc = Outcome(oc.path, oc.folder, "failed", error=f"{oc.folder}: cannot write results ({exc.strerror or exc})",
                             seconds=oc.seconds, frames=oc.frames)
        # drop the heavy features once written; keep the summary data
        if oc.result is not None and oc.result.features is not None:
            from dataclasses import replace

            oc = replace(oc, result=replace(oc.result, features=None))
        outcomes[i] = oc
        if on_outcome is not None:
            on_outcome(oc)

    todo = []
    for i, job in enumerate(jobs):
        if not force and up_to_date(job):
            finish(i, Outcome(job.path, job.folder, "skipped"))
        else:
            todo.append(i)

    if scheduler is None and (workers <= 1 or len(todo) <= 1):
        for i in todo:
            cb = progress(jobs[i]) if progress else None
            finish(i, analyse_job(jobs[i], cb))
        return [outcomes[i] for i in range(len(jobs))]

    ex: Any = _DaskExecutor(scheduler) if scheduler is not None else _LocalExecutor(min(workers, len(todo)))
    futures: dict[Any, int] = {}
    try:
        for i in todo:
            futures[ex.submit(jobs[i])] = i
        for fut in ex.as_completed(list(futures)):
            i = futures[fut]
            try:
                oc = fut.result()
            except Exception as exc:  # noqa: BLE001 - a crashed worker fails one file only
                oc = Outcome(jobs[i].path, jobs[i].folder, "failed", error=f"{jobs[i].path}: worker failed ({exc})")
            finish(i, oc)
    except BaseException:
        ex.close(cancel=True)
        raise
    ex.close()
    return [outcomes[i] for i in range(len(jobs))]
