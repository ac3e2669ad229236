"""Plotly figures for the Tune tab, as pure functions (no Streamlit).

* :func:`sweep_line` -- a score against the value of one setting, best point starred
  (with 95% error bars when the points carry ``"low"`` / ``"high"``, and the star saying
  whether the best is distinguishable from the next, :func:`best_verdict`);
* :func:`interval_chart` -- every run's score with its 95% interval, best first;
* :func:`sweep_heatmap` -- a score over a grid of two settings, best cell starred;
* :func:`parallel_chart` -- every run's settings against a score (parallel coordinates).

A point is one dict: ``{"value": v, "value2": w (grids), "score": s or None,
"key": run key, "label": text}``.  Every clickable marker carries its run key in
``customdata``, so the tab can make a clicked run the active one.  Strings go
through :func:`dashboard.charts.style.esc`: labels may contain corpus words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from dashboard.charts.style import POINT_COLOUR, esc
from w2v_core.sweep import LOWER_IS_BETTER

#: What each score is called on an axis.
SCORE_TITLES = {
    "heldout_loss": "held-out loss",
    "final_loss": "training loss (last epoch)",
    "ws353": "WordSim-353 (Spearman)",
    "simlex999": "SimLex-999 (Spearman)",
    "analogies": "Google analogies (accuracy)",
    "toy_analogies": "toy analogies (accuracy)",
}
BEST_COLOUR = "#f2a900"  # gold star: readable on white and on the blue/red scales


def score_title(score: str) -> str:
    """Axis title with the direction: "held-out loss (lower is better)"."""
    better = "lower" if LOWER_IS_BETTER.get(score, False) else "higher"
    return f"{SCORE_TITLES.get(score, score)} ({better} is better)"


def best_point(points: Sequence[dict[str, Any]], score: str) -> dict[str, Any] | None:
    """The point with the best score (lowest loss, highest benchmark), or None."""
    scored = [p for p in points if _finite(p.get("score"))]
    if not scored:
        return None
    sign = 1.0 if LOWER_IS_BETTER.get(score, False) else -1.0
    return min(scored, key=lambda p: sign * p["score"])


def runner_up(points: Sequence[dict[str, Any]], score: str) -> dict[str, Any] | None:
    """The second-best point (None with fewer than two scored points)."""
    scored = [p for p in points if _finite(p.get("score"))]
    if len(scored) < 2:
        return None
    sign = 1.0 if LOWER_IS_BETTER.get(score, False) else -1.0
    return sorted(scored, key=lambda p: sign * p["score"])[1]


def best_verdict(points: Sequence[dict[str, Any]], score: str) -> bool | None:
    """Is the best point distinguishable from the next one?  True when their 95%
    intervals (``"low"`` / ``"high"`` of each point) do not overlap, False when they do,
    None when either has no interval (or there is no next point).

    Non-overlapping 95% intervals is a conservative test: it says "different" only
    when the difference is clear.
    """
    best, second = best_point(points, score), runner_up(points, score)
    if best is None or second is None:
        return None
    bounds = [(p.get("low"), p.get("high")) for p in (best, second)]
    if not all(_finite(v) for pair in bounds for v in pair):
        return None
    (best_low, best_high), (next_low, next_high) = bounds
    return best_low > next_high or best_high < next_low


def star_text(verdict: bool | None) -> str:
    """The label beside the best point's star."""
    if verdict is None:
        return "best"
    return "best (clearly)" if verdict else "best ≈ next"


def _error_bars(points: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Plotly ``error_y`` from each point's 95% interval (None if no point has one)."""
    if not any(_finite(p.get("low")) and _finite(p.get("high")) for p in points):
        return None
    plus = [p["high"] - p["score"] if _finite(p.get("high")) else 0.0 for p in points]
    minus = [p["score"] - p["low"] if _finite(p.get("low")) else 0.0 for p in points]
    return {"type": "data", "symmetric": False, "array": plus, "arrayminus": minus,
            "color": POINT_COLOUR, "thickness": 1.5, "width": 6}  # fmt: skip


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _axis_values(values: Sequence[Any]) -> tuple[list[Any], dict[str, Any]]:
    """Numbers stay numbers (log axis when they span a factor of 8 or more); anything
    else (booleans, None) becomes a category."""
    numeric = all(_finite(v) for v in values)
    if not numeric:
        return [esc(v) for v in values], {"type": "category"}
    axis: dict[str, Any] = {"tickmode": "array", "tickvals": list(values)}
    positive = [v for v in values if v > 0]
    if len(positive) == len(values) and max(values) / min(values) >= 8:
        axis["type"] = "log"
    axis["ticktext"] = [f"{v:g}" for v in values]
    return list(values), axis


def sweep_line(points: Sequence[dict[str, Any]], param: str, score: str) -> go.Figure:
    """One setting swept: ``score`` against its value, the best point as a gold star.

    Runs without the score (still training, or a benchmark with too little
    coverage) are left out of the line.
    """
    ordered = sorted(
        points, key=lambda p: (not _finite(p["value"]), p["value"] if _finite(p["value"]) else 0)
    )
    shown = [p for p in ordered if _finite(p.get("score"))]
    xs, axis = _axis_values([p["value"] for p in shown])
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=[p["score"] for p in shown],
            mode="lines+markers",
            marker={"size": 12, "color": POINT_COLOUR},
            line={"color": POINT_COLOUR, "width": 2},
            customdata=[p.get("key", "") for p in shown],
            text=[esc(p.get("label", "")) for p in shown],
            hovertemplate=f"{esc(param)} = %{{x}}<br>{esc(SCORE_TITLES.get(score, score))}"
            " = %{y:.4f}<br>%{text}<extra>click: show this run</extra>",
            name="runs",
            # A click picks a run to show; it must not fade the other points.
            unselected={"marker": {"opacity": 1}},
            error_y=_error_bars(shown),
        )
    )
    best = best_point(shown, score)
    if best is not None:
        bx = best["value"] if axis.get("type") != "category" else esc(best["value"])
        fig.add_trace(
            go.Scatter(
                x=[bx],
                y=[best["score"]],
                mode="markers+text",
                marker={"symbol": "star", "size": 24, "color": BEST_COLOUR,
                        "line": {"color": "#333", "width": 1}},
                text=[star_text(best_verdict(shown, score))],
                # The label goes away from the edge the best point sits at.
                textposition="top center" if LOWER_IS_BETTER.get(score) else "bottom center",
                textfont={"size": 16},
                customdata=[best.get("key", "")],
                hovertemplate="best: %{x}, %{y:.4f}<extra></extra>",
                name="best",
                unselected={"marker": {"opacity": 1}, "textfont": {"color": "#333"}},
            )
        )  # fmt: skip
    fig.update_layout(
        showlegend=False,
        xaxis_title=esc(param),
        yaxis_title=esc(score_title(score)),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"size": 15},
        clickmode="event+select",
    )
    fig.update_xaxes(**axis)
    return fig


def sweep_heatmap(
    points: Sequence[dict[str, Any]], param: str, param2: str, score: str
) -> go.Figure:
    """A grid of two settings: ``score`` as colour (better = darker blue), each cell's
    number written in it, the best cell starred; every cell is clickable."""
    xs = sorted({p["value"] for p in points}, key=_sort_key)
    ys = sorted({p["value2"] for p in points}, key=_sort_key)
    cell = {(p["value"], p["value2"]): p for p in points}
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    for y in ys:
        row_z, row_text = [], []
        for x in xs:
            value = cell.get((x, y), {}).get("score")
            row_z.append(value if _finite(value) else None)
            row_text.append(f"{value:.3f}" if _finite(value) else "–")
        z.append(row_z)
        text.append(row_text)
    labels_x, labels_y = [_label(x) for x in xs], [_label(y) for y in ys]
    lower = LOWER_IS_BETTER.get(score, False)
    fig = go.Figure(
        go.Heatmap(
            x=labels_x,
            y=labels_y,
            z=z,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 16},
            colorscale="Blues",
            reversescale=lower,  # the best end of the scale is the dark one
            colorbar={"title": {"text": esc(SCORE_TITLES.get(score, score)), "side": "right"}},
            hovertemplate=f"{esc(param)} = %{{x}}<br>{esc(param2)} = %{{y}}<br>"
            "%{text}<extra></extra>",
            hoverongaps=False,
        )
    )
    # Invisible markers over the cells: heatmaps cannot be selected, markers can.
    fig.add_trace(
        go.Scatter(
            x=[_label(p["value"]) for p in points],
            y=[_label(p["value2"]) for p in points],
            mode="markers",
            marker={"size": 40, "opacity": 0.01, "color": "#000"},
            customdata=[p.get("key", "") for p in points],
            hoverinfo="skip",
            name="cells",
        )
    )
    best = best_point(points, score)
    if best is not None:
        fig.add_trace(
            go.Scatter(
                x=[_label(best["value"])],
                y=[_label(best["value2"])],
                mode="markers",
                marker={"symbol": "star", "size": 22, "color": BEST_COLOUR,
                        "line": {"color": "#333", "width": 1}},
                customdata=[best.get("key", "")],
                hovertemplate="best<extra></extra>",
                name="best",
                unselected={"marker": {"opacity": 1}},
            )
        )  # fmt: skip
    fig.update_layout(
        showlegend=False,
        xaxis_title=esc(param),
        yaxis_title=esc(param2),
        xaxis={"type": "category"},
        yaxis={"type": "category"},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"size": 15},
        clickmode="event+select",
    )
    return fig


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, value) if _finite(value) else (1, str(value))


def _label(value: Any) -> str:
    return f"{value:g}" if _finite(value) and not isinstance(value, int) else esc(value)


PARALLEL_TICK_GAP = 0.07
"""Least distance between two tick labels of a parallel-coordinates axis, as a share of
the axis: 13 px labels on a ~370 px axis (Plotly's own ticks overlapped there)."""


def spaced_ticks(values: Sequence[float], most: int = 6) -> dict[str, Any]:
    """Tick values and labels for one parallel-coordinates axis that never overlap: the
    values tried when they are few (else ``most`` evenly spaced), each at least
    :data:`PARALLEL_TICK_GAP` of the axis from the one below (empty: no values)."""
    finite = sorted({float(v) for v in values if _finite(v)})
    if not finite:
        return {}
    low, high = finite[0], finite[-1]
    span = high - low
    candidates = finite if len(finite) <= most else list(np.linspace(low, high, most))
    kept: list[float] = []
    for v in candidates:
        if not kept or span == 0 or v - kept[-1] >= PARALLEL_TICK_GAP * span:
            kept.append(v)
    if span and high - kept[-1] < PARALLEL_TICK_GAP * span and high not in kept:
        kept[-1] = high  # the top of the axis is labelled, its crowded neighbour not
    return {"tickvals": kept, "ticktext": [f"{v:.3g}" for v in kept]}


def parallel_chart(
    rows: Sequence[dict[str, Any]], settings: Sequence[str], score: str
) -> go.Figure:
    """Every run as one line across its settings, ending at its score, coloured by it.

    ``rows`` are dicts with each setting and the score; runs without the score
    are left out.  Booleans become 0/1 axes labelled "off"/"on"; the colour scale
    runs from red (worst) to blue (best).
    """
    shown = [r for r in rows if _finite(r.get(score))]
    dimensions = []
    for name in settings:
        values = [r.get(name) for r in shown]
        if values and all(isinstance(v, bool) for v in values):
            dimensions.append(
                {"label": esc(name), "values": [int(v) for v in values],
                 "tickvals": [0, 1], "ticktext": ["off", "on"], "range": [0, 1]}
            )  # fmt: skip
        else:
            numbers = [v if _finite(v) else -1 for v in values]  # None (no limit) shows as -1
            dimensions.append({"label": esc(name), "values": numbers, **spaced_ticks(numbers)})
    scores = [r[score] for r in shown]
    dimensions.append(
        {"label": esc(SCORE_TITLES.get(score, score)), "values": scores, **spaced_ticks(scores)}
    )
    lower = LOWER_IS_BETTER.get(score, False)
    fig = go.Figure(
        go.Parcoords(
            dimensions=dimensions,
            line={
                "color": scores,
                "colorscale": "RdBu",
                "reversescale": lower,  # blue = best, whichever way the score points
                "showscale": True,
                # Well clear of the last axis and its tick labels.
                "colorbar": {
                    "title": {"text": esc(score_title(score)), "side": "right"},
                    "x": 1.08,
                    "xpad": 20,
                },
            },
            labelfont={"size": 15},
            tickfont={"size": 13},
        )
    )
    fig.update_layout(margin={"l": 60, "r": 140, "t": 60, "b": 20})
    return fig


def interval_chart(rows: Sequence[dict[str, Any]], score: str) -> go.Figure:
    """Every run's score with its 95% interval as a horizontal error bar, best at the top.

    ``rows``: ``{"label", "score", "low", "high", "key"}``; runs without an interval
    get a bare point.  The best run is a gold star; its interval's band is shaded, so
    every run whose bar reaches into it is not clearly worse.
    """
    scored = [r for r in rows if _finite(r.get("score"))]
    sign = 1.0 if LOWER_IS_BETTER.get(score, False) else -1.0
    ordered = sorted(scored, key=lambda r: sign * r["score"], reverse=True)  # best last = top
    fig = go.Figure(
        go.Scatter(
            x=[r["score"] for r in ordered],
            y=[esc(r["label"]) for r in ordered],
            mode="markers",
            marker={"size": 10, "color": POINT_COLOUR},
            error_x=_error_bars([{**r, "high": r.get("high"), "low": r.get("low")}
                                 for r in ordered]),
            customdata=[r.get("key", "") for r in ordered],
            hovertemplate="%{y}<br>%{x:.4f}<extra></extra>",
        )
    )  # fmt: skip
    if ordered:
        best = ordered[-1]
        if _finite(best.get("low")) and _finite(best.get("high")):
            fig.add_vrect(x0=best["low"], x1=best["high"], fillcolor=BEST_COLOUR, opacity=0.15,
                          line_width=0)  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=[best["score"]], y=[esc(best["label"])], mode="markers",
                marker={"symbol": "star", "size": 20, "color": BEST_COLOUR,
                        "line": {"color": "#333", "width": 1}},
                hoverinfo="skip",
            )
        )  # fmt: skip
    fig.update_layout(
        showlegend=False,
        xaxis_title=esc(score_title(score)) + " · bars: 95% interval",
        height=max(220, 26 * len(ordered) + 90),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig
