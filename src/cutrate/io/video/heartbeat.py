"""The decoder's heartbeat: lets a watchdog tell a slow decode from a stuck one."""

from __future__ import annotations

from collections.abc import Callable

#: Called as (frames decoded, estimated total, active) (see :func:`set_heartbeat`).
_heartbeat: Callable[[int, int, bool], None] | None = None


def set_heartbeat(fn: Callable[[int, int, bool], None] | None) -> None:
    """Install a callback that follows the decoder's progress.

    It is called as ``fn(done, total, active)``: with ``active=True`` when a file
    is about to be opened and after every demuxed packet (``done`` frames decoded
    so far, ``total`` the container's estimate), and with ``active=False`` when the
    file is closed.  :mod:`cutrate.batch.watchdog` uses it in its worker process to tell
    a slow decode from a stuck one (and not to mistake the numerical work after
    decoding for a stall).  The callback must be cheap; ``None`` removes it.
    """
    global _heartbeat
    _heartbeat = fn


def beat(done: int = 0, total: int = 0, active: bool = True) -> None:
    if _heartbeat is not None:
        _heartbeat(done, total, active)
