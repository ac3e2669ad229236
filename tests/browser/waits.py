"""Conditions the browser tests wait on instead of fixed pauses (imported by name: the
test's own folder is on ``sys.path``)."""

from __future__ import annotations

#: JavaScript: the tab named ``name`` is open and drawn: its panel holds elements, the
#: script run it started is over and nothing of the previous run is left (stale).  Only
#: the open tab is computed (``dashboard.app._tabs``) and only the open tab's panel is in
#: the page, so a newly opened tab's panel is empty until its run has drawn it.
TAB_DRAWN = """(name) => {
    const tab = [...document.querySelectorAll('[role=tab]')]
        .find(t => t.textContent.trim() === name);
    if (!tab || tab.getAttribute('aria-selected') !== 'true') return false;
    const panel = document.getElementById(tab.getAttribute('aria-controls'));
    return Boolean(panel && panel.querySelector('[data-testid=stElementContainer]'))
        && document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning'
        && !document.querySelector('[data-stale=true]');
}"""

#: JavaScript, polled every animation frame: true once the charts, tables and images
#: have kept their place and size for 10 frames in a row (after a resize they lay out
#: again).  ``window.__still`` holds the last layout seen; :func:`keep_still` resets it.
STILL = """() => {
    const now = [...document.querySelectorAll(
        '.js-plotly-plot, [data-testid=stDataFrame], [data-testid=stImage], .katex-display')]
        .map(e => { const r = e.getBoundingClientRect();
                    return [r.x, r.y, r.width, r.height].join(); })
        .join('|') + '|' + document.querySelectorAll('[data-stale=true]').length;
    const seen = window.__still || { last: null, same: 0 };
    seen.same = now === seen.last ? seen.same + 1 : 0;
    seen.last = now;
    window.__still = seen;
    return seen.same >= 10;
}"""


def open_tab(page, name: str, timeout_ms: int = 90_000) -> None:
    """Click the tab ``name`` and wait until its run has drawn it (:data:`TAB_DRAWN`)."""
    page.get_by_role("tab", name=name, exact=True).click()
    page.wait_for_function(TAB_DRAWN, arg=name, timeout=timeout_ms)


def keep_still(page, timeout_ms: int = 30_000) -> None:
    """Wait until the page has laid itself out again (:data:`STILL`)."""
    page.evaluate("window.__still = null")
    page.wait_for_function(STILL, polling="raf", timeout=timeout_ms)
