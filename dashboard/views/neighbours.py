"""The Neighbours tab: the nearest words of one or several query words, and the same
words' neighbours in a second run side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard import changes, company, downloads, seed_check, state
from dashboard.charts.scores import score_bars
from dashboard.queries import default_query, neighbours_frame, parse_words, resolve_word
from dashboard.views import Context, md, min_count, plausible, report, show, tab_run
from w2v_core.errors import W2VError

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run

EXPLANATION = """
Every word is a point in a space with many dimensions. Words used in similar sentences
end up close together. For each word you type, this tab lists the closest words and
their **cosine similarity**: 1 means "pointing the same way", 0 means "unrelated".
**Frequency** is how often the word occurs in the corpus: rare words have less reliable
neighbours.

Pick a second run under *Compare with* to see what changed when you moved a slider.
"""

#: At most this many query words get a block each.
MAX_QUERIES = 8


def render(ctx: Context) -> None:
    """Draw the Neighbours tab."""
    run = tab_run(ctx, EXPLANATION)
    if run is None:
        return
    kv = run.kv
    left, middle, right = st.columns([3, 1, 2])
    text = left.text_input(
        "Words to look up",
        **state.widget("nb_words", lambda: default_query(kv), basis=run.key),
        help="One or several words, separated by commas or spaces.",
    )
    topn = middle.slider(
        "How many neighbours",
        3,
        30,
        **state.widget("nb_topn", 10),
        help="Length of each list.",
    )
    choices = {k: label for k, label in ctx.run_choices().items() if k != run.key}
    other_key = right.selectbox(
        "Compare with",
        options=["", *choices],
        format_func=lambda k: "(no comparison)" if k == "" else choices.get(k, k),
        **state.widget(
            "nb_compare", "", valid=lambda k: k == "" or k in choices, options=["", *choices]
        ),
        help="Another run: its neighbours of the same words are shown beside these.",
    )
    words = parse_words(text)
    if not words:
        st.info("Type a word above, for example one from the most frequent words in the sidebar.")
        return
    words = plausible(words, kv.words)
    other = ctx.get_run(other_key) if other_key else None
    for number, word in enumerate(words[:MAX_QUERIES]):
        st.divider()
        if other is None:
            _word_block(run, word, topn, chart=True, number=number, ctx=ctx)
        else:
            mine, theirs = _neighbour_set(run, word, topn), _neighbour_set(other, word, topn)
            one, two = st.columns(2)
            with one:
                _word_block(run, word, topn, chart=False, title=run.label, versus=theirs)
            with two:
                _word_block(other, word, topn, chart=False, title=other.label, versus=mine)
    if len(words) > MAX_QUERIES:
        st.caption(f"Showing the first {MAX_QUERIES} of {len(words)} words.")
    _reliability(ctx, run, other, words[:MAX_QUERIES], topn)


def _reliability(ctx: Context, run: Run, other: Run | None, words: list[str], topn: int) -> None:
    """Is a neighbour real (across seeds), and what changed between the two runs."""
    st.divider()
    seed_check.render(ctx, run, [resolve_word(run.kv, w) for w in words], topn)
    if other is not None:
        st.divider()
        changes.render(run, other, words)


def _neighbour_set(run: Run, word: str, topn: int) -> set[str] | None:
    """The neighbours of ``word`` in ``run`` (None if the run does not know it)."""
    try:
        return {w for w, _ in run.kv.most_similar(resolve_word(run.kv, word), topn=topn)}
    except W2VError:
        return None


def mark_changes(frame: pd.DataFrame, versus: set[str] | None) -> pd.DataFrame:
    """Add a column "in the other run?": ✓ for a neighbour both runs list, "new" for one
    only this run lists (nothing to compare when the other run lacks the word)."""
    if versus is None:
        return frame
    frame = frame.copy()
    frame.insert(1, "in the other run?", ["✓" if w in versus else "new" for w in frame["word"]])
    return frame


def _word_block(
    run: Run,
    word: str,
    topn: int,
    chart: bool,
    title: str = "",
    number: int = 0,
    versus: set[str] | None = None,
    ctx: Context | None = None,
) -> None:
    """Neighbours of one word in one run: a table (with :func:`mark_changes` against
    ``versus``, the other run's list), and a bar chart if ``chart``.

    With ``ctx``, a click on a row of the table explains why that neighbour is close
    (the contexts both words share, :func:`dashboard.company.pair_view`).
    """
    kv = run.kv
    word = resolve_word(kv, word)
    if title:
        st.caption(md(title))
    try:
        frame = neighbours_frame(kv, word, topn, imported=run.config is None)
    except W2VError as error:
        report(error, title, min_count(run))
        return
    st.text(f"Nearest words to: {word}")
    if not chart:
        frame = mark_changes(frame, versus)
        st.dataframe(frame, hide_index=True, width="stretch")
        if versus is not None:
            changed = int((frame["in the other run?"] == "new").sum())
            st.caption(f"{changed} of {len(frame)} neighbours differ from the other run's.")
        return
    table, bars = st.columns([2, 3])
    event = table.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        key=f"nb_table_{number}",
        on_select="rerun" if ctx is not None else "ignore",
        selection_mode="single-row",
    )
    if ctx is not None:
        table.caption("Click a row to see why the two words are close.")
    table.download_button(
        "Download table (CSV)",
        data=downloads.csv_bytes(frame),
        file_name=f"{downloads.file_stem('neighbours', word)}.csv",
        mime="text/csv",
        key=f"nb_csv_{number}",
        icon=":material/download:",
    )
    with bars:
        items = list(zip(frame["word"], frame["similarity"], strict=True))
        show(
            score_bars(items, title=f"Closest to '{word}'", x_title="cosine similarity"),
            key=f"nb_bars_{number}",
        )
    rows = _selected_rows(event)
    if ctx is not None and rows and rows[0] < len(frame):
        other = str(frame["word"].iloc[rows[0]])
        company.ask(word, other)
        with st.container(border=True):
            st.subheader(f"Why are '{md(word)}' and '{md(other)}' close?", anchor=False)
            company.pair_view(ctx, run, word, other, key=f"nb_pair_{number}")


def _selected_rows(event: object) -> list[int]:
    """Rows selected in a ``st.dataframe`` selection event (none if there is no event)."""
    selection = getattr(event, "selection", None)
    if selection is None and isinstance(event, dict):
        selection = event.get("selection")
    rows = selection.get("rows", []) if isinstance(selection, dict) else []
    return [int(r) for r in rows]
