"""Scale on paper, from measurements: what one episode-minute costs, and how long an archive
takes on N Dask workers — with the model checked against a real LocalCluster run.

    python benchmarks/scale.py                    # 4 synthetic 720p episodes (made if missing)
    python benchmarks/scale.py a.mkv b.mkv ...    # your own
    python benchmarks/scale.py --write            # also replace the measured section of docs/scale.md

1. **Per episode, alone** (in this process, one decoder thread, as on a
   ``dask worker --nthreads 1`` slot): the worker's CPU-seconds for the analysis (decode,
   features, detection, fingerprints), the bytes it reads (the video), the bytes it sends
   back (the slim result and the fingerprints, pickled with protocol 5 as Dask does), the
   feature-cache entry it would write; then the client's CPU-seconds to write the episode's
   outputs (default outputs: plots, report.html, exports) and their bytes.
2. **The model.** Workers take the episodes longest-first (as ``cutrate.batch.run`` submits
   them), each finished episode's files are written by the client, one at a time, and all
   of it shares the machine's cores.  The wall time is the largest of (a) the workers'
   schedule (simulated, longest processing time first), (b) the client's writing, which is
   serial, and (c) total CPU / cores; plus the cluster's start-up (measured).
3. **The check.** The same episodes through ``analyze_folder`` on a
   ``distributed.LocalCluster`` of ``--workers`` processes with one thread each: measured
   wall against the model's prediction.
"""

from __future__ import annotations

import argparse
import heapq
import os
import pickle
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOC = ROOT / "docs" / "scale.md"


@dataclass
class Cost:
    name: str
    minutes: float
    worker_cpu_s: float
    worker_wall_s: float
    video_bytes: int
    sent_bytes: int
    prints_bytes: int
    cache_bytes: int
    client_cpu_s: float
    client_wall_s: float
    output_bytes: int


def _pickled_size(obj) -> int:
    buffers: list = []
    head = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    return len(head) + sum(b.raw().nbytes for b in buffers)


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(video: str, work: Path) -> tuple[Cost, object]:
    """One episode's costs, worker side and client side (see the module docstring)."""
    import numpy as np

    from cutrate.batch.jobs import Outcome, analyse_for_batch, write_outputs
    from cutrate.io import cache
    from cutrate.report.writers import data_writers, report_writers

    cdir = work / "cache"
    shutil.rmtree(cdir, ignore_errors=True)
    name = Path(video).stem
    w0, c0 = time.perf_counter(), time.process_time()
    result, prints = analyse_for_batch(video, name=name, cache_dir=cdir, use_cache=True, threads=1)
    worker_wall, worker_cpu = time.perf_counter() - w0, time.process_time() - c0
    sent = _pickled_size((result, prints))
    prints_bytes = len(pickle.dumps(prints, protocol=5))
    cache_bytes = _folder_bytes(cdir) if cdir.exists() else 0
    folder = work / "out" / name
    writers = [*report_writers(), *data_writers()]
    w0, c0 = time.perf_counter(), time.process_time()
    outcome = Outcome(video, str(folder), "done", result=result, prints=prints)
    write_outputs(outcome, writers)
    client_wall, client_cpu = time.perf_counter() - w0, time.process_time() - c0
    del np, cache
    return Cost(name, result.info.duration_s / 60, worker_cpu, worker_wall, os.path.getsize(video), sent,
                prints_bytes, cache_bytes, client_cpu, client_wall, _folder_bytes(folder)), outcome


def season_cost(outcomes: list, work: Path) -> float:
    """Client CPU-seconds of the season pass and the season files (table, figures, index.html)."""
    from cutrate.batch.folders import write_season_outputs
    from cutrate.batch.season import season_pass, with_results
    from cutrate.report.writers import data_writers, report_writers

    c0 = time.process_time()
    whole = with_results(season_pass(outcomes, [*report_writers(), *data_writers()]))
    write_season_outputs(work / "out", whole)
    return time.process_time() - c0


def client_fit(costs: list[Cost]) -> tuple[float, float]:
    """Client CPU-seconds per episode as ``a + b × minutes`` (least squares; the plots and
    pages cost about the same for any length, the tables and stills grow with it)."""
    import numpy as np

    m = np.array([c.minutes for c in costs])
    y = np.array([c.client_cpu_s for c in costs])
    if len(costs) < 2 or np.ptp(m) < 1e-6:
        return float(y.mean()), 0.0
    b, a = np.polyfit(m, y, 1)
    if a < 0:
        return 0.0, float((y * m).sum() / (m * m).sum())
    if b < 0:
        return float(y.mean()), 0.0
    return float(a), float(b)


def predict(costs: list[Cost], workers: int, cores: int, season_s: float = 0.0) -> dict:
    """The model's wall time for ``costs`` on ``workers`` one-thread slots sharing ``cores``."""
    free = [0.0] * workers
    heapq.heapify(free)
    done = []
    for c in sorted(costs, key=lambda c: -c.video_bytes):  # longest (largest) first, as submitted
        t = heapq.heappop(free) + c.worker_cpu_s
        heapq.heappush(free, t)
        done.append((t, c.client_cpu_s))
    client = 0.0
    for t, write in sorted(done):  # the client writes each as it arrives, one at a time
        client = max(client, t) + write
    schedule = max(free)
    total_cpu = sum(c.worker_cpu_s + c.client_cpu_s for c in costs)
    bound = total_cpu / cores
    wall = max(client, bound) + season_s  # the season pass runs after the last episode
    which = "the workers' schedule" if client >= bound else "the machine's cores"
    if client - schedule > 0.5 * sum(c.client_cpu_s for c in costs):
        which = "the client's writing"
    return {"wall_s": wall, "schedule_s": schedule, "client_end_s": client, "cpu_bound_s": bound, "limit": which,
            "season_s": season_s}


def archive(per_min_worker: float, client: tuple[float, float], episodes: int, minutes: float, workers: int) -> dict:
    """Closed form for a large archive on ``workers`` one-core slots on separate cores, the
    client on its own core: throughput is the smaller of the workers' and the client's."""
    worker_s = episodes * minutes * per_min_worker / workers
    client_s = episodes * (client[0] + client[1] * minutes)
    return {"wall_s": max(worker_s, client_s), "worker_s": worker_s, "client_s": client_s,
            "limit": "client writing" if client_s > worker_s else "workers"}


def local_cluster_run(videos: list[str], workers: int) -> tuple[float, float]:
    """Wall time of ``analyze_folder`` on a LocalCluster (and the cluster's start-up)."""
    import distributed

    from cutrate.batch import analyze_folder

    t0 = time.perf_counter()
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as lc, distributed.Client(lc) as client:
        client.wait_for_workers(workers)
        startup = time.perf_counter() - t0
        with tempfile.TemporaryDirectory(prefix="cutrate-scale-") as d:
            t1 = time.perf_counter()
            batch = analyze_folder(videos, d, scheduler=client, use_cache=False)
            wall = time.perf_counter() - t1
            if batch.failures:
                sys.exit("\n".join(batch.failures))
    return wall, startup


def default_videos() -> list[str]:
    from cutrate.testing.episodes import make_episode

    out = []
    for i, minutes in enumerate((2.5, 2.5, 1.5, 1.0)):
        path = Path(tempfile.gettempdir()) / "cutrate-bench" / f"scale_ep{i + 1}_720p_{minutes:g}min.mp4"
        out.append(str(make_episode(path, duration=minutes * 60, width=1280, height=720, seed=10 + i, verbose=False)))
    return out


def render(costs: list[Cost], pred: dict, measured: float | None, startup: float | None, workers: int,
           cores: int, fit: tuple[float, float]) -> str:
    mins = sum(c.minutes for c in costs)
    per = {k: sum(getattr(c, k) for c in costs) / mins for k in
           ("worker_cpu_s", "client_cpu_s", "video_bytes", "sent_bytes", "prints_bytes", "cache_bytes", "output_bytes")}
    lines = ["## Measured", "", f"`python benchmarks/scale.py` on {len(costs)} episodes ({mins:.1f} minutes), "
             f"{cores} cores; worker side with one decoder thread.", "",
             "| episode | min | worker CPU (s) | client CPU (s) | read (MB) | sent back (MB) | cache entry (MB) | outputs (MB) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for c in costs:
        lines.append(f"| `{c.name}` | {c.minutes:.2f} | {c.worker_cpu_s:.1f} | {c.client_cpu_s:.2f} | "
                     f"{c.video_bytes / 1e6:.1f} | {c.sent_bytes / 1e6:.2f} | {c.cache_bytes / 1e6:.2f} | "
                     f"{c.output_bytes / 1e6:.2f} |")
    lines += ["", "Per episode-minute:", "",
              "| quantity | per episode-minute |", "| --- | ---: |",
              f"| worker CPU-seconds (decode + analysis + fingerprints) | {per['worker_cpu_s']:.2f} |",
              f"| client CPU-seconds (writing the default outputs) | {per['client_cpu_s']:.3f} |",
              f"| bytes read by the worker (the video) | {per['video_bytes'] / 1e6:.1f} MB |",
              f"| bytes sent back to the client (result + fingerprints) | {per['sent_bytes'] / 1e6:.2f} MB |",
              f"| of which fingerprints | {per['prints_bytes'] / 1e6:.3f} MB |",
              f"| feature-cache entry (on the worker, or a share) | {per['cache_bytes'] / 1e6:.2f} MB |",
              f"| outputs written by the client | {per['output_bytes'] / 1e6:.2f} MB |", ""]
    lines += [f"### Model against a LocalCluster ({workers} workers × 1 thread)", "",
              "| | wall (s) |", "| --- | ---: |",
              f"| workers' schedule (longest first) | {pred['schedule_s']:.1f} |",
              f"| client done writing | {pred['client_end_s']:.1f} |",
              f"| total CPU / {cores} cores | {pred['cpu_bound_s']:.1f} |",
              f"| + season pass and season files (client, after the last episode) | {pred['season_s']:.1f} |",
              f"| **predicted** | **{pred['wall_s']:.1f}** |"]
    if measured is not None:
        err = (measured - pred["wall_s"]) / measured
        lines.append(f"| **measured** `analyze_folder(..., scheduler=client)` | **{measured:.1f}** ({err:+.0%} vs model) |")
    lines += ["", f"Limited by {pred['limit']}. The cluster's start-up ({startup or 0:.1f} s: spawning the worker "
              "processes and importing cutrate in them) is paid once per run and is not in either figure.", ""]
    client24 = fit[0] + fit[1] * 24.0
    lines += ["### A 10,000-episode archive (24-minute episodes), from the per-minute figures", "",
              f"Worker: {per['worker_cpu_s'] * 24:.0f} CPU-s per 24-minute episode. Client: CPU-seconds per "
              f"episode fitted as {fit[0]:.2f} + {fit[1]:.3f} × minutes ({client24:.1f} s for 24 minutes). Workers "
              "are one-thread slots, one per core, on machines like this one; the client (which writes every "
              "output file) on a core of its own.", "",
              "| workers | wall | limited by |", "| ---: | ---: | --- |"]
    for n in (2, 8, 32, 128, 512):
        a = archive(per["worker_cpu_s"], fit, 10_000, 24.0, n)
        lines.append(f"| {n} | {a['wall_s'] / 3600:.1f} h | {a['limit']} |")
    crossover = per["worker_cpu_s"] * 24.0 / client24 if client24 > 0 else float("inf")
    lines += ["", f"Past about {crossover:.0f} workers one client cannot write the outputs as fast as they "
              "arrive: split the archive into several runs (one client each, e.g. one per season), or "
              "write only `analysis.json` and the tables (`--no-plots --no-html --no-exports`) and render "
              "reports later with `cutrate report`.", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("videos", nargs="*")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-cluster", action="store_true", help="skip the LocalCluster check")
    ap.add_argument("--write", action="store_true", help=f"replace the measured section of {DOC.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    videos = args.videos or default_videos()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="cutrate-scale-") as d:
        costs, outcomes = [], []
        for v in videos:
            c, oc = measure(v, Path(d))
            print(f"{c.name}: worker {c.worker_cpu_s:.1f} CPU-s, client {c.client_cpu_s:.2f} CPU-s", file=sys.stderr)
            costs.append(c)
            outcomes.append(oc)
        season_s = season_cost(outcomes, Path(d)) if len(outcomes) > 1 else 0.0
    measured = startup = None
    if not args.no_cluster:
        measured, startup = local_cluster_run(videos, args.workers)
    pred = predict(costs, args.workers, cores, season_s)
    body = render(costs, pred, measured, startup, args.workers, cores, client_fit(costs))
    print(body)
    if args.write:
        sys.path.insert(0, str(HERE))
        from _docs import replace_section

        replace_section(DOC, "scale", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
