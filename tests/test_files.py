"""Writes never destroy what they write to; readers open once and never hang (issue 13).

Every path here is under pytest's tmp_path: device nodes are made with os.mknod in it
(when the test runs as root; skipped otherwise), never the system's /dev/full or
/dev/stdout.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from w2v_core import KeyedVectors
from w2v_core.corpus import corpus_from_files, load_corpus
from w2v_core.download import DOWNLOADS, download, gutenberg_body
from w2v_core.errors import CorpusError, ModelFileError
from w2v_core.files import open_for_reading, spreadsheet_safe, write_file
from w2v_core.io import load_vectors, load_word2vec_format, save_word2vec_format

REPO = Path(__file__).resolve().parent.parent
FULL, NULL, LOOP = os.makedev(1, 7), os.makedev(1, 3), os.makedev(7, 0)


def cli(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "w2v_core", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        timeout=timeout,
    )


def one_error_line(result: subprocess.CompletedProcess, pattern: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and pattern in lines[0], lines


def mknod(path: Path, kind: int, device: int) -> Path:
    try:
        os.mknod(path, kind | 0o600, device)
    except (PermissionError, OSError) as error:
        pytest.skip(f"cannot make a device node here ({error})")
    return path


@pytest.fixture(scope="module")
def vectors_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("vec") / "v.txt"
    rng = np.random.default_rng(0)
    save_word2vec_format(KeyedVectors([f"w{i}" for i in range(30)], rng.normal(size=(30, 4))), path)
    return path


class Reader(threading.Thread):
    """Reads a FIFO to its end in the background (a writer to a FIFO needs a reader)."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.data = path, b""

    def run(self) -> None:
        with open(self.path, "rb") as handle:
            self.data = handle.read()


# --------------------------------------------------------------------------- writing


def test_export_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path, vectors_file):
    target = tmp_path / "target.txt"
    target.write_text("")
    link = tmp_path / "link.txt"
    link.symlink_to(target.name)
    assert cli("export", vectors_file, link).returncode == 0
    assert link.is_symlink() and os.readlink(link) == "target.txt"
    assert load_word2vec_format(target).words == load_word2vec_format(vectors_file).words
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "target.txt"]


def test_a_dangling_link_creates_its_target(tmp_path):
    link = tmp_path / "link"
    link.symlink_to("new.txt")
    with write_file(link, "w", encoding="utf-8") as handle:
        handle.write("hello")
    assert link.is_symlink() and (tmp_path / "new.txt").read_text() == "hello"


def test_export_to_a_fifo_streams_into_it_and_keeps_it(tmp_path, vectors_file):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    reader.start()
    result = cli("export", vectors_file, fifo)
    reader.join(10)
    assert result.returncode == 0, result.stderr
    assert reader.data == vectors_file.read_bytes()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_export_to_standard_output(tmp_path, vectors_file):
    result = cli("export", vectors_file, "-", "--format", "word2vec-binary")
    assert result.returncode == 0
    assert b"wrote 30 vectors" in result.stderr  # the report stays out of the data
    (tmp_path / "out.bin").write_bytes(result.stdout)
    np.testing.assert_array_equal(
        load_vectors(tmp_path / "out.bin").vectors, load_vectors(vectors_file).vectors
    )
    one_error_line(cli("export", vectors_file, "-", "--format", "tsv"), "--metadata")


def test_export_to_a_full_device_is_one_error_and_the_node_survives(tmp_path, vectors_file):
    full = mknod(tmp_path / "full", stat.S_IFCHR, FULL)
    one_error_line(cli("export", vectors_file, full), "No space left on device")
    info = os.lstat(full)
    assert stat.S_ISCHR(info.st_mode) and info.st_rdev == FULL


def test_export_to_a_null_device_succeeds_and_the_node_survives(tmp_path, vectors_file):
    null = mknod(tmp_path / "null", stat.S_IFCHR, NULL)
    assert cli("export", vectors_file, null).returncode == 0
    assert stat.S_ISCHR(os.lstat(null).st_mode) and os.lstat(null).st_rdev == NULL


def test_train_out_through_a_link_keeps_the_link(tmp_path):
    (tmp_path / "c.txt").write_text("the cat sat on the mat\n" * 50)
    link = tmp_path / "model.npz"
    link.symlink_to("real.npz")
    result = cli("train", tmp_path / "c.txt", "--out", link, "--epochs", "1", "--min-count", "1")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and (tmp_path / "real.npz").stat().st_size > 0


def test_a_directory_or_block_device_is_never_written(tmp_path, vectors_file):
    one_error_line(cli("export", vectors_file, tmp_path), "directory")
    block = mknod(tmp_path / "disk", stat.S_IFBLK, LOOP)
    with pytest.raises(ModelFileError, match="block device"), write_file(block) as handle:
        handle.write(b"x")
    assert stat.S_ISBLK(os.lstat(block).st_mode)


def test_a_full_disk_is_an_error_and_the_old_file_survives(tmp_path, monkeypatch):
    path = tmp_path / "v.txt"
    path.write_text("old")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(ModelFileError, match="No space left"), write_file(path) as handle:
        handle.write(b"new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["v.txt"]


# --------------------------------------------------------------------------- reading


def fifo_with_writer(path: Path, data: bytes) -> threading.Thread:
    """A FIFO whose writer writes ``data`` once and closes (like `cmd > fifo`)."""
    os.mkfifo(path)

    def write() -> None:
        with open(path, "wb") as handle:
            handle.write(data)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return writer


def test_a_corpus_fifo_is_read_once_and_does_not_hang(tmp_path):
    text = b"the quick brown fox jumps over the lazy dog\n" * 20
    (tmp_path / "same.txt").write_bytes(text)
    writer = fifo_with_writer(tmp_path / "fifo.txt", text)
    result: dict = {}
    reading = threading.Thread(
        target=lambda: result.update(corpus=load_corpus(tmp_path / "fifo.txt")), daemon=True
    )
    reading.start()
    reading.join(20)
    writer.join(1)
    assert not reading.is_alive(), "reading a FIFO hung"
    from_file = load_corpus(tmp_path / "same.txt")
    assert result["corpus"].fingerprint == from_file.fingerprint
    assert result["corpus"].n_tokens == from_file.n_tokens == 180


def test_cli_trains_on_a_fifo(tmp_path):
    fifo_with_writer(tmp_path / "fifo.txt", b"one line of words and some more words here\n")
    result = cli("train", tmp_path / "fifo.txt", "--out", tmp_path / "m.npz",
                 "--epochs", "1", "--min-count", "1", timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_vectors_from_a_fifo(tmp_path, vectors_file):
    fifo_with_writer(tmp_path / "v.fifo", vectors_file.read_bytes())
    assert load_vectors(tmp_path / "v.fifo").words == load_vectors(vectors_file).words


def test_what_cannot_be_text_is_refused_with_one_line(tmp_path):
    with pytest.raises(CorpusError, match="is a directory"):
        corpus_from_files([tmp_path])
    with pytest.raises(ModelFileError, match="is a directory"):
        load_vectors(tmp_path)
    block = mknod(tmp_path / "disk", stat.S_IFBLK, LOOP)
    with pytest.raises(CorpusError, match="block device"):
        corpus_from_files([block])
    with pytest.raises(ModelFileError, match="block device"):
        open_for_reading(block)
    one_error_line(cli("neighbors", block, "x"), "block device")


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_vectors_are_refused_with_their_line(tmp_path, binary, bad):
    vectors = np.ones((5, 3), dtype=np.float32)
    vectors[3, 1] = bad
    path = tmp_path / "v"
    save_word2vec_format(KeyedVectors(list("abcde"), vectors), path, binary=binary)
    where = "vector 4" if binary else "line 5"  # the header is line 1
    with pytest.raises(ModelFileError, match=f"{where} has a non-finite value"):
        load_vectors(path)
    result = cli("neighbors", path, "a")
    one_error_line(result, f"{where} has a non-finite value")
    assert b"RuntimeWarning" not in result.stderr


# --------------------------------------------------------------------------- CSV, Alice


@pytest.mark.parametrize("word", ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(word):
    assert spreadsheet_safe(word) == "'" + word


@pytest.mark.parametrize("word", ["king", "e=mc2", "'quoted", "", "über"])
def test_ordinary_cells_are_kept(word):
    assert spreadsheet_safe(word) == word


def test_the_map_csv_has_no_formula_cells():
    from dashboard import downloads

    words = ['=HYPERLINK("http://evil")', "king", "-1"]
    data = downloads.coordinates_csv(words, np.array([3, 2, 1]), np.zeros((3, 2)), None)
    cells = [line.split(",")[0] for line in data.decode().splitlines()[1:]]
    assert not any(cell.lstrip('"').startswith(("=", "+", "-", "@")) for cell in cells)
    assert "king" in cells


BOOK = "CHAPTER I.\nDown the Rabbit-Hole\n\nAlice was beginning to get very tired.\n\n"


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
@pytest.mark.parametrize("marker", ["*** ", "***"])
def test_alice_check_accepts_both_apostrophes_and_marker_forms(tmp_path, apostrophe, marker):
    title = f"Alice{apostrophe}s Adventures in Wonderland"
    text = (
        f"The Project Gutenberg eBook of {title}\n\n"
        f"{marker}START OF THE PROJECT GUTENBERG EBOOK {title.upper()} ***\n\n{BOOK}"
        f"{marker}END OF THE PROJECT GUTENBERG EBOOK {title.upper()} ***\nLicence.\n"
    )
    (tmp_path / DOWNLOADS["alice"].filename).write_text(text, encoding="utf-8")
    # A file placed in the cache by hand is checked and used: no network.
    path = download("alice", cache_dir=tmp_path, url="http://127.0.0.1:9/never")
    body = gutenberg_body(path.read_text(encoding="utf-8"))
    assert body.startswith("CHAPTER I.") and "Licence" not in body and "START" not in body
