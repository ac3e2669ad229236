r"""One SGD step of skip-gram with negative sampling, with every number kept.

The trainer runs millions of steps on batches of pairs and keeps nothing but the
weights.  This module runs the *same* algorithm on a batch of **one** pair, on a
few sentences with tiny (e.g. 2-dimensional) vectors, and keeps every
intermediate value so a lesson can show them (the "How it learns" tab):

1. **the pair** -- the center word's reduced window ``b ~ U{1..window}`` and
   the chosen (center, context) pair (:func:`w2v_core.pairs.reduced_windows`,
   :func:`w2v_core.pairs.window_pairs`, as :func:`~w2v_core.pairs.skipgram_pairs`);
2. **the negatives** -- ``K`` words drawn from :math:`P_n(w) \propto c(w)^{0.75}`
   (:meth:`Vocab.noise_distribution`, :class:`NoiseSampler`);
3. **scores and loss** -- :math:`u_o^\top h`, :math:`u_k^\top h`, their sigmoids and
   :math:`L = -\log\sigma(u_o^\top h) - \sum_k \log\sigma(-u_k^\top h)`
   (:func:`w2v_core.sgns.output_errors`);
4. **errors and gradients** -- :math:`g_o = \sigma(u_o^\top h) - 1`,
   :math:`g_k = \sigma(u_k^\top h)`, :math:`\partial L/\partial h = g_o u_o + \sum_k g_k u_k`,
   :math:`\partial L/\partial u = g\,h` (:func:`w2v_core.sgns.gradients`);
5. **the update** -- every row involved moves by :math:`-\alpha \cdot` its gradient,
   repeated output rows summed (as :func:`w2v_core.sgns.sgd_step` does), and the loss
   of the same pair and negatives is computed again (:func:`w2v_core.sgns.loss`).

No formula is implemented twice: the numbers come from the engine's own functions,
so the lesson cannot drift away from what training does.  Everything is drawn from
one ``numpy.random.Generator`` seeded by :attr:`LessonConfig.seed`, so a teacher who
rehearses a demo gets the same steps in class.

The pairs are visited as word2vec visits them: sentence by sentence, center by
center in reading order, each center's contexts from left to right; after the last
sentence the lesson starts again at the first (a new epoch, new windows).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from . import sgns
from .corpus import corpus_from_text, tokenize
from .errors import ConfigError
from .pairs import reduced_windows, window_pairs
from .toy import generate_toy_corpus
from .vectors import KeyedVectors
from .vocab import NoiseSampler, Vocab

__all__ = ["EXAMPLE_WORDS", "Lesson", "LessonConfig", "StepTrace", "toy_example"]

#: The default lesson's target words: two planted pairs from two relations of the
#: toy corpus, so related words (king, queen) and unrelated ones (king, dog) exist.
EXAMPLE_WORDS = ("king", "queen", "dog", "puppy")


@lru_cache(maxsize=8)  # it generates 6,000 toy sentences to pick a dozen: do that once
def toy_example(
    words: tuple[str, ...] = EXAMPLE_WORDS, per_word: int = 3, max_words: int = 7, seed: int = 0
) -> str:
    """A few short sentences of the toy corpus about ``words``, one per line.

    Takes, in the generator's order, the first ``per_word`` sentences of at most
    ``max_words`` words that hold exactly one of ``words``: short sentences keep the
    vocabulary small enough to label every point on the plane.  If the generator has
    too few such short sentences, the length limit grows a word at a time.
    """
    corpus = [tokenize(line) for line in generate_toy_corpus(6000, seed=seed).splitlines()]
    for limit in range(max_words, max(max_words, 30) + 1):
        taken = dict.fromkeys(words, 0)
        lines = []
        for tokens in corpus:
            hits = [w for w in words if w in tokens]
            if len(tokens) <= limit and len(hits) == 1 and taken[hits[0]] < per_word:
                taken[hits[0]] += 1
                lines.append(" ".join(tokens))
        if all(n == per_word for n in taken.values()):
            break
    return "\n".join(lines)


@dataclass(frozen=True)
class LessonConfig:
    """The few knobs of a lesson.

    Attributes
    ----------
    dim : int
        Vector dimension; 2 puts every vector on a plane with no projection.
    window : int
        Maximum distance between a center and a context word.
    negatives : int
        ``K``, noise words per pair.
    learning_rate : float
        ``α``; constant here (the trainer decays it linearly).
    noise_exponent : float
        The power of the counts in the noise distribution (word2vec: 0.75).
    init_scale : float
        Input *and* output vectors start uniform in ``±init_scale``.  word2vec starts
        the output vectors at zero, which would stack them all on one point of the
        plane; small random starts show each word from the first step.
    seed : int
        Seeds the start vectors, the windows and the negatives.
    """

    dim: int = 2
    window: int = 3
    negatives: int = 3
    learning_rate: float = 0.4
    noise_exponent: float = 0.75
    init_scale: float = 0.5
    seed: int = 0

    def validate(self) -> None:
        """Raise :class:`ConfigError` for a setting no lesson can run with."""
        checks = [
            (self.dim >= 1, f"dim must be at least 1, got {self.dim}"),
            (self.window >= 1, f"window must be at least 1, got {self.window}"),
            (self.negatives >= 1, f"negatives must be at least 1, got {self.negatives}"),
            (self.learning_rate > 0, f"learning rate must be positive, got {self.learning_rate}"),
            (self.init_scale > 0, f"init_scale must be positive, got {self.init_scale}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(message)


@dataclass(frozen=True)
class StepTrace:
    """Everything one SGD step computed, in the order it computed it.

    Vectors are ``float64`` copies (the weights are ``float32``), taken before
    (``h``, ``u_pos``, ``u_neg``) and after (``*_after``) the update.

    Attributes
    ----------
    step : int
        1 for the first step of the lesson.
    sentence : int
        Index of the sentence in :attr:`Lesson.sentences`.
    center_position, context_position : int
        Positions of the two words in that sentence.
    window, reduced_window : int
        The maximum window and the ``b`` drawn for this center.
    center, context : int
        Word ids (rows of ``W_in`` and ``W_out``).
    negatives : numpy.ndarray
        ``(K,)`` word ids drawn from the noise distribution.
    learning_rate : float
    h, u_pos : numpy.ndarray
        ``(d,)`` input vector of the center, output vector of the context.
    u_neg : numpy.ndarray
        ``(K, d)`` output vectors of the negatives.
    pos_score, neg_scores :
        :math:`u_o^\\top h` and :math:`u_k^\\top h` (``(K,)``).
    pos_prob, neg_probs :
        Their sigmoids: how sure the model is that each word is a real context.
    loss_before : float
    g_pos, g_neg :
        The errors, prediction minus label: :math:`\\sigma(u_o^\\top h) - 1` and
        :math:`\\sigma(u_k^\\top h)`.
    grad_h, grad_pos, grad_neg : numpy.ndarray
        ``(d,)``, ``(d,)`` and ``(K, d)`` gradients from :func:`sgns.gradients`.
    h_after, u_pos_after, u_neg_after : numpy.ndarray
        The same rows after the update.
    loss_after : float
        The loss of the same pair and negatives after the update.
    """

    step: int
    sentence: int
    center_position: int
    context_position: int
    window: int
    reduced_window: int
    center: int
    context: int
    negatives: np.ndarray
    learning_rate: float
    h: np.ndarray
    u_pos: np.ndarray
    u_neg: np.ndarray
    pos_score: float
    neg_scores: np.ndarray
    pos_prob: float
    neg_probs: np.ndarray
    loss_before: float
    g_pos: float
    g_neg: np.ndarray
    grad_h: np.ndarray
    grad_pos: np.ndarray
    grad_neg: np.ndarray
    h_after: np.ndarray
    u_pos_after: np.ndarray
    u_neg_after: np.ndarray
    loss_after: float


class Lesson:
    """A tiny SGNS model on a few sentences, advanced one pair at a time.

    Parameters
    ----------
    text : str
        One sentence per line, tokenised like every corpus (:func:`corpus_from_text`);
        every word is kept (``min_count=1``, no subsampling).
    config : LessonConfig, optional

    Attributes
    ----------
    vocab : Vocab
    sentences : list of list of str
        The tokenised sentences that have at least two words (others give no pair).
    w_in, w_out : numpy.ndarray
        ``(V, dim)`` ``float32`` weights, updated in place by :meth:`step`.
    losses : list of float
        The loss of every step taken, before its update.
    traces : list of StepTrace
        The last :data:`KEEP_TRACES` steps.

    Raises
    ------
    CorpusError
        If the text holds no word.
    ConfigError
        If no sentence has two words, or the configuration is invalid.
    """

    KEEP_TRACES = 50

    def __init__(
        self, text: str, config: LessonConfig | None = None, start: str | None = None
    ) -> None:
        self.config = config or LessonConfig()
        self.config.validate()
        corpus = corpus_from_text(text, name="lesson")
        self.vocab = Vocab.build(corpus, min_count=1)
        ids = self.vocab.encode(corpus)
        pieces = np.split(ids, np.flatnonzero(ids < 0))
        self._sentence_ids = [p[p >= 0] for p in pieces if (p >= 0).sum() >= 2]
        if not self._sentence_ids:
            raise ConfigError("the lesson needs a sentence of at least two words")
        self.sentences = [[self.vocab.words[i] for i in s] for s in self._sentence_ids]
        self.noise = self.vocab.noise_distribution(self.config.noise_exponent)
        self.unigram = self.vocab.noise_distribution(1.0)
        self.sampler = NoiseSampler(self.noise)
        self.rng = np.random.default_rng(self.config.seed)
        shape = (len(self.vocab), self.config.dim)
        scale = self.config.init_scale
        self.w_in = self.rng.uniform(-scale, scale, shape).astype(np.float32)
        self.w_out = self.rng.uniform(-scale, scale, shape).astype(np.float32)
        self.losses: list[float] = []
        self.traces: list[StepTrace] = []
        self._queue: list[tuple[int, int, int, int]] = []  # (sentence, center, context, b)
        self._next_sentence = 0
        # The first pass starts at ``start`` if the first sentence holds it: a first step
        # on "a" (a : dog) teaches a class little; dog : a shows what a step does.
        first = self.sentences[0]
        self._skip = first.index(start) if start in first else 0

    def adjust(self, learning_rate: float, negatives: int, window: int) -> None:
        """Change the knobs that act step by step, keeping the vectors learnt so far.

        The learning rate and the number of negatives apply from the next step, the
        window from the next sentence (the current one's windows are already drawn).
        """
        config = replace(
            self.config, learning_rate=learning_rate, negatives=negatives, window=window
        )
        config.validate()
        self.config = config

    # -- the pair stream ------------------------------------------------------------

    def _refill(self) -> None:
        """Queue the pairs of the next sentence, with freshly drawn windows."""
        s = self._next_sentence
        self._next_sentence = (s + 1) % len(self._sentence_ids)
        n = len(self._sentence_ids[s])
        b = reduced_windows(n, self.config.window, self.rng)
        # Pairs of *positions*: window_pairs returns ids[...], so pass the positions as ids.
        centers, contexts = window_pairs(np.arange(n, dtype=np.int32), b)
        self._queue = [
            (s, int(c), int(o), int(b[c])) for c, o in zip(centers, contexts, strict=True)
        ]
        if self._skip:  # the very first sentence: begin at the chosen center
            self._queue = [p for p in self._queue if p[1] >= self._skip]
            self._skip = 0
        self._queue.reverse()  # pop() from the end = reading order

    def _next_pair(self) -> tuple[int, int, int, int]:
        while not self._queue:
            self._refill()
        return self._queue.pop()

    # -- one step -------------------------------------------------------------------

    def _negatives(self, context: int, k: int) -> np.ndarray:
        """``(1, k)`` words drawn from the noise distribution, none equal to ``context``.

        A negative equal to the pair's own context would be pushed away and pulled
        close in the same step (and shown with two different gradients).  The engine
        and word2vec *skip* such a draw (one negative fewer that step); the lesson draws
        again, so it always shows ``k`` words that are not the context -- the same
        distribution restricted to the other words,
        ``P(w | w != context) = P_n(w) / (1 - P_n(context))``.  Only if the context is
        the only word that can be drawn is it kept.
        """
        drawn = self.sampler.sample(self.rng, (1, k))
        if self.noise[context] >= 1.0 - 1e-9:
            return drawn
        same = drawn[0] == context
        while same.any():
            drawn[0, same] = self.sampler.sample(self.rng, int(same.sum()))
            same = drawn[0] == context
        return drawn

    def step(self) -> StepTrace:
        """Draw the next pair and its negatives, take one SGD step, return every value."""
        cfg = self.config
        s, center_pos, context_pos, b = self._next_pair()
        center = int(self._sentence_ids[s][center_pos])
        context = int(self._sentence_ids[s][context_pos])
        negatives = self._negatives(context, cfg.negatives)  # a batch of one
        # Batch-of-one views in float64, so the printed numbers are the exact inputs.
        h = self.w_in[[center]].astype(np.float64)
        u_pos = self.w_out[[context]].astype(np.float64)
        u_neg = self.w_out[negatives].astype(np.float64)
        g_pos, g_neg, _ = sgns.output_errors(h, u_pos, u_neg)
        grad_h, grad_pos, grad_neg, loss_before = sgns.gradients(h, u_pos, u_neg)
        # The update rule of sgd_step on a batch of one: each row moves by -α·gradient,
        # and a word drawn twice (or drawn as a negative of its own context) gets the
        # sum of its updates -- np.add.at sums repeated rows, plain indexing would not.
        step = -np.float32(cfg.learning_rate)
        self.w_in[center] += step * grad_h[0].astype(np.float32)
        out_rows = np.concatenate(([context], negatives[0]))
        out_grads = np.concatenate((grad_pos, grad_neg[0])).astype(np.float32)
        np.add.at(self.w_out, out_rows, step * out_grads)
        h_after = self.w_in[[center]].astype(np.float64)
        u_pos_after = self.w_out[[context]].astype(np.float64)
        u_neg_after = self.w_out[negatives].astype(np.float64)
        loss_after = sgns.loss(h_after, u_pos_after, u_neg_after)
        # Scores and probabilities, for display: the errors are σ(score) - label.
        pos_prob = float(g_pos[0] + 1.0)
        trace = StepTrace(
            step=len(self.losses) + 1,
            sentence=s,
            center_position=center_pos,
            context_position=context_pos,
            window=cfg.window,
            reduced_window=b,
            center=center,
            context=context,
            negatives=negatives[0].copy(),
            learning_rate=cfg.learning_rate,
            h=h[0],
            u_pos=u_pos[0],
            u_neg=u_neg[0],
            pos_score=float(h[0] @ u_pos[0]),
            neg_scores=u_neg[0] @ h[0],
            pos_prob=pos_prob,
            neg_probs=g_neg[0].copy(),
            loss_before=float(loss_before),
            g_pos=float(g_pos[0]),
            g_neg=g_neg[0].copy(),
            grad_h=grad_h[0],
            grad_pos=grad_pos[0],
            grad_neg=grad_neg[0],
            h_after=h_after[0],
            u_pos_after=u_pos_after[0],
            u_neg_after=u_neg_after[0],
            loss_after=float(loss_after),
        )
        self.losses.append(trace.loss_before)
        self.traces = [*self.traces[-(self.KEEP_TRACES - 1) :], trace]
        return trace

    def run(self, n: int) -> StepTrace | None:
        """Take ``n`` steps; return the last one's trace (None if ``n <= 0``)."""
        trace = None
        for _ in range(n):
            trace = self.step()
        return trace

    # -- what the model knows so far --------------------------------------------------

    def word(self, word_id: int) -> str:
        """The word of a row."""
        return self.vocab.words[word_id]

    def vectors(self) -> KeyedVectors:
        """The input vectors (the embeddings) as read-only :class:`KeyedVectors`."""
        return KeyedVectors(self.vocab.words, self.w_in.copy(), self.vocab.counts)

    def mean_loss(self, last: int = 50) -> float:
        """Mean loss over the last ``last`` steps (nan before the first step)."""
        tail = self.losses[-last:]
        return float(np.mean(tail)) if tail else float("nan")
