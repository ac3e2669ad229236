"""The configuration of a training run, and its key.

:class:`TrainConfig` holds every setting.  Most define the vectors (corpus aside:
dim, window, negatives, epochs, min-count, max-vocab, sample, the noise exponent,
the learning rates, seed, batch, mode and pool, held-out share, early stopping);
:data:`RUN_OPTIONS` do not (how often to log, BLAS threads, snapshots for the
replay).  :func:`run_key` hashes the corpus and the first kind only, plus the
worker count when it is above 1 (such runs race, so they are not
bit-reproducible and are kept apart).  It must be given the configuration that
actually trains: :func:`resolve` applies the limits a run meets before it starts
(a small corpus trains with fewer workers; a server may cap them), and
:func:`training_key` is the two together.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .workers import CHUNK_TOKENS, available_cores, shared_memory_available

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus

MIN_CHUNKS_PER_WORKER = 8
"""A run uses at most one worker per 8 chunks of its text (all epochs): starting a
process costs about as much as training a few chunks, so tiny corpora train in one."""

# (low, high) inclusive limits; one place for the CLI, the app and the benchmark.
LIMITS: dict[str, tuple[float, float]] = {
    "dim": (1, 2000),
    "window": (1, 50),
    "negatives": (1, 100),
    "epochs": (1, 1000),
    "min_count": (1, 10**9),
    "max_vocab": (1, 10**8),
    "sample": (0.0, 1.0),
    "ns_exponent": (-2.0, 2.0),
    "alpha": (1e-6, 1.0),
    "min_alpha": (0.0, 1.0),
    "seed": (0, 2**32 - 1),
    "batch_size": (0, 1_000_000),
    "shared_pool": (1, 100_000),
    "snapshot_words": (0, 100_000),
    "log_every": (1, 10**9),
    "blas_threads": (0, 1024),
    "heldout": (0.0, 0.5),
    "workers": (1, 256),
    "early_stop": (0.0, 1.0),
    "early_stop_patience": (1, 1000),
}


@dataclass(frozen=True)
class TrainConfig:
    """Every setting of a run: the hyper-parameters that define its vectors, and a few
    run options (:data:`RUN_OPTIONS`) that do not change them.

    With one worker, two configs equal in their vector settings give bit-identical
    vectors on the same corpus; with more, the workers' updates race and no two runs
    are the same (as with gensim's ``workers > 1``).

    Parameters
    ----------
    dim : int
        Length of each word vector.
    window : int
        Maximum distance between a center word and a context word.
    negatives : int
        Negative samples per positive pair (``K``).
    epochs : int
        Passes over the corpus.
    min_count : int
        Words seen fewer times are left out of the vocabulary.
    max_vocab : int or None
        Keep at most this many of the most frequent words.
    sample : float
        Subsampling threshold ``t`` (``0`` disables subsampling).
    ns_exponent : float
        Power of the unigram counts in the noise distribution.
    alpha, min_alpha : float
        Learning rate at the start, decayed linearly to ``min_alpha`` at the end.
    seed : int
        Seeds initialisation, subsampling, windows and negatives.
    batch_size : int
        About this many pairs per SGD step; ``0`` picks
        :data:`w2v_core.plan.PAIRS_PER_STEP` (1,536).  Larger steps cost less
        Python overhead per pair but apply updates computed from staler weights;
        :mod:`w2v_core.rowbound` keeps any size from overshooting.
    shared_negatives : bool
        Share one pool of negatives across a step (the default: several times
        faster, and at gensim's quality in ``benchmarks/compare_gensim.py``; see
        :mod:`w2v_core.steps`) instead of drawing ``K`` per pair (``False``:
        word2vec's exact sampling, the one :mod:`w2v_core.sgns` states pair by pair).
    shared_pool : int
        Smallest size ``P`` of that pool; it grows when a step asks each pool word to
        stand for many draws (many negatives, large steps, several workers:
        :func:`w2v_core.plan.pool_size`).
    snapshot_words : int
        *Run option.* Keep a copy of the vectors of this many most frequent words after every
        epoch, for replaying training (``0``: none).
    log_every : int
        *Run option.* SGD steps per point of the loss history and per progress report.
    blas_threads : int
        *Run option.* Threads BLAS may use while training (``0``: leave it alone).  The matrix
        products of one step are small, so extra BLAS threads mostly spin; on a
        busy machine (a server training for several users) they make training
        many times slower.  One thread is the fast choice.
    heldout : float
        Share of the corpus's sentences kept out of training to measure the
        held-out loss after every epoch (:mod:`w2v_core.heldout`; ``0``: train on
        everything, as word2vec does).  The same sentences for every run on one
        corpus, whatever the seed, so runs compare.
    workers : int
        Processes training at once (:mod:`w2v_core.workers`); default: the cores
        this process may use.  ``1`` is bit-for-bit reproducible; more are not
        (their updates race, as gensim's threads do).  Small corpora use fewer
        (:data:`MIN_CHUNKS_PER_WORKER`, :func:`resolve`).  Part of the run key
        only when above 1.
    early_stop : float
        Early stopping: the smallest *relative* improvement of the epoch loss,
        :math:`(L_{e-1} - L_e) / |L_{e-1}|`, that keeps training going (``0``: off,
        every epoch is trained).  Checked by the :class:`Trainer` after each epoch.
    early_stop_patience : int
        Stop after this many epochs in a row each improved by less than ``early_stop``.
    """

    dim: int = 100
    window: int = 5
    negatives: int = 5
    epochs: int = 5
    min_count: int = 5
    max_vocab: int | None = None
    sample: float = 1e-3
    ns_exponent: float = 0.75
    alpha: float = 0.025
    min_alpha: float = 0.0001
    seed: int = 1
    batch_size: int = 0
    shared_negatives: bool = True
    shared_pool: int = 32
    snapshot_words: int = 0
    log_every: int = 20
    blas_threads: int = 1
    heldout: float = 0.0
    workers: int = field(default_factory=available_cores)
    early_stop: float = 0.0
    early_stop_patience: int = 1

    def validate(self) -> TrainConfig:
        """Check every field against :data:`LIMITS`; return ``self`` or raise ConfigError."""
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if value is None and name == "max_vocab":
                continue
            integer = isinstance(low, int)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (integer and not float(value).is_integer())
            ):
                kind = "a whole number" if integer else "a number"
                raise ConfigError(f"{name} must be {kind}, got {value!r}")
            if not (math.isfinite(value) and low <= value <= high):
                raise ConfigError(f"{name} must be between {low:g} and {high:g}, got {value!r}")
        if self.min_alpha > self.alpha:
            raise ConfigError(f"min_alpha ({self.min_alpha}) must not exceed alpha ({self.alpha})")
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        """Build from a dict, ignoring unknown keys (files from newer versions)."""
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


RUN_OPTIONS = frozenset({"snapshot_words", "log_every", "blas_threads"})
"""Settings that never change the vectors: left out of the run key."""


def vector_settings(config: TrainConfig) -> dict[str, Any]:
    """The settings that define the vectors (``workers`` only when above 1)."""
    values = {k: v for k, v in config.validate().to_dict().items() if k not in RUN_OPTIONS}
    if values["workers"] <= 1:
        del values["workers"]
    return values


ENGINE_VERSION = 4
"""Bumped whenever the same settings train different vectors (the step, its bound, the
pool's size): part of every run key, so a disk cache filled by an older engine is
never served as this one's run.  2: the shared pool grows with ``K²`` and the workers
(:func:`w2v_core.plan.pool_size`); 3: the bound's curvature is scored position by
position, which rounds differently in the last bits; 4: the pool's rule is calibrated
on two workers (32 words at the defaults with either worker count, half the words of
engine 3 at other settings)."""


def run_key(corpus_fingerprint: str, config: TrainConfig) -> str:
    """The identity of a training run: SHA-256 of the corpus fingerprint,
    :func:`vector_settings` of the configuration that trains (see :func:`resolve`) and
    :data:`ENGINE_VERSION`.

    "Same configuration" has this one definition for the CLI, the app, sweeps and the
    benchmark.  With one worker, equal keys give bit-identical vectors; a new
    vector-defining field changes every key, so a cache never serves a run trained
    differently.
    """
    payload = {
        "corpus": corpus_fingerprint,
        "config": vector_settings(config),
        "engine": ENGINE_VERSION,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def effective_workers(config: TrainConfig, corpus_ids: int, budget: int | None = None) -> int:
    """Workers a run of ``config`` really trains with, on a corpus of ``corpus_ids``
    ids: ``config.workers``, at most ``budget``, at most one per
    :data:`MIN_CHUNKS_PER_WORKER` chunks of the text (all epochs), 1 without shared
    memory."""
    if not shared_memory_available():  # pragma: no cover - not Linux
        return 1
    chunks = -(-corpus_ids // CHUNK_TOKENS) * config.epochs
    workers = min(config.workers, budget or config.workers, chunks // MIN_CHUNKS_PER_WORKER)
    return max(1, workers)


def resolve(corpus: Corpus, config: TrainConfig, budget: int | None = None) -> TrainConfig:
    """``config`` as it will train on ``corpus``: its workers made effective."""
    workers = effective_workers(config.validate(), len(corpus.ids), budget)
    return config if workers == config.workers else dataclasses.replace(config, workers=workers)


def training_key(corpus: Corpus, config: TrainConfig, budget: int | None = None) -> str:
    """:func:`run_key` of the configuration that will train (:func:`resolve`)."""
    return run_key(corpus.fingerprint, resolve(corpus, config, budget))


def reproducible(config: TrainConfig) -> bool:
    """Whether two runs of this (resolved) configuration give the same bits: 1 worker."""
    return config.workers <= 1


NOT_REPRODUCIBLE = (
    "note: trained with {workers} workers, whose updates race: the vectors are not "
    "bit-reproducible (--workers 1 gives the same vectors every time)"
)
"""What the CLI and the app say about a run with more than one worker."""
