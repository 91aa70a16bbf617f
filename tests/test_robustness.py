"""Bad input, damaged files and interruptions never cost a result.

Every kind of bad input gets a defined outcome, checked through the CLI (in-process)
and the API: either an analysis (damaged parts skipped with a warning saying where,
times still right) or a one-line error naming the file and the reason with exit
code 1 -- never a traceback, never a hang.  The corpus is generated here (PyAV
encodes, numpy draws) and never committed; ``docs/robustness.md`` tabulates it.

Also: the watchdog (:mod:`cutrate.batch.watchdog`) and Ctrl-C on ``cutrate analyze``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import cutrate
import cutrate.io.video
from cutrate import cli
from cutrate.io.video.writer import write_audio, write_video
from cutrate.testing.blocks import block_clip, block_frame
from cutrate.testing.damage import damage
from cutrate.io.video import VideoReader
from cutrate.errors import DecodeError

FPS = 24
SHOT = 12  # the synthetic clips cut every SHOT frames
SIZE = (160, 90)
CUTS = [12, 24, 36]  # transitions of a 48-frame clip
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and process groups")


# --------------------------------------------------------------------------- the corpus
def frame_rgb(i: int, size: tuple[int, int] = SIZE, shot: int = SHOT, look: int = 0) -> np.ndarray:
    return block_frame(i, size, shot, look)


def encode(path: Path, n: int = 48, *, size: tuple[int, int] = SIZE, codec: str = "libx264",
           options: dict[str, str] | None = None, shot: int = SHOT, look: int = 0, **kw) -> Path:
    """A block clip (cuts every ``shot`` frames) at FPS; libx264 clips encode at preset ultrafast."""
    opts = {"preset": "ultrafast", **(options or {})} if codec.startswith("libx26") else dict(options or {})
    return block_clip(path, n, size=size, shot=shot, look=look, fps=FPS, codec=codec, options=opts, **kw)


def audio_only(path: Path, seconds: float = 1.0) -> Path:
    return write_audio(path, seconds)


def audio_with_cover(path: Path) -> Path:
    """An MP3 with cover art: FFmpeg shows the picture as a video stream marked attached_pic."""
    return write_audio(path, 1.0, cover=frame_rgb(0, (64, 64)))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """Every bad-input kind, generated once for the module."""
    import cv2

    d = tmp_path_factory.mktemp("corpus")
    c: dict[str, Path] = {}
    c["plain"] = encode(d / "plain.mp4")
    c["missing"] = d / "missing.mp4"
    (d / "no_videos").mkdir()
    (d / "no_videos" / "readme.txt").write_text("nothing to see\n")
    c["empty_dir"] = d / "no_videos"
    c["zero"] = d / "zero.mp4"
    c["zero"].write_bytes(b"")
    c["text"] = d / "notes.mp4"
    c["text"].write_text("this is a shot list, not a video\n" * 20)
    c["png"] = d / "still.png"
    cv2.imwrite(str(c["png"]), frame_rgb(0))
    c["jpeg"] = d / "still.jpg"
    cv2.imwrite(str(c["jpeg"]), frame_rgb(0))
    c["audio"] = audio_only(d / "audio.m4a")
    c["cover"] = audio_with_cover(d / "song.mp3")
    long_mp4 = encode(d / "long.mp4", 96, options={"g": "24"})  # a key frame every second
    c["trunc_mp4"] = d / "trunc.mp4"
    c["trunc_mp4"].write_bytes(long_mp4.read_bytes()[: long_mp4.stat().st_size // 2])
    long_mkv = encode(d / "long.mkv", 96, fmt="matroska", options={"g": "24"})
    c["trunc_mkv"] = d / "trunc.mkv"
    c["trunc_mkv"].write_bytes(long_mkv.read_bytes()[: long_mkv.stat().st_size // 2])
    c["garbage_mp4"] = damage(long_mp4, d / "garbage.mp4", at=0.5, length=0.1)
    c["garbage_mkv"] = damage(long_mkv, d / "garbage.mkv", at=0.5, length=0.1)
    c["zeroed_mkv"] = damage(long_mkv, d / "zeroed.mkv", at=0.5, length=0.1, fill="zeros")
    long_mp4.unlink()
    long_mkv.unlink()
    c["one_frame"] = encode(d / "one_frame.mp4", 1)
    c["half_second"] = encode(d / "half_second.mp4", 12)
    steps = np.random.default_rng(1).choice([20, 40, 41, 80, 120], size=48)
    c["vfr_pts"] = [0, *np.cumsum(steps)[:-1].tolist()]
    c["vfr"] = encode(d / "vfr.mkv", pts=c["vfr_pts"], time_base=Fraction(1, 1000), fmt="matroska")
    c["rotated"] = encode(d / "rotated.mp4", rotation=90)
    c["odd_444"] = encode(d / "odd_444.mp4", 24, size=(721, 405), pix_fmt="yuv444p")
    c["odd_ffv1"] = encode(d / "odd_ffv1.mkv", 24, size=(721, 405), codec="ffv1", fmt="matroska")
    c["odd_mpeg4"] = encode(d / "odd_mpeg4.avi", 24, size=(721, 405), codec="mpeg4")
    c["ten_bit"] = encode(d / "ten_bit.mp4", pix_fmt="yuv420p10le")
    c["interlaced"] = encode(d / "interlaced.mp4", size=(160, 96), options={"flags": "+ildct+ilme",
                                                                          "x264-params": "interlaced=1:tff=1"})
    c["jump_fwd"] = encode(d / "jump_fwd.mkv", pts=[*range(24), *range(24 + 240, 48 + 240)], fmt="matroska")
    a = encode(d / "a.ts", fmt="mpegts")
    b = encode(d / "b.ts", fmt="mpegts", shot=7, look=1)
    far = encode(d / "far.ts", fmt="mpegts", shot=7, look=1, pts=list(range(480, 528)))
    small = encode(d / "small.ts", size=(128, 72), fmt="mpegts", shot=7, look=1)
    c["jump_back"] = d / "concat_back.ts"
    c["jump_back"].write_bytes(a.read_bytes() + b.read_bytes())
    c["jump_fwd_ts"] = d / "concat_far.ts"
    c["jump_fwd_ts"].write_bytes(a.read_bytes() + far.read_bytes())
    c["size_change"] = d / "concat_sizes.ts"
    c["size_change"].write_bytes(a.read_bytes() + small.read_bytes())
    for p in (a, b, far, small):
        p.unlink()
    c["raw_h264"] = encode(d / "raw.h264", fmt="h264")
    c["audio_tracks"] = encode(d / "tracks.mkv", fmt="matroska", audio_tracks=2)
    c["unicode"] = d / "épisode 01 – test.mp4"
    shutil.copy(c["plain"], c["unicode"])
    return c


def run_cli(*args: str) -> tuple[int, str]:
    """``cutrate analyze ARGS --no-cache`` in-process: (exit code, stdout + stderr)."""
    r = CliRunner().invoke(cli.main, ["analyze", *args, "--no-cache"])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exc_info
    assert "Traceback" not in r.output
    return r.exit_code, r.output


def errors_of(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


def strictly_increasing(times: np.ndarray) -> bool:
    return bool(np.all(np.diff(times) > 0))


def on_grid(times: np.ndarray, fps: float = FPS, tol: float = 1e-3) -> bool:
    """Whether every time is a whole number of frame durations (the original timestamps)."""
    k = np.asarray(times) * fps
    return bool(np.all(np.abs(k - np.round(k)) * (1 / fps) < tol))


def frames_of(result) -> list[int]:
    return [t.frame for t in result.transitions]


# --------------------------------------------------------------------------- clean errors
ERRORS = {
    "missing": "no such file or folder",
    "empty_dir": "folder holds no video files",
    "zero": "empty file (0 bytes)",
    "text": "a text file, not a video",
    "png": "a still image (PNG), not a video",
    "jpeg": "a still image (MJPEG), not a video",
    "audio": "no video stream (found: audio)",
    "cover": "no video stream (found: audio, cover picture)",
    "trunc_mp4": "MP4/MOV file cut short before its index (moov box)",
}


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_bad_input_is_a_one_line_error_naming_the_file(corpus, tmp_path, kind):
    code, out = run_cli(str(corpus[kind]), "-o", str(tmp_path / "out"))
    assert code == 1
    (line,) = errors_of(out)
    assert line == f"error: {corpus[kind]}: {ERRORS[kind]}" or (
        line.startswith(f"error: {corpus[kind]}: ") and ERRORS[kind] in line
    ), line
    assert not list((tmp_path / "out").glob("*/analysis.json"))


@pytest.mark.parametrize("kind", ["zero", "text", "png", "audio", "cover", "trunc_mp4"])
def test_bad_input_raises_decode_error_from_the_api(corpus, kind):
    with pytest.raises(DecodeError) as info:
        cutrate.analyze(corpus[kind], use_cache=False)
    assert info.value.path == str(corpus[kind]) and ERRORS[kind] in info.value.reason
    with pytest.raises(DecodeError):
        cutrate.io.video.probe(corpus[kind])


@pytest.mark.slow
def test_one_run_over_everything_keeps_the_good_and_names_the_bad(corpus, tmp_path):
    good = ["trunc_mkv", "garbage_mp4", "vfr"]
    bad = ["missing", "empty_dir", "zero", "text", "png", "audio", "trunc_mp4"]
    out = tmp_path / "out"
    code, text = run_cli(*(str(corpus[k]) for k in good + bad), "-o", str(out))
    assert code == 1
    errors = errors_of(text)
    assert len(errors) == len(bad)
    for k in bad:
        assert sum(str(corpus[k]) in e for e in errors) == 1, k
    assert len(list(out.glob("*/analysis.json"))) == len(good)
    assert f"{len(good)} analysed, 0 up to date, {len(bad)} failed" in text


# --------------------------------------------------------------------------- damaged but usable
def test_truncated_mkv_gives_the_first_half_and_says_so(corpus):
    r = cutrate.analyze(corpus["trunc_mkv"], use_cache=False)
    assert 40 <= r.info.frames <= 52  # of 96
    assert strictly_increasing(r.features.times) and on_grid(r.features.times)
    assert frames_of(r)[:3] == CUTS
    assert any("looks truncated" in w and "declares 4.000 s" in w for w in r.warnings), r.warnings


@pytest.mark.parametrize("kind", ["garbage_mp4", "garbage_mkv", "zeroed_mkv"])
def test_damage_mid_stream_is_skipped_with_a_warning_saying_where(corpus, kind):
    r = cutrate.analyze(corpus[kind], use_cache=False)
    assert 60 <= r.info.frames <= 96
    t = r.features.times
    assert strictly_increasing(t) and on_grid(t) and t[-1] < 4.0
    assert frames_of(r)[:3] == CUTS  # the intact first half is analysed as usual
    assert r.warnings
    assert all(re.search(r"frames? \d+", w) and re.search(r"\d\.\d{3} s", w) for w in r.warnings), r.warnings
    missing = [w for w in r.warnings if "frame(s) missing between frame" in w]
    assert missing, r.warnings
    # the total of reported missing frames accounts for the lost ones
    lost = sum(int(w.split()[1]) for w in missing)
    assert abs(lost - (96 - r.info.frames)) <= 3


def test_damaged_packets_are_grouped_in_one_warning(corpus):
    with VideoReader(corpus["garbage_mp4"]) as reader:
        n = sum(len(b) for b in reader.batches())
        skipped = [w for w in reader.warnings if w.startswith("skipped ")]
    assert n < 96
    assert len(skipped) == 1 and "damaged packets after frame" in skipped[0]


def test_one_frame_video(corpus, tmp_path):
    r = cutrate.analyze(corpus["one_frame"], use_cache=False)
    assert r.info.frames == 1 and r.summary.shots == 1 and r.transitions == []
    assert r.info.duration_s == pytest.approx(1 / FPS)
    code, _ = run_cli(str(corpus["one_frame"]), "-o", str(tmp_path / "out"))
    assert code == 0 and (tmp_path / "out" / "one_frame" / "analysis.json").is_file()


def test_half_second_video(corpus):
    r = cutrate.analyze(corpus["half_second"], use_cache=False)
    assert r.info.frames == 12 and r.transitions == [] and r.warnings == ()
    assert r.info.duration_s == pytest.approx(0.5)


def test_variable_frame_rate_keeps_the_real_timestamps(corpus):
    r = cutrate.analyze(corpus["vfr"], use_cache=False)
    np.testing.assert_allclose(r.features.times, np.array(corpus["vfr_pts"]) / 1000, atol=1e-9)
    assert frames_of(r) == CUTS and r.warnings == ()
    assert [t.time for t in r.transitions] == pytest.approx([corpus["vfr_pts"][f] / 1000 for f in CUTS])
    assert r.info.duration_s == pytest.approx(corpus["vfr_pts"][-1] / 1000 + 1 / r.info.fps)


def test_rotation_tag_is_read_and_does_not_change_the_analysis(corpus):
    plain = cutrate.analyze(corpus["plain"], use_cache=False)
    rotated = cutrate.analyze(corpus["rotated"], use_cache=False)
    assert frames_of(rotated) == frames_of(plain) == CUTS and rotated.warnings == ()
    with VideoReader(corpus["rotated"]) as reader:
        next(reader.batches())
        assert reader.rotation == 90


@pytest.mark.parametrize("kind", ["odd_444", "odd_ffv1", "odd_mpeg4"])
def test_odd_dimensions(corpus, kind):
    r = cutrate.analyze(corpus[kind], use_cache=False)
    assert (r.info.width, r.info.height) == (721, 405) and r.info.frames == 24
    assert frames_of(r) == [12] and r.warnings == ()


def test_ten_bit_is_read_directly_and_matches_eight_bit(corpus):
    from cutrate.io.video.pixels import _layout

    assert _layout("yuv420p10le") == (2, 2) and _layout("yuv420p") == (2, 0) and _layout("rgb24") is None
    r = cutrate.analyze(corpus["ten_bit"], use_cache=False)
    assert frames_of(r) == CUTS and r.warnings == ()
    with VideoReader(corpus["ten_bit"]) as ten, VideoReader(corpus["plain"]) as eight:
        a, b = next(ten.batches()), next(eight.batches())
    assert np.abs(a.y.astype(int) - b.y.astype(int)).mean() < 3
    assert np.abs(a.uv.astype(int) - b.uv.astype(int)).mean() < 3


def test_interlaced(corpus):
    r = cutrate.analyze(corpus["interlaced"], use_cache=False)
    assert r.info.frames == 48 and frames_of(r) == CUTS and on_grid(r.features.times)


def test_forward_jump_in_matroska_is_kept_as_screen_time_with_a_warning(corpus):
    r = cutrate.analyze(corpus["jump_fwd"], use_cache=False)
    t = r.features.times
    assert r.info.frames == 48 and strictly_increasing(t)
    assert t[24] - t[23] == pytest.approx(241 / FPS, abs=2e-3)
    assert r.info.duration_s == pytest.approx(12.0, abs=0.01)
    (w,) = r.warnings
    assert "240 frame(s) missing between frame 23 (0.958 s) and frame 24 (11.000 s)" in w


def test_forward_jump_over_ten_seconds_in_mpeg_ts_is_a_reset(corpus):
    r = cutrate.analyze(corpus["jump_fwd_ts"], use_cache=False)
    t = r.features.times
    assert r.info.frames == 96 and strictly_increasing(t)
    assert np.diff(t).max() == pytest.approx(1 / FPS, abs=1e-3)  # the gap is closed
    assert any("taken as a timestamp reset" in w and "after frame 47" in w for w in r.warnings), r.warnings
    assert not any("truncated" in w for w in r.warnings)


def test_backward_jump_keeps_times_increasing(corpus):
    r = cutrate.analyze(corpus["jump_back"], use_cache=False)
    t = r.features.times
    assert r.info.frames == 96 and strictly_increasing(t)
    assert np.diff(t).max() == pytest.approx(1 / FPS, abs=1e-3)
    assert r.info.duration_s == pytest.approx(4.0, abs=0.01)
    assert frames_of(r) == [12, 24, 36, 48, 55, 62, 69, 76, 83, 90]
    (w,) = r.warnings
    assert w.startswith("timestamps jump back 1.958 s after frame 47 (1.958 s): frames from 48 on are timed on")


def test_resolution_change_mid_stream(corpus):
    r = cutrate.analyze(corpus["size_change"], use_cache=False)
    assert r.info.frames == 96 and strictly_increasing(r.features.times)
    assert 48 in frames_of(r)


def test_raw_stream_without_timestamps_is_timed_at_its_frame_rate(corpus):
    r = cutrate.analyze(corpus["raw_h264"], use_cache=False)
    np.testing.assert_allclose(r.features.times, np.arange(48) / 25.0)
    assert frames_of(r) == CUTS
    assert r.warnings == ("48 frame(s) without a timestamp: timed at the nominal 25.000 fps after the previous frame",)


def test_several_audio_tracks(corpus):
    r = cutrate.analyze(corpus["audio_tracks"], use_cache=False)
    assert r.info.frames == 48 and frames_of(r) == CUTS and r.warnings == ()


def test_path_with_spaces_and_non_ascii(corpus, tmp_path):
    out = tmp_path / "sortie é"
    code, text = run_cli(str(corpus["unicode"]), "-o", str(out))
    assert code == 0, text
    d = json.loads((out / "épisode 01 – test" / "analysis.json").read_text(encoding="utf-8"))
    assert d["video"]["path"] == str(corpus["unicode"]) and len(d["transitions"]) == 3
    assert f"-> {out / 'épisode 01 – test'}/" in text


# --------------------------------------------------------------------------- timestamps in detail
def test_clock_handles_stray_resets_and_missing_timestamps():
    from cutrate.io.video.clock import Clock as _Clock

    notes: list[str] = []
    clock = _Clock(0.04, 10.0, notes.append)
    nan = np.nan
    raw = np.array([0.0, 0.04, 0.2, 0.08, 0.12, nan, 0.2, 0.24, 100.0, 0.32, 0.0, 0.04])
    t = clock.times(raw[:6], 0, raw[6])  # in two batches: the lookahead crosses the boundary
    t = np.concatenate([t, clock.times(raw[6:], 6, 0.08)])
    expected = [0.0, 0.04, 0.06, 0.08, 0.12, 0.16, 0.2, 0.24, 0.28, 0.32, 0.36, 0.40]
    # 0.2 at frame 2 and 100.0 at frame 8 are lone strays, placed between their neighbours;
    # frame 5 has no timestamp (one nominal step on); at frame 10 the timestamps restart
    np.testing.assert_allclose(t, expected, atol=1e-12)
    assert notes == ["timestamps jump back 0.320 s after frame 9 (0.320 s): frames from 10 on are timed on from "
                     + "0.360 s"]
    assert clock.notes() == [
        "1 frame(s) without a timestamp: timed at the nominal 25.000 fps after the previous frame",
        "2 frame(s) with an out-of-order timestamp (first at frame 2): placed between their neighbours",
    ]


def test_clock_ignores_timestamps_that_are_not_credible():
    from cutrate.io.video.clock import Clock as _Clock

    notes: list[str] = []
    t = _Clock(1 / 25, 3600.0, notes.append).times(np.arange(10) * 1e-9, 0, np.nan)
    np.testing.assert_allclose(t, np.arange(10) / 25)
    assert len(notes) == 1 and "not credible" in notes[0]


# --------------------------------------------------------------------------- output folder
def test_output_under_a_regular_file_is_a_one_line_error(corpus, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    code, out = run_cli(str(corpus["plain"]), "-o", str(afile / "sub"))
    assert code == 1
    assert errors_of(out) == [f"error: {afile / 'sub'}: output folder is not writable (Not a directory)"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_output_in_a_read_only_folder_is_a_one_line_error(corpus, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        code, out = run_cli(str(corpus["plain"]), "-o", str(ro / "out"))
    finally:
        ro.chmod(0o700)
    assert code == 1 and errors_of(out) == [f"error: {ro / 'out'}: output folder is not writable (Permission denied)"]


def _can_bind_read_only() -> bool:
    try:
        return subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True,
                              timeout=10, check=False).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def test_output_on_a_read_only_mount_is_a_one_line_error(corpus, tmp_path):
    if not sys.platform.startswith("linux") or not _can_bind_read_only():
        pytest.skip("needs a private mount namespace (root on Linux)")
    src, dst = tmp_path / "src", tmp_path / "ro"
    src.mkdir(), dst.mkdir()
    script = (f'mount --bind "{src}" "{dst}" && mount -o remount,bind,ro "{dst}" && '
              f'exec "{sys.executable}" -m cutrate.cli analyze "{corpus["plain"]}" -o "{dst}/out" --no-cache')
    p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script], capture_output=True,
                       text=True, timeout=120, check=False)
    assert p.returncode == 1, p.stderr
    assert p.stderr.strip() == f"error: {dst}/out: output folder is not writable (Read-only file system)"
    assert not list(src.iterdir())


# --------------------------------------------------------------------------- the watchdog
def sleeper(path: str, seconds: float = 30.0, beats: int = 0, progress=None) -> None:
    """Report ``beats`` frames of progress, then hang."""
    for i in range(beats):
        if progress is not None:
            progress(i + 1, 100)
    time.sleep(seconds)


def busy(path: str, progress=None) -> None:
    """Make progress forever (never stalls, never finishes)."""
    i = 0
    while True:
        i += 1
        progress(i, 0)
        time.sleep(0.01)


def adder(a: int, b: int) -> int:
    return a + b


def failing(path: str, kind: str) -> None:
    if kind == "decode":
        raise DecodeError(path, "it is broken")
    raise ValueError("not my day")


def dying(path: str) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def pid_of_child() -> int:
    return os.getpid()


def decode_then_think(path: str, seconds: float) -> int:
    """Decode a file, then compute for a while without heartbeats (like detection)."""
    with VideoReader(path) as reader:
        n = sum(len(b) for b in reader.batches())
    time.sleep(seconds)
    return n


@pytest.fixture(scope="module")
def dog():
    from cutrate.batch.watchdog import Watchdog

    with Watchdog() as w:
        yield w


def test_watchdog_returns_results_and_reuses_its_process(dog):
    assert dog.run(adder, 2, 3) == 5
    first = dog.run(pid_of_child)
    assert dog.run(pid_of_child) == first != os.getpid()


def test_watchdog_kills_a_stalled_call_and_names_the_file(dog):
    from cutrate.batch.watchdog import DecoderStalled

    dog.run(adder, 1, 1)  # started and warm
    t0 = time.monotonic()
    with pytest.raises(DecoderStalled) as info:
        dog.run(sleeper, "ep01.mkv", beats=5, stall_s=0.3, progress=lambda d, t: None)
    assert time.monotonic() - t0 < 5
    assert str(info.value) == "ep01.mkv: decoder stalled for 0.3 s at frame 5 (killed by the watchdog)"
    assert info.value.path == "ep01.mkv" and info.value.frame == 5
    assert dog.pid is None  # killed; the next call starts a new child
    assert dog.run(adder, 1, 2) == 3


def test_watchdog_stall_clock_pauses_after_the_decoder_closes_its_file(corpus, dog):
    from cutrate.batch.watchdog import DecoderTimeout

    dog.run(decode_then_think, str(corpus["plain"]), 0.0)  # warm: PyAV and OpenCV imported
    assert dog.run(decode_then_think, str(corpus["plain"]), 1.0, stall_s=0.3) == 48
    with pytest.raises(DecoderTimeout):  # the overall limit still applies
        dog.run(decode_then_think, str(corpus["plain"]), 5.0, stall_s=0.3, timeout_s=1.0)


def test_watchdog_timeout_stops_a_call_that_never_ends(dog):
    from cutrate.batch.watchdog import DecoderTimeout

    with pytest.raises(DecoderTimeout, match=r"busy\.mp4: not finished after 0\.5 s"):
        dog.run(busy, "busy.mp4", stall_s=5, timeout_s=0.5, progress=lambda d, t: None)


@POSIX
def test_watchdog_passes_errors_back(dog):
    from cutrate.batch.watchdog import DecoderCrashed

    with pytest.raises(DecodeError) as info:
        dog.run(failing, "x.mp4", "decode")
    assert (info.value.path, info.value.reason) == ("x.mp4", "it is broken")
    with pytest.raises(ValueError, match="not my day") as info2:
        dog.run(failing, "x.mp4", "other")
    assert "Traceback" in str(info2.value.__cause__)  # the child's traceback, for debugging
    with pytest.raises(DecoderCrashed, match=r"x\.mp4: decoder process killed by SIGKILL"):
        dog.run(dying, "x.mp4")


def test_watchdog_errors_survive_pickling():
    import pickle

    from cutrate.batch.watchdog import DecoderCrashed, DecoderStalled, DecoderTimeout, RemoteError

    for exc in (DecoderStalled("a.mp4", 60, 12), DecoderTimeout("a.mp4", 600, 7), DecoderCrashed("a.mp4", -11, 3),
                RemoteError("x.Y", "boom")):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc) and str(back) == str(exc)
    assert str(DecoderCrashed("a.mp4", -11, 3)) == "a.mp4: decoder process killed by SIGSEGV at frame 3"


def test_watchdog_runs_analyze_with_progress(corpus, dog):
    seen: list[tuple[int, int]] = []
    r = dog.run(cutrate.analyze, str(corpus["garbage_mkv"]), use_cache=False, stall_s=30,
                progress=lambda d, t: seen.append((d, t)))
    here = cutrate.analyze(corpus["garbage_mkv"], use_cache=False)
    assert frames_of(r) == frames_of(here) and r.warnings == here.warnings
    assert seen and seen[-1][0] == r.info.frames


@POSIX
def test_ctrl_c_in_the_parent_ends_the_child():
    from cutrate.batch.watchdog import Watchdog

    with Watchdog() as w:
        assert w.run(adder, 0, 0) == 0
        child = w._proc
        timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                w.run(sleeper, "x.mp4", stall_s=30)
        finally:
            timer.cancel()
        assert not child.is_alive() and w.pid is None


# --------------------------------------------------------------------------- Ctrl-C on the CLI
@pytest.fixture(scope="module")
def batch_folder(tmp_path_factory) -> Path:
    """Three small clips and a bigger one (a couple of seconds), analysed in name order."""
    d = tmp_path_factory.mktemp("batch")
    for i in range(3):
        encode(d / f"a{i}.mp4")
    frames = [frame_rgb(i) for i in range(48)]
    write_video(d / "z_big.mp4", (frames[i % 48] for i in range(4000)), fps=FPS, options={"preset": "ultrafast"})
    return d


@pytest.mark.slow
@POSIX
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_keeps_finished_results_and_says_how_to_resume(batch_folder, tmp_path, jobs):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # a new session, so the SIGINT goes to the whole process group like a terminal's Ctrl-C
    p = subprocess.Popen([sys.executable, "-m", "cutrate.cli", "analyze", str(batch_folder), "-o", str(out),
                          "--no-cache", "-j", jobs], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=env, start_new_session=True)
    try:
        t0 = time.monotonic()
        while not list(out.glob("*/analysis.json")) and time.monotonic() - t0 < 60 and p.poll() is None:
            time.sleep(0.02)
        assert p.poll() is None, "finished before it could be interrupted"
        os.killpg(p.pid, signal.SIGINT)
        _, stderr = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
    assert p.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert "interrupted: finished results are kept in" in stderr
    assert "run the same command again to do the rest" in stderr
    done = sorted(f.parent.name for f in out.glob("*/analysis.json"))
    assert done and "z_big" not in done
    assert not [q for q in out.iterdir() if q.name.startswith(".")]  # no half-written folders
    for name in done:
        json.loads((out / name / "analysis.json").read_text())
