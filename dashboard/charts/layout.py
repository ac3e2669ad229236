"""Which words a map lays out, and where words added later go without moving the others.

Searching a word used to add it (and its neighbours) to the rows and re-run t-SNE: every
point moved, the groups were renamed, and the audience lost its bearings.  Now the map
lays out a fixed set of words (the most frequent plus the demo words a teacher will look
for), and words added by a search are *placed* on it:

* PCA (or any affine projection): the same affine map, fitted on the laid-out words,
  applied to the new ones; for PCA this is exactly its projection.
* t-SNE (or any non-linear map): the similarity-weighted mean position of the new
  word's ``k`` nearest laid-out words (by cosine), the usual out-of-sample estimate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from dashboard.charts import projection

if TYPE_CHECKING:  # pragma: no cover
    from w2v_core.vectors import KeyedVectors

DEMO_WORDS = (
    "king", "queen", "man", "woman", "prince", "princess",
    "paris", "france", "rome", "italy", "berlin", "germany", "london", "england",
    "dog", "puppy", "cat", "kitten",
    "good", "bad", "better", "worse", "big", "small",
)  # fmt: skip
"""Words the examples elsewhere use (Overview, Analogies, Why close?): on the map from the
start when the run knows them, so searching one moves nothing."""

NEIGHBOURS = 8
"""Laid-out words a new word's position is averaged from."""


def base_rows(kv: KeyedVectors, n: int) -> tuple[int, ...]:
    """The ``n`` most frequent rows, then the rows of :data:`DEMO_WORDS` beyond them."""
    top = tuple(range(min(n, len(kv))))
    demo = sorted({kv.index[w] for w in DEMO_WORDS if w in kv.index} - set(top))
    return top + tuple(demo)


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def place_linear(new: np.ndarray, base: np.ndarray, coords: np.ndarray) -> np.ndarray:
    """Coordinates of ``new`` rows by the affine map ``[x, 1] @ W`` that best fits
    ``coords`` from ``base`` (least squares; exact when ``coords`` came from one)."""
    design = np.column_stack([base, np.ones(len(base))])
    weights, *_ = np.linalg.lstsq(design, coords, rcond=None)
    return np.column_stack([new, np.ones(len(new))]) @ weights


def place_near(
    new: np.ndarray, base: np.ndarray, coords: np.ndarray, k: int = NEIGHBOURS
) -> np.ndarray:
    """Coordinates of ``new`` rows as the weighted mean position of their ``k`` most
    similar ``base`` rows::

        pos(w) = sum_j s_j^2 coords_j / sum_j s_j^2,   s_j = max(cos(w, base_j), 0)

    (squared, so the nearest few dominate; no positive similarity: the plain mean).
    """
    if len(new) == 0:
        return np.zeros((0, coords.shape[1]))
    sims = _unit(new) @ _unit(base).T
    k = max(1, min(k, len(base)))
    nearest = np.argsort(-sims, axis=1)[:, :k]
    s = np.maximum(np.take_along_axis(sims, nearest, axis=1), 0.0) ** 2
    s[s.sum(axis=1) == 0] = 1.0
    return np.einsum("nk,nkd->nd", s, coords[nearest]) / s.sum(axis=1, keepdims=True)


def nearest_labels(new: np.ndarray, base: np.ndarray, base_labels: Sequence[int]) -> np.ndarray:
    """The cluster of each new row: that of its most similar base row."""
    if len(new) == 0:
        return np.zeros(0, dtype=np.int64)
    nearest = np.argmax(_unit(new) @ _unit(base).T, axis=1)
    return np.asarray(base_labels, dtype=np.int64)[nearest]


def place(
    kv: KeyedVectors,
    base: Sequence[int],
    extras: Sequence[int],
    coords: np.ndarray,
    method: str,
    axes: tuple[tuple[str, str], tuple[str, str]] | None = None,
) -> np.ndarray:
    """Coordinates of the ``extras`` rows on the map ``coords`` of the ``base`` rows,
    which stays as it is: custom axes project each word on its own, PCA is affine
    (:func:`place_linear`), any other method by neighbours (:func:`place_near`)."""
    if not len(extras):
        return np.zeros((0, coords.shape[1]))
    if method == "custom axes" and axes is not None:
        return projection.custom_axes(kv, axes[0], axes[1], [kv.words[i] for i in extras])
    new, old = kv.unit(list(extras)), kv.unit(list(base))
    if method == "PCA":
        return place_linear(new, old, coords)
    return place_near(new, old, coords)


X_AXIS_PAIRS = (("man", "woman"), ("he", "she"), ("king", "queen"), ("boy", "girl"))
# man → king with man → woman: king, queen, man and woman at four corners (on bad → good
# a small text showed a shapeless cloud)
Y_AXIS_PAIRS = (("man", "king"), ("bad", "good"), ("sad", "happy"), ("small", "large"))


def default_axis_pairs(kv: KeyedVectors) -> tuple[tuple[str, str], tuple[str, str]]:
    """Axis words for custom axes: classic pairs when present, else frequent words."""

    def pick(candidates: Sequence[tuple[str, str]], avoid: set[str]) -> tuple[str, str] | None:
        for a, b in candidates:
            if a in kv and b in kv and {a, b} != avoid:
                return a, b
        return None

    words = kv.words
    fallback = [words[i % len(words)] for i in range(4)] if words else ["", "", "", ""]
    x = pick(X_AXIS_PAIRS, set()) or (fallback[0], fallback[1])
    y = pick(Y_AXIS_PAIRS, set(x)) or (fallback[2], fallback[3])
    return x, y
