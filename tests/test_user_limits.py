"""Limits wherever a user can send something, and advice that fits the situation
(issue 15, items 3 and 5), driven through AppTest."""

from __future__ import annotations

import numpy as np
import pytest
from test_app import (
    ok,
    open_tab,
    start,
    texts,
    train_clicked,
    trained_app,
    use_paste,
    write_w2v_text,
)

from dashboard.views import ECHO_CHARS

LONG = "a" * 10_000


@pytest.fixture
def env(tmp_path, monkeypatch):
    """As in test_app: a private cache, no training on open, a 1 MB upload limit."""
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("W2V_AUTOTRAIN", "0")
    monkeypatch.setenv("W2V_MAX_UPLOAD_MB", "1")
    return tmp_path


def test_a_huge_word_is_refused_and_echoed_cut(env):
    at = trained_app()
    open_tab(at, "Neighbours")
    at.text_input(key="nb_words").input(f"king, {LONG}").run()
    ok(at)
    warnings = texts(at.warning)
    refusal = next(w for w in warnings if "characters long" in w)
    assert "10,000 characters" in refusal and "…" in refusal
    assert len(refusal) < 300 and not any(LONG[:200] in w for w in warnings)
    assert len(at.main.dataframe) == 1  # king is still looked up

    open_tab(at, "Analogies")
    at.text_input(key="an_a").input(LONG).run()
    ok(at)
    assert any("characters long" in w for w in texts(at.warning))
    assert not any(LONG[:200] in w for w in texts(at.warning))

    open_tab(at, "Map")
    at.text_input(key="map_query").input(LONG).run()
    ok(at)
    assert any("characters long" in w for w in texts(at.warning))


def test_an_unknown_word_is_echoed_cut_with_an_ellipsis(env):
    at = start()
    open_tab(at, "Export / import")
    words = ["apple", "pear", "x" * 80]  # a vocabulary with one very long word
    data = write_w2v_text(env / "v.txt", words, np.eye(3) + 0.1)
    at.file_uploader(key="import_file").set_value(("long.vec", data, "text/plain")).run()
    open_tab(at, "Neighbours")
    unknown = "q" * 70  # plausible (shorter than the longest word), but unknown
    at.text_input(key="nb_words").input(unknown).run()
    ok(at)
    warning = next(w for w in texts(at.warning) if "not in the vocabulary" in w)
    assert "q" * (ECHO_CHARS - 1) + "…" in warning and unknown not in warning
    assert "min-count" not in warning  # imported vectors have none to lower


def test_advice_fits_the_run(env):
    at = start()
    use_paste(at)
    for key, value in {"hp_dim": 10, "hp_epochs": 1, "hp_min_count": 1}.items():
        at.slider(key=key).set_value(value)
    at.run()
    train_clicked(at)
    open_tab(at, "Neighbours")
    at.text_input(key="nb_words").input("zzz").run()  # no spelling close to it
    ok(at)
    warning = next(w for w in texts(at.warning) if "zzz" in w)
    assert "lower the min-count" not in warning  # it is 1 already

    at.text_area(key="paste_text").input("same same same").run()  # one distinct word
    ok(at)
    error = next(e for e in texts(at.error) if "one word repeated" in e)
    # neither a lower min-count nor a larger text of the same word would help
    assert "min-count" not in error and "larger corpus" not in error
    assert "many different words" in error


def test_nan_vectors_from_a_file_are_not_blamed_on_the_learning_rate(env):
    at = start()
    open_tab(at, "Export / import")
    data = b"3 2\na nan 1\nb 1 1\nc 1 0\n"
    at.file_uploader(key="import_file").set_value(("nan.vec", data, "text/plain")).run()
    assert not at.exception
    # The reader refuses non-finite vectors with their place in the file (issue 13),
    # so the file never becomes a run; the message names the file's fault, not training.
    error = next(e for e in texts(at.error) if "non-finite" in e)
    assert "line 2" in error and "learning rate" not in error


def test_one_empty_file_in_an_upload_is_skipped_with_a_warning_naming_it(env):
    from test_app import TEXT

    at = start()
    at.radio(key="corpus_source").set_value("upload").run()
    files = [
        ("good.txt", TEXT.encode(), "text/plain"),
        ("blank.txt", b"   \n", "text/plain"),
    ]
    at.file_uploader(key="upload_files").set_value(files).run()
    ok(at)
    assert not at.error, texts(at.error)
    assert any("blank.txt" in w and "skipped" in w for w in texts(at.warning))
    assert not at.button(key="train").proto.disabled
    train_clicked(at)
    assert any("Showing: good.txt" in c for c in texts(at.caption))


def test_the_wiki_corpus_counts_articles(env):
    at = start()
    at.selectbox(key="builtin").set_value("wiki").run()
    ok(at)
    stats = " ".join(texts(at.sidebar.caption))
    assert "words in 116 articles" in stats and "sentences" not in stats
