"""Which files to analyse and where their results go.

:func:`find_videos` expands the files, folders and glob patterns a user names;
:func:`output_names` gives each video a result-folder name that is unique within a
batch.  The CLI, the batch runner and notebooks use the same rules.
"""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError
from .results import ANALYSIS_JSON

#: File extensions taken as videos when a folder or a pattern is searched.
VIDEO_EXTENSIONS = frozenset(
    ".mp4 .m4v .mkv .mov .avi .webm .ts .mts .m2ts .mpg .mpeg .wmv .flv .ogv .3gp .vob .mxf .y4m".split()
)


def find_videos(inputs: Iterable[str | os.PathLike]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files, folders (searched recursively) and glob patterns.

    Returns the video files in a stable order and ``(input, reason)`` pairs for the
    inputs that gave nothing usable.  Explicit files are kept whatever their
    extension (the decoder judges them); folders and globs keep video extensions.
    """
    found: list[Path] = []
    problems: list[tuple[str, str]] = []
    for item in inputs:
        raw = os.fspath(item)
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
    """Folder name per video: its stem, made unique when stems collide.

    A stem shared by files of one folder gets the extension (``ep01-mkv``); one shared
    across folders gets the folder's name and a hash of its path (``ep01-s2-1a2b3c``).
    """
    groups: dict[str, list[Path]] = {}
    for v in videos:
        groups.setdefault(v.stem, []).append(v)
    names: dict[Path, str] = {}
    for stem, group in groups.items():
        for v in group:
            name = stem
            if len(group) > 1:
                if sum(w.parent == v.parent for w in group) > 1:
                    name += f"-{v.suffix.lstrip('.').lower() or 'file'}"
                if any(w.parent != v.parent for w in group):
                    tag = hashlib.sha1(os.path.realpath(v.parent).encode()).hexdigest()[:6]
                    name += f"-{v.parent.name or 'root'}-{tag}"
            names[v] = name
    taken: dict[str, int] = {}
    for v, name in names.items():  # the last resort: a counter (e.g. trunc.MP4 beside trunc.mp4)
        n = taken.get(name, 0)
        taken[name] = n + 1
        if n:
            names[v] = f"{name}-{n + 1}"
    return names


def find_results(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[Path]]:
    """Result folders named by ``paths`` (a result folder, its ``analysis.json``, or a
    folder of result folders), and the folders of folders (they get an index.html).

    Raises
    ------
    InputError
        For a path that is no result and holds none.
    """
    found: list[Path] = []
    parents: list[Path] = []
    for item in paths:
        raw = os.fspath(item)
        p = Path(raw)
        if p.is_file() and p.name == ANALYSIS_JSON:
            found.append(p.parent)
        elif (p / ANALYSIS_JSON).is_file():
            found.append(p)
        elif p.is_dir():
            subs = sorted(q.parent for q in p.glob(f"*/{ANALYSIS_JSON}"))
            if not subs:
                raise InputError(f"{raw}: no {ANALYSIS_JSON} in it or in its subfolders")
            found.extend(subs)
            parents.append(p)
        else:
            raise InputError(f"{raw}: no such result folder")
    return found, parents


def read_exclusions(path: str | os.PathLike) -> dict[str, list[tuple[str, str]]]:
    """A season-wide exclusions file: CSV with the columns ``file, start, end, label``
    (a header line naming them; ``label`` may be empty), times in PySceneDetect's
    formats.  Returns ``{file: [("START-END", label), ...]}``; ``file`` is as written
    (a path, or a bare file name that matches any folder).

    Raises
    ------
    InputError
        When the file cannot be read or lacks the columns.
    """
    import csv

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the exclusions file ({exc.strerror or exc})") from None
    out: dict[str, list[tuple[str, str]]] = {}
    for n, row in enumerate(rows, 2):
        keys = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not {"file", "start", "end"} <= set(keys):
            raise InputError(f"{path}: needs the columns file, start, end (and label); line {n} has {sorted(keys)}")
        if not keys["file"]:
            continue
        out.setdefault(keys["file"], []).append((f"{keys['start']}-{keys['end']}", keys.get("label", "")))
    return out


def exclusions_for(video: Path, table: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The rows of an exclusions table that name ``video`` (by its path as given,
    its resolved path or its file name)."""
    names = {str(video), os.path.realpath(video), video.name}
    return [span for key, spans in table.items() if key in names or os.path.realpath(key) in names
            for span in spans]
