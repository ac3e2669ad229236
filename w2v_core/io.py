"""Saving and loading models and word vectors, with every input validated.

Three formats:

* **w2v_core models** (``.npz``): everything :class:`~w2v_core.train.Model` holds
  -- both weight matrices, vocabulary and counts, configuration, training history,
  corpus information and optional per-epoch snapshots.  Loaded with
  ``allow_pickle=False`` only, so a model file can never execute code.
* **word2vec** text and binary formats (the C tool's, which gensim also reads and
  writes).  Word counts are not part of these formats: loaded vectors get
  rank-based pseudo counts ``V, V-1, ..., 1`` (as gensim does), which keeps "most
  frequent first" meaningful for files that are sorted by frequency.
* **Embedding Projector** TSV (https://projector.tensorflow.org): a vectors file and
  a metadata file with a ``word<TAB>count`` header.

Every writer is atomic: it writes a temporary file next to the target and renames
it into place, so a crash or full disk never leaves a half-written file behind.
Every reader turns a missing, truncated or malformed file into a one-line
:class:`~w2v_core.errors.ModelFileError`.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

from .errors import ConfigError, ModelFileError, W2VError
from .train import History, Model, StopReason, TrainConfig
from .vectors import KeyedVectors
from .vocab import Vocab

PathLike = str | os.PathLike

#: Version of the ``.npz`` layout written by :func:`save_model`.
FORMAT_VERSION = 1
#: Marker stored in every model file, to tell our files from other ``.npz`` files.
FORMAT_KIND = "w2v_core.model"
#: Refuse word2vec headers asking for more floats than this (8 GB of float32).
MAX_FLOATS = 2_000_000_000
#: Longest header line we are willing to read from a word2vec file.
_MAX_HEADER_BYTES = 1024
#: What a word2vec header line looks like (signs allowed, so "-5 100" gets a clear error).
_HEADER_RE = re.compile(rb"^\s*[-+]?\d+\s+[-+]?\d+\s*$")

_REQUIRED_KEYS = (
    "format_version", "kind", "w_in", "w_out", "words", "counts", "config",
    "history_step_words", "history_step_loss", "history_step_alpha", "history_epoch_loss",
    "corpus", "seconds", "words_per_sec", "stopped",
)  # fmt: skip


# --------------------------------------------------------------------------- helpers


@contextlib.contextmanager
def atomic_write(path: PathLike, mode: str = "wb", encoding: str | None = None) -> Iterator[IO]:
    """Open a temporary file next to ``path``; rename it onto ``path`` on success.

    The temporary file is in the same directory so that :func:`os.replace` is an
    atomic rename on the same file system.  It is removed if anything fails.

    Raises
    ------
    ModelFileError
        If the directory does not exist or the file cannot be written.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise ModelFileError(f"cannot write {path}: directory {directory} does not exist")
    _remove_orphaned_temp_files(directory, path.name)
    try:
        # The writer's pid in the name lets a later write tell an orphan from a live one.
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=directory
        )
    except OSError as exc:
        raise ModelFileError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        # mkstemp creates the file private (0600); give it the permissions an ordinary
        # open() would have, or keep those of the file being replaced.
        os.chmod(tmp_name, path.stat().st_mode & 0o7777 if path.exists() else _new_file_mode())
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except OSError as exc:
        _remove_quietly(tmp_name)
        raise ModelFileError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        _remove_quietly(tmp_name)
        raise


def _remove_orphaned_temp_files(directory: Path, name: str) -> None:
    """Delete temporary files of ``name`` whose writing process no longer exists.

    A process killed in the middle of :func:`atomic_write` cannot clean up after
    itself; the next write of the same file does it, sparing files whose writer
    is still alive (another process writing the same path right now).
    """
    prefix = f".{name}."
    for leftover in directory.glob(f"{glob.escape(prefix)}*.tmp"):
        pid_text = leftover.name[len(prefix) :].split(".", 1)[0]
        if pid_text.isdigit() and _process_exists(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # it exists but belongs to someone else (or cannot be a pid: keep it)
    return True


def _new_file_mode() -> int:
    """0o666 minus the process umask, read without changing it (os.umask is not thread-safe)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    return 0o644


def _remove_quietly(name: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(name)


def _check_readable(path: PathLike, what: str) -> Path:
    """Return ``path`` as a Path if it is an existing regular file."""
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"{what} not found: {path}")
    if not path.is_file():
        raise ModelFileError(f"{what} is not a regular file: {path}")
    return path


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
        the default favours speed.

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
    writer = np.savez_compressed if compress else np.savez
    with atomic_write(path, "wb") as handle:
        writer(handle, **arrays)


def _inspect_npz_headers(path: Path) -> None:
    """Check every array header in the archive before numpy reads any data.

    This catches object arrays (which would need pickle) with a clear message and
    refuses arrays whose header claims more bytes than the archive member holds,
    so a forged header cannot trigger a huge allocation.
    """
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                continue
            name = info.filename[:-4]
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(member)
                elif version == (2, 0):
                    shape, _, dtype = np.lib.format.read_array_header_2_0(member)
                else:  # other versions: np.load(allow_pickle=False) still guards us
                    continue
            if dtype.hasobject:
                raise ModelFileError(
                    f"{path}: array '{name}' holds Python objects, which would need pickle "
                    "to load; refusing to load it"
                )
            n_bytes = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
            if n_bytes > info.file_size:
                raise ModelFileError(
                    f"{path}: array '{name}' claims shape {shape} but the file is too short "
                    "for it (truncated or corrupt)"
                )


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


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """Read all arrays of a model file, turning every failure into ModelFileError."""
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as handle:
            if handle.read(2) == b"PK":
                raise ModelFileError(f"{path} is corrupt or truncated (unreadable .npz archive)")
        raise ModelFileError(f"{path} is not a w2v_core model file (not an .npz archive)")
    try:
        _inspect_npz_headers(path)
        with np.load(path, allow_pickle=False) as npz:
            if not isinstance(npz, np.lib.npyio.NpzFile):
                raise ModelFileError(f"{path} is not a w2v_core model file (not an .npz archive)")
            missing = [key for key in _REQUIRED_KEYS if key not in npz.files]
            if missing:
                raise ModelFileError(
                    f"{path} is not a w2v_core model file: missing {', '.join(missing)}"
                )
            return {key: npz[key] for key in npz.files}
    except W2VError:
        raise
    except MemoryError:
        raise ModelFileError(f"{path}: an array is too large to load (corrupt file?)") from None
    except (
        zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, TypeError,
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


def load_model(path: PathLike) -> Model:
    """Load a model saved by :func:`save_model`, validating every field.

    Raises
    ------
    ModelFileError
        If the file is missing, not an ``.npz`` archive, truncated, contains
        object arrays, lacks a field, or has a field of the wrong type or shape.
    """
    path = _check_readable(path, "model file")
    arrays = _read_npz(path)

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
    lengths = {len(history_fields[key]) for key in ("step_words", "step_loss", "step_alpha")}
    if len(lengths) != 1:
        raise ModelFileError(f"{path}: the training history arrays differ in length")
    history = History(
        step_words=[int(x) for x in history_fields["step_words"]],
        step_loss=[float(x) for x in history_fields["step_loss"]],
        step_alpha=[float(x) for x in history_fields["step_alpha"]],
        epoch_loss=[float(x) for x in history_fields["epoch_loss"]],
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
    with atomic_write(path, "wb") as handle:
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
    path: PathLike, binary: bool | None = None, *, unicode_errors: str = "replace"
) -> KeyedVectors:
    """Read a word2vec text or binary file (the C tool's, or gensim's).

    Parameters
    ----------
    path : str or PathLike
        The file.
    binary : bool or None, default None
        ``None`` detects the format from the first row.
    unicode_errors : str, default "replace"
        How to decode words that are not valid UTF-8 (``"strict"`` refuses them,
        ``"replace"`` substitutes U+FFFD, as gensim's ``unicode_errors``).

    Returns
    -------
    KeyedVectors
        With pseudo counts ``V, V-1, ..., 1`` (the formats have no counts).  A word
        that occurs twice keeps its first vector, as in gensim.

    Raises
    ------
    ModelFileError
        For a missing file, a bad or absurd header, a truncated file, a row of the
        wrong length, a non-numeric value, or (with ``"strict"``) a non-UTF-8 word.
    """
    path = _check_readable(path, "vector file")
    file_size = path.stat().st_size
    try:
        with open(path, "rb") as handle:
            n_words, dim = _read_w2v_header(handle, path)
            body_start = handle.tell()
            if binary is None:
                binary = not _looks_like_text(handle.readline(1 << 20), dim)
                handle.seek(body_start)
            remaining = file_size - body_start
            # Cheap plausibility check: every row needs at least a separator per value
            # (text) or 4 bytes per value and a space (binary).
            min_row = 4 * dim + 1 if binary else 2 * dim
            if n_words * min_row > remaining + 1:
                raise ModelFileError(
                    f"{path}: header claims {n_words} words of dimension {dim}, but the "
                    f"file is far too short for that (truncated or wrong header)"
                )
            body = handle.read()
    except OSError as exc:
        raise ModelFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if binary:
        words, vectors = _parse_binary(body, path, n_words, dim, unicode_errors)
    else:
        words, vectors = _parse_text(body, path, n_words, dim, unicode_errors)
    return _dedup_keyed_vectors(words, vectors)


def _decode_word(raw: bytes, path: Path, row: int, unicode_errors: str) -> str:
    try:
        return raw.decode("utf-8", errors=unicode_errors)
    except UnicodeDecodeError as exc:
        raise ModelFileError(
            f"{path}: word {row + 1} is not valid UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None


def _parse_binary(
    body: bytes, path: Path, n_words: int, dim: int, unicode_errors: str
) -> tuple[list[str], np.ndarray]:
    vectors = np.empty((n_words, dim), dtype=np.float32)
    words: list[str] = []
    row_bytes = 4 * dim
    position = 0
    for row in range(n_words):
        space = body.find(b" ", position)
        if space == -1 or len(body) - (space + 1) < row_bytes:
            raise ModelFileError(
                f"{path}: file ends after {row} of {n_words} words (truncated or wrong header)"
            )
        # The C tool ends each row with a newline, gensim does not: accept both.
        raw_word = body[position:space].lstrip(b"\n")
        words.append(_decode_word(raw_word, path, row, unicode_errors))
        vectors[row] = np.frombuffer(body, dtype="<f4", count=dim, offset=space + 1)
        position = space + 1 + row_bytes
    if body[position:].strip():
        raise ModelFileError(
            f"{path}: unexpected data after {n_words} words (wrong header or not binary?)"
        )
    return words, vectors


def _parse_text(
    body: bytes, path: Path, n_words: int, dim: int, unicode_errors: str
) -> tuple[list[str], np.ndarray]:
    lines = body.split(b"\n")
    # Trailing blank lines (e.g. the final newline) are not rows.
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) < n_words:
        raise ModelFileError(
            f"{path}: file has {len(lines)} rows but its header promises {n_words} "
            "(truncated or wrong header)"
        )
    if len(lines) > n_words:
        raise ModelFileError(
            f"{path}: file has {len(lines)} rows but its header says {n_words} (wrong header?)"
        )
    words: list[str] = []
    values: list[str] = []
    for row, raw in enumerate(lines):
        parts = _decode_word(raw, path, row, unicode_errors).rstrip().split(" ")
        if len(parts) != dim + 1:
            raise ModelFileError(
                f"{path}: line {row + 2} has {len(parts) - 1} values, expected {dim}"
            )
        words.append(parts[0])
        values.extend(parts[1:])
    try:
        vectors = np.array(values, dtype=np.float32).reshape(n_words, dim)
    except ValueError:
        # Find the offending row only on failure, to keep the fast path fast.
        for row in range(n_words):
            try:
                np.array(values[row * dim : (row + 1) * dim], dtype=np.float32)
            except ValueError:
                raise ModelFileError(f"{path}: line {row + 2} has a non-numeric value") from None
        raise ModelFileError(f"{path}: non-numeric values") from None
    return words, vectors


def _dedup_keyed_vectors(words: list[str], vectors: np.ndarray) -> KeyedVectors:
    seen: dict[str, int] = {}
    keep = [seen.setdefault(word, row) == row for row, word in enumerate(words)]
    if not all(keep):  # like gensim: a repeated word keeps its first vector
        words = [word for word, kept in zip(words, keep, strict=True) if kept]
        vectors = vectors[np.asarray(keep)]
    counts = np.arange(len(words), 0, -1, dtype=np.int64)
    return KeyedVectors(words, vectors, counts)


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
    with atomic_write(vectors_path, "w", encoding="utf-8") as handle:
        for row in vectors.tolist():
            handle.write(row_format % tuple(row) + "\n")
    with atomic_write(metadata_path, "w", encoding="utf-8") as handle:
        handle.write("word\tcount\n")
        for word, count in zip(words, counts, strict=True):
            handle.write(f"{word}\t{count}\n")


def _read_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
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
    vectors_path = _check_readable(vectors_path, "vectors file")
    metadata_path = _check_readable(metadata_path, "metadata file")
    rows = _read_lines(vectors_path)
    meta = _read_lines(metadata_path)
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
    return KeyedVectors(words, vectors, np.asarray(counts, dtype=np.int64))


# --------------------------------------------------------------------------- any format


def sniff_format(path: PathLike) -> str:
    """Guess a file's format: ``"npz"``, ``"word2vec"`` or ``"word2vec-binary"``.

    Raises
    ------
    ModelFileError
        If the file is missing, is none of these, or has an invalid word2vec header.
    """
    path = _check_readable(path, "model file")
    try:
        with open(path, "rb") as handle:
            if handle.read(2) == b"PK":  # the zip magic number: an .npz archive
                return "npz"
            handle.seek(0)
            if not _HEADER_RE.match(handle.readline(_MAX_HEADER_BYTES)):
                raise ModelFileError(
                    f"{path} is neither a w2v_core model (.npz) nor a word2vec text/binary file"
                )
            handle.seek(0)
            _, dim = _read_w2v_header(handle, path)
            first = handle.readline(1 << 20)
    except OSError as exc:
        raise ModelFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    return "word2vec" if _looks_like_text(first, dim) else "word2vec-binary"


def load_vectors(path: PathLike) -> KeyedVectors:
    """Load word vectors from a model ``.npz`` or a word2vec text/binary file.

    The format is detected from the file's content, not its extension.
    """
    fmt = sniff_format(path)
    if fmt == "npz":
        return load_model(path).wv
    return load_word2vec_format(path, binary=fmt == "word2vec-binary")
