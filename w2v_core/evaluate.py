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
"""

from __future__ import annotations

import importlib.util
import math
import os
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import W2VError
from .files import open_for_reading
from .intervals import Interval, bootstrap_accuracy, bootstrap_spearman, percentile_interval
from .vectors import KeyedVectors

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus
    from .train import TrainConfig

PathLike = str | os.PathLike

#: File names of the datasets inside gensim's ``test/test_data`` directory.
DATASET_FILES = {
    "ws353": "wordsim353.tsv",
    "simlex999": "simlex999.txt",
    "analogies": "questions-words.txt",
}
#: Analogy questions scored per matrix product.
ANALOGY_BLOCK = 1000
#: Cap on the floats of one block's score matrix (block x candidates), about 120 MB.
MAX_BLOCK_FLOATS = 30_000_000
COSMUL_EPSILON = 1e-3


@dataclass
class PairResult:
    """Outcome of a word-similarity evaluation.

    Attributes
    ----------
    spearman : float
        Spearman correlation between human and model similarities on the covered
        pairs (``nan`` when fewer than two pairs are covered or one side is constant).
    n_pairs : int
        Pairs in the dataset.
    n_covered : int
        Pairs whose both words are in the (restricted) vocabulary.
    coverage : float
        ``n_covered / n_pairs``.
    oov_pairs : list of (str, str)
        The skipped pairs.
    gold, cosines : numpy.ndarray
        The people's scores and the model's cosines of the covered pairs (what the
        interval resamples).
    """

    spearman: float
    n_pairs: int
    n_covered: int
    coverage: float
    oov_pairs: list[tuple[str, str]] = field(default_factory=list)
    gold: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False, compare=False)
    cosines: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False, compare=False)

    def replicates(self) -> np.ndarray:
        """Bootstrap replicates of the Spearman correlation over the covered pairs."""
        return bootstrap_spearman(self.gold, self.cosines)

    @cached_property
    def ci95(self) -> Interval | None:
        """95% bootstrap interval of :attr:`spearman` (None with fewer than 3 pairs)."""
        return percentile_interval(self.replicates())

    def to_dict(self) -> dict:
        return {
            "spearman": _json_float(self.spearman),
            "ci95": _json_interval(self.ci95),
            "n_pairs": self.n_pairs,
            "n_covered": self.n_covered,
            "coverage": self.coverage,
            "oov_pairs": [list(pair) for pair in self.oov_pairs],
        }


@dataclass
class AnalogyResult:
    """Outcome of an analogy evaluation.

    Attributes
    ----------
    sections : list of (name, correct, total)
        Per section of the question file, counting only evaluated questions.
    correct, total : int
        Over all sections.
    accuracy : float
        ``correct / total`` (``nan`` when no question could be evaluated).
    n_skipped : int
        Questions skipped because a word is outside the first ``restrict_vocab`` words.
    """

    sections: list[tuple[str, int, int]]
    correct: int
    total: int
    accuracy: float
    n_skipped: int

    def replicates(self) -> np.ndarray:
        """Bootstrap replicates of the accuracy over the evaluated questions."""
        return bootstrap_accuracy(self.correct, self.total)

    @cached_property
    def ci95(self) -> Interval | None:
        """95% bootstrap interval of :attr:`accuracy` (None if nothing was asked)."""
        return percentile_interval(self.replicates())

    def to_dict(self) -> dict:
        return {
            "sections": [
                {"name": name, "correct": correct, "total": total}
                for name, correct, total in self.sections
            ],
            "correct": self.correct,
            "total": self.total,
            "accuracy": _json_float(self.accuracy),
            "ci95": _json_interval(self.ci95),
            "n_skipped": self.n_skipped,
        }


def _json_float(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _json_interval(interval: Interval | None) -> list[float] | None:
    return None if interval is None else [round(interval[0], 6), round(interval[1], 6)]


# --------------------------------------------------------------------------- datasets


def dataset_path(name: str, data_dir: PathLike | None = None) -> Path:
    """Path of a bundled dataset (``"ws353"``, ``"simlex999"`` or ``"analogies"``).

    ``data_dir`` is a directory holding files with gensim's names
    (:data:`DATASET_FILES`); by default gensim's installed ``test/test_data``.

    Raises
    ------
    W2VError
        For an unknown name, or when gensim's test data is not installed.
    """
    if name not in DATASET_FILES:
        raise W2VError(f"unknown dataset {name!r}; choose from {', '.join(DATASET_FILES)}")
    if data_dir is not None:
        candidate = Path(data_dir) / DATASET_FILES[name]
        if candidate.is_file():
            return candidate
        raise W2VError(f"dataset '{name}' not found: {candidate} does not exist")
    # find_spec locates the package on disk without executing (importing) it.
    spec = importlib.util.find_spec("gensim")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / "test" / "test_data" / DATASET_FILES[name]
        if candidate.is_file():
            return candidate
    raise W2VError(
        f"dataset '{name}' ({DATASET_FILES[name]}) not found: it ships with gensim's test "
        "data; install gensim or give a directory holding the file"
    )


def _read_text(path: PathLike) -> list[str]:
    # files.open_for_reading: one-line errors for a missing file, a directory, no access.
    with open_for_reading(path, "dataset file", W2VError) as handle:
        data = handle.read()
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise W2VError(f"dataset file is not UTF-8 text: {path}") from None


def read_word_pairs(path: PathLike) -> list[tuple[str, str, float]]:
    """Read ``word1<TAB>word2<TAB>score`` lines, lower-cased; ``#`` lines are comments.

    Malformed lines are skipped, as gensim does.
    """
    pairs = []
    for line in _read_text(path):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            continue
        try:
            score = float(fields[2])
        except ValueError:
            continue
        pairs.append((fields[0].strip().lower(), fields[1].strip().lower(), score))
    return pairs


def read_analogies(path: PathLike) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """Read ``questions-words.txt``: ``": name"`` section headers, then ``a b c d`` lines.

    Words are lower-cased; lines without exactly four words are skipped.

    Raises
    ------
    W2VError
        If a question comes before the first section header.
    """
    sections: list[tuple[str, list[tuple[str, str, str, str]]]] = []
    for line_no, line in enumerate(_read_text(path), start=1):
        if line.startswith(":"):
            sections.append((line.lstrip(":").strip(), []))
            continue
        words = line.lower().split()
        if len(words) != 4:
            continue
        if not sections:
            raise W2VError(f"{path}: line {line_no} comes before any ': section' header")
        sections[-1][1].append((words[0], words[1], words[2], words[3]))
    return sections


def _ok_vocab(kv: KeyedVectors, restrict_vocab: int | None) -> dict[str, int]:
    """Lower-cased word -> row, among the first ``restrict_vocab`` rows.

    When several rows lower-case to the same word, the first (most frequent) wins,
    exactly as in gensim's case-insensitive evaluation.
    """
    limit = len(kv) if restrict_vocab is None else min(restrict_vocab, len(kv))
    ok: dict[str, int] = {}
    for row, word in enumerate(kv.words[:limit]):
        ok.setdefault(word.lower(), row)
    return ok


# --------------------------------------------------------------------------- similarity


def rankdata(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties get the average of the ranks they span (like scipy's default)."""
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    # Each run of equal values starts where the value changes.
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    ends = np.r_[starts[1:], len(values)]
    average = (starts + ends + 1) / 2.0  # mean of the 1-based ranks starts+1 .. ends
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.repeat(average, ends - starts)
    return ranks


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho: Pearson correlation of average ranks (``nan`` if undefined)."""
    if len(x) != len(y):
        raise ValueError("x and y differ in length")
    if len(x) < 2:
        return float("nan")
    rx = rankdata(x) - (len(x) + 1) / 2.0
    ry = rankdata(y) - (len(y) + 1) / 2.0
    denominator = math.sqrt(float(rx @ rx) * float(ry @ ry))
    if denominator == 0.0:
        return float("nan")
    return float(rx @ ry) / denominator


def word_pairs(
    kv: KeyedVectors,
    path: PathLike | None = None,
    dataset: str = "ws353",
    restrict_vocab: int | None = None,
) -> PairResult:
    """Spearman correlation of model cosines with human similarity judgements.

    Parameters
    ----------
    kv : KeyedVectors
        The vectors.
    path : str or PathLike, optional
        A ``word1<TAB>word2<TAB>score`` file; default: the bundled ``dataset``.
    dataset : {"ws353", "simlex999"}
        Which bundled dataset to use when ``path`` is not given.
    restrict_vocab : int, optional
        Only the first ``restrict_vocab`` words count as known (default: all).

    Returns
    -------
    PairResult
    """
    if path is None:
        if dataset not in ("ws353", "simlex999"):
            raise W2VError(f"unknown word-pair dataset {dataset!r}; use 'ws353' or 'simlex999'")
        path = dataset_path(dataset)
    pairs = read_word_pairs(path)
    ok = _ok_vocab(kv, restrict_vocab)
    rows_a, rows_b, gold, oov = [], [], [], []
    for a, b, score in pairs:
        if a in ok and b in ok:
            rows_a.append(ok[a])
            rows_b.append(ok[b])
            gold.append(score)
        else:
            oov.append((a, b))
    # Unit rows of the pairs only: no normalised copy of a million-word matrix.
    cosines = np.einsum("ij,ij->i", kv.unit(rows_a), kv.unit(rows_b)) if rows_a else np.zeros(0)
    n_pairs, n_covered = len(pairs), len(gold)
    return PairResult(
        spearman=spearman(np.asarray(gold), cosines),
        n_pairs=n_pairs,
        n_covered=n_covered,
        coverage=n_covered / n_pairs if n_pairs else 0.0,
        oov_pairs=oov,
        gold=np.asarray(gold, dtype=np.float64),
        cosines=np.asarray(cosines, dtype=np.float64),
    )


# --------------------------------------------------------------------------- analogies


def analogies(
    kv: KeyedVectors,
    path: PathLike | None = None,
    restrict_vocab: int | None = 30000,
    method: str = "add",
) -> AnalogyResult:
    """Accuracy on analogy questions "a is to b as c is to d".

    A question counts if all four words are among the first ``restrict_vocab``
    words; its answer is the best-scoring word among those same words, excluding
    a, b and c (and their case variants).  It is correct if that word is d.

    Parameters
    ----------
    kv : KeyedVectors
        The vectors, most frequent word first.
    path : str or PathLike, optional
        A ``questions-words.txt``-style file; default: the bundled one.
    restrict_vocab : int or None, default 30000
        Size of the vocabulary prefix used for questions and answers (None: all).
    method : {"add", "mul"}
        3CosAdd (``cos(x, b) - cos(x, a) + cos(x, c)``, gensim's
        ``evaluate_word_analogies``) or 3CosMul (Levy & Goldberg 2014).

    Returns
    -------
    AnalogyResult
    """
    if method not in ("add", "mul"):
        raise W2VError(f"unknown analogy method {method!r}: use 'add' or 'mul'")
    sections = read_analogies(dataset_path("analogies") if path is None else path)
    ok = _ok_vocab(kv, restrict_vocab)
    limit = len(kv) if restrict_vocab is None else min(restrict_vocab, len(kv))
    candidates = kv.unit(np.arange(limit))
    # group[row] = the row its lower-cased form resolves to; differs from row only
    # for a less frequent case variant ("Paris" after "paris").
    group = np.array([ok[word.lower()] for word in kv.words[:limit]], dtype=np.int64)
    has_variants = bool(np.any(group != np.arange(limit)))

    block_size = max(1, min(ANALOGY_BLOCK, MAX_BLOCK_FLOATS // max(limit, 1)))
    results, n_skipped = [], 0
    for name, questions in sections:
        known = [q for q in questions if all(word in ok for word in q)]
        n_skipped += len(questions) - len(known)
        rows = np.array([[ok[word] for word in q] for q in known], dtype=np.int64).reshape(-1, 4)
        correct = 0
        for start in range(0, len(rows), block_size):
            block = rows[start : start + block_size]
            predicted = _answer_block(candidates, block[:, :3], method, group, has_variants)
            correct += int(np.count_nonzero(group[predicted] == block[:, 3]))
        results.append((name, correct, len(known)))

    correct = sum(section[1] for section in results)
    total = sum(section[2] for section in results)
    return AnalogyResult(
        sections=results,
        correct=correct,
        total=total,
        accuracy=correct / total if total else float("nan"),
        n_skipped=n_skipped,
    )


def _answer_block(
    candidates: np.ndarray,
    abc: np.ndarray,
    method: str,
    group: np.ndarray,
    has_variants: bool,
) -> np.ndarray:
    """Best-scoring candidate row for each question (a, b, c) of a block."""
    a, b, c = candidates[abc[:, 0]], candidates[abc[:, 1]], candidates[abc[:, 2]]
    if method == "add":
        # argmax_x cos(x, b - a + c): one (block x dim) @ (dim x vocab) product.
        scores = (b - a + c) @ candidates.T
    else:
        # cos' = (cos + 1) / 2 in [0, 1]; in-place arithmetic keeps to three big matrices.
        def shifted(query: np.ndarray) -> np.ndarray:
            cosines = query @ candidates.T
            cosines += 1.0
            cosines *= 0.5
            return cosines

        scores = shifted(b)
        scores *= shifted(c)
        denominator = shifted(a)
        denominator += COSMUL_EPSILON
        scores /= denominator
    if has_variants:
        # Exclude every case variant of the input words, as gensim's ignore-set does.
        for column in range(3):
            scores[group[None, :] == abc[:, column : column + 1]] = -np.inf
    else:
        question = np.arange(len(abc))[:, None]
        scores[question, abc] = -np.inf
    return np.argmax(scores, axis=1)


# --------------------------------------------------------------------------- toy analogies


def toy_analogies(kv: KeyedVectors, method: str = "add") -> AnalogyResult:
    """Accuracy on the analogies planted in the toy corpus (:data:`w2v_core.toy.TOY_ANALOGIES`).

    A question is asked if its four words are in ``kv``; its answer is the top word of
    :meth:`KeyedVectors.analogy` (``a``, ``b`` and ``c`` excluded), right if it is ``d``.
    """
    from .toy import TOY_ANALOGIES

    known = [q for q in TOY_ANALOGIES if all(word in kv for word in q)]
    correct = 0
    for a, b, c, d in known:
        answer = kv.analogy(a, b, c, topn=1, method=method)
        correct += bool(answer) and answer[0][0] == d
    total = len(known)
    return AnalogyResult(
        sections=[("toy corpus", correct, total)],
        correct=correct,
        total=total,
        accuracy=correct / total if total else float("nan"),
        n_skipped=len(TOY_ANALOGIES) - total,
    )


# --------------------------------------------------------------------------- everything

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
            "value": _json_float(self.value),
            "ci95": _json_interval(self.ci95),
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
            value = _json_float(score.value)
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


# --------------------------------------------------------------------------- gensim


def gensim_params(config: TrainConfig, workers: int = 2) -> dict[str, Any]:
    """The one mapping of a :class:`~w2v_core.train.TrainConfig` to gensim ``Word2Vec``
    arguments: skip-gram (``sg=1``) with negative sampling (``hs=0``) and the same
    dimension, window, negatives, vocabulary rules, subsampling, noise exponent,
    learning rates, epochs and seed.

    Our own speed options (batch size, shared negatives, BLAS threads) and early
    stopping have no gensim counterpart: gensim always trains every epoch.
    """
    params: dict[str, Any] = {
        "sg": 1,
        "hs": 0,
        "negative": config.negatives,
        "vector_size": config.dim,
        "window": config.window,
        "min_count": config.min_count,
        "sample": config.sample,
        "ns_exponent": config.ns_exponent,
        "alpha": config.alpha,
        "min_alpha": config.min_alpha,
        "epochs": config.epochs,
        "seed": config.seed,
        "workers": workers,
    }
    if config.max_vocab is not None:
        params["max_final_vocab"] = config.max_vocab
    return params


@dataclass
class GensimResult:
    """gensim's vectors trained with our configuration, and its training time."""

    kv: KeyedVectors
    seconds: float


def train_gensim(corpus: Corpus, config: TrainConfig, workers: int = 2) -> GensimResult:
    """Train gensim on the same sentences and settings; return its vectors as ours.

    gensim is imported here, and only here: the core runs without it.

    Raises
    ------
    W2VError
        If gensim is not installed.
    """
    try:  # imported by name: the core's modules import no framework (see tests/test_imports.py)
        Word2Vec = importlib.import_module("gensim.models").Word2Vec
    except ImportError:
        raise W2VError("gensim is not installed: pip install gensim") from None

    start = time.perf_counter()
    model = Word2Vec(corpus.sentences(), **gensim_params(config, workers))
    seconds = time.perf_counter() - start
    return GensimResult(gensim_vectors(model.wv), seconds)


def gensim_vectors(wv: Any) -> KeyedVectors:
    """gensim ``KeyedVectors`` (with counts) as ours, most frequent word first."""
    words = list(wv.index_to_key)
    counts = np.array([wv.get_vecattr(word, "count") for word in words], dtype=np.int64)
    return KeyedVectors(words, np.asarray(wv.vectors), counts)
