"""A batch from the user's point of view: inputs in, one result folder per video out.

:func:`analyze_folder` is what ``cutrate analyze`` runs: it expands the inputs
(files, folders, glob patterns), names one result folder per video, analyses them
(skipping those up to date), writes each folder atomically and, for several
videos, the season table, plots and ``index.html``.  Notebooks call it too.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io.inputs import exclusions_for, find_videos, output_names, read_exclusions
from ..report.writers import data_writers, report_writers
from ..settings import SeasonSettings, Settings
from .jobs import Job, Outcome, clean_stale
from .executors import WriterPool
from .run import run, writer_pool
from .season import season_outcomes, season_pass, with_results


@dataclass(frozen=True)
class Batch:
    """What :func:`analyze_folder` did.

    Attributes
    ----------
    jobs : list of Job
        One per video found, in input order.
    outcomes : list of Outcome
        One per job (``done``, ``skipped`` because up to date, or ``failed``).
    problems : list of (input, reason)
        Inputs that named no video (no such file, an empty folder ...).
    season_files : list of Path
        ``season.csv``/``.json``, the season plots and ``index.html``, when written.
    season_error : str or None
        Why the season files could not be written.
    episodes : list of Outcome
        The whole season the season files describe: this run's outcomes and the
        output folder's other results (``skipped``), in folder-name order, each with
        its result; empty for a single video.
    """

    jobs: list[Job]
    outcomes: list[Outcome]
    problems: list[tuple[str, str]] = field(default_factory=list)
    season_files: list[Path] = field(default_factory=list)
    season_error: str | None = None
    episodes: list[Outcome] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        """One line per input or video that failed, naming it and the reason."""
        out = [f"{raw}: {reason}" for raw, reason in self.problems]
        out += [oc.error or oc.path for oc in self.outcomes if oc.status == "failed"]
        if self.season_error:
            out.append(self.season_error)
        return out


def plan(inputs: Iterable[str | os.PathLike], output: str | os.PathLike, settings: Settings, *,
         cache_dir: str | os.PathLike | None = None, use_cache: bool = True,
         exclusions: dict[str, list[tuple[str, str]]] | None = None) -> tuple[list[Job], list[tuple[str, str]]]:
    """The jobs for ``inputs`` (one result folder per video under ``output``) and the
    inputs that named no video; ``exclusions`` (:func:`cutrate.io.inputs.read_exclusions`)
    adds each video's spans to its settings."""
    videos, problems = find_videos(inputs)
    names = output_names(videos)
    root = Path(output)
    cdir = None if cache_dir is None else str(cache_dir)
    jobs = []
    for v in videos:
        s = settings
        extra = exclusions_for(v, exclusions) if exclusions else []
        if extra:
            tl = s.timeline
            s = dataclasses.replace(s, timeline=dataclasses.replace(
                tl, exclude=(*tl.exclude, *(span for span, _ in extra)),
                exclude_labels=(*(tl.exclude_labels or ("",) * len(tl.exclude)), *(label for _, label in extra))))
        jobs.append(Job(str(v), str(root / names[v]), s, cache_dir=cdir, use_cache=use_cache))
    return jobs, problems


def prepare(output: str | os.PathLike) -> None:
    """Create the output folder, check that it is writable and remove what a killed
    run left half-written.

    Raises
    ------
    InputError
        When the folder cannot be created or written.
    """
    root = Path(output)
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / ".cutrate-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"{output}: output folder is not writable ({exc.strerror or exc})") from None
    clean_stale(root)


def write_season_outputs(output: str | os.PathLike, outcomes: list[Outcome], *, plots: bool = True,
                         html: bool = True, svg: bool = False, helpers: WriterPool | None = None) -> list[Path]:
    """``season.csv``/``season.json``, the season plots and ``index.html`` of a batch
    (the plots drawn side by side in ``helpers`` when given)."""
    from ..analysis.pipeline import load
    from ..report.season import write_season

    root = Path(output)
    ok = [oc for oc in outcomes if oc.status != "failed"]
    written = write_season(root, outcomes)
    if not (plots or html):
        return written
    from ..report.figures import render_season

    results = [oc.result or load(oc.folder) for oc in ok]  # loaded only when a caller did not
    formats = ("png", "svg") if plots and svg else ("png",)
    if helpers is None:
        rendered = render_season(results, formats)
    else:  # every other figure in a helper, the rest here, at the same time
        from ..report.figures import SEASON_FIGURES

        there = [helpers.submit(render_season, results, formats, names=(name,)) for name in SEASON_FIGURES[1::2]]
        rendered = render_season(results, formats, names=SEASON_FIGURES[::2])
        for fut in there:
            rendered.update(fut.result())
        rendered = {name: rendered[name] for name in SEASON_FIGURES}
    if plots:
        from ..io.atomic import write_atomic

        written += [write_atomic(root / f"{name}.{fmt}", data) for name, by_fmt in rendered.items()
                    for fmt, data in by_fmt.items()]
    if html:
        from ..report.html import write_index

        pngs = {name: by_fmt["png"] for name, by_fmt in rendered.items()}
        written.append(write_index(list(zip(results, [oc.folder for oc in ok])), root, figures=pngs,
                                   statuses={oc.folder: oc.status for oc in ok}))
    return written


def analyze_folder(
    inputs: Iterable[str | os.PathLike],
    output: str | os.PathLike = "reports",
    *,
    settings: Settings | None = None,
    workers: int = 1,
    scheduler: Any = None,
    force: bool = False,
    plots: bool = True,
    html: bool = True,
    exports: bool = True,
    thumbnails: bool = True,
    svg: bool = False,
    start_timecode: str | None = None,
    stats: bool = False,
    cache_dir: str | os.PathLike | None = None,
    use_cache: bool = True,
    exclusions: str | os.PathLike | None = None,
    season_settings: SeasonSettings | None = None,
    on_problem: Callable[[str, str], None] | None = None,
    on_plan: Callable[[list[Job]], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    progress: Callable[[Job], Callable[[int, int], None] | None] | None = None,
) -> Batch:
    """Analyse every video named by ``inputs`` into ``output/<video name>/``.

    Parameters
    ----------
    inputs : iterable of str or PathLike
        Files, folders (searched recursively) and glob patterns.
    output : str or PathLike
        The folder for the result folders (created).
    settings : Settings, optional
        Analysis settings (the defaults when omitted).
    workers, scheduler, force
        As for :func:`cutrate.batch.run`.
    plots, html, exports, thumbnails, svg, stats
        Which outputs to write besides ``analysis.json`` and the CSV tables (plots are
        PNG, and also SVG with ``svg``).
    start_timecode : str, optional
        Timecode of frame 0 in the EDL and the timelines (default: the stream's own).
    cache_dir, use_cache
        The feature cache.
    exclusions : str or PathLike, optional
        A CSV file ``file, start, end, label`` of spans to leave out, per video.
    season_settings : SeasonSettings, optional
        How recurring openings, endings, recaps and previews are found across the
        output folder's episodes (:mod:`cutrate.batch.season`).
    on_problem : callable(input, reason), optional
        Called for each input that names no video, before anything is analysed.
    on_plan : callable(list of Job), optional
        Called with the jobs once the inputs are expanded.
    on_outcome, progress
        As for :func:`cutrate.batch.run`.

    Returns
    -------
    Batch

    Raises
    ------
    InputError
        When the output folder is not writable.
    KeyboardInterrupt
        Finished results are kept; running again does the rest.
    """
    settings = settings or Settings()
    table = read_exclusions(exclusions) if exclusions is not None else None
    jobs, problems = plan(inputs, output, settings, cache_dir=cache_dir, use_cache=use_cache, exclusions=table)
    for raw, reason in problems:
        if on_problem is not None:
            on_problem(raw, reason)
    if on_plan is not None:
        on_plan(jobs)
    if not jobs:
        return Batch(jobs, [], problems)
    prepare(output)
    if start_timecode is not None:
        from ..report.timecodes import Timebase, parse_smpte

        parse_smpte(start_timecode, Timebase(60))  # a malformed timecode fails before any decoding
    writers = [*report_writers(plots=plots, html=html, exports=exports, thumbnails=thumbnails, svg=svg,
                               start_timecode=start_timecode, stats=stats), *data_writers()]
    # in this process, the outputs are drawn by helper processes on every core
    helpers = writer_pool(writers, len(jobs)) if scheduler is None and workers <= 1 else None
    try:
        outcomes = run(jobs, workers=workers, scheduler=scheduler, writers=writers, force=force,
                       on_outcome=on_outcome, progress=progress, helpers=helpers)
        whole = season_outcomes(output, outcomes)
        season: list[Path] = []
        error = None
        if len(whole) > 1 and any(oc.status != "failed" for oc in whole):
            whole = season_pass(whole, writers, settings=season_settings, cache_dir=cache_dir)
            whole = with_results(whole, cache_dir)
            # this run's outcomes with their season segments, in input order
            by_folder = {oc.folder: oc for oc in whole}
            outcomes = [by_folder.get(oc.folder, oc) for oc in outcomes]
            try:
                season = write_season_outputs(output, whole, plots=plots, html=html, svg=svg, helpers=helpers)
            except OSError as exc:
                error = f"{output}: cannot write season table ({exc.strerror or exc})"
        else:
            whole = []
    finally:
        if helpers is not None:
            helpers.close()
    return Batch(jobs, outcomes, problems, season, error, whole)
