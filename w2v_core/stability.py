r"""Is this neighbour real?  A word's neighbours across several seeds of one configuration.

The same settings trained with another seed (another initialisation, other
negatives, other subsampling) give other vectors, and on a small corpus other
neighbours (Antoniak & Mimno, TACL 2018; Wendlandt et al., NAACL 2018).  So for a
configuration, :func:`train_seeds` trains *k* seeds (cached runs, like any run:
the seed is part of the run key), and:

* each neighbour gets its **share** of seeds in which it is among the top *n*, and
  its **mean cosine ± spread** (standard deviation over the seeds);
* a word gets its **stability**, the mean overlap of its top-10 lists over every
  pair of seeds,

  .. math::  s(w) = \binom{k}{2}^{-1} \sum_{i<j} |N_i(w) \cap N_j(w)| / 10,

  1 when every seed agrees, near 0 when the lists are chance;
* :func:`frequent_stability` ranks the corpus's most frequent words by it;
* :func:`seed_scores` pools the seeds' benchmark scores, with a 95% interval over
  both the test's items and the seeds (:mod:`w2v_core.intervals`).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import W2VError
from .intervals import percentile_interval, pooled
from .knn import overlap, top_neighbours, unit_rows
from .train import LIMITS, Progress, TrainConfig

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus
    from .evaluate import Evaluation, Score
    from .train import Model
    from .vectors import KeyedVectors

#: Seeds trained when not told otherwise.
SEEDS = 3
#: Seeds at most (each is a full training).
MAX_SEEDS = 20
#: A word's stability compares top-this-many lists (the measure's definition).
STABILITY_N = 10
#: Frequent words ranked by :func:`frequent_stability` unless told otherwise.
FREQUENT = 1000


def seed_configs(config: TrainConfig, seeds: int = SEEDS) -> list[TrainConfig]:
    """``config`` with seeds ``seed, seed + 1, ...`` (``seeds`` of them, wrapping at the
    largest seed): the first is ``config`` itself, so its run is reused."""
    if not 2 <= seeds <= MAX_SEEDS:
        raise W2VError(f"seeds must be between 2 and {MAX_SEEDS}, got {seeds}")
    top = int(LIMITS["seed"][1]) + 1
    return [dataclasses.replace(config, seed=(config.seed + i) % top) for i in range(seeds)]


def train_seeds(
    corpus: Corpus,
    config: TrainConfig,
    seeds: int = SEEDS,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
    progress: Callable[[int, Progress], bool | None] | None = None,
) -> list[Model]:
    """The models of :func:`seed_configs`, each from the run cache or trained and cached
    (:func:`w2v_core.sweep.train_cached`).  ``progress(seed_index, Progress)``."""
    from .sweep import runs_dir, train_cached

    directory = runs_dir(cache_dir) if use_cache else None
    models = []
    for index, seed_config in enumerate(seed_configs(config, seeds)):
        callback = None if progress is None else (lambda p, i=index: progress(i, p))
        model, _ = train_cached(corpus, seed_config, directory, callback)
        if model.stopped:
            raise W2VError(f"training of seed {seed_config.seed} was stopped")
        models.append(model)
    return models


@dataclass(frozen=True)
class SeedNeighbour:
    """One neighbour of a word, across seeds.

    Attributes
    ----------
    word : str
        The neighbour.
    share : float
        Share of the seeds in which it is among the top *n* (``1 / k``: one seed only).
    seeds : int
        How many seeds that is.
    mean_cosine, spread : float
        Mean and standard deviation of its cosine with the word over all seeds.
    """

    word: str
    share: float
    seeds: int
    mean_cosine: float
    spread: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "word": self.word,
            "share": round(self.share, 4),
            "seeds": self.seeds,
            "mean_cosine": round(self.mean_cosine, 4),
            "spread": round(self.spread, 4),
        }


@dataclass
class WordStability:
    """A word's neighbours across seeds (see :func:`word_stability`).

    Attributes
    ----------
    word : str
        The word.
    count : int
        Its corpus frequency (0 if unknown).
    stability : float
        Mean pairwise overlap of its top-10 lists (0 to 1).
    seeds, topn : int
        Runs compared, and neighbours per run.
    neighbours : list of SeedNeighbour
        Every word in some seed's top *n*: most seeds first, then highest mean cosine.
    per_seed : list of list of str
        Each seed's own top *n*.
    """

    word: str
    count: int
    stability: float
    seeds: int
    topn: int
    neighbours: list[SeedNeighbour] = field(default_factory=list)
    per_seed: list[list[str]] = field(default_factory=list)

    def one_seed_only(self) -> list[str]:
        """The neighbours that only one seed lists (chance, most likely)."""
        return [n.word for n in self.neighbours if n.seeds == 1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "word": self.word,
            "count": self.count,
            "stability": round(self.stability, 4),
            "seeds": self.seeds,
            "topn": self.topn,
            "neighbours": [n.to_dict() for n in self.neighbours],
            "per_seed": self.per_seed,
        }


def _check_runs(kvs: Sequence[KeyedVectors]) -> None:
    if len(kvs) < 2:
        raise W2VError("stability needs at least two seeds")


def mean_pairwise_overlap(lists: Sequence[Sequence[Any]]) -> float:
    """Mean over every pair of lists of the share of entries they have in common."""
    pairs = list(itertools.combinations(lists, 2))
    if not pairs:
        return float("nan")
    shares = [len(set(a) & set(b)) / max(len(a), 1) for a, b in pairs]
    return float(np.mean(shares))


def word_stability(kvs: Sequence[KeyedVectors], word: str, topn: int = 10) -> WordStability:
    """``word``'s top-``topn`` neighbours in each run, how many runs agree on each, and
    its stability (the mean pairwise overlap of its top-10 lists).

    Raises
    ------
    UnknownWordError
        If the first run does not know ``word``.
    W2VError
        With fewer than two runs, or a run that lacks the word.
    """
    _check_runs(kvs)
    kvs[0].get_index(word)  # an unknown word: one error with spelling suggestions
    if any(word not in kv for kv in kvs):
        raise W2VError(f"'{word}' is not in every seed's vocabulary")
    per_seed = [[w for w, _ in kv.most_similar(word, topn=topn)] for kv in kvs]
    tens = per_seed if topn == STABILITY_N else [
        [w for w, _ in kv.most_similar(word, topn=STABILITY_N)] for kv in kvs
    ]  # fmt: skip
    k = len(kvs)
    found: dict[str, int] = {}
    for listed in per_seed:
        for neighbour in listed:
            found[neighbour] = found.get(neighbour, 0) + 1
    neighbours = []
    for neighbour, seeds in found.items():
        cosines = [kv.similarity(word, neighbour) for kv in kvs if neighbour in kv]
        neighbours.append(
            SeedNeighbour(
                neighbour, seeds / k, seeds, float(np.mean(cosines)), float(np.std(cosines))
            )
        )
    neighbours.sort(key=lambda n: (-n.seeds, -n.mean_cosine))
    return WordStability(
        word=word,
        count=kvs[0].count(word),
        stability=mean_pairwise_overlap(tens),
        seeds=k,
        topn=topn,
        neighbours=neighbours,
        per_seed=per_seed,
    )


def frequent_stability(
    kvs: Sequence[KeyedVectors], frequent: int = FREQUENT, n: int = STABILITY_N
) -> list[tuple[str, int, float]]:
    """``(word, count, stability)`` of the ``frequent`` most frequent words every run
    knows, most stable first.  Neighbours are searched among all the words every run
    knows, a block of queries at a time (:func:`w2v_core.knn.top_neighbours`)."""
    _check_runs(kvs)
    words = [w for w in kvs[0].words if all(w in kv.index for kv in kvs[1:])]
    if len(words) <= n:
        raise W2VError(f"the runs share {len(words)} words: too few for top-{n} lists")
    queries = np.arange(min(frequent, len(words)))
    lists = []
    for kv in kvs:
        rows = np.array([kv.index[w] for w in words], dtype=np.int64)
        lists.append(top_neighbours(unit_rows(kv.vectors[rows]), queries, n))
    pairs = list(itertools.combinations(range(len(kvs)), 2))
    stability = np.mean([overlap(lists[i], lists[j]) for i, j in pairs], axis=0)
    counts = kvs[0].counts
    result = [(words[q], int(counts[kvs[0].index[words[q]]]), float(stability[q])) for q in queries]
    return sorted(result, key=lambda item: (-item[2], -item[1]))


def seed_scores(evaluations: Sequence[Evaluation]) -> list[Score]:
    """The scores of several runs of one configuration (seeds): the mean over the runs,
    its 95% interval from :func:`pooled` replicates, the smallest coverage of the runs.

    Raises
    ------
    ValueError
        With no evaluation.
    """
    from dataclasses import replace

    if not evaluations:
        raise ValueError("no evaluation to pool")
    pooled_scores = []
    for index, first in enumerate(evaluations[0].scores()):
        per_run = [evaluation.scores()[index] for evaluation in evaluations]
        values = np.array([s.value for s in per_run], dtype=np.float64)
        finite = np.isfinite(values)
        if not finite.any():
            pooled_scores.append(replace(first, seeds=len(per_run), ci95=None))
            continue
        results = [evaluation.results()[first.name] for evaluation in evaluations]
        replicates = pooled([r.replicates() for r, ok in zip(results, finite, strict=True) if ok])
        weakest = min(per_run, key=lambda s: s.coverage)
        pooled_scores.append(
            replace(
                first,
                value=float(values[finite].mean()),
                covered=weakest.covered,
                total=weakest.total,
                ci95=percentile_interval(replicates),
                seeds=int(finite.sum()),
            )
        )
    return pooled_scores
