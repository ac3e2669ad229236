"""Plotly figures for the dashboard, as pure functions (no Streamlit).

Every string that reaches a figure -- words, run labels, titles -- goes through
:func:`esc`.  Plotly renders a subset of HTML (``<b>``, ``<a href>``, ``<br>``...)
in titles, labels, hover text and legends, and words come from arbitrary
corpora, so a token like ``<a href=...>`` must show up as text, not markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard import labels

QUALITATIVE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39",
    "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
)  # fmt: skip
HIGHLIGHT_COLOUR = "#d62728"
HIGHLIGHT_NAME = "searched word and its neighbours"
POINT_COLOUR = "#4c78a8"


def esc(text: object) -> str:
    """Text safe to put in a Plotly string: ``<``, ``>`` and ``&`` become entities.

    Quotes are left alone: they carry no meaning in Plotly's pseudo-HTML and
    Plotly does not decode ``&quot;``.
    """
    return html.escape(str(text), quote=False)


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title=esc(title) if title else None,
        xaxis_title=esc(x_title),
        yaxis_title=esc(y_title),
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        legend_title_text="",
    )
    return fig


# -- training curves -------------------------------------------------------------------


def _line(i: int) -> dict:
    """Line style of the i-th run: a colour of its own, the first (the run shown) thicker."""
    return {"color": QUALITATIVE[i % len(QUALITATIVE)], "width": 3 if i == 0 else 2}


#: How settings are written in short run labels (field -> label prefix).
SETTING_NAMES = {
    "corpus": "",
    "dim": "dim ",
    "window": "window ",
    "negatives": "neg ",
    "epochs": "epochs ",
    "min_count": "min-count ",
    "sample": "sample ",
    "alpha": "lr ",
    "seed": "seed ",
    "shared_negatives": "shared ",
    "batch_size": "batch ",
}


def differing_labels(settings: Sequence[dict], fallback: str = "run") -> list[str]:
    """Short legend labels naming only the settings that differ between the runs.

    ``[{"dim": 50, "window": 5}, {"dim": 100, "window": 5}]`` gives
    ``["dim 50", "dim 100"]``; runs that differ in nothing get ``"run 1"``, ``"run 2"``.
    Fields missing from a run count as different (``"dim ?"``); only fields of
    :data:`SETTING_NAMES` are named, in that order.
    """
    if not settings:
        return []
    fields = [
        f for f in SETTING_NAMES if any(f in s for s in settings)
        and len({repr(s.get(f)) for s in settings}) > 1
    ]  # fmt: skip
    labels_ = []
    for i, s in enumerate(settings):
        parts = [f"{SETTING_NAMES[f]}{_setting(s.get(f))}" for f in fields]
        labels_.append(", ".join(parts) if parts else f"{fallback} {i + 1}")
    # two runs identical in every named field but still different runs: number them
    if len(set(labels_)) < len(labels_):
        labels_ = [f"{label} (#{i + 1})" for i, label in enumerate(labels_)]
    return labels_


def _setting(value: object) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def loss_curve(
    runs: Sequence[tuple[str, Sequence[int], Sequence[float]]],
    x_title: str = "words processed",
    title: str = "",
) -> go.Figure:
    """Training loss against progress, one line per run.

    Parameters
    ----------
    runs : sequence of (label, xs, losses)
        ``xs`` are e.g. words processed at each logging step, ``losses`` the mean
        loss over the interval ending there.
    x_title, title : str
        Axis and figure titles.
    """
    fig = go.Figure()
    for i, (label, xs, losses) in enumerate(runs):
        fig.add_trace(
            go.Scatter(x=list(xs), y=list(losses), mode="lines", name=esc(label), line=_line(i))
        )
    fig.update_layout(hovermode="x unified", showlegend=len(runs) > 1)
    return _layout(fig, title, x_title, "loss")


def epoch_loss_curve(runs: Sequence[tuple[str, Sequence[float]]]) -> go.Figure:
    """Mean loss per epoch (x = 1 .. n), one line with markers per run."""
    fig = go.Figure()
    for i, (label, losses) in enumerate(runs):
        epochs = list(range(1, len(losses) + 1))
        fig.add_trace(
            go.Scatter(
                x=epochs, y=list(losses), mode="lines+markers", name=esc(label), line=_line(i)
            )
        )
    fig.update_layout(showlegend=len(runs) > 1)
    fig.update_xaxes(tickmode="linear", dtick=1, rangemode="tozero")
    return _layout(fig, "", "epoch", "mean loss")


# -- bars ------------------------------------------------------------------------------


def score_bars(items: Sequence[tuple[str, float]], title: str, x_title: str = "score") -> go.Figure:
    """Horizontal bars, best (highest) on top, each labelled with its value."""
    ranked = sorted(items, key=lambda item: -float(item[1]))
    labels = [esc(label) for label, _ in ranked]
    values = [float(value) for _, value in ranked]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            text=[f"{v:.3f}" for v in values],
            textposition="auto",
            marker_color=POINT_COLOUR,
            hovertemplate="%{y}: %{x:.4f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(height=max(250, 28 * len(values) + 90))
    return _layout(fig, title, x_title, "")


def eval_bars(sections: Sequence[tuple[str, float]], title: str) -> go.Figure:
    """Accuracy per evaluation section, in the given order (first on top), axis 0 .. 1.

    Values above 1 are taken as percentages and the axis follows them.
    """
    labels = [esc(name) for name, _ in sections]
    values = [float(value) for _, value in sections]
    top = 100.0 if values and max(values) > 1.0 else 1.0
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            text=[f"{v:.1f}" if top > 1 else f"{v:.1%}" for v in values],
            textposition="auto",
            marker_color=POINT_COLOUR,
            hovertemplate="%{y}: %{x:.4f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(range=[0, top])
    fig.update_layout(height=max(250, 28 * len(values) + 90))
    return _layout(fig, title, "accuracy (%)" if top > 1 else "accuracy", "")


# -- word map --------------------------------------------------------------------------

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


def _hover(words: Sequence[str], counts: Sequence[int], extra: Sequence[str] | None = None):
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
        overlap, see :mod:`dashboard.labels`; 3-D: at most 15).
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

    # the points: one trace per cluster (legend = cluster names) or one trace
    categorical = color is not None and np.issubdtype(np.asarray(color).dtype, np.integer)
    if categorical:
        color = np.asarray(color)
        names = cluster_names or {}
        for c in sorted({int(v) for v in color}):
            rows = np.flatnonzero(color == c)
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
                    hovertext=_hover(
                        [words[i] for i in rows],
                        counts[rows],
                        [f"cluster: {esc(name)}"] * len(rows),
                    ),
                    hoverinfo="text",
                    name=esc(name),
                    legendgroup=f"c{c}",
                )
            )
    else:
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
                hovertext=_hover(words, counts, extra),
                hoverinfo="text",
                name="words",
                showlegend=False,
            )
        )

    # the view: everything, or the highlighted words
    x_range, y_range = _padded_range(coords[:, 0]), _padded_range(coords[:, 1])
    if zoom and hl_rows and not three_d:
        x_range, y_range = _zoom_range(coords[hl_rows, 0]), _zoom_range(coords[hl_rows, 1])

    # labels: searched/marked words first, then the most frequent, without overlap
    priority = hl_rows + mk_rows
    positions: dict[int, str] = {}
    callouts: dict[int, tuple[int, int]] = {}
    if three_d:
        order = labels.label_order(counts, words=words, groups=color if categorical else None)
        frequent = [i for i in order if i not in priority][: min(n_labels, 15)]
        positions = {i: "top center" for i in priority + frequent}
    else:
        if compact:
            entries = [t.name for t in fig.data if t.showlegend is not False and t.name]
            entries += ["axis words"] * bool(mk_rows) + [esc(highlight_name)] * bool(hl_rows)
            plot_w, plot_h = _compact_plot_area(entries, width_hint, height, font_size)
        else:
            plot_w, plot_h = _plot_area(fig, width_hint, height, bool(title), categorical)
        pixels = labels.to_pixels(coords, tuple(x_range), tuple(y_range), plot_w, plot_h)
        order = labels.label_order(counts, priority, words, groups=color if categorical else None)
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
            always_font_size=font_size + 1,  # as special() draws them
            # no label may hide a highlighted dot
            obstacles=[labels.marker_box(*pixels[i], LABEL_MARKER) for i in priority],
            room=font_size * 0.5 if compact else 0.0,  # a small map: keep its key words clear
        )
        positions = {label.index: label.position for label in placed}
        callouts = {label.index: label.offset for label in placed if label.offset}
        if hl_rows and hl_rows[0] not in positions:  # the searched word is always named
            positions[hl_rows[0]] = "top center"
    plain = [i for i in positions if i not in priority]
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

    def special(rows: list[int], name: str, marker: dict) -> None:
        fig.add_trace(
            _trace(
                coords[rows],
                mode="markers+text",
                marker=marker,
                text=[esc(words[i]) if i in positions and i not in callouts else "" for i in rows],
                textposition=[
                    "top center" if i in callouts else positions.get(i, "top center") for i in rows
                ],
                textfont={"size": font_size + 1, "color": marker["color"]},
                hovertext=_hover([words[i] for i in rows], counts[rows]),
                hoverinfo="text",
                name=esc(name),
            )
        )

    if mk_rows:
        special(mk_rows, "axis words", {"size": 12, "color": AXIS_WORD_COLOUR, "symbol": "diamond"})
    if hl_rows:
        special(
            hl_rows,
            highlight_name,
            {"size": 12, "color": HIGHLIGHT_COLOUR, "line": {"width": 1, "color": "white"}},
        )

    for i, (dx, dy) in callouts.items():  # labels moved out, with a line to their dot
        colour = HIGHLIGHT_COLOUR if i in hl_rows else AXIS_WORD_COLOUR
        fig.add_annotation(
            x=coords[i, 0], y=coords[i, 1], text=esc(words[i]), ax=dx, ay=dy,
            showarrow=True, arrowhead=0, arrowwidth=1, arrowcolor=colour, standoff=6,
            font={"size": font_size + 1, "color": colour},
        )  # fmt: skip
    fig.update_layout(
        title=esc(title) if title else None,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        hoverlabel={"align": "left"},
        font={"size": max(12, font_size)},
        legend={"itemsizing": "constant", "font": {"size": max(12, font_size - 1)}},
        showlegend=categorical or bool(hl_rows) or bool(mk_rows),
    )
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
    if compact and not three_d:
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
    return fig


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
    (:func:`dashboard.labels.text_size`) plus :data:`LEGEND_ITEM_EXTRA`.
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


def _padded_range(values: np.ndarray) -> list[float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = 0.05 * (hi - lo) or 1.0
    return [lo - pad, hi + pad]


def replay_animation(
    frames: np.ndarray,
    words: Sequence[str],
    counts: Sequence[int],
    highlight: Sequence[str] | None = None,
    title: str = "",
    font_size: int = 12,
    height: int = 600,
    width_hint: int = 560,
) -> go.Figure:
    """Animated 2-D map over training epochs, with play/pause and an epoch slider.

    Parameters
    ----------
    frames : numpy.ndarray
        ``(E + 1, n, 2)`` coordinates in one common frame (frame 0 = before training).
    words, counts : sequences
        Word and frequency of each of the ``n`` points.
    highlight : sequence of str, optional
        Words drawn larger, in colour and labelled in every frame.
    title : str
        Figure title.
    font_size, height, width_hint : int
        Label font size (larger in presentation mode), figure height in pixels and the
        width assumed when keeping the labels apart.

    Returns
    -------
    plotly.graph_objects.Figure
        ``E + 1`` animation frames; the axis ranges cover every frame, so points
        move against fixed axes.
    """
    frames = np.asarray(frames, dtype=float)
    if frames.ndim != 3 or frames.shape[2] != 2 or frames.shape[1] != len(words):
        raise ValueError(f"frames must be (epochs + 1, {len(words)}, 2), got {frames.shape}")
    index = {w: i for i, w in enumerate(words)}
    rows = list(dict.fromkeys(index[w] for w in highlight or () if w in index))
    hover = _hover(words, counts)
    names = ["start"] + [f"epoch {e}" for e in range(1, len(frames))]
    x_range, y_range = _padded_range(frames[..., 0]), _padded_range(frames[..., 1])
    plot_w, plot_h = float(width_hint - 40), float(height - 70 - 20 - 80)

    def positions(xy: np.ndarray) -> list[str]:
        """Label slots for the highlighted rows of one frame; "" where none is free
        (the followed word, first, always gets one)."""
        pixels = labels.to_pixels(xy, tuple(x_range), tuple(y_range), plot_w, plot_h)
        placed = labels.place_labels(
            pixels,
            words,
            rows,
            0,
            plot_w,
            plot_h,
            font_size=font_size + 1,
            marker_size=11,
            always=len(rows),
        )
        slots = {label.index: label.position for label in placed if label.offset is None}
        slots.setdefault(rows[0], "top center")
        return [slots.get(i, "") for i in rows]

    def traces(xy: np.ndarray) -> list[go.Scatter]:
        data = [
            go.Scatter(
                x=xy[:, 0],
                y=xy[:, 1],
                mode="markers",
                marker={"size": 6, "color": POINT_COLOUR, "opacity": 0.6},
                hovertext=hover,
                hoverinfo="text",
                name="words",
                showlegend=False,
            )
        ]
        if rows:
            slots = positions(xy)
            data.append(
                go.Scatter(
                    x=xy[rows, 0],
                    y=xy[rows, 1],
                    mode="markers+text",
                    marker={"size": 11, "color": HIGHLIGHT_COLOUR},
                    text=[
                        esc(words[i]) if slot else "" for i, slot in zip(rows, slots, strict=True)
                    ],
                    textposition=[slot or "top center" for slot in slots],
                    textfont={"size": font_size + 1, "color": HIGHLIGHT_COLOUR},
                    hovertext=[hover[i] for i in rows],
                    hoverinfo="text",
                    name="highlighted",
                    showlegend=False,
                )
            )
        return data

    fig = go.Figure(
        data=traces(frames[0]),
        frames=[
            go.Frame(data=traces(xy), name=name) for xy, name in zip(frames, names, strict=True)
        ],
    )
    play = {
        "frame": {"duration": 700, "redraw": False},
        "transition": {"duration": 500},
        "fromcurrent": True,
        "mode": "immediate",
    }
    pause = {
        "frame": {"duration": 0, "redraw": False},
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    # Play/Pause sit above the plot, at the right, and the slider below it with its own
    # "epoch N" read-out at its left: nothing covers the frame label.  Steps are labelled
    # by number only, so the last one ("10") is short enough not to be clipped.
    fig.update_layout(
        title=esc(title) if title else None,
        height=height,
        font={"size": max(12, font_size)},
        margin={"l": 10, "r": 30, "t": 70, "b": 20},
        xaxis={"range": x_range, "autorange": False, "zeroline": False, "showticklabels": False},
        yaxis={"range": y_range, "autorange": False, "zeroline": False, "showticklabels": False},
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "showactive": False,
                "x": 1.0,
                "y": 1.02,
                "xanchor": "right",
                "yanchor": "bottom",
                "pad": {"r": 0, "t": 0},
                "buttons": [
                    {"label": "▶ Play", "method": "animate", "args": [None, play]},
                    {"label": "■ Pause", "method": "animate", "args": [[None], pause]},
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.0,
                "len": 1.0,
                "y": 0.0,
                "yanchor": "top",
                "pad": {"t": 10, "b": 0, "l": 10, "r": 20},
                "currentvalue": {
                    "prefix": "epoch ",
                    "visible": True,
                    "xanchor": "left",
                    "font": {"size": max(14, font_size + 2)},
                },
                "steps": [
                    {"label": str(e), "method": "animate", "args": [[name], pause]}
                    for e, name in enumerate(names)
                ],
            }
        ],
    )
    return fig
