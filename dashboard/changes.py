""" "What changed between two runs?": the words that moved most, and where to.

The shared rendering behind the Neighbours tab's comparison with a second run (two
settings, two seeds, or two corpora: runs on two uploaded texts compare the same way).
The measures are :func:`w2v_core.compare.compare` (Procrustes-aligned distance moved,
and top-10 neighbour overlap without alignment); the map is
:func:`dashboard.charts.compare.movement_map`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.charts import compare as compare_charts
from dashboard.queries import resolve_word
from dashboard.ui import full_height, md, show
from w2v_core.compare import MEASURES, Comparison, compare
from w2v_core.errors import W2VError

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run
    from w2v_core.vectors import KeyedVectors

#: Rows of the table, and arrows on the map.
ROWS = 20
ARROWS = 12
#: The most frequent shared words compared (the neighbour search costs words squared).
WORDS_CHOICES = (1000, 2000, 5000, 10000)
MEASURE_TITLES = {
    "moved": "distance moved (after aligning the runs)",
    "overlap": "neighbours changed (no alignment)",
}
EXPLANATION = (
    "**moved**: cosine distance between a word's place in this run and in the other, after "
    "turning the other run's space to fit this one best (orthogonal Procrustes over the "
    "shared words; 0 = same place). **overlap**: share of its 10 nearest words both runs "
    "agree on (1 = same company; needs no alignment). Rare words move most by chance: "
    "only the most frequent shared words are compared."
)


@st.cache_data(show_spinner="Comparing the two runs…", max_entries=16)
def _compare(
    keys: tuple[str, str], max_words: int, by: str, _a: KeyedVectors, _b: KeyedVectors
) -> Comparison:
    return compare(_a, _b, topn=10, max_words=max_words, by=by)


def changes_frame(comparison: Comparison, rows: int = ROWS) -> pd.DataFrame:
    """The most changed words: both measures and the neighbours in each run."""
    return pd.DataFrame(
        [
            {
                "word": c.word,
                "moved": round(c.moved, 3),
                "overlap": round(c.overlap, 2),
                "neighbours in this run": ", ".join(c.neighbours_a[:6]),
                "neighbours in the other": ", ".join(c.neighbours_b[:6]),
            }
            for c in comparison.changes[:rows]
        ]
    )


def movers_map(comparison: Comparison, n: int = ARROWS):  # noqa: ANN201 - a Plotly figure
    """Arrows from run A to aligned run B for the ``n`` most changed words."""
    index = {word: i for i, word in enumerate(comparison.words)}
    movers = [c.word for c in comparison.changes[:n]]
    rows = [index[w] for w in movers]
    start, end = compare_charts.pair_projection(comparison.unit_a[rows], comparison.aligned_b[rows])
    return compare_charts.movement_map(movers, start, end)


def render(run: Run, other: Run, words: list[str]) -> None:
    """The comparison of ``run`` (A) with ``other`` (B), and the query words' changes."""
    st.subheader("What changed between the two runs", anchor=False)
    st.caption(EXPLANATION)
    left, right = st.columns(2)
    by = left.radio(
        "Most changed by",
        list(MEASURES),
        format_func=MEASURE_TITLES.get,
        horizontal=True,
        **state.widget("nb_change_by", "moved", options=list(MEASURES)),
    )
    max_words = right.select_slider(
        "Words compared (the most frequent both runs know)",
        options=list(WORDS_CHOICES),
        **state.widget("nb_change_words", 5000, valid=lambda v: v in WORDS_CHOICES),
    )
    try:
        comparison = _compare((run.key, other.key), int(max_words), by, run.kv, other.kv)
    except W2VError as error:
        st.warning(md(error))
        return
    st.caption(
        f"{len(comparison.changes):,} words compared; {comparison.n_shared:,} in both runs, "
        f"{comparison.only_a:,} only in this run, {comparison.only_b:,} only in the other."
    )
    _query_words(comparison, run, words)
    frame = changes_frame(comparison)
    st.dataframe(
        frame, hide_index=True, width="stretch", height=full_height(frame),
        column_config={
            "word": st.column_config.TextColumn("word", width=90),
            "moved": st.column_config.NumberColumn("moved", width=60),
            "overlap": st.column_config.NumberColumn("overlap", width=60),
        },
    )  # fmt: skip
    show(movers_map(comparison), key="nb_change_map")
    st.caption(
        f"The {min(ARROWS, len(comparison.changes))} most changed words: grey circle = this "
        "run, red dot = the other run after alignment, both drawn by one PCA of the two."
    )


def _query_words(comparison: Comparison, run: Run, words: list[str]) -> None:
    """One line per query word: how much it changed, and its rank."""
    rank = {c.word: (i, c) for i, c in enumerate(comparison.changes, start=1)}
    lines = []
    for word in words:
        found = rank.get(resolve_word(run.kv, word))
        if found is None:
            continue
        place, change = found
        lines.append(
            f"**{md(change.word)}**: moved {change.moved:.3f}, neighbour overlap "
            f"{change.overlap:.0%}, rank {place:,} of {len(comparison.changes):,}"
        )
    if lines:
        st.markdown(" · ".join(lines))
