"""The word map: a scatter plot of words with readable labels, 2-D or 3-D (no Streamlit).

:func:`scatter_map` draws the points (one trace per cluster, or one on a colour scale),
places labels without overlap (:mod:`dashboard.charts.labels`), draws the searched and
the axis words on top, and lays the figure out (its frame, margins and legend:
:mod:`dashboard.charts.map_frame`); each step is a small function.  Strings go
through :func:`dashboard.charts.style.esc`: words come from corpora.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from dashboard.charts import labels, map_frame
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
    words, counts = list(words), np.asarray(counts)
    special = _Special.find(words, highlight, marked)
    three_d = coords.shape[1] == 3
    fig = go.Figure()
    opacity = 0.35 if special.highlighted and dim else 0.8
    groups = _add_points(fig, coords, words, counts, color, color_title, cluster_names, opacity)
    ranges = _view(coords, special.highlighted if zoom and not three_d else [])
    frame = _Frame(title, height, width_hint, font_size, n_labels, compact, highlight_name)
    positions, callouts = _label_slots(fig, coords, words, counts, groups, special, ranges, frame)
    plain = [i for i in positions if i not in special.priority]
    _add_label_trace(fig, coords, words, plain, positions, font_size)
    text = _SpecialText(words, counts, positions, callouts, font_size)
    _add_special_traces(fig, coords, special, highlight_name, text)
    _add_callouts(fig, coords, words, callouts, special.highlighted, font_size)
    map_frame.finish_map(
        fig, title, height, font_size, axis_titles, ranges,
        showlegend=groups is not None or bool(special.priority), three_d=three_d, compact=compact,
    )  # fmt: skip
    return fig


@dataclass(frozen=True)
class _Special:
    """Rows of the words drawn on top: the highlighted ones, and the marked ones that
    are not also highlighted (each once, in the order given; unknown words dropped)."""

    highlighted: list[int]
    marked: list[int]

    @classmethod
    def find(
        cls, words: list[str], highlight: Sequence[str] | None, marked: Sequence[str] | None
    ) -> _Special:
        index = {w: i for i, w in enumerate(words)}
        hl_rows = list(dict.fromkeys(index[w] for w in highlight or () if w in index))
        mk_rows = list(dict.fromkeys(index[w] for w in marked or () if w in index))
        return cls(hl_rows, [i for i in mk_rows if i not in hl_rows])

    @property
    def priority(self) -> list[int]:
        """The rows labelled first: highlighted, then marked."""
        return self.highlighted + self.marked


@dataclass(frozen=True)
class _Frame:
    """What label placement needs to know of the figure (see :func:`scatter_map`)."""

    title: str
    height: int
    width_hint: int
    font_size: int
    n_labels: int
    compact: bool
    highlight_name: str


def _view(coords: np.ndarray, zoom_rows: list[int]) -> tuple[list[float], list[float]]:
    """The 2-D view: the whole map, or the rows ``zoom_rows`` when given (a zoom)."""
    if zoom_rows:
        return _zoom_range(coords[zoom_rows, 0]), _zoom_range(coords[zoom_rows, 1])
    return padded_range(coords[:, 0]), padded_range(coords[:, 1])


def _label_slots(
    fig: go.Figure,
    coords: np.ndarray,
    words: list[str],
    counts: np.ndarray,
    groups: np.ndarray | None,
    special: _Special,
    ranges: tuple[list[float], list[float]],
    frame: _Frame,
) -> tuple[dict[int, str], dict[int, tuple[int, int]]]:
    """Which words get a label, where (row -> text position), and which labels became
    callouts (row -> offset): the words drawn on top first, then the most frequent;
    in 2-D without overlap, for the plot area left by the legend (``fig``'s traces)."""
    priority = special.priority
    if coords.shape[1] == 3:
        order = labels.label_order(counts, words=words, groups=groups)
        frequent = [i for i in order if i not in priority][: min(frame.n_labels, 15)]
        return {i: "top center" for i in priority + frequent}, {}
    if frame.compact:
        entries = [t.name for t in fig.data if t.showlegend is not False and t.name]
        entries += ["axis words"] * bool(special.marked)
        entries += [esc(frame.highlight_name)] * bool(special.highlighted)
        plot_area = map_frame.compact_plot_area(
            entries, frame.width_hint, frame.height, frame.font_size
        )
    else:
        legend = groups is not None
        plot_area = map_frame.plot_area(
            fig, frame.width_hint, frame.height, bool(frame.title), legend
        )
    positions, callouts = _place_2d_labels(
        coords, words, counts, groups, priority, ranges, plot_area,
        n_labels=frame.n_labels, font_size=frame.font_size, compact=frame.compact,
    )  # fmt: skip
    searched = special.highlighted[:1]
    if searched and searched[0] not in positions:  # the searched word is always named
        positions[searched[0]] = "top center"
    return positions, callouts


def _add_points(
    fig: go.Figure,
    coords: np.ndarray,
    words: list[str],
    counts: np.ndarray,
    color: np.ndarray | None,
    color_title: str,
    cluster_names: dict[int, str] | None,
    opacity: float,
) -> np.ndarray | None:
    """The points: one trace per cluster when ``color`` holds integers (returned as the
    groups), else one trace, in one colour or on a colour scale (``None`` returned)."""
    if color is not None and np.issubdtype(np.asarray(color).dtype, np.integer):
        groups = np.asarray(color)
        _add_cluster_traces(fig, coords, words, counts, groups, cluster_names or {}, opacity)
        return groups
    _add_word_trace(fig, coords, words, counts, color, color_title, opacity)
    return None


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
        groups=groups,  # a word is not written over another group's dots when it can help it
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


def _add_special_traces(
    fig: go.Figure, coords: np.ndarray, special: _Special, highlight_name: str, text: _SpecialText
) -> None:
    """The marked words (black diamonds), then the highlighted ones, on top of the rest."""
    if special.marked:
        marker = {"size": 12, "color": AXIS_WORD_COLOUR, "symbol": "diamond"}
        _add_special_trace(fig, coords, special.marked, "axis words", marker, text)
    if special.highlighted:
        marker = {"size": 12, "color": HIGHLIGHT_COLOUR, "line": {"width": 1, "color": "white"}}
        _add_special_trace(fig, coords, special.highlighted, highlight_name, marker, text)


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


def padded_range(values: np.ndarray) -> list[float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = 0.05 * (hi - lo) or 1.0
    return [lo - pad, hi + pad]
