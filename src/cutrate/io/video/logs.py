"""FFmpeg's own log messages: read and set their level without PyAV's Python callback.

PyAV's ``av.logging.set_level()`` installs a Python log callback that decoder
threads call with the GIL held, which deadlocks on damaged files (see
:func:`cutrate.io.video.open.python_logging_active`); these helpers keep FFmpeg's
own callback, which prints to stderr itself.
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)


def ffmpeg_level() -> int | None:
    """PyAV's current log level if PyAV is loaded (None: FFmpeg's messages are dropped)."""
    if "av" not in sys.modules:
        return None
    try:
        import av.logging

        return av.logging.get_level()
    except Exception as err:  # noqa: BLE001 - logging levels are cosmetic
        log.debug("cannot read PyAV's log level (%s)", err)
        return None


def show_ffmpeg_messages(level: int | None = None) -> None:
    """Let FFmpeg print its own messages at ``level`` (default: warnings) to stderr."""
    try:
        import av.logging

        av.logging.set_libav_level(av.logging.WARNING if level is None else level)
        av.logging.restore_default_callback()
    except Exception as err:  # noqa: BLE001 - logging levels are cosmetic
        log.debug("cannot set FFmpeg's log level (%s)", err)
