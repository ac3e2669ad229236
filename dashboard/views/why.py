"""The *Why close?* tab: the company a word keeps, and what two words share.

Type a word (and optionally a second one), or arrive from a click elsewhere: a
neighbour-table row, a point on the map or an analogy's answer record their question
with :func:`dashboard.company.ask`, and this tab opens on it.  The drawing is shared
with those places, in :mod:`dashboard.company`.
"""

from __future__ import annotations

import streamlit as st

from dashboard import company, state
from dashboard.charts import labels
from dashboard.queries import resolve_word
from dashboard.views import Context, explain, no_run

EXPLANATION = """
word2vec learns from one idea: **a word is known by the company it keeps**. Words that
appear near the same words end up with similar vectors. This tab shows that company,
counted straight from the text:

* **For one word**: the words that appear within the training window of it far more
  often than chance (the bar length; the label says how many times), and sentences
  from the corpus with the word highlighted and its company in blue.
* **For two words**: the company they share, each word on one side of the chart.
  The more they share, the closer their vectors. For two words that are *not* close,
  what each one keeps company with instead.

Click a row in the *Neighbours* tab, a word on the *Map*, or an analogy's answer to
arrive here with that question.
"""

DEFAULT_WORDS = ("king", "paris", "dog", "good", "music", "war", "city", "water")
#: A default word seen fewer times than this keeps no telling company ("king" is seen 67
#: times in wiki: of, was, the).
MIN_COUNT = 100


def _default_word(kv) -> str:
    """A demo word the text has seen often enough, else its most frequent content word."""
    frequent = [w for w in DEFAULT_WORDS if w in kv and kv.count(w) >= MIN_COUNT]
    return labels.meaningful_word(kv.words[:2000], prefer=frequent) or kv.words[0]


def render(ctx: Context) -> None:
    """Draw the *Why close?* tab."""
    explain(EXPLANATION)
    run = ctx.run
    if run is None:
        no_run(ctx)
        return
    kv = run.kv
    left, right = st.columns(2)
    word = left.text_input(
        "Word",
        **state.widget(company.WORD, lambda: _default_word(kv), basis=run.key),
        help="Any word of the vocabulary.",
    ).strip()
    other = right.text_input(
        "Compare with (optional)",
        **state.widget(company.OTHER, "", basis=run.key),
        help="A second word: what company do the two share?",
        placeholder="e.g. a neighbour of the first word",
    ).strip()
    if not word:
        st.info("Type a word above.")
        return
    word = resolve_word(kv, word)
    if other:
        company.pair_view(ctx, run, word, resolve_word(kv, other), key="why_tab_pair")
    else:
        company.word_view(ctx, run, word, key="why_tab_word")
