"""The notebooks run top to bottom on the sample clips, and each .ipynb matches its .py twin."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[1]
NOTEBOOKS = ["explore", "season"]

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
jupytext = pytest.importorskip("jupytext")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_ipynb_matches_its_percent_script_and_has_no_outputs(name):
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    twin = jupytext.read(ROOT / "notebooks" / f"{name}.py")
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code == [c.source for c in twin.cells if c.cell_type == "code"], "run: jupytext --sync notebooks/*.py"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_executes(name, tmp_path, monkeypatch):
    monkeypatch.setenv("CUTRATE_SAMPLES", str(ROOT / "sample_clips"))
    monkeypatch.setenv("CUTRATE_CACHE_DIR", str(tmp_path / "cache"))
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    if name == "explore":
        html = [o for o in outputs if "text/html" in o.get("data", {})]
        assert any("cutrate-result" in o["data"]["text/html"] for o in html)  # the result's rich display
        assert sum("image/png" in o.get("data", {}) for o in outputs) >= 6
