"""The in-memory registry and queue: one owner of training for every session of a server.

* **One training per configuration.**  A run is identified by
  :func:`w2v_core.train.run_key`.  Two sessions asking for the same key share one
  :class:`~dashboard.runs.job.TrainingJob`: the second one waits on it and shows the
  same progress.
* **Bounded concurrency.**  At most ``max_concurrent`` trainings run at once, and
  together they use at most ``max_workers`` training processes (default: the
  cores), so that parallel trainings never fight over the cores; the others wait
  in a queue whose position the page shows.
* **Two cache levels.**  Finished runs stay in memory (LRU, ``max_runs_in_memory``) and
  on disk (:class:`~dashboard.runs.cache.DiskCache`).

Settings come from environment variables (see :meth:`RegistrySettings.from_env`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.runs import memory
from dashboard.runs.cache import DEFAULT_MAX_SHARE, DiskCache
from dashboard.runs.job import JobState, TrainerFactory, TrainingJob
from dashboard.runs.owners import DEFAULT_ORPHAN_SECONDS, Presence, Probe
from dashboard.runs.queue import FairQueue, owner_of
from dashboard.runs.record import Run, RunInfo, RunStatus
from dashboard.settings import (
    DEFAULT_DISK_MB,
    DEFAULT_MAX_RUNS,
    ENV_CACHE_DIR,
    ENV_DISK_MB,
    ENV_DISK_SHARE,
    ENV_HOLD_TRAINING,
    ENV_MAX_RUNS,
    ENV_MAX_TRAININGS,
    ENV_MAX_WORKERS,
    ENV_ORPHAN_SECONDS,
    env_number,
)
from w2v_core.config import resolve
from w2v_core.corpus import Corpus, default_cache_dir
from w2v_core.errors import W2VError
from w2v_core.train import TrainConfig, Trainer, run_key
from w2v_core.workers import available_cores

log = logging.getLogger(__name__)

#: Trainings at once when a RegistrySettings is built by hand (tests, scripts);
#: :meth:`RegistrySettings.from_env` defaults to the number of cores instead.
DEFAULT_MAX_CONCURRENT = 2
#: Seconds between the last training's end and giving memory back: ``gc.collect()`` holds
#: the interpreter for 0.2-0.3 s (more under load), and the pages that draw that end (a
#: Stop's "Training was stopped") should not wait behind it.
RELEASE_DELAY = 2.0


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
        Trainings running at the same time (default :data:`DEFAULT_MAX_CONCURRENT`;
        :meth:`from_env` uses the number of cores); further ones wait in a queue.
    max_workers : int
        Training processes of all running trainings together (``TrainConfig.workers``
        summed); ``0``: the cores available.  A training asking for more gets this many.
    hold_file : Path or None
        While set and missing, every training pauses at its first progress report
        (``W2V_HOLD_TRAINING``; lets a test act while a training is surely running).
    orphan_seconds : float
        A session unseen this long, whose tab is closed, loses its trainings and sweeps
        (stopped, partial model kept; :mod:`dashboard.runs.owners`).  ``0``: never.
    disk_share : float
        The largest share of the disk cache one run may take (a bigger one stays in
        memory only), so one run cannot flush everybody's cache.
    """

    cache_dir: Path | None
    max_runs_in_memory: int = DEFAULT_MAX_RUNS
    disk_cache_mb: float = DEFAULT_DISK_MB
    max_concurrent: int = DEFAULT_MAX_CONCURRENT
    max_workers: int = 0
    hold_file: Path | None = None
    orphan_seconds: float = DEFAULT_ORPHAN_SECONDS
    disk_share: float = DEFAULT_MAX_SHARE

    @property
    def worker_budget(self) -> int:
        """:attr:`max_workers`, with ``0`` read as the cores available."""
        return self.max_workers or available_cores()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RegistrySettings:
        """Read the settings from environment variables.

        ``W2V_CACHE_DIR`` (models go to its ``runs`` sub-directory; default
        ``~/.cache/w2v_core``), ``W2V_MAX_RUNS_IN_MEMORY`` (default
        :data:`DEFAULT_MAX_RUNS`), ``W2V_DISK_CACHE_MB`` (default
        :data:`DEFAULT_DISK_MB`; ``0`` keeps nothing on disk) and
        ``W2V_MAX_CONCURRENT_TRAININGS`` (default: the number of cores),
        ``W2V_MAX_TRAINING_WORKERS`` (default ``0``: the cores available),
        ``W2V_ORPHAN_SECONDS`` (default :data:`DEFAULT_ORPHAN_SECONDS`),
        ``W2V_DISK_SHARE`` (default 0.25).
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
            max_workers=int(env_number(env, ENV_MAX_WORKERS, 0, 0)),
            hold_file=Path(env[ENV_HOLD_TRAINING]) if env.get(ENV_HOLD_TRAINING) else None,
            orphan_seconds=env_number(env, ENV_ORPHAN_SECONDS, DEFAULT_ORPHAN_SECONDS, 0.0),
            disk_share=min(1.0, env_number(env, ENV_DISK_SHARE, DEFAULT_MAX_SHARE, 0.01)),
        )


@dataclass
class Submission:
    """What :meth:`RunRegistry.submit` returns: a finished run, or a job to wait on."""

    run: Run | None = None
    job: TrainingJob | None = None
    warning: str | None = None


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
        self._memory: OrderedDict[str, Run] = OrderedDict()
        self._jobs: dict[str, TrainingJob] = {}
        self._queue = FairQueue()  # round-robin by session (dashboard.runs.queue)
        self._running: dict[str, TrainingJob] = {}
        self._busy_workers = 0  # training processes of the running jobs
        self.trainings_started = 0
        self.disk = DiskCache(settings.cache_dir, settings.disk_cache_mb, settings.disk_share)
        self.presence = Presence(settings.orphan_seconds)
        memory.limit_arenas()  # trainings' threads share arenas: less left after them

    # ---- the disk cache, as the app sees it

    @property
    def disk_dir(self) -> Path | None:
        """The cache directory in use (None: memory only)."""
        return self.disk.directory

    @property
    def disk_problem(self) -> str | None:
        """Why the disk cache is off, if it could not be written."""
        return self.disk.problem

    @property
    def temp_files_removed(self) -> int:
        return self.disk.temp_files_removed

    def close(self) -> None:
        """Release the cache directory (the registry keeps working in memory only)."""
        self.disk.close()
        self.presence.close()

    def heartbeat(self, owner: str, probe: Probe | None = None) -> None:
        """Session ``owner`` is here (its page ran); ``probe`` says later if it still is."""
        self.presence.heartbeat(owner, probe)

    def disk_usage(self) -> int:
        """Bytes used by cached models and sidecars."""
        return self.disk.usage()

    # ---- lookups

    def peek(self, key: str) -> Run | None:
        """The run if it is in memory (no disk access)."""
        with self._lock:
            return self._memory.get(key)

    def is_cached(self, key: str) -> bool:
        """True if the run is in memory or on disk (cheap: no loading)."""
        return self.peek(key) is not None or self.disk.has(key)

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
            self.disk.touch(key)
            return run, None
        run, warning = self.disk.load(key)
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
            return self._queue.position(job, self._running.values())

    def counts(self) -> tuple[int, int]:
        """(trainings running, trainings waiting)."""
        with self._lock:
            return len(self._running), len(self._queue)

    def queue_snapshot(self) -> tuple[list[TrainingJob], list[TrainingJob]]:
        """(running jobs, waiting jobs in the order they will start): the server's queue."""
        with self._lock:
            running = list(self._running.values())
            return running, self._queue.order(running)

    def stop_own(self, owner: str, job: TrainingJob) -> bool:
        """Stop ``job`` for the session that owns it, and that session's sweep or search
        running it (else the sweep would start its next run).  False if not its own."""
        if not owner or job.owner != owner:
            return False
        self.presence.stop_work_running(owner, job)
        job.request_stop()
        return True

    def busy_workers(self) -> int:
        """Training processes in use by the running trainings."""
        with self._lock:
            return self._busy_workers

    def workers_for(self, config: TrainConfig) -> int:
        """The processes a training of ``config`` gets: its ``workers``, at most the budget."""
        return max(1, min(config.workers, self.settings.worker_budget))

    def list_runs(self, corpus_fingerprint: str | None = None) -> list[RunInfo]:
        """Summaries of every cached run (memory and disk), oldest first.

        ``corpus_fingerprint`` keeps only the runs trained on that corpus.
        """
        with self._lock:
            infos = {key: run.info() for key, run in self._memory.items()}
        infos.update(self.disk.infos(skip=set(infos)))
        result = [
            info
            for info in infos.values()
            if corpus_fingerprint is None or info.corpus_fingerprint == corpus_fingerprint
        ]
        return sorted(result, key=lambda info: info.created)

    # ---- training

    def submit(
        self,
        corpus: Corpus,
        config: TrainConfig,
        *,
        retrain_stopped: bool = False,
        owner: str | None = None,
    ) -> Submission:
        """Return the cached run for this configuration, or the job training it.

        A second request for a configuration that is being trained joins the same
        job.  With ``retrain_stopped``, a run that a person stopped part-way is
        trained again from scratch instead of being returned.  ``owner`` (a session
        id) places the job in its owner's turn of the fair queue, and lets the reaper
        stop it once the owner has gone and nobody watches it.

        Raises
        ------
        ConfigError
            If the configuration is invalid (checked before anything is queued).
        """
        # The key of the configuration that will really train: workers capped by the
        # corpus size and this server's budget (resolve validates it too).
        config = resolve(corpus, config, self.settings.worker_budget)
        key = run_key(corpus.fingerprint, config)
        with self._lock:
            job = self._jobs.get(key)
            if job is not None:
                return Submission(job=job)
        run, warning = self.fetch(key)
        if run is not None and not (retrain_stopped and run.status == RunStatus.STOPPED):
            return Submission(run=run)
        with self._lock:
            job = self._jobs.get(key)  # another session may have started it meanwhile
            if job is not None:
                return Submission(job=job, warning=warning)
            if run is not None:
                self.forget(key)
            warning = warning or self.disk.legacy_notes.pop(key, None)
            job = TrainingJob(key, corpus, config, notes=[warning] if warning else [])
            job.cancel_queued = self._cancel_queued
            job.hold = self.settings.hold_file
            job.owner = owner
            self._jobs[key] = job
            self._queue.append(job)
            self._start_ready_jobs()
        if owner:
            self.presence.own(owner, job, job.request_stop)
        return Submission(job=job, warning=warning)

    def _cancel_queued(self, job: TrainingJob) -> None:
        """Take a job that is still waiting out of the queue and end it as cancelled
        (a running job stops through its trainer instead)."""
        with self._lock:
            if job not in self._queue:
                return  # it has started (its thread checks stop_requested) or ended
            self._queue.remove(job)
            if self._jobs.get(job.key) is job:
                del self._jobs[job.key]
            job.state = JobState.CANCELLED
            job.finished = time.time()
            job.corpus = None
            self._start_ready_jobs()  # the jobs behind it move up
        job.done.set()

    def _start_ready_jobs(self) -> None:
        """Start queued jobs while slots and workers are free (lock held), in the fair
        order of :class:`~dashboard.runs.queue.FairQueue` (round-robin by session)."""
        while True:
            running = list(self._running.values())
            wanted = {id(job): self.workers_for(job.config) for job in self._queue}
            start = self._queue.next_start(
                running, self._busy_workers, self.settings.worker_budget,
                self.settings.max_concurrent, wanted,
            )  # fmt: skip
            if start is None:
                break
            job, workers = start.job, start.workers
            self._queue.remove(job)
            job.workers = workers
            self._busy_workers += workers
            job.state = JobState.RUNNING
            self._running[job.key] = job
            thread = threading.Thread(
                target=self._work, args=(job,), name=f"w2v-train-{job.key[:8]}", daemon=True
            )
            thread.start()
            log.info("training %s starts for %s with %d workers",
                     job.key[:12], owner_of(job)[:6] or "-", workers)  # fmt: skip

    def _work(self, job: TrainingJob) -> None:
        """Train one job (in its own thread) and store the result."""
        try:
            if job.stop_requested:
                job.state = JobState.CANCELLED
                return
            corpus = job.corpus
            assert corpus is not None
            # job.config was resolved in submit(); building the vocabulary takes seconds
            trainer = self._trainer_factory(corpus, job.config)
            if job.stop_requested:  # Stop came while the vocabulary was built
                job.state = JobState.CANCELLED
                return
            job.history = trainer.history
            job.trainer = trainer
            job.started = time.time()
            with self._lock:
                self.trainings_started += 1
            log.info("training %s started: %s", job.key[:12], job.label)
            if job.stop_requested:  # between the check above and job.trainer = trainer
                trainer.request_stop()
            model = trainer.run(job.callback)
            run = Run.from_model(job.key, model)
            with self._lock:
                self._remember(run)
            self.disk.save(run)
            job.run = run
            job.state = JobState.DONE
            log.info("training %s done in %.1f s", job.key[:12], time.time() - job.started)
        except W2VError as error:
            job.error = str(error)
            job.state = JobState.FAILED
        except Exception as error:  # a bug: keep the server alive and report it
            log.exception("training %s failed", job.key[:8])
            job.error = f"training failed unexpectedly: {type(error).__name__}: {error}"
            job.state = JobState.FAILED
        finally:
            job.finished = time.time()
            job.corpus = None  # the corpus may be large; the job object may live on
            job.trainer = None
            with self._lock:
                if self._running.pop(job.key, None) is not None:
                    self._busy_workers -= job.workers
                if self._jobs.get(job.key) is job:
                    del self._jobs[job.key]
                self._start_ready_jobs()
                idle = not self._running
            job.done.set()
            if idle:  # the last training ended: give its temporaries back to the system
                self._release_later()

    def _release_later(self) -> None:
        """Give memory back :data:`RELEASE_DELAY` seconds from now, if no training is
        running by then (the end of that one will)."""

        def release() -> None:
            with self._lock:
                if self._running:
                    return
            memory.release()

        timer = threading.Timer(RELEASE_DELAY, release)
        timer.name, timer.daemon = f"w2v-release-{id(self):x}", True  # whose release it is
        timer.start()

    # ---- memory

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
        self.disk.remove(key)

    # ---- scores

    def set_scores(self, key: str, scores: dict[str, Any]) -> None:
        """Attach evaluation results to a run (memory and its disk sidecar)."""
        with self._lock:
            run = self._memory.get(key)
            if run is None:
                return
            run.scores.update(scores)
        self.disk.write_info(run)
