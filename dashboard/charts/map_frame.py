"""The word map's frame: layout, axes, legend, and the plot area its labels are placed in.

:func:`dashboard.charts.maps.scatter_map` draws the points and labels; this module
sizes what surrounds them.  A *compact* map (the first screen's) has thin margins
and its legend in rows below the plot, so its plot area depends on how many rows
the legend takes (:func:`legend_rows`).  No Streamlit.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go

from dashboard.charts import labels
from dashboard.charts.style import esc


def finish_map(
    fig: go.Figure,
    title: str,
    height: int,
    font_size: int,
    axis_titles: Sequence[str] | None,
    ranges: tuple[list[float], list[float]],
    *,
    showlegend: bool,
    three_d: bool,
    compact: bool,
) -> None:
    """Title, size, fonts, legend and axes of the map (a compact one: see :func:`_make_compact`)."""
    fig.update_layout(
        title=esc(title) if title else None,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        hoverlabel={"align": "left"},
        font={"size": max(12, font_size)},
        legend={"itemsizing": "constant", "font": {"size": max(12, font_size - 1)}},
        showlegend=showlegend,
    )
    _set_axes(fig, axis_titles, three_d, *ranges)
    if compact and not three_d:
        _make_compact(fig, font_size)


def _set_axes(
    fig: go.Figure,
    axis_titles: Sequence[str] | None,
    three_d: bool,
    x_range: list[float],
    y_range: list[float],
) -> None:
    """Axis titles (3-D: the scene's), and the fixed 2-D view."""
    titles = [esc(t) for t in axis_titles or ("", "", "")]
    if three_d:
        fig.update_layout(
            scene={
                "xaxis_title": titles[0],
                "yaxis_title": titles[1],
                "zaxis_title": titles[2] if len(titles) > 2 else "",
            }
        )
    else:
        fig.update_xaxes(title=titles[0], range=x_range, autorange=False, zeroline=False)
        fig.update_yaxes(title=titles[1], range=y_range, autorange=False, zeroline=False)


def _make_compact(fig: go.Figure, font_size: int) -> None:
    """A first-screen map: thin margins, the legend in rows below, no ticks or titles."""
    fig.update_layout(
        margin=COMPACT_MARGIN,
        legend={
            "orientation": "h", "yanchor": "top", "y": -0.01, "x": 0,
            "font": {"size": legend_font(font_size)}, "itemwidth": 30,
        },
    )  # fmt: skip
    # no ticks, and no axis title at all: an empty title still takes its room
    fig.update_xaxes(showticklabels=False, title=None)
    fig.update_yaxes(showticklabels=False, title=None)


def plot_area(
    fig: go.Figure, width: int, height: int, has_title: bool, legend: bool
) -> tuple[float, float]:
    """A cautious estimate of the plot area in pixels: figure minus margins, axis
    ticks and (for clusters) a legend of about 190 px on the right."""
    del fig
    plot_w = width - 20 - 50 - (190 if legend else 0)
    plot_h = height - (50 if has_title else 20) - 10 - 45
    return float(max(plot_w, 100)), float(max(plot_h, 100))


#: Margins of a compact map (the first screen's): the legend sits below the plot.
COMPACT_MARGIN = {"l": 2, "r": 2, "t": 6, "b": 4}
#: Pixels Plotly gives each legend entry besides its text (symbol and gaps, itemwidth 30).
LEGEND_ITEM_EXTRA = 40


def legend_font(font_size: int) -> int:
    """Legend type of a compact map: a little smaller than the labels."""
    return max(11, font_size - 2)


def legend_rows(names: Sequence[str], width: float, font_size: float) -> int:
    """How many rows a horizontal legend of ``names`` takes in ``width`` pixels.

    Entries are packed left to right as Plotly does; each is its text
    (:func:`dashboard.charts.labels.text_size`) plus :data:`LEGEND_ITEM_EXTRA`.
    """
    rows, used = 0, width
    for name in names:
        item = labels.text_size(html.unescape(name), font_size)[0] + LEGEND_ITEM_EXTRA
        if used + item > width:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def legend_height(rows: int, font_size: float) -> float:
    """Pixels of a horizontal legend of ``rows`` rows (Plotly: about 1.5 lines a row)."""
    return rows * (1.5 * font_size + 4) + 8 if rows else 0.0


def compact_plot_area(
    names: Sequence[str], width: int, height: int, font_size: int
) -> tuple[float, float]:
    """The plot area of a compact map: figure minus thin margins and the legend rows."""
    font = legend_font(font_size)
    m = COMPACT_MARGIN
    rows = legend_rows(names, width - m["l"] - m["r"], font)
    plot_w = width - m["l"] - m["r"]
    plot_h = height - m["t"] - m["b"] - legend_height(rows, font)
    return float(max(plot_w, 100)), float(max(plot_h, 100))
