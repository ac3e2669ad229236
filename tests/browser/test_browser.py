"""The dashboard in a real browser: ``streamlit run`` on a free port, driven by Playwright
in Debian's Chromium.

Trains the quick demo (the app does it on open), checks that the loss chart and the map
render, trains the Quality preset and stops it, and saves screenshots (to the test's
temporary directory, and to ``$W2V_ARTIFACTS`` if set).  Skipped only when no Chromium
can be found and ``CI`` is not set; in CI a missing browser is a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRAIN_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def hold(demo_hold) -> Iterator[Path]:
    """While this file is missing, the server's trainings pause at their first progress
    report (``W2V_HOLD_TRAINING``); it exists at first, so the quick demo trains.  Put
    back afterwards: the server is shared with the later browser tests."""
    yield demo_hold
    demo_hold.touch()


@pytest.fixture(scope="module")
def server(demo_server, hold) -> str:
    """The shared ``streamlit run dashboard/app.py`` that trains the quick demo on open
    (:func:`conftest.demo_server`; this module's page is a session of its own).  The
    first browser module to run, so on a full run it is this page that trains it."""
    return demo_server.url


@pytest.fixture(scope="module")
def page(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(server)
    yield page
    page.close()


def test_quick_demo_trains_and_shows_the_loss_chart_and_the_map(page, screenshot):
    main = page.locator(".stMain")
    # The app trains the quick demo on open (the Overview shows it); the Training tab
    # then has the two loss charts.
    page.locator(".st-key-overview_map .js-plotly-plot").last.wait_for(timeout=TRAIN_TIMEOUT_MS)
    page.get_by_role("tab", name="Training").click()
    page.locator(".st-key-loss_epochs .js-plotly-plot").last.wait_for(timeout=TRAIN_TIMEOUT_MS)
    expect(page.locator(".st-key-loss_steps .js-plotly-plot")).to_have_count(1)
    expect(main.get_by_text("Showing: toy")).to_have_count(1)
    screenshot(page, "dashboard-training.png")

    page.get_by_role("tab", name="Map").click()
    page.locator(".st-key-map_chart .js-plotly-plot").last.wait_for()
    assert main.locator(".js-plotly-plot").count() >= 2  # the map and the training replay
    screenshot(page, "dashboard-map.png")

    page.get_by_role("tab", name="Analogies").click()
    main.get_by_text("man is to king as woman is to: queen").first.wait_for()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def test_training_shows_progress_and_stop_keeps_the_partial_model(page, screenshot, hold):
    page.get_by_role("tab", name="Training").click()
    page.locator(".stSidebar").get_by_text("Quality", exact=True).click()
    page.get_by_text("116 early English Wikipedia articles").first.wait_for()
    # Let the rerun finish (the sliders show the preset) before clicking again.
    epochs = page.locator(".st-key-hp_epochs [data-testid='stSliderThumbValue']")
    epochs.get_by_text("10", exact=True).first.wait_for()
    hold.unlink()  # the training pauses at its first report: Stop surely finds it running
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("words/s").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    screenshot(page, "dashboard-progress.png")
    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_text("Training was stopped").first.wait_for()
    main = page.locator(".stMain")
    # The notice can come a redraw before the caption: wait for the stopped run to be shown.
    main.get_by_text("Showing: wiki: dim 100").first.wait_for()
    main.get_by_text("(stopped)").first.wait_for()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, "dashboard-stopped.png")
