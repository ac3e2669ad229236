"""The Analogies tab: "A is to B as C is to ?", examples the model can try, and
"which word doesn't belong?"."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import company, state
from dashboard.analogy_examples import right_examples
from dashboard.charts.scores import score_bars
from dashboard.queries import (
    Example,
    analogy_frame,
    examples_for,
    examples_frame,
    odd_one_out_default,
    parse_words,
    resolve_word,
)
from dashboard.views import Context, md, min_count, plausible, report, show, tab_run
from w2v_core.errors import W2VError
from w2v_core.vectors import KeyedVectors

EXPLANATION = """
Word vectors can answer riddles like **man is to king as woman is to ?** by arithmetic:
take *king*, subtract *man*, add *woman*, and look for the closest word (hopefully
*queen*). The direction *man → king* stands for "royal version of"; adding it to *woman*
lands near the royal version of *woman*.

* **3CosAdd** is that arithmetic. **3CosMul** multiplies similarities instead of adding
  them, so one very similar word cannot drown the others; it is often a little better.
* **Examples** come from the toy corpus's planted analogies and from Google's analogy test
  set (19,544 questions), keeping those whose four words this run knows; those it answers
  right come first. Analogies need a lot of text: tens of millions of words for Google's
  questions, so a run on a few million words gets most of them wrong.
* **Which word doesn't belong?** finds the word farthest from the average of the others.
"""

#: What an answer's score is, under the answers table (3CosMul's go above 1).
SCORE_NOTES = {
    "add": "Score: the cosine of the answer with B − A + C (1 at most).",
    "mul": "Score: cos(x, B) × cos(x, C) / cos(x, A), each cosine shifted to 0–1: a ratio, "
    "so it can exceed 1; only the order matters.",
}
LEAD = 8
"""Examples the run answers right that the tab leads with (searched for on real text)."""
METHODS = {"add": "3CosAdd (add and subtract)", "mul": "3CosMul (multiply, often better)"}


# Per-run derived data, cached by run key (the vectors travel unhashed in ``_kv``).
@st.cache_data(show_spinner=False, max_entries=64)
def _examples(run_key: str, _kv: KeyedVectors, planted: bool = True) -> list[Example]:
    """The examples, those this run answers right first: the boxes start with one it
    gets right, and the table shows its successes before its failures."""
    examples = examples_for(_kv, planted)
    right = examples_frame(_kv, examples, "add")["right?"] == "✓" if examples else []
    good = [ex for ex, ok in zip(examples, right, strict=True) if ok]
    wrong = [ex for ex, ok in zip(examples, right, strict=True) if not ok]
    if not planted and len(good) < LEAD:  # real text: look for the few it gets right
        seen = {(ex.a, ex.b, ex.c) for ex in examples}
        found = [ex for ex in right_examples(_kv, LEAD) if (ex.a, ex.b, ex.c) not in seen]
        good += found[: LEAD - len(good)]
    return good + wrong


@st.cache_data(show_spinner="Answering the examples…", max_entries=64)
def _example_answers(
    run_key: str, method: str, _kv: KeyedVectors, planted: bool = True
) -> pd.DataFrame:
    return examples_frame(_kv, _examples(run_key, _kv, planted), method)


#: The examples table's columns: narrow word columns, room for the source, so the
#: table reads whole at 1280x720 (the source used to be cut: "Google: capital-commo…").
EXAMPLE_COLUMNS = {
    "A": st.column_config.TextColumn("A", width=95),
    "is to B": st.column_config.TextColumn("is to B", width=95),
    "as C": st.column_config.TextColumn("as C", width=95),
    "is to (expected)": st.column_config.TextColumn("expected", width=95),
    "model's answer": st.column_config.TextColumn("answer", width=95),
    "right?": st.column_config.TextColumn("right?", width=55),
    "from": st.column_config.TextColumn("from", width=190),
}


def render(ctx: Context) -> None:
    """Draw the Analogies tab."""
    run = tab_run(ctx, EXPLANATION)
    if run is None:
        return
    kv = run.kv
    planted = run.corpus_name == "toy"
    examples = _examples(run.key, kv, planted)
    first = examples[0] if examples else Example(*(kv.words[:3] + ["", "", ""])[:3], "", "")

    st.subheader("A is to B as C is to ?")
    a_col, b_col, c_col = st.columns(3)
    a = a_col.text_input(
        "A", **state.widget("an_a", first.a, basis=run.key), help="For example: man"
    )
    b = b_col.text_input(
        "is to B", **state.widget("an_b", first.b, basis=run.key), help="For example: king"
    )
    c = c_col.text_input(
        "as C is to ?", **state.widget("an_c", first.c, basis=run.key), help="For example: woman"
    )
    m_col, n_col = st.columns([2, 1])
    method = m_col.radio(
        "Method",
        options=list(METHODS),
        format_func=METHODS.get,
        horizontal=True,
        **state.widget("an_method", "add", options=list(METHODS)),
        help="Two ways of combining the three words; 3CosMul is often a little more accurate.",
    )
    topn = n_col.slider("How many answers", 1, 20, **state.widget("an_topn", 5))
    words = [resolve_word(kv, w.strip()) for w in (a, b, c)]
    if not all(words):
        st.info("Fill in the three words A, B and C.")
    elif len(plausible(words, kv.words)) == 3:
        _answer(kv, *words, method=method, topn=topn, min_count=min_count(run), ctx=ctx)

    st.subheader("Examples")
    if examples:
        answers = _example_answers(run.key, method, kv, planted)
        right = int((answers["right?"] == "✓").sum())
        st.caption(examples_caption(right, len(answers), planted))
        st.dataframe(
            answers,
            hide_index=True,
            width="stretch",
            height=35 * (min(len(answers), 16) + 1) + 3,
            column_config=EXAMPLE_COLUMNS,
        )
        labels = {i: ex.text() for i, ex in enumerate(examples)}
        # The box shows the example the three words above come from (none: own words),
        # so it always says what was chosen; it follows the boxes, like the preset radio.
        shown = next((i for i, ex in enumerate(examples) if [ex.a, ex.b, ex.c] == words), None)
        options = [None, *labels]
        state.mirror("an_example", shown)  # not an input: follows the boxes
        st.selectbox(
            "Try an example",
            options=options,
            index=options.index(shown),
            format_func=lambda i: (
                "(your own words: choose one to fill in the boxes)" if i is None else labels[i]
            ),
            key="an_example",
            on_change=_load_example,
            args=(examples,),
            help="Copies the example's three words into the boxes above.",
        )
    else:
        st.caption("None of the example analogies has all its words in this vocabulary.")

    st.subheader("Which word doesn't belong?")
    text = st.text_input(
        "Three or more words",
        **state.widget("odd_words", lambda: odd_one_out_default(kv, examples), basis=run.key),
        help="Separate the words with spaces or commas; the odd one out is shown below.",
    )
    _odd_one_out(kv, plausible(parse_words(text), kv.words), min_count(run))


def examples_caption(right: int, shown: int, planted: bool) -> str:
    """What the examples table shows.  On real text the questions it gets right were
    looked for, so "right of shown" is not its score: that is said, and where to find it."""
    if planted:
        return f"The analogies planted in the demo text: this run gets {right} of {shown} right."
    if right == 0:
        return (
            "This run gets none of these right: analogies need tens of millions of words "
            "of text. Its score on all of Google's questions is in the Evaluate tab."
        )
    return (
        f"First, {right} questions this run gets right (picked from those it knows: most "
        "it gets wrong, as analogies need tens of millions of words of text); then a "
        "sample of others. Its score on all of Google's questions is in the Evaluate tab."
    )


def _load_example(examples: list[Example]) -> None:
    index = state.current("an_example")
    if index is not None and 0 <= index < len(examples):
        ex = examples[index]
        state.put("an_a", ex.a)
        state.put("an_b", ex.b)
        state.put("an_c", ex.c)


def _answer(
    kv: KeyedVectors,
    a: str,
    b: str,
    c: str,
    method: str,
    topn: int,
    min_count: int = 1,
    ctx: Context | None = None,
) -> None:
    """The answers as a table and bars; a click on an answer shows what it shares with
    B and with C (the company that makes it the answer)."""
    try:
        frame = analogy_frame(kv, a, b, c, method, topn)
    except W2VError as error:
        report(error, min_count=min_count)
        return
    if frame.empty:
        st.warning("No answer: the vocabulary has no other words.")
        return
    st.text(f"{a} is to {b} as {c} is to: {frame['word'].iloc[0]}")
    table, bars = st.columns([2, 3])
    event = table.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        key="an_answers",
        on_select="rerun",
        selection_mode="single-row",
    )
    table.caption(
        SCORE_NOTES[method] + " Click an answer to see the company it shares with B and C."
    )
    with bars:
        items = list(zip(frame["word"], frame["score"], strict=True))
        title = f"{a} : {b} :: {c} : ?"
        show(score_bars(items, title=title, x_title="score"), key="an_bars")
    selection = getattr(event, "selection", None) or {}
    rows = list(selection.get("rows", [])) if isinstance(selection, dict) else []
    if ctx is None or ctx.run is None or not rows or rows[0] >= len(frame):
        return
    answer = str(frame["word"].iloc[rows[0]])
    company.ask(b, answer)
    with st.container(border=True):
        st.subheader(f"Why '{md(answer)}'?", anchor=False)
        st.caption(
            f"{md(b)} − {md(a)} + {md(c)} lands near '{md(answer)}' when '{md(answer)}' keeps "
            f"some of the company of '{md(b)}' and some of the company of '{md(c)}':"
        )
        for other, key in ((b, "an_pair_b"), (c, "an_pair_c")):
            st.markdown(f"**'{md(answer)}' and '{md(other)}'**")
            company.pair_view(ctx, ctx.run, other, answer, key=key)


def _odd_one_out(kv: KeyedVectors, words: list[str], min_count: int) -> None:
    if len(words) < 3:
        st.info("Type at least three words.")
        return
    words = [resolve_word(kv, w) for w in words]
    try:
        odd = kv.doesnt_match(words)
    except W2VError as error:
        report(error, min_count=min_count)
        return
    st.success(f"The odd one out: **{md(odd)}**")
    rest = [w for w in words if w != odd]
    rows = [
        {
            "word": w,
            "mean similarity to the others": round(
                sum(kv.similarity(w, o) for o in words if o != w) / (len(words) - 1), 4
            ),
        }
        for w in words
    ]
    st.dataframe(
        pd.DataFrame(rows).sort_values("mean similarity to the others"),
        hide_index=True,
        width="stretch",
    )
    st.caption(f"The others ({len(rest)} words) are closer to each other than to the odd one out.")
