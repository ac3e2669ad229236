r"""The per-row step bound: no step moves a row further than its own curvature allows.

Why a bound is needed
---------------------
Sequential SGD (word2vec, gensim) updates a row once per pair, each time from the
row's *current* value: as a score saturates, its error :math:`\sigma(s) - y`
shrinks and the next update is smaller.  A mini-batch step computes every update
of a row from the *same, stale* weights and sums them: a row named by ``c``
terms of a step (a frequent word drawn as a negative hundreds of times, a center
with ``2W`` contexts and ``K`` negatives each) moves ``c`` times as far as one
update, in one go.  On a small vocabulary, a large batch, many negatives, a wide
window or a high learning rate that overshoots, and the overshoot grows step
after step until the vectors explode.  Hogwild workers stepping at the same
time add their steps to the same rows on top.

The bound
---------
Hold every other row fixed.  The terms that name row ``r`` in one step form a
loss :math:`f_r(w) = \sum_i a_i\,\ell_i(w \cdot v_i)` (``v_i`` the partner
vector, ``a_i`` the term's weight: 1 for a positive pair or a per-pair negative,
``cK/P`` for a shared-pool negative).  Each :math:`\ell_i` has curvature
:math:`\sigma(s)(1 - \sigma(s)) \le 1/4` (the clipped sigmoid of
:mod:`w2v_core.sgns` keeps that, with zero curvature beyond ``±6``).  Along the
direction of the summed update :math:`\Delta_r = -\alpha \nabla f_r`, ``f_r`` is
therefore :math:`L_r`-smooth with

.. math::

    L_r = \frac{1}{4} \sum_i a_i \frac{(v_i \cdot \Delta_r)^2}{\lVert \Delta_r \rVert^2}
        = \frac{q_r}{4 \lVert \Delta_r \rVert^2},
    \qquad q_r = \sum_i a_i (v_i \cdot \Delta_r)^2

(:math:`v_i \cdot \Delta_r` is the change the update makes to score ``i``).  A
gradient step of length at most :math:`1/L_r` never raises ``f_r`` (the descent
lemma: :math:`f(w - \eta\nabla f) \le f(w) - \tfrac{\eta}{2}\lVert\nabla f\rVert^2`
for :math:`\eta \le 1/L`).  So each row's summed update is scaled by

.. math::

    s_r = \min\Bigl(1,\; \frac{1}{\omega\,\alpha L_r}\Bigr)
        = \min\Bigl(1,\; \frac{4 \lVert \Delta_r \rVert^2}{\omega\,\alpha\, q_r}\Bigr)

with :math:`\omega` the workers stepping at once (Hogwild: ``ω`` steps from the
same weights add up, so each takes at most ``1/ω`` of the safe length).  When the
batch is small the scale is 1 and the step is plain SGD; it only ever shortens
the updates of rows that would overshoot, whatever the batch, pool, ``K``,
window, vocabulary or workers.  Sequential SGD with the same learning rate
stays inside this bound for every single update (one term:
:math:`\alpha a |v|^2 / 4 \le 1` at word2vec's settings), so the bound takes
away only what the mini-batch added.

How it is applied
-----------------
:func:`row_sums` sums a step's updates per distinct row (one integer sort),
the step computes :math:`q_r` with a few matrix products of the step's own
size, :func:`bound_scale` gives :math:`s_r`, and :func:`apply_rows` adds
:math:`s_r \Delta_r` to the weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ROUNDS = 4
"""Rows with more than this many updates in a step are *frequent*: they are added
with ``np.add.at`` (float by float) in :func:`apply_rows` (see there)."""

ROUND_ROWS = 512
"""Rows per fancy-indexed read-modify-write in :func:`apply_rows`: short, so that
another worker's updates of those rows are rarely overwritten."""

SMALL_SCATTER = 1024
"""Below this many rows :func:`apply_rows` uses one ``np.add.at``: splitting
costs more than it saves on a few hundred rows."""


@dataclass
class RowSums:
    """A step's updates of one matrix, summed per distinct row.

    Attributes
    ----------
    rows : (u,) int64
        The distinct rows, ascending.
    sums : (u, d) float32
        :math:`\\Delta_r`, the sum of the updates of each row.
    counts : (u,) int64
        Updates behind each sum.
    inverse : (n,) intp
        For each update, the index of its row in ``rows`` (``sums[inverse]`` gives
        every update the summed update of its row).
    """

    rows: np.ndarray
    sums: np.ndarray
    counts: np.ndarray
    inverse: np.ndarray


def row_sums(rows: np.ndarray, updates: np.ndarray) -> RowSums:
    """Sum ``updates[i]`` per distinct ``rows[i]`` exactly (one int64 sort, one ``reduceat``)."""
    rows = rows.reshape(-1)
    n = rows.size
    updates = updates.reshape(n, -1)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return RowSums(empty, updates[:0].copy(), empty, np.zeros(0, dtype=np.intp))
    # (row << 32 | position): NumPy sorts plain integers several times faster than
    # argsort, and the position in the low bits makes the order stable.
    key = rows.astype(np.int64)
    key <<= 32
    key |= np.arange(n, dtype=np.int64)
    key.sort()
    source = key & 0xFFFFFFFF  # which update, in row order
    key >>= 32
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=n)
    sums = np.add.reduceat(np.take(updates, source, axis=0), starts, axis=0)
    inverse = np.empty(n, dtype=np.intp)
    inverse[source] = np.repeat(np.arange(starts.size), counts)
    return RowSums(key[starts], sums, counts, inverse)


def bound_scale(
    sums: RowSums, curvature: np.ndarray, learning_rate: float, concurrent: int = 1
) -> np.ndarray:
    r"""The factor :math:`s_r = \min(1, 4\lVert\Delta_r\rVert^2 / (\omega\,\alpha\, q_r))` per row.

    ``curvature`` is :math:`q_r = \sum_i a_i (v_i \cdot \Delta_r)^2` per distinct
    row (see the module docstring); ``concurrent`` is :math:`\omega`.
    """
    norm2 = np.einsum("ij,ij->i", sums.sums, sums.sums, dtype=np.float64)
    limit = np.float64(concurrent * learning_rate) * curvature
    scale = np.ones(norm2.size, dtype=np.float32)
    over = limit > 4.0 * norm2
    scale[over] = 4.0 * norm2[over] / limit[over]
    return scale


def curvature_per_row(sums: RowSums, per_update: np.ndarray) -> np.ndarray:
    """:math:`q_r`: the per-update curvature terms summed per distinct row."""
    return np.bincount(sums.inverse, weights=per_update.reshape(-1), minlength=sums.rows.size)


def add_at(matrix: np.ndarray, rows: np.ndarray, updates: np.ndarray) -> None:
    """``matrix[rows[i]] += updates[i]`` with one ``np.add.at`` on the flat matrix.

    ``np.add.at`` with one index per float (``row * d + column``) runs at about
    250-390 ns per 100-float row, against 1,100-1,900 ns for the 2-D form.
    ``matrix`` must be C-contiguous (``reshape(-1)`` is then a view).
    """
    d = matrix.shape[1]
    dtype = np.int32 if matrix.size < 2**31 else np.intp
    flat = rows.reshape(-1, 1).astype(dtype) * dtype(d) + np.arange(d, dtype=dtype)
    np.add.at(matrix.reshape(-1), flat.reshape(-1), updates.reshape(-1))


def apply_rows(matrix: np.ndarray, sums: RowSums, scale: np.ndarray | None = None) -> None:
    """``matrix[r] += s_r * Δ_r`` for every distinct row ``r`` of ``sums``.

    The rows are distinct, so fancy indexing adds them exactly.  With two workers
    (Hogwild) a row read at the start of a fancy ``+=`` and written at its end loses
    what the other worker added in between: the *frequent* rows (more than
    :data:`ROUNDS` updates in this step, the words every worker updates all the
    time; reading 4,000 rows at once cost WordSim-353 about 0.02 with 2 workers)
    go in with ``np.add.at``, float by float, and the others in short pieces of
    :data:`ROUND_ROWS` rows, which keeps the window of the other worker to
    microseconds.
    """
    delta = sums.sums
    if scale is not None and (scale < 1).any():
        delta = delta * scale[:, None]
    if sums.rows.size < SMALL_SCATTER:
        add_at(matrix, sums.rows, delta)
        return
    frequent = sums.counts > ROUNDS
    if frequent.any():
        add_at(matrix, sums.rows[frequent], delta[frequent])
    rare = np.flatnonzero(~frequent)
    for piece in range(0, rare.size, ROUND_ROWS):
        some = rare[piece : piece + ROUND_ROWS]
        rows = sums.rows[some]
        change = delta[some]
        change += np.take(matrix, rows, axis=0)
        matrix[rows] = change


def scatter_add(matrix: np.ndarray, rows: np.ndarray, updates: np.ndarray) -> None:
    """``matrix[rows[i]] += updates[i]`` for every ``i``, summing repeated rows exactly."""
    apply_rows(matrix, row_sums(rows, updates))
