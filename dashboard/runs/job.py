"""A training job: one training, shared by every session that asked for its configuration.

The job only carries state between the registry's worker thread and the pages that
watch it (progress, loss so far, a stop request); early stopping is the trainer's
business (:attr:`w2v_core.train.TrainConfig.early_stop`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from dashboard.runs.record import run_label
from w2v_core.train import History, Model, Progress, TrainConfig

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs.record import Run
    from w2v_core.corpus import Corpus


#: Seconds after its last poll that a session still counts as watching a job (its page
#: polls every fraction of a second while it shows the progress).
WATCH_TIMEOUT = 5.0


class JobState(StrEnum):
    """``QUEUED`` -> ``RUNNING`` -> ``DONE`` (also after a stop: the partial model is
    kept), ``FAILED`` (:attr:`TrainingJob.error` says why) or ``CANCELLED`` (stopped
    before it started)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class TrainerLike(Protocol):
    """What the registry needs from :class:`w2v_core.train.Trainer` (tests pass fakes)."""

    history: History

    def run(self, callback: Callable[[Progress], bool | None] | None = None) -> Model: ...

    def request_stop(self) -> None: ...


TrainerFactory = Callable[["Corpus", TrainConfig], TrainerLike]


class TrainingJob:
    """One training, shared by every session that asked for its configuration."""

    # The states as attributes too, so views can write ``job.state == job.QUEUED``.
    QUEUED, RUNNING, DONE, FAILED, CANCELLED = (
        JobState.QUEUED, JobState.RUNNING, JobState.DONE, JobState.FAILED, JobState.CANCELLED,
    )  # fmt: skip

    def __init__(
        self, key: str, corpus: Corpus, config: TrainConfig, notes: list[str] | None = None
    ) -> None:
        self.key = key
        self.corpus: Corpus | None = corpus
        self.corpus_name = corpus.name
        self.config = config
        self.label = run_label(corpus.name, config)
        self.notes: list[str] = list(notes or [])
        self.state = JobState.QUEUED
        self.progress: Progress | None = None
        self.history = History()
        self.run: Run | None = None
        self.error: str | None = None
        self.trainer: TrainerLike | None = None
        self.stop_requested = False
        self.workers = 1  # training processes, set by the registry when the job starts
        self.submitted = time.time()
        #: The session that asked first (see dashboard.runs.queue and .owners).
        self.owner: str | None = None
        #: What asked for it, shown in the server queue ("sweep run 2 of 3"; "": a Train).
        self.origin = ""
        self.started: float | None = None
        self.finished: float | None = None
        self.done = threading.Event()
        #: Called in the training thread at every epoch end, before the next epoch
        #: starts; one returning ``False`` stops the job (a search pruning a trial
        #: must act there: polling from outside misses a run that ends in 0.1 s).
        self.epoch_listeners: list[Callable[[Progress], bool | None]] = []
        #: Set by the registry: takes a job that has not started out of the queue, so
        #: that Stop on a waiting job ends it now, not when a slot frees (minutes).
        self.cancel_queued: Callable[[TrainingJob], None] | None = None
        #: Set by the registry from ``W2V_HOLD_TRAINING`` (tests and demos of the queue):
        #: the training pauses at its first progress report until this file exists.
        self.hold: Path | None = None
        #: session id -> when its page last showed this job's progress (see request_stop)
        self._watchers: dict[str, float] = {}
        self._watch_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TrainingJob({self.label!r}, state={self.state!r})"

    @property
    def active(self) -> bool:
        """True while queued or running."""
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    def watched_by(self, session: str) -> None:
        """A page of ``session`` shows this job's progress now (called while it polls)."""
        with self._watch_lock:
            self._watchers[session] = time.monotonic()

    def watched(self) -> bool:
        """True while some page shows this job's progress (polled in the last seconds)."""
        now = time.monotonic()
        with self._watch_lock:
            return any(now - seen < WATCH_TIMEOUT for seen in self._watchers.values())

    def request_stop(self, session: str | None = None) -> bool:
        """Stop after the current step and keep the partial model (thread-safe).

        A job is shared by every session that asked for its configuration: Stop from
        ``session`` while another session's page is watching it too only ends that
        session's watching (returns ``False``), so one user cannot end another's
        training.  Without ``session`` (a sweep, a search) the job always stops.

        Returns
        -------
        bool
            True if the job was asked to stop.
        """
        if session is not None:
            with self._watch_lock:
                self._watchers.pop(session, None)
                now = time.monotonic()
                others = [s for s, seen in self._watchers.items() if now - seen < WATCH_TIMEOUT]
            if others:
                return False
        self.stop_requested = True
        trainer = self.trainer
        if trainer is not None:
            trainer.request_stop()
        elif self.cancel_queued is not None:
            self.cancel_queued(self)
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished; False on timeout."""
        return self.done.wait(timeout)

    def losses(self) -> tuple[list[int], list[float], list[float]]:
        """Copies of the loss history so far: (step words, step loss, epoch loss)."""
        history = self.history
        n = min(len(history.step_words), len(history.step_loss))
        return list(history.step_words[:n]), list(history.step_loss[:n]), list(history.epoch_loss)

    def callback(self, progress: Progress) -> bool:
        """Progress callback of the trainer: record progress; False once a stop is asked."""
        self.progress = progress
        self._wait_for_release()
        if progress.epoch_done:
            for listener in list(self.epoch_listeners):
                if listener(progress) is False:
                    self.stop_requested = True
        return not self.stop_requested

    def _wait_for_release(self) -> None:
        """While :attr:`hold` names a file that does not exist yet, pause the training
        (a Stop still ends it). A test that needs a training to be running while it acts
        holds it this way, instead of racing a training that may end first."""
        while self.hold is not None and not self.hold.exists() and not self.stop_requested:
            time.sleep(0.05)
