"""The page's tabs, in order: each one's URL name (``?tab=map``) and its title.

The one list of them: :mod:`dashboard.app` pairs each with its view's ``render``, and
:mod:`dashboard.share` reads and writes the ``tab`` of a link from it.  A new view is
one module in dashboard/views/ with ``render(ctx)``, one line here and one in
:data:`dashboard.app.VIEWS`.
"""

from __future__ import annotations

#: URL name -> title, in the order the tabs are drawn.
TABS: dict[str, str] = {
    "overview": "Overview",
    "training": "Training",
    "neighbours": "Neighbours",
    "analogies": "Analogies",
    "map": "Map",
    "why": "Why close?",
    "learn": "How it learns",
    "evaluate": "Evaluate",
    "tune": "Tune",
    "export": "Export / import",
}
#: The titles, in order (what ``st.tabs`` shows).
TITLES: list[str] = list(TABS.values())
