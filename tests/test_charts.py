"""Chart builders are pure functions: check the figures they return."""

import itertools
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from dashboard.charts import labels, map_frame, maps, replay, scores, style

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
    assert style.esc(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert style.esc("a&b") == "a&amp;b"
    assert style.esc('don\'t "quote"') == 'don\'t "quote"'
    assert style.esc(3) == "3"


def test_loss_curve():
    fig = scores.loss_curve(
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
    fig = scores.loss_curve([("r", [1], [1.0])], x_title="epochs")
    assert fig.layout.xaxis.title.text == "epochs"
    assert scores.loss_curve([]).data == ()


def test_epoch_loss_curve():
    fig = scores.epoch_loss_curve([("a", [3.0, 2.0, 1.5]), ("b", [2.9, 2.2])])
    assert len(fig.data) == 2
    assert fig.data[0].mode == "lines+markers"
    assert list(fig.data[0].x) == [1, 2, 3]
    assert list(fig.data[1].x) == [1, 2]
    assert fig.layout.xaxis.title.text == "epoch"


def test_score_bars_best_on_top():
    fig = scores.score_bars([("low", 0.1), ("high", 0.9), ("mid", 0.5)], "Scores", "cosine")
    (bar,) = fig.data
    assert bar.type == "bar" and bar.orientation == "h"
    assert list(bar.y) == ["high", "mid", "low"]
    assert fig.layout.yaxis.autorange == "reversed"  # first category drawn at the top
    assert fig.layout.xaxis.title.text == "cosine"
    assert fig.layout.title.text == "Scores"


def test_eval_bars():
    fig = scores.eval_bars([("semantic", 0.4), ("syntactic", 0.6)], "Analogies")
    (bar,) = fig.data
    assert list(bar.y) == ["semantic", "syntactic"]
    assert list(fig.layout.xaxis.range) == [0, 1]
    assert list(bar.text) == ["40.0%", "60.0%"]
    fig = scores.eval_bars([("all", 55.0)], "Percent")
    assert list(fig.layout.xaxis.range) == [0, 100]


def trace(fig: go.Figure, name: str):
    return next(t for t in fig.data if t.name == name)


def label_texts(fig: go.Figure) -> list[str]:
    """Every word written on the map (plain labels and labelled special markers)."""
    return [t for tr in fig.data if tr.text is not None for t in tr.text if t]


def test_map_2d_and_highlight():
    words = ["apple", "pear", "car", "bus"]
    coords = np.arange(8, dtype=float).reshape(4, 2)
    fig = maps.scatter_map(
        coords, words, [10, 5, 3, 1], highlight=["car", "missing"], title="Map",
        axis_titles=("man → woman", "bad → good"),
    )  # fmt: skip
    assert [t.name for t in fig.data] == ["words", "labels", style.HIGHLIGHT_NAME]
    points, plain, top = fig.data
    assert len(points.x) == 4
    assert "apple" in points.hovertext[0] and "frequency: 10" in points.hovertext[0]
    assert list(top.text) == ["car"] and top.marker.color == style.HIGHLIGHT_COLOUR
    assert top.marker.size > points.marker.size
    assert "text" in top.mode and top.showlegend is not False
    assert points.marker.opacity < 0.5  # the rest steps back while something is highlighted
    assert set(plain.text) == {"apple", "pear", "bus"}  # room for all on a sparse map
    assert fig.layout.xaxis.title.text == "man → woman"
    assert fig.layout.yaxis.title.text == "bad → good"
    assert fig.layout.title.text == "Map"
    # nothing highlighted: points and labels only, every word named
    plain_fig = maps.scatter_map(coords, words, [1, 1, 1, 1])
    assert [t.name for t in plain_fig.data] == ["words", "labels"]
    assert sorted(label_texts(plain_fig)) == sorted(words)


def test_map_labels_most_frequent_without_overlap():
    """300 random words: the label count is what was asked (or fewer), most frequent
    first, and the label boxes the chart used do not overlap."""
    rng = np.random.default_rng(0)
    n = 300
    words = [f"word{i}" for i in range(n)]
    counts = np.arange(n, 0, -1) * 10
    coords = rng.normal(size=(n, 2))
    fig = maps.scatter_map(coords, words, counts, n_labels=30)
    named = label_texts(fig)
    assert 20 <= len(named) <= 30
    assert "word0" in named and "word1" in named  # the two most frequent are never thinned out
    # re-derive the boxes for the positions the figure uses
    x_range, y_range = fig.layout.xaxis.range, fig.layout.yaxis.range
    w, h = map_frame.plot_area(fig, maps.MAP_WIDTH_HINT, maps.MAP_HEIGHT, False, False)
    plain = trace(fig, "labels")
    px = labels.to_pixels(np.column_stack([plain.x, plain.y]), x_range, y_range, w, h)
    boxes = [
        labels.label_box(x, y, t, pos, 12, 12)
        for (x, y), t, pos in zip(px, plain.text, plain.textposition, strict=True)
    ]
    assert all(not a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
    # asked for every word, a bigger font (presentation mode) fits fewer of them
    small = maps.scatter_map(coords, words, counts, n_labels=n)
    big = maps.scatter_map(coords, words, counts, n_labels=n, font_size=20)
    assert 30 < len(label_texts(small)) < n
    assert 0 < len(label_texts(big)) < len(label_texts(small))
    assert trace(big, "labels").textfont.size == 20


def test_map_clusters_legend_and_colours():
    rng = np.random.default_rng(1)
    words = ["king", "queen", "prince", "paris", "rome", "berlin", "cat", "dog"]
    counts = [90, 80, 70, 60, 50, 40, 30, 20]
    clusters = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    names = labels.cluster_names(clusters, words, counts)
    fig = maps.scatter_map(
        rng.normal(size=(8, 2)), words, counts, color=clusters, color_title="cluster",
        cluster_names=names, highlight=["king", "queen"],
    )  # fmt: skip
    legend = [t.name for t in fig.data if t.showlegend is not False and t.name != "labels"]
    assert legend == ["king · queen · prince", "paris · rome · berlin", "cat · dog",
                      style.HIGHLIGHT_NAME]  # fmt: skip
    colours = [t.marker.color for t in fig.data if t.name in names.values()]
    assert len(set(colours)) == 3
    assert style.HIGHLIGHT_COLOUR not in maps.CLUSTER_COLOURS
    assert len(set(maps.CLUSTER_COLOURS)) == len(maps.CLUSTER_COLOURS) >= 20
    assert "cluster: paris · rome · berlin" in trace(fig, "paris · rome · berlin").hovertext[0]
    assert fig.layout.showlegend


def test_map_search_zoom_and_marked_axis_words():
    rng = np.random.default_rng(2)
    n = 200
    words = [f"w{i}" for i in range(n)]
    coords = rng.uniform(-10, 10, size=(n, 2))
    coords[150:155] = [[2, 2], [3, 3], [2, 3], [3, 2], [2.5, 2.5]]  # the search and neighbours
    hl = words[150:155]
    fig = maps.scatter_map(coords, words, np.arange(n, 0, -1), highlight=hl, zoom=True)
    lo, hi = fig.layout.xaxis.range
    assert 1.5 < lo < 2 and 3 < hi < 3.5  # zoomed to the five words
    top = trace(fig, style.HIGHLIGHT_NAME)
    assert sum(1 for t in top.text if t) == 5  # all five named, zoomed in there is room
    fig = maps.scatter_map(coords, words, np.arange(n, 0, -1), marked=["w0", "w1"])
    axis = trace(fig, "axis words")
    assert list(axis.text) == ["w0", "w1"] and axis.marker.symbol == "diamond"
    assert "w0" not in trace(fig, "labels").text  # not labelled twice


def test_legend_rows_pack_entries_like_plotly():
    names = ["barn · tractor", "table · picnic", "wine · trains", "size · length"]
    item = [labels.text_size(n, 11)[0] + map_frame.LEGEND_ITEM_EXTRA for n in names]
    assert map_frame.legend_rows(names, sum(item) + 1, 11) == 1
    assert map_frame.legend_rows(names, max(item[0] + item[1], item[2] + item[3]) + 1, 11) == 2
    assert map_frame.legend_rows(names, 10, 11) == 4  # never fewer than one entry a row
    assert map_frame.legend_rows([], 500, 11) == 0
    heights = [map_frame.legend_height(rows, 11) for rows in (0, 2, 3)]
    assert heights[0] == 0 < heights[1] < heights[2]


def test_compact_map_legend_below_and_labels_in_its_plot_area():
    """The overview's map: legend rows under the plot, no axis ticks or titles, and the
    labels placed for the plot area left above the legend (none past its bottom)."""
    rng = np.random.default_rng(3)
    n = 200
    coords = rng.normal(size=(n, 2))
    # words of letters ("wbx" for 1): a compact map labels only words with a meaning
    words = ["w" + "".join(chr(97 + int(d)) for d in str(i)) + "x" for i in range(n)]
    words[5] = "the"  # a function word: never labelled there
    clusters = (coords[:, 0] > 0).astype(int) + 2 * (coords[:, 1] > 0)
    names = {c: f"group {c} · members" for c in range(4)}
    kwargs = {"color": clusters, "cluster_names": names, "highlight": ["wbx", "wcx"]}
    small = maps.scatter_map(
        coords, words, np.arange(n, 0, -1), **kwargs, compact=True, height=390, width_hint=476
    )
    legend = small.layout.legend
    assert legend.orientation == "h" and legend.y < 0
    assert small.layout.xaxis.showticklabels is False and small.layout.xaxis.title.text is None
    assert small.layout.margin.l < 10 and small.layout.margin.r < 10
    entries = [t.name for t in small.data if t.showlegend is not False]
    assert set(names.values()) | {style.HIGHLIGHT_NAME} <= set(entries)
    # the same map with a column legend on its right places labels for a wider plot:
    # the compact one, for a shorter plot, cannot name more words
    tall = maps.scatter_map(coords, words, np.arange(n, 0, -1), **kwargs, height=600)
    assert 10 <= len(label_texts(small)) <= len(label_texts(tall))
    assert {"wbx", "wcx"} <= set(label_texts(small)) and "the" not in label_texts(small)


def test_map_3d():
    coords = np.random.default_rng(0).normal(size=(5, 3))
    fig = maps.scatter_map(coords, list("abcde"), [1] * 5, highlight=["b"])
    assert [t.type for t in fig.data] == ["scatter3d"] * 3
    assert list(trace(fig, style.HIGHLIGHT_NAME).z) == [coords[1, 2]]
    assert list(trace(fig, style.HIGHLIGHT_NAME).text) == ["b"]  # labelled in 3-D too
    assert set(trace(fig, "labels").text) == set("acde")


def test_map_frequency_colours():
    coords = np.zeros((3, 2))
    freq = maps.scatter_map(
        coords, ["a", "b", "c"], [1, 2, 3], color=np.log10([2.0, 3.0, 4.0]), color_title="log f"
    )
    assert freq.data[0].marker.showscale
    assert freq.data[0].marker.colorbar.title.text == "log f"


def test_map_rejects_bad_shapes():
    with pytest.raises(ValueError):
        maps.scatter_map(np.zeros((3, 4)), ["a", "b", "c"], [1, 1, 1])
    with pytest.raises(ValueError):
        maps.scatter_map(np.zeros((2, 2)), ["a", "b", "c"], [1, 1, 1])


def test_replay_animation():
    rng = np.random.default_rng(0)
    frames = rng.normal(size=(4, 6, 2))
    frames[2, 0] = [50.0, -40.0]  # an outlier in a middle frame must still be inside the axes
    words = list("abcdef")
    fig = replay.replay_animation(frames, words, [1] * 6, highlight=["c", "zz"])
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
    plain = replay.replay_animation(frames, words, [1] * 6)
    assert all(len(f.data) == 1 for f in plain.frames)
    with pytest.raises(ValueError):
        replay.replay_animation(frames[:, :5], words, [1] * 6)


# -- HTML escaping everywhere ----------------------------------------------------------


def test_line_charts_escape_labels_and_titles():
    runs = [(w, [0, 1], [2.0, 1.0]) for w in NASTY]
    assert_escaped(scores.loss_curve(runs, x_title=IMG, title=SCRIPT))
    assert_escaped(scores.epoch_loss_curve([(SCRIPT, [1.0]), (IMG, [2.0])]))


def test_bars_escape_labels():
    assert_escaped(scores.score_bars([(SCRIPT, 1.0), (IMG, 0.5)], title="t"))
    assert_escaped(scores.eval_bars([(SCRIPT, 1.0), (IMG, 0.5)], title="t"))


@pytest.mark.parametrize("dims", [2, 3])
def test_map_escapes_words(dims):
    coords = np.zeros((3, dims))
    fig = maps.scatter_map(
        coords, NASTY, [1, 2, 3], color=np.array([0, 1, 2]), color_title=SCRIPT,
        highlight=NASTY, title=IMG,
    )  # fmt: skip
    assert_escaped(fig)
    assert trace(fig, style.HIGHLIGHT_NAME).text[0] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert any("a&amp;b" in h for t in fig.data if t.hovertext is not None for h in t.hovertext)


def test_replay_escapes_words():
    frames = np.zeros((2, 3, 2))
    assert_escaped(replay.replay_animation(frames, NASTY, [1, 2, 3], highlight=NASTY, title=IMG))


def test_loss_curves_have_distinct_colours():
    runs = [(f"run {i}", [0, 1], [2.0, 1.0]) for i in range(5)]
    fig = scores.loss_curve(runs)
    colours = [t.line.color for t in fig.data]
    assert len(set(colours)) == 5
    assert fig.data[0].line.width > fig.data[1].line.width  # the run shown stands out
    epochs = scores.epoch_loss_curve([(f"r{i}", [2.0, 1.0]) for i in range(3)])
    assert len({t.line.color for t in epochs.data}) == 3


def test_differing_labels_name_only_what_differs():
    a = {"corpus": "toy", "dim": 50, "window": 5, "alpha": 0.025, "seed": 1}
    b = {**a, "dim": 100}
    c = {**a, "dim": 100, "window": 2}
    assert scores.differing_labels([a, b]) == ["dim 50", "dim 100"]
    assert scores.differing_labels([a, b, c]) == [
        "dim 50, window 5",
        "dim 100, window 5",
        "dim 100, window 2",
    ]
    assert scores.differing_labels([a, {**a, "alpha": 0.05}]) == ["lr 0.025", "lr 0.05"]
    assert scores.differing_labels([a, dict(a)]) == ["run 1", "run 2"]
    assert scores.differing_labels([a]) == ["run 1"]
    assert scores.differing_labels([a, {"corpus": "lee"}])[1].startswith("lee, dim ?")
    assert scores.differing_labels([]) == []


def test_big_maps_are_drawn_with_webgl():
    rng = np.random.default_rng(0)
    for n, kind in [(100, "scatter"), (maps.WEBGL_FROM, "scattergl")]:
        words = [f"w{i}" for i in range(n)]
        fig = maps.scatter_map(rng.normal(size=(n, 2)), words, np.ones(n), highlight=["w1"])
        # The few highlighted, labelled words stay SVG, drawn above the WebGL layer.
        assert fig.data[0].type == kind and {t.type for t in fig.data[1:]} == {"scatter"}
