"""One family of exceptions for everything a user can get wrong.

Every error a person can cause (a bad file, an unknown word, an absurd
hyper-parameter) is a :class:`W2VError`.  The command line prints its message
as one line on stderr and exits with status 2; the dashboard shows it with
``st.error``.  Anything that is *not* a ``W2VError`` is a bug.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class W2VError(Exception):
    """Base class: a readable, user-facing error."""


class ConfigError(W2VError, ValueError):
    """A hyper-parameter or setting is outside its allowed range."""


class TrainingDivergedError(W2VError, ArithmeticError):
    """The loss became infinite: the learning rate or batch size is too large."""


class CorpusError(W2VError, ValueError):
    """A corpus cannot be read: missing, empty, binary, unknown name."""


class DownloadError(CorpusError):
    """A built-in corpus could not be downloaded or failed its integrity check."""


class ModelFileError(W2VError, ValueError):
    """A model or embedding file is missing, corrupt, or of the wrong kind."""


class ReadCancelledError(ModelFileError):
    """Reading a file was stopped on request (its page closed, a person pressed Stop)."""


class UnknownWordError(W2VError, KeyError):
    """A query word is not in the vocabulary.

    Parameters
    ----------
    word : str
        The word that was asked for.
    vocabulary : iterable of str, optional
        Words to draw spelling suggestions from.
    suggestions : list of str, optional
        Suggestions already found (:meth:`KeyedVectors.suggest` is fast at a million
        words, where searching ``vocabulary`` with difflib takes seconds).
    """

    def __init__(
        self, word: str, vocabulary: Iterable[str] = (), *, suggestions: list[str] | None = None
    ) -> None:
        self.word = word
        if suggestions is None:
            suggestions = difflib.get_close_matches(word, list(vocabulary), n=5, cutoff=0.75)
        self.suggestions = suggestions
        super().__init__(word)

    def __str__(self) -> str:
        message = f"'{self.word}' is not in the vocabulary"
        if self.suggestions:
            message += "; did you mean " + ", ".join(f"'{s}'" for s in self.suggestions) + "?"
        return message
