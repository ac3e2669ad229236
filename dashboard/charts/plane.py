"""Stages 3-5 of the "How it learns" tab: one step's vectors as points on the plane.

Pure functions returning Plotly figures (no Streamlit), in the colours of
:mod:`dashboard.charts.lesson` (center blue, context green, negatives red).  Words come
from arbitrary text: every string goes through :func:`esc`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard.charts.lesson import (
    CENTER,
    CONTEXT,
    LABEL_SIZE,
    NEGATIVE,
    OTHER,
    SUB_K,
    SUB_O,
    base_layout,
)  # fmt: skip
from dashboard.charts.style import esc

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
    out_rows = _output_rows(context, negatives, u_pos, u_neg, moves, after)
    h = np.asarray(h, float)
    h_now = np.asarray(after[0], float) if after is not None else h
    background = w_in.copy()
    background[center] = h_now

    # The points that get a label: the step's vectors first (they win the best spots).
    main = _step_labels(words, center, h_now, out_rows)
    extra: list[_Label] = [
        (background[i], esc(words[i]), len(words[i]), "#424242", "circle")
        for i in dict.fromkeys(labelled)
        if i != center and 0 <= i < len(words)
    ]
    x_range, y_range = _square_view(main, h, out_rows, moves, background)
    labels = main + extra
    positions = place_labels(
        np.array([p[0] for p in labels]), [p[2] for p in labels], x_range, y_range,
        obstacles=_label_obstacles(main, h, h_now, out_rows, moves, after),
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
    if moves is None and after is None:
        _add_origin_lines(fig, main)
    if after is not None:
        _add_ghosts(fig, h, out_rows)
    if extra:
        _add_other_labels(fig, extra, positions[len(main) :])
    _add_step_points(fig, main, positions[: len(main)])
    _add_arrows(fig, h, h_now, out_rows, moves, after)
    _add_origin(fig)
    return _plane_layout(fig, x_range, y_range, title)


_Label = tuple[np.ndarray, str, int, str, str]
"""A labelled point: position, text, length (characters shown), colour, symbol."""


def _role_colour(row: dict) -> str:
    return NEGATIVE if row["role"] == "negative" else CONTEXT


def _output_rows(
    context: int,
    negatives: list[int],
    u_pos: np.ndarray,
    u_neg: np.ndarray,
    moves: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    after: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> dict[int, dict]:
    """One output point per distinct output row, the context first: its role, vector
    ``before``, summed ``move``, how many ``times`` it was drawn as a negative, ``after``."""
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
    return out_rows


def _step_labels(
    words: Sequence[str], center: int, h_now: np.ndarray, out_rows: dict[int, dict]
) -> list[_Label]:
    """The step's vectors as labelled points: the center ``h``, then the output rows."""
    main: list[_Label] = [
        (h_now, f"<b>{esc(words[center])}</b> (h)", len(words[center]) + 4, CENTER, "circle")
    ]
    for n, row in out_rows.items():
        # Plotly's <sub>, not "uₒ"/"uₖ": the page's font (Source Sans) has no subscript o, k
        tag = SUB_O if row["role"] != "negative" else SUB_K
        shown = 2  # "u" and its subscript
        if row.get("times", 0) > 1:
            tag += f" ×{row['times']}"
            shown += len(f" ×{row['times']}")
        position = row.get("after", row["before"])
        main.append(
            (position, f"<b>{esc(words[n])}</b> ({tag})", len(words[n]) + shown + 3,
             _role_colour(row), "diamond")
        )  # fmt: skip
    return main


def _square_view(
    main: list[_Label],
    h: np.ndarray,
    out_rows: dict[int, dict],
    moves: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    background: np.ndarray,
) -> tuple[list[float], list[float]]:
    """A square view around everything drawn (and the origin), equal units on both axes."""
    drawn = [p[0] for p in main] + [h] + [r["before"] for r in out_rows.values()]
    if moves is not None:
        drawn += [h + np.asarray(moves[0], float)]
        drawn += [r["before"] + r["move"] for r in out_rows.values()]
    everything = np.vstack([np.array(drawn), background, np.zeros((1, 2))])
    lo, hi = everything.min(axis=0), everything.max(axis=0)
    half = 0.5 * float(np.max(hi - lo) or 1.0) * 1.18
    middle = (lo + hi) / 2
    return [middle[0] - half, middle[0] + half], [middle[1] - half, middle[1] + half]


def _label_obstacles(
    main: list[_Label],
    h: np.ndarray,
    h_now: np.ndarray,
    out_rows: dict[int, dict],
    moves: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    after: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> np.ndarray:
    """Points labels keep off: along each arrow (or line from the origin), and the origin."""
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
    return np.array(obstacles)


def _add_origin_lines(fig: go.Figure, main: list[_Label]) -> None:
    """Dotted lines from the origin to each of the step's vectors."""
    for point, _, _, colour, _ in main:
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


def _add_ghosts(fig: go.Figure, h: np.ndarray, out_rows: dict[int, dict]) -> None:
    """Hollow ghosts where the vectors were before the update."""
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


def _add_other_labels(fig: go.Figure, extra: list[_Label], positions: list[str]) -> None:
    """The other labelled words (a watched word and its neighbours), in dark grey."""
    fig.add_trace(
        go.Scatter(
            x=[p[0][0] for p in extra],
            y=[p[0][1] for p in extra],
            mode="markers+text",
            marker={"size": 9, "color": "#616161"},
            text=[p[1] for p in extra],
            textposition=positions,
            textfont={"size": 15, "color": "#424242"},
            hoverinfo="text",
            showlegend=False,
            cliponaxis=False,
        )
    )


def _add_step_points(fig: go.Figure, main: list[_Label], positions: list[str]) -> None:
    """The step's vectors, one trace (and legend entry) per role."""
    for name, colour, symbol in (
        ("center h", CENTER, "circle"),
        (f"context {SUB_O}", CONTEXT, "diamond"),
        (f"negatives {SUB_K}", NEGATIVE, "diamond"),
    ):
        chosen = [
            (p, pos)
            for p, pos in zip(main, positions, strict=True)
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


def _add_arrows(
    fig: go.Figure,
    h: np.ndarray,
    h_now: np.ndarray,
    out_rows: dict[int, dict],
    moves: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    after: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> None:
    """The update as arrows: from each vector by its move (stage 4), or from where it
    was to where it landed (stage 5)."""
    if moves is not None:
        _arrow(fig, h, h + np.asarray(moves[0], float), CENTER)
        for row in out_rows.values():
            _arrow(fig, row["before"], row["before"] + row["move"], _role_colour(row))
    if after is not None:
        _arrow(fig, h, h_now, CENTER, width=2)
        for row in out_rows.values():
            _arrow(fig, row["before"], row["after"], _role_colour(row), width=2)


def _add_origin(fig: go.Figure) -> None:
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


def _plane_layout(
    fig: go.Figure, x_range: list[float], y_range: list[float], title: str
) -> go.Figure:
    fig.update_xaxes(range=x_range, gridcolor="#eeeeee", zerolinecolor="#bdbdbd")
    fig.update_yaxes(
        range=y_range,
        gridcolor="#eeeeee",
        zerolinecolor="#bdbdbd",
        scaleanchor="x",  # equal units: angles and lengths on screen are the true ones
        scaleratio=1,
    )
    fig = base_layout(fig, title, 560)
    fig.update_layout(
        legend={"y": -0.08, "yanchor": "top", "font": {"size": 15}},
        margin={"l": 40, "r": 40, "t": 60 if title else 30, "b": 10},
    )
    return fig
