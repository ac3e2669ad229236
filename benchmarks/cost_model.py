"""Measure what a training costs, to fit :mod:`dashboard.budget`'s cost model.

Trains one epoch of configurations varying dimension, window, negatives and sampling
mode on real text of two sizes (``wiki`` and its first quarter), records the seconds
of each and fits, per sampling mode,

    seconds = c0 + epochs * T * (a + P * (b + c * dim * k))

by non-negative least squares on the relative error: ``T`` the tokens kept by
min-count and subsampling, ``P = window + 1`` (the mean of word2vec's shrunk window,
both sides), ``k = negatives + 1``.  ``--validate`` then trains other configurations
and records estimate vs actual.

Usage::

    python -m benchmarks.cost_model             # writes benchmarks/results/cost_model.json
    python -m benchmarks.cost_model --refit     # fit the stored measurements again
    python -m benchmarks.cost_model --validate  # estimate vs actual on wiki, added to it
"""

from __future__ import annotations

import json
import math
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import nnls

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import budget  # noqa: E402
from w2v_core.corpus import corpus_from_text  # noqa: E402
from w2v_core.errors import W2VError  # noqa: E402
from w2v_core.train import TrainConfig, Trainer  # noqa: E402

OUT = Path(__file__).parent / "results" / "cost_model.json"


def _time(corpus, config: TrainConfig) -> float:
    start = time.perf_counter()
    Trainer(corpus, config).run()
    return time.perf_counter() - start


def _config(dim: int, window: int, negatives: int, shared: bool) -> TrainConfig:
    return TrainConfig(
        dim=dim, window=window, negatives=negatives, shared_negatives=shared,
        epochs=1, min_count=1, workers=1, seed=1,
    )  # fmt: skip


def fit(rows: list[dict], n_fit: int) -> dict:
    """Least-squares coefficients per mode from the first ``n_fit`` rows, and the
    estimate vs actual of the others."""
    for row in rows:  # features from the current model's terms (refits stay consistent)
        row["features"] = budget.features(_config(*row["config"]), row["tokens"])
    coefficients = {}
    for shared in (False, True):
        fit_rows = [r for r in rows[:n_fit] if r["config"][3] == shared]
        x = np.array([r["features"] for r in fit_rows])
        y = np.array([r["seconds"] for r in fit_rows])
        # non-negative least squares on the *relative* error (each row divided by its
        # seconds), columns scaled to 1: short and long runs count alike
        scale = x.max(axis=0)
        solution, _ = nnls(x / scale / y[:, None], np.ones(len(y)))
        coefficients["shared" if shared else "per_pair"] = (solution / scale).tolist()
    model = budget.CostModel(**{k: tuple(v) for k, v in coefficients.items()})
    checks = []
    for row in rows[n_fit:]:
        estimate = model.seconds(_config(*row["config"]), row["tokens"])
        checks.append({"config": row["config"], "actual": row["seconds"], "estimate": estimate,
                       "ratio": estimate / row["seconds"]})  # fmt: skip
    ratios = [c["ratio"] for c in checks] or [math.nan]
    return {
        "coefficients": coefficients,
        "checks": checks,
        "median_ratio": statistics.median(ratios),
        "worst_ratio": max(ratios, key=lambda r: abs(np.log(r))),
    }


#: Checked on a real corpus (wiki, 463k tokens): (dim, window, negatives, shared, sample).
VALIDATE = [(100, 5, 5, True, 1e-3), (50, 5, 5, False, 1e-3), (300, 15, 5, False, 1e-3),
            (200, 10, 10, True, 1e-3)]  # fmt: skip


def validate() -> list[dict]:
    """Estimate vs actual, one epoch each, on the built-in ``wiki`` corpus."""
    from w2v_core.corpus import load_corpus

    corpus = load_corpus("wiki")
    checks = []
    for dim, window, negatives, shared, sample in VALIDATE:
        config = TrainConfig(dim=dim, window=window, negatives=negatives, sample=sample,
                             shared_negatives=shared, epochs=1, min_count=5, workers=1)  # fmt: skip
        estimate = budget.MEASURED.seconds(config, budget.kept_tokens(corpus, config))
        try:
            actual = _time(corpus, config)
        except W2VError as error:  # a diverging configuration has no time to compare
            checks.append({"config": [dim, window, negatives, shared, sample], "error": str(error)})
            continue
        checks.append({"config": [dim, window, negatives, shared, sample], "actual": actual,
                       "estimate": estimate, "ratio": estimate / actual})  # fmt: skip
        print(checks[-1], flush=True)
    return checks


#: The fitted design: (dim, window, negatives) per mode, on two sizes of real text.
DESIGN = [(20, 2, 2), (100, 5, 5), (300, 5, 5), (100, 10, 5), (100, 5, 15), (50, 2, 10)]


def _wiki_part(corpus, share: float):
    """The first ``share`` of a corpus's sentences, as a corpus (another size of T)."""

    lines = [" ".join(sentence) for sentence in corpus.sentences()]
    return corpus_from_text("\n".join(lines[: int(len(lines) * share)]), name="wiki part")


def main() -> None:
    if "--validate" in sys.argv:
        summary = json.loads(OUT.read_text())
        summary["wiki_checks"] = validate()
        OUT.write_text(json.dumps(summary, indent=1))
        return
    if "--refit" in sys.argv:  # fit the stored measurements again (new model terms)
        summary = json.loads(OUT.read_text())
        summary.update(fit(summary["rows"], summary["n_fit"]))
        OUT.write_text(json.dumps(summary, indent=1))
        print(json.dumps({k: summary[k] for k in ("coefficients", "median_ratio", "worst_ratio")}))
        return
    from w2v_core.corpus import load_corpus

    wiki = load_corpus("wiki")
    corpora = [_wiki_part(wiki, 0.25), wiki]
    rows = []
    runs = [(c, d, s) for c in corpora for d in DESIGN for s in (False, True)]
    random.Random(1).shuffle(runs)  # interleaved: the machine's load drifts over time
    for corpus, (dim, window, negatives), shared in runs:
        config = TrainConfig(dim=dim, window=window, negatives=negatives, sample=1e-3,
                             shared_negatives=shared, epochs=1, min_count=5, workers=1)  # fmt: skip
        seconds = _time(corpus, config)
        tokens = budget.kept_tokens(corpus, config)
        rows.append({"config": [dim, window, negatives, shared], "seconds": seconds,
                     "tokens": tokens, "corpus_tokens": corpus.n_tokens})  # fmt: skip
        print(rows[-1], flush=True)
    summary = {"n_fit": len(rows), "rows": rows,
               "note": "1 worker, one epoch each, min-count 5, sample 1e-3, wiki and its "
                       "first quarter; a shared 2-core machine, busy with other jobs"}  # fmt: skip
    summary.update(fit(rows, len(rows)))
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(summary, indent=1))
    print(json.dumps({k: summary[k] for k in ("coefficients",)}))


if __name__ == "__main__":
    main()
