"""What "is this neighbour real?" and "what changed?" cost: stability and compare.

Two workloads:

* ``wiki`` (the built-in corpus, ~463k tokens): train ``--seeds`` runs of one
  configuration (the default settings, 2 workers) in a temporary run cache, then time
  :func:`w2v_core.stability.word_stability` for one word,
  :func:`~w2v_core.stability.frequent_stability` over the 1,000 most frequent words,
  and :func:`w2v_core.compare.compare` of seed 1 against seed 2 over every shared word;
* ``70k``: two 70,000-word, 100-dimension vector sets (random Gaussian rows, the second
  a rotated and perturbed copy of the first: the cost of both measures depends on the
  sizes only), timing :func:`~w2v_core.compare.compare` over the 10,000 most frequent
  shared words (its default) and :func:`~w2v_core.stability.frequent_stability` of three
  such sets (neighbours searched among all 70,000), then comparing all 70,000 words
  (``--full-repeats`` times: it is the costly one).

Every analysis figure is the median of ``--repeats`` runs (interleaved: one repeat of
each task, then the next).  There is no gensim counterpart to compare against, so each
cost is also stated as a ratio to the training of one wiki run (what a user pays
anyway).  The numbers go to docs/benchmarks.md; they are never asserted in pytest.

Usage::

    python -m benchmarks.seeds_and_changes --json benchmarks/results/seeds-and-changes.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks._measure import machine_info  # noqa: E402
from w2v_core.compare import compare  # noqa: E402
from w2v_core.corpus import load_corpus  # noqa: E402
from w2v_core.stability import frequent_stability, train_seeds, word_stability  # noqa: E402
from w2v_core.train import TrainConfig  # noqa: E402
from w2v_core.vectors import KeyedVectors  # noqa: E402


def _timed(task: Callable[[], Any]) -> float:
    start = time.perf_counter()
    task()
    return time.perf_counter() - start


def interleaved(tasks: dict[str, Callable[[], Any]], repeats: int) -> dict[str, dict]:
    """Median and all times of each task, one repeat of every task at a time."""
    times: dict[str, list[float]] = {name: [] for name in tasks}
    for _ in range(repeats):
        for name, task in tasks.items():
            times[name].append(_timed(task))
    return {n: {"median_s": statistics.median(t), "runs_s": t} for n, t in times.items()}


def synthetic_pair(words: int, dim: int, seed: int = 0) -> tuple[KeyedVectors, KeyedVectors]:
    """Two vector sets of ``words`` rows: B = A turned by a random rotation, plus noise."""
    rng = np.random.default_rng(seed)
    names = [f"w{i}" for i in range(words)]
    a = rng.normal(size=(words, dim)).astype(np.float32)
    q, _ = np.linalg.qr(rng.normal(size=(dim, dim)))
    b = (a @ q.astype(np.float32)) + 0.3 * rng.normal(size=a.shape).astype(np.float32)
    return KeyedVectors(names, a), KeyedVectors(names, b)


def wiki_workload(seeds: int, repeats: int, word: str) -> dict[str, Any]:
    corpus = load_corpus("wiki")
    config = TrainConfig(workers=2)
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        models = train_seeds(corpus, config, seeds, cache_dir=cache)
        training = time.perf_counter() - start
        again = _timed(lambda: train_seeds(corpus, config, seeds, cache_dir=cache))
    kvs = [m.wv for m in models]
    tasks = {
        "word_stability": lambda: word_stability(kvs, word),
        "frequent_stability_1000": lambda: frequent_stability(kvs, 1000),
        "compare_all_shared": lambda: compare(kvs[0], kvs[1], max_words=None),
    }
    timings = interleaved(tasks, repeats)
    per_run = training / seeds
    for figure in timings.values():
        figure["ratio_to_one_training"] = figure["median_s"] / per_run
    return {
        "tokens": corpus.n_tokens,
        "vocabulary": len(kvs[0]),
        "seeds": seeds,
        "training_s": training,
        "training_per_seed_s": per_run,
        "cached_again_s": again,
        "word": word,
        "stability": word_stability(kvs, word).stability,
        "analysis": timings,
    }


def large_workload(
    words: int, repeats: int, per_run: float | None, full_repeats: int = 1
) -> dict[str, Any]:
    """The 70k-word figures; comparing *every* word (``words`` squared cosines) is timed
    ``full_repeats`` times after the others (0: not at all), as it costs the most."""
    a, b = synthetic_pair(words, 100)
    c = synthetic_pair(words, 100, seed=1)[1]
    tasks = {
        "compare_10000": lambda: compare(a, b, max_words=10_000),
        "frequent_stability_1000_3_runs": lambda: frequent_stability([a, b, c], 1000),
    }
    timings = interleaved(tasks, repeats)
    if full_repeats:
        full = {f"compare_all_{words}": lambda: compare(a, b, max_words=None)}
        timings.update(interleaved(full, full_repeats))
    if per_run:
        for figure in timings.values():
            figure["ratio_to_one_wiki_training"] = figure["median_s"] / per_run
    return {"words": words, "dim": 100, "analysis": timings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--words", type=int, default=70_000)
    parser.add_argument(
        "--full-repeats", type=int, default=1, help="repeats of comparing all --words words"
    )
    parser.add_argument("--skip-wiki", action="store_true", help="only the 70k-word figures")
    parser.add_argument("--word", default="city", help="the wiki word whose stability is timed")
    parser.add_argument("--json", default=None, help="write the results here")
    args = parser.parse_args(argv)
    wiki = None if args.skip_wiki else wiki_workload(args.seeds, args.repeats, args.word)
    print(json.dumps(wiki, indent=2), flush=True)
    per_run = None if wiki is None else wiki["training_per_seed_s"]
    large = large_workload(args.words, args.repeats, per_run, args.full_repeats)
    print(json.dumps(large, indent=2), flush=True)
    busy = "measured on a shared 2-core machine while other work ran (busy)"
    result = {"machine": machine_info(), "wiki": wiki, "large": large, "note": busy}
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
