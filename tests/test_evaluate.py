"""Unit tests of :mod:`cutrate.eval`: the matching rule, scores and readers."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cutrate.eval import (
    AnnotationFormatError,
    ClipScore,
    Detection,
    TruthRow,
    calibrate,
    evaluate,
    format_calibration,
    format_errors,
    format_table,
    load_predictions,
    load_truth,
    most_in_window,
    peak_counts,
    pool,
    read_analysis_json,
    read_frame_list,
    read_scenedetect_csv,
    read_truth_tsv,
)


def row(kind: str, start: int, end: int | None = None, note: str = "") -> TruthRow:
    """A truth row at 25 fps."""
    end = start if end is None else end
    return TruthRow(kind, start, end, start / 25.0, end / 25.0, note)


# ----------------------------------------------------------------- matching: tolerance


@pytest.mark.parametrize(
    ("frame", "hit"),
    [(27, False), (28, True), (29, True), (30, True), (31, True), (32, True), (33, False)],
)
def test_cut_tolerance_edges(frame: int, hit: bool) -> None:
    s = evaluate([row("cut", 30)], [frame])
    assert s.hits == int(hit)
    assert len(s.false_alarms) == int(not hit)
    assert len(s.misses) == int(not hit)


@pytest.mark.parametrize(
    ("frame", "hit"),
    [(85, False), (86, True), (88, True), (100, True), (111, True), (113, True), (114, False)],
)
def test_gradual_span_tolerance_edges(frame: int, hit: bool) -> None:
    s = evaluate([row("dissolve", 88, 111)], [frame])
    assert s.hits == int(hit)


@pytest.mark.parametrize("tolerance", [0, 1, 3])
def test_tolerance_keyword(tolerance: int) -> None:
    truth = [row("cut", 100)]
    assert evaluate(truth, [100 + tolerance], tolerance=tolerance).hits == 1
    assert evaluate(truth, [100 - tolerance], tolerance=tolerance).hits == 1
    assert evaluate(truth, [100 + tolerance + 1], tolerance=tolerance).hits == 0
    assert evaluate(truth, [100 - tolerance - 1], tolerance=tolerance).hits == 0


def test_negative_tolerance_rejected() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        evaluate([row("cut", 1)], [1], tolerance=-1)


def test_distance() -> None:
    r = row("dissolve", 10, 20)
    assert [r.distance(f) for f in (7, 10, 15, 20, 23)] == [3, 0, 0, 0, 3]


# ----------------------------------------------------------------- matching: greedy 1:1


def test_one_detection_cannot_hit_two_cuts() -> None:
    s = evaluate([row("cut", 30), row("cut", 32)], [31])
    assert s.hits == 1
    assert len(s.misses) == 1
    assert s.false_alarms == ()


def test_two_detections_one_cut_gives_duplicate_false_alarm() -> None:
    s = evaluate([row("cut", 30)], [29, 30])
    assert s.hits == 1
    assert [m.frame for m in s.matches] == [30]  # the nearer one wins
    (fa,) = s.false_alarms
    assert fa.frame == 29 and fa.reason == "duplicate" and fa.row == row("cut", 30)
    assert "already matched" in fa.describe()


def test_same_frame_twice_is_two_detections() -> None:
    s = evaluate([row("cut", 30)], [30, 30])
    assert s.hits == 1
    assert len(s.false_alarms) == 1


def test_greedy_by_distance_not_by_order() -> None:
    # Detection 33 is 1 from cut 34 and 3 from cut 30 (out of tolerance);
    # detection 31 is 1 from cut 30 and 3 from cut 34. Each gets its nearest.
    s = evaluate([row("cut", 30), row("cut", 34)], [33, 31])
    assert s.hits == 2
    assert {(m.frame, m.row.start_frame) for m in s.matches} == {(31, 30), (33, 34)}


def test_greedy_prefers_exact_match_over_earlier_frame() -> None:
    # 30 lies exactly on cut 30; 29 could take cut 30 (d=1) or cut 27 (d=2).
    s = evaluate([row("cut", 27), row("cut", 30)], [29, 30])
    assert s.hits == 2
    assert {(m.frame, m.row.start_frame) for m in s.matches} == {(30, 30), (29, 27)}


def test_greedy_tie_broken_by_frame() -> None:
    # Both detections are 1 frame from cut 30; the lower frame is taken first.
    s = evaluate([row("cut", 30)], [31, 29])
    assert [m.frame for m in s.matches] == [29]
    assert [fa.frame for fa in s.false_alarms] == [31]


def test_greedy_is_not_optimal_bipartite() -> None:
    # Documented limitation: 12 sits on cut 12 (d=0) and takes it first, so 14
    # (only within reach of cut 12) is a false alarm and cut 10 a miss, although
    # 12 -> cut 10 (d=2) and 14 -> cut 12 (d=2) would give two hits.
    s = evaluate([row("cut", 10), row("cut", 12)], [12, 14])
    assert s.hits == 1
    assert [m.frame for m in s.matches] == [12]
    assert [r.start_frame for r in s.misses] == [10]
    assert [(fa.frame, fa.reason) for fa in s.false_alarms] == [(14, "duplicate")]


def test_input_order_does_not_matter() -> None:
    truth = [row("cut", 50), row("dissolve", 10, 20), row("cut", 30)]
    a = evaluate(truth, [51, 15, 29, 70])
    b = evaluate(list(reversed(truth)), [70, 29, 15, 51])
    assert a.hits == b.hits == 3
    assert {m.frame for m in a.matches} == {m.frame for m in b.matches}
    assert a.false_alarms == b.false_alarms


# ----------------------------------------------------------------- optional rows


@pytest.mark.parametrize("kind", ["graphic", "leader_cut", "fade_in", "fade_out"])
def test_optional_row_matched_is_neither_hit_nor_false_alarm(kind: str) -> None:
    s = evaluate([row(kind, 100, 110)], [105])
    assert s.hits == 0
    assert s.false_alarms == ()
    assert s.misses == ()
    assert [m.frame for m in s.optional_matches] == [105]
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_optional_row_missed_costs_nothing() -> None:
    s = evaluate([row("leader_cut", 30), row("cut", 100)], [100])
    assert s.hits == 1
    assert s.misses == ()
    assert s.recall == 1.0


def test_second_detection_near_optional_row_is_duplicate() -> None:
    s = evaluate([row("graphic", 50)], [50, 51])
    assert len(s.optional_matches) == 1
    (fa,) = s.false_alarms
    assert fa.reason == "duplicate" and fa.row is not None and fa.row.kind == "graphic"


def test_counted_row_has_priority_over_optional_at_equal_distance() -> None:
    # Detection 32 is 2 frames from both the fade_out (ends at 30) and the cut at 34.
    s = evaluate([row("fade_out", 20, 30), row("cut", 34)], [32])
    assert s.hits == 1
    assert s.optional_matches == ()


def test_closer_optional_row_wins_over_counted_row() -> None:
    s = evaluate([row("graphic", 31), row("cut", 33)], [31])
    assert s.hits == 0
    assert len(s.optional_matches) == 1
    assert [r.start_frame for r in s.misses] == [33]


@pytest.mark.parametrize("kind", ["cut", "dissolve", "fade_out_in", "flash", "wipe"])
def test_counted_kinds(kind: str) -> None:
    assert evaluate([row(kind, 10, 12)], [11]).hits == 1
    assert len(evaluate([row(kind, 10, 12)], []).misses) == 1


# ----------------------------------------------------------------- hard negatives, notes


def test_detection_on_not_a_cut_is_false_alarm_naming_it() -> None:
    neg = row("not_a_cut", 98, 102, "vehicle passes the lens")
    s = evaluate([row("cut", 30), neg], [30, 100])
    assert s.hits == 1
    (fa,) = s.false_alarms
    assert fa.frame == 100 and fa.reason == "not_a_cut" and fa.row == neg and fa.distance == 0
    assert "vehicle passes the lens" in fa.describe()


def test_not_a_cut_reported_within_tolerance() -> None:
    neg = row("not_a_cut", 98, 102)
    (fa,) = evaluate([neg], [104]).false_alarms
    assert fa.reason == "not_a_cut" and fa.distance == 2
    (fa,) = evaluate([neg], [105]).false_alarms
    assert fa.reason == "unmatched" and fa.row is None


def test_not_a_cut_is_never_matched_even_when_overlapping_a_cut() -> None:
    # A muzzle flash at 155-157 right before a cut at 158: a detection at 157 is
    # 1 frame from the cut and inside the hard negative.
    truth = [row("not_a_cut", 155, 157, "muzzle flash"), row("cut", 158)]
    s = evaluate(truth, [157])
    assert s.hits == 1 and s.false_alarms == ()
    s = evaluate(truth, [157, 158])
    assert [m.frame for m in s.matches] == [158]
    (fa,) = s.false_alarms
    assert fa.frame == 157 and fa.reason == "not_a_cut"  # preferred over "duplicate"


def test_nearest_not_a_cut_is_reported() -> None:
    a, b = row("not_a_cut", 10, 12, "a"), row("not_a_cut", 15, 20, "b")
    (fa,) = evaluate([a, b], [14]).false_alarms
    assert fa.row == b


def test_note_row_is_not_a_boundary() -> None:
    note = row("note", 0, 671, "animation on twos")
    s = evaluate([note, row("cut", 113)], [113, 300])
    assert s.hits == 1
    (fa,) = s.false_alarms
    assert fa.reason == "note" and fa.row == note
    assert "animation on twos" in fa.describe()


def test_note_does_not_mask_duplicate() -> None:
    truth = [row("note", 0, 500), row("cut", 100)]
    s = evaluate(truth, [100, 101])
    assert [fa.reason for fa in s.false_alarms] == ["duplicate"]


def test_not_a_cut_preferred_over_note() -> None:
    truth = [row("note", 0, 500, "long take"), row("not_a_cut", 200, 205, "flash")]
    (fa,) = evaluate(truth, [203]).false_alarms
    assert fa.reason == "not_a_cut" and fa.row is not None and fa.row.note == "flash"


def test_unmatched_false_alarm_names_nearest_boundary() -> None:
    truth = [row("cut", 30), row("dissolve", 88, 111)]
    (fa,) = evaluate(truth, [80]).false_alarms
    assert fa.reason == "unmatched" and fa.row == truth[1] and fa.distance == 8
    assert "8 frames away" in fa.describe()


# ----------------------------------------------------------------- scores and empty cases


def test_nothing_to_find_nothing_found() -> None:
    s = evaluate([], [])
    assert (s.hits, s.misses, s.false_alarms) == (0, (), ())
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_only_notes_and_nothing_found_is_perfect() -> None:
    s = evaluate([row("note", 0, 100), row("not_a_cut", 40, 45)], [])
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_nothing_to_find_but_false_alarms() -> None:
    s = evaluate([row("note", 0, 100)], [10, 20])
    assert (s.precision, s.recall, s.f1) == (0.0, 1.0, 0.0)


def test_nothing_predicted() -> None:
    s = evaluate([row("cut", 10), row("cut", 20)], [])
    assert (s.precision, s.recall, s.f1) == (1.0, 0.0, 0.0)
    assert [r.start_frame for r in s.misses] == [10, 20]


def test_precision_recall_f1_values() -> None:
    truth = [row("cut", f) for f in (10, 50, 90, 130)]
    s = evaluate(truth, [10, 51, 200])
    assert (s.hits, len(s.misses), len(s.false_alarms)) == (2, 2, 1)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(0.5)
    assert s.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert (s.n_truth, s.n_predicted) == (4, 3)


def test_pool_sums_counts() -> None:
    a = evaluate([row("cut", 10), row("cut", 50)], [10, 70], name="a")
    b = evaluate([row("cut", 5)], [5, 6], name="b")
    c = evaluate([], [], name="c")
    p = pool([a, b, c])
    assert p.name == "pooled" and p.clips == 3
    assert (p.hits, len(p.misses), len(p.false_alarms)) == (2, 1, 2)
    assert p.precision == pytest.approx(0.5)
    assert p.recall == pytest.approx(2 / 3)
    assert pool([p, evaluate([row("cut", 1)], [1])]).hits == 3


def test_pool_of_nothing() -> None:
    p = pool([])
    assert p.clips == 0 and (p.precision, p.recall, p.f1) == (1.0, 1.0, 1.0)


def test_to_dict_is_json_serialisable() -> None:
    d = evaluate([row("cut", 10)], [10, 40], name="x").to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["hits"] == 1 and d["false_alarms"] == 1 and d["precision"] == 0.5


def test_calibrate_thresholds() -> None:
    truth = [row("cut", 10), row("cut", 50)]
    dets = [Detection(10, 0.95), Detection(50, 0.6), Detection(80, 0.75)]
    rows = calibrate([(truth, dets), ([], [Detection(3, 0.2)])], (0.9, 0.7, 0.5, 0.0))
    assert [r.count for r in rows] == [1, 2, 3, 4]
    assert [r.score.hits for r in rows] == [1, 1, 2, 2]
    assert [r.precision for r in rows] == pytest.approx([1.0, 0.5, 2 / 3, 0.5])
    assert [r.recall for r in rows] == pytest.approx([0.5, 0.5, 1.0, 1.0])
    text = format_calibration(rows)
    assert text.splitlines()[0].startswith("| confidence >=")
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in text.splitlines()[2:]]
    assert cells[0] == ["0.9", "1", "1", "0", "1.000", "0.500", "0.667"]


# ----------------------------------------------------------------- formatting


def test_format_table_markdown_and_text() -> None:
    scores = [
        evaluate([row("cut", 10)], [10], name="clip_a"),
        evaluate([row("cut", 10)], [40], name="clip_b"),
    ]
    md = format_table(scores)
    lines = md.splitlines()
    assert lines[0].startswith("| clip") and lines[1].startswith("| ---")
    assert len(lines) == 5
    assert "**pooled (2 clips)**" in lines[-1]
    assert lines[-1].rstrip().endswith("| 0.500 |")
    txt = format_table(scores, style="text", pooled=False, digits=2)
    assert "|" not in txt and "clip_b" in txt and len(txt.splitlines()) == 4
    assert "0.00" in txt.splitlines()[-1]
    with pytest.raises(ValueError):
        format_table(scores, style="html")  # type: ignore[arg-type]


def test_format_errors() -> None:
    s = evaluate([row("cut", 10, note="hard to see"), row("not_a_cut", 60, 62, "flash")], [61], name="c")
    text = format_errors([s, evaluate([], [], name="clean")])
    assert text.splitlines()[0] == "c: 1 misses, 1 false alarms"
    assert "miss  cut 10 (hard to see)" in text
    assert "hard negative not_a_cut 60-62 (flash)" in text
    assert "clean" not in text
    assert format_errors([evaluate([], [])]) == "no misses or false alarms\n"


# ----------------------------------------------------------------- TSV reader


HEADER = "type\tstart_frame\tend_frame\tstart_time\tend_time\tnote\n"
TSV = (
    "# clip.mp4: shot-transition annotation. frame = 0-based decoded frame index\n"
    "type\tstart_frame\tend_frame\tstart_time\tend_time\tnote\n"
    "fade_in\t0\t21\t0.000\t0.840\tfrom white at start\n"
    "cut\t30\t30\t1.200\t1.200\t\n"
    "dissolve\t88\t111\t3.520\t4.440\ttitle -> forest\n"
    "not_a_cut\t98\t102\t3.920\t4.080\tvehicle passes the lens\n"
    "cut\t137\t137\t5.480\t5.480\n"
    "note\t0\t249\t0.000\t9.960\tlong take\n"
)


def test_read_truth_tsv(tmp_path: Path) -> None:
    p = tmp_path / "clip.mp4.transitions.tsv"
    p.write_text(TSV, encoding="utf-8")
    rows = read_truth_tsv(p)
    assert [r.kind for r in rows] == ["fade_in", "cut", "dissolve", "not_a_cut", "cut", "note"]
    assert rows[0] == TruthRow("fade_in", 0, 21, 0.0, 0.84, "from white at start")
    assert rows[1] == TruthRow("cut", 30, 30, 1.2, 1.2, "")
    assert rows[4].note == ""  # trailing note field missing entirely
    assert [r.counted for r in rows] == [False, True, True, False, True, False]
    assert [r.optional for r in rows] == [True, False, False, False, False, False]
    assert [r.is_boundary for r in rows] == [True, True, True, False, True, False]
    assert load_truth(p) == rows
    assert load_predictions(p) == [0, 30, 88, 137]
    with pytest.raises(AttributeError):
        rows[0].kind = "cut"  # type: ignore[misc]


def test_read_truth_tsv_crlf_and_blank_lines(tmp_path: Path) -> None:
    p = tmp_path / "a.tsv"
    p.write_bytes(TSV.replace("\n", "\r\n\r\n").encode())
    assert len(read_truth_tsv(p)) == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# only a comment\n", "no header"),
        ("type\tstart\tend\n", "expected header"),
        (HEADER + "cut\t1\t1\n", "6 tab-separated"),
        (HEADER + "cutt\t1\t1\t0\t0\t\n", "unknown transition type"),
        (HEADER + "cut\tx\t1\t0\t0\t\n", ":2:"),
        (HEADER + "cut\t5\t4\t0\t0\t\n", "end_frame 4 < start_frame 5"),
    ],
)
def test_read_truth_tsv_errors(tmp_path: Path, text: str, message: str) -> None:
    p = tmp_path / "bad.tsv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(AnnotationFormatError, match=message):
        read_truth_tsv(p)


def test_annotation_error_is_value_error() -> None:
    assert issubclass(AnnotationFormatError, ValueError)


# ----------------------------------------------------------------- PySceneDetect CSV

# Written verbatim by `scenedetect -i synth.mp4 detect-content list-scenes` (PySceneDetect
# 0.7.2) on a synthetic 80-frame 25 fps video whose shots start at 0-based frames 0, 20,
# 45 and 62.  "Start Frame" is 1-based: 21, 46, 63.
SCENEDETECT_CSV = """\
Timecode List:,00:00:00.800,00:00:01.800,00:00:02.480
Scene Number,Start Frame,Start Timecode,Start Time (seconds),End Frame,End Timecode,End Time (seconds),Length (frames),Length (timecode),Length (seconds)
1,1,00:00:00.000,0.000,20,00:00:00.800,0.800,20,00:00:00.800,0.800
2,21,00:00:00.800,0.800,45,00:00:01.800,1.800,25,00:00:01.000,1.000
3,46,00:00:01.800,1.800,62,00:00:02.480,2.480,17,00:00:00.680,0.680
4,63,00:00:02.480,2.480,80,00:00:03.200,3.200,18,00:00:00.720,0.720
"""


def test_read_scenedetect_csv_is_made_zero_based(tmp_path: Path) -> None:
    p = tmp_path / "synth-Scenes.csv"
    p.write_text(SCENEDETECT_CSV, encoding="utf-8")
    rows = read_scenedetect_csv(p)
    assert [r.start_frame for r in rows] == [20, 45, 62]
    assert all(r.kind == "cut" and r.start_frame == r.end_frame for r in rows)
    assert [r.start_time for r in rows] == [0.8, 1.8, 2.48]
    assert [r.note for r in rows] == ["scene 2", "scene 3", "scene 4"]
    assert load_predictions(p) == [20, 45, 62]
    assert load_truth(p) == rows


def test_read_scenedetect_csv_variants(tmp_path: Path) -> None:
    lines = SCENEDETECT_CSV.splitlines()
    # --skip-cuts: no timecode line; CRLF line endings (csv module default).
    p = tmp_path / "skip.csv"
    p.write_bytes(("\r\n".join(lines[1:]) + "\r\n").encode())
    assert load_predictions(p) == [20, 45, 62]
    # A single scene: no boundaries.
    p = tmp_path / "one.csv"
    p.write_text("\n".join(lines[1:3]) + "\n", encoding="utf-8")
    assert read_scenedetect_csv(p) == []
    # Timecode row without its label, extra leading column, reduced columns.
    p = tmp_path / "multi.csv"
    p.write_text(
        "00:00:00.800\nVideo,Scene Number,Start Frame,End Frame\n1,1,1,20\n1,2,21,80\n",
        encoding="utf-8",
    )
    (r,) = read_scenedetect_csv(p)
    assert r.start_frame == 20 and math.isnan(r.start_time)


def test_read_scenedetect_csv_errors(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(AnnotationFormatError, match="Start Frame"):
        read_scenedetect_csv(p)
    p.write_text("Scene Number,Start Frame\n1,1\n2,abc\n", encoding="utf-8")
    with pytest.raises(AnnotationFormatError, match=":3:"):
        read_scenedetect_csv(p)


# ----------------------------------------------------------------- frame lists, JSON


def test_read_frame_list(tmp_path: Path) -> None:
    p = tmp_path / "cuts.txt"
    p.write_text("# boundaries of clip x\n30\n\n 76  # second\n137\n", encoding="utf-8")
    assert read_frame_list(p) == [30, 76, 137]
    assert load_predictions(p) == [30, 76, 137]
    assert [r.start_frame for r in load_truth(p)] == [30, 76, 137]
    p.write_text("30\n76.5\n", encoding="utf-8")
    with pytest.raises(AnnotationFormatError, match=":2:"):
        read_frame_list(p)


def test_empty_frame_list(tmp_path: Path) -> None:
    p = tmp_path / "none.txt"
    p.write_text("# no cuts\n", encoding="utf-8")
    assert load_predictions(p) == []
    p.write_text("", encoding="utf-8")
    assert load_predictions(p) == []


def test_read_analysis_json(tmp_path: Path) -> None:
    doc = {
        "summary": {"shots": 3},
        "transitions": [
            {"kind": "cut", "frame": 137, "time": 5.48, "start_frame": 137, "end_frame": 137, "confidence": 0.93},
            {"kind": "dissolve", "frame": 100, "time": 4.0, "start_frame": 88, "end_frame": 111, "confidence": 0.61},
            {"frame": 30},
        ],
    }
    p = tmp_path / "analysis.json"
    p.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    dets = read_analysis_json(p)
    assert dets == [Detection(137, 0.93, "cut"), Detection(100, 0.61, "dissolve"), Detection(30, 1.0, "cut")]
    assert load_predictions(p) == [30, 100, 137]
    with pytest.raises(AnnotationFormatError, match="not accepted as truth"):
        load_truth(p)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"shots": []}', "no 'transitions'"),
        ('{"transitions": [{"frame": 1.5}]}', "integer"),
    ],
)
def test_read_analysis_json_errors(tmp_path: Path, text: str, message: str) -> None:
    p = tmp_path / "a.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(AnnotationFormatError, match=message):
        read_analysis_json(p)


def test_unknown_format(tmp_path: Path) -> None:
    p = tmp_path / "x.dat"
    p.write_text("hello world\n", encoding="utf-8")
    with pytest.raises(AnnotationFormatError, match="cannot tell"):
        load_predictions(p)


def test_end_to_end_scores_from_files(tmp_path: Path) -> None:
    truth = tmp_path / "t.tsv"
    truth.write_text(TSV, encoding="utf-8")
    pred = tmp_path / "p.txt"
    pred.write_text("2\n31\n100\n139\n200\n", encoding="utf-8")
    s: ClipScore = evaluate(load_truth(truth), load_predictions(pred), name="clip")
    # 2 -> fade_in (optional), 31 -> cut 30, 100 -> dissolve 88-111, 139 -> cut 137,
    # 200 -> inside the note.
    assert (s.hits, len(s.misses), len(s.optional_matches)) == (3, 0, 1)
    assert [(fa.frame, fa.reason) for fa in s.false_alarms] == [(200, "note")]


def test_import_is_light() -> None:
    code = (
        "import sys, cutrate.eval\n"
        "heavy = sorted(m for m in ('av', 'cv2', 'torch', 'scenedetect') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    import cutrate

    src = str(Path(cutrate.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == ""


# ----------------------------------------------------------------- the 60 s peak


def test_most_in_window_counts_the_busiest_stretch_exactly():
    assert most_in_window([], 10) == 0
    assert most_in_window([0, 9, 10], 10) == 2  # [0, 10) holds 0 and 9; 10 starts the next
    assert most_in_window([50, 5, 12, 13, 14, 30], 10) == 4  # order does not matter: 5, 12, 13, 14
    assert most_in_window([3, 3], 1) == 2  # a frame listed twice is two
    with pytest.raises(ValueError):
        most_in_window([1], 0)


def test_peak_counts_compares_the_busiest_minute_of_truth_and_detections():
    # 25 fps: a 60 s window is 1500 frames; truth has 3 cuts in the first minute and
    # a dissolve far later, the detector misses one cut and adds a false alarm
    truth = [row("cut", 100), row("cut", 200), row("cut", 300), row("dissolve", 4000, 4010),
             row("not_a_cut", 600, 602)]
    score = evaluate(truth, [100, 300, 601, 4005])
    assert peak_counts(score, 25.0) == (3, 3)  # the miss and the false alarm cancel out
    assert peak_counts(evaluate(truth, [100, 300, 4005]), 25.0) == (3, 2)
    assert peak_counts(score, 25.0, window_s=1.0) == (1, 1)
    with pytest.raises(ValueError):
        peak_counts(score, 0.0)
