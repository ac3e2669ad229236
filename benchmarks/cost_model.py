"""Measure what a training costs, to fit :mod:`dashboard.budget`'s cost model.

Trains one epoch of many configurations (dimension, window, negatives, sampling mode,
workers) on a planted corpus and records the seconds of each, then fits

    seconds = tokens * epochs * (a + pairs_per_token * (b + c * dim * k)) / speedup(workers)

per sampling mode by least squares, where ``tokens`` are the tokens kept by min-count
and subsampling, ``pairs_per_token = window + 1`` (the mean of word2vec's shrunk window,
both sides) and ``k = negatives + 1`` (per-pair negatives) or ``1`` with shared
negatives (the pool is scored once per step, a cost the ``b`` term absorbs).  The last
part trains a held-out set of configurations and reports estimate vs actual.

Usage::

    python -m benchmarks.cost_model            # writes benchmarks/results/cost_model.json
"""

from __future__ import annotations

import itertools
import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import budget  # noqa: E402
from w2v_core.corpus import corpus_from_text  # noqa: E402
from w2v_core.train import TrainConfig, Trainer  # noqa: E402

OUT = Path(__file__).parent / "results" / "cost_model.json"


def _corpus(n_sentences: int = 6000):
    rng = random.Random(0)
    words = [f"w{i}" for i in range(3000)]
    weights = [1 / (i + 1) for i in range(len(words))]  # Zipf-like
    lines = [" ".join(rng.choices(words, weights, k=20)) for _ in range(n_sentences)]
    return corpus_from_text("\n".join(lines), name="zipf")


def _time(corpus, config: TrainConfig) -> float:
    start = time.perf_counter()
    Trainer(corpus, config).run()
    return time.perf_counter() - start


def main() -> None:
    corpus = _corpus()
    rows = []
    grid = list(itertools.product([20, 100, 300], [2, 5, 10], [2, 5, 15], [False, True]))
    random.Random(1).shuffle(grid)
    fit_set, check_set = grid[:40], grid[40:48]
    for dim, window, negatives, shared in fit_set + check_set:
        config = TrainConfig(
            dim=dim, window=window, negatives=negatives, shared_negatives=shared,
            epochs=1, min_count=1, workers=1, seed=1,
        )  # fmt: skip
        seconds = _time(corpus, config)
        features = budget.features(config, budget.kept_tokens(corpus, config))
        rows.append({"config": [dim, window, negatives, shared], "seconds": seconds,
                     "features": features})  # fmt: skip
        print(dim, window, negatives, shared, f"{seconds:.2f} s", flush=True)
    coefficients = {}
    for shared in (False, True):
        fit = [r for r in rows[: len(fit_set)] if r["config"][3] == shared]
        x = np.array([r["features"] for r in fit])
        y = np.array([r["seconds"] for r in fit])
        solution, *_ = np.linalg.lstsq(x, y, rcond=None)
        coefficients["shared" if shared else "per_pair"] = [max(0.0, v) for v in solution]
    model = budget.CostModel(**{k: tuple(v) for k, v in coefficients.items()})
    checks = []
    for row in rows[len(fit_set):]:
        dim, window, negatives, shared = row["config"]
        config = TrainConfig(dim=dim, window=window, negatives=negatives,
                             shared_negatives=shared, epochs=1, min_count=1, workers=1)  # fmt: skip
        estimate = model.seconds(config, budget.kept_tokens(corpus, config))
        checks.append({"config": row["config"], "actual": row["seconds"], "estimate": estimate,
                       "ratio": estimate / row["seconds"]})  # fmt: skip
    ratios = [c["ratio"] for c in checks]
    summary = {
        "tokens": corpus.n_tokens,
        "coefficients": coefficients,
        "checks": checks,
        "median_ratio": statistics.median(ratios),
        "worst_ratio": max(ratios, key=lambda r: abs(np.log(r))),
        "rows": rows,
        "note": "1 worker; measured on a shared 2-core machine (busy: other jobs ran)",
    }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(summary, indent=1))
    print(json.dumps({k: summary[k] for k in ("coefficients", "median_ratio", "worst_ratio")}))


if __name__ == "__main__":
    main()
