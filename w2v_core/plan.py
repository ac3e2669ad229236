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


DRAWS_PER_POOL_WORD = 480
"""Negative draws one pool word stands for in one Hogwild round at the app's default
settings: two workers, each stepping 1,536 pairs x K = 5 negatives with P = 32 words
(2 x 240).  Measured there (wiki, seeds 1-3) the 32-word pool trains as well as
gensim (WordSim-353 median 0.258, gensim ``workers=2`` 0.235), so :func:`pool_size`
keeps every other setting's pool at this round's noise and load."""

DEFAULT_NEGATIVES = 5
"""``K`` of the default settings (word2vec's and gensim's default too)."""


def pool_size(smallest: int, pairs: int, negatives: int, workers: int = 1) -> int:
    r"""Words in the shared pool: ``smallest``, or more at many negatives or workers.

    .. math::

        P = \max\Bigl(P_{\min},\;
            \Bigl\lceil \frac{n K}{D} \cdot \frac{K}{K_0} \cdot \omega \Bigr\rceil\Bigr)

    with ``n`` pairs per step, ``K`` negatives, ``ω`` workers stepping at once,
    ``D`` = :data:`DRAWS_PER_POOL_WORD` and ``K_0`` = :data:`DEFAULT_NEGATIVES`:
    32 at the defaults, with one worker or two.  Why each factor:

    * ``K²``: the pool stands for each center's ``K`` draws with ``P`` words of
      weight ``K / P``; the noise of that estimate of the negatives' push grows as
      ``P (K / P)² = K² / P``, so ``P ∝ K²`` keeps it at the defaults' level.
    * ``ω``: the ``ω`` workers' pools, drawn and computed from the same stale
      weights, add up in one Hogwild round (noise ``ω K² / P``), and the step bound
      (:mod:`w2v_core.rowbound`) shortens each worker's update ``ω`` times more.

    ``D`` is calibrated on a round of two workers, the app's default: one worker at
    ``K = 5`` then needs only 16 words and keeps ``P_min``.  (Until engine 4, ``D``
    was 240, calibrated on one worker: the 2-worker default drew 64 words, which
    cost it about a quarter of its speed for no better WordSim-353.)

    A pool too small for its ``K`` trains badly, not unstably: on the issue's lee
    command (``K = 15``) 32 words left the frequent words, in every pool, held by the
    bound; the two matrices drifted apart (mean norms 0.7 / 4.8 with one worker,
    gensim 1.9 / 2.0) and the top-10 neighbours overlapped gensim's by 0.24-0.31.
    Measured on seed 1 (``benchmarks.lee_repeat``'s probes, one worker, the bound's
    ``ω`` set to 1 or 2): ``ω = 1``: P = 32, 90, 128, 180, 288 gave overlaps 0.24,
    0.56, 0.59, 0.64, 0.61; ``ω = 2``: P = 180 still drifted (0.33), 256, 360, 576
    gave 0.57, 0.63, 0.54.  This rule gives 135 and 270 there.  The cost: the pool's
    products grow with ``P``, so many negatives cost the shared mode more, as they
    cost per-pair sampling more.
    """
    draws = pairs * negatives * negatives * workers
    return max(smallest, -(-draws // (DRAWS_PER_POOL_WORD * DEFAULT_NEGATIVES)))


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
