"""The whole suite's one hook: how pytest-xdist shares the tests between its two workers.

``pyproject.toml`` runs the suite with ``-n 2 --dist loadfile``: one worker per core of
the 2-core machine it is sized for.  Each test file runs in its own order on one worker,
so a module's fixtures are built once and a test may rely on what an earlier test of its
file prepared (UMAP compiled, a cache filled).  This hook adds one thing to ``loadfile``:
every browser test counts as one file, because they share the session's Streamlit
servers (``browser/conftest.py``), which a second worker would start again.

(``--dist loadgroup`` with ``xdist_group`` marks would say the same, but on pytest 9.2
the marks no longer reach the scheduler: pytest-xdist issue 1386.)
"""

from __future__ import annotations

import pytest

BROWSER = "tests/browser/"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``loadfile``, with all of ``tests/browser/`` as one scope."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class BrowserTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return BROWSER if nodeid.startswith(BROWSER) else super()._split_scope(nodeid)

    return BrowserTogether(config, log)
