"""Text files to a :class:`~w2v_core.corpus_tokens.Corpus`, streamed however large.

Each file is read twice, a block at a time: once to check that it is text, fingerprint
its bytes and pick its encoding, once to tokenise it.  A FIFO or device, which can be
read only once, is copied to a temporary file on the first pass.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from .corpus_tokens import Corpus, CorpusBuilder, feed, settings_tag
from .errors import CorpusError
from .files import is_regular, open_for_reading

# Files are read this many bytes at a time.
_BLOCK_SIZE = 1 << 20

# How much of a file is inspected to tell text from binary data.
_SNIFF_BYTES = 8192

# A "file" is anything that can be opened again as a binary stream: a path, or a member
# of a zip archive.  Files are read twice: once to check and fingerprint them and pick
# an encoding, once to tokenise them.
Opener = Callable[[], "contextlib.AbstractContextManager[BinaryIO]"]

# Bytes that never occur in text (all C0 controls except \t \n \v \f \r and ESC).
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 27), *range(28, 32), 127])


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
            return corpus_from_openers([(f.open, f.label) for f in opened], name, lowercase)
        except OSError as error:
            raise CorpusError(
                f"cannot read {error.filename or name}: {error.strerror or error}"
            ) from None


def corpus_from_openers(
    sources: Sequence[tuple[Opener, str]], name: str, lowercase: bool
) -> Corpus:
    """Stream several files, each a (opener, label) pair, into one Corpus."""
    digest = hashlib.sha256()
    encodings = []
    for number, (open_file, label) in enumerate(sources):
        if number:
            digest.update(b"\x00next file\x00")  # so that a|bc and ab|c differ
        encodings.append(_inspect(open_file, label, digest))
    digest.update(settings_tag(lowercase))

    builder = CorpusBuilder(lowercase)
    for (open_file, _label), encoding in zip(sources, encodings, strict=True):
        feed(builder, _decoded_blocks(open_file, encoding))
    return builder.build(name, digest.hexdigest())


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
