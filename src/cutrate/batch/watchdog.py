"""A watchdog so that a stuck decoder cannot hang a batch.

:func:`run_with_watchdog` runs a function (normally :func:`cutrate.analyze`) in a
child process and watches a heartbeat: the decoder beats after every demuxed packet
(:func:`cutrate.io.video.set_heartbeat`) and the function's ``progress`` callback
beats too.  When no beat comes for ``stall_s`` seconds (or the whole call takes
longer than ``timeout_s``) the child is killed and :class:`DecoderStalled` (or
:class:`DecoderTimeout`) is raised, naming the file and the frame it was stuck at.
The stall clock pauses once the decoder has closed its file: detection afterwards
is plain numerical work, bounded only by ``timeout_s``::

    from cutrate import analyze
    from cutrate.batch.watchdog import run_with_watchdog

    result = run_with_watchdog(analyze, "ep01.mkv", stall_s=60, use_cache=False)

Otherwise the function's return value comes back (pickled), and an exception it
raises is raised again in the caller (a :class:`~cutrate.errors.CutrateError`
stays one).  A child killed by a signal (a crash inside FFmpeg) raises
:class:`DecoderCrashed`.  ``KeyboardInterrupt`` in the caller terminates the child
before propagating.

The child process is started with the ``spawn`` method and kept for later calls
(:class:`Watchdog`), so the cost of starting Python and importing the decoder is
paid once per batch, not once per video; a killed child is replaced on the next
call.  The child ignores SIGINT (Ctrl-C is the parent's business) and exits when
its parent goes away; it is daemonic, so the function it runs cannot start
processes of its own.  In a daemonic process (which may not have children, e.g. a
Dask worker) the function runs in-process without a watchdog.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing as mp
import os
import pickle
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, Self

from ..errors import CutrateError, DecodeError
from ..settings import STALL_S

log = logging.getLogger(__name__)

#: How often the parent looks at the heartbeat, in seconds.
POLL_S = 0.05


class DecoderStalled(DecodeError):
    """The child made no progress for ``seconds`` and was killed.

    Attributes
    ----------
    frame : int
        Frames decoded when the last heartbeat came.
    seconds : float
        The stall limit that was exceeded.
    """

    def __init__(self, path: str, seconds: float, frame: int, reason: str | None = None) -> None:
        self.frame = int(frame)
        self.seconds = float(seconds)
        super().__init__(path, reason or f"decoder stalled for {seconds:g} s at frame {frame} (killed by the watchdog)")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.path, self.seconds, self.frame, self.reason)


class DecoderTimeout(DecoderStalled):
    """The child was still working after the overall time limit and was killed."""

    def __init__(self, path: str, seconds: float, frame: int) -> None:
        super().__init__(path, seconds, frame,
                         f"not finished after {seconds:g} s, at frame {frame} (killed by the watchdog)")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.path, self.seconds, self.frame)


class DecoderCrashed(DecodeError):
    """The child process died (a signal such as SIGSEGV, or an abrupt exit).

    Attributes
    ----------
    exitcode : int or None
        The child's exit code; negative for a signal number.
    """

    def __init__(self, path: str, exitcode: int | None, frame: int) -> None:
        self.exitcode = exitcode
        self.frame = int(frame)
        if exitcode is not None and exitcode < 0:
            try:
                how = f"killed by {signal.Signals(-exitcode).name}"
            except ValueError:
                how = f"killed by signal {-exitcode}"
        else:
            how = f"exited with code {exitcode}"
        super().__init__(path, f"decoder process {how} at frame {frame}")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.path, self.exitcode, self.frame)


class RemoteError(RuntimeError):
    """An exception from the child that could not be sent back as itself.

    Attributes
    ----------
    type_name : str
        Qualified name of the original exception type.
    """

    def __init__(self, type_name: str, message: str) -> None:
        self.type_name = type_name
        self.message = message
        super().__init__(f"{type_name}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.type_name, self.message)


class _RemoteTraceback(Exception):
    """Carries the child's traceback text as the ``__cause__`` of a re-raised error."""

    def __init__(self, tb: str) -> None:
        super().__init__(tb)

    def __str__(self) -> str:
        return "\n" + str(self.args[0])


# --------------------------------------------------------------------------- child side
def _portable(exc: BaseException) -> tuple[str, Any, str]:
    """Turn an exception into something that survives pickling: ``(kind, payload, traceback)``."""
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        clone = pickle.loads(pickle.dumps(exc))
        if type(clone) is type(exc) and str(clone) == str(exc):
            return "exc", exc, tb
    except Exception as err:  # noqa: BLE001 - fall through to a description
        log.debug("%s does not pickle (%s); sending a description", type(exc).__name__, err)
    name = f"{type(exc).__module__}.{type(exc).__qualname__}"
    if isinstance(exc, DecodeError):
        return "decode", (exc.path, exc.reason), tb
    if isinstance(exc, CutrateError):
        return "cutrate", str(exc), tb
    return "other", (name, str(exc)), tb


class _ChildProgress:
    """The ``progress`` callback handed to the function in the child."""

    def __init__(self, beats: Any, frames: Any, total: Any) -> None:
        self.beats, self.frames, self.total = beats, frames, total

    def __call__(self, done: int, total: int) -> None:
        self.frames.value = int(done)
        self.total.value = int(total)
        self.beats.value += 1


def _watch_parent(parent: int) -> None:
    """Exit when the parent process is gone (reparented), so no orphan keeps decoding."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(3)


def _child_main(conn: Connection, beats: Any, frames: Any, total: Any, idle: Any, parent: int) -> None:
    """The child's loop: receive a task, run it with heartbeats, send the outcome back."""
    ignore_sigint()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    from ..io.video import set_heartbeat

    def heartbeat(done: int, estimate: int, active: bool) -> None:
        frames.value = done
        total.value = estimate
        idle.value = 0 if active else 1
        beats.value += 1

    set_heartbeat(heartbeat)
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        beats.value += 1  # started
        try:
            fn, args, kwargs, want_progress, levels = pickle.loads(data)
            apply_levels(levels)
            if want_progress:
                kwargs["progress"] = _ChildProgress(beats, frames, total)
            out: tuple[str, Any, str] = ("ok", fn(*args, **kwargs), "")
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
            out = _portable(exc)
        try:
            send_outcome(conn, out)
        except OSError:  # the parent has gone or has given up on this call
            return
        except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable result
            try:
                send_outcome(conn, _portable(TypeError(f"the result cannot be sent back ({exc})")))
            except OSError:
                return


def send_outcome(conn: Any, out: Any) -> None:
    """Send ``out`` with pickle protocol 5, its large arrays (a result's stills) out of
    band: each written from its own memory, so the child never holds a second, pickled
    copy of them."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(out, protocol=5, buffer_callback=buffers.append)
    views = [b.raw() for b in buffers]
    conn.send((len(head), [v.nbytes for v in views]))
    conn.send_bytes(head)
    for v in views:
        conn.send_bytes(v)


def recv_outcome(conn: Any) -> Any:
    """Receive what :func:`send_outcome` sent; the arrays are read into writable
    buffers that become their memory (no copy)."""
    _, sizes = conn.recv()
    head = conn.recv_bytes()
    buffers = []
    for size in sizes:
        buf = bytearray(size)
        if size:
            conn.recv_bytes_into(buf)
        else:
            conn.recv_bytes()
        buffers.append(buf)
    return pickle.loads(head, buffers=buffers)


def current_levels() -> dict[str, Any]:
    """Log levels to reproduce in the child, so it is as quiet as the parent."""
    from ..io.video.logs import ffmpeg_level

    out: dict[str, Any] = {name: logging.getLogger(name).getEffectiveLevel() for name in ("cutrate", "cutrate.io.video")}
    out["av"] = ffmpeg_level()
    return out


def apply_levels(levels: dict[str, Any]) -> None:
    for name, level in levels.items():
        if name == "av":
            if level is not None:
                from ..io.video.logs import show_ffmpeg_messages

                show_ffmpeg_messages(level)
        else:
            logging.getLogger(name).setLevel(level)


# --------------------------------------------------------------------------- parent side
@contextlib.contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while child processes are started, so they inherit an ignored
    SIGINT: a Ctrl-C, which the terminal sends to the whole process group, then
    reaches only the parent, which ends the children itself.  Outside the main
    thread (where signals cannot be changed) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def ignore_sigint() -> None:
    """Process initializer: ignore SIGINT (see :func:`sigint_ignored`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Watchdog:
    """A reusable child process that runs one function call at a time under a watchdog.

    Use as a context manager, or call :meth:`close`.  Not thread-safe: one call at a
    time per instance.

    Parameters
    ----------
    poll_s : float
        How often the heartbeat is checked.
    """

    def __init__(self, *, poll_s: float = POLL_S) -> None:
        self.poll_s = poll_s
        self._proc: Any = None
        self._conn: Connection | None = None
        self._beats: Any = None
        self._frames: Any = None
        self._total: Any = None
        self._idle: Any = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """Process id of the live child, if any."""
        return self._proc.pid if self._proc is not None and self._proc.is_alive() else None

    def _start(self) -> None:
        ctx = mp.get_context("spawn")
        self._beats = ctx.Value("q", 0, lock=False)
        self._frames = ctx.Value("q", 0, lock=False)
        self._total = ctx.Value("q", 0, lock=False)
        self._idle = ctx.Value("b", 0, lock=False)
        parent_conn, child_conn = ctx.Pipe()
        # daemonic: multiprocessing ends it when this process exits (also when this
        # process is itself a multiprocessing worker, where atexit handlers do not run)
        proc = ctx.Process(target=_child_main, name="cutrate-watchdog",
                           args=(child_conn, self._beats, self._frames, self._total, self._idle, os.getpid()),
                           daemon=True)
        # The child inherits an ignored SIGINT, so a Ctrl-C during its start-up (before
        # its own handler is set) cannot print a KeyboardInterrupt traceback.
        with sigint_ignored():
            proc.start()
        child_conn.close()
        self._proc, self._conn = proc, parent_conn

    def _stop(self, *, kill: bool) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if kill and proc is not None and proc.is_alive():
            proc.kill()  # before closing the pipe, so that it cannot fail on a send
        if conn is not None:
            conn.close()  # an idle child sees EOF and exits
        if proc is None:
            return
        proc.join(2.0)
        if proc.is_alive():
            proc.kill()
            proc.join(2.0)

    def close(self) -> None:
        """End the child process (it is idle between calls, so this is immediate)."""
        self._stop(kill=False)

    def run(self, fn: Callable[..., Any], *args: Any, label: str | None = None, stall_s: float = STALL_S,
            timeout_s: float | None = None, startup_s: float = 60.0,
            progress: Callable[[int, int], None] | None = None, **kwargs: Any) -> Any:
        """Call ``fn(*args, **kwargs)`` in the child and return its result.

        Parameters
        ----------
        fn : callable
            A picklable (module-level) function.
        *args, **kwargs
            Its arguments (picklable).
        label : str, optional
            The file named in errors; default: the first argument if it is a path
            (or has a ``path`` attribute).
        stall_s : float
            Longest time without a heartbeat before the child is killed.
        timeout_s : float, optional
            Longest time for the whole call.
        startup_s : float
            Longest time for a new child to start (Python and imports) before the
            stall clock applies.
        progress : callable(done, total), optional
            Passed to ``fn`` as ``progress=``; the child's calls are relayed here
            (from the polling loop, at most every ``poll_s``).

        Returns
        -------
        Whatever ``fn`` returns.

        Raises
        ------
        DecoderStalled, DecoderTimeout
            The child was killed for making no progress or taking too long.
        DecoderCrashed
            The child died.
        Exception
            What ``fn`` raised (as :class:`RemoteError` if it cannot be pickled).
        """
        label = label if label is not None else _label(args)
        if self._proc is None or not self._proc.is_alive():
            self._stop(kill=True)
            self._start()
        assert self._conn is not None
        self._frames.value = 0
        self._total.value = 0
        self._idle.value = 0
        seen = self._beats.value  # before sending: the child beats as soon as it has the task
        self._conn.send_bytes(pickle.dumps((fn, args, kwargs, progress is not None, current_levels())))
        t0 = last = time.monotonic()
        shown = (-1, -1)
        limit = max(stall_s, startup_s)  # until the child says it has started
        try:
            while True:
                if self._conn.poll(self.poll_s):
                    try:
                        kind, payload, tb = recv_outcome(self._conn)
                    except (EOFError, OSError):
                        raise self._crashed(label) from None
                    break
                now = time.monotonic()
                beats = self._beats.value
                if beats != seen:
                    seen, last, limit = beats, now, stall_s
                    now_at = (self._frames.value, self._total.value)
                    if progress is not None and now_at != shown and now_at != (0, 0):
                        shown = now_at
                        progress(*shown)
                if not self._proc.is_alive():
                    if self._conn.poll(0):
                        continue  # the outcome arrived just before the exit
                    raise self._crashed(label)
                if now - last > limit and not self._idle.value:
                    frame = int(self._frames.value)
                    self._stop(kill=True)
                    raise DecoderStalled(label, limit, frame)
                if timeout_s is not None and now - t0 > timeout_s:
                    frame = int(self._frames.value)
                    self._stop(kill=True)
                    raise DecoderTimeout(label, timeout_s, frame)
        except BaseException:
            self._stop(kill=True)  # KeyboardInterrupt included: never leave the child running
            raise
        if kind == "ok":
            final = (self._frames.value, self._total.value)
            if progress is not None and final != shown and final != (0, 0):
                progress(*final)  # the last beats may have come with the outcome
            return payload
        if kind == "exc":
            raise payload from _RemoteTraceback(tb)
        if kind == "decode":
            raise DecodeError(*payload) from _RemoteTraceback(tb)
        if kind == "cutrate":
            raise CutrateError(payload) from _RemoteTraceback(tb)
        raise RemoteError(*payload) from _RemoteTraceback(tb)

    def _crashed(self, label: str) -> DecoderCrashed:
        frame = int(self._frames.value)
        proc = self._proc
        if proc is not None:
            proc.join(2.0)
        code = proc.exitcode if proc is not None else None
        self._stop(kill=True)
        return DecoderCrashed(label, code, frame)


def _label(args: tuple[Any, ...]) -> str:
    if args:
        first = args[0]
        if isinstance(first, (str, os.PathLike)):
            return str(os.fspath(first))
        path = getattr(first, "path", None)
        if isinstance(path, (str, os.PathLike)):
            return str(path)
    return "<task>"


_shared: Watchdog | None = None
_shared_lock = threading.Lock()


def _close_shared() -> None:
    global _shared
    if _shared is not None:
        _shared.close()
        _shared = None


atexit.register(_close_shared)


def run_with_watchdog(fn: Callable[..., Any], *args: Any, stall_s: float = STALL_S, timeout_s: float | None = None,
                      label: str | None = None, progress: Callable[[int, int], None] | None = None,
                      startup_s: float = 60.0, reuse: bool = True, **kwargs: Any) -> Any:
    """Run ``fn(*args, **kwargs)`` in a watched child process (see :meth:`Watchdog.run`).

    Parameters
    ----------
    fn : callable
        A picklable function, e.g. :func:`cutrate.analyze`.
    stall_s : float
        Seconds without progress after which the child is killed.
    timeout_s : float, optional
        Seconds after which the call is given up whatever its progress.
    label : str, optional
        The file named in errors (default: the first argument).
    progress : callable(done, total), optional
        Passed on to ``fn`` as ``progress=`` and relayed back.
    startup_s : float
        Allowance for a new child to start before the stall clock applies.
    reuse : bool
        Keep one child process per parent process for later calls (the default);
        False starts and ends a child for this call only.

    Returns
    -------
    What ``fn`` returns.

    Raises
    ------
    DecoderStalled
        No progress for ``stall_s`` seconds ("decoder stalled for 60 s at frame N").
    DecoderTimeout
        Not finished after ``timeout_s`` seconds.
    DecoderCrashed
        The child process died.

    Examples
    --------
    >>> import cutrate                                                   # doctest: +SKIP
    >>> run_with_watchdog(cutrate.analyze, "ep01.mkv", stall_s=120)      # doctest: +SKIP
    <cutrate.Result ep01.mkv: ...>
    """
    global _shared
    opts: dict[str, Any] = {"label": label, "stall_s": stall_s, "timeout_s": timeout_s, "startup_s": startup_s,
                            "progress": progress}
    if mp.current_process().daemon:
        log.info("daemonic process: running %s without a watchdog", _label(args) if label is None else label)
        return fn(*args, **({**kwargs, "progress": progress} if progress is not None else kwargs))
    if reuse and _shared_lock.acquire(blocking=False):
        try:
            if _shared is None:
                _shared = Watchdog()
            return _shared.run(fn, *args, **opts, **kwargs)
        finally:
            _shared_lock.release()
    with Watchdog() as dog:
        return dog.run(fn, *args, **opts, **kwargs)
