r"""The training loop of one process: the chunks it is dealt, step by step.

The single-process trainer (:class:`w2v_core.train.Trainer`) and every Hogwild
worker (:mod:`w2v_core.workers`) run this same loop; what differs between them is
passed in, not written again:

* where the chunks come from (``next_chunk``: in order in one process, claimed
  under a lock from the shared block by a worker);
* where the counts go (a :class:`Tally`: the trainer's dealer, or a worker's own
  slots in shared memory, whose sum over all workers is the global progress);
* what happens after each step (``after_step``: the trainer logs, reports and
  checks for a stop or for another worker's divergence; a worker only checks the
  shared stop flag).

Per chunk::

    kept = subsample(chunk)                          (pairs.subsample)
    for each step of the chunk:                      (steps.train_chunk)
        alpha = decayed_alpha(words done / all words)
        one SGD step; count its pairs and loss       (Tally.add)
        watchdog: loss finite, weights every CHECK_EVERY_STEPS steps
        after_step(step) -> stop?
    count the chunk's words                          (Tally.add)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from .pairs import subsample
from .plan import StepPlan
from .steps import Workspace, train_chunk
from .watchdog import CHECK_EVERY_STEPS, weights_ok

if TYPE_CHECKING:  # pragma: no cover
    from .vocab import UnigramTable

CHUNK_TOKENS = 10_000
"""Tokens per chunk, the unit dealt to a worker.  Chunk edges act as sentence
breaks, which loses ``window / 10,000`` of the pairs (gensim's 10k-word jobs lose
the same)."""

LOSS_INFINITE = 1
"""Code of a divergence seen as a non-finite step loss."""

WEIGHTS_BROKEN = 2
"""Code of a divergence seen in the weights (non-finite, or a row too long)."""


def decayed_alpha(alpha: float, min_alpha: float, done: float) -> float:
    r"""Linear decay, :math:`\alpha_t = \alpha - (\alpha - \alpha_\min)\, t / T`.

    ``done`` is ``t / T``, the share of all words of all epochs processed.
    """
    return max(min_alpha, alpha - (alpha - min_alpha) * min(1.0, done))


@dataclass(frozen=True)
class RunSpec:
    """What every process needs to train its share (sent to a worker as JSON; the
    arrays go in the shared block)."""

    plan: StepPlan
    keep_probability: np.ndarray
    alpha: float
    min_alpha: float
    total_words: int
    words_per_epoch: int
    seed: int

    def to_json(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        values["plan"] = dataclasses.asdict(self.plan)
        del values["keep_probability"]  # in the shared block
        return values

    @classmethod
    def from_json(cls, values: dict[str, Any], keep_probability: np.ndarray) -> RunSpec:
        plan = StepPlan(**values.pop("plan"))
        return cls(plan=plan, keep_probability=keep_probability, **values)


class Tally(Protocol):
    """Where a process counts its progress."""

    def add(self, words: int, pairs: int, loss: float) -> None:
        """Count this process's words, pairs and summed loss."""

    def words_done(self) -> int:
        """Words finished so far by all processes together (the global progress)."""
        ...


@dataclass(frozen=True)
class Step:
    """What ``after_step`` is told about the step just taken."""

    number: int  # this process's steps so far, this one included (1-based)
    pairs: int
    loss: float  # summed over the step's pairs
    alpha: float
    share: float  # of the chunk done
    chunk_words: int  # words of the chunk (before subsampling)


class Diverged(Exception):
    """The watchdog found a broken run; ``code`` is :data:`LOSS_INFINITE` or
    :data:`WEIGHTS_BROKEN` (each caller words its own message)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class ChunkLoop:
    r"""One process's training loop over the chunks it is dealt.

    Parameters
    ----------
    spec : RunSpec
        The step plan, keep probabilities, learning rates and total word count.
    w_in, w_out : np.ndarray
        The weights, updated in place (a worker's are views of shared memory).
    ids : np.ndarray
        The corpus ids (``-1`` marks a sentence break); chunk ``c`` is
        ``ids[c * CHUNK_TOKENS : (c + 1) * CHUNK_TOKENS]``.
    noise : UnigramTable
        The negatives' table.
    rng : np.random.Generator
        This process's random stream (subsampling, windows, negatives).
    tally : Tally
        Where the counts go, and whence the global progress.
    work : Workspace, optional
        The steps' scratch arrays, reused by every step.

    Notes
    -----
    The learning rate decays linearly with the words processed by all processes
    together, over all epochs: with :math:`p = t / T` (``tally.words_done()`` plus
    the done share of the current chunk, over ``spec.total_words``),

    .. math:: \alpha = \alpha_0 - (\alpha_0 - \alpha_\min)\, p

    (:func:`decayed_alpha`).  The watchdog (:mod:`w2v_core.watchdog`) is checked
    inside the step loop: every step's loss must be finite, and every
    :data:`~w2v_core.watchdog.CHECK_EVERY_STEPS` of this process's steps (counted
    across epochs) the weights must pass :func:`~w2v_core.watchdog.weights_ok`;
    the caller checks them once more after each epoch (:meth:`check_weights`).
    A failure raises :class:`Diverged`.
    """

    def __init__(
        self,
        spec: RunSpec,
        w_in: np.ndarray,
        w_out: np.ndarray,
        ids: np.ndarray,
        noise: UnigramTable,
        rng: np.random.Generator,
        tally: Tally,
        work: Workspace | None = None,
    ) -> None:
        self.spec = spec
        self.w_in, self.w_out, self.ids = w_in, w_out, ids
        self.noise, self.rng, self.tally = noise, rng, tally
        self.work = work or Workspace()
        self.steps = 0  # this process's steps, all epochs (the watchdog's clock)

    def alpha_at(self, words_done: float) -> float:
        r"""The learning rate after ``words_done`` words of all epochs (:func:`decayed_alpha`)."""
        s = self.spec
        return decayed_alpha(s.alpha, s.min_alpha, words_done / max(1, s.total_words))

    def train_epoch(
        self,
        next_chunk: Callable[[], int | None],
        after_step: Callable[[Step], bool] | None = None,
        after_chunk: Callable[[], None] | None = None,
    ) -> bool:
        """Train every chunk ``next_chunk()`` deals until it returns ``None``.

        Returns ``False`` if ``after_step`` asked to stop (by returning ``True``).
        """
        while (chunk := next_chunk()) is not None:
            if not self.train(chunk, after_step):
                return False
            if after_chunk is not None:
                after_chunk()
        return True

    def train(self, chunk: int, after_step: Callable[[Step], bool] | None = None) -> bool:
        """Train one chunk; ``False`` if ``after_step`` asked to stop (the chunk's
        words are then not counted: it was not finished)."""
        piece = self.ids[chunk * CHUNK_TOKENS : (chunk + 1) * CHUNK_TOKENS]
        chunk_words = int(np.count_nonzero(piece >= 0))
        kept = subsample(piece, self.spec.keep_probability, self.rng)
        tally = self.tally

        def alpha_of(share: float) -> float:
            return self.alpha_at(tally.words_done() + chunk_words * share)

        for pairs, loss, alpha, share in train_chunk(
            self.w_in, self.w_out, self.spec.plan, kept, self.rng, self.noise, alpha_of, self.work
        ):
            if not np.isfinite(loss):
                raise Diverged(LOSS_INFINITE)
            tally.add(0, pairs, loss)
            self.steps += 1
            if self.steps % CHECK_EVERY_STEPS == 0:
                self.check_weights()
            step = Step(self.steps, pairs, loss, alpha, share, chunk_words)
            if after_step is not None and after_step(step):
                return False
        tally.add(chunk_words, 0, 0.0)
        return True

    def check_weights(self) -> None:
        """The watchdog's look at the weights: raise :class:`Diverged` if broken."""
        if not weights_ok(self.w_in, self.w_out):
            raise Diverged(WEIGHTS_BROKEN)
