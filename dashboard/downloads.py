"""Take away what you see: CSV files safe to open in a spreadsheet, the map's image button,
and the current selection of the map (a lasso, a box or a search) as files.

Every CSV of the dashboard's tables goes through :func:`csv_bytes`, the one place where
text cells are neutralised against spreadsheet formulas
(:func:`w2v_core.files.spreadsheet_safe`): a vocabulary is user data, and a "word" such
as ``=HYPERLINK(...)`` must arrive in a spreadsheet as text, not run as a formula.

The pure functions (:func:`csv_bytes`, :func:`word_list`, :func:`selection_frame`,
:func:`chart_config`) are tested without Streamlit; :func:`selection_buttons` draws.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.charts.contexts import selection_rows
from dashboard.ui import md
from w2v_core.files import spreadsheet_safe

#: The map image as laid out for the screen (the labels are placed for about this
#: size, see :data:`dashboard.charts.maps.MAP_WIDTH_HINT`), at 16:10 ...
IMAGE_WIDTH, IMAGE_HEIGHT = 960, 600
#: ... and drawn at twice the pixels: a PNG of 1920 x 1200, sharp on a full-HD projector.
IMAGE_SCALE = 2
IMAGE_FORMATS = ("PNG", "SVG")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV of ``frame`` (no index) with every text cell passed through
    :func:`~w2v_core.files.spreadsheet_safe`: ``=``, ``+``, ``-``, ``@``, tab or carriage
    return at the start of a cell gets a leading ``'``.  Numbers stay numbers."""
    safe = frame.copy()
    for column in safe.columns:
        if not (pd.api.types.is_numeric_dtype(safe[column]) or safe[column].dtype == bool):
            safe[column] = [
                spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in safe[column]
            ]
    # CRLF line ends (RFC 4180) also make the writer quote a cell holding a lone "\r",
    # which a reader would otherwise take for the end of a row.
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def word_list(words: Sequence[str]) -> bytes:
    """The words one per line, UTF-8, exactly as spelled (a text file to paste from, not
    a spreadsheet: a word is not altered)."""
    return "".join(f"{word}\n" for word in words).encode("utf-8")


def selection_frame(
    rows: Sequence[int],
    words: Sequence[str],
    counts: Sequence[int],
    coords: np.ndarray,
    clusters: np.ndarray | None = None,
    cluster_names: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """The selected rows of the map: word, frequency, x, y (, z) (, cluster, group).

    ``group`` is the cluster's name as the legend shows it (e.g. ``"king · queen"``);
    the cluster columns are there only when the map is coloured by cluster.
    """
    rows = [int(r) for r in rows]
    frame = pd.DataFrame(
        {
            "word": [words[r] for r in rows],
            "frequency": np.asarray(counts, dtype=np.int64)[rows] if len(rows) else [],
        }
    )
    coords = np.asarray(coords, dtype=np.float64)
    for axis, name in enumerate("xyz"[: coords.shape[1]]):
        frame[name] = coords[rows, axis] if rows else []
    if clusters is not None:
        labels = np.asarray(clusters)[rows] if rows else np.zeros(0, dtype=np.int64)
        frame["cluster"] = labels
        frame["group"] = [(cluster_names or {}).get(int(c), str(int(c))) for c in labels]
    return frame


def file_stem(*parts: object) -> str:
    """A file name stem from its parts, each cut to 16 characters (a run key is a long
    hash): letters, digits, ``-`` and ``_`` only."""
    text = "_".join(str(p)[:16] for p in parts if str(p))
    return re.sub(r"[^A-Za-z0-9-]+", "_", text).strip("_") or "map"


def chart_config(name: Sequence[str], image_format: str = "PNG") -> dict[str, Any]:
    """The Plotly chart's config: no logo, and the camera button of its toolbar saving
    the map as ``<stem>.png`` or ``.svg`` (``stem``: :func:`file_stem` of the ``name``
    parts) at :data:`IMAGE_WIDTH` x :data:`IMAGE_HEIGHT` (PNG: times :data:`IMAGE_SCALE`)."""
    fmt = "svg" if image_format.upper() == "SVG" else "png"
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": fmt,
            "filename": file_stem(*name),
            "width": IMAGE_WIDTH,
            "height": IMAGE_HEIGHT,
            "scale": IMAGE_SCALE if fmt == "png" else 1,
        },
    }


def image_format_choice() -> str:
    """Draw the choice of what the chart's camera button saves: ``"PNG"`` or ``"SVG"``."""
    return st.radio(
        "The chart's camera button saves",
        IMAGE_FORMATS,
        **state.widget("map_image_format", "PNG", options=IMAGE_FORMATS),
        horizontal=True,
        help="PNG for slides (1920 x 1200 px); SVG to edit or scale in a drawing program.",
    )


def selection_buttons(
    rows: Sequence[int],
    source: str,
    frame: pd.DataFrame,
    stem: str,
    key: str = "map_selection",
) -> None:
    """Two downloads of the selected words: a word list (.txt) and a CSV of ``frame``
    (see :func:`selection_frame`); nothing when nothing is selected."""
    if not len(rows):
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(f"Take away the {len(rows)} words of the {source}:", width="content")
        st.download_button(
            "Word list (.txt)",
            data=word_list(list(frame["word"])),
            file_name=f"{stem}_words.txt",
            mime="text/plain",
            key=f"{key}_words",
            icon=":material/download:",
        )
        st.download_button(
            "Words with coordinates (CSV)",
            data=csv_bytes(frame),
            file_name=f"{stem}.csv",
            mime="text/csv",
            key=f"{key}_csv",
            icon=":material/download:",
        )


def map_selection_buttons(
    event: Any,
    coords: np.ndarray,
    words: Sequence[str],
    counts: Sequence[int],
    clusters: np.ndarray | None,
    cluster_names: Mapping[int, str] | None,
    highlight: Sequence[str],
    run_id: str,
) -> None:
    """The map's lasso or box selection, else the searched word and its neighbours
    (``highlight``, the searched word first), as a word list and a CSV."""
    picked, source, stem = selection_rows(event, coords), "selection", "selection"
    if len(picked) < 2 and highlight:  # one clicked word is not a selection worth a file
        position = {w: i for i, w in enumerate(words)}
        picked = [position[w] for w in highlight if w in position]
        source, stem = f"search for “{md(highlight[0])}”", highlight[0]
    frame = selection_frame(picked, words, counts, coords, clusters, cluster_names)
    selection_buttons(picked, source, frame, file_stem("map", run_id, stem))


def coordinates_csv(
    words: Sequence[str], counts: np.ndarray, coords: np.ndarray, clusters: np.ndarray | None
) -> bytes:
    """UTF-8 CSV with columns word, frequency, x, y (, z) (, cluster)."""
    frame = pd.DataFrame({"word": list(words), "frequency": np.asarray(counts, dtype=np.int64)})
    for axis, name in enumerate("xyz"[: coords.shape[1]]):
        frame[name] = coords[:, axis]
    if clusters is not None:
        frame["cluster"] = clusters
    return csv_bytes(frame)  # no formulas in spreadsheets
