"""Training: the epoch loop, learning-rate decay, progress and stopping.

The loop, per epoch::

    for each chunk of the corpus id array (dealt to a worker, workers.py):
        subsample frequent words                  (pairs.subsample)
        lay it out as a band of positions         (steps.chunk_band)
        for each step of ~1,500 pairs:
            alpha = linear decay by words processed (all workers together)
            draw negatives from unigram^0.75      (vocab.UnigramTable)
            one SGD step                          (steps.band_step_shared / band_step_exact,
                                                   the math of sgns.py)

The chunk and step loops are :class:`w2v_core.loop.ChunkLoop`, the same in this
process and in every Hogwild worker; this module owns the epochs around them
(history, progress reports, early stopping, snapshots, the stop request).

Memory stays at the corpus id array plus one chunk's band: pairs are never
materialised for the whole corpus.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np

# The configuration lives in config.py; these names stay importable from here.
from .config import LIMITS as LIMITS
from .config import MIN_CHUNKS_PER_WORKER as MIN_CHUNKS_PER_WORKER
from .config import RUN_OPTIONS as RUN_OPTIONS
from .config import TrainConfig, resolve
from .config import run_key as run_key
from .config import training_key as training_key
from .heldout import HeldOut, split_corpus
from .loop import LOSS_INFINITE, WEIGHTS_BROKEN, ChunkLoop, Diverged, RunSpec, Step, decayed_alpha
from .plan import StepPlan
from .steps import Workspace
from .vectors import KeyedVectors
from .vocab import UnigramTable, Vocab
from .watchdog import diverged_error
from .workers import HogwildPool, LocalDealer

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus


class StopReason(StrEnum):
    """Why training ended."""

    COMPLETED = "completed"  # every epoch was trained
    REQUESTED = "stopped"  # the callback or request_stop() asked for it
    EARLY_STOP = "early stopping"  # the epoch loss stopped improving (TrainConfig.early_stop)


def relative_improvement(previous: float, last: float) -> float:
    r"""How much an epoch lowered the loss, as a share of the one before:
    :math:`(L_{e-1} - L_e) / |L_{e-1}|` (``inf`` when a loss is not finite, so a
    diverging or empty epoch never counts as "stalled")."""
    if not (math.isfinite(previous) and math.isfinite(last)) or previous == 0:
        return math.inf
    return (previous - last) / abs(previous)


@dataclass
class Progress:
    """What a progress callback receives."""

    epoch: int  # 1-based epoch being trained
    epochs: int
    fraction: float  # of the whole run, 0..1
    words_processed: int
    total_words: int
    loss: float  # mean loss per pair over the last interval
    alpha: float
    words_per_sec: float
    elapsed: float
    epoch_done: bool = False  # True for the report that closes an epoch
    epoch_loss: float | None = None  # that epoch's mean loss per pair, when epoch_done
    heldout_loss: float | None = None  # loss per held-out pair, when epoch_done and held out

    @property
    def seconds_left(self) -> float:
        if self.fraction <= 0:
            return float("nan")
        return self.elapsed * (1.0 - self.fraction) / self.fraction


@dataclass
class History:
    """Loss over training: one point per ``log_every`` steps, and one per epoch.

    Each point is the mean loss per pair over *its own* interval, not a running total.
    """

    step_words: list[int] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    step_alpha: list[float] = field(default_factory=list)
    epoch_loss: list[float] = field(default_factory=list)
    heldout_loss: list[float] = field(default_factory=list)  # one per epoch, if held out
    stop_epoch: int = 0  # the (1-based) epoch in which training ended; 0: not started
    stop_reason: StopReason = StopReason.COMPLETED


@dataclass
class Model:
    """A trained (or partially trained) SGNS model."""

    config: TrainConfig
    vocab: Vocab
    w_in: np.ndarray
    w_out: np.ndarray
    history: History = field(default_factory=History)
    corpus_name: str = ""
    corpus_fingerprint: str = ""
    corpus_tokens: int = 0
    seconds: float = 0.0
    words_per_sec: float = 0.0
    stopped: bool = False
    snapshots: np.ndarray | None = None

    @property
    def stop_epoch(self) -> int:
        """The epoch in which training ended (see :attr:`History.stop_epoch`)."""
        return self.history.stop_epoch

    @property
    def stop_reason(self) -> StopReason:
        """Why training ended (see :class:`StopReason`)."""
        return self.history.stop_reason

    @property
    def wv(self) -> KeyedVectors:
        """The word vectors (``w_in``) as a read-only query object."""
        return KeyedVectors(self.vocab.words, self.w_in, self.vocab.counts)


ProgressCallback = Callable[[Progress], "bool | None"]


class Trainer:
    """Owns the weights while they are trained.

    ``Trainer(corpus, config).run(callback)`` trains and returns a :class:`Model`.
    If training is interrupted (the callback returns ``False``,
    :meth:`request_stop` is called from another thread, or an exception escapes
    the callback), :meth:`model` still returns the partial model.
    """

    def __init__(self, corpus: Corpus, config: TrainConfig) -> None:
        # The configuration that really trains (its key is the run's key).
        self.config = config = resolve(corpus, config)
        self.corpus = corpus
        # Held-out sentences are cut out before the vocabulary is counted: never trained on.
        training_part, heldout_part = split_corpus(corpus, config.heldout)
        self.vocab = Vocab.build(training_part, config.min_count, config.max_vocab)
        self.ids = self.vocab.encode(training_part)
        self.heldout = HeldOut.build(heldout_part, self.vocab) if heldout_part is not None else None
        self.rng = np.random.default_rng(config.seed)
        self.w_in, self.w_out = initial_weights(len(self.vocab), config.dim, self.rng)
        self.keep_probability = self.vocab.keep_probabilities(config.sample)
        self.noise = UnigramTable(self.vocab.noise_distribution(config.ns_exponent))
        self.plan = StepPlan.build(
            config.window,
            config.negatives,
            config.shared_negatives,
            config.shared_pool,
            config.batch_size,
            self.workers,
        )
        self.batch_size = self.plan.centers_per_step * (config.window + 1)  # expected pairs
        self.history = History()
        self.words_per_epoch = int(np.count_nonzero(self.ids >= 0))
        self.total_words = self.words_per_epoch * config.epochs
        # What every process's loop needs (sent to the Hogwild workers too).
        self.spec = RunSpec(
            plan=self.plan,
            keep_probability=self.keep_probability,
            alpha=config.alpha,
            min_alpha=config.min_alpha,
            total_words=self.total_words,
            words_per_epoch=self.words_per_epoch,
            seed=config.seed,
        )
        self.words_processed = 0
        self.seconds = 0.0
        self.stopped = False
        self._stop_requested = False
        self._work = Workspace()  # the steps' scratch arrays, reused (steps.Workspace)
        self._snapshots: list[np.ndarray] = []
        self._snapshot()  # epoch 0: the random start

    @property
    def workers(self) -> int:
        """Processes this run trains with: ``config.workers`` made effective
        (:func:`w2v_core.config.resolve`: fewer for a small corpus)."""
        return self.config.workers

    def request_stop(self) -> None:
        """Ask a running :meth:`run` to stop after its current step (thread-safe)."""
        self._stop_requested = True

    def alpha_at(self, words_processed: float) -> float:
        r"""Linear decay: :math:`\alpha_t = \alpha - (\alpha - \alpha_\min)\, t / T`."""
        c = self.config
        return decayed_alpha(c.alpha, c.min_alpha, words_processed / max(1, self.total_words))

    def run(self, callback: ProgressCallback | None = None) -> Model:
        """Train all epochs (or until stopped) and return the model."""
        # Overflow can only come with divergence, which _run reports as one clear error.
        with (
            blas_thread_limit(self.config.blas_threads),
            np.errstate(over="ignore", invalid="ignore"),
        ):
            workers = self.workers
            if workers == 1:
                self._run(callback, LocalDealer(len(self.ids)))
                return self.model()
            with HogwildPool(
                workers, self.w_in, self.w_out, self.ids, self.noise.table, self.spec
            ) as pool:
                self.w_in, self.w_out = pool.w_in, pool.w_out
                try:
                    self._run(callback, pool)
                finally:
                    pool.request_stop()
                    # Own copies before the shared block goes away.
                    self.w_in, self.w_out = self.w_in.copy(), self.w_out.copy()
            return self.model()

    def _run(self, callback: ProgressCallback | None, dealer: LocalDealer | HogwildPool) -> None:
        # This process's loop, on the weights it trains (shared ones with workers).
        self._loop = ChunkLoop(
            self.spec, self.w_in, self.w_out, self.ids, self.noise, self.rng, dealer, self._work
        )
        self._start = time.perf_counter()
        self._logged = (0, 0.0)  # (pairs, loss) totals at the last history point
        epoch, reason = 0, StopReason.COMPLETED
        try:
            for epoch in range(1, self.config.epochs + 1):
                self._train_epoch(epoch, callback, dealer)
                if epoch < self.config.epochs and self._loss_stalled():
                    reason = StopReason.EARLY_STOP
                    break
        except _Stop:
            reason = StopReason.REQUESTED
        finally:
            self.seconds = time.perf_counter() - self._start
            # A stop requested after the last step still leaves a complete model.
            self.stopped = self.words_processed < self.total_words
            self.history.stop_epoch = epoch
            self.history.stop_reason = reason if self.stopped else StopReason.COMPLETED

    def _loss_stalled(self) -> bool:
        """Early stopping: did each of the last ``early_stop_patience`` epochs lower the
        epoch loss by less than ``early_stop`` (relative)?"""
        tolerance, patience = self.config.early_stop, self.config.early_stop_patience
        losses = self.history.epoch_loss
        if tolerance <= 0 or len(losses) <= patience:
            return False
        recent = losses[-patience - 1 :]
        return all(
            relative_improvement(a, b) < tolerance for a, b in zip(recent, recent[1:], strict=False)
        )

    def _train_epoch(
        self, epoch: int, callback: ProgressCallback | None, dealer: LocalDealer | HogwildPool
    ) -> None:
        """One pass over the corpus: this process's chunks (:class:`~w2v_core.loop.ChunkLoop`),
        then the others' wait, the epoch-end checks, loss, snapshot and report."""
        _, epoch_pairs0, epoch_loss0 = dealer.totals()
        first_step = self._loop.steps  # log_every counts this epoch's steps

        def after_step(step: Step) -> bool:
            if dealer.diverged():
                self._diverged(dealer, dealer.divergence())
            if (step.number - first_step) % self.config.log_every == 0:
                words_now = dealer.totals()[0] + int(step.chunk_words * step.share)
                self._log(dealer, words_now, step.alpha)
                self._report(callback, epoch, words_now, step.alpha)
            return self._stop_requested

        def after_chunk() -> None:
            self.words_processed = dealer.totals()[0]

        dealer.start_epoch(epoch)
        try:
            if not self._loop.train_epoch(dealer.next_chunk, after_step, after_chunk):
                dealer.request_stop()
                raise _Stop
            dealer.wait_epoch(epoch)
            if dealer.diverged():
                self._diverged(dealer, dealer.divergence())
            self._loop.check_weights()
        except Diverged as trouble:
            self._diverged(dealer, _DIVERGENCE[trouble.code])
        self.words_processed, pairs_total, loss_total = dealer.totals()
        alpha = self.alpha_at(self.words_processed)
        if pairs_total > self._logged[0]:
            self._log(dealer, self.words_processed, alpha)
        self.history.epoch_loss.append(
            (loss_total - epoch_loss0) / max(1, pairs_total - epoch_pairs0)
        )
        if self.heldout is not None:
            self.history.heldout_loss.append(self.heldout.loss(self.w_in, self.w_out))
        self._snapshot()
        self._report(callback, epoch, self.words_processed, alpha, epoch_done=True)
        if self._stop_requested:
            raise _Stop

    def _diverged(self, dealer: LocalDealer | HogwildPool, what: str) -> None:
        """Stop every worker, then raise the one-line error naming the likely setting."""
        dealer.request_stop()
        share = dealer.totals()[0] / max(1, self.total_words)
        raise diverged_error(self.config, share, what)

    def _log(self, dealer: LocalDealer | HogwildPool, words: int, alpha: float) -> None:
        """One history point: the mean loss per pair since the last one (all workers)."""
        _, pairs, loss = dealer.totals()
        self.history.step_words.append(words)
        self.history.step_loss.append((loss - self._logged[1]) / max(1, pairs - self._logged[0]))
        self.history.step_alpha.append(alpha)
        self._logged = (pairs, loss)

    def _report(
        self,
        callback: ProgressCallback | None,
        epoch: int,
        words: int,
        alpha: float,
        epoch_done: bool = False,
    ) -> None:
        self.seconds = elapsed = time.perf_counter() - self._start
        if callback is None:
            return
        progress = Progress(
            epoch=epoch,
            epochs=self.config.epochs,
            fraction=min(1.0, words / max(1, self.total_words)),
            words_processed=words,
            total_words=self.total_words,
            loss=self.history.step_loss[-1] if self.history.step_loss else float("nan"),
            alpha=alpha,
            words_per_sec=words / elapsed if elapsed > 0 else 0.0,
            elapsed=elapsed,
            epoch_done=epoch_done,
            epoch_loss=self.history.epoch_loss[-1] if epoch_done else None,
            heldout_loss=(self.history.heldout_loss[-1] if epoch_done and self.heldout else None),
        )
        if callback(progress) is False:
            self._stop_requested = True

    def _snapshot(self) -> None:
        n = min(self.config.snapshot_words, len(self.vocab))
        if n > 0:
            self._snapshots.append(self.w_in[:n].copy())

    def model(self) -> Model:
        """The model as it stands now (complete, or partial after a stop)."""
        return Model(
            config=self.config,
            vocab=self.vocab,
            w_in=self.w_in,
            w_out=self.w_out,
            history=self.history,
            corpus_name=self.corpus.name,
            corpus_fingerprint=self.corpus.fingerprint,
            corpus_tokens=self.corpus.n_tokens,
            seconds=self.seconds,
            words_per_sec=self.words_processed / self.seconds if self.seconds > 0 else 0.0,
            stopped=self.stopped,
            snapshots=np.stack(self._snapshots) if self._snapshots else None,
        )


WEIGHTS_BROKE = "a vector became non-finite or exploded"

#: What the trainer's own loop saw, by :class:`w2v_core.loop.Diverged` code.
_DIVERGENCE = {LOSS_INFINITE: "the loss became infinite", WEIGHTS_BROKEN: WEIGHTS_BROKE}


class _Stop(Exception):
    """Internal: unwinds the nested training loops when a stop is requested."""


class _BlasThreadLimit:
    """Process-wide BLAS thread limit, held while at least one training runs.

    ``threadpoolctl`` changes a setting of the whole process, so trainings that
    overlap in threads (a dashboard serving several users) must not each restore
    it when they finish: the first one in sets the limit, the last one out
    restores the original.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._controller: Any = None

    @contextlib.contextmanager
    def __call__(self, threads: int) -> Iterator[None]:
        if threads <= 0:
            yield
            return
        with self._lock:
            if self._users == 0:
                self._controller = _limit_blas(threads)
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0 and self._controller is not None:
                    self._controller.restore_original_limits()
                    self._controller = None


def _limit_blas(threads: int) -> Any:
    """Limit BLAS through ``threadpoolctl`` (it comes with scikit-learn), if installed."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional helper; OPENBLAS_NUM_THREADS still works
        return None
    return threadpool_limits(limits=threads, user_api="blas")


blas_thread_limit = _BlasThreadLimit()


def initial_weights(
    vocab_size: int, dim: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """gensim 4's initialisation: input vectors uniform in ``±1 / dim``, output vectors zero.

    Zero output vectors make every score 0 and every sigmoid 0.5 at the start, so
    the first updates are driven by the random input vectors alone.  word2vec's C
    code uses ``±0.5 / dim``; the wider start learned more in few epochs here
    (``tests/test_quality.py``'s planted corpus, 5 epochs, mean of 2 seeds: group
    precision@5 0.745 -> 0.845 per pair, 0.745 -> 0.852 shared; gensim 0.836).
    """
    w_in = rng.random((vocab_size, dim), dtype=np.float32)
    w_in -= 0.5
    w_in *= np.float32(2.0 / dim)
    w_out = np.zeros((vocab_size, dim), dtype=np.float32)
    return w_in, w_out


def train(
    corpus: Corpus, config: TrainConfig | None = None, callback: ProgressCallback | None = None
) -> Model:
    """Train SGNS vectors on a corpus.

    Parameters
    ----------
    corpus : Corpus
        From :func:`w2v_core.corpus.load_corpus` or :func:`~w2v_core.corpus.corpus_from_text`.
    config : TrainConfig, optional
        Hyper-parameters (defaults: word2vec's).
    callback : callable, optional
        Called with a :class:`Progress` every ``log_every`` steps and after every
        epoch; returning ``False`` stops training early (the partial model is returned
        with ``stopped=True``).
    """
    return Trainer(corpus, config or TrainConfig()).run(callback)
