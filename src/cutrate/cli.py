"""The ``cutrate`` command line.  The only module that prints.

Defaults come from the library's settings classes, never from literals here.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from . import __version__
from .errors import CutrateError
from .detect import DetectSettings
from .timeline import TimelineSettings

VIDEO_EXTENSIONS = frozenset(
    ".mp4 .m4v .mkv .mov .avi .webm .ts .mts .m2ts .mpg .mpeg .wmv .flv .ogv .3gp .vob .mxf .y4m".split()
)

_D = DetectSettings()
_T = TimelineSettings()


class InputError(CutrateError):
    """A command-line input path that cannot be used."""


def find_videos(inputs: Iterable[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files, folders (searched recursively) and glob patterns.

    Returns the video files in a stable order and ``(input, reason)`` pairs for the
    inputs that gave nothing usable.  Explicit files are kept whatever their
    extension (the decoder judges them); folders and globs keep video extensions.
    """
    found: list[Path] = []
    problems: list[tuple[str, str]] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            vids = sorted(
                q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in VIDEO_EXTENSIONS and not q.name.startswith(".")
            )
            if not vids:
                problems.append((raw, "folder holds no video files"))
            found.extend(vids)
        elif p.exists():
            found.append(p)
        elif glob.has_magic(raw):
            matches = sorted(Path(m) for m in glob.glob(raw, recursive=True))
            vids = [m for m in matches if m.is_file() and m.suffix.lower() in VIDEO_EXTENSIONS]
            if not vids:
                problems.append((raw, "pattern matches no video files"))
            found.extend(vids)
        else:
            problems.append((raw, "no such file or folder"))
    seen: set[str] = set()
    unique = []
    for f in found:
        key = os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems


def output_names(videos: list[Path]) -> dict[Path, str]:
    """Folder name per video: its stem, made unique when stems collide."""
    stems: dict[str, int] = {}
    for v in videos:
        stems[v.stem] = stems.get(v.stem, 0) + 1
    names = {}
    for v in videos:
        if stems[v.stem] == 1:
            names[v] = v.stem
        else:
            tag = hashlib.sha1(os.path.realpath(v.parent).encode()).hexdigest()[:6]
            names[v] = f"{v.stem}-{v.parent.name or 'root'}-{tag}"
    return names


def format_summary(result) -> str:
    """The short per-video summary printed after analysis."""
    from .report import clock

    s = result.summary
    kinds = ", ".join(f"{k} {v}" for k, v in s.transitions.items())
    p = s.peak
    unit = "cut" if p.count == 1 else "cuts"
    lines = [
        f"  duration {clock(s.duration_s)} · {s.shots} shots · {s.transition_count} transitions ({kinds})",
        f"  ASL {_sec(s.asl_s)} · MSL {_sec(s.msl_s)} · {s.cuts_per_minute:.1f} cuts/min",
        f"  peak: {p.count} {unit} in {p.window_s:g} s, {clock(p.start)}-{clock(p.end)}",
    ]
    return "\n".join(lines)


def _sec(x: float) -> str:
    return "-" if x != x else f"{x:.2f} s"


class _Progress:
    """A tqdm bar on stderr, only when stderr is a terminal and not --quiet."""

    def __init__(self, enabled: bool, desc: str) -> None:
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=0, desc=desc, unit="frame", file=sys.stderr, leave=False, dynamic_ncols=True)

    def __call__(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.total = max(total, done)
            self.bar.n = done
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cutrate")
def main() -> None:
    """Measure the editing pace of video: shots, cuts per minute, peak windows."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "output", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the per-video result folders.")
@click.option("--threshold", type=float, default=_D.threshold, show_default=True, help="Smallest cut score (0..1).")
@click.option("--contrast", type=float, default=_D.contrast, show_default=True,
              help="How far a cut must rise above its neighbourhood (0..1).")
@click.option("--evidence", type=float, default=_D.evidence, show_default=True,
              help="Evidence needed to tell a cut from motion (0..3).")
@click.option("--flash-frames", type=int, default=_D.flash_frames, show_default=True,
              help="Longest in-shot flash, in frames.")
@click.option("--no-dissolves", is_flag=True, help="Do not look for dissolves.")
@click.option("--window", "window_s", type=float, default=_T.window_s, show_default=True,
              help="Sliding-window length in seconds for cuts per minute and the peak.")
@click.option("--hop", "hop_s", type=float, default=_T.hop_s, show_default=True, help="Timeline step in seconds.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Videos analysed in parallel (worker processes).")
@click.option("--scheduler", envvar="CUTRATE_SCHEDULER", default=None,
              help="Dask scheduler address (tcp://HOST:PORT) to run on a cluster [env: CUTRATE_SCHEDULER].")
@click.option("--force", is_flag=True, help="Re-analyse videos whose results are already up to date.")
@click.option("--no-plots", is_flag=True, help="Do not write the PNG/SVG plots.")
@click.option("--no-html", is_flag=True, help="Do not write report.html (nor index.html).")
@click.option("--no-exports", is_flag=True, help="Do not write cuts.edl, timeline.otio and summary.md.")
@click.option("--no-thumbnails", is_flag=True, help="No thumbnails in report.html (saves decoding the video again).")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Feature cache folder [default: the user cache folder].")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the feature cache.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summaries; errors only.")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
def analyze(inputs, output, threshold, contrast, evidence, flash_frames, no_dissolves, window_s, hop_s, jobs,
            scheduler, force, no_plots, no_html, no_exports, no_thumbnails, cache_dir, no_cache, quiet, debug) -> None:
    """Analyse videos (files, folders, glob patterns) and write a result folder for each.

    Each OUTPUT/<video name>/ gets analysis.json, transitions.csv, shots.csv,
    timeline.csv, the plots (pace, shot_lengths, shot_graph, score_trace as PNG and
    SVG), report.html, cuts.edl, timeline.otio and summary.md; several videos also
    give OUTPUT/season.csv, season.json and index.html.
    Re-running skips videos whose results are up to date.  A file that fails is
    reported in one line; the others go on, and the exit code is 1 when any failed.
    """
    from .batch import Job, clean_stale, run
    from .pipeline import Settings
    from .report import write_season, writers

    _logging(debug, quiet)
    try:
        settings = Settings.from_kwargs(
            threshold=threshold, contrast=contrast, evidence=evidence, flash_frames=flash_frames,
            dissolve=not no_dissolves, window_s=window_s, hop_s=hop_s,
        )
    except CutrateError as exc:
        raise click.UsageError(str(exc)) from None
    videos, problems = find_videos(inputs)
    failures = [f"{raw}: {reason}" for raw, reason in problems]
    for line in failures:
        click.echo(f"error: {line}", err=True)
    out_root = Path(output)
    if videos:
        try:
            out_root.mkdir(parents=True, exist_ok=True)
            probe = out_root / ".cutrate-write-test"
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            click.echo(f"error: {output}: output folder is not writable ({exc.strerror or exc})", err=True)
            sys.exit(1)
        clean_stale(out_root)
    names = output_names(videos)
    job_list = [
        Job(str(v), str(out_root / names[v]), settings, cache_dir=cache_dir, use_cache=not no_cache) for v in videos
    ]
    interactive = not quiet and sys.stderr.isatty()
    overall = _FilesBar(interactive and len(job_list) > 1, len(job_list))

    def report_one(oc) -> None:
        overall.advance(oc.frames, oc.seconds)
        if oc.status == "failed":
            failures.append(oc.error)
            overall.write(f"error: {oc.error}", err=True)
        elif not quiet:
            if oc.status == "skipped":
                overall.write(f"{oc.path}: up to date, skipped (--force to redo)")
                return
            overall.write(f"{oc.path}\n{format_summary(oc.result)}")
            for w in oc.result.warnings[:5]:
                overall.write(f"  warning: {w}")
            overall.write(f"  -> {oc.folder}/")

    def per_frame(job):
        return _Progress(interactive, Path(job.path).name) if len(job_list) == 1 or jobs == 1 else None

    try:
        extras = report_writers(plots=not no_plots, html=not no_html, exports=not no_exports,
                                thumbnails=not no_thumbnails)
        outcomes = run(job_list, workers=jobs, scheduler=scheduler, writers=[*extras, *writers()], force=force,
                       on_outcome=report_one, progress=per_frame)
    except KeyboardInterrupt:
        overall.close()
        finished = sum(1 for p in out_root.glob("*/analysis.json")) if out_root.is_dir() else 0
        click.echo(f"interrupted: finished results are kept in {output}/ ({finished} folders); "
                   "run the same command again to do the rest", err=True)
        sys.exit(130)
    except CutrateError as exc:
        overall.close()
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    overall.close()
    ok = [oc for oc in outcomes if oc.status != "failed"]
    if len(job_list) > 1 and ok:
        try:
            write_season(out_root, outcomes)
            if not no_plots:
                from .plot import save_season
                from .report import load

                save_season([oc.result or load(oc.folder) for oc in ok], out_root)
            if not no_html:
                _write_index(out_root, [oc.folder for oc in ok], {oc.folder: oc.result for oc in ok})
        except OSError as exc:
            failures.append(f"{out_root}: cannot write season table ({exc.strerror or exc})")
            click.echo(f"error: {failures[-1]}", err=True)
    if (len(job_list) > 1 or failures) and not quiet:
        done = sum(oc.status == "done" for oc in outcomes)
        skipped = sum(oc.status == "skipped" for oc in outcomes)
        click.echo(f"{done} analysed, {skipped} up to date, {len(failures)} failed"
                   f" of {len(job_list) + len(problems)} inputs")
        for f in failures:
            click.echo(f"  failed: {f}")
    if failures:
        sys.exit(1)


class _FilesBar:
    """Overall progress over files (done, frames/s, ETA) on stderr, terminals only."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.bar = None
        self.frames = 0
        self.seconds = 0.0
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc="videos", unit="video", file=sys.stderr, dynamic_ncols=True)

    def advance(self, frames: int, seconds: float) -> None:
        self.frames += frames
        if self.bar is not None:
            self.bar.update(1)
            elapsed = self.bar.format_dict.get("elapsed") or 0
            if elapsed > 0:
                self.bar.set_postfix_str(f"{self.frames / elapsed:.0f} frames/s")

    def write(self, text: str, err: bool = False) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr if err else sys.stdout)
        else:
            click.echo(text, err=err)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def report_writers(*, plots: bool = True, html: bool = True, exports: bool = True, thumbnails: bool = True) -> list:
    """Writers ``(result, folder)`` for the plots, report.html and the exports, as chosen."""
    out: list = []
    if plots:
        def write_plots(result, folder):
            from .plot import save_all

            return save_all(result, folder)

        out.append(write_plots)
    if html:
        def write_report(result, folder):
            from .htmlreport import write_html

            return write_html(result, folder, thumbnails=thumbnails)

        out.append(write_report)
    if exports:
        from .exports import write_exports

        out.append(write_exports)
    return out


def _write_index(out_root: Path, folders: list, results: dict | None = None) -> Path:
    """``index.html`` in ``out_root`` linking every folder's report.html (results loaded when not given)."""
    from .htmlreport import write_index
    from .report import load

    results = results or {}
    pairs = [(results.get(f) or load(f), Path(f)) for f in folders]
    return write_index(pairs, out_root)


def _result_folders(paths) -> tuple[list[Path], list[Path]]:
    """Result folders named by ``paths`` (a result folder, its analysis.json, or a folder of result
    folders), and the folders of folders (they get an index.html)."""
    found: list[Path] = []
    parents: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_file() and p.name == "analysis.json":
            found.append(p.parent)
        elif (p / "analysis.json").is_file():
            found.append(p)
        elif p.is_dir():
            subs = sorted(q.parent for q in p.glob("*/analysis.json"))
            if not subs:
                raise click.BadParameter(f"{raw}: no analysis.json in it or in its subfolders", param_hint="RESULTS")
            found.extend(subs)
            parents.append(p)
        else:
            raise click.BadParameter(f"{raw}: no such result folder", param_hint="RESULTS")
    return found, parents


@main.command("report")
@click.argument("results", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--no-plots", is_flag=True, help="Do not write the PNG/SVG plots.")
@click.option("--no-html", is_flag=True, help="Do not write report.html (nor index.html).")
@click.option("--no-exports", is_flag=True, help="Do not write cuts.edl, timeline.otio and summary.md.")
@click.option("--no-thumbnails", is_flag=True, help="No thumbnails in report.html (no decoding at all).")
@click.option("-q", "--quiet", is_flag=True, help="Errors only.")
def report_cmd(results, no_plots, no_html, no_exports, no_thumbnails, quiet) -> None:
    """Write the plots, report.html and exports again from saved results, without analysing.

    RESULTS are result folders (holding analysis.json) or folders of them; a
    folder of result folders also gets index.html.  Thumbnails need the video at
    the path recorded in analysis.json; the change-score plot needs the per-frame
    features and is not drawn.
    """
    from .report import load

    _logging(False, quiet)
    folders, parents = _result_folders(results)
    extras = report_writers(plots=not no_plots, html=not no_html, exports=not no_exports,
                            thumbnails=not no_thumbnails)
    failures = 0
    loaded = {}
    for folder in folders:
        try:
            res = load(folder)
            for write in extras:
                write(res, folder)
        except (OSError, ValueError, KeyError, CutrateError) as exc:
            failures += 1
            click.echo(f"error: {folder}: {exc}", err=True)
            continue
        loaded[str(folder)] = res
        if not quiet:
            click.echo(f"{folder}/")
    if not no_html:
        for parent in parents:
            inside = [f for f in loaded if Path(f).parent == parent]
            if inside:
                index = _write_index(parent, inside, loaded)
                if not quiet:
                    click.echo(f"{index}")
    if failures:
        sys.exit(1)


TRUTH_SUFFIX = ".transitions.tsv"
_PREDICTION_SUFFIXES = {".json", ".csv", ".txt", ".tsv"}


def _eval_pairs(first: str, truth: str | None) -> list[tuple[str, str]]:
    """(video-or-predictions, truth) pairs for ``cutrate eval``."""
    p = Path(first)
    if truth is not None:
        return [(first, truth)]
    if not p.is_dir():
        t = Path(first + TRUTH_SUFFIX)
        if t.is_file():
            return [(first, str(t))]
        raise click.UsageError(f"{first}: give a TRUTH file, or a folder of videos with <name>{TRUTH_SUFFIX} files")
    pairs = []
    for t in sorted(p.glob(f"*{TRUTH_SUFFIX}")):
        video = t.with_name(t.name[: -len(TRUTH_SUFFIX)])
        if video.is_file():
            pairs.append((str(video), str(t)))
    if not pairs:
        raise click.UsageError(f"{first}: no video with a <name>{TRUTH_SUFFIX} truth file beside it")
    return pairs


@main.command("eval")
@click.argument("source")
@click.argument("truth", required=False)
@click.option("--tolerance", type=click.IntRange(min=0), default=2, show_default=True,
              help="Frames a detection may lie outside a truth span and still match.")
@click.option("--threshold", type=float, default=_D.threshold, show_default=True, help="Smallest cut score (0..1).")
@click.option("--contrast", type=float, default=_D.contrast, show_default=True, help="Rise over the neighbourhood.")
@click.option("--evidence", type=float, default=_D.evidence, show_default=True, help="Cut-vs-motion evidence.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None, help="Feature cache folder.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the feature cache.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Only the table.")
def eval_cmd(source, truth, tolerance, threshold, contrast, evidence, cache_dir, no_cache, as_json, quiet) -> None:
    """Score detections against hand-checked truth: precision, recall, F1, misses, false alarms.

    \b
    cutrate eval VIDEO TRUTH        analyse VIDEO, compare with TRUTH
    cutrate eval RESULT TRUTH       RESULT: analysis.json, a PySceneDetect CSV or a frame list
    cutrate eval DIR                every video in DIR with a <name>.transitions.tsv beside it

    TRUTH is a .transitions.tsv annotation, a PySceneDetect scene-list CSV or a list
    of frame numbers.  A detection matches a counted transition when its frame lies
    in [start_frame - tolerance, end_frame + tolerance]; matching is greedy and
    one-to-one by distance (see docs/accuracy.md).
    """
    import json as _json

    from . import evaluate as ev
    from .pipeline import Settings, analyze as run

    _logging(False, True)
    settings = Settings.from_kwargs(threshold=threshold, contrast=contrast, evidence=evidence)
    scores = []
    failed = 0
    for src, tru in _eval_pairs(source, truth):
        name = Path(src).name
        try:
            rows = ev.load_truth(tru)
            if Path(src).suffix.lower() in _PREDICTION_SUFFIXES or Path(src).name.endswith(TRUTH_SUFFIX):
                frames = ev.load_predictions(src)
            else:
                result = run(src, settings=settings, cache_dir=cache_dir, use_cache=not no_cache)
                frames = [t.frame for t in result.transitions]
        except (CutrateError, OSError) as exc:
            failed += 1
            click.echo(f"error: {exc}", err=True)
            continue
        scores.append(ev.evaluate(rows, frames, tolerance=tolerance, name=name))
    if scores:
        if as_json:
            doc = {"tolerance": tolerance, "clips": [s.to_dict() for s in scores],
                   "pooled": ev.pool(scores).to_dict(), "settings": settings.to_dict()}
            click.echo(_json.dumps(doc, indent=1, default=str))
        else:
            click.echo(ev.format_table(scores, pooled=len(scores) > 1, style="text"))
            if not quiet:
                click.echo(ev.format_errors(scores), nl=False)
    if failed:
        sys.exit(1)


@main.command()
@click.argument("output", type=click.Path(file_okay=False), default="sample_clips")
def samples(output) -> None:
    """Generate the synthetic sample clips (with their truth files) into OUTPUT."""
    from .samples import generate_samples

    for p in generate_samples(output):
        click.echo(str(p))


def _logging(debug: bool, quiet: bool) -> None:
    level = logging.DEBUG if debug else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    # decoder warnings are collected into results; don't repeat them one per packet
    logging.getLogger("cutrate.decode").setLevel(logging.DEBUG if debug else logging.ERROR)
    try:
        import av.logging

        # PyAV's default already drops FFmpeg's messages; av.logging.set_level() would install
        # a Python callback that deadlocks decoder threads on damaged files (docs/robustness.md)
        if debug:
            av.logging.set_libav_level(av.logging.WARNING)
            av.logging.restore_default_callback()  # FFmpeg prints them itself
    except Exception:  # noqa: BLE001
        pass


if __name__ == "__main__":  # pragma: no cover
    main()
