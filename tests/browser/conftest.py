"""Shared fixtures of the browser tests: Debian's Chromium and a real ``streamlit run``.

The server and browser helpers live in :mod:`benchmarks.load` (the load benchmark
starts the same server the same way).  Browser tests are skipped only when no Chromium
can be found and ``CI`` is not set; in CI a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.load import CHROMIUM_ARGS, StreamlitServer, find_chromium


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of the system Chromium (skip, or fail in CI, if there is none)."""
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("no Chromium found in CI: .ci/run should have installed it")
        pytest.skip("no Chromium found (install Debian's 'chromium' package to run this test)")
    return path


PATIENCE_MS = 60_000
"""How long ``expect(...)`` and every page action (click, fill, wait_for without its own
timeout) wait for their condition: a rerun on a busy 2-core machine, with the other
pytest-xdist worker training beside it, can take tens of seconds (Playwright's defaults
are 5 s and 30 s).  The tests name a timeout only when they need a longer one."""


@pytest.fixture(scope="session", autouse=True)
def _patient_expect() -> None:
    """``expect(...)`` retries until its condition holds, for up to :data:`PATIENCE_MS`."""
    from playwright.sync_api import expect

    expect.set_options(timeout=PATIENCE_MS)


class _PatientBrowser:
    """A Playwright browser whose new pages wait :data:`PATIENCE_MS` by default."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        page.set_default_timeout(PATIENCE_MS)
        return page

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.fixture(scope="module")
def browser(chromium) -> Iterator:
    """One headless Chromium for the module (pages come from ``browser.new_page``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield _PatientBrowser(browser)
        finally:
            browser.close()


@pytest.fixture
def screenshot(tmp_path) -> Callable[..., Path]:
    """``screenshot(page, name)``: a full-page screenshot in the test's temporary
    directory, and in ``$W2V_ARTIFACTS`` if that is set."""

    def take(page, name: str) -> Path:
        path = tmp_path / name
        page.screenshot(path=str(path), full_page=True)
        artifacts = os.environ.get("W2V_ARTIFACTS")
        if artifacts:
            target = Path(artifacts)
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target / name)
        return path

    return take


@pytest.fixture(scope="module")
def server_factory(tmp_path_factory, chromium) -> Iterator[Callable[..., StreamlitServer]]:
    """Start a server with extra environment variables; stopped after the module."""
    servers: list[StreamlitServer] = []

    def start(**env: str) -> StreamlitServer:
        work = tmp_path_factory.mktemp("server")
        server = StreamlitServer(work, env={"W2V_CACHE_DIR": str(work / "cache"), **env})
        try:
            server.start()
        except RuntimeError as error:
            pytest.fail(str(error))
        servers.append(server)
        return server

    yield start
    _stop_all(servers)


#: Servers shared by the whole browser run, stopped after its last test (see below).
_SHARED: list[StreamlitServer] = []


def _shared_server(tmp_path_factory, name: str, **env: str) -> StreamlitServer:
    """Start a server for the whole browser run (stopped after its last test)."""
    work = tmp_path_factory.mktemp(name)
    server = StreamlitServer(work, env={"W2V_CACHE_DIR": str(work / "cache"), **env})
    try:
        server.start()
    except RuntimeError as error:
        pytest.fail(str(error))
    _SHARED.append(server)
    return server


@pytest.fixture(scope="session")
def demo_hold(tmp_path_factory) -> Path:
    """The demo server's ``W2V_HOLD_TRAINING`` file.  It exists, so trainings run; a test
    that needs a training surely running removes it (trainings then pause at their first
    progress report until it exists again, or until Stop) and must put it back."""
    path = tmp_path_factory.mktemp("demo-hold") / "release"
    path.touch()
    return path


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory, chromium, demo_hold) -> Iterator[StreamlitServer]:
    """One server whose first visitor trains the quick demo (later visitors get it from
    the cache), shared by the browser tests that only need a trained demo to look at.

    Each such test opens its own page, that is its own Streamlit session: what one
    types or picks does not reach another.  What they share is the server's run
    registry (the demo is trained once, not once per module) and its one-off
    preparations (UMAP's compile).  Tests that need a cold server (first sight, the
    eager clicks during the first training) still start their own."""
    server = _shared_server(
        tmp_path_factory, "demo-server", W2V_AUTOTRAIN="1", W2V_HOLD_TRAINING=str(demo_hold)
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def plain_server(tmp_path_factory, chromium) -> Iterator[StreamlitServer]:
    """One server that trains nothing on arrival (``W2V_AUTOTRAIN=0``), shared by the
    tests that train or open what they need themselves (How it learns, hostile input),
    each in a page of its own."""
    server = _shared_server(tmp_path_factory, "plain-server", W2V_AUTOTRAIN="0")
    yield server
    server.stop()


def pytest_runtest_teardown(item, nextitem) -> None:
    """After the last browser test, stop the shared servers: the rest of the suite should
    not run beside idle Streamlit processes (their file watchers, their memory)."""
    if not _SHARED:
        return
    here = Path(__file__).parent
    items = item.session.items
    later = items[items.index(item) + 1 :] if item in items else []
    if not any(here in Path(other.path).parents for other in later):
        _stop_all(_SHARED)


def _stop_all(servers: list[StreamlitServer]) -> None:
    """Stop the servers side by side: each can take seconds to shut down, mostly waiting."""
    with ThreadPoolExecutor(max(1, len(servers))) as pool:
        list(pool.map(StreamlitServer.stop, servers))
