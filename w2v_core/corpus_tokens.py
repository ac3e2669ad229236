"""Text to word ids: the tokeniser, and :class:`Corpus`, the vocabulary of words and
the stream of their ids with sentence breaks that training reads.

Text is tokenised a piece at a time (:func:`feed`, :class:`CorpusBuilder`): memory holds
one Python string per *distinct* word and 4 bytes per token.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from .errors import CorpusError

#: Longest sentence, in tokens; longer ones are cut (gensim uses the same limit).
MAX_SENTENCE_LENGTH = 10_000

#: A token is a run of letters and digits (any script), possibly joined by inner
#: apostrophes: ``don't``, ``o'clock``, ``café``, ``1984``.  ``[^\W_]`` is "a word
#: character except the underscore", i.e. a Unicode letter or digit.
TOKEN_PATTERN = r"[^\W_]+(?:'[^\W_]+)*"

_TOKEN_RE = re.compile(TOKEN_PATTERN)

# Bump when tokenisation changes, so old fingerprints stop matching new corpora.
_TOKENIZER_VERSION = 1

# A line longer than this many characters is processed in pieces cut at whitespace.
_MAX_PIECE_CHARS = 1 << 20

# Ids are gathered in a Python list, then moved into a compact array this often.
_FLUSH_IDS = 1 << 18


# --------------------------------------------------------------------------- the Corpus


@dataclass(repr=False)
class Corpus:
    """A tokenised text: distinct words plus the token stream as ids.

    Attributes
    ----------
    name : str
        Built-in name, file name, or ``"pasted text"``.
    words : list of str
        Distinct tokens in order of first appearance.
    counts : numpy.ndarray
        ``int64``; ``counts[i]`` is the number of occurrences of ``words[i]``.
    ids : numpy.ndarray
        ``int32``; the whole token stream as indices into `words`.  ``-1`` marks a
        sentence break (between lines or documents, and every
        :data:`MAX_SENTENCE_LENGTH` tokens).  There is never a ``-1`` at either end
        and never two in a row.
    fingerprint : str
        SHA-256 (hex) of the source bytes and the tokenizer settings: the same text
        always gives the same fingerprint.
    """

    name: str
    words: list[str]
    counts: np.ndarray
    ids: np.ndarray
    fingerprint: str

    @property
    def n_tokens(self) -> int:
        """Number of tokens (sentence breaks not included)."""
        return int(self.counts.sum())

    @property
    def n_sentences(self) -> int:
        """Number of sentences (one more than the number of breaks)."""
        return int(np.count_nonzero(self.ids < 0)) + 1 if self.ids.size else 0

    def sentences(self) -> list[list[str]]:
        """The corpus as lists of words, split at the breaks (the shape gensim trains on).

        The strings are shared with :attr:`words`, so the lists cost one pointer per token.
        """
        words = np.array(self.words, dtype=object)
        breaks = np.flatnonzero(self.ids < 0)
        starts = np.concatenate(([0], breaks + 1))
        ends = np.concatenate((breaks, [len(self.ids)]))
        return [words[self.ids[s:e]].tolist() for s, e in zip(starts, ends, strict=True) if e > s]

    def most_common(self, n: int = 10) -> list[tuple[str, int]]:
        """Return the `n` most frequent words with their counts (ties: first seen first)."""
        order = np.argsort(-self.counts, kind="stable")[:n]
        return [(self.words[i], int(self.counts[i])) for i in order]

    def __repr__(self) -> str:
        # The default repr would print the whole word list.
        return (
            f"Corpus(name={self.name!r}, n_tokens={self.n_tokens:,}, "
            f"n_words={len(self.words):,}, fingerprint={self.fingerprint[:12]!r})"
        )


# --------------------------------------------------------------------------- tokenising


def tokenize(text: str, *, lowercase: bool = True) -> list[str]:
    """Split `text` into word tokens.

    A token is a maximal run of Unicode letters and digits, possibly with inner
    apostrophes (``don't``, ``o'clock``, ``rock'n'roll``); see :data:`TOKEN_PATTERN`.
    Everything else (spaces, punctuation, symbols, underscores) only separates tokens,
    and an apostrophe at either end of a word is dropped (``'tis`` -> ``tis``).  The
    typographic apostrophe ``’`` counts as ``'``.

    Parameters
    ----------
    text : str
        Any text.
    lowercase : bool, default True
        Lower-case the text first (``str.lower``, so ``Café`` -> ``café``).

    Returns
    -------
    list of str
        The tokens, in order.

    Examples
    --------
    >>> tokenize("Don't panic: it's 4 o'clock in the Café!")
    ["don't", 'panic', "it's", '4', "o'clock", 'in', 'the', 'café']
    """
    # Lower-case before matching, so every token is exactly a match of the pattern.
    if lowercase:
        text = text.lower()
    return _TOKEN_RE.findall(text.replace("\u2019", "'"))


def settings_tag(lowercase: bool) -> bytes:
    """Tokenizer settings, appended to the source bytes when fingerprinting."""
    return (
        f"\x00w2v-tokenizer-v{_TOKENIZER_VERSION};lowercase={lowercase};"
        f"max_sentence={MAX_SENTENCE_LENGTH}"
    ).encode()


class CorpusBuilder:
    """Collects the ids of a stream of text pieces, with sentence breaks.

    Each distinct word gets the next free id when it is first seen.  Ids are kept in
    a short Python list and moved into ``int32`` arrays every :data:`_FLUSH_IDS` ids,
    so memory grows by 4 bytes per token.
    """

    def __init__(self, lowercase: bool) -> None:
        self.lowercase = lowercase
        self.index: dict[str, int] = {}
        self.arrays: list[np.ndarray] = []
        self.pending: list[int] = []
        self.sentence_length = 0

    def add(self, text: str) -> None:
        """Append the tokens of `text` to the current sentence."""
        index = self.index
        # setdefault evaluates len(index) before inserting: new words get the next id.
        ids = [
            index.setdefault(token, len(index))
            for token in tokenize(text, lowercase=self.lowercase)
        ]
        start = 0
        while start < len(ids):
            if self.sentence_length == MAX_SENTENCE_LENGTH:
                self.end_sentence()
            piece = ids[start : start + MAX_SENTENCE_LENGTH - self.sentence_length]
            self.pending.extend(piece)
            self.sentence_length += len(piece)
            start += len(piece)
        if len(self.pending) >= _FLUSH_IDS:
            self._flush()

    def end_sentence(self) -> None:
        """Close the current sentence (no-op if it is empty, so breaks never double)."""
        if self.sentence_length:
            self.pending.append(-1)
            self.sentence_length = 0

    def _flush(self) -> None:
        self.arrays.append(np.array(self.pending, dtype=np.int32))
        self.pending = []

    def build(self, name: str, fingerprint: str) -> Corpus:
        """Return the finished :class:`Corpus`; raise CorpusError if it has no words."""
        self._flush()
        ids = np.concatenate(self.arrays)
        self.arrays = []  # free the pieces before counting: a corpus may be large
        if ids.size and ids[-1] < 0:
            ids = ids[:-1]
        if ids.size == 0:
            raise CorpusError(f"{name} contains no words")
        words = list(self.index)
        # Shift by one so the breaks (-1) land in bin 0, which is then dropped.
        counts = np.bincount(ids + 1, minlength=len(words) + 1)[1:].astype(np.int64)
        return Corpus(name=name, words=words, counts=counts, ids=ids, fingerprint=fingerprint)


def feed(builder: CorpusBuilder, pieces: Iterable[str]) -> None:
    """Tokenise consecutive pieces of one text; every line ends a sentence.

    The pieces may cut lines anywhere.  Only whole lines are tokenised, except that a
    line longer than :data:`_MAX_PIECE_CHARS` is tokenised in parts cut at its last
    space or tab, which never splits a token.  (A run of over a million characters
    without any whitespace is cut where it is.)
    """
    tail = ""
    for piece in pieces:
        lines = (tail + piece).split("\n")
        tail = lines.pop()  # the last line may continue in the next piece
        for line in lines:
            builder.add(line)
            builder.end_sentence()
        if len(tail) > _MAX_PIECE_CHARS:
            cut = max(tail.rfind(" "), tail.rfind("\t")) + 1 or len(tail)
            builder.add(tail[:cut])
            tail = tail[cut:]
    builder.add(tail)
    builder.end_sentence()


def _text_pieces(text: str) -> Iterator[str]:
    """Slice a long string so that it is tokenised a block at a time, like a file."""
    for start in range(0, len(text), _MAX_PIECE_CHARS):
        yield text[start : start + _MAX_PIECE_CHARS]


def corpus_from_text(text: str, name: str = "pasted text", lowercase: bool = True) -> Corpus:
    """Build a :class:`Corpus` from a string.

    Each line is a sentence.  The fingerprint is that of the UTF-8 bytes of `text`, so
    a UTF-8 file holding the same text gets the same fingerprint.

    Raises
    ------
    CorpusError
        If `text` contains no words.
    """
    builder = CorpusBuilder(lowercase)
    feed(builder, _text_pieces(text))
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass"))
    digest.update(settings_tag(lowercase))
    return builder.build(name, digest.hexdigest())
