"""What every figure shares: the escaping of text and the colours of the common marks.

Every string that reaches a figure -- words, run labels, titles -- goes through
:func:`esc`.  Plotly renders a subset of HTML (``<b>``, ``<a href>``, ``<br>``...)
in titles, labels, hover text and legends, and words come from arbitrary
corpora, so a token like ``<a href=...>`` must show up as text, not markup.
"""

from __future__ import annotations

import html

QUALITATIVE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39",
    "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
)  # fmt: skip
HIGHLIGHT_COLOUR = "#d62728"
HIGHLIGHT_NAME = "searched word and its neighbours"
POINT_COLOUR = "#4c78a8"


def esc(text: object) -> str:
    """Text safe to put in a Plotly string: ``<``, ``>`` and ``&`` become entities.

    Quotes are left alone: they carry no meaning in Plotly's pseudo-HTML and
    Plotly does not decode ``&quot;``.
    """
    return html.escape(str(text), quote=False)
