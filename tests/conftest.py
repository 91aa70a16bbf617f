"""Every ``analysis.json`` the suite writes must validate against ``cutrate schema``."""

from __future__ import annotations

import json

import pytest

from cutrate.io import results

_checked = {"documents": 0}


@pytest.fixture(autouse=True, scope="session")
def _own_feature_cache(tmp_path_factory):
    """The suite never reads or fills the user's feature cache."""
    import os

    old = os.environ.get("CUTRATE_CACHE_DIR")
    os.environ["CUTRATE_CACHE_DIR"] = str(tmp_path_factory.mktemp("feature-cache"))
    yield
    if old is None:
        os.environ.pop("CUTRATE_CACHE_DIR", None)
    else:
        os.environ["CUTRATE_CACHE_DIR"] = old


@pytest.fixture(autouse=True, scope="session")
def _every_analysis_json_validates():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(results.schema())
    original = results.dumps

    def checked(doc):
        text = original(doc)
        if doc.get("schema_version") is not None or "transitions" in doc:
            errors = sorted(validator.iter_errors(json.loads(text)), key=lambda e: list(e.path))
            assert not errors, f"analysis.json does not validate: {errors[0].message} at {list(errors[0].path)}"
            _checked["documents"] += 1
        return text

    results.dumps = checked
    try:
        yield
    finally:
        results.dumps = original
