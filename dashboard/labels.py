"""Which words get a label on a map, and where the label goes so no two overlap.

Pure functions on NumPy arrays (no Plotly, no Streamlit), so the promise "no two label
boxes overlap" is tested directly.

A label is a text box next to its point, in one of Plotly's ``textposition`` slots
("top center", "middle right", ...).  Boxes are estimated in *pixels* for a given plot
size, because overlap is a question of what the eye sees, not of data units:

    x_px = (x - x_min) / (x_max - x_min) * width
    y_px = (y_max - y) / (y_max - y_min) * height          (screen y grows downwards)

A text of ``c`` characters in a font of ``s`` px is about ``CHAR_WIDTH * s * c`` wide and
``LINE_HEIGHT * s`` tall.  The estimate errs on the wide side: a label judged to overlap
is dropped, one judged free really is.

Placement is greedy in priority order (searched words, then the most frequent): each
word tries its slots in turn and takes the first whose box stays inside the plot and
touches no box already placed; a word with no free slot gets no label (its hover text
still names it).  Greedy is not optimal, but it is predictable: the words that matter
most are never the ones thinned out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CHAR_WIDTH = 0.62
"""Width of an average character, in font sizes (Open Sans lower case is about 0.55)."""

LINE_HEIGHT = 1.25
"""Height of a line of text, in font sizes."""

GAP = 2.0
"""Pixels between a marker's edge and its label."""

POSITIONS = (
    "top center",
    "bottom center",
    "middle right",
    "middle left",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)
"""Slots tried for each label, in order (Plotly ``textposition`` names)."""


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in pixels, ``y`` growing downwards."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        """True if the two boxes share more than an edge."""
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )

    def inside(self, width: float, height: float) -> bool:
        """True if the box lies within ``[0, width] x [0, height]``."""
        return self.x0 >= 0 and self.y0 >= 0 and self.x1 <= width and self.y1 <= height


@dataclass(frozen=True)
class Label:
    """One placed label: the row it names, its text, its Plotly slot and its box."""

    index: int
    text: str
    position: str
    box: Box


def text_size(text: str, font_size: float) -> tuple[float, float]:
    """Estimated ``(width, height)`` in pixels of one line of ``text``."""
    return CHAR_WIDTH * font_size * max(1, len(text)), LINE_HEIGHT * font_size


def label_box(
    x: float, y: float, text: str, position: str, font_size: float, marker_size: float
) -> Box:
    """The box of ``text`` placed at ``position`` beside a marker centred at pixel (x, y)."""
    w, h = text_size(text, font_size)
    d = marker_size / 2 + GAP
    vertical, horizontal = position.split()
    if horizontal == "center":
        x0 = x - w / 2
    elif horizontal == "right":
        x0 = x + (d if vertical == "middle" else 0.0)
    else:  # left
        x0 = x - w - (d if vertical == "middle" else 0.0)
    if vertical == "top":
        y0 = y - d - h
    elif vertical == "bottom":
        y0 = y + d
    else:  # middle
        y0 = y - h / 2
    return Box(x0, y0, x0 + w, y0 + h)


def to_pixels(
    coords: np.ndarray,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    width: float,
    height: float,
) -> np.ndarray:
    """Data coordinates ``(n, 2)`` to plot-area pixels ``(n, 2)`` (origin top left)."""
    xy = np.asarray(coords, dtype=float)[:, :2]
    (x_min, x_max), (y_min, y_max) = x_range, y_range
    sx = width / ((x_max - x_min) or 1.0)
    sy = height / ((y_max - y_min) or 1.0)
    return np.column_stack([(xy[:, 0] - x_min) * sx, (y_max - xy[:, 1]) * sy])


def label_order(counts: Sequence[int], priority: Sequence[int] = ()) -> list[int]:
    """Rows in the order they should be offered a label.

    ``priority`` rows first (searched word, its neighbours, axis words), in the given
    order, then every other row by decreasing frequency (ties: earlier row first).
    """
    counts = np.asarray(counts)
    first = list(dict.fromkeys(int(i) for i in priority if 0 <= int(i) < len(counts)))
    taken = set(first)
    by_frequency = np.argsort(-counts.astype(np.float64), kind="stable")
    return first + [int(i) for i in by_frequency if int(i) not in taken]


def place_labels(
    pixels: np.ndarray,
    texts: Sequence[str],
    order: Sequence[int],
    max_labels: int,
    width: float,
    height: float,
    font_size: float = 12.0,
    marker_size: float = 6.0,
    always: int = 0,
    positions: Sequence[str] = POSITIONS,
) -> list[Label]:
    """Greedy non-overlapping labels.

    Parameters
    ----------
    pixels : numpy.ndarray
        ``(n, 2)`` marker centres in plot pixels (:func:`to_pixels`).
    texts : sequence of str
        The label text of each row (what is measured; escape after placing).
    order : sequence of int
        Rows in priority order (:func:`label_order`).
    max_labels : int
        At most this many labels besides the first ``always`` rows of ``order``.
    width, height : float
        Plot area in pixels; boxes must stay inside it (Plotly clips text at the axes).
    font_size, marker_size : float
        Label font and marker diameter in pixels.
    always : int
        The first ``always`` rows of ``order`` (e.g. the searched word and its
        neighbours) are offered a slot regardless of ``max_labels``.
    positions : sequence of str
        Slots to try, in order.

    Returns
    -------
    list of Label
        Pairwise non-overlapping boxes, inside the plot, in placement order.
    """
    placed: list[Label] = []
    boxes: list[Box] = []
    frequent = 0
    for rank, row in enumerate(order):
        is_priority = rank < always
        if not is_priority and frequent >= max_labels:
            break
        x, y = float(pixels[row, 0]), float(pixels[row, 1])
        if not (np.isfinite(x) and np.isfinite(y)) or not (0 <= x <= width and 0 <= y <= height):
            continue  # outside the visible range (e.g. zoomed in): nothing to label
        for position in positions:
            box = label_box(x, y, texts[row], position, font_size, marker_size)
            if box.inside(width, height) and not any(box.overlaps(b) for b in boxes):
                placed.append(Label(int(row), texts[row], position, box))
                boxes.append(box)
                frequent += 0 if is_priority else 1
                break
    return placed


def cluster_names(
    clusters: Sequence[int], words: Sequence[str], counts: Sequence[int], members: int = 3
) -> dict[int, str]:
    """Name each cluster by its most frequent members: ``{0: "king · queen · prince"}``."""
    clusters = np.asarray(clusters)
    counts = np.asarray(counts, dtype=np.float64)
    names = {}
    for c in np.unique(clusters):
        rows = np.flatnonzero(clusters == c)
        best = rows[np.argsort(-counts[rows], kind="stable")[:members]]
        names[int(c)] = " · ".join(words[i] for i in best)
    return names
