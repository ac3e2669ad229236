"""Word analogies: "a is to b as c is to ?", answered with the word nearest to
``b - a + c`` (3CosAdd) or by 3CosMul, on Mikolov et al.'s questions or the toy
corpus's planted ones; scored a block of questions per matrix product.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .errors import W2VError
from .eval_data import PathLike, dataset_path, json_float, json_interval, ok_vocab, read_analogies
from .intervals import Interval, bootstrap_accuracy, percentile_interval
from .vectors import KeyedVectors

#: Analogy questions scored per matrix product.
ANALOGY_BLOCK = 1000

#: Cap on the floats of one block's score matrix (block x candidates), about 120 MB.
MAX_BLOCK_FLOATS = 30_000_000

COSMUL_EPSILON = 1e-3


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
            "accuracy": json_float(self.accuracy),
            "ci95": json_interval(self.ci95),
            "n_skipped": self.n_skipped,
        }


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
    ok = ok_vocab(kv, restrict_vocab)
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
