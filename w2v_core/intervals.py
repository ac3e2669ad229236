r"""95% intervals for benchmark scores: bootstrap over a test's items, and over seeds.

A WordSim-353 score is measured on a few hundred pairs; another few hundred pairs
of the same kind would give another number.  The **percentile bootstrap** (Efron
1979) says how much: draw the test's :math:`n` items with replacement :math:`B`
times, score each resample, and take the 2.5th and 97.5th percentiles of the
:math:`B` scores as the 95% interval.  Faruqui et al. (2016) found that many
differences on tests of this size fall inside such intervals.

* **Spearman** (:func:`bootstrap_spearman`): pairs are resampled together; ties,
  which a resample creates by repeating a pair, get average ranks, as in
  :func:`w2v_core.evaluate.spearman`.
* **Accuracy** (:func:`bootstrap_accuracy`): the number right in a resample of
  :math:`n` questions with accuracy :math:`p` is :math:`\mathrm{Binomial}(n, p)`,
  drawn directly (the same distribution, without an :math:`n \times B` index matrix).
* **Several seeds** (:func:`pooled`, for :func:`w2v_core.stability.seed_scores`):
  the score is the mean over the :math:`k` seeds; each bootstrap replicate draws
  :math:`k` seeds with replacement and one resample of the test's items (the same for
  every seed drawn: it is one test), so the interval holds both the test's and the
  training's randomness.

Every interval is seeded (:data:`SEED`): the same scores give the same interval.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

#: Bootstrap resamples per interval.
N_BOOTSTRAP = 1000
#: Seeds every bootstrap, so intervals are reproducible.
SEED = 0
#: The interval's coverage.
LEVEL = 0.95
#: Fewer items than this, and there is no interval (a correlation of two points is ±1).
MIN_ITEMS = 3

Interval = tuple[float, float]


def percentile_interval(replicates: np.ndarray, level: float = LEVEL) -> Interval | None:
    """The central ``level`` share of the finite replicates (None if there are none)."""
    values = np.asarray(replicates, dtype=np.float64)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return None
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def row_ranks(keys: np.ndarray) -> np.ndarray:
    """Average 1-based ranks within each row of an integer matrix (ties share a rank).

    Rows are made disjoint by an offset, sorted once as one array, and each value's rank
    is found from where its run of equal values starts and ends:
    ``(left + right + 1) / 2`` with ``left``, ``right`` the run's bounds in its row.
    """
    keys = np.asarray(keys, dtype=np.int64)
    n_rows, width = keys.shape
    span = int(keys.max(initial=0)) + 1
    offset = (np.arange(n_rows, dtype=np.int64) * span)[:, None]
    shifted = keys + offset
    flat = np.sort(shifted, axis=None)
    starts = (np.arange(n_rows, dtype=np.int64) * width)[:, None]
    left = np.searchsorted(flat, shifted, side="left") - starts
    right = np.searchsorted(flat, shifted, side="right") - starts
    return (left + right + 1) / 2.0


def _row_pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x = x - x.mean(axis=1, keepdims=True)
    y = y - y.mean(axis=1, keepdims=True)
    denominator = np.sqrt(np.einsum("ij,ij->i", x, x) * np.einsum("ij,ij->i", y, y))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, np.einsum("ij,ij->i", x, y) / denominator, np.nan)


def bootstrap_spearman(
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    n_boot: int = N_BOOTSTRAP,
    seed: int = SEED,
) -> np.ndarray:
    """``n_boot`` Spearman correlations of pairs resampled with replacement (``nan`` for
    a resample in which one side is constant)."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    n = len(x)
    if n < MIN_ITEMS:
        return np.full(n_boot, np.nan)
    # Equal values stay equal (and ordered) as dense integer ranks.
    dense_x = np.unique(x, return_inverse=True)[1].reshape(-1)
    dense_y = np.unique(y, return_inverse=True)[1].reshape(-1)
    rng = np.random.default_rng(seed)
    replicates = np.empty(n_boot)
    block = max(1, 2_000_000 // n)  # index matrices of a few MB at a time
    for start in range(0, n_boot, block):
        rows = min(block, n_boot - start)
        picks = rng.integers(0, n, size=(rows, n))
        replicates[start : start + rows] = _row_pearson(
            row_ranks(dense_x[picks]), row_ranks(dense_y[picks])
        )
    return replicates


def bootstrap_accuracy(
    correct: int, total: int, n_boot: int = N_BOOTSTRAP, seed: int = SEED
) -> np.ndarray:
    """``n_boot`` accuracies of ``total`` questions resampled with replacement."""
    if total < 1:
        return np.full(n_boot, np.nan)
    rng = np.random.default_rng(seed)
    return rng.binomial(total, correct / total, size=n_boot) / total


def bootstrap_mean(
    values: Sequence[float], n_boot: int = N_BOOTSTRAP, seed: int = SEED
) -> np.ndarray:
    """``n_boot`` means of the values resampled with replacement (e.g. one score per seed)."""
    values = np.asarray([v for v in values if v is not None and np.isfinite(v)], np.float64)
    if len(values) < 2:
        return np.full(n_boot, np.nan)
    rng = np.random.default_rng(seed)
    return values[rng.integers(0, len(values), size=(n_boot, len(values)))].mean(axis=1)


def pooled(per_seed: Sequence[np.ndarray], seed: int = SEED) -> np.ndarray:
    """Replicates of the mean over seeds: each draws ``k`` seeds with replacement and
    one item-bootstrap replicate, the same for all of them (``per_seed``: one replicate
    array per seed, from the same bootstrap seed)."""
    matrix = np.vstack([np.asarray(r, np.float64) for r in per_seed])
    k, n_boot = matrix.shape
    rng = np.random.default_rng(seed)
    seeds = rng.integers(0, k, size=(n_boot, k))
    # One column for all seeds of a replicate: replicate b of every seed resampled the
    # same items (same generator seed, same test), so the test is resampled once.
    columns = rng.integers(0, n_boot, size=(n_boot, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-nan row: its mean is nan
        return np.nanmean(matrix[seeds, columns], axis=1)
