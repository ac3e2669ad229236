"""What stands above the tabs: the page's title with the presentation switch, notices for
the whole page, and which run the tabs show with the notes that hold for every tab."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from dashboard import presentation, session, sidebar, stale
from dashboard.advice import corpus_advice, weak_settings
from dashboard.ui import guard, md

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run, RunRegistry
    from dashboard.sidebar import Choice


def title(registry: RunRegistry) -> None:
    """The title, the presentation switch beside it, one line on what the page is, and
    (once per session) a problem with the server's disk cache."""
    name, switch = st.columns([3, 1], vertical_alignment="center")
    name.title("word2vec playground")
    with switch:
        presentation.toggle()
    st.caption(
        "Word vectors learned from a text: which words are close, analogies, a map. "
        "Change the settings in the sidebar and click Train."
    )
    if registry.disk_problem and session.disk_warning_due():
        st.warning(md(registry.disk_problem))


def link_notice() -> None:
    """What a shared link held that was ignored (until the user's next click)."""
    notice = session.share_notice()
    if notice:
        st.warning(md(notice), icon=":material/link_off:")


def run_header(run: Run | None, choice: Choice, registry: RunRegistry) -> None:
    """The sidebar's note on the choice; above the tabs, which run they show and the
    notes that hold for every tab (older settings than the sidebar's, a tiny corpus)."""
    if choice.note is not None:
        active = run.key if run is not None else None
        note = sidebar.train_note(choice, registry, active, session.trained_here())
        config = choice.config
        hint = config and weak_settings(config.dim, config.window, config.negatives, config.alpha)
        choice.note.caption(f"{note}  \n{hint}" if hint else note)
    if run is None:
        return
    if not session.training():
        with guard("the settings check"):  # the tabs show an older run than the sidebar's
            stale.banner(run, choice.corpus, choice.config)
    st.caption(f"Showing: {md(run.label)}")
    # imported word2vec files have rank pseudo-counts, not a corpus: no corpus advice
    tokens = int(run.kv.counts.sum()) if run.model is not None else 0
    advice = corpus_advice(tokens, planted=run.corpus_name == "toy") if tokens else None
    if advice is not None and advice.level == "warning":  # a note above every tab
        st.warning(advice.text, icon=":material/menu_book:")
