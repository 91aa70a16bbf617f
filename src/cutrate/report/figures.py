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
from .plots import FIGURE_SIZES, pace, score_trace, season_bars, season_heatmap, shot_graph, shot_lengths
from .text import video_name


def save_season(results: Sequence[Result], folder: str | os.PathLike, formats: Sequence[str] = ("png", "svg"), *,
                dpi: int = 110) -> list[Path]:
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


def png_bytes(fig: Figure, *, dpi: int = 110) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def save_all(result: Result, folder: str | os.PathLike, formats: Sequence[str] = ("png", "svg"), *,
             dpi: int = 110) -> list[Path]:
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
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    figs = figures(result)
    try:
        for name, fig in figs.items():
            for fmt in formats:
                path = folder / f"{name}.{fmt.lstrip('.')}"
                tmp = path.with_name(f".{path.name}.tmp")
                fig.savefig(tmp, format=fmt.lstrip("."), dpi=dpi, facecolor="white")
                os.replace(tmp, path)
                written.append(path)
    finally:
        for fig in figs.values():
            fig.clear()  # not registered with pyplot: clearing releases the artists
    return written
