"""Sweeps and budgeted searches in the app, trained through the shared run registry.

A sweep (or search) is a background thread that asks the registry for its runs
*one at a time*: it holds at most one place in the training queue, like a single
user, so other people's trainings never wait behind a whole sweep (its fair
share).  Runs already cached come back at once.  One :meth:`TuneJob.stop` stops
the run in progress and every run not started yet.

The thread belongs to the process; the job object to the session that started it
(only that session can stop it).  With an ``owner``, the registry's reaper stops the
sweep once that session has gone (:mod:`dashboard.runs.owners`).
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dashboard import budget
from w2v_core.errors import W2VError
from w2v_core.search import Range, search
from w2v_core.sweep import grid
from w2v_core.train import Progress

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run, RunRegistry, TrainingJob
    from w2v_core.corpus import Corpus
    from w2v_core.search import Trial
    from w2v_core.train import Model, TrainConfig

#: Seconds between two looks at the run in progress.
POLL = 0.2


@dataclass
class Entry:
    """One run of a sweep (or one trial of a search) as the tab shows it."""

    point: dict[str, Any]
    config: TrainConfig | None
    status: str = "waiting"  # waiting, queued, running, done, stopped, pruned, failed, skipped
    key: str | None = None
    fraction: float = 0.0
    error: str | None = None
    cached: bool = False  # found in the cache, not trained by this sweep


@dataclass
class TuneJob:
    """A sweep or search running for one session (its runs are everyone's)."""

    kind: str  # "sweep" or "search"
    axes: list[tuple[str, list[Any]]]
    corpus_fingerprint: str
    entries: list[Entry] = field(default_factory=list)
    state: str = "running"  # running, done, stopped, failed
    error: str | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None
    budget_seconds: float | None = None
    current: TrainingJob | None = None
    stop_requested: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    owner: str | None = None  # the session that started it

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.axes]

    @property
    def active(self) -> bool:
        return self.state == "running"

    def stop(self) -> None:
        """Stop the run in progress (its partial model is kept) and start no other."""
        self.stop_requested = True
        current = self.current
        if current is not None:
            current.request_stop()

    def counts(self) -> tuple[int, int]:
        """(runs finished, runs planned)."""
        finished = sum(e.status in ("done", "stopped", "pruned", "failed") for e in self.entries)
        return finished, len(self.entries)

    def wait(self, timeout: float | None = None) -> bool:
        return self.done.wait(timeout)


def start_sweep(
    registry: RunRegistry,
    corpus: Corpus,
    base: TrainConfig,
    axes: Sequence[tuple[str, Sequence[Any]]],
    owner: str | None = None,
) -> TuneJob:
    """Start a sweep over ``axes`` (one setting, or two for a grid) in a thread.

    Raises
    ------
    ConfigError
        If a configuration of the grid is invalid (nothing is started).
    BudgetError
        If a value is outside the sidebar's sliders, or the runs still to train would
        take longer than one session's budget (nothing is started).
    """
    budget.check_slider_ranges(axes)
    configs = grid(base, axes)
    budget.check_budget(sweep_estimate(registry, corpus, configs), "This sweep")
    names = [name for name, _ in axes]
    job = TuneJob("sweep", [(n, list(v)) for n, v in axes], corpus.fingerprint)
    job.entries = [Entry({n: getattr(c, n) for n in names}, c) for c in configs]
    _own(registry, job, owner)
    threading.Thread(
        target=_run_sweep, args=(job, registry, corpus), daemon=True,
        name="w2v-sweep",
    ).start()  # fmt: skip
    return job


def sweep_todo(
    registry: RunRegistry, corpus: Corpus, configs: Sequence[TrainConfig]
) -> list[TrainConfig]:
    """The configurations a sweep will train: not cached, or cached only as a stopped
    run (a sweep trains those again)."""
    from w2v_core.config import training_key

    stopped = {info.key for info in registry.list_runs(corpus.fingerprint) if info.stopped}
    todo = []
    for config in configs:
        key = training_key(corpus, config)
        if key in stopped or not registry.is_cached(key):
            todo.append(config)
    return todo


def sweep_estimate(registry: RunRegistry, corpus: Corpus, configs: Sequence[TrainConfig]) -> float:
    """Estimated seconds of the runs of ``configs`` still to train (the cost model,
    scaled by what this corpus's runs took on this server)."""
    todo = sweep_todo(registry, corpus, configs)
    if not todo:
        return 0.0
    scale = budget.calibration(registry.list_runs(corpus.fingerprint), corpus)
    return budget.estimate_seconds(todo, corpus, scale)


def _own(registry: RunRegistry, job: TuneJob, owner: str | None) -> None:
    """Make ``owner`` the sweep's owner: its runs queue in its turn, and it stops when
    the owner has gone (the reaper calls :meth:`TuneJob.stop`)."""
    job.owner = owner
    if owner:
        registry.presence.own(owner, job, job.stop)


def _run_sweep(job: TuneJob, registry: RunRegistry, corpus: Corpus) -> None:
    try:
        for entry in job.entries:
            if job.stop_requested:
                entry.status = "skipped"
                continue
            assert entry.config is not None
            _train(job, entry, registry, corpus, entry.config)
        job.state = "stopped" if job.stop_requested else "done"
    except Exception as error:  # a bug must not leave the tab waiting for ever
        job.error, job.state = f"{type(error).__name__}: {error}", "failed"
    finally:
        job.current = None
        job.finished = time.time()
        job.done.set()


def _train(
    job: TuneJob,
    entry: Entry,
    registry: RunRegistry,
    corpus: Corpus,
    config: TrainConfig,
    on_epoch: Any = None,
) -> Run | None:
    """Ask the registry for one run and follow it to the end; return it (or None)."""
    try:
        submission = registry.submit(corpus, config, retrain_stopped=True, owner=job.owner)
    except W2VError as error:
        entry.status, entry.error = "failed", str(error)
        return None
    if submission.run is not None:
        entry.status, entry.key, entry.fraction = "done", submission.run.key, 1.0
        entry.cached = True
        _score(registry, submission.run)
        return submission.run
    training = submission.job
    assert training is not None
    if not training.origin:  # the server queue says what this run is part of
        number = next(i for i, e in enumerate(job.entries, start=1) if e is entry)
        training.origin = (
            f"sweep run {number} of {len(job.entries)}" if job.kind == "sweep"
            else f"search trial {number}"
        )  # fmt: skip
    job.current, entry.key = training, training.key
    if job.stop_requested:
        training.request_stop()
    seen = 0
    lock = threading.Lock()

    def catch_up() -> bool:
        """Hand every epoch end not yet seen to ``on_epoch``, in order; False: stop."""
        nonlocal seen
        with lock:
            heldout = training.history.heldout_loss
            while on_epoch is not None and seen < len(heldout):
                seen += 1
                if on_epoch(seen, heldout[seen - 1], training) is False:
                    return False
        return True

    # At each epoch end, in the training thread (a pruned trial stops before its next
    # epoch); the polling below only catches an epoch that ended before this was added.
    training.epoch_listeners.append(lambda progress: catch_up())
    while True:
        finished = training.wait(POLL)
        entry.status = "queued" if training.state == training.QUEUED else "running"
        if training.progress is not None:
            entry.fraction = training.progress.fraction
        if not catch_up():
            training.request_stop()
        if finished:
            break
    job.current = None
    run = training.run
    if training.state != training.DONE or run is None:
        entry.status, entry.error = "failed", training.error or "cancelled"
        return None
    entry.status = "stopped" if run.stopped else "done"
    entry.fraction = 1.0 if not run.stopped else entry.fraction
    if not job.stop_requested:  # a Stop ends the sweep now, not after the benchmarks
        _score(registry, run)
    return run


def _score(registry: RunRegistry, run: Run) -> None:
    """Benchmark a finished run once, for the scoreboard (as the Evaluate tab would)."""
    if run.scores:
        return
    from w2v_core.evaluate import evaluate_vectors

    # Without the benchmark data in this installation there is the held-out loss only.
    with contextlib.suppress(W2VError):
        registry.set_scores(run.key, evaluate_vectors(run.kv).summary())


def start_search(
    registry: RunRegistry,
    corpus: Corpus,
    base: TrainConfig,
    ranges: Sequence[Range],
    budget_seconds: float,
    max_trials: int | None = None,
    owner: str | None = None,
) -> TuneJob:
    """Start a budgeted search (:func:`w2v_core.search.search`) whose trials are
    trained by the registry, one at a time."""
    from w2v_core.search import check_search

    base = check_search(base, ranges, budget_seconds)
    budget.check_budget(budget_seconds, "This search")
    job = TuneJob("search", [(r.name, []) for r in ranges], corpus.fingerprint)
    job.budget_seconds = budget_seconds
    _own(registry, job, owner)

    def train(config: TrainConfig, callback: Any) -> tuple[Model, bool]:
        names = job.names
        entry = Entry({n: getattr(config, n) for n in names}, config, status="queued")
        job.entries.append(entry)

        def on_epoch(epoch: int, loss: float, training: TrainingJob) -> bool:
            progress = Progress(
                epoch=epoch, epochs=config.epochs, fraction=epoch / config.epochs,
                words_processed=0, total_words=0, loss=math.nan, alpha=math.nan,
                words_per_sec=0.0, elapsed=0.0, epoch_done=True, heldout_loss=loss,
            )  # fmt: skip
            return callback(progress) is not False and not job.stop_requested

        run = _train(job, entry, registry, corpus, config, on_epoch)
        if run is None or run.model is None:
            raise W2VError(entry.error or "the trial could not be trained")
        return run.model, entry.cached

    def drive() -> None:
        try:
            result = search(corpus, base, ranges, budget_seconds, max_trials, train=train,
                            should_stop=lambda: job.stop_requested)  # fmt: skip
            _mark_trials(job, result.trials)
            job.state = "stopped" if job.stop_requested else "done"
        except Exception as error:
            job.error, job.state = f"{type(error).__name__}: {error}", "failed"
        finally:
            job.current = None
            job.finished = time.time()
            job.done.set()

    threading.Thread(target=drive, daemon=True, name="w2v-search").start()
    return job


def _mark_trials(job: TuneJob, trials: Sequence[Trial]) -> None:
    """Copy the search's verdicts (pruned, stopped by the budget) onto the entries."""
    for entry, trial in zip(job.entries, trials, strict=False):
        if trial.state == "pruned":
            entry.status = "pruned"
