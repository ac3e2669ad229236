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

QUALITATIVE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39",
    "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
)  # fmt: skip
HIGHLIGHT_COLOUR = "#d62728"
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
    for label, xs, losses in runs:
        fig.add_trace(go.Scatter(x=list(xs), y=list(losses), mode="lines", name=esc(label)))
    fig.update_layout(hovermode="x unified", showlegend=len(runs) > 1)
    return _layout(fig, title, x_title, "loss")


def epoch_loss_curve(runs: Sequence[tuple[str, Sequence[float]]]) -> go.Figure:
    """Mean loss per epoch (x = 1 .. n), one line with markers per run."""
    fig = go.Figure()
    for label, losses in runs:
        epochs = list(range(1, len(losses) + 1))
        fig.add_trace(go.Scatter(x=epochs, y=list(losses), mode="lines+markers", name=esc(label)))
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


def _hover(words: Sequence[str], counts: Sequence[int], extra: Sequence[str] | None = None):
    lines = []
    for i, (word, count) in enumerate(zip(words, counts, strict=True)):
        line = f"<b>{esc(word)}</b><br>frequency: {int(count):,}"
        if extra is not None:
            line += f"<br>{extra[i]}"
        lines.append(line)
    return lines


def _colour_markers(color: np.ndarray | None, color_title: str) -> tuple[dict, list[str] | None]:
    """Marker settings and extra hover lines for the colouring.

    Integer arrays are categories (e.g. clusters): one distinct colour each, no
    colour bar.  Float arrays are continuous (e.g. log frequency): a colour scale.
    """
    if color is None:
        return {"color": POINT_COLOUR}, None
    color = np.asarray(color)
    title = esc(color_title)
    if np.issubdtype(color.dtype, np.integer):
        colours = [QUALITATIVE[int(c) % len(QUALITATIVE)] for c in color]
        return {"color": colours}, [f"{title}: {int(c)}" for c in color]
    return (
        {
            "color": color.astype(float).tolist(),
            "colorscale": "Viridis",
            "showscale": True,
            "colorbar": {"title": {"text": title}},
        },
        [f"{title}: {float(c):.3g}" for c in color],
    )


#: From this many points on, 2-D maps are drawn with WebGL (``Scattergl``): SVG slows the
#: browser to a crawl at tens of thousands of points, WebGL draws 100,000 smoothly.
WEBGL_FROM = 5000


def _trace(coords: np.ndarray, **kwargs) -> go.Scatter | go.Scattergl | go.Scatter3d:
    if coords.shape[1] == 3:
        marker = kwargs.pop("marker")
        marker["size"] = max(2, marker.get("size", 6) - 2)
        return go.Scatter3d(x=coords[:, 0], y=coords[:, 1], z=coords[:, 2], marker=marker, **kwargs)
    kind = go.Scattergl if len(coords) >= WEBGL_FROM else go.Scatter
    return kind(x=coords[:, 0], y=coords[:, 1], **kwargs)


def scatter_map(
    coords: np.ndarray,
    words: Sequence[str],
    counts: Sequence[int],
    color: np.ndarray | None = None,
    color_title: str = "",
    highlight: Sequence[str] | None = None,
    title: str = "",
    axis_titles: Sequence[str] | None = None,
) -> go.Figure:
    """Scatter plot of words, 2-D or 3-D depending on ``coords.shape[1]``.

    Parameters
    ----------
    coords : numpy.ndarray
        ``(n, 2)`` or ``(n, 3)`` coordinates.
    words, counts : sequences
        The word and its corpus frequency for each row (shown on hover).
    color : numpy.ndarray, optional
        Integer categories (one colour each) or floats (colour scale).
    color_title : str
        Name of the colouring, for the colour bar and hover text.
    highlight : sequence of str, optional
        Words drawn on top, larger and labelled (e.g. a query and its neighbours);
        words not in ``words`` are ignored.
    title : str
        Figure title.
    axis_titles : sequence of str, optional
        One title per axis (e.g. ``"man → woman"`` for custom axes).

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0 holds every word; trace 1 (only if something is highlighted) the
        highlighted words.
    """
    coords = np.asarray(coords, dtype=float)
    if coords.ndim != 2 or coords.shape[1] not in (2, 3) or len(coords) != len(words):
        raise ValueError(f"coords must be ({len(words)}, 2 or 3), got {coords.shape}")
    marker, extra = _colour_markers(color, color_title)
    marker.update(size=6, opacity=0.75)
    fig = go.Figure()
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
    index = {w: i for i, w in enumerate(words)}
    rows = list(dict.fromkeys(index[w] for w in highlight or () if w in index))
    if rows:
        fig.add_trace(
            _trace(
                coords[rows],
                mode="markers+text",
                marker={
                    "size": 12,
                    "color": HIGHLIGHT_COLOUR,
                    "line": {"width": 1, "color": "white"},
                },
                text=[esc(words[i]) for i in rows],
                textposition="top center",
                hovertext=_hover([words[i] for i in rows], [counts[i] for i in rows]),
                hoverinfo="text",
                name="highlighted",
                showlegend=False,
            )
        )
    fig.update_layout(
        title=esc(title) if title else None,
        height=650,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        hoverlabel={"align": "left"},
    )
    titles = [esc(t) for t in axis_titles or ("", "", "")]
    if coords.shape[1] == 3:
        fig.update_layout(
            scene={
                "xaxis_title": titles[0],
                "yaxis_title": titles[1],
                "zaxis_title": titles[2] if len(titles) > 2 else "",
            }
        )
    else:
        fig.update_xaxes(title=titles[0])
        fig.update_yaxes(title=titles[1])
    return fig


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
            data.append(
                go.Scatter(
                    x=xy[rows, 0],
                    y=xy[rows, 1],
                    mode="markers+text",
                    marker={"size": 11, "color": HIGHLIGHT_COLOUR},
                    text=[esc(words[i]) for i in rows],
                    textposition="top center",
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
    play = {"frame": {"duration": 700, "redraw": False}, "transition": {"duration": 500},
            "fromcurrent": True, "mode": "immediate"}  # fmt: skip
    pause = {"frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0},
             "mode": "immediate"}  # fmt: skip
    fig.update_layout(
        title=esc(title) if title else None,
        height=640,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 100},
        xaxis={"range": _padded_range(frames[..., 0]), "autorange": False, "zeroline": False},
        yaxis={"range": _padded_range(frames[..., 1]), "autorange": False, "zeroline": False},
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "showactive": False,
                "x": 0.0,
                "y": -0.12,
                "xanchor": "left",
                "yanchor": "top",
                "buttons": [
                    {"label": "▶ Play", "method": "animate", "args": [None, play]},
                    {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]},
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.22,
                "len": 0.78,
                "y": -0.08,
                "yanchor": "top",
                "currentvalue": {"prefix": "", "visible": True},
                "steps": [
                    {"label": name, "method": "animate", "args": [[name], pause]} for name in names
                ],
            }
        ],
    )
    return fig
