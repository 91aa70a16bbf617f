"""Shots, sliding-window pace, the exact peak window and summary statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cutrate import ParameterError, TimelineSettings, Transition, _fmt, timeline


def cuts_at(times, fps=24.0):
    return [Transition("cut", int(round(t * fps)), float(t), int(round(t * fps)), int(round(t * fps)), 1.0) for t in times]


def brute_peak(times, window):
    """Reference: the best window among many starts on a fine grid and at events."""
    t = np.sort(np.asarray(times))
    starts = np.concatenate([t, np.linspace(t.min() - window, t.max(), 4000)])
    return max(int(((t >= s) & (t < s + window)).sum()) for s in starts)


def test_shots_cover_every_frame_and_split_at_transition_frames():
    times = np.arange(100) / 25.0
    trans = [Transition("cut", 10, times[10], 10, 10, 1.0), Transition("dissolve", 50, times[50], 44, 56, 0.8)]
    shots = timeline.shots(trans, times=times)
    assert [(s.start_frame, s.end_frame) for s in shots] == [(0, 9), (10, 49), (50, 99)]
    assert shots[0].start == 0.0 and shots[0].end == pytest.approx(0.4)
    assert shots[-1].end == pytest.approx(4.0)
    assert sum(s.duration for s in shots) == pytest.approx(4.0)


def test_shots_without_transitions_is_one_shot():
    times = np.arange(10) / 10.0
    (shot,) = timeline.shots([], times=times)
    assert (shot.start_frame, shot.end_frame, shot.duration) == (0, 9, pytest.approx(1.0))


@pytest.mark.parametrize("seed", range(8))
def test_peak_is_the_exact_maximum(seed):
    rng = np.random.default_rng(seed)
    times = np.sort(rng.uniform(0, 600, size=rng.integers(5, 300)))
    for window in (10.0, 30.0, 60.0):
        p = timeline.peak(cuts_at(times), window_s=window)
        assert p.count == brute_peak(times, window)
        inside = ((times >= p.start) & (times < p.start + window)).sum()
        assert inside == p.count
        assert p.end == pytest.approx(p.start + window)


def test_peak_window_is_half_open():
    # transitions exactly window_s apart cannot share a window [start, start + w)
    p = timeline.peak(cuts_at([0.0, 60.0, 120.0]), window_s=60.0)
    assert p.count == 1


def test_peak_moves_inside_the_video_without_changing_its_count():
    times = [100.0, 101.0, 102.0, 118.0]
    p = timeline.peak(cuts_at(times), window_s=60.0, start_s=0.0, end_s=120.0)
    assert p.count == 4
    assert p.start == pytest.approx(60.0) and p.end == pytest.approx(120.0)


def test_rate_counts_in_centred_windows_scaled_to_a_minute():
    times = np.arange(0.5, 120, 1.0)  # one cut per second
    tl = timeline.rate(cuts_at(times), duration_s=120.0, window_s=20.0, hop_s=5.0)
    assert tl.times[0] == 0.0 and tl.times[-1] == pytest.approx(120.0)
    assert np.allclose(tl.cuts_per_minute[2:-2], 60.0) and not tl.partial[2:-2].any()
    # half windows at the edges count what is in them (never extrapolated) and say so
    assert tl.cuts_per_minute[0] == pytest.approx(30.0) and tl.partial[0] and tl.partial[-1]
    assert tl.partial[:2].all() and tl.partial[-2:].all()


def test_no_timeline_value_exceeds_the_exact_peak():
    rng = np.random.default_rng(3)
    for window in (5.0, 30.0, 60.0):
        for _ in range(20):
            duration = float(rng.uniform(3, 400))
            times = np.sort(rng.uniform(0, duration, int(rng.integers(0, 200))))
            trans = cuts_at(times)
            tl = timeline.rate(trans, duration_s=duration, window_s=window, hop_s=0.5)
            p = timeline.peak(trans, window_s=window, start_s=0.0, end_s=duration)
            assert np.nanmax(tl.cuts_per_minute) * window / 60.0 <= p.count + 1e-9
            assert p.end <= duration + 1e-9 and p.start >= 0.0
            assert p.whole_video == (duration < window)


def test_a_video_shorter_than_the_window_is_its_own_peak():
    trans = cuts_at([0.5, 1.0, 2.0, 6.0])
    p = timeline.peak(trans, window_s=60.0, start_s=0.0, end_s=6.7)
    assert p.whole_video and p.count == 4 and p.start == 0.0 and p.end == pytest.approx(6.7)
    assert _fmt.peak_sentence(p) == "4 shot changes in 6.7 s (whole video)"


def test_count_cuts_counts_hard_cuts_and_flash_cuts_only():
    kinds = ["cut", "dissolve", "fade", "flash", "cut"]
    trans = [Transition(k, 24 * i, float(i), 24 * i, 24 * i, 1.0) for i, k in enumerate(kinds, 1)]
    shots = timeline.shots(trans, times=np.arange(0, 240) / 24.0, end_time=10.0)
    every = timeline.summarize(trans, shots, duration_s=10.0)
    hard = timeline.summarize(trans, shots, duration_s=10.0, settings=TimelineSettings(count="cuts"))
    assert every.peak.count == 5 and hard.peak.count == 3 and hard.counted == 3
    assert hard.transitions == every.transitions  # counts by kind stay complete
    assert hard.cuts_per_minute == pytest.approx(3 * 6.0) and hard.peak.count_of == "cuts"
    assert _fmt.peak_sentence(hard.peak).startswith("3 hard cuts in ")
    assert timeline.rate(trans, duration_s=10.0, window_s=60.0, count="cuts").cuts_per_minute.max() == 3.0


def test_peak_and_rate_leave_out_excluded_spans():
    trans = cuts_at(np.arange(0.5, 100, 0.5))  # two cuts a second
    p = timeline.peak(trans, window_s=10.0, start_s=0.0, end_s=100.0, excluded=[(0.0, 30.0), (50.0, 100.0)])
    assert 30.0 <= p.start and p.end <= 50.0 and p.count == 20
    tl = timeline.rate(trans, duration_s=100.0, window_s=10.0, excluded=[(0.0, 30.0)])
    assert np.isnan(tl.cuts_per_minute[tl.times < 30]).all() and tl.partial[(tl.times >= 30) & (tl.times < 35)].all()


def test_rate_rejects_bad_windows():
    with pytest.raises(ParameterError, match="window_s"):
        timeline.rate([], duration_s=10.0, window_s=0.0)


def test_summary_statistics():
    times = np.arange(0, 31) / 1.0
    trans = cuts_at([2.0, 3.0, 7.0, 15.0], fps=1.0)
    shots = timeline.shots(trans, times=times, end_time=31.0)
    s = timeline.summarize(trans, shots, duration_s=31.0)
    lengths = np.array([2.0, 1.0, 4.0, 8.0, 16.0])
    assert s.shots == 5
    assert s.transitions["cut"] == 4 and s.transition_count == 4
    assert s.asl_s == pytest.approx(lengths.mean())
    assert s.msl_s == pytest.approx(4.0)
    assert s.sd_s == pytest.approx(lengths.std(ddof=1))
    assert s.cv == pytest.approx(lengths.std(ddof=1) / lengths.mean())
    assert s.cuts_per_minute == pytest.approx(4 * 60 / 31.0)
    assert s.peak.count == 4 and s.peak.window_s == 60.0
    d = s.to_dict()
    assert [p["window_s"] for p in d["peaks"]] == [10.0, 30.0, 60.0]
    assert d["lognormal"]["median_s"] == pytest.approx(math.exp(np.log(lengths).mean()), rel=1e-5)
    assert len(d["segments"]) == 10
    assert sum(seg["shots"] for seg in d["segments"]) == 5


def test_summary_of_an_empty_video_has_no_nan_in_json():
    s = timeline.summarize([], [], duration_s=0.0)
    d = s.to_dict()
    assert d["asl_s"] is None and d["shots"] == 0 and d["peak"]["count"] == 0
