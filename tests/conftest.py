"""The whole suite's one hook: how pytest-xdist shares the tests between its two workers.

``pyproject.toml`` runs the suite with ``-n 2 --dist loadgroup``: one worker per core of
the 2-core machine it is sized for.  Each test file is one group, run in its own order on
one worker, so a module's fixtures are built once and a test may rely on what an earlier
test of its file prepared (UMAP compiled, a cache filled).  Every browser test is one
group: they share the session's Streamlit servers (``browser/conftest.py``), which a
second worker would start again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
BROWSER = HERE / "browser"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(item.path).resolve()
        group = "browser" if BROWSER in path.parents else path.relative_to(HERE).as_posix()
        item.add_marker(pytest.mark.xdist_group(group))
