"""Presentation mode: the page as a projector shows it.

On: the sidebar and its toggle are hidden (its settings keep their values), captions --
the technical small print under charts and controls -- are hidden, and chart builders
are asked for larger type (:func:`font_size`).  The styles are fixed strings written
here, never anything from a corpus or a user.
"""

from __future__ import annotations

import streamlit as st

from dashboard import state

KEY = "presentation"

#: Less empty space above the title in both modes: the first 720 pixels are the demo.
_COMPACT = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 1.6rem; padding-bottom: 2rem; }
h1 { font-size: 2.3rem !important; }
</style>
"""

_PRESENT = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stCaptionContainer"] { display: none; }
[data-testid="stMainBlockContainer"] {
  max-width: 100%; padding: 1rem 2rem 2rem 2rem;
}
h1 { font-size: 2rem !important; padding: 0 !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {
  font-size: 1.2rem;
}
[data-testid="stTextInput"] input, [data-testid="stNumberInput"] input,
[data-testid="stSelectbox"] input, [data-testid="stMultiSelect"] input,
[data-baseweb="select"] div, [data-testid="stWidgetLabel"] p, [data-testid="stRadio"] label p,
[data-testid="stText"], [data-testid="stText"] span, [data-testid="stTable"] td,
[data-testid="stTable"] th,
[data-testid="stExpander"] summary p, [data-baseweb="tab"] p { font-size: 1.15rem !important; }
</style>
"""


def is_on() -> bool:
    """Is presentation mode on for this session?"""
    return bool(state.current(KEY))


def font_size(normal: int = 13, large: int = 17) -> int:
    """Chart label size for the current mode."""
    return large if is_on() else normal


def toggle() -> bool:
    """The switch (drawn where it is called) and the page styles it implies."""
    on = st.toggle(
        "Presentation mode",
        **state.widget(KEY, False),
        help="For a projector: hides the sidebar and the small print, enlarges the "
        "charts' words. Switch off to change settings again.",
    )
    st.html(_COMPACT + (_PRESENT if on else ""))
    return on
