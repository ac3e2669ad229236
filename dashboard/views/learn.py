"""The "How it learns" tab: one SGD step of skip-gram with negative sampling, stage by stage.

A tiny model (a few sentences, 2-dimensional vectors) is trained one pair at a time by
:class:`w2v_core.onestep.Lesson`, which calls the engine's own functions and records
every number.  This view only draws them: the sentence and its window, the negatives
and the noise distribution, scores and loss, errors and gradients, the update.  Every
formula is shown with the step's actual numbers and a one-line reading in words.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import learn_tables, session, state
from dashboard.charts import labels
from dashboard.charts import lesson as charts
from dashboard.charts.plane import vector_plane
from dashboard.views import Context, explain, md
from w2v_core.errors import W2VError
from w2v_core.onestep import EXAMPLE_WORDS, Lesson, LessonConfig, StepTrace, toy_example
from w2v_core.vectors import KeyedVectors

EXPLANATION = """
This tab slows training down to **one pair of words at a time**, on a handful of sentences,
with vectors of only **2 numbers** so that every word is a point on the plane below.

Press **Next** to walk through one step in five stages; **Play** runs many steps in a row.
The numbers are computed by the same functions that train the real models.

* **Input vector** *h* (blue circle): the word's embedding, what the other tabs show.
* **Output vector** *u* (diamonds): the word's role as a neighbour of other words.
* A step pulls the center word's *h* and its real neighbour's *u* together, and pushes a few
  random words' *u* (the **negatives**, red) away from *h*.
"""

STAGES = (
    "the pair",
    "the negatives",
    "scores and loss",
    "errors and gradients",
    "the update",
)

#: Steps per second of "Play"; 0 = as fast as possible, no animation.
SPEEDS = {"slow (2 per second)": 2.0, "fast (10 per second)": 10.0, "instant": 0.0}

#: Limits of the example, so the plane stays readable and a step stays instant.
MAX_EXAMPLE_CHARS = 4000
MAX_CORPUS_SENTENCES = 8
MAX_CORPUS_WORDS = 12
CROWDED_VOCAB = 60

DIGITS = 3


# --------------------------------------------------------------------------- formatting


def num(x: float) -> str:
    """A number for the formulas: three decimals, a true minus sign."""
    x = float(x)
    return f"{0.0 if abs(x) < 0.5 * 10**-DIGITS else x:.{DIGITS}f}"  # no "-0.000"


def vec(v: Sequence[float]) -> str:
    r"""A vector as a LaTeX column ``(a, b)``."""
    return r"\begin{pmatrix}" + r" \\ ".join(num(x) for x in v) + r"\end{pmatrix}"


def tex_word(word: str) -> str:
    r"""A word inside ``\text{}``: tokens are letters, digits and apostrophes, but keep
    anything else out of LaTeX anyway."""
    return r"\text{" + "".join(c for c in word if c.isalnum() or c == "'") + "}"


def corpus_example(corpus) -> str:
    """The first sentences of a corpus, cut short: a lesson-sized example."""
    lines = []
    for sentence in corpus.sentences()[: MAX_CORPUS_SENTENCES * 4]:
        if len(sentence) >= 3:
            lines.append(" ".join(sentence[:MAX_CORPUS_WORDS]))
        if len(lines) == MAX_CORPUS_SENTENCES:
            break
    return "\n".join(lines)


def reading(text: str) -> None:
    """A formula's one-line reading in words.

    Markdown, not a caption: presentation mode hides captions, and on a projector the
    reading matters more than the formula.
    """
    st.markdown(f":blue[**In words:**] {text}")


# --------------------------------------------------------------------------- state


def _stage() -> int:
    """The stage of the lesson's last step shown (1 to len(STAGES))."""
    return int(session.recall(session.LESSON_STAGE))


def _set_stage(stage: int) -> None:
    session.remember(session.LESSON_STAGE, stage)


def _lesson(text: str, seed: int, lr: float, negatives: int, window: int) -> Lesson | None:
    """This session's lesson; a new one (first step taken) when the text or seed changed."""
    signature = (text, seed)
    lesson: Lesson | None = session.recall(session.LESSON)
    if lesson is None or session.recall(session.LESSON_SIGNATURE) != signature:
        config = LessonConfig(learning_rate=lr, negatives=negatives, window=window, seed=seed)
        try:
            lesson = Lesson(text, config, start=labels.first_content_word(text))
        except W2VError as error:
            st.warning(f"The example cannot be used: {md(error)}")
            session.remember(session.LESSON, None)
            return None
        session.remember(session.LESSON, lesson)
        session.remember(session.LESSON_SIGNATURE, signature)
        _set_stage(1)
        lesson.step()
    else:
        lesson.adjust(lr, negatives, window)
    return lesson


# --------------------------------------------------------------------------- one stage each


def _strip(lesson: Lesson, t: StepTrace) -> None:
    sentence = lesson.sentences[t.sentence]
    st.plotly_chart(
        charts.sentence_strip(
            sentence, t.center_position, t.context_position, t.reduced_window, t.window
        ),
        width="stretch",
        key="learn_strip",
    )


def _stage_pair(lesson: Lesson, t: StepTrace) -> None:
    center, context = lesson.word(t.center), lesson.word(t.context)
    distance = abs(t.context_position - t.center_position)
    st.markdown(
        f"The **center word** is **{md(center)}**. word2vec drew a window of "
        f"**b = {t.reduced_window}** word{'s' if t.reduced_window != 1 else ''} on each side "
        f"(at most {t.window}), so its contexts are the shaded words. This step uses the "
        f"context **{md(context)}**, {distance} word{'s' if distance != 1 else ''} away."
    )
    st.latex(rf"b \sim \mathrm{{Uniform}}\{{1, \dots, {t.window}\}} \;\Rightarrow\; "
             rf"b = {t.reduced_window}")  # fmt: skip
    reading(
        "every center word looks a random number of words to each side, so near "
        "words are used more often than far ones."
    )
    st.markdown(
        "Skip-gram learns to **predict the words around a word from the word itself**: "
        f"this step makes **{md(center)}** a better predictor of **{md(context)}**."
    )


def _stage_negatives(lesson: Lesson, t: StepTrace) -> None:
    words = lesson.vocab.words
    drawn = ", ".join(f"**{md(words[n])}**" for n in t.negatives)
    st.markdown(
        f"To learn what is *not* a neighbour, the step draws **{len(t.negatives)} random "
        f"words**: {drawn}. The model should learn that they are not contexts of "
        f"**{md(lesson.word(t.center))}**."
    )
    st.latex(r"P_n(w) = \frac{\mathrm{count}(w)^{0.75}}{\sum_v \mathrm{count}(v)^{0.75}}")
    reading(
        "a word is drawn in proportion to its count to the power 3/4, so very "
        "frequent words are drawn less often than they occur and rare words more often."
    )
    st.markdown(
        f"For example **{md(words[0])}** is {lesson.unigram[0]:.1%} of the words but drawn "
        f"{lesson.noise[0]:.1%} of the time; **{md(words[-1])}** is {lesson.unigram[-1]:.1%} "
        f"of the words and drawn {lesson.noise[-1]:.1%} of the time."
    )
    st.plotly_chart(
        charts.noise_bars(words, lesson.unigram, lesson.noise, t.negatives),
        width="stretch",
        key="learn_noise",
    )


def _aligned(lines: Sequence[str]) -> str:
    """LaTeX lines aligned at their ``&``."""
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


def _chunks(terms: Sequence[str], per_line: int) -> list[str]:
    return [" ".join(terms[i : i + per_line]) for i in range(0, len(terms), per_line)]


def _stage_scores(lesson: Lesson, t: StepTrace) -> None:
    c, o = tex_word(lesson.word(t.center)), tex_word(lesson.word(t.context))
    st.latex(rf"u_{{{o}}} \cdot h_{{{c}}} = {vec(t.u_pos)} \cdot {vec(t.h)} = {num(t.pos_score)}")
    reading("the score is large when the two vectors point the same way.")
    st.latex(
        rf"\sigma(u_{{{o}}} \cdot h_{{{c}}}) = \frac{{1}}{{1 + e^{{-({num(t.pos_score)})}}}}"
        rf" = {num(t.pos_prob)}"
    )
    reading(
        f"the model is {t.pos_prob:.0%} sure that {md(lesson.word(t.context))} is "
        "a real context of this word (it should be 100% sure); for each negative it should "
        "be 0% sure:"
    )
    st.dataframe(learn_tables.score_table(lesson, t), hide_index=True, width="stretch")
    terms = [rf"- \log(1 - {num(p)})" for p in t.neg_probs]
    head = r"L &= -\log \sigma(u_o \cdot h) - \textstyle\sum_k \log \sigma(-u_k \cdot h)"
    terms = [rf"-\log {num(t.pos_prob)}", *terms]
    st.latex(_aligned(_derivation(head, terms, num(t.loss_before))))
    reading(
        "the loss is small when the real context scores high and the random "
        "words score low (σ(−x) = 1 − σ(x))."
    )


def _derivation(head: str, terms: list[str], result: str) -> list[str]:
    """Aligned lines of ``head``, then ``= terms`` two to a line, then ``= result``."""
    body = _chunks(terms, 2)
    return [head, "&= " + body[0], *(r"&\quad " + line for line in body[1:]), rf"&= {result}"]


def _stage_gradients(lesson: Lesson, t: StepTrace) -> None:
    neg = r",\ ".join(num(g) for g in t.g_neg)
    st.latex(
        _aligned(
            [
                rf"g_o &= \sigma(u_o \cdot h) - 1 = {num(t.g_pos)}",
                rf"g_k &= \sigma(u_k \cdot h) = {neg}",
            ]
        )
    )
    reading(
        "each error is the prediction minus the truth (1 for the real context, 0 for a negative)."
    )
    terms = [rf"({num(t.g_pos)}){vec(t.u_pos)}"] + [
        rf"+ ({num(g)}){vec(u)}" for g, u in zip(t.g_neg, t.u_neg, strict=True)
    ]
    head = r"\frac{\partial L}{\partial h} &= g_o u_o + \textstyle\sum_k g_k u_k"
    st.latex(_aligned(_derivation(head, terms, vec(t.grad_h))))
    reading(
        "the center word is pulled towards its real context and pushed away "
        "from each negative, the more strongly the bigger the error."
    )
    lines = [
        rf"\frac{{\partial L}}{{\partial u_{{{tex_word(lesson.word(t.context))}}}}} &= g_o h"
        rf" = ({num(t.g_pos)})\,h = {vec(t.grad_pos)}"
    ]
    for n, g, grad in zip(t.negatives, t.g_neg, t.grad_neg, strict=True):
        lines.append(
            rf"\frac{{\partial L}}{{\partial u_{{{tex_word(lesson.word(int(n)))}}}}} &= g_k h"
            rf" = ({num(g)})\,h = {vec(grad)}"
        )
    st.latex(_aligned(lines))
    reading(
        "the output vectors move along h, towards it for the real context and "
        f"away from it for the negatives. The arrows on the plane are the moves: minus the "
        f"gradient times the learning rate α = {t.learning_rate:g}."
    )


def _stage_update(lesson: Lesson, t: StepTrace) -> None:
    a = num(t.learning_rate)
    st.latex(r"w \leftarrow w - \alpha \frac{\partial L}{\partial w}\quad\text{for each vector}")
    reading(
        "every vector involved takes a small step downhill; a word drawn twice "
        "gets both steps. All other words stay where they were."
    )
    c = tex_word(lesson.word(t.center))
    lines = [rf"h_{{{c}}} &\leftarrow {vec(t.h)} - {a}{vec(t.grad_h)} = {vec(t.h_after)}"]
    rows = {t.context: (t.u_pos, t.grad_pos.copy(), t.u_pos_after)}
    for k, n in enumerate(t.negatives):
        n = int(n)
        if n in rows:  # the same output row again: its steps add up
            before, grad, after = rows[n]
            rows[n] = (before, grad + t.grad_neg[k], after)
        else:
            rows[n] = (t.u_neg[k], t.grad_neg[k].copy(), t.u_neg_after[k])
    for n, (before, grad, after) in rows.items():
        lines.append(
            rf"u_{{{tex_word(lesson.word(n))}}} &\leftarrow {vec(before)} - {a}{vec(grad)}"
            rf" = {vec(after)}"
        )
    st.latex(r"\small " + _aligned(lines))  # five wide lines: a size smaller fits the column
    st.plotly_chart(
        charts.loss_before_after(t.loss_before, t.loss_after), width="stretch", key="learn_ba"
    )
    change = t.loss_after - t.loss_before
    st.markdown(
        f"On this pair and these negatives the loss went from **{t.loss_before:.4f}** to "
        f"**{t.loss_after:.4f}** ({change:+.4f})."
    )


# --------------------------------------------------------------------------- shared panels


def _shown_vectors(lesson: Lesson, t: StepTrace, stage: int) -> np.ndarray:
    """Input vectors as the audience should see them: before the update until stage 5."""
    w_in = lesson.w_in.astype(np.float64)
    if stage < len(STAGES):
        w_in[t.center] = t.h
    return w_in


def _neighbours(lesson: Lesson, w_in: np.ndarray, word: str, topn: int = 5) -> pd.DataFrame:
    """The watched word's nearest words by cosine, in the vectors as shown."""
    kv = KeyedVectors(lesson.vocab.words, w_in, lesson.vocab.counts)
    return pd.DataFrame(
        [{"word": w, "cosine": round(s, 3)} for w, s in kv.most_similar(word, topn=topn)]
    )


def _plane(lesson: Lesson, t: StepTrace, stage: int, watch: str, key: str) -> None:
    w_in = _shown_vectors(lesson, t, stage)
    moves = after = None
    if stage == 4:
        lr = t.learning_rate
        moves = (-lr * t.grad_h, -lr * t.grad_pos, -lr * t.grad_neg)
    if stage == 5:
        after = (t.h_after, t.u_pos_after, t.u_neg_after)
    labelled = [lesson.vocab.index[w] for w in (watch, *EXAMPLE_WORDS) if w in lesson.vocab.index]
    titles = {4: "arrows: the move each vector will make", 5: "after the update"}
    fig = vector_plane(
        lesson.vocab.words, w_in, t.center, t.context, t.negatives, t.h, t.u_pos, t.u_neg,
        moves=moves, after=after, labelled=labelled, title=titles.get(stage, "the vectors now"),
    )  # fmt: skip
    st.plotly_chart(fig, width="stretch", key=key)


def _text() -> str:
    """The example sentences, whether or not their box is drawn yet in this run."""
    state.bind("learn_text", toy_example)
    return state.get("learn_text")


# --------------------------------------------------------------------------- controls


#: The user's inputs of this tab (dashboard.state keeps them across tabs) and defaults.
DEFAULTS = {
    "learn_lr": 0.4,
    "learn_negatives": 3,
    "learn_window": 3,
    "learn_seed": 0,
    "learn_n": 100,
    "learn_speed": "fast (10 per second)",
}


def _widget(name: str) -> dict[str, Any]:
    """The widget arguments of one of :data:`DEFAULTS` (it survives tab switches)."""
    if name == "learn_speed":
        return state.widget(name, DEFAULTS[name], valid=lambda v: v in SPEEDS, options=SPEEDS)
    return state.widget(name, DEFAULTS[name])


def _value(name: str):
    """An input's current value, whether or not its widget is drawn yet in this run."""
    _widget(name)
    return state.get(name)


def _use_source(corpus) -> None:
    """The source changed (a callback, before the rerun): put its sentences in the box."""
    source = state.current("learn_source")
    text = corpus_example(corpus) if source == "corpus" and corpus is not None else toy_example()
    state.put("learn_text", text)


def _example_source(ctx: Context) -> None:
    """The editable example: the demo corpus's sentences, or the selected corpus's."""
    corpus = ctx.corpus
    sources = {"toy": "a few sentences of the demo corpus"}
    if corpus is not None:
        sources["corpus"] = f"the first sentences of {corpus.name}"
    with st.expander("The example sentences (click to edit)", icon=":material/edit_note:"):
        st.radio(
            "Start from",
            options=list(sources),
            format_func=lambda s: sources.get(s, s),
            horizontal=True,
            **state.widget("learn_source", "toy", valid=lambda v: v in sources, options=sources),
            on_change=_use_source,
            args=(corpus,),
        )
        st.text_area(
            "One sentence per line",
            **state.widget("learn_text", toy_example),
            height=180,
            max_chars=MAX_EXAMPLE_CHARS,
            help="Every word is kept; a short example keeps the plane readable.",
        )


def _settings() -> None:
    """The knobs, in plain language (their values were read with :func:`_value`)."""
    one, two, three, four = st.columns([3, 3, 3, 2])
    one.slider(
        "Step size (learning rate α)", 0.01, 1.0, step=0.01, **_widget("learn_lr"),
        help="How far each vector moves in one step. Too big and the vectors jump around.",
    )  # fmt: skip
    two.slider(
        "Random words per pair (negatives)", 1, 8, **_widget("learn_negatives"),
        help="How many random words the model learns to tell apart from the real neighbour.",
    )  # fmt: skip
    three.slider(
        "How far to look for neighbours (window)", 1, 5, **_widget("learn_window"),
        help="The largest distance between a word and a neighbour; applies from the next "
        "sentence.",
    )  # fmt: skip
    four.number_input(
        "Seed", 0, 10_000, **_widget("learn_seed"),
        help="The same seed gives the same steps: rehearse a demo and get it again in class. "
        "Changing it starts the lesson again.",
    )  # fmt: skip


def _buttons() -> tuple[bool, bool, bool]:
    # Play's two settings keep their labels: a bare "100" told an audience nothing
    left, mid, count, speed, right = st.columns(
        [1.2, 1.2, 1.2, 2.2, 1], vertical_alignment="bottom"
    )
    next_clicked = left.button("Next ▸", key="learn_next", type="primary", width="stretch")
    play_clicked = mid.button("Play ▸▸", key="learn_play", width="stretch")
    count.number_input(
        "steps", 1, 5000, step=50, **_widget("learn_n"),
        help="How many steps Play takes.",
    )  # fmt: skip
    speed.selectbox(
        "speed", list(SPEEDS), **_widget("learn_speed"), help="How fast Play goes.",
    )  # fmt: skip
    reset_clicked = right.button("Reset", key="learn_reset", width="stretch")
    return next_clicked, play_clicked, reset_clicked


# --------------------------------------------------------------------------- the tab


def _watch_word(lesson: Lesson) -> str:
    """The watched word: kept while the vocabulary has it, else a planted word, else the first."""
    index = lesson.vocab.index
    default = next((w for w in EXAMPLE_WORDS if w in index), lesson.vocab.words[0])
    state.bind("learn_watch", default, valid=lambda w: w in index)
    return state.get("learn_watch")


def _record(lesson: Lesson, t: StepTrace, stage: int, watch: str, keys: str = "") -> None:
    """The running loss and the watched word's neighbours, side by side."""
    loss_col, nb_col = st.columns([3, 2])
    steps = len(lesson.losses)
    with loss_col:
        st.markdown(f"**Loss over the {steps} step{'s' if steps != 1 else ''} taken**")
        st.plotly_chart(
            charts.running_loss(lesson.losses), width="stretch", key=f"learn_loss{keys}"
        )
    with nb_col:
        if not keys:  # not while playing: a widget cannot be drawn once per frame
            index = lesson.vocab.index
            st.selectbox(
                "Word to watch", lesson.vocab.words,
                **state.widget(
                    "learn_watch", watch, valid=lambda w: w in index, options=lesson.vocab.words
                ),
                help="Its nearest words in the tiny model, updated as the steps accumulate.",
            )  # fmt: skip
        st.markdown(f"**Nearest words to {md(watch)}** (cosine of the 2-D vectors)")
        st.dataframe(
            _neighbours(lesson, _shown_vectors(lesson, t, stage), watch),
            hide_index=True,
            width="stretch",
        )


def _play(lesson: Lesson, n: int, speed: float, watch: str, frame: Any, stage: Any) -> None:
    """Take ``n`` steps; with a speed, redraw the plane and the record after each one
    in ``frame``, the slot above the ``stage`` slot, which is emptied first.

    Why two slots: frames drawn over the stage's own container would leave the stage's
    extra elements on the page, greyed out, for the whole animation (Streamlit keeps a
    block's children it was not sent again until the run ends), and an emptying sent
    just before a frame to the same slot is merged away with it."""
    if speed <= 0:
        lesson.run(n)
        return
    stage.empty()
    for i in range(n):
        t = lesson.step()
        with frame.container():
            st.markdown(f"**Playing: step {t.step}** ({i + 1} of {n})")
            _plane(lesson, t, len(STAGES), watch, key=f"learn_play_plane_{t.step}")
            _record(lesson, t, len(STAGES), watch, keys=f"_play_{t.step}")
        time.sleep(1.0 / speed)
    frame.empty()


def render(ctx: Context) -> None:
    """Draw the "How it learns" tab."""
    explain(EXPLANATION)
    next_clicked, play_clicked, reset_clicked = _buttons()
    if reset_clicked:
        session.remember(session.LESSON, None)
    # The knobs are drawn at the bottom of the tab; their values are read here.
    lesson = _lesson(
        _text(),
        int(_value("learn_seed")),
        float(_value("learn_lr")),
        int(_value("learn_negatives")),
        int(_value("learn_window")),
    )
    # Slots for Play's frames and for the stage, filled after what is below them: nothing
    # of the previous run is left on the page (greyed out) while Play animates.
    frame, slot = st.empty(), st.empty()
    st.markdown("**Change the lesson**")
    _settings()
    _example_source(ctx)
    if lesson is not None:
        n, speed = int(_value("learn_n")), SPEEDS[_value("learn_speed")]
        _lesson_panel(lesson, next_clicked, play_clicked, n, speed, frame, slot)


def _lesson_panel(
    lesson: Lesson,
    next_clicked: bool,
    play_clicked: bool,
    n: int,
    speed: float,
    frame: Any,
    slot: Any,
) -> None:
    if len(lesson.vocab) > CROWDED_VOCAB:
        st.info(
            f"The example has {len(lesson.vocab)} different words: the plane will be crowded. "
            "Fewer or shorter sentences make a clearer picture."
        )
    watch = _watch_word(lesson)
    if next_clicked:
        if _stage() >= len(STAGES):
            lesson.step()
            _set_stage(1)
        else:
            _set_stage(_stage() + 1)
    if play_clicked:
        _play(lesson, n, speed, watch, frame, slot)
        _set_stage(len(STAGES))
    with slot.container():
        _stage_panel(lesson, watch)


def _stage_panel(lesson: Lesson, watch: str) -> None:
    stage = _stage()
    t = lesson.traces[-1]
    st.subheader(f"Step {t.step} · stage {stage} of {len(STAGES)}: {STAGES[stage - 1]}")
    _strip(lesson, t)
    stages = (_stage_pair, _stage_negatives, _stage_scores, _stage_gradients, _stage_update)
    formulas, plane = st.columns([11, 9])
    with formulas:
        stages[stage - 1](lesson, t)
    with plane:
        _plane(lesson, t, stage, watch, key="learn_plane")
    _record(lesson, t, stage, watch)
    with st.expander("Every number of this step", icon=":material/table:"):
        st.dataframe(
            learn_tables.numbers(lesson, t), hide_index=True, width="stretch", key="learn_numbers"
        )
