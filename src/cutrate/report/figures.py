"""The standard figures of a result as files: PNG and SVG, built without pyplot.

:func:`figures` builds the per-video figures, :func:`save_all` writes them into a
result folder, :func:`save_season` writes the season figures of a batch.  No
global pyplot state is used, so this is safe in batch jobs and threads.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

from ..analysis.pipeline import Result
from ..io.atomic import write_atomic
from .plots import FIGURE_SIZES, pace, score_trace, season_bars, season_heatmap, shot_graph, shot_lengths
from .text import video_name


#: The per-video figures, in report order.
STANDARD_FIGURES = ("pace", "shot_lengths", "shot_graph", "score_trace")
#: Resolution of the PNGs.
DPI = 110


def save_season(results: Sequence[Result], folder: str | os.PathLike, formats: Sequence[str] = ("png", "svg"), *,
                dpi: int = DPI) -> list[Path]:
    """``season_heatmap`` and ``season_bars`` figures for a batch, as files in ``folder``."""
    out: list[Path] = []
    n = len(results)
    for name, draw, size in (("season_heatmap", season_heatmap, (11.0, 1.2 + 0.45 * n)),
                             ("season_bars", season_bars, (max(7.0, 1.0 * n + 3.0), 4.4))):
        fig = Figure(figsize=size, layout="constrained")
        draw(results, ax=fig.add_subplot())
        for fmt in formats:
            path = Path(folder) / f"{name}.{fmt}"
            fig.savefig(path, format=fmt, dpi=dpi, facecolor="white")
            out.append(path)
    return out


def figures(result: Result) -> dict[str, Figure]:
    """The standard figures, built without pyplot: ``pace``, ``shot_lengths``,
    ``shot_graph`` and, when the result has its evidence, ``score_trace``."""
    out: dict[str, Figure] = {}
    for name, draw in (("pace", pace), ("shot_lengths", shot_lengths), ("shot_graph", shot_graph)):
        fig = Figure(figsize=FIGURE_SIZES[name], layout="constrained")
        draw(result, ax=fig.add_subplot())
        out[name] = fig
    if result.evidence is not None:
        fig = Figure(figsize=FIGURE_SIZES["score_trace"], layout="constrained")
        score_trace(result.evidence, result.transitions, result.settings, ax=fig.add_subplot(),
                    title=f"Change score — {video_name(result)}")
        out["score_trace"] = fig
    return out


def png_bytes(fig: Figure, *, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes."""
    return figure_bytes(fig, "png", dpi=dpi)


def figure_bytes(fig: Figure, fmt: str, *, dpi: int = DPI) -> bytes:
    """The figure in ``fmt`` (any format matplotlib writes) as bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, facecolor="white")
    return buf.getvalue()


def render(result: Result, formats: Sequence[str] = ("png", "svg"), *, dpi: int = DPI) -> dict[str, dict[str, bytes]]:
    """Every standard figure of ``result``, built once and saved in each format:
    ``{name: {format: bytes}}``.  The report embeds the PNGs the files hold."""
    out: dict[str, dict[str, bytes]] = {}
    for name, fig in figures(result).items():
        try:
            out[name] = {fmt.lstrip("."): figure_bytes(fig, fmt.lstrip("."), dpi=dpi) for fmt in formats}
        finally:
            fig.clear()  # not registered with pyplot: clearing releases the artists
    return out


def write_rendered(rendered: dict[str, dict[str, bytes]], folder: str | os.PathLike) -> list[Path]:
    """Write :func:`render` output to ``folder/<name>.<format>`` (atomically); figures
    that were not rendered this time (e.g. the change score without the evidence)
    are removed, so a folder never shows a stale plot."""
    folder = Path(folder)
    written = [write_atomic(folder / f"{name}.{fmt}", data) for name, by_fmt in rendered.items()
               for fmt, data in by_fmt.items()]
    for name in STANDARD_FIGURES:
        if name not in rendered:
            for fmt in ("png", "svg"):
                (folder / f"{name}.{fmt}").unlink(missing_ok=True)
    return written


def save_all(result: Result, folder: str | os.PathLike, formats: Sequence[str] = ("png", "svg"), *,
             dpi: int = DPI) -> list[Path]:
    """Render the standard figures to ``folder/<name>.<format>`` (e.g. ``pace.png``, ``pace.svg``).

    Parameters
    ----------
    result : Result
    folder : str or PathLike
        Created if needed.
    formats : sequence of str
        Any format matplotlib writes (``png``, ``svg``, ``pdf`` ...).
    dpi : int
        Resolution of raster formats.

    Returns
    -------
    list of Path
        The files written, figure by figure.
    """
    return write_rendered(render(result, formats, dpi=dpi), folder)
