"""Publishable outputs: report.html (self-contained, renders in a browser), the
index page, the CMX 3600 EDL, the OpenTimelineIO file, summary.md and
PySceneDetect's reading of shots.csv."""

from __future__ import annotations

import csv
import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cutrate
from cutrate import _fmt, settings
from cutrate.report import exports
from cutrate.report import html as htmlreport
from cutrate.report import writers as report
from cutrate.testing.clips import Dissolve, FadeOutIn, FlashCut, ShotSpec, render_clip
from cutrate.types import Transition, VideoInfo

CHROMIUM = Path("/usr/bin/chromium")
TC = r"(\d\d):(\d\d):(\d\d):(\d\d)"
EVENT = re.compile(rf"^(\d{{3}})  (\S+)\s+V\s+(C|D)\s+(\d{{3}})?\s*{TC} {TC} {TC} {TC}$")


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> cutrate.Result:
    """A small clip with cuts (one into a 3-frame shot), a dissolve, a fade and a flash cut."""
    path = tmp_path_factory.mktemp("reportclip") / "ep01.mp4"
    shots = (ShotSpec(30, scene=1, motion="drift"), ShotSpec(3, scene=2), ShotSpec(20, scene=3, motion="pan"),
             ShotSpec(28, scene=4, enter=Dissolve(frames=12)), ShotSpec(24, scene=5, enter=FadeOutIn(6, 3, 6)),
             ShotSpec(20, scene=6, enter=FlashCut(2)), ShotSpec(12, scene=7))
    render_clip(path, shots, fps=24, size=(160, 90), seed=2)
    return cutrate.analyze(path, use_cache=False)


@pytest.fixture(scope="module")
def report_dir(result, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    htmlreport.write_html(result, folder)
    return folder


def handmade(transitions: list[Transition], frames: int = 120, fps: float = 25.0,
             path: str = "/nowhere/hand.mp4") -> cutrate.Result:
    """A Result built from transitions alone (no video), through the public timeline functions."""
    times = np.arange(frames) / fps
    info = VideoInfo(path, frames / fps, fps, frames, 320, 180, "h264", 0.0)
    shots = cutrate.timeline.shots(transitions, times=times, end_time=frames / fps)
    tl = cutrate.timeline.rate(transitions, duration_s=info.duration_s)
    summary = cutrate.timeline.summarize(transitions, shots, duration_s=info.duration_s)
    return cutrate.Result(info, cutrate.Settings(), transitions, shots, tl, summary)


HAND = [Transition("cut", 30, 1.2, 30, 30, 1.0), Transition("dissolve", 60, 2.4, 55, 65, 0.6),
        Transition("fade", 90, 3.6, 84, 96, 0.9)]


# --------------------------------------------------------------------------- EDL


def parse_edl(text: str, fps: int) -> list[dict]:
    """Events of a CMX 3600 EDL: number, edit lines (kind, length, frames of the four timecodes)."""
    events: list[dict] = []
    for line in text.splitlines():
        m = EVENT.match(line)
        if not m:
            assert line == "" or line.startswith(("*", "TITLE:", "FCM:")), line
            continue
        tcs = [int(x) for x in m.groups()[4:]]
        frames = [((h * 60 + mi) * 60 + s) * fps + f for h, mi, s, f in zip(*[iter(tcs)] * 4)]
        edit = {"kind": m.group(3), "length": int(m.group(4) or 0), "tc": frames}
        if events and events[-1]["number"] == m.group(1):
            events[-1]["edits"].append(edit)
        else:
            events.append({"number": m.group(1), "edits": [edit]})
    return events


def check_edl(res: cutrate.Result, text: str) -> list[dict]:
    fps = exports.edl_fps(res)
    lines = text.splitlines()
    assert lines[0].startswith("TITLE: ") and lines[1] == "FCM: NON-DROP FRAME"
    events = parse_edl(text, fps)
    assert len(events) == len(res.shots)
    pos = 0
    for ev in events:
        *pre, main = ev["edits"]
        s_in, s_out, r_in, r_out = main["tc"]
        assert (s_in, s_out) == (r_in, r_out)  # the video is its own source
        assert r_in == pos and r_out > r_in  # contiguous, monotonic, no empty event
        for cut in pre:  # the outgoing side of a dissolve: zero length at its start
            assert cut["kind"] == "C" and cut["tc"] == [r_in] * 4
        pos = r_out
    assert pos == res.info.frames
    return events


def test_edl_one_event_per_shot(result, tmp_path):
    path = exports.write_edl(result, tmp_path)
    assert path.name == "cuts.edl"
    events = check_edl(result, path.read_text())
    assert all(ev["edits"][0]["kind"] == "C" for ev in events)
    dissolves = [t for t in result.transitions if t.kind == "dissolve"]
    assert sum(ev["edits"][-1]["kind"] == "D" for ev in events) == len(dissolves)
    assert "* FROM CLIP NAME: ep01.mp4" in path.read_text()


def test_edl_dissolve_and_other_kinds():
    res = handmade(HAND)
    text = exports.edl_text(res)
    events = check_edl(res, text)
    diss = events[2]["edits"]
    assert [e["kind"] for e in diss] == ["C", "D"]
    assert diss[1]["length"] == 10 and diss[1]["tc"][2] == 55  # starts where the dissolve starts
    assert events[3]["edits"][0]["tc"][2] == 90  # a fade is a cut at its frame, with a comment
    assert "fade at frame 90" in text and "written as a cut" in text
    assert "00:00:01:05" in text  # frame 30 at 25 fps


def test_edl_reads_back_with_the_otio_cmx_reader():
    otio = pytest.importorskip("opentimelineio")
    if "cmx_3600" not in otio.adapters.available_adapter_names():
        pytest.skip("the otio-cmx3600-adapter package is not installed")
    res = handmade(HAND)
    tl = otio.adapters.read_from_string(exports.edl_text(res), adapter_name="cmx_3600", rate=25)
    clips = list(tl.find_clips())
    assert len(clips) == len(res.shots)
    assert sum(c.source_range.duration.value for c in clips) == res.info.frames
    assert len([t for t in tl.tracks[0] if isinstance(t, otio.schema.Transition)]) == 1


# --------------------------------------------------------------------------- OTIO


def test_otio_reloads_with_clips_and_transitions(result, tmp_path):
    otio = pytest.importorskip("opentimelineio")
    path = exports.write_otio(result, tmp_path)
    assert path is not None and path.name == "timeline.otio"
    tl = otio.adapters.read_from_file(str(path))
    clips = list(tl.find_clips())
    assert len(clips) == len(result.shots)
    for clip, shot in zip(clips, result.shots):
        rng = clip.source_range
        assert rng.start_time.rate == pytest.approx(result.info.fps)
        assert (rng.start_time.value, rng.duration.value) == (shot.start_frame, shot.frames)
        assert clip.media_reference.target_url == Path(result.info.path).resolve().as_uri()
    assert tl.duration().value == result.info.frames
    transitions = [t for t in tl.tracks[0] if isinstance(t, otio.schema.Transition)]
    assert len(transitions) == sum(t.kind == "dissolve" for t in result.transitions)


def test_otio_dissolve_offsets():
    otio = pytest.importorskip("opentimelineio")
    items = list(exports.otio_timeline(handmade(HAND)).tracks[0])
    trans = [it for it in items if isinstance(it, otio.schema.Transition)]
    assert len(trans) == 1 and trans[0].transition_type == otio.schema.TransitionTypes.SMPTE_Dissolve
    assert (trans[0].in_offset.value, trans[0].out_offset.value) == (5, 5)  # frames 55..65 around frame 60


def test_exports_write_edl_otio_fcp_xml_and_markdown(result, tmp_path):
    otio = pytest.importorskip("opentimelineio")
    names = {p.name for p in exports.write_exports(result, tmp_path)}
    assert names == {"cuts.edl", "timeline.otio", "timeline.xml", "summary.md"}
    tl = otio.adapters.read_from_file(str(tmp_path / "timeline.xml"), adapter_name="fcp_xml")
    assert len(list(tl.find_clips())) == len(result.shots)


def test_fcp_xml_without_its_adapter_is_skipped_with_a_message(result, tmp_path, monkeypatch, caplog):
    otio = pytest.importorskip("opentimelineio")

    def refuse(*a, **k):
        raise otio.exceptions.NotSupportedError("no adapter named fcp_xml")

    monkeypatch.setattr(otio.adapters, "write_to_string", lambda tl, adapter_name: (
        refuse() if adapter_name == "fcp_xml" else otio.adapters.otio_json.write_to_string(tl)))
    monkeypatch.setattr(exports, "_fcp_missing_logged", False)
    names = {p.name for p in exports.write_exports(result, tmp_path)}
    assert names == {"cuts.edl", "timeline.otio", "summary.md"}
    assert any("timeline.xml skipped" in r.message for r in caplog.records)


@pytest.mark.parametrize("rate, start, drop", [(25.0, "10:00:00:00", False), (30000 / 1001, "01:00:00;00", True),
                                               (60000 / 1001, None, True), (24.0, None, False)])
def test_edl_with_a_start_timecode_and_drop_frame_reads_back_at_the_right_times(rate, start, drop):
    otio = pytest.importorskip("opentimelineio")
    res = handmade([Transition("cut", 1850, 1850 / rate, 1850, 1850, 1.0),
                    Transition("cut", 20000, 20000 / rate, 20000, 20000, 1.0)], frames=24000, fps=rate)
    text = exports.edl_text(res, start_timecode=start)
    assert ("FCM: DROP FRAME" in text) == drop
    tl = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=rate)
    clips = list(tl.find_clips())
    assert [c.source_range.duration.value for c in clips] == [s.frames for s in res.shots]
    base = otio.opentime.from_timecode(start, rate).value if start else 0
    for clip, shot in zip(clips, res.shots):
        # the source timecode of each clip is the start timecode plus the shot's first frame
        assert clip.source_range.start_time.value == pytest.approx(base + shot.start_frame)
    otio_tl = exports.otio_timeline(res, start_timecode=start)
    assert otio_tl.global_start_time.value == base
    first = next(iter(otio_tl.find_clips()))
    assert first.source_range.start_time.value == base


def test_edl_start_timecode_defaults_to_the_streams_tag():
    res = handmade([Transition("cut", 30, 1.2, 30, 30, 1.0)])
    tagged = dataclasses.replace(res, info=dataclasses.replace(res.info, timecode="00:59:58:00"))
    text = exports.edl_text(tagged)
    assert "* START TIMECODE 00:59:58:00 (THE STREAM'S TIMECODE TAG)" in text
    assert "00:59:58:00 00:59:59:05" in text  # the first event: frames 0..30 at 25 fps
    with pytest.raises(cutrate.ParameterError, match="start_timecode"):
        exports.edl_text(res, start_timecode="ten o'clock")


# --------------------------------------------------------------------------- Markdown


def test_markdown_summary(result, tmp_path):
    text = exports.write_markdown(result, tmp_path, max_transitions=2).read_text()
    assert _fmt.peak_sentence(result.summary.peak) in text
    assert f"| shots | {result.summary.shots} |" in text
    assert text.count("| cut |") + text.count("| dissolve |") + text.count("| fade |") + text.count("| flash |") == 2
    assert f"and {len(result.transitions) - 2} more" in text


# --------------------------------------------------------------------------- PySceneDetect


def test_pyscenedetect_loads_our_shots_csv(result, tmp_path):
    pytest.importorskip("scenedetect")
    report.write_shots_csv(result, tmp_path)
    out = tmp_path / "sd"
    cmd = [sys.executable, "-m", "scenedetect", "-i", result.info.path, "load-scenes", "-i",
           str(tmp_path / "shots.csv"), "list-scenes", "-o", str(out)]
    run = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    rows = list(csv.reader((out / "ep01-Scenes.csv").open()))
    starts = [int(r[1]) - 1 for r in rows[2:]]  # PySceneDetect writes 1-based frames
    assert starts == [s.start_frame for s in result.shots]


# --------------------------------------------------------------------------- HTML


def test_report_html_is_self_contained(result, report_dir):
    text = (report_dir / "report.html").read_text()
    assert text.startswith("<!DOCTYPE html>")
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", text) + re.findall(r"url\(([^)]*)\)", text)
    assert refs and all(r.startswith(("data:", "#")) for r in refs)  # embedded, or a link within the page
    assert not re.search(r"https?://", text)
    assert "<script" not in text and "<link" not in text
    images = re.findall(r'<img src="(data:image/(png|jpeg);base64,[A-Za-z0-9+/=]+)"', text)
    assert sum(kind == "png" for _, kind in images) == 4  # pace, shot lengths, shot graph, score trace
    peak_shots = [s for s in result.shots if s.end > result.summary.peak.start and s.start < result.summary.peak.end]
    low = [t for t in result.transitions if t.confidence < settings.REVIEW_CONFIDENCE]
    assert sum(kind == "jpeg" for _, kind in images) == len(peak_shots) + 2 * len(low)
    assert _fmt.peak_sentence(result.summary.peak) in text
    assert f"cutrate {cutrate.__version__}" in text and "detect.threshold" in text
    for key in ("ASL", "MSL", "CV", "Lognormal", "Lag-1 autocorrelation", "Peak, 10 s window"):
        assert key in text
    assert text.count("<tr><td class='num'>") == 10  # the ten segments


def test_report_review_section_shows_before_and_after(result, tmp_path):
    t = result.transitions[1]
    doubtful = dataclasses.replace(t, confidence=0.5)
    res = dataclasses.replace(result, transitions=[doubtful if x is t else x for x in result.transitions])
    text = htmlreport.write_html(res, tmp_path).read_text()
    assert f"before · frame {t.start_frame - 1}" in text and f"after · frame {t.end_frame}" in text
    assert re.search(rf'<img src="data:image/jpeg;base64,[^"]+" alt="frame {t.start_frame - 1}">', text)


def test_report_escapes_and_notes_a_missing_video(tmp_path):
    res = handmade(HAND, path="/gone/<b>ep & 'one'.mp4")
    text = htmlreport.write_html(res, tmp_path).read_text()
    assert "<b>ep" not in text and "&lt;b&gt;ep &amp; &#x27;one&#x27;.mp4" in text
    assert "Thumbnails skipped" in text and "data:image/jpeg" not in text
    assert "data:image/png" in text  # plots still there
    no_thumbs = htmlreport.html_text(res, thumbnails=False)
    assert "Thumbnails were not requested" in no_thumbs


def test_index_links_every_report(result, report_dir, tmp_path):
    other = tmp_path / "b"
    htmlreport.write_html(handmade(HAND), other, thumbnails=False)
    index = htmlreport.write_index([(result, report_dir), (handmade(HAND), other)], tmp_path)
    text = index.read_text()
    links = re.findall(r"<a href='([^']+)'>", text)
    assert len(links) == 2 and all((tmp_path / link).resolve().is_file() for link in links)
    assert "data:image/png;base64," in text and not re.search(r"https?://", text)


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless browser test needs /usr/bin/chromium "
                    "(Debian: apt-get install chromium)")
def test_report_renders_in_headless_chromium(report_dir, tmp_path):
    from PIL import Image

    flags = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars"]
    # a copy with a probe script counts the images that failed to decode (the report has no scripts)
    probe = tmp_path / "probe.html"
    probe.write_text((report_dir / "report.html").read_text().replace(
        "</body>", "<script>addEventListener('load',()=>{const im=[...document.images];"
        "document.body.dataset.images=im.length;document.body.dataset.broken="
        "im.filter(i=>!(i.complete&&i.naturalWidth>0)).length;});</script></body>"))
    dom = subprocess.run([*flags, "--virtual-time-budget=10000", "--dump-dom", probe.as_uri()],
                         check=False, capture_output=True, text=True, timeout=180)
    body = re.search(r"<body[^>]*>", dom.stdout)
    assert body, dom.stderr[-2000:]
    counts = dict(re.findall(r'data-(images|broken)="(\d+)"', body.group(0)))
    assert int(counts["images"]) >= 5 and counts["broken"] == "0"

    shot = tmp_path / "report.png"
    page = (report_dir / "report.html").as_uri()
    run = subprocess.run([*flags, "--window-size=1280,2000", f"--screenshot={shot}", page],
                         check=False, capture_output=True, text=True, timeout=180)
    assert shot.is_file() and shot.stat().st_size > 10_000, run.stderr[-2000:]
    pixels = np.asarray(Image.open(shot).convert("L"), float)
    assert pixels.shape == (2000, 1280)
    assert pixels.std() > 20  # not a blank page
    assert (pixels < 128).mean() > 0.01  # text and plots are drawn
