"""The Map tab's controls: method, dimensions, colours, search, and the finer settings.

:func:`choose` draws them (the first choices on one row, the finer ones in an expander,
so that at 1280x720 the map starts on the first screen) and returns what they chose as
a :class:`MapSettings`; :mod:`dashboard.views.map` draws the map from it.  UMAP's own
two settings are :mod:`dashboard.map_umap`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st

from dashboard import downloads, map_umap, state
from dashboard.charts import maps, projection

if TYPE_CHECKING:  # pragma: no cover
    from w2v_core.vectors import KeyedVectors

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


@dataclass(frozen=True)
class MapSettings:
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


def choose(kv: KeyedVectors) -> MapSettings:
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
    return MapSettings(
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


def _bind(
    name: str,
    default: Any,
    valid: Callable[[Any], bool] | None = None,
    options: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """A map setting's widget arguments: the user's inputs (see :mod:`dashboard.state`)."""
    return state.widget(name, default, valid=valid, options=options)
