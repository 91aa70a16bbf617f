"""Fast fuzzing for CI: damaged copies of small clips end in bounded time with a
:class:`cutrate.Result` or a :class:`cutrate.CutrateError` -- never another
exception, never a crash of the decoder process, never a hang.

The mutations, the base clips and the result checks are those of the long run,
``benchmarks/fuzz.py`` (both use :mod:`cutrate.testing.damage`); this is a fixed,
deterministic subset of 30 cases, each analysed by
``cutrate.analyze(path, use_cache=False)`` in a watched child process
(:class:`cutrate.batch.watchdog.Watchdog`).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import pytest

import cutrate
from cutrate.batch.watchdog import DecoderCrashed, DecoderStalled, Watchdog
from cutrate.testing import damage as fuzz
from cutrate.testing.blocks import make_base_clips

pytestmark = pytest.mark.slow

CASES = 30
SEED = 2024
BOUND_S = 20.0  # per case: the watchdog's time limit; a stall is detected after 10 s


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> list[Path]:
    return make_base_clips(tmp_path_factory.mktemp("fuzz_clips"), names=("h264.mp4", "h264.mkv", "h264.ts"))


@pytest.fixture(scope="module")
def dog():
    logger = logging.getLogger("cutrate")
    level = logger.level
    logger.setLevel(logging.ERROR)  # damaged files warn a lot; the child copies this level
    try:
        with Watchdog() as w:
            yield w
    finally:
        logger.setLevel(level)


@pytest.fixture(scope="module")
def cases(clips) -> list:
    return list(fuzz.cases(clips, CASES, seed=SEED))


def test_cases_cover_every_mutation_and_are_deterministic(clips, cases, tmp_path):
    assert {c.mutation for c in cases} == set(fuzz.MUTATIONS)
    assert {c.clip for c in cases} == set(clips)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = cases[7].write(tmp_path / "a"), cases[7].write(tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != cases[7].clip.read_bytes()


@pytest.mark.parametrize("index", range(CASES))
def test_damaged_clip_ends_in_a_result_or_a_clean_error(cases, dog, tmp_path, index):
    case = cases[index]
    path = case.write(tmp_path)
    t0 = time.monotonic()
    try:
        result = dog.run(cutrate.analyze, str(path), use_cache=False, stall_s=10.0, timeout_s=BOUND_S)
    except (DecoderStalled, DecoderCrashed) as exc:  # a hang or a crash of the decoder process
        pytest.fail(f"{case.name} ({case.mutation}): {exc}")
    except cutrate.CutrateError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ") and "\n" not in message and len(message) < 400
    else:
        assert fuzz.check_result(result) is None, fuzz.check_result(result)
        assert all("\n" not in w for w in result.warnings)
    assert time.monotonic() - t0 < BOUND_S


def test_check_result_catches_inconsistent_results(clips):
    import dataclasses

    result = cutrate.analyze(clips[0], use_cache=False)
    assert fuzz.check_result(result) is None
    times = result.features.times.copy()
    times[5] = times[4]
    broken = dataclasses.replace(result, features=dataclasses.replace(result.features, times=times))
    assert fuzz.check_result(broken) == "times not strictly increasing"


def test_mutations_change_the_data_within_bounds():
    data = bytes(np.random.default_rng(0).integers(0, 256, 10_000, dtype=np.uint8))
    for name, mutate in fuzz.MUTATIONS.items():
        out = mutate(data, np.random.default_rng(1))
        assert out != data, name
        assert 0 < len(out) < 3 * len(data), name
