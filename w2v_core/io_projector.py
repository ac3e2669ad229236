"""The TensorFlow Embedding Projector's two TSV files (https://projector.tensorflow.org):
one row of floats per word, and a ``word<TAB>count`` metadata file."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import ModelFileError
from .files import open_for_reading, write_file
from .io_checks import PathLike, check_savable_words, finite_row_norms, float_row_format
from .vectors import KeyedVectors


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
    check_savable_words(words, "\t\n\r", "TSV")
    vectors = np.asarray(kv.vectors, dtype=np.float32)
    counts = np.asarray(kv.counts, dtype=np.int64).tolist()
    row_format = float_row_format(vectors.shape[1], "\t")
    with write_file(vectors_path, "w", encoding="utf-8") as handle:
        for row in vectors.tolist():
            handle.write(row_format % tuple(row) + "\n")
    with write_file(metadata_path, "w", encoding="utf-8") as handle:
        handle.write("word\tcount\n")
        for word, count in zip(words, counts, strict=True):
            handle.write(f"{word}\t{count}\n")


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
    norms = finite_row_norms(vectors, vectors_path, "line {} has", 1)
    return KeyedVectors(words, vectors, np.asarray(counts, dtype=np.int64), norms=norms)


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
