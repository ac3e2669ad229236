"""Every character the app prints is in the page's font (issue 23, item 11).

Debian's Chromium drew the replay's "＋" (U+FF0B) as an empty box: neither Streamlit's
Source Sans nor the fonts a Debian desktop has hold it.  Every non-ASCII character in a
string of ``dashboard/`` must be in Source Sans, the font Streamlit ships and the page
(and its charts) use, so what the page says never depends on the system's fonts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import streamlit
from fontTools.ttLib import TTFont

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard"
#: Characters drawn by something other than the page's font: the tab's icon (an emoji
#: the browser draws from its own emoji font, or omits).
NOT_PAGE_TEXT = {"🔤"}


def page_font() -> set[int]:
    media = Path(streamlit.__file__).parent / "static" / "static" / "media"
    fonts = sorted(media.glob("SourceSansVF-Upright*.woff2"))
    assert fonts, "Streamlit ships Source Sans"
    return set(TTFont(str(fonts[0])).getBestCmap())


def printed_characters() -> dict[str, set[str]]:
    """Non-ASCII character -> the files whose string literals hold it."""
    found: dict[str, set[str]] = {}
    for path in sorted(DASHBOARD.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for char in node.value:
                    if ord(char) > 127:
                        found.setdefault(char, set()).add(path.name)
    return found


def test_every_character_the_app_prints_is_in_the_page_font():
    font = page_font()
    printed = printed_characters()
    assert "·" in printed and "−" in printed  # the scan sees the app's strings
    missing = {
        f"{c!r} U+{ord(c):04X} in {sorted(files)}"
        for c, files in printed.items()
        if ord(c) not in font and c not in NOT_PAGE_TEXT
    }
    assert not missing, missing


@pytest.mark.parametrize("char", ["＋", "ₒ", "ₖ", "❚"])
def test_the_check_catches_what_debian_drew_as_boxes(char):
    assert ord(char) not in page_font()
