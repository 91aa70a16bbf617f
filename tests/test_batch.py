"""Batches: parallel equals sequential, resume, failures, collisions, Dask cluster."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cutrate import batch, cli
from cutrate.settings import Settings
from cutrate.io.inputs import find_videos, output_names
from cutrate.report.writers import data_writers as writers
from cutrate.testing.clips import Cut, ShotSpec, render_clip

SIZE = (96, 54)


@pytest.fixture(scope="module")
def season(tmp_path_factory) -> Path:
    """Three tiny episodes plus a broken one, in two folders (two share a name)."""
    root = tmp_path_factory.mktemp("season")
    (root / "a").mkdir()
    (root / "b").mkdir()
    specs = [
        (root / "a" / "ep1.mp4", (ShotSpec(20, scene=1), ShotSpec(8, scene=2), ShotSpec(20, scene=3, enter=Cut()))),
        (root / "a" / "ep2.mp4", (ShotSpec(30, scene=4), ShotSpec(30, scene=5))),
        (root / "b" / "ep1.mp4", (ShotSpec(12, scene=6), ShotSpec(4, scene=7), ShotSpec(24, scene=8))),
    ]
    for i, (path, shots) in enumerate(specs):
        render_clip(path, shots, fps=24, size=SIZE, seed=i)
    (root / "b" / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 100)
    return root


def frames_by_video(outcomes):
    return {
        Path(o.path).relative_to(Path(o.path).parents[1]).as_posix(): [t.frame for t in o.result.transitions]
        for o in outcomes
        if o.status == "done"
    }


def jobs_for(root: Path, out: Path) -> list[batch.Job]:
    videos, _ = find_videos([str(root)])
    names = output_names(videos)
    return [batch.Job(str(v), str(out / names[v]), Settings(), use_cache=False) for v in videos]


def test_parallel_results_equal_sequential_and_bad_file_does_not_stop_the_batch(season, tmp_path):
    seq = batch.run(jobs_for(season, tmp_path / "seq"), workers=1, writers=writers())
    par = batch.run(jobs_for(season, tmp_path / "par"), workers=2, writers=writers())
    assert [o.status for o in seq] == [o.status for o in par]
    assert sorted(o.status for o in seq) == ["done", "done", "done", "failed"]
    failed = next(o for o in par if o.status == "failed")
    assert "broken.mp4" in failed.error and "\n" not in failed.error
    assert frames_by_video(seq) == frames_by_video(par)
    assert frames_by_video(seq)["a/ep1.mp4"] == [20, 28]
    for o in par:
        if o.status == "done":
            assert (Path(o.folder) / "analysis.json").is_file()


def test_outputs_written_by_helper_processes_match_the_writer_thread(season, tmp_path):
    """With helpers, several folders are drawn at once in other processes; the files
    are the same as one thread writes, and a writer that cannot go to another
    process (a lambda) keeps the batch in this process."""
    from cutrate.batch.run import writer_pool
    from cutrate.report.writers import report_writers

    all_writers = [*report_writers(), *writers()]
    helpers = writer_pool(all_writers, 4)
    if helpers is None:
        pytest.skip("one core: no helper processes")
    with helpers:
        assert helpers.processes >= 1
        there = batch.run(jobs_for(season, tmp_path / "there"), writers=all_writers, helpers=helpers)
    here = batch.run(jobs_for(season, tmp_path / "here"), writers=all_writers)
    assert [o.status for o in there] == [o.status for o in here]
    for a, b in zip(there, here):
        if a.status != "done":
            continue
        names = sorted(p.name for p in Path(a.folder).iterdir())
        assert names == sorted(p.name for p in Path(b.folder).iterdir())
        assert {"pace.png", "report.html", "cuts.edl", "analysis.json"} <= set(names)
        for name in ("transitions.csv", "shots.csv", "cuts.edl"):
            assert (Path(a.folder) / name).read_bytes() == (Path(b.folder) / name).read_bytes()
    assert writer_pool([lambda result, folder: None], 4) is None
    assert writer_pool(all_writers, 1) is None  # one video: the thread is as fast


def test_resume_redoes_nothing_and_force_redoes_all(season, tmp_path):
    out = tmp_path / "out"
    first = batch.run(jobs_for(season, out), writers=writers())
    assert sum(o.status == "done" for o in first) == 3
    again = batch.run(jobs_for(season, out), writers=writers())
    assert [o.status for o in again].count("skipped") == 3
    forced = batch.run(jobs_for(season, out), writers=writers(), force=True)
    assert [o.status for o in forced].count("done") == 3


def test_changed_settings_or_file_make_a_result_stale(season, tmp_path):
    out = tmp_path / "out"
    jobs = jobs_for(season, out)
    batch.run(jobs, writers=writers())
    assert batch.up_to_date(jobs[0])
    other = batch.Job(jobs[0].path, jobs[0].folder, Settings.from_kwargs(threshold=0.5), use_cache=False)
    assert not batch.up_to_date(other)
    d = json.loads((Path(jobs[0].folder) / "analysis.json").read_text())
    d["video"]["identity"] = "something-else"
    (Path(jobs[0].folder) / "analysis.json").write_text(json.dumps(d))
    assert not batch.up_to_date(jobs[0])


def test_a_half_written_result_is_never_trusted(season, tmp_path):
    out = tmp_path / "out"
    jobs = jobs_for(season, out)
    # what a kill -9 in the middle of writing leaves behind: a partial folder, no analysis.json
    partial = out / f".{Path(jobs[0].folder).name}.partial-999"
    partial.mkdir(parents=True)
    (partial / "transitions.csv").write_text("kind,frame\n")
    Path(jobs[1].folder).mkdir(parents=True)
    (Path(jobs[1].folder) / "analysis.json").write_text('{"cutrate_version": "0.1.0", "trunc')
    assert not batch.up_to_date(jobs[1])
    batch.clean_stale(out)
    assert not partial.exists()
    outcomes = batch.run(jobs, writers=writers())
    assert sum(o.status == "done" for o in outcomes) == 3


@pytest.mark.slow
def test_cli_season_outputs_and_exit_code(season, tmp_path):
    out = tmp_path / "reports"
    r = CliRunner().invoke(cli.main, ["analyze", str(season), "-o", str(out), "-j", "2", "--no-cache"])
    assert r.exit_code == 1  # the broken file
    assert "broken.mp4" in r.output
    folders = sorted(p.parent.name for p in out.glob("*/analysis.json"))
    assert len(folders) == 3 and "ep2" in folders  # the two ep1 files did not collide
    rows = json.loads((out / "season.json").read_text())["episodes"]
    assert len(rows) == 4 and sum(r["status"] == "failed" for r in rows) == 1
    assert (out / "season.csv").read_text().count("\n") == 5
    for name in ("season_heatmap.png", "season_pace.png", "season_bars.png", "index.html"):
        assert (out / name).stat().st_size > 0
    r2 = CliRunner().invoke(cli.main, ["analyze", str(season), "-o", str(out), "--no-cache"])
    assert "3 up to date" in r2.output


@pytest.mark.slow
def test_dask_local_cluster_matches_local_run(season, tmp_path):
    distributed = pytest.importorskip("distributed")
    local = batch.run(jobs_for(season, tmp_path / "local"), writers=writers())
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        with distributed.Client(lc) as client:
            remote = batch.run(jobs_for(season, tmp_path / "dask"), scheduler=client, writers=writers())
            # the workers' profilers, paused during the jobs, run again afterwards
            running = client.run(lambda dask_worker: dask_worker.periodic_callbacks["profile"].is_running())
    assert [o.status for o in remote] == [o.status for o in local]
    assert list(running.values()) == [True, True]
    assert frames_by_video(remote) == frames_by_video(local)
    assert (tmp_path / "dask" / "ep2" / "analysis.json").is_file()


def test_output_names_are_unique_for_shared_stems():
    videos = [Path("/s1/ep1.mkv"), Path("/s1/ep1.mp4"), Path("/s2/ep1.mp4"), Path("/s1/ep2.mp4"),
              Path("/s1/ep3.MP4"), Path("/s1/ep3.mp4")]
    names = output_names(videos)
    assert len(set(names.values())) == len(videos)
    assert names[Path("/s1/ep2.mp4")] == "ep2"
    assert names[Path("/s1/ep1.mkv")].startswith("ep1-mkv-s1-")
    assert names[Path("/s2/ep1.mp4")].startswith("ep1-s2-")
