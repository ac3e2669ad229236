r"""Held-out loss: a score that works on any corpus.

Benchmarks such as WordSim-353 only mean something when the corpus covers their
words.  The held-out loss needs nothing but the text: a fixed share of the
corpus is kept out of training (and out of the vocabulary counts), and after
every epoch the SGNS loss of the model on those unseen sentences is measured:

.. math::

    L_\text{held-out} = \frac{1}{|P|} \sum_{(c, o) \in P}
        \Big[ -\log \sigma(u_o^\top h_c) - \sum_{k=1}^{K} \log \sigma(-u_{n_{ck}}^\top h_c) \Big]

over a fixed set ``P`` of (center, context) pairs from the held-out text, each
with fixed negatives ``n_ck``.  The training loss keeps falling as a model
memorises its corpus; the held-out loss stops falling, then rises, when it
over-fits.

Everything random here has its own constant seed, *not* the run's seed: the
held-out sentences, their pairs and their negatives are the same for every run
on one corpus, so runs with different settings are scored on the same task.
The yardstick is fixed too: window :data:`WINDOW` and :data:`NEGATIVES`
negatives from ``count^0.75`` whatever the run's ``window``, ``negatives`` or
``ns_exponent`` (a run with ``window=2`` is asked the same questions as one with
``window=10``).  Only the vocabulary differs between runs (``min_count``): pairs
with a word the run does not know are left out, and :attr:`HeldOut.n_pairs` says
how many were scored.

Held-out units are sentences cut into pieces of at most :data:`PIECE_TOKENS`
tokens: ``wiki`` has only 116 "sentences" (whole articles), and holding out 5%
of them would be six articles; as pieces it is about 240 passages spread over
the whole corpus.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .pairs import skipgram_pairs
from .sgns import loss
from .vocab import NoiseSampler, Vocab

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus

SEED = 20_240_601
"""Seeds the choice of held-out pieces, their reduced windows and their negatives."""
PIECE_TOKENS = 100
"""Longest held-out unit, in tokens (longer sentences are cut into pieces)."""
WINDOW = 5
"""Window of the held-out pairs (word2vec's default), whatever the run's window."""
NEGATIVES = 5
"""Negatives per held-out pair, whatever the run's ``negatives``."""
NOISE_EXPONENT = 0.75
MAX_PAIRS = 20_000
"""Held-out pairs scored at most (a fixed random subset).  Scoring them takes
0.18 s per epoch at dim 100 (median of 7, on the shared 2-core machine while busy),
under 1% of an epoch of ``wiki``."""
_BLOCK = 2048  # pairs per loss evaluation: bounds the (block, K, dim) temporary


def piece_ids(ids: np.ndarray) -> np.ndarray:
    """Number every token by its held-out unit: a sentence, or a piece of a long one.

    Parameters
    ----------
    ids : numpy.ndarray
        A corpus token stream, ``-1`` between sentences.

    Returns
    -------
    numpy.ndarray
        ``int64``, one entry per position: the unit of each word (``0, 1, ...`` in
        reading order); break markers get ``-1``.
    """
    n = len(ids)
    is_word = ids >= 0
    sentence = np.cumsum(~is_word)  # a break belongs to the sentence after it
    first = np.concatenate(([0], np.flatnonzero(~is_word) + 1))  # first position of each
    position = np.arange(n) - first[sentence]
    key_sentence, key_piece = sentence[is_word], position[is_word] // PIECE_TOKENS
    new_unit = np.ones(len(key_sentence), dtype=bool)
    new_unit[1:] = (key_sentence[1:] != key_sentence[:-1]) | (key_piece[1:] != key_piece[:-1])
    units = np.full(n, -1, dtype=np.int64)
    units[is_word] = np.cumsum(new_unit) - 1
    return units


def heldout_mask(ids: np.ndarray, share: float) -> np.ndarray:
    """Which positions of the corpus are held out: ``round(share * units)`` whole units.

    The units are drawn by a permutation seeded with :data:`SEED` alone, so the
    same corpus always gives the same held-out text, and a smaller share holds out
    a subset of what a larger one does.  At least one unit is held out when
    ``share > 0`` and at least one is left to train on.
    """
    units = piece_ids(ids)
    n_units = int(units.max()) + 1 if len(units) else 0
    if share <= 0 or n_units < 2:
        return np.zeros(len(ids), dtype=bool)
    n_held = min(n_units - 1, max(1, round(share * n_units)))
    held = np.zeros(n_units, dtype=bool)
    held[np.random.default_rng(SEED).permutation(n_units)[:n_held]] = True
    return (units >= 0) & held[np.maximum(units, 0)]


def split_corpus(corpus: Corpus, share: float) -> tuple[Corpus, Corpus | None]:
    """Split a corpus into (training part, held-out part); ``None`` if nothing is held out.

    Each part keeps the corpus's word list; its ``counts`` are recounted on its own
    tokens, so the vocabulary (and the noise distribution) never sees held-out
    text.  Held-out words become sentence breaks in the training part and vice
    versa (:meth:`Vocab.encode` collapses the runs of breaks this leaves).
    """
    mask = heldout_mask(corpus.ids, share)
    if not mask.any():
        return corpus, None

    def part(keep: np.ndarray) -> Corpus:
        ids = np.where(keep, corpus.ids, -1).astype(np.int32)
        counts = np.bincount(ids[ids >= 0], minlength=len(corpus.words)).astype(np.int64)
        return dataclasses.replace(corpus, ids=ids, counts=counts)

    is_word = corpus.ids >= 0
    return part(is_word & ~mask), part(mask)


@dataclass
class HeldOut:
    """Fixed (center, context, negatives) triples from held-out text, and their loss."""

    centers: np.ndarray  # (P,) int32 vocabulary ids
    contexts: np.ndarray  # (P,)
    negatives: np.ndarray  # (P, NEGATIVES)
    n_tokens: int  # held-out words known to the vocabulary

    @property
    def n_pairs(self) -> int:
        return len(self.centers)

    @classmethod
    def build(cls, heldout: Corpus, vocab: Vocab) -> HeldOut | None:
        """The pairs of the held-out part under ``vocab``; ``None`` if it has none."""
        rng = np.random.default_rng(SEED + 1)
        ids = vocab.encode(heldout)
        centers, contexts = skipgram_pairs(ids, WINDOW, rng)
        if len(centers) == 0:
            return None
        if len(centers) > MAX_PAIRS:
            keep = np.sort(rng.choice(len(centers), MAX_PAIRS, replace=False))
            centers, contexts = centers[keep], contexts[keep]
        noise = NoiseSampler(vocab.noise_distribution(NOISE_EXPONENT))
        negatives = noise.sample(rng, (len(centers), NEGATIVES))
        return cls(centers, contexts, negatives, int(np.count_nonzero(ids >= 0)))

    def loss(self, w_in: np.ndarray, w_out: np.ndarray) -> float:
        """Mean SGNS loss per held-out pair (:func:`w2v_core.sgns.loss`, block by block)."""
        total = 0.0
        for lo in range(0, self.n_pairs, _BLOCK):
            hi = lo + _BLOCK
            total += loss(
                w_in[self.centers[lo:hi]],
                w_out[self.contexts[lo:hi]],
                w_out[self.negatives[lo:hi]],
            )
        return total / self.n_pairs
