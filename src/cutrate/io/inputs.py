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
