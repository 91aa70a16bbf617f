"""Progress reporting: the callback sees every frame; the bar only on terminals."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner

import cutrate
from cutrate import cli

CLIP = Path(__file__).parents[1] / "sample_clips" / "fast_burst.mp4"


def test_progress_callback_counts_up_to_every_frame(tmp_path):
    seen: list[tuple[int, int]] = []
    result = cutrate.analyze(CLIP, use_cache=False, progress=lambda done, total: seen.append((done, total)))
    assert seen, "progress was never reported"
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == result.info.frames
    assert all(total >= d for d, total in seen)


def test_progress_from_the_cache_reports_completion(tmp_path):
    cutrate.analyze(CLIP, cache_dir=tmp_path)
    seen: list[tuple[int, int]] = []
    result = cutrate.analyze(CLIP, cache_dir=tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (result.info.frames, result.info.frames)


def test_bar_is_drawn_on_a_terminal_only(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    bar = cli._Progress(True, "clip.mp4")
    bar(50, 100)
    bar(100, 100)
    bar.close()
    assert "clip.mp4" in err.getvalue() and "frame" in err.getvalue()
    quiet = cli._Progress(False, "clip.mp4")
    quiet(10, 100)
    quiet.close()
    assert quiet.bar is None


def test_cli_prints_no_bar_when_stderr_is_not_a_terminal(tmp_path):
    r = CliRunner().invoke(cli.main, ["analyze", str(CLIP), "-o", str(tmp_path), "--no-cache", "--no-plots",
                                      "--no-html", "--no-exports"])
    assert r.exit_code == 0
    assert "frame/s" not in r.output and "\r" not in r.output
