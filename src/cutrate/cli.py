"""The ``cutrate`` command line: click commands only, and the only module that prints.

Every command is a thin layer over the library (:mod:`cutrate.batch`,
:mod:`cutrate.report`, :mod:`cutrate.eval`, :mod:`cutrate.testing`); defaults come
from the library's settings classes, never from literals here.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from ._version import __version__
from ._fmt import plural
from .errors import CutrateError, InputError, ParameterError
from .eval.records import DEFAULT_TOLERANCE
from .settings import COUNT_CHOICES, DETECTORS, DetectSettings, TimelineSettings

_D = DetectSettings()
_T = TimelineSettings()


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


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="cutrate")
def main() -> None:
    """Measure the editing pace of video: shots, cuts per minute, peak windows."""


@main.command(short_help="Analyse videos: shots, cuts per minute, peaks, reports.")
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
@click.option("--detector", type=click.Choice(DETECTORS), default=_D.detector, show_default=True,
              help="Who finds the transitions: cutrate, cutrate with its experimental fitted cut model, "
                   "or PySceneDetect's adaptive or content detector (on the same decoded frames).")
@click.option("--compare", is_flag=True,
              help="Also run PySceneDetect's detectors, so the report shows how many each finds in the peak window.")
@click.option("--window", "window_s", type=float, default=_T.window_s, show_default=True,
              help="Sliding-window length in seconds for cuts per minute and the peak.")
@click.option("--hop", "hop_s", type=float, default=_T.hop_s, show_default=True, help="Timeline step in seconds.")
@click.option("--count", type=click.Choice(COUNT_CHOICES), default=_T.count, show_default=True,
              help="What the pace numbers count: every transition (shot changes) or only hard cuts and flash cuts.")
@click.option("--start", default=None, metavar="TIME",
              help="Count only from this time (PySceneDetect's formats: 90 = frame 90, 90s, 1:30, 00:01:30.000).")
@click.option("--end", default=None, metavar="TIME", help="Count only up to this time.")
@click.option("--exclude", multiple=True, metavar="START-END",
              help="Leave a span out of the pace numbers (repeatable), e.g. --exclude 0:20-1:50.")
@click.option("--exclusions", type=click.Path(dir_okay=False), default=None,
              help="CSV of spans to leave out per video: file, start, end, label.")
@click.option("--keep-all", is_flag=True,
              help="Keep recurring openings, endings, recaps and previews in the pace numbers.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Videos analysed in parallel (worker processes).")
@click.option("--scheduler", envvar="CUTRATE_SCHEDULER", default=None,
              help="Dask scheduler address (tcp://HOST:PORT) to run on a cluster [env: CUTRATE_SCHEDULER].")
@click.option("--force", is_flag=True, help="Re-analyse videos whose results are already up to date.")
@click.option("--no-plots", is_flag=True, help="Do not write the plots (PNG) and the peak sheet.")
@click.option("--svg", is_flag=True, help="Also write every plot as SVG (vector, for print).")
@click.option("--no-html", is_flag=True, help="Do not write report.html (nor index.html).")
@click.option("--no-exports", is_flag=True, help="Do not write cuts.edl, timeline.otio, timeline.xml and summary.md.")
@click.option("--no-thumbnails", is_flag=True, help="No pictures in report.html.")
@click.option("--start-timecode", default=None, metavar="HH:MM:SS:FF",
              help="Timecode of the first frame in cuts.edl and the timelines [default: the stream's timecode tag, "
                   "else 00:00:00:00].")
@click.option("--stats", is_flag=True, help="Also write stats.csv: every frame's change score.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Feature cache folder [default: the user cache folder].")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the feature cache.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summaries; errors only.")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
def analyze(inputs, output, threshold, contrast, evidence, flash_frames, no_dissolves, detector, compare, window_s,
            hop_s, count, start, end, exclude, exclusions, keep_all, jobs,
            scheduler, force, no_plots, svg, no_html, no_exports, no_thumbnails, start_timecode, stats, cache_dir,
            no_cache, quiet, debug) -> None:
    """Analyse videos (files, folders, glob patterns) and write a result folder for each.

    Each OUTPUT/<video name>/ gets analysis.json, transitions.csv, shots.csv,
    timeline.csv, the plots (pace, shot_lengths, shot_graph, score_trace as PNG and
    SVG), report.html, cuts.edl, timeline.otio and summary.md; several videos also
    give OUTPUT/season.csv, season.json and index.html.
    Re-running skips videos whose results are up to date.  A file that fails is
    reported in one line; the others go on, and the exit code is 1 when any failed.
    """
    from .batch import analyze_folder
    from .report.text import format_summary, season_line
    from .settings import Settings

    _logging(debug, quiet)
    try:
        settings = Settings.from_kwargs(
            threshold=threshold, contrast=contrast, evidence=evidence, flash_frames=flash_frames,
            dissolve=not no_dissolves, detector=detector, compare=compare, window_s=window_s, hop_s=hop_s,
            count=count, start=start, end=end, exclude=tuple(exclude), keep_all=keep_all,
        )
    except ParameterError as exc:
        raise _usage_error(exc) from None
    interactive = not quiet and sys.stderr.isatty()
    state: dict = {"bar": _FilesBar(False, 0), "jobs": 0}

    def problem(raw: str, reason: str) -> None:
        click.echo(f"error: {raw}: {reason}", err=True)

    def report_one(oc) -> None:
        # as each video finishes: failures at once; the summaries wait for the season
        # pass, which may leave an opening or an ending out of their numbers
        bar = state["bar"]
        bar.advance(oc.frames, oc.seconds)
        if oc.status == "failed":
            bar.write(f"error: {oc.error}", err=True)
        elif not quiet and state["jobs"] > 1 and oc.status == "done" and not interactive:
            bar.write(f"{oc.path}: analysed in {oc.seconds:.1f} s")

    def summaries(outcomes) -> None:
        for oc in outcomes:
            if oc.status == "skipped":
                extra = "; season segments updated" if oc.resegmented else " (--force to analyse it again)"
                click.echo(f"{oc.path}: up to date{extra}")
            elif oc.status == "done":
                click.echo(f"{oc.path}\n{format_summary(oc.result)}")
                for w in oc.result.warnings[:5]:
                    click.echo(f"  warning: {w}")
                click.echo(f"  -> {oc.folder}/")

    def planned(job_list) -> None:
        state["jobs"] = len(job_list)
        state["bar"] = _FilesBar(interactive and len(job_list) > 1, len(job_list))

    def per_frame(job):
        return _Progress(interactive, Path(job.path).name) if state["jobs"] == 1 or jobs == 1 else None

    try:
        batch = analyze_folder(
            inputs, output, settings=settings, workers=jobs, scheduler=scheduler, force=force, plots=not no_plots,
            html=not no_html, exports=not no_exports, thumbnails=not no_thumbnails, svg=svg,
            start_timecode=start_timecode,
            stats=stats, cache_dir=cache_dir, exclusions=exclusions,
            use_cache=not no_cache, on_problem=problem, on_plan=planned, on_outcome=report_one, progress=per_frame,
        )
    except KeyboardInterrupt:
        state["bar"].close()
        out_root = Path(output)
        finished = sum(1 for p in out_root.glob("*/analysis.json")) if out_root.is_dir() else 0
        click.echo(f"interrupted: finished results are kept in {output}/ ({finished} folders); "
                   "run the same command again to do the rest", err=True)
        sys.exit(130)
    except ParameterError as exc:
        state["bar"].close()
        raise _usage_error(exc) from None
    except CutrateError as exc:
        state["bar"].close()
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    state["bar"].close()
    failures = batch.failures
    if not quiet:
        summaries(batch.outcomes)
        if batch.episodes:
            click.echo(season_line([oc.result for oc in batch.episodes if oc.result is not None]))
    if batch.season_error:
        click.echo(f"error: {batch.season_error}", err=True)
    if (len(batch.jobs) > 1 or failures) and not quiet:  # each failure was reported once, as it happened
        done = sum(oc.status == "done" for oc in batch.outcomes)
        skipped = sum(oc.status == "skipped" for oc in batch.outcomes)
        total = len(batch.jobs) + len(batch.problems)
        click.echo(f"{done} analysed, {skipped} up to date, {len(failures)} failed of {plural(total, 'input')}")
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


@main.command("report", short_help="Render plots, pages and exports again from saved results.")
@click.argument("results", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--no-plots", is_flag=True, help="Do not write the plots (PNG) and the peak sheet.")
@click.option("--svg", is_flag=True, help="Also write every plot as SVG.")
@click.option("--no-html", is_flag=True, help="Do not write report.html (nor index.html).")
@click.option("--no-exports", is_flag=True, help="Do not write cuts.edl, timeline.otio, timeline.xml and summary.md.")
@click.option("--no-thumbnails", is_flag=True, help="No pictures in report.html.")
@click.option("--window", "window_s", type=float, default=None,
              help="Recompute pace and peaks with this window (seconds); analysis.json and the tables follow.")
@click.option("--hop", "hop_s", type=float, default=None, help="Recompute the timeline with this step (seconds).")
@click.option("--count", type=click.Choice(COUNT_CHOICES), default=None,
              help="Recompute pace and peaks counting every transition (all) or hard cuts only (cuts).")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Feature cache folder, for the change score and the pictures [default: the user cache folder].")
@click.option("-q", "--quiet", is_flag=True, help="Errors only.")
def report_cmd(results, no_plots, svg, no_html, no_exports, no_thumbnails, window_s, hop_s, count, cache_dir,
               quiet) -> None:
    """Write the plots, report.html and exports again from saved results, without analysing.

    RESULTS are result folders (holding analysis.json) or folders of them; a
    folder of result folders also gets index.html.  The change-score plot and the
    pictures come from the feature cache when it still holds the video's features;
    otherwise pictures are decoded from the video if it is at hand, and the
    change-score plot is left out.
    """
    from .analysis.pipeline import load
    from .io.inputs import find_results
    from .report.html import write_index_of
    from .report.writers import data_writers, report_writers

    _logging(False, quiet)
    changes = {k: v for k, v in (("window_s", window_s), ("hop_s", hop_s), ("count", count)) if v is not None}
    try:
        folders, parents = find_results(results)
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="RESULTS") from None
    extras = report_writers(plots=not no_plots, html=not no_html, exports=not no_exports,
                            thumbnails=not no_thumbnails, svg=svg)
    if changes:
        extras += data_writers()  # the data files say what the pages say
    failures = 0
    loaded = {}
    for folder in folders:
        try:
            res = load(folder, evidence=True, cache_dir=cache_dir)
            if changes:
                try:
                    res = res.rewindow(**changes)
                except ParameterError as exc:
                    raise _usage_error(exc) from None
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
                index = write_index_of(parent, inside, loaded)
                if not quiet:
                    click.echo(f"{index}")
    if failures:
        sys.exit(1)


@main.command("eval", short_help="Score detections against hand-checked truth (P, R, F1).")
@click.argument("source")
@click.argument("truth", required=False)
@click.option("--tolerance", type=click.IntRange(min=0), default=DEFAULT_TOLERANCE, show_default=True,
              help="Frames a detection may lie outside a truth span and still match.")
@click.option("--threshold", type=float, default=_D.threshold, show_default=True, help="Smallest cut score (0..1).")
@click.option("--contrast", type=float, default=_D.contrast, show_default=True, help="Rise over the neighbourhood.")
@click.option("--evidence", type=float, default=_D.evidence, show_default=True, help="Cut-vs-motion evidence.")
@click.option("--detector", type=click.Choice(DETECTORS), default=_D.detector, show_default=True,
              help="Who finds the transitions.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None, help="Feature cache folder.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the feature cache.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Only the table.")
def eval_cmd(source, truth, tolerance, threshold, contrast, evidence, detector, cache_dir, no_cache, as_json,
             quiet) -> None:
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

    from . import eval as ev
    from .analysis.pipeline import analyze as run
    from .settings import Settings

    _logging(False, True)
    settings = Settings.from_kwargs(threshold=threshold, contrast=contrast, evidence=evidence, detector=detector)
    scores = []
    failed = 0
    try:
        pairs = ev.find_pairs(source, truth)
    except InputError as exc:
        raise click.UsageError(str(exc)) from None
    for src, tru in pairs:
        name = Path(src).name
        try:
            rows = ev.load_truth(tru)
            if ev.is_prediction_file(src):
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


@main.command(short_help="Write the synthetic sample clips and their truth files.")
@click.argument("output", type=click.Path(file_okay=False), default="sample_clips")
def samples(output) -> None:
    """Generate the synthetic sample clips (with their truth files) into OUTPUT."""
    from .testing.clips import generate_samples

    for p in generate_samples(output):
        click.echo(str(p))


@main.command(short_help="Print the JSON Schema of analysis.json.")
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) that every analysis.json validates against."""
    import json as _json

    from .io.results import schema as _schema

    click.echo(_json.dumps(_schema(), indent=2))


@main.group(short_help="Show or clear the feature cache.")
def cache() -> None:
    """The feature cache: per-video features, so that other settings need no decoding."""


@cache.command("info")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None, help="Cache folder [default: the user cache].")
def cache_info(cache_dir) -> None:
    """Print where the cache is, how many entries it holds and its size."""
    from .io import cache as _cache

    i = _cache.info(cache_dir)
    click.echo(f"location: {i.location}")
    click.echo(f"entries:  {i.entries}")
    click.echo(f"size:     {_size(i.bytes)} of at most {_size(i.max_bytes)} (CUTRATE_CACHE_MAX; least recently "
               "used entries go first)")


@cache.command("clear")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None, help="Cache folder [default: the user cache].")
def cache_clear(cache_dir) -> None:
    """Delete every cached entry."""
    from .io import cache as _cache

    n = _cache.clear(cache_dir)
    click.echo(f"deleted {plural(n, 'entry', 'entries')} from {_cache.info(cache_dir).location}")


def _size(n: int) -> str:
    for unit, div in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div:
            return f"{n / div:.1f} {unit}"
    return f"{n} bytes"


def _usage_error(exc: ParameterError) -> click.UsageError:
    """The error with the option's name (``--window``) instead of the setting's (``window_s``)."""
    ctx = click.get_current_context()
    message = str(exc)
    for p in ctx.command.params:
        if exc.param is not None and p.name == exc.param and getattr(p, "opts", None):
            message = message.replace(exc.param, p.opts[-1] if p.opts[-1].startswith("--") else p.opts[0], 1)
            break
    return click.UsageError(message, ctx=ctx)


def _logging(debug: bool, quiet: bool) -> None:
    level = logging.DEBUG if debug else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    # decoder warnings are collected into results; don't repeat them one per packet
    logging.getLogger("cutrate.io.video").setLevel(logging.DEBUG if debug else logging.ERROR)
    if debug:  # PyAV's default drops FFmpeg's messages; FFmpeg prints them itself
        from .io.video.logs import show_ffmpeg_messages

        show_ffmpeg_messages()


if __name__ == "__main__":  # pragma: no cover
    main()
