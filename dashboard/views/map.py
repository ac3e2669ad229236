"""The Map tab: the vocabulary flattened to 2-D/3-D, word search, and the training replay.

The heavy lifting is in :mod:`dashboard.charts.projection` (pure NumPy/scikit-learn) and
:mod:`dashboard.charts` (pure Plotly); this module only lays out widgets and
caches projections with ``st.cache_data``.  The cached functions are keyed by the
run id, a cheap fingerprint of the vectors and the parameters; the vectors
themselves travel in ``_``-prefixed arguments that Streamlit does not hash.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import downloads, map_replay, map_selection, map_umap, presentation, state
from dashboard.charts import labels, layout, maps, projection
from dashboard.queries import resolve_word
from dashboard.views import Context, guard, md, plausible, tab_run, unknown_message
from w2v_core.errors import UnknownWordError, W2VError
from w2v_core.vectors import KeyedVectors

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run

#: The map's slider goes up to this many most frequent words (PCA and WebGL cope).
MAX_WORDS = 100_000
#: Vocabularies up to this size get a plain slider; larger ones the steps of MAP_SIZES.
SMOOTH_UP_TO = 2000
MAP_SIZES = (10, 50, 100, 200, 300, 500, 1000, 2000, 3000, 5000, 10_000, 20_000, 50_000, 100_000)
#: t-SNE is offered up to this many words: a few seconds there, minutes beyond.
TSNE_MAX_WORDS = 3000
DEFAULT_WORDS = 300
DEFAULT_LABELS = 30
MAX_LABELS = 150
METHODS = ("t-SNE", "UMAP", "PCA", "custom axes")
COLOURINGS = ("KMeans cluster", "frequency (log)", "none")
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


@st.cache_data(show_spinner="Clustering…", max_entries=64)
def _clusters(
    run_id: str, fingerprint: str, rows: tuple[int, ...], k: int, _kv: KeyedVectors
) -> np.ndarray:
    return projection.kmeans_labels(_kv.unit(list(rows)), k, seed=0)


# -- small helpers ---------------------------------------------------------------------


def _bind(
    name: str,
    default: Any,
    valid: Callable[[Any], bool] | None = None,
    options: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """A map setting's widget arguments: the user's inputs (see :mod:`dashboard.state`)."""
    return state.widget(name, default, valid=valid, options=options)


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
            map_replay.render(run.kv, run.key, run.snapshots, run.snapshot_words, query)


@dataclass(frozen=True)
class _MapSettings:
    """What the Map tab's controls chose."""

    n: int
    n_labels: int
    method: str
    dims: int
    perplexity: float | None
    seed: int | None
    umap_settings: tuple[int, float]
    colouring: str
    k: int
    raw_query: str
    topn: int
    zoom: bool
    image_format: str


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
    s = _map_settings(kv)
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


def _map_settings(kv: KeyedVectors) -> _MapSettings:
    """The map's controls: the choices people make first on one row, the finer ones in
    an expander (at 1280x720 the map itself must start on the first screen)."""
    max_n = min(MAX_WORDS, len(kv))
    method_col, dims_col, colour_col, search_col = st.columns(
        [1.95, 0.75, 1.0, 1.15],
        vertical_alignment="bottom",  # four methods on one line
    )
    more = st.expander("Map settings: words, labels, t-SNE/UMAP, clusters, neighbours, image")
    left, middle, right = more.columns(3)
    with left:
        n = _words_on_map(max_n, min(10, max_n))
        n_labels = st.slider(
            "Words labelled (most frequent first)",
            min_value=0,
            max_value=MAX_LABELS,
            **_bind("map_n_labels", DEFAULT_LABELS, lambda v: 0 <= v <= MAX_LABELS),
            help="Labels that would overlap are left out; hover over a dot for its word.",
        )
    with method_col:
        method = st.radio(
            "Method",
            METHODS,
            **_bind("map_method", METHODS[0], options=METHODS),
            horizontal=True,
            help=map_umap.WHICH_METHOD,
        )
    if method == "t-SNE" and n > TSNE_MAX_WORDS:
        st.caption(
            f"t-SNE is offered up to {TSNE_MAX_WORDS:,} words (seconds there, minutes "
            f"beyond): PCA is drawn for these {n:,}."
        )
        method = "PCA"
    method = map_umap.within_reach(method, n)
    with dims_col:
        dims_choice = st.radio(
            "Dimensions",
            ("2D", "3D"),
            **_bind("map_dims", "2D", options=("2D", "3D")),
            horizontal=True,
            disabled=method == "custom axes",
            help="Custom axes are always 2-D.",
        )
    with middle:
        perplexity, seed, umap_settings = _method_settings(method, n)
    with colour_col:
        colouring = st.selectbox(
            "Colour by", COLOURINGS, **_bind("map_colour", COLOURINGS[0], options=COLOURINGS)
        )
    k = 0
    with right:
        if colouring == "KMeans cluster":
            k = st.slider(
                "Number of clusters",
                min_value=2,
                max_value=20,
                **_bind("map_k", 8, lambda v: 2 <= v <= 20),
            )
    with search_col:
        raw_query = st.text_input(
            "Find a word", **_bind("map_query", ""), placeholder="type a word, press Enter"
        )
    with middle:
        topn = st.slider(
            "Neighbours of the word found",
            min_value=1,
            max_value=30,
            **_bind("map_topn", 10, lambda v: 1 <= v <= 30),
        )
    with right:
        zoom = st.toggle(
            "Zoom in on the word found",
            **_bind("map_zoom", False),
            help="Zoom to the searched word and its neighbours (2-D maps). "
            "Double-click the chart to come back here; its home button shows everything.",
        )
        image_format = downloads.image_format_choice()
    return _MapSettings(
        n=n,
        n_labels=n_labels,
        method=method,
        dims=3 if dims_choice == "3D" and method != "custom axes" else 2,
        perplexity=perplexity,
        seed=seed,
        umap_settings=umap_settings,
        colouring=colouring,
        k=k,
        raw_query=raw_query,
        topn=topn,
        zoom=zoom,
        image_format=image_format,
    )


def _words_on_map(max_n: int, low_n: int) -> int:
    """How many words the map lays out, the most frequent first."""
    if max_n > SMOOTH_UP_TO:
        # A linear slider to 100,000 cannot pick 300: steps that grow with the size.
        sizes = [v for v in MAP_SIZES if v < max_n] + [max_n]
        return st.select_slider(
            "Words on the map (most frequent first)",
            options=sizes,
            **_bind("map_n_words_big", DEFAULT_WORDS, lambda v: v in sizes),
            format_func=lambda v: f"{v:,}",
            help=f"PCA draws up to {MAX_WORDS:,} words (with WebGL from "
            f"{maps.WEBGL_FROM:,}); t-SNE up to {TSNE_MAX_WORDS:,}.",
        )
    if max_n > low_n:
        return st.slider(
            "Words on the map (most frequent first)",
            min_value=low_n,
            max_value=max_n,
            **_bind("map_n_words", min(DEFAULT_WORDS, max_n), lambda v: low_n <= v <= max_n),
        )
    st.caption(f"All {max_n} words are shown.")
    return max_n


def _method_settings(method: str, n: int) -> tuple[float | None, int | None, tuple[int, float]]:
    """``(perplexity, seed, umap_settings)``: the settings of the chosen method."""
    perplexity: float | None = None
    seed: int | None = None
    umap_settings = map_umap.DEFAULTS
    if method == "t-SNE":
        perplexity = st.slider(
            "t-SNE perplexity",
            min_value=2,
            max_value=100,
            **_bind("map_perplexity", 30, lambda v: 2 <= v <= 100),
            help="Roughly how many neighbours each word tries to stay close to.",
        )
        used = projection.effective_perplexity(n, perplexity)
        if used < perplexity:
            st.caption(f"With {n} words the perplexity is capped at {used:.1f}.")
        seed = int(
            st.number_input(
                "t-SNE seed", min_value=0, max_value=2**31 - 1, step=1, **_bind("map_seed", 0)
            )
        )
    elif method == "PCA":
        st.caption("PCA: the directions along which the words differ most.")
    elif method == "UMAP":
        umap_settings, seed = map_umap.settings()
    return perplexity, seed, umap_settings


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
    s: _MapSettings,
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
    s: _MapSettings,
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
