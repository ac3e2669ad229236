"""Plotly figures for the "How it learns" tab, as pure functions (no Streamlit).

Each figure shows one stage of an SGNS step recorded by
:class:`w2v_core.onestep.StepTrace`.  One colour per role, in every figure, so the
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

from dashboard.charts import esc

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


def _base(fig: go.Figure, title: str, height: int) -> go.Figure:
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
    fig = _base(fig, "", 130)
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
    return _base(fig, "", 400)


# -- stages 3-5: the vectors on a plane -----------------------------------------------------


#: Where a label may sit relative to its point, in order of preference.
LABEL_POSITIONS = ("top center", "bottom center", "middle right", "middle left")


def _label_box(x: float, y: float, width: float, height: float, position: str):
    """The pixel box ``(x0, x1, y0, y1)`` a label of that size takes at that position."""
    gap = 10.0
    if position == "top center":
        return x - width / 2, x + width / 2, y + gap, y + gap + height
    if position == "bottom center":
        return x - width / 2, x + width / 2, y - gap - height, y - gap
    if position == "middle right":
        return x + gap, x + gap + width, y - height / 2, y + height / 2
    return x - gap - width, x - gap, y - height / 2, y + height / 2


def _overlap(a, b) -> float:
    dx = min(a[1], b[1]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[2], b[2])
    return max(dx, 0.0) * max(dy, 0.0)


def place_labels(
    points: np.ndarray,
    lengths: Sequence[int],
    x_range: Sequence[float],
    y_range: Sequence[float],
    size_px: tuple[float, float] = (340.0, 340.0),
    font_px: float = LABEL_SIZE,
    obstacles: np.ndarray | None = None,
) -> list[str]:
    """A Plotly ``textposition`` per point so that labels overlap as little as possible.

    Greedy, in the order given (put the important points first): each label takes the
    first of :data:`LABEL_POSITIONS` whose box meets no earlier label, no marker and
    stays inside the plot, else the position with the least overlap.  Boxes are
    estimated in pixels from the axis ranges and the plot's approximate size.

    Parameters
    ----------
    points : (n, 2) data coordinates.
    lengths : characters of each label.
    x_range, y_range : the axis ranges.
    size_px : approximate width and height of the plot area.
    obstacles : (m, 2) data coordinates of other marks to keep clear (arrows, ghosts).
    """
    sx = size_px[0] / (x_range[1] - x_range[0])
    sy = size_px[1] / (y_range[1] - y_range[0])
    pixels = [((p[0] - x_range[0]) * sx, (p[1] - y_range[0]) * sy) for p in np.asarray(points)]
    marker = 8.0
    taken = [(x - marker, x + marker, y - marker, y + marker) for x, y in pixels]
    for p in np.asarray(obstacles if obstacles is not None else np.empty((0, 2))):
        x, y = (p[0] - x_range[0]) * sx, (p[1] - y_range[0]) * sy
        taken.append((x - marker, x + marker, y - marker, y + marker))
    chosen = []
    for (x, y), n in zip(pixels, lengths, strict=True):
        width, height = 0.58 * font_px * n, 1.25 * font_px
        best, best_cost = LABEL_POSITIONS[0], float("inf")
        for position in LABEL_POSITIONS:
            box = _label_box(x, y, width, height, position)
            cost = sum(_overlap(box, other) for other in taken)
            outside = max(0.0, -box[0]) + max(0.0, box[1] - size_px[0])
            outside += max(0.0, -box[2]) + max(0.0, box[3] - size_px[1])
            cost += outside * height
            if cost < best_cost - 1e-9:
                best, best_cost = position, cost
            if cost == 0:
                break
        taken.append(_label_box(x, y, width, height, best))
        chosen.append(best)
    return chosen


def _arrow(fig: go.Figure, start: np.ndarray, end: np.ndarray, colour: str, width: int = 3):
    fig.add_annotation(
        x=float(end[0]),
        y=float(end[1]),
        ax=float(start[0]),
        ay=float(start[1]),
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=3,
        arrowsize=1.2,
        arrowwidth=width,
        arrowcolor=colour,
        text="",
    )


def vector_plane(
    words: Sequence[str],
    w_in: np.ndarray,
    center: int,
    context: int,
    negatives: Sequence[int],
    h: np.ndarray,
    u_pos: np.ndarray,
    u_neg: np.ndarray,
    moves: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    after: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    labelled: Sequence[int] = (),
    title: str = "",
) -> go.Figure:
    """Input and output vectors of one step as points on the plane (2-D vectors only).

    Parameters
    ----------
    words : sequence of str
        The vocabulary.
    w_in : numpy.ndarray
        ``(V, 2)`` input vectors of every word, drawn as faint grey points (the
        embeddings; the center's row is taken from ``h`` or ``after``).
    center, context, negatives :
        Word ids of the step.
    h, u_pos, u_neg : numpy.ndarray
        ``(2,)``, ``(2,)``, ``(K, 2)`` vectors before the update, drawn as points
        joined to the origin (the score ``u·h`` is large when they point the same way).
    moves : (dh, du_pos, du_neg), optional
        ``-α ∂L/∂·`` for each vector: drawn as arrows from the vector (stage 4).
    after : (h, u_pos, u_neg), optional
        The vectors after the update: drawn where they landed, with an arrow from
        the old position, which stays as a hollow ghost (stage 5).
    labelled : sequence of int
        Other words whose input vector gets a label (e.g. a watched word and its
        neighbours).

    Notes
    -----
    A word drawn as a negative more than once (or as a negative of its own context)
    is one row of ``W_out``: it is drawn once, and its arrow is the sum of its
    updates, which is what the step applies.
    """
    w_in = np.asarray(w_in, dtype=float)
    if w_in.ndim != 2 or w_in.shape[1] != 2:
        raise ValueError(f"the plane needs 2-D vectors, got shape {w_in.shape}")
    negatives = [int(n) for n in negatives]
    u_neg = np.asarray(u_neg, dtype=float).reshape(len(negatives), 2)
    # One output point per distinct output row; the context first.
    out_rows: dict[int, dict] = {
        context: {"role": "context", "before": np.asarray(u_pos, float), "move": np.zeros(2)}
    }
    if moves is not None:
        out_rows[context]["move"] = np.asarray(moves[1], float).copy()
    for k, n in enumerate(negatives):
        row = out_rows.setdefault(n, {"role": "negative", "before": u_neg[k], "move": np.zeros(2)})
        if row["role"] == "context" and n == context:
            row["role"] = "context & negative"
        row["times"] = row.get("times", 0) + 1
        if moves is not None:
            row["move"] = row["move"] + np.asarray(moves[2], float)[k]
    if after is not None:
        out_rows[context]["after"] = np.asarray(after[1], float)
        for k, n in enumerate(negatives):
            out_rows[n]["after"] = np.asarray(after[2], float)[k]
    h = np.asarray(h, float)
    h_now = np.asarray(after[0], float) if after is not None else h
    background = w_in.copy()
    background[center] = h_now

    # The points that get a label: the step's vectors first (they win the best spots).
    Label = tuple[np.ndarray, str, int, str, str]  # position, text, length, colour, symbol
    main: list[Label] = [
        (h_now, f"<b>{esc(words[center])}</b> (h)", len(words[center]) + 4, CENTER, "circle")
    ]
    for n, row in out_rows.items():
        colour = NEGATIVE if row["role"] == "negative" else CONTEXT
        # Plotly's <sub>, not "uₒ"/"uₖ": the page's font (Source Sans) has no subscript o, k
        tag = SUB_O if row["role"] != "negative" else SUB_K
        shown = 2  # "u" and its subscript
        if row.get("times", 0) > 1:
            tag += f" ×{row['times']}"
            shown += len(f" ×{row['times']}")
        position = row.get("after", row["before"])
        main.append(
            (position, f"<b>{esc(words[n])}</b> ({tag})", len(words[n]) + shown + 3,
             colour, "diamond")
        )  # fmt: skip
    extra: list[Label] = [
        (background[i], esc(words[i]), len(words[i]), "#424242", "circle")
        for i in dict.fromkeys(labelled)
        if i != center and 0 <= i < len(words)
    ]

    # A square view around everything drawn (and the origin), equal units on both axes.
    drawn = [p[0] for p in main] + [h] + [r["before"] for r in out_rows.values()]
    if moves is not None:
        drawn += [h + np.asarray(moves[0], float)]
        drawn += [r["before"] + r["move"] for r in out_rows.values()]
    everything = np.vstack([np.array(drawn), background, np.zeros((1, 2))])
    lo, hi = everything.min(axis=0), everything.max(axis=0)
    half = 0.5 * float(np.max(hi - lo) or 1.0) * 1.18
    middle = (lo + hi) / 2
    x_range = [middle[0] - half, middle[0] + half]
    y_range = [middle[1] - half, middle[1] + half]
    labels = main + extra
    # Keep labels off the arrows (points along each one) and off the ghosts.
    segments = []
    if moves is not None:
        segments += [(h, h + np.asarray(moves[0], float))]
        segments += [(r["before"], r["before"] + r["move"]) for r in out_rows.values()]
    if after is not None:
        segments += [(h, h_now)] + [(r["before"], r["after"]) for r in out_rows.values()]
    if moves is None and after is None:  # the lines from the origin
        segments += [(np.zeros(2), p[0]) for p in main]
    obstacles = [a + f * (b - a) for a, b in segments for f in np.linspace(0, 1, 6)]
    obstacles += [np.zeros(2)]
    positions = place_labels(
        np.array([p[0] for p in labels]), [p[2] for p in labels], x_range, y_range,
        obstacles=np.array(obstacles),
    )  # fmt: skip

    fig = go.Figure()
    others = [i for i in range(len(words)) if i != center]
    fig.add_trace(
        go.Scatter(
            x=background[others, 0],
            y=background[others, 1],
            mode="markers",
            marker={"size": 8, "color": OTHER, "opacity": 0.45},
            hovertext=[esc(words[i]) for i in others],
            hoverinfo="text",
            name="other words",
        )
    )
    # Lines from the origin, while scores are the point (the score u·h is large when two
    # vectors point the same way); once arrows are drawn they would only clutter.
    for point, _, _, colour, _ in main if moves is None and after is None else ():
        fig.add_trace(
            go.Scatter(
                x=[0, point[0]],
                y=[0, point[1]],
                mode="lines",
                line={"color": colour, "width": 1.5, "dash": "dot"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    if after is not None:  # hollow ghosts where the vectors were
        ghosts = [h] + [row["before"] for row in out_rows.values()]
        colours = [CENTER] + [
            CONTEXT if row["role"] != "negative" else NEGATIVE for row in out_rows.values()
        ]
        fig.add_trace(
            go.Scatter(
                x=[g[0] for g in ghosts],
                y=[g[1] for g in ghosts],
                mode="markers",
                marker={
                    "size": 14,
                    "color": "rgba(0,0,0,0)",
                    "line": {"color": colours, "width": 2},
                },
                hoverinfo="skip",
                name="before",
            )
        )
    if extra:
        k = len(main)
        fig.add_trace(
            go.Scatter(
                x=[p[0][0] for p in extra],
                y=[p[0][1] for p in extra],
                mode="markers+text",
                marker={"size": 9, "color": "#616161"},
                text=[p[1] for p in extra],
                textposition=positions[k:],
                textfont={"size": 15, "color": "#424242"},
                hoverinfo="text",
                showlegend=False,
                cliponaxis=False,
            )
        )
    for name, colour, symbol in (
        ("center h", CENTER, "circle"),
        (f"context {SUB_O}", CONTEXT, "diamond"),
        (f"negatives {SUB_K}", NEGATIVE, "diamond"),
    ):
        chosen = [
            (p, pos)
            for p, pos in zip(main, positions[: len(main)], strict=True)
            if p[3] == colour and p[4] == symbol
        ]
        if not chosen:
            continue
        fig.add_trace(
            go.Scatter(
                x=[p[0][0] for p, _ in chosen],
                y=[p[0][1] for p, _ in chosen],
                mode="markers+text",
                marker={"size": 16, "color": colour, "symbol": symbol, "line": {"width": 1}},
                text=[p[1] for p, _ in chosen],
                textposition=[pos for _, pos in chosen],
                textfont={"size": LABEL_SIZE, "color": colour},
                hoverinfo="text",
                hovertext=[p[1] for p, _ in chosen],
                name=name,
                cliponaxis=False,
            )
        )
    if moves is not None:
        _arrow(fig, h, h + np.asarray(moves[0], float), CENTER)
        for row in out_rows.values():
            colour = NEGATIVE if row["role"] == "negative" else CONTEXT
            _arrow(fig, row["before"], row["before"] + row["move"], colour)
    if after is not None:
        _arrow(fig, h, h_now, CENTER, width=2)
        for row in out_rows.values():
            colour = NEGATIVE if row["role"] == "negative" else CONTEXT
            _arrow(fig, row["before"], row["after"], colour, width=2)
    fig.add_trace(
        go.Scatter(
            x=[0],
            y=[0],
            mode="markers",
            marker={"size": 10, "color": "black", "symbol": "cross-thin", "line": {"width": 2}},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.update_xaxes(range=x_range, gridcolor="#eeeeee", zerolinecolor="#bdbdbd")
    fig.update_yaxes(
        range=y_range,
        gridcolor="#eeeeee",
        zerolinecolor="#bdbdbd",
        scaleanchor="x",  # equal units: angles and lengths on screen are the true ones
        scaleratio=1,
    )
    fig = _base(fig, title, 560)
    fig.update_layout(
        legend={"y": -0.08, "yanchor": "top", "font": {"size": 15}},
        margin={"l": 40, "r": 40, "t": 60 if title else 30, "b": 10},
    )
    return fig


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
    return _base(fig, "", 340)


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
    return _base(fig, "", 200)
