"""Every number a reviewer can quote agrees: edge windows, short clips, --count cuts,
the peak sheet's content, and the season page in a browser."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import cutrate
from cutrate import cli
from cutrate.report import sheets
from cutrate.testing.clips import Cut, FlashCut, ShotSpec, render_clip
from cutrate.types import Evidence, Stills, Transition, VideoInfo

CHROMIUM = Path("/usr/bin/chromium")
SAMPLES = Path(__file__).parents[1] / "sample_clips"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """Hard cuts, a fade through black and a flash cut: 4 shot changes, 3 of them hard."""
    from cutrate.testing.clips import FadeOutIn

    path = tmp_path_factory.mktemp("mixed") / "mixed.mp4"
    render_clip(path, (ShotSpec(24, scene=1), ShotSpec(20, scene=2, enter=Cut()),
                       ShotSpec(20, scene=3, enter=FadeOutIn(5, 3, 5)), ShotSpec(20, scene=4, enter=FlashCut(2)),
                       ShotSpec(20, scene=5, enter=Cut())), size=(160, 90), seed=4)
    return path


def test_short_clip_reports_its_whole_length(tmp_path):
    clip = SAMPLES / "fast_burst.mp4"
    r = CliRunner().invoke(cli.main, ["analyze", str(clip), "-o", str(tmp_path), "--no-plots", "--no-html",
                                      "--no-exports"])
    assert r.exit_code == 0, r.output
    assert "peak: 12 shot changes in 6.7 s (whole video)" in r.output
    d = json.loads((tmp_path / "fast_burst" / "analysis.json").read_text())
    peak = d["summary"]["peak"]
    assert peak["whole_video"] and peak["end"] <= d["video"]["duration_s"] + 1e-9 and peak["count"] == 12
    assert max(d["timeline"]["cuts_per_minute"]) * d["timeline"]["window_s"] / 60 <= peak["count"]


def test_count_cuts_is_named_in_json_terminal_and_html(mixed, tmp_path):
    base = ["analyze", str(mixed), "-o", str(tmp_path), "--no-plots", "--no-exports", "--window", "10"]
    r = CliRunner().invoke(cli.main, [*base, "--count", "cuts"])
    assert r.exit_code == 0, r.output
    d = json.loads((tmp_path / "mixed" / "analysis.json").read_text())
    kinds = d["summary"]["transitions"]
    hard = kinds["cut"] + kinds["flash"]
    assert d["settings"]["timeline"]["count"] == "cuts" and d["summary"]["count"] == "cuts"
    assert d["summary"]["peak"]["count_of"] == "cuts" and d["summary"]["peak"]["count"] <= hard < d["summary"]["transition_count"]
    assert d["summary"]["counted"] == hard and d["timeline"]["count"] == "cuts"
    assert re.search(r"peak: \d+ hard cuts? in ", r.output) and "hard cuts/min" in r.output
    page = (tmp_path / "mixed" / "report.html").read_text()
    assert "hard cut" in page and "shot change" not in page.split("<h2 id='settings'>")[0]


def test_report_rewindows_and_recounts_without_decoding(mixed, tmp_path, monkeypatch):
    assert CliRunner().invoke(cli.main, ["analyze", str(mixed), "-o", str(tmp_path), "--no-cache"]).exit_code == 0
    import cutrate.analysis.features

    monkeypatch.setattr(cutrate.analysis.features, "compute", lambda *a, **k: pytest.fail("decoded again"))
    r = CliRunner().invoke(cli.main, ["report", str(tmp_path / "mixed"), "--window", "5", "--count", "cuts"])
    assert r.exit_code == 0, r.output
    d = json.loads((tmp_path / "mixed" / "analysis.json").read_text())
    assert d["summary"]["peak"]["window_s"] == 5.0 and d["summary"]["peak"]["count_of"] == "cuts"
    assert "hard cut" in (tmp_path / "mixed" / "summary.md").read_text()
    assert (tmp_path / "mixed" / "peak_sheet.png").is_file()
    r = CliRunner().invoke(cli.main, ["report", str(tmp_path / "mixed"), "--window", "-1"])
    assert r.exit_code == 2 and "--window must be > 0 seconds" in r.output


def test_value_errors_name_the_option_and_errors_are_one_line(tmp_path):
    r = CliRunner().invoke(cli.main, ["analyze", str(SAMPLES / "fade.mp4"), "-o", str(tmp_path), "--hop", "0"])
    assert r.exit_code == 2 and "--hop must be > 0 seconds" in r.output and "hop_s" not in r.output
    r = CliRunner().invoke(cli.main, ["analyze", str(tmp_path / "nope.mp4"), "-o", str(tmp_path)])
    assert r.exit_code == 1
    lines = [ln for ln in r.output.splitlines() if "nope.mp4" in ln]
    assert len(lines) == 1 and lines[0].startswith("error: ")  # said once
    assert "of 1 input" in r.output and "1 inputs" not in r.output


def test_plurals_in_the_terminal_summary(tmp_path):
    clip = tmp_path / "one.mp4"
    render_clip(clip, (ShotSpec(30, scene=1), ShotSpec(30, scene=2)), size=(96, 54))
    r = CliRunner().invoke(cli.main, ["analyze", str(clip), "-o", str(tmp_path / "out"), "--no-plots",
                                      "--no-html", "--no-exports"])
    assert "2 shots · 1 transition (" in r.output and "1 transitions" not in r.output
    assert "1 shot change in " in r.output


def test_top_level_help_shows_whole_descriptions():
    r = CliRunner().invoke(cli.main, ["--help"])
    for name, cmd in cli.main.commands.items():
        short = cmd.get_short_help_str(limit=200)
        assert "..." not in r.output.split(name, 1)[1].splitlines()[0], (name, short)


def _tile_colours(png: bytes, cols: int, tile_w: int, tile_h: int, n: int) -> list[tuple[int, int, int]]:
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    out = []
    for k in range(n):
        r, c = divmod(k, cols)
        x0, y0 = 10 + c * (tile_w + 10), 96 + r * (tile_h + 26 + 10)
        out.append(tuple(int(v) for v in img[y0 + tile_h // 2, x0 + tile_w // 2]))
    return out


def test_peak_sheet_shows_one_still_per_shot_of_the_window_in_order():
    import cv2

    fps, n = 25.0, 250
    colours = [(220, 30, 30), (30, 200, 30), (30, 30, 220), (230, 230, 40), (200, 40, 200)]
    cuts = [Transition("cut", f, f / fps, f, f, 1.0) for f in (50, 100, 150, 200)]
    frames, blobs = [], []
    for k, col in enumerate(colours):  # one still in the middle of each shot, in that shot's colour
        img = np.zeros((72, 128, 3), np.uint8)
        img[:] = col[::-1]
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 95])
        frames.append(25 + 50 * k)
        blobs.append(buf.tobytes())
    offsets = np.concatenate([[0], np.cumsum([len(b) for b in blobs])])
    stills = Stills(np.array(frames), offsets, np.frombuffer(b"".join(blobs), np.uint8), 128, 72)
    info = VideoInfo("/nowhere/sheet.mp4", n / fps, fps, n, 1280, 720, "h264", 0.0)
    times = np.arange(n) / fps
    shots = cutrate.timeline.shots(cuts, times=times, end_time=n / fps)
    tl = cutrate.timeline.rate(cuts, duration_s=info.duration_s, window_s=60.0)
    summary = cutrate.timeline.summarize(cuts, shots, duration_s=info.duration_s)
    res = cutrate.Result(info, cutrate.Settings(), cuts, shots, tl, summary,
                         evidence=Evidence(times, np.zeros(n), stills))
    png = sheets.peak_sheet(res)
    cols, tile_w = sheets._layout(5)
    got = _tile_colours(png, cols, tile_w, int(round(tile_w * 720 / 1280)), 5)
    for want, have in zip(colours, got):
        assert max(abs(a - b) for a, b in zip(want, have)) < 30, (want, have)
    from PIL import Image

    assert Image.open(io.BytesIO(png)).size[0] >= 900


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless browser test needs /usr/bin/chromium")
def test_season_page_in_headless_chromium(tmp_path):
    clips = sorted(SAMPLES.glob("*.mp4"))[:4]
    out = tmp_path / "season"
    r = CliRunner().invoke(cli.main, ["analyze", *map(str, clips), "-o", str(out)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli.main, ["analyze", *map(str, clips), "-o", str(out)])  # a re-run: up to date
    assert r.output.count("up to date") >= 4
    page = (out / "index.html").read_text()
    assert page.count("<td>up to date</td>") == 4 and "<td>analysed</td>" not in page
    for name in ("season_heatmap", "season_pace", "season_bars", "season_shot_lengths"):
        assert (out / f"{name}.png").is_file()
    # sort by duration with a click, then read the order back from the DOM
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", (
        "<script>addEventListener('load',()=>{const th=document.querySelectorAll('table.sortable th')[1];"
        "th.click();const rows=[...document.querySelectorAll('table.sortable tbody tr')];"
        "document.body.dataset.order=rows.map(r=>r.cells[1].getAttribute('data-sort')).join(',');"
        "const im=[...document.images];document.body.dataset.images=im.length;"
        "document.body.dataset.broken=im.filter(i=>!(i.complete&&i.naturalWidth>0)).length;});</script></body>")))
    flags = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*flags, "--virtual-time-budget=10000", "--dump-dom", probe.as_uri()],
                         check=False, capture_output=True, text=True, timeout=180)
    body = re.search(r"<body[^>]*>", dom.stdout)
    assert body, dom.stderr[-2000:]
    attrs = dict(re.findall(r'data-(order|images|broken)="([^"]*)"', body.group(0)))
    order = [float(x) for x in attrs["order"].split(",")]
    assert order == sorted(order) and len(order) == 4
    assert int(attrs["images"]) == 4 and attrs["broken"] == "0"
