"""A full visit of every tab in a real browser: what a user typed survives visiting the
other tabs (issue 8, one state policy), and the page asks nothing of any server but the
app's own (issue 15, item 4: offline, the tab keeps its icon and no third party learns
that someone opened the app)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from waits import open_tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRAIN_TIMEOUT_MS = 180_000
TABS = ["Training", "Neighbours", "Analogies", "Map", "Evaluate", "Export / import"]
#: What a user types in each tab: (tab, widget key, text).
TYPED = [
    ("Neighbours", "nb_words", "queen, puppy"),
    ("Analogies", "an_a", "france"),
    ("Analogies", "an_b", "paris"),
    ("Analogies", "an_c", "italy"),
    ("Analogies", "odd_words", "dog cat puppy king"),
    ("Map", "map_query", "rome"),
]
#: What a user picks: (tab, radio key, option label).
PICKED = [("Analogies", "an_method", "3CosMul"), ("Map", "map_method", "PCA")]


@pytest.fixture(scope="module")
def server(demo_server):
    """The shared server with the demo trained (this test's page is its own session)."""
    return demo_server


def settle(page) -> None:
    page.wait_for_timeout(400)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")


def has_typed(page, key: str, text: str) -> bool:
    """The box shows ``text`` (within 10 s: the page redraws a tab in steps)."""
    from playwright.sync_api import expect

    try:
        expect(page.locator(f".st-key-{key} input")).to_have_value(text, timeout=10_000)
    except AssertionError:
        return False
    return True


def picked_label(page, key: str) -> str:
    checked = page.locator(f".st-key-{key} input[type='radio']:checked")
    return checked.evaluate("e => e.closest('label').innerText").strip()


def test_inputs_survive_every_tab_and_nothing_is_fetched_from_elsewhere(
    server, browser, screenshot
):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda socket: requests.append(socket.url))
    try:
        page.goto(server.url)
        page.locator(".stMain").get_by_text("Showing: toy").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
        settle(page)
        screenshot(page, "visit-training.png")
        for tab, key, text in TYPED:
            open_tab(page, tab)
            box = page.locator(f".st-key-{key} input")
            box.fill(text)
            box.press("Enter")
            settle(page)
        for tab, key, label in PICKED:
            open_tab(page, tab)
            page.locator(f".st-key-{key}").get_by_text(label).click()
            settle(page)
        for tab in ["Evaluate", "Training", "Export / import", "Map", "Neighbours", "Training"]:
            open_tab(page, tab)
            screenshot(page, f"visit-{tab.split()[0].lower()}.png")
        for tab, key, text in TYPED:
            open_tab(page, tab)
            shown = page.locator(f".st-key-{key} input")
            assert has_typed(page, key, text), (tab, key, shown.input_value())
        for tab, key, label in PICKED:
            open_tab(page, tab)
            assert picked_label(page, key).startswith(label), (tab, key)
        open_tab(page, "Analogies")
        page.get_by_text("france is to paris as italy is to: rome").first.wait_for()
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
    finally:
        page.close()

    own = urlsplit(server.url).netloc
    elsewhere = [
        url
        for url in requests
        if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).netloc != own
    ]
    assert requests and not elsewhere, sorted(set(elsewhere))
