"""Cuts within one scene: wide and close-up of the same set and palette, whose change
score is small but stands alone on one frame (rendered clips with known answers)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import cutrate
from cutrate.analysis.detect import cuts
from cutrate.testing.clips import ShotSpec, render_clip


def _three_framings(path: Path, scene: int, motion: str, zoom: tuple[float, float, float], **kw) -> list[int]:
    shots = [ShotSpec(30, scene=scene, motion=motion), ShotSpec(20, scene=scene, motion=motion, zoom=zoom),
             ShotSpec(30, scene=scene, motion=motion)]
    render_clip(path, shots, seed=scene, size=(320, 180))
    return [t.frame for t in cutrate.analyze(path, use_cache=False, **kw).transitions]


@pytest.mark.parametrize(("scene", "motion", "zoom"), [
    (101, "static", (1.25, 0.6, 0.4)),  # the cut into the close-up scores 0.16: found by rules v8 only
    # a checkered set: the flat squares stay the same, every edge moves (both cuts
    # were "things moved" before rules v8)
    (303, "drift", (1.4, 0.5, 0.5)), (303, "static", (1.25, 0.6, 0.4)),
    (404, "static", (1.25, 0.6, 0.4)), (505, "drift", (1.4, 0.5, 0.5)), (606, "static", (1.8, 0.3, 0.6)),
])
def test_a_cut_to_a_close_up_of_the_same_scene_and_back_is_found(tmp_path, scene, motion, zoom):
    assert _three_framings(tmp_path / "framing.mp4", scene, motion, zoom) == [30, 50]


def test_a_higher_threshold_also_raises_the_floor_of_clean_spikes(tmp_path):
    # the same clip as the first case: both cuts are clean spikes below 0.52
    assert _three_framings(tmp_path / "strict.mp4", 101, "static", (1.25, 0.6, 0.4), threshold=0.6) == []


def test_spikes_stand_alone_within_three_frames():
    score = np.zeros(40)
    score[10] = 0.15                  # alone: a spike
    score[20], score[23] = 0.15, 0.05  # a change again three frames later (threes): none
    score[30] = 0.11                  # below 0.6 of the default threshold: none
    assert np.flatnonzero(cuts.spikes(score, 0.2)).tolist() == [10]
    assert np.flatnonzero(cuts.spikes(score, 0.3)).tolist() == []
    # a spike may score 40 % less than the threshold, but not more than 0.08 less
    assert cuts.spike_floor(0.2) == pytest.approx(0.12) and cuts.spike_floor(0.1) == pytest.approx(0.06)
    assert cuts.spike_floor(0.99) == pytest.approx(0.91)


def test_a_framing_outside_the_picture_is_refused():
    with pytest.raises(ValueError, match="zoom"):
        ShotSpec(10, zoom=(0.5, 0.5, 0.5))


@pytest.mark.parametrize(("look", "motion", "scenes"), [
    # the same background, other shapes in front of it: two of these fail on rules v8
    # (the picture "returned with things moved", or the still background made it "things moved")
    (7, "drift", (1, 2, 3)), (21, "static", (4, 5, 4)), (7, "static", (1, 2, 3)), (21, "drift", (1, 2, 3)),
])
def test_a_cut_to_other_shapes_in_front_of_the_same_background_is_found(tmp_path, look, motion, scenes):
    path = tmp_path / "same_look.mp4"
    render_clip(path, [ShotSpec(30, scene=scenes[0], look=look, motion=motion),
                       ShotSpec(12, scene=scenes[1], look=look, motion=motion),
                       ShotSpec(30, scene=scenes[2], look=look, motion=motion)], seed=3, size=(320, 180))
    assert [t.frame for t in cutrate.analyze(path, use_cache=False).transitions] == [30, 42]


@pytest.mark.parametrize(("scene", "motion"), [(23, "drift"), (30, "fast"), (25, "fast")])
def test_animation_on_fours_is_not_cut(tmp_path, scene, motion):
    # each drawing held four frames: rules v8 cut at most of the drawing changes
    path = tmp_path / "fours.mp4"
    render_clip(path, [ShotSpec(72, scene=scene, motion=motion, hold=4)], seed=scene, size=(320, 180))
    assert cutrate.analyze(path, use_cache=False).transitions == []
