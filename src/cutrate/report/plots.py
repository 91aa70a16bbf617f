"""Plots of an analysis (``cutrate.plot``): draw, never show or save.

Every function draws onto ``ax`` (a new figure with constrained layout when
``ax`` is None), passes ``**kwargs`` to its main artist, returns that artist and
never shows or saves anything::

    import cutrate
    line = cutrate.plot.pace(result)                 # new figure
    fig, axes = plt.subplots(2, layout="constrained")
    cutrate.plot.shot_lengths(result, ax=axes[0])    # into your axes

Writing figures to files is :mod:`cutrate.report.figures`; this module and that one
are the only ones that import matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import ticker
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .._fmt import count_words, mss, peak_sentence
from ..analysis.pipeline import Result
from ..settings import REVIEW_CONFIDENCE, DetectSettings, Settings
from ..types import TRANSITION_KINDS, Evidence, Features, Peak, Segment, Timeline, Transition
from .season import pace_grid
from .text import left_out, video_name

#: Colour of each transition kind (Okabe-Ito, safe for colour-blind readers).
KIND_COLORS: dict[str, str] = {"cut": "#0072B2", "dissolve": "#E69F00", "fade": "#009E73", "flash": "#CC79A7"}
_MARKERS = {"cut": "v", "dissolve": "D", "fade": "s", "flash": "*"}
_INK = "#222222"
_PEAK = "#F4A582"
FIGURE_SIZES = {"pace": (11.0, 4.2), "shot_lengths": (9.0, 4.2), "shot_graph": (11.0, 4.2), "score_trace": (11.0, 4.0)}


class ClockLocator(ticker.Locator):
    """Ticks on round clock times (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10 ... min)."""

    STEPS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200)

    def __init__(self, max_ticks: int = 9) -> None:
        self.max_ticks = max_ticks

    def __call__(self) -> Sequence[float]:
        lo, hi = self.axis.get_view_interval()
        return self.tick_values(lo, hi)

    def tick_values(self, vmin: float, vmax: float) -> Sequence[float]:
        lo, hi = sorted((float(vmin), float(vmax)))
        span = max(hi - lo, 1e-9)
        step = next((s for s in self.STEPS if span / s <= self.max_ticks), None)
        if step is None:
            step = 3600.0 * math.ceil(span / 3600.0 / self.max_ticks)
        first = math.ceil(lo / step - 1e-9) * step
        return self.raise_if_exceeds(np.arange(first, hi + step * 1e-6, step))


class ClockFormatter(ticker.Formatter):
    """Tick labels ``M:SS`` (``H:MM:SS`` when the axis reaches an hour; tenths when needed)."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        hi = max(abs(v) for v in self.axis.get_view_interval()) if self.axis is not None else abs(x)
        if abs(x - round(x)) > 1e-6:
            whole = math.floor(x)
            return f"{mss(whole, hours=hi >= 3600)}.{round((x - whole) * 10) % 10}"
        return mss(x, hours=hi >= 3600)


def time_axis(ax: Axes, *, end_s: float | None = None) -> None:
    """Format the x axis of ``ax`` as clock time and label it with its unit."""
    ax.xaxis.set_major_locator(ClockLocator())
    ax.xaxis.set_major_formatter(ClockFormatter())
    end = end_s if end_s is not None else ax.get_xlim()[1]
    ax.set_xlabel("time (H:MM:SS)" if end >= 3600 else "time (M:SS)")


def _axes(ax: Axes | None, kind: str) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=FIGURE_SIZES.get(kind, (10.0, 4.0)), layout="constrained")
    return new


def _finish(ax: Axes, title: str, handles: list | None, **title_kw: Any) -> None:
    """Title, light grid, and the legend outside the plot on the right, where it never covers data."""
    ax.set_title(title, loc="left", fontsize=12, **title_kw)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if handles is not None:
        ax.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
                  fontsize=9)


def pace(data: Result | Timeline, ax: Axes | None = None, *, transitions: Sequence[Transition] | None = None,
         peak: Peak | None = None, average: float | None = None, span: tuple[float, float] | None = None,
         title: str | None = None, **kwargs: Any) -> Line2D:
    """Cuts per minute in the sliding window over the video.

    Draws the timeline as a line (dashed and grey where the window reaches past the
    video's start or end and so counts only what is inside), a rug of the
    transitions coloured by kind, the peak window shaded and labelled ("93 shot
    changes in 60 s, 12:31.4–13:31.4") and the video's average as a dashed line.
    What is counted (shot changes or hard cuts) is named on the axis.

    Parameters
    ----------
    data : Result or Timeline
        A whole result, or just its timeline (then pass the extras below).
    ax : Axes, optional
        Where to draw; a new figure when None.
    transitions, peak, average, span
        Override (or, for a bare Timeline, supply) the transitions for the rug,
        the peak window, the average cuts per minute and the ``(start, end)`` of
        the video in seconds.
    title : str, optional
        Defaults to "Pace — <video file name>".
    **kwargs
        Passed to ``ax.plot`` for the timeline line.

    Returns
    -------
    Line2D
        The cuts-per-minute line.
    """
    ax = _axes(ax, "pace")
    s = None
    if isinstance(data, Result):
        tl, info, s = data.timeline, data.info, data.summary
        transitions = data.transitions if transitions is None else transitions
        peak = s.peak if peak is None else peak
        average = s.cuts_per_minute if average is None else average
        span = (info.start_time, info.start_time + info.duration_s) if span is None else span
        title = title or f"Pace — {video_name(data)}"
    else:
        tl = data
    times, cpm = np.asarray(tl.times, float), np.asarray(tl.cuts_per_minute, float)
    if span is None:
        span = (float(times[0]), float(times[-1])) if times.size else (0.0, 1.0)
    if span[1] <= span[0]:
        span = (span[0], span[0] + 1.0)
    transitions = list(transitions or [])
    what = count_words(tl.count)
    finite = cpm[np.isfinite(cpm)]
    top = max(float(finite.max()) if finite.size else 0.0, average or 0.0, 1.0) * 1.25
    partial = np.asarray(tl.partial, bool) if tl.partial is not None else np.zeros(times.shape[0], bool)
    full = np.where(partial, np.nan, cpm)
    # the partial stretches, each joined to its full neighbours so the line is continuous
    edge = partial | np.concatenate([partial[1:], [False]]) | np.concatenate([[False], partial[:-1]])
    part = np.where(edge, cpm, np.nan)
    style = {"color": _INK, "linewidth": 1.8, "label": f"{what} per minute ({tl.window_s:g} s window)", **kwargs}
    line = ax.plot(times, full, **style)[0]
    handles: list = [line]
    if partial.any():
        handles += ax.plot(times, part, color="#888888", linewidth=1.4, linestyle=(0, (3, 2)),
                           label="window partly outside the counted time:\ncounts only what is inside")
    short = span[1] - span[0] < tl.window_s
    if average is not None and math.isfinite(average) and not short:
        handles.append(ax.axhline(average, color="#555555", linestyle="--", linewidth=1.1,
                                  label=f"average {average:.1f} {what}/min"))
    if peak is not None and peak.count > 0:
        a, b = max(peak.start, span[0]), min(peak.end, span[1])
        handles.append(ax.axvspan(a, b, color=_PEAK, alpha=0.35, linewidth=0, zorder=0, label="peak window"))
        left = (a + b) / 2 <= (span[0] + span[1]) / 2
        ax.text(a if left else b, 0.97, " " + peak_sentence(peak, s) + " ", transform=ax.get_xaxis_transform(),
                ha="left" if left else "right", va="top", fontsize=10, fontweight="bold", color="#8c2d04")
    if short:
        rate = "" if average is None or not math.isfinite(average) else f" ({average:.1f} {what} per minute on average)"
        ax.text(0.01, 0.89, f"the video is shorter than the {tl.window_s:g} s window:\nevery window holds all of it"
                + rate, transform=ax.transAxes, ha="left", va="top", fontsize=9, style="italic", color="#555555")
    if isinstance(data, Result):
        gone = left_out(data)
        for k, g in enumerate(gone):
            handles_g = ax.axvspan(g.start, g.end, color="#bbbbbb", alpha=0.45, linewidth=0, zorder=0.5,
                                   hatch="//", label="left out of the pace: " + ", ".join(sorted({x.label or x.kind for x in gone})))
            if k == 0:
                handles.append(handles_g)
    trans = ax.get_xaxis_transform()
    for kind in [*TRANSITION_KINDS, *sorted({t.kind for t in transitions} - set(TRANSITION_KINDS))]:
        ts = [t.time for t in transitions if t.kind == kind]
        if ts:
            color = KIND_COLORS.get(kind, "#777777")
            ax.vlines(ts, 0.0, 0.075, transform=trans, colors=color, linewidth=1.2)
            handles.append(Line2D([], [], color=color, linewidth=2, label=f"{kind} ({len(ts)})"))
    # the rug lives below zero, under the curve's floor
    ax.set_ylim(-0.1 * top, top)
    ax.yaxis.set_major_locator(ticker.FixedLocator(ticker.MaxNLocator(6).tick_values(0, top)))
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: "" if v < 0 or v > top else f"{v:g}"))
    ax.axhline(0, color="#999999", linewidth=0.6)
    ax.set_xlim(*span)
    time_axis(ax, end_s=span[1])
    ax.set_ylabel(f"{what} per minute ({tl.window_s:g} s window)")
    _finish(ax, title or "Pace", handles)
    return line


def _log_ticks(ax: Axes, lo: float, hi: float) -> None:
    subs = (1.0, 2.0, 5.0) if hi / lo > 8 else (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0)
    ax.xaxis.set_major_locator(ticker.LogLocator(base=10, subs=subs))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())


def shot_lengths(result: Result, ax: Axes | None = None, *, bins: int | None = None, title: str | None = None,
                 **kwargs: Any) -> Artist:
    """Histogram of shot lengths on a log time axis, with ASL, MSL and a lognormal fit.

    The fitted curve is Salt's lognormal: ``mu`` and ``sigma`` are the mean and
    standard deviation of the natural log of the shot lengths
    (``summary.lognormal``), scaled to the histogram's counts.

    Parameters
    ----------
    result : Result
    ax : Axes, optional
    bins : int, optional
        Number of log-spaced bins (default: about ``2 * sqrt(shots)``, 6 to 40).
    title : str, optional
    **kwargs
        Passed to ``ax.stairs`` for the histogram.

    Returns
    -------
    StepPatch
        The histogram.
    """
    ax = _axes(ax, "shot_lengths")
    lengths = np.array([sh.duration for sh in result.shots], float)
    lengths = lengths[lengths > 0]
    s = result.summary
    ax.set_xlabel("shot length (s, log scale)")
    ax.set_ylabel("shots")
    _finish(ax, title or f"Shot lengths — {video_name(result)}", None)
    if lengths.size == 0:
        return ax.text(0.5, 0.5, "no shots", transform=ax.transAxes, ha="center", va="center")
    lo, hi = float(lengths.min()) / 1.2, float(lengths.max()) * 1.2
    nb = bins or int(np.clip(round(2 * math.sqrt(lengths.size)), 6, 40))
    edges = np.geomspace(lo, hi, nb + 1)
    counts, _ = np.histogram(lengths, edges)
    style = {"fill": True, "color": "#9ecae1", "edgecolor": "#3182bd", "linewidth": 0.8,
             "label": f"{lengths.size} shots", **kwargs}
    hist = ax.stairs(counts, edges, **style)
    ax.set_xscale("log")
    handles: list = [hist]
    ln = s.lognormal
    if ln.mu is not None and ln.sigma:
        mu, sigma = float(ln.mu), float(ln.sigma)
        x = np.geomspace(lo, hi, 300)
        z = (np.log(x) - mu) / sigma
        expected = lengths.size * math.log(edges[1] / edges[0]) * np.exp(-0.5 * z * z) / (sigma * math.sqrt(2 * math.pi))
        handles += ax.plot(x, expected, color="#d95f02", linewidth=1.8,
                           label=f"lognormal fit: μ = {mu:.2f}, σ = {sigma:.2f}\n(median $e^\\mu$ = {math.exp(mu):.2f} s)")
    if math.isfinite(s.asl_s):
        handles.append(ax.axvline(s.asl_s, color=_INK, linewidth=1.6, label=f"ASL (mean) {s.asl_s:.2f} s"))
    if math.isfinite(s.msl_s):
        handles.append(ax.axvline(s.msl_s, color=_INK, linestyle="--", linewidth=1.6,
                                  label=f"MSL (median) {s.msl_s:.2f} s"))
    ax.set_xlim(lo, hi)
    ax.set_ylim(0, max(float(counts.max()), 1.0) * 1.15)
    ax.yaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    _log_ticks(ax, lo, hi)
    _finish(ax, title or f"Shot lengths — {video_name(result)}", handles)
    return hist


def shot_graph(result: Result, ax: Axes | None = None, *, degree: int = 6, window: int = 10,
               title: str | None = None, **kwargs: Any) -> PolyCollection:
    """Cinemetrics-style shot graph: one bar per shot, hanging from the top.

    Each shot is a bar spanning its time on the x axis whose length downwards is
    the shot's length: the shot-length axis grows downwards, so runs of short
    shots stand out as tall white peaks rising from the bottom.  Neighbouring
    bars alternate in shade so single shots stay visible.  A few long takes do not
    set the depth: shots longer than four times the 90th percentile are cut at the
    axis with their length written on them.

    Parameters
    ----------
    result : Result
    ax : Axes, optional
    degree : int
        Flexibility of the trend of shot length over time: a Gaussian-weighted mean
        of the shot lengths with a width of the video's duration / (2 × degree),
        about as flexible as a polynomial of that degree (Cinemetrics' trendline)
        but never outside the range of the lengths; none below 4 shots.
    window : int
        Length in shots of the centred moving average (shortened at the ends, and
        to half the number of shots when there are few).
    title : str, optional
    **kwargs
        Passed to the bars' ``PolyCollection``.

    Returns
    -------
    PolyCollection
        The bars.
    """
    ax = _axes(ax, "shot_graph")
    info = result.info
    starts, ends = (np.array([getattr(sh, k) for sh in result.shots], float) for k in ("start", "end"))
    lengths = ends - starts
    top = _shot_axis_limit(lengths)
    shown = np.minimum(lengths, top)
    verts = [((a, 0.0), (b, 0.0), (b, h), (a, h)) for a, b, h in zip(starts, ends, shown)]
    colors = ["#6b8fb8" if i % 2 else "#4a6f99" for i in range(len(verts))]
    style = {"facecolors": colors, "edgecolors": "none", "label": f"shots ({len(verts)})", **kwargs}
    bars = PolyCollection(verts, **style)
    ax.add_collection(bars, autolim=True)
    handles: list = [Patch(facecolor="#4a6f99", label=f"shot lengths ({len(verts)} shots)")]
    long = np.flatnonzero(lengths > top)
    for i in long:  # shots longer than the axis: cut at its edge, their length written on them
        ax.text((starts[i] + ends[i]) / 2, top * 0.97, f"{lengths[i]:.1f} s ↓", ha="center", va="bottom",
                fontsize=8, color="white", fontweight="bold", clip_on=True)
    if long.size:
        handles.append(Patch(facecolor="#4a6f99", hatch="//", edgecolor="white",
                             label=f"{long.size} longer shot{'s' if long.size > 1 else ''} cut at {top:.1f} s"))
    mids = (starts + ends) / 2
    if lengths.size >= 4 and degree >= 1:
        # a kernel-smoothed trend: as flexible as a polynomial of the given degree,
        # but a weighted mean of shot lengths, so it never leaves their range
        width = max((ends[-1] - starts[0]) / (2.0 * degree), 1e-3)
        x = np.linspace(starts[0], ends[-1], 400)
        wgt = np.exp(-0.5 * ((x[:, None] - mids[None, :]) / width) ** 2) * lengths[None, :].clip(1e-6)
        y = (wgt * lengths[None, :]).sum(1) / wgt.sum(1).clip(1e-12)
        handles += ax.plot(x, np.minimum(y, top), color="#d95f02", linewidth=2.0,
                           label=f"trend (smoothed over ±{width:.0f} s)" if width >= 1 else "trend (smoothed)")
    w = min(int(window), max(lengths.size // 2, 1))
    if w >= 2:
        c = np.concatenate([[0.0], np.cumsum(lengths)])
        i = np.arange(lengths.size)
        lo, hi = np.maximum(i - w // 2, 0), np.minimum(i - w // 2 + w, lengths.size)
        handles += ax.plot(mids, np.minimum((c[hi] - c[lo]) / (hi - lo), top), color="#1b9e77", linewidth=1.6,
                           label=f"moving average ({w} shots)")
    if math.isfinite(result.summary.asl_s) and result.summary.asl_s <= top:
        handles.append(ax.axhline(result.summary.asl_s, color="#555555", linestyle="--", linewidth=1.0,
                                  label=f"ASL {result.summary.asl_s:.2f} s"))
    end = info.start_time + info.duration_s
    ax.set_xlim(info.start_time, max(end, float(ends[-1]) if ends.size else end))
    ax.set_ylim(top * 1.02, 0)
    ax.set_ylabel("shot length (s) — longer ↓")
    time_axis(ax, end_s=end)
    _finish(ax, title or f"Shot graph — {video_name(result)}", handles)
    return bars


def _shot_axis_limit(lengths: np.ndarray) -> float:
    """The shot graph's depth: the longest shot, unless a few long takes would squash
    everything else into a few pixels; then four times the 90th percentile."""
    if lengths.size == 0:
        return 1.0
    longest = float(lengths.max())
    typical = 4.0 * float(np.quantile(lengths, 0.9))
    return max(min(longest, typical), 1e-3)


def score_trace(features: Features | Evidence, transitions: Sequence[Transition], settings: Settings | DetectSettings,
                ax: Axes | None = None, *,
                title: str | None = None, **kwargs: Any) -> Line2D:
    """The per-frame change score with the cut threshold and the detected transitions.

    For tuning: transitions are marked by kind at their frame's score, gradual
    ones with their span shaded; hollow rings mark confidence below
    :data:`~cutrate.settings.REVIEW_CONFIDENCE`.

    Parameters
    ----------
    features : Features or Evidence
        ``features.times`` and ``features.score`` are drawn (``result.evidence``
        has them when the features do not travel with a result).
    transitions : sequence of Transition
    settings : Settings or DetectSettings
        Source of the threshold line.
    ax : Axes, optional
    title : str, optional
    **kwargs
        Passed to ``ax.plot`` for the score line.

    Returns
    -------
    Line2D
        The score line.
    """
    ax = _axes(ax, "score_trace")
    times, score = np.asarray(features.times, float), np.asarray(features.score, float)
    threshold = float((settings.detect if isinstance(settings, Settings) else settings).threshold)
    style = {"color": "#555555", "linewidth": 0.8, "label": "change score", **kwargs}
    line = ax.plot(times, score, **style)[0]
    handles: list = [line, ax.axhline(threshold, color="#d62728", linestyle="--", linewidth=1.1,
                                      label=f"threshold {threshold:g}")]
    n = score.size
    low = [t for t in transitions if t.confidence < REVIEW_CONFIDENCE and 0 <= t.frame < n]
    for kind in TRANSITION_KINDS:
        sel = [t for t in transitions if t.kind == kind and 0 <= t.frame < n]
        if not sel:
            continue
        color = KIND_COLORS[kind]
        for t in sel:
            if t.end_frame > t.start_frame:
                ax.axvspan(times[max(t.start_frame, 0)], times[min(t.end_frame, n - 1)], color=color, alpha=0.18,
                           linewidth=0, zorder=0)
        handles.append(ax.scatter([times[t.frame] for t in sel], [score[t.frame] for t in sel], s=36,
                                  marker=_MARKERS[kind], color=color, zorder=3, clip_on=False,
                                  label=f"{kind} ({len(sel)})"))
    if low:
        handles.append(ax.scatter([times[t.frame] for t in low], [score[t.frame] for t in low], s=160,
                                  facecolors="none", edgecolors="#d62728", linewidths=1.2, zorder=4, clip_on=False,
                                  label=f"confidence < {REVIEW_CONFIDENCE:g} ({len(low)})"))
    top = max(float(score.max()) if n else 0.0, threshold) * 1.12 + 0.02
    ax.set_ylim(0, min(top, 1.05))
    if n > 1:
        ax.set_xlim(float(times[0]), float(times[-1]))
    time_axis(ax, end_s=float(times[-1]) if n else None)
    ax.set_ylabel("change score (0–1)")
    name = Path(features.info.path).name if isinstance(features, Features) else ""
    _finish(ax, title or ("Change score — " + name if name else "Change score"), handles)
    return line


def compare(results: Sequence[Result], ax: Axes | None = None, *, labels: Sequence[str] | None = None,
            title: str | None = None, **kwargs: Any) -> Line2D:
    """Shot-length distributions of several videos side by side.

    One box per video on a log axis (box: quartiles, centre line: MSL, whiskers:
    5th to 95th percentile), a diamond at its ASL and its cuts per minute written
    above it.

    Parameters
    ----------
    results : sequence of Result
    ax : Axes, optional
    labels : sequence of str, optional
        One per result; defaults to the video file names without extension.
    title : str, optional
    **kwargs
        Passed to ``ax.plot`` for the ASL markers.

    Returns
    -------
    Line2D
        The ASL markers.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(results) + 3.0), 4.6), layout="constrained")
    labels = list(labels) if labels is not None else [Path(video_name(r)).stem for r in results]
    data = [np.array([sh.duration for sh in r.shots] or [np.nan], float) for r in results]
    pos = np.arange(1, len(results) + 1)
    if results:
        ax.boxplot(data, positions=pos, widths=0.55, whis=(5, 95), patch_artist=True,
                   boxprops={"facecolor": "#c6dbef", "edgecolor": "#3182bd"},
                   medianprops={"color": _INK, "linewidth": 1.6},
                   flierprops={"marker": ".", "markersize": 3, "markeredgecolor": "#999999"})
    style = {"linestyle": "none", "marker": "D", "color": "#d95f02", "markersize": 6, "label": "ASL (mean)", **kwargs}
    asl = ax.plot(pos, [r.summary.asl_s for r in results], **style)[0]
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    for p, r in zip(pos, results):
        ax.annotate(f"{r.summary.cuts_per_minute:.1f}\n/min", (p, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=8)
    _category_ticks(ax, pos, labels)
    ax.set_xlim(0.4, len(results) + 0.6)
    ax.set_ylabel("shot length (s, log scale)")
    _finish(ax, title or "Shot lengths by video", [Patch(facecolor="#c6dbef", edgecolor="#3182bd",
            label="quartiles, 5–95 % whiskers"), Line2D([], [], color=_INK, linewidth=1.6, label="MSL (median)"), asl],
            pad=30)
    return asl


def _category_ticks(ax: Axes, x: np.ndarray, labels: Sequence[str]) -> None:
    """One label per category at a readable size: rotated, and cut short when long."""
    short = [lb if len(lb) <= 22 else lb[:20] + "…" for lb in labels]
    rotate = len(labels) > 4
    ax.set_xticks(x, short, rotation=35 if rotate else 0, ha="right" if rotate else "center", fontsize=9)


def season_heatmap(results: Sequence[Result], ax: Axes | None = None, *, labels: Sequence[str] | None = None,
                   bin_s: float = 60.0, title: str | None = None, **kwargs: Any):
    """Episodes × slices: how many transitions fall in each ``bin_s`` slice of each
    episode, per minute of slice (``count × 60 / bin_s``).

    Nothing is extrapolated: an episode's last slice is drawn only as far as the
    episode goes and counts only what is in it, hatched when it is shorter than
    ``bin_s``.  Each episode's headline peak window is outlined.  What is counted
    (shot changes or hard cuts) is named on the colour bar.  Returns the first
    row's ``QuadMesh``; ``**kwargs`` go to ``ax.pcolormesh``.
    """
    from matplotlib.colors import Normalize
    from matplotlib.patches import Rectangle

    ax = _axes(ax, "pace")
    labels = list(labels) if labels is not None else [Path(video_name(r)).stem for r in results]
    grid = pace_grid(results, bin_s)
    finite = grid.rates[np.isfinite(grid.rates)]
    norm = Normalize(0.0, max(float(finite.max()) if finite.size else 1.0, 1.0))
    cmap = kwargs.pop("cmap", "YlOrRd")
    first = None
    longest = max((r.info.duration_s for r in results), default=bin_s)
    for i, r in enumerate(results):
        edges = np.minimum(np.arange(grid.rates.shape[1] + 1) * bin_s, r.info.duration_s)
        k = int(np.searchsorted(edges, r.info.duration_s - 1e-9, side="left"))  # slices the episode reaches
        row = grid.rates[i, : max(k, 1)]
        mesh = ax.pcolormesh(r.info.start_time + edges[: row.size + 1], [i, i + 1], row[None, :], cmap=cmap,
                             norm=norm, shading="flat", **kwargs)
        first = first or mesh
        last = r.info.duration_s - edges[k - 1] if k else 0.0
        if k and last < 0.95 * bin_s:  # the last slice is clearly short: say so
            x0 = r.info.start_time + edges[k - 1]
            ax.add_patch(Rectangle((x0, i), last, 1, fill=False, hatch="///", edgecolor="#777777", linewidth=0))
        for g in left_out(r):  # what the pace numbers leave out, greyed and named
            ax.add_patch(Rectangle((g.start, i), g.end - g.start, 1, facecolor="#d9d9d9", edgecolor="#999999",
                                   linewidth=0.5, zorder=2))
            if g.end - g.start >= 0.04 * longest:
                ax.text((g.start + g.end) / 2, i + 0.5, _short_kind(g), ha="center", va="center", fontsize=7,
                        color="#555555", zorder=3, clip_on=True)
        p = r.summary.peak
        if p.count:
            ax.add_patch(Rectangle((p.start, i + 0.08), p.end - p.start, 0.84, fill=False, edgecolor=_INK,
                                   linewidth=1.6))
    what = count_words(results[0].summary.count) if results else "transitions"
    if first is not None:
        ax.figure.colorbar(first, ax=ax, label=f"{what} per minute of slice", pad=0.01)
    ax.set_yticks(np.arange(len(results)) + 0.5, labels)
    ax.set_ylim(len(results), 0)
    time_axis(ax, end_s=longest)
    ax.set_xlim(0, longest)
    grey = "; grey: left out of the pace" if any(left_out(r) for r in results) else ""
    ax.set_title(title or f"Pace by episode ({bin_s:g} s slices; outlined: each episode's peak window; "
                 f"hatched: a last slice shorter than the others{grey})", loc="left", fontsize=10)
    return first


def _short_kind(g: Segment) -> str:
    """A left-out span's name for a small label: ``OP``, ``ED``, ``recap``, the user's label."""
    return {"opening": "OP", "ending": "ED"}.get(g.kind) or (g.label or g.kind)[:12]


def season_pace(results: Sequence[Result], ax: Axes | None = None, *, labels: Sequence[str] | None = None,
                title: str | None = None, **kwargs: Any) -> list[Line2D]:
    """Every episode's pace curve on one axis (full windows solid, partial ones
    dashed), to compare where in the episodes the cutting speeds up.  Returns the
    lines; ``**kwargs`` go to each ``ax.plot``."""
    ax = _axes(ax, "pace")
    labels = list(labels) if labels is not None else [Path(video_name(r)).stem for r in results]
    cmap = __import__("matplotlib").colormaps["tab20" if len(results) > 10 else "tab10"]
    lines = []
    longest = max((r.info.duration_s for r in results), default=1.0)
    for i, (r, name) in enumerate(zip(results, labels)):
        tl = r.timeline
        times, cpm = np.asarray(tl.times, float), np.asarray(tl.cuts_per_minute, float)
        partial = np.asarray(tl.partial, bool) if tl.partial is not None else np.zeros(times.shape[0], bool)
        color = cmap(i % cmap.N)
        lines += ax.plot(times, np.where(partial, np.nan, cpm), color=color, linewidth=1.5, label=name, **kwargs)
        edge = partial | np.concatenate([partial[1:], [False]]) | np.concatenate([[False], partial[:-1]])
        ax.plot(times, np.where(edge, cpm, np.nan), color=color, linewidth=1.0, linestyle=(0, (3, 2)), alpha=0.7)
    window = results[0].timeline.window_s if results else 60.0
    what = count_words(results[0].timeline.count) if results else "transitions"
    ax.set_xlim(0, longest)
    ax.set_ylim(bottom=0)
    time_axis(ax, end_s=longest)
    ax.set_ylabel(f"{what} per minute ({window:g} s window)")
    _finish(ax, title or "Pace of every episode (dashed: window partly outside the episode)",
            lines if len(lines) <= 20 else None)
    return lines


def season_bars(results: Sequence[Result], ax: Axes | None = None, *, labels: Sequence[str] | None = None,
                title: str | None = None, **kwargs: Any):
    """ASL and MSL bars per episode, with each episode's 60 s peak written above.

    Returns the ASL ``BarContainer``; ``**kwargs`` go to its ``ax.bar``.
    """
    ax = _axes(ax, "shot_lengths")
    labels = list(labels) if labels is not None else [Path(video_name(r)).stem for r in results]
    x = np.arange(len(results))
    asl = ax.bar(x - 0.2, [r.summary.asl_s for r in results], 0.4, label="ASL (mean)",
                 color=kwargs.pop("color", "#3182bd"), **kwargs)
    ax.bar(x + 0.2, [r.summary.msl_s for r in results], 0.4, label="MSL (median)", color="#9ecae1")
    for xi, r in zip(x, results):
        p = r.summary.peak
        span = f"{p.span_s:.0f} s" if p.whole_video else f"{p.window_s:g} s"
        ax.annotate(f"peak {p.count}\nin {span}", (xi, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=8)
    _category_ticks(ax, x, labels)
    ax.set_ylabel("shot length (s)")
    _finish(ax, title or "Shot length by episode", None, pad=30)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return asl
