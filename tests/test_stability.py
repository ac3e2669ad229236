"""A fast subset of benchmarks/stability.py: the sliders' worst corner trains, in every mode.

The full benchmark (toy and lee, every extreme, 1 and 2 workers, 3 seeds, gensim beside)
takes many minutes; this runs, on the first 8 lines of Lee (about 2,500 words), the corner
(negatives 25, window 15, batch 4096, learning rate 0.2) whose vectors reached norms of about
10^6 in both modes before the per-row bound, with no error.
"""

from pathlib import Path

import gensim
import numpy as np
import pytest

from benchmarks.stability import EXPLODED, SETTINGS, run_ours
from w2v_core.config import TrainConfig
from w2v_core.corpus import corpus_from_text

LEE = Path(gensim.__file__).parent / "test" / "test_data" / "lee_background.cor"


@pytest.fixture(scope="module")
def lee_text() -> str:
    return "\n".join(LEE.read_text(encoding="utf-8").splitlines()[:8])


@pytest.fixture(scope="module")
def lee_part(lee_text):
    return corpus_from_text(lee_text, name="lee-8")


@pytest.mark.parametrize("shared", [True, False], ids=["shared", "per-pair"])
@pytest.mark.parametrize("setting", ["all at once, lr 0.2", "window 1, neg 25"])
def test_the_worst_slider_corners_train(lee_part, shared, setting):
    values = {"dim": 100, "window": 5, "negatives": 5, "alpha": 0.025, **SETTINGS[setting]}
    config = TrainConfig(**values, epochs=1, min_count=1, seed=1, workers=1,
                         shared_negatives=shared)  # fmt: skip
    diverged, norm, message = run_ours(lee_part, config)
    assert not diverged, message
    assert norm is not None and 0.01 < norm < EXPLODED
    assert np.isfinite(norm)


def test_the_benchmark_trains_ours_as_the_command_line_does(lee_text, tmp_path_factory):
    """The benchmark runs `python -m w2v_core train` in a process of its own.

    On the 8 lines of Lee above, as a text file (the CLI's corpus argument takes a path
    as well as a built-in name): on the built-in toy corpus (313k words) this one
    training took longer than the rest of the file."""
    from benchmarks.stability import cli_flags, run_ours_cli

    text = tmp_path_factory.mktemp("corpus") / "lee-8.txt"
    text.write_text(lee_text, encoding="utf-8")
    work = tmp_path_factory.mktemp("work")
    config = TrainConfig(dim=20, window=15, negatives=25, batch_size=4096, alpha=0.2, epochs=1,
                         min_count=1, seed=1, workers=1, shared_negatives=False)  # fmt: skip
    flags = cli_flags(config)
    assert flags[flags.index("--negatives") + 1] == "25" and flags[-1] == "--per-pair-negatives"
    status, norm, message = run_ours_cli(str(text), config, work, timeout=600)
    assert status == "trained", message
    assert norm is not None and 0.01 < norm < EXPLODED
    assert not list(work.iterdir())  # the model file is removed


def test_a_run_that_does_not_end_is_killed_and_counted_as_hung():
    from benchmarks.stability import run_cli

    code, message, _ = run_cli(["train", "lee", "--epochs", "1000", "--quiet"], timeout=1)
    assert code is None and message.startswith("hung")


def test_the_table_counts_each_system_and_worker_count():
    from benchmarks.stability import Outcome, table

    runs = [
        Outcome("shared", "lee", "neg 25", 2, 1, True, None, 1.0, "training diverged", "diverged"),
        Outcome("shared", "lee", "neg 25", 1, 1, False, 1.0, 1.0),
        Outcome("gensim", "lee", "neg 25", 2, 1, False, 2.0, 1.0),
    ]
    text = table(runs)
    assert "| lee | neg 25 | 1 / 2 | - | 0 / 1 | 1.00 / - / 2.00 |" in text
    assert "| **all, 2 workers** |  | 1 / 1 | - | 0 / 1 |  |" in text
    assert "| **all** |  | 1 / 2 | - | 0 / 1 |  |" in text
    assert "lee, neg 25, shared, 2 worker(s), seed 1: diverged -- training diverged" in text
