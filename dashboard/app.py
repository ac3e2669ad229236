"""The word2vec playground: ``streamlit run dashboard/app.py``.

This script is wiring: the header, the sidebar, the training progress panel and the
tabs, in the order they are drawn.  What a choice does (show a cached run, train, take a
finished training) is :mod:`dashboard.flow`; what the session remembers is
:mod:`dashboard.session`; training belongs to the process-wide
:class:`~dashboard.runs.RunRegistry` (held once, with the corpora and the log:
:mod:`dashboard.resources`); the tabs are :mod:`dashboard.views`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

# Streamlit puts this file's directory on sys.path; the package needs the repository root.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import (  # noqa: E402
    flow,
    header,
    presence,
    resources,
    session,
    share,
    sidebar,
    stale,
)
from dashboard.sidebar import Choice  # noqa: E402
from dashboard.tabs import TABS, TITLES  # noqa: E402
from dashboard.ui import Context, guard  # noqa: E402
from dashboard.views import (  # noqa: E402
    analogies,
    evaluate,
    export,
    learn,
    neighbours,
    overview,
    server,
    training,
    tune,
    why,
)
from dashboard.views import map as map_view  # noqa: E402

resources.configure_logging()

#: Each tab's view (its URL name and title: :data:`dashboard.tabs.TABS`).  A new view is
#: one module in dashboard/views/ with ``render(ctx: Context)``, and one line here.
VIEWS: dict[str, Callable[[Context], None]] = {
    "overview": overview.render,
    "training": training.render,
    "neighbours": neighbours.render,
    "analogies": analogies.render,
    "map": map_view.render,
    "why": why.render,
    "learn": learn.render,
    "evaluate": evaluate.render,
    "tune": tune.render,
    "export": export.render,
}
assert list(VIEWS) == list(TABS), "dashboard.tabs.TABS and VIEWS name the same tabs"


def _tabs(ctx: Context) -> None:
    tabs = st.tabs(TITLES, key="tab", on_change="rerun")
    for tab, (name, render) in zip(tabs, VIEWS.items(), strict=True):
        if tab.open is False:  # only the open tab is computed
            continue
        with tab, guard(f"the {TABS[name]} tab"):
            render(ctx)


# --------------------------------------------------------------------------- page


def main() -> None:
    """Draw the page."""
    st.set_page_config(
        page_title="word2vec playground",
        page_icon="🔤",  # an emoji is drawn by the browser: nothing is fetched
        layout="wide",
        initial_sidebar_state="expanded",
    )
    registry = resources.get_registry()
    store = resources.get_store()
    me = presence.heartbeat(registry)  # this tab is here: its trainings stay wanted

    session.start()
    header.title(registry)
    flow.take_finished()
    session.show_flash()
    # a shared link: its settings, tab and word, before any widget is drawn
    share.restore_app(TITLES, session.set_share_notice)
    header.link_notice()
    panel = st.empty()

    open_first = flow.arriving_with_vectors(sys.argv[1:])
    choice = Choice(None, None)
    with guard("the sidebar"):
        choice = sidebar.render(registry, store)
    with st.sidebar, guard("the server queue"):
        server.render_queue(registry, me)
    choice.train_clicked = choice.train_clicked or stale.train_requested()
    flow.handle_choice(choice, registry)
    if open_first:  # after the sidebar, so that a slow first open never cuts it short
        flow.open_first_local()
    run = flow.active_run(registry)
    header.run_header(run, choice, registry)
    ctx = Context(
        run,
        registry,
        store,
        choice.corpus,
        session.imports(),
        session.own_corpora(),
        select=session.set_active,
        config=choice.config,
        training=session.training(),
    )
    _tabs(ctx)
    share.publish_app(TITLES)  # the URL now reopens this view
    flow.watch(registry, panel)  # the link's notice (if any) stays for its rerun
    session.drop_share_notice()  # and is gone at the user's next click


main()
