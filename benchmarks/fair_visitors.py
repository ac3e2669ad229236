"""Two visitors on one server: a long training (a link's or a sweep), a short one beside it.

Reproduces the hostile pass's items 1 and 2 with two real Chromium contexts (two
sessions) against a real ``streamlit run``.  The link scenario (:func:`scenario`):

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

The sweep scenario (:func:`sweep_scenario`), item 1 with a sweep:

1. A opens a link to the Tune tab with wiki, per-pair negatives, 5 epochs (minutes
   per run).  The hostile pass's grid (dim 1991..2000 x epochs 991..1000) is refused
   with the sliders' range, and no Start button is offered.
2. A sweeps the window over three values: minutes of training, so Start is disabled
   until A ticks "Yes, train 3 runs for about ..."; then the sweep runs.  A also
   clicks Train for the sidebar's settings: that waits (A runs its share).
3. B arrives: as above, its demo training must start and end while A's sweep runs,
   and B's queue shows A's sweep run, anonymously.
4. A presses Stop on its waiting training, then on the sweep.  Figures: seconds
   from each click to "stopped" on A's page.
5. A starts the sweep again and closes its tab: seconds until the queue is empty.
6. Server memory, as above.

Usage::

    python -m benchmarks.fair_visitors            # both; writes results/fair_visitors.json
    python -m benchmarks.fair_visitors --sweep    # the sweep scenario only
    python -m benchmarks.fair_visitors --floor    # its pages without the trainings (memory)
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
LONG_LINK = "?corpus=wiki&dim=100&window=5&neg=5&epochs=50&min_count=5&shared=0&seed=302"
RUNNING = re.compile(r"Epoch \d+ of \d+ · \d+% · [\d,]+ words/s")
ORPHAN_SECONDS = 5
#: The session budget these scenarios run with: the hostile link (about 20 min by the
#: quiet-machine fit of 2026-12-06 21:48) is over it; the long link (about 3.4 min) and the
#: sweep plus A's training (about 8 + 3.4 min) are under it.
BUDGET_MINUTES = 15
#: The server settings of both scenarios (the test and the benchmark).
SERVER_ENV = {
    "W2V_ORPHAN_SECONDS": str(ORPHAN_SECONDS),
    "W2V_SESSION_BUDGET_MINUTES": str(BUDGET_MINUTES),
}
OUT = Path(__file__).parent / "results" / "fair_visitors.json"
#: Milliseconds the benchmark waits before it reads the settled memory: the server gives
#: memory back 2 s after the last training ends (``dashboard/runs/memory.py``).
SETTLE_MS = 3_000


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


#: What a link's page says when its training needs a click (minutes of training).
ASKS = "This link's settings would train for about"


def _two_visitors(
    server: StreamlitServer, browser, link: str
) -> tuple[int, dict[str, Any], Any, Any]:
    """Two sessions at 1280 x 720; A opens ``link`` and the page asks before training.

    Returns the server's pid, the facts so far (the server's baseline memory) and
    ``(context, page)`` of A and of B.
    """
    assert server.process is not None
    pid = server.process.pid
    viewport = {"width": 1280, "height": 720}
    a_context = browser.new_context(viewport=viewport)
    b_context = browser.new_context(viewport=viewport)
    a, b = a_context.new_page(), b_context.new_page()
    a.goto(server.url + "/" + link)
    _settle(a)
    a.get_by_text(ASKS).first.wait_for(timeout=TIMEOUT_MS)  # minutes: not trained on arrival
    # once the first page is drawn (before, this was read when the page had only begun:
    # 85 MB, before the page's libraries were imported)
    facts: dict[str, Any] = {"baseline_rss_mb": _status_kb(pid, "VmRSS") / 1024}
    return pid, facts, (a_context, a), (b_context, b)


def scenario(
    server: StreamlitServer,
    browser,
    shots: Path | None = None,
    settle_ms: int = SETTLE_MS,
    b_link: str = "",
) -> dict[str, Any]:
    """Run the two visitors; return the figures and the facts seen on the pages
    (``settle_ms``: the wait before the settled memory is read; 0 in the tests, which do
    not check memory; ``b_link``: what B opens, the demo by default; the tests give it
    fewer epochs, B's training only has to be short)."""
    pid, facts, (a_context, a), (b_context, b) = _two_visitors(server, browser, HUGE_LINK)
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
    asks = a.get_by_text(ASKS)
    asks.first.wait_for(timeout=TIMEOUT_MS)
    facts["long_link_asks_for_a_click"] = True
    facts["long_link_notice"] = asks.first.inner_text()
    facts["long_link_trained_on_arrival"] = a.get_by_text(RUNNING).count() > 0
    a.get_by_role("button", name="Train", exact=True).click()
    a.get_by_text(RUNNING).first.wait_for(timeout=TIMEOUT_MS)

    began = time.perf_counter()
    b.goto(server.url + "/" + b_link)
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
    facts.update(_until_queue_empty(b))
    b.wait_for_timeout(settle_ms)  # let the server release what the trainings held
    facts["settled_rss_mb"] = _status_kb(pid, "VmRSS") / 1024
    facts["peak_rss_mb"] = _status_kb(pid, "VmHWM") / 1024
    b_context.close()
    return facts


#: A's sidebar for the sweep: wiki, per-pair negatives, 50 epochs (minutes per run).
SWEEP_LINK = "?corpus=wiki&dim=100&window=5&neg=5&epochs=50&min_count=5&shared=0&seed=303&tab=tune"
#: B's page beside the sweep: the quick demo with another seed (seconds of training on
#: toy), so that B trains even on a server where the link scenario's B trained the demo.
B_SWEEP_LINK = "?seed=2"
#: A's sweep: three runs of the sidebar's settings with another window each.
SWEEP = ("window", "2,3,4")
#: The hostile pass's grid (the engine's limits, not the sliders').
HOSTILE_GRID = (("dim", ",".join(map(str, range(1991, 2001)))),
                ("epochs", ",".join(map(str, range(991, 1001)))))  # fmt: skip
SWEEP_RUNNING = re.compile(r"Sweep of window: \d+ of 3 runs finished")
SWEEP_STOPPED = re.compile(r"Sweep of window stopped: \d+ of 3 runs")


def _main(page):
    return page.locator("[data-testid='stMain']")


def _fill(page, label: str, value: str) -> None:
    _settle(page)  # a rerun may still show the input of the setting chosen before
    box = _main(page).get_by_label(label, exact=True).last
    box.fill(value)
    box.press("Enter")
    _settle(page)


def _choose(page, label: str, option: str) -> None:
    boxes = _main(page).locator("[data-testid='stSelectbox']")
    box = boxes.filter(has=page.get_by_text(label, exact=True)).first
    box.locator("input").click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    _settle(page)


def _hostile_grid(a, facts: dict[str, Any], shots: Path | None) -> None:
    """The hostile pass's grid: refused with the range, no Start before anything trains."""
    _main(a).get_by_text("Grid of two settings").click()
    _settle(a)
    (first, values), (second, values2) = HOSTILE_GRID
    _choose(a, "Setting", first)
    _fill(a, "Values (comma-separated)", values)
    _choose(a, "Second setting", second)
    _fill(a, "Its values", values2)
    refusal = _main(a).get_by_text(re.compile(r"outside the sidebar's range"))
    refusal.first.wait_for(timeout=TIMEOUT_MS)
    facts["hostile_grid_refusal"] = refusal.first.inner_text()
    facts["hostile_grid_start_offered"] = _main(a).get_by_role("button", name="Start sweep").count()
    if shots:
        a.screenshot(path=str(shots / "tune-hostile-grid-refused.png"))
    _main(a).get_by_text("Grid of two settings").click()  # back to one setting
    _settle(a)


def _start_sweep(a, facts: dict[str, Any], shots: Path | None) -> None:
    """One setting, three values: minutes of training, so Start asks for a tick."""
    name, values = SWEEP
    _choose(a, "Setting", name)
    _fill(a, "Values (comma-separated)", values)
    confirm = _main(a).get_by_text(re.compile(r"^Yes, train \d+ runs for about"))
    confirm.first.wait_for(timeout=TIMEOUT_MS)
    _settle(a)
    start = _main(a).get_by_role("button", name="Start sweep")
    facts["sweep_start_disabled_before_tick"] = start.is_disabled()
    if shots:
        a.screenshot(path=str(shots / "tune-sweep-confirm.png"))
    facts["sweep_confirm"] = confirm.first.inner_text()  # (the page has settled by now)
    confirm.first.click()
    _settle(a)
    start.click()
    _main(a).get_by_text(SWEEP_RUNNING).first.wait_for(timeout=TIMEOUT_MS)


def sweep_scenario(
    server: StreamlitServer,
    browser,
    shots: Path | None = None,
    settle_ms: int = SETTLE_MS,
    b_link: str = B_SWEEP_LINK,
) -> dict[str, Any]:
    """Item 1 of the hostile pass with a sweep (see the module docstring); ``settle_ms``
    and ``b_link`` as in :func:`scenario`."""
    pid, facts, (a_context, a), (b_context, b) = _two_visitors(server, browser, SWEEP_LINK)
    _hostile_grid(a, facts, shots)
    _start_sweep(a, facts, shots)
    # A also asks for a training of the sidebar's settings: it waits (A runs its share)
    a.get_by_role("button", name="Train", exact=True).click()
    a.get_by_text("Waiting for a free training slot").first.wait_for(timeout=TIMEOUT_MS)

    began = time.perf_counter()
    b.goto(server.url + "/" + b_link)
    facts.update(_follow_b(b, began))
    facts["a_sweep_running_when_b_done"] = _main(a).get_by_text(SWEEP_RUNNING).count() > 0
    _settle(b)
    facts["b_queue_title"] = _queue_title(b)
    b.locator(".stSidebar").get_by_text(re.compile(r"^Server queue: ")).first.click()
    sweep_line = b.locator(".stSidebar").get_by_text(
        re.compile(r"sweep run \d of 3\) · for visitor [0-9a-f]{4}")
    )
    sweep_line.first.wait_for(timeout=TIMEOUT_MS)
    facts["b_sees_a_sweep"] = sweep_line.first.inner_text()
    waiting = b.locator(".stSidebar").get_by_text(re.compile(r"^1\. .* · waiting "))
    waiting.first.wait_for(timeout=TIMEOUT_MS)  # A's training, waiting behind its sweep
    facts["b_sees_a_waiting"] = waiting.first.inner_text()
    waiting.first.scroll_into_view_if_needed()
    if shots:
        b.screenshot(path=str(shots / "b-queue-sweep.png"))
        b.screenshot(path=str(shots / "b-queue-sweep-full.png"), full_page=True)

    stop_queued = a.get_by_role("button", name="Stop", exact=True).first
    stop_queued.click()  # the progress panel's Stop, on A's waiting training
    began = time.perf_counter()
    a.get_by_text("Training was stopped before it started").first.wait_for(timeout=TIMEOUT_MS)
    facts["stop_queued_s"] = time.perf_counter() - began
    _settle(a)
    _main(a).get_by_role("button", name="Stop").click()  # the sweep's Stop
    began = time.perf_counter()
    _main(a).get_by_text(SWEEP_STOPPED).first.wait_for(timeout=TIMEOUT_MS)
    facts["stop_sweep_s"] = time.perf_counter() - began
    _settle(a)

    _main(a).get_by_role("button", name="Start sweep").click()  # again, then the tab goes
    _main(a).get_by_text(SWEEP_RUNNING).first.wait_for(timeout=TIMEOUT_MS)
    facts["peak_rss_mb_so_far"] = _status_kb(pid, "VmHWM") / 1024
    a_context.close()
    facts.update(_until_queue_empty(b))
    b.wait_for_timeout(settle_ms)  # let the server release what the trainings held
    facts["settled_rss_mb"] = _status_kb(pid, "VmRSS") / 1024
    facts["peak_rss_mb"] = _status_kb(pid, "VmHWM") / 1024
    b_context.close()
    return facts


def floor_scenario(server: StreamlitServer, browser) -> dict[str, Any]:
    """The sweep scenario's pages without its wiki trainings: what a server holds once
    both visitors' pages are drawn (A's Tune tab on wiki, B's demo, one toy training).
    The settled memory of :func:`sweep_scenario` is compared with this floor."""
    pid, facts, (a_context, a), (b_context, b) = _two_visitors(server, browser, SWEEP_LINK)
    b.goto(server.url + "/" + B_SWEEP_LINK)
    b.get_by_text(re.compile(r"Showing: toy")).first.wait_for(timeout=TIMEOUT_MS)
    _settle(b)
    b.reload()  # as B's page reloads in the other scenarios
    _settle(b)
    _queue_title(b)
    b.wait_for_timeout(SETTLE_MS)  # as long as the other scenarios let the server settle
    facts["pages_drawn_rss_mb"] = _status_kb(pid, "VmRSS") / 1024
    facts["peak_rss_mb"] = _status_kb(pid, "VmHWM") / 1024
    a_context.close()
    b_context.close()
    return facts


def _until_queue_empty(b) -> dict[str, Any]:
    """Reload B's page until the server queue is empty; seconds from now."""
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
    return {"closed_tab_stopped_after_s": time.perf_counter() - began, "queue_after_close": title}


def main(argv: list[str]) -> int:
    """``--sweep``, ``--link`` or ``--floor``: that scenario only (default: sweep and
    link); each on a fresh server.  The figures of the others already in the results
    file are kept."""
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("no Chromium found")
    chosen = [n for n in ("sweep", "link", "floor") if f"--{n}" in argv] or ["sweep", "link"]
    scenarios = {"sweep": sweep_scenario, "link": scenario, "floor": floor_scenario}
    stored = json.loads(OUT.read_text()) if OUT.exists() else {}
    if stored and "link" not in stored and "sweep" not in stored:
        stored = {"link": stored}  # the file of the first version: the link scenario
    for name in chosen:
        with (
            tempfile.TemporaryDirectory(prefix="w2v-fair-") as work,
            StreamlitServer(Path(work), env=SERVER_ENV) as server,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            facts = scenarios[name](server, browser)
            browser.close()
        facts["orphan_seconds"] = ORPHAN_SECONDS
        facts["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        facts["load_average"] = Path("/proc/loadavg").read_text().split()[:3]
        facts["note"] = "2-core machine shared with other jobs"
        stored[name] = facts
        print(json.dumps({name: facts}, indent=1), flush=True)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(stored, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
