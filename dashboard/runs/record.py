"""The run record: one trained (or imported) set of vectors with its metadata, held once.

A :class:`Run` keeps the :class:`~w2v_core.train.Model` itself and reads everything
else (configuration, history, timing, why it stopped) from it; :class:`RunInfo` is the
light summary without vectors that tables, loss overlays and the disk cache's JSON
sidecar use.  :class:`RunStatus` is the one set of status words.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from w2v_core.train import History, Model, StopReason, TrainConfig
from w2v_core.vectors import KeyedVectors

#: Version of the JSON sidecar; 1 (no "version" key) kept early stopping outside the config.
SIDECAR_VERSION = 2


class RunStatus(StrEnum):
    """What a run is, in one word (the runs table shows these)."""

    COMPLETE = "complete"
    STOPPED = "stopped"  # by a person (the Stop button)
    EARLY_STOP = "early stopping"  # TrainConfig.early_stop ended it
    IMPORTED = "imported"  # vectors from a file, not trained here


_STATUS_OF_STOP = {
    StopReason.COMPLETED: RunStatus.COMPLETE,
    StopReason.REQUESTED: RunStatus.STOPPED,
    StopReason.EARLY_STOP: RunStatus.EARLY_STOP,
}


def run_label(
    corpus_name: str, config: TrainConfig | None, status: RunStatus = RunStatus.COMPLETE
) -> str:
    """A short human-readable name for a run: corpus, main settings, what differs from
    word2vec's defaults."""
    if config is None or status == RunStatus.IMPORTED:
        return f"{corpus_name} (imported)"
    c, default = config, TrainConfig()
    parts = [
        f"dim {c.dim}",
        f"window {c.window}",
        f"neg {c.negatives}",
        f"epochs {c.epochs}",
        f"min-count {c.min_count}",
    ]
    if c.sample != default.sample:
        parts.append(f"sample {c.sample:g}")
    if c.alpha != default.alpha:
        parts.append(f"lr {c.alpha:g}")
    if c.seed != default.seed:
        parts.append(f"seed {c.seed}")
    if c.shared_negatives:
        parts.append("shared negatives")
    if c.batch_size != default.batch_size:
        parts.append(f"batch {c.batch_size}")
    if c.max_vocab is not None:
        parts.append(f"max vocab {c.max_vocab}")
    if c.early_stop > 0:
        patience = f" x{c.early_stop_patience}" if c.early_stop_patience != 1 else ""
        parts.append(f"early stop {c.early_stop:g}{patience}")
    label = f"{corpus_name}: " + ", ".join(parts)
    return label + " (stopped)" if status == RunStatus.STOPPED else label


@dataclass
class RunInfo:
    """What tables and loss overlays need to know about a run, without its vectors.

    This is also the JSON sidecar written next to each cached model.
    """

    key: str
    label: str
    corpus_name: str
    corpus_fingerprint: str
    config: dict[str, Any] | None
    status: RunStatus
    stop_epoch: int
    seconds: float
    words_per_sec: float
    vocab_size: int
    dim: int
    step_words: list[int] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    epoch_loss: list[float] = field(default_factory=list)
    scores: dict[str, Any] = field(default_factory=dict)
    created: float = 0.0

    @property
    def stopped(self) -> bool:
        """True if training ended before its last epoch (by a person or early stopping)."""
        return self.status in (RunStatus.STOPPED, RunStatus.EARLY_STOP)

    def to_json(self) -> str:
        """Serialise (NaN losses become ``null``)."""
        data = self.__dict__.copy()
        data["version"] = SIDECAR_VERSION
        data["status"] = str(self.status)
        data["step_loss"] = [_finite_or_none(x) for x in self.step_loss]
        data["epoch_loss"] = [_finite_or_none(x) for x in self.epoch_loss]
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> RunInfo:
        """Parse a sidecar; raises ``ValueError`` (or ``TypeError``, ``KeyError``) if it is
        malformed or from before :data:`SIDECAR_VERSION` (see ``DiskCache.migrate``)."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if data.get("version") != SIDECAR_VERSION:
            raise ValueError(f"sidecar version {data.get('version')!r}")
        data["status"] = RunStatus(data["status"])
        data["step_loss"] = [math.nan if x is None else float(x) for x in data["step_loss"]]
        data["epoch_loss"] = [math.nan if x is None else float(x) for x in data["epoch_loss"]]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def _finite_or_none(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


@dataclass
class Run:
    """A finished (or stopped) training run, or vectors imported by one session.

    Everything about the training (configuration, history, timing, why it ended) is
    read from :attr:`model`; imported word2vec files have no model, only :attr:`kv`.

    Attributes
    ----------
    key : str
        :func:`w2v_core.train.run_key` for trained runs; ``"import-..."`` for imports.
    kv : KeyedVectors
        The word vectors.
    model : Model or None
        The full model (``None`` for imported word2vec files).
    name : str
        The corpus name, or the file name of imported vectors.
    imported : bool
        Loaded from a file by one session (not trained here).
    scores : dict
        Evaluation summary (see :meth:`w2v_core.evaluate.Evaluation.summary`).
    """

    key: str
    kv: KeyedVectors
    model: Model | None = None
    name: str = ""
    imported: bool = False
    scores: dict[str, Any] = field(default_factory=dict)
    created: float = field(default_factory=time.time)
    _lists: tuple[list[int], list[float], list[float]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @classmethod
    def from_model(
        cls,
        key: str,
        model: Model,
        scores: dict[str, Any] | None = None,
        created: float | None = None,
    ) -> Run:
        """Wrap a trained :class:`~w2v_core.train.Model`."""
        return cls(
            key=key,
            kv=model.wv,
            model=model,
            name=model.corpus_name,
            scores=dict(scores or {}),
            created=time.time() if created is None else created,
        )

    @classmethod
    def from_file(cls, key: str, kv: KeyedVectors, name: str, model: Model | None = None) -> Run:
        """Wrap vectors a session loaded from a file (with its model if it was ours)."""
        return cls(
            key=key, kv=kv if model is None else model.wv, model=model, name=name, imported=True
        )

    # ---- read from the model

    @property
    def corpus_name(self) -> str:
        return self.name

    @property
    def corpus_fingerprint(self) -> str:
        return "" if self.model is None else self.model.corpus_fingerprint

    @property
    def config(self) -> TrainConfig | None:
        return None if self.model is None else self.model.config

    @property
    def history(self) -> History | None:
        return None if self.model is None else self.model.history

    @property
    def seconds(self) -> float:
        return 0.0 if self.model is None else self.model.seconds

    @property
    def words_per_sec(self) -> float:
        return 0.0 if self.model is None else self.model.words_per_sec

    @property
    def status(self) -> RunStatus:
        if self.imported:
            return RunStatus.IMPORTED
        assert self.model is not None
        return _STATUS_OF_STOP[self.model.stop_reason]

    @property
    def stopped(self) -> bool:
        """True if training ended before its last epoch (Stop button or early stopping)."""
        return self.model is not None and self.model.stopped

    @property
    def stop_epoch(self) -> int:
        return 0 if self.model is None else self.model.stop_epoch

    @property
    def label(self) -> str:
        """Human-readable name (see :func:`run_label`)."""
        return run_label(self.corpus_name, self.config, self.status)

    @property
    def snapshots(self) -> np.ndarray | None:
        """Per-epoch vectors of the most frequent words, for the training replay."""
        return None if self.model is None else self.model.snapshots

    @property
    def snapshot_words(self) -> list[str] | None:
        """The words (rows) of :attr:`snapshots`."""
        snapshots = self.snapshots
        if snapshots is None or self.model is None:
            return None
        return list(self.model.vocab.words[: snapshots.shape[1]])

    def info(self) -> RunInfo:
        """The light summary of this run (see :class:`RunInfo`)."""
        if self._lists is None:  # the history of a finished run never changes
            history = self.history or History()
            self._lists = (
                [int(x) for x in history.step_words],
                [float(x) for x in history.step_loss],
                [float(x) for x in history.epoch_loss],
            )
        step_words, step_loss, epoch_loss = self._lists
        config = self.config
        return RunInfo(
            key=self.key,
            label=self.label,
            corpus_name=self.corpus_name,
            corpus_fingerprint=self.corpus_fingerprint,
            config=None if config is None else config.to_dict(),
            status=self.status,
            stop_epoch=self.stop_epoch,
            seconds=float(self.seconds),
            words_per_sec=float(self.words_per_sec),
            vocab_size=len(self.kv),
            dim=self.kv.dim,
            step_words=list(step_words),
            step_loss=list(step_loss),
            epoch_loss=list(epoch_loss),
            scores=dict(self.scores),
            created=self.created,
        )
