"""How a run cuts its text into SGD steps: centers per step and the shared pool's size.

Fixed for the whole run by :meth:`StepPlan.build` from the settings; every process
of a run (the trainer and each Hogwild worker) steps with the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCK = 32
"""Centers per block of the positional band (:mod:`w2v_core.steps`).  Smaller blocks
waste fewer entries outside the band (``2W`` of each ``b + 2W`` row are pairs) but
cost more, smaller products."""


PAIRS_PER_STEP = 1536
"""Pairs per step by default (``TrainConfig.batch_size=0``): a speed choice, not a
safety one.  Larger steps cost less Python per pair; :mod:`w2v_core.rowbound`
keeps any step size from overshooting."""


DRAWS_PER_POOL_WORD = 240
"""Negative draws one pool word may stand for in a step, times the workers stepping at
once: what it stands for at the default settings with one worker (1,536 pairs x K = 5
negatives / P = 32).  A quality choice, not a safety one (see :func:`pool_size`)."""


def pool_size(smallest: int, pairs: int, negatives: int, workers: int = 1) -> int:
    r"""Words in the shared pool: ``smallest``, or more when a step asks for many draws.

    .. math::

        P = \max\Bigl(P_{\min},\; \Bigl\lceil \frac{n K \omega}{D} \Bigr\rceil\Bigr)

    with ``n`` pairs per step, ``K`` negatives, ``ω`` workers stepping at once and
    ``D`` = :data:`DRAWS_PER_POOL_WORD`.  Each pool word stands for ``n K / P`` draws
    of one step, all computed from the same stale weights, so its summed update is
    large and the step bound (:mod:`w2v_core.rowbound`) shortens it, ``ω`` times
    more with ``ω`` workers.  With 32 words at ``K = 15`` (lee,
    ``benchmarks.lee_repeat``) the frequent words, always in the pool, barely moved:
    the output vectors stayed short, the input vectors grew instead, and the top-10
    neighbours overlapped gensim's by 0.24-0.31 (per-pair sampling: about 0.6).  A
    pool that keeps each word's share what it is at the defaults brought that to
    0.54-0.57 with one worker.  The cost: the pool's products grow with ``P``, as
    per-pair sampling's grow with ``K``.
    """
    return max(smallest, -(-pairs * negatives * workers // DRAWS_PER_POOL_WORD))


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
        ``P``, words in the shared pool (:func:`pool_size`).
    block : int
        Centers per block.
    blocks_per_step : int
        Blocks in one step: ``block * blocks_per_step`` centers, about
        ``(W + 1)`` pairs each (the mean of ``2r`` for ``r ~ U{1..W}``).
    concurrent : int
        Workers stepping at once (``ω`` of the step bound, :mod:`w2v_core.rowbound`).
    """

    window: int
    negatives: int
    shared: bool
    pool: int
    block: int
    blocks_per_step: int
    concurrent: int = 1

    @classmethod
    def build(
        cls,
        window: int,
        negatives: int,
        shared: bool,
        shared_pool: int,
        pairs_per_step: int = 0,
        workers: int = 1,
    ) -> StepPlan:
        """Choose the step size for these settings: about ``pairs_per_step`` pairs
        (``0``: :data:`PAIRS_PER_STEP`) in whole blocks.

        No cap by vocabulary, ``K`` or workers: the per-row bound of
        :mod:`w2v_core.rowbound` holds whatever the step, and ``workers`` enters it.
        The pool has ``shared_pool`` words or more (:func:`pool_size`).
        """
        pairs = pairs_per_step or PAIRS_PER_STEP
        centers = max(1, pairs // (window + 1))
        block = min(BLOCK, centers)
        blocks_per_step = max(1, centers // block)
        expected_pairs = block * blocks_per_step * (window + 1)
        pool = pool_size(shared_pool, expected_pairs, negatives, workers)
        return cls(window, negatives, shared, pool, block, blocks_per_step, workers)

    @property
    def centers_per_step(self) -> int:
        return self.block * self.blocks_per_step
