"""The Map tab: the vocabulary flattened to 2-D/3-D, word search, and the training replay.

The heavy lifting is in :mod:`dashboard.charts.projection` (pure NumPy/scikit-learn) and
:mod:`dashboard.charts` (pure Plotly); this module only lays out widgets and
caches projections with ``st.cache_data``.  The cached functions are keyed by the
run id, a cheap fingerprint of the vectors and the parameters; the vectors
themselves travel in ``_``-prefixed arguments that Streamlit does not hash.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import downloads, map_selection, map_settings, map_umap, presentation, state
from dashboard.charts import labels, layout, maps, projection, replay
from dashboard.queries import resolve_word
from dashboard.views import Context, guard, md, plausible, tab_run, unknown_message
from w2v_core.errors import UnknownWordError, W2VError
from w2v_core.vectors import KeyedVectors

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run

MAX_REPLAY_WORDS = 500
DEFAULT_REPLAY_WORDS = 200
DEMO_WORDS = ("king", "queen", "woman", "paris", "france", "city", "family")
"""Words followed by default in the replay when the run has them: their neighbours
are the ones an audience can check (the demo corpus plants them)."""


EXPLANATION = """
Every word in the vocabulary is a list of numbers (a vector with, say, 100 entries).
Words used in similar contexts end up with similar vectors. A 100-dimensional space
cannot be drawn, so this map **squashes it onto a flat picture**:

* **t-SNE** keeps *neighbourhoods*: words that are close in the full space are
  close on the map. Distances between far-apart groups, and the axes, mean nothing.
* **UMAP** also keeps neighbourhoods, and more of how the groups sit relative to each
  other; its first use on a server takes about half a minute to prepare.
* **PCA** is a plain "shadow" of the space along the two (or three) directions in
  which the words differ most. Faithful but usually more crowded.
* **Custom axes** let you pick the directions yourself: for example horizontal =
  *man → woman* and vertical = *bad → good*. A word far to the right is "more like
  *woman* than *man*" according to the model.

Each dot is a word; hover to see it and how often it occurs in the corpus. Colours
group words automatically (clusters) or show how frequent they are.
**Search** for a word to highlight it and its nearest neighbours -- these are
measured in the full space, so they are exact even when the flat map distorts.

The **training replay** (if the run saved snapshots) shows the same words after
each epoch: they start as random noise and gradually organise into groups.
"""


# -- cached computations ---------------------------------------------------------------


@st.cache_data(show_spinner="Projecting the words…", max_entries=64)
def _projection(
    run_id: str,
    fingerprint: str,
    method: str,
    rows: tuple[int, ...],
    dims: int,
    perplexity: float | None,
    seed: int | None,
    axes: tuple[tuple[str, str], tuple[str, str]] | None,
    _kv: KeyedVectors,
    umap_settings: tuple[int, float] = map_umap.DEFAULTS,
) -> np.ndarray:
    vectors = _kv.unit(list(rows))
    if method == "UMAP":
        return projection.umap(vectors, dims, *umap_settings, seed=seed or 0)
    if method == "PCA":
        return projection.pca(vectors, dims)
    if method == "t-SNE":
        return projection.tsne(vectors, dims, perplexity=perplexity or 30, seed=seed or 0)
    assert axes is not None
    return projection.custom_axes(_kv, axes[0], axes[1], [_kv.words[i] for i in rows])


@st.cache_data(show_spinner="Projecting every epoch into one frame…", max_entries=16)
def _replay_frames(
    run_id: str, fingerprint: str, method: str, n: int, _snapshots: np.ndarray
) -> np.ndarray:
    return projection.common_frame(_snapshots[:, :n], method="tsne" if method == "t-SNE" else "pca")


@st.cache_data(show_spinner="Clustering…", max_entries=64)
def _clusters(
    run_id: str, fingerprint: str, rows: tuple[int, ...], k: int, _kv: KeyedVectors
) -> np.ndarray:
    return projection.kmeans_labels(_kv.unit(list(rows)), k, seed=0)


# -- small helpers ---------------------------------------------------------------------


def _resolve(kv: KeyedVectors, word: str) -> str:
    """``word`` as it is spelled in the vocabulary (tries lower case too); raises
    UnknownWordError (with suggestions) if it is not there, W2VError if it cannot be."""
    word = resolve_word(kv, word.strip())
    if not plausible([word], kv.words):
        raise W2VError("")  # already explained by plausible()
    kv.get_index(word)
    return word


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text)[:16] or "run"


# -- the tab ---------------------------------------------------------------------------


def render(ctx: Context) -> None:
    """Draw the Map tab for the active run: the map, then the training replay."""
    run = tab_run(ctx, EXPLANATION)
    if run is None:
        return
    query = ""
    with guard("the map"):
        query = _render_map(run.kv, run.key, ctx, run)
    st.divider()
    with guard("the training replay"):
        if run.imported:
            st.subheader("Training replay")
            st.caption(
                "These vectors were opened from a file: they come without a training history, "
                "so there is no replay to show."
            )
        else:
            _render_replay(run.kv, run.key, run.snapshots, run.snapshot_words, query)


@dataclass(frozen=True)
class _LaidOut:
    """The words on the map and where they are: ``base`` laid out, ``extras`` placed on it."""

    base: tuple[int, ...]
    extras: tuple[int, ...]
    isolated: tuple[int, ...] | None
    fingerprint: str
    coords: np.ndarray

    @property
    def rows(self) -> tuple[int, ...]:
        return self.base + self.extras


def _render_map(
    kv: KeyedVectors, run_id: str, ctx: Context | None = None, run: Run | None = None
) -> str:
    """The map, its controls, the search and the CSV download; returns the searched word."""
    if not _drawable(kv, run):
        return ""
    s = map_settings.choose(kv)
    axes = _axes_inputs(kv, run_id) if s.method == "custom axes" else None
    query, neighbours = _search(kv, s.raw_query, s.topn)
    highlight = [query, *(w for w, _ in neighbours)] if query else []
    if s.method == "custom axes" and axes is None:
        return query  # the axis words were reported above

    marked = [w for pair in axes for w in pair] if axes is not None else []
    laid = _lay_out(kv, run_id, s, axes, highlight + marked)
    if laid is None:
        return query
    rows, base, isolated = laid.rows, laid.base, laid.isolated
    words = [kv.words[i] for i in rows]
    counts = kv.counts[list(rows)]
    color, color_title, names = _colours(kv, run_id, s, laid, words, counts)

    fig = maps.scatter_map(
        laid.coords,
        words,
        counts,
        color=color,
        color_title=color_title,
        highlight=highlight,
        title=f"{s.method}: the {s.n:,} most frequent words"
        + (f" and {len(base) - s.n} example words" if len(base) > s.n else "")
        if isolated is None
        else f"{s.method}: the {len(rows)} selected words on their own",
        axis_titles=_axis_titles(s.method, axes),
        cluster_names=names,
        n_labels=len(rows) if isolated is not None else s.n_labels,  # a selection: every word
        font_size=presentation.font_size(),
        marked=marked,
        highlight_name=f"“{query}” and its {len(neighbours)} nearest neighbours" if query else "",
        zoom=s.zoom,
    )
    event = st.plotly_chart(
        fig,
        key="map_chart",
        config=downloads.chart_config(("map", run_id, s.method, f"{s.dims}d"), s.image_format),
        on_select="rerun",
        selection_mode=("points", "box", "lasso"),
    )
    if isolated is not None:
        map_selection.show_all_button()
    if ctx is not None and run is not None:
        with guard("the selection"):
            map_selection.render(ctx, run, event, laid.coords, words)
    if laid.extras:
        st.caption(
            f"{len(laid.extras)} highlighted word(s) are not among the words laid out: each "
            + (
                "was projected the same way."
                if s.method != "t-SNE"
                else "was placed among its nearest neighbours on the map, and no other moved."
            )
        )
    if neighbours:
        _neighbours_table(kv, query, neighbours)

    st.download_button(
        "Download coordinates (CSV)",
        data=downloads.coordinates_csv(
            words, counts, laid.coords, color if color_title == "cluster" else None
        ),
        file_name=f"map_{_safe_name(run_id)}_{s.method.replace(' ', '_')}_{s.dims}d.csv",
        mime="text/csv",
        key="map_download",
        icon=":material/download:",
    )
    clusters = color if names is not None else None  # the groups the legend names
    downloads.map_selection_buttons(
        event, laid.coords, words, counts, clusters, names, highlight, run_id
    )
    return query


def _drawable(kv: KeyedVectors, run: Run | None) -> bool:
    """Whether ``kv`` can be drawn; says why not when it cannot."""
    if len(kv) < 2:
        st.info("The map needs at least two words in the vocabulary.")
        return False
    if not np.isfinite(kv.norms).all():  # a norm is finite exactly when its vector is
        advice = (
            "the file holds them as they are: they cannot be drawn."
            if getattr(run, "config", None) is None
            else "training diverged: try a smaller learning rate."
        )
        st.error(f"These vectors contain NaN or infinite values: {advice}")
        return False
    return True


def _search(kv: KeyedVectors, raw_query: str, topn: int) -> tuple[str, list[tuple[str, float]]]:
    """The searched word as the vocabulary spells it and its neighbours; ``("", [])``
    (after a warning) when there is none."""
    query, neighbours = "", []
    if raw_query.strip():
        try:
            query = _resolve(kv, raw_query)
            neighbours = kv.most_similar(query, topn=topn)
        except UnknownWordError as error:
            st.warning(unknown_message(error))
            query = ""
        except W2VError:  # too long to be a word: plausible() said so
            query = ""
    return query, neighbours


def _lay_out(
    kv: KeyedVectors,
    run_id: str,
    s: map_settings.MapSettings,
    axes: tuple[tuple[str, str], tuple[str, str]] | None,
    shown: list[str],
) -> _LaidOut | None:
    """Project the laid-out words and place the ``shown`` ones beyond them; None (after
    a warning) if the projection cannot be made."""
    # the layout is of ``base`` only: a search places its words on it, moving no other
    base = layout.base_rows(kv, s.n)
    extras = tuple(sorted({kv.index[w] for w in shown} - set(base)))
    isolated = map_selection.isolated_rows(kv, run_id)
    if isolated is not None:  # "isolate": only the selected words, projected on their own
        base, extras = isolated, ()
    fingerprint = projection.vectors_fingerprint(kv.vectors[list(base)])
    params = {
        "t-SNE": (s.dims, s.perplexity, s.seed, None),
        "UMAP": (s.dims, None, s.seed, None),
        "PCA": (s.dims, None, None, None),
        "custom axes": (2, None, None, axes),
    }[s.method]
    try:
        if s.method == "UMAP":
            map_umap.ensure_ready()  # W2VError if umap-learn is missing
        coords = _projection(
            run_id, fingerprint, s.method, base, *params, _kv=kv, umap_settings=s.umap_settings
        )
        coords = np.vstack([coords, layout.place(kv, base, extras, coords, s.method, axes)])
    except W2VError as error:
        st.warning(md(str(error)))
        return None
    return _LaidOut(base, extras, isolated, fingerprint, coords)


def _colours(
    kv: KeyedVectors,
    run_id: str,
    s: map_settings.MapSettings,
    laid: _LaidOut,
    words: list[str],
    counts: np.ndarray,
) -> tuple[np.ndarray | None, str, dict[int, str] | None]:
    """``(color, color_title, cluster_names)`` of the map's points, as chosen."""
    base, extras = laid.base, laid.extras
    if s.colouring == "KMeans cluster":
        k = s.k
        if laid.isolated is not None:  # a few words: groups of about three, not one each
            k = max(1, min(k, len(base) // 3))
        color = _clusters(run_id, laid.fingerprint, base, k, _kv=kv)
        if extras:  # a placed word takes the group of its nearest laid-out word
            added = layout.nearest_labels(kv.unit(list(extras)), kv.unit(list(base)), color)
            color = np.concatenate([color, added])
        m = len(base)  # named by the laid-out words: a search renames no group
        names = labels.cluster_names(color[:m], words[:m], counts[:m], vectors=kv.unit(list(base)))
        return color, "cluster", names
    if s.colouring == "frequency (log)":
        if counts.any():
            return np.log10(counts.astype(float) + 1.0), "log10 frequency", None
        st.caption("These vectors came without word frequencies: no frequency colours.")
    return None, "", None


def _neighbours_table(kv: KeyedVectors, query: str, neighbours: list[tuple[str, float]]) -> None:
    st.markdown(f"**Nearest neighbours of “{md(query)}”** (cosine similarity, full space)")
    table = pd.DataFrame(
        {
            "word": [w for w, _ in neighbours],
            "similarity": [round(s, 4) for _, s in neighbours],
            "frequency": [kv.count(w) for w, _ in neighbours],
        }
    )
    st.dataframe(table, hide_index=True, key="map_neighbours")


def _axis_titles(
    method: str, axes: tuple[tuple[str, str], tuple[str, str]] | None
) -> tuple[str, ...]:
    if method == "custom axes" and axes is not None:
        return tuple(f"{a} → {b}" for a, b in axes)
    if method == "PCA":
        return ("PC 1", "PC 2", "PC 3")
    return ("", "", "")


def _axes_inputs(kv: KeyedVectors, run_id: str) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """The four custom-axis words; None (after a warning) if one is unusable."""
    keys = ("map_axis_a", "map_axis_b", "map_axis_c", "map_axis_d")
    (a, b), (c, d) = layout.default_axis_pairs(kv)
    st.caption(
        "Horizontal axis = from A to B; vertical axis = from C to D. Most words are no "
        "more like A than B, so they make a cloud in the middle: look at the edges."
    )
    cols = st.columns(4)
    labels = ("x from (A)", "x to (B)", "y from (C)", "y to (D)")
    values = []
    for col, key, label, default in zip(cols, keys, labels, (a, b, c, d), strict=True):
        with col:
            values.append(st.text_input(label, **state.widget(key, default, basis=run_id)))
    try:
        a, b, c, d = (_resolve(kv, v) for v in values)
    except UnknownWordError as error:
        st.warning("Custom axes: " + unknown_message(error))
        return None
    except W2VError:  # too long to be a word: plausible() said so
        return None
    return (a, b), (c, d)


# -- training replay -------------------------------------------------------------------


def _render_replay(
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
