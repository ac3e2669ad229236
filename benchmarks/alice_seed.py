"""The seed project's published neighbours beside ours, on the seed's own corpus.

Trains the "As in the seed (Alice)" preset (:data:`w2v_core.presets.SEED`, one
process) with several seeds (``--shared``: also with our shared negatives), and
gensim's skip-gram with the same settings as a referee, then prints, for each word of
the seed's table, the neighbours for seed 1 and, over all seeds, how often each of the
seed's neighbours is among the 10 nearest and its median cosine.  No timing: this
measures what is learned, not speed.

Usage (from the repository root; the book is fetched once, see w2v_core.alice)::

    python -m benchmarks.alice_seed --seeds 20 --shared --json benchmarks/results/alice-seed.json
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

import numpy as np

from w2v_core.corpus import load_corpus
from w2v_core.evaluate import train_gensim
from w2v_core.presets import SEED
from w2v_core.train import train

#: The seed's README: target -> its published neighbours and cosines.
PUBLISHED: dict[str, list[tuple[str, float]]] = {
    "rabbit": [("white", 0.71), ("hole", 0.59), ("trumpet", 0.57), ("kid", 0.55)],
    "queen": [("guests", 0.49), ("knave", 0.47), ("hearts", 0.46)],
    "hatter": [("suit", 0.49), ("king", 0.47), ("teacup", 0.46), ("butter", 0.45)],
}
TOP = 10


def _neighbours(words: list[str], vectors: np.ndarray, target: str) -> list[tuple[str, float]]:
    """All words by cosine with `target`, nearest first (the target left out)."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    index = {w: i for i, w in enumerate(words)}
    cosines = unit @ unit[index[target]]
    order = [i for i in np.argsort(-cosines, kind="stable") if i != index[target]]
    return [(words[i], float(cosines[i])) for i in order]


def ours(corpus, seed: int) -> tuple[list[str], np.ndarray]:
    model = train(corpus, SEED.config(seed=seed))
    return list(model.vocab.words), model.w_in


def ours_shared(corpus, seed: int) -> tuple[list[str], np.ndarray]:
    """The preset with our fast default, one shared pool of negatives per step."""
    model = train(corpus, SEED.config(seed=seed, shared_negatives=True))
    return list(model.vocab.words), model.w_in


def gensims(corpus, seed: int) -> tuple[list[str], np.ndarray]:
    """gensim 4 with the preset's settings (w2v_core.evaluate's one mapping), one worker."""
    kv = train_gensim(corpus, SEED.config(seed=seed), workers=1).kv
    return list(kv.words), kv.vectors


def measure(corpus, system, seeds: list[int]) -> dict:
    """Per target: seed 1's top 4, and each published neighbour's rank-10 share and median
    cosine over `seeds`; the two checks of tests/test_alice.py, counted."""
    ranked = {t: [] for t in PUBLISHED}
    for seed in seeds:
        words, vectors = system(corpus, seed)
        for target in PUBLISHED:
            ranked[target].append(_neighbours(words, vectors, target))
    result = {"seeds": seeds, "targets": {}}
    for target, runs in ranked.items():
        published = {}
        for word, _ in PUBLISHED[target]:
            top = [word in [w for w, _ in run[:TOP]] for run in runs]
            cosines = [dict(run).get(word, float("nan")) for run in runs]
            published[word] = {"in_top10": sum(top), "median_cosine": statistics.median(cosines)}
        result["targets"][target] = {"first_seed_top4": runs[0][:4], "published": published}
    result["rabbit_white_top3"] = sum(
        "white" in [w for w, _ in run[:3]] for run in ranked["rabbit"]
    )
    result["queen_hearts_or_knave_top10"] = sum(
        bool({"hearts", "knave"} & {w for w, _ in run[:TOP]}) for run in ranked["queen"]
    )
    return result


def _pairs(pairs) -> str:
    return ", ".join(f"{w} ({c:.2f})" for w, c in pairs)


def table(results: dict[str, dict]) -> str:
    """The README's table: the seed's published neighbours beside each system's (seed 1)."""
    names = list(results)
    lines = [
        "| word | the seed (published) | " + " | ".join(f"{n}, seed 1" for n in names) + " |",
        "|" + "---|" * (2 + len(names)),
    ]
    for target, published in PUBLISHED.items():
        cells = [_pairs(published)]
        cells += [_pairs(results[n]["targets"][target]["first_seed_top4"]) for n in names]
        lines.append(f"| {target} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def seed_table(results: dict[str, dict]) -> str:
    """Each published neighbour over all seeds: how often in the top 10, median cosine."""
    names = list(results)
    n = len(results[names[0]]["seeds"])
    lines = [
        "| word | the seed's neighbour | "
        + " | ".join(f"{name}: in the top {TOP} (median cosine)" for name in names)
        + " |",
        "|" + "---|" * (2 + len(names)),
    ]
    for target, published in PUBLISHED.items():
        for word, cosine in published:
            cells = [f"{word} ({cosine:.2f})"]
            for name in names:
                p = results[name]["targets"][target]["published"][word]
                cells.append(f"{p['in_top10']}/{n} ({p['median_cosine']:.2f})")
            lines.append(f"| {target} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="seeds 1..N")
    parser.add_argument("--no-gensim", action="store_true", help="ours only")
    parser.add_argument(
        "--shared", action="store_true", help="also ours with shared negatives (the fast default)"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args()
    corpus = load_corpus(SEED.corpus)
    seeds = list(range(1, args.seeds + 1))
    results = {"ours": measure(corpus, ours, seeds)}
    if args.shared:
        results["ours, shared negatives"] = measure(corpus, ours_shared, seeds)
    if not args.no_gensim:
        results["gensim"] = measure(corpus, gensims, seeds)
    print(f"{corpus.name}: {corpus.n_tokens:,} tokens, settings {SEED.settings}")
    print(table(results))
    print()
    print(seed_table(results))
    for name, r in results.items():
        print(
            f"{name}: white among rabbit's 3 nearest for {r['rabbit_white_top3']}/{len(seeds)} "
            f"seeds; hearts or knave among queen's {TOP} for "
            f"{r['queen_hearts_or_knave_top10']}/{len(seeds)}"
        )
    if args.json is not None:
        payload = {"corpus": corpus.name, "tokens": corpus.n_tokens, "settings": SEED.settings}
        args.json.write_text(json.dumps({**payload, "results": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
