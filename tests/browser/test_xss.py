"""Words are text, never markup: HTML and Markdown in corpora and files stay inert.

A real ``streamlit run`` server and Debian's Chromium.  A pasted corpus full of
``<script>alert(1)</script>`` and ``<img src=x onerror=alert(1)>`` is trained; then a
word2vec file whose *words are* such strings (and whose file name is one) is imported
and explored in the Neighbours, Analogies and Map tabs.  Each string must appear
literally in the tables, the chart labels, the map's labels and its hover box; no
JavaScript dialog may open and no injected element (an ``<img onerror>``, a
``<script>``, a bold ``<b>``, a ``javascript:`` link) may exist in the page.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT_MS = 60_000
HOSTILE = [
    "<script>alert(1)</script>",
    "<img/src=x/onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<b>bold</b>",
    "[click](javascript:alert(1))",
]
FRUIT = ["apple", "pear", "plum"]
TOOLS = ["hammer", "saw", "drill"]
FILE_NAME = "<img src=x onerror=alert(1)> **bold** [click](javascript:alert(1)).txt"
PASTED = "\n".join(
    [
        "<script>alert(1)</script> the cat sat on the mat <img src=x onerror=alert(1)>",
        "a dog and a cat <b>bold</b> [click](javascript:alert(1)) on the mat",
    ]
    * 200
)
#: Elements that only exist if a word was turned into markup somewhere.
INJECTED = """() => {
    const found = [];
    for (const el of document.querySelectorAll("[onerror], [onload], img[src='x']")) {
        found.push(el.outerHTML.slice(0, 120));
    }
    for (const el of document.scripts) {
        if (el.textContent.includes("alert(1)")) found.push("script: " + el.textContent);
    }
    for (const el of document.querySelectorAll("b, strong, tspan")) {
        if (el.textContent === "bold") found.push("bold: " + el.outerHTML.slice(0, 120));
    }
    for (const el of document.querySelectorAll("a")) {
        const href = (el.getAttribute("href") || "").toLowerCase();
        if (href.startsWith("javascript")) found.push("link: " + el.outerHTML.slice(0, 120));
    }
    return found;
}"""


def word2vec_text() -> bytes:
    """Hostile words and fruit close together, tools apart (8 dimensions)."""
    rng = np.random.default_rng(0)
    words = HOSTILE + FRUIT + TOOLS
    lines = [f"{len(words)} 8"]
    for word in words:
        vector = 0.1 * rng.standard_normal(8)
        vector[1 if word in TOOLS else 0] += 1.0
        lines.append(word + " " + " ".join(f"{x:.5f}" for x in vector))
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def dialogs() -> list[str]:
    return []


@pytest.fixture(scope="module")
def page(plain_server, browser, dialogs):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})

    def dismiss(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(plain_server.url)
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=TIMEOUT_MS)
    yield page
    page.close()


def assert_inert(page, dialogs: list[str]) -> None:
    assert dialogs == [], f"a JavaScript dialog opened: {dialogs}"
    assert page.evaluate(INJECTED) == []
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def texts_of(locator) -> list[str]:
    """The text of each matching element (SVG and hidden ones included), as displayed."""
    return locator.evaluate_all("els => els.map(e => e.textContent)")


def text_of(locator) -> str:
    return " ".join(texts_of(locator))


def eventually(condition, describe, seconds: float = 30.0) -> None:
    """Wait until ``condition()`` holds (the page redraws in steps); fail with
    ``describe()`` otherwise."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, describe()
        time.sleep(0.1)


def cells(scope) -> list[str]:
    """The cells of the tables in ``scope`` (Streamlit draws tables on a canvas and
    keeps their text in an accessible grid, which is what a screen reader gets)."""
    grid = scope.locator("[data-testid='stDataFrame'] [role='gridcell']")
    grid.first.wait_for(state="attached", timeout=TIMEOUT_MS)
    return texts_of(grid)


def test_a_pasted_corpus_full_of_markup_trains_and_stays_inert(page, dialogs):
    sidebar = page.locator(".stSidebar")
    sidebar.get_by_text("Paste text", exact=True).click()
    area = page.locator(".st-key-paste_text textarea")
    area.fill(PASTED)
    area.press("Control+Enter")
    sidebar.get_by_text("(the vocabulary").first.wait_for(timeout=TIMEOUT_MS)
    sidebar.get_by_text("Most frequent words").click()
    assert {"script", "alert", "img"} <= set(cells(sidebar))
    page.get_by_role("button", name="Train", exact=True).click()
    page.locator(".stMain").get_by_text("Showing: pasted text").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("tab", name="Training").click()  # the page opens on the Overview
    page.locator(".st-key-loss_steps .js-plotly-plot").last.wait_for(timeout=TIMEOUT_MS)
    assert_inert(page, dialogs)


def test_imported_words_show_literally_in_the_neighbours_table_and_chart(page, dialogs):
    main = page.locator(".stMain")
    page.get_by_role("tab", name="Export / import").click()
    page.locator(".st-key-import_file input[type=file]").set_input_files(
        files=[{"name": FILE_NAME, "mimeType": "text/plain", "buffer": word2vec_text()}]
    )
    main.get_by_text(f"Showing: {FILE_NAME} (imported)", exact=True).first.wait_for(
        timeout=TIMEOUT_MS
    )

    page.get_by_role("tab", name="Neighbours").click()
    box = main.locator(".st-key-nb_words input")
    box.fill(HOSTILE[0])
    box.press("Enter")
    main.get_by_text(f"Nearest words to: {HOSTILE[0]}", exact=True).first.wait_for(
        timeout=TIMEOUT_MS
    )
    # .last: right after a rerun the old chart may still be in the page for a moment.
    chart = main.locator(".st-key-nb_bars_0 .js-plotly-plot").last
    chart.wait_for(timeout=TIMEOUT_MS)
    eventually(lambda: set(HOSTILE[1:]) <= set(cells(main)), lambda: cells(main))
    title = f"Closest to '{HOSTILE[0]}'"
    eventually(lambda: title in text_of(chart.locator("text")), lambda: text_of(chart))
    labels = text_of(chart.locator("text"))
    for word in HOSTILE[1:]:
        assert word in labels, f"{word!r} not shown in the chart: {labels}"
    assert_inert(page, dialogs)


def test_analogy_answers_and_chart_show_words_literally(page, dialogs):
    main = page.locator(".stMain")
    page.get_by_role("tab", name="Analogies").click()
    for key, word in (("an_a", TOOLS[0]), ("an_b", HOSTILE[0]), ("an_c", TOOLS[1])):
        field = main.locator(f".st-key-{key} input")
        field.fill(word)
        field.press("Enter")
    expected = f"{TOOLS[0]} is to {HOSTILE[0]} as {TOOLS[1]} is to: "
    main.get_by_text(expected).first.wait_for(timeout=TIMEOUT_MS)
    # .last: right after a rerun the old chart may still be in the page for a moment.
    chart = main.locator(".st-key-an_bars .js-plotly-plot").last
    chart.wait_for(timeout=TIMEOUT_MS)
    title = f"{TOOLS[0]} : {HOSTILE[0]} :: {TOOLS[1]} : ?"
    eventually(lambda: title in text_of(chart.locator("text")), lambda: text_of(chart))
    labels = text_of(chart.locator("text"))
    shown = [word for word in HOSTILE[1:] if word in labels]
    assert len(shown) >= 3, labels  # the answers: the other hostile words and fruit
    eventually(lambda: set(shown) <= set(cells(main)), lambda: cells(main))
    assert_inert(page, dialogs)


def test_map_labels_and_hover_show_words_literally(page, dialogs):
    main = page.locator(".stMain")
    page.get_by_role("tab", name="Map").click()
    query = main.locator(".st-key-map_query input")
    query.wait_for(timeout=TIMEOUT_MS)
    query.fill(HOSTILE[1])
    query.press("Enter")
    main.get_by_text("Nearest neighbours of").first.wait_for(timeout=TIMEOUT_MS)
    # .last: right after a rerun the old chart may still be in the page for a moment.
    chart = main.locator(".st-key-map_chart .js-plotly-plot").last
    chart.wait_for(timeout=TIMEOUT_MS)
    # A label sits beside its dot, or (crowded highlighted words) in a callout annotation.
    labels = chart.locator(".textpoint, .annotation-text")
    eventually(
        lambda: all(word in text_of(labels) for word in HOSTILE),
        lambda: f"not all labelled on the map: {text_of(labels)}",
    )

    # Hover the first point of trace 1: its hover box names its word.
    point = chart.locator(".scatterlayer .trace").nth(1).locator(".point").first
    box = point.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = chart.locator(".hoverlayer .hovertext")
    hover.first.wait_for(timeout=TIMEOUT_MS)
    hover_text = text_of(hover)
    # The traces are clusters now (the highlight is drawn over them): whichever hostile
    # word is under the pointer, its hover box must name it literally.
    assert any(word in hover_text for word in HOSTILE) and "frequency" in hover_text, hover_text
    assert_inert(page, dialogs)
