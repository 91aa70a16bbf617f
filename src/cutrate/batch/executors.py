"""Executors with one ``submit`` / ``as_completed`` shape: a local process pool or Dask."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from ..errors import CutrateError
from .jobs import Job, analyse_job


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


def _start_worker(levels: dict) -> None:
    from .watchdog import apply_levels, ignore_sigint

    ignore_sigint()
    apply_levels(levels)


class LocalExecutor:
    """The same ``submit`` / ``as_completed`` shape as Dask, on a process pool."""

    def __init__(self, workers: int) -> None:
        import multiprocessing as mp

        from .watchdog import current_levels

        # Ctrl-C reaches the whole process group; workers ignore it and the parent,
        # which handles it, ends them (close(cancel=True)).  Workers log as quietly as
        # the parent.
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                                        initializer=_start_worker, initargs=(current_levels(),))

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


class DaskExecutor:
    """Jobs on a ``dask.distributed`` cluster.

    Each job's decoder gets the cores of its machine divided by the task slots
    (worker threads) on that machine, as the local pool does, so that two tasks on
    one machine do not each start a decoder thread per core.  Jobs go out longest
    first, so that a long episode does not start last.
    """

    def __init__(self, scheduler: Any) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the environment
            raise CutrateError("--scheduler needs dask.distributed: pip install 'cutrate[dask]'") from None
        self.client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        self._own = not isinstance(scheduler, Client)
        self.threads = self._threads_per_task()

    def _threads_per_task(self) -> int:
        """Cores per task slot on the most crowded machine of the cluster (at least 1)."""
        import os

        try:
            cores = self.client.run(os.cpu_count)
            workers = self.client.scheduler_info().get("workers", {})
        except Exception:  # noqa: BLE001 - an unusual cluster: let FFmpeg choose
            return 0
        slots: dict[str, int] = {}
        host_cores: dict[str, int] = {}
        for addr, w in workers.items():
            host = str(w.get("host", addr))
            slots[host] = slots.get(host, 0) + int(w.get("nthreads", 1) or 1)
            host_cores[host] = int(cores.get(addr) or 1)
        if not slots:
            return 0
        return max(1, min(host_cores[h] // max(n, 1) for h, n in slots.items()))

    def submit(self, job: Job):
        from dataclasses import replace

        if job.threads == 0 and self.threads:
            job = replace(job, threads=self.threads)
        return self.client.submit(analyse_job, job, pure=False, key=f"cutrate-{abs(hash(job.path)):x}-{id(job):x}")

    def as_completed(self, futures):
        from distributed import as_completed

        return as_completed(futures)

    def close(self, cancel: bool = False) -> None:
        if self._own:
            self.client.close()
