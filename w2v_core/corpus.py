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

Its parts: :mod:`w2v_core.corpus_tokens` (the tokeniser and :class:`Corpus`),
:mod:`w2v_core.corpus_files` (streaming text files); this module names the built-in
corpora and loads any source (:func:`load_corpus`), and hands on their public names.
Two jobs live next door: :mod:`w2v_core.wiki` turns the Wikipedia dump into plain text,
and :mod:`w2v_core.download` fetches and checks ``alice`` and ``text8`` (``alice`` from
Project Gutenberg, or from a package on the Python registry: :mod:`w2v_core.alice`).  Their public
names (:func:`clean_wiki_markup`, :func:`download`, :data:`DOWNLOADS`,
:class:`DownloadSpec`) can be imported from here too.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from w2v_core.alice import alice_path, story_text
from w2v_core.corpus_files import corpus_from_files, corpus_from_openers
from w2v_core.corpus_tokens import (
    MAX_SENTENCE_LENGTH,
    TOKEN_PATTERN,
    Corpus,
    corpus_from_text,
    tokenize,
)
from w2v_core.download import DOWNLOADS, DownloadSpec, ProgressCallback, download
from w2v_core.errors import CorpusError, DownloadError, ModelFileError
from w2v_core.files import default_cache_dir, write_file
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
        return corpus_from_openers([(open_member, f"{archive_path}:{member}")], "text8", lowercase)
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
