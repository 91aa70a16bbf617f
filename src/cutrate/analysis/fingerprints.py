"""Per-frame fingerprints for finding the material that recurs across a season.

:func:`fingerprints` turns the luma thumbnails of :class:`~cutrate.types.Features`
(32x18 per frame, already computed by the analysis) into 8 16-bit block patterns per frame,
26 bytes a frame with the timestamps; :class:`Fingerprints` holds them as plain arrays
that :meth:`~Fingerprints.to_arrays` / :meth:`~Fingerprints.from_arrays` store and load, so
that a season can be matched again, with new episodes, without decoding anything.

The fingerprint: the middle 16 rows of the thumbnail become 8x16 cells (sums of 2x2
pixels), grouped in a 2x4 grid of blocks of 4x4 cells; each cell is one bit, "brighter than
the mean of its block".  The patterns ignore brightness and contrast changes (another
master, a fade) and the noise of another encode, and a partial overlay (credits text)
changes only the blocks it covers.

- A block whose cells vary by less than :data:`BLOCK_MIN_STD` levels is flat (its bits are
  noise): it is marked unusable in ``valid``.
- Cells that are static over the whole video (standard deviation below :data:`STATIC_STD`:
  black bars, a broadcaster's logo) are left out of their blocks, so that bars and logos,
  which every frame has, do not make unrelated frames look alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..types import Features

#: Bumped whenever the fingerprint's definition changes (stored fingerprints are recomputed).
FINGERPRINT_VERSION = 1
#: Blocks per frame (a 2x4 grid of 4x4 cells), each a 16-bit pattern.
BLOCKS = 8
#: A block whose 16 cells have a luma standard deviation below this (0..255) is flat.
BLOCK_MIN_STD = 2.0
#: A cell whose luma varies by less than this over the video (standard deviation, 0..255) is
#: static and left out of its block's pattern.
STATIC_STD = 2.0
#: Fewest cells (of 16) that are not static for a block to be used.
MIN_ACTIVE = 6

#: Number of set bits of every 16-bit value (uint8, shape (65536,)).
POPCOUNT = np.unpackbits(np.arange(1 << 16, dtype="<u2").view(np.uint8)).reshape(-1, 16).sum(axis=1).astype(np.uint8)
#: Block numbers 0..7 (to unpack ``valid`` bit masks: ``(valid[:, None] >> BLOCK_INDEX) & 1``).
BLOCK_INDEX = np.arange(BLOCKS, dtype=np.uint8)


@dataclass(frozen=True, eq=False)
class Fingerprints:
    """Compact per-frame fingerprints of one video, for matching across a season.

    Attributes
    ----------
    name : str
        The episode's name (the key of :func:`~cutrate.analysis.segments.find_segments`'
        result and what ``also_in`` lists).
    times : np.ndarray [shape=(n,), float64]
        Frame timestamps in seconds.
    bits : np.ndarray [shape=(n, 8), uint16]
        One 16-bit pattern per block (bit = cell brighter than its block's mean).
    valid : np.ndarray [shape=(n,), uint8]
        Bit ``b`` set when block ``b`` has picture content (is not flat).
    luma : np.ndarray [shape=(n,), uint8]
        Mean luma of the thumbnail (0..255), to compare flat frames.
    end_time : float
        When the last frame stops being shown, in seconds.
    version : int
        :data:`FINGERPRINT_VERSION` of the definition that made them.
    """

    name: str
    times: np.ndarray
    bits: np.ndarray
    valid: np.ndarray
    luma: np.ndarray
    end_time: float
    version: int = FINGERPRINT_VERSION

    @property
    def n(self) -> int:
        return int(self.times.shape[0])

    @cached_property
    def fps(self) -> float:
        """Frame rate from the median frame step (24 for fewer than two frames)."""
        steps = np.diff(self.times)
        steps = steps[steps > 0]
        return float(1.0 / np.median(steps)) if steps.size else 24.0

    def end(self, frame: int) -> float:
        """When ``frame`` stops being shown, in seconds."""
        return float(self.times[frame + 1]) if frame + 1 < self.n else self.end_time

    def frame_at(self, t: np.ndarray) -> np.ndarray:
        """Index of the frame nearest each time ``t`` (seconds), -1 outside the video."""
        t = np.asarray(t, np.float64)
        if self.n < 2:
            inside = (t >= (self.times[0] - 0.5 / self.fps if self.n else np.inf)) & (t < self.end_time)
            return np.where(inside, 0, -1)
        i = np.clip(np.searchsorted(self.times, t), 1, self.n - 1)
        i = np.where(np.abs(t - self.times[i - 1]) <= np.abs(self.times[i] - t), i - 1, i)
        return np.where((t < self.times[0] - 0.5 / self.fps) | (t >= self.end_time), -1, i)

    def usable(self, frames: np.ndarray) -> np.ndarray:
        """Number of blocks with picture content of each of ``frames``."""
        return POPCOUNT[self.valid[frames]]

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The fingerprints as plain arrays (for ``np.savez`` or a feature cache)."""
        return {"name": np.array(self.name), "times": self.times, "bits": self.bits, "valid": self.valid,
                "luma": self.luma, "end_time": np.array(self.end_time, np.float64),
                "version": np.array(self.version, np.int64)}

    @classmethod
    def from_arrays(cls, arrays: Any) -> Fingerprints:
        """Fingerprints from :meth:`to_arrays`' form (a dict or an ``np.load`` archive).

        Raises
        ------
        ParameterError
            If the arrays were made by another fingerprint version.
        """
        version = int(arrays["version"])
        if version != FINGERPRINT_VERSION:
            raise ParameterError(f"fingerprints of version {version} cannot be matched with version "
                                 f"{FINGERPRINT_VERSION}: compute them again from the features")
        return cls(name=str(arrays["name"]), times=np.asarray(arrays["times"], np.float64),
                   bits=np.asarray(arrays["bits"], np.uint16), valid=np.asarray(arrays["valid"], np.uint8),
                   luma=np.asarray(arrays["luma"], np.uint8), end_time=float(arrays["end_time"]), version=version)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fingerprints):
            return NotImplemented
        return (self.name == other.name and self.end_time == other.end_time and self.version == other.version
                and all(np.array_equal(getattr(self, k), getattr(other, k))
                        for k in ("times", "bits", "valid", "luma")))

    __hash__ = None  # type: ignore[assignment]


def fingerprints(features: Features, *, name: str | None = None, chunk: int = 8192) -> Fingerprints:
    """Fingerprint every frame of ``features`` from its luma thumbnails.

    Parameters
    ----------
    features : Features
        The episode's features (``times``, ``thumb_y`` and ``info.end_time`` are used).
    name : str, optional
        The episode's name; default the file name of ``features.info.path``.
    chunk : int
        Frames processed at a time (bounds the memory used).

    Returns
    -------
    Fingerprints

    Raises
    ------
    ParameterError
        If the thumbnails are not 32x18.

    Examples
    --------
    >>> import numpy as np
    >>> from cutrate.analysis.features import from_arrays
    >>> y = np.random.default_rng(0).integers(0, 255, (48, 36, 64), dtype=np.uint8)
    >>> fp = fingerprints(from_arrays(y, path="ep01.mp4"))
    >>> fp.name, fp.bits.shape, fp.valid.dtype.name
    ('ep01.mp4', (48, 8), 'uint8')
    """
    thumbs = np.asarray(features.thumb_y)
    n = int(thumbs.shape[0])
    if thumbs.shape[1:] != (18, 32):
        raise ParameterError(f"thumb_y must have shape (n, 18, 32), got {thumbs.shape}")
    every = max(1, n // 4096)  # the static cells, from up to ~8192 frames spread over the video
    active = _cells(thumbs[::every]).std(axis=0) >= 4 * STATIC_STD if n else np.ones((8, 16), bool)
    active = active.reshape(2, 4, 4, 4).transpose(0, 2, 1, 3).reshape(BLOCKS, 16)
    bits = np.empty((n, BLOCKS), np.uint16)
    valid = np.empty(n, np.uint8)
    for i in range(0, n, chunk):
        bits[i : i + chunk], valid[i : i + chunk] = _frame_bits(thumbs[i : i + chunk], active)
    if name is None:
        name = str(features.info.path).replace("\\", "/").rsplit("/", 1)[-1]
    luma = np.rint(thumbs.reshape(n, -1).mean(axis=1)).astype(np.uint8) if n else np.zeros(0, np.uint8)
    return Fingerprints(name=name, times=np.asarray(features.times, np.float64).copy(), bits=bits, valid=valid,
                        luma=luma, end_time=float(features.info.end_time))


def _cells(thumbs: np.ndarray) -> np.ndarray:
    """The 8x16 cells (sums of 2x2 pixels) of the middle 16 rows of 18x32 thumbnails, int32."""
    rows = thumbs[:, 1:17:2, :].astype(np.int32) + thumbs[:, 2:18:2, :]
    return rows[:, :, 0::2] + rows[:, :, 1::2]


def _frame_bits(thumbs: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Block patterns and usable-block masks of a stack of 18x32 thumbnails; ``active`` (8, 16)
    marks each block's cells that are not static."""
    n = thumbs.shape[0]
    blocks = _cells(thumbs).reshape(n, 2, 4, 4, 4).transpose(0, 1, 3, 2, 4).reshape(n, BLOCKS, 16)
    on = active.astype(np.int32)
    count = np.maximum(on.sum(axis=1), 1)  # integer arithmetic throughout: exact and fast
    total = (blocks * on).sum(axis=2)
    above = (blocks * count[:, None] > total[..., None]) & active
    bits = np.packbits(above, axis=2, bitorder="little").view("<u2")[..., 0].astype(np.uint16)
    spread = count * (blocks * blocks * on).sum(axis=2) - total * total  # count**2 x variance
    usable = (spread >= (4 * BLOCK_MIN_STD * count) ** 2) & (count >= MIN_ACTIVE)  # cells are sums of 4 pixels
    return bits, np.packbits(usable, axis=1, bitorder="little")[:, 0]
