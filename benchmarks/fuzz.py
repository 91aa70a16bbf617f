"""Fuzz cutrate's decoding with damaged copies of small clips.

Usage::

    python benchmarks/fuzz.py [--cases 240] [--seed 0] [--stall 20] [--timeout 60]
        [--out docs/robustness.md] [--keep DIR] [--no-record]

Small clips (160x90, 2 s) are encoded with PyAV in several containers and codecs
(H.264 in MP4, Matroska and MPEG-TS, MPEG-4 Part 2 in AVI, VP9 in WebM); each case
is one clip damaged by one deterministic mutation (bit flips, flips in the
container header or index, truncation, spliced or overwritten garbage, zeroed or
deleted ranges, duplicated chunks).  Every case is analysed by
``cutrate.analyze(path, use_cache=False)`` under :func:`cutrate.batch.watchdog.run_with_watchdog`
and counted as

result
    a :class:`cutrate.Result` whose times are strictly increasing and finite, with at
    least one frame (a result breaking these is counted as ``bad result``);
clean error
    a :class:`cutrate.CutrateError` (one line naming the file and the reason);
crash
    any other exception, or the worker process killed by a signal;
hang
    no progress for ``--stall`` seconds or not finished after ``--timeout`` seconds
    (the watchdog killed it).

The counts are printed and written to ``--out`` between ``<!-- fuzz:begin -->``
and ``<!-- fuzz:end -->`` (the rest of that file is left alone).  Crashing and
hanging inputs are copied to ``--keep`` to reproduce them.

The clips and mutations are :mod:`cutrate.testing.blocks` and
:mod:`cutrate.testing.damage`; ``tests/test_fuzz.py`` runs a fast, fixed subset of them.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import logging
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT / "src") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "src"))

from cutrate.testing.blocks import make_base_clips  # noqa: E402
from cutrate.testing.damage import MUTATIONS, Case, cases, check_result  # noqa: E402

OUTCOMES = ("result", "clean error", "bad result", "crash", "hang")

# --------------------------------------------------------------------------- running
@dataclass(frozen=True)
class Outcome:
    """How one case ended: ``kind`` is one of :data:`OUTCOMES`."""

    case: Case
    kind: str
    detail: str
    seconds: float


def run_case(case: Case, folder: Path, *, stall_s: float, timeout_s: float) -> Outcome:
    """Write and analyse one case under the watchdog; never raises for the file."""
    import cutrate
    from cutrate.batch.watchdog import DecoderCrashed, DecoderStalled, run_with_watchdog

    path = case.write(folder)
    t0 = time.perf_counter()
    try:
        result = run_with_watchdog(cutrate.analyze, str(path), stall_s=stall_s, timeout_s=timeout_s,
                                   use_cache=False)
    except DecoderStalled as exc:
        kind, detail = "hang", str(exc)
    except DecoderCrashed as exc:
        kind, detail = "crash", str(exc)
    except cutrate.CutrateError as exc:
        kind, detail = "clean error", str(exc)
    except Exception as exc:  # noqa: BLE001 - that is what we count
        kind, detail = "crash", f"{type(exc).__name__}: {exc}"
    else:
        problem = check_result(result)
        kind = "result" if problem is None else "bad result"
        detail = problem or f"{result.info.frames} frames, {len(result.warnings)} warnings"
    return Outcome(case, kind, detail, time.perf_counter() - t0)


def run(n: int, *, seed: int = 0, stall_s: float = 20.0, timeout_s: float = 60.0, keep: Path | None = None,
        verbose: bool = True) -> list[Outcome]:
    """Encode the base clips and run ``n`` cases; returns every outcome."""
    logging.getLogger("cutrate").setLevel(logging.CRITICAL)  # decoder warnings are expected here
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="cutrate-fuzz-") as tmp:
        work = Path(tmp)
        clips = make_base_clips(work / "clips")
        cases_dir = work / "cases"
        cases_dir.mkdir()
        for case in cases(clips, n, seed):
            oc = run_case(case, cases_dir, stall_s=stall_s, timeout_s=timeout_s)
            outcomes.append(oc)
            damaged = cases_dir / case.name
            if oc.kind in ("crash", "hang", "bad result") and keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(damaged, keep / case.name)
            damaged.unlink()
            if verbose and (oc.kind not in ("result", "clean error") or case.index % 20 == 0):
                print(f"[{case.index + 1}/{n}] {case.name}: {oc.kind} ({oc.seconds:.2f} s) {oc.detail}", flush=True)
    return outcomes


# --------------------------------------------------------------------------- report
def counts(outcomes: list[Outcome]) -> dict[str, int]:
    """Cases per outcome kind, every kind present (zeros included), plus ``cases``."""
    c = Counter(oc.kind for oc in outcomes)
    return {"cases": len(outcomes), **{k: c.get(k, 0) for k in OUTCOMES}}


def reason(outcome: Outcome) -> str:
    """The reason of a clean error without the file name (``"<path>: <reason>"``)."""
    detail = outcome.detail
    prefix = f"{outcome.case.name}: "
    return detail[detail.index(prefix) + len(prefix):] if prefix in detail else detail


def markdown(outcomes: list[Outcome], *, seed: int, stall_s: float, timeout_s: float, seconds: float) -> str:
    """The Markdown section recorded in ``docs/robustness.md``."""
    import av

    import cutrate

    total = counts(outcomes)
    by_mut: dict[str, Counter] = {m: Counter() for m in MUTATIONS}
    by_clip: dict[str, Counter] = {}
    for oc in outcomes:
        by_mut[oc.case.mutation][oc.kind] += 1
        by_clip.setdefault(oc.case.clip.name, Counter())[oc.kind] += 1
    slowest = max(outcomes, key=lambda o: o.seconds) if outcomes else None
    lines = [
        "## Fuzz results",
        "",
        (f"Generated by `python benchmarks/fuzz.py --cases {len(outcomes)} --seed {seed}` on "
         f"{_dt.date.today().isoformat()} (Python {platform.python_version()}, PyAV {av.__version__}, "
         f"cutrate {cutrate.__version__}, {os.cpu_count()} CPUs): {len(outcomes)} damaged copies of "
         f"{len(by_clip)} small clips, each analysed with `cutrate.analyze(path, use_cache=False)` under the "
         f"watchdog (stall {stall_s:g} s, timeout {timeout_s:g} s); {seconds:.0f} s in all."),
        "",
        "| cases | results | clean errors | bad results | crashes | hangs |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        (f"| {total['cases']} | {total['result']} | {total['clean error']} | {total['bad result']} | "
         f"{total['crash']} | {total['hang']} |"),
        "",
        "| mutation | " + " | ".join(OUTCOMES) + " |",
        "| --- | " + " | ".join("---:" for _ in OUTCOMES) + " |",
    ]
    for m, c in by_mut.items():
        lines.append(f"| {m} | " + " | ".join(str(c.get(k, 0)) for k in OUTCOMES) + " |")
    lines += ["", "| clip | " + " | ".join(OUTCOMES) + " |", "| --- | " + " | ".join("---:" for _ in OUTCOMES) + " |"]
    for name, c in by_clip.items():
        lines.append(f"| {name} | " + " | ".join(str(c.get(k, 0)) for k in OUTCOMES) + " |")
    reasons = Counter(reason(oc) for oc in outcomes if oc.kind == "clean error")
    if reasons:
        lines += ["", "Clean errors by reason (the file name is left out):", "", "| count | reason |", "| ---: | --- |"]
        lines += [f"| {k} | {r} |" for r, k in reasons.most_common(12)]
    bad = [oc for oc in outcomes if oc.kind in ("crash", "hang", "bad result")]
    lines.append("")
    if bad:
        lines.append("Failing cases:")
        lines.append("")
        lines += [f"- `{oc.case.name}` ({oc.kind}): {oc.detail}" for oc in bad[:30]]
    else:
        lines.append("No crash, hang or inconsistent result.")
    if slowest is not None:
        lines.append("")
        lines.append(f"Slowest case: {slowest.seconds:.2f} s (`{slowest.case.name}`, {slowest.kind}).")
    return "\n".join(lines) + "\n"


BEGIN, END = "<!-- fuzz:begin -->", "<!-- fuzz:end -->"  # the markers _docs.replace_section writes


def record(section: str, out: Path) -> None:
    """Replace the fuzz section of ``out`` (see ``_docs.replace_section``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _docs import replace_section

    replace_section(out, "fuzz", section, title=None)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns 1 when any case crashed, hung or gave a bad result."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=240, help="number of damaged files (default 240)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the mutations (default 0)")
    ap.add_argument("--stall", type=float, default=20.0, help="watchdog stall limit in seconds (default 20)")
    ap.add_argument("--timeout", type=float, default=60.0, help="time limit per case in seconds (default 60)")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "robustness.md",
                    help="Markdown file to record into (default docs/robustness.md)")
    ap.add_argument("--no-record", action="store_true", help="print only; do not write --out")
    ap.add_argument("--keep", type=Path, default=None, help="copy crashing/hanging inputs into this folder")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    outcomes = run(args.cases, seed=args.seed, stall_s=args.stall, timeout_s=args.timeout, keep=args.keep)
    seconds = time.perf_counter() - t0
    c = counts(outcomes)
    print(f"cases {c['cases']}, results {c['result']}, clean errors {c['clean error']}, bad results "
          f"{c['bad result']}, crashes {c['crash']}, hangs {c['hang']} ({seconds:.0f} s)")
    if not args.no_record:
        record(markdown(outcomes, seed=args.seed, stall_s=args.stall, timeout_s=args.timeout, seconds=seconds),
               args.out)
        print(f"recorded in {args.out}")
    return 1 if c["crash"] or c["hang"] or c["bad result"] else 0


if __name__ == "__main__":
    sys.exit(main())
