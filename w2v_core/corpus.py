"""Turn raw text into a :class:`Corpus`: a vocabulary of words and a stream of word ids.

Word2vec never looks at characters, only at a long sequence of word ids with a few
"sentence breaks" in it (a context window never crosses a break).  This module makes
that sequence from three kinds of sources:

* text a user pastes or uploads (:func:`corpus_from_text`, :func:`corpus_from_files`);
* any text file on disk, however large (:func:`load_corpus` with a path);
* the built-in corpora of :data:`BUILTIN_CORPORA`: a generated ``toy`` corpus with planted
  analogies, the ``lee`` and ``wiki`` samples that ship with gensim's test data, and
  ``alice`` and ``text8``, downloaded once into :func:`default_cache_dir`.

Files are streamed: they are read about a megabyte at a time, each block is turned into
word ids at once, and the ids are kept in compact ``int32`` arrays, so memory holds one
Python string per *distinct* word, never one per token.  (text8 is a single 100 MB line;
it is read in blocks too.)

Two jobs live next door: :mod:`w2v_core.wiki` turns the Wikipedia dump into plain text,
and :mod:`w2v_core.download` fetches and checks ``alice`` and ``text8`` (``alice`` from
Project Gutenberg, or from a package on the Python registry: :mod:`w2v_core.alice`).  Their public
names (:func:`clean_wiki_markup`, :func:`download`, :data:`DOWNLOADS`,
:class:`DownloadSpec`) can be imported from here too.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import importlib.util
import os
import re
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import numpy as np

from w2v_core.alice import alice_path, story_text
from w2v_core.download import DOWNLOADS, DownloadSpec, ProgressCallback, download
from w2v_core.errors import CorpusError, DownloadError, ModelFileError
from w2v_core.files import default_cache_dir, is_regular, open_for_reading, write_file
from w2v_core.toy import generate_toy_corpus
from w2v_core.wiki import CLEANING_VERSION, clean_wiki_markup, wiki_text

__all__ = [
    "BUILTIN_CORPORA",
    "DOWNLOADS",
    "MAX_SENTENCE_LENGTH",
    "TOKEN_PATTERN",
    "clean_wiki_markup",
    "Corpus",
    "CorpusInfo",
    "DownloadSpec",
    "corpus_from_files",
    "corpus_from_text",
    "default_cache_dir",
    "download",
    "load_corpus",
    "tokenize",
]

#: Longest sentence, in tokens; longer ones are cut (gensim uses the same limit).
MAX_SENTENCE_LENGTH = 10_000

#: A token is a run of letters and digits (any script), possibly joined by inner
#: apostrophes: ``don't``, ``o'clock``, ``café``, ``1984``.  ``[^\W_]`` is "a word
#: character except the underscore", i.e. a Unicode letter or digit.
TOKEN_PATTERN = r"[^\W_]+(?:'[^\W_]+)*"
_TOKEN_RE = re.compile(TOKEN_PATTERN)

# Bump when tokenisation changes, so old fingerprints stop matching new corpora.
_TOKENIZER_VERSION = 1

# Files are read this many bytes at a time.
_BLOCK_SIZE = 1 << 20
# A line longer than this many characters is processed in pieces cut at whitespace.
_MAX_PIECE_CHARS = 1 << 20
# Ids are gathered in a Python list, then moved into a compact array this often.
_FLUSH_IDS = 1 << 18
# How much of a file is inspected to tell text from binary data.
_SNIFF_BYTES = 8192

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


def _settings_tag(lowercase: bool) -> bytes:
    """Tokenizer settings, appended to the source bytes when fingerprinting."""
    return (
        f"\x00w2v-tokenizer-v{_TOKENIZER_VERSION};lowercase={lowercase};"
        f"max_sentence={MAX_SENTENCE_LENGTH}"
    ).encode()


class _CorpusBuilder:
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


def _feed(builder: _CorpusBuilder, pieces: Iterable[str]) -> None:
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
    builder = _CorpusBuilder(lowercase)
    _feed(builder, _text_pieces(text))
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass"))
    digest.update(_settings_tag(lowercase))
    return builder.build(name, digest.hexdigest())


# --------------------------------------------------------------------------- reading files

# A "file" is anything that can be opened again as a binary stream: a path, or a member
# of a zip archive.  Files are read twice: once to check and fingerprint them and pick
# an encoding, once to tokenise them.
Opener = Callable[[], "contextlib.AbstractContextManager[BinaryIO]"]

# Bytes that never occur in text (all C0 controls except \t \n \v \f \r and ESC).
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 27), *range(28, 32), 127])


def _looks_binary(head: bytes) -> bool:
    """Guess from the first bytes of a file whether it is binary data, not text."""
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > 0.05 * len(head)


def _inspect(open_file: Opener, label: str, digest: hashlib._Hash) -> str:
    """Check that a file holds text, add its bytes to `digest`, return its encoding.

    UTF-8 (with or without a byte-order mark) is tried first, and UTF-16 if the file
    starts with a UTF-16 byte-order mark.  Text that is not valid UTF-8 is decoded as
    Windows-1252 ("cp1252", what most non-UTF-8 English text is), and if that fails too
    as Latin-1, which accepts any bytes; a warning says which was used.
    """
    with open_file() as stream:
        head = stream.read(_SNIFF_BYTES)
        if not head:
            raise CorpusError(f"{label} is empty: it contains no words")
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if not utf16 and _looks_binary(head):
            raise CorpusError(f"{label} looks like a binary file, not text")
        encoding = "utf-16" if utf16 else "utf-8-sig"
        decoder: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder(encoding)()
        block = head
        while block:
            digest.update(block)
            if decoder is not None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    decoder = None  # keep reading: the fingerprint needs every byte
            block = stream.read(_BLOCK_SIZE)
        if decoder is not None:
            try:
                decoder.decode(b"", final=True)
                return encoding
            except UnicodeDecodeError:
                pass
    encoding = "latin-1"
    with open_file() as stream:
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while block := stream.read(_BLOCK_SIZE):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            encoding = "cp1252"
        except UnicodeDecodeError:
            pass
    warnings.warn(
        f"{label} is not valid UTF-8; read it as {encoding}", UnicodeWarning, stacklevel=4
    )
    return encoding


def _decoded_blocks(open_file: Opener, encoding: str) -> Iterator[str]:
    """Yield the text of a file a block at a time (multi-byte characters may straddle
    blocks: the incremental decoder keeps the unfinished bytes for the next block)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with open_file() as stream:
        while block := stream.read(_BLOCK_SIZE):
            yield decoder.decode(block)
    yield decoder.decode(b"", final=True)


def _corpus_from_openers(
    sources: Sequence[tuple[Opener, str]], name: str, lowercase: bool
) -> Corpus:
    """Stream several files, each a (opener, label) pair, into one Corpus."""
    digest = hashlib.sha256()
    encodings = []
    for number, (open_file, label) in enumerate(sources):
        if number:
            digest.update(b"\x00next file\x00")  # so that a|bc and ab|c differ
        encodings.append(_inspect(open_file, label, digest))
    digest.update(_settings_tag(lowercase))

    builder = _CorpusBuilder(lowercase)
    for (open_file, _label), encoding in zip(sources, encodings, strict=True):
        _feed(builder, _decoded_blocks(open_file, encoding))
    return builder.build(name, digest.hexdigest())


class _OpenedFile:
    """A path opened once, whose every pass reads it from the start.

    A regular file is read again by seeking back.  A FIFO or character device can be
    read only once: the first pass copies what it reads into an anonymous temporary
    file, which the later passes read (opening the path again would wait for a second
    writer that never comes).
    """

    def __init__(self, path: Path) -> None:
        self.label = str(path)
        self._handle = open_for_reading(path, "text file", CorpusError)
        self._spool: BinaryIO | None = None
        self._passes = 0
        if not is_regular(self._handle):
            self._spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())

    @contextlib.contextmanager
    def open(self) -> Iterator[BinaryIO]:
        self._passes += 1
        if self._spool is None:
            self._handle.seek(0)
            yield self._handle
        elif self._passes == 1:
            yield _Tee(self._handle, self._spool)
        else:
            self._spool.seek(0)
            yield self._spool

    def close(self) -> None:
        self._handle.close()
        if self._spool is not None:
            self._spool.close()


class _Tee:
    """A read-only stream that copies every block it reads into ``copy``."""

    def __init__(self, source: BinaryIO, copy: BinaryIO) -> None:
        self._source, self._copy = source, copy

    def read(self, size: int = -1) -> bytes:
        block = self._source.read(size)
        self._copy.write(block)
        return block


def corpus_from_files(
    paths: Sequence[str | os.PathLike[str]], name: str | None = None, lowercase: bool = True
) -> Corpus:
    """Build one :class:`Corpus` from one or more text files.

    Files are streamed, so they may be larger than memory allows as text.  Each line is
    a sentence, and so is the end of each file.

    Parameters
    ----------
    paths : sequence of path
        The files, in order.
    name : str, optional
        Name of the corpus; by default the file names.
    lowercase : bool, default True
        See :func:`tokenize`.

    Raises
    ------
    CorpusError
        If a file is missing, a directory, empty, binary, or holds no words.

    Warns
    -----
    UnicodeWarning
        If a file is not UTF-8 and was decoded as cp1252 or latin-1.
    """
    if not paths:
        raise CorpusError("no files given")
    with contextlib.ExitStack() as stack:
        opened = []
        for path in paths:
            file = _OpenedFile(Path(path).expanduser())
            stack.callback(file.close)
            opened.append(file)
        if name is None:
            names = [Path(p).name for p in paths]
            name = (
                ", ".join(names)
                if len(names) <= 3
                else f"{names[0]} and {len(names) - 1} more files"
            )
        try:
            return _corpus_from_openers([(f.open, f.label) for f in opened], name, lowercase)
        except OSError as error:
            raise CorpusError(
                f"cannot read {error.filename or name}: {error.strerror or error}"
            ) from None


# --------------------------------------------------------------------------- built-in corpora


@dataclass(frozen=True)
class CorpusInfo:
    """Description of a built-in corpus.

    Attributes
    ----------
    name : str
        What to pass to :func:`load_corpus`.
    description : str
        One sentence for people.
    offline : bool
        True if it needs no download.
    approx_tokens : int
        Rough number of tokens.
    download_bytes : int or None
        Size of the download, for corpora that are downloaded.
    unit : str
        What one line of the corpus is ("sentences", "articles"...): the unit of
        :attr:`Corpus.n_sentences` a person should read.
    """

    name: str
    description: str
    offline: bool
    approx_tokens: int
    download_bytes: int | None = None
    unit: str = "lines"

    def needs_download(self, cache_dir: str | os.PathLike[str] | None = None) -> bool:
        """True if loading this corpus would download it first."""
        if self.offline:
            return False
        spec = DOWNLOADS[self.name]
        cache = _cache(cache_dir)
        return not any((cache / f).is_file() for f in (spec.filename, *spec.alternatives))


BUILTIN_CORPORA: dict[str, CorpusInfo] = {
    info.name: info
    for info in [
        CorpusInfo(
            "toy",
            "Generated English-like sentences with planted analogies (king - man + woman = queen).",
            True,
            310_000,
            unit="sentences",
        ),
        CorpusInfo(
            "lee",
            "Lee background corpus: 300 Australian news stories (ships with gensim).",
            True,
            60_000,
            unit="stories",
        ),
        CorpusInfo(
            "wiki",
            "116 early English Wikipedia articles (the pages with text of a 206-page dump "
            "that ships with gensim), markup stripped.",
            True,
            460_000,
            unit="articles",
        ),
        CorpusInfo(
            "alice",
            "Lewis Carroll, Alice's Adventures in Wonderland: the seed project's corpus "
            "(Project Gutenberg #11, or else the copy inside brotli's source package on PyPI).",
            False,
            27_000,
            170_000,
        ),
        CorpusInfo(
            "text8",
            "text8: the first 100 MB of English Wikipedia, cleaned by Matt Mahoney.",
            False,
            17_000_000,
            31_344_016,
        ),
    ]
}


def _cache(cache_dir: str | os.PathLike[str] | None) -> Path:
    return Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()


def load_corpus(
    source: str | os.PathLike[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    lowercase: bool = True,
) -> Corpus:
    """Load a built-in corpus by name, or a text file by path.

    Parameters
    ----------
    source : str or path
        A name from :data:`BUILTIN_CORPORA` (``"toy"``, ``"lee"``, ``"wiki"``,
        ``"alice"``, ``"text8"``) or the path of a text file.  A built-in name wins over
        a file of the same name in the working directory (write ``./lee`` for that).
    cache_dir : path, optional
        Where downloads are kept; default :func:`default_cache_dir`.
    progress : callable, optional
        ``progress(bytes_done, bytes_total_or_None)``, called during a download.
    lowercase : bool, default True
        See :func:`tokenize`.

    Raises
    ------
    CorpusError
        Unknown name or missing file, or a file that is not usable text.
    DownloadError
        A download failed or did not pass its integrity check.
    """
    if isinstance(source, str) and source in BUILTIN_CORPORA:
        return _BUILTIN_LOADERS[source](_cache(cache_dir), progress, lowercase)
    path = Path(source).expanduser()
    if not path.exists():
        names = ", ".join(BUILTIN_CORPORA)
        raise CorpusError(
            f"no such file or built-in corpus: '{source}' (built-in corpora: {names})"
        )
    return corpus_from_files([path], name=path.name, lowercase=lowercase)


def _load_toy(cache: Path, progress: ProgressCallback | None, lowercase: bool) -> Corpus:
    return corpus_from_text(_toy_text(), name="toy", lowercase=lowercase)


@lru_cache(maxsize=1)
def _toy_text() -> str:
    # Generated once per process; a few tenths of a second.
    return generate_toy_corpus()


def _gensim_test_file(filename: str, corpus: str) -> Path:
    """Path of a file in gensim's bundled test data, found without importing gensim."""
    spec = importlib.util.find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        raise CorpusError(
            f"the '{corpus}' corpus ships with gensim, which is not installed "
            "(pip install gensim, or choose another corpus)"
        )
    path = Path(spec.submodule_search_locations[0]) / "test" / "test_data" / filename
    if not path.is_file():
        raise CorpusError(f"the '{corpus}' corpus was not found in gensim's test data: {path}")
    return path


def _load_lee(cache: Path, progress: ProgressCallback | None, lowercase: bool) -> Corpus:
    # One news story per line.
    return corpus_from_files([_gensim_test_file("lee_background.cor", "lee")], "lee", lowercase)


# ---- wiki: the gensim sample of a Wikipedia dump, cleaned by w2v_core.wiki

_WIKI_DUMP = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
# A new version of the cleaning writes a new cache file, so stale text is never used.
_WIKI_CACHE_NAME = f"wiki-shortened-v{CLEANING_VERSION}.txt"


def _load_wiki(cache: Path, progress: ProgressCallback | None, lowercase: bool) -> Corpus:
    # Cleaning takes a few seconds, so the result is kept in the cache directory.
    cached = cache / _WIKI_CACHE_NAME
    if not cached.is_file():
        text = wiki_text(_gensim_test_file(_WIKI_DUMP, "wiki"))
        try:
            cache.mkdir(parents=True, exist_ok=True)
            with write_file(cached) as out:
                out.write(text.encode("utf-8"))
        except (OSError, ModelFileError) as error:
            warnings.warn(f"could not cache the wiki text in {cache}: {error}", stacklevel=3)
            return corpus_from_text(text, "wiki", lowercase)
    return corpus_from_files([cached], "wiki", lowercase)


# ---- downloads: fetched and checked by w2v_core.download


def _load_text8(cache: Path, progress: ProgressCallback | None, lowercase: bool) -> Corpus:
    spec = DOWNLOADS["text8"]
    # An unzipped copy placed in the cache by hand is used as it is.
    for alternative in spec.alternatives:
        unzipped = cache / alternative
        if unzipped.is_file() and unzipped.stat().st_size == (spec.member_size or 0):
            return corpus_from_files([unzipped], "text8", lowercase)
    archive_path = download("text8", cache_dir=cache, progress=progress)
    member = spec.member or "text8"

    @contextlib.contextmanager
    def open_member() -> Iterator[BinaryIO]:
        # Read straight from the archive: no need to keep an unzipped 100 MB copy.
        with zipfile.ZipFile(archive_path) as archive, archive.open(member) as stream:
            yield stream

    try:
        return _corpus_from_openers([(open_member, f"{archive_path}:{member}")], "text8", lowercase)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
        # Only a damaged archive placed by hand gets this far (downloads are CRC-checked).
        raise DownloadError(
            f"{archive_path} is damaged ({error}); delete it to download it again"
        ) from None


def _load_alice(cache: Path, progress: ProgressCallback | None, lowercase: bool) -> Corpus:
    # Gutenberg, else the copy in a package on the registry (w2v_core.alice).
    path = alice_path(cache, progress)
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    return corpus_from_text(story_text(text), "alice", lowercase)


_BUILTIN_LOADERS: dict[str, Callable[[Path, ProgressCallback | None, bool], Corpus]] = {
    "toy": _load_toy,
    "lee": _load_lee,
    "wiki": _load_wiki,
    "alice": _load_alice,
    "text8": _load_text8,
}
