"""Model files, word2vec text/binary and Projector TSV: round trips, gensim interop, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import gensim
import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKV
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w2v_core import History, KeyedVectors, Model, ModelFileError, TrainConfig, Vocab
from w2v_core import npz as w2v_npz
from w2v_core.io import (
    load_model,
    load_projector_tsv,
    load_vectors,
    load_word2vec_format,
    save_model,
    save_projector_tsv,
    save_word2vec_format,
    sniff_format,
)

GENSIM_DATA = Path(gensim.__file__).parent / "test" / "test_data"


def _model(n_words: int = 40, dim: int = 8, snapshots: bool = True, seed: int = 0) -> Model:
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(n_words)]
    words[1], words[2] = "naïve", "日本"  # non-ASCII must survive every format
    counts = np.arange(n_words, 0, -1, dtype=np.int64) * 3
    history = History(
        step_words=[100, 200, 300],
        step_loss=[4.1, 3.2, 2.5],
        step_alpha=[0.025, 0.02, 0.01],
        epoch_loss=[3.5, 2.5],
    )
    return Model(
        config=TrainConfig(dim=dim, window=3, epochs=2, min_count=1, seed=7, snapshot_words=5),
        vocab=Vocab(words, counts),
        w_in=rng.standard_normal((n_words, dim)).astype(np.float32),
        w_out=rng.standard_normal((n_words, dim)).astype(np.float32),
        history=history,
        corpus_name="unit test",
        corpus_fingerprint="ab" * 32,
        corpus_tokens=12345,
        seconds=1.5,
        words_per_sec=8230.0,
        stopped=True,
        snapshots=rng.standard_normal((3, 5, dim)).astype(np.float32) if snapshots else None,
    )


def _kv(n_words: int = 50, dim: int = 10, seed: int = 1) -> KeyedVectors:
    rng = np.random.default_rng(seed)
    words = [f"word{i}" for i in range(n_words)]
    words[3] = "café"
    return KeyedVectors(words, rng.standard_normal((n_words, dim)).astype(np.float32))


# --------------------------------------------------------------------------- .npz models


@pytest.mark.parametrize("snapshots", [True, False])
def test_model_round_trip_keeps_every_field(tmp_path, snapshots):
    model = _model(snapshots=snapshots)
    path = tmp_path / "model.npz"
    save_model(model, path)
    loaded = load_model(path)

    np.testing.assert_array_equal(loaded.w_in, model.w_in)
    np.testing.assert_array_equal(loaded.w_out, model.w_out)
    assert loaded.w_in.dtype == np.float32
    assert loaded.vocab.words == model.vocab.words
    np.testing.assert_array_equal(loaded.vocab.counts, model.vocab.counts)
    assert loaded.vocab.index == model.vocab.index
    assert loaded.config == model.config
    assert loaded.history == model.history
    for field in ("corpus_name", "corpus_fingerprint", "corpus_tokens", "seconds",
                  "words_per_sec", "stopped"):  # fmt: skip
        assert getattr(loaded, field) == getattr(model, field), field
    if snapshots:
        np.testing.assert_array_equal(loaded.snapshots, model.snapshots)
    else:
        assert loaded.snapshots is None
    assert loaded.wv.most_similar("w5", topn=3) == model.wv.most_similar("w5", topn=3)


def test_model_file_is_plain_npz_without_pickle(tmp_path):
    path = tmp_path / "plain.npz"
    save_model(_model(), path)
    with np.load(path, allow_pickle=False) as npz:
        assert npz["words"].dtype.kind == "U"
        assert npz["counts"].dtype == np.int64
        assert npz["w_in"].dtype == np.float32
        assert all(npz[key].dtype != object for key in npz.files)


def test_save_model_writes_the_exact_path_and_compressed_variant(tmp_path):
    path = tmp_path / "model.weights"  # numpy would append .npz to a str path
    save_model(_model(), path, compress=True)
    assert path.exists() and not (tmp_path / "model.weights.npz").exists()
    assert load_model(path).vocab.words[:3] == ["w0", "naïve", "日本"]
    assert sniff_format(path) == "npz"


def test_failed_save_leaves_no_temp_file_and_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    save_model(_model(seed=1), path)
    before = path.read_bytes()

    def broken_write(handle, arrays):
        handle.write(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(w2v_npz, "write", broken_write)
    with pytest.raises(ModelFileError, match="No space left"):
        save_model(_model(seed=2), path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]


def test_saved_files_get_ordinary_permissions(tmp_path):
    # The temporary file behind an atomic write is created 0600; the result must not be.
    umask = os.umask(0o022)
    try:
        save_model(_model(), tmp_path / "m.npz")
        save_word2vec_format(_kv(), tmp_path / "v.txt")
    finally:
        os.umask(umask)
    for name in ("m.npz", "v.txt"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644
    (tmp_path / "v.txt").chmod(0o600)
    save_word2vec_format(_kv(), tmp_path / "v.txt")  # replacing keeps the old permissions
    assert (tmp_path / "v.txt").stat().st_mode & 0o777 == 0o600


def test_save_into_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        save_model(_model(), tmp_path / "nowhere" / "model.npz")
    with pytest.raises(ModelFileError, match="does not exist"):
        save_word2vec_format(_kv(), tmp_path / "nowhere" / "v.txt")


def _save_arrays(path: Path, **changes) -> Path:
    """A valid model file with some arrays replaced (None deletes the key)."""
    save_model(_model(), path)
    with np.load(path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    for key, value in changes.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"w_in": None}, "missing w_in"),
        ({"w_in": np.zeros((40, 8), dtype=np.float64)}, "w_in.*float32"),
        ({"w_out": np.zeros((40, 9), dtype=np.float32)}, "differ in shape"),
        ({"w_in": np.zeros((39, 8), dtype=np.float32)}, r"w_in.*\(40, dim"),
        ({"words": np.arange(40)}, "words.*unicode"),
        ({"counts": np.zeros(3, dtype=np.int64)}, "counts.*3 entries"),
        ({"counts": np.zeros(40, dtype=np.float32)}, "counts"),
        ({"config": np.array("{not json")}, "config.*JSON"),
        ({"config": np.array('{"dim": "x", "bogus": 1}')}, "invalid training configuration"),
        ({"config": np.array('{"dim": 9}')}, "dim=9.*8"),
        ({"kind": np.array("something else")}, "not a w2v_core model"),
        ({"format_version": np.array(99)}, "newer"),
        ({"history_step_loss": np.zeros(2)}, "history"),
        ({"snapshots": np.zeros((2, 5, 3), dtype=np.float32)}, "snapshots"),
        ({"words": np.array(["a"] * 40)}, "duplicate"),
    ],
)
def test_malformed_model_fields_are_refused(tmp_path, changes, message):
    path = _save_arrays(tmp_path / "bad.npz", **changes)
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


def test_object_array_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "pickle.npz"
    save_model(_model(), path)
    with np.load(path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays["words"] = np.array([f"w{i}" for i in range(40)], dtype=object)
    np.savez(path, **arrays)
    with pytest.raises(ModelFileError, match="pickle"):
        load_model(path)


def test_truncated_model_file(tmp_path):
    path = tmp_path / "model.npz"
    save_model(_model(), path)
    data = path.read_bytes()
    for keep in (len(data) // 2, len(data) - 30, 100):
        path.write_bytes(data[:keep])
        with pytest.raises(ModelFileError):
            load_model(path)


def test_corrupt_member_inside_a_valid_zip(tmp_path):
    path = tmp_path / "model.npz"
    save_model(_model(), path)
    # Rewrite one member with a garbage header but keep the archive well-formed.
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["w_in.npy"] = b"\x93NUMPY garbage"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ModelFileError, match="corrupt"):
        load_model(path)


def test_npz_member_claiming_a_huge_shape_is_refused_without_allocating(tmp_path):
    path = tmp_path / "model.npz"
    save_model(_model(), path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    header = {"descr": "<f4", "fortran_order": False, "shape": (10**9, 100)}
    forged = tmp_path / "forged.npy"
    with open(forged, "wb") as handle:
        np.lib.format.write_array_header_1_0(handle, header)
        handle.write(b"\0" * 64)
    members["w_in.npy"] = forged.read_bytes()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    tracemalloc.start()
    with pytest.raises(ModelFileError, match="too short"):
        load_model(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50_000_000


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (os.urandom(4096), "not a w2v_core model"),
        (b"", "not a w2v_core model"),
        (b"PK\x03\x04" + os.urandom(500), "not a w2v_core model|corrupt"),
    ],
)
def test_random_bytes_are_not_a_model(tmp_path, content, message):
    path = tmp_path / "random.npz"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


def test_other_npz_files_and_missing_paths(tmp_path):
    other = tmp_path / "other.npz"
    np.savez(other, x=np.arange(3))
    with pytest.raises(ModelFileError, match="missing"):
        load_model(other)
    with pytest.raises(ModelFileError, match="not found"):
        load_model(tmp_path / "absent.npz")
    with pytest.raises(ModelFileError, match="is a directory"):
        load_model(tmp_path)


# --------------------------------------------------------------------------- word2vec formats


@pytest.mark.parametrize("binary", [False, True])
def test_word2vec_round_trip_is_exact(tmp_path, binary):
    kv = _kv()
    path = tmp_path / ("v.bin" if binary else "v.txt")
    save_word2vec_format(kv, path, binary=binary)
    for flag in (binary, None):  # explicit and auto-detected
        loaded = load_word2vec_format(path, binary=flag)
        assert loaded.words == kv.words
        np.testing.assert_array_equal(loaded.vectors, kv.vectors)
        # Counts are not in the format: rank-based pseudo counts, most frequent first.
        assert loaded.counts.tolist() == list(range(len(kv), 0, -1))
    assert sniff_format(path) == ("word2vec-binary" if binary else "word2vec")
    np.testing.assert_array_equal(load_vectors(path).vectors, kv.vectors)


def test_binary_layout_matches_the_c_tool(tmp_path):
    kv = KeyedVectors(["ab", "c"], np.array([[1.0, -2.0], [0.5, 3.0]], dtype=np.float32))
    path = tmp_path / "v.bin"
    save_word2vec_format(kv, path, binary=True)
    expected = (
        b"2 2\n"
        + b"ab " + np.array([1.0, -2.0], dtype="<f4").tobytes() + b"\n"
        + b"c " + np.array([0.5, 3.0], dtype="<f4").tobytes() + b"\n"
    )  # fmt: skip
    assert path.read_bytes() == expected


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_our_files_and_agrees(tmp_path, binary):
    kv = _kv(n_words=200, dim=16)
    path = tmp_path / "ours.w2v"
    save_word2vec_format(kv, path, binary=binary)
    theirs = GensimKV.load_word2vec_format(str(path), binary=binary)
    assert theirs.index_to_key == kv.words
    np.testing.assert_array_equal(theirs.vectors, kv.vectors)
    for word in ("word0", "café", "word77"):
        ours_top = kv.most_similar(word, topn=5)
        gensim_top = theirs.most_similar(word, topn=5)
        assert [w for w, _ in ours_top] == [w for w, _ in gensim_top]
        np.testing.assert_allclose(
            [s for _, s in ours_top], [s for _, s in gensim_top], atol=1e-5, rtol=0
        )


@pytest.mark.parametrize("binary", [False, True])
def test_we_read_gensim_files_and_agree(tmp_path, binary):
    rng = np.random.default_rng(3)
    words = [f"g{i}" for i in range(120)] + ["über"]
    theirs = GensimKV(12)
    theirs.add_vectors(words, rng.standard_normal((len(words), 12)).astype(np.float32))
    path = tmp_path / "gensim.w2v"
    theirs.save_word2vec_format(str(path), binary=binary)
    for flag in (binary, None):
        ours = load_word2vec_format(path, binary=flag)
        assert ours.words == theirs.index_to_key
        np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    gensim_top = theirs.most_similar("über", topn=5)
    ours_top = ours.most_similar("über", topn=5)
    assert [w for w, _ in ours_top] == [w for w, _ in gensim_top]
    np.testing.assert_allclose([s for _, s in ours_top], [s for _, s in gensim_top], atol=1e-5)


@pytest.mark.parametrize(
    ("name", "binary"),
    [
        ("euclidean_vectors.bin", True),
        ("high_precision.kv.bin", True),
        ("high_precision.kv.txt", False),
        ("lee_fasttext.vec", False),
    ],
)
def test_gensim_bundled_word2vec_files_load_identically(name, binary):
    path = GENSIM_DATA / name
    if not path.exists():
        pytest.skip(f"{name} not bundled with this gensim")
    theirs = GensimKV.load_word2vec_format(str(path), binary=binary)
    ours = load_word2vec_format(path)
    assert ours.words == theirs.index_to_key
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)


def test_words_with_whitespace_cannot_be_saved(tmp_path):
    kv = KeyedVectors(["new york", "b"], np.ones((2, 3), dtype=np.float32))
    for binary in (False, True):
        with pytest.raises(ModelFileError, match="new york"):
            save_word2vec_format(kv, tmp_path / "v", binary=binary)
    assert not list(tmp_path.iterdir())


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "no word2vec header"),
        (b"abc def\nx 1 2\n", "header must be 'VOCAB_SIZE DIM'"),
        (b"2.5 3\n", "header must be"),
        (b"3\n", "header must be"),
        (b"the 0.1 0.2 0.3\n", "GloVe"),
        (b"3 -5\na 1\n", "dimension -5"),
        (b"0 5\n", "0 words"),
        (b"-2 5\n", "-2 words"),
        (b"1000000000000 100\na 1\n", "more than this tool loads"),
        (b"1000000 100\na " + b"1 " * 100 + b"\n", "far too short"),
        (b"3 2\na 1 2\nb 3 4\n", "2 rows but its header promises 3"),
        (b"2 2\na 1 2\nb 3 4\nc 5 6\n", "3 rows but its header says 2"),
        (b"2 3\na 1 2 3\nb 3 4\n", "line 3 has 2 values, expected 3"),
        (b"2 3\na 1 2 3\nb 3 4 5 6\n", "line 3 has 4 values"),
        (b"2 2\na 1 2\nb 3 x\n", "line 3 has a non-numeric value"),
    ],
)
def test_malformed_text_files(tmp_path, data, message):
    path = _write(tmp_path / "bad.txt", data)
    with pytest.raises(ModelFileError, match=message):
        load_word2vec_format(path, binary=False)


def test_absurd_header_is_refused_without_allocating(tmp_path):
    # Memory, not seconds, is the measure (a timed assertion fails on a busy machine;
    # pytest-timeout guards against a hang).
    path = _write(tmp_path / "huge.bin", b"1000000000000 300\n" + os.urandom(1000))
    for binary in (None, True, False):
        tracemalloc.start()
        with pytest.raises(ModelFileError):
            load_word2vec_format(path, binary=binary)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 10_000_000
    # Plausible-looking but too large for the file: also refused before allocation.
    path = _write(tmp_path / "big.bin", b"50000000 10\n" + os.urandom(1000))
    tracemalloc.start()
    with pytest.raises(ModelFileError, match="too short"):
        load_word2vec_format(path, binary=True)
    assert tracemalloc.get_traced_memory()[1] < 10_000_000
    tracemalloc.stop()


def test_truncated_binary_file(tmp_path):
    path = tmp_path / "v.bin"
    save_word2vec_format(_kv(n_words=30, dim=20), path, binary=True)
    data = path.read_bytes()
    for cut in (len(data) - 2, len(data) - 50, len(data) - 85):
        path.write_bytes(data[:cut])
        with pytest.raises(ModelFileError, match="truncated|ends after"):
            load_word2vec_format(path, binary=True)


def test_binary_file_with_wrong_dimension_in_header(tmp_path):
    path = tmp_path / "v.bin"
    save_word2vec_format(_kv(n_words=30, dim=20), path, binary=True)
    data = path.read_bytes().replace(b"30 20\n", b"30 10\n", 1)
    path.write_bytes(data)
    with pytest.raises(ModelFileError):
        load_word2vec_format(path, binary=True)


def test_bad_utf8_words(tmp_path):
    data = b"2 2\nok 1 2\nb\xffd 3 4\n"
    path = _write(tmp_path / "latin.txt", data)
    with pytest.raises(ModelFileError, match="word 2 is not valid UTF-8"):
        load_word2vec_format(path, unicode_errors="strict")
    kv = load_word2vec_format(path)  # default: replace, like gensim's unicode_errors="replace"
    assert kv.words == ["ok", "b\ufffdd"]
    theirs = GensimKV.load_word2vec_format(str(path), unicode_errors="replace")
    assert theirs.index_to_key == kv.words

    binary = _write(tmp_path / "latin.bin", b"1 1\nb\xffd " + np.float32(1).tobytes())
    with pytest.raises(ModelFileError, match="not valid UTF-8"):
        load_word2vec_format(binary, binary=True, unicode_errors="strict")
    assert load_word2vec_format(binary).words == ["b\ufffdd"]


def test_duplicate_words_keep_the_first_vector_like_gensim(tmp_path):
    path = _write(tmp_path / "dup.txt", b"3 2\na 1 2\nb 3 4\na 5 6\n")
    kv = load_word2vec_format(path)
    theirs = GensimKV.load_word2vec_format(str(path))
    assert kv.words == ["a", "b"]
    # (gensim 4.4 leaves a stray None in index_to_key here, so compare by word.)
    for word in kv.words:
        np.testing.assert_array_equal(kv[word], theirs[word])


def test_text_file_tolerates_crlf_and_trailing_spaces(tmp_path):
    path = _write(tmp_path / "win.txt", b"2 2\r\na 1 2 \r\nb 3 4\r\n\r\n")
    kv = load_word2vec_format(path)
    assert kv.words == ["a", "b"]
    np.testing.assert_array_equal(kv.vectors, [[1, 2], [3, 4]])


def test_sniff_refuses_other_files(tmp_path):
    path = _write(tmp_path / "notes.txt", b"hello world, this is not a model\n")
    with pytest.raises(ModelFileError, match="neither"):
        load_vectors(path)
    path = _write(tmp_path / "neg.txt", b"5 -3\n")
    with pytest.raises(ModelFileError, match="dimension -3"):
        load_vectors(path)


# --------------------------------------------------------------------------- Projector TSV


def test_projector_tsv_round_trip_and_layout(tmp_path):
    kv = KeyedVectors(
        ["the", "café", "x"],
        np.array([[0.1, -2.0], [3.5, 1e-8], [0.0, 7.0]], dtype=np.float32),
        np.array([10, 5, 1]),
    )
    vectors, metadata = tmp_path / "vectors.tsv", tmp_path / "metadata.tsv"
    save_projector_tsv(kv, vectors, metadata)
    assert metadata.read_text(encoding="utf-8").splitlines() == [
        "word\tcount", "the\t10", "café\t5", "x\t1",
    ]  # fmt: skip
    first = vectors.read_text().splitlines()[0].split("\t")
    assert len(first) == 2 and float(first[0]) == pytest.approx(0.1)
    loaded = load_projector_tsv(vectors, metadata)
    assert loaded.words == kv.words
    np.testing.assert_array_equal(loaded.vectors, kv.vectors)
    np.testing.assert_array_equal(loaded.counts, kv.counts)


def test_projector_tsv_errors(tmp_path):
    kv = KeyedVectors(["tab\tword"], np.ones((1, 2), dtype=np.float32))
    with pytest.raises(ModelFileError, match="tab"):
        save_projector_tsv(kv, tmp_path / "v.tsv", tmp_path / "m.tsv")
    vectors = _write(tmp_path / "v.tsv", b"1\t2\n3\t4\n")
    metadata = _write(tmp_path / "m.tsv", b"word\tcount\na\t1\n")
    with pytest.raises(ModelFileError, match="1 words but.*2 vectors"):
        load_projector_tsv(vectors, metadata)
    _write(vectors, b"1\t2\n3\n")
    _write(metadata, b"a\nb\n")  # the one-column, header-less form
    with pytest.raises(ModelFileError, match="line 2 has 1 values"):
        load_projector_tsv(vectors, metadata)
    _write(vectors, b"1\t2\n3\t4\n")
    assert load_projector_tsv(vectors, metadata).words == ["a", "b"]


# --------------------------------------------------------------------------- property tests

_word = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(_word, min_size=1, max_size=12, unique=True),
    dim=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    data=st.data(),
)
def test_all_formats_round_trip_arbitrary_words_and_floats(tmp_path, words, dim, seed, data):
    rng = np.random.default_rng(seed)
    vectors = (rng.standard_normal((len(words), dim)) * 10.0 ** rng.integers(-30, 30)).astype(
        np.float32
    )
    # (nan and inf are refused by the readers: see test_non_finite_vectors_are_refused)
    special = data.draw(st.sampled_from([0.0, -0.0, 1e-45, -1e-45, 3.4e38, -3.4e38]))
    vectors[0, 0] = special
    kv = KeyedVectors(words, vectors, np.arange(len(words), 0, -1))
    for binary in (False, True):
        path = tmp_path / f"prop{int(binary)}"
        save_word2vec_format(kv, path, binary=binary)
        loaded = load_word2vec_format(path)
        assert loaded.words == words
        np.testing.assert_array_equal(loaded.vectors, vectors)
    save_projector_tsv(kv, tmp_path / "v.tsv", tmp_path / "m.tsv")
    loaded = load_projector_tsv(tmp_path / "v.tsv", tmp_path / "m.tsv")
    assert loaded.words == words
    np.testing.assert_array_equal(loaded.vectors, vectors)


# --------------------------------------------------------------------------- compression bombs

BOMB_SCRIPT = """
import resource, sys
from w2v_core.errors import ModelFileError
from w2v_core.io import load_model, load_vectors
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for load in (load_model, load_vectors):
    try:
        load(sys.argv[1])
    except ModelFileError as error:
        print(error)
    else:
        print("LOADED")
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def _bomb(path: Path, n_words: int = 1000, dim: int = 100_000) -> Path:
    """A valid-looking model whose w_in/w_out declare honestly n_words x dim zeros, deflated."""
    model = _model()
    save_model(model, path)
    with np.load(path) as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays["words"] = np.array([f"w{i}" for i in range(n_words)])
    arrays["counts"] = np.ones(n_words, dtype=np.int64)
    arrays["config"] = np.array(json.dumps({**model.config.to_dict(), "dim": dim}))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, value in arrays.items():
            if key in ("w_in", "w_out"):
                continue
            with archive.open(f"{key}.npy", "w") as member:
                np.lib.format.write_array(member, value, allow_pickle=False)
        block = np.zeros((100, dim), dtype=np.float32).tobytes()
        for key in ("w_in", "w_out"):
            with archive.open(f"{key}.npy", "w", force_zip64=True) as member:
                header = {"descr": "<f4", "fortran_order": False, "shape": (n_words, dim)}
                np.lib.format.write_array_header_2_0(member, header)
                for _ in range(n_words // 100):
                    member.write(block)
    return path


def test_a_compression_bomb_is_refused_from_its_headers(tmp_path):
    path = _bomb(tmp_path / "bomb.npz")
    assert path.stat().st_size < 5_000_000  # 800 MB of arrays in a few hundred kB
    result = subprocess.run(
        [sys.executable, "-c", BOMB_SCRIPT, str(path)],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    *messages, grown_mb = result.stdout.split("\n")[:-1]
    assert len(messages) == 2 and all("compression bomb" in m for m in messages), result
    assert int(grown_mb) < 100  # the process's peak memory, measured in a fresh process


def test_an_array_disagreeing_with_the_vocabulary_is_refused_before_reading(tmp_path):
    path = tmp_path / "m.npz"
    save_model(_model(), path)
    with np.load(path) as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays["words"] = arrays["words"][:10]
    np.savez(path, **arrays)
    with pytest.raises(ModelFileError, match=r"w_in.*\(10, dim"):
        load_model(path)
    with pytest.raises(ModelFileError, match=r"w_in.*\(10, dim"):
        load_vectors(path)


def test_max_bytes_limits_what_a_file_may_ask_for(tmp_path):
    path = tmp_path / "m.npz"
    save_model(_model(), path)
    with pytest.raises(ModelFileError, match="more than"):
        load_model(path, max_bytes=1000)
    assert len(load_model(path, max_bytes=10**8).vocab) == 40
