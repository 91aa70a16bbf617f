"""Synthetic "episodes" for speed benchmarks: long, large, realistic to decode.

The content is generated, not downloaded: panned noise textures, film grain,
moving shapes and a hard cut every 1-5 s, encoded with PyAV (libx264 by
default) so that the bitrate and decoder load resemble a real 1080p episode
(~4-8 Mb/s for H.264).  The result is deterministic for a given seed and is
cached: an existing output file is reused.

    from cutrate.testing.episodes import make_episode
    make_episode()                                        # 5 min 1080p24 H.264
    make_episode(codec="hevc", duration=60)
    make_episode("/tmp/ep.webm", codec="vp9", duration=60)

The cut times are written beside the video as ``<out>.cuts.txt`` (seconds, one
per line), so the file can double as a ground-truth fixture.
"""

from __future__ import annotations

import os
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..io.video.writer import write_video

CODECS = {
    # name: (encoder, container suffix, encoder options, target bitrate)
    "h264": ("libx264", ".mp4", {"preset": "veryfast"}, 6_000_000),
    "hevc": ("libx265", ".mp4", {"preset": "ultrafast", "x265-params": "log-level=error"}, 3_000_000),
    "vp9": (
        "libvpx-vp9",
        ".webm",
        {"deadline": "realtime", "cpu-used": "8", "row-mt": "1"},
        4_000_000,
    ),
}

DEFAULT_DIR = Path(os.environ.get("CUTRATE_BENCH_DIR", "/tmp/cutrate-bench"))


def default_path(codec: str = "h264", duration: float = 300, height: int = 1080, fps: int = 24,
                 seed: int = 1) -> Path:
    """Where :func:`make_episode` keeps an episode: one file per codec, length, size,
    frame rate and seed (the default seed's name has no seed in it)."""
    suffix = CODECS[codec][1]
    tag = "" if seed == 1 else f"_seed{seed}"
    return DEFAULT_DIR / f"episode_{height}p{fps}_{int(duration)}s_{codec}{tag}{suffix}"


def _smooth_noise(rng: np.random.Generator, h: int, w: int, cells: int, lo: int, hi: int) -> np.ndarray:
    """Smooth random texture (bilinear-upsampled noise), uint8 in [lo, hi]."""
    import cv2

    small = rng.random((max(2, h // cells), max(2, w // cells)), dtype=np.float32)
    big = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    big -= big.min()
    big /= max(float(big.max()), 1e-6)
    return (lo + big * (hi - lo)).astype(np.uint8)


class _Scene:
    def __init__(self, rng: np.random.Generator, w: int, h: int, textures, chroma, n_frames: int):
        self.rng = rng
        self.w, self.h = w, h
        self.tex = textures[rng.integers(len(textures))]
        self.cu = chroma[rng.integers(len(chroma))]
        self.cv = chroma[rng.integers(len(chroma))]
        th, tw = self.tex.shape
        self.pos = np.array([rng.uniform(0, tw - w), rng.uniform(0, th - h)])
        speed = rng.choice([0.0, 1.5, 4.0, 10.0])
        ang = rng.uniform(0, 2 * np.pi)
        self.vel = speed * np.array([np.cos(ang), np.sin(ang)])
        self.gain = rng.uniform(0.6, 1.1)
        self.offset = rng.uniform(-30, 30)
        self.grain = rng.choice([0, 3, 6])
        self.shapes = []
        for _ in range(int(rng.integers(2, 7))):
            self.shapes.append(
                {
                    "kind": rng.choice(["rect", "circle"]),
                    "p": np.array([rng.uniform(0, w), rng.uniform(0, h)]),
                    "v": rng.uniform(-14, 14, size=2),
                    "r": float(rng.uniform(40, 260)),
                    "y": int(rng.integers(16, 236)),
                    "u": int(rng.integers(60, 196)),
                    "vv": int(rng.integers(60, 196)),
                }
            )
        self.n = n_frames

    def frame(self, i: int, grain_tiles) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        import cv2

        w, h = self.w, self.h
        th, tw = self.tex.shape
        p = self.pos + self.vel * i
        x = int(p[0]) % max(1, tw - w)
        y = int(p[1]) % max(1, th - h)
        Y = cv2.convertScaleAbs(self.tex[y : y + h, x : x + w], alpha=self.gain, beta=self.offset)
        cx, cy = x // 2, y // 2
        U = self.cu[cy : cy + h // 2, cx : cx + w // 2].copy()
        V = self.cv[cy : cy + h // 2, cx : cx + w // 2].copy()
        for s in self.shapes:
            q = s["p"] + s["v"] * i
            qx = int(q[0] % (w + 200)) - 100
            qy = int(q[1] % (h + 200)) - 100
            r = int(s["r"])
            if s["kind"] == "rect":
                cv2.rectangle(Y, (qx - r, qy - r // 2), (qx + r, qy + r // 2), s["y"], -1)
                cv2.rectangle(U, ((qx - r) // 2, (qy - r // 2) // 2), ((qx + r) // 2, (qy + r // 2) // 2), s["u"], -1)
                cv2.rectangle(V, ((qx - r) // 2, (qy - r // 2) // 2), ((qx + r) // 2, (qy + r // 2) // 2), s["vv"], -1)
            else:
                cv2.circle(Y, (qx, qy), r, s["y"], -1)
                cv2.circle(U, (qx // 2, qy // 2), r // 2, s["u"], -1)
                cv2.circle(V, (qx // 2, qy // 2), r // 2, s["vv"], -1)
        if self.grain:
            g = grain_tiles[self.rng.integers(len(grain_tiles))]
            oy = int(self.rng.integers(0, g.shape[0] - h + 1))
            ox = int(self.rng.integers(0, g.shape[1] - w + 1))
            # Y + grain * k, saturating; grain is int16 centred on 0
            Y = cv2.add(Y.astype(np.int16), g[oy : oy + h, ox : ox + w] * int(self.grain) // 4, dtype=cv2.CV_16S)
            Y = np.clip(Y, 0, 255).astype(np.uint8)
        return Y, U, V


def make_episode(
    out: str | os.PathLike | None = None,
    *,
    codec: str = "h264",
    duration: float = 300.0,
    fps: int = 24,
    width: int = 1920,
    height: int = 1080,
    seed: int = 1,
    force: bool = False,
    verbose: bool = True,
) -> Path:
    """Create (or reuse) the synthetic episode and return its path; the cut times go
    to ``<out>.cuts.txt`` (seconds, one per line)."""
    out = Path(out) if out else default_path(codec, duration, height, fps, seed)
    if out.exists() and out.stat().st_size > 0 and not force:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    encoder, _suffix, options, bitrate = CODECS[codec]
    bitrate = int(bitrate * (width * height) / (1920 * 1080))
    rng = np.random.default_rng(seed)
    w, h = width, height
    t0 = time.perf_counter()
    textures = [_smooth_noise(rng, int(h * 1.6), int(w * 1.6), c, 10, 245) for c in (8, 24, 64, 160)]
    # add fine detail to two of them
    for t in textures[:2]:
        fine = rng.integers(-20, 21, size=t.shape, dtype=np.int16)
        np.clip(t.astype(np.int16) + fine, 0, 255, out=fine)
        t[...] = fine.astype(np.uint8)
    chroma = [_smooth_noise(rng, int(h * 0.8), int(w * 0.8), c, 80, 176) for c in (40, 120, 300)]
    grain_tiles = [rng.integers(-16, 17, size=(h + 64, w + 64), dtype=np.int16) for _ in range(3)]

    n_total = round(duration * fps)
    cuts: list[float] = []
    tmp = out.with_name(out.stem + ".part" + out.suffix)

    def frames():
        i = 0
        while i < n_total:
            n = min(n_total - i, int(rng.integers(fps, 5 * fps + 1)))
            if i:
                cuts.append(i / fps)
            scene = _Scene(rng, w, h, textures, chroma, n)
            for k in range(n):
                yield scene.frame(k, grain_tiles)
            i += n
            if verbose:
                el = time.perf_counter() - t0
                print(f"\r{out.name}: {i}/{n_total} frames, {i / el:.1f} fps", end="", file=sys.stderr)

    write_video(tmp, frames(), fps=fps, codec=encoder, options=options, bit_rate=bitrate, frame_threads=True,
                time_base=Fraction(1, fps))
    os.replace(tmp, out)
    Path(str(out) + ".cuts.txt").write_text("".join(f"{c:.6f}\n" for c in cuts))
    if verbose:
        size = out.stat().st_size
        print(
            f"\n{out}: {n_total} frames, {size / 1e6:.1f} MB, {size * 8 / duration / 1e6:.2f} Mb/s, "
            f"{len(cuts)} cuts, {time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
        )
    return out
