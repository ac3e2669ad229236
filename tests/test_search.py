"""Budgeted search: ranges, successive halving on held-out loss, trials recorded, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from planted import planted_text

from w2v_core import ConfigError, TrainConfig
from w2v_core.corpus import corpus_from_text
from w2v_core.search import Range, parse_range, search

REPO = Path(__file__).resolve().parent.parent
BASE = TrainConfig(dim=8, epochs=9, min_count=1, heldout=0.1)


@pytest.fixture(scope="module")
def corpus():
    return corpus_from_text(planted_text(800, seed=4), name="planted")


def test_ranges_parse_into_numbers_or_choices():
    assert parse_range("window=2:10") == Range("window", 2.0, 10.0)
    assert parse_range("alpha=0.001:0.1").log  # learning rates are searched on a log scale
    assert parse_range("shared_negatives=true,false").choices == (True, False)
    for text, message in [
        ("window", "expected SETTING=LOW:HIGH"),
        ("window=10:2", "LOW < HIGH"),
        ("windw=2:5", "cannot sweep 'windw'"),
        ("window=a:5", "takes numbers"),
    ]:
        with pytest.raises(ConfigError, match=message):
            parse_range(text)


def test_search_prunes_weak_trials_and_returns_the_best_complete_one(corpus, tmp_path):
    ended = []
    result = search(
        corpus, BASE, [parse_range("alpha=0.0005:0.3")], budget_seconds=120, max_trials=10,
        cache_dir=tmp_path, on_trial=ended.append,
    )  # fmt: skip
    assert [t.number for t in result.trials] == list(range(10)) and ended == result.trials
    states = {t.state for t in result.trials}
    assert states <= {"complete", "pruned"} and "pruned" in states
    for trial in result.trials:
        assert 0.0005 <= trial.params["alpha"] <= 0.3
        assert trial.run.config.alpha == trial.params["alpha"]
        if trial.state == "pruned":  # stopped at a rung of successive halving: epoch 1 or 3
            assert len(trial.heldout_curve) in (1, 3) and trial.run.stopped
        else:
            assert len(trial.heldout_curve) == BASE.epochs and not trial.run.stopped
    complete = [t for t in result.trials if t.state == "complete"]
    assert result.best.heldout_loss == min(t.heldout_loss for t in complete)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["best"] == result.best.number and len(data["trials"]) == 10
    # Complete trials are cached runs: a second search finds them.
    again = search(corpus, BASE, [Range("alpha", choices=(result.best.params["alpha"],))],
                   budget_seconds=60, max_trials=1, cache_dir=tmp_path)  # fmt: skip
    assert again.trials[0].cached and again.trials[0].heldout_loss == result.best.heldout_loss


def test_the_budget_and_a_user_stop_end_the_search(corpus):
    """The budget runs out while the first trial trains: it is stopped, and no other
    starts.  The test moves the search's clock itself (past the budget at the trial's
    first progress report), so the outcome does not depend on the machine's speed."""
    slow = TrainConfig(dim=8, epochs=200, min_count=1, heldout=0.1)
    now = [0.0]

    def budget_runs_out(_trial: int, _progress) -> None:
        now[0] = 61.0  # one second past the 60 s budget

    result = search(corpus, slow, [parse_range("dim=4:16")], budget_seconds=60,
                    use_cache=False, progress=budget_runs_out, clock=lambda: now[0])  # fmt: skip
    assert len(result.trials) == 1 and result.trials[0].state == "stopped"
    assert result.trials[0].heldout_loss is None or len(result.trials[0].heldout_curve) < 200
    assert result.seconds == 61.0
    stopped = search(corpus, slow, [parse_range("dim=4:16")], budget_seconds=60,
                     use_cache=False, progress=lambda _n, _p: False)  # fmt: skip
    assert len(stopped.trials) == 1 and stopped.trials[0].state == "stopped"


def test_search_needs_heldout_text(corpus):
    with pytest.raises(ConfigError, match="held-out"):
        search(corpus, TrainConfig(), [parse_range("dim=4:8")], budget_seconds=1)


def test_cli_search_and_its_one_line_errors(tmp_path):
    text = tmp_path / "p.txt"
    text.write_text(planted_text(600, seed=1), encoding="utf-8")
    out = tmp_path / "s.json"

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "w2v_core", "search", str(text), *map(str, args)],
            cwd=REPO, capture_output=True, text=True, timeout=120,
            env={**os.environ, "W2V_CACHE_DIR": str(tmp_path / "cache")},
        )  # fmt: skip

    ok = cli("--range", "dim=4:12", "--epochs", "3", "--min-count", "1", "--trials", "3",
             "--minutes", "1", "--json", out)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert len(json.loads(out.read_text())["trials"]) == 3 and "best: trial" in ok.stdout
    for args in (["--range", "dim=9:2"], ["--range", "dim=4:8", "--heldout", "0"], []):
        bad = cli(*args)
        assert bad.returncode == 2 and bad.stdout == "" and "Traceback" not in bad.stderr
        assert len(bad.stderr.splitlines()) == 1 and bad.stderr.startswith("error: ")


def test_a_diverged_trial_fails_and_is_never_a_complete_optuna_trial(corpus, monkeypatch):
    """The trial's training raises the divergence error: the search goes on, the trial is
    'failed' with the message, never the best, and Optuna records it as FAIL."""
    import optuna

    from w2v_core import TrainingDivergedError
    from w2v_core.sweep import train_cached

    studies = []
    create = optuna.create_study
    monkeypatch.setattr(
        optuna, "create_study", lambda **kw: studies.append(create(**kw)) or studies[-1]
    )

    def train(config, callback):
        if config.dim >= 12:
            raise TrainingDivergedError("training diverged at 40% (test): lower the batch size")
        return train_cached(corpus, config, None, callback)

    base = TrainConfig(dim=8, epochs=2, min_count=1, heldout=0.1, workers=1)
    result = search(corpus, base, [Range("dim", choices=(8, 16))], budget_seconds=60,
                    max_trials=4, train=train)  # fmt: skip
    failed = [t for t in result.trials if t.params["dim"] == 16]
    assert failed and all(t.state == "failed" and "diverged" in t.error for t in failed)
    assert result.best is not None and result.best.params["dim"] == 8
    states = {t.number: t.state for t in studies[0].trials}
    assert all(states[t.number] == optuna.trial.TrialState.FAIL for t in failed)
