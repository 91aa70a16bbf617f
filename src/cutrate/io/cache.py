"""Feature cache: a video is decoded once per decode/feature settings.

Entries are ``.npz`` files named by a key made of the file's identity (its size
and a hash of three 1 MiB samples of its content, so a renamed or moved file is
still found) and the feature settings, including the features' version.  They
are written to a temporary name and renamed into place, so a killed process never
leaves a half-written entry that a later run trusts; an unreadable entry is
ignored and removed.

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
    info = VideoInfo(**{**meta["info"], "path": str(path)})
    return Features(info=info, warnings=tuple(meta.get("warnings", ())), settings=meta.get("settings", {}),
                    stills=stills, **arrays)


def store(cache_dir: str | os.PathLike, entry: str, features: Features) -> Path | None:
    """Write ``features`` atomically; returns the file, or None if the cache is not writable."""
    d = Path(cache_dir)
    try:
        d.mkdir(parents=True, exist_ok=True)
        doc = {"info": features.info.to_dict(), "warnings": list(features.warnings), "settings": features.settings}
        arrays = {k: getattr(features, k) for k in Features.ARRAYS}
        if features.stills is not None:
            doc["stills_size"] = [features.stills.width, features.stills.height]
            arrays.update({f"stills_{k}": getattr(features.stills, k) for k in Stills.ARRAYS})
        meta = json.dumps(doc)
        fd, tmp = tempfile.mkstemp(prefix=f".{entry}.", suffix=".tmp", dir=d)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, meta=np.array(meta), **arrays)
                fh.flush()
                os.fsync(fh.fileno())
            final = d / f"{entry}.npz"
            os.replace(tmp, final)
            return final
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        log.warning("could not write the feature cache in %s (%s)", d, exc)
        return None
