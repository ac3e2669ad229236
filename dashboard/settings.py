"""What a server operator can limit: corpus size, vocabulary, uploads and pasted text.

One frozen :class:`AppLimits` holds the app's limits on its input, read from environment
variables by :meth:`AppLimits.from_env`.  The sidebar and the Export / import tab use it;
its ``*_problem`` methods return the message to show (naming the limit and the variable
that changes it), or ``None`` when the input fits.

The other limits live next to what they limit:

* hyper-parameter ranges (dimension, window, negatives, epochs, learning rate...):
  :data:`w2v_core.train.LIMITS`, checked by :meth:`w2v_core.train.TrainConfig.validate`
  for the command line and the app alike (the sliders stay inside them);
* trainings at once, runs kept in memory, the disk cache and its size:
  :class:`dashboard.runs.RegistrySettings`.

:data:`ENVIRONMENT` lists every variable with its default, for the README and operators.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from w2v_core.corpus import Corpus

log = logging.getLogger(__name__)

ENV_MAX_CORPUS_TOKENS = "W2V_MAX_CORPUS_TOKENS"
ENV_MAX_VOCAB = "W2V_MAX_VOCAB"
ENV_MAX_UPLOAD_MB = "W2V_MAX_UPLOAD_MB"
ENV_MAX_PASTE_CHARS = "W2V_MAX_PASTE_CHARS"

#: Enough for every built-in corpus (text8 has 17M words); ~80 MB of word ids in memory.
DEFAULT_MAX_CORPUS_TOKENS = 20_000_000
#: Words in a vocabulary (text8 keeps 71k at min-count 5).  A 300-dimensional model of
#: 100k words holds 240 MB of weights.
DEFAULT_MAX_VOCAB = 100_000
#: All files of one upload together (``server.maxUploadSize`` in ``.streamlit/config.toml``).
DEFAULT_MAX_UPLOAD_MB = 50.0
#: Characters in the "Paste text" box (about 150k words).
DEFAULT_MAX_PASTE_CHARS = 1_000_000

# The registry's limits (read by dashboard.runs.RegistrySettings.from_env).
ENV_CACHE_DIR = "W2V_CACHE_DIR"
ENV_MAX_RUNS = "W2V_MAX_RUNS_IN_MEMORY"
ENV_DISK_MB = "W2V_DISK_CACHE_MB"
ENV_MAX_TRAININGS = "W2V_MAX_CONCURRENT_TRAININGS"
ENV_MAX_WORKERS = "W2V_MAX_TRAINING_WORKERS"
#: Not a limit: a file whose absence pauses every training at its first progress report
#: (the browser tests hold a training this way; see TrainingJob.hold).
ENV_HOLD_TRAINING = "W2V_HOLD_TRAINING"
ENV_ORPHAN_SECONDS = "W2V_ORPHAN_SECONDS"
ENV_DISK_SHARE = "W2V_DISK_SHARE"
ENV_SESSION_BUDGET = "W2V_SESSION_BUDGET_MINUTES"
#: Finished runs kept in memory (LRU).
DEFAULT_MAX_RUNS = 12
#: Size cap of the on-disk model cache.
DEFAULT_DISK_MB = 2048.0

#: Every environment variable an operator can set: (name, default, what it limits).
ENVIRONMENT: tuple[tuple[str, str, str], ...] = (
    (ENV_MAX_CORPUS_TOKENS, f"{DEFAULT_MAX_CORPUS_TOKENS:,}", "words in a corpus"),
    (ENV_MAX_VOCAB, f"{DEFAULT_MAX_VOCAB:,}", "words in a vocabulary or imported file"),
    (ENV_MAX_UPLOAD_MB, f"{DEFAULT_MAX_UPLOAD_MB:g}", "MB per upload (corpus or vectors)"),
    (ENV_MAX_PASTE_CHARS, f"{DEFAULT_MAX_PASTE_CHARS:,}", "characters of pasted text"),
    (ENV_MAX_TRAININGS, "number of cores", "trainings running at once"),
    (ENV_MAX_WORKERS, "number of cores", "training processes of all trainings together"),
    (ENV_ORPHAN_SECONDS, "60", "seconds before a closed tab's trainings and sweeps stop"),
    (ENV_SESSION_BUDGET, "30", "minutes of training one visitor may plan at once (0: no limit)"),
    (ENV_DISK_SHARE, "0.25", "largest share of the disk cache one run may take"),
    (ENV_MAX_RUNS, f"{DEFAULT_MAX_RUNS}", "finished runs kept in memory (LRU)"),
    (ENV_DISK_MB, f"{DEFAULT_DISK_MB:g}", "size of the on-disk model cache (LRU; 0: none)"),
    (ENV_CACHE_DIR, "~/.cache/w2v_core", "where corpora and cached models are kept"),
    (ENV_HOLD_TRAINING, "unset", "tests and demos: trainings pause until this file exists"),
)


def env_number(environ: Mapping[str, str], name: str, default: float, low: float) -> float:
    """A number from the environment; the default (logged) if it is missing or invalid."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        log.warning("ignoring %s=%r: not a number", name, raw)
        return default
    if not math.isfinite(value) or value < low:
        log.warning("ignoring %s=%r: must be at least %g", name, raw, low)
        return default
    return value


@dataclass(frozen=True)
class AppLimits:
    """Limits on what users give the app.

    Attributes
    ----------
    max_corpus_tokens : int
        Words in a corpus (built-in, uploaded or pasted); ``W2V_MAX_CORPUS_TOKENS``.
    max_vocab : int
        Words in the vocabulary of a run, and in an imported vector file;
        ``W2V_MAX_VOCAB``.
    max_upload_mb : float
        MB of one upload (all files together), corpus or vectors; ``W2V_MAX_UPLOAD_MB``.
    max_paste_chars : int
        Characters in the "Paste text" box; ``W2V_MAX_PASTE_CHARS``.
    """

    max_corpus_tokens: int = DEFAULT_MAX_CORPUS_TOKENS
    max_vocab: int = DEFAULT_MAX_VOCAB
    max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB
    max_paste_chars: int = DEFAULT_MAX_PASTE_CHARS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AppLimits:
        """Read the limits from environment variables (invalid values: the default)."""
        env = os.environ if environ is None else environ
        return cls(
            max_corpus_tokens=int(
                env_number(env, ENV_MAX_CORPUS_TOKENS, DEFAULT_MAX_CORPUS_TOKENS, 1)
            ),
            max_vocab=int(env_number(env, ENV_MAX_VOCAB, DEFAULT_MAX_VOCAB, 2)),
            max_upload_mb=env_number(env, ENV_MAX_UPLOAD_MB, DEFAULT_MAX_UPLOAD_MB, 0.001),
            max_paste_chars=int(env_number(env, ENV_MAX_PASTE_CHARS, DEFAULT_MAX_PASTE_CHARS, 1)),
        )

    # ---- checks: each returns the message to show, or None

    def upload_problem(self, n_bytes: int, what: str = "the upload") -> str | None:
        """Is an upload of ``n_bytes`` too large?"""
        if n_bytes <= self.max_upload_mb * 1e6:
            return None
        return (
            f"{what} is {_mb(n_bytes)}, more than this server's upload limit of "
            f"{self.max_upload_mb:g} MB ({ENV_MAX_UPLOAD_MB}): upload a smaller file, train "
            f"it with the command line, or ask the operator to raise {ENV_MAX_UPLOAD_MB}"
        )

    def corpus_problem(self, corpus: Corpus) -> str | None:
        """Is the corpus longer than :attr:`max_corpus_tokens`?"""
        tokens = corpus.n_tokens
        if tokens <= self.max_corpus_tokens:
            return None
        return (
            f"this corpus has {tokens:,} words, more than this server's limit of "
            f"{self.max_corpus_tokens:,} ({ENV_MAX_CORPUS_TOKENS}): use a shorter text, "
            f"train it with the command line, or ask the operator to raise "
            f"{ENV_MAX_CORPUS_TOKENS}"
        )

    def vocabulary_problem(self, corpus: Corpus, min_count: int) -> str | None:
        """Does ``min_count`` keep more than :attr:`max_vocab` words of the corpus?

        The message says which min-count would fit.
        """
        counts = np.asarray(corpus.counts)
        size = int(np.count_nonzero(counts >= min_count))
        if size <= self.max_vocab:
            return None
        # The smallest min-count that keeps at most max_vocab words.
        ranked = np.sort(counts)[::-1]
        fitting = int(ranked[self.max_vocab]) + 1
        return (
            f"min-count {min_count} keeps {size:,} different words, more than this "
            f"server's vocabulary limit of {self.max_vocab:,} ({ENV_MAX_VOCAB}): raise the "
            f"min-count to {fitting} or more, or ask the operator to raise {ENV_MAX_VOCAB}"
        )

    def vectors_problem(self, n_words: int) -> str | None:
        """Does an imported vector file hold more than :attr:`max_vocab` words?"""
        if n_words <= self.max_vocab:
            return None
        return (
            f"the file holds {n_words:,} words, more than this server's vocabulary limit of "
            f"{self.max_vocab:,} ({ENV_MAX_VOCAB}): import a smaller file (e.g. only the most "
            f"frequent words), or ask the operator to raise {ENV_MAX_VOCAB}"
        )


def _mb(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 1e5 else f"{n_bytes / 1e3:.0f} kB"
