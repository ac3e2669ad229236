"""The benchmarks' data: where the test files are, how they are read, which words a
set of vectors knows, and how a result is written as JSON (``nan`` as ``null``).

The datasets are the copies bundled with gensim's test data, found on disk without
importing gensim; every function also takes an explicit path.
"""

from __future__ import annotations

import importlib.util
import math
import os
from pathlib import Path

from .errors import W2VError
from .files import open_for_reading
from .intervals import Interval
from .vectors import KeyedVectors

PathLike = str | os.PathLike

#: File names of the datasets inside gensim's ``test/test_data`` directory.
DATASET_FILES = {
    "ws353": "wordsim353.tsv",
    "simlex999": "simlex999.txt",
    "analogies": "questions-words.txt",
}


def dataset_path(name: str, data_dir: PathLike | None = None) -> Path:
    """Path of a bundled dataset (``"ws353"``, ``"simlex999"`` or ``"analogies"``).

    ``data_dir`` is a directory holding files with gensim's names
    (:data:`DATASET_FILES`); by default gensim's installed ``test/test_data``.

    Raises
    ------
    W2VError
        For an unknown name, or when gensim's test data is not installed.
    """
    if name not in DATASET_FILES:
        raise W2VError(f"unknown dataset {name!r}; choose from {', '.join(DATASET_FILES)}")
    if data_dir is not None:
        candidate = Path(data_dir) / DATASET_FILES[name]
        if candidate.is_file():
            return candidate
        raise W2VError(f"dataset '{name}' not found: {candidate} does not exist")
    # find_spec locates the package on disk without executing (importing) it.
    spec = importlib.util.find_spec("gensim")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / "test" / "test_data" / DATASET_FILES[name]
        if candidate.is_file():
            return candidate
    raise W2VError(
        f"dataset '{name}' ({DATASET_FILES[name]}) not found: it ships with gensim's test "
        "data; install gensim or give a directory holding the file"
    )


def read_word_pairs(path: PathLike) -> list[tuple[str, str, float]]:
    """Read ``word1<TAB>word2<TAB>score`` lines, lower-cased; ``#`` lines are comments.

    Malformed lines are skipped, as gensim does.
    """
    pairs = []
    for line in _read_text(path):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            continue
        try:
            score = float(fields[2])
        except ValueError:
            continue
        pairs.append((fields[0].strip().lower(), fields[1].strip().lower(), score))
    return pairs


def read_analogies(path: PathLike) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """Read ``questions-words.txt``: ``": name"`` section headers, then ``a b c d`` lines.

    Words are lower-cased; lines without exactly four words are skipped.

    Raises
    ------
    W2VError
        If a question comes before the first section header.
    """
    sections: list[tuple[str, list[tuple[str, str, str, str]]]] = []
    for line_no, line in enumerate(_read_text(path), start=1):
        if line.startswith(":"):
            sections.append((line.lstrip(":").strip(), []))
            continue
        words = line.lower().split()
        if len(words) != 4:
            continue
        if not sections:
            raise W2VError(f"{path}: line {line_no} comes before any ': section' header")
        sections[-1][1].append((words[0], words[1], words[2], words[3]))
    return sections


def _read_text(path: PathLike) -> list[str]:
    # files.open_for_reading: one-line errors for a missing file, a directory, no access.
    with open_for_reading(path, "dataset file", W2VError) as handle:
        data = handle.read()
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise W2VError(f"dataset file is not UTF-8 text: {path}") from None


def ok_vocab(kv: KeyedVectors, restrict_vocab: int | None) -> dict[str, int]:
    """Lower-cased word -> row, among the first ``restrict_vocab`` rows.

    When several rows lower-case to the same word, the first (most frequent) wins,
    exactly as in gensim's case-insensitive evaluation.
    """
    limit = len(kv) if restrict_vocab is None else min(restrict_vocab, len(kv))
    ok: dict[str, int] = {}
    for row, word in enumerate(kv.words[:limit]):
        ok.setdefault(word.lower(), row)
    return ok


# --------------------------------------------------------------------------- JSON


def json_float(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def json_interval(interval: Interval | None) -> list[float] | None:
    return None if interval is None else [round(interval[0], 6), round(interval[1], 6)]
