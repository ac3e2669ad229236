"""Plotly figures for the "How it learns" tab, as pure functions (no Streamlit).

Each figure shows one stage of an SGNS step recorded by
:class:`w2v_core.onestep.StepTrace` (stages 3-5, the vectors on a plane, are
:mod:`dashboard.charts.plane`).  One colour per role, in every figure, so the
audience can follow a word from the sentence to the plane:

* **center** word ``c`` and its input vector ``h``: blue;
* the observed **context** ``o`` and its output vector ``u_o``: green;
* the **negatives** ``n_k`` and their output vectors ``u_k``: red.

Words come from arbitrary text: every string goes through :func:`esc`.  Fonts are
large (:data:`FONT_SIZE`) because the tab is made for a projector.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard.charts.style import esc

CENTER = "#1f77b4"
CONTEXT = "#2ca02c"
NEGATIVE = "#d62728"
WINDOW = "#c6dbef"
OTHER = "#9e9e9e"
UNIGRAM = "#9e9e9e"
NOISE = "#ff7f0e"
FONT_SIZE = 16
LABEL_SIZE = 17

#: u with subscript o / k, as Plotly markup (the page font has no "ₒ", "ₖ").
SUB_O, SUB_K = "u<sub>o</sub>", "u<sub>k</sub>"


def base_layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": esc(title), "x": 0, "xanchor": "left"} if title else None,
        height=height,
        font={"size": FONT_SIZE},
        margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "title": None},
    )
    return fig


# -- stage 1: the sentence and the window ---------------------------------------------------


def sentence_strip(
    words: Sequence[str],
    center: int,
    context: int,
    reduced_window: int,
    window: int,
    max_shown: int = 13,
) -> go.Figure:
    """The sentence as a row of word boxes: the window around the center, the pair.

    Parameters
    ----------
    words : sequence of str
        The sentence.
    center, context : int
        Positions of the center word and the chosen context word.
    reduced_window, window : int
        ``b`` drawn for this center, and the maximum window: words within ``b`` are
        shaded, words between ``b`` and ``window`` outlined with dashes.
    max_shown : int
        Long sentences are cut to this many words around the center (``…`` marks the cut).
    """
    n = len(words)
    lo = max(0, min(center - max_shown // 2, n - max_shown))
    hi = min(n, lo + max_shown)
    fig = go.Figure()
    shown = range(lo, hi)
    for x, i in enumerate(shown):
        distance = abs(i - center)
        if i == center:
            fill, line, dash = CENTER, CENTER, "solid"
        elif i == context:
            fill, line, dash = CONTEXT, CONTEXT, "solid"
        elif distance <= reduced_window:
            fill, line, dash = WINDOW, CENTER, "solid"
        elif distance <= window:
            fill, line, dash = "white", OTHER, "dash"
        else:
            fill, line, dash = "white", "#e0e0e0", "solid"
        fig.add_shape(
            type="rect",
            x0=x - 0.46,
            x1=x + 0.46,
            y0=-0.4,
            y1=0.4,
            fillcolor=fill,
            line={"color": line, "width": 2, "dash": dash},
        )
        strong = i in (center, context)
        fig.add_annotation(
            x=x,
            y=0,
            text=f"<b>{esc(words[i])}</b>" if strong else esc(words[i]),
            showarrow=False,
            font={"size": LABEL_SIZE, "color": "white" if strong else "#212121"},
        )
        if i == center:
            role = "center"
        elif i == context:
            role = "context"
        else:
            role = f"{i - center:+d}" if distance <= window else ""
        if role:
            fig.add_annotation(
                x=x, y=-0.62, text=role, showarrow=False, font={"size": 14, "color": "#424242"}
            )
    # Bracket over the reduced window, with its size.
    first = max(lo, center - reduced_window) - lo
    last = min(hi - 1, center + reduced_window) - lo
    fig.add_shape(
        type="path",
        path=f"M {first - 0.46},0.5 L {first - 0.46},0.62 L {last + 0.46},0.62 L {last + 0.46},0.5",
        line={"color": CENTER, "width": 2},
    )
    fig.add_annotation(
        x=(first + last) / 2,
        y=0.62,
        yanchor="bottom",
        text=f"reduced window b = {reduced_window} (drawn from 1..{window})",
        showarrow=False,
        font={"size": 15, "color": CENTER},
    )
    if lo > 0:
        fig.add_annotation(x=-0.8, y=0, text="…", showarrow=False, font={"size": LABEL_SIZE})
    if hi < n:
        fig.add_annotation(
            x=hi - lo - 0.2, y=0, text="…", showarrow=False, font={"size": LABEL_SIZE}
        )
    count = hi - lo
    fig.update_xaxes(visible=False, range=[-1, max(count, 7)])
    fig.update_yaxes(visible=False, range=[-0.8, 0.92])
    fig = base_layout(fig, "", 130)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 4, "b": 4})
    return fig


# -- stage 2: where negatives come from ------------------------------------------------------


def noise_bars(
    words: Sequence[str],
    unigram: np.ndarray,
    noise: np.ndarray,
    drawn: Sequence[int] = (),
    exponent: float = 0.75,
    max_words: int = 16,
) -> go.Figure:
    """Unigram shares beside the noise distribution, drawn negatives marked.

    Shows the ``max_words`` most frequent words, plus any drawn negative beyond them.

    Parameters
    ----------
    words : sequence of str
        The vocabulary, most frequent first.
    unigram, noise : numpy.ndarray
        ``count / total`` and ``count ** exponent`` normalised.
    drawn : sequence of int
        Word ids of this step's negatives (a word may be drawn twice).
    """
    drawn_counts: dict[int, int] = {}
    for i in drawn:
        drawn_counts[int(i)] = drawn_counts.get(int(i), 0) + 1
    rows = list(dict.fromkeys([*range(min(max_words, len(words))), *sorted(drawn_counts)]))
    labels = [esc(words[i]) for i in rows]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=[float(unigram[i]) for i in rows],
            name="how often the word occurs",
            marker_color=UNIGRAM,
            hovertemplate="%{x}: %{y:.1%} of the words<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=[float(noise[i]) for i in rows],
            name=f"how often it is drawn as a negative (count^{exponent:g})",
            marker_color=[NEGATIVE if i in drawn_counts else NOISE for i in rows],
            hovertemplate="%{x}: drawn with probability %{y:.1%}<extra></extra>",
        )
    )
    marked = [i for i in rows if i in drawn_counts]
    fig.add_trace(
        go.Scatter(
            x=[esc(words[i]) for i in marked],
            y=[max(float(noise[i]), float(unigram[i])) for i in marked],
            mode="text",
            text=[
                "drawn" + (f" ×{drawn_counts[i]}" if drawn_counts[i] > 1 else "") for i in marked
            ],
            textposition="top center",
            textfont={"size": 15, "color": NEGATIVE},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    top = max(float(np.max(unigram[rows])), float(np.max(noise[rows])))
    fig.update_yaxes(tickformat=".0%", range=[0, top * 1.25], gridcolor="#eeeeee")
    fig.update_xaxes(tickangle=-45, type="category")
    fig.update_layout(barmode="group", bargap=0.25)
    return base_layout(fig, "", 400)


# -- the record of the lesson ---------------------------------------------------------------


def running_loss(losses: Sequence[float], window: int = 25) -> go.Figure:
    """The loss of every step (faint) and its running mean over ``window`` steps."""
    y = np.asarray(losses, dtype=float)
    x = np.arange(1, len(y) + 1)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="markers" if len(y) < 60 else "lines",
            marker={"size": 6, "color": OTHER},
            line={"width": 1, "color": "#cfcfcf"},
            name="loss of each step",
            hovertemplate="step %{x}: %{y:.3f}<extra></extra>",
        )
    )
    if len(y):
        cumulative = np.concatenate(([0.0], np.cumsum(y)))
        start = np.maximum(0, np.arange(1, len(y) + 1) - window)
        mean = (cumulative[1:] - cumulative[start]) / (np.arange(1, len(y) + 1) - start)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=mean,
                mode="lines",
                line={"width": 4, "color": CENTER},
                name=f"average of the last {window} steps",
                hovertemplate="step %{x}: %{y:.3f}<extra></extra>",
            )
        )
    # At least 10 steps wide, so the first steps are not spread over fractional ticks.
    fig.update_xaxes(title="step", gridcolor="#eeeeee", range=[0, max(10, len(y)) + 0.5])
    fig.update_yaxes(title="loss", gridcolor="#eeeeee", rangemode="tozero")
    return base_layout(fig, "", 340)


def loss_before_after(before: float, after: float) -> go.Figure:
    """Two bars: the loss of this pair (and its negatives) before and after the step."""
    fig = go.Figure(
        go.Bar(
            x=[float(before), float(after)],
            y=["before the step", "after the step"],
            orientation="h",
            marker_color=[OTHER, CENTER],
            text=[f"{before:.4f}", f"{after:.4f}"],
            textposition="auto",
            textfont={"size": LABEL_SIZE},
            hoverinfo="skip",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="loss on this pair", rangemode="tozero", gridcolor="#eeeeee")
    return base_layout(fig, "", 200)
