"""Objects passing the lens of a moving shot, against short same-look shots cut in
between: rendered clips (the project's generator) with known answers."""

from __future__ import annotations

from pathlib import Path

import pytest

import cutrate
from cutrate.testing.clips import PassBy, ShotSpec, render_clip


def _cuts(path: Path, shots: list[ShotSpec], seed: int) -> list[int]:
    render_clip(path, shots, seed=seed)
    return [t.frame for t in cutrate.analyze(path, use_cache=False).transitions]


@pytest.mark.parametrize(("motion", "hold", "frames", "scene"), [
    ("fast", 1, 8, 202), ("fast", 1, 12, 101), ("fast", 2, 8, 101), ("fast", 2, 12, 202),
    ("pan", 1, 8, 202), ("pan", 2, 12, 202), ("pan", 1, 12, 101), ("pan", 2, 8, 101),
])
def test_a_shape_passing_the_lens_while_the_scene_moves_on_is_no_cut(tmp_path, motion, hold, frames, scene):
    # a dark ellipse sweeps across the lens for 8-12 frames while the shapes move
    # fast or the background pans: the picture after it is the same scene moved on,
    # not the picture before it; the real cut comes 6-10 frames later
    shots = [ShotSpec(30, scene=scene, motion=motion, hold=hold, grain=2.0, events=(PassBy(12, frames=frames),)),
             ShotSpec(30, scene=scene + 1, motion=motion, hold=hold)]
    assert _cuts(tmp_path / "pass.mp4", shots, scene) == [30]


@pytest.mark.parametrize(("motion", "hold", "frames"), [("pan", 1, 8), ("pan", 2, 12), ("fast", 2, 8), ("fast", 2, 12)])
def test_a_short_shot_on_the_same_background_is_no_object_passing_the_lens(tmp_path, motion, hold, frames):
    # A -> B -> C, all three on the same background texture: the first frame of B
    # and the last one show part of the background of A and C, as a shape passing
    # the lens would, but the background stays in view all along: two cuts
    shots = [ShotSpec(30, scene=202, look=202, motion=motion, hold=hold, grain=2.0),
             ShotSpec(frames, scene=203, look=202, motion=motion, hold=hold, grain=2.0),
             ShotSpec(30, scene=204, look=202, motion=motion, hold=hold, grain=2.0)]
    assert _cuts(tmp_path / "burst.mp4", shots, 202) == [30, 30 + frames]
