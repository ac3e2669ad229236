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
gradient step of length :math:`\eta \le 2/L_r` never raises ``f_r`` (the descent
lemma: :math:`f(w - \eta\nabla f) \le f(w) - \eta\,(1 - L\eta/2)\,\lVert\nabla f\rVert^2`);
beyond :math:`2/L` a quadratic overshoots further at every step, which is how
the vectors used to explode.  So each row's summed update is scaled by

.. math::

    s_r = \min\Bigl(1,\; \frac{2}{\omega\,\alpha L_r}\Bigr)
        = \min\Bigl(1,\; \frac{8 \lVert \Delta_r \rVert^2}{\omega\,\alpha\, q_r}\Bigr)

with :math:`\omega` the workers stepping at once (Hogwild: ``ω`` steps from the
same weights add up, so each takes at most ``1/ω`` of the safe length).  The
edge :math:`2/L` rather than the textbook :math:`1/L`: the bound is there to stop
divergence, not to slow down learning (with :math:`1/L` it acted on the default
settings too and cost WordSim-353 about 0.01 on ``wiki``, one seed).  When the
batch is small the scale is 1 and the step is plain SGD; it only ever shortens
the updates of rows that would overshoot, whatever the batch, pool, ``K``,
window, vocabulary or workers.

How it is applied, cheaply
--------------------------
:math:`q_r` needs every term's score change, as many products as the step
itself.  But the *trace* bound :math:`L_r \le T_r / 4` with
:math:`T_r = \sum_i a_i \lVert v_i \rVert^2` needs only the partners' lengths,
and when :math:`\omega\,\alpha\,T_r / 8 \le 1` the scale is 1 for sure.  So
:func:`suspect_rows` finds the few rows whose trace bound fails (a heavily
drawn pool word or negative, a center with a wide window and many negatives),
:func:`bounded_add` sums the suspects' updates (:math:`\Delta_r`), scales the
updates of those that would overshoot by :math:`s_r`, and adds the whole step with
one exact scatter (:func:`scatter_add_rounds`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

ROUNDS = 4
"""Rounds of plain fancy-indexed ``+=`` in :func:`scatter_add_rounds` before the
frequent rows' remaining updates are summed by runs."""

ROUND_ROWS = 512
"""Rows per fancy-indexed ``+=`` of a round: short, so that another worker's
updates of those rows are rarely overwritten (see :func:`scatter_add_rounds`)."""

SMALL_SCATTER = 1024
"""Below this many updates :func:`scatter_add_rounds` uses one ``np.add.at``: sorting
and rounds cost more than they save on a few hundred rows."""


def add_at(matrix: np.ndarray, rows: np.ndarray, updates: np.ndarray, work: Any = None) -> None:
    """``matrix[rows[i]] += updates[i]`` with one ``np.add.at`` (exact, simple, slow).

    ``np.add.at`` on the *flattened* matrix, one index per float
    (``row * d + column``), runs at about 250-390 ns per 100-float row, against
    1,100-1,900 ns for the 2-D ``np.add.at``.  ``matrix`` must be C-contiguous
    (``reshape(-1)`` is then a view).  The index array is built in ``work`` when given.
    """
    d = matrix.shape[1]
    # int32 indices halve the cost of building them, when the matrix is small enough.
    dtype = np.int32 if matrix.size < 2**31 else np.intp
    shape = (rows.size, d)
    flat = np.empty(shape, dtype=dtype) if work is None else work.get("flat", shape, dtype)
    np.multiply(rows.reshape(-1, 1), dtype(d), out=flat, casting="unsafe")
    flat += np.arange(d, dtype=dtype)
    np.add.at(matrix.reshape(-1), flat.reshape(-1), updates.reshape(-1))


def scatter_add_rounds(
    matrix: np.ndarray, rows: np.ndarray, updates: np.ndarray, work: Any = None
) -> None:
    """``matrix[rows[i]] += updates[i]`` for every ``i``, summing repeated rows exactly.

    Fancy indexing, ``matrix[rows] += updates``, moves whole rows and is several
    times faster than ``np.add.at``, but of a row named twice it keeps one update.
    So the updates are sorted by row (one integer sort) and split in two:

    * **frequent rows**, named more than :data:`ROUNDS` times (a negative like
      "the" is drawn about 150 times in a per-pair step): their updates lie in
      long runs of the sorted order, summed with one ``np.add.reduceat``; the
      sums, one per row, go in with :func:`add_at`.
    * **the other rows**: each update gets its *rank* within its row (0 for a
      row's first update, 1 for its second, ...).  The updates of rank ``k`` name
      every row at most once, so round ``k`` adds them by fancy indexing, exactly.

    Why pieces of :data:`ROUND_ROWS` rows and ``np.add.at`` for the frequent rows:
    with two workers (Hogwild) a row read at the start of a fancy ``+=`` and
    written at its end loses what the other worker added in between.  The
    frequent rows are the ones both workers update all the time (reading 4,000
    rows at once lost enough of their updates to cost WordSim-353 about 0.02 with
    2 workers: 0.204 against 0.223 over 3 seeds); ``np.add.at`` adds float by
    float, and short pieces keep the window of the others to microseconds.

    On the negatives of the per-pair mode (about 7,700 rows of 100 floats per
    step, wiki) this took 220-300 ns per row against 360-420 ns for :func:`add_at`.
    A row's updates are summed in another order than :func:`add_at`'s, so the two
    agree to float rounding.
    """
    rows = rows.reshape(-1)
    n = rows.size
    if n < SMALL_SCATTER:
        add_at(matrix, rows, updates, work)
        return
    updates = updates.reshape(n, -1)
    position = np.arange(n, dtype=np.int64)
    # One int64 sort of (row, position): NumPy sorts plain integers several times
    # faster than argsort, and the position in the low bits makes it stable.
    key = rows.astype(np.int64)
    key <<= 32
    key |= position
    key.sort()
    source = key & 0xFFFFFFFF  # which update, in row order
    key >>= 32
    sorted_rows = key
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(sorted_rows[1:], sorted_rows[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    lengths = np.diff(starts, append=n)  # updates per distinct row
    frequent = lengths > ROUNDS
    in_frequent = np.repeat(frequent, lengths)  # per sorted update
    if frequent.any():
        at = np.flatnonzero(in_frequent)
        runs = np.concatenate(([0], np.cumsum(lengths[frequent])[:-1]))
        sums = np.add.reduceat(np.take(updates, source[at], axis=0), runs, axis=0)
        add_at(matrix, sorted_rows[starts[frequent]], sums, work)
    rank = position - np.repeat(starts, lengths)
    rank[in_frequent] = ROUNDS  # done above
    for k in range(min(ROUNDS, int(lengths[~frequent].max(initial=0)))):
        at = np.flatnonzero(rank == k)
        for piece in range(0, at.size, ROUND_ROWS):
            some = at[piece : piece + ROUND_ROWS]
            unique_rows = sorted_rows[some]
            change = np.take(updates, source[some], axis=0)
            change += np.take(matrix, unique_rows, axis=0)
            matrix[unique_rows] = change


def suspect_rows(
    rows: np.ndarray, trace: np.ndarray, learning_rate: float, concurrent: int
) -> np.ndarray:
    r"""The rows whose trace bound fails: :math:`\omega\,\alpha\,T_r / 8 > 1`, ascending.

    ``trace[i]`` is update ``i``'s :math:`a_i \lVert v_i \rVert^2` (summed over its
    partners); :math:`T_r` sums them per row.
    """
    total = np.bincount(rows.reshape(-1), weights=trace.reshape(-1))
    return np.flatnonzero(total * (concurrent * learning_rate / 8.0) > 1.0)


def members(rows: np.ndarray, suspects: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(positions, which)``: the positions of ``rows`` (flat) that name a suspect, and
    that suspect's index in ``suspects`` (sorted)."""
    flat = rows.reshape(-1)
    index = np.searchsorted(suspects, flat)
    # A row above every suspect gets index ``size``; the last suspect is not it either.
    np.minimum(index, suspects.size - 1, out=index)
    positions = np.flatnonzero(suspects[index] == flat)
    return positions, index[positions]


def bound_scale(
    delta: np.ndarray, curvature: np.ndarray, learning_rate: float, concurrent: int = 1
) -> np.ndarray:
    r"""The factor :math:`s_r = \min(1, 8\lVert\Delta_r\rVert^2 / (\omega\,\alpha\, q_r))` per row.

    ``delta`` holds the rows' summed updates :math:`\Delta_r`, ``curvature``
    :math:`q_r = \sum_i a_i (v_i \cdot \Delta_r)^2` (see the module docstring),
    ``concurrent`` is :math:`\omega`.
    """
    norm2 = np.einsum("ij,ij->i", delta, delta, dtype=np.float64)
    limit = np.float64(concurrent * learning_rate) * curvature
    scale = np.ones(norm2.size, dtype=np.float32)
    over = limit > 8.0 * norm2
    scale[over] = 8.0 * norm2[over] / limit[over]
    return scale


def bounded_add(
    matrix: np.ndarray,
    parts: list[tuple[np.ndarray, np.ndarray]],
    suspects: np.ndarray,
    curvature: Callable[[np.ndarray, list[tuple[np.ndarray, np.ndarray]]], np.ndarray],
    learning_rate: float,
    concurrent: int,
    work: Any = None,
) -> None:
    r"""Add every ``(rows, updates)`` part, the suspects' updates scaled by :math:`s_r`.

    The suspects' summed updates :math:`\Delta_r` are summed from this step's own
    updates (never read back from ``matrix``: with two workers a read-back would
    hold the other worker's update and correction too, and two corrections of the
    same row could reverse it, which made 2-worker runs diverge);
    ``curvature(delta, hits)`` returns :math:`q_r` for them (in ``suspects`` order);
    ``hits[j]`` is :func:`members` of part ``j``: where its rows name a suspect,
    and which.  The ``updates`` arrays are scaled in place.
    """
    if suspects.size:
        flat = [(rows.reshape(-1), updates.reshape(rows.size, -1)) for rows, updates in parts]
        hits = [members(rows, suspects) for rows, _ in flat]
        delta = np.zeros((suspects.size, matrix.shape[1]), dtype=np.float32)
        for (_, updates), (at, which) in zip(flat, hits, strict=True):
            add_at(delta, which, updates[at], work)
        scale = bound_scale(delta, curvature(delta, hits), learning_rate, concurrent)
        if (scale < 1).any():
            for (_, updates), (at, which) in zip(flat, hits, strict=True):
                updates[at] *= scale[which][:, None]
    for rows, updates in parts:
        scatter_add_rounds(matrix, rows, updates, work)
