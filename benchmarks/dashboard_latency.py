"""How long the dashboard makes people wait, measured with Streamlit's AppTest.

Three latencies from the issue (targets on 2 cores):

* ``quick_demo``: open the app on a fresh cache, click **Train** with the Quick demo
  preset, until the page shows the trained run (target < 10 s);
* ``cached``: a page reload (a new session) on the same settings, until the trained
  run is shown again from memory (target < 1 s); ``cached_after_restart``: the same
  after a server restart, from the disk cache;
* ``tsne_1000``: a t-SNE map of 1,000 words (the ``lee`` corpus, which has ~1,800
  words at min-count 5), from switching to t-SNE to the drawn map (target < 5 s);
* ``umap_1000``: the same 1,000 words mapped by UMAP, from switching to UMAP to the drawn
  map, with UMAP's code already compiled (target < 5 s, as t-SNE; a new seed, so the
  words are projected again while the clusters come from the cache, as for t-SNE);
  ``umap_first_use``: the first UMAP map in the process, which also imports umap-learn
  and compiles its numba code (the wait a server's first UMAP user sees; round 1 only,
  no target);
* ``first_visit_overview``: a real ``streamlit run`` server on a fresh cache and Debian's
  Chromium at 1280x720: from opening the page, with no click, until the Overview's map
  has at least 20 words written on it (the demo corpus generated and trained, the map
  projected and drawn; target < 15 s).  The server is started, and the browser launched,
  before the clock starts.  Skipped (NaN) when no Chromium is found.

Each measurement is repeated ``--repeats`` times on a fresh cache directory and the
median is reported.  The numbers go to the README; they are not asserted in pytest.

Usage (from the repository root)::

    python -m benchmarks.dashboard_latency
    python -m benchmarks.dashboard_latency --repeats 3 --json latency.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `dashboard` and `w2v_core` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
TARGETS = {
    "quick_demo": 10.0,
    "cached": 1.0,
    "cached_after_restart": 1.0,
    "tsne_1000": 5.0,
    "umap_1000": 5.0,
    "first_visit_overview": 15.0,
}
#: JavaScript: how many words are written on the Overview's map.
LABELS_ON_OVERVIEW = """() => [...document.querySelectorAll(
    '.st-key-overview_map .textpoint text, .st-key-overview_map .annotation-text')]
    .filter(t => t.textContent.trim().length > 0).length"""
TIMEOUT = 600


def _app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    _check(at)
    return at


def _check(at) -> None:
    if at.exception:
        raise RuntimeError(f"the app raised: {[e.value for e in at.exception]}")
    if at.error:
        raise RuntimeError(f"the app showed errors: {[e.value for e in at.error]}")


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _fresh(cache: Path) -> None:
    """A fresh server: new cache directory, no Streamlit caches."""
    import streamlit as st

    os.environ["W2V_CACHE_DIR"] = str(cache)
    st.cache_resource.clear()
    st.cache_data.clear()


def measure_once(work: Path) -> dict[str, float]:
    """One round of every measurement, in a fresh cache directory under ``work``."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    _fresh(work)
    results: dict[str, float] = {}

    at = _app()  # opens on the Quick demo (toy corpus loaded, nothing trained)
    results["quick_demo"] = _timed(lambda: at.button(key="train").click().run())
    _check(at)
    key = at.session_state["active"]
    assert key, "no run is shown after training"

    # A page reload (a new session) on the same settings: the run comes from memory.
    other = AppTest.from_file(APP, default_timeout=TIMEOUT)
    results["cached"] = _timed(other.run)
    _check(other)
    assert other.session_state["active"] == key, "the cached run is not shown"

    st.cache_resource.clear()  # a server restart: only the disk cache is left
    restarted = AppTest.from_file(APP, default_timeout=TIMEOUT)
    results["cached_after_restart"] = _timed(restarted.run)
    _check(restarted)
    assert restarted.session_state["active"] == key, "the run is not loaded from disk"

    lee = _app()
    lee.selectbox(key="builtin").set_value("lee").run()
    lee.button(key="train").click().run()
    _check(lee)
    lee.session_state["tab"] = "Map"
    lee.run()
    lee.radio(key="map_method").set_value("PCA").run()
    lee.slider(key="map_n_words").set_value(1000).run()
    results["tsne_1000"] = _timed(lambda: lee.radio(key="map_method").set_value("t-SNE").run())
    _check(lee)
    if not lee.get("plotly_chart"):
        raise RuntimeError("no map was drawn")
    results.update(_umap_1000(lee))
    return results


def _umap_1000(lee) -> dict[str, float]:
    """UMAP on the map of 1,000 words, switched to from t-SNE: its first use in this
    process (import and numba compile included) if it is the first; then warm, timed as
    a new seed projects the words again (compiled code; the clusters, like t-SNE's, from
    the cache)."""
    from dashboard.charts import projection

    results: dict[str, float] = {}
    cold = not projection.umap_ready()
    seconds = _timed(lambda: lee.radio(key="map_method").set_value("UMAP").run())
    _check(lee)
    if cold:
        results["umap_first_use"] = seconds
        seed = int(lee.number_input(key="map_seed").value) + 1
        seconds = _timed(lambda: lee.number_input(key="map_seed").set_value(seed).run())
        _check(lee)
    results["umap_1000"] = seconds
    if "UMAP" not in json.loads(lee.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]:
        raise RuntimeError("no UMAP map was drawn")
    return results


def first_visit_once(work: Path, browser) -> float:
    """Seconds from opening a cold server's page to a map with 20 words on it."""
    from benchmarks.load import StreamlitServer

    work.mkdir(parents=True, exist_ok=True)
    env = {"W2V_AUTOTRAIN": "1", "W2V_CACHE_DIR": str(work / "cache")}
    with StreamlitServer(work, env=env) as server:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        try:
            start = time.perf_counter()
            page.goto(server.url)
            page.wait_for_function(f"() => ({LABELS_ON_OVERVIEW})() >= 20", timeout=TIMEOUT * 1000)
            return time.perf_counter() - start
        finally:
            page.close()


def first_visits(work: Path, repeats: int) -> list[float]:
    """:func:`first_visit_once` ``repeats`` times (fresh server and cache each time)."""
    from benchmarks.load import CHROMIUM_ARGS, find_chromium

    chromium = find_chromium()
    if chromium is None:
        print("no Chromium found: first_visit_overview is not measured", file=sys.stderr)
        return [float("nan")] * repeats
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            return [first_visit_once(work / f"visit-{i}", browser) for i in range(repeats)]
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=1, help="rounds to take the median of")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    os.environ["W2V_AUTOTRAIN"] = "0"  # the click is what we time

    rounds = []
    with tempfile.TemporaryDirectory(prefix="w2v-latency-") as directory:
        for number in range(max(1, args.repeats)):
            rounds.append(measure_once(Path(directory) / f"round-{number}"))
        visits = first_visits(Path(directory), max(1, args.repeats))
    for result, seconds in zip(rounds, visits, strict=True):
        result["first_visit_overview"] = seconds
    median = {name: statistics.median(r[name] for r in rounds) for name in TARGETS}
    first_use = rounds[0].get("umap_first_use", float("nan"))

    print(f"Dashboard latency (AppTest, {os.cpu_count()} cores, median of {len(rounds)})")
    print(f"{'measurement':<24}{'seconds':>10}{'target':>10}  ok")
    for name, target in TARGETS.items():
        ok = "yes" if median[name] < target else "NO"
        print(f"{name:<24}{median[name]:>10.2f}{'< ' + format(target, 'g'):>10}  {ok}")
    print(f"{'umap_first_use':<24}{first_use:>10.2f}{'(once)':>10}  import + numba compile")
    if args.json:
        payload = {
            "machine": {
                "cores": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "repeats": len(rounds),
            "seconds": median,
            "umap_first_use": first_use,
            "rounds": rounds,
            "targets": TARGETS,
            "ok": {name: median[name] < target for name, target in TARGETS.items()},
        }
        args.json.write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
