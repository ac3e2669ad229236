"""Numbers that seem to disagree say what they count (issue 23, item 12)."""

from __future__ import annotations

from dashboard.company import trained_on


def test_why_close_says_why_the_maps_frequency_is_lower():
    # king: 291 times in the corpus, 273 in the part trained on (the rest held out)
    note = trained_on(291, 273)
    assert "273" in note and "held out" in note
    assert trained_on(291, 291) == "" and trained_on(291, 0) == ""
