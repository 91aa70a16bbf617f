"""Tests for the synthetic clip generator :mod:`cutrate.testing.clips`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cutrate.testing import clips as samples
from cutrate.testing.clips import (
    Cut,
    Dissolve,
    FadeOutIn,
    Flash,
    FlashCut,
    Freeze,
    PassBy,
    ShotSpec,
    Truth,
    generate_samples,
    plan_truth,
    render_clip,
    write_truth,
)

av = pytest.importorskip("av")

SIZE = (64, 36)
FPS = 24
TINY = (
    ShotSpec(10, scene=1, events=(Flash(4, frames=2),)),                     # frames 0-9
    ShotSpec(8, scene=2, hold=2),                                            # 10-17
    ShotSpec(8, scene=3, enter=Dissolve(4), events=(Flash(2, partial=True),)),  # mix 18-21, 22-29
    ShotSpec(8, scene=4, motion="pan", enter=FadeOutIn(3, 2, 3)),            # 30-37, 38-45
    ShotSpec(6, scene=5, enter=FlashCut(2), events=(Freeze(2, frames=2),)),  # white 46-47, 48-53
    ShotSpec(8, scene=6, look=5, grain=3.0, events=(PassBy(3, frames=3),)),  # 54-61
)
EXPECTED_ROWS = [
    ("not_a_cut", 4, 5),
    ("cut", 10, 10),
    ("dissolve", 18, 22),
    ("not_a_cut", 24, 24),
    ("fade_out_in", 30, 38),
    ("flash", 46, 48),
    ("cut", 54, 54),
    ("not_a_cut", 57, 59),
    ("note", 10, 17),
    ("note", 50, 51),
]
HEADER = ["type", "start_frame", "end_frame", "start_time", "end_time", "note"]
TYPES = {"cut", "dissolve", "fade_out_in", "flash", "not_a_cut", "note"}
SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_clips"


def decode(path: Path) -> tuple[np.ndarray, list[float]]:
    """Decode every frame as RGB float32 (n, h, w, 3) and return them with their times."""
    with av.open(str(path)) as container:
        frames = list(container.decode(video=0))
    rgb = np.stack([f.to_ndarray(format="rgb24") for f in frames]).astype(np.float32)
    return rgb, [float(f.time) for f in frames]


def frame_diffs(rgb: np.ndarray) -> np.ndarray:
    """``d[i]`` = mean absolute difference between frames ``i - 1`` and ``i`` (``d[0] = 0``)."""
    return np.r_[0.0, np.abs(np.diff(rgb, axis=0)).mean(axis=(1, 2, 3))]


def parse_tsv(path: Path) -> tuple[str, list[dict[str, str]]]:
    """Parse a truth file independently of the writer; return (comment, rows)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")
    assert lines[1].split("\t") == HEADER
    rows = []
    for line in lines[2:]:
        fields = line.split("\t")
        assert len(fields) == len(HEADER), line
        rows.append(dict(zip(HEADER, fields)))
    return lines[0], rows


def assert_cuts_are_jumps(truth: Truth, rgb: np.ndarray, factor: float = 4.0) -> None:
    """Every hard cut's frame difference exceeds ``factor`` x the median in-shot difference."""
    d = frame_diffs(rgb)
    busy = {i for a in truth.annotations if a.kind != "note"
            for i in range(a.start_frame, a.end_frame + 2)}
    calm = [d[i] for first, last in truth.shots for i in range(first + 1, last + 1) if i not in busy]
    median = float(np.median(calm))
    for a in truth.annotations:
        if a.kind == "cut":
            assert d[a.start_frame] > factor * median, (truth.clip, a, d[a.start_frame], median)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth, np.ndarray, list[float]]:
    path = tmp_path_factory.mktemp("tiny") / "tiny.mp4"
    truth = render_clip(path, TINY, fps=FPS, size=SIZE, seed=3)
    write_truth(path, truth)
    rgb, times = decode(path)
    return path, truth, rgb, times


def test_clip_decodes_to_expected_frames(tiny: tuple[Path, Truth, np.ndarray, list[float]]) -> None:
    _, truth, rgb, times = tiny
    assert truth.frames == 62 == len(rgb)
    assert rgb.shape[1:] == (SIZE[1], SIZE[0], 3)
    assert times == pytest.approx([i / FPS for i in range(62)], abs=1e-6)
    assert truth.shots == ((0, 9), (10, 17), (22, 29), (38, 45), (48, 53), (54, 61))


def test_truth_file_matches_spec(tiny: tuple[Path, Truth, np.ndarray, list[float]]) -> None:
    path, truth, _, _ = tiny
    tsv = path.with_name("tiny.mp4.transitions.tsv")
    comment, rows = parse_tsv(tsv)
    assert comment.startswith("# tiny.mp4:")
    assert [(r["type"], int(r["start_frame"]), int(r["end_frame"])) for r in rows] == EXPECTED_ROWS
    for r in rows:
        assert r["type"] in TYPES
        assert int(r["start_frame"]) <= int(r["end_frame"])
        assert r["start_time"] == f"{int(r['start_frame']) / FPS:.3f}"
        assert r["end_time"] == f"{int(r['end_frame']) / FPS:.3f}"
    assert [a.kind for a in truth.transitions] == ["cut", "dissolve", "fade_out_in", "flash", "cut"]
    assert plan_truth(TINY, clip="tiny.mp4", size=SIZE, seed=3) == truth


def test_truth_file_reads_with_project_reader(tiny: tuple[Path, Truth, np.ndarray, list[float]]) -> None:
    evaluate = pytest.importorskip("cutrate.eval")
    path, truth, _, _ = tiny
    rows = evaluate.read_truth_tsv(path.with_name("tiny.mp4.transitions.tsv"))
    assert [(r.kind, r.start_frame, r.end_frame, r.note) for r in rows] == [
        (a.kind, a.start_frame, a.end_frame, a.note) for a in truth.annotations]


def test_regeneration_is_deterministic(tmp_path: Path,
                                       tiny: tuple[Path, Truth, np.ndarray, list[float]]) -> None:
    path, truth, rgb, _ = tiny
    again = tmp_path / "tiny.mp4"
    assert render_clip(again, TINY, fps=FPS, size=SIZE, seed=3) == truth
    assert again.read_bytes() == path.read_bytes()
    np.testing.assert_array_equal(decode(again)[0], rgb)
    render_clip(tmp_path / "other.mp4", TINY, fps=FPS, size=SIZE, seed=4)
    assert not np.array_equal(decode(tmp_path / "other.mp4")[0], rgb)


def test_cuts_are_large_frame_differences(tiny: tuple[Path, Truth, np.ndarray, list[float]]) -> None:
    _, truth, rgb, _ = tiny
    assert_cuts_are_jumps(truth, rgb)


def test_in_shot_flashes_are_bright(tiny: tuple[Path, Truth, np.ndarray, list[float]]) -> None:
    _, _, rgb, _ = tiny
    mean = rgb.mean(axis=(1, 2, 3))
    assert mean[4] > 200 and mean[5] > 200
    assert min(mean[4], mean[5]) > max(mean[3], mean[6]) + 25
    # The partial flash (frame 24) brightens one half of the frame much more than the other.
    gain = rgb[24].mean(axis=(0, 2)) - rgb[23].mean(axis=(0, 2))
    left, right = gain[: SIZE[0] // 2].mean(), gain[SIZE[0] // 2:].mean()
    assert max(left, right) > 40 and max(left, right) > 2 * min(left, right)
    # The flash cut is white, then a new shot.
    assert mean[46] > 240 and mean[47] > 240


def test_gradual_transitions_and_holds(tiny: tuple[Path, Truth, np.ndarray, list[float]]) -> None:
    _, _, rgb, _ = tiny
    d, mean = frame_diffs(rgb), rgb.mean(axis=(1, 2, 3))
    assert mean[33] < 3 and mean[34] < 3                     # black frames of the fade
    assert mean[30] > mean[31] > mean[32] and mean[35] < mean[36] < mean[37]
    mix = rgb[18:22].mean(axis=(1, 2, 3))                    # the dissolve moves monotonically
    assert np.all(np.diff(np.r_[mean[17], mix, mean[22]]) * np.sign(mean[22] - mean[17]) > 0)
    assert d[50] < 1 and d[51] < 1 and d[52] > 1             # freeze: 50, 51 repeat 49
    assert d[11] < 1 and d[13] < 1 and d[12] > 1             # on twos: pairs 10-11, 12-13


def test_pass_by_covers_most_of_the_frame(tiny: tuple[Path, Truth, np.ndarray, list[float]]) -> None:
    _, _, rgb, _ = tiny
    changed = np.abs(rgb[58] - rgb[56]).max(axis=2) > 30
    assert changed.mean() > 0.5


@pytest.mark.parametrize("make", [
    lambda: ShotSpec(0),
    lambda: ShotSpec(5, hold=0),
    lambda: ShotSpec(5, motion="zoom"),  # type: ignore[arg-type]
    lambda: ShotSpec(5, events=(Flash(4, frames=2),)),
    lambda: ShotSpec(5, events=(Freeze(0, frames=2),)),
    lambda: ShotSpec(5, enter=Dissolve(0)),
    lambda: ShotSpec(5, enter=FadeOutIn(0, 0, 0)),
    lambda: plan_truth([ShotSpec(5, enter=FlashCut())]),
    lambda: plan_truth([]),
])
def test_invalid_specs_are_rejected(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]


def test_render_rejects_odd_size(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        render_clip(tmp_path / "x.mp4", [ShotSpec(3, enter=Cut())], size=(65, 36))


def test_generate_samples_small(tmp_path: Path) -> None:
    paths = generate_samples(tmp_path, size=SIZE)
    assert [p.name for p in paths] == list(samples.SAMPLES)
    counted = {}
    for p in paths:
        _, rows = parse_tsv(p.with_name(p.name + ".transitions.tsv"))
        truth = plan_truth(samples.SAMPLES[p.name], clip=p.name, size=SIZE)
        rgb, _ = decode(p)
        assert len(rgb) == truth.frames
        assert_cuts_are_jumps(truth, rgb)
        counted[p.name] = sorted(r["type"] for r in rows if r["type"] not in ("note",))
    assert counted["cartoon_cuts.mp4"] == ["cut"] * 7
    assert counted["fast_burst.mp4"] == ["cut"] * 12
    assert counted["dissolve.mp4"] == ["cut", "dissolve", "dissolve"]
    assert counted["fade.mp4"] == ["cut", "fade_out_in"]
    assert counted["flash.mp4"] == ["cut", "flash"] + ["not_a_cut"] * 4
    assert counted["held_frames.mp4"] == ["cut", "cut", "not_a_cut"]


def test_committed_samples_match_generator() -> None:
    names = list(samples.SAMPLES)
    if not all((SAMPLE_DIR / n).exists() for n in names):
        pytest.skip("sample_clips/ not generated")
    total = 0
    for name in names:
        clip = SAMPLE_DIR / name
        expected = plan_truth(samples.SAMPLES[name], clip=name)
        assert (SAMPLE_DIR / f"{name}.transitions.tsv").read_text(encoding="utf-8") == expected.to_tsv()
        with av.open(str(clip)) as container:
            stream = container.streams.video[0]
            assert (stream.width, stream.height) == (320, 180)
            assert sum(1 for _ in container.demux(stream) if _.size) == expected.frames
        size = clip.stat().st_size
        assert size < 300_000
        total += size
    assert total < 1_500_000


def test_import_is_lazy() -> None:
    src = str(Path(samples.__file__).resolve().parents[2])
    code = ("import sys, cutrate, cutrate.testing.clips; "
            "assert 'av' not in sys.modules and 'cv2' not in sys.modules")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
