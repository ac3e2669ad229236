"""The run registry: shared jobs, bounded concurrency, LRU caches, damaged and unwritable
caches, atomic files, early stopping and stopping."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from planted import planted_text

from dashboard.runs import (
    LOCK_NAME,
    RegistrySettings,
    Run,
    RunInfo,
    RunRegistry,
    RunStatus,
    TrainingJob,
    is_run_key,
    run_label,
)
from dashboard.runs.cache import LEGACY_EARLY_STOP_NOTE
from w2v_core.corpus import corpus_from_text
from w2v_core.files import write_file
from w2v_core.io import load_model, save_model
from w2v_core.train import Model, StopReason, TrainConfig, Trainer, run_key

TINY = dict(
    dim=8, window=2, negatives=3, epochs=2, min_count=1, sample=0, batch_size=256, workers=1
)
WAIT = 60.0


@pytest.fixture(scope="module")
def corpus():
    return corpus_from_text(planted_text(400, seed=3), name="planted")


def settings(tmp_path: Path | None, **kwargs) -> RegistrySettings:
    base = dict(max_runs_in_memory=10, disk_cache_mb=100.0, max_concurrent=2)
    base.update(kwargs)
    return RegistrySettings(cache_dir=tmp_path, **base)


def config(**kwargs) -> TrainConfig:
    return TrainConfig(**{**TINY, **kwargs})


def train_now(registry: RunRegistry, corpus, cfg: TrainConfig, **kwargs) -> Run:
    """Submit and wait; return the finished run."""
    submission = registry.submit(corpus, cfg, **kwargs)
    if submission.run is not None:
        return submission.run
    job = submission.job
    assert job is not None and job.wait(WAIT), "training did not finish"
    assert job.state == TrainingJob.DONE, job.error
    assert job.run is not None
    return job.run


class GatedTrainer:
    """A trainer that waits for a gate before training for real (to hold slots busy)."""

    instances: list[GatedTrainer] = []

    def __init__(self, corpus, cfg: TrainConfig, gate: threading.Event) -> None:
        self.inner = Trainer(corpus, cfg)
        self.history = self.inner.history
        self.gate = gate
        GatedTrainer.instances.append(self)

    def run(self, callback=None) -> Model:
        while not self.gate.wait(0.01):
            if self.inner._stop_requested:
                break
        return self.inner.run(callback)

    def request_stop(self) -> None:
        self.inner.request_stop()


def gated_registry(tmp_path: Path | None, gate: threading.Event, **kwargs) -> RunRegistry:
    return RunRegistry(
        settings(tmp_path, **kwargs), trainer_factory=lambda c, k: GatedTrainer(c, k, gate)
    )


def wait_until(predicate, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


# --------------------------------------------------------------------------- keys and settings


def test_run_key_covers_corpus_every_hyper_parameter_and_early_stopping():
    base = config()
    key = run_key("abc", base)
    assert is_run_key(key) and run_key("abc", config()) == key
    assert run_key("abd", base) != key
    flipped = not base.shared_negatives  # whichever the default is
    for field, value in [("dim", 9), ("seed", 2), ("sample", 1e-4), ("shared_negatives", flipped)]:
        assert run_key("abc", config(**{field: value})) != key, field
    early = run_key("abc", config(early_stop=0.01))
    assert early != key and early != run_key("abc", config(early_stop=0.02))
    assert run_key("abc", config(early_stop=0.01, early_stop_patience=2)) != early


@pytest.mark.parametrize("name", ["../etc/passwd", "a" * 63, "A" * 64, "x.npz", "", "0" * 65])
def test_only_hex_keys_address_files(tmp_path, name):
    registry = RunRegistry(settings(tmp_path))
    assert not is_run_key(name)
    assert registry.fetch(name) == (None, None)
    assert not registry.is_cached(name)
    with pytest.raises(ValueError):
        registry.disk.paths(name)


def test_settings_from_env(tmp_path):
    env = {
        "W2V_CACHE_DIR": str(tmp_path),
        "W2V_MAX_RUNS_IN_MEMORY": "3",
        "W2V_DISK_CACHE_MB": "12.5",
        "W2V_MAX_CONCURRENT_TRAININGS": "4",
    }
    s = RegistrySettings.from_env(env)
    assert s == RegistrySettings(tmp_path / "runs", 3, 12.5, 4)
    bad = RegistrySettings.from_env({"W2V_MAX_RUNS_IN_MEMORY": "lots", "W2V_DISK_CACHE_MB": "-1"})
    assert bad.max_runs_in_memory == 12 and bad.disk_cache_mb == 2048.0
    assert RegistrySettings.from_env({"W2V_DISK_CACHE_MB": "0"}).cache_dir is None


def test_run_label_mentions_what_differs_from_defaults():
    label = run_label("toy", config(seed=7, early_stop=0.01), RunStatus.STOPPED)
    assert label.startswith("toy: dim 8, window 2")
    assert "seed 7" in label and "early stop" in label and label.endswith("(stopped)")


# --------------------------------------------------------------------------- sharing and queueing


def test_two_requests_for_the_same_configuration_share_one_training(tmp_path, corpus):
    gate = threading.Event()
    registry = gated_registry(tmp_path, gate)
    cfg = config()
    results: list = [None, None]

    def session(i: int) -> None:
        results[i] = registry.submit(corpus, cfg)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    first, second = results
    assert first.job is not None and first.job is second.job
    assert registry.job(first.job.key) is first.job
    gate.set()
    assert first.job.wait(WAIT) and first.job.state == TrainingJob.DONE
    assert registry.trainings_started == 1
    # Afterwards the same configuration comes from the cache, at once.
    again = registry.submit(corpus, cfg)
    assert again.run is first.job.run and again.job is None
    assert registry.trainings_started == 1


def test_concurrency_is_bounded_and_the_queue_position_is_known(tmp_path, corpus):
    gate = threading.Event()
    registry = gated_registry(tmp_path, gate, max_concurrent=1)
    jobs = [registry.submit(corpus, config(seed=seed)).job for seed in (1, 2, 3)]
    assert all(job is not None for job in jobs)
    assert registry.counts() == (1, 2)
    assert [job.state for job in jobs] == ["running", "queued", "queued"]
    assert [registry.queue_position(job) for job in jobs] == [None, 1, 2]
    gate.set()
    for job in jobs:
        assert job.wait(WAIT) and job.state == TrainingJob.DONE, job.error
    assert registry.counts() == (0, 0)
    assert registry.trainings_started == 3


def test_running_trainings_never_use_more_workers_than_the_budget(tmp_path, corpus):
    gate = threading.Event()
    registry = gated_registry(tmp_path, gate, max_concurrent=3, max_workers=3)
    many = dict(epochs=24)  # 24 chunks of text in all: enough for 3 workers (resolve)
    two = registry.submit(corpus, config(seed=1, workers=2, **many)).job
    one = registry.submit(corpus, config(seed=2, workers=1, **many)).job
    blocked = registry.submit(corpus, config(seed=3, workers=2, **many)).job  # 2 + 1 + 2 > 3
    assert [job.state for job in (two, one, blocked)] == ["running", "running", "queued"]
    assert registry.busy_workers() == 3 and registry.queue_position(blocked) == 1
    huge = registry.submit(corpus, config(seed=4, workers=64, **many)).job
    assert registry.workers_for(huge.config) == 3  # capped to the budget
    # ... and keyed as it trains: with 3 workers, not the 64 asked for.
    assert huge.config.workers == 3
    assert huge.key == run_key(corpus.fingerprint, config(seed=4, workers=3, **many))
    gate.set()
    for job in (two, one, blocked, huge):
        assert job.wait(WAIT) and job.state == TrainingJob.DONE, job.error
    assert registry.busy_workers() == 0 and registry.counts() == (0, 0)
    assert huge.workers == 3


def test_a_job_stopped_while_queued_is_cancelled(tmp_path, corpus):
    gate = threading.Event()
    registry = gated_registry(tmp_path, gate, max_concurrent=1)
    running = registry.submit(corpus, config(seed=1)).job
    queued = registry.submit(corpus, config(seed=2)).job
    behind = registry.submit(corpus, config(seed=3)).job
    queued.request_stop()
    # Ended at once, not when the running job frees its slot (that can take minutes).
    assert queued.wait(WAIT) and not running.done.is_set()
    assert queued.state == TrainingJob.CANCELLED and queued.run is None
    assert registry.job(queued.key) is None and registry.queue_position(behind) == 1
    gate.set()
    assert running.wait(WAIT) and behind.wait(WAIT) and behind.state == TrainingJob.DONE
    assert not registry.is_cached(queued.key)


def test_stop_from_one_of_two_watching_sessions_leaves_the_training_to_the_other(
    tmp_path, corpus, monkeypatch
):
    gate = threading.Event()
    registry = gated_registry(tmp_path, gate, max_concurrent=1)
    job = registry.submit(corpus, config(seed=1)).job
    assert registry.submit(corpus, config(seed=1)).job is job  # the second session joins
    job.watched_by("first")
    job.watched_by("second")
    assert job.request_stop("second") is False  # only the second page stops watching
    assert not job.stop_requested
    assert job.request_stop("first") is True  # nobody else watches: it stops
    gate.set()
    assert job.wait(WAIT) and job.stop_requested
    # A page that stopped polling (a closed tab) no longer keeps a training alive.
    other = registry.submit(corpus, config(seed=2)).job
    other.watched_by("gone")
    monkeypatch.setattr("dashboard.runs.job.WATCH_TIMEOUT", 0.0)
    assert other.request_stop("here") is True
    assert other.wait(WAIT)


# --------------------------------------------------------------------------- caches


def test_memory_cache_is_lru_with_a_size_limit(corpus):
    registry = RunRegistry(settings(None, max_runs_in_memory=2))
    keys = [train_now(registry, corpus, config(seed=s)).key for s in (1, 2)]
    assert registry.fetch(keys[0])[0] is not None  # now keys[1] is least recently used
    third = train_now(registry, corpus, config(seed=3)).key
    assert registry.peek(keys[0]) is not None and registry.peek(third) is not None
    assert registry.peek(keys[1]) is None
    assert registry.fetch(keys[1]) == (None, None)  # no disk: gone


def test_disk_cache_has_a_size_cap_with_lru_eviction(tmp_path, corpus):
    probe = RunRegistry(settings(tmp_path / "probe"))
    train_now(probe, corpus, config(seed=1))
    one_model_mb = probe.disk_usage() / 1e6
    registry = RunRegistry(settings(tmp_path / "runs", disk_cache_mb=2.5 * one_model_mb))
    first, second = (train_now(registry, corpus, config(seed=s)).key for s in (1, 2))
    time.sleep(0.05)
    RunRegistry(settings(tmp_path / "runs")).fetch(first)  # a fresh process uses `first`
    third = train_now(registry, corpus, config(seed=3)).key
    on_disk = {p.stem for p in (tmp_path / "runs").glob("*.npz")}
    assert on_disk == {first, third}
    assert registry.disk_usage() <= 2.5 * one_model_mb * 1e6


def test_a_model_bigger_than_the_disk_cap_stays_in_memory_only(tmp_path, corpus):
    registry = RunRegistry(settings(tmp_path, disk_cache_mb=0.001))
    run = train_now(registry, corpus, config())
    assert list(tmp_path.glob("*.npz")) == []
    assert registry.fetch(run.key)[0] is run


def test_runs_survive_a_restart_with_history_and_scores(tmp_path, corpus):
    registry = RunRegistry(settings(tmp_path))
    run = train_now(registry, corpus, config(early_stop=0.001))
    registry.set_scores(run.key, {"ws353": 0.5})
    restarted = RunRegistry(settings(tmp_path))
    assert restarted.is_cached(run.key)
    infos = restarted.list_runs(corpus.fingerprint)
    assert [info.key for info in infos] == [run.key]
    assert infos[0].scores == {"ws353": 0.5} and infos[0].step_loss == run.history.step_loss
    loaded, warning = restarted.fetch(run.key)
    assert warning is None and loaded is not None
    np.testing.assert_array_equal(loaded.kv.vectors, run.kv.vectors)
    assert loaded.config.early_stop == 0.001 and loaded.scores == {"ws353": 0.5}
    assert restarted.list_runs("another corpus") == []
    again = restarted.submit(corpus, config(early_stop=0.001))
    assert again.run is loaded and restarted.trainings_started == 0


@pytest.mark.parametrize("damage", ["truncate", "garbage", "swap"])
def test_a_damaged_cache_entry_is_removed_reported_and_retrained(tmp_path, corpus, damage):
    registry = RunRegistry(settings(tmp_path))
    run = train_now(registry, corpus, config())
    other = train_now(registry, corpus, config(seed=9))
    path = tmp_path / f"{run.key}.npz"
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "garbage":
        path.write_bytes(b"not a model at all")
    else:  # a valid model under the wrong name
        path.write_bytes((tmp_path / f"{other.key}.npz").read_bytes())
    restarted = RunRegistry(settings(tmp_path))
    found, warning = restarted.fetch(run.key)
    assert found is None and "damaged" in warning
    assert not path.exists() and not (tmp_path / f"{run.key}.json").exists()
    submission = restarted.submit(corpus, config())
    assert submission.job is not None  # trained again
    assert submission.job.wait(WAIT) and submission.job.state == TrainingJob.DONE
    assert load_model(path).config == config()


def test_a_damaged_entry_found_by_submit_is_reported_on_the_job(tmp_path, corpus):
    registry = RunRegistry(settings(tmp_path))
    run = train_now(registry, corpus, config())
    (tmp_path / f"{run.key}.npz").write_bytes(b"PK\x03\x04 truncated")
    submission = RunRegistry(settings(tmp_path)).submit(corpus, config())
    assert submission.warning and submission.job is not None
    assert submission.job.notes == [submission.warning]
    submission.job.wait(WAIT)


def test_an_unwritable_cache_dir_falls_back_to_memory(tmp_path, corpus):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    registry = RunRegistry(settings(blocker / "cache"))  # fails for root too
    assert registry.disk_dir is None
    assert "cannot be written" in registry.disk_problem and "memory" in registry.disk_problem
    run = train_now(registry, corpus, config())
    assert registry.fetch(run.key)[0] is run
    assert registry.list_runs()[0].key == run.key


def test_a_failed_write_leaves_no_file_and_switches_to_memory(tmp_path, corpus, monkeypatch):
    def full_disk(model, path):
        with write_file(path) as handle:
            handle.write(b"PK half a model")
            raise OSError(28, "No space left on device")

    monkeypatch.setattr("dashboard.runs.cache.save_model", full_disk)
    registry = RunRegistry(settings(tmp_path))
    run = train_now(registry, corpus, config())
    left = [p.name for p in tmp_path.iterdir() if p.name != LOCK_NAME]
    assert left == []  # no model, no sidecar, no temporary file
    assert "No space left" in registry.disk_problem
    assert registry.fetch(run.key)[0] is run


def test_a_stopped_training_keeps_a_complete_partial_model_and_no_temp_file(tmp_path, corpus):
    gate = threading.Event()
    registry = gated_registry(tmp_path, gate)
    cfg = config(epochs=50)
    job = registry.submit(corpus, cfg).job
    gate.set()
    wait_until(lambda: job.progress is not None)
    job.request_stop()
    assert job.wait(WAIT) and job.state == TrainingJob.DONE
    run = job.run
    assert run.stopped and run.status == RunStatus.STOPPED
    assert run.model.stop_reason == StopReason.REQUESTED
    assert len(run.history.epoch_loss) < 50
    assert list(tmp_path.glob(".*.tmp")) == []
    assert load_model(tmp_path / f"{run.key}.npz").stopped
    # Train again on purpose: a stopped run is trained from scratch.
    again = registry.submit(corpus, cfg, retrain_stopped=True)
    assert again.job is not None and again.job is not job
    wait_until(lambda: again.job.progress is not None)  # (a stop before that cancels it)
    again.job.request_stop()
    again.job.wait(WAIT)
    # Without retrain_stopped the partial model is returned as it is.
    assert registry.submit(corpus, cfg).run is not None


def test_stale_temporary_files_are_cleaned_up(tmp_path):
    busy = RunRegistry(settings(tmp_path))  # another registry may be writing right now
    stale = tmp_path / ".x.npz.abc.tmp"
    stale.write_bytes(b"half")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    fresh = tmp_path / ".y.npz.def.tmp"
    fresh.write_bytes(b"being written")
    RunRegistry(settings(tmp_path))
    assert not stale.exists() and fresh.exists()
    busy.close()  # once no registry uses the directory, every temporary file is a leftover
    alone = RunRegistry(settings(tmp_path))
    assert not fresh.exists() and alone.temp_files_removed == 1


# --------------------------------------------------------------------------- stopping and errors


def test_early_stopping_ends_training_when_the_loss_stalls(corpus):
    registry = RunRegistry(settings(None))
    run = train_now(registry, corpus, config(epochs=8, early_stop=1.0))  # any gain is too small
    assert run.stopped and run.status == RunStatus.EARLY_STOP and run.stop_epoch == 2
    assert len(run.history.epoch_loss) == 2
    assert "early stop 1" in run.label and run.info().status == RunStatus.EARLY_STOP


def _legacy_entry(directory: Path, corpus, cfg: TrainConfig, early_stop: float | None) -> str:
    """A cache entry as the app wrote it before early stopping was a TrainConfig field:
    key = sha256 of corpus + config without the field (+ "early_stop" if on), sidecar v1."""
    import hashlib
    import json

    model = Trainer(corpus, cfg).run()
    old = {k: v for k, v in cfg.to_dict().items() if not k.startswith("early_stop")}
    payload = {"corpus": corpus.fingerprint, "config": old}
    if early_stop is not None:
        payload["early_stop"] = early_stop
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    key = hashlib.sha256(text.encode()).hexdigest()
    directory.mkdir(parents=True, exist_ok=True)
    save_model(model, directory / f"{key}.npz")
    sidecar = {
        "key": key, "label": "old", "corpus_name": corpus.name,
        "corpus_fingerprint": corpus.fingerprint, "config": old, "seconds": 1.0,
        "words_per_sec": 2.0, "stopped": False, "stop_reason": "", "early_stop": early_stop,
        "vocab_size": len(model.vocab), "dim": cfg.dim, "step_words": [1], "step_loss": [None],
        "epoch_loss": [0.5], "scores": {"ws353": 0.25}, "created": 7.0, "source": "trained",
    }  # fmt: skip
    (directory / f"{key}.json").write_text(json.dumps(sidecar))
    return key


def test_cached_runs_from_before_the_early_stop_field_load_or_retrain_once(tmp_path, corpus):
    plain = _legacy_entry(tmp_path, corpus, config(), None)
    early = _legacy_entry(tmp_path, corpus, config(seed=5), 0.01)
    registry = RunRegistry(settings(tmp_path))
    # The plain run is renamed to its new key and loads, scores and all.
    found = registry.submit(corpus, config())
    assert found.run is not None and found.run.key != plain and registry.trainings_started == 0
    assert registry.list_runs()[0].scores == {"ws353": 0.25}
    # The early-stopped one cannot match its new key: trained again, with one notice.
    again = registry.submit(corpus, config(seed=5, early_stop=0.01))
    assert again.job is not None and again.job.notes == [LEGACY_EARLY_STOP_NOTE]
    assert again.job.wait(WAIT) and again.job.state == TrainingJob.DONE
    assert not (tmp_path / f"{early}.npz").exists() and not (tmp_path / f"{plain}.npz").exists()
    assert registry.submit(corpus, config(seed=5, early_stop=0.01)).job is None  # once


def test_an_impossible_configuration_fails_with_a_message(corpus):
    registry = RunRegistry(settings(None))
    job = registry.submit(corpus, config(min_count=10**6)).job
    assert job.wait(WAIT) and job.state == TrainingJob.FAILED
    assert "min_count" in job.error
    assert registry.job(job.key) is None and not registry.is_cached(job.key)


def test_an_invalid_configuration_is_refused_before_queueing(corpus):
    registry = RunRegistry(settings(None))
    with pytest.raises(ValueError):
        registry.submit(corpus, config(dim=0))
    assert registry.counts() == (0, 0)


def test_an_unexpected_error_fails_the_job_but_not_the_registry(corpus):
    def broken(corpus, cfg):
        raise RuntimeError("boom")

    registry = RunRegistry(settings(None), trainer_factory=broken)
    job = registry.submit(corpus, config()).job
    assert job.wait(WAIT) and job.state == TrainingJob.FAILED and "boom" in job.error
    assert registry.counts() == (0, 0)


def test_progress_and_losses_are_visible_while_training(corpus):
    gate = threading.Event()
    registry = gated_registry(None, gate)
    job = registry.submit(corpus, config(epochs=3, log_every=1)).job
    gate.set()
    assert job.wait(WAIT)
    words, losses, epoch_losses = job.losses()
    assert len(words) == len(losses) > 0 and len(epoch_losses) == 3
    assert job.progress is not None and job.progress.fraction == pytest.approx(1.0)


def test_run_info_round_trips_through_json_with_nan_losses(corpus):
    registry = RunRegistry(settings(None))
    info = train_now(registry, corpus, config()).info()
    info.step_loss[0] = float("nan")
    again = RunInfo.from_json(info.to_json())
    assert np.isnan(again.step_loss[0]) and again.step_loss[1:] == info.step_loss[1:]
    with pytest.raises(ValueError):
        RunInfo.from_json("[1, 2]")


def test_using_a_run_from_memory_keeps_its_file_young(tmp_path, corpus, monkeypatch):
    registry = RunRegistry(settings(tmp_path))
    run = train_now(registry, corpus, config())
    path = tmp_path / f"{run.key}.npz"
    old = time.time() - 1000
    os.utime(path, (old, old))
    monkeypatch.setattr("dashboard.runs.cache._TOUCH_INTERVAL", 0.0)
    assert registry.fetch(run.key)[0] is run  # a memory hit
    assert path.stat().st_mtime > old + 900


# --------------------------------------------------------------------------- holding a training


def test_a_held_training_pauses_running_until_released_and_a_stop_still_ends_it(tmp_path, corpus):
    """``W2V_HOLD_TRAINING``: the seam the browser tests use to act while a training is
    surely running, on any machine, instead of racing one that may finish first."""
    release = tmp_path / "release"
    registry = RunRegistry(settings(tmp_path / "runs", hold_file=release))
    job = registry.submit(corpus, config(seed=11)).job
    assert job is not None
    wait_until(lambda: job.progress is not None)  # it reported once, and holds there
    assert job.state == TrainingJob.RUNNING and not job.done.is_set()
    release.touch()
    assert job.wait(WAIT) and job.state == TrainingJob.DONE
    assert job.run is not None and job.run.model.stopped is False

    held = registry.submit(corpus, config(seed=12)).job  # the file exists: no pause
    assert held is not None and held.wait(WAIT) and held.state == TrainingJob.DONE
    release.unlink()
    stopped = registry.submit(corpus, config(seed=13)).job
    wait_until(lambda: stopped.progress is not None)
    stopped.request_stop()
    assert stopped.wait(WAIT) and stopped.run is not None and stopped.run.model.stopped


def test_hold_is_read_from_the_environment(tmp_path):
    env = {"W2V_HOLD_TRAINING": str(tmp_path / "h"), "W2V_CACHE_DIR": str(tmp_path)}
    assert RegistrySettings.from_env(env).hold_file == tmp_path / "h"
    assert RegistrySettings.from_env({"W2V_CACHE_DIR": str(tmp_path)}).hold_file is None


def test_the_sidebars_key_names_the_run_a_budgeted_server_stores(tmp_path):
    """A server whose worker budget is 1 trains a 2-worker choice with 1 worker; the
    sidebar's key is that run's key, so the page finds the run it asked for."""
    from dashboard.sidebar import Choice

    big = corpus_from_text(planted_text(30_000, seed=3), name="planted-big")
    registry = RunRegistry(settings(tmp_path, max_workers=1))
    asked = config(workers=2)
    choice = Choice(big, asked, worker_budget=registry.settings.worker_budget)
    unbudgeted = Choice(big, asked)
    assert choice.key != unbudgeted.key  # this corpus would train with 2 workers elsewhere
    run = train_now(registry, big, asked)
    assert run.key == choice.key
    assert registry.is_cached(choice.key)


def test_memory_is_given_back_once_the_last_training_has_ended(tmp_path, corpus, monkeypatch):
    """The collection and trim run after the last running training ends (a moment later,
    so that the pages drawing that end go first), never while another one trains."""
    from dashboard.runs import memory
    from dashboard.runs import registry as registry_module

    monkeypatch.setattr(registry_module, "RELEASE_DELAY", 0.0)
    hold = tmp_path / "release"
    registry = RunRegistry(settings(tmp_path / "runs", hold_file=hold, orphan_seconds=0))
    running_at_release: list[int] = []
    released = threading.Event()

    def release() -> bool:
        # Only this registry's releases: an earlier test's registry may still have one due.
        if threading.current_thread().name == f"w2v-release-{id(registry):x}":
            running_at_release.append(registry.counts()[0])
            released.set()
        return True

    monkeypatch.setattr(memory, "release", release)
    # two sessions' trainings (one session alone keeps a slot free for others)
    first = registry.submit(corpus, config(seed=21), owner="a").job
    second = registry.submit(corpus, config(seed=22), owner="b").job
    assert first is not None and second is not None
    wait_until(lambda: first.progress is not None and second.progress is not None)
    first.request_stop()  # ends while the second still trains (held): nothing to give back
    assert first.wait(WAIT) and second.state == TrainingJob.RUNNING
    hold.touch()
    assert second.wait(WAIT) and released.wait(WAIT)
    assert running_at_release == [0]


def test_the_allocator_takes_the_arena_limit():
    """The registry caps glibc's malloc arenas (``M_ARENA_MAX``) so that the threads of
    trainings and pages share them; on glibc ``mallopt`` accepts the limit."""
    import ctypes.util

    from dashboard.runs import memory

    if ctypes.util.find_library("c") is None or memory._TRIM is None:
        pytest.skip("not glibc")
    assert memory.limit_arenas(memory.ARENAS) is True
