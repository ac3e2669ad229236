"""Corpora for the app: built-in ones (shared, cached per process), uploads, pasted text.

Built-in corpora are read-only and the same for everybody, so one
:class:`CorpusStore` per server process keeps them (``st.cache_resource`` in
:mod:`dashboard.app`).  Uploaded and pasted corpora belong to the session that made
them: the sidebar keeps them in ``st.session_state``, never in a shared cache keyed by
file name.  Uploaded files are written to a private temporary directory under names
chosen here (never the user's file name), read by :mod:`w2v_core.corpus`, and deleted.
"""

from __future__ import annotations

import tempfile
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from w2v_core.corpus import (
    BUILTIN_CORPORA,
    Corpus,
    CorpusInfo,
    corpus_from_files,
    corpus_from_text,
    load_corpus,
)
from w2v_core.errors import CorpusError

from .settings import AppLimits

ProgressCallback = Callable[[int, "int | None"], None]


def max_upload_mb() -> float:
    """The upload size limit in MB (``W2V_MAX_UPLOAD_MB``, see :class:`AppLimits`)."""
    return AppLimits.from_env().max_upload_mb


def format_mb(n_bytes: float) -> str:
    """``1234567`` -> ``"1.2 MB"``."""
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 1e5 else f"{n_bytes / 1e3:.0f} kB"


# --------------------------------------------------------------------------- built-in corpora


def builtin_corpora() -> list[CorpusInfo]:
    """Built-in corpora, offline ones first (then by size)."""
    return sorted(BUILTIN_CORPORA.values(), key=lambda i: (not i.offline, i.approx_tokens))


def describe_builtin(info: CorpusInfo) -> str:
    """One line for the corpus picker, e.g. ``"toy (offline, ~300k words)"``."""
    size = (
        f"~{info.approx_tokens / 1e6:.0f}M"
        if info.approx_tokens >= 1e6
        else (f"~{info.approx_tokens / 1e3:.0f}k")
    )
    where = "offline" if info.offline else f"download {format_mb(info.download_bytes or 0)}"
    return f"{info.name} ({where}, {size} words)"


class CorpusStore:
    """Loaded built-in corpora, shared by all sessions of the process (thread-safe).

    Each corpus is loaded once even if several sessions ask for it at the same time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}
        self._corpora: dict[str, Corpus] = {}

    def get(self, name: str) -> Corpus | None:
        """The corpus if it is already loaded."""
        with self._lock:
            return self._corpora.get(name)

    def load(self, name: str, progress: ProgressCallback | None = None) -> Corpus:
        """Load a built-in corpus (downloading it first if needed).

        Raises
        ------
        CorpusError, DownloadError
            Unknown name, missing data, failed download (e.g. offline).
        """
        if name not in BUILTIN_CORPORA:
            raise CorpusError(f"unknown built-in corpus {name!r}")
        with self._lock:
            corpus = self._corpora.get(name)
            if corpus is not None:
                return corpus
            name_lock = self._loading.setdefault(name, threading.Lock())
        with name_lock:
            with self._lock:
                corpus = self._corpora.get(name)
            if corpus is None:
                corpus = load_corpus(name, progress=progress)
                with self._lock:
                    self._corpora[name] = corpus
        return corpus


# --------------------------------------------------------------------------- uploads and text


@dataclass
class Loaded:
    """A corpus made from user input, with notes worth showing (e.g. the encoding used)
    and the files that were skipped (each message names the file and why)."""

    corpus: Corpus
    notes: list[str]
    skipped: list[str] = field(default_factory=list)


def corpus_from_uploads(files: Sequence[tuple[str, bytes]], limit_mb: float) -> Loaded:
    """Build one corpus from uploaded ``(file name, content)`` pairs.

    The files are written under generated names to a private temporary directory,
    read with :func:`w2v_core.corpus.corpus_from_files` (which detects binary files
    and the text encoding) and deleted.  Error messages name the user's files.  One bad
    file among several (empty, binary) is skipped, and :attr:`Loaded.skipped` says so;
    the corpus is made of the others.

    Raises
    ------
    CorpusError
        No files, too large together, or no usable file (empty, binary, no word).
    """
    if not files:
        raise CorpusError("no file was uploaded")
    total = sum(len(content) for _, content in files)
    problem = AppLimits(max_upload_mb=limit_mb).upload_problem(total)
    if problem:
        raise CorpusError(problem)
    usable, skipped = [], []
    for name, content in files:
        if content.strip():
            usable.append((name, content))
        else:
            skipped.append(f"'{name}' is empty: it contains no words")
    if not usable:
        raise CorpusError(skipped[0] if len(skipped) == 1 else "every uploaded file is empty")
    while True:
        try:
            corpus, notes = _read_uploads(usable)
            break
        except _BadUpload as bad:
            if len(usable) == 1:
                raise CorpusError(bad.message) from None
            skipped.append(bad.message)
            del usable[bad.index]
    return Loaded(corpus, notes, [f"{reason}: this file was skipped" for reason in skipped])


class _BadUpload(Exception):
    """One uploaded file cannot be read (``index`` into the files, ``message`` why)."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index, self.message = index, message


def _read_uploads(files: Sequence[tuple[str, bytes]]) -> tuple[Corpus, list[str]]:
    """Read the files as one corpus; raises :class:`_BadUpload` naming the bad one."""
    names = [name for name, _ in files]
    display = ", ".join(names) if len(names) <= 3 else f"{names[0]} and {len(names) - 1} more"
    with tempfile.TemporaryDirectory(prefix="w2v-upload-") as directory:
        paths = []
        for number, (_, content) in enumerate(files):
            path = Path(directory) / f"upload-{number}.txt"
            path.write_bytes(content)
            paths.append(path)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                corpus = corpus_from_files(paths, name=display)
            except CorpusError as error:
                text = str(error)
                culprit = next((i for i, p in enumerate(paths) if str(p) in text), 0)
                raise _BadUpload(culprit, _user_names(text, paths, names)) from None
    return corpus, [_user_names(str(w.message), paths, names) for w in caught]


def _user_names(message: str, paths: Sequence[Path], names: Sequence[str]) -> str:
    """Replace temporary file paths in a message by the names the user uploaded."""
    for path, name in zip(paths, names, strict=True):
        message = message.replace(str(path), f"'{name}'")
    return message


def corpus_from_paste(text: str) -> Corpus:
    """Build a corpus from pasted text (one sentence per line).

    Raises
    ------
    CorpusError
        If the text contains no words.
    """
    if not text.strip():
        raise CorpusError("the pasted text is empty: paste some sentences first")
    return corpus_from_text(text, name="pasted text")


# --------------------------------------------------------------------------- statistics


@dataclass
class CorpusStats:
    """What the sidebar shows before training."""

    tokens: int
    distinct: int
    vocabulary: int
    sentences: int


def corpus_stats(corpus: Corpus, min_count: int) -> CorpusStats:
    """Token count, distinct words and the vocabulary size at ``min_count``."""
    return CorpusStats(
        tokens=corpus.n_tokens,
        distinct=len(corpus.words),
        vocabulary=int(np.count_nonzero(corpus.counts >= min_count)),
        sentences=corpus.n_sentences,
    )
