"""UMAP on the Map tab: its two settings, and the one-off wait while its code compiles.

:mod:`dashboard.charts.projection` imports ``umap-learn`` (and numba) only when UMAP is first
chosen, so the first screen never waits for it; the first UMAP map on a server then
compiles numba code for a while, which :func:`ensure_ready` shows as it happens.
"""

from __future__ import annotations

import streamlit as st

from dashboard import state
from dashboard.charts import projection

#: UMAP is offered up to this many words.  Up to 4,095 umap-learn finds the neighbours
#: exactly; from 4,096 it switches to NN-descent (pynndescent), which compiles its own code.
UMAP_MAX_WORDS = 4000

DEFAULTS = (projection.UMAP_NEIGHBOURS, projection.UMAP_MIN_DIST)
"""``(n_neighbors, min_dist)`` before the user moves a slider."""

WHICH_METHOD = (
    "t-SNE: the tightest local groups, up to 3,000 words (seconds).  "
    "UMAP: groups *and* more of how they sit relative to each other; the first UMAP on "
    "a server compiles code (about half a minute, once).  "
    "PCA: a faithful linear shadow, any number of words, instant; its axes mean something."
)
"""When to pick which method: the help of the Method choice."""


def within_reach(method: str, n: int) -> str:
    """``method``, or PCA (with a note) when UMAP is asked for more words than it is offered."""
    if method == "UMAP" and n > UMAP_MAX_WORDS:
        st.caption(f"UMAP is offered up to {UMAP_MAX_WORDS:,} words: PCA is drawn for {n:,}.")
        return "PCA"
    return method


def settings() -> tuple[tuple[int, float], int]:
    """Draw UMAP's settings in the current column: ``((n_neighbors, min_dist), seed)``.

    The seed is the map's one seed input (``map_seed``), shared with t-SNE.
    """
    neighbours = st.slider(
        "UMAP neighbours",
        min_value=2,
        max_value=100,
        **state.widget(
            "map_umap_neighbours", projection.UMAP_NEIGHBOURS, valid=lambda v: 2 <= v <= 100
        ),
        help="Few: small, tight groups. Many: the overall layout of the groups.",
    )
    min_dist = st.slider(
        "UMAP minimum distance",
        min_value=0.0,
        max_value=0.99,
        step=0.01,
        **state.widget("map_umap_min_dist", projection.UMAP_MIN_DIST, valid=lambda v: 0 <= v < 1),
        help="0: words of a group packed into clumps. Near 1: spread evenly.",
    )
    seed = st.number_input(
        "UMAP seed", min_value=0, max_value=2**31 - 1, step=1, **state.widget("map_seed", 0)
    )
    return (int(neighbours), float(min_dist)), int(seed)


def ensure_ready() -> None:
    """Import and compile UMAP once per server, showing the steps while it happens."""
    if projection.umap_ready():
        return
    with st.status(
        "Preparing UMAP: its first use on this server compiles code (about half a minute, once)…",
        expanded=True,
    ) as status:
        bar = st.progress(0.0)

        def report(share: float, text: str) -> None:
            bar.progress(share, text=text)

        seconds = projection.prepare_umap(report)
        status.update(
            label=f"UMAP is ready (prepared in {seconds:.0f} s).", state="complete", expanded=False
        )
