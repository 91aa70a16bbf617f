"""Deterministic synthetic cartoon clips with exact shot-transition truth.

Each :class:`ShotSpec` draws a seeded cartoon scene (flat, gradient or textured
background, outlined moving shapes) and names the transition into it; in-shot events
add hard negatives.  :func:`render_clip` encodes H.264 and returns the :class:`Truth`,
:func:`write_truth` stores it as ``<clip>.transitions.tsv``, :func:`generate_samples`
(``cutrate samples OUT_DIR``) writes the standard sample set.  Transition
frames lie *between* the clean frames of two shots.  libx264 runs single-threaded and
without mbtree, so output is byte-identical from run to run; PyAV and OpenCV are
imported lazily.
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Iterator, Sequence
from dataclasses import KW_ONLY, dataclass
from pathlib import Path
from typing import Any, Literal, TypeAlias

import numpy as np

from ..io.video.writer import write_video

Motion = Literal["static", "drift", "fast", "pan"]
_COUNTED = ("cut", "dissolve", "fade_out_in", "flash")
TSV_HEADER = "type\tstart_frame\tend_frame\tstart_time\tend_time\tnote"
# One thread, and no macroblock-tree rate control: with mbtree, libx264 output varies
# from run to run on small frames (seen at 64x36 to 160x90 with PyAV 18).
_X264 = {"preset": "medium", "threads": "1", "x264-params": "mbtree=0"}
_SPEED = {"static": 0.0, "drift": 0.008, "fast": 0.045, "pan": 0.006}  # x width / frame


@dataclass(frozen=True)
class Cut:
    """Hard cut: the new shot starts on the next frame."""


@dataclass(frozen=True)
class Dissolve:
    """Cross-dissolve of ``frames`` mixed frames (both shots keep moving)."""

    frames: int = 12


@dataclass(frozen=True)
class FadeOutIn:
    """Fade out over ``out`` frames, ``black`` black frames, fade in over ``fade_in``."""

    out: int = 10
    black: int = 6
    fade_in: int = 10


@dataclass(frozen=True)
class FlashCut:
    """``frames`` pure white frames, then the new shot (a counted ``flash``)."""

    frames: int = 2


@dataclass(frozen=True)
class Flash:
    """In-shot flash on local frames ``at .. at + frames - 1`` (a hard negative).

    ``strength`` is the blend towards white; ``partial`` draws a warm burst over
    about half the frame (a muzzle flash) instead of whitening the whole frame.
    """

    at: int
    _: KW_ONLY
    frames: int = 1
    partial: bool = False
    strength: float = 0.9


@dataclass(frozen=True)
class Freeze:
    """Freeze-frame: local frames ``at .. at + frames - 1`` repeat frame ``at - 1``."""

    at: int
    _: KW_ONLY
    frames: int = 24


@dataclass(frozen=True)
class PassBy:
    """A large dark shape sweeps across the lens on local frames ``at .. at + frames - 1``."""

    at: int
    _: KW_ONLY
    frames: int = 4


TransitionSpec: TypeAlias = Cut | Dissolve | FadeOutIn | FlashCut
Event: TypeAlias = Flash | Freeze | PassBy


@dataclass(frozen=True)
class ShotSpec:
    """One shot of a synthetic clip.

    Parameters
    ----------
    frames
        Number of clean frames of the shot (transition frames come on top).
    scene
        Seed of the shape layout and motion.
    look
        Seed of the background colours and texture (default ``scene``); adjacent shots
        sharing a look give a cut with little colour change.
    motion
        ``"static"``, ``"drift"``, ``"fast"`` (fast shapes) or ``"pan"`` (scrolling
        textured background).
    hold
        Animation on ones, twos or threes: each drawing is held ``hold`` frames.
    grain
        Standard deviation of per-frame luminance grain, in 8-bit levels.
    zoom
        Framing: ``(scale, x, y)`` shows the scene ``scale`` times closer, centred on
        ``(x, y)`` (shares of the width and height); ``(1, 0.5, 0.5)`` is the wide
        shot.  Two shots of one ``scene`` and ``look`` with other framings give a cut
        within one scene (wide and close-up).
    events
        In-shot :class:`Flash`, :class:`Freeze` or :class:`PassBy`, in local frames.
    enter
        :class:`Cut`, :class:`Dissolve`, :class:`FadeOutIn` or :class:`FlashCut` from the
        previous shot; the first shot must enter with a cut.
    """

    frames: int
    _: KW_ONLY
    scene: int = 0
    look: int | None = None
    motion: Motion = "drift"
    hold: int = 1
    grain: float = 0.0
    zoom: tuple[float, float, float] = (1.0, 0.5, 0.5)
    events: tuple[Event, ...] = ()
    enter: TransitionSpec = Cut()

    def __post_init__(self) -> None:
        scale, zx, zy = self.zoom
        if not (scale >= 1.0 and 0.0 <= zx <= 1.0 and 0.0 <= zy <= 1.0):
            raise ValueError(f"invalid shot: {self!r} (zoom is (scale >= 1, x, y) with x, y in 0..1)")
        if self.frames < 1 or self.hold < 1 or self.grain < 0 or self.motion not in _SPEED:
            raise ValueError(f"invalid shot: {self!r}")
        for ev in self.events:
            first = 1 if isinstance(ev, Freeze) else 0  # a freeze repeats the frame before it
            if ev.frames < 1 or ev.at < first or ev.at + ev.frames > self.frames:
                raise ValueError(f"{ev!r} does not fit in a {self.frames}-frame shot")
        parts = _parts(self.enter)
        if parts and (min(parts) < 0 or sum(parts) < 1):
            raise ValueError(f"invalid transition {self.enter!r}")


@dataclass(frozen=True)
class Annotation:
    """One truth row; frames are 0-based clip frame indices, both ends inclusive."""

    kind: str
    start_frame: int
    end_frame: int
    _: KW_ONLY
    note: str = ""


@dataclass(frozen=True)
class Truth:
    """Exact truth of a rendered clip.

    ``annotations`` follow the ``.transitions.tsv`` conventions (hard cut: start =
    end = first frame of the new shot; gradual: first affected frame .. first clean
    frame of the new shot), sorted by frame with ``note`` rows last.  ``shots``
    holds the first and last clean frame of each shot.
    """

    clip: str
    fps: int
    size: tuple[int, int]
    seed: int
    frames: int
    annotations: tuple[Annotation, ...]
    shots: tuple[tuple[int, int], ...]

    @property
    def transitions(self) -> tuple[Annotation, ...]:
        """The counted transitions (cut, dissolve, fade_out_in, flash)."""
        return tuple(a for a in self.annotations if a.kind in _COUNTED)

    def to_tsv(self) -> str:
        """Return the truth-file text: one comment line, the header, one row each."""
        (w, h), fps = self.size, self.fps
        lines = [
            f"# {self.clip}: synthetic clip from cutrate.testing (seed {self.seed}, {w}x{h}, "
            f"{fps} fps, {self.frames} frames); exact truth. frame = 0-based decoded frame "
            "index; time = frame/fps in s. Hard cut: start=end=first frame of the new shot. "
            "Gradual: start = first frame affected, end = first clean frame of the new shot. "
            "Counted: cut, dissolve, fade_out_in, flash; not_a_cut/note rows are hard "
            "negatives/comments.",
            TSV_HEADER,
        ]
        lines += [f"{a.kind}\t{a.start_frame}\t{a.end_frame}\t{a.start_frame / fps:.3f}\t"
                  f"{a.end_frame / fps:.3f}\t{a.note}" for a in self.annotations]
        return "\n".join(lines) + "\n"


def write_truth(clip_path: str | Path, truth: Truth) -> Path:
    """Write ``truth`` as ``<clip filename>.transitions.tsv`` beside the clip; return its path."""
    clip_path = Path(clip_path)
    out = clip_path.with_name(clip_path.name + ".transitions.tsv")
    out.write_text(truth.to_tsv(), encoding="utf-8")
    return out


# ----------------------------------------------------------------------------- planning
# A recipe describes one output frame: layers (shot index, local frame, weight) summed
# over black; () is a black frame and None a white one.
_Recipe = tuple[tuple[int, int, float], ...] | None


def _parts(t: TransitionSpec) -> tuple[int, ...]:
    """Frame counts of a transition's parts (none for a cut)."""
    if isinstance(t, Cut):
        return ()
    return (t.out, t.black, t.fade_in) if isinstance(t, FadeOutIn) else (t.frames,)


def _span(a: int, n: int) -> str:
    return "none" if n < 1 else (str(a) if n == 1 else f"{a}-{a + n - 1}")


def _look(shot: ShotSpec) -> int:
    return shot.scene if shot.look is None else shot.look


def _plan(
    shots: Sequence[ShotSpec],
) -> tuple[list[_Recipe], list[Annotation], list[tuple[int, int]]]:
    """Lay the shots out frame by frame; return the recipes, annotations and shot spans."""
    if not shots or not isinstance(shots[0].enter, Cut):
        raise ValueError("a clip needs at least one shot, and the first must enter with Cut()")
    recipes: list[_Recipe] = []
    rows: list[Annotation] = []
    notes: list[Annotation] = []
    spans: list[tuple[int, int]] = []
    for i, shot in enumerate(shots):
        t, s0, a0 = shot.enter, len(recipes), shots[i - 1].frames if i else 0
        change = f"shot {i - 1} -> shot {i}" if i else ""
        if i and _look(shots[i - 1]) == _look(shot):
            change += " (same background colours, different shapes)"
        if isinstance(t, Dissolve):
            n = t.frames
            recipes += [((i - 1, a0 + k, 1 - (k + 1) / (n + 1)), (i, k - n, (k + 1) / (n + 1)))
                        for k in range(n)]
            rows.append(Annotation("dissolve", s0, s0 + n, note=(
                f"{n}-frame cross-dissolve {change}; {s0 + n} = first clean frame")))
        elif isinstance(t, FadeOutIn):
            recipes += [((i - 1, a0 + k, 1 - (k + 1) / (t.out + 1)),) for k in range(t.out)]
            recipes += [()] * t.black
            recipes += [((i, k - t.fade_in, (k + 1) / (t.fade_in + 1)),) for k in range(t.fade_in)]
            rows.append(Annotation("fade_out_in", s0, len(recipes), note=(
                f"fade through black {change}: fade-out {_span(s0, t.out)}, black "
                f"{_span(s0 + t.out, t.black)}, fade-in {_span(s0 + t.out + t.black, t.fade_in)}")))
        elif isinstance(t, FlashCut):
            recipes += [None] * t.frames
            rows.append(Annotation("flash", s0, s0 + t.frames, note=(
                f"white frames {_span(s0, t.frames)} lead into a different shot ({change})")))
        elif i:
            rows.append(Annotation("cut", s0, s0, note=change))
        first = len(recipes)
        recipes += [((i, f, 1.0),) for f in range(shot.frames)]
        spans.append((first, len(recipes) - 1))
        for ev in shot.events:
            a, b = first + ev.at, first + ev.at + ev.frames - 1
            if isinstance(ev, Freeze):
                notes.append(Annotation("note", a, b, note=(
                    f"freeze-frame: {ev.frames} frames repeat frame {a - 1} (no cut)")))
                continue
            what = ("large dark shape passes across the lens, covering most of the frame"
                    if isinstance(ev, PassBy) else
                    f"{'half-frame bright burst (muzzle flash)' if ev.partial else 'white flash'}"
                    f", {ev.frames} frame(s)")
            rows.append(Annotation("not_a_cut", a, b, note=f"in-shot {what}; same shot after"))
        if shot.hold > 1:
            on = {2: "twos", 3: "threes"}.get(shot.hold, f"{shot.hold}s")
            notes.append(Annotation("note", first, len(recipes) - 1, note=(
                f"animation on {on}: each drawing held {shot.hold} frames (no cuts)")))
    rows.sort(key=lambda a: (a.start_frame, a.end_frame))
    return recipes, rows + notes, spans


def _content_time(shot: ShotSpec, f: int) -> int:
    """Map a local frame to the drawing it shows (freezes stop time, holds quantise it)."""
    t = f
    for ev in shot.events:
        if isinstance(ev, Freeze) and f >= ev.at:
            t -= min(f - ev.at + 1, ev.frames)
    return (t // shot.hold) * shot.hold


# ------------------------------------------------------------------------------ drawing


def _rgb(h: float, s: float, v: float) -> tuple[float, float, float]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return (255 * r, 255 * g, 255 * b)


def _bounce(p: float, lo: float, hi: float) -> float:
    """Fold ``p`` into ``[lo, hi]`` like a ball bouncing between two walls."""
    width = max(hi - lo, 1e-6)
    u = (p - lo) % (2 * width)
    return lo + (2 * width - u if u > width else u)


class _Scene:
    """Seeded background and shapes of one shot; :meth:`frame` renders a local frame."""

    def __init__(self, shot: ShotSpec, seed: int, size: tuple[int, int]) -> None:
        self.shot, (self.w, self.h) = shot, size
        w, h = size
        rng = np.random.default_rng((seed, 101, _look(shot)))
        hue, val = rng.random(), rng.uniform(0.22, 0.85)
        val2 = float(np.clip(val + rng.choice([-1, 1]) * rng.uniform(0.1, 0.25), 0.1, 0.95))
        self.c1 = np.array(_rgb(hue, rng.uniform(0.15, 0.7), val), np.float32)
        self.c2 = np.array(_rgb(hue + rng.uniform(-0.08, 0.08), rng.uniform(0.2, 0.8), val2),
                           np.float32)
        self.kind = ("flat", "gradient", "stripes", "checker", "dots")[int(rng.integers(5))]
        if shot.motion == "pan" and self.kind in ("flat", "gradient"):
            self.kind = "stripes"  # a pan needs texture to be visible
        self.period, self.slant = h * rng.uniform(0.2, 0.45), rng.uniform(-0.8, 0.8)
        rng = np.random.default_rng((seed, 202, shot.scene))
        speed = _SPEED[shot.motion] * w
        self.pan = float(rng.choice([-1, 1])) * 0.014 * w if shot.motion == "pan" else 0.0
        self.shapes: list[dict[str, Any]] = []
        for _ in range(int(rng.integers(3, 7))):
            ang, r = rng.uniform(0, 2 * math.pi), h * rng.uniform(0.08, 0.2)
            self.shapes.append(dict(
                sides=int(rng.choice([0, 4, 3, 5, 6])), r=r, x=rng.uniform(r, w - r),
                y=rng.uniform(r, h - r), vx=speed * rng.uniform(0.5, 1.5) * math.cos(ang),
                vy=speed * rng.uniform(0.5, 1.5) * math.sin(ang), rot=rng.uniform(0, math.pi),
                spin=rng.uniform(-0.15, 0.15) * (speed > 0),
                fill=_rgb(rng.random(), rng.uniform(0.55, 1), rng.uniform(0.5, 1))))
        self.burst_xy = (w * rng.choice([0.25, 0.75]), h * rng.uniform(0.35, 0.65))
        self.passer = _rgb(rng.random(), 0.6, 0.25)
        self.yy, self.xx = np.mgrid[0:h, 0:w].astype(np.float32)
        self._still: np.ndarray | None = None

    def background(self, t: int) -> np.ndarray:
        """Background at content time ``t`` as uint8 (cached unless the shot pans)."""
        if self._still is not None:
            return self._still.copy()
        x, y, p, s = self.xx + self.pan * t, self.yy, self.period, self.slant
        if self.kind == "flat":
            m = np.zeros_like(x)
        elif self.kind == "gradient":
            m = (y + s * x - min(0.0, s * self.w)) / (self.h + abs(s) * self.w)
        elif self.kind == "stripes":
            m = 0.5 + np.sin(2 * math.pi * (x + s * y) / p)
        elif self.kind == "checker":
            m = 0.5 + 4 * np.sin(math.pi * x / p) * np.sin(math.pi * y / p)
        else:
            m = 0.5 + 0.8 * (p / 4 - np.hypot(x % p - p / 2, y % p - p / 2))
        m = np.clip(m, 0.0, 1.0)[..., None]
        bg = np.clip(np.rint(self.c1 * (1 - m) + self.c2 * m), 0, 255).astype(np.uint8)
        if self.pan == 0.0:
            self._still = bg.copy()
        return bg

    def frame(self, f: int) -> np.ndarray:
        """Render local frame ``f`` (it may lie outside the shot, e.g. in a dissolve)."""
        import cv2

        shot, t, sh = self.shot, _content_time(self.shot, f), 16  # 4-bit subpixel coords
        img, line = self.background(t), max(1, round(self.h / 60))
        for s in self.shapes:
            r = s["r"]
            cx = _bounce(s["x"] + s["vx"] * t, r, self.w - r)
            cy = _bounce(s["y"] + s["vy"] * t, r, self.h - r)
            if s["sides"] == 0:
                c, rr = (round(cx * sh), round(cy * sh)), round(r * sh)
                cv2.circle(img, c, rr, s["fill"], -1, cv2.LINE_AA, 4)
                cv2.circle(img, c, rr, (20, 20, 20), line, cv2.LINE_AA, 4)
                continue
            a = s["rot"] + s["spin"] * t + np.arange(s["sides"]) * 2 * math.pi / s["sides"]
            xy = np.stack([cx + r * np.cos(a), cy + r * np.sin(a)], axis=1)
            pts = [np.rint(xy * sh).astype(np.int32)]
            cv2.fillPoly(img, pts, s["fill"], cv2.LINE_AA, 4)
            cv2.polylines(img, pts, True, (20, 20, 20), line, cv2.LINE_AA, 4)
        for ev in shot.events:
            k = f - ev.at
            if not 0 <= k < ev.frames or isinstance(ev, Freeze):
                continue
            if isinstance(ev, PassBy):
                cx = self.w * (-0.05 + 1.1 * (k + 0.5) / ev.frames)
                cv2.ellipse(img, (round(cx * sh), round(self.h * sh / 2)),
                            (round(0.45 * self.w * sh), round(0.8 * self.h * sh)), 10, 0, 360,
                            self.passer, -1, cv2.LINE_AA, 4)
                continue
            out = img.astype(np.float32)
            if ev.partial:
                bx, by = self.burst_xy
                d = np.hypot(self.xx - bx, self.yy - by) / (0.45 * self.w)
                wgt = (ev.strength * np.clip(1.2 - d, 0, 1) ** 0.8)[..., None]
                out = out * (1 - wgt) + np.array([255, 245, 200], np.float32) * wgt
            else:
                out += (255 - out) * ev.strength
            img = np.clip(np.rint(out), 0, 255).astype(np.uint8)
        return self._framed(img)

    def _framed(self, img: np.ndarray) -> np.ndarray:
        """The shot's framing of a rendered wide frame (a close-up crop, scaled up)."""
        import cv2

        scale, zx, zy = self.shot.zoom
        if scale == 1.0:
            return img
        cw, ch = self.w / scale, self.h / scale
        x0 = min(max(zx * self.w - cw / 2, 0.0), self.w - cw)
        y0 = min(max(zy * self.h - ch / 2, 0.0), self.h - ch)
        m = np.array([[scale, 0.0, -x0 * scale], [0.0, scale, -y0 * scale]], np.float32)
        return cv2.warpAffine(img, m, (self.w, self.h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def _frames(shots: Sequence[ShotSpec], recipes: list[_Recipe], seed: int,
            size: tuple[int, int]) -> Iterator[np.ndarray]:
    """Yield the clip's RGB frames (uint8, height x width x 3) in order."""
    scenes = [_Scene(s, seed, size) for s in shots]
    w, h = size
    for index, recipe in enumerate(recipes):
        if recipe is None:
            yield np.full((h, w, 3), 255, np.uint8)
            continue
        acc = np.zeros((h, w, 3), np.float32)
        for i, f, wgt in recipe:
            acc += scenes[i].frame(f).astype(np.float32) * wgt
        grain = max((shots[i].grain for i, _, _ in recipe), default=0.0)
        if grain > 0:  # monochrome grain, fresh on every output frame
            acc += np.random.default_rng((seed, 303, index)).normal(0, grain, (h, w, 1))
        yield np.clip(np.rint(acc), 0, 255).astype(np.uint8)


# --------------------------------------------------------------------------- public API


def render_clip(path: str | Path, shots: Sequence[ShotSpec], *, fps: int = 24,
                size: tuple[int, int] = (320, 180), seed: int = 0, crf: int = 23) -> Truth:
    """Render ``shots`` to an H.264 (yuv420p) MP4 file and return its truth.

    Parameters
    ----------
    path
        Output ``.mp4`` path; its directory must exist.
    shots
        The shots in order; each names the transition that leads into it.
    fps
        Frame rate; frame ``i`` has timestamp ``i / fps``.
    size
        ``(width, height)`` in pixels, both even and at least 16.
    seed
        Global seed; the same specs, seed and size reproduce the same file.
    crf
        libx264 constant rate factor (preset ``medium``, one thread, ``mbtree=0``).

    Returns
    -------
    Truth
        Annotations and shot spans; store them with :func:`write_truth`.
    """
    path, (w, h) = Path(path), size
    if w < 16 or h < 16 or w % 2 or h % 2:
        raise ValueError(f"size must be even and at least 16x16, got {size}")
    truth = plan_truth(shots, clip=path.name, fps=fps, size=size, seed=seed)
    recipes = _plan(shots)[0]
    write_video(path, _frames(shots, recipes, seed, size), fps=fps, fmt="mp4", options={"crf": str(crf), **_X264})
    return truth


def plan_truth(shots: Sequence[ShotSpec], *, clip: str = "clip.mp4", fps: int = 24,
               size: tuple[int, int] = (320, 180), seed: int = 0) -> Truth:
    """Return the :class:`Truth` that :func:`render_clip` would return, without rendering.

    Parameters
    ----------
    shots
        The shots in order, as for :func:`render_clip`.
    clip
        File name recorded in the truth (and its comment line).
    fps, size, seed
        As for :func:`render_clip`; they only enter the truth's metadata.

    Returns
    -------
    Truth
        The exact truth of the clip the shots describe.
    """
    _, rows, spans = _plan(shots)
    w, h = size
    return Truth(clip=clip, fps=fps, size=(w, h), seed=seed, frames=spans[-1][1] + 1,
                 annotations=tuple(rows), shots=tuple(spans))


def _burst() -> tuple[ShotSpec, ...]:
    lengths = (2, 3, 4, 5, 6, 8, 3, 2, 12, 16, 4)
    looks = {2: 20, 3: 20, 6: 21}  # one cut keeps the background; shot 7 echoes shot 0
    burst = [ShotSpec(n, scene=30 + k, look=looks.get(k), motion=("drift", "fast", "pan")[k % 3])
             for k, n in enumerate(lengths)]
    return (ShotSpec(48, scene=21), *burst, ShotSpec(48, scene=22, grain=3.0))


SAMPLES: dict[str, tuple[ShotSpec, ...]] = {
    "cartoon_cuts.mp4": (
        ShotSpec(36, scene=1), ShotSpec(30, scene=2, hold=2), ShotSpec(42, scene=3, motion="pan"),
        ShotSpec(28, scene=4), ShotSpec(32, scene=5, look=4), ShotSpec(33, scene=6, hold=3),
        ShotSpec(40, scene=7, motion="fast", grain=3.0), ShotSpec(30, scene=8, look=1)),
    "fast_burst.mp4": _burst(),
    "dissolve.mp4": (
        ShotSpec(36, scene=40), ShotSpec(36, scene=41, enter=Dissolve(12)),
        ShotSpec(36, scene=42, motion="pan", enter=Dissolve(24)), ShotSpec(30, scene=43)),
    "fade.mp4": (
        ShotSpec(36, scene=50), ShotSpec(36, scene=51, enter=FadeOutIn(10, 6, 10)),
        ShotSpec(30, scene=52, motion="fast")),
    "flash.mp4": (
        ShotSpec(60, scene=60, events=(Flash(12), Flash(30, frames=2), Flash(48, frames=3))),
        ShotSpec(40, scene=61, events=(Flash(16, frames=2, partial=True),)),
        ShotSpec(36, scene=62, enter=FlashCut(2))),
    "held_frames.mp4": (
        ShotSpec(60, scene=70, events=(Freeze(18, frames=24),)), ShotSpec(36, scene=71, hold=2),
        ShotSpec(48, scene=72, grain=3.0, events=(PassBy(20, frames=4),))),
}
"""The standard sample set written by :func:`generate_samples`, by file name."""


def generate_samples(out_dir: str | Path, *, seed: int = 0,
                     size: tuple[int, int] = (320, 180)) -> list[Path]:
    """Render the standard sample clips (:data:`SAMPLES`) with their truth files.

    Parameters
    ----------
    out_dir
        Directory to write into; created if missing.
    seed
        Global seed passed to :func:`render_clip`.
    size
        Frame size; the committed samples use the default 320x180.

    Returns
    -------
    list of Path
        The clip paths, in :data:`SAMPLES` order.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, shots in SAMPLES.items():
        write_truth(out / name, render_clip(out / name, shots, seed=seed, size=size))
        paths.append(out / name)
    return paths
