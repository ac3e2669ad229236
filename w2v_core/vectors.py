r"""Read-only word vectors and the questions they answer.

All queries use cosine similarity, :math:`\cos(a, b) = a^\top b / (\|a\|\|b\|)`,
computed as dot products of unit-length rows (:attr:`KeyedVectors.normed`).

Analogies ("a is to b as c is to ?")
------------------------------------
* **3CosAdd** (Mikolov et al. 2013): the word closest to :math:`b - a + c`,
  i.e. maximising :math:`\cos(x, b) - \cos(x, a) + \cos(x, c)` over unit vectors.
* **3CosMul** (Levy & Goldberg 2014): maximising
  :math:`\cos'(x, b)\,\cos'(x, c) / (\cos'(x, a) + \varepsilon)` with
  :math:`\cos' = (\cos + 1) / 2 \in [0, 1]`; one large similarity can no longer
  drown the other two.

The query words themselves are never answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .errors import UnknownWordError, W2VError

COSMUL_EPSILON = 1e-3


class KeyedVectors:
    """Words and their vectors, for queries only (no training state).

    Parameters
    ----------
    words : sequence of str
        The vocabulary, most frequent first (``restrict_vocab`` relies on that order).
    vectors : numpy.ndarray
        ``(len(words), dim)`` array; stored as float32 and made read-only.
    counts : numpy.ndarray, optional
        Corpus frequency of each word (zeros when unknown, e.g. imported vectors).
    """

    def __init__(
        self, words: Sequence[str], vectors: np.ndarray, counts: np.ndarray | None = None
    ) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(words):
            raise W2VError(
                f"expected {len(words)} vectors as a 2-D array, got shape {vectors.shape}"
            )
        self.words: list[str] = list(words)
        self.index: dict[str, int] = {word: i for i, word in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise W2VError("the vocabulary contains a word twice")
        view = vectors.view()
        view.flags.writeable = False
        self.vectors = view
        if counts is None:
            counts = np.zeros(len(self.words), dtype=np.int64)
        self.counts = np.asarray(counts, dtype=np.int64)
        self._normed: np.ndarray | None = None

    # -- basic access ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self.get_index(word)]

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def get_index(self, word: str) -> int:
        """Row of ``word``; raises :class:`UnknownWordError` with spelling suggestions."""
        try:
            return self.index[word]
        except KeyError:
            raise UnknownWordError(word, self.words) from None

    def count(self, word: str) -> int:
        """Corpus frequency of ``word`` (0 when the vectors came without counts)."""
        return int(self.counts[self.get_index(word)])

    @property
    def normed(self) -> np.ndarray:
        """Rows scaled to unit length (zero rows stay zero), computed once."""
        if self._normed is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            normed = self.vectors / norms
            normed.flags.writeable = False
            self._normed = normed
        return self._normed

    # -- similarity queries ---------------------------------------------------------

    def similarity(self, word1: str, word2: str) -> float:
        """Cosine similarity of two words."""
        return float(self.normed[self.get_index(word1)] @ self.normed[self.get_index(word2)])

    def most_similar(
        self,
        positive: str | Iterable[str] = (),
        negative: str | Iterable[str] = (),
        topn: int = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]]:
        """Words closest to the mean of ``positive`` minus ``negative`` unit vectors (3CosAdd).

        ``most_similar("king")`` gives the neighbours of *king*;
        ``most_similar(["king", "woman"], ["man"])`` answers an analogy.
        """
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive and not negative:
            raise W2VError("give at least one word")
        rows = [self.get_index(w) for w in positive + negative]
        signs = np.array([1.0] * len(positive) + [-1.0] * len(negative), dtype=np.float32)
        query = signs @ self.normed[rows]
        norm = np.linalg.norm(query)
        if norm > 0:
            query /= norm
        scores = self._candidates(restrict_vocab) @ query
        return self._top(scores, topn, exclude=rows)

    def most_similar_cosmul(
        self,
        positive: str | Iterable[str] = (),
        negative: str | Iterable[str] = (),
        topn: int = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]]:
        """3CosMul: product of shifted cosines to ``positive`` over those to ``negative``."""
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive:
            raise W2VError("3CosMul needs at least one positive word")
        candidates = self._candidates(restrict_vocab)
        pos_rows = [self.get_index(w) for w in positive]
        neg_rows = [self.get_index(w) for w in negative]
        shifted = lambda rows: (candidates @ self.normed[rows].T + 1.0) / 2.0  # noqa: E731
        scores = np.prod(shifted(pos_rows), axis=1)
        if neg_rows:
            scores /= np.prod(shifted(neg_rows), axis=1) + COSMUL_EPSILON
        return self._top(scores, topn, exclude=pos_rows + neg_rows)

    def analogy(
        self,
        a: str,
        b: str,
        c: str,
        topn: int = 5,
        method: str = "add",
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]]:
        """Answer "``a`` is to ``b`` as ``c`` is to ?" (``b - a + c``).

        ``method`` is ``"add"`` (3CosAdd) or ``"mul"`` (3CosMul).
        """
        if method == "add":
            return self.most_similar([b, c], [a], topn=topn, restrict_vocab=restrict_vocab)
        if method == "mul":
            return self.most_similar_cosmul([b, c], [a], topn=topn, restrict_vocab=restrict_vocab)
        raise W2VError(f"unknown analogy method {method!r}: use 'add' or 'mul'")

    def doesnt_match(self, words: Iterable[str]) -> str:
        """The word least similar to the mean direction of all the given words."""
        words = _as_list(words)
        if len(words) < 2:
            raise W2VError("give at least two words to find the odd one out")
        vectors = self.normed[[self.get_index(w) for w in words]]
        mean = vectors.mean(axis=0)
        mean /= np.linalg.norm(mean) or 1.0
        return words[int(np.argmin(vectors @ mean))]

    # -- helpers --------------------------------------------------------------------

    def _candidates(self, restrict_vocab: int | None) -> np.ndarray:
        return self.normed if restrict_vocab is None else self.normed[:restrict_vocab]

    def _top(self, scores: np.ndarray, topn: int, exclude: list[int]) -> list[tuple[str, float]]:
        scores = np.array(scores, dtype=np.float32)
        excluded = [row for row in exclude if row < len(scores)]
        scores[excluded] = -np.inf
        topn = max(0, min(topn, len(scores) - len(set(excluded))))
        if topn == 0:
            return []
        best = np.argpartition(-scores, topn - 1)[:topn]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.words[i], float(scores[i])) for i in best]


def _as_list(words: str | Iterable[str]) -> list[str]:
    return [words] if isinstance(words, str) else list(words)
