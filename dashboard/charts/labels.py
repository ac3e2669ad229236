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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

CHAR_WIDTH = 0.62
"""Width of an average character, in font sizes (Open Sans lower case is about 0.55)."""

LINE_HEIGHT = 1.25
"""Height of a line of text, in font sizes."""


def marker_offset(marker_size: float) -> float:
    """Pixels between a marker's centre and its label: Plotly's rule
    ``r = radius / 0.8 + 1`` (``Drawing.textPointPosition``), applied along each axis
    the slot names ("top right" is shifted up *and* right)."""
    return marker_size / 2 / 0.8 + 1.0 if marker_size > 0 else 0.0


GAP = 0.25
"""Free space kept left and right of every placed label, in font sizes: text boxes
are estimates, and two labels whose boxes only touched ("newspapers" beside "full")
read as one word on the first screen."""


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

    def grown(self, dx: float, dy: float) -> Box:
        """The box with ``dx`` more pixels left and right and ``dy`` above and below."""
        return Box(self.x0 - dx, self.y0 - dy, self.x1 + dx, self.y1 + dy)

    def inside(self, width: float, height: float) -> bool:
        """True if the box lies within ``[0, width] x [0, height]``."""
        return self.x0 >= 0 and self.y0 >= 0 and self.x1 <= width and self.y1 <= height


CALLOUTS = tuple(
    (round(r * dx), round(r * dy))
    for r in (34, 56, 80)
    for dx, dy in ((0, -1), (1, -0.6), (1, 0.6), (0, 1), (-1, 0.6), (-1, -0.6), (1.4, 0), (-1.4, 0))
)
"""Offsets (px, y down) tried for a priority word whose eight slots are taken: the label
moves out and a line points back to its dot (a Plotly annotation arrow)."""


@dataclass(frozen=True)
class Label:
    """One placed label: the row it names, its text, its Plotly slot and its box.

    ``offset`` is set for a callout: the label's centre is that many pixels from its dot
    (``position`` is then ``"callout"``).
    """

    index: int
    text: str
    position: str
    box: Box
    offset: tuple[int, int] | None = None


NARROW = frozenset("fijlrt.,;:!'|()[] 1")
"""Characters about half as wide as an average one."""

WIDE = frozenset("mwMW@%")
"""Characters about one and a half times as wide as an average one."""


def text_size(text: str, font_size: float) -> tuple[float, float]:
    """Estimated ``(width, height)`` in pixels of one line of ``text``.

    Letters differ in width: "woman" is about a third wider than "lilt".  With one
    average width for all, two labels judged side by side ("queen", "woman") were
    drawn touching, as one word.
    """
    return CHAR_WIDTH * font_size * _width_units(text), LINE_HEIGHT * font_size


@lru_cache(maxsize=4096)
def _width_units(text: str) -> float:
    """Width of ``text`` in average characters (at least 1); cached, as placement
    measures each word once per slot it tries."""
    units = sum(
        0.5 if c in NARROW else 1.5 if c in WIDE else 1.15 if c.isupper() else 1.0 for c in text
    )
    return max(1.0, units)


def label_box(
    x: float, y: float, text: str, position: str, font_size: float, marker_size: float
) -> Box:
    """The box of ``text`` placed at ``position`` beside a marker centred at pixel (x, y)."""
    w, h = text_size(text, font_size)
    d = marker_offset(marker_size)
    vertical, horizontal = position.split()
    if horizontal == "center":
        x0 = x - w / 2
    elif horizontal == "right":
        x0 = x + d
    else:  # left
        x0 = x - w - d
    if vertical == "top":
        y0 = y - d - h
    elif vertical == "bottom":
        y0 = y + d
    else:  # middle
        y0 = y - h / 2
    return Box(x0, y0, x0 + w, y0 + h)


def marker_box(x: float, y: float, marker_size: float) -> Box:
    """The square a marker of diameter ``marker_size`` covers at pixel (x, y)."""
    r = marker_size / 2
    return Box(x - r, y - r, x + r, y + r)


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


def label_order(
    counts: Sequence[int],
    priority: Sequence[int] = (),
    words: Sequence[str] | None = None,
    groups: Sequence[int] | None = None,
) -> list[int]:
    """Rows in the order they should be offered a label.

    ``priority`` rows first (searched word, its neighbours, axis words), in the given
    order, then every other row by decreasing frequency (ties: earlier row first).
    Given ``words``, function words ("the", "of": see :data:`FUNCTION_WORDS`) come after
    all the others: a map labelled "the, and, of" tells an audience nothing.  Given
    ``groups`` (clusters), the groups take turns: each group's most frequent word, then
    each group's second, ... so every cluster gets named, not only the most frequent one.
    """
    counts = np.asarray(counts)
    first = list(dict.fromkeys(int(i) for i in priority if 0 <= int(i) < len(counts)))
    taken = set(first)
    by_frequency = [int(i) for i in np.argsort(-counts.astype(np.float64), kind="stable")]
    rest = [i for i in by_frequency if i not in taken]
    if words is not None:
        rest = [i for i in rest if is_meaningful(words[i])] + [
            i for i in rest if not is_meaningful(words[i])
        ]
    if groups is not None:
        rank: dict[int, int] = {}
        seen: dict[int, int] = {}
        for i in rest:
            g = int(groups[i])
            rank[i] = seen.get(g, 0)
            seen[g] = rank[i] + 1
        rest = sorted(rest, key=lambda i: rank[i])  # stable: frequency order within a turn
    return first + rest


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
    obstacles: Sequence[Box] = (),
    room: float = 0.0,
    always_font_size: float | None = None,
    groups: Sequence[int] | None = None,
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
        neighbours) are offered a slot regardless of ``max_labels``, and when all eight
        slots are taken, a callout (:data:`CALLOUTS`) further out.
    positions : sequence of str
        Slots to try, in order.
    obstacles : sequence of Box
        Boxes no label may cover (e.g. the highlighted markers, see :func:`marker_box`).
    room : float
        Pixels kept free around the labels of the first ``always`` rows: other labels
        keep that far away, so the words that matter do not drown in a crowd.
    always_font_size : float, optional
        The font of the first ``always`` rows' labels when it differs (highlighted
        words are drawn a size larger).
    groups : sequence of int, optional
        Each row's cluster.  Given, a label takes, among its free slots, the one that
        covers the fewest dots of *other* clusters (then of its own; ties: the order of
        ``positions``): a word written over another group's dots reads as a member of
        that group (:func:`covered_dots`).  A word outside the first ``always`` rows
        whose every free slot covers another group's dots gets no label (the next word
        in ``order`` is offered one instead).

    Returns
    -------
    list of Label
        Pairwise non-overlapping boxes, inside the plot, in placement order.
    """
    clusters = None if groups is None else np.asarray(groups)
    placed: list[Label] = []
    boxes: list[Box] = list(obstacles)  # what a priority label may not touch
    kept: list[Box] = list(obstacles)  # the same with ``room`` around priority labels
    frequent = 0
    for rank, row in enumerate(order):
        is_priority = rank < always
        if not is_priority and frequent >= max_labels:
            break
        x, y = float(pixels[row, 0]), float(pixels[row, 1])
        if not (np.isfinite(x) and np.isfinite(y)) or not (0 <= x <= width and 0 <= y <= height):
            continue  # outside the visible range (e.g. zoomed in): nothing to label
        taken = boxes if is_priority else kept
        size = (always_font_size or font_size) if is_priority else font_size
        free = (  # lazily: most words take their first free slot
            (position, box)
            for position in positions
            if (box := label_box(x, y, texts[row], position, size, marker_size)).inside(
                width, height
            )
            and not any(box.overlaps(b) for b in taken)
        )
        label = _best_slot(free, int(row), texts[row], pixels, clusters, marker_size, is_priority)
        if label is None and is_priority:
            w, h = text_size(texts[row], size)
            for dx, dy in CALLOUTS:
                box = Box(x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2)
                if box.inside(width, height) and not any(box.overlaps(b) for b in taken):
                    label = Label(int(row), texts[row], "callout", box, (dx, dy))
                    break
        if label is not None:
            placed.append(label)
            gap = GAP * font_size  # two words side by side must not read as one
            boxes.append(label.box.grown(gap, 0))
            kept.append(label.box.grown(max(room, gap), room) if is_priority else boxes[-1])
            frequent += 0 if is_priority else 1
    return placed


def _best_slot(
    free: Iterable[tuple[str, Box]],
    row: int,
    text: str,
    pixels: np.ndarray,
    groups: np.ndarray | None,
    marker_size: float,
    is_priority: bool,
) -> Label | None:
    """The label of ``row`` in the best of its ``free`` slots (in the order tried):
    without ``groups`` the first; with them the one covering the fewest dots of other
    groups, then of its own (:func:`covered_dots`; the first of equals), and none for
    an ordinary word whose every free slot covers another group's dots."""
    best: tuple[tuple[int, int], str, Box] | None = None
    for position, box in free:
        if groups is None:
            return Label(row, text, position, box)
        cost = covered_dots(box, pixels, groups, row, marker_size)
        if best is None or cost < best[0]:
            best = (cost, position, box)
        if cost == (0, 0):
            break
    if best is None or (best[0][0] > 0 and not is_priority):
        return None  # no free slot, or each writes over another group: leave it unnamed
    return Label(row, text, best[1], best[2])


def covered_dots(
    box: Box, pixels: np.ndarray, groups: Sequence[int], row: int, marker_size: float
) -> tuple[int, int]:
    """How many dots a label of ``row`` in ``box`` would cover: ``(of other clusters,
    of its own cluster)``, its own dot left out.  A dot counts when its centre lies
    within the box grown by the dot's radius (text over half a dot hides it too)."""
    r = marker_size / 2
    x, y = pixels[:, 0], pixels[:, 1]
    under = (x >= box.x0 - r) & (x <= box.x1 + r) & (y >= box.y0 - r) & (y <= box.y1 + r)
    under[row] = False
    same = np.asarray(groups) == groups[row]
    return int(np.count_nonzero(under & ~same)), int(np.count_nonzero(under & same))


def is_meaningful(word: str) -> bool:
    """Not a function word, and at least three letters."""
    return word.lower() not in FUNCTION_WORDS and len(word) >= 3 and word.isalpha()


def cluster_names(
    clusters: Sequence[int],
    words: Sequence[str],
    counts: Sequence[int],
    members: int = 3,
    vectors: np.ndarray | None = None,
) -> dict[int, str]:
    """Name each cluster by the members that characterise it: ``{0: "king · queen"}``.

    Given the ``vectors`` of the words (rows as in ``words``), a member's score is how
    much closer it is to its own group's centre than to any other group's::

        margin(w) = cos(w, centre(own)) - max_{g != own} cos(w, centre(g))

    so a group holding king, queen, table and picnic is named by the words typical of
    it *against the rest of the map* (king, queen), not by its most frequent ones
    (table, which sits as near another group).  Without vectors, the most frequent
    members name it.  Function words ("the", "however") come only when a cluster has
    nothing else.
    """
    clusters = np.asarray(clusters)
    margin = None if vectors is None else cluster_margins(clusters, vectors)
    names = {}
    for c in np.unique(clusters):
        rows = [int(i) for i in np.flatnonzero(clusters == c)]
        if margin is None:
            order = label_order([counts[i] for i in rows], words=words_of(words, rows))
            best = [rows[i] for i in order]
        else:
            best = sorted(rows, key=lambda i: (not is_meaningful(words[i]), -margin[i], -counts[i]))
        names[int(c)] = " · ".join(words[i] for i in best[:members])
    return names


def words_of(words: Sequence[str], rows: Sequence[int]) -> list[str]:
    """``words`` at ``rows``."""
    return [words[i] for i in rows]


def cluster_margins(clusters: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """For each row, cos(row, own group's centre) - the highest cos(row, other centre)
    (centres are the normalised means of unit rows; one group: cos to its centre)."""
    x = np.asarray(vectors, dtype=np.float64)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    groups = np.unique(clusters)
    centres = np.stack([x[clusters == g].mean(axis=0) for g in groups])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    sims = x @ centres.T  # (n, groups)
    own = np.searchsorted(groups, clusters)
    mine = sims[np.arange(len(x)), own]
    if len(groups) == 1:
        return mine
    sims[np.arange(len(x)), own] = -np.inf
    return mine - sims.max(axis=1)


_FUNCTION_WORDS = """a about above after again against all also am an and any are as at be
    because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own said same say says she should so some such than that
    the their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you
    your yours yourself yourselves one two three new like get got may might must shall us
    s t don didn isn wasn"""
_GENERIC_WORDS = """first second third four five six seven eight nine ten hundred thousand
    million used use using uses many much however often known called including include
    includes since later made make makes found several example although became become
    becomes part based order due according among different common name long even around
    another others within following term see less way usually generally developed end
    similar considered various set important began without still per sometimes though
    late early related either back thus means led point main period case result held
    certain given best especially present lower open particular series isbn well also
    just even ever yet already almost often whether whose upon across along around rather
    every least less little lot several since towards toward via etc non pre e g i.e
    called say said says came come comes went go goes take took taken give gave given
    put making took seen see seem seemed seems thing things way ways kind kinds"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split()) | frozenset(_GENERIC_WORDS.split())
"""English words that carry grammar rather than meaning ("about", "that"), and words too
general to say what a text is about ("however", "used", "first"): a poor choice
for the word a demo follows."""


def meaningful_word(words: Sequence[str], prefer: Sequence[str] = ()) -> str | None:
    """The first of ``prefer`` found in ``words``, else the first (most frequent) word
    that is not a function word and has at least three letters; None for no words."""
    known = set(words)
    for word in prefer:
        if word and word in known:
            return word
    for word in words:
        if is_meaningful(word):
            return word
    return words[0] if words else None


def first_content_word(text: str) -> str | None:
    """The first line's first content word ("dog" in "a dog hunts near the kennel"),
    as the corpus reader spells it; None if the line has none."""
    from w2v_core.corpus import tokenize

    lines = [line for line in text.splitlines() if line.strip()]
    words = [w for w in tokenize(lines[0]) if is_meaningful(w)] if lines else []
    return words[0] if words else None
