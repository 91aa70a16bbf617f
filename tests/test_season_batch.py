"""Seasons through the command line: a batch finds its openings and endings, leaves them out
of the pace numbers, gives their own pace in the season table, and grows without decoding.

The season is the synthetic one of :mod:`cutrate.testing.seasons` (4 episodes, a shared 40 s
opening and 30 s ending, 20 s cold opens in episodes 2 and 4, recaps and previews, credits
over the ending), encoded with libx264 at crf 18, 34, 26 and 40 and brightness offsets.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cutrate import cli
from cutrate.batch import analyze_folder
from cutrate.testing.seasons import SeasonSpec, render_season

pytestmark = pytest.mark.slow
TOLERANCE_S = 1.0
LEFT_OUT = ("opening", "ending", "recap", "preview")


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    return render_season(tmp_path_factory.mktemp("season"), SeasonSpec())


@pytest.fixture(scope="module")
def analysed(season, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    r = CliRunner().invoke(cli.main, ["analyze", *(str(ep.path) for ep in season), "-o", str(out), "--no-cache"])
    assert r.exit_code == 0, r.output
    return out, r.output


def _doc(out: Path, name: str) -> dict:
    return json.loads((out / name / "analysis.json").read_text())


def test_every_opening_and_ending_is_found_and_no_peak_overlaps_them(season, analysed):
    out, output = analysed
    for ep in season:
        doc = _doc(out, ep.name)
        found = doc["segments"]
        for truth in ep.segments:
            (got,) = [g for g in found if g["kind"] == truth.kind and g["start"] < truth.end and g["end"] > truth.start]
            assert abs(got["start"] - truth.start) <= TOLERANCE_S and abs(got["end"] - truth.end) <= TOLERANCE_S
            assert got["source"] == "season" and got["also_in"] and ep.name not in got["also_in"]
        peak = doc["summary"]["peak"]
        for g in found:
            assert peak["end"] <= g["start"] + 1e-6 or peak["start"] >= g["end"] - 1e-6, (ep.name, peak, g)
    assert "season of 4 videos: opening in 4, ending in 4, recap in 3, preview in 3; left out" in output
    assert "excluding opening 0:20.1–1:00.1, recap 1:00.1–1:08.1" in output  # episode 2, after its cold open


def test_the_pace_numbers_count_the_kept_time_and_the_season_table_the_rest(season, analysed):
    out, _ = analysed
    rows = {Path(r["folder"]).name: r for r in csv.DictReader((out / "season.csv").open(encoding="utf-8"))}
    for ep in season:
        doc, row = _doc(out, ep.name), rows[ep.name]
        times = [t["time"] for t in doc["transitions"]]
        spans = {g["kind"]: (g["start"], g["end"]) for g in doc["segments"]}

        def inside(a: float, b: float) -> int:
            return sum(a <= t < b for t in times)

        left_out = sum(inside(*spans[k]) for k in LEFT_OUT if k in spans)
        assert doc["summary"]["counted"] == len(times) - left_out  # each transition counted once, somewhere
        kept = doc["summary"]["duration_s"] - sum(b - a for k, (a, b) in spans.items() if k in LEFT_OUT)
        assert doc["summary"]["kept_s"] == pytest.approx(kept, abs=1e-3)
        for kind in ("opening", "ending"):
            a, b = spans[kind]
            assert int(row[f"{kind}_count"]) == inside(a, b)
            assert float(row[f"{kind}_cuts_per_minute"]) == pytest.approx(inside(a, b) * 60 / (b - a), abs=1e-3)
            assert float(row[f"{kind}_start"]) == pytest.approx(a, abs=1e-3)
        assert row["left_out"].split(" ")[0] == "opening" if spans["opening"][0] < 1 else "opening" in row["left_out"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<th>opening</th>" in page
    for row in rows.values():  # each episode's opening, with its own pace
        assert f"{row['opening_count']} in 40 s ({float(row['opening_cuts_per_minute']):.1f}/min)" in page


def test_keep_all_counts_everything_and_still_records_the_segments(season, tmp_path):
    r = CliRunner().invoke(cli.main, ["analyze", *(str(ep.path) for ep in season), "-o", str(tmp_path),
                                      "--no-cache", "--keep-all", "--no-plots", "--no-html", "--no-exports"])
    assert r.exit_code == 0, r.output
    assert "counted in the pace numbers (--keep-all)" in r.output and "excluding" not in r.output
    doc = _doc(tmp_path, "ep01")
    assert {g["kind"] for g in doc["segments"]} >= {"opening", "ending"}
    assert doc["summary"]["kept_s"] == pytest.approx(doc["summary"]["duration_s"])
    assert doc["summary"]["counted"] == sum(doc["summary"]["transitions"].values())


def test_a_season_that_grows_is_matched_again_without_decoding(season, tmp_path):
    out, videos = tmp_path / "reports", tmp_path / "videos"
    videos.mkdir()
    first = [shutil.copy(ep.path, videos) for ep in season[:3]]
    r = CliRunner().invoke(cli.main, ["analyze", *first, "-o", str(out), "--no-cache", "--no-plots", "--no-exports"])
    assert r.exit_code == 0, r.output
    assert not [g for g in _doc(out, "ep03")["segments"] if g["kind"] == "preview"]  # ep04 recaps it: not yet
    for f in first:  # what is not there cannot be decoded again
        Path(f).unlink()
    # the new episode alone, into the same output folder: the season is the folder
    r = CliRunner().invoke(cli.main, ["analyze", str(season[3].path), "-o", str(out), "--no-cache", "--no-plots",
                                      "--no-exports"])
    assert r.exit_code == 0, r.output
    assert "season of 4 videos" in r.output and "1 analysed" not in r.output  # one job: no batch line
    (preview,) = [g for g in _doc(out, "ep03")["segments"] if g["kind"] == "preview"]
    truth = season[2].truth("preview")[0]
    assert abs(preview["start"] - truth.start) <= TOLERANCE_S and abs(preview["end"] - truth.end) <= TOLERANCE_S
    (opening,) = [g for g in _doc(out, "ep01")["segments"] if g["kind"] == "opening"]
    assert "ep04" in opening["also_in"]
    assert len(json.loads((out / "season.json").read_text())["episodes"]) == 4
    assert "ep03.mp4" in (out / "index.html").read_text(encoding="utf-8")
    # and once more: nothing decoded, nothing rewritten
    before = (out / "ep01" / "analysis.json").stat().st_mtime_ns
    r = CliRunner().invoke(cli.main, ["analyze", str(season[3].path), "-o", str(out), "--no-cache", "--no-plots",
                                      "--no-exports"])
    assert r.exit_code == 0 and "up to date (--force" in r.output and "season segments updated" not in r.output
    assert (out / "ep01" / "analysis.json").stat().st_mtime_ns == before


def test_the_dask_path_matches_once_in_the_client(season, tmp_path):
    distributed = pytest.importorskip("distributed")
    local = analyze_folder([ep.path for ep in season], tmp_path / "local", use_cache=False, plots=False, html=False,
                           exports=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        with distributed.Client(lc) as client:
            remote = analyze_folder([ep.path for ep in season], tmp_path / "dask", scheduler=client, use_cache=False,
                                    plots=False, html=False, exports=False)
    for a, b in zip(local.outcomes, remote.outcomes):
        assert [g.to_dict() for g in a.result.segments] == [g.to_dict() for g in b.result.segments]
        assert a.result.summary.peak == b.result.summary.peak
    assert (tmp_path / "dask" / "ep02" / "fingerprints.npz").is_file()


def test_a_result_folder_without_fingerprints_is_left_out_of_the_matching(season, analysed, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(analysed[0], out)
    (out / "ep02" / "fingerprints.npz").unlink()
    r = CliRunner().invoke(cli.main, ["analyze", *(str(ep.path) for ep in season), "-o", str(out), "--no-cache",
                                      "--no-plots", "--no-exports"])
    assert r.exit_code == 0, r.output
    assert "ep02.mp4" in r.output and "analysed" in r.output  # no fingerprints: not up to date, analysed again
    assert (out / "ep02" / "fingerprints.npz").is_file()
