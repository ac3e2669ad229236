"""Evaluation, in one place for the app, the CLI and the benchmark.

:func:`evaluate_vectors` is the entry point; :func:`gensim_params` the one mapping of a
configuration to gensim, and :func:`train_gensim` the one function that imports gensim.
Every score carries its coverage (:class:`Score`, :data:`MIN_COVERAGE`).

* **Word similarity** (WordSim-353, SimLex-999): Spearman rank correlation between
  human similarity scores and the model's cosine similarities.
* **Word analogies** (Mikolov et al.'s ``questions-words.txt``): accuracy of
  answering "a is to b as c is to ?" with the nearest word to ``b - a + c``.

Every score has a 95% interval, bootstrapped over the test's pairs or questions
(:mod:`w2v_core.intervals`; ``ci95`` in the JSON).

Both follow gensim's ``evaluate_word_pairs`` / ``evaluate_word_analogies``
conventions (case-insensitive matching, the first of several case variants wins,
questions with unknown words skipped) so the numbers are comparable with it.
The datasets are the copies bundled with gensim's test data, found on disk
without importing gensim; every function also takes an explicit path.

Its parts: :mod:`w2v_core.eval_data` (the files), :mod:`w2v_core.eval_similarity`,
:mod:`w2v_core.eval_analogy` and :mod:`w2v_core.eval_gensim`; this module gathers
every score with its coverage and hands on their public names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .eval_analogy import (
    ANALOGY_BLOCK,
    COSMUL_EPSILON,
    MAX_BLOCK_FLOATS,
    AnalogyResult,
    analogies,
    toy_analogies,
)
from .eval_data import (
    DATASET_FILES,
    PathLike,
    dataset_path,
    json_float,
    json_interval,
    read_analogies,
    read_word_pairs,
)
from .eval_gensim import GensimResult, gensim_params, gensim_vectors, train_gensim
from .eval_similarity import PairResult, rankdata, spearman, word_pairs
from .intervals import Interval
from .vectors import KeyedVectors

__all__ = [
    "ANALOGY_BLOCK",
    "COSMUL_EPSILON",
    "DATASET_FILES",
    "MAX_BLOCK_FLOATS",
    "MIN_COVERAGE",
    "RESTRICT_VOCAB",
    "AnalogyResult",
    "Evaluation",
    "GensimResult",
    "PairResult",
    "Score",
    "analogies",
    "dataset_path",
    "evaluate_vectors",
    "gensim_params",
    "gensim_vectors",
    "rankdata",
    "read_analogies",
    "read_word_pairs",
    "spearman",
    "toy_analogies",
    "train_gensim",
    "word_pairs",
]

#: Analogy questions (and their answers) use only this many most frequent words, as
#: gensim's ``evaluate_word_analogies`` does; the similarity datasets use every word.
RESTRICT_VOCAB = 30_000

#: The coverage rule.  A benchmark score only measures the pairs (or questions) whose
#: words the vocabulary knows.  Below half of them, the score is about a different,
#: corpus-chosen subset (usually the easy, frequent words), so two runs with different
#: vocabularies are not comparable on it: such a score is shown, but flagged, and never
#: used to rank runs (:attr:`Score.rankable`).
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class Score:
    """One benchmark number with its coverage.

    Attributes
    ----------
    name : str
        ``"ws353"``, ``"simlex999"``, ``"analogies"`` or ``"toy_analogies"``.
    title : str
        What a person reads, e.g. ``"WordSim-353"``.
    metric : str
        ``"Spearman"`` or ``"accuracy"``.
    value : float
        The score (``nan`` when nothing could be measured).
    covered, total : int
        Pairs (or questions) the vocabulary knows, and in the dataset.
    unit : str
        ``"pairs"`` or ``"questions"``.
    ci95 : (float, float) or None
        95% bootstrap interval of ``value`` (over the items, and the seeds if several).
    seeds : int
        Runs the score is the mean of (1: one run).
    """

    name: str
    title: str
    metric: str
    value: float
    covered: int
    total: int
    unit: str
    ci95: Interval | None = None
    seeds: int = 1

    @property
    def coverage(self) -> float:
        """``covered / total``: the share of the dataset this score is about."""
        return self.covered / self.total if self.total else 0.0

    @property
    def rankable(self) -> bool:
        """True if the score is finite and its coverage reaches :data:`MIN_COVERAGE`."""
        return math.isfinite(self.value) and self.coverage >= MIN_COVERAGE

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "value": json_float(self.value),
            "ci95": json_interval(self.ci95),
            "covered": self.covered,
            "total": self.total,
            "coverage": self.coverage,
            "rankable": self.rankable,
        }


@dataclass
class Evaluation:
    """Every benchmark of one set of vectors (see :func:`evaluate_vectors`)."""

    vocab_size: int
    dim: int
    restrict_vocab: int | None
    ws353: PairResult
    simlex999: PairResult
    analogies: AnalogyResult
    toy: AnalogyResult

    def scores(self) -> list[Score]:
        """The four headline numbers, each with its coverage and whether it may rank runs."""

        def asked(result: AnalogyResult) -> int:
            return result.total + result.n_skipped

        return [
            Score("ws353", "WordSim-353", "Spearman", self.ws353.spearman,
                  self.ws353.n_covered, self.ws353.n_pairs, "pairs", self.ws353.ci95),
            Score("simlex999", "SimLex-999", "Spearman", self.simlex999.spearman,
                  self.simlex999.n_covered, self.simlex999.n_pairs, "pairs",
                  self.simlex999.ci95),
            Score("analogies", "Google analogies", "accuracy", self.analogies.accuracy,
                  self.analogies.total, asked(self.analogies), "questions",
                  self.analogies.ci95),
            Score("toy_analogies", "Toy analogies", "accuracy", self.toy.accuracy,
                  self.toy.total, asked(self.toy), "questions", self.toy.ci95),
        ]  # fmt: skip

    def results(self) -> dict[str, PairResult | AnalogyResult]:
        """Each score's full result by name (what :func:`w2v_core.stability.seed_scores`
        resamples)."""
        return {"ws353": self.ws353, "simlex999": self.simlex999,
                "analogies": self.analogies, "toy_analogies": self.toy}  # fmt: skip

    def summary(self) -> dict[str, float | None]:
        """Flat numbers for tables and the run cache: ``name`` -> value (``None`` if not
        measurable), ``name_coverage`` -> coverage and ``name_ci_low`` / ``name_ci_high``
        -> its 95% interval (``None`` without one), for every :meth:`scores` entry."""
        result: dict[str, float | None] = {}
        for score in self.scores():
            value = json_float(score.value)
            result[score.name] = None if value is None else round(value, 4)
            result[f"{score.name}_coverage"] = round(score.coverage, 4)
            low, high = score.ci95 if score.ci95 is not None else (None, None)
            result[f"{score.name}_ci_low"] = None if low is None else round(low, 4)
            result[f"{score.name}_ci_high"] = None if high is None else round(high, 4)
        return result

    def to_dict(self) -> dict:
        """Everything, JSON-able (``nan`` becomes ``None``): what ``evaluate --json`` prints."""
        return {
            "vocab_size": self.vocab_size,
            "dim": self.dim,
            "restrict_vocab": self.restrict_vocab,
            "min_coverage": MIN_COVERAGE,
            "ws353": self.ws353.to_dict(),
            "simlex999": self.simlex999.to_dict(),
            "analogies": self.analogies.to_dict(),
            "toy_analogies": self.toy.to_dict(),
            "scores": [score.to_dict() for score in self.scores()],
        }


def evaluate_vectors(
    kv: KeyedVectors,
    restrict_vocab: int | None = RESTRICT_VOCAB,
    data_dir: PathLike | None = None,
) -> Evaluation:
    """The one evaluation entry point (app, CLI and benchmark): WordSim-353, SimLex-999,
    the Google analogies and the toy corpus's planted analogies.

    ``restrict_vocab`` applies to the Google analogies (for speed, as in gensim); the
    similarity datasets use the whole vocabulary.

    Raises
    ------
    W2VError
        If the datasets (shipped with gensim's test data) cannot be found.
    """
    return Evaluation(
        vocab_size=len(kv),
        dim=kv.dim,
        restrict_vocab=restrict_vocab,
        ws353=word_pairs(kv, dataset_path("ws353", data_dir)),
        simlex999=word_pairs(kv, dataset_path("simlex999", data_dir)),
        analogies=analogies(kv, dataset_path("analogies", data_dir), restrict_vocab=restrict_vocab),
        toy=toy_analogies(kv),
    )
