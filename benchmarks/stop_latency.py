"""Stop latency with another user training: two real browsers on one server.

User A trains the Quality preset (wiki, 10 epochs: minutes) and keeps training.  User B,
in a second browser context (another session), trains the same preset with another
seed, waits until its progress shows, clicks **Stop** and waits until its page says the
run was stopped.  The figure is that wait, from the click to "Training was stopped"
on B's page: what a person sees.  ``--alone`` measures the same without user A.

Usage (from the repository root)::

    python -m benchmarks.stop_latency              # 3 stops while A trains
    python -m benchmarks.stop_latency --worker-budget 4     # B trains too (4 processes, 2 cores)
    python -m benchmarks.stop_latency --alone --repeats 3

Prints the seconds of every stop and their median and maximum (the issue's bar: 2 s).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load import CHROMIUM_ARGS, StreamlitServer, find_chromium

TIMEOUT_MS = 300_000
RUNNING = re.compile(r"Epoch \d+ of \d+ · \d+% · [\d,]+ words/s")
#: the same, or the line of a training waiting in the queue (all cores busy with A's)
UNDER_WAY = re.compile(f"{RUNNING.pattern}|Waiting for a free training slot")


def _settle(page) -> None:
    page.wait_for_timeout(300)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=TIMEOUT_MS)


def _quality(page, seed: int) -> None:
    """Pick the Quality preset and a seed, and click Train."""
    page.locator(".stSidebar").get_by_text("Quality", exact=True).click()
    _settle(page)
    seed_box = page.locator(".st-key-hp_seed input")
    seed_box.fill(str(seed))
    seed_box.press("Enter")
    _settle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    # the progress line of a training that runs ("Epoch 1 of 10 · 3% · 41,234 words/s")
    # or waits for a slot
    page.get_by_text(UNDER_WAY).first.wait_for(timeout=TIMEOUT_MS)


def measure(repeats: int, alone: bool, worker_budget: int = 0) -> list[float]:
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("no Chromium found")
    seconds = []
    with (
        tempfile.TemporaryDirectory(prefix="w2v-stop-") as work,
        StreamlitServer(
            Path(work),
            env={
                "W2V_AUTOTRAIN": "0",
                "W2V_MAX_CONCURRENT_TRAININGS": "2",
                "W2V_MAX_TRAINING_WORKERS": str(worker_budget),
            },
        ) as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        viewport = {"width": 1280, "height": 720}
        a = browser.new_context(viewport=viewport).new_page()
        b = browser.new_context(viewport=viewport).new_page()
        if not alone:
            a.goto(server.url)
            _settle(a)
            _quality(a, seed=1)  # trains for minutes, through every stop of B
        b.goto(server.url)
        _settle(b)
        for repeat in range(repeats):
            _quality(b, seed=100 + repeat)
            b.wait_for_timeout(1_000)  # let it train a little
            waiting = b.get_by_text("Waiting for a free training slot").count() > 0
            stopped = b.get_by_text("Training was stopped")
            b.get_by_role("button", name="Stop", exact=True).click()
            began = time.perf_counter()
            stopped.wait_for(timeout=TIMEOUT_MS)
            seconds.append(time.perf_counter() - began)
            if not alone:
                assert a.get_by_text(RUNNING).count() >= 1, "user A stopped training"
            what = "queued" if waiting else "training"
            print(f"stop {repeat + 1} (B was {what}): {seconds[-1]:.2f} s", flush=True)
            _settle(b)
        browser.close()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stop_latency")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--alone", action="store_true", help="no other user training")
    parser.add_argument(
        "--worker-budget",
        type=int,
        default=0,
        help="W2V_MAX_TRAINING_WORKERS of the server (0: the cores, so B waits in the queue "
        "while A trains on every core; 4 on 2 cores: both train at once)",
    )
    args = parser.parse_args(argv)
    seconds = measure(args.repeats, args.alone, args.worker_budget)
    who = "alone" if args.alone else "while another user trains"
    print(
        f"Stop -> 'Training was stopped' shown, {who}: median {statistics.median(seconds):.2f} s, "
        f"max {max(seconds):.2f} s over {len(seconds)} stops"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
