"""Plots: every function draws on the given axes and returns its main artist;
save_all writes the standard figures; importing cutrate does not load matplotlib."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import cutrate
from cutrate import plot
from cutrate.report import figures
from cutrate._fmt import mss, peak_sentence
from cutrate.testing.clips import Cut, Dissolve, ShotSpec, render_clip
from cutrate.types import Peak


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> cutrate.Result:
    """A small clip: a 3-frame shot, cuts and a dissolve."""
    path = tmp_path_factory.mktemp("plotclip") / "ep 01.mp4"
    shots = (ShotSpec(30, scene=1, motion="drift"), ShotSpec(3, scene=2), ShotSpec(20, scene=3, motion="pan"),
             ShotSpec(28, scene=4, enter=Dissolve(frames=12)), ShotSpec(24, scene=5, enter=Cut()))
    render_clip(path, shots, fps=24, size=(160, 90), seed=3)
    return cutrate.analyze(path, use_cache=False)


@pytest.fixture()
def ax():
    fig, ax = plt.subplots(layout="constrained")
    yield ax
    plt.close(fig)


def test_pace_draws_on_the_given_axes(result, ax):
    line = plot.pace(result, ax=ax, linewidth=3)
    assert line.axes is ax and line.get_linewidth() == 3
    assert np.allclose(line.get_xdata(), result.timeline.times)
    assert "ep 01.mp4" in ax.get_title(loc="left")
    assert ax.get_xlabel() == "time (M:SS)" and "shot changes per minute" in ax.get_ylabel()
    texts = [t.get_text().strip() for t in ax.texts]
    assert peak_sentence(result.summary.peak) in texts
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "peak window" in labels and not any(lb.startswith("average ") for lb in labels)
    assert any(t.startswith("the video is shorter than the 60 s window") for t in texts)  # instead of an average
    assert any(lb.startswith("cut (") for lb in labels) and any(lb.startswith("dissolve (") for lb in labels)


def test_pace_draws_partial_windows_apart_and_the_average(result, ax):
    short = result.rewindow(window_s=2.0, hop_s=0.25)
    line = plot.pace(short, ax=ax)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(lb.startswith("average ") for lb in labels)
    assert any(lb.startswith("window partly outside the counted time") for lb in labels)
    y = np.asarray(line.get_ydata(), float)
    assert np.isnan(y[short.timeline.partial]).all() and np.isfinite(y[~short.timeline.partial]).all()
    assert np.nanmax(short.timeline.cuts_per_minute) * 2.0 / 60.0 <= short.summary.peak.count


def test_pace_takes_a_bare_timeline(result, ax):
    line = plot.pace(result.timeline, ax=ax)
    assert line.axes is ax and ax.get_title(loc="left") == "Pace"


def test_shot_lengths_histogram_with_fit(result, ax):
    hist = plot.shot_lengths(result, ax=ax)
    assert hist.axes is ax and ax.get_xscale() == "log"
    assert sum(hist.get_data().values) == len(result.shots)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(lb.startswith("ASL") for lb in labels) and any(lb.startswith("MSL") for lb in labels)
    mu = result.summary.lognormal.mu
    assert any(f"μ = {mu:.2f}" in lb for lb in labels)


def test_shot_graph_hangs_bars_from_the_top(result, ax):
    bars = plot.shot_graph(result, ax=ax, degree=2, window=3)
    assert bars.axes is ax and len(bars.get_paths()) == len(result.shots)
    assert ax.yaxis_inverted()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(lb.startswith("trend (smoothed") for lb in labels)
    assert "moving average (2 shots)" in labels


def test_score_trace_marks_threshold_and_transitions(result, ax):
    line = plot.score_trace(result.features, result.transitions, result.settings, ax=ax)
    assert line.axes is ax and len(line.get_xdata()) == result.features.n
    assert any(np.allclose(ln.get_ydata(), result.settings.detect.threshold) for ln in ax.get_lines()[1:])
    assert len(ax.collections) >= 2  # markers for cuts and for the dissolve


def test_compare_several_results(result, ax):
    other = result.redetect(threshold=0.99)
    asl = plot.compare([result, other], ax=ax, labels=["a", "b"])
    assert asl.axes is ax and [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]


def test_plots_survive_a_result_without_transitions(result, ax):
    empty = result.redetect(threshold=0.99, dissolve=False)
    assert empty.transitions == []
    for draw in (plot.pace, plot.shot_lengths, plot.shot_graph):
        ax.clear()
        assert draw(empty, ax=ax).axes is ax


def test_new_figure_when_no_axes(result):
    line = plot.pace(result)
    try:
        assert line.figure.get_layout_engine() is not None  # constrained layout
    finally:
        plt.close(line.figure)


def test_clock_ticks_and_labels():
    loc = plot.ClockLocator()
    assert list(loc.tick_values(0, 70)) == [0, 10, 20, 30, 40, 50, 60, 70]
    assert list(loc.tick_values(0, 4500))[:3] == [0, 600, 1200]
    assert mss(751) == "12:31" and mss(3723) == "1:02:03" and mss(59.6) == "1:00"
    assert peak_sentence(Peak(60.0, 93, 751.0, 811.0)) == "93 shot changes in 60 s, 12:31.0–13:31.0"
    assert peak_sentence(Peak(60.0, 1, 751.0, 811.0, count_of="cuts")) == "1 hard cut in 60 s, 12:31.0–13:31.0"
    assert peak_sentence(Peak(60.0, 12, 0.0, 6.7, whole_video=True)) == "12 shot changes in 6.7 s (whole video)"
    assert peak_sentence(Peak(10.0, 1, 0.0, 10.0)) == "1 shot change in 10 s, 0:00.0–0:10.0"


def test_save_all_writes_png_and_svg(result, tmp_path):
    files = figures.save_all(result, tmp_path / "out")
    names = sorted(p.name for p in files)
    assert names == sorted(f"{n}.{e}" for n in ("pace", "shot_lengths", "shot_graph", "score_trace")
                           for e in ("png", "svg"))
    for p in files:
        data = p.read_bytes()
        assert len(data) > 2000
        assert data.startswith(b"\x89PNG") if p.suffix == ".png" else b"<svg" in data[:2000]
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left
    assert not plt.get_fignums()  # nothing left open in pyplot


def test_standard_figures_fit_their_text_inside_the_page(result):
    """Tick labels, titles and the legend outside the plot all lie on the page, with
    the margin the constrained layout keeps, and the plot takes the rest."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    for name, fig in figures.figures(result).items():
        renderer = FigureCanvasAgg(fig).get_renderer()
        (ax,) = fig.axes
        outer = ax.get_tightbbox(renderer)
        w, h = fig.bbox.width, fig.bbox.height
        pad = figures.PAD_IN * fig.dpi
        assert outer.x0 >= pad - 1 and outer.y0 >= pad - 1, name
        assert outer.x1 <= w - pad + 1 and outer.y1 <= h - pad + 1, name
        # snug: the text reaches the margin on every side
        assert min(outer.x0, outer.y0, w - outer.x1, h - outer.y1) < pad + 2, name
        assert fig.get_layout_engine() is None  # laid out once, the same in every format
        fig.clear()


def test_a_long_legend_takes_room_from_the_plot_not_the_page():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def width_for(label):
        fig = Figure(figsize=(8, 3))
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], label=label)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        figures.fit_axes(fig)
        renderer = FigureCanvasAgg(fig).get_renderer()
        assert ax.get_tightbbox(renderer).x1 <= fig.bbox.width
        return ax.get_position().width

    assert width_for("a" * 40) < width_for("a") - 0.3


def test_save_all_without_evidence_skips_the_score_trace(result, tmp_path):
    loaded = dataclasses.replace(result, features=None, evidence=None)
    names = {p.stem for p in figures.save_all(loaded, tmp_path, formats=("png",))}
    assert names == {"pace", "shot_lengths", "shot_graph"}


def test_import_cutrate_does_not_load_matplotlib():
    code = "import sys, cutrate, cutrate.report.exports, cutrate.report.html; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent)
    assert out.stdout.strip() == "False"


def test_season_plots_return_artists_on_given_axes():
    import glob

    from matplotlib.figure import Figure

    import cutrate
    from cutrate import plot

    results = [cutrate.analyze(p, use_cache=False) for p in sorted(glob.glob(str(Path(__file__).parents[1] / "sample_clips" / "*.mp4")))[:3]]
    fig = Figure()
    ax1, ax2 = fig.subplots(1, 2)
    mesh = plot.season_heatmap(results, ax=ax1)
    bars = plot.season_bars(results, ax=ax2)
    assert mesh.axes is ax1 and len(bars.patches) == 3
    assert len([c for c in ax1.collections if c.__class__.__name__ == "QuadMesh"]) == 3  # a row per episode


def test_cutrate_plot_is_there_after_a_plain_import():
    code = ("import sys, cutrate; assert 'matplotlib' not in sys.modules; "
            "assert callable(cutrate.plot.compare) and callable(cutrate.plot.pace); "
            "assert 'matplotlib' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
