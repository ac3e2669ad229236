"""The step plan: steps of whole blocks, and a shared pool that grows with the draws."""

import dataclasses

import pytest

from w2v_core import config as config_module
from w2v_core.config import TrainConfig, run_key
from w2v_core.plan import DRAWS_PER_POOL_WORD, PAIRS_PER_STEP, StepPlan, pool_size


def test_the_default_pool_is_what_the_setting_says():
    plan = StepPlan.build(window=5, negatives=5, shared=True, shared_pool=32)
    assert plan.centers_per_step * 6 == PAIRS_PER_STEP
    assert plan.pool == 32
    two_workers = StepPlan.build(window=5, negatives=5, shared=True, shared_pool=32, workers=2)
    assert two_workers.pool == 32  # 2 workers x 1,536 pairs x 5 negatives / 480 draws = 32


@pytest.mark.parametrize(
    ("negatives", "workers", "expected"),
    [(5, 1, 32), (10, 1, 64), (15, 1, 144), (25, 1, 400), (5, 2, 32), (15, 2, 288), (25, 2, 800)],
)
def test_the_pool_grows_with_the_square_of_the_negatives_and_with_the_workers(
    negatives, workers, expected
):
    plan = StepPlan.build(5, negatives, True, 32, workers=workers)
    assert plan.pool == expected
    pairs = plan.centers_per_step * 6
    # One Hogwild round's pool noise (ω K² / P) and each word's share of its draws
    # (n K ω / P) stay at most what they are at the defaults with two workers.
    assert workers * negatives**2 / plan.pool <= 2 * 5**2 / 32
    assert pairs * negatives * workers / plan.pool <= DRAWS_PER_POOL_WORD


def test_an_explicit_larger_pool_is_kept_and_small_steps_keep_the_smallest_pool():
    assert pool_size(300, PAIRS_PER_STEP, 10, 1) == 300
    assert pool_size(100, PAIRS_PER_STEP, 10, 1) == 100
    assert pool_size(100, PAIRS_PER_STEP, 10, 2) == 128
    assert pool_size(32, 64, 5, 2) == 32


def test_a_run_key_names_the_engine_that_trains(monkeypatch):
    config = TrainConfig(workers=1)
    before = run_key("corpus", config)
    assert run_key("corpus", dataclasses.replace(config, log_every=7)) == before  # run option
    monkeypatch.setattr(config_module, "ENGINE_VERSION", config_module.ENGINE_VERSION + 1)
    assert run_key("corpus", config) != before
