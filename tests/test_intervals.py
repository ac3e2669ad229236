"""95% intervals of benchmark scores: bootstrap over items and over seeds."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v_core import evaluate as ev
from w2v_core.intervals import (
    bootstrap_accuracy,
    bootstrap_mean,
    bootstrap_spearman,
    percentile_interval,
    pooled,
    row_ranks,
)
from w2v_core.stability import seed_scores
from w2v_core.vectors import KeyedVectors


def _correlated(n: int, seed: int, noise: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return np.round(x * 4) / 4, x + noise * rng.normal(size=n)  # rounded: ties, like ratings


@given(st.lists(st.lists(st.integers(0, 5), min_size=4, max_size=4), min_size=1, max_size=6))
@settings(max_examples=50, deadline=None)
def test_row_ranks_are_the_average_ranks_of_each_row(rows):
    keys = np.array(rows)
    expected = np.vstack([ev.rankdata(row) for row in keys])
    assert np.allclose(row_ranks(keys), expected)


def test_bootstrap_spearman_resamples_agree_with_the_plain_correlation():
    x, y = _correlated(60, 0)
    rng = np.random.default_rng(0)  # the generator the bootstrap seeds with SEED = 0
    picks = rng.integers(0, 60, size=(5, 60))
    replicates = bootstrap_spearman(x, y, n_boot=5, seed=0)
    assert np.allclose(replicates, [ev.spearman(x[p], y[p]) for p in picks])


@pytest.mark.parametrize("seed", range(3))
def test_the_interval_contains_the_point_estimate_and_narrows_as_the_test_grows(seed):
    widths = []
    for n in (40, 160, 640):
        x, y = _correlated(n, seed)
        low, high = percentile_interval(bootstrap_spearman(x, y))
        assert low <= ev.spearman(x, y) <= high
        widths.append(high - low)
    assert widths[0] > widths[1] > widths[2]
    # Roughly 1/sqrt(n): four times the items, about half the width.
    assert 0.3 < widths[2] / widths[1] < 0.75


def test_accuracy_interval_contains_the_accuracy_and_narrows():
    widths = []
    for total in (50, 500, 5000):
        correct = int(0.3 * total)
        low, high = percentile_interval(bootstrap_accuracy(correct, total))
        assert low <= correct / total <= high
        widths.append(high - low)
    assert widths[0] > widths[1] > widths[2]


def test_intervals_are_reproducible_and_none_without_items():
    x, y = _correlated(80, 4)
    assert np.array_equal(bootstrap_spearman(x, y), bootstrap_spearman(x, y))
    assert percentile_interval(bootstrap_spearman(x[:2], y[:2])) is None
    assert percentile_interval(bootstrap_accuracy(0, 0)) is None
    assert percentile_interval(bootstrap_mean([0.2])) is None
    low, high = percentile_interval(bootstrap_mean([0.20, 0.25, 0.22]))
    assert 0.20 <= low <= 0.2233 <= high <= 0.25


def _dataset_words() -> list[str]:
    pairs = ev.read_word_pairs(ev.dataset_path("ws353"))
    return list(dict.fromkeys(w for a, b, _ in pairs for w in (a, b)))


def test_every_score_carries_an_interval_around_it():
    words = _dataset_words()
    kv = KeyedVectors(words, np.random.default_rng(0).normal(size=(len(words), 8)))
    evaluation = ev.evaluate_vectors(kv)
    ws = next(s for s in evaluation.scores() if s.name == "ws353")
    assert ws.ci95 is not None and ws.ci95[0] <= ws.value <= ws.ci95[1]
    summary = evaluation.summary()
    assert summary["ws353_ci_low"] == round(ws.ci95[0], 4)
    for score in evaluation.to_dict()["scores"]:
        assert "ci95" in score


def test_scores_over_seeds_pool_both_sources_of_noise():
    words = _dataset_words()
    rng = np.random.default_rng(1)
    base = rng.normal(size=(len(words), 16))
    runs = [KeyedVectors(words, base + 0.8 * rng.normal(size=base.shape)) for _ in range(3)]
    evaluations = [ev.evaluate_vectors(kv) for kv in runs]
    pooled = {s.name: s for s in seed_scores(evaluations)}
    ws = pooled["ws353"]
    values = [next(s for s in e.scores() if s.name == "ws353").value for e in evaluations]
    assert ws.seeds == 3 and ws.value == pytest.approx(np.mean(values))
    assert ws.ci95[0] <= ws.value <= ws.ci95[1]
    for score in pooled.values():
        if score.ci95 is not None:
            assert score.ci95[0] <= score.value <= score.ci95[1]
    # Identical seeds give one run's interval: the test is resampled once, not per seed.
    width = lambda score: score.ci95[1] - score.ci95[0]  # noqa: E731
    one = next(s for s in evaluations[0].scores() if s.name == "ws353")
    same = next(s for s in seed_scores([evaluations[0]] * 3) if s.name == "ws353")
    assert width(same) == pytest.approx(width(one), rel=0.1)


def test_seeds_that_disagree_widen_the_pooled_interval():
    x, y = _correlated(300, 5)
    replicates = bootstrap_spearman(x, y)
    alone = np.ptp(percentile_interval(replicates))
    assert np.ptp(percentile_interval(pooled([replicates] * 3))) == pytest.approx(alone, rel=0.1)
    apart = [replicates - 0.15, replicates, replicates + 0.15]  # seed effects of ±0.15
    assert np.ptp(percentile_interval(pooled(apart))) > 1.5 * alone


def test_cli_evaluate_json_prints_ci95_beside_each_score(tmp_path):
    words = _dataset_words()
    kv = KeyedVectors(words, np.random.default_rng(2).normal(size=(len(words), 8)))
    path = tmp_path / "vectors.txt"
    from w2v_core.io import save_word2vec_format

    save_word2vec_format(kv, path)
    done = subprocess.run(
        [sys.executable, "-m", "w2v_core", "evaluate", str(path), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    report = json.loads(done.stdout)
    ws = report["ws353"]
    assert ws["ci95"][0] <= ws["spearman"] <= ws["ci95"][1]
    for score in report["scores"]:
        if score["value"] is not None:
            low, high = score["ci95"]
            assert low <= score["value"] <= high
