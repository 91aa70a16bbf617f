"""End to end on small encoded clips: API, CLI (in-process), outputs and bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import cutrate
from cutrate import cli
from cutrate.io import tables
from cutrate.report import writers as report
from cutrate.testing.clips import Cut, Dissolve, Flash, ShotSpec, render_clip, write_truth

SIZE = (160, 90)


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> tuple[Path, list[int], int]:
    """A small H.264 clip: cuts (one into a 3-frame shot), an in-shot flash, a dissolve."""
    d = tmp_path_factory.mktemp("clip")
    path = d / "ep01.mp4"
    shots = (
        ShotSpec(30, scene=1, motion="drift", events=(Flash(12, frames=2),)),
        ShotSpec(3, scene=2),
        ShotSpec(20, scene=3, motion="pan"),
        ShotSpec(28, scene=4, enter=Dissolve(frames=12)),
        ShotSpec(24, scene=5, enter=Cut()),
    )
    truth = render_clip(path, shots, fps=24, size=SIZE, seed=3)
    write_truth(path, truth)
    frames = [a.end_frame if a.kind == "dissolve" else a.start_frame for a in truth.transitions]
    return path, frames, truth.frames


@pytest.fixture(scope="module")
def result(clip):
    return cutrate.analyze(clip[0], use_cache=False)


def test_analyze_finds_the_known_transitions(clip, result):
    _, truth, _ = clip
    found = [t.frame for t in result.transitions]
    assert len(found) == len(truth)
    for f, t in zip(found, truth):
        assert abs(f - t) <= 8 if f > 50 else f == t
    kinds = [t.kind for t in result.transitions]
    assert kinds.count("dissolve") == 1 and kinds.count("cut") == 3


def test_result_is_consistent(clip, result):
    assert result.summary.shots == len(result.shots) == len(result.transitions) + 1
    assert result.shots[0].start_frame == 0 and result.shots[-1].end_frame == result.info.frames - 1
    assert result.info.frames == clip[2]
    assert result.summary.transition_count == len(result.transitions)


def test_redetect_and_rewindow_do_not_decode(result, monkeypatch):
    import cutrate.analysis.features as features

    monkeypatch.setattr(features, "compute", lambda *a, **k: pytest.fail("decoded again"))
    strict = result.redetect(threshold=0.99)  # the smallest cut score: no hard cut reaches it
    assert [t for t in strict.transitions if t.kind == "cut"] == [] and strict.settings.detect.threshold == 0.99
    assert [t for t in result.transitions if t.kind == "dissolve"] == [t for t in strict.transitions]
    wider = result.rewindow(window_s=2.0, hop_s=0.5)
    assert wider.timeline.window_s == 2.0 and wider.transitions == result.transitions
    assert wider.summary.peak.window_s == 2.0


def test_rewindow_refuses_detection_settings(result):
    # it keeps the transitions, so it must not record settings that did not make them
    with pytest.raises(cutrate.ParameterError, match="threshold needs redetect"):
        result.rewindow(threshold=0.99)
    with pytest.raises(cutrate.ParameterError, match="unknown setting"):
        result.rewindow(windo_s=30.0)


def test_analysis_json_contract(result, tmp_path):
    report.write_all(result, tmp_path)
    d = json.loads((tmp_path / "analysis.json").read_text())
    assert d["cutrate_version"] == cutrate.__version__
    assert d["settings"]["detect"]["threshold"] == cutrate.DetectSettings().threshold
    assert d["settings"]["timeline"]["window_s"] == 60.0 and d["settings"]["timeline"]["hop_s"] == 1.0
    assert set(d["video"]) >= {"path", "duration_s", "fps", "frames", "width", "height"}
    assert (d["video"]["width"], d["video"]["height"]) == SIZE
    for t in d["transitions"]:
        assert set(t) == {"kind", "frame", "time", "start_frame", "end_frame", "confidence"}
        assert t["kind"] in {"cut", "dissolve", "fade", "flash"}
        assert isinstance(t["frame"], int) and 0.0 <= t["confidence"] <= 1.0
        assert t["start_frame"] <= t["frame"] <= t["end_frame"]
    for s in d["shots"]:
        assert set(s) >= {"start_frame", "end_frame", "start", "end", "duration"}
    sm = d["summary"]
    assert set(sm) >= {"shots", "transitions", "asl_s", "msl_s", "sd_s", "cuts_per_minute", "peak"}
    assert set(sm["peak"]) >= {"window_s", "count", "start", "end", "whole_video", "count_of"}
    assert set(d["timeline"]) >= {"window_s", "hop_s", "times", "cuts_per_minute"}
    assert len(d["timeline"]["times"]) == len(d["timeline"]["cuts_per_minute"])
    # and it loads back without decoding
    back = cutrate.load(tmp_path)
    assert back.transitions == result.transitions
    assert back.summary.peak == result.summary.peak


def test_shots_csv_is_a_pyscenedetect_scene_list(result, tmp_path):
    report.write_shots_csv(result, tmp_path)
    rows = list(csv.reader((tmp_path / "shots.csv").open()))
    assert rows[0][0] == "Timecode List:"
    assert tuple(rows[1]) == tables.SCENE_LIST_COLUMNS
    assert len(rows) - 2 == len(result.shots)
    first, second = rows[2], rows[3]
    assert first[1] == "1"  # 1-based frames, as PySceneDetect writes them
    assert int(second[1]) == result.shots[1].start_frame + 1
    assert int(first[7]) == result.shots[0].frames


def test_cli_analyze_writes_outputs_and_agrees_with_the_api(clip, result, tmp_path):
    out = tmp_path / "reports"
    r = CliRunner().invoke(cli.main, ["analyze", str(clip[0]), "-o", str(out), "--no-cache"])
    assert r.exit_code == 0, r.output
    folder = out / "ep01"
    for name in ("analysis.json", "transitions.csv", "shots.csv", "timeline.csv"):
        assert (folder / name).is_file()
    d = json.loads((folder / "analysis.json").read_text())
    assert [t["frame"] for t in d["transitions"]] == [t.frame for t in result.transitions]
    assert "peak: " in r.output and " shot changes in " in r.output
    assert f"{result.summary.shots} shots" in r.output


def test_cli_defaults_are_the_library_defaults():
    params = {p.name: p.default for p in cli.analyze.params}
    d, t = cutrate.DetectSettings(), cutrate.TimelineSettings()
    assert params["threshold"] == d.threshold and params["contrast"] == d.contrast
    assert params["evidence"] == d.evidence and params["flash_frames"] == d.flash_frames
    assert params["window_s"] == t.window_s and params["hop_s"] == t.hop_s


def test_cli_bad_inputs_do_not_cost_the_good_ones(clip, tmp_path):
    bad_text = tmp_path / "notes.mp4"
    bad_text.write_text("this is not a video\n")
    empty = tmp_path / "empty.mkv"
    empty.write_bytes(b"")
    empty_dir = tmp_path / "nothing_here"
    empty_dir.mkdir()
    out = tmp_path / "out"
    args = ["analyze", str(tmp_path / "missing.mp4"), str(bad_text), str(empty), str(empty_dir), str(clip[0]),
            "-o", str(out), "--no-cache"]
    r = CliRunner().invoke(cli.main, args)
    assert r.exit_code == 1
    assert (out / "ep01" / "analysis.json").is_file()
    errors = [line for line in r.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4
    assert any("missing.mp4" in e and "no such file" in e for e in errors)
    assert any("notes.mp4" in e for e in errors)
    assert any("empty.mkv" in e and "empty" in e for e in errors)
    assert any("nothing_here" in e and "no video" in e for e in errors)
    assert "Traceback" not in r.output


def test_cli_same_stem_in_two_folders_does_not_collide(clip, tmp_path):
    import shutil

    a, b = tmp_path / "s1", tmp_path / "s2"
    a.mkdir(), b.mkdir()
    shutil.copy(clip[0], a / "ep.mp4")
    shutil.copy(clip[0], b / "ep.mp4")
    out = tmp_path / "out"
    r = CliRunner().invoke(cli.main, ["analyze", str(a), str(b), "-o", str(out), "-q", "--no-cache"])
    assert r.exit_code == 0, r.output
    assert len(list(out.glob("*/analysis.json"))) == 2


def test_feature_cache_is_reused_and_survives_a_damaged_entry(clip, tmp_path, monkeypatch):
    import cutrate.analysis.features as features

    cache = tmp_path / "cache"
    first = cutrate.analyze(clip[0], cache_dir=cache)
    (entry,) = list(cache.glob("*.npz"))
    calls = []
    real = features.compute
    monkeypatch.setattr(features, "compute", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = cutrate.analyze(clip[0], cache_dir=cache, threshold=0.35)
    assert calls == [] and again.settings.detect.threshold == 0.35
    assert [t.frame for t in cutrate.analyze(clip[0], cache_dir=cache).transitions] == [
        t.frame for t in first.transitions
    ]
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])  # a half-written entry
    healed = cutrate.analyze(clip[0], cache_dir=cache)
    assert calls == [1]
    assert [t.frame for t in healed.transitions] == [t.frame for t in first.transitions]


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, cutrate; print(any(m in sys.modules for m in ('av', 'cv2', 'matplotlib')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
