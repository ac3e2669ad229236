"""Vocabulary: counts, ``min_count``, ids, subsampling and the noise distribution.

Everything word2vec knows about word *frequencies* lives here:

* which words are kept at all (``min_count``, ``max_vocab``),
* how often a frequent word is randomly dropped (:meth:`Vocab.keep_probabilities`),
* how often a word is drawn as a negative sample (:meth:`Vocab.noise_distribution`,
  :class:`UnigramTable`, :class:`NoiseSampler`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus


@dataclass
class Vocab:
    """Words sorted by descending count, with their counts and an index.

    Parameters
    ----------
    words : list of str
        The vocabulary, most frequent first (ties keep first-appearance order).
    counts : numpy.ndarray
        ``int64`` count of each word in the training corpus.
    """

    words: list[str]
    counts: np.ndarray
    index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.counts = np.asarray(self.counts, dtype=np.int64)
        if len(self.words) != len(self.counts):
            raise ValueError("words and counts differ in length")
        if not self.index:
            self.index = {word: i for i, word in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    @property
    def total(self) -> int:
        """Number of in-vocabulary tokens in the corpus."""
        return int(self.counts.sum())

    @classmethod
    def build(cls, corpus: Corpus, min_count: int = 5, max_vocab: int | None = None) -> Vocab:
        """Keep the words seen at least ``min_count`` times, at most ``max_vocab`` of them.

        Raises
        ------
        ConfigError
            If no word survives the cut (the corpus is too small for this ``min_count``).
        """
        counts = np.asarray(corpus.counts, dtype=np.int64)
        # A stable sort on -count keeps first-appearance order among ties, so the
        # vocabulary (and therefore the whole training run) is deterministic.
        order = np.argsort(-counts, kind="stable")
        order = order[counts[order] >= min_count]
        if max_vocab is not None:
            order = order[:max_vocab]
        if len(order) == 0:
            top = int(counts.max()) if len(counts) else 0
            raise ConfigError(
                f"min_count={min_count} leaves no vocabulary: the most frequent word of "
                f"'{corpus.name}' occurs {top} times; lower min_count or use a larger corpus"
            )
        return cls([corpus.words[i] for i in order], counts[order])

    def encode(self, corpus: Corpus) -> np.ndarray:
        """Translate the corpus token stream into vocabulary ids.

        Out-of-vocabulary tokens are dropped (as word2vec does: the window then
        reaches past them), sentence breaks (``-1``) are kept, and runs of breaks
        left behind by dropped sentences collapse into one.

        Returns
        -------
        numpy.ndarray
            ``int32`` ids, ``-1`` between sentences.
        """
        # table[corpus id] = vocabulary id, or -2 for a dropped word; its extra last
        # slot is what a break marker (-1) indexes, and it maps to -1 again.
        table = np.full(len(corpus.words) + 1, -2, dtype=np.int32)
        for corpus_id, word in enumerate(corpus.words):
            table[corpus_id] = self.index.get(word, -2)
        table[-1] = -1
        ids = table[corpus.ids]
        ids = ids[ids != -2]
        is_break = ids == -1
        # Drop a break that follows another break, or that starts or ends the stream.
        redundant = is_break & np.concatenate(([True], is_break[:-1]))
        ids = ids[~redundant]
        if len(ids) and ids[-1] == -1:
            ids = ids[:-1]
        return ids

    def keep_probabilities(self, sample: float) -> np.ndarray:
        r"""Probability of keeping each occurrence of a word (frequent-word subsampling).

        word2vec's formula, with :math:`f(w)` the word's share of the corpus and
        :math:`t` the threshold ``sample``:

        .. math:: P_\text{keep}(w) = \left(\sqrt{\frac{f(w)}{t}} + 1\right) \frac{t}{f(w)}

        capped at 1.  Words rarer than about :math:`t` are always kept; "the" is
        kept only a few percent of the time.  ``sample=0`` disables subsampling.
        """
        if sample <= 0:
            return np.ones(len(self), dtype=np.float32)
        frequency = self.counts / self.total
        keep = (np.sqrt(frequency / sample) + 1.0) * sample / frequency
        return np.minimum(keep, 1.0).astype(np.float32)

    def noise_distribution(self, exponent: float = 0.75) -> np.ndarray:
        r"""The distribution negative samples are drawn from: unigram counts to a power.

        .. math:: P_n(w) = \frac{c(w)^{\alpha}}{\sum_v c(v)^{\alpha}}, \quad \alpha = 0.75

        Raising counts to 3/4 flattens the distribution: rare words are drawn more
        often than their frequency, "the" less often.
        """
        weights = self.counts.astype(np.float64) ** exponent
        return weights / weights.sum()


class NoiseSampler:
    """Draw negative samples from a discrete distribution in O(1) each (Walker's alias method).

    word2vec fills a table of 10^8 word ids in proportion to the noise
    distribution and indexes it at random.  The alias method gives the same
    samples *exactly*, with two arrays of length ``V`` instead of a huge table:
    split each of ``V`` equal-width buckets between a word ``i`` (probability
    ``accept[i]``) and one other "alias" word; drawing is then a uniform bucket,
    plus one coin flip::

        i = uniform integer in [0, V);  sample = i if u < accept[i] else alias[i]
    """

    def __init__(self, probabilities: np.ndarray) -> None:
        n = len(probabilities)
        if n == 0:
            raise ConfigError("cannot sample negatives from an empty vocabulary")
        scaled = np.asarray(probabilities, dtype=np.float64) * n / np.sum(probabilities)
        accept = np.ones(n, dtype=np.float64)
        alias = np.arange(n, dtype=np.int32)
        # Vose's construction: pair each under-full bucket with an over-full word.
        small = [i for i in range(n) if scaled[i] < 1.0]
        large = [i for i in range(n) if scaled[i] >= 1.0]
        while small and large:
            s, g = small.pop(), large.pop()
            accept[s] = scaled[s]
            alias[s] = g
            scaled[g] -= 1.0 - scaled[s]
            (small if scaled[g] < 1.0 else large).append(g)
        # Leftovers are exactly full up to rounding error.
        self.accept = accept.astype(np.float32)
        self.alias = alias

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        """Return ``int32`` word ids of the given shape."""
        bucket = rng.integers(0, len(self.alias), size=size, dtype=np.int32)
        coin = rng.random(size, dtype=np.float32)
        return np.where(coin < self.accept[bucket], bucket, self.alias[bucket])


class UnigramTable:
    """Draw negative samples by indexing word2vec's unigram table (its ``InitUnigramTable``).

    The table lists every word id in proportion to its noise probability; a
    uniformly random slot is then a sample.  Slot ``t`` of ``T`` holds the word
    whose cumulative probability interval contains the quantile ``(t + 1/2) / T``::

        table = searchsorted(cdf, (arange(T) + 0.5) / T)
        sample = table[uniform integer in [0, T)]

    so each word's share of the table is its probability rounded to ``1/T``
    (word2vec uses ``T = 10^8``).  One random integer and one lookup per draw:
    about three times cheaper than :class:`NoiseSampler`'s two random numbers and
    a comparison, which matters when a step draws thousands of negatives.

    Parameters
    ----------
    probabilities : numpy.ndarray
        The noise distribution (:meth:`Vocab.noise_distribution`).
    size : int, optional
        ``T``; by default at least 1,024 slots per word, at most ``2^23`` (32 MB).
    """

    MAX_SIZE = 1 << 23

    def __init__(self, probabilities: np.ndarray, size: int | None = None) -> None:
        n = len(probabilities)
        if n == 0:
            raise ConfigError("cannot sample negatives from an empty vocabulary")
        if size is None:
            size = min(self.MAX_SIZE, 1 << max(10, int(np.ceil(np.log2(n))) + 10))
        cdf = np.cumsum(np.asarray(probabilities, dtype=np.float64))
        cdf /= cdf[-1]
        quantiles = (np.arange(size, dtype=np.float64) + 0.5) / size
        # side="right": a quantile equal to a cdf step belongs to the next word.
        table = np.searchsorted(cdf, quantiles, side="right")
        self.table = np.minimum(table, n - 1).astype(np.int32)

    @classmethod
    def from_table(cls, table: np.ndarray) -> UnigramTable:
        """Wrap an existing table (a worker's view of the parent's, in shared memory)."""
        self = cls.__new__(cls)
        self.table = table
        return self

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        """Return ``int32`` word ids of the given shape."""
        return self.table[rng.integers(0, len(self.table), size=size)]
