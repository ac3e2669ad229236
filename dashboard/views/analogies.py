"""The Analogies tab: "A is to B as C is to ?", examples the model can try, and
"which word doesn't belong?"."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard.views import (
    NO_RUN,
    Context,
    explain,
    figure,
    md,
    parse_words,
    report,
    resolve_word,
    show,
)
from w2v_core.errors import W2VError

if TYPE_CHECKING:  # pragma: no cover
    from w2v_core.vectors import KeyedVectors

EXPLANATION = """
Word vectors can answer riddles like **man is to king as woman is to ?** by arithmetic:
take *king*, subtract *man*, add *woman*, and look for the closest word (hopefully
*queen*). The direction *man → king* stands for "royal version of"; adding it to *woman*
lands near the royal version of *woman*.

* **3CosAdd** is that arithmetic. **3CosMul** multiplies similarities instead of adding
  them, so one very similar word cannot drown the others; it is often a little better.
* **Examples** come from the toy corpus's planted analogies and from Google's analogy test
  set (19,544 questions), keeping those whose four words this run knows.
* **Which word doesn't belong?** finds the word farthest from the average of the others.
"""

METHODS = {"add": "3CosAdd (add and subtract)", "mul": "3CosMul (multiply, often better)"}


@dataclass(frozen=True)
class Example:
    """An analogy ``a : b :: c : expected`` and where it comes from."""

    a: str
    b: str
    c: str
    expected: str
    source: str

    def text(self) -> str:
        return f"{self.a} : {self.b} :: {self.c} : ?   ({self.source})"


@lru_cache(maxsize=1)
def _google_questions() -> tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...]:
    """Google's analogy questions by section (read once per process; empty if missing)."""
    from w2v_core.evaluate import dataset_path, read_analogies

    try:
        sections = read_analogies(dataset_path("analogies"))
    except W2VError:
        return ()
    return tuple((name, tuple(questions)) for name, questions in sections)


def toy_examples(kv: KeyedVectors) -> list[Example]:
    """The toy corpus's planted analogies whose words are all in ``kv``."""
    try:
        from w2v_core.toy import TOY_ANALOGIES
    except ImportError:  # pragma: no cover
        return []
    return [
        Example(a, b, c, d, "toy corpus")
        for a, b, c, d in TOY_ANALOGIES
        if all(w in kv for w in (a, b, c, d))
    ]


def google_examples(kv: KeyedVectors, n: int = 8, seed: int = 0) -> list[Example]:
    """Up to ``n`` Google analogy questions whose words are all in ``kv``, from as many
    sections as possible (the same ones every time for the same vocabulary)."""
    by_section = []
    for name, questions in _google_questions():
        known = [q for q in questions if all(w in kv for w in q)]
        if known:
            by_section.append((name, known))
    rng = random.Random(seed)
    picked: list[Example] = []
    while len(picked) < n and by_section:
        for name, known in list(by_section):
            if len(picked) >= n:
                break
            question = known.pop(rng.randrange(len(known)))
            picked.append(Example(*question, source=f"Google: {name}"))
            if not known:
                by_section.remove((name, known))
    return picked


def examples_for(kv: KeyedVectors) -> list[Example]:
    """Examples to offer: toy analogies first (at most 8), then Google ones."""
    return toy_examples(kv)[:8] + google_examples(kv)


def analogy_frame(kv: KeyedVectors, a: str, b: str, c: str, method: str, topn: int) -> pd.DataFrame:
    """The top answers to ``a : b :: c : ?`` with their scores.

    Raises
    ------
    UnknownWordError
        If one of the words is not in the vocabulary.
    """
    answers = kv.analogy(a, b, c, topn=topn, method=method)
    return pd.DataFrame(
        [{"rank": i, "word": w, "score": round(s, 4)} for i, (w, s) in enumerate(answers, 1)]
    )


def examples_frame(kv: KeyedVectors, examples: list[Example], method: str) -> pd.DataFrame:
    """Each example with the model's answer and whether it is right."""
    rows = []
    for ex in examples:
        answer = kv.analogy(ex.a, ex.b, ex.c, topn=1, method=method)
        guess = answer[0][0] if answer else ""
        rows.append(
            {
                "A": ex.a,
                "is to B": ex.b,
                "as C": ex.c,
                "is to (expected)": ex.expected,
                "model's answer": guess,
                "right?": "✓" if guess == ex.expected else "✗",
                "from": ex.source,
            }
        )
    return pd.DataFrame(rows)


def odd_one_out_default(kv: KeyedVectors, examples: list[Example]) -> str:
    """Four words, three of a kind and one not: from the toy groups or an example."""
    try:
        from w2v_core.toy import TOY_GROUPS
    except ImportError:  # pragma: no cover
        TOY_GROUPS = {}
    groups = [[w for w in words if w in kv] for words in TOY_GROUPS.values()]
    groups = [g for g in groups if len(g) >= 3]
    if len(groups) >= 2:
        return " ".join(groups[0][:3] + groups[2 % len(groups)][:1])
    if examples:
        ex = examples[0]
        same = [ex.a, ex.c] + [e.a for e in examples[1:] if e.source == ex.source][:1]
        return " ".join([*same, ex.b])
    return " ".join(kv.words[10:14])


def render(ctx: Context) -> None:
    """Draw the Analogies tab."""
    explain(EXPLANATION)
    run = ctx.run
    if run is None:
        st.info(NO_RUN)
        return
    kv = run.kv
    if st.session_state.get("an_run") != run.key:
        # The examples and the model's answers to them depend on the run alone: work
        # them out once per run, not on every rerun of the page.
        examples = examples_for(kv)
        first = examples[0] if examples else Example(*(kv.words[:3] or ["", "", ""]), "", "")
        st.session_state.update(
            an_a=first.a,
            an_b=first.b,
            an_c=first.c,
            an_run=run.key,
            an_examples=examples,
            an_example_answers={},
            odd_words=odd_one_out_default(kv, examples),
        )
    examples = st.session_state["an_examples"]

    st.subheader("A is to B as C is to ?")
    a_col, b_col, c_col = st.columns(3)
    a = a_col.text_input("A", key="an_a", help="For example: man")
    b = b_col.text_input("is to B", key="an_b", help="For example: king")
    c = c_col.text_input("as C is to ?", key="an_c", help="For example: woman")
    m_col, n_col = st.columns([2, 1])
    method = m_col.radio(
        "Method",
        options=list(METHODS),
        format_func=METHODS.get,
        horizontal=True,
        key="an_method",
        help="Two ways of combining the three words; 3CosMul is often a little more accurate.",
    )
    topn = n_col.slider("How many answers", 1, 20, 5, key="an_topn")
    words = [resolve_word(kv, w.strip()) for w in (a, b, c)]
    if not all(words):
        st.info("Fill in the three words A, B and C.")
    else:
        _answer(kv, *words, method=method, topn=topn)

    st.subheader("Examples")
    if examples:
        st.caption("What this run answers for analogies whose words it knows.")
        answers = st.session_state["an_example_answers"]
        if method not in answers:
            answers[method] = examples_frame(kv, examples, method)
        st.dataframe(answers[method], hide_index=True, width="stretch")
        labels = {i: ex.text() for i, ex in enumerate(examples)}
        st.selectbox(
            "Try an example",
            options=[None, *labels],
            format_func=lambda i: "(choose one to fill in the boxes)" if i is None else labels[i],
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
        key="odd_words",
        help="Separate the words with spaces or commas; the odd one out is shown below.",
    )
    _odd_one_out(kv, parse_words(text))


def _load_example(examples: list[Example]) -> None:
    index = st.session_state.get("an_example")
    if index is not None and 0 <= index < len(examples):
        ex = examples[index]
        st.session_state.update(an_a=ex.a, an_b=ex.b, an_c=ex.c, an_example=None)


def _answer(kv: KeyedVectors, a: str, b: str, c: str, method: str, topn: int) -> None:
    try:
        frame = analogy_frame(kv, a, b, c, method, topn)
    except W2VError as error:
        report(error)
        return
    if frame.empty:
        st.warning("No answer: the vocabulary has no other words.")
        return
    st.text(f"{a} is to {b} as {c} is to: {frame['word'].iloc[0]}")
    table, bars = st.columns([2, 3])
    table.dataframe(frame, hide_index=True, width="stretch")
    with bars:
        items = list(zip(frame["word"], frame["score"], strict=True))
        title = f"{a} : {b} :: {c} : ?"
        show(figure("score_bars", items, title=title, x_title="score"), key="an_bars")


def _odd_one_out(kv: KeyedVectors, words: list[str]) -> None:
    if len(words) < 3:
        st.info("Type at least three words.")
        return
    words = [resolve_word(kv, w) for w in words]
    try:
        odd = kv.doesnt_match(words)
    except W2VError as error:
        report(error)
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
