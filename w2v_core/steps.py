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

Summing into repeated rows
--------------------------
A word may occur at several positions of a step and be drawn as a negative
several times; :func:`scatter_add` sums all updates of a row exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from .sgns import sigmoid
from .vocab import UnigramTable

BLOCK = 32
"""Centers per block.  Smaller blocks waste fewer entries outside the band
(``2W`` of each ``b + 2W`` row are pairs) but cost more, smaller products."""


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


ROUNDS = 4
"""Rounds of plain fancy-indexed ``+=`` in :func:`scatter_add` before the
frequent rows' remaining updates are summed by runs."""

ROUND_ROWS = 512
"""Rows per fancy-indexed ``+=`` of a round: short, so that another worker's
updates of those rows are rarely overwritten (see :func:`scatter_add`)."""

SMALL_SCATTER = 1024
"""Below this many updates :func:`scatter_add` uses one ``np.add.at``: sorting
and rounds cost more than they save on a few hundred rows."""


def add_at(
    matrix: np.ndarray, rows: np.ndarray, updates: np.ndarray, work: Workspace | None = None
) -> None:
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


def scatter_add(
    matrix: np.ndarray, rows: np.ndarray, updates: np.ndarray, work: Workspace | None = None
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
) -> float:
    """One SGD step on blocks ``lo:hi`` of ``band`` with a shared pool of negatives.

    Every pair's negative term is ``(K / P) Σ_p log σ(-u_p · h)`` over the pool
    ``pool`` of ``P`` words (:func:`w2v_core.sgns.loss_shared`).  Updates ``w_in``
    and ``w_out`` in place; returns the step's loss before the update.
    """
    centers, contexts, mask = band.centers[lo:hi], band.contexts[lo:hi], band.mask[lo:hi]
    h, _, grad_h, grad_o, loss = _positive_part(w_in, w_out, centers, contexts, mask)
    d = w_in.shape[1]
    h = h.reshape(-1, d)
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
    scatter_add(w_in, centers, grad_h, work)
    out_updates = np.concatenate((grad_o.reshape(-1, d), grad_u))
    out_updates *= step
    scatter_add(w_out, np.concatenate((contexts.reshape(-1), pool)), out_updates, work)
    return loss


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
    push a true pair apart.  The large temporaries live in ``work`` (see
    :class:`Workspace`), reused by the next step.
    """
    work = work or Workspace()
    centers, contexts, mask = band.centers[lo:hi], band.contexts[lo:hi], band.mask[lo:hi]
    h, _, grad_h, grad_o, loss = _positive_part(w_in, w_out, centers, contexts, mask)
    d = w_in.shape[1]
    pairs, k = noise.shape
    h = h.reshape(-1, d)
    grad_h = grad_h.reshape(-1, d)
    layout = pair_layout(mask)
    # mode="clip": take() with out= and the default mode="raise" buffers a copy.
    u = np.take(w_out, noise, axis=0, out=work.get("u", (pairs, k, d)), mode="clip")
    # word2vec and gensim skip a negative that is the pair's own context word.
    keep = noise != contexts.reshape(-1)[layout.context][:, None]
    step = -np.float32(learning_rate)
    first_center = int(layout.per_count[0])  # centers without pairs come first
    first_pair = 0
    for m in np.flatnonzero(layout.per_count[1:]) + 1:
        n_m = int(layout.per_count[m])
        group = layout.order[first_center : first_center + n_m]
        end_pair = first_pair + n_m * m
        u_group = u[first_pair:end_pair].reshape(n_m, m * k, d)
        h_group = h[group]  # (n_m, d)
        g = sigmoid(np.matmul(u_group, h_group[:, :, None])[:, :, 0])  # σ(u_j · h), (n_m, mK)
        g *= keep[first_pair:end_pair].reshape(n_m, m * k)
        loss -= float(np.log1p(-g).sum())
        grad_h[group] += np.matmul(g[:, None, :], u_group)[:, 0]  # Σ_j g_j u_j
        g *= step
        # dL/du_j = g_j h, written over the group's u rows (no longer needed).
        np.multiply(g[:, :, None], h_group[:, None, :], out=u_group)
        first_center += n_m
        first_pair = end_pair
    grad_h *= step
    scatter_add(w_in, centers, grad_h, work)
    grad_o *= step
    scatter_add(w_out, contexts, grad_o, work)
    scatter_add(w_out, noise, u, work)
    return loss


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


PAIRS_PER_STEP = 1536
"""Pairs per step by default (``TrainConfig.batch_size=0``).  Larger steps cost
less Python per pair, but all their gradients come from the same stale weights;
with the shared pool, steps much above ~1,500 pairs made WordSim-353 collapse or
the loss diverge on some seeds."""

DRAWS_PER_POOL_WORD = 256
"""At most this many pair-negatives stand behind one pool word in a step
(``pairs * K / P``); the pool grows with the step and ``K`` to respect it.  Above
~200-250 a pool word's summed update overshoots: the shared mode diverged on
``lee`` with ``K = 15`` and a 32-word pool (480 draws per pool word)."""


@dataclass(frozen=True)
class StepPlan:
    """How a run cuts its text into steps; fixed for the whole run.

    Attributes
    ----------
    window, negatives : int
        ``W`` and ``K``.
    shared : bool
        Shared pool (:func:`band_step_shared`) or per-pair negatives (:func:`band_step_exact`).
    pool : int
        ``P``, words in the shared pool.
    block : int
        Centers per block.
    blocks_per_step : int
        Blocks in one step: ``block * blocks_per_step`` centers, about
        ``(W + 1)`` pairs each (the mean of ``2r`` for ``r ~ U{1..W}``).
    """

    window: int
    negatives: int
    shared: bool
    pool: int
    block: int
    blocks_per_step: int

    @classmethod
    def build(
        cls,
        window: int,
        negatives: int,
        shared: bool,
        shared_pool: int,
        vocab_size: int,
        pairs_per_step: int = 0,
        workers: int = 1,
    ) -> StepPlan:
        """Choose the step size and pool for these settings.

        A step holds at most ``2 * vocab_size / workers`` pairs: with a tiny
        vocabulary the same rows repeat so often in one step that their summed
        update would overshoot, and ``workers`` Hogwild processes take their steps
        at the same time from the same weights, like one step ``workers`` times as
        large (the shared mode on ``toy`` with ``K = 25``, window 1, diverged in one
        of three 2-worker runs with the 1-worker cap).
        """
        cap = max(16, 2 * vocab_size // max(1, workers))
        pairs = min(pairs_per_step or PAIRS_PER_STEP, cap)
        centers = max(1, pairs // (window + 1))
        block = min(BLOCK, centers)
        blocks_per_step = max(1, centers // block)
        expected_pairs = block * blocks_per_step * (window + 1)
        pool = max(shared_pool, -(-expected_pairs * negatives // DRAWS_PER_POOL_WORD))
        return cls(window, negatives, shared, pool, block, blocks_per_step)

    @property
    def centers_per_step(self) -> int:
        return self.block * self.blocks_per_step


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
            loss = band_step_shared(w_in, w_out, band, lo, hi, pool, plan.negatives, alpha, work)
            pairs = int(np.count_nonzero(band.mask[lo:hi]))
        else:
            first, last = int(offsets[lo]), int(offsets[hi])
            loss = band_step_exact(w_in, w_out, band, lo, hi, exact[first:last], alpha, work)
            pairs = last - first
        yield pairs, loss, alpha, hi / band.blocks
