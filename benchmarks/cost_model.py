"""Measure what a training costs and fit :mod:`dashboard.budget`'s cost model.

One command, a few minutes (re-run it whenever the engine gets faster)::

    python -m benchmarks.cost_model --fit     # measure, fit, check on fresh runs
    python -m benchmarks.cost_model --check   # fresh runs against the current model
    python -m benchmarks.cost_model --refit   # fit the stored measurements again

``--fit`` trains :data:`N_FIT` configurations drawn at random across the sidebar's
slider ranges (dimension, window, negatives, epochs, min-count, subsampling, pairs
per step, both sampling modes, one or two processes) on random prefixes of the ``wiki``
corpus (shrunk if a run would take over :data:`FIT_SECONDS`: runs of every length,
so that start-up and per-token costs can be told apart); fits, per sampling mode,

    seconds = c0 + c1 N + epochs * (Σ_i w_i f_i) / speedup(workers)

(:mod:`dashboard.budget`: the terms ``f``) by non-negative least squares on the
log of estimate / actual, with the two-process speed-up chosen on a grid; writes the
coefficients to ``dashboard/cost_model.json`` (what the app reads) and then trains
:data:`N_CHECK` *other* random configurations (another seed; ``toy`` and wiki
prefixes up to the whole corpus) to record estimate / actual on runs the fit never
saw.  Everything goes to ``benchmarks/results/cost_model.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import least_squares, nnls

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import budget  # noqa: E402
from dashboard.presets import BATCH_CHOICES, SAMPLE_CHOICES, SLIDERS  # noqa: E402
from w2v_core.corpus import Corpus, corpus_from_text  # noqa: E402
from w2v_core.errors import W2VError  # noqa: E402
from w2v_core.train import TrainConfig, Trainer  # noqa: E402

OUT = Path(__file__).parent / "results" / "cost_model.json"
N_FIT = 40
N_CHECK = 16
#: Seconds a fitted run may take at most (by the fixed prior; its prefix shrinks).
FIT_SECONDS = 12.0
#: Seconds a checked run may take at most (the longest show the long end holds).
CHECK_SECONDS = 40.0
SHARES = (0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0)
SPEEDUPS = np.linspace(1.0, 2.0, 21)


def random_config(rng: random.Random) -> dict[str, Any]:
    """Settings drawn across the sidebar's ranges (log-uniform where the cost is)."""

    def log_int(name: str) -> int:
        low, high, step = SLIDERS[name]
        value = math.exp(rng.uniform(math.log(low), math.log(high)))
        return int(max(low, min(high, round(value / step) * step)))

    return {
        "dim": log_int("dim"), "window": rng.randint(1, SLIDERS["window"][1]),
        "negatives": log_int("negatives"), "epochs": rng.choice([1, 1, 2, 3]),
        "min_count": rng.choice([1, 5, 5, 20]),
        "sample": rng.choice([s for s in SAMPLE_CHOICES if s >= 1e-4] + [1e-3]),
        "batch_size": rng.choice([0, 0, 0, *BATCH_CHOICES[:3]]),
        "shared_negatives": rng.random() < 0.5, "workers": rng.choice([1, 1, 2]),
        "alpha": 0.025, "seed": rng.randint(1, 10_000),
    }  # fmt: skip


class Corpora:
    """``toy`` and prefixes of ``wiki`` (another corpus size for every share), built once."""

    def __init__(self) -> None:
        from w2v_core.corpus import load_corpus

        self._wiki = load_corpus("wiki")
        self._lines = [" ".join(sentence) for sentence in self._wiki.sentences()]
        self._made: dict[float, Corpus] = {1.0: self._wiki}
        self.toy = load_corpus("toy")

    def share(self, share: float) -> Corpus:
        if share not in self._made:
            lines = self._lines[: max(1, int(len(self._lines) * share))]
            self._made[share] = corpus_from_text("\n".join(lines), name=f"wiki {share:g}")
        return self._made[share]

    def sized(self, config: TrainConfig, share: float, cap: float) -> Corpus:
        """The prefix of ``share`` (or a smaller one) whose estimate by
        :data:`~dashboard.budget.FALLBACK` (a fixed prior: the same design on every
        re-run) is at most ``cap`` seconds."""
        shares = [s for s in SHARES if s <= share]
        for smaller in reversed(shares):
            corpus = self.share(smaller)
            if budget.corpus_seconds(config, corpus, budget.FALLBACK) <= cap:
                return corpus
        return self.share(SHARES[0])


def measure(corpus: Corpus, values: dict[str, Any]) -> dict[str, Any]:
    """Train once; the row of facts the fit needs (``error`` if it diverged)."""
    config = TrainConfig(**values)
    processes = budget.effective_processes(corpus, config)
    row: dict[str, Any] = {"config": values, "corpus": corpus.name, "workers": processes,
                           "corpus_tokens": corpus.n_tokens,
                           "tokens": budget.kept_tokens(corpus, config)}  # fmt: skip
    start = time.perf_counter()
    try:
        Trainer(corpus, config).run()
    except W2VError as error:  # a diverging configuration stops early: no time to use
        row["error"] = str(error)
        return row
    row["seconds"] = time.perf_counter() - start
    return row


def _terms(row: dict[str, Any], model_speedup: float) -> np.ndarray:
    config = TrainConfig(**row["config"])
    epoch = np.array(budget.epoch_features(config, row["tokens"]))
    speedup = 1.0 + (model_speedup - 1.0) * (row["workers"] - 1)
    return np.concatenate((budget.run_features(row["corpus_tokens"], row["workers"]),
                           config.epochs * epoch / speedup))  # fmt: skip


def _design(rows: list[dict[str, Any]], speedup: float) -> np.ndarray:
    """One column block per sampling mode (its run and epoch terms), and one column,
    shared by both modes, for starting the worker processes (``pool``): few per-pair
    rows train with two processes, and that start-up does not depend on the mode."""
    pool = budget.RUN_TERMS.index("pool")
    width = len(budget.RUN_TERMS) - 1 + len(budget.EPOCH_TERMS)
    x = np.zeros((len(rows), 2 * width + 1))
    for i, row in enumerate(rows):
        terms = _terms(row, speedup)
        own = np.delete(terms, pool)
        at = width if row["config"]["shared_negatives"] else 0
        x[i, at : at + width] = own
        x[i, -1] = terms[pool]
    return x


def fit(rows: list[dict[str, Any]]) -> budget.CostModel:
    """Non-negative coefficients minimising the squared *log* ratio estimate / actual
    (over- and under-estimates alike; started from NNLS on the relative error), for
    each two-process speed-up on a grid; the best, as one
    :class:`~dashboard.budget.ModeCost` per sampling mode."""
    usable = [r for r in rows if "seconds" in r]
    y = np.array([r["seconds"] for r in usable])
    best: tuple[float, np.ndarray, float] | None = None
    for speedup in SPEEDUPS:
        x = _design(usable, speedup)
        scale = np.where(x.max(axis=0) > 0, x.max(axis=0), 1.0)
        xs = x / scale
        start, _ = nnls(xs / y[:, None], np.ones(len(y)))

        def log_ratio(c: np.ndarray, xs: np.ndarray = xs) -> np.ndarray:
            return np.log(np.maximum(xs @ c, 1e-9) / y)

        solved = least_squares(log_ratio, start + 1e-9, bounds=(0.0, np.inf))
        error = float(np.sum(log_ratio(solved.x) ** 2))
        if best is None or error < best[0]:
            best = (error, solved.x / scale, float(speedup))
    assert best is not None
    _, c, speedup = best
    n_run = len(budget.RUN_TERMS) - 1  # without the shared pool column
    width = n_run + len(budget.EPOCH_TERMS)

    def mode(at: int) -> budget.ModeCost:
        run = [*c[at : at + n_run]]
        run.insert(budget.RUN_TERMS.index("pool"), c[-1])
        return budget.ModeCost(tuple(run), tuple(c[at + n_run : at + width]), speedup)

    return budget.CostModel(per_pair=mode(0), shared=mode(width))


def ratios(rows: list[dict[str, Any]], model: budget.CostModel) -> list[dict[str, Any]]:
    """Estimate / actual of every timed row."""
    checked = []
    for row in rows:
        if "seconds" not in row:
            continue
        config = TrainConfig(**row["config"])
        estimate = model.seconds(config, row["tokens"], row["corpus_tokens"], row["workers"])
        checked.append({**row, "estimate": estimate, "ratio": estimate / row["seconds"]})
    return checked


def summary(checked: list[dict[str, Any]]) -> dict[str, Any]:
    """Median and range of estimate / actual, per sampling mode."""
    out: dict[str, Any] = {}
    for mode, shared in (("per_pair", False), ("shared", True)):
        values = [c["ratio"] for c in checked if c["config"]["shared_negatives"] == shared]
        if values:
            out[mode] = {"runs": len(values), "median": statistics.median(values),
                         "min": min(values), "max": max(values)}  # fmt: skip
    return out


def run_many(corpora: Corpora, n: int, seed: int, cap: float,
             toy_every: int = 0) -> list[dict[str, Any]]:  # fmt: skip
    """``n`` random configurations, each on a random prefix of wiki (smaller if it
    would take over ``cap`` seconds), or on ``toy``: runs of every length, so that
    the start-up and the per-token terms can be told apart."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        values = random_config(rng)
        share = rng.choice(SHARES)
        config = TrainConfig(**values)
        use_toy = toy_every and i % toy_every == 0
        corpus = corpora.toy if use_toy else corpora.sized(config, share, cap)
        rows.append(measure(corpus, values))
        shown = {k: rows[-1].get(k) for k in ("corpus", "workers", "seconds", "error")}
        print(i, values, shown, flush=True)
    return rows


def check(corpora: Corpora, model: budget.CostModel) -> dict[str, Any]:
    """Fresh configurations (a seed the fit never used), estimate vs actual."""
    rows = run_many(corpora, N_CHECK, seed=2026, cap=CHECK_SECONDS, toy_every=5)
    checked = ratios(rows, model)
    return {"check_rows": checked, "check": summary(checked)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.cost_model",
        description="Measure what a training costs and fit the app's cost model.",
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--fit", action="store_true", help="measure, fit, check on fresh runs")
    what.add_argument("--check", action="store_true", help="fresh runs against the current model")
    what.add_argument("--refit", action="store_true", help="fit the stored measurements again")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stored = json.loads(OUT.read_text()) if OUT.exists() else {}
    if args.refit:  # new model terms: fit the stored runs, check the stored checks
        model = fit(stored["fit_rows"])
        stored["fit"] = summary(ratios(stored["fit_rows"], model))
        stored["check_rows"] = ratios(stored["check_rows"], model)
        stored["check"] = summary(stored["check_rows"])
    else:
        corpora = Corpora()
        if args.fit:
            rows = run_many(corpora, N_FIT, seed=1, cap=FIT_SECONDS, toy_every=7)
            model = fit(rows)
            stored = {"fit_rows": rows, "fit": summary(ratios(rows, model))}
        else:
            model = budget.MEASURED
        stored.update(check(corpora, model))
    budget.MODEL_FILE.write_text(json.dumps(model.to_json(), indent=1) + "\n")
    stored["model"] = model.to_json()
    stored["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    stored["load_average"] = Path("/proc/loadavg").read_text().split()[:3]
    stored["minutes"] = (time.perf_counter() - started) / 60
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(stored, indent=1) + "\n")
    print(json.dumps({k: stored.get(k) for k in ("fit", "check", "model", "minutes")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
