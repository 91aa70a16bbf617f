"""The files of one result folder, as writers ``(result, folder) -> path(s)``.

:func:`data_writers` are the JSON and CSV tables (``analysis.json`` last: its
presence marks a complete folder); :func:`report_writers` the plots, the HTML page
and the exports, as chosen.  The batch runner calls them in this order into a
temporary folder, then renames it into place.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..analysis.pipeline import Result
from ..io import tables
from ..io.results import write_document

#: A writer of one result's files into a folder.
Writer = Callable[[Result, Path], Any]


def write_json(result: Result, folder: str | os.PathLike) -> Path:
    """``analysis.json``: everything, with the cutrate version and all settings."""
    return write_document(result.to_dict(), folder)


def write_transitions_csv(result: Result, folder: str | os.PathLike) -> Path:
    """``transitions.csv`` (see :func:`cutrate.io.tables.write_transitions_csv`)."""
    return tables.write_transitions_csv(result.transitions, folder)


def write_shots_csv(result: Result, folder: str | os.PathLike) -> Path:
    """``shots.csv``, PySceneDetect's scene list (see :func:`cutrate.io.tables.write_shots_csv`)."""
    return tables.write_shots_csv(result.shots, folder)


def write_timeline_csv(result: Result, folder: str | os.PathLike) -> Path:
    """``timeline.csv`` (see :func:`cutrate.io.tables.write_timeline_csv`)."""
    return tables.write_timeline_csv(result.timeline, folder)


def data_writers() -> list[Writer]:
    """The standard per-video data writers, ``analysis.json`` last (its presence
    marks a complete folder)."""
    return [write_transitions_csv, write_shots_csv, write_timeline_csv, write_json]


def write_all(result: Result, folder: str | os.PathLike) -> list[Path]:
    """Write the JSON and CSV outputs of ``result`` into ``folder``."""
    return [write(result, Path(folder)) for write in data_writers()]


def _write_plots(result: Result, folder: Path) -> list[Path]:
    from .figures import save_all

    return save_all(result, folder)


def _html_writer(thumbnails: bool) -> Writer:
    def write_report(result: Result, folder: Path) -> Path:
        from .html import write_html

        return write_html(result, folder, thumbnails=thumbnails)

    return write_report


def _write_exports(result: Result, folder: Path) -> list[Path]:
    from .exports import write_exports

    return write_exports(result, folder)


def report_writers(*, plots: bool = True, html: bool = True, exports: bool = True,
                   thumbnails: bool = True) -> list[Writer]:
    """Writers for the plots, ``report.html`` and the exports, as chosen."""
    out: list[Writer] = []
    if plots:
        out.append(_write_plots)
    if html:
        out.append(_html_writer(thumbnails))
    if exports:
        out.append(_write_exports)
    return out
