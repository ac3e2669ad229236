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

At a million words
------------------
Vectors may be a read-only memory map of a file (:func:`w2v_core.io.load_vectors`).
Nothing here copies the matrix: the row norms :math:`\|v_i\|` are computed once, in
blocks (:func:`row_norms`), and a query scores every word as
:math:`v_i^\top q / \|v_i\|` in one matrix-vector product.  Spelling suggestions
for an unknown word first bound difflib's similarity from letter counts for all
words at once (:meth:`KeyedVectors.suggest`), then ask difflib about the few
candidates that can reach the cutoff.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Iterable, Sequence

import numpy as np

from .errors import UnknownWordError, W2VError

COSMUL_EPSILON = 1e-3
#: Rows per block when a pass over the whole matrix needs temporaries.
_BLOCK_ROWS = 16384
#: Letter-count buckets for the suggestion prefilter (code point modulo this).
_BUCKETS = 32


def row_norms(matrix: np.ndarray) -> np.ndarray:
    r"""Euclidean norm of every row, :math:`\|v_i\| = \sqrt{\sum_j v_{ij}^2}`.

    Computed a block of rows at a time, so a 1.2 GB matrix needs only a few megabytes
    of temporaries.  The sums are float32 (eight times faster than float64 here); a
    row whose float32 sum overflows is summed again in float64, so a norm is ``nan``
    or ``inf`` exactly when its row holds ``nan`` or ``inf`` (or is too large for
    float32 even as a norm).
    """
    norms = np.empty(len(matrix), dtype=np.float32)
    for start in range(0, len(matrix), _BLOCK_ROWS):
        block = np.asarray(matrix[start : start + _BLOCK_ROWS], dtype=np.float32)
        with np.errstate(over="ignore", invalid="ignore"):
            part = np.sqrt(np.einsum("ij,ij->i", block, block))
        for row in np.flatnonzero(~np.isfinite(part)):
            exact = block[row].astype(np.float64)
            with np.errstate(over="ignore", invalid="ignore"):
                part[row] = np.float32(np.sqrt(exact @ exact))
        norms[start : start + len(block)] = part
    return norms


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
    norms : numpy.ndarray, optional
        The row norms, if the loader already computed them (else computed on first use).
    """

    def __init__(
        self,
        words: Sequence[str],
        vectors: np.ndarray,
        counts: np.ndarray | None = None,
        *,
        norms: np.ndarray | None = None,
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
        self._norms = None if norms is None else _nonzero(norms)
        self._normed: np.ndarray | None = None
        self._letters: tuple[np.ndarray, np.ndarray] | None = None

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
            raise UnknownWordError(word, suggestions=self.suggest(word)) from None

    def count(self, word: str) -> int:
        """Corpus frequency of ``word`` (0 when the vectors came without counts)."""
        return int(self.counts[self.get_index(word)])

    @property
    def norms(self) -> np.ndarray:
        """Row norms, computed once (zero rows get norm 1 so they score 0, not nan)."""
        if self._norms is None:
            self._norms = _nonzero(row_norms(self.vectors))
        return self._norms

    @property
    def normed(self) -> np.ndarray:
        """Rows scaled to unit length (zero rows stay zero), computed once.

        A full copy of the matrix: queries do not need it (they divide by
        :attr:`norms`), it is for callers that want unit vectors of many rows.
        """
        if self._normed is None:
            normed = self.vectors / self.norms[:, None]
            normed.flags.writeable = False
            self._normed = normed
        return self._normed

    def unit(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """Unit-length copies of the given rows."""
        rows = np.asarray(rows, dtype=np.int64)
        return np.asarray(self.vectors[rows], dtype=np.float32) / self.norms[rows][:, None]

    def suggest(self, word: str, n: int = 5, cutoff: float = 0.75) -> list[str]:
        r"""Vocabulary words spelled like ``word``: ``difflib.get_close_matches``, fast.

        difflib's ratio :math:`2M/(|a|+|b|)` (``M`` matching characters) is at most
        :math:`2\sum_k \min(a_k, b_k)/(|a|+|b|)` over letter counts :math:`a_k, b_k`
        (letters grouped in :data:`_BUCKETS` buckets, which only raises the bound), so
        the words below the cutoff by that bound are skipped without losing a match, and
        the others are tried best bound first, stopping when no bound left can reach the
        n-th best ratio found: the result is that of ``get_close_matches``.
        """
        if len(self.words) <= 20_000:
            return difflib.get_close_matches(word, self.words, n=n, cutoff=cutoff)
        letters, lengths = self._letter_counts()
        query = _letter_counts([word])[0]
        common = np.zeros(len(self.words), dtype=np.int32)
        for bucket in np.flatnonzero(query):  # a word touches a few buckets only
            common += np.minimum(letters[bucket], query[bucket])
        bound = 2.0 * common / np.maximum(lengths + len(word), 1)
        candidates = np.flatnonzero(bound >= cutoff)
        # Best bound first; stop once no bound left can reach the n-th best ratio.
        candidates = candidates[np.argsort(-bound[candidates], kind="stable")]
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        best: list[tuple[float, str]] = []  # a min-heap of the n best (ratio, word)
        for row in candidates:
            if len(best) == n and bound[row] < best[0][0]:
                break
            matcher.set_seq1(self.words[row])
            if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
                continue
            ratio = matcher.ratio()
            if ratio >= cutoff:
                item = (ratio, self.words[row])
                if len(best) < n:
                    heapq.heappush(best, item)
                elif item > best[0]:
                    heapq.heapreplace(best, item)
        # The order of get_close_matches: best ratio first, ties by the larger word.
        return [word for _, word in sorted(best, reverse=True)]

    def _letter_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """``(_BUCKETS, V)`` letter counts (one contiguous row per bucket) and lengths."""
        if self._letters is None:
            counts = np.concatenate(
                [
                    _letter_counts(self.words[start : start + 65536])
                    for start in range(0, len(self.words), 65536)
                ]
            )
            lengths = np.fromiter(map(len, self.words), dtype=np.int32, count=len(self.words))
            self._letters = (np.ascontiguousarray(counts.T), lengths)
        return self._letters

    # -- similarity queries ---------------------------------------------------------

    def similarity(self, word1: str, word2: str) -> float:
        """Cosine similarity of two words."""
        first, second = self.unit([self.get_index(word1), self.get_index(word2)])
        return float(first @ second)

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
        query = signs @ self.unit(rows)
        norm = np.linalg.norm(query)
        if norm > 0:
            query /= norm
        return self._top(self._cosines(query, restrict_vocab), topn, exclude=rows)

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
        pos_rows = [self.get_index(w) for w in positive]
        neg_rows = [self.get_index(w) for w in negative]
        shifted = lambda rows: (self._cosines(self.unit(rows).T, restrict_vocab) + 1) / 2  # noqa: E731
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
        vectors = self.unit([self.get_index(w) for w in words])
        mean = vectors.mean(axis=0)
        mean /= np.linalg.norm(mean) or 1.0
        return words[int(np.argmin(vectors @ mean))]

    # -- helpers --------------------------------------------------------------------

    def _cosines(self, query: np.ndarray, restrict_vocab: int | None) -> np.ndarray:
        """Cosine of every (or the first ``restrict_vocab``) word with unit ``query``."""
        stop = len(self.words) if restrict_vocab is None else restrict_vocab
        scores = np.asarray(self.vectors[:stop] @ query, dtype=np.float32)
        norms = self.norms[:stop]
        return scores / (norms[:, None] if scores.ndim == 2 else norms)

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


def _nonzero(norms: np.ndarray) -> np.ndarray:
    """A read-only copy of ``norms`` with zeros replaced by 1 (a zero row scores 0)."""
    norms = np.array(norms, dtype=np.float32)
    norms[norms == 0] = 1.0
    norms.flags.writeable = False
    return norms


def _letter_counts(words: Sequence[str]) -> np.ndarray:
    """``(len(words), _BUCKETS)`` counts of each word's code points modulo ``_BUCKETS``."""
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    codes = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
    rows = np.repeat(np.arange(len(words), dtype=np.int64), lengths)
    flat = np.bincount(rows * _BUCKETS + codes % _BUCKETS, minlength=len(words) * _BUCKETS)
    return np.minimum(flat, 255).astype(np.uint8).reshape(len(words), _BUCKETS)


def _as_list(words: str | Iterable[str]) -> list[str]:
    return [words] if isinstance(words, str) else list(words)
