"""Budgets shown before starting: the cost model, the sliders' ranges, the per-session
budget (refused before anything starts) and the confirming click."""

from __future__ import annotations

import json
import threading

import pytest
from planted import planted_text

from dashboard import budget, tuning
from dashboard.advice import weak_settings
from dashboard.runs import RegistrySettings, RunRegistry
from dashboard.tuning import start_sweep
from w2v_core.corpus import corpus_from_text
from w2v_core.train import TrainConfig

BASE = dict(dim=50, window=5, negatives=5, epochs=5, min_count=1, sample=0.0, workers=1)


@pytest.fixture(scope="module")
def corpus():
    return corpus_from_text(planted_text(400, seed=3), name="planted")


def config(**kwargs) -> TrainConfig:
    return TrainConfig(**{**BASE, **kwargs})


@pytest.mark.parametrize(
    ("setting", "more"),
    [("dim", 300), ("window", 10), ("negatives", 15), ("epochs", 20), ("min_count", 1)],
)
def test_the_estimate_grows_with_every_setting_that_adds_work(corpus, setting, more):
    less = {"dim": 20, "window": 2, "negatives": 2, "epochs": 2, "min_count": 15}[setting]
    for shared in (False, True):
        small = budget.corpus_seconds(config(**{setting: less}, shared_negatives=shared), corpus)
        big = budget.corpus_seconds(config(**{setting: more}, shared_negatives=shared), corpus)
        assert big > small > 0


def test_more_negatives_cost_a_shared_pool_less_than_per_pair_negatives(corpus):
    # a shared pool scores every center against its P words whatever K is (K weights
    # them, and the step bound checks more); per pair, each pair draws K words
    def seconds(shared: bool, **kwargs) -> float:
        return budget.corpus_seconds(config(shared_negatives=shared, **kwargs), corpus)

    def growth(shared: bool) -> float:
        return seconds(shared, negatives=25) / seconds(shared, negatives=2)

    assert 1.0 <= growth(True) < growth(False)
    assert seconds(True, shared_pool=256) >= seconds(True, shared_pool=32)


def test_the_estimate_scales_with_the_corpus_the_mode_and_the_processes(corpus):
    per_pair, shared = config(shared_negatives=False), config(shared_negatives=True)
    tokens = 1_000_000  # a corpus where the work, not the start-up, dominates
    model = budget.MEASURED
    assert model.seconds(per_pair, 10 * tokens) > 5 * model.seconds(per_pair, tokens)
    assert model.seconds(shared, tokens) < model.seconds(per_pair, tokens)
    for mode, cost in ((per_pair, model.per_pair), (shared, model.shared)):
        # two processes: the work divided by the measured speed-up, plus their start-up
        # (on a busy 2-core machine the speed-up can be 1: then only the start-up differs)
        start_up = cost.run[budget.RUN_TERMS.index("pool")]
        one, two = model.seconds(mode, tokens, workers=1), model.seconds(mode, tokens, workers=2)
        assert two - start_up <= one * (1 + 1e-9)


def test_the_fitted_model_file_round_trips_and_a_foreign_one_is_not_used(tmp_path):
    path = tmp_path / "cost_model.json"
    path.write_text(json.dumps(budget.MEASURED.to_json()))
    assert budget.load_model(path) == budget.MEASURED
    foreign = {**budget.MEASURED.to_json(), "epoch_terms": ["T", "something else"]}
    path.write_text(json.dumps(foreign))
    assert budget.load_model(path) == budget.FALLBACK
    path.write_text("not json")
    assert budget.load_model(path) == budget.FALLBACK


def test_a_sweep_trains_what_is_not_cached_and_skips_a_finished_run(corpus):
    registry = RunRegistry(RegistrySettings(cache_dir=None, disk_cache_mb=0.0))
    small = config(dim=10, epochs=1, workers=1)
    assert tuning.sweep_todo(registry, corpus, [small]) == [small]
    job = registry.submit(corpus, small).job
    assert job is not None and job.wait(120)
    assert tuning.sweep_todo(registry, corpus, [small]) == []


def test_kept_tokens_follow_min_count_and_subsampling(corpus):
    all_tokens = budget.kept_tokens(corpus, config())
    assert all_tokens == corpus.n_tokens
    assert budget.kept_tokens(corpus, config(min_count=15)) < all_tokens
    subsampled = budget.kept_tokens(corpus, config(sample=1e-3))
    assert budget.kept_tokens(corpus, config(sample=1e-5)) < subsampled < all_tokens


def test_a_grid_beyond_the_budget_is_refused_before_it_starts(monkeypatch):
    corpus = corpus_from_text(planted_text(40_000, seed=4), name="bigger")  # 160k tokens
    monkeypatch.setenv(budget.ENV_SESSION_BUDGET, "1")  # one minute per session
    registry = RunRegistry(RegistrySettings(cache_dir=None, disk_cache_mb=0.0))
    sweeps_before = {t for t in threading.enumerate() if t.name == "w2v-sweep"}
    axes = [("dim", [200, 250, 300]), ("epochs", [40, 45, 50])]
    with pytest.raises(budget.BudgetError, match="more than the 60 s one visitor may ask"):
        start_sweep(registry, corpus, config(), axes, owner="A")
    assert registry.counts() == (0, 0) and registry.trainings_started == 0
    assert {t for t in threading.enumerate() if t.name == "w2v-sweep"} == sweeps_before


def test_the_budget_message_names_the_estimate_the_limit_and_the_variable(monkeypatch):
    monkeypatch.setenv(budget.ENV_SESSION_BUDGET, "2")
    with pytest.raises(budget.BudgetError) as caught:
        budget.check_budget(50 * 60, "This sweep")
    text = str(caught.value)
    assert "about 50 min" in text and "2 min" in text and budget.ENV_SESSION_BUDGET in text
    budget.check_budget(100, "This sweep")  # under: no error


@pytest.mark.parametrize(
    ("env", "seconds"),
    [({}, 1800.0), ({"W2V_SESSION_BUDGET_MINUTES": "5"}, 300.0),
     ({"W2V_SESSION_BUDGET_MINUTES": "lots"}, 1800.0),
     ({"W2V_SESSION_BUDGET_MINUTES": "0"}, float("inf"))],
)  # fmt: skip
def test_the_session_budget_comes_from_the_environment(env, seconds):
    assert budget.session_budget_seconds(env) == seconds


def test_sweep_values_outside_the_sliders_are_refused(corpus):
    registry = RunRegistry(RegistrySettings(cache_dir=None, disk_cache_mb=0.0))
    with pytest.raises(budget.BudgetError, match="dim 1991 is outside the sidebar's range"):
        start_sweep(registry, corpus, config(), [("dim", [100, 1991])], owner="A")
    with pytest.raises(budget.BudgetError, match="epochs 991"):
        budget.check_slider_ranges([("epochs", [5, 991])])
    budget.check_slider_ranges([("dim", [10, 300]), ("alpha", [0.001, 0.2])])  # the ends


def test_weak_settings_get_a_hint_and_usual_ones_none():
    hint = weak_settings(10, 1, 1, 0.001)
    assert hint is not None
    for part in ("dimension 10", "window 1", "1 negative", "learning rate 0.001"):
        assert part in hint
    assert weak_settings(100, 5, 5, 0.025) is None
