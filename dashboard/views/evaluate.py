"""The Evaluate tab: word-similarity and analogy benchmarks, and gensim side by side."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
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
from w2v_core.vectors import KeyedVectors

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run
    from w2v_core.corpus import Corpus
    from w2v_core.train import TrainConfig

EXPLANATION = """
How good are these vectors? Three standard tests compare them with people's judgements:

* **WordSim-353** and **SimLex-999**: people rated how similar pairs of words are
  (*tiger / cat*: 7.35 of 10). The score is the **Spearman correlation** between their
  ratings and the model's similarities: 1 = same order, 0 = no relation.
  SimLex-999 is harder: it asks for *similarity* (cup / mug), not mere relatedness
  (cup / coffee). **Coverage** says how many pairs the vocabulary knows; only those count.
* **Google analogies**: 19,544 questions like *Athens is to Greece as Oslo is to ?*,
  by section. Only questions whose words are all known are asked.

Small corpora know few of these words, so expect low coverage and modest numbers:
the toy corpus has its own planted analogies instead.

**Compare with gensim** trains the reference implementation, gensim, on the same corpus
with the same settings, and shows its scores and neighbours beside ours.
"""

#: Analogy questions are answered among this many most frequent words (as gensim does).
RESTRICT_VOCAB = 30_000


@dataclass
class Evaluation:
    """Every score of one set of vectors."""

    ws353: Any
    simlex999: Any
    analogies: Any
    toy: tuple[int, int]

    def summary(self) -> dict[str, float | None]:
        """The headline numbers (for the runs table and the disk cache)."""

        def number(value: float) -> float | None:
            return None if value is None or math.isnan(value) else round(float(value), 4)

        correct, total = self.toy
        return {
            "ws353": number(self.ws353.spearman),
            "simlex999": number(self.simlex999.spearman),
            "analogies": number(self.analogies.accuracy),
            "toy_analogies": number(correct / total) if total else None,
        }


def evaluate_vectors(kv: KeyedVectors) -> Evaluation:
    """Run WordSim-353, SimLex-999, the Google analogies and the toy analogies.

    Raises
    ------
    W2VError
        If the datasets (shipped with gensim) cannot be found.
    """
    from dashboard.views.analogies import toy_examples
    from w2v_core.evaluate import analogies, word_pairs

    toy = toy_examples(kv)
    correct = sum(
        1 for ex in toy if (kv.analogy(ex.a, ex.b, ex.c, topn=1) or [("", 0)])[0][0] == ex.expected
    )
    return Evaluation(
        ws353=word_pairs(kv, dataset="ws353"),
        simlex999=word_pairs(kv, dataset="simlex999"),
        analogies=analogies(kv, restrict_vocab=RESTRICT_VOCAB),
        toy=(correct, len(toy)),
    )


def scores_frame(evaluations: dict[str, Evaluation]) -> pd.DataFrame:
    """One row per test, one column per set of vectors (e.g. "ours", "gensim")."""
    rows = []
    tests = [
        ("WordSim-353 (Spearman)", lambda e: e.ws353.spearman,
         lambda e: f"{e.ws353.n_covered}/{e.ws353.n_pairs} pairs"),
        ("SimLex-999 (Spearman)", lambda e: e.simlex999.spearman,
         lambda e: f"{e.simlex999.n_covered}/{e.simlex999.n_pairs} pairs"),
        ("Google analogies (accuracy)", lambda e: e.analogies.accuracy,
         lambda e: f"{e.analogies.total} questions"),
        ("Toy analogies (accuracy)", lambda e: e.toy[0] / e.toy[1] if e.toy[1] else math.nan,
         lambda e: f"{e.toy[1]} questions"),
    ]  # fmt: skip
    for name, value, coverage in tests:
        row: dict[str, Any] = {"test": name}
        for label, evaluation in evaluations.items():
            score = value(evaluation)
            row[label] = None if score is None or math.isnan(score) else round(float(score), 4)
            row[f"{label}: coverage"] = coverage(evaluation)
        rows.append(row)
    return pd.DataFrame(rows)


def section_scores(evaluation: Evaluation) -> list[tuple[str, float]]:
    """(section, accuracy) of every analogy section with at least one question asked."""
    return [
        (name, correct / total) for name, correct, total in evaluation.analogies.sections if total
    ]


# --------------------------------------------------------------------------- gensim


@dataclass
class GensimResult:
    """gensim's vectors trained with our configuration, and its training time."""

    kv: KeyedVectors
    seconds: float
    evaluation: Evaluation | None = None


def gensim_params(config: TrainConfig) -> dict[str, Any]:
    """gensim ``Word2Vec`` arguments equivalent to a :class:`TrainConfig` (skip-gram,
    negative sampling, same window, dimension, learning rates, epochs, seed)."""
    params = {
        "sg": 1,
        "hs": 0,
        "negative": config.negatives,
        "vector_size": config.dim,
        "window": config.window,
        "min_count": config.min_count,
        "sample": config.sample,
        "alpha": config.alpha,
        "min_alpha": config.min_alpha,
        "epochs": config.epochs,
        "seed": config.seed,
        "ns_exponent": config.ns_exponent,
        "workers": 2,
    }
    if config.max_vocab is not None:
        params["max_final_vocab"] = config.max_vocab
    return params


def train_gensim(corpus: Corpus, config: TrainConfig) -> GensimResult:
    """Train gensim on the same corpus and settings; return its vectors as ours.

    Raises
    ------
    W2VError
        If gensim is not installed.
    """
    try:
        from gensim.models import Word2Vec
    except ImportError:
        raise W2VError("gensim is not installed: pip install gensim") from None

    start = time.perf_counter()
    model = Word2Vec(corpus.sentences(), **gensim_params(config))
    seconds = time.perf_counter() - start
    wv = model.wv
    words = list(wv.index_to_key)
    counts = np.array([wv.get_vecattr(w, "count") for w in words], dtype=np.int64)
    return GensimResult(KeyedVectors(words, np.asarray(wv.vectors), counts), seconds)


# --------------------------------------------------------------------------- the tab


def render(ctx: Context) -> None:
    """Draw the Evaluate tab."""
    explain(EXPLANATION)
    run = ctx.run
    if run is None:
        st.info(NO_RUN)
        return
    evaluation = run.extras.get("evaluation")
    if evaluation is None:
        try:
            with st.spinner("Evaluating..."):
                evaluation = evaluate_vectors(run.kv)
        except W2VError as error:
            st.error(f"The evaluation datasets are not available: {error}")
            return
        run.extras["evaluation"] = evaluation
        if run.source == "imported":
            run.scores.update(evaluation.summary())
        else:
            ctx.registry.set_scores(run.key, evaluation.summary())

    st.subheader("Scores")
    _metrics(evaluation)
    sections = section_scores(evaluation)
    if sections:
        show(
            figure("eval_bars", sections, title="Google analogies: accuracy per section"),
            key="eval_sections",
        )
    else:
        st.caption("No Google analogy question has all its words in this vocabulary.")

    st.subheader("Compare with gensim")
    _gensim(ctx, run, evaluation)


def _metrics(evaluation: Evaluation) -> None:
    ws, sl, an = evaluation.ws353, evaluation.simlex999, evaluation.analogies
    correct, total = evaluation.toy
    cols = st.columns(4)

    def show_number(value: float) -> str:
        return "n/a" if value is None or math.isnan(value) else f"{value:.3f}"

    cols[0].metric(
        "WordSim-353",
        show_number(ws.spearman),
        help="Spearman correlation with human similarity ratings (higher is better).",
    )
    cols[0].caption(f"coverage: {ws.n_covered} of {ws.n_pairs} pairs ({ws.coverage:.0%})")
    cols[1].metric(
        "SimLex-999",
        show_number(sl.spearman),
        help="Spearman correlation with human similarity ratings; a harder test.",
    )
    cols[1].caption(f"coverage: {sl.n_covered} of {sl.n_pairs} pairs ({sl.coverage:.0%})")
    cols[2].metric(
        "Google analogies",
        "n/a" if not an.total else f"{an.accuracy:.1%}",
        help="Share of analogy questions answered exactly right.",
    )
    cols[2].caption(f"{an.total} questions asked, {an.n_skipped} skipped (unknown words)")
    cols[3].metric(
        "Toy analogies",
        "n/a" if not total else f"{correct / total:.0%}",
        help="The analogies planted in the toy corpus (only for runs that know their words).",
    )
    cols[3].caption(f"{correct} of {total} right")


def _gensim(ctx: Context, run: Run, evaluation: Evaluation) -> None:
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
    result: GensimResult | None = run.extras.get("gensim")
    if result is None:
        if not st.button(
            "Train gensim with the same settings",
            key="gensim_train",
            icon=":material/compare_arrows:",
            help="Trains the reference implementation on the same corpus (takes a moment).",
        ):
            return
        try:
            with st.spinner("gensim is training..."):
                result = train_gensim(corpus, run.config)
                result.evaluation = evaluate_vectors(result.kv)
        except W2VError as error:
            st.error(str(error))
            return
        run.extras["gensim"] = result
    assert result.evaluation is not None
    st.caption(
        f"Training time: ours {run.seconds:.1f} s, gensim {result.seconds:.1f} s "
        "(gensim is compiled C code using 2 threads)."
    )
    st.dataframe(
        scores_frame({"ours": evaluation, "gensim": result.evaluation}),
        hide_index=True,
        width="stretch",
    )
    _side_by_side(run.kv, result.kv)


def _side_by_side(ours: KeyedVectors, theirs: KeyedVectors) -> None:
    from dashboard.views.neighbours import default_query, neighbours_frame

    if "gensim_word" not in st.session_state:
        st.session_state["gensim_word"] = default_query(ours).split(",")[0]
    words = parse_words(
        st.text_input("Neighbours of", key="gensim_word", help="A word to compare.")
    )
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
                report(error, name)
                continue
            st.dataframe(frame, hide_index=True, width="stretch")
