"""The word map: a scatter plot of words with readable labels, 2-D or 3-D (no Streamlit).

:func:`scatter_map` draws the points (one trace per cluster, or one on a colour scale),
places labels without overlap (:mod:`dashboard.charts.labels`), draws the searched and
the axis words on top, and lays the figure out; each step is a small function here.
Strings go through :func:`dashboard.charts.style.esc`: words come from corpora.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from dashboard.charts import labels
from dashboard.charts.style import HIGHLIGHT_COLOUR, HIGHLIGHT_NAME, POINT_COLOUR, esc

CLUSTER_COLOURS = (
    "#1f77b4",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#7b4173",
    "#3182bd",
    "#31a354",
    "#756bb1",
    "#636363",
    "#9c9ede",
    "#cedb9c",
    "#6baed6",
)
"""One colour per cluster; no red, so the highlight colour stays unique."""
AXIS_WORD_COLOUR = "#111111"
LABEL_COLOUR = "#222222"
LABEL_MARKER = 12
"""Marker diameter (px) that label offsets are computed for: the highlighted dots' size."""
MAP_HEIGHT = 600
MAP_WIDTH_HINT = 760
"""Assumed figure width in pixels when placing labels.  Streamlit stretches the chart
to its column, usually wider than this: the real gaps between labels are then larger
than estimated, never smaller."""


def hover_text(words: Sequence[str], counts: Sequence[int], extra: Sequence[str] | None = None):
    lines = []
    for i, (word, count) in enumerate(zip(words, counts, strict=True)):
        line = f"<b>{esc(word)}</b><br>frequency: {int(count):,}"
        if extra is not None:
            line += f"<br>{extra[i]}"
        lines.append(line)
    return lines


#: From this many points on, 2-D maps are drawn with WebGL (``Scattergl``): SVG slows the
#: browser to a crawl at tens of thousands of points, WebGL draws 100,000 smoothly.
WEBGL_FROM = 5000


def _trace(coords: np.ndarray, **kwargs) -> go.Scatter | go.Scattergl | go.Scatter3d:
    if coords.shape[1] == 3:
        marker = kwargs.pop("marker", None)
        if marker is not None:
            marker = dict(marker, size=max(2, marker.get("size", 6) - 2))
            kwargs["marker"] = marker
        kwargs.pop("cliponaxis", None)
        return go.Scatter3d(x=coords[:, 0], y=coords[:, 1], z=coords[:, 2], **kwargs)
    if len(coords) >= WEBGL_FROM:
        kwargs.pop("cliponaxis", None)
        return go.Scattergl(x=coords[:, 0], y=coords[:, 1], **kwargs)
    return go.Scatter(x=coords[:, 0], y=coords[:, 1], **kwargs)


def _zoom_range(values: np.ndarray) -> list[float]:
    """A range around ``values`` with 25 % margins (at least 5 % of the whole map)."""
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = max(0.25 * (hi - lo), 1e-9)
    return [lo - pad, hi + pad]


def scatter_map(
    coords: np.ndarray,
    words: Sequence[str],
    counts: Sequence[int],
    color: np.ndarray | None = None,
    color_title: str = "",
    highlight: Sequence[str] | None = None,
    title: str = "",
    axis_titles: Sequence[str] | None = None,
    *,
    cluster_names: dict[int, str] | None = None,
    n_labels: int = 30,
    font_size: int = 12,
    marked: Sequence[str] | None = None,
    highlight_name: str = HIGHLIGHT_NAME,
    zoom: bool = False,
    dim: bool = True,
    height: int = MAP_HEIGHT,
    width_hint: int = MAP_WIDTH_HINT,
    compact: bool = False,
) -> go.Figure:
    """Scatter plot of words with readable labels, 2-D or 3-D (``coords.shape[1]``).

    Parameters
    ----------
    coords : numpy.ndarray
        ``(n, 2)`` or ``(n, 3)`` coordinates.
    words, counts : sequences
        The word and its corpus frequency for each row (shown on hover).
    color : numpy.ndarray, optional
        Integer categories (clusters: one trace, colour and legend entry each) or
        floats (one trace on a colour scale).
    color_title : str
        Name of the colouring, for the colour bar and hover text.
    highlight : sequence of str, optional
        Words drawn on top in :data:`HIGHLIGHT_COLOUR` (used by no cluster), larger
        and labelled (e.g. a searched word and its neighbours); unknown words are ignored.
    title : str
        Figure title.
    axis_titles : sequence of str, optional
        One title per axis (e.g. ``"man → woman"`` for custom axes).
    cluster_names : dict, optional
        Legend name of each integer category, e.g. ``{0: "king · queen · prince"}``.
    n_labels : int
        How many of the most frequent words get a label (2-D: fewer if they would
        overlap, see :mod:`dashboard.charts.labels`; 3-D: at most 15).
    font_size : int
        Label font size in pixels (larger in presentation mode).
    marked : sequence of str, optional
        Words drawn as black diamonds and always labelled (the custom-axis words).
    highlight_name : str
        Legend entry of the highlighted words.
    zoom : bool
        Set the 2-D view to the highlighted words (double-click a zoomed Plotly
        chart to return to this view; the toolbar's home button shows everything).
    dim : bool
        Fade the other words while some are highlighted (a search); off when the
        highlighted words are only pointed out (the overview).
    height, width_hint : int
        Figure height, and the width assumed for label placement.
    compact : bool
        A small map for a first screen (the overview): the legend in rows *below* the
        plot (not a column on its right, which would take a third of a narrow map), no
        axis ticks or titles, thin margins; the labels are placed for that plot area.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces, in order: the points (one per cluster, or one named "words"); "labels"
        (text only, 2-D and 3-D); "marked" and "highlighted" when given.
    """
    coords = np.asarray(coords, dtype=float)
    if coords.ndim != 2 or coords.shape[1] not in (2, 3) or len(coords) != len(words):
        raise ValueError(f"coords must be ({len(words)}, 2 or 3), got {coords.shape}")
    words = list(words)
    counts = np.asarray(counts)
    index = {w: i for i, w in enumerate(words)}
    hl_rows = list(dict.fromkeys(index[w] for w in highlight or () if w in index))
    mk_rows = [i for i in dict.fromkeys(index[w] for w in marked or () if w in index)]
    mk_rows = [i for i in mk_rows if i not in hl_rows]
    three_d = coords.shape[1] == 3
    fig = go.Figure()
    opacity = 0.35 if hl_rows and dim else 0.8
    categorical = color is not None and np.issubdtype(np.asarray(color).dtype, np.integer)
    groups = np.asarray(color) if categorical else None
    if groups is not None:
        _add_cluster_traces(fig, coords, words, counts, groups, cluster_names or {}, opacity)
    else:
        _add_word_trace(fig, coords, words, counts, color, color_title, opacity)

    # the view: everything, or the highlighted words
    x_range, y_range = padded_range(coords[:, 0]), padded_range(coords[:, 1])
    if zoom and hl_rows and not three_d:
        x_range, y_range = _zoom_range(coords[hl_rows, 0]), _zoom_range(coords[hl_rows, 1])

    # labels: searched/marked words first, then the most frequent, without overlap
    priority = hl_rows + mk_rows
    callouts: dict[int, tuple[int, int]] = {}
    if three_d:
        order = labels.label_order(counts, words=words, groups=groups)
        frequent = [i for i in order if i not in priority][: min(n_labels, 15)]
        positions = {i: "top center" for i in priority + frequent}
    else:
        if compact:
            entries = [t.name for t in fig.data if t.showlegend is not False and t.name]
            entries += ["axis words"] * bool(mk_rows) + [esc(highlight_name)] * bool(hl_rows)
            plot_area = _compact_plot_area(entries, width_hint, height, font_size)
        else:
            plot_area = _plot_area(fig, width_hint, height, bool(title), categorical)
        positions, callouts = _place_2d_labels(
            coords, words, counts, groups, priority, (x_range, y_range), plot_area,
            n_labels=n_labels, font_size=font_size, compact=compact,
        )  # fmt: skip
        if hl_rows and hl_rows[0] not in positions:  # the searched word is always named
            positions[hl_rows[0]] = "top center"
    plain = [i for i in positions if i not in priority]
    _add_label_trace(fig, coords, words, plain, positions, font_size)

    text = _SpecialText(words, counts, positions, callouts, font_size)
    if mk_rows:
        marker = {"size": 12, "color": AXIS_WORD_COLOUR, "symbol": "diamond"}
        _add_special_trace(fig, coords, mk_rows, "axis words", marker, text)
    if hl_rows:
        marker = {"size": 12, "color": HIGHLIGHT_COLOUR, "line": {"width": 1, "color": "white"}}
        _add_special_trace(fig, coords, hl_rows, highlight_name, marker, text)
    _add_callouts(fig, coords, words, callouts, hl_rows, font_size)

    _finish_map(
        fig, title, height, font_size, axis_titles, (x_range, y_range),
        showlegend=categorical or bool(hl_rows) or bool(mk_rows),
        three_d=three_d, compact=compact,
    )  # fmt: skip
    return fig


def _add_cluster_traces(
    fig: go.Figure,
    coords: np.ndarray,
    words: list[str],
    counts: np.ndarray,
    groups: np.ndarray,
    names: dict[int, str],
    opacity: float,
) -> None:
    """One trace per cluster: its own colour and legend entry (the cluster's name)."""
    for c in sorted({int(v) for v in groups}):
        rows = np.flatnonzero(groups == c)
        name = names.get(c, f"cluster {c}")
        fig.add_trace(
            _trace(
                coords[rows],
                mode="markers",
                marker={
                    "size": 7,
                    "color": CLUSTER_COLOURS[c % len(CLUSTER_COLOURS)],
                    "opacity": opacity,
                },
                hovertext=hover_text(
                    [words[i] for i in rows],
                    counts[rows],
                    [f"cluster: {esc(name)}"] * len(rows),
                ),
                hoverinfo="text",
                name=esc(name),
                legendgroup=f"c{c}",
            )
        )


def _add_word_trace(
    fig: go.Figure,
    coords: np.ndarray,
    words: list[str],
    counts: np.ndarray,
    color: np.ndarray | None,
    color_title: str,
    opacity: float,
) -> None:
    """All the words as one trace, in one colour or on a colour scale of ``color``."""
    marker: dict = {"size": 7, "color": POINT_COLOUR, "opacity": opacity}
    extra = None
    if color is not None:
        values = np.asarray(color, dtype=float)
        marker.update(
            color=values.tolist(),
            colorscale="Viridis",
            showscale=True,
            colorbar={"title": {"text": esc(color_title)}},
        )
        extra = [f"{esc(color_title)}: {v:.3g}" for v in values]
    fig.add_trace(
        _trace(
            coords,
            mode="markers",
            marker=marker,
            hovertext=hover_text(words, counts, extra),
            hoverinfo="text",
            name="words",
            showlegend=False,
        )
    )


def _place_2d_labels(
    coords: np.ndarray,
    words: list[str],
    counts: np.ndarray,
    groups: np.ndarray | None,
    priority: list[int],
    ranges: tuple[list[float], list[float]],
    plot_area: tuple[float, float],
    *,
    n_labels: int,
    font_size: int,
    compact: bool,
) -> tuple[dict[int, str], dict[int, tuple[int, int]]]:
    """Label slots of a 2-D map (row -> text position) and the labels moved out to a
    callout (row -> offset in pixels): ``priority`` rows first, then the most frequent,
    without overlap (:func:`dashboard.charts.labels.place_labels`)."""
    plot_w, plot_h = plot_area
    pixels = labels.to_pixels(coords, tuple(ranges[0]), tuple(ranges[1]), plot_w, plot_h)
    order = labels.label_order(counts, priority, words, groups=groups)
    if compact:  # a small map names only words with a meaning ("1", "the": no label)
        order = order[: len(priority)] + [
            i for i in order[len(priority) :] if labels.is_meaningful(words[i])
        ]
    placed = labels.place_labels(
        pixels,
        words,
        order,
        n_labels,
        plot_w,
        plot_h,
        font_size=font_size,
        marker_size=LABEL_MARKER,
        always=len(priority),
        always_font_size=font_size + 1,  # as _add_special_trace draws them
        # no label may hide a highlighted dot
        obstacles=[labels.marker_box(*pixels[i], LABEL_MARKER) for i in priority],
        room=font_size * 0.5 if compact else 0.0,  # a small map: keep its key words clear
    )
    positions = {label.index: label.position for label in placed}
    callouts = {label.index: label.offset for label in placed if label.offset}
    return positions, callouts


def _add_label_trace(
    fig: go.Figure,
    coords: np.ndarray,
    words: list[str],
    plain: list[int],
    positions: dict[int, str],
    font_size: int,
) -> None:
    """The "labels" trace: text only, for the labelled words that are not drawn on top."""
    fig.add_trace(
        _trace(
            coords[plain] if plain else np.zeros((0, coords.shape[1])),
            # invisible markers of the dots' size: Plotly offsets text by the marker
            # radius, which is what the label boxes assume
            mode="markers+text",
            marker={"size": LABEL_MARKER, "opacity": 0},
            text=[esc(words[i]) for i in plain],
            textposition=[positions[i] for i in plain],
            textfont={"size": font_size, "color": LABEL_COLOUR},
            hoverinfo="skip",
            name="labels",
            showlegend=False,
            cliponaxis=True,
        )
    )


@dataclass(frozen=True)
class _SpecialText:
    """What the words drawn on top are written with: their label slots and callouts."""

    words: list[str]
    counts: np.ndarray
    positions: dict[int, str]
    callouts: dict[int, tuple[int, int]]
    font_size: int


def _add_special_trace(
    fig: go.Figure, coords: np.ndarray, rows: list[int], name: str, marker: dict, text: _SpecialText
) -> None:
    """Words drawn on top (searched or axis words), labelled in their marker's colour;
    a word whose label became a callout gets no text here (the callout names it)."""
    words, positions, callouts = text.words, text.positions, text.callouts
    fig.add_trace(
        _trace(
            coords[rows],
            mode="markers+text",
            marker=marker,
            text=[esc(words[i]) if i in positions and i not in callouts else "" for i in rows],
            textposition=[
                "top center" if i in callouts else positions.get(i, "top center") for i in rows
            ],
            textfont={"size": text.font_size + 1, "color": marker["color"]},
            hovertext=hover_text([words[i] for i in rows], text.counts[rows]),
            hoverinfo="text",
            name=esc(name),
        )
    )


def _add_callouts(
    fig: go.Figure,
    coords: np.ndarray,
    words: list[str],
    callouts: dict[int, tuple[int, int]],
    hl_rows: list[int],
    font_size: int,
) -> None:
    """Labels moved out of a crowd, each with a line to its dot."""
    for i, (dx, dy) in callouts.items():
        colour = HIGHLIGHT_COLOUR if i in hl_rows else AXIS_WORD_COLOUR
        fig.add_annotation(
            x=coords[i, 0], y=coords[i, 1], text=esc(words[i]), ax=dx, ay=dy,
            showarrow=True, arrowhead=0, arrowwidth=1, arrowcolor=colour, standoff=6,
            font={"size": font_size + 1, "color": colour},
        )  # fmt: skip


def _finish_map(
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


def _plot_area(
    fig: go.Figure, width: int, height: int, has_title: bool, legend: bool
) -> tuple[float, float]:
    """A cautious estimate of the plot area in pixels: figure minus margins, axis
    ticks and (for clusters) a legend of about 190 px on the right."""
    del fig
    plot_w = width - 20 - 50 - (190 if legend else 0)
    plot_h = height - (50 if has_title else 20) - 10 - 45
    return float(max(plot_w, 100)), float(max(plot_h, 100))


#: Margins of a compact map (see :func:`scatter_map`): the legend sits below the plot.
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


def _compact_plot_area(
    names: Sequence[str], width: int, height: int, font_size: int
) -> tuple[float, float]:
    """The plot area of a compact map: figure minus thin margins and the legend rows."""
    font = legend_font(font_size)
    m = COMPACT_MARGIN
    rows = legend_rows(names, width - m["l"] - m["r"], font)
    plot_w = width - m["l"] - m["r"]
    plot_h = height - m["t"] - m["b"] - legend_height(rows, font)
    return float(max(plot_w, 100)), float(max(plot_h, 100))


def padded_range(values: np.ndarray) -> list[float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = 0.05 * (hi - lo) or 1.0
    return [lo - pad, hi + pad]
