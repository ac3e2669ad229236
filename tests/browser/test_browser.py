"""The dashboard in a real browser: ``streamlit run`` on a free port, driven by Playwright
in Debian's Chromium.

Trains the quick demo (the app does it on open), checks that the loss chart and the map
render, trains the Quality preset and stops it, and saves screenshots (to the test's
temporary directory, and to ``$W2V_ARTIFACTS`` if set).  Skipped only when no Chromium
can be found and ``CI`` is not set; in CI a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT = 60.0
TRAIN_TIMEOUT_MS = 120_000


def find_chromium() -> str | None:
    """Debian's Chromium (or another system Chromium/Chrome), never a downloaded one."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_server(process: subprocess.Popen) -> None:
    """Terminate the server and everything it started (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("no Chromium found in CI: .ci/run should have installed it")
        pytest.skip("no Chromium found (install Debian's 'chromium' package to run this test)")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory, chromium) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` on a free port with a private cache."""
    work = tmp_path_factory.mktemp("server")
    port = free_port()
    env = dict(os.environ, W2V_CACHE_DIR=str(work / "cache"), W2V_AUTOTRAIN="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    log = open(work / "server.log", "wb")  # noqa: SIM115 - closed below
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail("streamlit exited:\n" + (work / "server.log").read_text())
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + (work / "server.log").read_text())
            time.sleep(0.25)
        yield url
    finally:
        stop_server(process)
        log.close()


@pytest.fixture(scope="module")
def page(server, chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            page.goto(server)
            yield page
        finally:
            browser.close()


def save_screenshot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    artifacts = os.environ.get("W2V_ARTIFACTS")
    if artifacts:
        target = Path(artifacts)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / name)
    return path


def test_quick_demo_trains_and_shows_the_loss_chart_and_the_map(page, tmp_path):
    main = page.locator(".stMain")
    # The app trains the quick demo on open: wait for the two loss charts.
    page.locator(".st-key-loss_epochs .js-plotly-plot").wait_for(timeout=TRAIN_TIMEOUT_MS)
    assert page.locator(".st-key-loss_steps .js-plotly-plot").count() == 1
    assert main.get_by_text("Showing: toy").count() == 1
    save_screenshot(page, tmp_path, "dashboard-training.png")

    page.get_by_role("tab", name="Map").click()
    page.locator(".st-key-map_chart .js-plotly-plot").wait_for(timeout=60_000)
    assert main.locator(".js-plotly-plot").count() >= 2  # the map and the training replay
    save_screenshot(page, tmp_path, "dashboard-map.png")

    page.get_by_role("tab", name="Analogies").click()
    main.get_by_text("man is to king as woman is to: queen").wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0


def test_training_shows_progress_and_stop_keeps_the_partial_model(page, tmp_path):
    page.get_by_role("tab", name="Training").click()
    page.locator(".stSidebar").get_by_text("Quality", exact=True).click()
    page.get_by_text("206 early English Wikipedia articles").wait_for(timeout=30_000)
    # Let the rerun finish (the sliders show the preset) before clicking again.
    epochs = page.locator(".st-key-hp_epochs [data-testid='stSliderThumbValue']")
    epochs.get_by_text("10", exact=True).wait_for(timeout=30_000)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("words/s").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    save_screenshot(page, tmp_path, "dashboard-progress.png")
    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_text("Training was stopped").wait_for(timeout=60_000)
    main = page.locator(".stMain")
    assert main.get_by_text("Showing: wiki: dim 100").count() == 1
    assert main.get_by_text("(stopped)").count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0
    save_screenshot(page, tmp_path, "dashboard-stopped.png")
