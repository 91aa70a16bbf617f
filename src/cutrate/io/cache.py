"""Feature cache: a video is decoded once per decode/feature settings.

Entries are ``.npz`` files named by a key made of the file's identity (its size
and a hash of three 1 MiB samples of its content, so a renamed or moved file is
still found) and the feature settings, including the features' version.  They
are written to a temporary name and renamed into place, so a killed process never
leaves a half-written entry that a later run trusts; an unreadable entry is
ignored and removed.

Entries are stored uncompressed (about 3.3 MB per 1080p episode-minute): most of
their bytes are the report's stills, JPEGs already, and compressed, the entry of a
150 s episode took 45 ms to read instead of 10, a tenth of re-detecting from it.
The cache holds at most :func:`max_bytes` (4 GiB unless
``CUTRATE_CACHE_MAX`` says otherwise) and evicts the least recently used entries
beyond it.  :func:`info` and :func:`clear` are ``cutrate cache info`` and
``cutrate cache clear``.

The default directory is the user cache directory (``~/.cache/cutrate`` on
Linux); ``CUTRATE_CACHE_DIR`` overrides it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..types import Features, Stills, VideoInfo

log = logging.getLogger(__name__)

_SAMPLE = 1 << 20


def default_dir() -> Path:
    """The cache directory used when none is given."""
    env = os.environ.get("CUTRATE_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cutrate"))


def file_identity(path: str | os.PathLike) -> str:
    """Content identity of a file: size plus a hash of its start, middle and end."""
    p = Path(path)
    size = p.stat().st_size
    h = hashlib.sha256(str(size).encode())
    with p.open("rb") as f:
        for offset in sorted({0, max(0, size // 2 - _SAMPLE // 2), max(0, size - _SAMPLE)}):
            f.seek(offset)
            h.update(f.read(_SAMPLE))
    return f"{size}-{h.hexdigest()[:24]}"


def key(path: str | os.PathLike, settings: dict[str, Any], *, identity: str | None = None) -> str:
    """Cache key of a file under the given feature settings (which should name the
    features' version, so that a new definition misses the old entries)."""
    blob = json.dumps(settings, sort_keys=True)
    return f"{identity or file_identity(path)}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"


def load(cache_dir: str | os.PathLike, entry: str, path: str) -> Features | None:
    """The cached features for ``entry``, or None when absent or damaged."""
    f = Path(cache_dir) / f"{entry}.npz"
    if not f.exists():
        return None
    try:
        with np.load(f, allow_pickle=False) as z:
            arrays = {k: z[k] for k in Features.ARRAYS}
            meta = json.loads(str(z["meta"]))
            stills = None
            content_val = z["content_val"] if "content_val" in z.files else None
            if "stills_frames" in z.files:
                size = meta.get("stills_size", [0, 0])
                stills = Stills(*(z[f"stills_{k}"] for k in Stills.ARRAYS), width=int(size[0]), height=int(size[1]))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        log.warning("ignoring damaged cache entry %s (%s)", f, exc)
        try:
            f.unlink()
        except OSError:
            pass
        return None
    _touch(f)
    info = VideoInfo(**{**meta["info"], "path": str(path)})
    return Features(info=info, warnings=tuple(meta.get("warnings", ())), settings=meta.get("settings", {}),
                    stills=stills, content_val=content_val, **arrays)


def _touch(f: Path) -> None:
    """Mark an entry as just used (its modification time orders the eviction)."""
    try:
        os.utime(f)
    except OSError:
        pass


def store(cache_dir: str | os.PathLike, entry: str, features: Features, *, max_bytes: int | None = None) -> Path | None:
    """Write ``features`` atomically (uncompressed), then evict the least recently used
    entries beyond ``max_bytes`` (default :func:`max_bytes`); returns the file, or
    None if the cache is not writable."""
    d = Path(cache_dir)
    try:
        d.mkdir(parents=True, exist_ok=True)
        doc = {"info": features.info.to_dict(), "warnings": list(features.warnings), "settings": features.settings}
        arrays = {k: getattr(features, k) for k in Features.ARRAYS}
        if features.stills is not None:
            doc["stills_size"] = [features.stills.width, features.stills.height]
            arrays.update({f"stills_{k}": getattr(features.stills, k) for k in Stills.ARRAYS})
        if features.content_val is not None:
            arrays["content_val"] = features.content_val
        meta = json.dumps(doc)
        fd, tmp = tempfile.mkstemp(prefix=f".{entry}.", suffix=".tmp", dir=d)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, meta=np.array(meta), **arrays)
                fh.flush()
                os.fsync(fh.fileno())
            final = d / f"{entry}.npz"
            os.replace(tmp, final)
            prune(d, max_bytes=max_bytes, keep=final)
            return final
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        log.warning("could not write the feature cache in %s (%s)", d, exc)
        return None


#: Default size bound of the cache in bytes; ``CUTRATE_CACHE_MAX`` (e.g. ``500M``,
#: ``20G``) overrides it.
DEFAULT_MAX_BYTES = 4 << 30
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(text: str) -> int:
    """``"500M"``, ``"4G"``, ``"1.5G"`` or a number of bytes, as bytes.

    Raises
    ------
    ValueError
        For anything else.
    """
    s = str(text).strip().upper().removesuffix("B").removesuffix("I")
    unit = s[-1] if s and s[-1] in _UNITS else ""
    number = float(s[: len(s) - len(unit)] or "nan")
    if not number >= 0:
        raise ValueError(f"not a size: {text!r} (try 500M or 4G)")
    return int(number * _UNITS[unit])


def max_bytes() -> int:
    """The cache's size bound: ``CUTRATE_CACHE_MAX`` or :data:`DEFAULT_MAX_BYTES`."""
    env = os.environ.get("CUTRATE_CACHE_MAX")
    if env:
        try:
            return parse_size(env)
        except ValueError:
            log.warning("ignoring CUTRATE_CACHE_MAX=%r (try 500M or 4G)", env)
    return DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class CacheInfo:
    """What :func:`info` reports."""

    location: Path
    entries: int
    bytes: int
    max_bytes: int


def _entries(cache_dir: Path) -> list[tuple[float, int, Path]]:
    out = []
    for f in cache_dir.glob("*.npz"):
        try:
            st = f.stat()
        except OSError:
            continue
        out.append((st.st_mtime, st.st_size, f))
    return sorted(out)


def info(cache_dir: str | os.PathLike | None = None) -> CacheInfo:
    """Location, number of entries and size of the cache."""
    d = Path(cache_dir) if cache_dir is not None else default_dir()
    entries = _entries(d) if d.is_dir() else []
    return CacheInfo(d, len(entries), sum(size for _, size, _ in entries), max_bytes())


def prune(cache_dir: str | os.PathLike, *, max_bytes: int | None = None, keep: Path | None = None) -> int:
    """Delete the least recently used entries until the cache holds at most
    ``max_bytes`` (the newest entry, ``keep``, stays even if it alone is larger);
    returns the number deleted."""
    limit = globals()["max_bytes"]() if max_bytes is None else max_bytes
    entries = _entries(Path(cache_dir))
    total = sum(size for _, size, _ in entries)
    deleted = 0
    for _, size, f in entries:
        if total <= limit:
            break
        if keep is not None and f == keep:
            continue
        try:
            f.unlink()
        except OSError:
            continue
        total -= size
        deleted += 1
    return deleted


def clear(cache_dir: str | os.PathLike | None = None) -> int:
    """Delete every entry (and any half-written one); returns the number of entries deleted."""
    d = Path(cache_dir) if cache_dir is not None else default_dir()
    if not d.is_dir():
        return 0
    n = 0
    for f in [*d.glob("*.npz"), *d.glob(".*.tmp")]:
        try:
            f.unlink()
            n += f.suffix == ".npz"
        except OSError:
            pass
    return n
