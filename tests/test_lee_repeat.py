"""benchmarks/lee_repeat.py's verdicts: exploded vectors, hung and failed runs, neighbour overlap.

The benchmark itself (20 seeds x 4 modes + gensim, about 50 minutes) is never run here.
"""

import numpy as np
import pytest

from benchmarks.lee_repeat import COMMAND, EXPLODED, PROBES, TOPN, Run, overlap, summarise
from w2v_core.vectors import KeyedVectors


def planted_vectors(scale: float = 1.0) -> KeyedVectors:
    """Each probe word beside ten words of its own, far from the others."""
    rng = np.random.default_rng(0)
    words, rows = [], []
    for i, probe in enumerate(PROBES):
        centre = np.zeros(len(PROBES) + 4)
        centre[i] = 1.0
        for j, word in enumerate([probe] + [f"{probe}{k}" for k in range(TOPN)]):
            words.append(word)
            rows.append(centre + 0.01 * rng.standard_normal(len(centre)) * (j > 0))
    return KeyedVectors(words, scale * np.array(rows))


def test_the_command_is_the_issues():
    assert " ".join(COMMAND) == (
        "train lee --dim 100 --window 4 --negatives 15 --min-count 5 --epochs 10"
    )


def test_measure_finds_neighbours_and_explosions():
    run = Run("shared w2", 1, 2, 0, 1.0)
    run.measure(planted_vectors())
    assert not run.exploded and run.finite and run.mean_norm == pytest.approx(1.0, abs=0.05)
    assert set(run.neighbours["police"]) == {f"police{k}" for k in range(TOPN)}
    huge = Run("shared w2", 2, 2, 0, 1.0)
    huge.measure(planted_vectors(scale=10 * EXPLODED))
    assert huge.exploded and huge.finite
    assert overlap(run, huge) == 1.0  # same directions: exploded norms, same neighbours
    broken = Run("shared w2", 3, 2, 0, 1.0)
    broken.measure(KeyedVectors(["a", "b"], np.array([[np.inf, 0.0], [1.0, 0.0]])))
    assert broken.exploded and not broken.finite and broken.mean_norm is None
    assert overlap(run, broken) == 0.0


def test_summary_counts_failures_hangs_and_explosions():
    def run(system, seed, code=0, norm=1.0, neighbours=None):
        workers = int(system[-1])
        result = Run(system, seed, workers, code, 2.0, mean_norm=norm, finite=True)
        result.exploded = norm is not None and norm > EXPLODED
        result.neighbours = neighbours or {"fire": [f"w{i}" for i in range(TOPN)]}
        return result

    half = {"fire": [f"w{i}" for i in range(5)] + [f"x{i}" for i in range(5)]}
    runs = [
        run("shared w2", 1, norm=1e12),
        run("shared w2", 2, code=2, norm=None),
        run("shared w2", 3, code=None, norm=None),
        run("per pair w1", 1, neighbours=half),
        run("per pair w1", 2),
        run("per pair w1", 3),
    ]
    runs += [run(f"gensim w{w}", s) for w in (1, 2) for s in (1, 2, 3)]
    summary = summarise(runs, [1, 2, 3])
    shared = summary["shared w2"]
    assert (shared["runs"], shared["exploded"], shared["failed"], shared["hung"]) == (3, 1, 1, 1)
    assert summary["per pair w1"]["exploded"] == 0
    assert summary["per pair w1"]["overlap_with_gensim"] == 1.0  # median of 0.5, 1, 1
    assert summary["gensim w1"]["overlap_with_gensim"] is None  # not against itself
    assert summary["gensim w1"]["overlap_with_itself_next_seed"] == 1.0
