"""The word2vec C tool's text and binary formats (which gensim also reads and writes).

Read in chunks of :data:`CHUNK_BYTES` into one preallocated matrix, every row checked
as it comes, so a truncated, lying or hostile file fails within a few chunks in
bounded memory.  The formats hold no counts: loaded vectors get rank-based pseudo
counts ``V, V-1, ..., 1`` (as gensim does).
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import IO

import numpy as np

from .errors import ModelFileError, ReadCancelledError
from .files import is_regular, open_for_reading, write_file
from .io_checks import (
    MAX_FLOATS,
    CancelCheck,
    PathLike,
    check_savable_words,
    finite_row_norms,
    float_row_format,
)
from .vectors import KeyedVectors

#: word2vec files are read this many bytes at a time (4 MB: the temporaries of one chunk
#: stay a few times this, small beside any matrix worth measuring).
CHUNK_BYTES = 1 << 22

#: Longest header line we are willing to read from a word2vec file.
MAX_HEADER_BYTES = 1024

#: Longest word a word2vec file may hold (the C tool's limit is 100 bytes; phrases
#: and gensim files stay far below this).  Past it, a file without separators (a
#: zeroed or sparse file, a truncated download) fails at once instead of growing a
#: buffer without end.
MAX_WORD_BYTES = 4096

#: Longest a text row's values may be, per value: '%.9g' writes at most 15 characters,
#: and anything past 64 is not a number a word2vec tool wrote.
MAX_VALUE_BYTES = 64

#: After the header's rows, at most this much is scanned to count surplus rows.
_MAX_SURPLUS_SCAN = 64 << 20

#: What a word2vec header line looks like (signs allowed, so "-5 100" gets a clear error).
_HEADER_RE = re.compile(rb"^\s*[-+]?\d+\s+[-+]?\d+\s*$")

# --------------------------------------------------------------------------- writing


def save_word2vec_format(kv: KeyedVectors, path: PathLike, binary: bool = False) -> None:
    """Write vectors in the word2vec C tool's text or binary format, atomically.

    Text: a header ``"V dim"``, then one line ``word v1 v2 ...`` per word.
    Binary: the same header, then per word ``word``, a space, ``dim`` little-endian
    float32 values and a newline (as the C tool writes; gensim reads it).

    Raises
    ------
    ModelFileError
        If a word is empty or contains whitespace (the format cannot hold it), or
        the file cannot be written.
    """
    words = list(kv.words)
    check_savable_words(words, " \t\n\r\v\f", "word2vec")
    vectors = np.asarray(kv.vectors, dtype=np.float32)
    header = f"{len(words)} {vectors.shape[1]}\n".encode()
    with write_file(path, "wb") as handle:
        handle.write(header)
        if binary:
            little_endian = vectors.astype("<f4", copy=False)
            for word, row in zip(words, little_endian, strict=True):
                handle.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")
        else:
            row_format = float_row_format(vectors.shape[1], " ")
            for word, row in zip(words, vectors.tolist(), strict=True):
                handle.write(f"{word} {row_format % tuple(row)}\n".encode())


# --------------------------------------------------------------------------- reading


def load_word2vec_format(
    path: PathLike,
    binary: bool | None = None,
    *,
    unicode_errors: str = "replace",
    limit: int | None = None,
    cancel: CancelCheck | None = None,
) -> KeyedVectors:
    """Read a word2vec text or binary file (the C tool's, or gensim's), in chunks.

    The file is opened once and read :data:`CHUNK_BYTES` at a time straight into one
    preallocated float32 matrix, so memory peaks near the size of the matrix itself
    (a FIFO works too).  A vector holding ``nan`` or ``inf`` is refused with its line
    number: such a vector has no direction, and every query touching it would be
    meaningless.

    Parameters
    ----------
    path : str or PathLike
        The file.
    binary : bool or None, default None
        ``None`` detects the format from the first row.
    unicode_errors : str, default "replace"
        How to decode words that are not valid UTF-8 (``"strict"`` refuses them,
        ``"replace"`` substitutes U+FFFD, as gensim's ``unicode_errors``).
    limit : int, optional
        Read only the first ``limit`` words (the most frequent ones: word2vec files are
        sorted by frequency), like gensim's ``limit``.
    cancel : callable, optional
        Asked before every chunk; ``True`` ends the reading with
        :class:`~w2v_core.errors.ReadCancelledError`.

    Returns
    -------
    KeyedVectors
        With pseudo counts ``V, V-1, ..., 1`` (the formats have no counts).  A word
        that occurs twice keeps its first vector, as in gensim.

    Raises
    ------
    ModelFileError
        For a missing file, a directory, a bad or absurd header, a truncated file, a
        row of the wrong length, a non-numeric or non-finite value, a word longer
        than :data:`MAX_WORD_BYTES`, a line longer than any row of the header's
        dimension, or (with ``"strict"``) a non-UTF-8 word.  Each check is made chunk
        by chunk, so a lying file fails within a few chunks, in bounded memory.
    """
    with open_for_reading(path, "vector file") as handle:
        return read_word2vec(handle, Path(path), binary, unicode_errors, limit, cancel)


def read_word2vec(
    handle: IO[bytes],
    path: Path,
    binary: bool | None,
    unicode_errors: str,
    limit: int | None,
    cancel: CancelCheck | None = None,
) -> KeyedVectors:
    """Parse a word2vec stream positioned at its start (see :func:`load_word2vec_format`)."""
    try:
        n_words, dim = _read_w2v_header(handle, path)
        if is_regular(handle):
            # Cheap plausibility check before allocating: every row needs at least a
            # separator per value (text) or 4 bytes per value and a space (binary).
            remaining = os.fstat(handle.fileno()).st_size - handle.tell()
            min_row = 4 * dim + 1 if binary else 2 * dim
            if n_words * min_row > remaining + 1:
                raise ModelFileError(
                    f"{path}: header claims {n_words} words of dimension {dim}, but the "
                    f"file is far too short for that (truncated or wrong header)"
                )
        buffer = handle.read(CHUNK_BYTES)
        if binary is None:
            binary = not _looks_like_text(buffer.split(b"\n", 1)[0], dim)
        n_rows = n_words if limit is None else max(0, min(int(limit), n_words))
        vectors = np.empty((n_rows, dim), dtype=np.float32)
        parse = _parse_binary if binary else _parse_text
        chunks = _Chunks(handle, path, cancel)
        words = parse(chunks, buffer, path, vectors, n_words, unicode_errors)
    except OSError as exc:
        raise ModelFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    # Text rows are numbered as lines (the header is line 1), binary rows as vectors.
    where, first = ("vector {} has", 1) if binary else ("line {} has", 2)
    norms = finite_row_norms(vectors, path, where, first)
    return _dedup_keyed_vectors(words, vectors, norms)


def _read_w2v_header(handle: IO[bytes], path: Path) -> tuple[int, int]:
    """Parse and sanity-check the ``"V dim"`` header before anything is allocated."""
    line = handle.readline(MAX_HEADER_BYTES)
    if not line.endswith(b"\n"):
        raise ModelFileError(f"{path}: no word2vec header line ('VOCAB_SIZE DIM')")
    try:
        parts = line.decode("ascii").split()
        n_words, dim = (int(part) for part in parts)
    except ValueError:
        shown = line[:60].decode("utf-8", errors="replace").strip()
        hint = " (a GloVe file? those lack the header line)" if len(line.split()) > 2 else ""
        raise ModelFileError(
            f"{path}: the word2vec header must be 'VOCAB_SIZE DIM', got '{shown}'{hint}"
        ) from None
    if n_words <= 0 or dim <= 0:
        raise ModelFileError(f"{path}: header gives {n_words} words of dimension {dim}")
    if n_words * dim > MAX_FLOATS:
        raise ModelFileError(
            f"{path}: header claims {n_words} x {dim} floats, more than this tool loads "
            f"({MAX_FLOATS:.0e})"
        )
    return n_words, dim


def _looks_like_text(first_line: bytes, dim: int) -> bool:
    """True if the first row after the header parses as a text-format row."""
    try:
        parts = first_line.decode("utf-8").rstrip().split(" ")
        if len(parts) != dim + 1:
            return False
        np.array(parts[1:], dtype=np.float32)
    except ValueError:
        return False
    return True


class _Bytes:
    """The tiny part of a file's interface :func:`_read_w2v_header` uses, over bytes."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def readline(self, limit: int) -> bytes:
        end = self._data.find(b"\n", 0, limit)
        return self._data[: end + 1] if end >= 0 else self._data[:limit]


class _Chunks:
    """A file read :data:`CHUNK_BYTES` at a time, asking ``cancel`` before each read."""

    def __init__(self, handle: IO[bytes], path: Path, cancel: CancelCheck | None) -> None:
        self._handle, self._path, self._cancel = handle, path, cancel

    def read(self, size: int = CHUNK_BYTES) -> bytes:
        if self._cancel is not None and self._cancel():
            raise ReadCancelledError(f"{self._path}: reading was stopped")
        return self._handle.read(size)


def _decode_word(raw: bytes, path: Path, row: int, unicode_errors: str) -> str:
    try:
        return raw.decode("utf-8", errors=unicode_errors)
    except UnicodeDecodeError as exc:
        raise ModelFileError(
            f"{path}: word {row + 1} is not valid UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None


def _parse_binary(
    handle: _Chunks,
    buffer: bytes,
    path: Path,
    vectors: np.ndarray,
    n_words: int,
    unicode_errors: str,
) -> list[str]:
    """Fill ``vectors`` row by row: ``word``, a space, ``dim`` little-endian float32.

    The buffer keeps at most one chunk plus the unfinished row (a word of at most
    :data:`MAX_WORD_BYTES` and ``4 dim`` bytes): memory and time stay linear whatever
    the file holds.
    """
    n_rows, dim = vectors.shape
    row_bytes = 4 * dim
    words: list[str] = []
    position = 0
    row = 0
    while row < n_rows:
        space = buffer.find(b" ", position, position + MAX_WORD_BYTES + 2)
        if space == -1 and len(buffer) - position > MAX_WORD_BYTES + 1:
            raise ModelFileError(
                f"{path}: word {row + 1} of {n_words} is longer than {MAX_WORD_BYTES} bytes "
                "or has no separator (corrupt file or wrong header)"
            )
        if space == -1 or len(buffer) - (space + 1) < row_bytes:
            more = handle.read(CHUNK_BYTES)
            if not more:
                raise ModelFileError(
                    f"{path}: file ends after {row} of {n_words} words (truncated or wrong header)"
                )
            buffer = buffer[position:] + more
            position = 0
            continue
        # The C tool ends each row with a newline, gensim does not: accept both.
        raw_word = buffer[position:space].lstrip(b"\n")
        words.append(_decode_word(raw_word, path, row, unicode_errors))
        vectors[row] = np.frombuffer(buffer, dtype="<f4", count=dim, offset=space + 1)
        position = space + 1 + row_bytes
        row += 1
    if n_rows == n_words and not _only_whitespace_left(buffer[position:], handle):
        raise ModelFileError(
            f"{path}: unexpected data after {n_words} words (wrong header or not binary?)"
        )
    return words


def _only_whitespace_left(rest: bytes, handle: _Chunks) -> bool:
    while True:
        if rest.strip():
            return False
        rest = handle.read(CHUNK_BYTES)
        if not rest:
            return True


def _parse_text(
    handle: _Chunks,
    buffer: bytes,
    path: Path,
    vectors: np.ndarray,
    n_words: int,
    unicode_errors: str,
) -> list[str]:
    """Fill ``vectors`` a chunk of lines at a time: ``word v1 v2 ... vdim`` per line.

    No line may be longer than a word of :data:`MAX_WORD_BYTES` and ``dim`` values of
    :data:`MAX_VALUE_BYTES`: a file without line ends fails once its buffer passes
    that, instead of growing (and being copied) without end.
    """
    n_rows, dim = vectors.shape
    max_line = MAX_WORD_BYTES + dim * MAX_VALUE_BYTES
    words: list[str] = []
    row = 0
    at_end = False
    while row < n_rows:
        cut = buffer.rfind(b"\n") + 1
        if cut == 0 and len(buffer) > max_line:
            raise ModelFileError(
                f"{path}: line {row + 2} has no line end within {max_line:,} bytes, longer "
                f"than any row of {dim} values (corrupt file or wrong header)"
            )
        if not at_end and (cut == 0 or len(buffer) < CHUNK_BYTES // 2):
            # Pieces are joined once a line end (or the end) arrives: re-joining the
            # buffer per chunk would copy it again for every chunk (quadratic).
            pieces = [buffer]
            while not at_end and len(pieces) - 1 <= max_line // CHUNK_BYTES + 1:
                more = handle.read(CHUNK_BYTES)
                at_end = not more
                pieces.append(more)
                if b"\n" in more:
                    break
            buffer = b"".join(pieces)
            continue
        if at_end:
            cut = len(buffer)  # the last line may lack its newline
        lines, buffer = buffer[:cut].split(b"\n"), buffer[cut:]
        if at_end:
            while lines and not lines[-1].strip():
                lines.pop()  # trailing blank lines are not rows
            if row + len(lines) < n_words and row + len(lines) < n_rows:
                raise ModelFileError(
                    f"{path}: file has {row + len(lines)} rows but its header promises "
                    f"{n_words} (truncated or wrong header)"
                )
        elif lines and lines[-1] == b"":
            lines.pop()
        lines, beyond = lines[: n_rows - row], lines[n_rows - row :]
        if beyond:  # rows past the header's count (or the limit) go back to the buffer
            buffer = b"\n".join(beyond) + b"\n" + buffer
        rests = []
        for offset, line in enumerate(lines):
            word, _, rest = line.partition(b" ")
            rest = rest.rstrip()
            values = rest.count(b" ") + 1 if rest else 0
            if values != dim:
                raise ModelFileError(
                    f"{path}: line {row + offset + 2} has {values} values, expected {dim}"
                )
            words.append(_decode_word(word, path, row + offset, unicode_errors))
            rests.append(rest)
        _parse_floats(rests, vectors[row : row + len(lines)], path, row + 2)
        row += len(lines)
    if n_rows == n_words:
        extra = _count_rows_left(buffer, handle)
        if extra:
            raise ModelFileError(
                f"{path}: file has {n_words + extra} rows but its header says {n_words} "
                "(wrong header?)"
            )  # (past the scan limit the count is a lower bound: still a wrong header)
    return words


def _parse_floats(rests: list[bytes], out: np.ndarray, path: Path, first_line: int) -> None:
    """Parse space-separated floats of many lines at once into ``out`` (C speed)."""
    values = _floats(b" ".join(rests))
    if values is not None and values.size == out.size:
        out[...] = values.reshape(out.shape)
        return
    # Find the bad line, only on failure, to keep the fast path fast.
    for offset, rest in enumerate(rests):
        values = _floats(rest)
        if values is None or values.size != out.shape[1]:
            raise ModelFileError(f"{path}: line {first_line + offset} has a non-numeric value")
    raise ModelFileError(f"{path}: line {first_line} has a non-numeric value")  # not reached


def _floats(text: bytes) -> np.ndarray | None:
    """``np.fromstring(text, sep=" ")``, or None where it stops at a non-number."""
    with warnings.catch_warnings():
        # Where it stops at a bad token, NumPy warns (older) or raises (newer).
        warnings.simplefilter("error", DeprecationWarning)
        try:
            return np.fromstring(text, dtype=np.float32, sep=" ")
        except (ValueError, DeprecationWarning):
            return None


def _count_rows_left(rest: bytes, handle: _Chunks) -> int:
    """Non-blank lines left in the stream (to say how many rows a file really has).

    Scans at most :data:`_MAX_SURPLUS_SCAN` bytes: enough to name the count for an
    honest mistake, and a bound for a file with gigabytes after its rows.
    """
    count = scanned = 0
    while rest and scanned < _MAX_SURPLUS_SCAN:
        count += sum(1 for line in rest.split(b"\n") if line.strip())
        scanned += len(rest)
        rest = handle.read(CHUNK_BYTES)  # (a line cut between chunks counts twice: fine
        # for a message that only reports a wrong header)
    return count


def _dedup_keyed_vectors(
    words: list[str], vectors: np.ndarray, norms: np.ndarray | None = None
) -> KeyedVectors:
    counts = np.arange(len(words), 0, -1, dtype=np.int64)
    if len(set(words)) == len(words):  # the usual case: one pass, no copy
        return KeyedVectors(words, vectors, counts, norms=norms)
    seen: dict[str, int] = {}
    keep = np.array([seen.setdefault(word, row) == row for row, word in enumerate(words)])
    # Like gensim: a repeated word keeps its first vector.
    words = [word for word, kept in zip(words, keep, strict=True) if kept]
    norms = None if norms is None else norms[keep]
    return KeyedVectors(words, vectors[keep], counts[: len(words)], norms=norms)


def sniff_word2vec(handle: IO[bytes], path: Path, head: bytes) -> str:
    """``"word2vec"`` or ``"word2vec-binary"``, from the header line and the first row.

    ``head`` is the file's first :data:`MAX_HEADER_BYTES` bytes, peeked (nothing is
    consumed from a stream).
    """
    line = head.split(b"\n", 1)[0] + b"\n"
    if not _HEADER_RE.match(line):
        raise ModelFileError(
            f"{path} is neither a w2v_core model (.npz) nor a word2vec text/binary file"
        )
    if len(head.split(b"\n", 2)) < 3 and not is_regular(handle):
        return "word2vec"  # a stream whose first row is not here yet: let the reader tell
    first = handle.peek(1 << 16)  # type: ignore[attr-defined]
    _, dim = _read_w2v_header(_Bytes(first), path)
    row = first.split(b"\n", 2)[1] if first.count(b"\n") >= 2 else b""
    if not row and is_regular(handle):
        position = handle.tell()
        handle.readline(MAX_HEADER_BYTES)
        row = handle.readline(1 << 20)
        handle.seek(position)
    return "word2vec" if _looks_like_text(row, dim) else "word2vec-binary"
