r"""Skip-gram with negative sampling: the loss, its gradients, and one SGD step.

Notation (one training pair)
----------------------------
* :math:`h = W_\text{in}[c]` -- the *input* vector of the center word ``c``
  (these rows become the word embeddings);
* :math:`u_o = W_\text{out}[o]` -- the *output* vector of the observed context ``o``;
* :math:`u_k = W_\text{out}[n_k]`, :math:`k = 1..K` -- output vectors of ``K``
  negative words drawn from the noise distribution.

Loss
----
Negative sampling replaces the softmax over the vocabulary by ``K + 1`` binary
logistic regressions: "is ``o`` a real context of ``c``?" (yes) and "is
``n_k``?" (no):

.. math::

    L = -\log \sigma(u_o^\top h) - \sum_{k=1}^{K} \log \sigma(-u_k^\top h)

Gradients
---------
With :math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))` and :math:`\sigma(-x) = 1 - \sigma(x)`:

.. math::

    g_o = \sigma(u_o^\top h) - 1, \qquad g_k = \sigma(u_k^\top h)

    \frac{\partial L}{\partial h} = g_o\, u_o + \sum_k g_k\, u_k, \qquad
    \frac{\partial L}{\partial u_o} = g_o\, h, \qquad
    \frac{\partial L}{\partial u_k} = g_k\, h

``g_o`` and ``g_k`` are the "errors" of the classifiers: prediction minus label.
An SGD step subtracts ``learning_rate * gradient`` from each row involved.

Mini-batches
------------
The original C code updates after every pair.  Here a batch of pairs is
processed at once; the gradients of all pairs are computed from the same
(slightly stale) weights and *summed* into the rows they touch, which is what
sequential SGD would do to first order.  Summing repeated rows correctly is the
job of :func:`scatter_add`.

Two ways to draw negatives
--------------------------
* **per pair** (:func:`gradients`, faithful to word2vec): every pair has its own
  ``K`` negatives, ``u_neg`` has shape ``(B, K, d)``.
* **shared** (:func:`gradients_shared`, faster): all ``B`` pairs of a batch
  share one pool of ``P`` negatives, so scores become one matrix product
  ``H @ U.T`` that BLAS runs on every core.  Each pair then sees ``P``
  negatives instead of ``K``; weighting each by ``K / P`` keeps the expected
  gradient of the negative term equal to word2vec's (``K`` draws from the same
  noise distribution).
"""

from __future__ import annotations

import numpy as np

MAX_EXP = 6.0
"""Scores are clipped to ``[-MAX_EXP, MAX_EXP]`` before the sigmoid, as word2vec's
lookup table does; it keeps ``exp`` finite and the loss bounded."""


def sigmoid(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    r""":math:`\sigma(x) = 1 / (1 + e^{-x})` on clipped scores, in place when ``out`` is given."""
    out = np.clip(x, -MAX_EXP, MAX_EXP, out=out)
    np.negative(out, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)
    return out


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    r""":math:`\log \sigma(x) = -\log(1 + e^{-x})`, computed stably."""
    x = np.clip(x, -MAX_EXP, MAX_EXP)
    return -np.logaddexp(0.0, -x)


def loss(h: np.ndarray, u_pos: np.ndarray, u_neg: np.ndarray) -> float:
    """Total SGNS loss of a batch with per-pair negatives.

    Parameters
    ----------
    h : (B, d) input vectors of the centers.
    u_pos : (B, d) output vectors of the observed contexts.
    u_neg : (B, K, d) output vectors of each pair's negatives.
    """
    pos_score = np.einsum("bd,bd->b", h, u_pos)
    neg_score = np.einsum("bd,bkd->bk", h, u_neg)
    return float(-_log_sigmoid(pos_score).sum() - _log_sigmoid(-neg_score).sum())


def output_errors(
    h: np.ndarray, u_pos: np.ndarray, u_neg: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """Scores, then the classifiers' errors ``g_o = σ(u_o·h) - 1`` and ``g_k = σ(u_k·h)``.

    Returns ``g_pos (B,)``, ``g_neg (B, K)`` and the batch's total loss (from the
    same sigmoids, for free).
    """
    pos_score = np.einsum("bd,bd->b", h, u_pos)
    # Stacked (1, d) @ (d, K) products: no (B, K, d) temporary.
    neg_score = np.matmul(h[:, None, :], u_neg.transpose(0, 2, 1))[:, 0, :]
    g_pos = sigmoid(pos_score)
    g_neg = sigmoid(neg_score)
    batch_loss = -float(np.log(g_pos).sum() + np.log1p(-g_neg).sum())
    g_pos -= 1.0  # prediction minus label: the label is 1 for the context, 0 for negatives
    return g_pos, g_neg, batch_loss


def input_gradient(
    g_pos: np.ndarray, g_neg: np.ndarray, u_pos: np.ndarray, u_neg: np.ndarray
) -> np.ndarray:
    """``∂L/∂h = g_o u_o + Σ_k g_k u_k`` for every pair, shape ``(B, d)``."""
    grad_h = g_pos[:, None] * u_pos
    grad_h += np.matmul(g_neg[:, None, :], u_neg)[:, 0, :]
    return grad_h


def gradients(
    h: np.ndarray, u_pos: np.ndarray, u_neg: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Gradients of :func:`loss` with respect to ``h``, ``u_pos`` and ``u_neg``.

    Returns
    -------
    grad_h : (B, d)
    grad_pos : (B, d) -- ``g_o h``
    grad_neg : (B, K, d) -- ``g_k h``
    batch_loss : float
    """
    g_pos, g_neg, batch_loss = output_errors(h, u_pos, u_neg)
    grad_h = input_gradient(g_pos, g_neg, u_pos, u_neg)
    grad_pos = g_pos[:, None] * h
    grad_neg = g_neg[:, :, None] * h[:, None, :]
    return grad_h, grad_pos, grad_neg, batch_loss


def loss_shared(h: np.ndarray, u_pos: np.ndarray, u_pool: np.ndarray, negatives: int) -> float:
    """Total loss with one shared pool of negatives, each weighted ``negatives / P``.

    Parameters
    ----------
    h, u_pos : (B, d)
    u_pool : (P, d) output vectors of the shared negatives.
    negatives : int
        ``K``, the number of negatives per pair this pool stands in for.
    """
    weight = negatives / len(u_pool)
    scores = h @ u_pool.T
    pos_score = np.einsum("bd,bd->b", h, u_pos)
    return float(-_log_sigmoid(pos_score).sum() - weight * _log_sigmoid(-scores).sum())


def gradients_shared(
    h: np.ndarray, u_pos: np.ndarray, u_pool: np.ndarray, negatives: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Gradients of :func:`loss_shared`: all negative terms are matrix products.

    Returns ``grad_h (B, d)``, ``grad_pos (B, d)``, ``grad_pool (P, d)`` and the batch loss.
    """
    weight = np.float32(negatives / len(u_pool))
    pos_score = np.einsum("bd,bd->b", h, u_pos)
    g_pos = sigmoid(pos_score)
    g_neg = sigmoid(h @ u_pool.T)  # (B, P)
    batch_loss = -float(np.log(g_pos).sum() + weight * np.log1p(-g_neg).sum())
    g_pos -= 1.0
    g_neg *= weight
    grad_h = g_pos[:, None] * u_pos
    grad_h += g_neg @ u_pool
    grad_pos = g_pos[:, None] * h
    grad_pool = g_neg.T @ h
    return grad_h, grad_pos, grad_pool, batch_loss


def scatter_add(matrix: np.ndarray, rows: np.ndarray, updates: np.ndarray) -> None:
    """``matrix[rows[i]] += updates[i]`` for every ``i``, summing repeated rows.

    Plain fancy-index assignment would keep only one update per repeated row, and
    ``np.add.at`` is correct but slow: sort instead, see :func:`add_sorted_rows`.
    """
    # The default (unstable) argsort uses SIMD and is several times faster than a
    # stable one; ties only change the order of a float sum, deterministically.
    order = np.argsort(rows)
    add_sorted_rows(matrix, rows[order], updates[order])


def scatter_add_outer(
    matrix: np.ndarray, rows: np.ndarray, coef: np.ndarray, vectors: np.ndarray, src: np.ndarray
) -> None:
    """``matrix[rows[i]] += coef[i] * vectors[src[i]]``: :func:`scatter_add` of outer products.

    The output-side gradients ``g h`` are outer products of a scalar error and a
    center vector.  Forming them directly in sorted row order saves building the
    ``(B (K + 1), d)`` gradient array and then permuting it.
    """
    order = np.argsort(rows)
    updates = vectors[src[order]]
    updates *= coef[order, None]
    add_sorted_rows(matrix, rows[order], updates)


def add_sorted_rows(matrix: np.ndarray, sorted_rows: np.ndarray, updates: np.ndarray) -> None:
    """Add ``updates`` to ``matrix[sorted_rows]`` where equal rows are adjacent.

    Rows that occur once are added directly; each longer run of equal rows is
    summed with one ``np.add.reduceat``, whose cost grows with the number of
    runs, which is why the many single rows skip it.
    """
    n = len(sorted_rows)
    if n == 0:
        return
    run_start = np.empty(n, dtype=bool)
    run_start[0] = True
    np.not_equal(sorted_rows[1:], sorted_rows[:-1], out=run_start[1:])
    starts = np.flatnonzero(run_start)
    lengths = np.diff(starts, append=n)
    single = lengths == 1
    matrix[sorted_rows[starts[single]]] += updates[starts[single]]
    if single.all():
        return
    in_long_run = np.repeat(~single, lengths)
    long_starts = np.flatnonzero(run_start[in_long_run])
    sums = np.add.reduceat(updates[in_long_run], long_starts, axis=0)
    matrix[sorted_rows[in_long_run][long_starts]] += sums


def sgd_step(
    w_in: np.ndarray,
    w_out: np.ndarray,
    centers: np.ndarray,
    contexts: np.ndarray,
    negatives: np.ndarray,
    learning_rate: float,
    shared_negatives: int = 0,
) -> float:
    """One SGD step on a batch of pairs; updates ``w_in`` and ``w_out`` in place.

    Parameters
    ----------
    w_in, w_out : (V, d) float32 weight matrices.
    centers, contexts : (B,) int32 word ids of the pairs.
    negatives : int32 word ids of the negatives: ``(B, K)`` per pair, or ``(P,)``
        for a shared pool (then ``shared_negatives`` must be ``K``).
    learning_rate : float
    shared_negatives : int
        ``0`` for per-pair negatives, else ``K`` for the shared pool.

    Returns
    -------
    float
        The batch's total loss before the update.
    """
    step = -np.float32(learning_rate)
    h = w_in[centers]
    u_pos = w_out[contexts]
    u_neg = w_out[negatives]
    batch = np.arange(len(centers), dtype=np.int32)
    if shared_negatives:
        grad_h, grad_pos, grad_pool, batch_loss = gradients_shared(
            h, u_pos, u_neg, shared_negatives
        )
        grad_pos *= step
        grad_pool *= step
        out_rows = np.concatenate((contexts, negatives))
        scatter_add(w_out, out_rows, np.concatenate((grad_pos, grad_pool)))
    else:
        g_pos, g_neg, batch_loss = output_errors(h, u_pos, u_neg)
        grad_h = input_gradient(g_pos, g_neg, u_pos, u_neg)
        # Output side: row o gets g_o h, row n_k gets g_k h -- all scaled outer products.
        k = negatives.shape[1]
        out_rows = np.concatenate((contexts, negatives.ravel()))
        coef = np.concatenate((g_pos, g_neg.ravel()))
        coef *= step
        src = np.concatenate((batch, np.repeat(batch, k)))
        scatter_add_outer(w_out, out_rows, coef, h, src)
    grad_h *= step
    scatter_add(w_in, centers, grad_h)
    return batch_loss
