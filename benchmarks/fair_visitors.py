"""Two visitors on one server: a long training from a link, and a short one beside it.

Reproduces the hostile pass's items 1 and 2 with two real Chromium contexts (two
sessions) against a real ``streamlit run``:

1. Visitor A opens the hostile pass's link (wiki, dim 300, window 15, 50 epochs,
   per-pair negatives).  It must *not* train on arrival (the page asks for a click),
   and Train is refused: over the session budget.  A then opens a link for minutes
   of training, which asks for a click too; A clicks Train and it runs.
2. Visitor B arrives and gets the demo training (toy).  Figures: seconds from B's
   arrival to its training's progress line and to its run shown, whether its page
   ever said "Waiting for a free training slot", and that A's training still runs.
3. B's sidebar shows the server queue with A's training, anonymously.
4. A presses Stop.  Figure: seconds from the click to "Training was stopped".
5. A trains again and closes its tab.  Figure: seconds from the close until the
   server queue is empty (the reaper, ``W2V_ORPHAN_SECONDS``).
6. Server memory: resident set before any training, at its peak, and after all
   trainings ended.

Usage::

    python -m benchmarks.fair_visitors     # prints and writes results/fair_visitors.json
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load import CHROMIUM_ARGS, StreamlitServer, _status_kb, find_chromium

TIMEOUT_MS = 240_000
#: The hostile pass's link: hours of training on a shared server (over the session budget).
HUGE_LINK = "?corpus=wiki&dim=300&window=15&neg=5&epochs=50&min_count=1&shared=0&seed=301"
#: Minutes of training: over the 2-minute confirmation threshold, under the budget.
LONG_LINK = "?corpus=wiki&dim=100&window=5&neg=5&epochs=5&min_count=5&shared=0&seed=302"
RUNNING = re.compile(r"Epoch \d+ of \d+ · \d+% · [\d,]+ words/s")
ORPHAN_SECONDS = 5
OUT = Path(__file__).parent / "results" / "fair_visitors.json"


def _settle(page) -> None:
    page.wait_for_timeout(300)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=TIMEOUT_MS)


def _queue_title(page) -> str:
    title = page.locator(".stSidebar").get_by_text(re.compile(r"^Server queue: "))
    title.first.wait_for(timeout=TIMEOUT_MS)
    return title.first.inner_text()


def _follow_b(b, began: float) -> dict[str, Any]:
    """Watch B's page until its run is shown: did it ever wait in the queue, when did
    its training start (progress line), when was the run shown."""
    waiting = b.get_by_text("Waiting for a free training slot")
    started = b.get_by_text(re.compile(r"Preparing the vocabulary|Epoch \d+ of \d+"))
    shown = b.get_by_text(re.compile(r"Showing: toy"))
    facts: dict[str, Any] = {"b_saw_waiting": False, "b_started_s": None}
    deadline = began + TIMEOUT_MS / 1000
    while shown.count() == 0:
        assert time.perf_counter() < deadline, "B's run was never shown"
        facts["b_saw_waiting"] |= waiting.count() > 0
        if facts["b_started_s"] is None and started.count() > 0:
            facts["b_started_s"] = time.perf_counter() - began
        b.wait_for_timeout(100)
    facts["b_shown_s"] = time.perf_counter() - began
    return facts


def scenario(server: StreamlitServer, browser, shots: Path | None = None) -> dict[str, Any]:
    """Run the two visitors; return the figures and the facts seen on the pages."""
    assert server.process is not None
    pid = server.process.pid
    facts: dict[str, Any] = {}
    viewport = {"width": 1280, "height": 720}
    a_context = browser.new_context(viewport=viewport)
    b_context = browser.new_context(viewport=viewport)
    a, b = a_context.new_page(), b_context.new_page()

    a.goto(server.url + "/" + HUGE_LINK)
    _settle(a)
    facts["baseline_rss_mb"] = _status_kb(pid, "VmRSS") / 1024
    asks = a.get_by_text("This link's settings would train for about")
    asks.first.wait_for(timeout=TIMEOUT_MS)  # (raises if the page never asks)
    facts["huge_link_asks_for_a_click"] = True
    facts["huge_link_trained_on_arrival"] = a.get_by_text(RUNNING).count() > 0
    if shots:
        a.screenshot(path=str(shots / "link-asks.png"))
    a.get_by_role("button", name="Train", exact=True).click()
    refusal = a.get_by_text(re.compile("one visitor may ask of this shared server"))
    refusal.first.wait_for(timeout=TIMEOUT_MS)
    facts["huge_link_refusal"] = refusal.first.inner_text()
    if shots:
        a.screenshot(path=str(shots / "link-refused.png"))
    a.goto(server.url + "/" + LONG_LINK)
    _settle(a)
    asks.first.wait_for(timeout=TIMEOUT_MS)
    facts["long_link_asks_for_a_click"] = True
    facts["long_link_notice"] = asks.first.inner_text()
    facts["long_link_trained_on_arrival"] = a.get_by_text(RUNNING).count() > 0
    a.get_by_role("button", name="Train", exact=True).click()
    a.get_by_text(RUNNING).first.wait_for(timeout=TIMEOUT_MS)

    began = time.perf_counter()
    b.goto(server.url)
    facts.update(_follow_b(b, began))
    facts["a_still_running_when_b_done"] = a.get_by_text(RUNNING).count() > 0
    _settle(b)
    facts["b_queue_title"] = _queue_title(b)
    b.locator(".stSidebar").get_by_text(re.compile(r"^Server queue: ")).first.click()
    b.locator(".stSidebar").get_by_text(re.compile(r"for visitor [0-9a-f]{4}")).first.wait_for(
        timeout=TIMEOUT_MS
    )
    facts["b_sees_a_anonymously"] = True
    if shots:
        b.screenshot(path=str(shots / "b-queue.png"))
        b.screenshot(path=str(shots / "b-queue-full.png"), full_page=True)

    a.get_by_role("button", name="Stop", exact=True).click()
    began = time.perf_counter()
    a.get_by_text("Training was stopped").first.wait_for(timeout=TIMEOUT_MS)
    facts["stop_running_s"] = time.perf_counter() - began
    _settle(a)

    a.get_by_role("button", name="Train", exact=True).click()  # trains the same again
    a.get_by_text(RUNNING).first.wait_for(timeout=TIMEOUT_MS)
    facts["peak_rss_mb_so_far"] = _status_kb(pid, "VmHWM") / 1024
    a_context.close()  # the tab goes
    began = time.perf_counter()
    deadline = began + TIMEOUT_MS / 1000
    while True:
        b.reload()
        _settle(b)
        title = _queue_title(b)
        if title.startswith("Server queue: 0 running"):
            break
        assert time.perf_counter() < deadline, f"the closed tab's training goes on: {title}"
        b.wait_for_timeout(500)
    facts["closed_tab_stopped_after_s"] = time.perf_counter() - began
    facts["queue_after_close"] = title
    b.wait_for_timeout(3_000)  # let the server release what the trainings held
    facts["settled_rss_mb"] = _status_kb(pid, "VmRSS") / 1024
    facts["peak_rss_mb"] = _status_kb(pid, "VmHWM") / 1024
    b_context.close()
    return facts


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("no Chromium found")
    with (
        tempfile.TemporaryDirectory(prefix="w2v-fair-") as work,
        StreamlitServer(Path(work), env={"W2V_ORPHAN_SECONDS": str(ORPHAN_SECONDS)}) as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        facts = scenario(server, browser)
        browser.close()
    facts["orphan_seconds"] = ORPHAN_SECONDS
    facts["note"] = "2-core machine shared with other jobs (busy)"
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(facts, indent=1))
    print(json.dumps(facts, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
