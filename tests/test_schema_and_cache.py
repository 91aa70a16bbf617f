"""The analysis.json contract (``cutrate schema``) and the feature cache users can manage."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import cutrate
from cutrate import cli
from cutrate.batch import Job, up_to_date
from cutrate.io import cache
from cutrate.io.results import SCHEMA_VERSION, schema

SAMPLES = Path(__file__).parents[1] / "sample_clips"


def test_cutrate_schema_prints_a_draft_2020_12_schema():
    jsonschema = pytest.importorskip("jsonschema")
    r = CliRunner().invoke(cli.main, ["schema"])
    assert r.exit_code == 0
    doc = json.loads(r.output)
    assert doc == schema() and doc["$schema"].endswith("2020-12/schema")
    jsonschema.Draft202012Validator.check_schema(doc)


def test_the_schema_rejects_a_broken_document(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    d = cutrate.analyze(SAMPLES / "fade.mp4", cache_dir=tmp_path).to_dict()
    jsonschema.validate(json.loads(json.dumps(d)), schema())
    assert d["schema_version"] == SCHEMA_VERSION and d["provenance"]["features_version"] >= 1
    bad = json.loads(json.dumps(d))
    bad["transitions"][0]["kind"] = "wipe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema())


def test_a_new_release_does_not_redo_a_season_but_new_features_do(tmp_path, monkeypatch):
    clip = SAMPLES / "flash.mp4"
    folder = tmp_path / "flash"
    r = CliRunner().invoke(cli.main, ["analyze", str(clip), "-o", str(tmp_path), "--no-plots", "--no-html",
                                      "--no-exports", "--cache-dir", str(tmp_path / "c")])
    assert r.exit_code == 0, r.output
    job = Job(str(clip), str(folder))
    assert up_to_date(job)
    doc = json.loads((folder / "analysis.json").read_text())
    doc["cutrate_version"] = "0.0.1"  # written by another release: still up to date
    (folder / "analysis.json").write_text(json.dumps(doc))
    assert up_to_date(job)
    doc["provenance"]["detector"] = "something-else"  # another detector: redo
    (folder / "analysis.json").write_text(json.dumps(doc))
    assert not up_to_date(job)
    del doc["schema_version"]  # cutrate 0.1's format: redo
    doc["provenance"] = json.loads(json.dumps(cutrate.analysis.pipeline.provenance(job.settings)))
    (folder / "analysis.json").write_text(json.dumps(doc))
    assert not up_to_date(job)


def test_cache_is_stored_for_fast_reading_bounded_and_managed_from_the_cli(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    cutrate.analyze(SAMPLES / "dissolve.mp4", cache_dir=d)
    [entry] = list(d.glob("*.npz"))
    import zipfile

    with zipfile.ZipFile(entry) as z:
        # uncompressed: reading an entry must not cost more than re-detecting from it
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
    one = entry.stat().st_size
    # a bound that holds about two entries: the least recently used go first
    monkeypatch.setenv("CUTRATE_CACHE_MAX", str(int(2.5 * one)))
    cutrate.analyze(SAMPLES / "fade.mp4", cache_dir=d)
    os.utime(entry, (1, 1))  # dissolve.mp4 used long ago
    cutrate.analyze(SAMPLES / "flash.mp4", cache_dir=d)
    cutrate.analyze(SAMPLES / "held_frames.mp4", cache_dir=d)
    names = sorted(p.name for p in d.glob("*.npz"))
    assert not entry.exists() and len(names) <= 3
    assert sum(p.stat().st_size for p in d.glob("*.npz")) <= cache.max_bytes() + max(p.stat().st_size for p in d.glob("*.npz"))
    r = CliRunner().invoke(cli.main, ["cache", "info", "--cache-dir", str(d)])
    assert r.exit_code == 0 and f"location: {d}" in r.output and f"entries:  {len(names)}" in r.output
    r = CliRunner().invoke(cli.main, ["cache", "clear", "--cache-dir", str(d)])
    assert r.exit_code == 0 and f"deleted {len(names)} entr" in r.output
    assert not list(d.glob("*.npz"))
    assert cache.parse_size("500M") == 500 << 20 and cache.parse_size("1.5G") == int(1.5 * (1 << 30))
    with pytest.raises(ValueError):
        cache.parse_size("lots")


def test_py_typed_is_installed():
    import importlib.resources

    assert importlib.resources.files("cutrate").joinpath("py.typed").is_file()


def test_python_m_cutrate_runs_the_cli():
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "cutrate", "--version"], capture_output=True, text=True, check=True)
    assert r.stdout.startswith("cutrate, version ") and cutrate.__version__ in r.stdout
