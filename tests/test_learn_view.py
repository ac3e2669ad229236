"""The "How it learns" tab through Streamlit's AppTest: the numbers on the page are the core's."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.views.learn import MAX_CORPUS_SENTENCES, MAX_CORPUS_WORDS
from w2v_core import sgns
from w2v_core.corpus import load_corpus
from w2v_core.onestep import toy_example

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
TAB = "How it learns"


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("W2V_AUTOTRAIN", "0")


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def open_lesson() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.session_state["tab"] = TAB
    at.run()
    ok(at)
    return at


def heading(at: AppTest) -> str:
    return next(h.value for h in at.subheader if h.value.startswith("Step "))


def next_stage(at: AppTest, times: int = 1) -> None:
    for _ in range(times):
        at.button(key="learn_next").click().run()
        ok(at)


def numbers(at: AppTest) -> dict[str, np.ndarray]:
    """The "Every number of this step" table, as quantity -> values."""
    frame = next(d.value for d in at.dataframe if "quantity" in d.value.columns)
    values = frame[[c for c in frame.columns if c.startswith("x")]].to_numpy(dtype=float)
    return {q: row[~np.isnan(row)] for q, row in zip(frame["quantity"], values, strict=True)}


def latex_vectors(at: AppTest, marker: str) -> list[np.ndarray]:
    """Every 2-vector printed in the first formula containing ``marker``."""
    body = next(e.value for e in at.latex if marker in e.value)
    cells = re.findall(r"\\begin\{pmatrix\}(.*?)\\end\{pmatrix\}", body)
    return [np.array([float(x) for x in cell.split(r"\\")]) for cell in cells]


def test_the_numbers_on_the_page_are_the_cores_gradients(env):
    at = open_lesson()
    assert heading(at) == "Step 1 · stage 1 of 5: the pair"
    next_stage(at, 3)
    assert heading(at) == "Step 1 · stage 4 of 5: errors and gradients"
    shown = numbers(at)
    k = sum(1 for q in shown if re.fullmatch(r"u_k\d+", q))
    assert k == 3  # the default number of negatives
    h = shown["h"][None]
    u_pos = shown["u_o"][None]
    u_neg = np.stack([shown[f"u_k{i + 1}"] for i in range(k)])[None]
    grad_h, grad_pos, grad_neg, loss = sgns.gradients(h, u_pos, u_neg)
    np.testing.assert_allclose(shown["dL/dh"], grad_h[0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(shown["dL/du_o"], grad_pos[0], rtol=1e-9, atol=1e-12)
    for i in range(k):
        np.testing.assert_allclose(shown[f"dL/du_k{i + 1}"], grad_neg[0, i], rtol=1e-9)
    assert shown["loss before"][0] == pytest.approx(loss)
    g_pos, g_neg, _ = sgns.output_errors(h, u_pos, u_neg)
    assert shown["g_o"][0] == pytest.approx(g_pos[0])
    # The formulas print the same numbers, rounded to three decimals.
    printed_grad_h = latex_vectors(at, r"\partial h")[-1]
    np.testing.assert_allclose(printed_grad_h, grad_h[0], atol=6e-4)
    assert f"{g_pos[0]:.3f}" in next(e.value for e in at.latex if "g_o &=" in e.value)
    # The update: the page's h after is h - alpha * grad_h.
    next_stage(at)
    assert heading(at) == "Step 1 · stage 5 of 5: the update"
    after = numbers(at)["h after"]
    np.testing.assert_allclose(after, h[0] - 0.4 * grad_h[0], atol=1e-6)


def test_same_seed_same_steps_and_reset(env):
    first, second = open_lesson(), open_lesson()
    np.testing.assert_array_equal(numbers(first)["h"], numbers(second)["h"])
    # Play 30 steps at once, then Reset: back to the very same first step.
    first.number_input(key="learn_n").set_value(30)
    first.selectbox(key="learn_speed").set_value("instant")
    first.button(key="learn_play").click().run()
    ok(first)
    assert heading(first) == "Step 31 · stage 5 of 5: the update"
    first.button(key="learn_reset").click().run()
    ok(first)
    assert heading(first) == "Step 1 · stage 1 of 5: the pair"
    np.testing.assert_array_equal(numbers(first)["h"], numbers(second)["h"])
    # Another seed, another lesson.
    second.number_input(key="learn_seed").set_value(5).run()
    ok(second)
    assert not np.array_equal(numbers(first)["h"], numbers(second)["h"])


def test_the_knobs_act_on_the_next_step(env):
    at = open_lesson()
    at.slider(key="learn_negatives").set_value(5)
    at.slider(key="learn_lr").set_value(0.1).run()
    next_stage(at, 5)  # stage 5 of step 1, then step 2 with the new knobs
    assert heading(at) == "Step 2 · stage 1 of 5: the pair"
    shown = numbers(at)
    assert sum(1 for q in shown if re.fullmatch(r"u_k\d+", q)) == 5
    np.testing.assert_allclose(shown["h after"], shown["h"] - 0.1 * shown["dL/dh"], atol=1e-6)


def test_an_unusable_example_is_a_warning(env):
    at = open_lesson()
    at.text_area(key="learn_text").input("one\ntwo").run()
    ok(at)
    assert any("cannot be used" in w.value for w in at.warning)
    at.text_area(key="learn_text").input("the king and the queen\nthe dog and the puppy").run()
    ok(at)
    assert heading(at) == "Step 1 · stage 1 of 5: the pair"


def test_the_lesson_and_its_inputs_survive_a_tab_switch(env):
    at = open_lesson()
    text = "the king and the queen\nthe dog and the puppy\nthe king and his crown"
    at.text_area(key="learn_text").input(text).run()
    at.slider(key="learn_lr").set_value(0.2).run()
    next_stage(at, 2)
    assert heading(at) == "Step 1 · stage 3 of 5: scores and loss"
    at.session_state["tab"] = "Training"
    at.run()
    ok(at)
    at.session_state["tab"] = TAB
    at.run()
    ok(at)
    assert heading(at) == "Step 1 · stage 3 of 5: scores and loss"
    assert at.text_area(key="learn_text").value == text
    assert at.slider(key="learn_lr").value == 0.2


def test_the_example_can_come_from_the_selected_corpus(env):
    at = open_lesson()
    at.radio(key="learn_source").set_value("corpus").run()
    ok(at)
    lines = at.text_area(key="learn_text").value.splitlines()
    first = load_corpus("toy").sentences()[0]  # the sidebar's corpus: the built-in toy one
    assert lines[0] == " ".join(first[:MAX_CORPUS_WORDS])
    assert 1 <= len(lines) <= MAX_CORPUS_SENTENCES
    assert heading(at) == "Step 1 · stage 1 of 5: the pair"
    at.radio(key="learn_source").set_value("toy").run()
    assert at.text_area(key="learn_text").value == toy_example()


def test_the_first_step_is_on_a_content_word_and_no_negative_is_its_context(env):
    at = open_lesson()
    pair = next(m.value for m in at.markdown if "The **center word** is" in m.value)
    assert "The **center word** is **dog**" in pair, pair  # not "a"
    next_stage(at)  # the negatives
    drawn = next(m.value for m in at.markdown if "random words**:" in m.value)
    context = re.search(r"uses the context \*\*(\w+)\*\*", pair).group(1)
    assert f"**{context}**" not in drawn.split("random words**:")[1].split(".")[0]
