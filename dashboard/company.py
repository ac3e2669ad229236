""" "Why are these words close?": the company a word keeps, shown from the text.

The shared rendering behind every place that explains a word or a pair: a neighbour
table's row, a point clicked on the map, an analogy's answer, and the *Why close?* tab.
Views call :func:`word_view` / :func:`pair_view` here (views never import each other),
and record what was asked with :func:`ask`, through :mod:`dashboard.state`, so the
*Why close?* tab opens on the last question.

The counting is :mod:`w2v_core.contexts` (window co-occurrences, PPMI, shared contexts,
concordance), done once per corpus, window and min-count and kept with
``st.cache_resource``.  Words come from corpora: they are shown through :func:`md`
(Markdown-escaped), tables and Plotly labels escaped by the chart builders; no HTML.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from dashboard import state
from dashboard.charts import contexts as context_charts
from dashboard.ui import md, report
from w2v_core.contexts import ConcordanceLine, Contexts, PairExplanation
from w2v_core.errors import W2VError

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run
    from dashboard.ui import Context

#: The *Why close?* tab's inputs: where a question asked anywhere in the app goes.
WORD, OTHER = "why_word", "why_other"
#: A (word, context) pair seen fewer times than this scores 0 ...
MIN_PAIR_COUNT = 5
#: ... except on small corpora (fewer tokens than this), where 2 is enough to show something.
SMALL_CORPUS = 100_000
#: Concordance lines per page, and tokens shown on each side of the word.
PAGE = 5
SIDE_TOKENS = 7
TOPN = 12

HELP = (
    "Counted over the whole corpus: every word within the training window of this word "
    "(all distances 1..window, never across a sentence). Ranked by positive PMI — how much "
    "more often two words appear together than chance would make them — with word2vec's "
    "0.75 smoothing of context frequencies, so that 'the' and 'of' do not win. A pair seen "
    "fewer than {min_pair} times scores 0. Labels: how many times they were seen together."
)


def ask(word: str, other: str = "") -> None:
    """Record a question asked by a click (the *Why close?* tab opens on it).

    Only call it from a view other than *Why close?*: that tab's inputs are not drawn
    in the same run, so :func:`dashboard.state.put` may set them.
    """
    if state.get(WORD) != word or state.get(OTHER) != other:
        state.put(WORD, word)
        state.put(OTHER, other)


# --------------------------------------------------------------------------- counting


def min_pair_count(corpus_tokens: int) -> int:
    """The minimum pair count used for a corpus of this size."""
    return MIN_PAIR_COUNT if corpus_tokens >= SMALL_CORPUS else 2


@st.cache_resource(show_spinner="Counting which words appear near which…", max_entries=4)
def _contexts(
    fingerprint: str, window: int, min_count: int, min_pair: int, _corpus: object
) -> Contexts:
    return Contexts(_corpus, window=window, min_count=min_count, min_pair_count=min_pair)  # type: ignore[arg-type]


def contexts_for(ctx: Context, run: Run) -> Contexts | None:
    """The co-occurrence counts of the run's corpus, or None (with a note) if the text
    is not at hand (imported vectors, another session's upload, a corpus not loaded)."""
    config = run.config
    if config is None:
        st.info(
            "These vectors were imported without the text they were trained on, so the "
            "company their words keep cannot be shown. Train a run to see it."
        )
        return None
    corpus = ctx.corpus_for(run)
    if corpus is None:
        st.info(
            f"The text of '{md(run.corpus_name)}' is not loaded in this session: choose it "
            "in the sidebar to see which words appear near which."
        )
        return None
    return _contexts(
        corpus.fingerprint,
        config.window,
        config.min_count,
        min_pair_count(corpus.n_tokens),
        corpus,
    )


# --------------------------------------------------------------------------- pure helpers


def kwic_markdown(
    line: ConcordanceLine, marked: set[str], side: int = SIDE_TOKENS
) -> tuple[str, str, str]:
    """One concordance line as three Markdown strings: left context, keyword, right.

    Every token is Markdown-escaped; the keyword is bold on a highlight, the words in
    ``marked`` (the word's characteristic contexts) bold and blue.  At most ``side``
    tokens on each side, cut away from the keyword ("…" where cut).
    """

    def token(word: str) -> str:
        return f":blue[**{md(word)}**]" if word in marked else md(word)

    left = [token(w) for w in line.left[-side:]]
    right = [token(w) for w in line.right[:side]]
    if len(line.left) > side:
        left.insert(0, "…")
    if len(line.right) > side:
        right.append("…")
    return " ".join(left), f":red-background[**{md(line.word)}**]", " ".join(right)


# --------------------------------------------------------------------------- drawing


def _concordance(
    contexts: Contexts,
    word: str,
    marked: set[str],
    key: str,
    count: int = PAGE,
    centred: bool = True,
) -> None:
    """Keyword-in-context lines, ``count`` at a time, with "More sentences".

    ``centred``: the keyword in a middle column, the contexts right- and left-aligned
    on either side (a classic concordance); otherwise one plain line each.
    """
    pages_key = f"why_pages_{key}_{word}"  # a new word starts on its first page
    pages = int(state.get(pages_key, 1) or 1)
    page = contexts.concordance(word, count=count * pages, prefer=marked, distinct=True)
    for line in page.lines:
        text_left, text_word, text_right = kwic_markdown(line, marked)
        if not centred:
            st.markdown(" ".join(t for t in (text_left, text_word, text_right) if t))
            continue
        left, middle, right = st.columns([6, 1.3, 6], gap="small", vertical_alignment="center")
        left.markdown(text_left or "…", text_alignment="right")
        middle.markdown(text_word, text_alignment="center")
        right.markdown(text_right or "…")
    shown = len(page.lines)
    st.caption(f"{shown:,} of {page.total:,} sentences with '{md(word)}'")
    if page.has_more and st.button(
        "More sentences", key=f"why_more_{key}", icon=":material/expand_more:"
    ):
        state.put(pages_key, pages + 1)
        st.rerun()


def trained_on(occurrences: int, trained: int) -> str:
    """Why the Map and Neighbours show another frequency for the same word: the run
    trained on part of the corpus (the rest held out to measure its loss)."""
    if trained <= 0 or trained == occurrences:
        return ""
    return (
        f" ({trained:,} of them in the part the run trained on; the rest was held out "
        "to measure its loss)"
    )


def word_view(ctx: Context, run: Run, word: str, key: str) -> None:
    """A word's characteristic context words (bar chart with counts) and a concordance."""
    contexts = contexts_for(ctx, run)
    if contexts is None:
        return
    try:
        scores = contexts.characteristic(word, topn=TOPN)
    except W2VError as error:
        report(error)
        return
    occurrences = int(contexts.vocab.counts[contexts.word_id(word)])
    st.markdown(
        f"**{md(word)}** occurs {occurrences:,} times in the corpus"
        + trained_on(occurrences, run.kv.count(word) if word in run.kv else 0)
        + ". A word is known by the company it keeps: these are the words around it.",
        help=HELP.format(min_pair=contexts.min_pair_count),
    )
    if not scores:
        st.info(
            f"No word appears near '{md(word)}' at least {contexts.min_pair_count} times: "
            "the corpus is too small to tell."
        )
    else:
        st.plotly_chart(
            context_charts.context_bars(word, scores), width="stretch", key=f"why_bars_{key}"
        )
    st.markdown(f"**In the text** — '{md(word)}' highlighted, its company in blue:")
    _concordance(contexts, word, {s.word for s in scores}, key)


def pair_view(ctx: Context, run: Run, a: str, b: str, key: str) -> PairExplanation | None:
    """Why ``a`` and ``b`` are close (the contexts both share), or what each keeps
    company with instead; then a sentence or two of each side by side."""
    contexts = contexts_for(ctx, run)
    if contexts is None:
        return None
    try:
        pair = contexts.explain_pair(a, b, topn=TOPN)
    except W2VError as error:
        report(error)
        return None
    st.markdown(f"**{md(pair.sentence())}**", help=HELP.format(min_pair=contexts.min_pair_count))
    if pair.close:
        figure = context_charts.shared_bars(pair)
        marked_a = marked_b = {s.word for s in pair.shared}
    else:
        figure = context_charts.company_bars(pair)
        marked_a = {s.word for s in pair.only_a}
        marked_b = {s.word for s in pair.only_b}
    if pair.shared or pair.only_a or pair.only_b:
        st.plotly_chart(figure, width="stretch", key=f"why_pair_{key}")
    one, two = st.columns(2, gap="large")
    for column, word, marked, side in ((one, a, marked_a, "a"), (two, b, marked_b, "b")):
        with column:
            st.markdown(f"**'{md(word)}' in the text**")
            _concordance(contexts, word, marked, f"{key}_{side}", count=2, centred=False)
    return pair
