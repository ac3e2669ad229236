"""Readers of files with a count in their header stay bounded whatever the file holds.

A sparse or zeroed gigabyte behind a plausible header (a truncated download, a file
in the vectors directory) must fail with one line in bounded time and memory, and a
reading must stop when asked.  Memory is measured in a fresh subprocess (peak RSS
over the baseline after imports); pytest-timeout is the time guard.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from w2v_core import KeyedVectors
from w2v_core.errors import ModelFileError, ReadCancelledError
from w2v_core.io import MAX_WORD_BYTES, load_vectors, load_word2vec_format, save_word2vec_format

GIGABYTE = 1 << 30

#: Run in a subprocess: load the file and report the error and the peak RSS it added.
_MEASURE = """
import json, resource, sys
from w2v_core.errors import W2VError
from w2v_core.io import load_vectors, load_word2vec_format
path, binary = sys.argv[1], json.loads(sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    if binary is None:
        load_vectors(path)
    else:
        load_word2vec_format(path, binary=binary)
    error = None
except W2VError as exc:
    error = str(exc)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"error": error, "extra_mb": (after - before) / 1024}))
"""


def _sparse(path: Path, head: bytes, size: int = GIGABYTE) -> Path:
    """``head`` followed by zeros up to ``size`` bytes (sparse: no disk used)."""
    path.write_bytes(head)
    with path.open("r+b") as handle:
        handle.truncate(size)
    return path


def _measure(path: Path, binary: bool | None) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), json.dumps(binary)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return json.loads(done.stdout)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "binary", "message"),
    [
        ("zeros", None, "no separator"),  # sniffed as binary: no word ever ends
        ("zeros", False, "no line end"),  # read as text: no line ever ends
        ("rows then zeros", True, "word 11 of 100000"),  # a truncated download
        ("rows then zeros", False, "line 12 has no line end"),
    ],
)
def test_a_sparse_gigabyte_with_a_plausible_header_fails_in_bounded_memory(
    tmp_path, case, binary, message
):
    head = b"100000 300\n"
    if case == "rows then zeros":
        rng = np.random.default_rng(0)
        words = [f"w{i}" for i in range(10)]
        kv = KeyedVectors(words, rng.random((10, 300), dtype=np.float32))
        real = tmp_path / "real"
        save_word2vec_format(kv, real, binary=bool(binary))
        head = b"100000 300\n" + real.read_bytes().split(b"\n", 1)[1]
    path = _sparse(tmp_path / "vectors.bin", head)
    result = _measure(path, binary)
    assert result["error"] is not None and message in result["error"]
    assert "\n" not in result["error"]
    assert result["extra_mb"] < 100, result


def test_a_word_longer_than_the_limit_is_refused(tmp_path):
    word = b"x" * (MAX_WORD_BYTES + 10)
    path = tmp_path / "long.bin"
    path.write_bytes(b"1 2\n" + word + b" " + np.zeros(2, "<f4").tobytes() + b"\n")
    with pytest.raises(ModelFileError, match=f"longer than {MAX_WORD_BYTES} bytes"):
        load_word2vec_format(path, binary=True)


def test_a_word_at_the_limit_is_read(tmp_path):
    word = "x" * MAX_WORD_BYTES
    path = tmp_path / "ok.bin"
    save_word2vec_format(KeyedVectors([word], np.ones((1, 2), np.float32)), path, binary=True)
    assert load_word2vec_format(path, binary=True).words == [word]


def test_a_line_without_separators_fails_with_its_number(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"2 3\na 1 2 3\nnoseparatorshere\n")
    with pytest.raises(ModelFileError, match="line 3 has 0 values, expected 3"):
        load_word2vec_format(path, binary=False)


@pytest.mark.parametrize("binary", [True, False])
def test_fewer_rows_than_promised_fail(tmp_path, binary):
    path = tmp_path / "short"
    # Long words: the file passes the size check up front and ends mid-way instead.
    kv = KeyedVectors(["a" * 100, "b" * 100], np.ones((2, 3), np.float32))
    save_word2vec_format(kv, path, binary=binary)
    path.write_bytes(path.read_bytes().replace(b"2 3\n", b"3 3\n", 1))
    with pytest.raises(ModelFileError, match="2 rows but its header promises 3|after 2 of 3"):
        load_word2vec_format(path, binary=binary)


@pytest.mark.parametrize("binary", [True, False])
def test_a_reading_stops_when_asked(tmp_path, binary):
    rows = 20_000  # several chunks, so the reader asks more than once
    rng = np.random.default_rng(1)
    kv = KeyedVectors([f"w{i}" for i in range(rows)], rng.random((rows, 100), np.float32))
    path = tmp_path / "big"
    save_word2vec_format(kv, path, binary=binary)
    asked = threading.Event()
    calls: list[int] = []

    def cancel() -> bool:
        calls.append(1)
        if len(calls) >= 2:
            asked.set()
        return asked.is_set()

    with pytest.raises(ReadCancelledError, match="reading was stopped"):
        load_vectors(path, cancel=cancel)
    assert len(calls) == 2
    # Not cancelled: the same file reads whole.
    assert len(load_vectors(path, cancel=lambda: False)) == rows
