"""`cutrate eval` on the sample clips, on saved results and on a PySceneDetect CSV."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from cutrate import cli

SAMPLES = Path(__file__).parents[1] / "sample_clips"


def test_eval_folder_scores_every_sample_clip(tmp_path):
    r = CliRunner().invoke(cli.main, ["eval", str(SAMPLES), "--json", "--no-cache"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert len(doc["clips"]) == 6
    pooled = doc["pooled"]
    assert pooled["hits"] >= 27 and pooled["recall"] >= 0.95 and pooled["precision"] >= 0.95


def test_eval_video_and_truth_prints_table_and_errors(tmp_path):
    clip = SAMPLES / "fast_burst.mp4"
    r = CliRunner().invoke(cli.main, ["eval", str(clip), str(clip) + ".transitions.tsv", "--no-cache"])
    assert r.exit_code == 0, r.output
    assert "fast_burst.mp4" in r.output and "F1" in r.output
    # a stricter threshold loses cuts, and the misses are listed with their frames
    r = CliRunner().invoke(cli.main, ["eval", str(clip), "--threshold", "0.95", "--no-cache"])
    assert r.exit_code == 0, r.output
    assert "miss  cut" in r.output


def test_eval_scores_a_pyscenedetect_scene_list(tmp_path):
    clip = SAMPLES / "cartoon_cuts.mp4"
    out = tmp_path / "out"
    r = CliRunner().invoke(cli.main, ["analyze", str(clip), "-o", str(out), "--no-cache", "--no-plots", "--no-html",
                                      "--no-exports"])
    assert r.exit_code == 0, r.output
    csv = out / "cartoon_cuts" / "shots.csv"  # PySceneDetect's scene-list format
    truth = str(clip) + ".transitions.tsv"
    by_csv = CliRunner().invoke(cli.main, ["eval", str(csv), truth, "--json"])
    by_json = CliRunner().invoke(cli.main, ["eval", str(out / "cartoon_cuts" / "analysis.json"), truth, "--json"])
    assert by_csv.exit_code == 0 and by_json.exit_code == 0, by_csv.output + by_json.output
    a, b = json.loads(by_csv.output)["pooled"], json.loads(by_json.output)["pooled"]
    assert a["hits"] == b["hits"] == 7 and a["false_alarms"] == b["false_alarms"]


def test_eval_without_truth_is_a_usage_error(tmp_path):
    video = tmp_path / "lonely.mp4"
    shutil.copy(SAMPLES / "fade.mp4", video)
    r = CliRunner().invoke(cli.main, ["eval", str(video)])
    assert r.exit_code == 2 and "TRUTH" in r.output
