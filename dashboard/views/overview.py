"""The Overview tab: what the model learned, at first sight and without a click.

Three things, each with one plain-language sentence: a labelled map of the most
frequent words, one analogy answered (king − man + woman → queen on the demo corpus)
and the nearest neighbours of one word.  Everything is computed from the active run;
the map's projection is cached per run, so only the first visit pays for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import presentation, share, state
from dashboard.charts import labels, maps, projection
from dashboard.queries import resolve_word
from dashboard.views import Context, md, no_run

if TYPE_CHECKING:  # pragma: no cover
    from w2v_core.vectors import KeyedVectors

MAP_WORDS = 200
"""Words on the overview map: enough to show groups, few enough for t-SNE in ~1 s."""
MAP_CLUSTERS = 8
MAP_LABELS = 40
NEIGHBOURS = 6
#: The first screen at 1280x720 (normal mode / presentation mode): the map's height and
#: the width its labels are placed for (the overview column at that size).
ROW = 31
"""Neighbour table row height: the whole table on the first screen."""
MAP_SIZE = {False: (390, 476), True: (470, 700)}

ANALOGIES: tuple[tuple[str, str, str, str], ...] = (
    ("man", "king", "woman", "queen"),
    ("france", "paris", "italy", "rome"),
    ("dog", "puppy", "cat", "kitten"),
    ("big", "bigger", "small", "smaller"),
    ("he", "his", "she", "her"),
    ("good", "better", "bad", "worse"),
)
"""Analogies ``a : b :: c : expected`` tried in order: the first the run answers right
is shown, else the first whose four words it knows (the demo corpus plants the first
four; a few million words of real text get "he : his :: she : her" right, not king)."""

FOCUS_WORDS = (
    "king", "paris", "queen", "woman", "music", "school", "january", "army", "city", "war",
)  # fmt: skip
"""Words whose neighbours the overview shows by default, when the run has seen one at
least :data:`FOCUS_MIN_COUNT` times (``wiki`` has "king" 66 times: poor neighbours)."""
FOCUS_MIN_COUNT = 100
ROUGH_BELOW = 10_000_000
"""Texts shorter than this (word2vec's own demos use 17M+ words) get a caveat."""


# -- what to show (pure) -----------------------------------------------------------------


def pick_analogy(kv: KeyedVectors) -> tuple[str, str, str, str] | None:
    """The first of :data:`ANALOGIES` the run answers right, else the first whose four
    words are all in the vocabulary (None: no such analogy)."""
    known = [a for a in ANALOGIES if all(word in kv for word in a)]
    for a, b, c, expected in known:
        answers = kv.analogy(a, b, c, topn=1)
        if answers and answers[0][0] == expected:
            return a, b, c, expected
    return known[0] if known else None


def first_known(kv: KeyedVectors) -> tuple[str, str, str, str] | None:
    """The first of :data:`ANALOGIES` whose four words the run knows."""
    return next((a for a in ANALOGIES if all(word in kv for word in a)), None)


def pick_focus(kv: KeyedVectors, wanted: str = "") -> str | None:
    """The word whose neighbours are shown: ``wanted`` if known (e.g. from the URL), else
    a demo word the run knows, else its most frequent word with a meaning."""
    if wanted:
        word = resolve_word(kv, wanted.strip())
        if word in kv:
            return word
    frequent = [w for w in FOCUS_WORDS if w in kv and kv.count(w) >= FOCUS_MIN_COUNT]
    return labels.meaningful_word(kv.words[:2000], prefer=frequent)


def rough_note(tokens: int, planted: bool) -> str | None:
    """The one sentence a real text's first screen owes its audience: a small text gives
    rough neighbours (None for the demo corpus, built for the demo, and big texts)."""
    if planted or not 0 < tokens < ROUGH_BELOW:
        return None
    return (
        f"Learned from only {tokens:,} words of text: the neighbours of frequent words make "
        "sense, those of rarer words are rough, and word arithmetic is mostly luck."
    )


def map_rows(kv: KeyedVectors, extra: Sequence[str]) -> tuple[int, ...]:
    """The :data:`MAP_WORDS` most frequent content words (no "the", "however", "used":
    see :func:`dashboard.charts.labels.is_meaningful`), plus the rows of ``extra`` words.

    On a real text the most frequent words are function words: a map of "first, used,
    many" shows an audience nothing.  A vocabulary with too few content words is
    filled up with the most frequent others.
    """
    meaningful = (i for i, w in enumerate(kv.words) if labels.is_meaningful(w))
    content = list(islice(meaningful, MAP_WORDS))
    if len(content) < MAP_WORDS:
        taken = set(content)
        content += [i for i in range(len(kv)) if i not in taken][: MAP_WORDS - len(content)]
    more = sorted({kv.index[w] for w in extra if w in kv} - set(content))
    return tuple(content + more)


# -- cached computations -------------------------------------------------------------------


@st.cache_data(show_spinner="Drawing the map of words…", max_entries=32)
def _overview_map(run_key: str, rows: tuple[int, ...], _kv: KeyedVectors) -> tuple:
    """t-SNE coordinates and KMeans clusters of ``rows`` (cached per run)."""
    vectors = _kv.normed[list(rows)]
    coords = projection.tsne(vectors, 2, perplexity=30, seed=0)
    clusters = projection.kmeans_labels(vectors, MAP_CLUSTERS, seed=0)
    return coords, clusters


# -- the tab ---------------------------------------------------------------------------------


def render(ctx: Context, word: str = "") -> None:
    """Draw the Overview tab for the active run (``word``: the word to look at, if any)."""
    run = ctx.run
    if run is None:
        no_run(ctx)
        return
    kv = run.kv
    if len(kv) < 10 or not np.isfinite(kv.vectors).all():
        st.info("This run is too small (or broken) for an overview: see the other tabs.")
        return
    analogy = pick_analogy(kv)
    # the word of a shared link, or the Map's search, if the run knows it
    wanted = word or str(state.get("map_query", "") or share.link_word())
    focus = pick_focus(kv, wanted)
    if wanted.strip() and focus != resolve_word(kv, wanted.strip()):
        st.caption(
            f"“{md(wanted.strip())}” is not in this run's vocabulary: showing "
            f"“{md(focus or '')}” instead."
        )
    big = presentation.is_on()
    left, right = st.columns([3, 2], gap="medium")
    with right:  # first: the answer is on screen while the map is still being drawn
        score = _analogy(kv, analogy)
        _neighbours(kv, focus, score)
        corpus = ctx.corpus_for(run)  # the text's size, as the sidebar gives it
        tokens = corpus.n_tokens if corpus is not None else int(kv.counts.sum())
        note = rough_note(tokens, planted=run.corpus_name == "toy")
        if note:
            st.caption(note)
    with left:
        _map(run.key, kv, analogy, focus, big)


def _map(
    run_key: str,
    kv: KeyedVectors,
    analogy: tuple[str, str, str, str] | None,
    focus: str | None,
    big: bool,
) -> None:
    words_of_interest = [*(analogy or ()), *([focus] if focus else [])]
    rows = map_rows(kv, words_of_interest)
    coords, clusters = _overview_map(run_key, rows, _kv=kv)
    words = [kv.words[i] for i in rows]
    counts = kv.counts[list(rows)]
    height, width = MAP_SIZE[big]
    fig = maps.scatter_map(
        coords,
        words,
        counts,
        color=clusters,
        color_title="group",
        # two members name a group in a legend that must fit two or three rows
        cluster_names=labels.cluster_names(
            clusters, words, counts, members=2, vectors=kv.normed[list(rows)]
        ),
        highlight=list(dict.fromkeys(words_of_interest)),
        highlight_name="the words on the right",
        dim=False,
        n_labels=MAP_LABELS,
        font_size=17 if big else 13,
        height=height,
        width_hint=width,
        compact=True,
    )
    st.markdown(
        "**A map of the words.** Words used in similar sentences sit close together; "
        "the colours are groups the computer found on its own."
    )
    st.plotly_chart(fig, key="overview_map", config={"displaylogo": False})


def _analogy(kv: KeyedVectors, analogy: tuple[str, str, str, str] | None) -> float | None:
    """The analogy answered; returns the answer's cosine (None: no analogy)."""
    st.markdown("**Word arithmetic**")
    if analogy is None:
        st.markdown("This text does not contain the words of the usual examples (king, man, …).")
        return None
    a, b, c, expected = analogy
    first = first_known(kv)
    answers = kv.analogy(a, b, c, topn=3)
    answer, score = answers[0]
    level = "###" if presentation.is_on() else "#####"
    st.markdown(f"{level} {md(b)} − {md(a)} + {md(c)} = **{md(answer)}**")
    if answer == expected:
        st.markdown(
            f"From *{md(b)}*, take away *{md(a)}*, add *{md(c)}*: the nearest word is "
            f"*{md(answer)}*. Nobody told the computer; it learned it from how words are used."
        )
        if first is not None and first != analogy:  # say what did not work, too
            fa, fb, fc, fd = first
            wrong = kv.analogy(fa, fb, fc, topn=1)[0][0]
            st.markdown(
                f"But {md(fb)} − {md(fa)} + {md(fc)} gives *{md(wrong)}* here, not *{md(fd)}*: "
                "that takes tens of millions of words."
            )
    else:
        runner_up = ", ".join(md(w) for w, _ in answers[1:])
        st.markdown(
            f"The model's nearest word is *{md(answer)}* (then {runner_up}); the expected "
            f"answer is *{md(expected)}*. Analogies need tens of millions of words of text; "
            "neighbours (below) need far fewer."
        )
    return score


def _neighbours(kv: KeyedVectors, focus: str | None, score: float | None) -> None:
    if focus is None:
        return
    st.markdown(f"**Closest words to “{md(focus)}”**")
    neighbours = kv.most_similar(focus, topn=NEIGHBOURS)
    frame = pd.DataFrame(
        {"word": [w for w, _ in neighbours], "similarity": [round(s, 2) for _, s in neighbours]}
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=ROW * (len(frame) + 1) + 3,
        row_height=ROW,
        key="overview_neighbours",
        column_config={
            "similarity": st.column_config.ProgressColumn(
                "similarity", min_value=0.0, max_value=1.0, format="%.2f"
            )
        },
    )
    st.markdown(
        f"The words whose vectors point the most in the same direction as *{md(focus)}*'s: "
        "the computer learned them only from the company each word keeps."
    )
    if score is not None and not presentation.is_on():  # the small print, last
        st.caption(f"Arithmetic by 3CosAdd (cosine {score:.2f}). More in the other tabs.")
