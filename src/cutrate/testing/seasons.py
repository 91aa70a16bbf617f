"""Synthetic seasons: episodes that share an opening and an ending, with exact segment truth.

Each episode is ``[black lead-in] [cold open] opening [recap] body ending [preview]``:

- the **opening** (fast cuts) and the **ending** (slow shots) are the same frames in every
  episode, but the ending carries scrolling credits text that differs per episode;
- the **body** and the **cold open** are the episode's own cartoon shots
  (:class:`~cutrate.testing.clips.ShotSpec` scenes seeded by the episode);
- a **recap** repeats the end of the previous episode's body, a **preview** a piece of the
  next episode's body;
- a few black frames before everything shift each episode by a few frames, and each
  episode has its own encode quality (``crf``) and brightness offset.

:func:`plan_season` returns the truth without drawing, :func:`render_season` encodes the
episodes to H.264 files, :func:`season_features` builds their
:class:`~cutrate.types.Features` in memory (no encoding; the encode is imitated by
grain) for fast tests.  Everything is deterministic for a given :class:`SeasonSpec`.

    from cutrate.testing.seasons import SeasonSpec, render_season
    episodes = render_season("/tmp/season", SeasonSpec(episodes=4))
    episodes[1].path, [seg.kind for seg in episodes[1].segments]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..analysis.features import from_arrays
from ..analysis.kernels import half
from ..io.video.writer import write_video
from ..types import Features, Segment, VideoInfo
from .clips import ShotSpec, _frames, _plan

_X264 = {"preset": "medium", "threads": "1", "x264-params": "mbtree=0"}  # reproducible, as in clips
_SYLLABLES = ("ka", "mi", "to", "ra", "shi", "no", "yu", "ki", "ha", "ru", "se", "ta", "ko", "na", "ri", "mo")
_ROLES = ("Script", "Storyboard", "Director", "Animation director", "Key animation", "Music", "Producer")


@dataclass(frozen=True)
class SeasonSpec:
    """What a synthetic season holds (durations in seconds, episodes 0-based).

    Parameters
    ----------
    episodes
        Number of episodes.
    opening_s, ending_s
        Shared opening and ending (0: none).
    body_s
        Each episode's own material.
    cold_open_s, cold_opens
        A cold open of ``cold_open_s`` before the opening in the episodes ``cold_opens``.
    recap_s
        Every episode but the first starts its body with the last ``recap_s`` of the
        previous episode's body (0: none).
    preview_s, preview_at
        Every episode but the last ends with ``preview_s`` of the next episode's body,
        taken from ``preview_at`` of the way in (0: none; 1: its end, which the episode
        after next recaps).
    crf, levels, lead
        Per episode (cycled): libx264 quality, a brightness offset in levels, and the
        number of black frames before everything.
    credits
        Overlay per-episode scrolling credits on the ending.
    fps, size, seed
        Frame rate, ``(width, height)`` and global seed.
    name
        Episode names, formatted with the 1-based episode number.
    """

    episodes: int = 4
    opening_s: float = 40.0
    ending_s: float = 30.0
    body_s: float = 30.0
    cold_open_s: float = 20.0
    cold_opens: tuple[int, ...] = (1, 3)
    recap_s: float = 8.0
    preview_s: float = 8.0
    preview_at: float = 1 / 3
    crf: tuple[int, ...] = (18, 34, 26, 40)
    levels: tuple[int, ...] = (0, 6, -5, 3)
    lead: tuple[int, ...] = (0, 3, 1, 5)
    credits: bool = True
    fps: int = 24
    size: tuple[int, int] = (128, 72)
    seed: int = 0
    name: str = "ep{:02d}"


@dataclass(frozen=True)
class Episode:
    """One synthetic episode: its name, length, truth segments and (once rendered) file."""

    name: str
    frames: int
    fps: int
    segments: tuple[Segment, ...]
    path: Path | None = None

    def truth(self, kind: str) -> list[Segment]:
        """The truth segments of one kind."""
        return [s for s in self.segments if s.kind == kind]


# A piece of an episode: (truth kind or "", source, first frame of the source, frames).
_Piece = tuple[str, tuple, int, int]


def _truth(kind: str, first: int, count: int, fps: int, names: list[str], e: int) -> Segment:
    """The truth segment of a part of episode ``e`` (frames ``first .. first + count - 1``)."""
    also = ((names[e - 1],) if kind == "recap" else (names[e + 1],) if kind == "preview"
            else tuple(x for x in names if x != names[e]))
    return Segment(kind, first / fps, (first + count) / fps, first, first + count - 1,  # type: ignore[arg-type]
                   "season", also)


def _features(name: str, fps: int, thumb_y: np.ndarray, thumb_uv: np.ndarray, luma: np.ndarray) -> Features:
    """Features holding the thumbnails and luma statistics only (``luma``: the frames the
    statistics are taken from); the change features are zero."""
    n = thumb_y.shape[0]
    zero = np.zeros(n, np.float32)
    info = VideoInfo(path=f"{name}.mp4", duration_s=n / fps, fps=float(fps), frames=n, width=64, height=36,
                     codec="raw")
    return Features(info=info, times=np.arange(n) / fps, score=zero, score2=zero, color_change=zero,
                    hist_diff=zero, luma_mean=luma.mean(axis=(1, 2)).astype(np.float32),
                    luma_std=luma.reshape(n, -1).std(axis=1).astype(np.float32), thumb_y=thumb_y, thumb_uv=thumb_uv)


def _shots(rng: np.random.Generator, frames: int, lengths: tuple[int, int], scene0: int) -> tuple[ShotSpec, ...]:
    """Shots of random lengths filling ``frames`` frames, scenes numbered from ``scene0``."""
    out, left, k = [], frames, 0
    motions = ("drift", "fast", "pan", "static", "drift")
    while left > 0:
        n = min(left, int(rng.integers(*lengths)))
        out.append(ShotSpec(n, scene=scene0 + k, motion=motions[int(rng.integers(len(motions)))],
                            hold=int(rng.choice([1, 1, 2, 3]))))
        left -= n
        k += 1
    return tuple(out)


def _sources(spec: SeasonSpec) -> dict[tuple, tuple[ShotSpec, ...]]:
    """The shot lists of the opening, ending, bodies and cold opens."""
    fps, rng = spec.fps, np.random.default_rng((spec.seed, 77))
    src: dict[tuple, tuple[ShotSpec, ...]] = {}
    if spec.opening_s > 0:
        src[("opening",)] = _shots(rng, round(spec.opening_s * fps), (fps // 2, fps * 3 // 2), 5000)
    if spec.ending_s > 0:
        src[("ending",)] = _shots(rng, round(spec.ending_s * fps), (3 * fps, 6 * fps), 7000)
    for e in range(spec.episodes):
        src[("body", e)] = _shots(rng, round(spec.body_s * fps), (fps, 4 * fps), 100_000 * (e + 1))
        if e in spec.cold_opens and spec.cold_open_s > 0:
            src[("cold", e)] = _shots(rng, round(spec.cold_open_s * fps), (fps, 3 * fps), 100_000 * (e + 1) + 50_000)
    return src


def _layout(spec: SeasonSpec, e: int) -> list[_Piece]:
    fps, n = spec.fps, spec.episodes
    body = round(spec.body_s * fps)
    recap, preview = min(round(spec.recap_s * fps), body), min(round(spec.preview_s * fps), body)
    preview_from = min(round(spec.preview_at * body), body - preview)
    lead = spec.lead[e % len(spec.lead)] if spec.lead else 0
    pieces: list[_Piece] = [("", ("black",), 0, lead)] if lead else []
    if e in spec.cold_opens and spec.cold_open_s > 0:
        pieces.append(("", ("cold", e), 0, round(spec.cold_open_s * fps)))
    if spec.opening_s > 0:
        pieces.append(("opening", ("opening",), 0, round(spec.opening_s * fps)))
    if e > 0 and recap > 0:
        pieces.append(("recap", ("body", e - 1), body - recap, recap))
    pieces.append(("", ("body", e), 0, body))
    if spec.ending_s > 0:
        pieces.append(("ending", ("ending",), 0, round(spec.ending_s * fps)))
    if e < n - 1 and preview > 0:
        pieces.append(("preview", ("body", e + 1), preview_from, preview))
    return pieces


def plan_season(spec: SeasonSpec = SeasonSpec()) -> list[Episode]:
    """The episodes of ``spec`` with their truth, without drawing anything.

    Truth segments span the frames of each part (``end`` = when its last frame stops
    being shown); ``also_in`` names the other episodes with the same material.
    """
    names = [spec.name.format(e + 1) for e in range(spec.episodes)]
    out = []
    for e in range(spec.episodes):
        segs, f = [], 0
        for kind, _, _, count in _layout(spec, e):
            if kind:
                segs.append(_truth(kind, f, count, spec.fps, names, e))
            f += count
        out.append(Episode(names[e], f, spec.fps, tuple(segs)))
    return out


class _Renderer:
    """Draws the season's sources once and composes episodes from them."""

    def __init__(self, spec: SeasonSpec) -> None:
        self.spec, self.shots = spec, _sources(spec)
        self.rgb: dict[tuple, np.ndarray] = {}
        self.yuv: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def source(self, key: tuple) -> np.ndarray:
        """RGB frames of one source (drawn on first use)."""
        if key not in self.rgb:
            shots = self.shots[key]
            self.rgb[key] = np.stack(list(_frames(shots, _plan(shots)[0], self.spec.seed, self.spec.size)))
        return self.rgb[key]

    def pieces(self, e: int) -> Iterator[tuple[str, np.ndarray]]:
        """(kind, RGB frames) of episode ``e``'s parts, credits drawn, brightness not yet applied."""
        w, h = self.spec.size
        for kind, src, start, count in _layout(self.spec, e):
            if src == ("black",):
                yield kind, np.zeros((count, h, w, 3), np.uint8)
                continue
            part = self.source(src)[start : start + count]
            if kind == "ending" and self.spec.credits:
                part = credits(part, e, seed=self.spec.seed)
            yield kind, part

    def frames(self, e: int) -> Iterator[np.ndarray]:
        """RGB frames of episode ``e``."""
        level = _cycle(self.spec.levels, e, 0)
        for _, part in self.pieces(e):
            for img in part:
                yield np.clip(img.astype(np.int16) + level, 0, 255).astype(np.uint8) if level else img

    def small(self, e: int) -> tuple[np.ndarray, np.ndarray]:
        """Luma (n, 36, 64) and chroma (n, 2, 18, 32) of episode ``e`` at the analysis size, float32,
        before the brightness offset; shared sources are converted once."""
        ys, uvs = [], []
        for (kind, src, start, count), (_, part) in zip(_layout(self.spec, e), self.pieces(e), strict=True):
            if src == ("black",) or (kind == "ending" and self.spec.credits):
                y, uv = _shrink(part)  # drawn for this episode
            else:
                if src not in self.yuv:
                    self.yuv[src] = _shrink(self.source(src))
                y, uv = (x[start : start + count] for x in self.yuv[src])
            ys.append(y)
            uvs.append(uv)
        return np.concatenate(ys), np.concatenate(uvs)


def _cycle(values: tuple[int, ...], e: int, default: int) -> int:
    return values[e % len(values)] if values else default


def _shrink(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RGB frames to YUV area-averaged to 64x36 luma and 32x18 chroma (float32)."""
    import cv2

    ys, uvs = [], []
    for img in rgb:
        yuv = cv2.cvtColor(img, cv2.COLOR_RGB2YUV).astype(np.float32)
        ys.append(cv2.resize(yuv[..., 0], (64, 36), interpolation=cv2.INTER_AREA))
        uvs.append(cv2.resize(yuv[..., 1:], (32, 18), interpolation=cv2.INTER_AREA).transpose(2, 0, 1))
    return np.stack(ys), np.stack(uvs)


def credits(frames: np.ndarray, episode: int, *, seed: int = 0) -> np.ndarray:
    """Episode ``episode``'s credits scrolling up over RGB ``frames`` (n, h, w, 3), a new array.

    The lines (the episode's number, roles and made-up names) differ per episode and seed;
    they cross the right 45 % of the picture, white with a dark outline, once over the frames.
    """
    rng = np.random.default_rng((seed, 99, episode))
    lines = [f"Episode {episode + 1}", ""]
    for role in _ROLES:
        name = "".join(rng.choice(_SYLLABLES, int(rng.integers(2, 4)))).title()
        lines += [role, name + " " + "".join(rng.choice(_SYLLABLES, 2)).title(), ""]
    n = len(frames)
    return np.stack([_draw_credits(img, lines, k / max(n - 1, 1)) for k, img in enumerate(frames)])


def _draw_credits(img: np.ndarray, lines: list[str], progress: float) -> np.ndarray:
    """Credits scrolling up the right 45 % of the picture, white with a dark outline."""
    import cv2

    out = img.copy()
    h, w = out.shape[:2]
    scale, step = 0.35 * h / 100, max(6, round(0.11 * h))
    top = h - progress * (len(lines) * step + h)
    for i, line in enumerate(lines):
        y = round(top + i * step)
        if line and -step < y < h + step:
            org = (round(0.55 * w), y)
            cv2.putText(out, line, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (20, 20, 20), 3, cv2.LINE_AA)
            cv2.putText(out, line, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (250, 250, 250), 1, cv2.LINE_AA)
    return out


def render_season(out_dir: str | Path, spec: SeasonSpec = SeasonSpec()) -> list[Episode]:
    """Encode the episodes of ``spec`` as ``<name>.mp4`` in ``out_dir`` (H.264, each at its ``crf``).

    Returns
    -------
    list of Episode
        The truth of :func:`plan_season`, with ``path`` set.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    renderer, episodes = _Renderer(spec), []
    for e, ep in enumerate(plan_season(spec)):
        path = out / f"{ep.name}.mp4"
        options = {"crf": str(_cycle(spec.crf, e, 23)), **_X264}
        write_video(path, renderer.frames(e), fps=spec.fps, fmt="mp4", options=options)
        episodes.append(replace(ep, path=path))
    return episodes


def season_features(spec: SeasonSpec = SeasonSpec(), *, detection: bool = True) -> list[tuple[Episode, Features]]:
    """The episodes of ``spec`` and their features, computed in memory without encoding.

    Frames are converted to YUV and area-averaged to the analysis size (64x36); in place of
    its encode, each episode gets Gaussian grain of ``(crf - 14) / 8`` levels.

    Parameters
    ----------
    spec
        The season.
    detection
        Compute every feature (:func:`cutrate.analysis.features.from_arrays`); False fills
        only ``times``, the luma statistics and the thumbnails (all that season matching
        reads) and leaves the change features zero, about 5x faster.
    """
    renderer, out = _Renderer(spec), []
    for e, ep in enumerate(plan_season(spec)):
        y, uv = renderer.small(e)
        rng = np.random.default_rng((spec.seed, 55, e))
        grain = max(_cycle(spec.crf, e, 23) - 14, 0) / 8
        y = y + _cycle(spec.levels, e, 0) + grain * rng.standard_normal(y.shape, dtype=np.float32)
        y8, uv8 = (np.clip(np.rint(x), 0, 255).astype(np.uint8) for x in (y, uv))
        if detection:
            out.append((ep, from_arrays(y8, uv8, fps=spec.fps, path=f"{ep.name}.mp4")))
        else:
            n = y8.shape[0]
            out.append((ep, _features(ep.name, spec.fps, half(y8), half(uv8.reshape(-1, 18, 32)).reshape(n, 2, 9, 16),
                                      y8)))
    return out


# ----------------------------------------------------------------- long seasons, as thumbnails


@dataclass(frozen=True)
class LongSeasonSpec:
    """A season of full-length episodes built directly as 32x18 thumbnails, for benchmarks.

    Each episode is ``[cold open] opening [recap] body-1 eyecatch body-2 ending [preview]``;
    shots are panned smooth textures or flat "cel" regions with a moving disc, the eyecatch
    is a shared still, the ending carries per-episode scrolling "credits" (bright bars).
    Times are seconds; ``cold_open_every``: every n-th episode (from the second) has a cold
    open of ``cold_open_s``.
    """

    episodes: int = 26
    minutes: float = 24.0
    opening_s: float = 90.0
    ending_s: float = 90.0
    eyecatch_s: float = 4.0
    recap_s: float = 30.0
    preview_s: float = 15.0
    cold_open_s: float = 120.0
    cold_open_every: int = 3
    fps: int = 24
    seed: int = 0
    name: str = "ep{:02d}"


def _upsample(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A smooth random field of shape (h, w) in [0, 1]: a coarse random grid, bilinearly upsampled."""
    coarse = rng.random((max(2, h // 7), max(2, w // 7)))

    def weights(n: int, size: int) -> np.ndarray:  # (n, size) linear interpolation matrix
        x = np.linspace(0, size - 1, n)
        i = np.minimum(x.astype(int), size - 2)
        m = np.zeros((n, size))
        m[np.arange(n), i], m[np.arange(n), i + 1] = 1 - (x - i), x - i
        return m

    return weights(h, coarse.shape[0]) @ coarse @ weights(w, coarse.shape[1]).T


def _thumb_shots(seed: tuple, frames: int, lengths: tuple[int, int]) -> np.ndarray:
    """Thumbnail frames (frames, 18, 32) of random shots of ``lengths`` frames, float32."""
    rng = np.random.default_rng(seed)
    out, pad = [], 24
    yy, xx = np.mgrid[0:18, 0:32]
    while sum(len(x) for x in out) < frames:
        n = int(rng.integers(*lengths))
        field = _upsample(rng, 18 + 2 * pad, 32 + 2 * pad)
        if rng.random() < 0.5:  # cel look: a few flat regions
            levels = rng.uniform(20, 235, 4)
            field = levels[np.minimum((field * 4).astype(int), 3)]
        else:
            lo, hi = sorted(rng.uniform(10, 245, 2))
            field = lo + field * (hi - lo)
        t = np.arange(n)[:, None]
        off = np.clip(np.rint(pad + t * rng.uniform(-0.25, 0.25, 2)), 0, 2 * pad).astype(int)
        img = field[off[:, 0, None, None] + yy, off[:, 1, None, None] + xx]
        cy = rng.uniform(3, 15) + rng.uniform(-0.2, 0.2) * t[:, 0]
        cx = rng.uniform(3, 29) + rng.uniform(-0.4, 0.4) * t[:, 0]
        disc = (yy - cy[:, None, None]) ** 2 + (xx - cx[:, None, None]) ** 2 < rng.uniform(4, 12)
        img[disc] = rng.uniform(20, 235)
        out.append(img.astype(np.float32))
    return np.concatenate(out)[:frames]


def _credit_bars(frames: np.ndarray, seed: tuple) -> np.ndarray:
    """Scrolling bright bars (lines of credits) in the right 40 % of thumbnail frames."""
    rng = np.random.default_rng(seed)
    out, n = frames.copy(), frames.shape[0]
    lines = [(18 + 3 * k + int(rng.integers(0, 2)), int(rng.integers(20, 24)), int(rng.integers(4, 11)))
             for k in range(int(n / 24 / 3))]
    speed = (18 + 3 * len(lines)) / max(n, 1)
    for f in range(n):
        for y0, x0, length in lines:
            y = int(round(y0 - speed * f))
            if 0 <= y < 18:
                out[f, y, x0 : x0 + length] = 235.0
    return out


def long_season(spec: LongSeasonSpec = LongSeasonSpec()) -> Iterator[tuple[Episode, Features]]:
    """The episodes of ``spec`` one at a time, as (truth, features with thumbnails only).

    Nothing is drawn at full size and no feature but the thumbnails (and times) is computed,
    so 26 episodes of 24 minutes take about a minute to build; each episode gets its own grain
    and brightness offset.  Truth segments: opening, ending, recap, preview.
    """
    fps, n_ep = spec.fps, spec.episodes
    names = [spec.name.format(e + 1) for e in range(n_ep)]

    def sec(seconds: float) -> int:
        return round(seconds * fps)

    opening = _thumb_shots((spec.seed, 1), sec(spec.opening_s), (fps // 2, 2 * fps))
    ending = _thumb_shots((spec.seed, 2), sec(spec.ending_s), (3 * fps, 8 * fps))
    eyecatch = np.repeat(_thumb_shots((spec.seed, 3), 1, (2, 3)), sec(spec.eyecatch_s), axis=0)

    def cold(e: int) -> bool:
        return bool(spec.cold_open_every) and e % spec.cold_open_every == 1

    fixed = sec(spec.opening_s) + sec(spec.ending_s) + sec(spec.eyecatch_s)
    bodies: dict[int, np.ndarray] = {}

    def body(e: int) -> np.ndarray:
        if e not in bodies:
            extra = (sec(spec.recap_s) if e else 0) + (sec(spec.preview_s) if e < n_ep - 1 else 0)
            extra += sec(spec.cold_open_s) if cold(e) else 0
            bodies[e] = _thumb_shots((spec.seed, 100 + e), sec(spec.minutes * 60) - fixed - extra, (fps, 6 * fps))
        return bodies[e]

    for e in range(n_ep):
        b = body(e)
        mid = b.shape[0] // 2
        parts: list[tuple[str, np.ndarray]] = []
        if cold(e):
            parts.append(("", _thumb_shots((spec.seed, 500 + e), sec(spec.cold_open_s), (fps, 4 * fps))))
        parts.append(("opening", opening))
        if e:
            prev = body(e - 1)
            parts.append(("recap", prev[prev.shape[0] - sec(spec.recap_s) :]))
        parts += [("", b[:mid]), ("", eyecatch), ("", b[mid:]),
                  ("ending", _credit_bars(ending, (spec.seed, 900 + e)))]
        if e < n_ep - 1:
            nxt = body(e + 1)
            parts.append(("preview", nxt[nxt.shape[0] // 3 : nxt.shape[0] // 3 + sec(spec.preview_s)]))
        bodies.pop(e - 1, None)
        rng = np.random.default_rng((spec.seed, 7, e))
        thumbs = np.concatenate([p for _, p in parts])
        thumbs += rng.uniform(-4, 4) + rng.standard_normal(thumbs.shape, dtype=np.float32) * rng.uniform(0.5, 2.0)
        segs, f = [], 0
        for kind, p in parts:
            if kind:
                segs.append(_truth(kind, f, len(p), fps, names, e))
            f += len(p)
        t8 = np.clip(np.rint(thumbs), 0, 255).astype(np.uint8)
        grey = np.full((t8.shape[0], 2, 9, 16), 128, np.uint8)
        yield Episode(names[e], t8.shape[0], fps, tuple(segs)), _features(names[e], fps, t8, grey, t8)
