"""PySceneDetect's detectors through cutrate's pipeline: same outputs, same decode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import cutrate
from cutrate import cli

SAMPLES = Path(__file__).parents[1] / "sample_clips"


def test_content_detector_agrees_with_pyscenedetect_itself():
    scenedetect = pytest.importorskip("scenedetect")
    clip = SAMPLES / "cartoon_cuts.mp4"
    mine = cutrate.analyze(clip, detector="pyscenedetect-content", use_cache=False)
    theirs = scenedetect.detect(str(clip), scenedetect.ContentDetector())
    assert [t.frame for t in mine.transitions] == [s[0].frame_num for s in theirs[1:]]
    assert all(t.kind == "cut" for t in mine.transitions)
    assert mine.settings.detect.detector == "pyscenedetect-content"
    assert mine.to_dict()["provenance"]["detector"].startswith("pyscenedetect-content-")


def test_redetect_switches_detector_without_decoding(tmp_path, monkeypatch):
    r = cutrate.analyze(SAMPLES / "fast_burst.mp4", detector="pyscenedetect-adaptive", cache_dir=tmp_path)
    import cutrate.analysis.features as features

    monkeypatch.setattr(features, "compute", lambda *a, **k: pytest.fail("decoded again"))
    ours = r.redetect(detector="cutrate")
    assert ours.summary.transition_count == 12  # cutrate finds the 2-16-frame shots
    assert r.summary.transition_count < 12  # PySceneDetect's minimum scene length of 15 frames hides them
    again = cutrate.analyze(SAMPLES / "fast_burst.mp4", detector="pyscenedetect-content", cache_dir=tmp_path)
    assert again.features.content_val is not None


def test_pyscenedetect_adaptive_gives_a_full_report(tmp_path):
    r = CliRunner().invoke(cli.main, ["analyze", str(SAMPLES / "cartoon_cuts.mp4"), "-o", str(tmp_path),
                                      "--detector", "pyscenedetect-adaptive", "--no-cache"])
    assert r.exit_code == 0, r.output
    folder = tmp_path / "cartoon_cuts"
    names = {p.name for p in folder.iterdir()}
    assert {"analysis.json", "report.html", "pace.png", "score_trace.png", "peak_sheet.png", "cuts.edl",
            "timeline.otio", "summary.md", "shots.csv"} <= names
    d = json.loads((folder / "analysis.json").read_text())
    assert d["settings"]["detect"]["detector"] == "pyscenedetect-adaptive"
    page = (folder / "report.html").read_text()
    assert "pyscenedetect-adaptive (this report)" in page and "cutrate (this report)" not in page
    r = CliRunner().invoke(cli.main, ["eval", str(SAMPLES / "cartoon_cuts.mp4"), "--detector",
                                      "pyscenedetect-content", "--no-cache", "-q"])
    assert r.exit_code == 0 and "cartoon_cuts.mp4" in r.output


def test_compare_puts_every_detector_in_the_report(tmp_path):
    r = CliRunner().invoke(cli.main, ["analyze", str(SAMPLES / "fast_burst.mp4"), "-o", str(tmp_path), "--compare",
                                      "--no-cache", "--no-plots", "--no-exports"])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "fast_burst" / "report.html").read_text()
    for name in ("cutrate (this report)", "pyscenedetect-adaptive (PySceneDetect defaults)",
                 "pyscenedetect-content (PySceneDetect defaults)"):
        assert name in page
