"""Real-size vectors (issue 18), on small generated files: chunked reading, --limit,
memory-mapped files that are never written to, hostile files refused with one line."""

from __future__ import annotations

import difflib
import hashlib
import mmap
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from w2v_core import KeyedVectors, ModelFileError, io_word2vec
from w2v_core import npz as w2v_npz
from w2v_core.corpus import corpus_from_text
from w2v_core.io import load_vectors, save_model, save_vectors, save_word2vec_format
from w2v_core.train import TrainConfig, train

REPO = Path(__file__).resolve().parent.parent


def random_kv(n_words: int = 300, dim: int = 7, seed: int = 0) -> KeyedVectors:
    rng = np.random.default_rng(seed)
    words = [f"w{i}_{'é' * (i % 3)}" for i in range(n_words)]
    return KeyedVectors(words, rng.normal(size=(n_words, dim)), np.arange(n_words, 0, -1))


def bases(array: object) -> list[object]:
    """The chain of objects whose memory ``array`` views."""
    chain = []
    while (array := getattr(array, "base", None)) is not None:
        chain.append(array)
    return chain


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("chunk", [1, 7, 100, 4096])
def test_chunked_reading_equals_whole_reading(tmp_path, monkeypatch, binary, chunk):
    kv = random_kv()
    path = tmp_path / "v"
    save_word2vec_format(kv, path, binary=binary)
    whole = load_vectors(path)
    monkeypatch.setattr(io_word2vec, "CHUNK_BYTES", chunk)
    chunked = load_vectors(path)
    assert chunked.words == whole.words == kv.words
    np.testing.assert_array_equal(chunked.vectors, whole.vectors)
    np.testing.assert_array_equal(whole.vectors, kv.vectors)
    limited = load_vectors(path, limit=17)
    assert limited.words == kv.words[:17]
    np.testing.assert_array_equal(limited.vectors, kv.vectors[:17])


def test_convert_limit_keeps_the_most_frequent(tmp_path):
    kv = random_kv(50)
    source = tmp_path / "v.bin"
    save_word2vec_format(kv, source, binary=True)
    out = tmp_path / "v.npz"
    result = subprocess.run(
        [sys.executable, "-m", "w2v_core", "convert", source, out, "--limit", "5"],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    small = load_vectors(out)
    assert small.words == kv.words[:5]
    np.testing.assert_array_equal(small.vectors, kv.vectors[:5])
    # Counts that are not in file order: the largest counts win, most frequent first.
    shuffled = KeyedVectors(kv.words, kv.vectors, np.random.default_rng(1).permutation(50) + 1)
    save_vectors(shuffled, tmp_path / "s.npz")
    top = load_vectors(tmp_path / "s.npz", limit=5)
    expected = [kv.words[i] for i in np.argsort(-shuffled.counts)[:5]]
    assert top.words == expected and list(top.counts) == [50, 49, 48, 47, 46]


def test_memory_mapped_files_are_never_written_to(tmp_path):
    kv = random_kv(400, 16)
    path = tmp_path / "v.npz"
    save_vectors(kv, path)
    before, mtime = digest(path), path.stat().st_mtime_ns
    opened = load_vectors(path)
    maps = [b for b in bases(opened.vectors) if isinstance(b, mmap.mmap)]
    assert len(maps) == 1  # the matrix is the file, not a copy of it
    assert not opened.vectors.flags.writeable
    with pytest.raises(ValueError):
        opened.vectors[0, 0] = 1.0
    with pytest.raises(TypeError):
        maps[0][0] = 1  # the map itself is read-only (mode "r"), not just the view
    opened.most_similar(kv.words[3])
    opened.analogy(kv.words[1], kv.words[2], kv.words[3])
    opened.doesnt_match(kv.words[:4])
    _ = opened.normed
    del opened, maps
    assert digest(path) == before and path.stat().st_mtime_ns == mtime
    np.testing.assert_array_equal(load_vectors(path).vectors, kv.vectors)


def test_queries_on_a_mapped_file_equal_queries_in_memory(tmp_path):
    kv = random_kv(500, 12)
    save_vectors(kv, tmp_path / "v.npz")
    mapped = load_vectors(tmp_path / "v.npz")
    for word in kv.words[:20:4]:
        ours, theirs = mapped.most_similar(word, topn=5), kv.most_similar(word, topn=5)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5)


def test_model_files_old_and_new_open_as_vectors(tmp_path):
    corpus = corpus_from_text("a b c d e f g h\n" * 30)
    model = train(corpus, TrainConfig(dim=8, epochs=1, min_count=1))
    save_model(model, tmp_path / "new.npz")  # aligned, uncompressed: mapped
    save_model(model, tmp_path / "zipped.npz", compress=True)  # read into memory
    with np.load(tmp_path / "new.npz") as npz:
        np.savez(tmp_path / "old.npz", **{key: npz[key] for key in npz.files})  # unaligned
    for name in ("new", "zipped", "old"):
        kv = load_vectors(tmp_path / f"{name}.npz")
        assert kv.words == model.vocab.words
        np.testing.assert_array_equal(kv.vectors, model.w_in)


def test_aligned_members_and_zip64_headers(tmp_path, monkeypatch):
    monkeypatch.setattr(w2v_npz, "_ZIP64_FROM", 0)  # every member gets zip64 headers
    kv = random_kv(100, 5)
    save_vectors(kv, tmp_path / "v.npz")
    with open(tmp_path / "v.npz", "rb") as handle:
        members = w2v_npz.inspect(handle, "v", 10**9)
    assert all(m.data_offset % 64 == 0 for m in members.values())
    with np.load(tmp_path / "v.npz") as npz:  # any .npz reader still reads it
        np.testing.assert_array_equal(npz["vectors"], kv.vectors)
    assert load_vectors(tmp_path / "v.npz").words == kv.words


def _rewrite(path: Path, **changes: np.ndarray) -> Path:
    with np.load(path) as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays.update(changes)
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"words_utf8": np.frombuffer(b"a\nb", dtype=np.uint8)}, "2 words for 30 vectors"),
        ({"words_utf8": np.frombuffer(b"\xff" * 8, dtype=np.uint8)}, "not valid UTF-8"),
        ({"words_utf8": np.arange(3)}, "must be bytes"),
        ({"counts": np.ones(3, dtype=np.int64)}, "'counts'"),
        ({"vectors": np.ones((30, 4))}, "float32"),
        ({"vectors": np.ones((30, 4), dtype=np.float32) * np.nan}, "vector 1 has a non-finite"),
        ({"format_version": np.array(99)}, "newer"),
    ],
)
def test_hostile_vector_files_are_refused_with_one_line(tmp_path, changes, message):
    path = tmp_path / "v.npz"
    save_vectors(random_kv(30, 4), path)
    with pytest.raises(ModelFileError, match=message) as caught:
        load_vectors(_rewrite(path, **changes))
    assert "\n" not in str(caught.value)


def test_hostile_paths_are_refused_with_one_line(tmp_path):
    for path, message in [
        (tmp_path / "absent.npz", "not found"),
        (tmp_path, "is a directory"),
    ]:
        with pytest.raises(ModelFileError, match=message):
            load_vectors(path)
    os.mkfifo(tmp_path / "fifo.npz")
    writer = subprocess.Popen(["sh", "-c", f"printf 'PK\\003\\004' > {tmp_path / 'fifo.npz'}"])
    with pytest.raises(ModelFileError, match="must be a regular file"):
        load_vectors(tmp_path / "fifo.npz")
    writer.wait(10)
    with pytest.raises(ModelFileError, match="at least 1"):
        load_vectors(tmp_path / "absent.npz", limit=0)
    # A zip whose member is not an array at all.
    with zipfile.ZipFile(tmp_path / "odd.npz", "w") as archive:
        archive.writestr("kind.npy", b"not an array")
    with pytest.raises(ModelFileError):
        load_vectors(tmp_path / "odd.npz")


def test_suggestions_at_scale_equal_difflib(tmp_path):
    rng = np.random.default_rng(3)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyzé"))
    words = sorted({"".join(rng.choice(letters, rng.integers(2, 12))) for _ in range(30_000)})
    kv = KeyedVectors(words, np.zeros((len(words), 2), dtype=np.float32))
    assert len(kv) > 20_000  # above the size where suggest() prefilters
    for query in [words[5][:-1] + "x", words[100] + "s", "zzzq", words[7][1:], "é" + words[9]]:
        assert kv.suggest(query) == difflib.get_close_matches(query, words, n=5, cutoff=0.75)


def test_huge_but_finite_values_are_not_mistaken_for_infinity(tmp_path):
    vectors = np.array([[1e30, -1e30], [1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    path = tmp_path / "v.bin"
    save_word2vec_format(KeyedVectors(["big", "x", "y"], vectors), path, binary=True)
    kv = load_vectors(path)  # 1e30 squared overflows float32; the norm does not
    np.testing.assert_allclose(kv.norms, [np.sqrt(2) * 1e30, 1, 1], rtol=1e-6)
    assert kv.most_similar("x", topn=1)[0][0] == "big"
