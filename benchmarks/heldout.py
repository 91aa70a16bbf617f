"""Generality check: cutrate on random synthetic clips it was never tuned on.

Usage::

    python benchmarks/heldout.py [--clips 24] [--seed 0] [--size 1280x720]
        [--out /tmp/cutrate-heldout] [--regenerate] [--jobs 2] [--peers]
        [--min-seconds 10] [--max-seconds 30] [--sheets] [--doc docs/benchmarks.md]
        [--no-doc] [--tolerance 2]

Every clip is drawn by a seeded RNG (``numpy.random.default_rng((seed, clip))``)
and rendered with :func:`cutrate.testing.clips.render_clip` (H.264, yuv420p), so the same
options always give byte-identical clips.  A clip lasts 10-30 s at 24 fps (some
at 25 or 30 fps), with a random encoder quality (crf 18-30), and mixes:

* long shots (2-6 s) and bursts of 3-12 shots of 4-16 frames;
* hard cuts, also between shots with the same ``look`` (same background, only the
  shapes change: little colour change), and cuts back to an earlier scene;
* dissolves of 8-36 frames, fades through black (fade-out 0-16, black 1-24 with
  many of 1-2 frames, fade-in 0-16) and flash cuts (1-3 white frames);
* in-shot flashes (1-3 frames, full or half-frame "muzzle" bursts, strength
  0.6-1), objects passing the lens (:class:`~cutrate.testing.clips.PassBy`, 3-12 frames)
  and freeze holds (0.5-2 s);
* animation on twos and threes, static/drifting/fast/panning shots, film grain.

Clips and truth files go to ``--out`` (default ``/tmp/cutrate-heldout``) and are
reused when a clip's ``.spec.json`` matches its plan (``--regenerate`` renders
anyway).  Each clip is analysed with ``cutrate.analyze(path, use_cache=False)`` and
scored with :mod:`cutrate.eval` (tolerance 2 frames).  Output: per-clip and
pooled P/R/F1, misses by kind of transition, false alarms by what caused them
(hard-negative event, shot style, misplaced detection, ...), the confidence
calibration, and every error with its category.  ``--peers`` adds PySceneDetect
``detect-content`` and ``detect-adaptive`` at their defaults.  ``--sheets`` writes,
for every error, a PNG strip of the frames around it to ``OUT/sheets``.

A Markdown summary replaces the text between ``<!-- heldout:begin -->`` and
``<!-- heldout:end -->`` in ``--doc`` (the rest of that file is left alone; the
markers are appended when missing); ``--no-doc`` skips it.  Raw detections and
scores go to ``OUT/results.json``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import itertools
import json
import os
import platform
import sys
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT / "src") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "src"))

from cutrate.eval import (
    DEFAULT_TOLERANCE,
    ClipScore,
    Detection,
    TruthRow,
    calibrate,
    evaluate,
    format_calibration,
    format_table,
    peak_errors,
    pool,
    read_truth_tsv,
)
from cutrate.testing.clips import (
    Cut,
    Dissolve,
    FadeOutIn,
    Flash,
    FlashCut,
    Freeze,
    PassBy,
    ShotSpec,
    plan_truth,
    render_clip,
    write_truth,
)

DEFAULT_OUT = Path("/tmp/cutrate-heldout")
DEFAULT_DOC = REPO_ROOT / "docs" / "benchmarks.md"
CALIBRATION_THRESHOLDS = (0.9, 0.7, 0.5)
GENERATOR_VERSION = 1  # bump when the plan changes, so cached clips are re-rendered
BURST_MAX = 16  # shots of at most this many frames are "burst" shots


# ------------------------------------------------------------------------------ planning


@dataclass
class ShotInfo:
    """What the generator chose for one shot (beyond its ShotSpec)."""

    segment: str  # "long" or "burst"
    echo: bool = False  # reuses the scene of an earlier shot (cut back)


@dataclass
class ClipPlan:
    """A random clip: its shots, frame rate, encoder quality and generator notes."""

    index: int
    name: str
    fps: int
    crf: int
    seed: int
    shots: tuple[ShotSpec, ...]
    info: tuple[ShotInfo, ...]

    def key(self, size: tuple[int, int]) -> str:
        """Hash of everything that determines the rendered file."""
        text = repr((GENERATOR_VERSION, self.shots, self.fps, self.crf, self.seed, size))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    names = list(weights)
    p = np.array([weights[n] for n in names], float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def _transition(rng: np.random.Generator, prev_len: int, new_len: int) -> tuple[Any, bool]:
    """Choose the transition into a shot; returns (spec, same_look)."""
    burst = min(prev_len, new_len) <= BURST_MAX
    if burst and new_len <= BURST_MAX:
        w = {"cut": 0.76, "same": 0.15, "flash": 0.09}
    elif burst:  # out of a burst into a long shot
        w = {"cut": 0.45, "same": 0.1, "flash": 0.1, "dissolve": 0.18, "fade": 0.17}
    else:
        w = {"cut": 0.18, "same": 0.1, "flash": 0.07, "dissolve": 0.38, "fade": 0.27}
    kind = _pick(rng, w)
    if kind == "cut":
        return Cut(), False
    if kind == "same":
        return Cut(), True
    if kind == "flash":
        return FlashCut(int(rng.integers(1, 4))), False
    if kind == "dissolve":
        return Dissolve(int(rng.integers(8, 37))), bool(rng.random() < 0.1)
    out = 0 if rng.random() < 0.12 else int(rng.integers(4, 17))
    r = rng.random()
    black = int(rng.integers(1, 3)) if r < 0.35 else int(rng.integers(3, 9)) if r < 0.8 else int(rng.integers(9, 25))
    fade_in = 0 if rng.random() < 0.12 else int(rng.integers(4, 17))
    return FadeOutIn(out, black, fade_in), False


def _events(rng: np.random.Generator, n_frames: int, fps: int) -> tuple[int, tuple[Any, ...]]:
    """In-shot events for a long shot; may lengthen the shot to fit a freeze."""
    events: list[Any] = []
    wanted = []
    for _ in range(int(rng.choice([0, 1, 1, 2, 2, 3]))):
        wanted.append(_pick(rng, {"flash": 0.45, "partial": 0.2, "passby": 0.2, "freeze": 0.15}))
    margin = 6
    lengths = []
    for kind in wanted:
        if kind == "freeze":
            lengths.append(round(float(rng.uniform(0.5, 2.0)) * fps))
        elif kind == "passby":
            lengths.append(int(rng.integers(3, 13)))
        else:
            lengths.append(int(rng.integers(1, 4)))
    need = sum(lengths) + margin * (len(lengths) + 1)
    n_frames = max(n_frames, need)
    # Spread the events: random gaps of at least `margin` frames between them.
    spare = n_frames - need
    cuts = np.sort(rng.integers(0, spare + 1, size=len(lengths)))
    pos = margin
    prev = 0
    for kind, length, c in zip(wanted, lengths, cuts, strict=True):
        pos += int(c - prev)
        prev = int(c)
        if kind == "freeze":
            events.append(Freeze(pos, frames=length))
        elif kind == "passby":
            events.append(PassBy(pos, frames=length))
        else:
            events.append(Flash(pos, frames=length, partial=kind == "partial",
                                strength=round(float(rng.uniform(0.6, 1.0)), 2)))
        pos += length + margin
    return n_frames, tuple(events)


def plan_clip(seed: int, index: int, min_s: float = 10.0, max_s: float = 30.0) -> ClipPlan:
    """Draw clip ``index`` of run ``seed`` (deterministic), lasting about ``min_s``-``max_s`` s."""
    rng = np.random.default_rng((seed, index, 7001))
    fps = int(rng.choice([24, 24, 24, 24, 24, 24, 25, 25, 30, 30]))
    crf = int(rng.integers(18, 31))
    target = round(float(rng.uniform(min_s, max_s)) * fps)
    p_hold = float(rng.choice([0.0, 0.3, 0.7]))  # live action / mixed / cartoon on twos
    clip_grain = 0.0 if rng.random() < 0.4 else float(rng.uniform(1, 5))
    p_burst = float(rng.uniform(0.3, 0.7))
    base = 1000 * (seed * 100 + index + 1)
    shots: list[ShotSpec] = []
    info: list[ShotInfo] = []
    scene_no = 0
    plan_lengths: list[tuple[str, int]] = []
    # Segment layout first: long shots, and bursts of short shots between them; the
    # clip ends on a long shot and overshoots the target by at most about 2 s.
    total = 0
    while total < target:
        n = round(float(rng.uniform(2, 6)) * fps)
        n = max(2 * fps, min(n, target - total))
        plan_lengths.append(("long", n))
        total += n
        if total < target - 2 * fps and rng.random() < p_burst:
            for _ in range(int(rng.integers(3, 13))):
                n = int(rng.integers(4, 17))
                plan_lengths.append(("burst", n))
                total += n
            if total >= target:
                plan_lengths.append(("long", 2 * fps))
    for k, (segment, n) in enumerate(plan_lengths):
        hold = 1
        if rng.random() < p_hold:
            hold = 2 if rng.random() < 0.65 else 3
        motion = _pick(rng, {"static": 0.12, "drift": 0.38, "fast": 0.28, "pan": 0.22} if hold == 1
                       else {"static": 0.05, "drift": 0.25, "fast": 0.4, "pan": 0.3})
        grain = round(clip_grain * float(rng.uniform(0.7, 1.3)), 2) if clip_grain else 0.0
        events: tuple[Any, ...] = ()
        if segment == "long":
            n, events = _events(rng, n, fps)
        if k == 0:
            enter, same = Cut(), False
        else:
            enter, same = _transition(rng, shots[-1].frames, n)
        echo = False
        if same:
            scene_no += 1
            scene, look = base + scene_no, shots[-1].look if shots[-1].look is not None else shots[-1].scene
        elif segment == "burst" and k >= 2 and isinstance(enter, Cut) and rng.random() < 0.15:
            # Cut back to the shot before the previous one (shot / reverse shot).
            scene, look, echo = shots[-2].scene, shots[-2].look, True
        else:
            scene_no += 1
            scene, look = base + scene_no, None
        shots.append(ShotSpec(n, scene=scene, look=look, motion=motion, hold=hold, grain=grain,
                              events=events, enter=enter))
        info.append(ShotInfo(segment, echo))
    name = f"h{seed:02d}_{index:02d}_{fps}fps_crf{crf}.mp4"
    return ClipPlan(index, name, fps, crf, seed * 1000 + index, tuple(shots), tuple(info))


def _render_one(plan: ClipPlan, out: str, size: tuple[int, int], regenerate: bool) -> tuple[str, float, bool]:
    """Render a clip unless an up-to-date copy exists; returns (name, seconds, rendered)."""
    path = Path(out) / plan.name
    spec = path.with_name(plan.name + ".spec.json")
    key = plan.key(size)
    if not regenerate and path.exists() and spec.exists():
        try:
            if json.loads(spec.read_text())["key"] == key:
                write_truth(path, plan_truth(plan.shots, clip=plan.name, fps=plan.fps, size=size, seed=plan.seed))
                return plan.name, 0.0, False
        except (ValueError, KeyError):
            pass
    t0 = time.perf_counter()
    tmp = path.with_name(plan.name + ".part.mp4")
    truth = render_clip(tmp, plan.shots, fps=plan.fps, size=size, seed=plan.seed, crf=plan.crf)
    os.replace(tmp, path)
    write_truth(path, replace(truth, clip=plan.name))
    spec.write_text(json.dumps({"key": key, "fps": plan.fps, "crf": plan.crf, "seed": plan.seed,
                                "size": list(size), "shots": [repr(s) for s in plan.shots]}, indent=1))
    return plan.name, time.perf_counter() - t0, True


# ------------------------------------------------------------------------------ clip data


@dataclass
class Clip:
    """A rendered clip with its plan, truth and per-transition/per-event metadata."""

    plan: ClipPlan
    path: Path
    truth: list[TruthRow]
    spans: tuple[tuple[int, int], ...]
    frames: int
    # category labels of each counted row, keyed by (start_frame, end_frame)
    row_kind: dict[tuple[int, int], str] = field(default_factory=dict)
    row_attrs: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    # global events: (kind label, first frame, last frame, shot index)
    events: list[tuple[str, int, int, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.plan.name


def _bucket(n: int, edges: Sequence[tuple[int, int]]) -> str:
    for lo, hi in edges:
        if lo <= n <= hi:
            return f"{lo}-{hi}" if lo != hi else str(lo)
    return str(n)


def _shot_style(s: ShotSpec) -> list[str]:
    out = []
    if s.hold > 1:
        out.append({2: "twos", 3: "threes"}[s.hold])
    if s.motion in ("fast", "pan"):
        out.append(s.motion)
    if s.grain > 0:
        out.append("grain")
    return out


def build_clip(plan: ClipPlan, out: Path, size: tuple[int, int]) -> Clip:
    """Load a rendered clip's truth and label its transitions and events."""
    path = out / plan.name
    truth = read_truth_tsv(path.with_name(plan.name + ".transitions.tsv"))
    t = plan_truth(plan.shots, clip=plan.name, fps=plan.fps, size=size, seed=plan.seed)
    clip = Clip(plan, path, truth, t.shots, t.frames)
    counted = {r.end_frame: r for r in truth if r.counted}
    for i in range(1, len(plan.shots)):
        prev, shot = plan.shots[i - 1], plan.shots[i]
        row = counted[t.shots[i][0]]
        key = (row.start_frame, row.end_frame)
        e = shot.enter
        same = (prev.look if prev.look is not None else prev.scene) == (
            shot.look if shot.look is not None else shot.scene)
        burst = min(prev.frames, shot.frames) <= BURST_MAX
        if isinstance(e, Cut):
            kind = "cut, same look" if same else "cut"
            kind += " (burst)" if burst else " (long shots)"
        elif isinstance(e, Dissolve):
            kind = f"dissolve {_bucket(e.frames, [(8, 15), (16, 25), (26, 36)])} frames"
        elif isinstance(e, FadeOutIn):
            kind = f"fade, black {_bucket(e.black, [(1, 2), (3, 8), (9, 24)])} frames"
        else:
            kind = f"flash cut, {e.frames} white"
        attrs = []
        if same and not isinstance(e, Cut):
            attrs.append("same look")
        if burst:
            attrs.append("a side is a 4-16-frame shot")
        if plan.info[i].echo:
            attrs.append("cut back to the scene 2 shots before")
        styles = set(_shot_style(prev)) | set(_shot_style(shot))
        attrs += [f"a side is {s}" for s in ("twos", "threes", "fast", "pan", "grain") if s in styles]
        if isinstance(e, FadeOutIn) and (e.out == 0 or e.fade_in == 0):
            attrs.append("fade with a hard edge (out or in = 0)")
        near_event = False
        for j in (i - 1, i):
            first = t.shots[j][0]
            for ev in plan.shots[j].events:
                a = first + ev.at
                if min(abs(a - row.end_frame), abs(a + ev.frames - row.start_frame)) <= 8:
                    near_event = True
        if near_event:
            attrs.append("in-shot event within 8 frames")
        clip.row_kind[key] = kind
        clip.row_attrs[key] = attrs
    for j, shot in enumerate(plan.shots):
        first = t.shots[j][0]
        for ev in shot.events:
            a, b = first + ev.at, first + ev.at + ev.frames - 1
            if isinstance(ev, Freeze):
                label = "freeze"
            elif isinstance(ev, PassBy):
                label = "pass-by"
            elif ev.partial:
                label = "partial flash"
            else:
                label = "full flash"
            clip.events.append((label, a, b, j))
    return clip


def shot_at(clip: Clip, frame: int) -> int:
    """Index of the shot whose clean span holds ``frame``, else of the nearest shot."""
    best, dist = 0, None
    for i, (a, b) in enumerate(clip.spans):
        if a <= frame <= b:
            return i
        d = a - frame if frame < a else frame - b
        if dist is None or d < dist:
            best, dist = i, d
    return best


def style_of(shot: ShotSpec) -> str:
    """Shot style for the motion tables: ``"<ones|twos|threes>, <motion>"``."""
    return f"{ {1: 'ones', 2: 'twos', 3: 'threes'}.get(shot.hold, f'{shot.hold}s')}, {shot.motion}"


def motion_class(shot: ShotSpec) -> str:
    """Coarse motion class of a shot, for the hard-negative table."""
    if shot.hold > 1:
        return "twos/threes"
    return "ones, static/drift" if shot.motion in ("static", "drift") else f"ones, {shot.motion}"


@dataclass(frozen=True)
class Cause:
    """Why a false alarm happened: a fine label, a coarse group, the shot style if motion."""

    fine: str
    group: str
    style: str | None = None


def classify_false_alarm(clip: Clip, fa: Any, score: ClipScore, tol: int) -> Cause:
    """Name what most likely caused a false alarm (checked in this order)."""
    f = fa.frame
    if fa.reason == "duplicate":
        return Cause(f"extra detection inside a {fa.row.kind}", f"extra detection inside a {fa.row.kind} span")
    for label, a, b, j in clip.events:
        shot = clip.plan.shots[j]
        if label == "freeze":
            if abs(f - a) <= tol or abs(f - (b + 1)) <= tol:
                return Cause(f"freeze start/end ({style_of(shot)})", "freeze start/end")
            continue
        if a - tol <= f <= b + 1 + tol:
            return Cause(f"{label} {b - a + 1}f ({motion_class(shot)})", f"in-shot {label}")
    missed = [r for r in score.misses if r.distance(f) <= 8]
    if missed:
        r = min(missed, key=lambda r: r.distance(f))
        return Cause(f"misplaced: {r.kind} missed {r.distance(f)} frames away",
                     "misplaced (a transition nearby was missed)")
    i = shot_at(clip, f)
    shot = clip.plan.shots[i]
    a, b = clip.spans[i]
    where = "burst shot" if shot.frames <= BURST_MAX else "long shot"
    pos = "within 3 frames of a shot edge" if (f - a <= 3 or b + 1 - f <= 3) else "mid-shot"
    grain = ", grain" if shot.grain > 0 else ""
    st = style_of(shot)
    group = f"drawing change on {st}" if shot.hold > 1 else f"motion on {st}"
    return Cause(f"{st}{grain}; {where}, {pos}", group, st)


# ------------------------------------------------------------------------------ methods


@dataclass
class MethodRun:
    """Detections and times of one method on every clip."""

    name: str
    detections: dict[str, list[Detection]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def scores(self, clips: Sequence[Clip], tol: int) -> list[ClipScore]:
        return [evaluate(c.truth, [d.frame for d in self.detections.get(c.name, [])], tolerance=tol, name=c.name)
                for c in clips if c.name in self.detections]


def run_cutrate(clips: Sequence[Clip], log: Callable[[str], None]) -> MethodRun:
    import cutrate

    run = MethodRun("cutrate")
    for clip in clips:
        t0 = time.perf_counter()
        try:
            result = cutrate.analyze(str(clip.path), use_cache=False)
        except Exception as exc:  # noqa: BLE001 - report it and go on
            run.notes.append(f"cutrate failed on {clip.name}: {type(exc).__name__}: {exc}")
            log(f"  cutrate {clip.name}: ERROR {type(exc).__name__}: {exc}")
            continue
        run.seconds[clip.name] = time.perf_counter() - t0
        run.detections[clip.name] = [Detection(int(t.frame), float(t.confidence), str(t.kind))
                                     for t in result.transitions]
        log(f"  cutrate {clip.name}: {len(result.transitions)} transitions in {run.seconds[clip.name]:.1f} s")
    return run


def run_pyscenedetect(clips: Sequence[Clip], log: Callable[[str], None]) -> list[MethodRun]:
    from scenedetect import AdaptiveDetector, ContentDetector, detect

    runs = []
    for label, make in (("PySceneDetect content", ContentDetector), ("PySceneDetect adaptive", AdaptiveDetector)):
        run = MethodRun(label)
        for clip in clips:
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scenes = detect(str(clip.path), make())
            run.seconds[clip.name] = time.perf_counter() - t0
            run.detections[clip.name] = [Detection(int(start.frame_num)) for start, _ in scenes[1:]]
            log(f"  {label} {clip.name}: {len(scenes[1:])} boundaries in {run.seconds[clip.name]:.1f} s")
        runs.append(run)
    return runs


# ------------------------------------------------------------------------------ reports


@dataclass
class Breakdown:
    miss_by_kind: list[tuple[str, int, int, list[str]]]  # kind, missed, total, examples
    miss_by_attr: list[tuple[str, int, int, list[str]]]
    fa_by_group: list[tuple[str, int, float, list[str]]]  # cause, count, mean confidence, examples
    fa_by_cause: list[tuple[str, int, float, list[str]]]
    events_by_size: list[tuple[str, int, int, list[str]]]  # event, with FA, events, examples
    events_by_motion: list[tuple[str, int, int, list[str]]]
    styles: list[tuple[str, int, int, int, int]]  # style, shots, frames, drawing changes, FAs
    labelled: Counter  # (truth kind, detected kind) of hits
    errors: list[str]


def _drawing_changes(shot: ShotSpec) -> int:
    """Clean frames of a shot whose drawing differs from the previous frame's."""
    try:
        from cutrate.testing.clips import _content_time
    except ImportError:  # private helper gone: estimate
        return shot.frames // shot.hold
    times = [_content_time(shot, f) for f in range(shot.frames)]
    return sum(t1 != t0 for t0, t1 in itertools.pairwise(times))


def _table_rows(counts: dict[str, list[int]], ex: dict[str, list[str]]) -> list[tuple[str, int, int, list[str]]]:
    return sorted(((k, v[0], v[1], ex[k]) for k, v in counts.items()), key=lambda x: (-x[1] / max(x[2], 1), x[0]))


def breakdown(run: MethodRun, clips: Sequence[Clip], tol: int) -> Breakdown:
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    attrs: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    kind_ex: dict[str, list[str]] = defaultdict(list)
    attr_ex: dict[str, list[str]] = defaultdict(list)
    fine: dict[str, list[float]] = defaultdict(list)
    fine_ex: dict[str, list[str]] = defaultdict(list)
    group: dict[str, list[float]] = defaultdict(list)
    group_ex: dict[str, list[str]] = defaultdict(list)
    ev_size: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    ev_motion: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    ev_size_ex: dict[str, list[str]] = defaultdict(list)
    ev_motion_ex: dict[str, list[str]] = defaultdict(list)
    styles: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    labelled: Counter = Counter()
    errors: list[str] = []
    for clip in clips:
        for shot in clip.plan.shots:
            st = styles[style_of(shot)]
            st[0] += 1
            st[1] += shot.frames
            st[2] += _drawing_changes(shot)
        if clip.name not in run.detections:
            continue
        dets = run.detections[clip.name]
        conf = {d.frame: d for d in dets}
        s = evaluate(clip.truth, [d.frame for d in dets], tolerance=tol, name=clip.name)
        missed = {(r.start_frame, r.end_frame) for r in s.misses}
        for key, kind in clip.row_kind.items():
            m = key in missed
            kinds[kind][1] += 1
            kinds[kind][0] += m
            for a in clip.row_attrs[key]:
                attrs[a][1] += 1
                attrs[a][0] += m
            if m:
                where = f"{clip.name}:{key[0]}" + (f"-{key[1]}" if key[1] != key[0] else "")
                kind_ex[kind].append(where)
                for a in clip.row_attrs[key]:
                    attr_ex[a].append(where)
        for mt in s.matches:
            labelled[(mt.row.kind, conf[mt.frame].kind)] += 1
        fa_frames = []
        for fa in s.false_alarms:
            cause = classify_false_alarm(clip, fa, s, tol)
            c = conf[fa.frame].confidence
            where = f"{clip.name}:{fa.frame}"
            fine[cause.fine].append(c)
            fine_ex[cause.fine].append(where)
            group[cause.group].append(c)
            group_ex[cause.group].append(where)
            if cause.style is not None:
                styles[cause.style][3] += 1
            fa_frames.append(fa.frame)
            errors.append(f"{clip.name}  FA    {fa.frame:5d}  conf {c:.2f}  [{cause.fine}]  {fa.describe()}")
        for r in s.misses:
            key = (r.start_frame, r.end_frame)
            near = [d for d in dets if r.start_frame - 10 <= d.frame <= r.end_frame + 10]
            nd = ", ".join(f"{d.frame}({d.kind} {d.confidence:.2f})" for d in near) or "none"
            errors.append(f"{clip.name}  miss  {r.start_frame:5d}  [{clip.row_kind.get(key, r.kind)}; "
                          f"{'; '.join(clip.row_attrs.get(key, []))}]  {r.label()} ({r.note}); "
                          f"detections within 10: {nd}")
        for label, a, b, j in clip.events:
            if label == "freeze":
                hit = any(abs(f - a) <= tol or abs(f - (b + 1)) <= tol for f in fa_frames)
                size = f"freeze {_bucket(round((b - a + 1) / clip.plan.fps * 10), [(5, 9), (10, 14), (15, 20)])}"
                size = size.replace("5-9", "0.5-0.9 s").replace("10-14", "1.0-1.4 s").replace("15-20", "1.5-2 s")
            else:
                hit = any(a - tol <= f <= b + 1 + tol for f in fa_frames)
                n = b - a + 1
                size = f"{label} {n} frame{'s' if n > 1 else ''}" if "flash" in label else (
                    f"{label} {_bucket(n, [(3, 5), (6, 8), (9, 12)])} frames")
            mc = f"{label} in {motion_class(clip.plan.shots[j])}"
            for d, ex, k in ((ev_size, ev_size_ex, size), (ev_motion, ev_motion_ex, mc)):
                d[k][1] += 1
                d[k][0] += hit
                if hit:
                    ex[k].append(f"{clip.name}:{a}")
    errors.sort(key=lambda e: (e.split()[0], int(e.split()[2])))

    def fa_rows(d: dict[str, list[float]], ex: dict[str, list[str]]) -> list[tuple[str, int, float, list[str]]]:
        return sorted(((k, len(v), float(np.mean(v)), ex[k]) for k, v in d.items()), key=lambda x: (-x[1], x[0]))

    return Breakdown(
        miss_by_kind=_table_rows(kinds, kind_ex),
        miss_by_attr=_table_rows(attrs, attr_ex),
        fa_by_group=fa_rows(group, group_ex),
        fa_by_cause=fa_rows(fine, fine_ex),
        events_by_size=sorted(((k, v[0], v[1], ev_size_ex[k]) for k, v in ev_size.items())),
        events_by_motion=sorted(((k, v[0], v[1], ev_motion_ex[k]) for k, v in ev_motion.items())),
        styles=sorted((k, *v) for k, v in styles.items()),
        labelled=labelled,
        errors=errors,
    )


def _examples(ex: list[str], n: int = 3) -> str:
    more = f" (+{len(ex) - n})" if len(ex) > n else ""
    return ", ".join(e.replace(".mp4:", ":") for e in ex[:n]) + more


def breakdown_tables(b: Breakdown, *, detail: bool = True) -> str:
    """Markdown tables of the breakdown (``detail``: also the fine false-alarm causes)."""
    out = ["Misses by kind of transition:", "",
           "| kind | missed | in truth | examples (clip:frames) |", "| --- | ---: | ---: | --- |"]
    out += [f"| {k} | {m} | {t} | {_examples(ex)} |" for k, m, t, ex in b.miss_by_kind]
    out += ["", "Misses by property of the transition (a transition can have several):", "",
            "| property | missed | in truth | examples |", "| --- | ---: | ---: | --- |"]
    out += [f"| {k} | {m} | {t} | {_examples(ex)} |" for k, m, t, ex in b.miss_by_attr]
    out += ["", ("False alarms by cause (checked in this order: extra detection inside a true "
                 "transition's span; within 2 frames of an in-shot event; within 8 frames of a missed "
                 "transition; otherwise the motion of the shot it falls in):"), "",
            "| cause | false alarms | mean confidence | examples (clip:frame) |", "| --- | ---: | ---: | --- |"]
    out += [f"| {k} | {n} | {c:.2f} | {_examples(ex)} |" for k, n, c, ex in b.fa_by_group] or ["| none | 0 | | |"]
    out += ["", ("Motion false alarms by shot style (drawing changes: clean frames whose drawing differs "
                 "from the previous frame's):"), "",
            "| style (hold, motion) | shots | frames | drawing changes | false alarms | per 100 changes |",
            "| --- | ---: | ---: | ---: | ---: | ---: |"]
    out += [f"| {k} | {n} | {fr} | {ch} | {fa} | {100 * fa / max(ch, 1):.1f} |" for k, n, fr, ch, fa in b.styles]
    out += ["", ("Hard negatives that drew a false alarm (within 2 frames of the event; a freeze at its "
                 "start or end), by size:"), "",
            "| event | with false alarm | events | examples (clip:first frame) |", "| --- | ---: | ---: | --- |"]
    out += [f"| {k} | {h} | {t} | {_examples(ex)} |" for k, h, t, ex in b.events_by_size]
    out += ["", "... and by the motion of the shot they occur in:", "",
            "| event, shot motion | with false alarm | events | examples |", "| --- | ---: | ---: | --- |"]
    out += [f"| {k} | {h} | {t} | {_examples(ex)} |" for k, h, t, ex in b.events_by_motion]
    out += ["", "Kind given to the hits (truth kind -> detected kind):", "",
            "| truth | detected | hits |", "| --- | --- | ---: |"]
    out += [f"| {t} | {d} | {n} |" for (t, d), n in sorted(b.labelled.items())]
    if detail:
        out += ["", fine_cause_table(b).rstrip("\n")]
    return "\n".join(out) + "\n"


def fine_cause_table(b: Breakdown) -> str:
    """Markdown table of the false alarms by detailed cause."""
    out = ["False alarms by detailed cause:", "",
           "| cause | false alarms | mean confidence | examples |", "| --- | ---: | ---: | --- |"]
    out += [f"| {k} | {n} | {c:.2f} | {_examples(ex)} |" for k, n, c, ex in b.fa_by_cause]
    return "\n".join(out) + "\n"


def pooled_table(runs: Sequence[MethodRun], clips: Sequence[Clip], tol: int) -> str:
    lines = ["| method | P | R | F1 | hits | misses | false alarms | 60 s peak within ±1 | worst peak error | time (s) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for run in runs:
        scores = run.scores(clips, tol)
        p = pool(scores)
        err = peak_errors(scores, {c.name: c.plan.fps for c in clips})
        worst = max(err, key=abs, default=0)
        lines.append(f"| {run.name} | {p.precision:.3f} | {p.recall:.3f} | {p.f1:.3f} | {p.hits} | "
                     f"{len(p.misses)} | {len(p.false_alarms)} | {sum(abs(e) <= 1 for e in err)} of {len(err)} | "
                     f"{worst:+d} | {sum(run.seconds.values()):.1f} |")
    return "\n".join(lines) + "\n"


def clips_table(clips: Sequence[Clip]) -> str:
    lines = ["| clip | fps | crf | s | shots | cut | dissolve | fade | flash | flashes | pass-by | freeze | twos/threes shots |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for c in clips:
        k = Counter(r.kind for r in c.truth if r.counted)
        e = Counter(ev[0] for ev in c.events)
        holds = sum(s.hold > 1 for s in c.plan.shots)
        lines.append(f"| {c.name} | {c.plan.fps} | {c.plan.crf} | {c.frames / c.plan.fps:.1f} | {len(c.plan.shots)} | "
                     f"{k['cut']} | {k['dissolve']} | {k['fade_out_in']} | {k['flash']} | "
                     f"{e['full flash'] + e['partial flash']} | {e['pass-by']} | {e['freeze']} | {holds} |")
    return "\n".join(lines) + "\n"


def write_section(path: Path, body: str) -> None:
    """Replace the heldout section of ``path`` (see ``_docs.replace_section``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _docs import replace_section

    replace_section(path, "heldout", body)


def contact_sheets(clips: Sequence[Clip], errors: dict[str, list[tuple[str, int]]], out: Path) -> int:
    """Write a PNG strip of frames f-4..f+4 around every error; returns how many."""
    import av
    import cv2

    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for clip in clips:
        errs = errors.get(clip.name)
        if not errs:
            continue
        want = {f for _, fr in errs for f in range(fr - 4, fr + 5)}
        small: dict[int, np.ndarray] = {}
        with av.open(str(clip.path)) as c:
            for i, frame in enumerate(c.decode(video=0)):
                if i in want:
                    small[i] = cv2.resize(frame.to_ndarray(format="rgb24"), (256, 144), interpolation=cv2.INTER_AREA)
        for what, fr in errs:
            tiles = []
            for f in range(fr - 4, fr + 5):
                tile = small.get(f, np.zeros((144, 256, 3), np.uint8)).copy()
                cv2.rectangle(tile, (0, 0), (70, 18), (0, 0, 0), -1)
                cv2.putText(tile, str(f), (3, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                            (255, 255, 0) if f == fr else (255, 255, 255), 1, cv2.LINE_AA)
                tiles.append(np.pad(tile, ((2, 2), (2, 2), (0, 0))))
            img = np.concatenate(tiles, axis=1)
            name = f"{Path(clip.name).stem}_{fr:05d}_{what}.png"
            cv2.imwrite(str(out / name), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
            n += 1
    return n


# ------------------------------------------------------------------------------ main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="cutrate on random synthetic held-out clips.")
    p.add_argument("--clips", type=int, default=24, help="number of clips (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="generator seed (default: %(default)s)")
    p.add_argument("--size", default="1280x720", help="frame size WxH (default: %(default)s)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for clips (default: %(default)s)")
    p.add_argument("--regenerate", action="store_true", help="render clips even when up to date")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="render processes")
    p.add_argument("--min-seconds", type=float, default=10.0, help="shortest clip (default: %(default)s)")
    p.add_argument("--max-seconds", type=float, default=30.0, help="longest clip (default: %(default)s)")
    p.add_argument("--peers", action="store_true", help="also run PySceneDetect content/adaptive (defaults)")
    p.add_argument("--sheets", action="store_true", help="write PNG strips around every error to OUT/sheets")
    p.add_argument("--tolerance", type=int, default=DEFAULT_TOLERANCE, help="frames (default: %(default)s)")
    p.add_argument("--doc", type=Path, default=DEFAULT_DOC, help="Markdown file to update (default: %(default)s)")
    p.add_argument("--no-doc", action="store_true", help="do not update --doc")
    args = p.parse_args(argv)
    try:
        w, h = (int(x) for x in args.size.lower().split("x"))
    except ValueError:
        p.error(f"--size must be WxH, got {args.size!r}")
    args.wh = (w, h)
    if args.clips < 1:
        p.error("--clips must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    plans = [plan_clip(args.seed, i, args.min_seconds, args.max_seconds) for i in range(args.clips)]
    t0 = time.perf_counter()
    log(f"rendering {len(plans)} clips at {args.wh[0]}x{args.wh[1]} into {args.out} ({args.jobs} jobs) ...")
    rendered = 0
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as ex:
            futs = [ex.submit(_render_one, p, str(args.out), args.wh, args.regenerate) for p in plans]
            for fut in as_completed(futs):
                name, sec, new = fut.result()
                rendered += new
                log(f"  {name}: {f'rendered in {sec:.0f} s' if new else 'up to date'}")
    else:
        for p in plans:
            name, sec, new = _render_one(p, str(args.out), args.wh, args.regenerate)
            rendered += new
            log(f"  {name}: {f'rendered in {sec:.0f} s' if new else 'up to date'}")
    render_s = time.perf_counter() - t0
    clips = [build_clip(p, args.out, args.wh) for p in plans]
    n_frames = sum(c.frames for c in clips)
    log(f"{len(clips)} clips, {n_frames} frames; {rendered} rendered in {render_s:.0f} s")

    tol = args.tolerance
    log("cutrate ...")
    runs = [run_cutrate(clips, log)]
    env = {"Python": platform.python_version(), "CPUs": str(os.cpu_count())}
    import cutrate

    env["cutrate"] = getattr(cutrate, "__version__", "?")
    if args.peers:
        log("PySceneDetect ...")
        try:
            runs += run_pyscenedetect(clips, log)
            import scenedetect

            env["PySceneDetect"] = scenedetect.__version__
        except ImportError as exc:
            runs[0].notes.append(f"PySceneDetect not run: {exc}")
    cut = runs[0]
    scores = cut.scores(clips, tol)
    bd = breakdown(cut, clips, tol)
    cal = calibrate([(c.truth, cut.detections[c.name]) for c in clips if c.name in cut.detections],
                    CALIBRATION_THRESHOLDS, tolerance=tol)

    print("== clips\n" + clips_table(clips))
    print("== cutrate per clip\n" + format_table(scores, style="text"))
    print("== pooled\n" + pooled_table(runs, clips, tol))
    print("== cutrate breakdown\n" + breakdown_tables(bd))
    from accuracy import reliability_table

    rel = reliability_table(runs, clips, tol)
    print("== cutrate confidence calibration\n" + format_calibration(cal, style="text"))
    print("== reliability of the confidence (per decile: mean confidence vs share right)\n" + rel)
    print("== cutrate errors\n" + ("\n".join(bd.errors) or "none"))
    for n in (n for r in runs for n in r.notes):
        print(f"note: {n}")

    if args.sheets:
        errs: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for s in scores:
            errs[s.name] += [("miss", r.start_frame if r.start_frame == r.end_frame else r.end_frame)
                             for r in s.misses]
            errs[s.name] += [("fa", fa.frame) for fa in s.false_alarms]
        n = contact_sheets(clips, errs, args.out / "sheets")
        print(f"\nwrote {n} contact sheets to {args.out / 'sheets'}")

    results = {
        "seed": args.seed, "size": list(args.wh), "tolerance": tol,
        "clips": {c.name: {"fps": c.plan.fps, "crf": c.plan.crf, "frames": c.frames} for c in clips},
        "methods": {r.name: {"seconds": r.seconds,
                             "detections": {k: [[d.frame, d.confidence, d.kind] for d in v]
                                            for k, v in r.detections.items()},
                             "pooled": pool(r.scores(clips, tol)).to_dict()} for r in runs},
    }
    (args.out / "errors.txt").write_text("\n".join(bd.errors) + "\n", encoding="utf-8")
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")

    if not args.no_doc:
        cmd = "python benchmarks/heldout.py " + " ".join(argv if argv is not None else sys.argv[1:])
        secs = n_frames / np.mean([c.plan.fps for c in clips])
        fps_mix = Counter(c.plan.fps for c in clips)
        body = [
            "## Held-out synthetic check (`heldout.py`)",
            "",
            f"Generated by `{cmd.strip()}` on {_dt.date.today().isoformat()}: {len(clips)} random clips "
            f"(seed {args.seed}, {args.wh[0]}x{args.wh[1]} H.264, crf "
            f"{min(c.plan.crf for c in clips)}-{max(c.plan.crf for c in clips)}, "
            + ", ".join(f"{n} at {f} fps" for f, n in sorted(fps_mix.items()))
            + f"), {n_frames} frames ({secs / 60:.1f} min), "
            f"{sum(s.n_truth for s in scores)} counted transitions. The clips are drawn by "
            "`cutrate.testing.clips.render_clip` from random shot lists that the detector was not tuned on: long "
            "shots and bursts of 4-16-frame shots, hard cuts (also between shots with the same background), "
            "dissolves of 8-36 frames, fades through black (black 1-24 frames), flash cuts of 1-3 white "
            "frames, in-shot full and partial flashes, objects passing the lens, freeze holds of 0.5-2 s, "
            "animation on twos and threes, fast motion, pans and grain. Scoring: `cutrate.eval`, "
            f"tolerance {tol} frames, pooled over clips. Environment: "
            + ", ".join(f"{k} {v}" for k, v in env.items()) + ".",
            "",
            "### Pooled",
            "",
            pooled_table(runs, clips, tol),
            "### Breakdown (cutrate)",
            "",
            breakdown_tables(bd, detail=False),
            "<details><summary>False alarms by detailed cause</summary>",
            "",
            fine_cause_table(bd),
            "</details>",
            "",
            "### Confidence calibration (cutrate)",
            "",
            format_calibration(cal),
            "Reliability per confidence decile: detections, their mean confidence and the share that are "
            "right (calibrated when the two agree within 0.1; ✗ marks a decile that does not):",
            "",
            rel,
            "<details><summary>Clips</summary>",
            "",
            clips_table(clips),
            "</details>",
            "",
            "<details><summary>cutrate per clip</summary>",
            "",
            format_table(scores),
            "</details>",
            "",
            (f"Every miss and false alarm, with its category and the detections near it, is listed on "
             f"stdout and in `{args.out}/errors.txt`; `--sheets` draws the frames around each one to "
             f"`{args.out}/sheets/`."),
            "",
        ]
        write_section(args.doc, "\n".join(body))
        print(f"\nwrote the heldout section of {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
