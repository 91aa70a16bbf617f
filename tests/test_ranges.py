"""--start, --end, --exclude and the exclusions file: what is left out is never counted."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import cutrate
from cutrate import cli
from cutrate.timespec import parse_span, parse_time
from cutrate.testing.clips import Cut, ShotSpec, render_clip


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """A cut every 12 frames (0.5 s) for 20 s."""
    path = tmp_path_factory.mktemp("ranges") / "busy.mp4"
    render_clip(path, tuple(ShotSpec(12, scene=k) for k in range(40)), size=(96, 54), seed=3)
    return path


def test_pyscenedetect_time_formats():
    assert parse_time("90") == cutrate.timespec.TimeSpec(90, frames=True)
    for text in ("90s", "1:30", "00:01:30.000", "0:01:30", "90.0"):
        assert parse_time(text).value == 90.0 and not parse_time(text).frames
    assert parse_time("1:30.5").value == 90.5
    a, b = parse_span("1:00-1:30")
    assert (a.value, b.value) == (60.0, 90.0)
    for bad in ("abc", "1:75", "-3", ""):
        with pytest.raises(cutrate.ParameterError):
            parse_time(bad)
    with pytest.raises(cutrate.ParameterError):
        parse_span("1:00")


def _counted(d: dict) -> list[float]:
    return [t["time"] for t in d["transitions"]]


def test_start_end_and_exclude_are_honoured(clip, tmp_path):
    r = CliRunner().invoke(cli.main, ["analyze", str(clip), "-o", str(tmp_path), "--no-plots", "--no-html",
                                      "--no-exports", "--window", "3", "--start", "2s", "--end", "0:15",
                                      "--exclude", "5s-8s", "--exclude", "240-264"])
    assert r.exit_code == 0, r.output
    d = json.loads((tmp_path / "busy" / "analysis.json").read_text())
    segs = [(s["start"], s["end"], s["source"], s["kind"]) for s in d["segments"]]
    assert all(s[2] == "user" and s[3] == "excluded" for s in segs)
    kept = [(2.0, 5.0), (8.0, 10.0), (11.0, 15.0)]  # frames 240-264 at 24 fps: 10 s to 11 s
    inside = [t for t in _counted(d) if any(a <= t < b for a, b in kept)]
    assert d["summary"]["counted"] == len(inside)
    p = d["summary"]["peak"]
    assert any(a <= p["start"] and p["end"] <= b for a, b in kept)  # wholly inside kept time
    assert d["summary"]["kept_s"] == pytest.approx(9.0, abs=0.05)
    cpm = np.array([np.nan if c is None else c for c in d["timeline"]["cuts_per_minute"]])
    times = np.array(d["timeline"]["times"])
    assert np.isnan(cpm[(times < 2.0) | (times >= 15.0) | ((times >= 5.0) & (times < 8.0))]).all()
    assert np.nanmax(cpm) * 3 / 60 <= p["count"]
    assert "excluding before --start 0:00.0–0:02.0" in r.output and "5.0–0:08.0" in r.output


def test_exclusions_file_for_many_files(clip, tmp_path):
    table = tmp_path / "exclusions.csv"
    table.write_text("file,start,end,label\nbusy.mp4,0s,10s,opening\nother.mp4,0,1,nothing\n")
    r = CliRunner().invoke(cli.main, ["analyze", str(clip), "-o", str(tmp_path / "out"), "--no-plots",
                                      "--no-html", "--no-exports", "--exclusions", str(table)])
    assert r.exit_code == 0, r.output
    d = json.loads((tmp_path / "out" / "busy" / "analysis.json").read_text())
    assert [(s["label"], s["start"], s["end"]) for s in d["segments"]] == [("opening", 0.0, 10.0)]
    assert all(t >= 10.0 for t in _counted(d)[:0]) and d["summary"]["peak"]["start"] >= 10.0
    assert "excluding opening 0:00.0–0:10.0" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("video,from,to\nbusy.mp4,0,1\n")
    r = CliRunner().invoke(cli.main, ["analyze", str(clip), "-o", str(tmp_path / "o2"), "--exclusions", str(bad)])
    assert r.exit_code == 1 and "needs the columns file, start, end" in r.output


def test_rewindow_moves_the_range_without_decoding(clip, tmp_path, monkeypatch):
    r = cutrate.analyze(clip, cache_dir=tmp_path)
    import cutrate.analysis.features as features

    monkeypatch.setattr(features, "compute", lambda *a, **k: pytest.fail("decoded again"))
    part = r.rewindow(start="5s", end="10s", window_s=2.0)
    assert 5.0 <= part.summary.peak.start and part.summary.peak.end <= 10.0
    assert part.summary.counted == sum(5.0 <= t.time < 10.0 for t in r.transitions)
    back = part.rewindow(start=None, end=None)
    assert back.segments == () and back.summary.counted == len(r.transitions)
    with pytest.raises(cutrate.ParameterError, match="end must come after start"):
        r.rewindow(start="10s", end="5s")


def test_a_transition_on_a_segment_edge_is_counted_once():
    """Half-open spans, and segment edges to the microsecond like transition times: a cut
    into an opening belongs to the opening, the cut out of it to the kept time, in memory and
    after a round trip through analysis.json."""
    from cutrate.analysis.timeline import span_pace, summarize
    from cutrate.types import Segment, Shot, Transition

    fps = 24
    seg = Segment("opening", 240 / fps, 480 / fps, 240, 479)
    assert seg.start == round(240 / fps, 6) and Segment.from_dict(seg.to_dict()) == seg
    trs = [Transition("cut", f, round(f / fps, 6), f, f, 1.0) for f in (120, 240, 360, 480, 600)]
    shots = [Shot(a, b - 1, a / fps, b / fps) for a, b in zip((0, 120, 240, 360, 480, 600), (120, 240, 360, 480, 600, 720))]
    s = summarize(trs, shots, duration_s=30.0, excluded=[(seg.start, seg.end)])
    n, cpm = span_pace(trs, seg.start, seg.end)
    assert (n, s.counted) == (2, 3) and cpm == pytest.approx(12.0)
