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

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..analysis.pipeline import Result
from ..io.atomic import write_atomic
from .plots import (
    FIGURE_SIZES,
    compare,
    pace,
    score_trace,
    season_bars,
    season_heatmap,
    season_pace,
    shot_graph,
    shot_lengths,
)
from .text import video_name


#: The per-video figures, in report order.
STANDARD_FIGURES = ("pace", "shot_lengths", "shot_graph", "score_trace")
#: Resolution of the PNGs.
DPI = 110


def season_bin(longest_s: float) -> float:
    """The heatmap's slice: a minute for episodes of 10 minutes or more, else a round
    step that gives at least a dozen slices."""
    if longest_s >= 600:
        return 60.0
    for step in (1.0, 2.0, 5.0, 10.0, 15.0, 30.0):
        if longest_s / step <= 40:
            return step
    return 60.0


#: The season figures of a batch, in report order.
SEASON_FIGURES = ("season_heatmap", "season_pace", "season_bars", "season_shot_lengths")


def render_season(results: Sequence[Result], formats: Sequence[str] = ("png", "svg"), *,
                  dpi: int = DPI, names: Sequence[str] = SEASON_FIGURES) -> dict[str, dict[str, bytes]]:
    """The season figures of a batch named in ``names`` (:data:`SEASON_FIGURES`), each
    built once: ``{name: {format: bytes}}``."""
    n = len(results)
    longest = max((r.info.duration_s for r in results), default=60.0)
    bin_s = season_bin(longest)
    width = 11.0
    draws = {
        "season_heatmap": (lambda ax: season_heatmap(results, ax=ax, bin_s=bin_s), (width, 1.6 + 0.42 * n)),
        "season_pace": (lambda ax: season_pace(results, ax=ax), (width, 4.6)),
        "season_bars": (lambda ax: season_bars(results, ax=ax), (width, 4.8)),
        "season_shot_lengths": (lambda ax: compare(results, ax=ax), (width, 4.8)),
    }
    out: dict[str, dict[str, bytes]] = {}
    for name in names:
        draw, size = draws[name]
        fig = Figure(figsize=size, dpi=dpi, layout="constrained")
        try:
            draw(fig.add_subplot())
            if len(fig.axes) == 1:  # the heatmap's colour bar is left to the layout engine
                fit_axes(fig)
            out[name] = {fmt: figure_bytes(fig, fmt, dpi=dpi) for fmt in formats}
        finally:
            fig.clear()
    return out


def save_season(results: Sequence[Result], folder: str | os.PathLike, formats: Sequence[str] = ("png", "svg"), *,
                dpi: int = DPI) -> list[Path]:
    """The season figures (:func:`render_season`) as files in ``folder``."""
    rendered = render_season(results, formats, dpi=dpi)
    return [write_atomic(Path(folder) / f"{name}.{fmt}", data) for name, by_fmt in rendered.items()
            for fmt, data in by_fmt.items()]


#: Space kept between a figure's edge and its outermost text, in inches (as
#: matplotlib's constrained layout keeps).
PAD_IN = 3 / 72


def fit_axes(fig: Figure, *, pad_in: float = PAD_IN) -> Figure:
    """Place the figure's one axes so that everything it draws (tick labels, axis
    labels, title, a legend outside the plot) fits the figure with ``pad_in`` to spare.

    This is what ``layout="constrained"`` gives a one-axes figure, measured in one
    pass instead of being solved again at every draw: the text of a figure is laid
    out once for the margins and once for the pixels, which makes a figure about
    40 % cheaper to render.  The figure keeps no layout engine afterwards, so each
    format it is saved in draws the same positions.
    """
    (ax,) = fig.axes
    renderer = FigureCanvasAgg(fig).get_renderer()
    w_in, h_in = fig.get_size_inches()
    dpi = fig.dpi
    inner = ax.get_window_extent(renderer)
    outer = ax.get_tightbbox(renderer)
    left = (inner.x0 - outer.x0) / dpi + pad_in
    right = (outer.x1 - inner.x1) / dpi + pad_in
    bottom = (inner.y0 - outer.y0) / dpi + pad_in
    top = (outer.y1 - inner.y1) / dpi + pad_in
    width = max(w_in - left - right, 0.25 * w_in)
    height = max(h_in - bottom - top, 0.25 * h_in)
    fig.set_layout_engine("none")
    ax.set_position((left / w_in, bottom / h_in, width / w_in, height / h_in))
    return fig


def figures(result: Result) -> dict[str, Figure]:
    """The standard figures, built without pyplot: ``pace``, ``shot_lengths``,
    ``shot_graph`` and, when the result has its evidence, ``score_trace``."""
    out: dict[str, Figure] = {}
    for name, draw in (("pace", pace), ("shot_lengths", shot_lengths), ("shot_graph", shot_graph)):
        fig = Figure(figsize=FIGURE_SIZES[name], dpi=DPI)
        draw(result, ax=fig.add_subplot())
        out[name] = fit_axes(fig)
    if result.evidence is not None:
        fig = Figure(figsize=FIGURE_SIZES["score_trace"], dpi=DPI)
        score_trace(result.evidence, result.transitions, result.settings, ax=fig.add_subplot(),
                    title=f"Change score — {video_name(result)}")
        out["score_trace"] = fit_axes(fig)
    return out


def png_bytes(fig: Figure, *, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes."""
    return figure_bytes(fig, "png", dpi=dpi)


def figure_bytes(fig: Figure, fmt: str, *, dpi: int = DPI) -> bytes:
    """The figure in ``fmt`` (any format matplotlib writes) as bytes."""
    buf = io.BytesIO()
    # PNG at zlib level 1: faster to write, for a few per cent more bytes
    extra = {"pil_kwargs": {"compress_level": 1}} if fmt == "png" else {}
    fig.savefig(buf, format=fmt, dpi=dpi, facecolor="white", **extra)
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
