"""Nothing resets behind the user's back (issue 15, item 1), in a real browser.

A student who clicks tabs while the first training runs used to drop every sidebar
setting to its slider's minimum (dimensions 10, window 1, ...), with the preset still
reading "Quick demo": Streamlit forgets the widgets a rerun did not reach.  Here a page
clicks a tab every 0.3 s during the first run, on a cold cache (a new server each time),
and afterwards every setting must still be the preset's; the same after an upload error.

Each cold try trains the quick demo once (30-70 s on a busy 2-core machine), so the
suite makes ``W2V_EAGER_TRIES`` tries (default 1, to keep the suite under 10 minutes);
the issue's check is ``W2V_EAGER_TRIES=10 pytest tests/browser/test_state.py``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard.sidebar import PRESETS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRIES = int(os.environ.get("W2V_EAGER_TRIES", "1"))
TABS = ["Neighbours", "Analogies", "Map", "Evaluate", "Export / import", "Training"]
QUICK = PRESETS["Quick demo"]
SLIDERS = {"hp_dim": "dim", "hp_window": "window", "hp_negatives": "negatives",
           "hp_epochs": "epochs", "hp_min_count": "min-count"}  # fmt: skip
TRAIN_TIMEOUT = 180.0


def sidebar_settings(page) -> dict[str, object]:
    """What the sidebar shows: slider values, the seed, the shared checkbox, the preset."""
    values: dict[str, object] = {}
    for key in SLIDERS:
        thumb = page.locator(f".st-key-{key} [data-testid='stSliderThumbValue']")
        values[key] = int(thumb.inner_text())
    for key in ("hp_sample", "hp_alpha"):
        thumb = page.locator(f".st-key-{key} [data-testid='stSliderThumbValue']")
        values[key] = thumb.inner_text()
    values["hp_seed"] = int(page.locator(".st-key-hp_seed input").input_value())
    preset = page.locator(".st-key-preset input[type='radio']:checked")
    values["preset"] = preset.evaluate("e => e.closest('label').innerText").strip()
    return values


def expected_settings() -> dict[str, object]:
    shown = {key: QUICK[key] for key in SLIDERS}
    shown["hp_sample"] = f"{QUICK['hp_sample']:g}"
    shown["hp_alpha"] = f"{QUICK['hp_alpha']:g}"
    shown["hp_seed"] = QUICK["hp_seed"]
    shown["preset"] = "Quick demo"
    return shown


def click_tabs_until_trained(page, release: Path, clicks_held: int = 3) -> int:
    """Click the next tab every 0.3 s from the moment the tabs appear until the first
    training has finished (the "Showing:" caption); returns the number of clicks.

    The server holds its first training (``W2V_HOLD_TRAINING``) until ``release`` exists:
    the first ``clicks_held`` clicks surely land while it trains, however fast the
    machine; then it is released and the clicking goes on until it has finished."""
    page.get_by_role("tab", name="Training").wait_for()
    clicks, deadline = 0, time.monotonic() + TRAIN_TIMEOUT
    showing = page.locator(".stMain").get_by_text("Showing: toy")
    while showing.count() == 0:
        assert time.monotonic() < deadline, "the first training did not finish"
        if clicks >= clicks_held and not release.exists():
            release.touch()  # enough clicks came during the training: let it finish
        tab = page.get_by_role("tab", name=TABS[clicks % len(TABS)])
        try:
            tab.click(timeout=1_000)
            clicks += 1
        except Exception:  # a rerun redrew the tabs under the pointer: try the next one
            pass
        page.wait_for_timeout(300)
    assert release.exists(), "the held training finished before it was released"
    return clicks


def settled(page) -> None:
    """Wait until no script run is in progress (the status widget disappears)."""
    page.wait_for_timeout(500)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")


# The cause of the reset this test used to find (1 of 4 cold tries, every setting at its
# slider's minimum): a browser that mounts a slider afresh can report the slider's proto
# default before it applies the value sent through session state, and that default was
# the minimum. Widgets are now drawn with their stored value as their default too (see
# dashboard.state.widget), so such a report repeats the stored value.
@pytest.mark.parametrize("attempt", range(1, TRIES + 1))
def test_eager_tab_clicks_during_the_first_training_never_change_a_setting(
    server_factory, browser, screenshot, attempt, tmp_path
):
    release = tmp_path / f"release-{attempt}"
    # A new server (a cold cache) whose first training waits for `release`.
    server = server_factory(W2V_AUTOTRAIN="1", W2V_HOLD_TRAINING=str(release))
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(server.url)
        clicks = click_tabs_until_trained(page, release)
        assert clicks >= 3, clicks  # the clicks did come during the first training
        settled(page)
        assert sidebar_settings(page) == expected_settings()
        sidebar = page.locator(".stSidebar")
        expect(sidebar.get_by_text("Trained before"), "it was trained just now").to_have_count(0)
        expect(sidebar.get_by_text("Trained just now")).to_have_count(1)
        if attempt == 1:
            screenshot(page, "eager-clicks-settings.png")
    finally:
        page.close()
        server.stop()


def first_visit(browser, url: str):
    """A new session's page, once its demo run is shown and the page has settled."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(url)
    page.locator(".stMain").get_by_text("Showing: toy").first.wait_for(timeout=TRAIN_TIMEOUT * 1000)
    settled(page)
    return page


def test_an_upload_error_never_changes_a_setting(demo_server, browser, screenshot, tmp_path):
    page = first_visit(browser, demo_server.url)
    try:
        sidebar = page.locator(".stSidebar")
        sidebar.get_by_text("Upload .txt files").click()
        empty = tmp_path / "empty.txt"
        empty.write_bytes(b"")
        sidebar.locator("input[type='file']").set_input_files(str(empty))
        sidebar.get_by_text("This upload cannot be used").first.wait_for()
        settled(page)
        screenshot(page, "upload-error-settings.png")
        for tab in TABS:  # reruns after the error
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(300)
        sidebar.get_by_text("Built-in corpus", exact=True).click()
        # the corpus list is drawn only by a run that saw the click (the preset radio,
        # drawn before it in the same run, then follows it too); waiting only for a quiet
        # status widget could read the sidebar between two reruns on a busy machine
        sidebar.locator(".st-key-builtin").wait_for()
        settled(page)
        shown = sidebar_settings(page)
        assert shown == expected_settings()
    finally:
        page.close()


def test_a_preset_picked_after_the_first_visit_is_kept_by_the_next_change(
    demo_server, browser, screenshot
):
    """Picking Quality loads wiki (seconds); a change made before that run ended used to
    carry the sliders' old values back, so the preset was undone ("Custom", dim 50)."""
    quality = PRESETS["Quality"]
    page = first_visit(browser, demo_server.url)
    try:
        page.locator(".stSidebar").get_by_text("Quality", exact=True).click()
        settled(page)
        seed = page.locator(".st-key-hp_seed input")
        seed.fill("5")
        seed.press("Enter")
        settled(page)
        shown = sidebar_settings(page)
        screenshot(page, "preset-then-seed.png")
        assert {key: shown[key] for key in SLIDERS} == {key: quality[key] for key in SLIDERS}
        assert shown["hp_seed"] == 5 and shown["preset"] == "Custom"
    finally:
        page.close()
