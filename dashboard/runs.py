"""Trained runs and training jobs, shared by every session of one server process.

The dashboard may serve a whole classroom from one process, so training is owned by a
process-wide :class:`RunRegistry` (created once per server by ``st.cache_resource`` in
:mod:`dashboard.app`), never by a page:

* **One training per configuration.**  A run is identified by :func:`run_key`, a hash
  of the corpus fingerprint and every hyper-parameter.  Two sessions asking for the same
  key share one :class:`TrainingJob`: the second one waits on it and shows the same
  progress.
* **Bounded concurrency.**  At most ``max_concurrent`` trainings run at once (default:
  the number of cores); the others wait in a queue whose position the page shows.
* **Two cache levels.**  Finished runs stay in memory (LRU, ``max_runs_in_memory``) and
  on disk (LRU by file modification time, capped at ``disk_cache_mb``), as a model
  ``<key>.npz`` plus a small ``<key>.json`` sidecar holding what tables and loss
  overlays need.  Every file is written atomically (temporary file + ``os.replace``).
  A damaged entry is detected when it is loaded, removed and reported; the
  configuration is then simply trained again.  If the cache directory cannot be
  written, the registry keeps working in memory and says so in :attr:`disk_problem`.
* **Nothing half-written survives.**  A process killed while writing leaves at most a
  hidden ``.<key>.npz.*.tmp`` file, never a ``<key>.npz``.  A registry that starts on a
  cache directory no other registry is using (a shared ``flock`` on ``.registry.lock``
  tells) removes every such temporary file; otherwise only those older than an hour.
* **Safe names.**  Cache files are named by the hex key only: nothing a user types or
  uploads ever becomes part of a path.

Settings come from environment variables (see :meth:`RegistrySettings.from_env`):
``W2V_CACHE_DIR``, ``W2V_MAX_RUNS_IN_MEMORY``, ``W2V_DISK_CACHE_MB``,
``W2V_MAX_CONCURRENT_TRAININGS``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import math
import os
import re
import tempfile
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from dashboard.settings import env_number
from w2v_core.corpus import Corpus, default_cache_dir
from w2v_core.errors import ModelFileError, W2VError
from w2v_core.io import atomic_write, load_model, save_model
from w2v_core.train import History, Model, Progress, TrainConfig, Trainer
from w2v_core.vectors import KeyedVectors

log = logging.getLogger(__name__)

ENV_CACHE_DIR = "W2V_CACHE_DIR"
ENV_MAX_RUNS = "W2V_MAX_RUNS_IN_MEMORY"
ENV_DISK_MB = "W2V_DISK_CACHE_MB"
ENV_MAX_TRAININGS = "W2V_MAX_CONCURRENT_TRAININGS"

DEFAULT_MAX_RUNS = 12
DEFAULT_DISK_MB = 2048.0

#: A run key: 64 lower-case hex digits (a SHA-256).  Only such names touch the disk.
_KEY_RE = re.compile(r"[0-9a-f]{64}")
#: Temporary files older than this (seconds) are leftovers of a crash and are removed.
_STALE_TEMP_SECONDS = 3600.0
#: A cached model used from memory has its file's time refreshed at most this often.
_TOUCH_INTERVAL = 60.0
#: Held (shared) by every registry using a cache directory; see RunRegistry._claim_dir.
LOCK_NAME = ".registry.lock"


# --------------------------------------------------------------------------- keys and labels


def run_key(corpus_fingerprint: str, config: TrainConfig, early_stop: float | None = None) -> str:
    """The cache key of a training run: SHA-256 of the corpus and every hyper-parameter.

    Parameters
    ----------
    corpus_fingerprint : str
        :attr:`w2v_core.corpus.Corpus.fingerprint`.
    config : TrainConfig
        All hyper-parameters (``config.to_dict()`` is hashed, so a new field changes keys).
    early_stop : float, optional
        The early-stopping tolerance, if early stopping is on (it changes the result).
    """
    payload: dict[str, Any] = {"corpus": corpus_fingerprint, "config": config.to_dict()}
    if early_stop is not None:
        payload["early_stop"] = float(early_stop)
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_run_key(key: str) -> bool:
    """True if ``key`` looks like a :func:`run_key` (the only names used for cache files)."""
    return isinstance(key, str) and _KEY_RE.fullmatch(key) is not None


def run_label(
    corpus_name: str,
    config: TrainConfig | None,
    early_stop: float | None = None,
    stopped: bool = False,
) -> str:
    """A short human-readable name for a run: corpus, main settings, what differs from
    word2vec's defaults."""
    if config is None:
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
    if early_stop is not None:
        parts.append(f"early stop {early_stop:g}")
    label = f"{corpus_name}: " + ", ".join(parts)
    return label + " (stopped)" if stopped else label


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class RegistrySettings:
    """Limits of a :class:`RunRegistry`.

    Attributes
    ----------
    cache_dir : Path or None
        Where finished models are kept (``None``: memory only).
    max_runs_in_memory : int
        Finished runs kept in memory; the least recently used is dropped first.
    disk_cache_mb : float
        Size cap of the cache directory; the least recently used models go first.
    max_concurrent : int
        Trainings running at the same time; further ones wait in a queue.
    """

    cache_dir: Path | None
    max_runs_in_memory: int = DEFAULT_MAX_RUNS
    disk_cache_mb: float = DEFAULT_DISK_MB
    max_concurrent: int = 2

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RegistrySettings:
        """Read the settings from environment variables.

        ``W2V_CACHE_DIR`` (models go to its ``runs`` sub-directory; default
        ``~/.cache/w2v_core``), ``W2V_MAX_RUNS_IN_MEMORY`` (default 12),
        ``W2V_DISK_CACHE_MB`` (default 2048; ``0`` keeps nothing on disk) and
        ``W2V_MAX_CONCURRENT_TRAININGS`` (default: the number of cores).
        Invalid values are logged and replaced by the default.
        """
        env = os.environ if environ is None else environ
        base = Path(env[ENV_CACHE_DIR]).expanduser() if env.get(ENV_CACHE_DIR) else None
        disk_mb = env_number(env, ENV_DISK_MB, DEFAULT_DISK_MB, 0.0)
        cache_dir = None if disk_mb == 0 else (base or default_cache_dir()) / "runs"
        return cls(
            cache_dir=cache_dir,
            max_runs_in_memory=int(env_number(env, ENV_MAX_RUNS, DEFAULT_MAX_RUNS, 1)),
            disk_cache_mb=disk_mb,
            max_concurrent=int(env_number(env, ENV_MAX_TRAININGS, os.cpu_count() or 1, 1)),
        )


# --------------------------------------------------------------------------- runs


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
    seconds: float
    words_per_sec: float
    stopped: bool
    stop_reason: str
    early_stop: float | None
    vocab_size: int
    dim: int
    step_words: list[int] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    epoch_loss: list[float] = field(default_factory=list)
    scores: dict[str, Any] = field(default_factory=dict)
    created: float = 0.0
    source: str = "trained"

    def to_json(self) -> str:
        """Serialise (NaN losses become ``null``)."""
        data = self.__dict__.copy()
        data["step_loss"] = [_finite_or_none(x) for x in self.step_loss]
        data["epoch_loss"] = [_finite_or_none(x) for x in self.epoch_loss]
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> RunInfo:
        """Parse a sidecar; raises ``ValueError`` (or ``TypeError``) if it is malformed."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        data["step_loss"] = [math.nan if x is None else float(x) for x in data["step_loss"]]
        data["epoch_loss"] = [math.nan if x is None else float(x) for x in data["epoch_loss"]]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def _finite_or_none(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


@dataclass
class Run:
    """A finished (or stopped) training run, or vectors imported by one session.

    Attributes
    ----------
    key : str
        :func:`run_key` for trained runs; ``"import-..."`` for imported vectors.
    kv : KeyedVectors
        The word vectors.
    model : Model or None
        The full model (``None`` for imported word2vec files).
    stop_reason : str
        ``""`` (completed), ``"stopped"`` (by a person) or ``"early stopping"``.
    scores : dict
        Evaluation results filled in by the Evaluate tab (kept in the sidecar).
    extras : dict
        Per-run memo of derived results (e.g. the gensim comparison), memory only.
    """

    key: str
    kv: KeyedVectors
    corpus_name: str
    corpus_fingerprint: str = ""
    config: TrainConfig | None = None
    history: History | None = None
    seconds: float = 0.0
    words_per_sec: float = 0.0
    stopped: bool = False
    stop_reason: str = ""
    early_stop: float | None = None
    model: Model | None = None
    source: str = "trained"
    scores: dict[str, Any] = field(default_factory=dict)
    created: float = field(default_factory=time.time)
    extras: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_model(
        cls,
        key: str,
        model: Model,
        early_stop: float | None = None,
        stop_reason: str = "",
        scores: dict[str, Any] | None = None,
        created: float | None = None,
    ) -> Run:
        """Wrap a trained :class:`~w2v_core.train.Model`."""
        if model.stopped and not stop_reason:
            stop_reason = "stopped"
        return cls(
            key=key,
            kv=model.wv,
            corpus_name=model.corpus_name,
            corpus_fingerprint=model.corpus_fingerprint,
            config=model.config,
            history=model.history,
            seconds=model.seconds,
            words_per_sec=model.words_per_sec,
            stopped=model.stopped,
            stop_reason=stop_reason if model.stopped else "",
            early_stop=early_stop,
            model=model,
            scores=dict(scores or {}),
            created=time.time() if created is None else created,
        )

    @classmethod
    def imported(cls, key: str, kv: KeyedVectors, name: str, model: Model | None = None) -> Run:
        """Wrap vectors loaded from a file (no training history unless ``model`` has one)."""
        if model is not None:
            run = cls.from_model(key, model)
            run.corpus_name = name
            run.source = "imported"
            return run
        return cls(key=key, kv=kv, corpus_name=name, source="imported")

    @property
    def label(self) -> str:
        """Human-readable name (see :func:`run_label`)."""
        if self.source == "imported":
            return f"{self.corpus_name} (imported)"
        return run_label(self.corpus_name, self.config, self.early_stop, self.stopped)

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
        cached = self.extras.get("_history_lists")
        if cached is None:
            history = self.history or History()
            cached = (
                [int(x) for x in history.step_words],
                [float(x) for x in history.step_loss],
                [float(x) for x in history.epoch_loss],
            )
            self.extras["_history_lists"] = cached
        step_words, step_loss, epoch_loss = cached
        return RunInfo(
            key=self.key,
            label=self.label,
            corpus_name=self.corpus_name,
            corpus_fingerprint=self.corpus_fingerprint,
            config=None if self.config is None else self.config.to_dict(),
            seconds=float(self.seconds),
            words_per_sec=float(self.words_per_sec),
            stopped=bool(self.stopped),
            stop_reason=self.stop_reason,
            early_stop=self.early_stop,
            vocab_size=len(self.kv),
            dim=self.kv.dim,
            step_words=list(step_words),
            step_loss=list(step_loss),
            epoch_loss=list(epoch_loss),
            scores=dict(self.scores),
            created=self.created,
            source=self.source,
        )


# --------------------------------------------------------------------------- jobs


class TrainerLike(Protocol):
    """What the registry needs from :class:`w2v_core.train.Trainer` (tests pass fakes)."""

    history: History

    def run(self, callback: Callable[[Progress], bool | None] | None = None) -> Model: ...

    def request_stop(self) -> None: ...


TrainerFactory = Callable[[Corpus, TrainConfig], TrainerLike]


class TrainingJob:
    """One training, shared by every session that asked for its configuration.

    States: ``"queued"`` -> ``"running"`` -> ``"done"`` (also after a stop: the
    partial model is kept), ``"failed"`` (:attr:`error` says why) or ``"cancelled"``
    (stopped before it started).
    """

    QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"

    def __init__(
        self,
        key: str,
        corpus: Corpus,
        config: TrainConfig,
        early_stop: float | None = None,
        notes: list[str] | None = None,
    ) -> None:
        self.key = key
        self.corpus: Corpus | None = corpus
        self.corpus_name = corpus.name
        self.config = config
        self.early_stop = early_stop
        self.label = run_label(corpus.name, config, early_stop)
        self.notes: list[str] = list(notes or [])
        self.state = self.QUEUED
        self.progress: Progress | None = None
        self.history = History()
        self.run: Run | None = None
        self.error: str | None = None
        self.trainer: TrainerLike | None = None
        self.stop_requested = False
        self.early_stopped = False
        self.submitted = time.time()
        self.started: float | None = None
        self.finished: float | None = None
        self.done = threading.Event()

    def __repr__(self) -> str:
        return f"TrainingJob({self.label!r}, state={self.state!r})"

    @property
    def active(self) -> bool:
        """True while queued or running."""
        return self.state in (self.QUEUED, self.RUNNING)

    def request_stop(self) -> None:
        """Stop after the current step and keep the partial model (thread-safe)."""
        self.stop_requested = True
        trainer = self.trainer
        if trainer is not None:
            trainer.request_stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished; False on timeout."""
        return self.done.wait(timeout)

    def losses(self) -> tuple[list[int], list[float], list[float]]:
        """Copies of the loss history so far: (step words, step loss, epoch loss)."""
        history = self.history
        n = min(len(history.step_words), len(history.step_loss))
        return list(history.step_words[:n]), list(history.step_loss[:n]), list(history.epoch_loss)

    def callback(self, progress: Progress) -> bool:
        """Progress callback of the trainer: record progress, apply early stopping."""
        self.progress = progress
        if self.stop_requested:
            return False
        if self.early_stop is not None and progress.epoch_done:
            epoch_loss = self.history.epoch_loss
            if 2 <= len(epoch_loss) < self.config.epochs and _stalled(
                epoch_loss[-2], epoch_loss[-1], self.early_stop
            ):
                self.early_stopped = True
                return False
        return True


def _stalled(previous: float, last: float, tolerance: float) -> bool:
    """True if the epoch loss improved by less than ``tolerance`` (a fraction of it)."""
    if not (math.isfinite(previous) and math.isfinite(last)):
        return False
    return previous - last < tolerance * abs(previous)


@dataclass
class Submission:
    """What :meth:`RunRegistry.submit` returns: a finished run, or a job to wait on."""

    run: Run | None = None
    job: TrainingJob | None = None
    warning: str | None = None


# --------------------------------------------------------------------------- the registry


class RunRegistry:
    """Process-wide owner of trained runs and training jobs (thread-safe).

    Parameters
    ----------
    settings : RegistrySettings
        Limits and the cache directory.
    trainer_factory : callable, optional
        ``(corpus, config) -> trainer``; :class:`w2v_core.train.Trainer` by default.
    """

    def __init__(
        self, settings: RegistrySettings, trainer_factory: TrainerFactory | None = None
    ) -> None:
        self.settings = settings
        self._trainer_factory: TrainerFactory = trainer_factory or Trainer
        self._lock = threading.RLock()
        self._disk_lock = threading.Lock()
        self._memory: OrderedDict[str, Run] = OrderedDict()
        self._jobs: dict[str, TrainingJob] = {}
        self._queue: deque[TrainingJob] = deque()
        self._running: dict[str, TrainingJob] = {}
        self._info_cache: dict[str, tuple[float, RunInfo]] = {}
        self._touched: dict[str, float] = {}
        self.trainings_started = 0
        self.disk_dir: Path | None = None
        self.disk_problem: str | None = None
        self._dir_lock: io.BufferedRandom | None = None
        self.temp_files_removed = 0
        self._init_disk(settings.cache_dir)

    # ---- disk set-up

    def _init_disk(self, directory: Path | None) -> None:
        if directory is None:
            return
        try:
            directory.mkdir(parents=True, exist_ok=True)
            handle, probe = tempfile.mkstemp(prefix=".probe-", suffix=".tmp", dir=directory)
            os.close(handle)
            os.remove(probe)
        except OSError as error:
            self._disable_disk(directory, error)
            return
        self.disk_dir = directory
        self._claim_dir(directory)

    def _claim_dir(self, directory: Path) -> None:
        """Hold a shared lock on the cache directory for this registry's lifetime, and
        remove the temporary files that interrupted writes left behind.

        If no other registry (in this or another process) holds the lock, every
        temporary file is such a leftover and is removed while an exclusive lock keeps
        new writers out.  Otherwise a writer may be busy, and only temporary files
        older than an hour are removed.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: age-based clean-up only
            self._remove_temp_files(directory, everything=False)
            return
        try:
            handle = open(directory / LOCK_NAME, "a+b")  # noqa: SIM115 - held until closed
        except OSError:
            self._remove_temp_files(directory, everything=False)
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            alone = True
        except OSError:
            alone = False
        self._remove_temp_files(directory, everything=alone)
        # Downgrade to (or wait briefly for) a shared lock: other registries may join;
        # one that is cleaning up right now holds the exclusive lock for milliseconds.
        deadline = time.monotonic() + 5.0
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    handle.close()
                    return
                time.sleep(0.01)
        self._dir_lock = handle

    def _remove_temp_files(self, directory: Path, everything: bool) -> None:
        now = time.time()
        for temp in directory.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                if everything or now - temp.stat().st_mtime > _STALE_TEMP_SECONDS:
                    temp.unlink()
                    self.temp_files_removed += 1
        if self.temp_files_removed:
            log.warning(
                "removed %d unfinished temporary file(s) from %s (left by interrupted writes)",
                self.temp_files_removed,
                directory,
            )

    def close(self) -> None:
        """Release the cache directory (the registry keeps working in memory only)."""
        handle, self._dir_lock = self._dir_lock, None
        if handle is not None:
            handle.close()

    def _disable_disk(self, directory: Path, error: BaseException | str) -> None:
        reason = error if isinstance(error, str) else (error.strerror or str(error))
        self.disk_dir = None
        self.close()
        self.disk_problem = (
            f"The model cache directory {directory} cannot be written ({reason}). "
            "Trained models are kept in memory only and are lost when the server "
            "restarts; set W2V_CACHE_DIR to a writable directory to keep them."
        )
        log.warning(self.disk_problem)

    def _paths(self, key: str) -> tuple[Path, Path]:
        if self.disk_dir is None or not is_run_key(key):
            raise ValueError(f"not a cacheable run key: {key!r}")
        return self.disk_dir / f"{key}.npz", self.disk_dir / f"{key}.json"

    # ---- lookups

    def peek(self, key: str) -> Run | None:
        """The run if it is in memory (no disk access)."""
        with self._lock:
            return self._memory.get(key)

    def is_cached(self, key: str) -> bool:
        """True if the run is in memory or on disk (cheap: no loading)."""
        if self.peek(key) is not None:
            return True
        if self.disk_dir is None or not is_run_key(key):
            return False
        return self._paths(key)[0].is_file()

    def fetch(self, key: str) -> tuple[Run | None, str | None]:
        """Return ``(run, warning)``: from memory, else from disk.

        A damaged disk entry is removed, and ``warning`` says so (the run is then
        ``None``, so the caller trains again).
        """
        with self._lock:
            run = self._memory.get(key)
            if run is not None:
                self._memory.move_to_end(key)
        if run is not None:
            self._touch(key)
            return run, None
        run, warning = self._load_from_disk(key)
        if run is not None:
            with self._lock:
                existing = self._memory.get(key)
                if existing is not None:  # another thread loaded it meanwhile
                    return existing, None
                self._remember(run)
        return run, warning

    def job(self, key: str) -> TrainingJob | None:
        """The queued or running job for ``key``, if any."""
        with self._lock:
            return self._jobs.get(key)

    def queue_position(self, job: TrainingJob) -> int | None:
        """1-based place of a waiting job in the queue (None once it runs)."""
        with self._lock:
            for position, queued in enumerate(self._queue, start=1):
                if queued is job:
                    return position
        return None

    def counts(self) -> tuple[int, int]:
        """(trainings running, trainings waiting)."""
        with self._lock:
            return len(self._running), len(self._queue)

    def list_runs(self, corpus_fingerprint: str | None = None) -> list[RunInfo]:
        """Summaries of every cached run (memory and disk), oldest first.

        ``corpus_fingerprint`` keeps only the runs trained on that corpus.
        """
        with self._lock:
            infos = {key: run.info() for key, run in self._memory.items()}
        if self.disk_dir is not None:
            for sidecar in self.disk_dir.glob("*.json"):
                key = sidecar.stem
                if key in infos or not is_run_key(key):
                    continue
                info = self._read_info(key, sidecar)
                if info is not None:
                    infos[key] = info
        result = [
            info
            for info in infos.values()
            if corpus_fingerprint is None or info.corpus_fingerprint == corpus_fingerprint
        ]
        return sorted(result, key=lambda info: info.created)

    def _read_info(self, key: str, sidecar: Path) -> RunInfo | None:
        try:
            mtime = sidecar.stat().st_mtime
            cached = self._info_cache.get(key)
            if cached is not None and cached[0] == mtime:
                return cached[1]
            info = RunInfo.from_json(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if info.key != key:
            return None
        self._info_cache[key] = (mtime, info)
        return info

    # ---- training

    def submit(
        self,
        corpus: Corpus,
        config: TrainConfig,
        early_stop: float | None = None,
        *,
        retrain_stopped: bool = False,
    ) -> Submission:
        """Return the cached run for this configuration, or the job training it.

        A second request for a configuration that is being trained joins the same
        job.  With ``retrain_stopped``, a run that a person stopped part-way is
        trained again from scratch instead of being returned.

        Raises
        ------
        ConfigError
            If the configuration is invalid (checked before anything is queued).
        """
        config.validate()
        key = run_key(corpus.fingerprint, config, early_stop)
        with self._lock:
            job = self._jobs.get(key)
            if job is not None:
                return Submission(job=job)
        run, warning = self.fetch(key)
        if run is not None and not (retrain_stopped and run.stop_reason == "stopped"):
            return Submission(run=run)
        with self._lock:
            job = self._jobs.get(key)  # another session may have started it meanwhile
            if job is not None:
                return Submission(job=job, warning=warning)
            if run is not None:
                self.forget(key)
            job = TrainingJob(key, corpus, config, early_stop, notes=[warning] if warning else [])
            self._jobs[key] = job
            self._queue.append(job)
            self._start_ready_jobs()
            return Submission(job=job, warning=warning)

    def _start_ready_jobs(self) -> None:
        """Start queued jobs while there are free slots (caller holds the lock)."""
        while self._queue and len(self._running) < self.settings.max_concurrent:
            job = self._queue.popleft()
            job.state = TrainingJob.RUNNING
            self._running[job.key] = job
            thread = threading.Thread(
                target=self._work, args=(job,), name=f"w2v-train-{job.key[:8]}", daemon=True
            )
            thread.start()

    def _work(self, job: TrainingJob) -> None:
        """Train one job (in its own thread) and store the result."""
        run: Run | None = None
        try:
            if job.stop_requested:
                job.state = TrainingJob.CANCELLED
                return
            corpus = job.corpus
            assert corpus is not None
            trainer = self._trainer_factory(corpus, job.config)
            job.history = trainer.history
            job.trainer = trainer
            job.started = time.time()
            with self._lock:
                self.trainings_started += 1
            log.info("training %s started: %s", job.key[:12], job.label)
            if job.stop_requested:
                trainer.request_stop()
            model = trainer.run(job.callback)
            reason = "early stopping" if job.early_stopped else "stopped"
            run = Run.from_model(job.key, model, job.early_stop, reason if model.stopped else "")
            with self._lock:
                self._remember(run)
            self._save_to_disk(run)
            job.run = run
            job.state = TrainingJob.DONE
            log.info("training %s done in %.1f s", job.key[:12], time.time() - job.started)
        except W2VError as error:
            job.error = str(error)
            job.state = TrainingJob.FAILED
        except Exception as error:  # a bug: keep the server alive and report it
            log.exception("training %s failed", job.key[:8])
            job.error = f"training failed unexpectedly: {type(error).__name__}: {error}"
            job.state = TrainingJob.FAILED
        finally:
            job.finished = time.time()
            job.corpus = None  # the corpus may be large; the job object may live on
            job.trainer = None
            with self._lock:
                self._running.pop(job.key, None)
                if self._jobs.get(job.key) is job:
                    del self._jobs[job.key]
                self._start_ready_jobs()
            job.done.set()

    # ---- memory and disk

    def _remember(self, run: Run) -> None:
        """Put a run in the memory LRU, dropping the least recently used (lock held)."""
        self._memory[run.key] = run
        self._memory.move_to_end(run.key)
        while len(self._memory) > self.settings.max_runs_in_memory:
            self._memory.popitem(last=False)

    def forget(self, key: str) -> None:
        """Drop a run from memory and disk."""
        with self._lock:
            self._memory.pop(key, None)
        self._remove_files(key)

    def _touch(self, key: str, force: bool = False) -> None:
        """Mark a cached model as just used (LRU on disk), at most once a minute."""
        if self.disk_dir is None or not is_run_key(key):
            return
        now = time.time()
        if not force and now - self._touched.get(key, 0.0) < _TOUCH_INTERVAL:
            return
        self._touched[key] = now
        for path in self._paths(key):
            with contextlib.suppress(OSError):
                os.utime(path, (now, now))

    def _remove_files(self, key: str) -> None:
        if self.disk_dir is None or not is_run_key(key):
            return
        with self._disk_lock:
            for path in self._paths(key):
                with contextlib.suppress(OSError):
                    path.unlink()
        self._info_cache.pop(key, None)

    def _save_to_disk(self, run: Run) -> None:
        """Write the model and its sidecar atomically, then apply the size cap."""
        directory = self.disk_dir
        if directory is None or run.model is None or not is_run_key(run.key):
            return
        model_path, info_path = self._paths(run.key)
        try:
            with self._disk_lock:
                save_model(run.model, model_path)
                with atomic_write(info_path, "w", encoding="utf-8") as handle:
                    handle.write(run.info().to_json())
        except (ModelFileError, OSError) as error:
            self._remove_files(run.key)
            self._disable_disk(directory, str(error))
            return
        self._enforce_disk_cap(keep=run.key)

    def _write_info(self, run: Run) -> None:
        if self.disk_dir is None or not is_run_key(run.key):
            return
        model_path, info_path = self._paths(run.key)
        if not model_path.is_file():
            return
        try:
            with self._disk_lock, atomic_write(info_path, "w", encoding="utf-8") as handle:
                handle.write(run.info().to_json())
        except (ModelFileError, OSError) as error:
            self._disable_disk(self.disk_dir, str(error))

    def _load_from_disk(self, key: str) -> tuple[Run | None, str | None]:
        if self.disk_dir is None or not is_run_key(key):
            return None, None
        model_path, info_path = self._paths(key)
        if not model_path.is_file():
            return None, None
        try:
            model = load_model(model_path)
            info = self._read_info(key, info_path) if info_path.is_file() else None
            early_stop = info.early_stop if info is not None else None
            if run_key(model.corpus_fingerprint, model.config, early_stop) != key:
                raise ModelFileError("its contents do not match its configuration")
        except Exception as error:  # any failure to read it means the entry is damaged
            if not isinstance(error, ModelFileError | OSError | ValueError):
                log.exception("unexpected error reading the cached model %s", key[:12])
            self._remove_files(key)
            return None, (
                f"A cached model was damaged and has been removed ({error}). "
                "This configuration is trained again."
            )
        self._touch(key, force=True)  # most recently used: evicted last
        run = Run.from_model(
            key,
            model,
            early_stop=early_stop,
            stop_reason=info.stop_reason if info is not None else "",
            scores=info.scores if info is not None else None,
            created=info.created if info is not None else model_path.stat().st_mtime,
        )
        if info is None:
            self._write_info(run)
        return run, None

    def disk_usage(self) -> int:
        """Bytes used by cached models and sidecars."""
        if self.disk_dir is None:
            return 0
        return sum(size for _, size, _ in self._disk_entries())

    def _disk_entries(self) -> list[tuple[float, int, str]]:
        """(last use, bytes, key) of every cached model."""
        entries = []
        assert self.disk_dir is not None
        for model_path in self.disk_dir.glob("*.npz"):
            key = model_path.stem
            if not is_run_key(key):
                continue
            try:
                stat = model_path.stat()
            except OSError:
                continue
            size = stat.st_size
            with contextlib.suppress(OSError):
                size += (self.disk_dir / f"{key}.json").stat().st_size
            entries.append((stat.st_mtime, size, key))
        return entries

    def _enforce_disk_cap(self, keep: str) -> None:
        """Delete least recently used models until the cache fits its size cap.

        ``keep`` (the model just written) goes last, and only if it alone is too big.
        """
        if self.disk_dir is None:
            return
        cap = self.settings.disk_cache_mb * 1e6
        entries = sorted(self._disk_entries())
        total = sum(size for _, size, _ in entries)
        for _, size, key in entries:
            if total <= cap:
                break
            if key == keep:
                continue
            self._remove_files(key)
            total -= size
        if total > cap:
            self._remove_files(keep)

    # ---- scores

    def set_scores(self, key: str, scores: dict[str, Any]) -> None:
        """Attach evaluation results to a run (memory and its disk sidecar)."""
        with self._lock:
            run = self._memory.get(key)
        if run is None:
            return
        run.scores.update(scores)
        self._write_info(run)
