"""The training replay on the Map tab: the map redrawn after every epoch, one word followed.

Below the Map view (:mod:`dashboard.views.map` calls :func:`render`); the frames are
:func:`dashboard.charts.projection.common_frame` (cached here), the figure
:func:`dashboard.charts.replay.replay_animation`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from dashboard import presentation, state
from dashboard.charts import labels, projection, replay
from dashboard.views import md

if TYPE_CHECKING:  # pragma: no cover
    from w2v_core.vectors import KeyedVectors

MAX_REPLAY_WORDS = 500
DEFAULT_REPLAY_WORDS = 200
DEMO_WORDS = ("king", "queen", "woman", "paris", "france", "city", "family")
"""Words followed by default in the replay when the run has them: their neighbours
are the ones an audience can check (the demo corpus plants them)."""


@st.cache_data(show_spinner="Projecting every epoch into one frame…", max_entries=16)
def _replay_frames(
    run_id: str, fingerprint: str, method: str, n: int, _snapshots: np.ndarray
) -> np.ndarray:
    return projection.common_frame(_snapshots[:, :n], method="tsne" if method == "t-SNE" else "pca")


def render(
    kv: KeyedVectors,
    run_id: str,
    snapshots: np.ndarray | None,
    snapshot_words: list[str] | None,
    query: str,
) -> None:
    st.subheader("Training replay")
    snapshots = _usable_snapshots(snapshots, snapshot_words)
    if snapshots is None or not snapshot_words:
        return
    words = list(snapshot_words)
    method, n, word, topn = _replay_controls(words, query)

    fingerprint = projection.vectors_fingerprint(snapshots[:, :n])
    frames = _replay_frames(run_id, fingerprint, method, n, _snapshots=snapshots)
    history = projection.neighbours_over_epochs(snapshots, words, word, topn)
    shown = words[:n]
    counts = [kv.count(w) if w in kv else 0 for w in shown]
    highlight = [word, *(w for w, _ in history[-1])]

    fig = replay.replay_animation(
        frames,
        shown,
        counts,
        highlight=highlight,
        title=f"{method}, one frame per epoch",
        font_size=presentation.font_size(),
        width_hint=900,
    )
    st.plotly_chart(fig, key="map_replay_chart", config={"displaylogo": False})
    st.caption(
        "Press ▶ Play, or drag the slider (epoch 0 = before training). "
        f"Red: “{md(word)}” and its {topn} nearest neighbours after the last epoch."
    )
    _replay_neighbours(word, history)


def _usable_snapshots(
    snapshots: np.ndarray | None, snapshot_words: list[str] | None
) -> np.ndarray | None:
    """The snapshots as an array if a replay can be drawn from them; else None, after
    saying why."""
    if snapshots is None or not snapshot_words:
        st.caption(
            "These vectors have no per-epoch snapshots (imported vectors never do): "
            "train a run in the sidebar to watch its map form epoch by epoch."
        )
        return None
    snapshots = np.asarray(snapshots)
    if snapshots.ndim != 3 or snapshots.shape[1] != len(snapshot_words):
        st.warning(
            f"The snapshots have shape {snapshots.shape}, which does not match "
            f"{len(snapshot_words)} snapshot words; the replay is unavailable."
        )
        return None
    if snapshots.shape[0] < 2:
        st.info("Only the initial vectors were saved (no finished epoch): nothing to replay.")
        return None
    if not np.isfinite(snapshots).all():
        st.error("The snapshots contain NaN or infinite values (training diverged).")
        return None
    return snapshots


def _replay_controls(words: list[str], query: str) -> tuple[str, int, str, int]:
    """``(method, n, word, topn)``: the projection, how many words, the word followed
    (the searched word when it was snapshotted) and its neighbours."""
    controls = st.columns(4)
    with controls[0]:
        method = st.radio(
            "Replay projection",
            ("PCA", "t-SNE"),
            **state.widget(
                "map_replay_method",
                "PCA",
                valid=lambda v: v in ("PCA", "t-SNE"),
                options=("PCA", "t-SNE"),
            ),
            horizontal=True,
            help="PCA uses one projection for every epoch; t-SNE maps each epoch and "
            "rotates it onto the last one.",
        )
    with controls[1]:
        max_n = min(MAX_REPLAY_WORDS, len(words))
        if max_n > 2:
            n = st.slider(
                "Words in the replay",
                min_value=2,
                max_value=max_n,
                **state.widget(
                    "map_replay_n",
                    min(DEFAULT_REPLAY_WORDS, max_n),
                    valid=lambda v: 2 <= v <= max_n,
                ),
            )
        else:
            n = max_n
    with controls[2]:
        if query != state.get("map_replay_query"):
            # a new search: follow the searched word here too, if it was snapshotted
            state.put("map_replay_query", query)
            if query in words:
                state.put("map_replay_word", query)
        word = st.selectbox(
            "Word to follow",
            words,
            **state.widget(
                "map_replay_word",
                _default_replay_word(words),
                valid=lambda v: v in words,
                options=words,
            ),
        )
    with controls[3]:
        topn = st.slider(
            "Neighbours",
            min_value=1,
            max_value=20,
            **state.widget("map_replay_topn", 8, valid=lambda v: 1 <= v <= 20),
        )
    return method, n, word, topn


def _replay_neighbours(word: str, history: list[list[tuple[str, float]]]) -> None:
    """The followed word's neighbours after each epoch, and how many were there early."""
    st.markdown(f"**Neighbours of “{md(word)}” after each epoch**")
    # a static table wraps its cells: a data grid cut "left the list" and, with 10
    # epochs, its last row
    st.table(
        replay.neighbour_table(history)
        .set_index("epoch")
        .rename(
            columns={
                "neighbours": "nearest neighbours, best first (+ = new since the epoch before)",
                "left": "left the list",
            }
        )
    )
    final = {w for w, _ in history[-1]}
    first = {w for w, _ in history[1]} if len(history) > 1 else set()
    if final:
        st.caption(
            f"{len(final & first)} of the final {len(final)} neighbours were already "
            "there after epoch 1."
        )


def _default_replay_word(words: Sequence[str]) -> str:
    """A word worth following: the most frequent one that is not a function word
    ("about", "that"), so its neighbours mean something to an audience."""
    return labels.meaningful_word(words, prefer=DEMO_WORDS) or words[0]
