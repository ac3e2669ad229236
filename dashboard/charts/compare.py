"""Plotly figures for "is this neighbour real?" and "what changed?", as pure functions.

* :func:`seed_neighbour_bars` -- a word's neighbours across seeds: mean cosine with
  its spread as an error bar, coloured by how many seeds list it;
* :func:`movement_map` -- the words that moved most between two runs, an arrow from
  each word's place in run A to its place in (aligned) run B;
* :func:`pair_projection` -- the 2-D coordinates that map uses: one PCA for both runs.

Strings go through :func:`dashboard.charts.style.esc`: words come from corpora.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard.charts.style import POINT_COLOUR, esc
from w2v_core.stability import WordStability

#: Neighbours every seed lists, some do, and only one does.
ALL_SEEDS_COLOUR = "#2a6f97"
SOME_SEEDS_COLOUR = "#8fb8d8"
ONE_SEED_COLOUR = "#d1495b"
RUN_A_COLOUR = "#7f7f7f"
RUN_B_COLOUR = "#d62728"


def seed_colour(seeds: int, total: int) -> str:
    """Dark blue: every seed lists the neighbour; light: some; red: only one."""
    if seeds >= total:
        return ALL_SEEDS_COLOUR
    return ONE_SEED_COLOUR if seeds <= 1 else SOME_SEEDS_COLOUR


def seed_neighbour_bars(result: WordStability) -> go.Figure:
    """Horizontal bars: each neighbour's mean cosine over the seeds, ± its spread (one
    standard deviation), labelled with how many seeds list it among their top *n*."""
    items = list(reversed(result.neighbours))  # Plotly draws the first bar at the bottom
    labels = [
        f"{esc(n.word)}  ({n.seeds}/{result.seeds}{', one seed only' if n.seeds == 1 else ''})"
        for n in items
    ]
    fig = go.Figure(
        go.Bar(
            x=[n.mean_cosine for n in items],
            y=labels,
            orientation="h",
            marker={"color": [seed_colour(n.seeds, result.seeds) for n in items]},
            error_x={"type": "data", "array": [n.spread for n in items], "color": "#333",
                     "thickness": 1.5, "width": 4},
            hovertemplate="%{y}<br>mean cosine %{x:.3f} ± %{error_x.array:.3f}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(
        title=f"'{esc(result.word)}' over {result.seeds} seeds: stability {result.stability:.2f}",
        xaxis_title="mean cosine (± std. dev.)",
        height=max(260, 24 * len(items) + 110),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        showlegend=False,
    )
    return fig


def pair_projection(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2-D coordinates of two sets of rows (e.g. the same words in run A and in aligned
    run B) from one PCA of both together, so that the two are drawn in one space."""
    both = np.vstack([first, second]).astype(np.float64)
    centred = both - both.mean(axis=0)
    if len(both) < 2:
        return np.zeros((len(first), 2)), np.zeros((len(second), 2))
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:2].T
    if axes.shape[1] < 2:  # one-dimensional vectors: a flat second axis
        axes = np.hstack([axes, np.zeros((axes.shape[0], 2 - axes.shape[1]))])
    coords = centred @ axes
    return coords[: len(first)], coords[len(first) :]


def movement_map(
    words: Sequence[str], start: np.ndarray, end: np.ndarray, title: str = ""
) -> go.Figure:
    """An arrow per word from its place in run A (grey circle) to its place in run B
    after alignment (red dot, labelled)."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=start[:, 0], y=start[:, 1], mode="markers", name="this run (A)",
            marker={"size": 9, "color": "white", "line": {"color": RUN_A_COLOUR, "width": 2}},
            text=[esc(w) for w in words], hovertemplate="%{text} in run A<extra></extra>",
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=end[:, 0], y=end[:, 1], mode="markers+text", name="the other run (B, aligned)",
            marker={"size": 9, "color": RUN_B_COLOUR},
            text=[esc(w) for w in words], textposition="top center",
            textfont={"size": 13, "color": "#222"},
            hovertemplate="%{text} in run B<extra></extra>",
        )
    )  # fmt: skip
    for (x0, y0), (x1, y1) in zip(start, end, strict=True):
        fig.add_annotation(
            x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
            showarrow=True, arrowhead=3, arrowsize=1.2, arrowwidth=1.5,
            arrowcolor=POINT_COLOUR, opacity=0.8, text="",
        )  # fmt: skip
    fig.update_layout(
        title=esc(title) if title else None,
        height=520,
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        legend={"orientation": "h", "y": -0.05},
        xaxis={"showticklabels": False, "title": "", "zeroline": False},
        yaxis={"showticklabels": False, "title": "", "zeroline": False},
    )  # fmt: skip
    return fig
