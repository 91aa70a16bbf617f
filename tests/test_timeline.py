"""Shots, sliding-window pace, the exact peak window and summary statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cutrate import ParameterError, Transition, timeline


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
    assert np.allclose(tl.cuts_per_minute[2:-2], 60.0)
    # half windows at the edges are scaled by the covered time, not biased low
    assert tl.cuts_per_minute[0] == pytest.approx(60.0)


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
