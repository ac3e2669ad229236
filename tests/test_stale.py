"""The tabs say when they show an older run than the sidebar's settings (issue 23)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from planted import planted_text
from streamlit.testing.v1 import AppTest

from dashboard import stale
from w2v_core.corpus import corpus_from_text
from w2v_core.train import TrainConfig

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
SMALL = {"hp_dim": 10, "hp_epochs": 2, "hp_min_count": 2, "hp_window": 3}


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("W2V_AUTOTRAIN", "0")
    return tmp_path


def banners(at: AppTest) -> list[str]:
    return [
        re.sub(r"\\(.)", r"\1", str(w.value)) for w in at.warning if "earlier run" in str(w.value)
    ]


def test_moving_a_slider_says_what_differs_with_a_train_button(env):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.radio(key="corpus_source").set_value("paste").run()
    at.text_area(key="paste_text").input(planted_text(800, seed=5)).run()
    for key, value in SMALL.items():
        at.slider(key=key).set_value(value)
    at.run()
    at.button(key="train").click().run()
    first = at.session_state["active"]
    assert first is not None and not banners(at)

    at.slider(key="hp_epochs").set_value(3).run()
    assert not at.exception
    shown = banners(at)
    assert len(shown) == 1 and "epochs 2 → 3" in shown[0], shown
    assert at.session_state["active"] == first  # still the old run, and it says so

    at.button(key="train_banner").click().run()
    assert not at.exception
    assert at.session_state["active"] not in (None, first)
    assert not banners(at)


def test_differences_name_the_settings_and_the_corpus():
    class OldRun:
        corpus_name, corpus_fingerprint = "toy", "abc"
        config = TrainConfig(epochs=5, dim=50, sample=1e-3, shared_negatives=True)

    corpus = corpus_from_text("a b c a b c", name="mine")
    new = TrainConfig(epochs=10, dim=50, sample=1e-4, shared_negatives=False)
    assert stale.differences(OldRun(), corpus, new) == [
        "corpus toy → mine",
        "epochs 5 → 10",
        "subsampling 0.001 → 0.0001",
        "shared negatives on → off",
    ]
