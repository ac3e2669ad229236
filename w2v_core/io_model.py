"""w2v_core's own ``.npz`` files: a whole trained model, or vectors only (``convert``).

Both are written uncompressed with 64-byte aligned arrays (:mod:`w2v_core.npz`), so
vectors are memory-mapped on reading; older and compressed files are still read.
Every array is loaded with ``allow_pickle=False``, every header is checked before
any data is read, and every failure is one :class:`~w2v_core.errors.ModelFileError`.
"""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import numpy as np

from . import npz
from .errors import ConfigError, ModelFileError, W2VError
from .files import is_regular, open_for_reading, write_file
from .io_checks import MAX_FLOATS, PathLike, check_savable_words, finite_row_norms
from .train import History, Model, StopReason, TrainConfig
from .vectors import KeyedVectors
from .vocab import Vocab

#: Version of the ``.npz`` layout written by :func:`save_model`.
FORMAT_VERSION = 1

#: Marker stored in every model file, to tell our files from other ``.npz`` files.
FORMAT_KIND = "w2v_core.model"

#: Marker of a vectors-only file (written by ``convert``): no output weights, no history.
VECTORS_KIND = "w2v_core.vectors"

#: Refuse ``.npz`` files whose arrays would take more than this in memory (8 GB).
MAX_NPZ_BYTES = 4 * MAX_FLOATS

_REQUIRED_KEYS = (
    "format_version", "kind", "w_in", "w_out", "words", "counts", "config",
    "history_step_words", "history_step_loss", "history_step_alpha", "history_epoch_loss",
    "corpus", "seconds", "words_per_sec", "stopped",
)  # fmt: skip


def _json_scalar(value: Any) -> np.ndarray:
    return np.array(json.dumps(value))


# --------------------------------------------------------------------------- model files


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
        kind = read_npz(handle, path, required=("kind",), only=("kind",)).get("kind")
        if kind is not None and kind.ndim == 0 and str(kind) == VECTORS_KIND:
            raise ModelFileError(
                f"{path} holds word vectors only (written by 'convert'), not a trainable "
                "model: open it as vectors"
            )
        arrays = read_npz(
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

    history = _history_from_arrays(arrays, path)

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


def _history_from_arrays(arrays: dict[str, np.ndarray], path: Path) -> History:
    """The training history of a model file: per-step words, loss and learning rate (of
    one length), per-epoch loss, and the held-out loss when the file has it."""
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
    return History(
        step_words=[int(x) for x in history_fields["step_words"]],
        step_loss=[float(x) for x in history_fields["step_loss"]],
        step_alpha=[float(x) for x in history_fields["step_alpha"]],
        epoch_loss=[float(x) for x in history_fields["epoch_loss"]],
        # Optional: files written before held-out loss existed have none.
        heldout_loss=[float(x) for x in heldout] if heldout is not None else [],
    )


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


# --------------------------------------------------------------------------- reading an archive


def _open_npz(path: PathLike, what: str) -> IO[bytes]:
    """Open an ``.npz`` once; it must be a regular file (a zip archive needs seeking)."""
    handle = open_for_reading(path, what)
    if not is_regular(handle):
        handle.close()
        raise ModelFileError(f"{path}: an .npz archive must be a regular file, not a pipe")
    return handle


def read_npz(
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


# --------------------------------------------------------------------------- vectors-only files


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
    check_savable_words(words, "\n", "vectors .npz")
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


#: What :func:`load_vectors` reads of each kind of ``.npz``: (matrix, required fields).
_VECTOR_FIELDS = {
    "npz": ("w_in", ("kind", "format_version", "w_in", "words", "counts")),
    "vectors-npz": ("vectors", ("kind", "format_version", "vectors", "words_utf8", "counts")),
}


def load_npz_vectors(
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

    arrays = read_npz(
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
    norms = finite_row_norms(matrix, path, "vector {} has", 1)
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


def npz_kind(handle: IO[bytes], path: Path) -> str:
    """``"vectors-npz"`` (written by ``convert``) or ``"npz"`` (a model): which of our
    archives an open file is, from its ``kind`` field alone."""
    if not is_regular(handle):
        raise ModelFileError(f"{path}: an .npz archive must be a regular file, not a pipe")
    kind = read_npz(handle, path, required=("kind",), only=("kind",))["kind"]
    return "vectors-npz" if kind.ndim == 0 and str(kind) == VECTORS_KIND else "npz"
