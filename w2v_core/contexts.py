r"""The company a word keeps: window co-occurrence counts, PMI, shared contexts, concordance.

Word2vec's whole idea is that a word is characterised by the words around it.  This
module shows those words, counted straight from the text, so that "why are *king* and
*queen* close?" gets an answer a person can check.

Counting
--------
A *context* of the token at position ``i`` is any token at ``i ± d`` for
``d = 1 .. window`` inside the same sentence: the training window of
:mod:`w2v_core.pairs` at its full width.  Training draws a reduced window for every
center (near words count more often); here every distance counts once, because an
explanation should not change from one call to the next.  Like training, counting runs
over the vocabulary's id array (:meth:`Vocab.encode`): words below ``min_count`` are
dropped first, so the window reaches past them.  Subsampling is not applied.

The counts are ``#(w, c)``, the number of times ``c`` is a context of ``w``.  The
window is symmetric, so ``#(w, c) = #(c, w)``, and the row sum
``#(w) = Σ_c #(w, c)`` is both how many context slots ``w`` has and how often ``w`` is
somebody's context.  ``D = Σ_w #(w)`` is the number of (word, context) pairs.

Scoring
-------
Raw counts are dominated by "the" and "of".  Contexts are ranked by *positive
pointwise mutual information* with context-distribution smoothing:

.. math::

    \mathrm{PPMI}(w, c) = \max\Bigl(0,\ \log \frac{\#(w, c) / D}
        {\bigl(\#(w) / D\bigr)\, P_\alpha(c)}\Bigr), \qquad
    P_\alpha(c) = \frac{\#(c)^\alpha}{\sum_{c'} \#(c')^\alpha}

with ``α = 0.75`` by default, the same power as word2vec's noise distribution
(SGNS at its optimum has ``w · c = PMI(w, c) - log k`` against exactly that
distribution; Levy, Goldberg & Dagan 2015).  ``α = 1`` gives plain PMI.  A pair seen
fewer than ``min_pair_count`` times (default 5) scores 0: PMI of a pair seen once or
twice is mostly noise, and would put rare words on top.

Two words share company through the contexts both score positively on.  The part
context ``c`` plays in it is

.. math:: \mathrm{share}(a, b, c) = \frac{\mathrm{PPMI}(a, c)\,\mathrm{PPMI}(b, c)}
                                          {\lVert \mathrm{PPMI}(a) \rVert\,
                                           \lVert \mathrm{PPMI}(b) \rVert}

and the shares of all contexts add up to the cosine of the two PPMI rows: the
count-based counterpart of the cosine of the two word vectors.

Cost
----
Building :class:`Contexts` encodes the corpus and counts every word's context slots
``#(w)`` in ``window`` vectorised passes over the id array (done once per corpus, window
and ``min_count``).  Explaining a word then gathers the ``2 · window`` neighbours of each of
its occurrences: ``O(count(w) · window)``, a few milliseconds for most words even on
17 million tokens (``benchmarks/contexts.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .errors import ConfigError, UnknownWordError
from .vocab import Vocab

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus

__all__ = [
    "ConcordanceLine",
    "ConcordancePage",
    "ContextScore",
    "Contexts",
    "PairExplanation",
    "SharedContext",
    "cooccurrence_counts",
]

#: Below this PPMI cosine two words "share little company" (:meth:`PairExplanation.sentence`).
NOT_CLOSE = 0.05

#: Concordance ranking looks at no more than this many occurrences of a word
#: (the first ones in the corpus); later occurrences follow in corpus order.
MAX_RANKED_OCCURRENCES = 20_000


# --------------------------------------------------------------------------- counting


def _window_hits(ids: np.ndarray, positions: np.ndarray, window: int) -> Iterator[np.ndarray]:
    """For each distance ``±d``, the ids found there from the tokens at ``positions``
    (``-1`` where the window is already closed).

    A token at ``p ± d`` counts while no sentence break lies between (``alive`` turns
    False at the first break and stays False), and never past either end of the array.
    One distance at a time, so memory stays at a few arrays of ``len(positions)``.
    """
    n = len(ids)
    for sign in (1, -1):
        alive = np.ones(len(positions), dtype=bool)
        for d in range(1, window + 1):
            target = positions + sign * d
            alive &= (target >= 0) & (target < n)
            neighbour = ids[np.clip(target, 0, n - 1)]
            alive &= neighbour >= 0
            yield np.where(alive, neighbour, -1)


def cooccurrence_counts(ids: np.ndarray, word: int, window: int, n_words: int) -> np.ndarray:
    """``#(word, c)`` for every ``c``: how often each id is within ``window`` of ``word``.

    Parameters
    ----------
    ids : numpy.ndarray
        ``int32`` ids with ``-1`` at sentence breaks (a window never crosses one).
    word : int
        The id whose contexts are counted.
    window : int
        Maximum distance, every distance counted once (no reduced window).
    n_words : int
        Length of the result.

    Returns
    -------
    numpy.ndarray
        ``int64`` counts of length ``n_words``.
    """
    positions = np.flatnonzero(ids == word)
    counts = np.zeros(n_words + 1, dtype=np.int64)  # slot 0 collects the closed windows (-1)
    for hits in _window_hits(ids, positions, window):
        counts += np.bincount(hits + 1, minlength=n_words + 1)
    return counts[1:]


#: :func:`context_slots` reads the id array this many tokens at a time.
SLOT_BLOCK = 1 << 21


def context_slots(ids: np.ndarray, window: int, n_words: int) -> np.ndarray:
    """``#(w) = Σ_c #(w, c)`` for every word, in ``window`` passes over each block.

    ``ok[i]`` says "``ids[i .. i+d]`` holds no break"; each pass extends it by one
    position, and both ends of every surviving span are one (word, context) pair.
    Blocks overlap by ``window`` tokens and a span is counted in the block where it
    starts, so every pair is counted exactly once while memory stays per block.
    """
    slots = np.zeros(n_words, dtype=np.int64)
    n = len(ids)
    for lo in range(0, n, SLOT_BLOCK):
        starts = min(SLOT_BLOCK, n - lo)  # spans starting at lo .. lo + starts
        block = ids[lo : min(n, lo + starts + window)]
        ok = block >= 0
        for d in range(1, window + 1):
            ok = ok[:-1] & (block[d:] >= 0)
            if not ok.any():
                break
            first = ok[:starts]
            slots += np.bincount(block[: len(first)][first], minlength=n_words)
            slots += np.bincount(block[d : d + len(first)][first], minlength=n_words)
    return slots


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ContextScore:
    """One context word of a word: ``count = #(w, c)`` and its PPMI."""

    word: str
    count: int
    ppmi: float


@dataclass(frozen=True)
class SharedContext:
    """A context word two words share: each one's count and PPMI, and its share of
    the PPMI cosine (see the module docstring)."""

    word: str
    count_a: int
    count_b: int
    ppmi_a: float
    ppmi_b: float
    share: float


@dataclass(frozen=True)
class PairExplanation:
    """Why two words are close, or what each keeps company with instead.

    Attributes
    ----------
    a, b : str
        The two words.
    similarity : float
        Cosine of their PPMI rows (the sum of every shared context's ``share``).
    shared : list of SharedContext
        The shared contexts, largest share first.
    only_a, only_b : list of ContextScore
        Each word's most characteristic contexts that the other does not share.
    """

    a: str
    b: str
    similarity: float
    shared: list[SharedContext]
    only_a: list[ContextScore]
    only_b: list[ContextScore]

    @property
    def close(self) -> bool:
        """True when the two words share enough company to say so (``NOT_CLOSE``)."""
        return bool(self.shared) and self.similarity >= NOT_CLOSE

    def sentence(self, n: int = 5) -> str:
        """One plain sentence: what the two share, or what each keeps company with."""
        if self.close:
            near = ", ".join(s.word for s in self.shared[:n])
            more = ", …" if len(self.shared) > n else ""
            return f"{self.a} and {self.b} are close because both appear near {near}{more}"

        def company(word: str, scores: list[ContextScore]) -> str:
            if not scores:
                return f"{word} has no context seen often enough to tell"
            return f"{word} appears near " + ", ".join(s.word for s in scores[:n])

        return (
            f"{self.a} and {self.b} share little company: {company(self.a, self.only_a)}; "
            f"{company(self.b, self.only_b)}"
        )


@dataclass(frozen=True)
class ConcordanceLine:
    """One occurrence of a word with the corpus's own tokens around it (keyword in context).

    ``left`` ends right before the word and ``right`` starts right after it; neither
    crosses a sentence break.  ``position`` is the token's index in ``Corpus.ids``.
    """

    left: tuple[str, ...]
    word: str
    right: tuple[str, ...]
    position: int

    def text(self) -> str:
        """The line as plain text."""
        return " ".join((*self.left, self.word, *self.right))


@dataclass(frozen=True)
class ConcordancePage:
    """Lines ``start .. start + len(lines)`` of the word's ``total`` occurrences
    (counted in distinct lines when repeats are skipped); ``has_more``: a next page exists."""

    lines: list[ConcordanceLine]
    start: int
    total: int
    has_more: bool


# --------------------------------------------------------------------------- the explainer


class Contexts:
    """Co-occurrence statistics of one corpus, under one window and ``min_count``.

    Parameters
    ----------
    corpus : Corpus
        The tokenised text (its own ids are also what concordance lines show).
    window : int, default 5
        Maximum distance between a word and its context (the training ``window``).
    min_count : int, default 5
        Vocabulary cut, as in training: rarer words are dropped before counting.
    min_pair_count : int, default 5
        A (word, context) pair seen fewer times gets PPMI 0.
    smoothing : float, default 0.75
        ``α`` of the context distribution ``P_α(c)``; ``1`` is plain PMI.

    Raises
    ------
    ConfigError
        A setting is out of range, or ``min_count`` leaves no vocabulary.
    """

    def __init__(
        self,
        corpus: Corpus,
        window: int = 5,
        min_count: int = 5,
        min_pair_count: int = 5,
        smoothing: float = 0.75,
    ) -> None:
        if not 1 <= window <= 50:
            raise ConfigError(f"window must be between 1 and 50, got {window}")
        if min_pair_count < 1:
            raise ConfigError(f"min_pair_count must be at least 1, got {min_pair_count}")
        if not 0.0 < smoothing <= 1.0:
            raise ConfigError(f"smoothing must be in (0, 1], got {smoothing}")
        self.corpus = corpus
        self.window = window
        self.min_pair_count = min_pair_count
        self.smoothing = smoothing
        self.vocab = Vocab.build(corpus, min_count)
        self.ids = self.vocab.encode(corpus)
        self.slots = context_slots(self.ids, window, len(self.vocab))
        self.total = int(self.slots.sum())
        smoothed = self.slots.astype(np.float64) ** smoothing
        # log P_α(c); contexts never seen get -inf and can never score (their count is 0).
        with np.errstate(divide="ignore"):
            self._log_context = np.log(smoothed) - np.log(max(smoothed.sum(), 1.0))
        self._corpus_index: dict[str, int] | None = None

    # ---- lookups

    def word_id(self, word: str) -> int:
        """Vocabulary id of ``word``; raises :class:`UnknownWordError` with suggestions."""
        try:
            return self.vocab.index[word]
        except KeyError:
            raise UnknownWordError(word, self.vocab.words) from None

    def counts(self, word: str) -> np.ndarray:
        """``#(word, c)`` for every vocabulary word ``c`` (``int64``, vocabulary order)."""
        return cooccurrence_counts(self.ids, self.word_id(word), self.window, len(self.vocab))

    def ppmi(self, word: str, counts: np.ndarray | None = None) -> np.ndarray:
        """PPMI of ``word`` with every vocabulary word (formula in the module docstring)."""
        if counts is None:
            counts = self.counts(word)
        row_total = self.slots[self.word_id(word)]
        scores = np.zeros(len(counts), dtype=np.float64)
        seen = counts >= self.min_pair_count
        if row_total and seen.any():
            scores[seen] = np.maximum(
                0.0,
                np.log(counts[seen] / row_total) - self._log_context[seen],
            )
        return scores

    # ---- one word

    def characteristic(self, word: str, topn: int = 10) -> list[ContextScore]:
        """The ``topn`` context words with the highest PPMI (ties: more frequent first)."""
        counts = self.counts(word)
        return self._top(self.ppmi(word, counts), counts, topn)

    def _top(
        self, scores: np.ndarray, counts: np.ndarray, topn: int, exclude: np.ndarray | None = None
    ) -> list[ContextScore]:
        candidates = np.flatnonzero((scores > 0) if exclude is None else (scores > 0) & ~exclude)
        order = candidates[np.lexsort((-counts[candidates], -scores[candidates]))][:topn]
        words = self.vocab.words
        return [ContextScore(words[i], int(counts[i]), float(scores[i])) for i in order]

    # ---- two words

    def explain_pair(self, a: str, b: str, topn: int = 10) -> PairExplanation:
        """What ``a`` and ``b`` share (largest share of the PPMI cosine first), and each
        one's characteristic contexts the other lacks."""
        counts_a, counts_b = self.counts(a), self.counts(b)
        ppmi_a, ppmi_b = self.ppmi(a, counts_a), self.ppmi(b, counts_b)
        norm = float(np.linalg.norm(ppmi_a) * np.linalg.norm(ppmi_b))
        product = ppmi_a * ppmi_b
        share = product / norm if norm > 0 else product
        both = np.flatnonzero(product > 0)
        order = both[np.argsort(-share[both], kind="stable")][:topn]
        words = self.vocab.words
        shared = [
            SharedContext(
                words[i],
                int(counts_a[i]),
                int(counts_b[i]),
                float(ppmi_a[i]),
                float(ppmi_b[i]),
                float(share[i]),
            )
            for i in order
        ]
        return PairExplanation(
            a=a,
            b=b,
            similarity=float(share.sum()) if norm > 0 else 0.0,
            shared=shared,
            only_a=self._top(ppmi_a, counts_a, topn, exclude=ppmi_b > 0),
            only_b=self._top(ppmi_b, counts_b, topn, exclude=ppmi_a > 0),
        )

    # ---- concordance

    def concordance(
        self,
        word: str,
        start: int = 0,
        count: int = 5,
        width: int | None = None,
        prefer: frozenset[str] | set[str] = frozenset(),
        distinct: bool = False,
    ) -> ConcordancePage:
        """Occurrences of ``word`` as keyword-in-context lines, a page at a time.

        The lines show the corpus's own tokens (``Corpus.words``, as tokenised for
        training: lower-cased, punctuation gone; rare words included), never a second
        tokenisation of some text.

        Parameters
        ----------
        word : str
            A vocabulary word.
        start, count : int
            The page: occurrences ``start .. start + count``.
        width : int, optional
            Tokens on each side (default ``2 * window``), cut at sentence breaks.
        prefer : set of str
            Lines with more of these words within ``window`` of the keyword come first
            (among the first :data:`MAX_RANKED_OCCURRENCES` occurrences), e.g. the word's
            characteristic contexts; ties keep corpus order.
        distinct : bool
            Skip a line whose tokens repeat an earlier line's exactly (generated corpora
            repeat sentences); pages then count distinct lines.
        """
        self.word_id(word)  # unknown words: one clear error
        if start < 0 or count < 1:
            raise ConfigError(
                f"a concordance page needs start >= 0 and count >= 1, got {start}, {count}"
            )
        width = 2 * self.window if width is None else width
        if width < 0:
            raise ConfigError(f"width must be at least 0, got {width}")
        corpus_ids = self.corpus.ids
        positions = np.flatnonzero(corpus_ids == self._corpus_id(word))
        if prefer:
            positions = self._rank(positions, prefer)
        words = self.corpus.words
        lines: list[ConcordanceLine] = []
        seen: set[tuple[int, ...]] = set()
        index = 0  # distinct lines passed so far
        more = False
        for p in positions.tolist():
            left = corpus_ids[max(0, p - width) : p]
            breaks = np.flatnonzero(left < 0)
            if breaks.size:
                left = left[breaks[-1] + 1 :]
            right = corpus_ids[p + 1 : p + 1 + width]
            breaks = np.flatnonzero(right < 0)
            if breaks.size:
                right = right[: breaks[0]]
            if distinct:
                text = (*left.tolist(), -2, *right.tolist())
                if text in seen:
                    continue
                seen.add(text)
            if index >= start + count:
                more = True
                break
            if index >= start:
                lines.append(
                    ConcordanceLine(
                        tuple(words[i] for i in left.tolist()),
                        words[int(corpus_ids[p])],
                        tuple(words[i] for i in right.tolist()),
                        p,
                    )
                )
            index += 1
        return ConcordancePage(lines, start, len(positions), more)

    def _corpus_id(self, word: str) -> int:
        if self._corpus_index is None:
            self._corpus_index = {w: i for i, w in enumerate(self.corpus.words)}
        return self._corpus_index[word]

    def _rank(self, positions: np.ndarray, prefer: frozenset[str] | set[str]) -> np.ndarray:
        """Order positions by how many ``prefer`` words lie within the window (stable)."""
        index = self._corpus_index or {}
        wanted = np.zeros(len(self.corpus.words) + 1, dtype=bool)  # last slot: breaks (-1)
        for w in prefer:
            if w in index:
                wanted[index[w]] = True
        head = positions[:MAX_RANKED_OCCURRENCES]
        ids = self.corpus.ids
        hits = np.zeros(len(head), dtype=np.int64)
        for found in _window_hits(ids, head, self.window):
            hits += wanted[found]  # found = -1 (closed window) reads the False last slot
        order = np.argsort(-hits, kind="stable")
        return np.concatenate((head[order], positions[MAX_RANKED_OCCURRENCES:]))
