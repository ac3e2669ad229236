"""Plotly figures for "why are these words close?", as pure functions (no Streamlit).

Three pictures of :mod:`w2v_core.contexts`: a word's characteristic context words
(:func:`context_bars`), the contexts two words share, one word on each side
(:func:`shared_bars`), and, for two words that are not close, the company each keeps
instead (:func:`company_bars`).  Plus :func:`selection_rows`, which turns a Plotly
selection event of the map into the rows of the selected words.

Every word goes through :func:`dashboard.charts.style.esc`: Plotly reads ``<b>``, ``<a>``
and ``<br>`` in labels, and words come from arbitrary corpora.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.style import esc
from w2v_core.contexts import ContextScore, PairExplanation

WORD_COLOUR = "#1f77b4"
OTHER_COLOUR = "#ff7f0e"
FONT_SIZE = 16  # read from the back of a classroom
BAR_HEIGHT = 34  # pixels per bar, so long lists stay legible


def bar_text(ppmi: float, count: int, short: bool = False) -> str:
    """A bar's label: first what its length measures (the PPMI), then the count in
    words.  "100×" beside a PPMI axis read as "100 times more often than chance"."""
    return (
        f"{ppmi:.1f} · {count:,} times" if short else f"{ppmi:.1f} · seen together {count:,} times"
    )


#: The x axis of every PPMI chart.  PPMI is a natural log: 1 is e ≈ 2.7 times as often
#: as chance, 3 is e³ ≈ 20 times.
PPMI_AXIS = "how much more often than chance (PPMI: 1 ≈ 2.7×, 2 ≈ 7×, 3 ≈ 20×)"


def _height(n_bars: int) -> int:
    return 120 + BAR_HEIGHT * max(n_bars, 1)


def _legible(fig: go.Figure) -> go.Figure:
    """Fonts large enough for a projector (Streamlit's theme otherwise shrinks them)."""
    fig.update_xaxes(tickfont_size=FONT_SIZE - 2, title_font_size=FONT_SIZE - 2)
    fig.update_yaxes(tickfont_size=FONT_SIZE)
    fig.update_layout(
        title_font_size=FONT_SIZE + 2, legend_font_size=FONT_SIZE, font_size=FONT_SIZE
    )
    fig.update_annotations(font_size=FONT_SIZE)  # subplot titles
    fig.update_traces(textfont_size=FONT_SIZE - 2)
    return fig


def _ppmi_bar(scores: Sequence[ContextScore], colour: str, **trace: Any) -> go.Bar:
    """Horizontal bars of context words: length the PPMI, label the times seen together."""
    return go.Bar(
        x=[s.ppmi for s in scores],
        y=[esc(s.word) for s in scores],
        orientation="h",
        marker_color=colour,
        text=[bar_text(s.ppmi, s.count) for s in scores],
        textposition="outside",
        cliponaxis=False,
        **trace,
    )


def context_bars(word: str, scores: Sequence[ContextScore]) -> go.Figure:
    """The word's most characteristic context words, most characteristic on top.

    Bar length is the PPMI ("how much more often than chance"), the label the count
    ``#(word, c)``.
    """
    scores = list(scores)[::-1]  # Plotly draws the first bar at the bottom
    fig = go.Figure(
        _ppmi_bar(
            scores,
            WORD_COLOUR,
            customdata=[[s.count] for s in scores],
            hovertemplate="%{y}: near '" + esc(word) + "' %{customdata[0]:,} times"
            "<br>PPMI %{x:.2f}<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"Words found near '{esc(word)}' more often than chance",
        xaxis_title=PPMI_AXIS,
        # room right of the longest bar for its label ("2.9 · seen together 1,234 times")
        xaxis_range=[0, max([s.ppmi for s in scores] + [0.5]) * 1.9],
        height=_height(len(scores)),
        margin={"l": 10, "r": 60, "t": 50, "b": 10},
        font_size=FONT_SIZE,
        showlegend=False,
    )
    fig.update_yaxes(type="category")
    return _legible(fig)


def shared_bars(pair: PairExplanation) -> go.Figure:
    """Shared context words: the first word's PPMI to the left, the second's to the right.

    Rows are ordered by each context's share of the two words' closeness (largest on
    top); the labels are the counts with each word.
    """
    shared = pair.shared[::-1]
    labels = [esc(s.word) for s in shared]
    fig = go.Figure()
    for side, sign, colour, ppmi, count in (
        (pair.a, -1, WORD_COLOUR, [s.ppmi_a for s in shared], [s.count_a for s in shared]),
        (pair.b, 1, OTHER_COLOUR, [s.ppmi_b for s in shared], [s.count_b for s in shared]),
    ):
        fig.add_trace(
            go.Bar(
                x=[sign * value for value in ppmi],
                y=labels,
                orientation="h",
                name=f"near '{esc(side)}'",
                marker_color=colour,
                text=[bar_text(p, c, short=True) for p, c in zip(ppmi, count, strict=True)],
                textposition="outside",
                cliponaxis=False,
                customdata=np.column_stack([count, ppmi]) if shared else None,
                hovertemplate="%{y}: near '" + esc(side) + "' %{customdata[0]:,} times"
                "<br>PPMI %{customdata[1]:.2f}<extra></extra>",
            )
        )
    # room beside the longest bars for their labels ("2.9 · 1,234 times")
    limit = max([s.ppmi_a for s in shared] + [s.ppmi_b for s in shared] + [1.0]) * 1.6
    step = 1.0 if limit <= 6 else float(np.ceil(limit / 6))
    ticks = [
        float(v) for v in np.arange(-np.floor(limit / step), np.floor(limit / step) + 1) * step
    ]
    fig.update_layout(
        barmode="relative",
        title=f"Context words '{esc(pair.a)}' and '{esc(pair.b)}' share",
        xaxis={
            "range": [-limit, limit],
            "tickvals": ticks,
            "ticktext": [f"{abs(v):g}" for v in ticks],
            "title": PPMI_AXIS + " · label: PPMI · times seen together",
            "zeroline": True,
        },
        height=_height(len(shared)),
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
        font_size=FONT_SIZE,
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0.5, "xanchor": "center"},
    )
    fig.update_yaxes(type="category")
    return _legible(fig)


def company_bars(pair: PairExplanation) -> go.Figure:
    """Two words that share little: each one's own characteristic contexts, side by side."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[f"near '{esc(pair.a)}'", f"near '{esc(pair.b)}'"],
        horizontal_spacing=0.18,
    )
    for col, scores, colour in ((1, pair.only_a, WORD_COLOUR), (2, pair.only_b, OTHER_COLOUR)):
        scores = list(scores)[::-1]
        fig.add_trace(
            _ppmi_bar(
                scores, colour, hovertemplate="%{y}: PPMI %{x:.2f}<extra></extra>", showlegend=False
            ),
            row=1,
            col=col,
        )
        fig.update_yaxes(type="category", row=1, col=col)
    fig.update_layout(
        title=f"'{esc(pair.a)}' and '{esc(pair.b)}' keep different company",
        height=_height(max(len(pair.only_a), len(pair.only_b))),
        margin={"l": 10, "r": 50, "t": 90, "b": 10},
        font_size=FONT_SIZE,
    )
    return _legible(fig)


def selection_rows(event: Any, coords: np.ndarray) -> list[int]:
    """Rows of ``coords`` a Plotly selection event picked (a click, a box or a lasso).

    ``event`` is what ``st.plotly_chart(..., on_select="rerun")`` returns, or its
    ``selection`` mapping.  Points are matched to the map's coordinates, not to trace
    and point numbers, so it works whatever traces the figure is made of (clusters,
    highlighted words, labels): a selected point is the row drawn exactly there.
    Repeats are dropped and the order of the event is kept.
    """
    if event is None:
        return []
    selection = event.get("selection", event) if isinstance(event, Mapping) else None
    if selection is None:
        selection = getattr(event, "selection", None)
    points = selection.get("points", []) if isinstance(selection, Mapping) else []
    coords = np.asarray(coords, dtype=np.float64)
    if not len(points) or coords.ndim != 2 or not len(coords):
        return []
    span = float(np.ptp(coords, axis=0).max()) or 1.0
    axes = ("x", "y", "z")[: coords.shape[1]]
    rows: list[int] = []
    for point in points:
        if not isinstance(point, Mapping):
            continue
        try:
            where = np.array([float(point[axis]) for axis in axes])
        except (KeyError, TypeError, ValueError):
            continue
        distance = np.abs(coords - where).max(axis=1)
        row = int(np.argmin(distance))
        if distance[row] <= 1e-6 * span and row not in rows:
            rows.append(row)
    return rows
