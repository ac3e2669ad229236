"""AppTest: "why are these words close?" from a neighbour row, a map point, a lasso,
an analogy answer and its own tab; hostile words stay text."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
from planted import planted_text
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
HOSTILE_LINE = "the apple said <script>alert(1)</script> and =cmd|' /C calc'!A0 to the pear"
TEXT = planted_text(800, seed=5) + "\n" + "\n".join([HOSTILE_LINE] * 6)
SMALL = {"hp_dim": 10, "hp_epochs": 2, "hp_min_count": 2, "hp_window": 3}


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("W2V_AUTOTRAIN", "0")
    return tmp_path


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def texts(elements) -> list[str]:
    """Element texts with Markdown escapes removed."""
    return [re.sub(r"\\(.)", r"\1", str(e.value)) for e in elements]


def trained() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.radio(key="corpus_source").set_value("paste").run()
    at.text_area(key="paste_text").input(TEXT).run()
    for key, value in SMALL.items():
        at.slider(key=key).set_value(value)
    at.run()
    at.button(key="train").click().run()
    ok(at)
    assert at.session_state["active"] is not None
    return at


def open_tab(at: AppTest, name: str) -> None:
    at.session_state["tab"] = name
    at.run()
    ok(at)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def titles(at: AppTest) -> list[str]:
    return [f.get("layout", {}).get("title", {}).get("text", "") for f in figures(at)]


def values(array) -> np.ndarray:
    """A Plotly JSON array, plain or base64-typed (``{"dtype": ..., "bdata": ...}``)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array)


def point_of(at: AppTest, word: str) -> dict:
    """Where ``word`` is drawn on the map, as a Plotly selection point."""
    for trace in figures(at)[0]["data"]:
        hover = trace.get("hovertext") or []
        for i, text in enumerate(hover):
            if re.split(r"<[^>]*>", str(text))[1:2] == [word]:
                return {"x": float(values(trace["x"])[i]), "y": float(values(trace["y"])[i])}
    raise AssertionError(f"{word} is not on the map")


def select_on_map(at: AppTest, points: list[dict]) -> None:
    at.session_state["map_chart"] = {
        "selection": {"points": points, "point_indices": [], "box": [], "lasso": []}
    }
    at.run()
    ok(at)


def test_a_neighbour_row_click_explains_the_pair(env):
    at = trained()
    open_tab(at, "Neighbours")
    at.text_input(key="nb_words").input("apple").run()
    neighbour = at.main.dataframe[0].value["word"].iloc[0]
    at.session_state["nb_table_0"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    ok(at)
    assert f"Why are 'apple' and '{neighbour}' close?" in texts(at.subheader)
    # a short training's neighbour may or may not share company: either answer is said
    said = [t for t in texts(at.markdown) if t.startswith(f"**apple and {neighbour} ")]
    assert said and ("are close because both appear near" in said[0] or "share little" in said[0])
    assert {
        f"Context words 'apple' and '{neighbour}' share",
        f"'apple' and '{neighbour}' keep different company",
    } & set(titles(at))
    # the click is remembered as the Why close? tab's question
    open_tab(at, "Why close?")
    assert at.text_input(key="why_word").value == "apple"
    assert at.text_input(key="why_other").value == neighbour


def test_a_map_click_explains_the_word_and_a_lasso_isolates_a_group(env):
    at = trained()
    open_tab(at, "Map")
    at.radio(key="map_method").set_value("PCA").run()
    ok(at)
    select_on_map(at, [point_of(at, "hammer")])
    assert "The company 'hammer' keeps" in texts(at.subheader)
    assert "Words found near 'hammer' more often than chance" in titles(at)
    lines = [t for t in texts(at.markdown) if "hammer" in t and "-background[" in t]
    assert lines, "the concordance shows the word highlighted"

    group = ["apple", "pear", "plum", "peach"]
    select_on_map(at, [point_of(at, w) for w in group])
    assert "4 words selected" in texts(at.subheader)
    centroid = next(d.value for d in at.dataframe if "selected" in d.value.columns)
    assert len(centroid) == 10
    assert set(centroid["word"][centroid["selected"] == "yes"]) <= set(group)
    at.button(key="map_isolate_button").click().run()
    ok(at)
    assert any("the 4 selected words on their own" in t for t in titles(at))
    at.button(key="map_show_all").click().run()
    ok(at)
    assert not any("selected words on their own" in t for t in titles(at))


def test_an_analogy_answer_click_shows_what_it_shares(env):
    at = trained()
    open_tab(at, "Analogies")
    for key, word in (("an_a", "king"), ("an_b", "queen"), ("an_c", "man")):
        at.text_input(key=key).input(word)
    at.run()
    answer = at.dataframe(key="an_answers").value["word"].iloc[0]
    at.session_state["an_answers"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    ok(at)
    assert f"Why '{answer}'?" in texts(at.subheader)
    assert len([t for t in titles(at) if f"'{answer}'" in t]) == 2


def test_the_why_tab_explains_a_word_a_pair_and_a_pair_that_is_not_close(env):
    at = trained()
    open_tab(at, "Why close?")
    at.text_input(key="why_word").input("apple").run()
    at.text_input(key="why_other").input("").run()
    ok(at)
    assert "Words found near 'apple' more often than chance" in titles(at)
    before = len([t for t in texts(at.markdown) if "-background[" in t])
    at.button(key="why_more_why_tab_word").click().run()
    ok(at)
    assert len([t for t in texts(at.markdown) if "-background[" in t]) > before
    at.text_input(key="why_other").input("pear").run()
    ok(at)
    assert any(
        t.startswith("**apple and pear are close because both appear near")
        for t in texts(at.markdown)
    )
    assert "Context words 'apple' and 'pear' share" in titles(at)
    at.text_input(key="why_other").input("hammer").run()
    ok(at)
    assert any("apple and hammer share little company" in t for t in texts(at.markdown))
    assert "'apple' and 'hammer' keep different company" in titles(at)


@pytest.mark.parametrize("word", ["<script>", "=cmd|", "**bold**"])
def test_hostile_words_render_as_text(env, word):
    at = trained()
    open_tab(at, "Why close?")
    at.text_input(key="why_word").input(word).run()
    ok(at)
    assert any(f"'{word}' is not in the vocabulary" in t for t in texts(at.warning))
    rendered = [str(e.value) for e in [*at.markdown, *at.warning, *at.caption, *at.subheader]]
    assert not any(word in r for r in rendered)  # only its escaped form reaches Markdown
    # the corpus's own hostile line: tokens only, escaped, never markup
    at.text_input(key="why_word").input("script").run()
    ok(at)
    shown = texts(at.markdown)
    assert ":red-background[**script**]" in shown  # the keyword, centred
    assert any(":blue[**alert**]" in t and ":blue[**cmd**]" in t for t in shown)
    raw = " ".join(str(e.value) for e in at.markdown)
    assert "<script" not in raw and "=cmd|" not in raw


def test_centroid_neighbours_rank_by_cosine_to_the_mean_direction():
    from dashboard.map_selection import centroid_neighbours
    from w2v_core.vectors import KeyedVectors

    words = ["a", "b", "c", "d"]
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.2]])
    kv = KeyedVectors(words, vectors)
    near = centroid_neighbours(kv, ["a", "b"], topn=3)
    assert [w for w, _, _ in near] == ["c", "a", "b"]  # c points exactly at the centroid
    assert near[0][1] == pytest.approx(1.0) and [inside for *_, inside in near] == [
        False,
        True,
        True,
    ]
