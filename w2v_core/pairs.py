"""Turn a stretch of word ids into skip-gram (center, context) pairs.

Skip-gram predicts each word's neighbours from the word itself.  For a center
word at position ``i`` the contexts are the words at ``i - b .. i + b``, where
word2vec draws the *reduced window* ``b`` uniformly from ``1 .. window`` for
every center (the C code's ``b = next_random % window``).  A context at
distance ``d`` is therefore used with probability ``(window - d + 1) / window``:
near words count more than far ones, without any explicit weighting.

Everything here is array arithmetic over the whole chunk: the only Python loop
runs over the ``2 * window`` offsets, never over tokens.
"""

from __future__ import annotations

import numpy as np


def subsample(
    ids: np.ndarray, keep_probability: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Drop each token with probability ``1 - keep_probability[word]``; keep break markers.

    Like word2vec, subsampling happens *before* windowing, so dropping "the"
    brings the words around it closer together.
    """
    is_word = ids >= 0
    keep = np.ones(len(ids), dtype=bool)
    keep[is_word] = (
        rng.random(int(is_word.sum()), dtype=np.float32) < keep_probability[ids[is_word]]
    )
    return ids[keep]


def reduced_windows(n: int, window: int, rng: np.random.Generator) -> np.ndarray:
    """Each center's reduced window ``b``, uniform in ``1 .. window`` (``int32``, length ``n``)."""
    return rng.integers(1, window + 1, size=n, dtype=np.int32)


def skipgram_pairs(
    ids: np.ndarray, window: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """All (center, context) pairs of a chunk under word2vec's reduced window.

    Parameters
    ----------
    ids : numpy.ndarray
        ``int32`` word ids, ``-1`` marking sentence breaks.  Pairs never cross a break.
    window : int
        The maximum distance between a center and a context word.
    rng : numpy.random.Generator
        Draws each center's reduced window.

    Returns
    -------
    centers, contexts : numpy.ndarray
        ``int32`` arrays of equal length, ordered by center position so that a
        mini-batch sees text in reading order, as word2vec does.
    """
    if len(ids) < 2:
        empty = np.empty(0, dtype=np.int32)
        return empty, empty
    return window_pairs(ids, reduced_windows(len(ids), window, rng))


def window_pairs(ids: np.ndarray, reduced_window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (center, context) pairs of a chunk whose centers' windows are already drawn.

    The center at position ``i`` pairs with every word at ``i - b .. i + b``
    (``b = reduced_window[i]``, ``i`` itself excluded) in the same sentence.
    :func:`skipgram_pairs` draws ``b`` and calls this; the "How it learns" lesson
    (:mod:`w2v_core.onestep`) calls it too, to show the window it drew.
    """
    n = len(ids)
    if n < 2:
        empty = np.empty(0, dtype=ids.dtype)
        return empty, empty
    window = int(reduced_window.max())
    # Sentence number of every position: pairs are valid only inside one sentence.
    sentence = np.cumsum(ids < 0, dtype=np.int32)
    offsets = [d for d in range(-window, window + 1) if d != 0]
    # valid[k, i]: the word at i + offsets[k] is a context of the center at i.
    valid = np.zeros((len(offsets), n), dtype=bool)
    for k, d in enumerate(offsets):
        lo, hi = max(0, -d), min(n, n - d)  # centers whose partner i + d exists
        if lo >= hi:
            continue
        valid[k, lo:hi] = (
            (reduced_window[lo:hi] >= abs(d))
            & (sentence[lo:hi] == sentence[lo + d : hi + d])
            & (ids[lo + d : hi + d] >= 0)
        )
    valid &= (ids >= 0)[None, :]
    # Read the valid matrix column by column (center by center).
    center_pos, offset_k = np.nonzero(valid.T)
    context_pos = center_pos + np.asarray(offsets, dtype=np.int64)[offset_k]
    return ids[center_pos], ids[context_pos]
