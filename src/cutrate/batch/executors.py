"""Executors with one ``submit`` / ``as_completed`` shape: a local process pool or Dask."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from ..errors import CutrateError
from .jobs import Job, Outcome, analyse_job


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


def _start_writer(levels: dict, writers: list) -> None:
    from ..report.writers import warm_up

    _start_worker(levels)
    warm_up(writers)


class WriterPool:
    """Helper processes that write finished results' folders and draw season figures,
    beside the writer thread of this process.

    Drawing is Python-heavy work that holds the GIL, about 0.7 s per video for the
    four figures, the peak sheet and the page; one writer thread makes it a serial
    chain that a batch of short videos waits on long after decoding is done (the
    decoding itself runs in the watchdog's child).  With helpers, several folders
    are written at once on other cores.  They start (and import the plotting code,
    about 1.2 CPU-s each) while the first video decodes, and ignore Ctrl-C: what
    they were given is finished, as a writer thread would.  ``slots`` counts the
    helpers free to take a folder.
    """

    def __init__(self, writers: list, processes: int) -> None:
        import multiprocessing as mp

        from .watchdog import current_levels, sigint_ignored

        self.writers = writers
        self.processes = processes
        self.slots = threading.BoundedSemaphore(processes)
        self.pool = ProcessPoolExecutor(max_workers=processes, mp_context=mp.get_context("spawn"),
                                        initializer=_start_writer, initargs=(current_levels(), writers))
        with sigint_ignored():  # the processes start now and inherit the ignored SIGINT
            for _ in range(processes):
                self.pool.submit(int)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` in a helper (both must pickle)."""
        return self.pool.submit(fn, *args, **kwargs)

    def write(self, outcome: Any) -> None:
        """Write one outcome's folder (as :func:`~cutrate.batch.jobs.write_outputs`),
        raising what writing raised."""
        from .jobs import write_outputs

        self.submit(write_outputs, outcome, self.writers).result()

    def close(self) -> None:
        self.pool.shutdown(wait=True)

    def __enter__(self) -> WriterPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_paused_lock = threading.Lock()
_paused = 0  # cutrate jobs running on this Dask worker
_stopped: list[Any] = []  # the profiler this module stopped, to start again

#: glibc ``mallopt`` parameters, and the largest mmap threshold glibc itself grows to
#: on 64-bit systems (``DEFAULT_MMAP_THRESHOLD_MAX``).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD_MAX = 32 * 1024 * 1024
_GLIBC_MMAP_THRESHOLD = 128 * 1024


def _glibc() -> Any:
    """The C library when it is glibc on Linux (``mallopt``), else None."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt  # noqa: B018 - glibc only
    except (OSError, AttributeError):
        return None
    return libc


def _tune_malloc(libc: Any) -> None:
    """glibc's allocator as in a plain process while cutrate jobs decode on a Dask worker.

    Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, so that
    freed memory goes back to the system at once.  Setting it also fixes glibc's
    mmap threshold at 128 KiB: every decoded frame buffer and feature array is then
    mapped and unmapped again, page by page, and a decode spent a quarter of its CPU
    time in the kernel (3.7 s of system time for a 70 s 720p video, against 0.3 s in
    a plain process; ``docs/batch.md``).  For the jobs, the thresholds are what glibc
    grows them to by itself; :func:`_restore_malloc` puts Dask's back.
    """
    libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX)
    libc.mallopt(_M_TRIM_THRESHOLD, 2 * _MMAP_THRESHOLD_MAX)


def _restore_malloc(libc: Any, trim: str) -> None:
    """Dask's trim threshold again, glibc's default mmap threshold, and the freed
    memory handed back to the system."""
    try:
        libc.mallopt(_M_TRIM_THRESHOLD, int(trim))
    except ValueError:
        pass
    libc.mallopt(_M_MMAP_THRESHOLD, _GLIBC_MMAP_THRESHOLD)
    libc.malloc_trim(0)


def _analyse_on_worker(job: Job) -> Outcome:
    """:func:`analyse_job` on a Dask worker, as cheaply as in a plain process.

    Two things a Dask worker does cost a decode CPU time: its allocator settings
    (see :func:`_tune_malloc`), and its statistical profiler, which walks the stack
    of every thread of the worker every 10 ms.  While cutrate jobs run, the
    allocator is tuned and the profiler paused; both are restored when the last one
    on the worker ends.
    """
    import os

    global _paused
    try:
        from distributed import get_worker

        worker = get_worker()
        profiler = worker.periodic_callbacks.get("profile")
    except Exception:  # noqa: BLE001 - not on a worker, or another distributed: run as is
        return analyse_job(job)
    trim = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    libc = _glibc() if trim is not None else None
    with _paused_lock:
        _paused += 1
        if _paused == 1:
            if profiler is not None and profiler.is_running():
                worker.loop.add_callback(profiler.stop)
                _stopped.append(profiler)
            if libc is not None:
                _tune_malloc(libc)
    try:
        return analyse_job(job)
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0:
                if libc is not None and trim is not None:
                    _restore_malloc(libc, trim)
                while _stopped:
                    worker.loop.add_callback(_stopped.pop().start)


class DaskExecutor:
    """Jobs on a ``dask.distributed`` cluster.

    Each job's decoder gets the cores of its machine divided by the task slots
    (worker threads) on that machine, as the local pool does, so that two tasks on
    one machine do not each start a decoder thread per core.  Jobs go out longest
    first, and only as many are on the cluster at once as it has task slots: the
    next job goes to whichever slot frees first, as in the local pool.  (Handed all
    at once, the scheduler queues about two per one-thread worker up front, so one
    worker can end up with both long episodes while the other idles.)
    """

    def __init__(self, scheduler: Any) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the environment
            raise CutrateError("--scheduler needs dask.distributed: pip install 'cutrate[dask]'") from None
        self.client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        self._own = not isinstance(scheduler, Client)
        self.threads, self.slots = self._threads_and_slots()
        self._queue: list[tuple[Job, Future]] = []  # submitted here, not yet sent

    def _threads_and_slots(self) -> tuple[int, int]:
        """Cores per task slot on the most crowded machine of the cluster (at least 1;
        0: let FFmpeg choose) and the cluster's task slots (0: unknown, no limit)."""
        import os

        try:
            cores = self.client.run(os.cpu_count)
            workers = self.client.scheduler_info().get("workers", {})
        except Exception:  # noqa: BLE001 - an unusual cluster: let FFmpeg and Dask choose
            return 0, 0
        slots: dict[str, int] = {}
        host_cores: dict[str, int] = {}
        for addr, w in workers.items():
            host = str(w.get("host", addr))
            slots[host] = slots.get(host, 0) + int(w.get("nthreads", 1) or 1)
            host_cores[host] = int(cores.get(addr) or 1)
        if not slots:
            return 0, 0
        return max(1, min(host_cores[h] // max(n, 1) for h, n in slots.items())), sum(slots.values())

    def submit(self, job: Job) -> Future:
        """A local future for ``job``'s outcome; the job goes to the cluster when a
        slot is free (see :meth:`as_completed`)."""
        from dataclasses import replace

        if job.threads == 0 and self.threads:
            job = replace(job, threads=self.threads)
        handle: Future = Future()
        self._queue.append((job, handle))
        return handle

    def _send(self, job: Job) -> Any:
        return self.client.submit(_analyse_on_worker, job, pure=False,
                                  key=f"cutrate-{abs(hash(job.path)):x}-{id(job):x}")

    def as_completed(self, futures: list[Future]) -> Iterator[Future]:
        """The local futures as their jobs finish, keeping every slot busy."""
        from distributed import as_completed

        queue, self._queue = self._queue, []
        limit = self.slots or len(queue)
        running = as_completed()
        sent: dict[Any, Future] = {}

        def top_up() -> None:
            while queue and len(sent) < limit:
                job, handle = queue.pop(0)
                remote = self._send(job)
                sent[remote] = handle
                running.add(remote)

        top_up()
        while sent:
            remote = next(running)
            handle = sent.pop(remote)
            top_up()  # the next job starts before this one's outputs are written
            try:
                handle.set_result(remote.result())
            except Exception as exc:  # noqa: BLE001 - raised again by handle.result()
                handle.set_exception(exc)
            yield handle

    def close(self, cancel: bool = False) -> None:
        if cancel:
            self._queue.clear()
        if self._own:
            self.client.close()
