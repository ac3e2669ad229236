"""Hostile or broken input: readers, names that look like paths, limits, markup in text.

Property-based (hypothesis) where the input space is large:

* the word2vec text and binary readers, format sniffing, the Projector TSV reader and
  the ``.npz`` model reader on random bytes, on truncated valid files and (for models)
  on valid files with flipped bytes: a :class:`ModelFileError` or a valid result,
  never another exception, never a hang (a deadline per example) and never a large
  allocation for a header that lies;
* pasted text of arbitrary Unicode;
* names from users -- corpus names, uploaded and imported file names, cache keys --
  that try to address a path outside the cache or temporary directory;
* the app's limits (:class:`dashboard.settings.AppLimits`) from arbitrary environment
  values, and their messages.
"""

from __future__ import annotations

import io
import os
import re
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from planted import planted_text

from dashboard.corpora import CorpusStore, corpus_from_paste, corpus_from_uploads
from dashboard.runs import RegistrySettings, Run, RunRegistry, is_run_key
from dashboard.settings import (
    DEFAULT_MAX_CORPUS_TOKENS,
    ENV_MAX_CORPUS_TOKENS,
    ENV_MAX_UPLOAD_MB,
    ENV_MAX_VOCAB,
    AppLimits,
)
from dashboard.sidebar import SLIDERS, slider_range
from dashboard.views.export import file_stem, load_imported
from w2v_core.corpus import TOKEN_PATTERN, corpus_from_text
from w2v_core.errors import CorpusError, ModelFileError, W2VError
from w2v_core.io import (
    load_model,
    load_projector_tsv,
    load_vectors,
    load_word2vec_format,
    save_model,
    save_word2vec_format,
    sniff_format,
)
from w2v_core.train import LIMITS, TrainConfig, run_key, train
from w2v_core.vectors import KeyedVectors

#: Per example: a reader that takes longer than this on a few kB is hanging.
DEADLINE_MS = 2000
FUZZ = settings(
    max_examples=150,
    deadline=DEADLINE_MS,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TOKEN = re.compile(TOKEN_PATTERN)


def write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


def read_cleanly(read, path: Path):
    """Call a reader: it returns a result or raises ModelFileError, nothing else."""
    try:
        return read(path)
    except ModelFileError as error:
        message = str(error)
        assert message and "\n" not in message
        return None


@pytest.fixture(scope="module")
def model_files(tmp_path_factory) -> dict[bool, bytes]:
    """A small valid model file, uncompressed (as the app saves) and compressed."""
    corpus = corpus_from_text(planted_text(300, seed=1))
    model = train(corpus, TrainConfig(dim=4, epochs=1, min_count=1, snapshot_words=3))
    directory = tmp_path_factory.mktemp("model")
    files = {}
    for compress in (False, True):
        path = directory / f"m{int(compress)}.npz"
        save_model(model, path, compress=compress)
        files[compress] = path.read_bytes()
    return files


words_strategy = st.lists(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=6,
    ),
    min_size=1,
    max_size=6,
    unique=True,
)


def vector_file(tmp_path: Path, words: list[str], dim: int, binary: bool) -> bytes:
    rng = np.random.default_rng(len(words) * 31 + dim)
    kv = KeyedVectors(words, rng.standard_normal((len(words), dim)).astype(np.float32))
    path = tmp_path / ("valid.bin" if binary else "valid.txt")
    save_word2vec_format(kv, path, binary=binary)
    return path.read_bytes()


# --------------------------------------------------------------------------- random bytes


READERS = {
    "word2vec text": lambda p: load_word2vec_format(p, binary=False),
    "word2vec binary": lambda p: load_word2vec_format(p, binary=True),
    "word2vec detected": lambda p: load_word2vec_format(p),
    "any format": load_vectors,
    "sniff": sniff_format,
    "model": load_model,
}


@FUZZ
@given(reader=st.sampled_from(sorted(READERS)), data=st.binary(max_size=4096))
@example(reader="word2vec binary", data=b"3 2\n")
@example(reader="word2vec text", data=b"1 1\n\xff\xfe 1\n")
@example(reader="any format", data=b"PK\x03\x04")
@example(reader="model", data=b"PK\x05\x06" + bytes(18))
def test_readers_on_random_bytes_fail_cleanly(tmp_path, reader, data):
    read_cleanly(READERS[reader], write(tmp_path, "random", data))


@FUZZ
@given(
    header=st.tuples(st.integers(-(10**15), 10**15), st.integers(-(10**15), 10**15)).map(
        lambda t: f"{t[0]} {t[1]}\n".encode()
    ),
    body=st.binary(max_size=512),
    binary=st.sampled_from([None, True, False]),
)
@example(header=b"1000000000000 100\n", body=b"a 1\n", binary=None)
@example(header=b"5 -3\n", body=b"", binary=True)
def test_a_lying_header_is_refused_before_anything_large_is_allocated(
    tmp_path, header, body, binary
):
    path = write(tmp_path, "header", header + body)
    tracemalloc.start()
    try:
        read_cleanly(lambda p: load_word2vec_format(p, binary=binary), path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000, f"{peak / 1e6:.1f} MB allocated for a {path.stat().st_size} B file"


@FUZZ
@given(vectors=st.binary(max_size=2048), metadata=st.binary(max_size=2048))
def test_projector_tsv_reader_on_random_bytes_fails_cleanly(tmp_path, vectors, metadata):
    v, m = write(tmp_path, "v.tsv", vectors), write(tmp_path, "m.tsv", metadata)
    read_cleanly(lambda _: load_projector_tsv(v, m), v)


# --------------------------------------------------------------------------- truncated files


@FUZZ
@given(
    words=words_strategy,
    dim=st.integers(1, 5),
    binary=st.booleans(),
    cut=st.floats(0.0, 1.0, exclude_max=True),
)
def test_truncated_word2vec_files_fail_cleanly_or_keep_every_word(
    tmp_path, words, dim, binary, cut
):
    data = vector_file(tmp_path, words, dim, binary)
    path = write(tmp_path, "cut", data[: int(len(data) * cut)])
    kv = read_cleanly(lambda p: load_word2vec_format(p, binary=binary), path)
    if kv is not None:
        # Only a cut in the last row can leave a readable file: in the final newline
        # (binary), or inside the last number (text, which has no checksum).
        assert kv.words == words
        last_row = data.rstrip(b"\n").rfind(b"\n") if not binary else len(data) - 2
        assert path.stat().st_size > last_row


@FUZZ
@given(cut=st.integers(0, 10**9), compress=st.booleans())
def test_truncated_model_files_are_refused(tmp_path, model_files, cut, compress):
    model_bytes = model_files[compress]
    size = cut % len(model_bytes)
    path = write(tmp_path, "cut.npz", model_bytes[:size])
    assert read_cleanly(load_model, path) is None
    assert read_cleanly(load_vectors, path) is None


@settings(FUZZ, max_examples=400)
@given(
    flips=st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 255)), max_size=4),
    compress=st.booleans(),
)
def test_model_files_with_flipped_bytes_fail_cleanly_or_load_valid(
    tmp_path, model_files, flips, compress
):
    data = bytearray(model_files[compress])
    for position, xor in flips:
        data[position % len(data)] ^= xor
    model = read_cleanly(load_model, write(tmp_path, "flipped.npz", bytes(data)))
    if model is not None:  # a flip in unused zip metadata: the model is still consistent
        assert model.w_in.shape == model.w_out.shape and model.w_in.dtype == np.float32
        assert len(model.vocab.words) == model.w_in.shape[0]


def test_a_model_file_with_a_pickled_member_is_refused_without_unpickling(tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": True}], dtype=object), allow_pickle=True)
    path = tmp_path / "pickle.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("w_in.npy", buffer.getvalue())
    with pytest.raises(ModelFileError, match="pickle"):
        load_model(path)


# --------------------------------------------------------------------------- pasted text


@settings(max_examples=200, deadline=DEADLINE_MS)
@given(
    text=st.text(max_size=400)
    | st.lists(
        st.sampled_from(
            [
                "<script>alert(1)</script>",
                "<img src=x onerror=alert(1)>",
                "**bold**",
                "[x](javascript:alert(1))",
                "\x00",
                "\u202e",
                "\ufeff",
                "café",
                "\n",
                " ",
                "word",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_pasted_text_of_any_kind_gives_a_corpus_of_plain_words_or_a_clear_error(text):
    try:
        corpus = corpus_from_paste(text)
    except CorpusError as error:
        assert "\n" not in str(error)
        return
    assert corpus.words and corpus.n_tokens >= len(corpus.words)
    for word in corpus.words:
        assert TOKEN.fullmatch(word), word
        assert not set(word) & set("<>/=()[]*\x00")


# --------------------------------------------------------------------------- names and paths

HOSTILE_NAMES = [
    "../../etc/passwd",
    "/etc/passwd",
    "..",
    "a/../../b",
    "name\x00.txt",
    "C:\\Windows\\win.ini",
    "~/.bashrc",
    "%2e%2e%2fetc%2fpasswd",
    "<img src=x onerror=alert(1)>.txt",
    "",
]


@pytest.fixture
def registry(tmp_path):
    registry = RunRegistry(RegistrySettings(tmp_path / "cache" / "runs"))
    yield registry
    registry.close()


def outside_files(tmp_path: Path) -> set[Path]:
    """Every file under tmp_path but outside the cache directory."""
    return {p for p in tmp_path.rglob("*") if p.is_file() and "cache" not in p.parts}


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_keys_that_look_like_paths_touch_nothing_outside_the_cache(tmp_path, registry, name):
    victim = tmp_path / "victim.npz"
    victim.write_bytes(b"keep me")
    (tmp_path / "victim.json").write_text("{}")
    for key in (name, f"../../{victim.stem}", str(victim.with_suffix("")), "0" * 64 + "/../x"):
        assert not is_run_key(key)
        assert registry.fetch(key) == (None, None)
        assert not registry.is_cached(key)
        registry.forget(key)
        registry.set_scores(key, {"ws353": 1.0})
        with pytest.raises(ValueError):
            registry.disk.paths(key)
    assert victim.read_bytes() == b"keep me" and (tmp_path / "victim.json").exists()
    assert outside_files(tmp_path) == {victim, tmp_path / "victim.json"}


@settings(max_examples=300, deadline=None)
@given(key=st.text(max_size=80))
@example(key="a" * 64)
def test_only_sha256_hex_keys_name_cache_files(key):
    assert is_run_key(key) == bool(re.fullmatch(r"[0-9a-f]{64}", key))


def test_an_imported_run_is_never_written_to_the_cache(tmp_path, registry):
    kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    run = Run.from_file("import-../../escape", kv, "../../escape.txt")
    registry.disk.save(run)
    registry.disk.write_info(run)
    assert not any(p.suffix in (".npz", ".json") for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_uploaded_file_names_never_become_paths(tmp_path, monkeypatch, name):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.chdir(tmp_path)
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    target = tmp_path / "escaped.txt"
    names = [name, str(target), "../" * 12 + str(target).lstrip("/")]
    files = [(n, planted_text(50, seed=i).encode()) for i, n in enumerate(names)]
    loaded = corpus_from_uploads(files, limit_mb=1)
    assert loaded.corpus.n_tokens > 0
    assert not target.exists()
    assert outside_files(tmp_path) == set()  # the private temporary files are gone too
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_imported_file_names_never_become_paths(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    data = b"2 2\napple 1 0\npear 0 1\n"
    run = load_imported(name, data, limit_mb=1)
    assert run.corpus_name == name and run.kv.words == ["apple", "pear"]
    with pytest.raises(W2VError) as error:
        load_imported(name, data[:-6], limit_mb=1)
    assert "w2v-import" not in str(error.value)  # the private path is not disclosed
    assert outside_files(tmp_path) == set()


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=60), key=st.text(max_size=70))
@example(name="../../etc/passwd", key="import-../../x")
def test_export_file_names_are_always_plain(name, key):
    kv = KeyedVectors(["a"], np.ones((1, 2), dtype=np.float32))
    stem = file_stem(Run(key=key, kv=kv, name=name))
    assert re.fullmatch(r"[A-Za-z0-9_-]+", stem), stem


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_built_in_corpus_names_are_a_fixed_list(name):
    with pytest.raises(CorpusError, match="unknown built-in corpus"):
        CorpusStore().load(name)


# --------------------------------------------------------------------------- the app's limits


@settings(max_examples=200, deadline=None)
@given(
    env=st.dictionaries(
        st.sampled_from(
            [ENV_MAX_CORPUS_TOKENS, ENV_MAX_VOCAB, ENV_MAX_UPLOAD_MB, "W2V_MAX_PASTE_CHARS"]
        ),
        st.text(max_size=12)
        | st.integers(-(10**12), 10**12).map(str)
        | st.floats(allow_nan=True, allow_infinity=True).map(str),
    )
)
def test_limits_from_any_environment_are_positive_numbers(env):
    limits = AppLimits.from_env(env)
    assert limits.max_corpus_tokens >= 1 and limits.max_vocab >= 2
    assert limits.max_upload_mb > 0 and limits.max_paste_chars >= 1
    assert all(np.isfinite(float(v)) for v in limits.__dict__.values())


def test_limits_default_and_read_from_the_environment():
    assert AppLimits.from_env({}) == AppLimits()
    assert AppLimits().max_corpus_tokens == DEFAULT_MAX_CORPUS_TOKENS
    env = {ENV_MAX_CORPUS_TOKENS: "1000", ENV_MAX_VOCAB: "50", ENV_MAX_UPLOAD_MB: "2.5"}
    assert AppLimits.from_env(env) == AppLimits(1000, 50, 2.5)


@settings(max_examples=60, deadline=None)
@given(
    limit=st.integers(2, 60),
    min_count=st.integers(1, 5),
    seed=st.integers(0, 1000),
)
def test_the_vocabulary_message_names_the_limit_and_a_min_count_that_fits(limit, min_count, seed):
    corpus = corpus_from_text(planted_text(60, seed=seed))
    limits = AppLimits(max_vocab=limit)
    size = int(np.count_nonzero(corpus.counts >= min_count))
    problem = limits.vocabulary_problem(corpus, min_count)
    if size <= limit:
        assert problem is None
        return
    assert ENV_MAX_VOCAB in problem and f"{limit:,}" in problem
    fitting = int(re.search(r"raise the min-count to (\d+)", problem).group(1))
    assert fitting > min_count
    assert np.count_nonzero(corpus.counts >= fitting) <= limit
    assert np.count_nonzero(corpus.counts >= fitting - 1) > limit


def test_corpus_and_upload_messages_name_the_limit_and_its_variable():
    corpus = corpus_from_text(planted_text(100, seed=1))
    assert AppLimits().corpus_problem(corpus) is None
    problem = AppLimits(max_corpus_tokens=10).corpus_problem(corpus)
    assert f"{corpus.n_tokens:,} words" in problem and ENV_MAX_CORPUS_TOKENS in problem
    problem = AppLimits(max_upload_mb=1).upload_problem(2_000_000)
    assert "2.0 MB" in problem and "1 MB" in problem and ENV_MAX_UPLOAD_MB in problem
    assert AppLimits(max_upload_mb=1).upload_problem(1_000_000) is None
    assert ENV_MAX_VOCAB in AppLimits(max_vocab=10).vectors_problem(11)


def test_imports_respect_the_vocabulary_limit():
    data = b"3 2\na 1 0\nb 0 1\nc 1 1\n"
    assert len(load_imported("v.txt", data, limit_mb=1, max_words=3).kv) == 3
    with pytest.raises(W2VError, match=ENV_MAX_VOCAB):
        load_imported("v.txt", data, limit_mb=1, max_words=2)


@pytest.mark.parametrize("name", sorted(SLIDERS))
def test_sliders_stay_inside_the_configuration_limits(name):
    low, high, step = slider_range(name)
    limit_low, limit_high = LIMITS[name]
    assert limit_low <= low < high <= limit_high and step >= 1
    for value in (low, high):
        TrainConfig(**{name: value}).validate()


def test_a_wrong_number_in_the_environment_is_ignored_with_a_warning(caplog):
    with caplog.at_level("WARNING"):
        limits = AppLimits.from_env({ENV_MAX_VOCAB: "lots", ENV_MAX_UPLOAD_MB: "-3"})
    assert limits == AppLimits()
    assert ENV_MAX_VOCAB in caplog.text and ENV_MAX_UPLOAD_MB in caplog.text


def test_run_keys_depend_on_every_setting_not_on_names():
    config = TrainConfig(dim=8)
    assert is_run_key(run_key("fingerprint", config))
    assert run_key("fingerprint", config) != run_key("fingerprint", TrainConfig(dim=9))
    assert os.sep not in run_key("../../etc/passwd", config)


# --------------------------------------------------------------------------- in the app

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("W2V_AUTOTRAIN", "0")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def start_app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def errors_of(at) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", str(e.value)) for e in at.error]


def test_the_app_refuses_a_corpus_over_the_limit_and_says_how_to_change_it(app_env, monkeypatch):
    monkeypatch.setenv(ENV_MAX_CORPUS_TOKENS, "500")
    at = start_app()
    at.radio(key="corpus_source").set_value("paste").run()
    at.text_area(key="paste_text").input(planted_text(400, seed=2)).run()
    assert not at.exception
    assert any("limit of 500" in e and ENV_MAX_CORPUS_TOKENS in e for e in errors_of(at))
    assert at.button(key="train").proto.disabled


def test_the_app_refuses_a_vocabulary_over_the_limit_and_names_a_min_count(app_env, monkeypatch):
    monkeypatch.setenv(ENV_MAX_VOCAB, "20")
    at = start_app()
    at.radio(key="corpus_source").set_value("paste").run()
    at.text_area(key="paste_text").input(planted_text(400, seed=2)).run()
    at.slider(key="hp_min_count").set_value(1).run()
    assert not at.exception
    problems = [e for e in errors_of(at) if ENV_MAX_VOCAB in e]
    assert problems and "raise the min-count to" in problems[0]
    assert at.button(key="train").proto.disabled
    fitting = int(re.search(r"min-count to (\d+)", problems[0]).group(1))
    at.slider(key="hp_min_count").set_value(fitting).run()
    assert not [e for e in errors_of(at) if ENV_MAX_VOCAB in e]
    assert not at.button(key="train").proto.disabled


def test_the_paste_box_is_limited(app_env, monkeypatch):
    monkeypatch.setenv("W2V_MAX_PASTE_CHARS", "1000")
    at = start_app()
    at.radio(key="corpus_source").set_value("paste").run()
    assert at.text_area(key="paste_text").proto.max_chars == 1000
    at.text_area(key="paste_text").input("word " * 300).run()  # a client that ignores it
    assert not at.exception
    assert at.text_area(key="paste_text").value == ""  # Streamlit refuses the value
    assert at.button(key="train").proto.disabled


def test_hostile_upload_names_in_the_app_stay_names(app_env):
    at = start_app()
    at.radio(key="corpus_source").set_value("upload").run()
    target = app_env / "escaped.txt"
    files = [
        ("../" * 12 + str(target).lstrip("/"), planted_text(200, seed=1).encode(), "text/plain"),
        ("<img src=x onerror=alert(1)>.txt", planted_text(200, seed=2).encode(), "text/plain"),
    ]
    at.file_uploader(key="upload_files").set_value(files).run()
    assert not at.exception and not at.error
    assert not target.exists()
    assert outside_files(app_env) == set()


def test_every_setting_an_operator_can_change_is_listed_with_its_default():
    import dashboard.runs.registry as runs
    import dashboard.settings as app_settings

    listed = {name for name, _, _ in app_settings.ENVIRONMENT}
    variables = {
        value
        for module in (runs, app_settings)
        for name, value in vars(module).items()
        if name.startswith("ENV_")
    }
    assert variables <= listed, variables - listed
    defaults = dict((name, default) for name, default, _ in app_settings.ENVIRONMENT)
    assert defaults[runs.ENV_MAX_RUNS] == str(runs.DEFAULT_MAX_RUNS)
    assert defaults[runs.ENV_DISK_MB] == f"{runs.DEFAULT_DISK_MB:g}"
