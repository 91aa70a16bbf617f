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
