"""The "How it learns" tab in a real browser at 1280×720: every stage draws, nothing is cut off.

Walks through the five stages of one step and a short Play, and checks in each that the
plane and the loss chart render, no formula is wider than its column (KaTeX would cut
it off behind a scroll bar), and no exception reached the page.  Screenshots of every
stage go to the test's temporary directory (and ``$W2V_ARTIFACTS`` if set).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from waits import keep_still

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STAGES = ("the pair", "the negatives", "scores and loss", "errors and gradients", "the update")

#: Formulas wider than their box: KaTeX's display box shrinks to its formula and scrolls
#: (cutting it off) when the column is narrower; 4 px of slack for italic overhangs.
OVERFLOWING = """() => [...document.querySelectorAll('.katex-display')]
    .filter(e => e.scrollWidth > e.clientWidth + 4)
    .map(e => `${e.scrollWidth}px in ${e.clientWidth}px: ${e.textContent.slice(0, 50)}`)"""


@pytest.fixture(scope="module")
def page(plain_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(plain_server.url)
    page.get_by_role("tab", name="How it learns").click(timeout=120_000)
    yield page
    page.close()


def settled(page) -> None:
    """Wait until the rerun is over: no element of the previous run is left (stale)."""
    page.wait_for_function("() => document.querySelectorAll('[data-stale=\"true\"]').length === 0")
    keep_still(page)  # KaTeX and Plotly lay out after the elements arrive


def check_stage(page, number: int) -> None:
    page.get_by_text(f"Step 1 · stage {number} of 5: {STAGES[number - 1]}").first.wait_for()
    settled(page)
    page.locator(".st-key-learn_plane .js-plotly-plot").first.wait_for()
    page.locator(".st-key-learn_strip .js-plotly-plot").first.wait_for()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    assert page.evaluate(OVERFLOWING) == []


def test_every_stage_draws_and_fits(page, screenshot):
    check_stage(page, 1)
    screenshot(page, "learn-stage1.png")
    for number in range(2, 6):
        page.get_by_role("button", name="Next ▸").click()
        check_stage(page, number)
        if number == 2:
            page.locator(".st-key-learn_noise .js-plotly-plot").first.wait_for()
        screenshot(page, f"learn-stage{number}.png")
    # Arrows in stage 4 and 5 are Plotly annotations with arrowheads.
    assert page.locator(".st-key-learn_plane .annotation-arrow-g").count() >= 2


def test_play_takes_the_steps(page, screenshot):
    page.get_by_label("steps", exact=True).fill("20")
    page.get_by_label("steps", exact=True).press("Enter")
    page.get_by_label("speed", exact=True).click()
    page.get_by_text("instant", exact=True).last.click()
    page.get_by_role("button", name="Play ▸▸").click()
    page.get_by_text("Step 21 · stage 5 of 5").first.wait_for()
    settled(page)
    page.locator(".st-key-learn_loss .js-plotly-plot").first.wait_for()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    assert page.evaluate(OVERFLOWING) == []
    screenshot(page, "learn-played.png")


#: Elements of the previous run still on the page (greyed out), that take up room.
GREYED = """() => [...document.querySelectorAll('[data-stale="true"]')]
    .filter(e => e.getBoundingClientRect().height > 0).length"""


def test_play_leaves_no_greyed_out_stage_under_the_animation(page):
    settled(page)
    # 30 steps: at least 3 s of frames at 10 a second, each frame a moment at which the
    # page can be seen clean (the old page had none in the whole animation, however long;
    # 80 steps took over 20 s of a busy suite)
    page.get_by_label("steps", exact=True).fill("30")
    page.get_by_label("steps", exact=True).press("Enter")
    settled(page)
    page.get_by_label("speed", exact=True).click()
    page.get_by_text("fast (10 per second)", exact=True).last.click()
    settled(page)
    page.get_by_role("button", name="Play ▸▸").click()
    # while it plays, the previous stage is gone, not greyed out beneath the frames
    page.get_by_text("Playing: step").first.wait_for()
    # A rerun greys what it has not redrawn yet for a moment: wait for an instant at which
    # the page is clean while a frame of the animation is on it (one condition, checked in
    # the browser). The old page kept the previous stage greyed out under the frames for
    # the whole animation, so no such instant came.
    page.wait_for_function(
        f"() => ({GREYED})() === 0 && document.body.innerText.includes('Playing: step')"
    )
    assert page.locator("h3").filter(has_text="· stage").count() == 0  # no stage under it
    page.get_by_text("stage 5 of 5").first.wait_for(timeout=120_000)
    settled(page)


def test_presentation_mode_enlarges_dropdowns_and_labels(page):
    def px(selector: str) -> float:
        return page.evaluate(
            "(s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)", selector
        )

    value = ".st-key-learn_speed input"  # the dropdown's value (a combobox input)
    label = ".st-key-learn_speed [data-testid='stWidgetLabel'] p"
    before = px(value), px(label)
    page.get_by_text("Presentation mode").click()
    page.locator("[data-testid='stSidebar']").wait_for(state="hidden")
    settled(page)
    after = px(value), px(label)
    assert after[0] >= 18 and after[1] >= 18, (before, after)  # about 13-14 px before
    page.get_by_text("Presentation mode").click()
    page.locator("[data-testid='stSidebar']").wait_for(state="visible")
