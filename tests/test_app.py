"""The dashboard driven through Streamlit's AppTest: every tab, and every bad input.

Each test uses its own cache directory (``W2V_CACHE_DIR``) and a tiny pasted corpus,
so it trains in well under a second; only the quick-demo test trains the toy corpus.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from pip_index import pip_only_from
from planted import planted_text
from streamlit.testing.v1 import AppTest

from dashboard.runs import Run
from dashboard.sidebar import ALPHA_CHOICES, PRESETS, SAMPLE_CHOICES
from dashboard.views.export import FORMATS, export_bytes, file_stem, load_imported
from w2v_core.corpus import corpus_from_text
from w2v_core.errors import W2VError
from w2v_core.io import load_model, load_projector_tsv, load_word2vec_format, save_vectors
from w2v_core.train import TrainConfig, run_key, train
from w2v_core.vectors import KeyedVectors

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
TIMEOUT = 120
TEXT = planted_text(800, seed=5)
SMALL = {"hp_dim": 10, "hp_epochs": 2, "hp_min_count": 2, "hp_window": 3}


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A private cache directory, no training on open, a 1 MB upload limit."""
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("W2V_AUTOTRAIN", "0")
    monkeypatch.setenv("W2V_MAX_UPLOAD_MB", "1")
    monkeypatch.setenv("W2V_MAX_CONCURRENT_TRAININGS", "2")
    return tmp_path


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    """No exception reached the page."""
    assert not at.exception, [e.value for e in at.exception]


def texts(elements) -> list[str]:
    """The text of elements, with Markdown escapes removed."""
    return [re.sub(r"\\(.)", r"\1", str(e.value)) for e in elements]


def use_paste(at: AppTest, text: str = TEXT) -> None:
    at.radio(key="corpus_source").set_value("paste").run()
    at.text_area(key="paste_text").input(text).run()
    ok(at)


def set_settings(at: AppTest, **values) -> None:
    for key, value in {**SMALL, **values}.items():
        at.slider(key=key).set_value(value)
    at.run()
    ok(at)


def train_clicked(at: AppTest) -> None:
    at.button(key="train").click().run()
    ok(at)


def open_tab(at: AppTest, name: str) -> None:
    at.session_state["tab"] = name
    at.run()
    ok(at)


def trained_app(**values) -> AppTest:
    at = start()
    use_paste(at)
    set_settings(at, **values)
    train_clicked(at)
    assert at.session_state["active"] is not None
    open_tab(at, "Training")
    return at


def charts(at: AppTest) -> list:
    return at.get("plotly_chart")


def write_w2v_text(path: Path, words: list[str], vectors: np.ndarray) -> bytes:
    lines = [f"{len(words)} {vectors.shape[1]}"]
    for word, row in zip(words, vectors, strict=True):
        lines.append(word + " " + " ".join(f"{x:.4f}" for x in row))
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(data)
    return data


# --------------------------------------------------------------------------- opening and training


def test_opens_on_the_quick_demo_trained_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("W2V_AUTOTRAIN", "1")
    at = start()  # trains the toy corpus on first visit
    assert at.radio(key="preset").value == "Quick demo"
    assert any("Showing: toy" in c for c in texts(at.caption))
    # it opens on the Overview: the map, the analogy answered, one word's neighbours
    assert [c.proto.id for c in charts(at)] and len(charts(at)) == 1
    assert any("king − man + woman = **queen**" in m for m in texts(at.markdown))
    assert any("Closest words to" in m for m in texts(at.markdown))
    open_tab(at, "Training")
    assert len(charts(at)) == 2  # loss per step and per epoch
    key = at.session_state["active"]
    assert (tmp_path / "runs" / f"{key}.npz").is_file()

    again = start()  # another session (or a reload): from memory, no training
    # shown in its first script run, with no training job: it came from the cache
    assert again.session_state["active"] == key and again.session_state["job"] is None

    st.cache_resource.clear()  # a server restart: from disk
    restarted = start()
    assert restarted.session_state["active"] == key
    open_tab(restarted, "Analogies")
    examples = restarted.dataframe[1].value
    assert (examples["right?"] == "✓").mean() >= 0.9, examples


def test_train_pasted_text_and_see_every_tab(env):
    at = trained_app()
    assert any("Showing: pasted text" in c for c in texts(at.caption))
    assert len(charts(at)) == 2
    runs = at.main.dataframe[0].value
    assert list(runs["corpus"]) == ["pasted text"] and runs["status"][0] == "complete"

    open_tab(at, "Overview")
    assert len(charts(at)) == 1 and not at.exception
    # a small pasted text: warned in the sidebar before training, and above every tab
    small = [w for w in texts(at.warning) if "too few to learn from" in w]
    assert len(small) == 2 and "20,000" in small[0]

    open_tab(at, "Neighbours")
    at.text_input(key="nb_words").input("king, apple").run()
    ok(at)
    assert len(at.main.dataframe) == 2 and len(charts(at)) == 2
    assert {"word", "similarity", "frequency"} <= set(at.main.dataframe[0].value.columns)

    open_tab(at, "Analogies")
    at.text_input(key="an_a").input("man").run()
    at.text_input(key="an_b").input("king").run()
    at.text_input(key="an_c").input("woman").run()
    ok(at)
    answers = at.main.dataframe[0].value
    assert list(answers.columns) == ["rank", "word", "score"] and len(answers) == 5
    at.radio(key="an_method").set_value("mul").run()
    ok(at)
    assert len(charts(at)) == 1
    at.text_input(key="odd_words").input("apple pear plum hammer").run()
    ok(at)
    assert any("odd one out" in s for s in texts(at.success))

    open_tab(at, "Evaluate")
    # a pasted corpus: no planted toy analogies, and too small an overlap for a headline
    assert [m.label for m in at.metric] == ["WordSim-353", "SimLex-999", "Google analogies"]
    assert {m.value for m in at.metric} <= {"—", "n/a"}
    assert any(m == "**not enough overlap**" for m in texts(at.markdown))
    at.button(key="gensim_train").click().run()
    ok(at)
    scores = at.main.dataframe[0].value
    assert {"ours", "gensim"} <= set(scores.columns)
    assert any("gensim" in t for t in texts(at.text))

    open_tab(at, "Export / import")
    buttons = at.get("download_button")
    assert len(buttons) == len(FORMATS)
    assert not any(b.proto.disabled for b in buttons)


@pytest.mark.parametrize("method", ["PCA", "t-SNE"])
def test_map_tab_draws_a_map_and_the_replay(env, method):
    at = trained_app()
    open_tab(at, "Map")
    at.radio(key="map_method").set_value(method).run()
    ok(at)
    assert not at.error, texts(at.error)
    assert len(charts(at)) >= 2  # the map and the training replay


def test_switching_back_to_a_trained_configuration_shows_it_at_once(env):
    at = trained_app(hp_dim=10)
    first = at.session_state["active"]
    set_settings(at, hp_dim=20)
    train_clicked(at)
    second = at.session_state["active"]
    assert second != first
    set_settings(at, hp_dim=10)  # no click: the cached run is shown
    # in the same script run, with no training job: from the cache, not trained again
    assert at.session_state["active"] == first and at.session_state["job"] is None
    assert any("shown again from the cache" in c for c in texts(at.caption))


def test_choose_the_active_run_in_the_runs_table(env):
    at = trained_app(hp_dim=10)
    first = at.session_state["active"]
    set_settings(at, hp_dim=20)
    train_clicked(at)
    picker = at.selectbox(key=f"run_picker_{at.session_state['active']}")
    assert len(picker.options) == 2
    picker.set_value(first).run()
    ok(at)
    assert at.session_state["active"] == first


def test_early_stopping_is_reported(env):
    at = start()
    use_paste(at)
    set_settings(at, hp_epochs=10)
    at.checkbox(key="hp_early").check().run()
    at.select_slider(key="hp_tol").set_value(0.1).run()
    train_clicked(at)
    info = next(i for i in texts(at.info) if "Early stopping" in i)
    stopped_at = int(re.search(r"after epoch (\d+) of 10", info).group(1))
    assert 2 <= stopped_at < 10
    open_tab(at, "Training")
    assert at.main.dataframe[0].value["status"][0] == f"early stop (epoch {stopped_at})"
    run = load_model(next((env / "cache" / "runs").glob("*.npz")))
    assert run.config.early_stop == 0.1 and run.stop_epoch == stopped_at  # the core's field


def test_presets_set_the_sliders(env):
    at = start()
    at.radio(key="preset").set_value("Quality").run()
    ok(at)
    assert at.slider(key="hp_dim").value == 100 and at.slider(key="hp_epochs").value == 10
    assert at.selectbox(key="builtin").value == "wiki"
    at.radio(key="preset").set_value("Quick demo").run()
    assert at.slider(key="hp_dim").value == 50 and at.selectbox(key="builtin").value == "toy"
    # A setting that differs from the preset: the preset says so, the others stay.
    at.slider(key="hp_window").set_value(9).run()
    ok(at)
    assert at.radio(key="preset").value == "Custom" and at.slider(key="hp_dim").value == 50
    at.slider(key="hp_window").set_value(5).run()
    assert at.radio(key="preset").value == "Quick demo"


def test_a_browser_that_reports_each_widgets_default_changes_no_setting(env):
    """Issue 15: a browser that mounts a widget afresh may send back the widget's proto
    default before it applies the value set through session state.  That default must
    be the stored value (it used to be each slider's minimum: every setting "chose" it)."""
    at = start()
    preset = PRESETS["Quick demo"]
    sliders = [s for s in at.sidebar.slider if s.key in preset]
    assert len(sliders) >= 6
    for slider in sliders:  # what the browser would report: the proto's default
        slider.set_value(type(preset[slider.key])(slider.proto.default[0]))
    seed = at.sidebar.number_input(key="hp_seed")
    seed.set_value(int(seed.proto.default))
    for key, choices in (("hp_sample", SAMPLE_CHOICES), ("hp_alpha", ALPHA_CHOICES)):
        widget = at.sidebar.select_slider(key=key)
        widget.set_value(choices[int(widget.proto.default[0])])
    at.run()
    ok(at)
    assert at.radio(key="preset").value == "Quick demo"
    for key in ("hp_dim", "hp_window", "hp_negatives", "hp_epochs", "hp_min_count"):
        assert at.slider(key=key).value == preset[key], key
    assert at.number_input(key="hp_seed").value == preset["hp_seed"]
    assert at.select_slider(key="hp_alpha").value == preset["hp_alpha"]


def test_quality_preset_uses_text8_once_it_is_on_disk(env):
    (env / "cache" / "text8.zip").parent.mkdir(parents=True, exist_ok=True)
    (env / "cache" / "text8.zip").write_bytes(b"not really text8")
    at = start()
    at.radio(key="preset").set_value("Quality").run()
    assert not at.exception
    assert at.session_state["builtin"] == "text8"
    assert at.slider(key="hp_epochs").value == 5 and at.session_state["preset"] == "Quality"


def test_corpus_statistics_before_training(env):
    at = start()
    use_paste(at)
    stats = " ".join(texts(at.sidebar.caption))
    corpus = corpus_from_text(TEXT)
    assert f"{corpus.n_tokens:,} words" in stats
    top = at.sidebar.dataframe[0].value
    assert list(top["word"])[:3] == [w for w, _ in corpus.most_common(3)]


# --------------------------------------------------------------------------- bad input


def test_empty_upload_is_refused(env):
    at = start()
    at.radio(key="corpus_source").set_value("upload").run()
    at.file_uploader(key="upload_files").set_value(("empty.txt", b"", "text/plain")).run()
    ok(at)
    assert any("empty" in e for e in texts(at.error))
    assert at.button(key="train").proto.disabled


def test_upload_that_is_not_txt_gets_one_clear_message(env):
    at = start()
    at.radio(key="corpus_source").set_value("upload").run()
    files = [("notes.md", TEXT.encode(), "text/markdown")]
    at.file_uploader(key="upload_files").set_value(files).run()
    ok(at)
    errors = texts(at.error)
    assert len(errors) == 1 and "notes.md" in errors[0] and ".txt" in errors[0]
    assert at.button(key="train").proto.disabled


def test_binary_upload_is_refused(env):
    at = start()
    at.radio(key="corpus_source").set_value("upload").run()
    blob = bytes(range(256)) * 20
    at.file_uploader(key="upload_files").set_value(("photo.txt", blob, "text/plain")).run()
    ok(at)
    assert any("binary" in e for e in texts(at.error))


def test_too_large_upload_is_refused(env):
    at = start()
    at.radio(key="corpus_source").set_value("upload").run()
    big = b"word " * 300_000  # 1.5 MB, over the 1 MB limit of the test
    at.file_uploader(key="upload_files").set_value(("big.txt", big, "text/plain")).run()
    ok(at)
    assert any("limit" in e for e in texts(at.error))


def test_good_uploads_train_and_name_the_files(env):
    at = start()
    at.radio(key="corpus_source").set_value("upload").run()
    half = len(TEXT) // 2
    files = [
        ("one.txt", TEXT[:half].encode(), "text/plain"),
        ("two.txt", TEXT[half:].encode("cp1252"), "text/plain"),
    ]
    at.file_uploader(key="upload_files").set_value(files).run()
    ok(at)
    assert not at.error
    set_settings(at)
    train_clicked(at)
    assert any("one.txt, two.txt" in c for c in texts(at.caption))


def test_empty_paste_and_impossible_min_count(env):
    at = start()
    at.radio(key="corpus_source").set_value("paste").run()
    at.text_area(key="paste_text").input("   \n  ").run()
    ok(at)
    assert at.button(key="train").proto.disabled
    at.text_area(key="paste_text").input("only a few words here").run()
    at.slider(key="hp_min_count").set_value(50).run()
    ok(at)
    assert any("lower the min-count" in e for e in texts(at.error))
    assert at.button(key="train").proto.disabled


def test_unknown_words_get_warnings_with_suggestions(env):
    at = trained_app()
    open_tab(at, "Neighbours")
    at.text_input(key="nb_words").input("kingg, zzzzqqq").run()
    ok(at)
    warnings = texts(at.warning)
    assert any("kingg" in w and "king" in w.replace("kingg", "") for w in warnings)
    assert any("zzzzqqq" in w for w in warnings)

    open_tab(at, "Analogies")
    at.text_input(key="an_a").input("notaword").run()
    ok(at)
    assert any("notaword" in w for w in texts(at.warning))
    at.text_input(key="odd_words").input("apple pear").run()
    assert any("at least three" in i for i in texts(at.info))
    at.text_input(key="odd_words").input("apple pear plum nope").run()
    ok(at)
    assert any("nope" in w for w in texts(at.warning))


def test_an_analogy_example_fills_the_boxes(env):
    at = trained_app()
    open_tab(at, "Analogies")
    example = at.selectbox(key="an_example")
    if len(example.options) < 2:
        pytest.skip("no example analogy in this vocabulary")
    example.set_value(0).run()
    ok(at)
    first = at.main.dataframe[1].value.iloc[0]
    assert at.text_input(key="an_a").value == first["A"]


# --------------------------------------------------------------------------- import and export


def test_import_word2vec_text_and_explore_it(env):
    at = trained_app()
    open_tab(at, "Export / import")
    rng = np.random.default_rng(0)
    words = ["apple", "pear", "plum", "hammer", "saw"]
    data = write_w2v_text(env / "v.txt", words, rng.normal(size=(5, 4)))
    at.file_uploader(key="import_file").set_value(("cluster.vec", data, "text/plain")).run()
    ok(at)
    assert at.session_state["active"].startswith("import-")
    assert any("cluster.vec (imported)" in c for c in texts(at.caption))
    open_tab(at, "Training")
    assert any("no training history" in i for i in texts(at.info))
    open_tab(at, "Neighbours")
    assert len(at.main.dataframe) >= 1
    open_tab(at, "Evaluate")
    open_tab(at, "Map")
    open_tab(at, "Export / import")
    npz = [b for b in at.get("download_button") if "npz" in b.proto.label]
    assert npz and npz[0].proto.disabled  # no full model for word2vec vectors


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02 binary junk", b"3 4\napple 1 2 3 4\n", b"2 2\nabc def ghi\nx 1 2\n"],
    ids=["empty", "junk", "truncated", "not-numbers"],
)
def test_bad_imports_show_an_error(env, content):
    at = start()
    open_tab(at, "Export / import")
    at.file_uploader(key="import_file").set_value(("bad.bin", content, "text/plain")).run()
    ok(at)
    assert any("Could not import" in e for e in texts(at.error))
    assert at.session_state.get("active") is None


def test_words_are_shown_as_text_never_as_html_or_markdown(env):
    at = start()
    open_tab(at, "Export / import")
    tricky = ["<img/src=x/onerror=alert(1)>", "[click](http://evil)", "**bold**", "plain"]
    vectors = np.eye(4) + 0.1
    data = write_w2v_text(env / "v.txt", tricky, vectors)
    at.file_uploader(key="import_file").set_value(("x.txt", data, "text/plain")).run()
    ok(at)
    open_tab(at, "Neighbours")
    at.text_input(key="nb_words").input(", ".join(tricky[:3]) + ", <script>").run()
    ok(at)
    shown = at.main.dataframe[0].value
    assert set(shown["word"]) <= set(tricky)
    rendered = [
        str(e.value) for e in [*at.markdown, *at.caption, *at.warning, *at.info, *at.success]
    ]
    for raw in ["<img/src", "[click](http", "**bold**", "<script>"]:
        assert not any(raw in r for r in rendered), raw
    assert any("\\<script\\>" in str(w.value) for w in at.warning)


@pytest.fixture(scope="module")
def small_run() -> Run:
    corpus = corpus_from_text(TEXT, name="my corpus/../x")
    cfg = TrainConfig(dim=6, epochs=1, min_count=2, snapshot_words=5)
    return Run.from_model(run_key(corpus.fingerprint, cfg), train(corpus, cfg))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_formats_round_trip(tmp_path, small_run, fmt):
    data = export_bytes(small_run, fmt)
    path = tmp_path / "out"
    path.write_bytes(data)
    kv = small_run.kv
    if fmt == "npz":
        model = load_model(path)
        np.testing.assert_array_equal(model.w_in, small_run.model.w_in)
        assert model.snapshots is not None
    elif fmt in ("text", "binary"):
        loaded = load_word2vec_format(path, binary=fmt == "binary")
        assert loaded.words == kv.words
        np.testing.assert_allclose(loaded.vectors, kv.vectors, atol=1e-6)
    else:
        other = tmp_path / "other"
        other.write_bytes(export_bytes(small_run, "metadata" if fmt == "vectors" else "vectors"))
        vec, meta = (path, other) if fmt == "vectors" else (other, path)
        loaded = load_projector_tsv(vec, meta)
        assert loaded.words == kv.words and list(loaded.counts) == list(kv.counts)


def test_export_file_names_are_safe(small_run):
    stem = file_stem(small_run)
    assert "/" not in stem and ".." not in stem and stem.startswith("my-corpus")


def test_import_helper_checks_size_and_content(tmp_path):
    kv = KeyedVectors(["a", "b"], np.ones((2, 3)))
    with pytest.raises(W2VError, match="upload limit"):
        load_imported("big.txt", b"x" * 2000, limit_mb=0.001)
    with pytest.raises(W2VError, match="empty"):
        load_imported("e.txt", b"", limit_mb=1)
    header = b"2 3\n"
    rows = b"".join(w.encode() + b" " + struct.pack("<3f", *kv[w]) + b"\n" for w in kv.words)
    run = load_imported("v.bin", header + rows, limit_mb=1)
    assert run.kv.words == ["a", "b"] and run.imported
    with pytest.raises(W2VError, match="v.bin") as error:
        load_imported("v.bin", header + rows[:-5], limit_mb=1)
    assert str(tmp_path) not in str(error.value) and "w2v-import" not in str(error.value)


# --------------------------------------------------------------------------- damaged caches


def test_a_damaged_cached_model_is_reported_and_retrained(env):
    at = trained_app()
    key = at.session_state["active"]
    model_file = env / "cache" / "runs" / f"{key}.npz"
    model_file.write_bytes(model_file.read_bytes()[:100])
    st.cache_resource.clear()  # restart: the damaged file is all there is
    at = start()
    use_paste(at)
    set_settings(at)
    ok(at)
    assert any("damaged" in w for w in texts(at.warning))
    train_clicked(at)
    assert at.session_state["active"] == key and model_file.is_file()
    assert load_model(model_file).config.dim == SMALL["hp_dim"]


def test_an_unwritable_cache_dir_keeps_the_app_working(env, monkeypatch):
    blocker = env / "file"
    blocker.write_text("x")
    monkeypatch.setenv("W2V_CACHE_DIR", str(blocker / "cache"))
    at = start()
    assert any("memory only" in w for w in texts(at.warning))
    use_paste(at)
    set_settings(at)
    train_clicked(at)
    assert at.session_state["active"] is not None
    assert not any("memory only" in w for w in texts(at.warning))  # said once


def test_runs_on_another_sessions_upload_stay_private(env):
    mine = trained_app()
    assert len(mine.main.dataframe[0].value) == 1
    theirs = start()  # another browser: same server, same registry
    open_tab(theirs, "Training")
    assert not theirs.main.dataframe, "another session's pasted-text run is listed"
    open_tab(theirs, "Neighbours")
    assert theirs.session_state.get("active") is None


def test_a_download_that_fails_offline_says_so(env, monkeypatch):
    monkeypatch.setenv("W2V_ALICE_URL", "http://127.0.0.1:9/alice.txt")  # nothing listens
    pip_only_from(monkeypatch, "http://127.0.0.1:9/simple")  # alice's second route: pip
    at = start()
    at.selectbox(key="builtin").set_value("alice").run()
    ok(at)
    assert at.button(key="train").proto.disabled
    at.button(key="download_corpus_alice").click().run()
    ok(at)
    assert any("offline" in e for e in texts(at.error))


# --------------------------------------------------------------------------- pure helpers


def test_progress_text_says_queue_position_speed_and_time_left():
    from dashboard.progress import format_seconds, progress_text
    from dashboard.runs import TrainingJob
    from w2v_core.train import Progress

    corpus = corpus_from_text(TEXT)
    job = TrainingJob("k" * 64, corpus, TrainConfig(epochs=5))
    assert "position 2 in the queue" in progress_text(job, 2, 1)
    assert "1 training running on this server now" in progress_text(job, 2, 1)
    job.state = TrainingJob.RUNNING
    assert progress_text(job, None, 2) == "Preparing the vocabulary..."
    job.progress = Progress(2, 5, 0.25, 100, 400, 1.5, 0.02, 12345.6, 10.0)
    text = progress_text(job, None, 2)
    assert text.startswith("Epoch 2 of 5 · 25%") and "12,346 words/s" in text
    assert "about 30 s left" in text
    assert format_seconds(75.2) == "1 min 15 s" and format_seconds(4.4) == "4 s"


def test_corpus_helpers():
    from dashboard.corpora import corpus_stats, describe_builtin
    from w2v_core.corpus import BUILTIN_CORPORA

    corpus = corpus_from_text("a b c\nb c\n\nc")
    assert corpus.sentences() == [["a", "b", "c"], ["b", "c"], ["c"]]
    stats = corpus_stats(corpus, min_count=2)
    assert (stats.tokens, stats.distinct, stats.vocabulary, stats.sentences) == (6, 3, 2, 3)
    assert describe_builtin(BUILTIN_CORPORA["toy"]).startswith("toy (offline")
    assert "download" in describe_builtin(BUILTIN_CORPORA["text8"])


def test_loss_overlay_shows_this_sessions_runs_with_short_labels(env):
    at = trained_app(hp_dim=10)
    set_settings(at, hp_dim=20)
    train_clicked(at)
    open_tab(at, "Training")
    (overlay,) = [m for m in at.multiselect if m.label.startswith("Compare with")]
    assert len(overlay.value) == 1  # this session's other run, without asking
    steps = json.loads(charts(at)[0].proto.spec)
    names = [trace["name"] for trace in steps["data"]]
    assert names == ["▶ dim 20", "dim 10"]
    assert len({trace["line"]["color"] for trace in steps["data"]}) == 2

    other = start()  # another user of the server: sees the runs, none drawn by default
    use_paste(other)
    set_settings(other, **{**SMALL, "hp_dim": 20})
    open_tab(other, "Training")
    (theirs,) = [m for m in other.multiselect if m.label.startswith("Compare with")]
    assert theirs.value == [] and len(theirs.options) == 1


def test_neighbours_side_by_side_mark_what_changed(env):
    at = trained_app(hp_dim=10)
    first = at.session_state["active"]
    set_settings(at, hp_dim=20)
    train_clicked(at)
    open_tab(at, "Neighbours")
    at.selectbox(key="nb_compare").set_value(first).run()
    ok(at)
    at.text_input(key="nb_words").input("king").run()
    ok(at)
    ours, theirs = (d.value for d in at.main.dataframe[:2])
    assert list(ours.columns)[:2] == ["word", "in the other run?"]
    for table, other in ((ours, theirs), (theirs, ours)):
        expected = ["✓" if w in set(other["word"]) else "new" for w in table["word"]]
        assert list(table["in the other run?"]) == expected
    assert any("neighbours differ from the other run" in c for c in texts(at.caption))


def test_local_vector_files_open_without_upload_and_never_by_a_browser_path(env, monkeypatch):
    allowed = env / "vectors"
    allowed.mkdir()
    rng = np.random.default_rng(0)
    words = ["apple", "pear", "plum", "hammer", "saw", "drill"]
    save_vectors(KeyedVectors(words, rng.normal(size=(6, 4))), allowed / "tools.npz")
    secret = env / "secret.npz"
    save_vectors(KeyedVectors(["secret", "words"], rng.normal(size=(2, 4))), secret)
    (allowed / "link.npz").symlink_to(secret)  # leads outside: never listed
    monkeypatch.setenv("W2V_VECTORS_DIR", str(allowed))
    at = start()
    open_tab(at, "Export / import")
    box = at.selectbox(key="local_file")
    assert box.options == ["tools.npz (0 MB)"]
    at.button(key="local_open").click().run()
    ok(at)
    assert at.session_state["active"].startswith("local-")
    assert any("tools.npz (imported)" in c for c in texts(at.caption))
    open_tab(at, "Map")
    assert any("opened from a file" in c for c in texts(at.caption))
    # Whatever name a browser sends, only listed files open.
    from dashboard import local_vectors
    from dashboard.local_vectors import open_local

    files = local_vectors.available([], allowed)
    for hostile in ["../secret.npz", str(secret), "link.npz", "tools.npz/../../secret.npz"]:
        with pytest.raises(W2VError, match="not one of the files"):
            open_local(hostile, files)


def test_runs_table_names_only_differing_other_settings_and_hides_thin_scores():
    """The runs table must fit 1280x720: the less used settings share one column that
    names only what differs (none when nothing does), and a score on under half of a
    test is blank, like Evaluate's "not enough overlap"."""
    from dashboard.runs import RunInfo, RunStatus
    from dashboard.views.training import runs_columns, runs_frame

    def info(key: str, alpha: float, coverage: float) -> RunInfo:
        config = {"dim": 50, "window": 5, "negatives": 5, "epochs": 5, "min_count": 5,
                  "sample": 1e-3, "alpha": alpha, "seed": 1}  # fmt: skip
        scores = {"ws353": 0.4, "ws353_coverage": coverage, "toy_analogies": 1.0,
                  "toy_analogies_coverage": 1.0}  # fmt: skip
        return RunInfo(key, key, "toy", "f", config, RunStatus.COMPLETE, 5, 2.0, 9e4, 456, 50,
                       scores=scores)  # fmt: skip

    one = runs_frame([info("a", 0.025, 0.02)], active="a")
    assert "other" not in one.columns and "analog." not in one.columns  # no run has it
    assert "WS-353" not in one.columns and one["toy"][0] == 1.0  # 2 % of the pairs: no score
    two = runs_frame([info("a", 0.025, 0.9), info("b", 0.05, 0.9)], active="b")
    assert list(two["other"]) == ["lr 0.025", "lr 0.05"] and list(two["shown"]) == ["", "▶"]
    assert list(two["WS-353"]) == [0.4, 0.4]
    widths = runs_columns()
    assert sum(widths[c]["width"] for c in two.columns) <= 800  # the main column is 818 px
    assert sum(w["width"] for c, w in widths.items() if c != "toy") <= 800  # a real text's


def test_overview_shows_a_riddle_the_run_gets_right_and_a_frequent_focus_word():
    """Planted vectors: king − man + woman lands on a decoy, he : his :: she : her holds.
    The overview shows the one it gets right (and names the one it got wrong); its
    neighbours are those of a demo word seen often enough, not of a rare "king"."""
    from dashboard.views import overview

    rng = np.random.default_rng(0)
    base = {w: rng.normal(size=16) for w in ["man", "king", "woman", "queen", "he", "she"]}
    base["decoy"] = base["king"] - base["man"] + base["woman"]
    g = rng.normal(size=16)
    base["his"], base["her"] = base["he"] + g, base["she"] + g
    words = [*base, "music"]
    vectors = np.array([*base.values(), rng.normal(size=16)])
    counts = np.array([500] * len(base) + [150])
    for rare in ("king", "queen", "woman"):
        counts[words.index(rare)] = 60  # too rare for good neighbours
    kv = KeyedVectors(words, vectors, counts)
    assert overview.first_known(kv) == ("man", "king", "woman", "queen")
    assert overview.pick_analogy(kv) == ("he", "his", "she", "her")
    assert overview.pick_focus(kv) == "music"
    assert overview.pick_focus(kv, "King") == "king"  # asked for (a link, a search): shown
    wrong = KeyedVectors(words[:4], vectors[:4], counts[:4])
    assert overview.pick_analogy(wrong) == ("man", "king", "woman", "queen")  # none right
