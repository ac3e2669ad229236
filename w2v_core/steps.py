r"""The fast SGD steps that training runs: a positional band of the text per step.

:mod:`w2v_core.sgns` states the math pair by pair.  This module computes exactly
the same gradients, but lays a step out by *positions* of the text instead of
by pairs, so that NumPy does few, large operations.

The positional band
-------------------
A step takes ``n`` consecutive positions of the subsampled text (the *centers*)
and the ``n + 2W`` positions around them (their possible contexts, ``W`` the
window).  It cuts them into blocks of ``b`` centers; block ``j`` sees the
``b + 2W`` context positions ``jb - W .. jb + b + W``.  Each center's input row
``h`` and each position's output row ``u`` is gathered once per step, not once
per pair:

.. math::

    S_j = H_j\, O_j^\top \quad (b \times (b + 2W)), \qquad
    S_j[a, c] = h_{jb + a} \cdot u_{jb + c - W}

Entry ``[a, c]`` is a real pair when the context lies at distance
``1 <= |c - a - W| <= r`` (``r`` the center's reduced window) inside the same
sentence: a 0/1 mask ``M_j`` of the same shape keeps exactly the pairs that
:func:`w2v_core.pairs.skipgram_pairs` makes.  With
``G_j = M_j \odot (\sigma(S_j) - 1)`` (the positive errors ``g_o``):

.. math::

    \frac{\partial L}{\partial H_j} = G_j O_j, \qquad
    \frac{\partial L}{\partial O_j} = G_j^\top H_j

three stacked matrix products per step, instead of one row product per pair.

Negatives
---------
* **shared pool** (:func:`band_step_shared`): one pool of ``P`` noise words per
  step, each weighted ``K / P`` (see :func:`w2v_core.sgns.gradients_shared`).
  A center with ``c`` pairs in the step has the same ``h`` in all of them, so its
  negative term is ``c K / P`` times one row of :math:`\sigma(H U^\top)`.
* **per pair** (:func:`band_step_exact`, word2vec's way): each pair gets its
  own ``K`` negatives.  Their term depends on the pair only through its center,
  so a center with ``c`` pairs simply gets ``c K`` negatives of its own.

Summing into repeated rows, and the bound
-----------------------------------------
A word may occur at several positions of a step and be drawn as a negative
several times; :func:`w2v_core.rowbound.bounded_add` sums all updates of a row
exactly (:func:`~w2v_core.rowbound.scatter_add_rounds`), and each row's sum
:math:`\Delta_r` is scaled by
:math:`s_r = \min(1, 8\lVert\Delta_r\rVert^2 / (\omega\,\alpha\,q_r))` before it
is added (:mod:`w2v_core.rowbound`), with

.. math::

    q_r = \sum_{i \ni r} a_i\,(v_i \cdot \Delta_r)^2

over the step's terms that name row ``r`` (partner ``v_i``, weight ``a_i``).  The
band gives those score changes with the same stacked products as the step:
``D_j O_j^T`` for the centers, ``H_j D_j^T`` for the contexts, ``D U^T`` and
``H D_pool^T`` for the pool, ``U_m d`` and ``D_m h`` for per-pair negatives.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from .plan import BLOCK, StepPlan
from .rowbound import bounded_add, suspect_rows
from .sgns import sigmoid
from .vocab import UnigramTable


class Workspace:
    """Scratch arrays reused from step to step, grown when a step needs more.

    The exact step's temporaries are megabytes each (``pairs x K x d`` floats).
    Allocated afresh every step, glibc handed their pages back to the kernel and
    took new ones the next step: a wiki epoch of the per-pair mode made 2.8
    million page faults and ran 2.4x slower than with these buffers.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: type = np.float32) -> np.ndarray:
        """An uninitialised C-contiguous array of this shape, backed by buffer ``name``."""
        size = math.prod(shape)
        buf = self._arrays.get(name)
        if buf is None or buf.size < size or buf.dtype != dtype:
            # A little headroom: the number of pairs varies from step to step.
            buf = self._arrays[name] = np.empty(size + size // 4, dtype=dtype)
        return buf[:size].reshape(shape)


@dataclass
class ChunkBand:
    """One chunk of subsampled text, laid out in blocks for :func:`band_step_shared`.

    Attributes
    ----------
    centers : (blocks, b) int32
        Word id at each center position (padding: 0, never valid).
    contexts : (blocks, b + 2W) int32
        Word id at each context position of each block.
    mask : (blocks, b, b + 2W) float32
        1 where (center, context) is a pair, else 0.
    pairs : int
        Number of pairs in the chunk (``mask.sum()``).
    """

    centers: np.ndarray
    contexts: np.ndarray
    mask: np.ndarray
    pairs: int

    @property
    def blocks(self) -> int:
        return len(self.centers)


def chunk_band(
    ids: np.ndarray, window: int, rng: np.random.Generator, block: int = BLOCK
) -> ChunkBand:
    """Lay out a subsampled chunk (``-1`` = sentence break) as blocks of a band.

    Draws each center's reduced window ``r ~ U{1..W}`` like
    :func:`w2v_core.pairs.skipgram_pairs`, and gives exactly its pairs.
    """
    is_break = ids < 0
    sentence = np.cumsum(is_break, dtype=np.int32)[~is_break]
    words = ids[~is_break]
    m = len(words)
    reduced = rng.integers(1, window + 1, size=m, dtype=np.int32)
    blocks = max(1, -(-m // block))
    total = blocks * block
    # Padding: word 0 with sentence -1 (no real sentence) and reduced window 0
    # (no pairs as a center), so it never forms a pair and gets zero updates.
    padded_words = np.zeros(total + 2 * window, dtype=np.int32)
    padded_words[window : window + m] = words
    padded_sentence = np.full(total + 2 * window, -1, dtype=np.int32)
    padded_sentence[window : window + m] = sentence
    reduced_all = np.zeros(total, dtype=np.int32)
    reduced_all[:m] = reduced
    width = block + 2 * window
    context_pos = np.arange(blocks)[:, None] * block + np.arange(width)  # into padded arrays
    center_pos = context_pos[:, window : window + block]
    distance = np.abs(np.arange(width)[None, :] - np.arange(block)[:, None] - window)
    radius = reduced_all.reshape(blocks, block, 1)
    valid = (
        (distance >= 1)
        & (distance <= radius)
        & (padded_sentence[center_pos][:, :, None] == padded_sentence[context_pos][:, None, :])
    )
    return ChunkBand(
        centers=padded_words[center_pos],
        contexts=padded_words[context_pos],
        mask=valid.astype(np.float32),
        pairs=int(np.count_nonzero(valid)),
    )


def _positive_part(
    w_in: np.ndarray, w_out: np.ndarray, centers: np.ndarray, contexts: np.ndarray, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Gather a slice of blocks; return ``H, O, dL/dH, dL/dO`` and the positive loss."""
    h = w_in[centers]  # (nb, b, d)
    o = w_out[contexts]  # (nb, b + 2W, d)
    g = sigmoid(np.matmul(h, o.transpose(0, 2, 1)))  # σ(S), (nb, b, b + 2W)
    # log σ of the real pairs; masked entries are log(σ)*0 (σ >= σ(-6) > 0, so finite).
    pos_loss = -float(np.vdot(np.log(g), mask))
    g -= 1.0
    g *= mask
    grad_h = np.matmul(g, o)
    grad_o = np.matmul(g.transpose(0, 2, 1), h)
    return h, o, grad_h, grad_o, pos_loss


def band_step_shared(
    w_in: np.ndarray,
    w_out: np.ndarray,
    band: ChunkBand,
    lo: int,
    hi: int,
    pool: np.ndarray,
    negatives: int,
    learning_rate: float,
    work: Workspace | None = None,
    concurrent: int = 1,
) -> float:
    """One SGD step on blocks ``lo:hi`` of ``band`` with a shared pool of negatives.

    Every pair's negative term is ``(K / P) Σ_p log σ(-u_p · h)`` over the pool
    ``pool`` of ``P`` words (:func:`w2v_core.sgns.loss_shared`).  Updates ``w_in``
    and ``w_out`` in place, each row's summed update bounded for ``concurrent``
    workers (:mod:`w2v_core.rowbound`); returns the step's loss before the update.
    """
    centers, contexts, mask = band.centers[lo:hi], band.contexts[lo:hi], band.mask[lo:hi]
    h3, o, grad_h, grad_o, loss = _positive_part(w_in, w_out, centers, contexts, mask)
    nb, b, d = h3.shape
    h = h3.reshape(-1, d)
    grad_h = grad_h.reshape(-1, d)
    u = w_out[pool]  # (P, d)
    weight = (np.float32(negatives / len(pool)) * mask.sum(axis=2)).reshape(-1, 1)  # c K / P
    g_neg = sigmoid(h @ u.T)  # (n, P)
    loss -= float(np.vdot(np.log1p(-g_neg), np.broadcast_to(weight, g_neg.shape)))
    g_neg *= weight
    grad_h += g_neg @ u
    grad_u = g_neg.T @ h
    step = -np.float32(learning_rate)
    grad_h *= step
    grad_u *= step
    grad_o *= step
    norms = _Norms(h3, o, mask)
    # Centers: contexts (weight 1) and the pool (weight c K / P); trace T = Σ a |v|².
    pool_norm2 = float(np.einsum("qd,qd->", u, u))
    trace = norms.center_trace() + weight[:, 0] * pool_norm2
    suspects = suspect_rows(centers, trace, learning_rate, concurrent)

    def center_curvature(delta: np.ndarray, hits: list) -> np.ndarray:
        [(at, which)] = hits
        change = _square(delta[which] @ u.T).sum(axis=1) * weight[at, 0]
        change += norms.center_changes(at, delta[which])
        return _per_row(which, change, delta)

    bounded_add(
        w_in, [(centers, grad_h)], suspects, center_curvature, learning_rate, concurrent, work
    )
    # Contexts (weight 1) and pool words (every center, weight c K / P).
    pool_trace = float(weight[:, 0] @ norms.h_norm2.reshape(-1))
    trace = np.concatenate((norms.context_trace(), np.full(len(pool), pool_trace)))
    rows = np.concatenate((contexts.reshape(-1), pool))
    suspects = suspect_rows(rows, trace, learning_rate, concurrent)

    def out_curvature(delta: np.ndarray, hits: list) -> np.ndarray:
        (at, which), (_, pool_which) = hits
        scores = _square(h @ delta[pool_which].T)  # (centers, pool hits)
        pool_change = _per_row(pool_which, weight[:, 0] @ scores, delta)
        return norms.context_curvature(at, which, delta) + pool_change

    parts = [(contexts, grad_o), (pool, grad_u)]
    bounded_add(w_out, parts, suspects, out_curvature, learning_rate, concurrent, work)
    return loss


class _Norms:
    """The band's squared lengths, and the score changes of given rows' updates."""

    def __init__(self, h3: np.ndarray, o: np.ndarray, mask: np.ndarray) -> None:
        self.h3, self.o, self.mask = h3, o, mask
        self.h_norm2 = np.einsum("jad,jad->ja", h3, h3)  # (nb, b)
        self.o_norm2 = np.einsum("jcd,jcd->jc", o, o)  # (nb, b + 2W)

    def center_trace(self) -> np.ndarray:
        """Σ_c mask |o_c|² per center position (flat)."""
        return np.matmul(self.mask, self.o_norm2[:, :, None]).reshape(-1)

    def context_trace(self) -> np.ndarray:
        """Σ_a mask |h_a|² per context position (flat)."""
        return np.matmul(self.h_norm2[:, None, :], self.mask).reshape(-1)

    # The suspects name a few dozen positions of a step (wiki, defaults: a median of 27
    # center positions in 8 blocks), so each position's partners are gathered and
    # scored on their own: a block-wide product cost 4-8 times as much.
    def center_changes(self, at: np.ndarray, delta: np.ndarray) -> np.ndarray:
        """Σ_c mask (o_c · Δ)² for center positions ``at`` (flat) moved by ``delta``."""
        block, slot = np.divmod(at, self.mask.shape[1])
        scores = np.matmul(self.o[block], delta[:, :, None])[:, :, 0]  # (hits, b + 2W)
        return (_square(scores) * self.mask[block, slot]).sum(axis=1)

    def context_changes(self, at: np.ndarray, delta: np.ndarray) -> np.ndarray:
        """Σ_a mask (h_a · Δ)² for context positions ``at`` (flat) moved by ``delta``."""
        block, slot = np.divmod(at, self.mask.shape[2])
        scores = np.matmul(self.h3[block], delta[:, :, None])[:, :, 0]  # (hits, b)
        return (_square(scores) * self.mask[block, :, slot]).sum(axis=1)

    def context_curvature(self, at: np.ndarray, which: np.ndarray, delta: np.ndarray) -> np.ndarray:
        """The contexts' share of :math:`q_r` per suspect: positions ``at`` name suspect
        ``which``, whose summed update is ``delta[which]``."""
        return _per_row(which, self.context_changes(at, delta[which]), delta)


def _per_row(which: np.ndarray, change: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Sum the score changes ``change`` per suspect (``which``), one total per row of ``delta``."""
    return np.bincount(which, weights=change, minlength=len(delta))


def _square(x: np.ndarray) -> np.ndarray:
    """``x * x`` in place (score changes to their squares)."""
    np.multiply(x, x, out=x)
    return x


@dataclass
class PairLayout:
    """The pairs of some blocks, grouped by how many pairs their center has.

    A center with ``m`` pairs has ``m K`` negatives, all scored against its one
    ``h``.  With the centers sorted by ``m``, the negatives of the ``n_m``
    centers that have ``m`` pairs are one contiguous ``(n_m, m K, d)`` array:
    their scores and their :math:`\\partial L / \\partial h` are stacked matrix
    products, summed straight into each center (no scatter of per-pair rows).

    Attributes
    ----------
    order : (centers,) int
        Flat center positions (``block * b + a``), by ascending pair count.
    per_count : (2W + 1,) int
        ``per_count[m]``: how many centers have ``m`` pairs.
    center : (pairs,) int
        Flat center position of each pair, in ``order``.
    context : (pairs,) int
        Flat context position (``block * (b + 2W) + c``) of each pair.
    """

    order: np.ndarray
    per_count: np.ndarray
    center: np.ndarray
    context: np.ndarray


def pair_layout(mask: np.ndarray) -> PairLayout:
    """Group the pairs of ``mask`` (``blocks x b x (b + 2W)``) center by center, by pair count."""
    blocks, b, width = mask.shape
    flat = mask.reshape(blocks * b, width)
    count = np.count_nonzero(flat, axis=1)
    order = np.argsort(count, kind="stable")
    row, column = np.nonzero(flat[order])
    center = order[row]
    return PairLayout(
        order=order,
        per_count=np.bincount(count, minlength=width),
        center=center,
        context=(center // b) * width + column,
    )


def band_step_exact(
    w_in: np.ndarray,
    w_out: np.ndarray,
    band: ChunkBand,
    lo: int,
    hi: int,
    noise: np.ndarray,
    learning_rate: float,
    work: Workspace | None = None,
    concurrent: int = 1,
) -> float:
    """One SGD step on blocks ``lo:hi`` with word2vec's own ``K`` negatives per pair.

    ``noise`` is ``(pairs, K)``: row ``p`` holds the negatives of the ``p``-th pair
    of these blocks in :func:`band_pairs` order (the :class:`PairLayout`).  A
    pair's negative term ``Σ_k log σ(-u_k · h)`` involves only its center's
    ``h``, so the centers with ``m`` pairs are done together:

    .. math::

        s = U h, \\quad g = \\sigma(s), \\quad
        \\frac{\\partial L}{\\partial h} \\mathrel{+}= U^\\top g, \\quad
        \\frac{\\partial L}{\\partial u_j} = g_j h

    with ``U`` the ``m K`` negative rows of one center (stacked over the group).
    As in word2vec, a negative equal to the pair's context word is skipped (its
    error is set to 0): on a small vocabulary that collision is common and would
    push a true pair apart.  Each row's summed update is bounded for
    ``concurrent`` workers (:mod:`w2v_core.rowbound`).  The large temporaries live
    in ``work`` (see :class:`Workspace`), reused by the next step.
    """
    work = work or Workspace()
    centers, contexts, mask = band.centers[lo:hi], band.contexts[lo:hi], band.mask[lo:hi]
    h3, o, grad_h, grad_o, loss = _positive_part(w_in, w_out, centers, contexts, mask)
    nb, b, d = h3.shape
    pairs, k = noise.shape
    h = h3.reshape(-1, d)
    grad_h = grad_h.reshape(-1, d)
    layout = pair_layout(mask)
    # mode="clip": take() with out= and the default mode="raise" buffers a copy.
    u = np.take(w_out, noise, axis=0, out=work.get("u", (pairs, k, d)), mode="clip")
    # dL/du_j = g_j h for every negative, beside u (the curvature needs u afterwards).
    grad_u = work.get("grad_u", (pairs, k, d))
    # word2vec and gensim skip a negative that is the pair's own context word.
    keep = noise != contexts.reshape(-1)[layout.context][:, None]
    step = -np.float32(learning_rate)
    loss += _negative_part(u, h, keep, layout, step, grad_h, grad_u)
    grad_h *= step
    grad_o *= step
    norms = _Norms(h3, o, mask)
    # Centers: contexts and their own m K negatives (weight 1 each, skipped ones 0).
    neg_norm2 = np.einsum("pkd,pkd->pk", u, u)
    neg_norm2 *= keep
    trace = norms.center_trace()
    trace += np.bincount(layout.center, weights=neg_norm2.sum(axis=1), minlength=trace.size)
    suspects = suspect_rows(centers, trace, learning_rate, concurrent)

    def center_curvature(delta: np.ndarray, hits: list) -> np.ndarray:
        [(at, which)] = hits
        change = norms.center_changes(at, delta[which])
        index = np.full(trace.size, -1)
        index[at] = which
        pair_suspect = index[layout.center]  # the suspect of each pair's center, or -1
        hit = np.flatnonzero(pair_suspect >= 0)
        scores = np.matmul(u[hit], delta[pair_suspect[hit]][:, :, None])[:, :, 0]
        negative = (_square(scores) * keep[hit]).sum(axis=1)
        return _per_row(which, change, delta) + _per_row(pair_suspect[hit], negative, delta)

    bounded_add(
        w_in, [(centers, grad_h)], suspects, center_curvature, learning_rate, concurrent, work
    )
    # Contexts (their centers, weight 1) and negatives (the pair's center, weight keep).
    h_of_pair = norms.h_norm2.reshape(-1)[layout.center]
    trace = np.concatenate((norms.context_trace(), (keep * h_of_pair[:, None]).reshape(-1)))
    rows = np.concatenate((contexts.reshape(-1), noise.reshape(-1)))
    suspects = suspect_rows(rows, trace, learning_rate, concurrent)

    def out_curvature(delta: np.ndarray, hits: list) -> np.ndarray:
        (at, which), (entry, noise_which) = hits  # entry: flat (pair, k) of a negative
        partner = h[layout.center[entry // k]]
        scores = np.einsum("md,md->m", partner, delta[noise_which])
        negative = _per_row(noise_which, _square(scores) * keep.reshape(-1)[entry], delta)
        return norms.context_curvature(at, which, delta) + negative

    parts = [(contexts, grad_o), (noise, grad_u)]
    bounded_add(w_out, parts, suspects, out_curvature, learning_rate, concurrent, work)
    return loss


def _negative_part(u, h, keep, layout: PairLayout, step, grad_h, grad_u) -> float:
    """Per-pair negatives, one stacked product per pair count: adds ``Σ_j g_j u_j`` to
    ``grad_h``, writes ``step · g_j h`` into ``grad_u``, returns ``-Σ log(1 - g_j)``
    (``g_j = σ(u_j · h)``; a skipped negative, ``keep`` false, has ``g_j = 0``)."""
    loss = 0.0
    for group, first, end, shape in _groups(layout, u.shape[1]):
        u_group = u[first:end].reshape(shape)
        h_group = h[group]  # (n_m, d)
        g = sigmoid(np.matmul(u_group, h_group[:, :, None])[:, :, 0])  # σ(u_j · h), (n_m, mK)
        g *= keep[first:end].reshape(shape[:2])
        loss -= float(np.log1p(-g).sum())
        grad_h[group] += np.matmul(g[:, None, :], u_group)[:, 0]  # Σ_j g_j u_j
        g *= step
        np.multiply(g[:, :, None], h_group[:, None, :], out=grad_u[first:end].reshape(shape))
    return loss


def _groups(layout: PairLayout, k: int) -> list[tuple[np.ndarray, int, int, tuple[int, int, int]]]:
    """``(centers, first pair, end pair, (n_m, m K, -1))`` per pair count ``m`` (see PairLayout)."""
    groups = []
    first_center = int(layout.per_count[0])  # centers without pairs come first
    first_pair = 0
    for m in np.flatnonzero(layout.per_count[1:]) + 1:
        n_m = int(layout.per_count[m])
        end_pair = first_pair + n_m * int(m)
        group = layout.order[first_center : first_center + n_m]
        groups.append((group, first_pair, end_pair, (n_m, int(m) * k, -1)))
        first_center += n_m
        first_pair = end_pair
    return groups


def band_pairs(band: ChunkBand, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """The (center, context) word ids of blocks ``lo:hi``, in the step's order (for tests).

    These are the pairs whose gradients the band steps compute, in the order of
    :func:`pair_layout` (row ``p`` of :func:`band_step_exact`'s ``noise`` belongs
    to pair ``p``); the readable reference :func:`w2v_core.sgns.gradients` can be
    run on them.
    """
    layout = pair_layout(band.mask[lo:hi])
    centers = band.centers[lo:hi].reshape(-1)
    contexts = band.contexts[lo:hi].reshape(-1)
    return centers[layout.center], contexts[layout.context]


def train_chunk(
    w_in: np.ndarray,
    w_out: np.ndarray,
    plan: StepPlan,
    kept: np.ndarray,
    rng: np.random.Generator,
    noise: UnigramTable,
    alpha_of: Callable[[float], float],
    work: Workspace | None = None,
) -> Iterator[tuple[int, float, float, float]]:
    """Train on one subsampled chunk, step by step.

    ``alpha_of(f)`` gives the learning rate when a share ``f`` of the chunk is done;
    ``work`` holds the steps' scratch arrays (pass the same one for every chunk).
    Yields ``(pairs, loss, alpha, share done)`` after every step, so that the
    caller can log, report and stop between steps.
    """
    band = chunk_band(kept, plan.window, rng, plan.block)
    if band.pairs == 0:
        return
    work = work or Workspace()
    exact = None
    if not plan.shared:  # the whole chunk's negatives in one draw: 16 ns each
        exact = noise.sample(rng, (band.pairs, plan.negatives))
        pairs_per_block = band.mask.sum(axis=(1, 2), dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(pairs_per_block)))
    for lo in range(0, band.blocks, plan.blocks_per_step):
        hi = min(band.blocks, lo + plan.blocks_per_step)
        alpha = alpha_of(lo / band.blocks)
        if exact is None:
            pool = noise.sample(rng, plan.pool)
            loss = band_step_shared(
                w_in, w_out, band, lo, hi, pool, plan.negatives, alpha, work, plan.concurrent
            )
            pairs = int(np.count_nonzero(band.mask[lo:hi]))
        else:
            first, last = int(offsets[lo]), int(offsets[hi])
            loss = band_step_exact(
                w_in, w_out, band, lo, hi, exact[first:last], alpha, work, plan.concurrent
            )
            pairs = last - first
        yield pairs, loss, alpha, hi / band.blocks
