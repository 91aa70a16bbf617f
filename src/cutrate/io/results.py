"""The ``analysis.json`` document on disk: written atomically, read back as a dict.

The document's content is defined by :meth:`cutrate.analysis.pipeline.Result.to_dict`;
this module only moves it to and from files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from .atomic import write_atomic

#: File name of a result document inside a result folder.
ANALYSIS_JSON = "analysis.json"
#: Version of the ``analysis.json`` format (``schema_version``), independent of
#: cutrate's own version: it changes only when a field's meaning does.
SCHEMA_VERSION = 2


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``analysis.json``."""
    from importlib.resources import files

    return json.loads(files("cutrate.io").joinpath("analysis.schema.json").read_text(encoding="utf-8"))


def _jsonable(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def dumps(doc: dict[str, Any]) -> str:
    """The document as the text written to disk (strict JSON: no NaN)."""
    return json.dumps(doc, indent=1, allow_nan=False, default=_jsonable) + "\n"


def write_document(doc: dict[str, Any], folder: str | os.PathLike, name: str = ANALYSIS_JSON) -> Path:
    """Write ``doc`` to ``folder/name`` atomically and return the path."""
    return write_atomic(Path(folder) / name, dumps(doc))


def document_path(path: str | os.PathLike) -> Path:
    """``path`` itself, or ``path/analysis.json`` when ``path`` is a folder."""
    p = Path(path)
    return p / ANALYSIS_JSON if p.is_dir() else p


def read_document(path: str | os.PathLike) -> dict[str, Any]:
    """The JSON document at ``path`` (a file, or a result folder)."""
    return json.loads(document_path(path).read_text(encoding="utf-8"))
