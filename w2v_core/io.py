"""Saving and loading models and word vectors, with every input validated.

Four formats:

* **w2v_core models** (``.npz``): everything :class:`~w2v_core.train.Model` holds
  -- both weight matrices, vocabulary and counts, configuration, training history,
  corpus information and optional per-epoch snapshots.  Loaded with
  ``allow_pickle=False`` only, so a model file can never execute code.
* **w2v_core vectors** (``.npz``, written by ``convert`` / :func:`save_vectors`): the
  vectors, counts and words only.  Both kinds are written uncompressed with 64-byte
  aligned arrays (:mod:`w2v_core.npz`), so :func:`load_vectors` memory-maps the
  matrix instead of reading it; older and compressed files are still read.
* **word2vec** text and binary formats (the C tool's, which gensim also reads and
  writes), read in chunks into one preallocated matrix.  Word counts are not part
  of these formats: loaded vectors get rank-based pseudo counts ``V, V-1, ..., 1``
  (as gensim does), which keeps "most frequent first" meaningful for files that are
  sorted by frequency.
* **Embedding Projector** TSV (https://projector.tensorflow.org): a vectors file and
  a metadata file with a ``word<TAB>count`` header.

Every writer goes through :func:`w2v_core.files.write_file` (atomic for regular
files, straight through for FIFOs, devices and ``-``, never replacing a link).
Every reader opens its path once and turns a missing, truncated, malformed or
hostile file (a compression bomb, a vector holding ``nan`` or ``inf``) into a
one-line :class:`~w2v_core.errors.ModelFileError`.

Each format has its module: :mod:`w2v_core.io_model` (our ``.npz`` files),
:mod:`w2v_core.io_word2vec`, :mod:`w2v_core.io_projector`, and :mod:`w2v_core.io_checks`
(what they share).  This module reads any of them by content
(:func:`sniff_format`, :func:`load_vectors`) and hands on their public names.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from .errors import ModelFileError
from .files import is_regular, open_for_reading
from .io_checks import MAX_FLOATS, CancelCheck, PathLike
from .io_model import (
    FORMAT_KIND,
    FORMAT_VERSION,
    MAX_NPZ_BYTES,
    VECTORS_KIND,
    load_model,
    load_npz_vectors,
    npz_kind,
    save_model,
    save_vectors,
)
from .io_projector import load_projector_tsv, save_projector_tsv
from .io_word2vec import (
    CHUNK_BYTES,
    MAX_HEADER_BYTES,
    MAX_VALUE_BYTES,
    MAX_WORD_BYTES,
    load_word2vec_format,
    read_word2vec,
    save_word2vec_format,
    sniff_word2vec,
)
from .vectors import KeyedVectors

__all__ = [
    "CHUNK_BYTES",
    "FORMAT_KIND",
    "FORMAT_VERSION",
    "MAX_FLOATS",
    "MAX_NPZ_BYTES",
    "MAX_VALUE_BYTES",
    "MAX_WORD_BYTES",
    "VECTORS_KIND",
    "CancelCheck",
    "PathLike",
    "load_model",
    "load_projector_tsv",
    "load_vectors",
    "load_word2vec_format",
    "save_model",
    "save_projector_tsv",
    "save_vectors",
    "save_word2vec_format",
    "sniff_format",
]


def sniff_format(path: PathLike) -> str:
    """Guess a file's format from its content.

    Returns
    -------
    str
        ``"npz"`` (a model), ``"vectors-npz"`` (vectors only, from ``convert``),
        ``"word2vec"`` or ``"word2vec-binary"``.

    Raises
    ------
    ModelFileError
        If the file is missing, is none of these, or has an invalid word2vec header.
    """
    with open_for_reading(path, "model file") as handle:
        try:
            return _sniff(handle, Path(path))
        except OSError as exc:
            raise ModelFileError(f"cannot read {path}: {exc.strerror or exc}") from None


def _sniff(handle: IO[bytes], path: Path) -> str:
    """The format of an open file; reads only its first bytes (and the zip directory)."""
    head = handle.peek(MAX_HEADER_BYTES)[:MAX_HEADER_BYTES]  # type: ignore[attr-defined]
    if head[:2] == b"PK":  # the zip magic number: an .npz archive
        return npz_kind(handle, path)
    return sniff_word2vec(handle, path, head)


def load_vectors(
    path: PathLike,
    *,
    limit: int | None = None,
    max_bytes: int = MAX_NPZ_BYTES,
    cancel: CancelCheck | None = None,
) -> KeyedVectors:
    """Load word vectors from any format this package reads, detected from the content.

    A w2v_core ``.npz`` (a model, or vectors written by ``convert``) is memory-mapped
    when its matrix is stored uncompressed: nothing is copied into memory, the file
    is never written to, and a second open is served by the page cache.  word2vec
    text and binary files are read in chunks (:func:`load_word2vec_format`).

    Parameters
    ----------
    path : str or PathLike
        The file (a FIFO works for the word2vec formats).
    limit : int, optional
        Keep only the ``limit`` most frequent words (by stored counts for ``.npz``
        files, by position for word2vec files, which are sorted by frequency).
    max_bytes : int
        For ``.npz`` files: refuse arrays that would take more memory than this.
    cancel : callable, optional
        For word2vec files: asked before every chunk, ``True`` stops the reading
        (:class:`~w2v_core.errors.ReadCancelledError`).

    Raises
    ------
    ModelFileError
        One line for every kind of bad file or path.
    """
    if limit is not None and limit < 1:
        raise ModelFileError(f"limit must be at least 1, got {limit}")
    with open_for_reading(path, "vector file") as handle:
        try:
            fmt = _sniff(handle, Path(path))
        except OSError as exc:
            raise ModelFileError(f"cannot read {path}: {exc.strerror or exc}") from None
        if fmt in ("npz", "vectors-npz"):
            return load_npz_vectors(handle, Path(path), fmt, limit, max_bytes)
        # A stream's first row may not have arrived when it was sniffed: detect again.
        binary = fmt == "word2vec-binary" if is_regular(handle) else None
        return read_word2vec(handle, Path(path), binary, "replace", limit, cancel)
