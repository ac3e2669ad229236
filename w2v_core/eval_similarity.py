"""Word similarity (WordSim-353, SimLex-999): Spearman rank correlation between people's
similarity scores and the model's cosines, on the pairs whose words the model knows.

    rho = pearson(rank(gold), rank(cosine))   (ties get the mean of their ranks)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .errors import W2VError
from .eval_data import PathLike, dataset_path, json_float, json_interval, ok_vocab, read_word_pairs
from .intervals import Interval, bootstrap_spearman, percentile_interval
from .vectors import KeyedVectors


@dataclass
class PairResult:
    """Outcome of a word-similarity evaluation.

    Attributes
    ----------
    spearman : float
        Spearman correlation between human and model similarities on the covered
        pairs (``nan`` when fewer than two pairs are covered or one side is constant).
    n_pairs : int
        Pairs in the dataset.
    n_covered : int
        Pairs whose both words are in the (restricted) vocabulary.
    coverage : float
        ``n_covered / n_pairs``.
    oov_pairs : list of (str, str)
        The skipped pairs.
    gold, cosines : numpy.ndarray
        The people's scores and the model's cosines of the covered pairs (what the
        interval resamples).
    """

    spearman: float
    n_pairs: int
    n_covered: int
    coverage: float
    oov_pairs: list[tuple[str, str]] = field(default_factory=list)
    gold: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False, compare=False)
    cosines: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False, compare=False)

    def replicates(self) -> np.ndarray:
        """Bootstrap replicates of the Spearman correlation over the covered pairs."""
        return bootstrap_spearman(self.gold, self.cosines)

    @cached_property
    def ci95(self) -> Interval | None:
        """95% bootstrap interval of :attr:`spearman` (None with fewer than 3 pairs)."""
        return percentile_interval(self.replicates())

    def to_dict(self) -> dict:
        return {
            "spearman": json_float(self.spearman),
            "ci95": json_interval(self.ci95),
            "n_pairs": self.n_pairs,
            "n_covered": self.n_covered,
            "coverage": self.coverage,
            "oov_pairs": [list(pair) for pair in self.oov_pairs],
        }


def word_pairs(
    kv: KeyedVectors,
    path: PathLike | None = None,
    dataset: str = "ws353",
    restrict_vocab: int | None = None,
) -> PairResult:
    """Spearman correlation of model cosines with human similarity judgements.

    Parameters
    ----------
    kv : KeyedVectors
        The vectors.
    path : str or PathLike, optional
        A ``word1<TAB>word2<TAB>score`` file; default: the bundled ``dataset``.
    dataset : {"ws353", "simlex999"}
        Which bundled dataset to use when ``path`` is not given.
    restrict_vocab : int, optional
        Only the first ``restrict_vocab`` words count as known (default: all).

    Returns
    -------
    PairResult
    """
    if path is None:
        if dataset not in ("ws353", "simlex999"):
            raise W2VError(f"unknown word-pair dataset {dataset!r}; use 'ws353' or 'simlex999'")
        path = dataset_path(dataset)
    pairs = read_word_pairs(path)
    ok = ok_vocab(kv, restrict_vocab)
    rows_a, rows_b, gold, oov = [], [], [], []
    for a, b, score in pairs:
        if a in ok and b in ok:
            rows_a.append(ok[a])
            rows_b.append(ok[b])
            gold.append(score)
        else:
            oov.append((a, b))
    # Unit rows of the pairs only: no normalised copy of a million-word matrix.
    cosines = np.einsum("ij,ij->i", kv.unit(rows_a), kv.unit(rows_b)) if rows_a else np.zeros(0)
    n_pairs, n_covered = len(pairs), len(gold)
    return PairResult(
        spearman=spearman(np.asarray(gold), cosines),
        n_pairs=n_pairs,
        n_covered=n_covered,
        coverage=n_covered / n_pairs if n_pairs else 0.0,
        oov_pairs=oov,
        gold=np.asarray(gold, dtype=np.float64),
        cosines=np.asarray(cosines, dtype=np.float64),
    )


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho: Pearson correlation of average ranks (``nan`` if undefined)."""
    if len(x) != len(y):
        raise ValueError("x and y differ in length")
    if len(x) < 2:
        return float("nan")
    rx = rankdata(x) - (len(x) + 1) / 2.0
    ry = rankdata(y) - (len(y) + 1) / 2.0
    denominator = math.sqrt(float(rx @ rx) * float(ry @ ry))
    if denominator == 0.0:
        return float("nan")
    return float(rx @ ry) / denominator


def rankdata(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties get the average of the ranks they span (like scipy's default)."""
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    # Each run of equal values starts where the value changes.
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    ends = np.r_[starts[1:], len(values)]
    average = (starts + ends + 1) / 2.0  # mean of the 1-based ranks starts+1 .. ends
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.repeat(average, ends - starts)
    return ranks
