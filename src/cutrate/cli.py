"""The ``cutrate`` command line.  The only module that prints.

Defaults come from the library's settings classes, never from literals here.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import sys
import traceback
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
              help="Longest in-shot flash or occlusion, in frames.")
@click.option("--no-dissolves", is_flag=True, help="Do not look for dissolves.")
@click.option("--window", "window_s", type=float, default=_T.window_s, show_default=True,
              help="Sliding-window length in seconds for cuts per minute and the peak.")
@click.option("--hop", "hop_s", type=float, default=_T.hop_s, show_default=True, help="Timeline step in seconds.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Feature cache folder [default: the user cache folder].")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the feature cache.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summaries; errors only.")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
def analyze(inputs, output, threshold, contrast, evidence, flash_frames, no_dissolves, window_s, hop_s, cache_dir,
            no_cache, quiet, debug) -> None:
    """Analyse videos (files, folders, glob patterns) and write a result folder for each.

    Each OUTPUT/<video name>/ gets analysis.json, transitions.csv, shots.csv and
    timeline.csv.  A file that fails is reported in one line; the others go on,
    and the exit code is 1 when any failed.
    """
    from .pipeline import Settings, analyze as run
    from .report import write_all

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
    names = output_names(videos)
    show_progress = not quiet and sys.stderr.isatty()
    done = 0
    for video in videos:
        bar = _Progress(show_progress, video.name)
        try:
            result = run(video, settings=settings, cache_dir=cache_dir, use_cache=not no_cache, progress=bar)
            bar.close()
            folder = out_root / names[video]
            write_all(result, folder)
        except KeyboardInterrupt:
            bar.close()
            click.echo(
                f"interrupted: {done} of {len(videos)} videos finished and kept in {output}/; "
                "run the same command again to do the rest",
                err=True,
            )
            sys.exit(130)
        except CutrateError as exc:
            bar.close()
            failures.append(str(exc))
            click.echo(f"error: {exc}", err=True)
            continue
        except OSError as exc:
            bar.close()
            msg = f"{video}: {exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else "")
            failures.append(msg)
            click.echo(f"error: {msg}", err=True)
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            bar.close()
            msg = f"{video}: internal error ({type(exc).__name__}: {exc})"
            failures.append(msg)
            click.echo(f"error: {msg}" + ("" if debug else "; run with --debug for details"), err=True)
            if debug:
                traceback.print_exc()
            continue
        done += 1
        if not quiet:
            click.echo(f"{video}")
            click.echo(format_summary(result))
            for w in result.warnings[:5]:
                click.echo(f"  warning: {w}")
            click.echo(f"  -> {folder}/")
    if len(videos) > 1 or failures:
        if not quiet:
            click.echo(f"{done} of {len(videos) + len(problems)} inputs analysed, {len(failures)} failed")
    if failures:
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

        av.logging.set_level(av.logging.PANIC if not debug else av.logging.WARNING)
    except Exception:  # noqa: BLE001
        pass


if __name__ == "__main__":  # pragma: no cover
    main()
