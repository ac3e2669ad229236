"""Faults: killed processes, read-only and full cache directories, damaged cache entries.

Each test simulates the fault for real where it can:

* a ``python -m w2v_core train`` and a registry training in a subprocess are SIGKILLed
  while training, in the middle of writing the model, and between the model and its
  sidecar; afterwards no ``X.npz`` (or cache entry) exists unless it is complete, and
  the next run trains cleanly;
* a read-only cache directory is really read-only: as root, the subprocess runs without
  the capabilities that let root write anywhere (``setpriv``);
* a cache entry damaged on disk is reported once in the app and retrained.
"""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import streamlit as st
from planted import planted_text
from streamlit.testing.v1 import AppTest

from dashboard.runs import LOCK_NAME, RegistrySettings, RunRegistry, TrainingJob
from w2v_core.corpus import corpus_from_text
from w2v_core.io import load_model
from w2v_core.train import TrainConfig, run_key

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
APP = str(ROOT / "dashboard" / "app.py")
LINE_TIMEOUT = 60.0
SMALL = dict(
    dim=8, window=2, negatives=3, epochs=1, min_count=1, sample=0, batch_size=256, workers=1
)
LONG = {**SMALL, "epochs": 1000}  # never finishes before the kill

#: Installed in a subprocess before it trains: print a marker at a chosen moment, then
#: either go on (``training``) or hang there until killed (the write modes).
HOOKS = textwrap.dedent(
    """
    import os, stat, sys, time
    import numpy.lib.format as npy_format
    from w2v_core.train import Trainer

    def hang(marker):
        print(marker, flush=True)
        time.sleep(600)

    mode = os.environ.get("W2V_TEST_KILL_AT", "")
    if mode == "training":
        original_report = Trainer._report
        def _report(self, *args, **kwargs):
            if not getattr(self, "_said", False):
                self._said = True
                print("TRAINING", flush=True)
            return original_report(self, *args, **kwargs)
        Trainer._report = _report
    elif mode == "partial":  # after the first array of the .npz archive is written
        original_write_array = npy_format.write_array
        def write_array(*args, **kwargs):
            original_write_array(*args, **kwargs)
            hang("WRITING")
        npy_format.write_array = write_array
    elif mode.startswith("fsync"):  # fsync-N: before the N-th file is renamed into place
        remaining = [int(mode.split("-")[1])]
        real_fsync = os.fsync
        def fsync(fd):
            if not stat.S_ISDIR(os.fstat(fd).st_mode):  # (directories are synced after renames)
                remaining[0] -= 1
                if remaining[0] == 0:
                    hang("WRITING")
            real_fsync(fd)
        os.fsync = fsync
    """
)

CLI_SCRIPT = HOOKS + textwrap.dedent(
    """
    from w2v_core.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)

REGISTRY_SCRIPT = HOOKS + textwrap.dedent(
    """
    import json
    from pathlib import Path
    from planted import planted_text
    from dashboard.runs import RegistrySettings, RunRegistry
    from w2v_core.corpus import corpus_from_text
    from w2v_core.train import TrainConfig

    cache, config = Path(sys.argv[1]), TrainConfig(**json.loads(sys.argv[2]))
    registry = RunRegistry(RegistrySettings(cache, max_concurrent=1))
    corpus = corpus_from_text(planted_text(400, seed=3), name="planted")
    job = registry.submit(corpus, config).job
    print("KEY", job.key, flush=True)
    job.wait()
    print("DONE", job.state, job.error, flush=True)
    """
)


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, **extra)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), str(TESTS), os.environ.get("PYTHONPATH")])
    )
    return env


def start(args: list[str], mode: str, prefix: list[str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [*(prefix or []), sys.executable, "-c", *args],
        cwd=ROOT,
        env=child_env(W2V_TEST_KILL_AT=mode),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _lines(process: subprocess.Popen) -> queue.Queue:
    """The child's output lines, read by a thread of their own (one per child).

    Not ``select()`` on the pipe and then ``readline()``: under load the child's KEY and
    WRITING lines arrive together, one ``readline()`` takes both into Python's buffer,
    and ``select()`` then waits for data already read, until the timeout (a flaky
    failure of this module on a busy machine)."""
    lines = getattr(process, "lines", None)
    if lines is None:
        lines = queue.Queue()

        def pump() -> None:
            try:
                for line in process.stdout:
                    lines.put(line)
            except (OSError, ValueError):  # closed by kill()
                pass
            lines.put(None)

        process.lines, process.pump = lines, threading.Thread(target=pump, daemon=True)
        process.pump.start()
    return lines


def wait_for_line(process: subprocess.Popen, marker: str) -> str:
    """Read the child's output until a line starts with ``marker``; return that line."""
    assert process.stdout is not None
    lines = _lines(process)
    deadline = time.monotonic() + LINE_TIMEOUT
    seen = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:  # the child closed its output (it ended)
            break
        seen.append(line)
        if line.startswith(marker):
            return line.strip()
    kill(process)
    pytest.fail(f"no {marker!r} from the child; its output:\n{''.join(seen)}")


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the child and its process group: no clean-up code runs."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    pump = getattr(process, "pump", None)
    if pump is not None:
        pump.join(timeout=30)  # the dead group's pipe reaches its end
    if process.stdout is not None:
        process.stdout.close()


def temp_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob(".*.tmp"))


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "planted.txt"
    path.write_text(planted_text(3000, seed=1))
    return path


# --------------------------------------------------------------------------- the CLI


def cli_args(corpus_file: Path, out: Path, config: dict) -> list[str]:
    args = ["train", str(corpus_file), "--out", str(out), "--quiet"]
    for name in (
        "dim",
        "window",
        "negatives",
        "epochs",
        "min_count",
        "sample",
        "batch_size",
        "workers",
    ):
        args += [f"--{name.replace('_', '-')}", str(config[name])]
    return args


@pytest.mark.parametrize("moment", ["training", "partial", "fsync-1"])
def test_a_killed_cli_training_leaves_no_model_and_the_rerun_succeeds(
    tmp_path, corpus_file, moment
):
    out = tmp_path / "model.npz"
    config = LONG if moment == "training" else SMALL
    process = start([CLI_SCRIPT, *cli_args(corpus_file, out, config)], moment)
    wait_for_line(process, "TRAINING" if moment == "training" else "WRITING")
    if moment != "training":
        assert temp_files(tmp_path), "the hook should have stopped in the middle of the write"
    kill(process)

    assert not out.exists(), "a killed run left a model file behind"
    leftovers = temp_files(tmp_path)
    # Killed mid-write, a hidden temporary file may remain; it is never the model.
    assert all(name.startswith(".model.npz.") for name in leftovers), leftovers

    done = subprocess.run(
        [sys.executable, "-m", "w2v_core", *cli_args(corpus_file, out, SMALL)],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert load_model(out).config == TrainConfig(**SMALL)
    # ... and the rerun removed what the killed writer left behind.
    assert temp_files(tmp_path) == []


# --------------------------------------------------------------------------- the registry


@pytest.fixture(scope="module")
def planted_corpus():
    return corpus_from_text(planted_text(400, seed=3), name="planted")


@pytest.mark.parametrize("moment", ["training", "partial", "fsync-1", "fsync-2"])
def test_a_killed_registry_training_leaves_no_half_written_entry(tmp_path, planted_corpus, moment):
    cache = tmp_path / "runs"
    config = LONG if moment == "training" else SMALL
    process = start([REGISTRY_SCRIPT, str(cache), json.dumps(config)], moment)
    key = wait_for_line(process, "KEY").split()[1]
    assert key == run_key(planted_corpus.fingerprint, TrainConfig(**config))
    wait_for_line(process, "TRAINING" if moment == "training" else "WRITING")
    kill(process)

    model, sidecar = cache / f"{key}.npz", cache / f"{key}.json"
    if moment == "fsync-2":  # killed between the model and its sidecar
        assert model.is_file() and not sidecar.exists()
    else:
        assert not model.exists() and not sidecar.exists()
    if moment != "training":
        assert temp_files(cache), "the hook should have stopped in the middle of a write"

    registry = RunRegistry(RegistrySettings(cache, max_concurrent=1))  # the next start
    assert temp_files(cache) == []  # nothing half-written survives a restart
    submission = registry.submit(planted_corpus, TrainConfig(**config))
    if moment == "fsync-2":
        # The model was complete: it is used as it is, and its sidecar is written again.
        assert submission.run is not None and submission.warning is None
        assert sidecar.is_file()
    else:
        job = submission.job
        assert job is not None and submission.warning is None
        if moment == "training":  # 1000 epochs: stop after the first steps
            deadline = time.monotonic() + 60  # (a stop before the first step cancels)
            while job.progress is None and time.monotonic() < deadline:
                time.sleep(0.01)
            job.request_stop()
        assert job.wait(60) and job.state == TrainingJob.DONE, job.error
        assert load_model(model).config == TrainConfig(**config)
    names = {p.name for p in cache.iterdir()}
    assert names == {model.name, sidecar.name, LOCK_NAME}
    registry.close()


# --------------------------------------------------------------------------- read-only


RO_SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path
    from planted import planted_text
    from dashboard.runs import RegistrySettings, RunRegistry
    from w2v_core.corpus import corpus_from_text
    from w2v_core.train import TrainConfig

    cache, when = Path(sys.argv[1]), sys.argv[2]
    if when == "at start":
        os.chmod(cache, 0o555)
    registry = RunRegistry(RegistrySettings(cache))
    problem_at_start = registry.disk_problem
    if when == "later":
        os.chmod(cache, 0o555)
    corpus = corpus_from_text(planted_text(400, seed=3), name="planted")
    job = registry.submit(corpus, TrainConfig(dim=8, epochs=1, min_count=1)).job
    job.wait(60)
    again, warning = registry.fetch(job.key)
    print(json.dumps({
        "state": job.state,
        "problem_at_start": problem_at_start,
        "problem": registry.disk_problem,
        "in_memory": again is job.run,
        "files": sorted(p.name for p in cache.iterdir()),
    }))
    """
)


def unprivileged() -> list[str]:
    """A command prefix that makes root subject to file permissions (empty otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root can write to read-only directories")
    drop = "-dac_override,-dac_read_search,-fowner,-linux_immutable"
    return [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}"]


@pytest.mark.parametrize("when", ["at start", "later"])
def test_a_read_only_cache_directory_keeps_training_in_memory(tmp_path, when):
    cache = tmp_path / "runs"
    cache.mkdir()
    try:
        process = start([RO_SCRIPT, str(cache), when], "", prefix=unprivileged())
        output, _ = process.communicate(timeout=120)
    finally:
        os.chmod(cache, 0o755)  # let pytest clean up
    assert process.returncode == 0, output
    report = json.loads(output.strip().splitlines()[-1])
    assert report["state"] == TrainingJob.DONE and report["in_memory"]
    assert "cannot be written" in report["problem"] and "memory" in report["problem"]
    assert "W2V_CACHE_DIR" in report["problem"]
    if when == "at start":
        assert report["problem_at_start"] == report["problem"]
    else:
        assert report["problem_at_start"] is None and "ermission denied" in report["problem"]
    assert [name for name in report["files"] if name != LOCK_NAME] == []


# --------------------------------------------------------------------------- in the app


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("W2V_AUTOTRAIN", "0")
    st.cache_resource.clear()
    yield tmp_path
    st.cache_resource.clear()


def paste(at: AppTest) -> None:
    """Paste a small corpus and choose small settings (no click)."""
    at.radio(key="corpus_source").set_value("paste").run()
    at.text_area(key="paste_text").input(planted_text(400, seed=5)).run()
    for key, value in {"hp_dim": 10, "hp_epochs": 1, "hp_min_count": 2}.items():
        at.slider(key=key).set_value(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def paste_and_train(at: AppTest) -> None:
    paste(at)
    at.button(key="train").click().run()
    assert not at.exception, [e.value for e in at.exception]


def warnings_of(at: AppTest) -> list[str]:
    return [str(w.value) for w in at.warning]


def test_a_disk_that_fills_up_is_reported_once_and_the_app_keeps_working(app_env, monkeypatch):
    def full_disk(model, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("dashboard.runs.cache.save_model", full_disk)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not any("memory only" in w for w in warnings_of(at))
    paste_and_train(at)
    key = at.session_state["active"]
    assert key is not None
    shown = [w for w in warnings_of(at) if "memory only" in w]
    assert len(shown) == 1 and "No space left" in shown[0]
    at.session_state["tab"] = "Neighbours"
    at.run()
    assert not at.exception and at.main.dataframe  # still explorable, from memory
    assert not any("memory only" in w for w in warnings_of(at))  # said once
    assert not list((app_env / "cache" / "runs").glob("*.npz"))


def test_a_truncated_cache_entry_is_removed_reported_and_retrained_in_the_app(app_env):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    paste_and_train(at)
    key = at.session_state["active"]
    model = app_env / "cache" / "runs" / f"{key}.npz"
    model.write_bytes(model.read_bytes()[: model.stat().st_size // 3])
    st.cache_resource.clear()  # a server restart: the truncated file is all there is

    again = AppTest.from_file(APP, default_timeout=120)
    again.run()
    paste(again)  # choosing the settings finds the damaged entry and trains it again
    assert [w for w in warnings_of(again) if "damaged" in w]
    assert again.session_state["active"] == key
    assert load_model(model).config.dim == 10


def test_any_error_while_reading_a_cache_entry_counts_as_damage(tmp_path, monkeypatch):
    corpus = corpus_from_text(planted_text(400, seed=3), name="planted")
    registry = RunRegistry(RegistrySettings(tmp_path))
    job = registry.submit(corpus, TrainConfig(**SMALL)).job
    assert job.wait(60) and job.state == TrainingJob.DONE

    def broken_reader(path):
        raise RuntimeError("a reader bug")

    monkeypatch.setattr("dashboard.runs.cache.load_model", broken_reader)
    restarted = RunRegistry(RegistrySettings(tmp_path))
    run, warning = restarted.fetch(job.key)
    assert run is None and "damaged" in warning and "a reader bug" in warning
    assert not (tmp_path / f"{job.key}.npz").exists()


def test_two_lines_written_at_once_are_both_seen():
    """The children's markers can arrive in one write (KEY, then WRITING at once, on a
    busy machine); the second must not wait for data the first read already took."""
    # One write of both lines, then the child waits for the kill (signal.pause).
    code = (
        "import signal, sys; sys.stdout.write('KEY 1\\nWRITING\\n'); sys.stdout.flush(); "
        "signal.pause()"
    )
    process = start([code], "")
    # Both lines are in the pipe before the first read: the pipe is readable once the
    # one write has landed (nothing has read from it yet, so select() sees it all).
    readable, _, _ = select.select([process.stdout], [], [], LINE_TIMEOUT)
    assert readable and process.poll() is None
    assert wait_for_line(process, "KEY") == "KEY 1"
    assert wait_for_line(process, "WRITING") == "WRITING"
    kill(process)
