"""Chart builders are pure functions: check the figures they return."""

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from dashboard import charts

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
NASTY = [SCRIPT, IMG, "a&b"]


def assert_escaped(fig: go.Figure) -> None:
    """No raw markup from NASTY survives anywhere in the figure JSON; the escaped form does."""
    text = fig.to_json()
    decoded = json.dumps(json.loads(text), ensure_ascii=False)  # undo \\u003c escapes
    assert "<script" not in decoded and "<img" not in decoded
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in decoded
    assert "&lt;img src=x onerror=alert(1)&gt;" in decoded


def test_esc():
    assert charts.esc(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert charts.esc("a&b") == "a&amp;b"
    assert charts.esc('don\'t "quote"') == 'don\'t "quote"'
    assert charts.esc(3) == "3"


def test_loss_curve():
    fig = charts.loss_curve(
        [("run a", [0, 100, 200], [4.0, 3.0, 2.5]), ("run b", [0, 100], [4.1, 3.3])],
        title="Loss",
    )
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 2
    assert all(t.type == "scatter" and t.mode == "lines" for t in fig.data)
    assert [t.name for t in fig.data] == ["run a", "run b"]
    assert list(fig.data[0].y) == [4.0, 3.0, 2.5]
    assert fig.layout.xaxis.title.text == "words processed"
    assert fig.layout.yaxis.title.text == "loss"
    assert fig.layout.title.text == "Loss"
    fig = charts.loss_curve([("r", [1], [1.0])], x_title="epochs")
    assert fig.layout.xaxis.title.text == "epochs"
    assert charts.loss_curve([]).data == ()


def test_epoch_loss_curve():
    fig = charts.epoch_loss_curve([("a", [3.0, 2.0, 1.5]), ("b", [2.9, 2.2])])
    assert len(fig.data) == 2
    assert fig.data[0].mode == "lines+markers"
    assert list(fig.data[0].x) == [1, 2, 3]
    assert list(fig.data[1].x) == [1, 2]
    assert fig.layout.xaxis.title.text == "epoch"


def test_score_bars_best_on_top():
    fig = charts.score_bars([("low", 0.1), ("high", 0.9), ("mid", 0.5)], "Scores", "cosine")
    (bar,) = fig.data
    assert bar.type == "bar" and bar.orientation == "h"
    assert list(bar.y) == ["high", "mid", "low"]
    assert fig.layout.yaxis.autorange == "reversed"  # first category drawn at the top
    assert fig.layout.xaxis.title.text == "cosine"
    assert fig.layout.title.text == "Scores"


def test_eval_bars():
    fig = charts.eval_bars([("semantic", 0.4), ("syntactic", 0.6)], "Analogies")
    (bar,) = fig.data
    assert list(bar.y) == ["semantic", "syntactic"]
    assert list(fig.layout.xaxis.range) == [0, 1]
    assert list(bar.text) == ["40.0%", "60.0%"]
    fig = charts.eval_bars([("all", 55.0)], "Percent")
    assert list(fig.layout.xaxis.range) == [0, 100]


def test_map_2d_and_highlight():
    words = ["apple", "pear", "car", "bus"]
    coords = np.arange(8, dtype=float).reshape(4, 2)
    fig = charts.scatter_map(
        coords, words, [10, 5, 3, 1], highlight=["car", "missing"], title="Map",
        axis_titles=("man → woman", "bad → good"),
    )  # fmt: skip
    assert [t.type for t in fig.data] == ["scatter", "scatter"]
    words_trace, top = fig.data
    assert len(words_trace.x) == 4
    assert "apple" in words_trace.hovertext[0] and "frequency: 10" in words_trace.hovertext[0]
    assert list(top.text) == ["car"]
    assert top.marker.size > words_trace.marker.size
    assert "text" in top.mode
    assert fig.layout.xaxis.title.text == "man → woman"
    assert fig.layout.title.text == "Map"
    # nothing highlighted: one trace
    assert len(charts.scatter_map(coords, words, [1, 1, 1, 1]).data) == 1


def test_map_3d():
    coords = np.random.default_rng(0).normal(size=(5, 3))
    fig = charts.scatter_map(coords, list("abcde"), [1] * 5, highlight=["b"])
    assert [t.type for t in fig.data] == ["scatter3d", "scatter3d"]
    assert list(fig.data[1].z) == [coords[1, 2]]


def test_map_colours():
    coords = np.zeros((3, 2))
    clusters = charts.scatter_map(
        coords, ["a", "b", "c"], [1, 2, 3], color=np.array([0, 1, 0]), color_title="cluster"
    )
    marker = clusters.data[0].marker
    assert marker.color[0] == marker.color[2] != marker.color[1]
    assert "cluster: 1" in clusters.data[0].hovertext[1]
    freq = charts.scatter_map(
        coords, ["a", "b", "c"], [1, 2, 3], color=np.log10([2.0, 3.0, 4.0]), color_title="log f"
    )
    assert freq.data[0].marker.showscale
    assert freq.data[0].marker.colorbar.title.text == "log f"


def test_map_rejects_bad_shapes():
    with pytest.raises(ValueError):
        charts.scatter_map(np.zeros((3, 4)), ["a", "b", "c"], [1, 1, 1])
    with pytest.raises(ValueError):
        charts.scatter_map(np.zeros((2, 2)), ["a", "b", "c"], [1, 1, 1])


def test_replay_animation():
    rng = np.random.default_rng(0)
    frames = rng.normal(size=(4, 6, 2))
    frames[2, 0] = [50.0, -40.0]  # an outlier in a middle frame must still be inside the axes
    words = list("abcdef")
    fig = charts.replay_animation(frames, words, [1] * 6, highlight=["c", "zz"])
    assert len(fig.frames) == 4
    assert [f.name for f in fig.frames] == ["start", "epoch 1", "epoch 2", "epoch 3"]
    assert all(len(f.data) == 2 for f in fig.frames)
    assert len(fig.data) == 2
    assert list(fig.frames[3].data[0].x) == list(frames[3, :, 0])
    assert list(fig.frames[3].data[1].text) == ["c"]
    lo, hi = fig.layout.xaxis.range
    assert lo <= frames[..., 0].min() and hi >= 50.0
    lo, hi = fig.layout.yaxis.range
    assert lo <= -40.0 and hi >= frames[..., 1].max()
    assert fig.layout.xaxis.autorange is False
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert any("Play" in label for label in labels) and any("Pause" in label for label in labels)
    assert len(fig.layout.sliders[0].steps) == 4
    # without highlight: one trace per frame
    plain = charts.replay_animation(frames, words, [1] * 6)
    assert all(len(f.data) == 1 for f in plain.frames)
    with pytest.raises(ValueError):
        charts.replay_animation(frames[:, :5], words, [1] * 6)


# -- HTML escaping everywhere ----------------------------------------------------------


def test_line_charts_escape_labels_and_titles():
    runs = [(w, [0, 1], [2.0, 1.0]) for w in NASTY]
    assert_escaped(charts.loss_curve(runs, x_title=IMG, title=SCRIPT))
    assert_escaped(charts.epoch_loss_curve([(SCRIPT, [1.0]), (IMG, [2.0])]))


def test_bars_escape_labels():
    assert_escaped(charts.score_bars([(SCRIPT, 1.0), (IMG, 0.5)], title="t"))
    assert_escaped(charts.eval_bars([(SCRIPT, 1.0), (IMG, 0.5)], title="t"))


@pytest.mark.parametrize("dims", [2, 3])
def test_map_escapes_words(dims):
    coords = np.zeros((3, dims))
    fig = charts.scatter_map(
        coords, NASTY, [1, 2, 3], color=np.array([0, 1, 2]), color_title=SCRIPT,
        highlight=NASTY, title=IMG,
    )  # fmt: skip
    assert_escaped(fig)
    assert fig.data[1].text[0] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert "a&amp;b" in fig.data[0].hovertext[2]


def test_replay_escapes_words():
    frames = np.zeros((2, 3, 2))
    assert_escaped(charts.replay_animation(frames, NASTY, [1, 2, 3], highlight=NASTY, title=IMG))


def test_big_maps_are_drawn_with_webgl():
    rng = np.random.default_rng(0)
    for n, kind in [(100, "scatter"), (charts.WEBGL_FROM, "scattergl")]:
        words = [f"w{i}" for i in range(n)]
        fig = charts.scatter_map(rng.normal(size=(n, 2)), words, np.ones(n), highlight=["w1"])
        # The few highlighted, labelled words stay SVG, drawn above the WebGL layer.
        assert [trace.type for trace in fig.data] == [kind, "scatter"]
