"""Synthetic 64x36 frame sequences with known transitions, built in memory.

These drive the feature and detection tests without any decoding (feed them to
:func:`cutrate.analysis.features.from_arrays`); the encoded clips of
:mod:`cutrate.testing.clips` cover the decoder path.
"""

from __future__ import annotations

import numpy as np

H, W = 36, 64


def texture(seed: int, size: tuple[int, int] = (200, 512)) -> np.ndarray:
    """A smooth random texture (float, 0..255) larger than a frame, for panning."""
    rng = np.random.default_rng(seed)
    h, w = size
    base = np.zeros((h, w))
    for scale, amp in ((16, 70.0), (6, 35.0), (2, 12.0)):
        small = rng.normal(size=(h // scale + 2, w // scale + 2))
        up = np.kron(small, np.ones((scale, scale)))[:h, :w]
        base += amp * up
    base = 128 + base - base.mean() + rng.uniform(-40, 40)
    return np.clip(base, 0, 255)


class Shot:
    """A shot: a texture seen through a moving window, with a moving disc."""

    def __init__(self, seed: int, *, pan: tuple[float, float] = (0.0, 0.0), disc_speed: float = 1.0,
                 hold: int = 1) -> None:
        rng = np.random.default_rng(seed + 1000)
        self.tex = texture(seed)
        self.pan = pan
        self.origin = (float(rng.uniform(60, 100)), float(rng.uniform(60, 100)))
        self.disc = (float(rng.uniform(5, 30)), float(rng.uniform(5, 55)))
        self.disc_v = (float(rng.uniform(-1, 1)) * disc_speed, float(rng.uniform(-1, 1)) * disc_speed)
        self.disc_level = float(rng.choice([30.0, 230.0]))
        self.hold = hold

    def frame(self, i: int) -> np.ndarray:
        i = (i // self.hold) * self.hold  # animation on twos/threes
        oy = int(round(self.origin[0] + self.pan[0] * i)) % (self.tex.shape[0] - H)
        ox = int(round(self.origin[1] + self.pan[1] * i)) % (self.tex.shape[1] - W)
        img = self.tex[oy : oy + H, ox : ox + W].copy()
        cy = (self.disc[0] + self.disc_v[0] * i) % H
        cx = (self.disc[1] + self.disc_v[1] * i) % W
        yy, xx = np.mgrid[0:H, 0:W]
        img[(yy - cy) ** 2 + (xx - cx) ** 2 < 25] = self.disc_level
        return img


def frames_of(shot: Shot, n: int, start: int = 0) -> list[np.ndarray]:
    """Frames ``start .. start + n - 1`` of ``shot``."""
    return [shot.frame(start + i) for i in range(n)]


def to_uint8(frames: list[np.ndarray], *, noise: float = 2.0, seed: int = 0) -> np.ndarray:
    """Stack frames, add a little deterministic grain, clip to uint8."""
    rng = np.random.default_rng(seed)
    arr = np.stack(frames).astype(np.float64)
    arr += rng.normal(scale=noise, size=arr.shape)
    return np.clip(np.round(arr), 0, 255).astype(np.uint8)


def flat(level: float) -> np.ndarray:
    """A uniform frame (black, white or grey)."""
    return np.full((H, W), float(level))
