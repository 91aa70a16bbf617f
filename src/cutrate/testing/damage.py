"""Damaged files: deterministic mutations of a clip's bytes, and a sanity check of
what cutrate made of them.

The fuzz tests and ``benchmarks/fuzz.py`` draw :class:`Case` objects from
:func:`cases`; :func:`check_result` says why a result is not sane.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


def _garbage(rng: np.random.Generator, n: int) -> bytes:
    return rng.integers(0, 256, n, dtype=np.uint8).tobytes()


def _block(rng: np.random.Generator, size: int) -> tuple[int, int]:
    n = int(min(size - 1, rng.integers(16, max(17, size // 8))))
    a = int(rng.integers(0, max(1, size - n)))
    return a, n


def bit_flips(data: bytes, rng: np.random.Generator) -> bytes:
    """Flip 1-64 random bits anywhere."""
    b = bytearray(data)
    for pos in rng.integers(0, len(b), int(rng.integers(1, 65))):
        b[int(pos)] ^= 1 << int(rng.integers(0, 8))
    return bytes(b)


def header_flips(data: bytes, rng: np.random.Generator) -> bytes:
    """Flip 1-8 bits in the first or last 2 KiB (container headers, the MP4 index)."""
    b = bytearray(data)
    span = min(2048, len(b))
    for _ in range(int(rng.integers(1, 9))):
        pos = int(rng.integers(0, span))
        if rng.random() < 0.5:
            pos = len(b) - 1 - pos
        b[pos] ^= 1 << int(rng.integers(0, 8))
    return bytes(b)


def truncate(data: bytes, rng: np.random.Generator) -> bytes:
    """Cut the file at a random point."""
    return data[: int(rng.integers(1, len(data)))]


def splice_garbage(data: bytes, rng: np.random.Generator) -> bytes:
    """Insert a block of random bytes at a random point."""
    a, n = _block(rng, len(data))
    return data[:a] + _garbage(rng, n) + data[a:]


def overwrite_garbage(data: bytes, rng: np.random.Generator) -> bytes:
    """Overwrite a block with random bytes."""
    a, n = _block(rng, len(data))
    return data[:a] + _garbage(rng, n) + data[a + n :]


def zero_range(data: bytes, rng: np.random.Generator) -> bytes:
    """Overwrite a block with zeros (a lost disk sector, a sparse download)."""
    a, n = _block(rng, len(data))
    return data[:a] + bytes(n) + data[a + n :]


def delete_range(data: bytes, rng: np.random.Generator) -> bytes:
    """Remove a block (a lost chunk of a transfer)."""
    a, n = _block(rng, len(data))
    return data[:a] + data[a + n :]


def duplicate_chunk(data: bytes, rng: np.random.Generator) -> bytes:
    """Copy a block of the file to another place (a repeated chunk of a transfer)."""
    a, n = _block(rng, len(data))
    at = int(rng.integers(0, len(data)))
    return data[:at] + data[a : a + n] + data[at:]


MUTATIONS: dict[str, Callable[[bytes, np.random.Generator], bytes]] = {
    "bit flips": bit_flips,
    "header flips": header_flips,
    "truncate": truncate,
    "splice garbage": splice_garbage,
    "overwrite garbage": overwrite_garbage,
    "zero range": zero_range,
    "delete range": delete_range,
    "duplicate chunk": duplicate_chunk,
}


def damage(src: Path, dst: Path, *, at: float, length: float, fill: str = "garbage") -> Path:
    """Copy ``src`` with ``length`` (fraction of the size) bytes at ``at`` (fraction)
    overwritten by random bytes (``fill="garbage"``) or zeros."""
    data = bytearray(src.read_bytes())
    a, n = int(len(data) * at), int(len(data) * length)
    rng = np.random.default_rng(5)
    data[a : a + n] = rng.integers(0, 256, n, dtype=np.uint8).tobytes() if fill == "garbage" else bytes(n)
    dst.write_bytes(bytes(data))
    return dst


@dataclass(frozen=True)
class Case:
    """One fuzz case: a base clip, a mutation and its seed."""

    index: int
    clip: Path
    mutation: str
    seed: int

    @property
    def name(self) -> str:
        stem = self.clip.name.replace(".", "_")
        return f"{self.index:04d}_{stem}_{self.mutation.replace(' ', '_')}{self.clip.suffix}"

    def write(self, folder: str | Path) -> Path:
        """Write the damaged file into ``folder`` and return its path."""
        data = self.clip.read_bytes()
        out = MUTATIONS[self.mutation](data, np.random.default_rng(self.seed))
        path = Path(folder) / self.name
        path.write_bytes(out)
        return path


def cases(clips: list[Path], n: int, seed: int = 0) -> Iterator[Case]:
    """``n`` cases cycling through clips and mutations, with seeds derived from ``seed``."""
    names = list(MUTATIONS)
    for i in range(n):
        clip = clips[i % len(clips)]
        mutation = names[(i // len(clips)) % len(names)]
        yield Case(i, clip, mutation, seed * 1_000_003 + i)


def check_result(result: Any) -> str | None:
    """Why a :class:`cutrate.Result` is not sane, or None when it is."""
    feats = result.features
    if feats is None or feats.n < 1:
        return "no frames"
    times = np.asarray(feats.times, np.float64)
    if not np.all(np.isfinite(times)):
        return "non-finite times"
    if times.shape[0] > 1 and not np.all(np.diff(times) > 0):
        return "times not strictly increasing"
    if not (np.isfinite(result.info.duration_s) and result.info.duration_s > 0):
        return f"bad duration {result.info.duration_s}"
    if result.summary.shots != len(result.transitions) + 1:
        return "shots and transitions disagree"
    return None
