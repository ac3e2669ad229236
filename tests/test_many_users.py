"""Many users on one server: two sessions asking for the same configuration share one
training and watch the same progress, in the real app (Streamlit's AppTest, two sessions
in one process, as a server has).

The registry-level guarantees (one job per key, bounded concurrency with queue positions,
LRU memory and disk caches) are tested in ``test_runs.py``; ``benchmarks/load.py`` checks
them with real browsers.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest
import streamlit as st
from planted import planted_text
from streamlit.runtime import Runtime
from streamlit.testing.v1 import AppTest

from dashboard import progress
from w2v_core.train import Trainer

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
TEXT = planted_text(800, seed=11)
SETTINGS = {"hp_dim": 10, "hp_epochs": 2, "hp_min_count": 2, "hp_window": 3}
WAIT = 60.0


@pytest.fixture
def env(tmp_path, monkeypatch):
    # AppTest installs a mock Streamlit runtime for each run and removes it when the run
    # ends; with two sessions running at once, one would remove the other's.  Keep the
    # last one available instead (a real server has one runtime for all sessions).
    last: list = []

    def instance(cls):
        if cls._instance is not None:
            last[:] = [cls._instance]
            return cls._instance
        if last:
            return last[0]
        raise RuntimeError("Runtime hasn't been created!")

    monkeypatch.setattr(Runtime, "instance", classmethod(instance))
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("W2V_AUTOTRAIN", "0")
    monkeypatch.setenv("W2V_MAX_CONCURRENT_TRAININGS", "2")
    st.cache_resource.clear()  # a fresh server: its registry uses the patched trainer
    yield tmp_path
    st.cache_resource.clear()


def choose(at: AppTest) -> None:
    """Paste the corpus and choose the settings."""
    at.radio(key="corpus_source").set_value("paste").run()
    at.text_area(key="paste_text").input(TEXT).run()
    for key, value in SETTINGS.items():
        at.slider(key=key).set_value(value)


def test_two_sessions_asking_for_the_same_configuration_share_one_training(
    env, monkeypatch, caplog
):
    gate = threading.Event()
    watchers: list = []  # (session, job) for each progress panel drawn
    real_watch = progress.watch_job

    class GatedTrainer(Trainer):
        """Trains only once the gate opens: the job stays running until then."""

        def run(self, callback=None):
            gate.wait(WAIT)
            return super().run(callback)

    def watch_job(job, registry, panel, *args, **kwargs):
        watchers.append((threading.current_thread().name, job))
        if len(watchers) == 2:
            gate.set()  # the second session is watching: let the training go on
        return real_watch(job, registry, panel, *args, **kwargs)

    monkeypatch.setattr("dashboard.runs.registry.Trainer", GatedTrainer)
    monkeypatch.setattr(progress, "watch_job", watch_job)
    caplog.set_level(logging.INFO, logger="dashboard")

    first = AppTest.from_file(APP, default_timeout=WAIT * 2)
    first.run()
    choose(first)
    first.run()
    errors: list[BaseException] = []

    def click() -> None:
        try:
            first.button(key="train").click().run()  # returns when training is done
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    clicking = threading.Thread(target=click, name="first-session")
    clicking.start()
    deadline = time.monotonic() + WAIT
    while not watchers:
        assert time.monotonic() < deadline and clicking.is_alive(), "no progress shown"
        time.sleep(0.01)

    second = AppTest.from_file(APP, default_timeout=WAIT * 2)  # another browser
    second.run()
    choose(second)
    second.run()  # the same settings: shows the running job's progress, then its run
    clicking.join(WAIT * 2)
    gate.set()
    assert not errors, errors
    assert not first.exception and not second.exception

    assert len(watchers) == 2 and watchers[0][1] is watchers[1][1]  # one job, two panels
    trainings = [r.getMessage() for r in caplog.records if "started:" in r.getMessage()]
    assert len(trainings) == 1, trainings
    key = first.session_state["active"]
    assert key is not None and key == watchers[0][1].key
    assert second.session_state["active"] == key and second.session_state["job"] is None
    assert any("Showing: pasted text" in str(c.value) for c in second.caption)


def test_a_session_beyond_the_training_slots_sees_its_place_in_the_queue(env, monkeypatch):
    monkeypatch.setenv("W2V_MAX_CONCURRENT_TRAININGS", "1")
    gate = threading.Event()
    shown: list[str] = []  # the progress line of each panel when it is first drawn
    real_watch = progress.watch_job

    class GatedTrainer(Trainer):
        def run(self, callback=None):
            gate.wait(WAIT)
            return super().run(callback)

    def watch_job(job, registry, panel, *args, **kwargs):
        running = progress.running_now(registry)
        shown.append(progress.progress_text(job, registry.queue_position(job), running))
        if len(shown) == 2:
            gate.set()
        return real_watch(job, registry, panel, *args, **kwargs)

    monkeypatch.setattr("dashboard.runs.registry.Trainer", GatedTrainer)
    monkeypatch.setattr(progress, "watch_job", watch_job)

    first = AppTest.from_file(APP, default_timeout=WAIT * 2)
    first.run()
    choose(first)
    first.run()
    clicking = threading.Thread(target=lambda: first.button(key="train").click().run())
    clicking.start()
    deadline = time.monotonic() + WAIT
    while not shown:
        assert time.monotonic() < deadline and clicking.is_alive(), "no progress shown"
        time.sleep(0.01)

    second = AppTest.from_file(APP, default_timeout=WAIT * 2)
    second.run()
    choose(second)
    second.slider(key="hp_dim").set_value(20)  # another configuration: it must wait
    second.run()
    second.button(key="train").click().run()
    clicking.join(WAIT * 2)
    gate.set()
    assert not first.exception and not second.exception
    assert shown[0] == "Preparing the vocabulary..."  # the first one runs at once
    assert shown[1].startswith("Waiting for a free training slot: position 1 in the queue")
    assert "1 training running on this server now" in shown[1]
    assert first.session_state["active"] != second.session_state["active"]
    assert None not in (first.session_state["active"], second.session_state["active"])
