"""Sweeps and searches in the app's registry: one queue place each, cached runs reused,
one Stop for everything."""

from __future__ import annotations

import threading
import time

import pytest
from planted import planted_text

from dashboard.runs import RegistrySettings, RunRegistry
from dashboard.tuning import start_search, start_sweep
from w2v_core.config import training_key
from w2v_core.corpus import corpus_from_text
from w2v_core.search import parse_range
from w2v_core.train import TrainConfig

TINY = TrainConfig(dim=8, window=2, negatives=3, epochs=2, min_count=1, sample=0, heldout=0.1)
WAIT = 90.0


@pytest.fixture(scope="module")
def corpus():
    return corpus_from_text(planted_text(400, seed=3), name="planted")


def registry(tmp_path, slots: int = 2, hold: bool = False) -> RunRegistry:
    """With ``hold``, every training pauses at its first progress report (the release
    file never appears): a Stop then surely finds it running, on any machine."""
    return RunRegistry(
        RegistrySettings(
            cache_dir=tmp_path, max_runs_in_memory=20, disk_cache_mb=100.0, max_concurrent=slots,
            hold_file=(tmp_path / "never-released") if hold else None,
        )
    )  # fmt: skip


def test_sweep_trains_each_value_once_holding_one_queue_place(corpus, tmp_path):
    reg = registry(tmp_path)
    most_in_queue, watching = [0], threading.Event()

    def watch() -> None:  # the sweep never holds more than one place in the queue
        while not watching.is_set():
            running, waiting = reg.counts()
            most_in_queue[0] = max(most_in_queue[0], running + waiting)
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    job = start_sweep(reg, corpus, TINY, [("window", [1, 2, 3])])
    assert job.wait(WAIT)
    watching.set()
    watcher.join()
    assert job.state == "done" and most_in_queue[0] == 1
    assert [e.point for e in job.entries] == [{"window": 1}, {"window": 2}, {"window": 3}]
    assert all(e.status == "done" and e.fraction == 1.0 for e in job.entries)
    assert [e.key for e in job.entries] == [
        training_key(corpus, TINY.__class__(**{**TINY.to_dict(), "window": w})) for w in (1, 2, 3)
    ]
    assert reg.trainings_started == 3
    # A second sweep sharing window=2 gets it from the cache.
    again = start_sweep(reg, corpus, TINY, [("window", [2, 4])])
    assert again.wait(WAIT)
    assert [e.cached for e in again.entries] == [True, False] and reg.trainings_started == 4


def test_one_stop_ends_the_run_in_progress_and_skips_the_rest(corpus, tmp_path):
    reg = registry(tmp_path, hold=True)
    slow = TrainConfig(**{**TINY.to_dict(), "epochs": 400})
    job = start_sweep(reg, corpus, slow, [("dim", [10, 12, 14])])
    deadline = time.time() + WAIT
    while job.entries[0].status != "running" and time.time() < deadline:
        time.sleep(0.02)
    assert job.entries[0].status == "running"
    job.stop()
    assert job.wait(WAIT)
    assert job.state == "stopped"
    assert [e.status for e in job.entries] == ["stopped", "skipped", "skipped"]
    assert job.counts() == (1, 3) and reg.trainings_started == 1


def test_search_trains_its_trials_through_the_registry(corpus, tmp_path):
    reg = registry(tmp_path, slots=1)
    base = TrainConfig(**{**TINY.to_dict(), "epochs": 9})
    job = start_search(reg, corpus, base, [parse_range("alpha=0.0005:0.3")], 120, max_trials=8)
    assert job.wait(WAIT)
    assert job.state == "done" and len(job.entries) == 8
    statuses = {e.status for e in job.entries}
    assert statuses <= {"done", "pruned"} and "pruned" in statuses
    assert reg.trainings_started == 8
    finished = [e for e in job.entries if e.status == "done"]
    assert all(reg.fetch(e.key)[0].history.heldout_loss for e in finished)


def test_stopping_a_search_ends_it(corpus, tmp_path):
    reg = registry(tmp_path, slots=1, hold=True)
    slow = TrainConfig(**{**TINY.to_dict(), "epochs": 400})
    job = start_search(reg, corpus, slow, [parse_range("dim=4:16")], 120)
    deadline = time.time() + WAIT
    while not (job.entries and job.entries[0].status == "running") and time.time() < deadline:
        time.sleep(0.02)
    job.stop()
    assert job.wait(WAIT)
    assert job.state == "stopped" and [e.status for e in job.entries] == ["stopped"]
