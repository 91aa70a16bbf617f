"""The report outputs from the command line: `cutrate analyze` writes them, `cutrate report` re-renders them
from analysis.json without analysing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cutrate import cli
from cutrate.testing.clips import Cut, ShotSpec, render_clip

EXTRAS = {"report.html", "cuts.edl", "summary.md", "pace.png", "shot_lengths.png", "shot_graph.png", "peak_sheet.png",
          "score_trace.png"}


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> list[Path]:
    d = tmp_path_factory.mktemp("cliclips")
    out = []
    for i, n in enumerate((20, 30)):
        path = d / f"ep{i + 1}.mp4"
        render_clip(path, (ShotSpec(n, scene=1), ShotSpec(12, scene=2, enter=Cut()), ShotSpec(10, scene=3)),
                    size=(96, 54), seed=i)
        out.append(path)
    return out


def test_analyze_writes_reports_and_index(clips, tmp_path):
    r = CliRunner().invoke(cli.main, ["analyze", *map(str, clips), "-o", str(tmp_path), "--no-cache"])
    assert r.exit_code == 0, r.output
    for ep in ("ep1", "ep2"):
        names = {p.name for p in (tmp_path / ep).iterdir()}
        assert EXTRAS <= names and "analysis.json" in names
    index = (tmp_path / "index.html").read_text()
    assert "ep1/report.html" in index and "ep2/report.html" in index


def test_analyze_without_extras(clips, tmp_path):
    args = ["analyze", str(clips[0]), "-o", str(tmp_path), "--no-cache", "--no-plots", "--no-html", "--no-exports"]
    r = CliRunner().invoke(cli.main, args)
    assert r.exit_code == 0, r.output
    assert {p.name for p in (tmp_path / "ep1").iterdir()} == {"analysis.json", "transitions.csv", "shots.csv",
                                                               "timeline.csv", "fingerprints.npz"}


def test_report_rerenders_without_analysing(clips, tmp_path, monkeypatch):
    args = ["analyze", *map(str, clips), "-o", str(tmp_path), "--no-cache", "--no-plots", "--no-html", "--no-exports"]
    assert CliRunner().invoke(cli.main, args).exit_code == 0
    import cutrate.analysis.features

    monkeypatch.setattr(cutrate.analysis.features, "compute", lambda *a, **k: pytest.fail("analysed again"))
    r = CliRunner().invoke(cli.main, ["report", str(tmp_path)])
    assert r.exit_code == 0, r.output
    names = {p.name for p in (tmp_path / "ep1").iterdir()}
    assert EXTRAS - {"score_trace.png"} <= names and "score_trace.png" not in names  # no features in analysis.json
    assert (tmp_path / "index.html").is_file()
    r = CliRunner().invoke(cli.main, ["report", str(tmp_path / "nothing")])
    assert r.exit_code == 2


def test_stats_csv_and_start_timecode_from_the_cli(clips, tmp_path):
    import csv

    r = CliRunner().invoke(cli.main, ["analyze", str(clips[0]), "-o", str(tmp_path), "--stats", "--no-plots",
                                      "--no-html", "--start-timecode", "01:00:00:00"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader((tmp_path / "ep1" / "stats.csv").open()))
    import json

    d = json.loads((tmp_path / "ep1" / "analysis.json").read_text())
    assert len(rows) == d["video"]["frames"] and rows[0]["frame"] == "0"
    assert {r["frame"] for r in rows if r["transition"]} == {str(t["frame"]) for t in d["transitions"]}
    assert all(0.0 <= float(r["score"]) <= 1.0 for r in rows)
    edl = (tmp_path / "ep1" / "cuts.edl").read_text()
    assert "01:00:00:00" in edl and "(GIVEN)" in edl
    r = CliRunner().invoke(cli.main, ["analyze", str(clips[0]), "-o", str(tmp_path), "--start-timecode", "1h"])
    assert r.exit_code == 2 and "--start-timecode" in r.output


def test_svg_plots_on_request(clips, tmp_path):
    r = CliRunner().invoke(cli.main, ["analyze", str(clips[0]), "-o", str(tmp_path), "--svg", "--no-html",
                                      "--no-exports"])
    assert r.exit_code == 0, r.output
    names = {p.name for p in (tmp_path / "ep1").iterdir()}
    assert {"pace.svg", "shot_lengths.svg", "shot_graph.svg", "score_trace.svg"} <= names
    assert "<svg" in (tmp_path / "ep1" / "pace.svg").read_text()[:2000]
