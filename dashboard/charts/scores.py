"""Training curves and score bars: pure functions returning Plotly figures (no Streamlit).

Strings go through :func:`dashboard.charts.style.esc`: run labels may contain corpus names.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from dashboard.charts.style import POINT_COLOUR, QUALITATIVE, esc


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
