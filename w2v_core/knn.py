r"""Nearest neighbours of many words at once, and how much two neighbour lists agree.

The shared step of :mod:`w2v_core.compare` (what changed between two runs) and
:mod:`w2v_core.stability` (what stays the same across seeds).

For unit rows :math:`u_i`, the neighbours of word :math:`q` are the :math:`n` words
:math:`i \ne q` with the largest :math:`u_q^\top u_i`.  Queries are scored a block at
a time (``block x candidates`` cosines), so a 70,000-word vocabulary needs a few
hundred megabytes at most, never the full :math:`V \times V` matrix.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Cap on the floats of one block's score matrix (block x candidates), about 64 MB.
MAX_BLOCK_FLOATS = 16_000_000


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    r"""Rows scaled to unit length, :math:`u_i = v_i / \|v_i\|` (zero rows stay zero), float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def top_neighbours(unit: np.ndarray, queries: Sequence[int] | np.ndarray, topn: int) -> np.ndarray:
    """The ``topn`` rows nearest (by cosine) to each query row, best first, itself excluded.

    Parameters
    ----------
    unit : numpy.ndarray
        ``(V, dim)`` unit-length rows: the candidates (and the queries are rows of it).
    queries : sequence of int
        Rows whose neighbours are wanted.
    topn : int
        Neighbours per query (at most ``V - 1``).

    Returns
    -------
    numpy.ndarray
        ``(len(queries), topn)`` int64 rows.
    """
    queries = np.asarray(queries, dtype=np.int64)
    topn = max(0, min(int(topn), len(unit) - 1))
    result = np.empty((len(queries), topn), dtype=np.int64)
    if topn == 0 or len(queries) == 0:
        return result
    block = max(1, MAX_BLOCK_FLOATS // max(len(unit), 1))
    for start in range(0, len(queries), block):
        rows = queries[start : start + block]
        scores = unit[rows] @ unit.T  # (block, V) cosines
        scores[np.arange(len(rows)), rows] = -np.inf  # a word is not its own neighbour
        # The topn largest without a negated copy of the block: partition at V - topn.
        kth = scores.shape[1] - topn
        best = np.argpartition(scores, kth, axis=1)[:, kth:]
        order = np.argsort(-np.take_along_axis(scores, best, axis=1), axis=1, kind="stable")
        result[start : start + len(rows)] = np.take_along_axis(best, order, axis=1)
    return result


def overlap(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    r"""Share of common entries of two neighbour lists, row by row:
    :math:`|N_1 \cap N_2| / n` for ``(words, n)`` arrays of row ids (0 to 1)."""
    first, second = np.asarray(first), np.asarray(second)
    if first.shape != second.shape:
        raise ValueError("neighbour lists differ in shape")
    if first.size == 0:
        return np.zeros(len(first))
    # (words, n, n) equality: n is 10 or so, so this is small.
    common = (first[:, :, None] == second[:, None, :]).any(axis=2).sum(axis=1)
    return common / first.shape[1]
