"""Batch benchmark: a synthetic season, sequential vs --jobs 2 vs a 2-worker Dask
LocalCluster, plus a kill -9 / resume check.

    python benchmarks/batch.py [--episodes 6] [--seconds 90] [--size 640x360] [--out docs/benchmarks.md]

The season is generated once with ``cutrate.testing.clips`` into ``--dir`` (default
/tmp/cutrate-season) and reused.  Every run goes through the real command line
(``python -m cutrate analyze``) with the feature cache off, so each run decodes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from _docs import replace_section


def make_season(folder: Path, episodes: int, seconds: float, size: tuple[int, int], seed: int) -> list[Path]:
    """Episodes of cartoon-like shots: long takes, bursts of 4-16-frame shots, dissolves, fades."""
    from cutrate.testing.clips import Cut, Dissolve, FadeOutIn, ShotSpec, render_clip

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for e in range(episodes):
        path = folder / f"episode{e + 1:02d}.mp4"
        out.append(path)
        if path.exists():
            continue
        rng = random.Random(seed * 100 + e)
        shots, frames, scene = [], 0, 0
        while frames < seconds * 24:
            scene += 1
            burst = rng.random() < 0.3
            n = rng.randint(4, 16) if burst else rng.randint(36, 140)
            enter = Cut()
            r = rng.random()
            if shots and r < 0.05:
                enter = Dissolve(frames=rng.randint(10, 30))
            elif shots and r < 0.08:
                enter = FadeOutIn(out=8, black=4, fade_in=8)
            shots.append(ShotSpec(n, scene=scene + 1000 * e, motion=rng.choice(["drift", "static", "pan", "fast"]),
                                  hold=rng.choice([1, 1, 2, 3]), enter=enter))
            frames += n + 20
        render_clip(path, tuple(shots), fps=24, size=size, seed=seed + e)
    return out


def cli(args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cutrate", "analyze", *args], capture_output=True, text=True, **kw)


COMMON = ["--no-cache", "-q", "--no-plots", "--no-html", "--no-exports"]


def timed(season: Path, out: Path, extra: list[str]) -> float:
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    r = cli([str(season), "-o", str(out), *COMMON, *extra])
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"run failed: {r.stderr}")
    return dt


def frames_of(out: Path) -> dict[str, list[int]]:
    return {
        p.parent.name: [t["frame"] for t in json.loads(p.read_text())["transitions"]]
        for p in sorted(out.glob("*/analysis.json"))
    }


def resume_check(season: Path, out: Path, n: int) -> dict[str, int]:
    """Kill -9 a sequential run after half the episodes, re-run, count what is redone."""
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.Popen([sys.executable, "-m", "cutrate", "analyze", str(season), "-o", str(out), *COMMON],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while len(list(out.glob("*/analysis.json"))) < n // 2 and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    kept = len(list(out.glob("*/analysis.json")))
    partial = len([p for p in out.glob(".*") if p.is_dir()])
    r = cli([str(season), "-o", str(out), "--no-cache", "--no-plots", "--no-html", "--no-exports"])
    m = re.search(r"(\d+) analysed, (\d+) up to date, (\d+) failed", r.stdout)
    redone, skipped, failed = (int(x) for x in m.groups()) if m else (-1, -1, -1)
    return {"kept_after_kill": kept, "temp_folders_after_kill": partial, "reanalysed": redone,
            "skipped": skipped, "failed": failed, "complete_after_rerun": len(list(out.glob("*/analysis.json")))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--episodes", type=int, default=6)
    ap.add_argument("--seconds", type=float, default=90.0)
    ap.add_argument("--size", default="640x360")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/cutrate-season"))
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    a = ap.parse_args()
    w, h = (int(v) for v in a.size.split("x"))
    season = a.dir / f"season-{a.episodes}x{int(a.seconds)}s-{w}x{h}"
    t = time.perf_counter()
    make_season(season, a.episodes, a.seconds, (w, h), a.seed)
    print(f"season ready in {time.perf_counter() - t:.0f} s: {season}")
    work = a.dir / "runs"
    seq = timed(season, work / "seq", [])
    par = timed(season, work / "par", ["--jobs", "2"])
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        dask = timed(season, work / "dask", ["--scheduler", lc.scheduler_address])
    same = frames_of(work / "seq") == frames_of(work / "par") == frames_of(work / "dask")
    resume = resume_check(season, work / "resume", a.episodes)
    rows = [("sequential (1 process)", seq), ("--jobs 2", par), ("Dask LocalCluster, 2 workers", dask)]
    lines = [
        "## Batch: a synthetic season",
        "",
        f"Generated by `python benchmarks/batch.py --episodes {a.episodes} --seconds {a.seconds:g} --size {a.size}` "
        f"on {time.strftime('%Y-%m-%d')} ({platform.python_version()}, {os.cpu_count()} CPUs): {a.episodes} "
        f"episodes of {a.seconds:g} s at {a.size}, H.264, through `cutrate analyze` with the cache off.",
        "",
        "| run | wall time (s) | speed-up |",
        "| --- | ---: | ---: |",
        *(f"| {name} | {dt:.1f} | {seq / dt:.2f}× |" for name, dt in rows),
        "",
        f"Identical transitions in all three runs: {'yes' if same else 'NO'}.",
        "",
        f"Resume: a sequential run killed with SIGKILL after half the episodes had "
        f"{resume['kept_after_kill']} complete result folders (and {resume['temp_folders_after_kill']} temporary "
        f"ones, ignored and removed); the same command again re-analysed {resume['reanalysed']}, skipped "
        f"{resume['skipped']} as up to date, failed {resume['failed']}, and left "
        f"{resume['complete_after_rerun']} complete results.",
    ]
    text = "\n".join(lines)
    print(text)
    replace_section(a.out, "batch", text)


if __name__ == "__main__":
    main()
