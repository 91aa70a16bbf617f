"""The files of one result folder, as writers ``(result, folder) -> path(s)``.

:func:`data_writers` are the JSON and CSV tables (``analysis.json`` last: its
presence marks a complete folder); :func:`report_writers` the plots, the HTML page
and the exports, as chosen.  The batch runner calls them in this order into a
temporary folder, then renames it into place.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analysis.pipeline import Result
from ..io import tables
from ..io.results import write_document

#: A writer of one result's files into a folder.  A writer may have a ``warm()``
#: attribute: imports and caches it needs, which a batch runs while the first video
#: decodes (see :func:`warm_up`).
Writer = Callable[[Result, Path], Any]


def warm_up(writers: list[Writer]) -> None:
    """Run each writer's ``warm()`` (never raises: a failure shows when writing)."""
    for w in writers:
        warm = getattr(w, "warm", None)
        if warm is not None:
            try:
                warm()
            except Exception:  # noqa: BLE001 - only a head start; writing reports real errors
                pass


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


def write_stats_csv(result: Result, folder: str | os.PathLike) -> Path | None:
    """``stats.csv``: the per-frame change scores (see :func:`cutrate.io.tables.write_stats_csv`),
    when the result has its evidence."""
    if result.evidence is None:
        return None
    return tables.write_stats_csv(result.evidence, result.transitions, folder)


def data_writers() -> list[Writer]:
    """The standard per-video data writers, ``analysis.json`` last (its presence
    marks a complete folder)."""
    return [write_transitions_csv, write_shots_csv, write_timeline_csv, write_json]


def write_all(result: Result, folder: str | os.PathLike) -> list[Path]:
    """Write the JSON and CSV outputs of ``result`` into ``folder``."""
    return [write(result, Path(folder)) for write in data_writers()]


@dataclass(frozen=True)
class VisualsWriter:
    """The plots and report.html, each figure rendered once for both.  A plain
    record, so a batch can hand it to a helper process."""

    plots: bool = True
    html: bool = True
    thumbnails: bool = True
    svg: bool = False

    def __call__(self, result: Result, folder: Path) -> list[Path]:
        from . import figures

        rendered = figures.render(result, ("png", "svg") if self.plots and self.svg else ("png",))
        written = figures.write_rendered(rendered, folder) if self.plots else []
        if self.plots:
            from .sheets import write_peak_sheet

            written.append(write_peak_sheet(result, folder))
        if self.html:
            from .html import write_html

            pngs = {name: by_fmt["png"] for name, by_fmt in rendered.items()}
            written.append(write_html(result, folder, thumbnails=self.thumbnails, plots=pngs))
        return written

    def warm(self) -> None:
        """Import the plotting and page code and draw a tiny figure (fonts, caches):
        done while the first video decodes, it is off the critical path."""
        from . import figures, html, sheets  # noqa: F401
        from .figures import Figure, figure_bytes, fit_axes

        fig = Figure(figsize=(1.5, 1.0))
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1])
        ax.set_title("cutrate")
        figure_bytes(fit_axes(fig), "png", dpi=40)
        if self.thumbnails or self.plots:
            from PIL import Image, ImageDraw, ImageFont  # noqa: F401


@dataclass(frozen=True)
class ExportsWriter:
    """The EDL, OTIO, FCP XML and Markdown exports, timecodes from ``start_timecode``."""

    start_timecode: str | None = None

    def __call__(self, result: Result, folder: Path) -> list[Path]:
        from .exports import write_exports

        return write_exports(result, folder, start_timecode=self.start_timecode)

    def warm(self) -> None:
        from . import exports  # noqa: F401

        try:
            import opentimelineio  # noqa: F401
        except ImportError:
            pass


def report_writers(*, plots: bool = True, html: bool = True, exports: bool = True, thumbnails: bool = True,
                   svg: bool = False, start_timecode: str | None = None, stats: bool = False) -> list[Writer]:
    """Writers for the plots (PNG, and SVG with ``svg``), ``report.html``, the exports
    (EDL and OTIO starting at ``start_timecode``) and, with ``stats``, the per-frame
    ``stats.csv``, as chosen."""
    out: list[Writer] = []
    if plots or html:
        out.append(VisualsWriter(plots, html, thumbnails, svg))
    if exports:
        out.append(ExportsWriter(start_timecode))
    if stats:
        out.append(write_stats_csv)
    return out
