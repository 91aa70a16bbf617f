"""Check that a change leaves every ``analysis.json`` as it was.

A restructure or a speed-up must not change results.  This script runs the
``cutrate analyze`` command (in-process, no feature cache) on the bundled sample
clips and on ``../shared/clips`` when present, and either saves the documents or
compares them with saved ones, ignoring only the fields that hold the time or the
place of the run::

    python benchmarks/same_results.py save /tmp/before      # on the old code
    python benchmarks/same_results.py check /tmp/before     # on the new code

``check`` prints every difference (JSON path, old value, new value) and exits 1
when there is any.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "clips"
VIDEO_SUFFIXES = {".mp4", ".webm", ".mkv", ".mov"}

#: Fields that describe the run rather than the result (compared as absent).
IGNORED = {("video", "path")}


def clips() -> list[Path]:
    out = sorted(p for p in (ROOT / "sample_clips").iterdir() if p.suffix in VIDEO_SUFFIXES)
    if SHARED.is_dir():
        out += sorted(p for p in SHARED.iterdir() if p.suffix in VIDEO_SUFFIXES)
    return out


def analyse_all(paths: list[Path], extra: list[str]) -> dict[str, dict]:
    from click.testing import CliRunner

    from cutrate.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        docs = {}
        for p in paths:  # one call per clip: names stay the stems, whatever collides
            out = Path(tmp) / p.parent.name
            args = ["analyze", str(p), "-o", str(out), "--no-plots", "--no-html", "--no-exports", "--no-cache",
                    "--quiet", *extra]
            res = CliRunner().invoke(main, args, catch_exceptions=False)
            if res.exit_code != 0:
                raise SystemExit(f"{p}: cutrate analyze failed ({res.exit_code}): {res.output}")
            doc = json.loads((out / p.stem / "analysis.json").read_text())
            docs[f"{p.parent.name}/{p.name}"] = _strip(doc)
        return docs


def _strip(doc: dict) -> dict:
    for path in IGNORED:
        node = doc
        for k in path[:-1]:
            node = node.get(k, {})
        node.pop(path[-1], None)
    return doc


def diff(a, b, where: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in b:
                out.append(f"{where}.{k}: dropped (was {json.dumps(a[k])[:80]})")
            elif k not in a:
                out.append(f"{where}.{k}: added ({json.dumps(b[k])[:80]})")
            else:
                out += diff(a[k], b[k], f"{where}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items -> {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in diff(x, y, f"{where}[{i}]")]
    return [] if a == b else [f"{where}: {json.dumps(a)[:80]} -> {json.dumps(b)[:80]}"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["save", "check"])
    ap.add_argument("folder", type=Path, help="where the saved documents are (one JSON file)")
    ap.add_argument("--allow-added", action="store_true", help="new fields are not differences (contract extended)")
    ap.add_argument("extra", nargs="*", help="further `cutrate analyze` options (after --)")
    args = ap.parse_args(argv)
    store = args.folder / "analysis-documents.json"
    docs = analyse_all(clips(), args.extra)
    if args.mode == "save":
        args.folder.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps(docs, indent=1, sort_keys=True))
        print(f"saved {len(docs)} analysis.json documents to {store}")
        return 0
    old = json.loads(store.read_text())
    problems = []
    for name in sorted(set(old) | set(docs)):
        if name not in docs or name not in old:
            problems.append(f"{name}: {'missing now' if name not in docs else 'new clip'}")
            continue
        d = diff(old[name], docs[name])
        if args.allow_added:
            d = [x for x in d if not x.endswith(")") or ": added (" not in x]
        problems += [f"{name}{x}" for x in d]
    for p in problems:
        print(p)
    print(f"{len(docs)} documents compared: {'identical' if not problems else f'{len(problems)} differences'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
