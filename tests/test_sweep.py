"""Sweeps: value parsing, the grid, and `python -m w2v_core sweep` through real subprocesses
(JSON shape, runs cached and reused by a later sweep, one-line errors)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from planted import planted_text

from w2v_core import ConfigError, TrainConfig
from w2v_core.corpus import corpus_from_text
from w2v_core.sweep import best, grid, parse_values, summarise
from w2v_core.train import run_key, train

REPO = Path(__file__).resolve().parent.parent
FAST = ["--dim", "10", "--epochs", "2", "--min-count", "1", "--sample", "0"]


def sweep_cli(*args: str | Path, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "w2v_core", "sweep", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "W2V_CACHE_DIR": str(cache)},
    )


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sweep") / "planted.txt"
    path.write_text(planted_text(1500, seed=2), encoding="utf-8")
    return path


def test_values_are_typed_like_the_setting():
    assert parse_values("window", "2, 5,10") == [2, 5, 10]
    assert parse_values("alpha", "0.01,0.05") == [0.01, 0.05]
    assert parse_values("shared_negatives", "off,on") == [False, True]
    assert parse_values("max_vocab", "none,100") == [None, 100]
    for param, text, message in [
        ("windows", "2", "cannot sweep 'windows'"),
        ("log_every", "2", "cannot sweep"),
        ("window", "", "no values"),
        ("window", "2,,5", "empty value"),
        ("window", "2,x", "takes numbers"),
        ("window", "2.5", "whole numbers"),
        ("window", "2,2", "repeated"),
        ("shared_negatives", "maybe", "true/false"),
    ]:
        with pytest.raises(ConfigError, match=message):
            parse_values(param, text)


def test_grid_is_every_combination_validated():
    configs = grid(TrainConfig(), [("window", [2, 5]), ("dim", [10, 20, 30])])
    assert [(c.window, c.dim) for c in configs] == [
        (2, 10), (2, 20), (2, 30), (5, 10), (5, 20), (5, 30),
    ]  # fmt: skip
    with pytest.raises(ConfigError, match="window must be between"):
        grid(TrainConfig(), [("window", [2, 0])])
    with pytest.raises(ConfigError, match="must differ"):
        grid(TrainConfig(), [("window", [2]), ("window", [3])])


def test_best_picks_lowest_loss_and_highest_benchmark():
    corpus = corpus_from_text(planted_text(400), name="p")
    runs = [
        summarise(train(corpus, TrainConfig(dim=8, epochs=e, min_count=1, heldout=0.1)), {"e": e})
        for e in (1, 3)
    ]
    assert runs[0].heldout_loss > runs[1].heldout_loss
    assert best(runs, "heldout_loss") is runs[1]
    runs[0].scores["ws353"], runs[1].scores["ws353"] = 0.4, 0.2
    assert best(runs, "ws353") is runs[0]
    assert best(runs, "simlex999") is None  # planted words cover none of SimLex


def test_cli_sweep_writes_json_and_a_second_sweep_reuses_cached_runs(corpus_file, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out.json"
    first = sweep_cli(corpus_file, "--param", "window", "--values", "1,3", *FAST,
                      "--json", out, cache=cache)  # fmt: skip
    assert first.returncode == 0, first.stderr
    data = json.loads(out.read_text())
    assert data["param"] == "window" and data["values"] == [1, 3]
    assert [run["value"] for run in data["runs"]] == [1, 3]
    for run in data["runs"]:
        assert run["config"]["window"] == run["value"] and run["config"]["dim"] == 10
        assert run["config"]["heldout"] == 0.05  # held-out loss is on in sweeps
        assert run["seconds"] > 0 and run["words_per_sec"] > 0 and not run["cached"]
        assert 0 < run["heldout_loss"] < 10 and 0 < run["final_loss"] < 10
        assert set(run["scores"]) >= {"ws353", "simlex999", "analogies", "toy_analogies"}
        assert run["scores"]["ws353"] is None  # a planted corpus covers no WordSim pair
    # The table: a header, one line per run as it finishes, the best run.
    lines = first.stdout.splitlines()
    assert lines[1].split()[:5] == ["window", "seconds", "words/s", "loss", "held-out"]
    assert [line.split()[0] for line in lines[2:4]] == ["1", "3"]
    assert re.search(r"best by heldout loss: window=[13] \(\d\.\d{4}\)", first.stdout)
    # Cached under the one run key (the app's registry finds them under the same names).
    cached_models = sorted(p.name for p in (cache / "runs").glob("*.npz"))
    fingerprint = data["corpus"]["fingerprint"]
    configs = [TrainConfig.from_dict(run["config"]) for run in data["runs"]]
    assert cached_models == sorted(f"{run_key(fingerprint, c)}.npz" for c in configs)

    # window=3 is shared: reused (same numbers, marked cached); window=5 is trained.
    second = sweep_cli(corpus_file, "--param", "window", "--values", "3,5", *FAST,
                       "--json", out, cache=cache)  # fmt: skip
    assert second.returncode == 0, second.stderr
    again = json.loads(out.read_text())["runs"]
    assert [run["cached"] for run in again] == [True, False]
    assert again[0]["heldout_loss"] == data["runs"][1]["heldout_loss"]
    assert again[0]["seconds"] == data["runs"][1]["seconds"]  # the cached run's own time
    assert "cached" in second.stdout.splitlines()[2]
    assert len(list((cache / "runs").glob("*.npz"))) == 3


def test_cli_grid(corpus_file, tmp_path):
    out = tmp_path / "grid.json"
    result = sweep_cli(corpus_file, "--param", "window", "--values", "1,2", "--param2", "dim",
                       "--values2", "4,8", "--epochs", "1", "--min-count", "1", "--no-cache",
                       "--json", out, cache=tmp_path / "c")  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["param2"] == "dim" and data["values2"] == [4, 8]
    cells = [(run["value"], run["value2"]) for run in data["runs"]]
    assert cells == [(1, 4), (1, 8), (2, 4), (2, 8)]
    assert all(run["config"]["dim"] == run["value2"] for run in data["runs"])
    assert not (tmp_path / "c" / "runs").exists()  # --no-cache


@pytest.mark.parametrize(
    "args, pattern",
    [
        (["--param", "windw", "--values", "2"], r"cannot sweep 'windw'; choose one of: dim,"),
        (["--param", "window", "--values", "2,abc"], r"window takes numbers, got 'abc'"),
        (["--param", "window", "--values", "0,2"], r"window must be between 1 and 50"),
        (["--param", "window", "--values", "2", "--param2", "dim"], r"go together"),
        (["--param", "dim", "--values", "2", "--json", "/nonexistent/x.json"], r"does not exist"),
    ],
)
def test_cli_bad_sweeps_are_one_line_and_exit_2(args, pattern, corpus_file, tmp_path):
    result = sweep_cli(corpus_file, *args, cache=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and re.search(pattern, lines[0]), result.stderr


class _PoisonedTrainer:
    """A real Trainer whose weights are non-finite when alpha is 0.2: a run that diverges."""

    def __new__(cls, corpus, config):
        from w2v_core.train import Trainer

        trainer = Trainer(corpus, config)
        if config.alpha == 0.2:
            trainer.w_in[:] = float("nan")
        return trainer


def test_a_diverged_run_is_failed_never_scored_ranked_or_cached(monkeypatch, tmp_path):
    """One corner of a sweep diverges: the sweep goes on, that run carries the error,
    has no scores, is never the best and leaves nothing in the cache."""
    from w2v_core import sweep as sweep_module

    monkeypatch.setattr(sweep_module, "Trainer", _PoisonedTrainer)
    corpus = corpus_from_text(planted_text(300, seed=1))
    base = TrainConfig(dim=8, epochs=2, min_count=1, sample=0, workers=1)
    result = sweep_module.sweep(corpus, base, [("alpha", [0.025, 0.2])], cache_dir=tmp_path)
    good, bad = result.runs
    assert good.error is None and good.final_loss is not None
    assert "diverged" in bad.error and "lower the learning rate" in bad.error
    assert bad.final_loss is None and bad.scores == {}
    assert best(result.runs, "final_loss") is good
    assert json.loads(json.dumps(result.to_dict()))["runs"][1]["error"] == bad.error
    cached = {p.stem for p in (tmp_path / "runs").glob("*.npz")}
    config_of = {run.config.alpha: run.config for run in result.runs}
    assert run_key(corpus.fingerprint, config_of[0.025]) in cached
    assert run_key(corpus.fingerprint, config_of[0.2]) not in cached
