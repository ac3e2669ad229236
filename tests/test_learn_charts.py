"""The lesson's chart builders: pure functions, checked on the figures they return."""

import json

import numpy as np
import pytest

from dashboard.charts import lesson as lc
from dashboard.charts import plane
from w2v_core.onestep import Lesson, LessonConfig, toy_example

NASTY = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def lesson_and_trace():
    lesson = Lesson(toy_example(), LessonConfig(seed=2))
    lesson.run(20)
    return lesson, lesson.step()


def decoded(fig) -> str:
    return json.dumps(json.loads(fig.to_json()), ensure_ascii=False)


def test_sentence_strip_marks_window_and_pair():
    words = ["the", "old", NASTY, "was", "a", "king", "with", "a", "throne"]
    fig = lc.sentence_strip(words, center=5, context=8, reduced_window=3, window=4)
    fills = [s.fillcolor for s in fig.layout.shapes if s.type == "rect"]
    assert len(fills) == len(words)
    assert fills[5] == lc.CENTER and fills[8] == lc.CONTEXT
    # Inside b = 3: shaded; between 3 and 4: white, dashed.
    assert fills[2] == fills[3] == fills[4] == fills[6] == fills[7] == lc.WINDOW
    assert fills[1] == "white"
    assert [s.line.dash for s in fig.layout.shapes if s.type == "rect"][1] == "dash"
    texts = [a.text for a in fig.layout.annotations]
    assert any("b = 3" in t for t in texts)
    assert "<img" not in decoded(fig) and "&lt;img" in decoded(fig)


def test_sentence_strip_cuts_long_sentences_around_the_center():
    words = [f"w{i}" for i in range(40)]
    fig = lc.sentence_strip(words, center=30, context=31, reduced_window=2, window=5, max_shown=11)
    texts = [a.text for a in fig.layout.annotations]
    assert sum(1 for s in fig.layout.shapes if s.type == "rect") == 11
    assert "<b>w30</b>" in texts and "w0" not in texts and texts.count("…") == 2


def test_noise_bars_show_both_distributions_and_the_draws(lesson_and_trace):
    lesson, _ = lesson_and_trace
    words = list(lesson.vocab.words)
    rare = len(words) - 1
    fig = lc.noise_bars(words, lesson.unigram, lesson.noise, drawn=[0, rare, rare], max_words=5)
    unigram, noise, marks = fig.data
    assert list(unigram.x) == [*words[:5], words[rare]]
    np.testing.assert_allclose(unigram.y, lesson.unigram[[0, 1, 2, 3, 4, rare]])
    np.testing.assert_allclose(noise.y, lesson.noise[[0, 1, 2, 3, 4, rare]])
    assert list(marks.text) == ["drawn", "drawn ×2"]
    assert noise.marker.color[0] == lc.NEGATIVE and noise.marker.color[1] == lc.NOISE


def _arrows(fig):
    return [
        (np.array([a.ax, a.ay]), np.array([a.x, a.y]), a.arrowcolor)
        for a in fig.layout.annotations
        if a.showarrow
    ]


def test_plane_arrows_are_the_learning_rate_times_the_gradients(lesson_and_trace):
    lesson, t = lesson_and_trace
    lr = t.learning_rate
    moves = (-lr * t.grad_h, -lr * t.grad_pos, -lr * t.grad_neg)
    fig = plane.vector_plane(
        lesson.vocab.words, lesson.w_in, t.center, t.context, t.negatives,
        t.h, t.u_pos, t.u_neg, moves=moves,
    )  # fmt: skip
    arrows = _arrows(fig)
    start, end, colour = arrows[0]
    assert colour == lc.CENTER
    np.testing.assert_allclose(start, t.h)
    np.testing.assert_allclose(end - start, -lr * t.grad_h)
    # One arrow per distinct output row, each the sum of that row's updates.
    expected = {t.context: -lr * t.grad_pos}
    for k, n in enumerate(t.negatives):
        expected[int(n)] = expected.get(int(n), 0) - lr * t.grad_neg[k]
    assert len(arrows) == 1 + len(expected)
    for (s, e, _), move in zip(arrows[1:], expected.values(), strict=True):
        np.testing.assert_allclose(e - s, move)
    # Equal axis units, so the angles the audience sees are the true ones.
    assert fig.layout.yaxis.scaleanchor == "x"


def test_plane_after_lands_where_the_lesson_put_the_vectors(lesson_and_trace):
    lesson, t = lesson_and_trace
    fig = plane.vector_plane(
        lesson.vocab.words, lesson.w_in, t.center, t.context, t.negatives,
        t.h, t.u_pos, t.u_neg, after=(t.h_after, t.u_pos_after, t.u_neg_after),
        labelled=[0, 1],
    )  # fmt: skip
    start, end, _ = _arrows(fig)[0]
    np.testing.assert_allclose(start, t.h)
    np.testing.assert_allclose(end, lesson.w_in[t.center], rtol=1e-6)
    names = [d.name for d in fig.data]
    assert "before" in names
    centre_trace = next(d for d in fig.data if d.name and d.name.startswith("center"))
    assert lesson.word(t.center) in centre_trace.text[0]


def test_plane_escapes_words_and_needs_2d():
    words = [NASTY, "b", "c"]
    w_in = np.array([[0.1, 0.2], [0.3, -0.1], [-0.2, 0.4]])
    fig = plane.vector_plane(words, w_in, 0, 1, [2, 2], w_in[0], w_in[1], w_in[[2, 2]])
    text = decoded(fig)
    assert "<img" not in text and "&lt;img" in text
    assert any("(u<sub>k</sub> ×2)" in t for d in fig.data if d.text is not None for t in d.text)
    with pytest.raises(ValueError):
        plane.vector_plane(words, np.zeros((3, 3)), 0, 1, [2], w_in[0], w_in[1], w_in[[2]])


def test_labels_of_close_points_go_different_ways():
    points = np.array([[0.0, 0.0], [0.01, 0.0], [0.0, 0.02], [0.8, 0.8]])
    positions = plane.place_labels(points, [6, 6, 6, 6], [-1, 1], [-1, 1], size_px=(400, 400))
    assert len(set(positions[:3])) == 3  # three labels at one spot: three directions
    assert positions[3] == "top center"  # a lone point keeps the preferred spot
    # A point at the top edge puts its label below, inside the plot.
    edge = plane.place_labels(np.array([[0.0, 0.99]]), [6], [-1, 1], [-1, 1], size_px=(400, 400))
    assert edge == ["bottom center"]


def test_running_loss_mean():
    fig = lc.running_loss([4.0, 2.0, 3.0, 1.0], window=2)
    raw, mean = fig.data
    np.testing.assert_allclose(raw.y, [4, 2, 3, 1])
    np.testing.assert_allclose(mean.y, [4.0, 3.0, 2.5, 2.0])
    assert len(lc.running_loss([]).data) == 1


def test_loss_before_after():
    fig = lc.loss_before_after(2.5, 2.25)
    assert list(fig.data[0].x) == [2.5, 2.25]
    assert list(fig.data[0].text) == ["2.5000", "2.2500"]
