"""Messages that say what is true (issue 29, item 5): imported vectors are not a corpus,
and a link's word missing from the vocabulary is named."""

from __future__ import annotations

import numpy as np
import pytest
from test_app import ok, open_tab, start, texts, trained_app, write_w2v_text

from dashboard.share import WORD_KEY


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("W2V_AUTOTRAIN", "0")
    monkeypatch.setenv("W2V_MAX_UPLOAD_MB", "1")
    return tmp_path


def test_imported_vectors_get_no_advice_about_a_corpus_they_do_not_have(env):
    at = start()
    open_tab(at, "Export / import")
    words = [f"w{i}" for i in range(91)]
    rng = np.random.default_rng(0)
    data = write_w2v_text(env / "v.txt", words, rng.standard_normal((91, 5)))
    at.file_uploader(key="import_file").set_value(("mine.vec", data, "text/plain")).run()
    ok(at)
    assert any("Showing: mine" in str(c.value) for c in at.caption)  # (markdown-escaped)
    assert not any("too few to learn from" in w for w in texts(at.warning))


def test_a_links_word_missing_from_the_vocabulary_is_named(env):
    at = trained_app()
    at.session_state[WORD_KEY] = "zzqxv"  # as a link's ?word= leaves it
    open_tab(at, "Overview")
    ok(at)
    notice = [str(c.value) for c in at.caption if "not in this run's vocabulary" in str(c.value)]
    assert notice and "zzqxv" in notice[0] and "instead" in notice[0]
