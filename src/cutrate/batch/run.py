"""Many videos: parallel, resumable, and the same code locally or on a Dask cluster.

:func:`run` takes :class:`~cutrate.batch.jobs.Job` records and an executor choice:

- ``workers=1``: in this process (with a per-frame progress callback);
- ``workers=N``: a local process pool;
- ``scheduler="tcp://host:8786"`` (or ``CUTRATE_SCHEDULER``): a
  ``dask.distributed`` cluster.  Workers must be able to read the video paths;
  the :class:`~cutrate.analysis.pipeline.Result` comes back to the client, which writes
  every output, so workers need no access to the output folder.
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Any

from ..report.writers import Writer, warm_up
from .executors import DaskExecutor, LocalExecutor, WriterPool
from .jobs import Job, Outcome, analyse_job, up_to_date, write_outputs

log = logging.getLogger(__name__)


def run(
    jobs: list[Job],
    *,
    workers: int = 1,
    scheduler: Any = None,
    writers: Iterable[Writer] = (),
    force: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
    progress: Callable[[Job], Callable[[int, int], None] | None] | None = None,
    helpers: WriterPool | None = None,
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
    helpers : WriterPool, optional
        Processes that write the outputs (see :func:`writer_pool`), several at a
        time; without them one thread of this process writes them, in order.

    Returns
    -------
    list of Outcome, in the order of ``jobs``.
    """
    writers = list(writers)
    outcomes: dict[int, Outcome] = {}
    said = threading.Lock()  # finished outcomes are reported one at a time

    def write(oc: Outcome) -> None:
        nonlocal helpers
        pool = helpers
        if pool is not None and pool.slots.acquire(blocking=False):  # a free helper, else this process
            try:
                pool.write(oc)
                return
            except BrokenProcessPool:  # a helper died: write here from now on
                log.debug("the writer processes stopped; writing in this process")
                helpers = None
            finally:
                pool.slots.release()
        write_outputs(oc, writers)

    def finish(i: int, oc: Outcome) -> None:
        if oc.status == "done" and writers:
            try:
                write(oc)
            except OSError as exc:
                oc = Outcome(oc.path, oc.folder, "failed", error=f"{oc.folder}: cannot write results ({exc.strerror or exc})",
                             seconds=oc.seconds, frames=oc.frames)
            except Exception as exc:  # noqa: BLE001 - one video's outputs must not stop a batch
                log.debug("internal error writing %s\n%s", oc.folder, traceback.format_exc())
                oc = Outcome(oc.path, oc.folder, "failed", seconds=oc.seconds, frames=oc.frames,
                             error=f"{oc.folder}: internal error writing results ({type(exc).__name__}: {exc})")
        # drop the evidence once written; keep the summary data
        if oc.result is not None and oc.result.evidence is not None:
            oc = replace(oc, result=replace(oc.result, evidence=None))
        with said:
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
        # one video's outputs are written while the next one decodes
        with ThreadPoolExecutor(max_workers=1 + (helpers.processes if helpers else 0),
                                thread_name_prefix="cutrate-write") as writer:
            if todo and writers:
                writer.submit(warm_up, writers)  # imports and font caches while the first video decodes
            pending = []
            for i in todo:
                cb = progress(jobs[i]) if progress else None
                pending.append(writer.submit(finish, i, analyse_job(jobs[i], cb)))
            for fut in pending:
                fut.result()
        return [outcomes[i] for i in range(len(jobs))]

    if scheduler is None:
        n = min(workers, len(todo))
        per_job = max(1, (os.cpu_count() or 1) // n)  # the pool divides the machine
        jobs = [replace(j, threads=per_job) if j.threads == 0 else j for j in jobs]
        ex: Any = LocalExecutor(n)
    else:
        ex = DaskExecutor(scheduler)
    futures: dict[Any, int] = {}
    if writers:  # imports and font caches while the workers decode
        threading.Thread(target=warm_up, args=(writers,), name="cutrate-warm", daemon=True).start()
    try:
        for i in sorted(todo, key=lambda k: -_size(jobs[k].path)):  # longest first: the batch ends sooner
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


def writer_pool(writers: Iterable[Writer], videos: int) -> WriterPool | None:
    """Helper processes to write ``videos`` results' outputs with ``writers`` beside
    this process's writer thread: one per further core (at most 3, and fewer than
    the videos), or None on one core, for one video, or when a writer cannot go to
    another process (a lambda or a closure)."""
    writers = list(writers)
    processes = min((os.cpu_count() or 1) - 1, 3, videos - 1)
    if not writers or processes < 1:
        return None
    try:
        pickle.dumps(writers)
    except Exception:  # noqa: BLE001 - pickling raises many kinds
        return None
    return WriterPool(writers, processes)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
