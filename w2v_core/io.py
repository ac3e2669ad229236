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
"""

from __future__ import annotations

import json
import os
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import numpy as np

from . import npz
from .errors import ConfigError, ModelFileError, ReadCancelledError, W2VError
from .files import is_regular, open_for_reading, write_file
from .train import History, Model, StopReason, TrainConfig
from .vectors import KeyedVectors, row_norms
from .vocab import Vocab

PathLike = str | os.PathLike

#: Version of the ``.npz`` layout written by :func:`save_model`.
FORMAT_VERSION = 1
#: Marker stored in every model file, to tell our files from other ``.npz`` files.
FORMAT_KIND = "w2v_core.model"
#: Marker of a vectors-only file (written by ``convert``): no output weights, no history.
VECTORS_KIND = "w2v_core.vectors"
#: Refuse word2vec headers asking for more floats than this (8 GB of float32).
MAX_FLOATS = 2_000_000_000
#: Refuse ``.npz`` files whose arrays would take more than this in memory (8 GB).
MAX_NPZ_BYTES = 4 * MAX_FLOATS
#: word2vec files are read this many bytes at a time (4 MB: the temporaries of one chunk
#: stay a few times this, small beside any matrix worth measuring).
CHUNK_BYTES = 1 << 22
#: Longest header line we are willing to read from a word2vec file.
_MAX_HEADER_BYTES = 1024
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

#: A function the readers call between chunks: True means "stop reading now" (the
#: page that asked has gone, a person pressed Stop).
CancelCheck = Callable[[], bool]
#: What a word2vec header line looks like (signs allowed, so "-5 100" gets a clear error).
_HEADER_RE = re.compile(rb"^\s*[-+]?\d+\s+[-+]?\d+\s*$")

_REQUIRED_KEYS = (
    "format_version", "kind", "w_in", "w_out", "words", "counts", "config",
    "history_step_words", "history_step_loss", "history_step_alpha", "history_epoch_loss",
    "corpus", "seconds", "words_per_sec", "stopped",
)  # fmt: skip


# --------------------------------------------------------------------------- helpers


def _check_savable_words(words: list[str], forbidden: str, fmt: str) -> None:
    """Refuse words a line-based format cannot represent (they would corrupt the file)."""
    for word in words:
        if word == "" or any(ch in word for ch in forbidden):
            raise ModelFileError(
                f"cannot save {word!r} in {fmt} format: words must be non-empty and may not "
                f"contain {', '.join(repr(ch) for ch in forbidden)}"
            )


def _row_format(dim: int, sep: str) -> str:
    # '%.9g' is the shortest fixed precision that round-trips every float32 exactly.
    return sep.join(["%.9g"] * dim)


# --------------------------------------------------------------------------- .npz models


def _json_scalar(value: Any) -> np.ndarray:
    return np.array(json.dumps(value))


def save_model(model: Model, path: PathLike, *, compress: bool = False) -> None:
    """Save a trained model to one ``.npz`` file, atomically.

    Parameters
    ----------
    model : Model
        The model to save.
    path : str or PathLike
        Target file; written exactly as given (no ``.npz`` is appended).
    compress : bool, default False
        Use ``np.savez_compressed``.  Trained float32 weights barely compress, so
        the default favours speed, and an uncompressed file can be memory-mapped
        by :func:`load_vectors`.

    Raises
    ------
    ModelFileError
        If the file cannot be written.
    """
    words = list(model.vocab.words)
    if any("\x00" in word for word in words):
        # numpy's fixed-width strings drop trailing NULs: the word would not round-trip.
        raise ModelFileError("cannot save a model whose vocabulary contains NUL characters")
    history = model.history
    arrays: dict[str, np.ndarray] = {
        "format_version": np.array(FORMAT_VERSION, dtype=np.int64),
        "kind": np.array(FORMAT_KIND),
        "w_in": np.ascontiguousarray(model.w_in, dtype=np.float32),
        "w_out": np.ascontiguousarray(model.w_out, dtype=np.float32),
        # A fixed-width unicode array, never an object array: loadable without pickle.
        "words": np.array(words, dtype=str) if words else np.zeros(0, dtype="<U1"),
        "counts": np.asarray(model.vocab.counts, dtype=np.int64),
        "config": _json_scalar(model.config.to_dict()),
        "history_step_words": np.asarray(history.step_words, dtype=np.int64),
        "history_step_loss": np.asarray(history.step_loss, dtype=np.float64),
        "history_step_alpha": np.asarray(history.step_alpha, dtype=np.float64),
        "history_epoch_loss": np.asarray(history.epoch_loss, dtype=np.float64),
        "history_heldout_loss": np.asarray(history.heldout_loss, dtype=np.float64),
        "corpus": _json_scalar(
            {
                "name": model.corpus_name,
                "fingerprint": model.corpus_fingerprint,
                "tokens": int(model.corpus_tokens),
            }
        ),
        "seconds": np.array(float(model.seconds), dtype=np.float64),
        "words_per_sec": np.array(float(model.words_per_sec), dtype=np.float64),
        "stopped": np.array(bool(model.stopped)),
        # Added after format 1 shipped: optional on reading (older files lack it).
        "stop": _json_scalar(
            {"epoch": int(history.stop_epoch), "reason": str(history.stop_reason)}
        ),
    }
    if model.snapshots is not None:
        arrays["snapshots"] = np.ascontiguousarray(model.snapshots, dtype=np.float32)
    with write_file(path, "wb") as handle:
        if compress:
            np.savez_compressed(handle, **arrays)
        else:
            npz.write(handle, arrays)  # aligned, uncompressed: load_vectors can map it


def _json_field(arrays: dict[str, np.ndarray], key: str) -> dict:
    value = arrays[key]
    if value.dtype.kind != "U" or value.ndim != 0:
        raise ModelFileError(
            f"field '{key}' must be a JSON string, got {value.dtype} {value.shape}"
        )
    try:
        parsed = json.loads(str(value))
    except ValueError:
        raise ModelFileError(f"field '{key}' is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise ModelFileError(f"field '{key}' must be a JSON object")
    return parsed


def _scalar(arrays: dict[str, np.ndarray], key: str, kinds: str) -> Any:
    value = arrays[key]
    if value.ndim != 0 or value.dtype.kind not in kinds:
        raise ModelFileError(f"field '{key}' must be a scalar, got {value.dtype} {value.shape}")
    return value.item()


def _vector(arrays: dict[str, np.ndarray], key: str, kinds: str) -> np.ndarray:
    value = arrays[key]
    if value.ndim != 1 or value.dtype.kind not in kinds:
        raise ModelFileError(
            f"field '{key}' must be a 1-D numeric array, got {value.dtype} {value.shape}"
        )
    return value


def _open_npz(path: PathLike, what: str) -> IO[bytes]:
    """Open an ``.npz`` once; it must be a regular file (a zip archive needs seeking)."""
    handle = open_for_reading(path, what)
    if not is_regular(handle):
        handle.close()
        raise ModelFileError(f"{path}: an .npz archive must be a regular file, not a pipe")
    return handle


def _read_npz(
    handle: IO[bytes],
    path: PathLike,
    *,
    required: tuple[str, ...],
    only: tuple[str, ...] | None = None,
    skip: tuple[str, ...] = (),
    mmap: tuple[str, ...] = (),
    max_bytes: int = MAX_NPZ_BYTES,
    check_shapes: Callable[[dict[str, npz.Member]], None] | None = None,
) -> dict[str, np.ndarray]:
    """Check every header of an archive, then read its arrays (but ``skip``).

    ``check_shapes`` sees the declared shapes before any data is read, so an array
    that disagrees with the file's own metadata is refused without allocating it.
    Every failure becomes one :class:`ModelFileError`.
    """
    handle.seek(0)
    if handle.read(2) != b"PK":
        raise ModelFileError(f"{path} is not a w2v_core model file (not an .npz archive)")
    if not zipfile.is_zipfile(handle):
        raise ModelFileError(f"{path} is corrupt or truncated (unreadable .npz archive)")
    try:
        members = npz.inspect(handle, str(path), max_bytes)
        missing = [key for key in required if key not in members]
        if missing:
            raise ModelFileError(
                f"{path} is not a w2v_core model file: missing {', '.join(missing)}"
            )
        if check_shapes is not None:
            check_shapes(members)
        names = [
            name for name in members
            if name not in skip and (only is None or name in only)
        ]  # fmt: skip
        return npz.read(handle, members, names, mmap=mmap)
    except W2VError:
        raise
    except MemoryError:
        raise ModelFileError(f"{path}: an array is too large to load (corrupt file?)") from None
    except (
        zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, TypeError, struct.error,
        # A damaged zip header can claim an unknown compression method or encryption
        # (NotImplementedError, RuntimeError) or hold corrupt deflate data (zlib.error).
        NotImplementedError, RuntimeError, zlib.error,
    ) as exc:  # fmt: skip
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "pickle" in reason.lower():
            reason = "it contains Python objects, which would need pickle to load"
        raise ModelFileError(f"{path} is corrupt or truncated: {reason}") from None


def _stop_record(arrays: dict[str, np.ndarray], stopped: bool, epochs: int) -> tuple[int, Any]:
    """(stop epoch, StopReason) of a model file; files written before the field existed
    were stopped by a person if at all (early stopping then lived in the app)."""
    if "stop" not in arrays:
        reason = StopReason.REQUESTED if stopped else StopReason.COMPLETED
        return epochs, reason
    record = _json_field(arrays, "stop")
    try:
        return int(record["epoch"]), StopReason(record["reason"])
    except (KeyError, TypeError, ValueError):
        raise ModelFileError("field 'stop' is not a valid stop record") from None


def _check_model_shapes(members: dict[str, npz.Member]) -> None:
    """The declared shapes must agree with the vocabulary, before any array is read.

    A forged file could declare honest-looking but enormous matrices; tying every
    per-word array to the length of ``words`` (and the snapshots to ``w_in``) leaves
    a compression bomb nothing to hide behind but :func:`w2v_core.npz.inspect`'s
    expansion limit.
    """
    words = members["words"].shape
    n_words = words[0] if len(words) == 1 else -1
    for key in ("w_in", "w_out"):
        shape = members[key].shape
        if len(shape) == 2 and shape[0] != n_words:
            raise ModelFileError(f"field '{key}' has shape {shape}, expected ({n_words}, dim >= 1)")
    dims = {members[key].shape[1:] for key in ("w_in", "w_out")}
    if "snapshots" in members and len(dims) == 1:
        shape = members["snapshots"].shape
        if len(shape) != 3 or shape[1] > max(n_words, 0) or shape[2:] != next(iter(dims)):
            raise ModelFileError(f"field 'snapshots' has shape {shape}, not (epochs, words, dim)")


def load_model(path: PathLike, *, max_bytes: int = MAX_NPZ_BYTES) -> Model:
    """Load a model saved by :func:`save_model`, validating every field.

    Parameters
    ----------
    path : str or PathLike
        The ``.npz`` file.
    max_bytes : int
        Refuse files whose arrays would take more memory than this (the app passes a
        limit derived from its upload limit).

    Raises
    ------
    ModelFileError
        If the file is missing, not an ``.npz`` archive, truncated, contains
        object arrays, is a compression bomb, lacks a field, or has a field of the
        wrong type or shape.
    """
    with _open_npz(path, "model file") as handle:
        kind = _read_npz(handle, path, required=("kind",), only=("kind",)).get("kind")
        if kind is not None and kind.ndim == 0 and str(kind) == VECTORS_KIND:
            raise ModelFileError(
                f"{path} holds word vectors only (written by 'convert'), not a trainable "
                "model: open it as vectors"
            )
        arrays = _read_npz(
            handle, path, required=_REQUIRED_KEYS, max_bytes=max_bytes,
            check_shapes=_check_model_shapes,
        )  # fmt: skip
    return _model_from_arrays(arrays, Path(path))


def _model_from_arrays(arrays: dict[str, np.ndarray], path: Path) -> Model:
    kind = arrays["kind"]
    if kind.dtype.kind != "U" or kind.ndim != 0 or str(kind) != FORMAT_KIND:
        raise ModelFileError(f"{path} is not a w2v_core model file")
    version = _scalar(arrays, "format_version", "iu")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path} was written by a newer w2v_core (format {version}; this one reads "
            f"up to {FORMAT_VERSION})"
        )

    w_in, w_out, words = arrays["w_in"], arrays["w_out"], arrays["words"]
    if words.ndim != 1 or words.dtype.kind != "U":
        raise ModelFileError(f"field 'words' must be a 1-D unicode array, got {words.dtype}")
    n_words = len(words)
    if n_words == 0:
        raise ModelFileError(f"{path}: the vocabulary is empty")
    for key, matrix in (("w_in", w_in), ("w_out", w_out)):
        if matrix.dtype != np.float32 or matrix.ndim != 2:
            raise ModelFileError(
                f"field '{key}' must be a 2-D float32 matrix, got {matrix.dtype} {matrix.shape}"
            )
        if matrix.shape[0] != n_words or matrix.shape[1] < 1:
            raise ModelFileError(
                f"field '{key}' has shape {matrix.shape}, expected ({n_words}, dim >= 1)"
            )
    if w_in.shape != w_out.shape:
        raise ModelFileError(f"w_in {w_in.shape} and w_out {w_out.shape} differ in shape")
    counts = _vector(arrays, "counts", "iu")
    if len(counts) != n_words:
        raise ModelFileError(f"field 'counts' has {len(counts)} entries for {n_words} words")
    word_list = words.tolist()
    if len(set(word_list)) != n_words:
        raise ModelFileError(f"{path}: the vocabulary contains duplicate words")

    history_fields = {
        key: _vector(arrays, f"history_{key}", "iuf")
        for key in ("step_words", "step_loss", "step_alpha", "epoch_loss")
    }
    heldout = (
        _vector(arrays, "history_heldout_loss", "iuf") if "history_heldout_loss" in arrays else None
    )
    lengths = {len(history_fields[key]) for key in ("step_words", "step_loss", "step_alpha")}
    if len(lengths) != 1:
        raise ModelFileError(f"{path}: the training history arrays differ in length")
    history = History(
        step_words=[int(x) for x in history_fields["step_words"]],
        step_loss=[float(x) for x in history_fields["step_loss"]],
        step_alpha=[float(x) for x in history_fields["step_alpha"]],
        epoch_loss=[float(x) for x in history_fields["epoch_loss"]],
        # Optional: files written before held-out loss existed have none.
        heldout_loss=[float(x) for x in heldout] if heldout is not None else [],
    )

    try:
        config = TrainConfig.from_dict(_json_field(arrays, "config")).validate()
    except ModelFileError:
        raise
    except (ConfigError, TypeError, ValueError, KeyError) as exc:
        raise ModelFileError(f"{path}: invalid training configuration ({exc})") from None
    if config.dim != w_in.shape[1]:
        raise ModelFileError(
            f"{path}: configuration says dim={config.dim} but the vectors have {w_in.shape[1]}"
        )
    corpus = _json_field(arrays, "corpus")
    stopped = bool(_scalar(arrays, "stopped", "biu"))
    history.stop_epoch, history.stop_reason = _stop_record(arrays, stopped, len(history.epoch_loss))

    snapshots = arrays.get("snapshots")
    if snapshots is not None and (
        snapshots.dtype != np.float32 or snapshots.ndim != 3 or snapshots.shape[2] != w_in.shape[1]
    ):
        raise ModelFileError(
            f"field 'snapshots' must be float32 (epochs, words, {w_in.shape[1]}), "
            f"got {snapshots.dtype} {snapshots.shape}"
        )

    try:
        return Model(
            config=config,
            vocab=Vocab(word_list, counts.astype(np.int64)),
            w_in=w_in,
            w_out=w_out,
            history=history,
            corpus_name=str(corpus.get("name", "")),
            corpus_fingerprint=str(corpus.get("fingerprint", "")),
            corpus_tokens=int(corpus.get("tokens", 0)),
            seconds=float(_scalar(arrays, "seconds", "iuf")),
            words_per_sec=float(_scalar(arrays, "words_per_sec", "iuf")),
            stopped=stopped,
            snapshots=snapshots,
        )
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"{path}: inconsistent model file ({exc})") from None


# --------------------------------------------------------------------------- word2vec formats


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
    _check_savable_words(words, " \t\n\r\v\f", "word2vec")
    vectors = np.asarray(kv.vectors, dtype=np.float32)
    header = f"{len(words)} {vectors.shape[1]}\n".encode()
    with write_file(path, "wb") as handle:
        handle.write(header)
        if binary:
            little_endian = vectors.astype("<f4", copy=False)
            for word, row in zip(words, little_endian, strict=True):
                handle.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")
        else:
            row_format = _row_format(vectors.shape[1], " ")
            for word, row in zip(words, vectors.tolist(), strict=True):
                handle.write(f"{word} {row_format % tuple(row)}\n".encode())


def _read_w2v_header(handle: IO[bytes], path: Path) -> tuple[int, int]:
    """Parse and sanity-check the ``"V dim"`` header before anything is allocated."""
    line = handle.readline(_MAX_HEADER_BYTES)
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
        return _read_word2vec(handle, Path(path), binary, unicode_errors, limit, cancel)


class _Chunks:
    """A file read :data:`CHUNK_BYTES` at a time, asking ``cancel`` before each read."""

    def __init__(self, handle: IO[bytes], path: Path, cancel: CancelCheck | None) -> None:
        self._handle, self._path, self._cancel = handle, path, cancel

    def read(self, size: int = CHUNK_BYTES) -> bytes:
        if self._cancel is not None and self._cancel():
            raise ReadCancelledError(f"{self._path}: reading was stopped")
        return self._handle.read(size)


def _read_word2vec(
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
    norms = _finite_row_norms(vectors, path, where, first)
    return _dedup_keyed_vectors(words, vectors, norms)


def _finite_row_norms(vectors: np.ndarray, path: PathLike, where: str, first: int) -> np.ndarray:
    """Row norms (computed once, in blocks), refusing a row with ``nan`` or ``inf``."""
    norms = row_norms(vectors)
    bad = np.flatnonzero(~np.isfinite(norms))
    if len(bad):
        raise ModelFileError(
            f"{path}: {where.format(int(bad[0]) + first)} a non-finite value (nan or inf)"
            + (f"; {len(bad):,} vectors in all" if len(bad) > 1 else "")
        )
    return norms


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


# --------------------------------------------------------------------------- Embedding Projector


def save_projector_tsv(kv: KeyedVectors, vectors_path: PathLike, metadata_path: PathLike) -> None:
    """Write the two files the TensorFlow Embedding Projector loads.

    ``vectors_path`` gets one tab-separated row of floats per word, no header;
    ``metadata_path`` gets a ``word<TAB>count`` header and one row per word.

    Raises
    ------
    ModelFileError
        If a word contains a tab or newline, or a file cannot be written.
    """
    words = list(kv.words)
    _check_savable_words(words, "\t\n\r", "TSV")
    vectors = np.asarray(kv.vectors, dtype=np.float32)
    counts = np.asarray(kv.counts, dtype=np.int64).tolist()
    row_format = _row_format(vectors.shape[1], "\t")
    with write_file(vectors_path, "w", encoding="utf-8") as handle:
        for row in vectors.tolist():
            handle.write(row_format % tuple(row) + "\n")
    with write_file(metadata_path, "w", encoding="utf-8") as handle:
        handle.write("word\tcount\n")
        for word, count in zip(words, counts, strict=True):
            handle.write(f"{word}\t{count}\n")


def _read_lines(path: Path, what: str) -> list[str]:
    try:
        with open_for_reading(path, what) as handle:
            text = handle.read().decode("utf-8")
    except UnicodeDecodeError:
        raise ModelFileError(f"{path} is not a UTF-8 text file") from None
    except OSError as exc:
        raise ModelFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def load_projector_tsv(vectors_path: PathLike, metadata_path: PathLike) -> KeyedVectors:
    """Read files written by :func:`save_projector_tsv`.

    The metadata file may have the ``word<TAB>count`` header (ours) or be a
    single headerless column of words (the Projector's one-column form); counts
    missing from it become rank-based pseudo counts.

    Raises
    ------
    ModelFileError
        If a file is missing or malformed, or the two files disagree in length.
    """
    vectors_path, metadata_path = Path(vectors_path), Path(metadata_path)
    rows = _read_lines(vectors_path, "vectors file")
    meta = _read_lines(metadata_path, "metadata file")
    if not rows:
        raise ModelFileError(f"{vectors_path} holds no vectors")
    has_header = bool(meta) and meta[0].split("\t")[0].lower() == "word" and "\t" in meta[0]
    if has_header:
        meta = meta[1:]
    if len(meta) != len(rows):
        raise ModelFileError(
            f"{metadata_path} lists {len(meta)} words but {vectors_path} has {len(rows)} vectors"
        )
    dim = len(rows[0].split("\t"))
    values: list[str] = []
    for line_no, row in enumerate(rows, start=1):
        parts = row.split("\t")
        if len(parts) != dim:
            raise ModelFileError(
                f"{vectors_path}: line {line_no} has {len(parts)} values, expected {dim}"
            )
        values.extend(parts)
    try:
        vectors = np.array(values, dtype=np.float32).reshape(len(rows), dim)
    except ValueError:
        raise ModelFileError(f"{vectors_path}: contains a non-numeric value") from None
    words: list[str] = []
    counts: list[int] = []
    for line_no, line in enumerate(meta, start=2 if has_header else 1):
        fields = line.split("\t")
        words.append(fields[0])
        if has_header and len(fields) > 1:
            try:
                counts.append(int(fields[1]))
            except ValueError:
                raise ModelFileError(
                    f"{metadata_path}: line {line_no} has a non-integer count"
                ) from None
    if len(set(words)) != len(words):
        raise ModelFileError(f"{metadata_path}: contains duplicate words")
    if len(counts) != len(words):
        counts = list(range(len(words), 0, -1))
    norms = _finite_row_norms(vectors, vectors_path, "line {} has", 1)
    return KeyedVectors(words, vectors, np.asarray(counts, dtype=np.int64), norms=norms)


# --------------------------------------------------------------------------- any format


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
    head = handle.peek(_MAX_HEADER_BYTES)[:_MAX_HEADER_BYTES]  # type: ignore[attr-defined]
    if head[:2] == b"PK":  # the zip magic number: an .npz archive
        if not is_regular(handle):
            raise ModelFileError(f"{path}: an .npz archive must be a regular file, not a pipe")
        kind = _read_npz(handle, path, required=("kind",), only=("kind",))["kind"]
        return "vectors-npz" if kind.ndim == 0 and str(kind) == VECTORS_KIND else "npz"
    line = head.split(b"\n", 1)[0] + b"\n"
    if not _HEADER_RE.match(line):
        raise ModelFileError(
            f"{path} is neither a w2v_core model (.npz) nor a word2vec text/binary file"
        )
    if len(head.split(b"\n", 2)) < 3 and not is_regular(handle):
        return "word2vec"  # a stream whose first row is not here yet: let the reader tell
    first = handle.peek(1 << 16)
    _, dim = _read_w2v_header(_Bytes(first), path)
    row = first.split(b"\n", 2)[1] if first.count(b"\n") >= 2 else b""
    if not row and is_regular(handle):
        position = handle.tell()
        handle.readline(_MAX_HEADER_BYTES)
        row = handle.readline(1 << 20)
        handle.seek(position)
    return "word2vec" if _looks_like_text(row, dim) else "word2vec-binary"


class _Bytes:
    """The tiny part of a file's interface :func:`_read_w2v_header` uses, over bytes."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def readline(self, limit: int) -> bytes:
        end = self._data.find(b"\n", 0, limit)
        return self._data[: end + 1] if end >= 0 else self._data[:limit]


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
            return _load_npz_vectors(handle, Path(path), fmt, limit, max_bytes)
        # A stream's first row may not have arrived when it was sniffed: detect again.
        binary = fmt == "word2vec-binary" if is_regular(handle) else None
        return _read_word2vec(handle, Path(path), binary, "replace", limit, cancel)


#: What :func:`load_vectors` reads of each kind of ``.npz``: (matrix, required fields).
_VECTOR_FIELDS = {
    "npz": ("w_in", ("kind", "format_version", "w_in", "words", "counts")),
    "vectors-npz": ("vectors", ("kind", "format_version", "vectors", "words_utf8", "counts")),
}


def _load_npz_vectors(
    handle: IO[bytes], path: Path, fmt: str, limit: int | None, max_bytes: int
) -> KeyedVectors:
    matrix_key, required = _VECTOR_FIELDS[fmt]

    def check_shapes(members: dict[str, npz.Member]) -> None:
        shape, counts = members[matrix_key].shape, members["counts"].shape
        if len(shape) != 2 or counts != shape[:1]:
            raise ModelFileError(f"{path}: '{matrix_key}' has shape {shape} but 'counts' {counts}")
        if fmt == "npz" and members["words"].shape != shape[:1]:
            raise ModelFileError(
                f"field '{matrix_key}' has shape {shape}, expected "
                f"({members['words'].shape[0]}, dim >= 1)"
            )

    arrays = _read_npz(
        handle, path, required=required, only=required, mmap=(matrix_key,),
        max_bytes=max_bytes, check_shapes=check_shapes,
    )  # fmt: skip
    version = _scalar(arrays, "format_version", "iu")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path} was written by a newer w2v_core (format {version}; this one reads "
            f"up to {FORMAT_VERSION})"
        )
    matrix, counts = arrays[matrix_key], _vector(arrays, "counts", "iu")
    if matrix.dtype != np.float32 or len(matrix) == 0 or matrix.shape[1] < 1:
        raise ModelFileError(
            f"field '{matrix_key}' must be a non-empty float32 matrix, got "
            f"{matrix.dtype} {matrix.shape}"
        )
    words = _npz_words(arrays, path, fmt, len(matrix))
    if limit is not None and limit < len(words):
        # The most frequent first (a stable sort keeps the file's order among equals).
        order = np.argsort(-counts.astype(np.int64), kind="stable")[:limit]
        if np.array_equal(order, np.arange(limit)):
            matrix, counts, words = matrix[:limit], counts[:limit], words[:limit]  # a view
        else:
            matrix, counts = matrix[order], counts[order]
            words = [words[i] for i in order]
    norms = _finite_row_norms(matrix, path, "vector {} has", 1)
    try:
        return KeyedVectors(words, matrix, counts, norms=norms)
    except W2VError as exc:
        raise ModelFileError(f"{path}: {exc}") from None


def _npz_words(arrays: dict[str, np.ndarray], path: Path, fmt: str, n_words: int) -> list[str]:
    if fmt == "npz":
        words = arrays["words"]
        if words.ndim != 1 or words.dtype.kind != "U":
            raise ModelFileError(f"field 'words' must be a 1-D unicode array, got {words.dtype}")
        return words.tolist()
    blob = arrays["words_utf8"]
    if blob.dtype != np.uint8 or blob.ndim != 1:
        raise ModelFileError(f"field 'words_utf8' must be bytes, got {blob.dtype} {blob.shape}")
    try:
        words = blob.tobytes().decode("utf-8").split("\n")
    except UnicodeDecodeError:
        raise ModelFileError(f"{path}: field 'words_utf8' is not valid UTF-8") from None
    if len(words) != n_words:
        raise ModelFileError(f"{path}: {len(words)} words for {n_words} vectors")
    return words


def save_vectors(kv: KeyedVectors, path: PathLike, *, source: str = "") -> None:
    """Write vectors only (no training state) as an ``.npz`` :func:`load_vectors` maps.

    Fields: ``vectors`` (float32, 64-byte aligned, uncompressed), ``counts``, and
    ``words_utf8``: all words joined by newlines and UTF-8 encoded, which takes a
    fraction of a fixed-width string array for a vocabulary with a few long words.

    Raises
    ------
    ModelFileError
        If a word is empty or contains a newline, or the file cannot be written.
    """
    words = list(kv.words)
    _check_savable_words(words, "\n", "vectors .npz")
    arrays = {
        "format_version": np.array(FORMAT_VERSION, dtype=np.int64),
        "kind": np.array(VECTORS_KIND),
        "vectors": kv.vectors,
        "counts": np.asarray(kv.counts, dtype=np.int64),
        "words_utf8": np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
        "source": _json_scalar({"source": source}),
    }
    with write_file(path, "wb") as handle:
        npz.write(handle, arrays)
