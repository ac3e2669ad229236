"""Selecting words on the map: a click explains one word, a box or lasso lists a group.

The Map view draws its chart with ``on_select="rerun"`` and hands the event here:

* one point clicked: the company that word keeps (:func:`dashboard.company.word_view`);
* several points (box or lasso): the selected words, the words nearest the selection's
  centroid in the full space, and **Isolate**, which re-projects only the selection
  (as the Embedding Projector's "isolate selection" does); **Show all** returns.

The isolated words live in :mod:`dashboard.state` (input :data:`ISOLATE`), per run, so the
Map view reads them with :func:`isolated_rows` before projecting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import company, state
from dashboard.charts import contexts as context_charts
from dashboard.ui import md

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run
    from dashboard.ui import Context
    from w2v_core.vectors import KeyedVectors

#: State input: ``(run key, tuple of words)`` shown alone on the map, or None.
ISOLATE = "map_isolate"
#: Fewer words than this cannot be projected on their own.
MIN_ISOLATE = 3
CENTROID_TOPN = 10


def centroid_neighbours(
    kv: KeyedVectors, words: Sequence[str], topn: int = CENTROID_TOPN
) -> list[tuple[str, float, bool]]:
    """Words nearest the centroid of ``words`` (mean of their unit vectors), in the full
    space: ``(word, cosine to the centroid, is it in the selection)``, closest first."""
    rows = [kv.get_index(w) for w in words]
    centroid = kv.unit(rows).mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    if norm == 0:
        return []
    # Divided by the cached row norms: no normalised copy of a million-word matrix.
    scores = (kv.vectors @ (centroid / norm)) / kv.norms
    top = min(topn, len(scores))
    best = np.argpartition(-scores, top - 1)[:top] if top else np.zeros(0, dtype=int)
    best = best[np.argsort(-scores[best], kind="stable")]
    chosen = set(rows)
    return [(kv.words[i], float(scores[i]), int(i) in chosen) for i in best]


def isolated_rows(kv: KeyedVectors, run_key: str) -> tuple[int, ...] | None:
    """Rows of the isolated words of this run (None: show the usual map)."""
    value = state.get(ISOLATE)
    if not isinstance(value, (tuple, list)) or len(value) != 2 or value[0] != run_key:
        return None
    rows = tuple(sorted({kv.index[w] for w in value[1] if w in kv.index}))
    return rows if len(rows) >= MIN_ISOLATE else None


def show_all_button(key: str = "map_show_all") -> None:
    """The way back from an isolated selection."""
    if st.button("Show all words", key=key, icon=":material/zoom_out_map:"):
        state.put(ISOLATE, None)
        st.rerun()


def render(ctx: Context, run: Run, event: Any, coords: np.ndarray, words: Sequence[str]) -> None:
    """Explain what the user selected on the map (nothing if nothing is selected)."""
    rows = context_charts.selection_rows(event, coords)
    if not rows:
        st.caption(
            "Click a word on the map to see the company it keeps; drag a box or a lasso "
            "(toolbar, top right of the map) to select a group of words."
        )
        return
    selected = [words[i] for i in rows]
    if len(selected) == 1:
        word = selected[0]
        company.ask(word)
        st.subheader(f"The company '{md(word)}' keeps", anchor=False)
        company.word_view(ctx, run, word, key="map_word")
        return
    kv = run.kv
    st.subheader(f"{len(selected)} words selected", anchor=False)
    st.text(
        ", ".join(selected[:60])
        + (f", … ({len(selected) - 60} more)" if len(selected) > 60 else "")
    )
    near = centroid_neighbours(kv, selected)
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Nearest the middle of the selection** (cosine, full space)")
        st.dataframe(
            pd.DataFrame(
                {
                    "word": [w for w, _, _ in near],
                    "similarity": [round(s, 3) for _, s, _ in near],
                    "selected": ["yes" if inside else "" for _, _, inside in near],
                }
            ),
            hide_index=True,
            width="stretch",
            key="map_centroid",
        )
    with right:
        if len(selected) >= MIN_ISOLATE:
            st.markdown("Look at these words on their own:")
            if st.button(
                f"Isolate these {len(selected)} words",
                key="map_isolate_button",
                icon=":material/filter_center_focus:",
                help="Re-project only the selection, so its inner structure spreads out.",
            ):
                state.put(ISOLATE, (run.key, tuple(selected)))
                st.rerun()
        else:
            st.caption(f"Select at least {MIN_ISOLATE} words to isolate them.")
