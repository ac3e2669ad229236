"""The Neighbours tab: the nearest words of one or several query words, and the same
words' neighbours in a second run side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard.views import (
    NO_RUN,
    Context,
    explain,
    figure,
    md,
    parse_words,
    report,
    resolve_word,
    show,
    unknown_message,  # noqa: F401  (re-exported: other views import it from here)
)
from w2v_core.errors import W2VError

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run
    from w2v_core.vectors import KeyedVectors

EXPLANATION = """
Every word is a point in a space with many dimensions. Words used in similar sentences
end up close together. For each word you type, this tab lists the closest words and
their **cosine similarity**: 1 means "pointing the same way", 0 means "unrelated".
**Frequency** is how often the word occurs in the corpus: rare words have less reliable
neighbours.

Pick a second run under *Compare with* to see what changed when you moved a slider.
"""

#: Tried in order for the default query: the toy corpus's headline words first.
PREFERRED_QUERIES = ("king", "paris", "dog", "queen", "city", "water", "war", "music")


def default_query(kv: KeyedVectors) -> str:
    """Two words worth looking at: known headline words, else mid-frequency words."""
    words = [w for w in PREFERRED_QUERIES if w in kv][:2]
    if not words:
        start = min(len(kv) - 1, 30) if len(kv) > 2 else 0
        words = kv.words[start : start + 2]
    return ", ".join(words)


def neighbours_frame(kv: KeyedVectors, word: str, topn: int, imported: bool) -> pd.DataFrame:
    """Top-n neighbours of ``word``: word, cosine similarity and corpus frequency.

    Raises
    ------
    UnknownWordError
        If ``word`` is not in the vocabulary.
    """
    rows = [
        {
            "word": other,
            "similarity": round(score, 4),
            ("frequency rank" if imported else "frequency"): (
                kv.get_index(other) + 1 if imported else kv.count(other)
            ),
        }
        for other, score in kv.most_similar(word, topn=topn)
    ]
    return pd.DataFrame(rows)


def render(ctx: Context) -> None:
    """Draw the Neighbours tab."""
    explain(EXPLANATION)
    run = ctx.run
    if run is None:
        st.info(NO_RUN)
        return
    kv = run.kv
    left, middle, right = st.columns([3, 1, 2])
    key = f"nb_words_{run.key}"
    if key not in st.session_state:
        st.session_state[key] = default_query(kv)
    text = left.text_input(
        "Words to look up",
        key=key,
        help="One or several words, separated by commas or spaces.",
    )
    topn = middle.slider(
        "How many neighbours", 3, 30, 10, key="nb_topn", help="Length of each list."
    )
    choices = {k: label for k, label in ctx.run_choices().items() if k != run.key}
    other_key = right.selectbox(
        "Compare with",
        options=["", *choices],
        format_func=lambda k: "(no comparison)" if k == "" else choices.get(k, k),
        key="nb_compare",
        help="Another run: its neighbours of the same words are shown beside these.",
    )
    words = parse_words(text)
    if not words:
        st.info("Type a word above, for example one from the most frequent words in the sidebar.")
        return
    other = ctx.get_run(other_key) if other_key else None
    for number, word in enumerate(words[:8]):
        st.divider()
        if other is None:
            _word_block(run, word, topn, chart=True, number=number)
        else:
            one, two = st.columns(2)
            with one:
                _word_block(run, word, topn, chart=False, title=run.label)
            with two:
                _word_block(other, word, topn, chart=False, title=other.label)
    if len(words) > 8:
        st.caption(f"Showing the first 8 of {len(words)} words.")


def _word_block(
    run: Run, word: str, topn: int, chart: bool, title: str = "", number: int = 0
) -> None:
    """Neighbours of one word in one run: a table, and a bar chart if ``chart``."""
    kv = run.kv
    word = resolve_word(kv, word)
    if title:
        st.caption(md(title))
    try:
        frame = neighbours_frame(kv, word, topn, imported=run.config is None)
    except W2VError as error:
        report(error, title)
        return
    st.text(f"Nearest words to: {word}")
    if not chart:
        st.dataframe(frame, hide_index=True, width="stretch")
        return
    table, bars = st.columns([2, 3])
    table.dataframe(frame, hide_index=True, width="stretch")
    with bars:
        items = list(zip(frame["word"], frame["similarity"], strict=True))
        show(
            figure("score_bars", items, title=f"Closest to '{word}'", x_title="cosine similarity"),
            key=f"nb_bars_{number}",
        )
