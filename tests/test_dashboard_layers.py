"""The dashboard's layers, read from its source with ast: only the app imports the
views, no view touches ``st.session_state`` (inputs go through dashboard.state, the
app's bookkeeping through dashboard.session), and a link's tab names are the app's tabs."""

from __future__ import annotations

import ast
from pathlib import Path

import dashboard

ROOT = Path(dashboard.__file__).parent
VIEWS = ROOT / "views"


def _imported(path: Path) -> set[str]:
    """Every module the file imports (``from a import b`` counts as ``a`` and ``a.b``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_only_the_app_imports_the_views():
    lower = [p for p in ROOT.rglob("*.py") if VIEWS not in p.parents and p.name != "app.py"]
    assert len(lower) > 20  # the walk found the dashboard's modules
    offenders = {
        str(p.relative_to(ROOT)): sorted(m for m in _imported(p) if m.startswith("dashboard.views"))
        for p in lower
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_no_view_touches_session_state():
    views = list(VIEWS.glob("*.py"))
    assert len(views) >= 10
    touching = [
        p.name
        for p in views
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "session_state"
    ]
    assert touching == []


def test_a_links_tab_names_are_the_apps_tabs():
    from dashboard import share
    from dashboard.tabs import TABS, TITLES

    field = share.app_fields(TITLES)["tab"]
    for name, title in TABS.items():
        assert field.parse(name) == title and field.show(title) == name
    assert len(set(TITLES)) == len(TITLES) == 10
