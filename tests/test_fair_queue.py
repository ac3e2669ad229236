"""Fair to every visitor: round-robin between sessions, a slot kept for others, and
work that stops when its session has gone.

Slow runs are planted: a trainer held by an event until the test releases it.  Every
wait is on a condition (pytest-timeout guards the whole).
"""

from __future__ import annotations

import threading
import time

import pytest
from planted import planted_text

from dashboard.runs import RegistrySettings, RunRegistry, TrainingJob
from dashboard.runs.queue import FairQueue
from dashboard.tuning import start_sweep
from w2v_core.corpus import corpus_from_text
from w2v_core.train import TrainConfig, Trainer

TINY = dict(dim=8, window=2, negatives=3, epochs=2, min_count=1, sample=0, batch_size=256)
WAIT = 60.0
HELD_SEED = 1  # the planted slow run: held until its gate opens


@pytest.fixture(scope="module")
def corpus():
    return corpus_from_text(planted_text(400, seed=3), name="planted")


class HeldTrainer:
    """Trains for real once ``gate`` opens, or stops at once when asked (a slow run)."""

    def __init__(self, corpus, cfg: TrainConfig, gate: threading.Event) -> None:
        self.inner = Trainer(corpus, cfg)
        self.history = self.inner.history
        self.gate = gate
        self.stopped = threading.Event()

    def run(self, callback=None):
        while not self.gate.wait(0.01) and not self.stopped.is_set():
            pass
        return self.inner.run(callback)

    def request_stop(self) -> None:
        self.stopped.set()
        self.inner.request_stop()


def registry_with(gate: threading.Event, **settings) -> RunRegistry:
    """Runs of seed :data:`HELD_SEED` wait for ``gate``; every other run trains at once."""

    def factory(corpus, cfg):
        return HeldTrainer(corpus, cfg, gate) if cfg.seed == HELD_SEED else Trainer(corpus, cfg)

    base = dict(max_concurrent=2, max_workers=2, disk_cache_mb=0.0)
    base.update(settings)
    return RunRegistry(RegistrySettings(cache_dir=None, **base), trainer_factory=factory)


def config(**kwargs) -> TrainConfig:
    return TrainConfig(**{**TINY, "workers": 1, **kwargs})


def wait_until(predicate, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def test_another_sessions_short_run_starts_while_a_slow_run_holds_every_worker(corpus):
    gate = threading.Event()
    # A tiny corpus trains in one process (the run's configuration is resolved before it is
    # keyed), so a budget of one worker is "every worker" here.
    registry = registry_with(gate, max_workers=1)
    # Session A: a slow run holding every worker, and more runs queued behind it.
    slow = registry.submit(corpus, config(seed=HELD_SEED, workers=2), owner="A").job
    more = [registry.submit(corpus, config(seed=s, workers=2), owner="A").job for s in (11, 12)]
    assert slow.state == TrainingJob.RUNNING and registry.busy_workers() == 1
    assert all(job.state == TrainingJob.QUEUED for job in more)  # A keeps a slot free
    # Session B: a short run, while the slow one still holds both workers.
    short = registry.submit(corpus, config(seed=5), owner="B").job
    assert registry.queue_position(short) is None  # started, not queued behind A's runs
    assert short.wait(WAIT) and short.state == TrainingJob.DONE, short.error
    assert not slow.done.is_set() and slow.state == TrainingJob.RUNNING
    assert all(job.state == TrainingJob.QUEUED for job in more)
    gate.set()
    for job in (slow, *more):
        assert job.wait(WAIT) and job.state == TrainingJob.DONE, job.error


def test_waiting_runs_are_taken_round_robin_by_session(corpus):
    gate = threading.Event()
    registry = registry_with(gate, max_concurrent=2)
    held = registry.submit(corpus, config(seed=HELD_SEED), owner="A").job
    other = registry.submit(corpus, config(seed=HELD_SEED, dim=9), owner="C").job
    assert held.state == other.state == TrainingJob.RUNNING  # both slots taken
    a = [registry.submit(corpus, config(seed=s), owner="A").job for s in (21, 22, 23)]
    b = registry.submit(corpus, config(seed=31), owner="B").job
    # B's first run waits behind nobody's second: before every queued run of A.
    assert registry.queue_position(b) == 1
    assert [registry.queue_position(job) for job in a] == [2, 3, 4]
    gate.set()
    for job in (held, other, *a, b):
        assert job.wait(WAIT) and job.state == TrainingJob.DONE, job.error


def test_the_fair_order_interleaves_sessions_and_counts_running_runs(corpus):
    queue = FairQueue()
    jobs = {}
    for name in ("a1", "a2", "a3", "b1", "c1", "b2"):
        job = TrainingJob(name, corpus, config())
        job.owner = name[0]
        jobs[name] = job
        queue.append(job)
    names = {id(job): name for name, job in jobs.items()}
    assert [names[id(j)] for j in queue.order([])] == ["a1", "b1", "c1", "a2", "b2", "a3"]
    running_b = TrainingJob("rb", corpus, config())
    running_b.owner = "b"
    # b already runs one: its first waiting run comes after a's and c's first.
    assert [names[id(j)] for j in queue.order([running_b])] == ["a1", "c1", "a2", "b1", "a3", "b2"]


def test_stop_on_a_queued_run_ends_it_at_once_and_on_a_running_run_at_the_next_step(corpus):
    gate = threading.Event()
    registry = registry_with(gate, max_concurrent=1)
    running = registry.submit(corpus, config(seed=HELD_SEED), owner="A").job
    queued = registry.submit(corpus, config(seed=41), owner="B").job
    assert queued.state == TrainingJob.QUEUED
    assert queued.request_stop()
    assert queued.done.is_set() and queued.state == TrainingJob.CANCELLED  # no waiting
    wait_until(lambda: running.trainer is not None)  # past the vocabulary: training
    assert running.request_stop()
    assert running.wait(WAIT) and running.run is not None and running.run.stopped


def test_a_closed_sessions_training_is_stopped_and_its_partial_run_kept(corpus):
    gate = threading.Event()
    registry = registry_with(gate, orphan_seconds=0.2)
    registry.heartbeat("gone", probe=lambda: False)  # the tab has closed
    job = registry.submit(corpus, config(seed=HELD_SEED), owner="gone").job
    assert job.wait(WAIT), "the reaper did not stop the abandoned training"
    assert job.state == TrainingJob.DONE and job.run is not None and job.run.stopped
    assert any("TrainingJob" in text for text in registry.presence.stopped)


def test_work_of_a_connected_or_watched_session_is_left_alone(corpus):
    gate = threading.Event()
    registry = registry_with(gate, orphan_seconds=0.05)
    registry.heartbeat("idle", probe=lambda: True)  # unseen, but its tab is open
    idle = registry.submit(corpus, config(seed=HELD_SEED), owner="idle").job
    registry.heartbeat("left", probe=lambda: False)
    watched = registry.submit(corpus, config(seed=HELD_SEED, dim=9), owner="left").job
    watched.watched_by("someone else")  # another page shows its progress
    wait_until(lambda: not registry.presence.here("left"))
    assert registry.presence.reap() == []
    assert idle.active and watched.active and not idle.stop_requested
    gate.set()
    assert idle.wait(WAIT) and watched.wait(WAIT)


def test_a_closed_sessions_sweep_stops_and_starts_no_more_runs(corpus):
    gate = threading.Event()
    registry = registry_with(gate, orphan_seconds=0.2)
    registry.heartbeat("gone", probe=lambda: False)
    base = config(seed=HELD_SEED)
    sweep = start_sweep(registry, corpus, base, [("dim", [10, 20, 30])], owner="gone")
    assert sweep.wait(WAIT), "the reaper did not stop the abandoned sweep"
    assert sweep.state == "stopped"
    assert [entry.status for entry in sweep.entries][1:] == ["skipped", "skipped"]


# --------------------------------------------------------------------------- the disk cache


def _train(registry: RunRegistry, corpus, cfg: TrainConfig):
    job = registry.submit(corpus, cfg).job
    assert job is not None and job.wait(WAIT) and job.run is not None, job.error
    return job.run


def test_one_run_cannot_take_more_than_its_share_of_the_disk_cache(tmp_path, corpus, caplog):
    caplog.set_level("INFO", logger="dashboard.runs.cache")
    big_bytes = 2 * 4 * len(corpus.words) * 300  # both float32 matrices at dim 300
    cap_mb = 2 * big_bytes / 1e6  # the big run would take half of the cache
    settings = RegistrySettings(cache_dir=tmp_path, disk_cache_mb=cap_mb, disk_share=0.25)
    registry = RunRegistry(settings)
    big = _train(registry, corpus, config(dim=300, snapshot_words=0))
    assert not registry.disk.has(big.key) and registry.peek(big.key) is big  # memory only
    assert "more than the 25% share of the" in caplog.text
    small = _train(registry, corpus, config(dim=10, snapshot_words=0))
    assert registry.disk.has(small.key)


def test_evictions_are_logged_with_why(tmp_path, corpus, caplog):
    caplog.set_level("INFO", logger="dashboard.runs.cache")
    one_run = 2 * 4 * len(corpus.words) * 60 + 20_000  # matrices, header and sidecar
    settings = RegistrySettings(
        cache_dir=tmp_path, disk_cache_mb=1.5 * one_run / 1e6, disk_share=1.0
    )
    registry = RunRegistry(settings)
    first = _train(registry, corpus, config(dim=60, seed=1, snapshot_words=0))
    assert registry.disk.has(first.key)
    second = _train(registry, corpus, config(dim=60, seed=2, snapshot_words=0))
    assert registry.disk.has(second.key) and not registry.disk.has(first.key)
    assert f"evicted run {first.key[:12]} from the disk cache" in caplog.text
    assert f"after run {second.key[:12]} was written" in caplog.text


def test_the_server_queue_names_the_owner_anonymously(corpus):
    from dashboard.views.server import queue_lines

    gate = threading.Event()
    registry = registry_with(gate, max_concurrent=1)
    mine = registry.submit(corpus, config(seed=HELD_SEED), owner="me-1234").job
    theirs = registry.submit(corpus, config(seed=51), owner="them-5678").job
    lines = queue_lines(registry, "me-1234")
    assert lines[0].startswith("▶ ") and "for you" in lines[0] and "running" in lines[0]
    assert lines[1].startswith("1. ") and "for visitor " in lines[1] and "waiting" in lines[1]
    assert not any("them-5678" in line or "me-1234" in line for line in lines)
    assert not registry.stop_own("them-5678", mine)  # not theirs to stop
    assert registry.stop_own("them-5678", theirs) and theirs.state == TrainingJob.CANCELLED
    gate.set()
    assert mine.wait(WAIT)
