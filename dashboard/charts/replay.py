"""The map replayed over training epochs: an animated Plotly figure (no Streamlit).

Frames come from :func:`dashboard.charts.projection.neighbours_over_epochs` (one common
frame, so points move against fixed axes); the followed words keep labels that do not
overlap (:mod:`dashboard.charts.labels`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import labels
from dashboard.charts.maps import hover_text, padded_range
from dashboard.charts.style import HIGHLIGHT_COLOUR, POINT_COLOUR, esc


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
    names = ["start"] + [f"epoch {e}" for e in range(1, len(frames))]
    x_range, y_range = padded_range(frames[..., 0]), padded_range(frames[..., 1])
    frame = _ReplayFrame(
        words=list(words),
        hover=hover_text(words, counts),
        rows=rows,
        ranges=(x_range, y_range),
        plot_area=(float(width_hint - 40), float(height - 70 - 20 - 80)),
        font_size=font_size,
    )
    fig = go.Figure(
        data=frame.traces(frames[0]),
        frames=[
            go.Frame(data=frame.traces(xy), name=name)
            for xy, name in zip(frames, names, strict=True)
        ],
    )
    # Play/Pause sit above the plot, at the right, and the slider below it with its own
    # "epoch N" read-out at its left: nothing covers the frame label.
    fig.update_layout(
        title=esc(title) if title else None,
        height=height,
        font={"size": max(12, font_size)},
        margin={"l": 10, "r": 30, "t": 70, "b": 20},
        xaxis={"range": x_range, "autorange": False, "zeroline": False, "showticklabels": False},
        yaxis={"range": y_range, "autorange": False, "zeroline": False, "showticklabels": False},
        updatemenus=[_PLAY_PAUSE],
        sliders=[_epoch_slider(names, font_size)],
    )
    return fig


_PLAY = {
    "frame": {"duration": 700, "redraw": False},
    "transition": {"duration": 500},
    "fromcurrent": True,
    "mode": "immediate",
}
_PAUSE = {
    "frame": {"duration": 0, "redraw": False},
    "transition": {"duration": 0},
    "mode": "immediate",
}
_PLAY_PAUSE = {
    "type": "buttons",
    "direction": "left",
    "showactive": False,
    "x": 1.0,
    "y": 1.02,
    "xanchor": "right",
    "yanchor": "bottom",
    "pad": {"r": 0, "t": 0},
    "buttons": [
        {"label": "▶ Play", "method": "animate", "args": [None, _PLAY]},
        {"label": "■ Pause", "method": "animate", "args": [[None], _PAUSE]},
    ],
}
"""The Play/Pause buttons, above the plot at its right."""


def _epoch_slider(names: Sequence[str], font_size: int) -> dict:
    """The epoch slider below the plot, its "epoch N" read-out at its left.  Steps are
    labelled by number only, so the last one ("10") is short enough not to be clipped."""
    return {
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
            {"label": str(e), "method": "animate", "args": [[name], _PAUSE]}
            for e, name in enumerate(names)
        ],
    }


@dataclass(frozen=True)
class _ReplayFrame:
    """How one frame of the replay is drawn: every word as a dot, the followed words
    (``rows``) larger, in colour and labelled where a label fits."""

    words: list[str]
    hover: list[str]
    rows: list[int]
    ranges: tuple[list[float], list[float]]
    plot_area: tuple[float, float]
    font_size: int

    def positions(self, xy: np.ndarray) -> list[str]:
        """Label slots for the highlighted rows of one frame; "" where none is free
        (the followed word, first, always gets one)."""
        (x_range, y_range), (plot_w, plot_h) = self.ranges, self.plot_area
        pixels = labels.to_pixels(xy, tuple(x_range), tuple(y_range), plot_w, plot_h)
        placed = labels.place_labels(
            pixels,
            self.words,
            self.rows,
            0,
            plot_w,
            plot_h,
            font_size=self.font_size + 1,
            marker_size=11,
            always=len(self.rows),
        )
        slots = {label.index: label.position for label in placed if label.offset is None}
        slots.setdefault(self.rows[0], "top center")
        return [slots.get(i, "") for i in self.rows]

    def traces(self, xy: np.ndarray) -> list[go.Scatter]:
        """The traces of one frame: "words", then "highlighted" if any are followed."""
        data = [
            go.Scatter(
                x=xy[:, 0],
                y=xy[:, 1],
                mode="markers",
                marker={"size": 6, "color": POINT_COLOUR, "opacity": 0.6},
                hovertext=self.hover,
                hoverinfo="text",
                name="words",
                showlegend=False,
            )
        ]
        if self.rows:
            rows, slots = self.rows, self.positions(xy)
            data.append(
                go.Scatter(
                    x=xy[rows, 0],
                    y=xy[rows, 1],
                    mode="markers+text",
                    marker={"size": 11, "color": HIGHLIGHT_COLOUR},
                    text=[
                        esc(self.words[i]) if slot else ""
                        for i, slot in zip(rows, slots, strict=True)
                    ],
                    textposition=[slot or "top center" for slot in slots],
                    textfont={"size": self.font_size + 1, "color": HIGHLIGHT_COLOUR},
                    hovertext=[self.hover[i] for i in rows],
                    hoverinfo="text",
                    name="highlighted",
                    showlegend=False,
                )
            )
        return data


def neighbour_table(history: list[list[tuple[str, float]]]) -> pd.DataFrame:
    """One row per epoch (0 = before training): the neighbours best first, a + on each
    word that entered the list since the epoch before, and the words that left it.

    A row reads whole on a projector, where one column per epoch was cut off.
    """
    rows = []
    previous: list[str] | None = None
    for epoch, neighbours in enumerate(history):
        now = [w for w, _ in neighbours]
        entered = {w for w in now if previous is not None and w not in previous}
        left = [w for w in previous or () if w not in now]
        rows.append(
            {
                "epoch": str(epoch),
                "neighbours": ", ".join(f"+{w}" if w in entered else w for w in now),
                "left": ", ".join(left),
            }
        )
        previous = now
    return pd.DataFrame(rows, columns=["epoch", "neighbours", "left"])
