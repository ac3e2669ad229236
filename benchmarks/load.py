"""Load test: one real ``streamlit run`` server, many users in headless Chromium at once.

Starts ``streamlit run dashboard/app.py`` on a fresh cache directory, then opens
``--users`` Playwright browser contexts (separate sessions, like separate people) in
one headless Chromium, all at the same time.  Each user

1. opens the page (``page_load``),
2. pastes a small generated corpus (the toy generator, ~35k words; ``paste`` until the
   sidebar shows its statistics) and clicks **Train** with the Quick demo settings,
   until the trained run is shown (``train``: queueing included, as a person waits),
3. opens the Neighbours tab (``neighbours_tab``) and looks up a few words, each until
   its table is drawn (``neighbours``).

Users come in pairs that paste the same text: every configuration is asked for by two
users at once (the registry must train it once), and with 8 users there are 4
configurations for ``W2V_MAX_CONCURRENT_TRAININGS`` slots (default: the cores), so some
wait in the queue.  The report gives p50 / p95 / max per step, the errors, the
trainings the server actually ran (from its log), the server's peak resident memory
(``VmHWM`` from ``/proc``; also the largest sampled ``VmRSS`` of the server and its
children) and CPU time: the server's, and the whole machine's.  The browsers run on the
same machine as the server; on a small machine they take most of the CPU, so the
latencies are pessimistic for the server alone.

The run ends by itself: every wait has a timeout and ``--duration`` bounds the whole
run; the server is always stopped.

Usage (from the repository root)::

    python -m benchmarks.load                       # 8 users
    python -m benchmarks.load --users 2 --json load.json

The browser is Debian's ``chromium`` (``--chromium`` to choose another); nothing is
downloaded.  The helpers :func:`find_chromium` and :class:`StreamlitServer` are also
used by the browser tests (``tests/browser/conftest.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `w2v_core` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Words looked up by every user (all are in the toy corpus).
QUERIES = ("man", "woman", "paris", "puppy")
#: Set a React-controlled textarea's value and tell React (one input event).
SET_TEXTAREA = """(element, value) => {
    const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
    setter.call(element, value);
    element.dispatchEvent(new Event("input", { bubbles: true }));
}"""
TRAINING_LINE = re.compile(r"training ([0-9a-f]{12}) started")


# --------------------------------------------------------------------------- helpers


#: The one browser the tests and benchmarks drive: Debian's ``chromium`` package.
DEBIAN_CHROMIUM = "/usr/bin/chromium"


def find_chromium() -> str | None:
    """Debian's Chromium (:data:`DEBIAN_CHROMIUM`), or ``None`` when it is not installed.

    One rule on every machine, the README's: never a browser found elsewhere on the
    ``PATH`` (a Chrome, a snap) nor Playwright's own download in ``~/.cache/ms-playwright``,
    so that a test run here and one in CI drive the same browser."""
    return DEBIAN_CHROMIUM if os.access(DEBIAN_CHROMIUM, os.X_OK) else None


def free_port() -> int:
    """A TCP port that is free right now on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status_kb(pid: int, field_name: str) -> int:
    """A ``kB`` field of ``/proc/<pid>/status`` (0 if the process is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (``/proc/stat``; 0 if unknown)."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = handle.readline().split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
        return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return 0.0


def _descendants(pid: int) -> list[int]:
    """``pid`` and all its descendants (from the parent ids in ``/proc/*/stat``)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


class StreamlitServer:
    """``streamlit run dashboard/app.py`` on a free port, in its own process group.

    Use as a context manager; :attr:`url` is set once the server answers its health
    check.  While it runs, a thread samples the resident memory of the server and its
    children (:attr:`peak_tree_kb`); :attr:`peak_kb` is the kernel's high-water mark
    (``VmHWM``) of the server process, read just before it is stopped.

    Parameters
    ----------
    work : Path
        Directory for the server log (``server.log``) and, unless ``env`` sets
        ``W2V_CACHE_DIR``, the cache (``cache/``).
    env : dict, optional
        Extra environment variables for the server.
    port : int, optional
        0 picks a free port.
    start_timeout : float
        Seconds to wait for the server to answer.
    """

    def __init__(
        self,
        work: Path,
        env: dict[str, str] | None = None,
        port: int = 0,
        start_timeout: float = 60.0,
    ) -> None:
        self.work = Path(work)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.work / "server.log"
        self.start_timeout = start_timeout
        self.env = dict(os.environ)
        self.env.setdefault("W2V_CACHE_DIR", str(self.work / "cache"))
        self.env.update(env or {})
        self.env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
        )
        self.process: subprocess.Popen | None = None
        self.peak_kb = 0
        self.peak_tree_kb = 0
        self.cpu_seconds = 0.0
        self._stop_sampling = threading.Event()
        self._sampler: threading.Thread | None = None

    def __enter__(self) -> StreamlitServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start the server and wait until it answers (RuntimeError if it does not)."""
        self.work.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
            "--server.headless", "true", "--server.port", str(self.port),
            "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"streamlit did not start:\n{self.log()}")
            time.sleep(0.25)
        self._sampler = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        assert self.process is not None
        while not self._stop_sampling.wait(0.2):
            self._measure()

    def _measure(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        pid = self.process.pid
        self.peak_kb = max(self.peak_kb, _status_kb(pid, "VmHWM"))
        tree = _descendants(pid)
        self.peak_tree_kb = max(self.peak_tree_kb, sum(_status_kb(p, "VmRSS") for p in tree))
        self.cpu_seconds = max(self.cpu_seconds, sum(_cpu_seconds(p) for p in tree))

    def log(self) -> str:
        """The server's output so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server and everything it started (its process group)."""
        self._stop_sampling.set()
        process = self.process
        if process is None:
            return
        self._measure()  # the high-water mark, while the process still exists
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def percentiles(values: list[float]) -> dict[str, float | int | None]:
    """n, p50, p95 and max of a list of seconds (None when empty)."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    ordered = sorted(values)

    def pick(q: float) -> float:
        # Linear interpolation between closest ranks (numpy's default).
        position = q * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    return {
        "n": len(ordered),
        "p50": round(pick(0.50), 3),
        "p95": round(pick(0.95), 3),
        "max": round(ordered[-1], 3),
    }


# --------------------------------------------------------------------------- one user


@dataclass
class UserResult:
    """What one simulated user measured (seconds) and what went wrong."""

    user: int
    corpus_seed: int
    page_load: float | None = None
    paste: float | None = None
    train: float | None = None
    neighbours_tab: float | None = None
    neighbours: list[float] = field(default_factory=list)
    total: float | None = None
    errors: list[str] = field(default_factory=list)


async def run_user(
    browser: Any, url: str, user: int, corpus_seed: int, text: str, deadline: float
) -> UserResult:
    """One person: open, paste, train, look up neighbours.  Never raises."""
    from playwright.async_api import expect

    result = UserResult(user=user, corpus_seed=corpus_seed)

    def budget_ms() -> float:
        return max(1000.0, (deadline - time.monotonic()) * 1000.0)

    context = await browser.new_context(viewport={"width": 1400, "height": 1400})
    page = await context.new_page()
    page.on("pageerror", lambda error: result.errors.append(f"page error: {error}"))
    step = "open"
    begin = time.monotonic()
    try:
        started = time.monotonic()
        await page.goto(url, timeout=budget_ms())
        train = page.get_by_role("button", name="Train", exact=True)
        await train.wait_for(timeout=budget_ms())
        result.page_load = time.monotonic() - started

        step = "paste"
        started = time.monotonic()
        sidebar = page.locator(".stSidebar")
        await sidebar.get_by_text("Paste text", exact=True).click(timeout=budget_ms())
        area = page.locator(".st-key-paste_text textarea")
        await area.wait_for(timeout=budget_ms())
        # Set the value in one go, as a paste does: Playwright's fill() types it through
        # Chromium's editing code, which takes ~25 s for 180 kB (in the browser alone).
        await area.evaluate(SET_TEXTAREA, text)
        await area.press("Control+Enter")
        await sidebar.get_by_text("(the vocabulary").wait_for(timeout=budget_ms())
        await expect(train).to_be_enabled(timeout=budget_ms())
        result.paste = time.monotonic() - started

        step = "train"
        main = page.locator(".stMain")
        started = time.monotonic()
        await train.click(timeout=budget_ms())
        await main.get_by_text("Showing: pasted text").wait_for(timeout=budget_ms())
        result.train = time.monotonic() - started

        step = "neighbours tab"
        started = time.monotonic()
        await page.get_by_role("tab", name="Neighbours").click(timeout=budget_ms())
        await main.get_by_text("Nearest words to: king", exact=True).wait_for(timeout=budget_ms())
        result.neighbours_tab = time.monotonic() - started

        box = main.locator(".st-key-nb_words input")
        for word in QUERIES:
            step = f"neighbours of {word}"
            started = time.monotonic()
            await box.fill(word, timeout=budget_ms())
            await box.press("Enter")
            await main.get_by_text(f"Nearest words to: {word}", exact=True).wait_for(
                timeout=budget_ms()
            )
            result.neighbours.append(time.monotonic() - started)

        failures = await page.locator("[data-testid='stException']").count()
        if failures:
            result.errors.append(f"{failures} exception(s) shown on the page")
        result.total = time.monotonic() - begin
    except Exception as error:  # a timeout or a browser failure: count it, go on
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        result.errors.append(f"{step}: {type(error).__name__}: {first_line}"[:300])
    finally:
        try:
            await context.close()
        except Exception as error:  # the browser may already be gone
            result.errors.append(f"closing the page: {type(error).__name__}")
    return result


async def run_users(
    url: str, chromium: str, users: int, sentences: int, deadline: float
) -> list[UserResult]:
    """All users at once in one headless Chromium (one browser context each)."""
    from playwright.async_api import async_playwright

    from w2v_core.toy import generate_toy_corpus

    seeds = [user // 2 for user in range(users)]  # pairs of users share a corpus
    texts = {seed: generate_toy_corpus(sentences, seed=100 + seed) for seed in set(seeds)}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            tasks = [
                run_user(browser, url, user, seed, texts[seed], deadline)
                for user, seed in enumerate(seeds)
            ]
            return list(await asyncio.gather(*tasks))
        finally:
            await browser.close()


# --------------------------------------------------------------------------- the benchmark


def run(
    users: int = 8,
    duration: float = 300.0,
    port: int = 0,
    sentences: int = 4000,
    chromium: str | None = None,
    max_concurrent: int | None = None,
    work: Path | None = None,
) -> dict[str, Any]:
    """Run the load test and return the report (see the module docstring)."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise RuntimeError("no Chromium found: install Debian's 'chromium' or pass --chromium")
    started = time.monotonic()
    busy_before = _machine_busy_seconds()
    deadline = started + duration
    with tempfile.TemporaryDirectory(prefix="w2v-load-") as scratch:
        work = Path(work) if work is not None else Path(scratch)
        env = {"W2V_CACHE_DIR": str(work / "cache"), "W2V_AUTOTRAIN": "0"}
        if max_concurrent is not None:
            env["W2V_MAX_CONCURRENT_TRAININGS"] = str(max_concurrent)
        with StreamlitServer(work, env=env, port=port) as server:
            # Leave 15 s of the budget to close the browser and stop the server.
            results = asyncio.run(
                run_users(server.url, chromium, users, sentences, deadline - 15.0)
            )
            server.stop()
            log = server.log()
            peak_kb, peak_tree_kb = server.peak_kb, server.peak_tree_kb
            cpu = server.cpu_seconds
        models = sorted(p.stem for p in (work / "cache" / "runs").glob("*.npz"))
    trained = TRAINING_LINE.findall(log)
    errors = [f"user {r.user}: {message}" for r in results for message in r.errors]
    return {
        "users": users,
        "distinct_configurations": len({r.corpus_seed for r in results}),
        "trainings_run": len(trained),
        "trainings_distinct": len(set(trained)),
        "models_cached": len(models),
        "seconds": {
            "page_load": percentiles([r.page_load for r in results if r.page_load is not None]),
            "paste": percentiles([r.paste for r in results if r.paste is not None]),
            "train": percentiles([r.train for r in results if r.train is not None]),
            "neighbours_tab": percentiles(
                [r.neighbours_tab for r in results if r.neighbours_tab is not None]
            ),
            "neighbours": percentiles([t for r in results for t in r.neighbours]),
            "whole_visit": percentiles([r.total for r in results if r.total is not None]),
        },
        "errors": len(errors),
        "error_messages": errors[:50],
        "users_completed": sum(1 for r in results if not r.errors),
        "server_peak_rss_mb": round(peak_kb / 1024, 1),
        "server_tree_peak_rss_mb": round(peak_tree_kb / 1024, 1),
        "server_cpu_seconds": round(cpu, 1),
        "machine_cpu_seconds": round(_machine_busy_seconds() - busy_before, 1),
        "wall_seconds": round(time.monotonic() - started, 1),
        "corpus_sentences": sentences,
        "max_concurrent_trainings": max_concurrent or os.cpu_count(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "per_user": [r.__dict__ for r in results],
    }


def format_report(report: dict[str, Any]) -> str:
    """The report as a few lines of text."""
    lines = [
        f"{report['users']} users, {report['distinct_configurations']} distinct "
        f"configurations: {report['trainings_run']} trainings run "
        f"({report['trainings_distinct']} distinct), {report['models_cached']} models cached",
    ]
    for name, stats in report["seconds"].items():
        if stats["n"]:
            lines.append(
                f"  {name:<15} n={stats['n']:<3} p50 {stats['p50']:.2f} s   "
                f"p95 {stats['p95']:.2f} s   max {stats['max']:.2f} s"
            )
        else:
            lines.append(f"  {name:<15} no measurement")
    lines.append(
        f"errors: {report['errors']} ({report['users_completed']} of {report['users']} "
        f"users without error)"
    )
    lines.extend(f"  {message}" for message in report["error_messages"][:10])
    lines += [
        f"server peak RSS: {report['server_peak_rss_mb']} MB (VmHWM); with children "
        f"{report['server_tree_peak_rss_mb']} MB",
        f"CPU: server {report['server_cpu_seconds']} s, whole machine (browsers included) "
        f"{report['machine_cpu_seconds']} s, in {report['wall_seconds']} s of wall time on "
        f"{report['machine']['cpus']} cores",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--users", type=int, default=8, help="concurrent browser sessions")
    parser.add_argument("--duration", type=float, default=300.0, help="time limit (seconds)")
    parser.add_argument("--port", type=int, default=0, help="server port (0: a free one)")
    parser.add_argument(
        "--sentences", type=int, default=4000, help="sentences of each pasted corpus (~9 words)"
    )
    parser.add_argument(
        "--max-concurrent",
        type=int,
        default=None,
        help="W2V_MAX_CONCURRENT_TRAININGS for the server (default: number of cores)",
    )
    parser.add_argument("--chromium", default=None, help="Chromium executable")
    parser.add_argument("--json", type=Path, default=None, help="also write the report here")
    args = parser.parse_args(argv)
    if args.users < 1 or args.duration <= 20 or args.sentences < 100:
        parser.error("need --users >= 1, --duration > 20 and --sentences >= 100")
    report = run(
        users=args.users,
        duration=args.duration,
        port=args.port,
        sentences=args.sentences,
        chromium=args.chromium,
        max_concurrent=args.max_concurrent,
    )
    if args.json is not None:
        from w2v_core.files import write_file

        with write_file(args.json, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(report, indent=2) + "\n")
    print(format_report(report))
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
