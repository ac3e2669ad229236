"""Is this neighbour real? in a real browser: the quick demo's settings trained with two more
seeds from the Neighbours tab, one-seed-only neighbours drawn red, and the comparison with
another seed's run drawn as a table and a map of arrows (1280x720, as a visitor sees it)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRAIN_TIMEOUT_MS = 300_000


@pytest.fixture(scope="module")
def page(demo_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(demo_server.url)
    yield page
    page.close()


def test_check_across_seeds_and_compare_with_another_seed(page, screenshot):
    main = page.locator(".stMain")
    main.get_by_text("Showing: toy").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    page.get_by_role("tab", name="Neighbours", exact=True).click()
    main.get_by_text("Check across seeds: is this neighbour real?").click()
    main.get_by_role("button", name="Train 2 more seed(s)").click()
    # The seeds train in the shared queue with a progress table and a Stop button.
    main.get_by_text("Most and least stable").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    bars = page.locator(".st-key-nb_seed_bars_0 .js-plotly-plot")
    bars.last.wait_for()
    assert main.get_by_text("stability").count() >= 1
    screenshot(page, "neighbours-seeds.png")

    # Compare with seed 2's run (a cached run now): the table and the arrows appear.
    box = main.locator('[data-testid="stSelectbox"]').filter(has_text="Compare with").first
    box.locator("input").click()
    page.keyboard.type("seed 2")
    page.keyboard.press("Enter")
    main.get_by_text("What changed between the two runs").first.wait_for()
    page.locator(".st-key-nb_change_map .js-plotly-plot").last.wait_for()
    assert page.locator(".st-key-nb_change_map .annotation").count() >= 1  # the arrows
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "neighbours-compare.png")
