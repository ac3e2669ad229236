"""The Map tab, driven headlessly with Streamlit's AppTest."""

import base64
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import downloads, map_settings
from dashboard.charts import layout, replay
from dashboard.views import map as map_view
from w2v_core.vectors import KeyedVectors

ROOT = str(Path(__file__).resolve().parents[1])
NASTY = "<script>alert(1)</script>"
HIGHLIGHT = "#d62728"
FRUIT = ["apple", "pear", "plum", "peach"]
NAMED = ["man", "woman", "bad", "good", *FRUIT, "car", "bus", NASTY]


def make_kv(n_words: int = 200, dim: int = 16, seed: int = 0) -> KeyedVectors:
    """Random vectors, except that the fruit words form a tight group."""
    rng = np.random.default_rng(seed)
    words = NAMED + [f"w{i}" for i in range(n_words - len(NAMED))]
    vectors = rng.normal(size=(n_words, dim))
    centre = rng.normal(size=dim) * 3
    for word in FRUIT:
        vectors[words.index(word)] = centre + 0.1 * rng.normal(size=dim)
    counts = np.arange(n_words, 0, -1) * 7
    return KeyedVectors(words, vectors, counts)


def make_snapshots(kv: KeyedVectors, n: int = 40, epochs: int = 3, seed: int = 1):
    """Snapshots drifting from noise (epoch 0) to the final vectors."""
    rng = np.random.default_rng(seed)
    final = np.asarray(kv.vectors[:n], dtype=np.float32)
    noise = rng.normal(size=final.shape).astype(np.float32)
    steps = [noise + (final - noise) * e / epochs for e in range(epochs + 1)]
    return np.stack(steps), list(kv.words[:n])


def map_page(kv, run_id="test-run", snapshots=None, snapshot_words=None, root=""):
    import sys

    if root not in sys.path:
        sys.path.insert(0, root)
    from types import SimpleNamespace

    from dashboard.views import Context
    from dashboard.views import map as map_view

    run = SimpleNamespace(
        kv=kv, key=run_id, snapshots=snapshots, snapshot_words=snapshot_words, imported=False
    )
    map_view.render(Context(run=run, registry=None, store=None))  # what the map reads


def app(kv=None, **kwargs) -> AppTest:
    kwargs = {"kv": make_kv() if kv is None else kv, "root": ROOT, **kwargs}
    return AppTest.from_function(map_page, default_timeout=60, kwargs=kwargs)


def charts(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def values(field) -> np.ndarray:
    """A data array from figure JSON (Plotly 6 writes NumPy arrays as base64 "bdata")."""
    if isinstance(field, dict) and "bdata" in field:
        array = np.frombuffer(base64.b64decode(field["bdata"]), dtype=field["dtype"])
        return array.reshape(field["shape"]) if "shape" in field else array
    return np.asarray(field)


SPECIAL = ("labels", "axis words")


def points(fig: dict) -> list[dict]:
    """The traces holding the map's dots (one per cluster, or one), in order."""
    return [t for t in fig["data"] if t.get("name") not in SPECIAL and "text" not in t["mode"]]


def highlighted(fig: dict) -> dict:
    (trace,) = [t for t in fig["data"] if t.get("marker", {}).get("color") == HIGHLIGHT]
    return trace


def all_xy(fig: dict) -> int:
    return sum(len(values(t["x"])) for t in points(fig))


def named(fig: dict) -> list[str]:
    return [w for t in fig["data"] if t.get("text") for w in t["text"] if w]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


# -- the map ---------------------------------------------------------------------------


def test_default_tsne_map():
    at = app().run()
    assert_clean(at)
    assert at.expander[0].label == "What am I looking at?"
    assert at.radio(key="map_method").value == "t-SNE"
    assert at.slider(key="map_n_words").value == 200  # min(300, len(kv))
    assert at.slider(key="map_n_words").max == 200
    (fig,) = charts(at)
    assert all(t["type"] == "scatter" for t in fig["data"]) and all_xy(fig) == 200
    assert any("frequency: 1,400" in h for t in points(fig) for h in t["hovertext"])
    # words are written on the map, clusters named in the legend by their frequent words
    assert len(named(fig)) >= 20 and "man" in named(fig)
    legend = [t["name"] for t in points(fig)]
    assert len(legend) == 8 and all(" · " in name for name in legend)
    assert at.slider(key="map_n_labels").value == map_settings.DEFAULT_LABELS
    assert at.get("download_button")[0].label == "Download coordinates (CSV)"
    # no snapshots: the replay explains how to get one
    assert any("snapshot" in c.value for c in at.caption)


@pytest.mark.parametrize(
    ("method", "dims", "trace_type"),
    [("PCA", "2D", "scatter"), ("PCA", "3D", "scatter3d"), ("t-SNE", "3D", "scatter3d")],
)
def test_methods_and_dimensions(method, dims, trace_type):
    at = app().run()
    at.radio(key="map_method").set_value(method)
    at.radio(key="map_dims").set_value(dims)
    at.slider(key="map_n_words").set_value(120)
    at.run()
    assert_clean(at)
    (fig,) = charts(at)
    assert {t["type"] for t in fig["data"]} == {trace_type}
    assert all_xy(fig) == 120
    if dims == "3D":
        assert sum(len(values(t["z"])) for t in points(fig)) == 120
        assert 0 < len(named(fig)) <= 15


def test_colour_options():
    at = app().run()
    at.radio(key="map_method").set_value("PCA")
    at.selectbox(key="map_colour").set_value("frequency (log)").run()
    assert_clean(at)
    marker = points(charts(at)[0])[0]["marker"]
    assert marker["showscale"] and marker["colorbar"]["title"]["text"] == "log10 frequency"
    at.selectbox(key="map_colour").set_value("none").run()
    assert_clean(at)
    assert isinstance(points(charts(at)[0])[0]["marker"]["color"], str)
    at.selectbox(key="map_colour").set_value("KMeans cluster").run()
    at.slider(key="map_k").set_value(3).run()
    colours = [t["marker"]["color"] for t in points(charts(at)[0])]
    assert len(set(colours)) == 3 and HIGHLIGHT not in colours
    at.slider(key="map_n_labels").set_value(0).run()
    assert not named(charts(at)[0])


def test_custom_axes_defaults_and_unknown_word():
    at = app().run()
    at.radio(key="map_method").set_value("custom axes").run()
    assert_clean(at)
    axis_words = [at.text_input(key=f"map_axis_{c}").value for c in "abcd"]
    assert axis_words == ["man", "woman", "bad", "good"]
    assert at.radio(key="map_dims").disabled
    (fig,) = charts(at)
    assert fig["layout"]["xaxis"]["title"]["text"] == "man → woman"
    assert fig["layout"]["yaxis"]["title"]["text"] == "bad → good"
    kv = make_kv()
    expected = map_view.projection.custom_axes(kv, ("man", "woman"), ("bad", "good"), kv.words)
    at.selectbox(key="map_colour").set_value("none").run()
    (fig,) = charts(at)
    np.testing.assert_allclose(values(points(fig)[0]["x"]), expected[:, 0], atol=1e-6)
    (axis,) = [t for t in fig["data"] if t.get("name") == "axis words"]
    assert list(axis["text"]) == ["man", "woman", "bad", "good"]  # marked and named

    at.text_input(key="map_axis_d").input("goood").run()
    assert_clean(at)
    assert "goood" in at.warning[0].value and "good" in at.warning[0].value
    assert not charts(at)


def test_custom_axes_fall_back_to_frequent_words():
    kv = KeyedVectors(["x", "y", "z", "t", "u"], np.eye(5))
    assert layout.default_axis_pairs(kv) == (("x", "y"), ("z", "t"))
    assert layout.default_axis_pairs(make_kv()) == (("man", "woman"), ("bad", "good"))


# -- search ----------------------------------------------------------------------------


def test_search_known_word_highlights_full_space_neighbours():
    kv = make_kv()
    at = app(kv).run()
    at.radio(key="map_method").set_value("PCA")
    at.slider(key="map_topn").set_value(5)
    at.text_input(key="map_query").input("apple").run()
    assert_clean(at)
    expected = [w for w, _ in kv.most_similar("apple", topn=5)]
    assert set(expected[:3]) == {"pear", "plum", "peach"}
    table = at.dataframe[0].value
    assert list(table["word"]) == expected
    (fig,) = charts(at)
    top = highlighted(fig)
    assert [w for w in top["text"] if w][0] == "apple"
    assert len(values(top["x"])) == 6 and "apple" in top["name"]
    assert top["marker"]["size"] > points(fig)[0]["marker"]["size"]
    at.toggle(key="map_zoom").set_value(True).run()
    assert_clean(at)
    (zoomed,) = charts(at)
    assert zoomed["layout"]["xaxis"]["range"] != fig["layout"]["xaxis"]["range"]
    assert sum(1 for w in highlighted(zoomed)["text"] if w) >= 4  # room to name them


def test_search_adds_rare_words_to_the_map():
    at = app().run()
    at.radio(key="map_method").set_value("PCA")
    at.slider(key="map_n_words").set_value(10)
    at.slider(key="map_topn").set_value(3)
    at.text_input(key="map_query").input("w150").run()
    assert_clean(at)
    (fig,) = charts(at)
    assert "w150" in highlighted(fig)["text"]
    assert 11 <= all_xy(fig) <= 14
    assert any("projected the same way" in c.value for c in at.caption)


def positions(fig: dict) -> dict[str, tuple[float, float]]:
    """Each dot's hover text -> its (x, y)."""
    return {
        h: (float(x), float(y))
        for t in points(fig)
        for h, x, y in zip(t["hovertext"], values(t["x"]), values(t["y"]), strict=True)
    }


@pytest.mark.parametrize("method", ["t-SNE", "PCA"])
def test_a_search_moves_no_other_point_and_renames_no_group(method):
    at = app().run()
    at.radio(key="map_method").set_value(method)
    at.slider(key="map_n_words").set_value(30).run()
    (before,) = charts(at)
    at.text_input(key="map_query").input("w150").run()
    assert_clean(at)
    (after,) = charts(at)
    old, new = positions(before), positions(after)
    assert len(new) > len(old) and any(h.startswith("<b>w150</b>") for h in new)
    assert all(np.allclose(new[h], xy) for h, xy in old.items())  # nothing moved
    named_groups = {t["name"] for t in points(before)}
    assert named_groups <= {t["name"] for t in points(after)}
    if method == "t-SNE":
        assert any("no other moved" in c.value for c in at.caption)


def test_demo_words_are_laid_out_from_the_start():

    words = [f"w{a}{b}" for a in "abcdefghij" for b in "abcdefghij"] + ["queen", "paris"]
    kv = KeyedVectors(words, np.random.default_rng(0).normal(size=(len(words), 4)))
    rows = layout.base_rows(kv, 50)
    assert rows[:50] == tuple(range(50)) and {kv.words[i] for i in rows[50:]} == {"queen", "paris"}


def test_placing_a_word_pca_exactly_tsne_among_its_neighbours():
    from dashboard.charts import projection

    rng = np.random.default_rng(1)
    base = rng.normal(size=(40, 6))
    coords = projection.pca(base, 2)
    new = rng.normal(size=(3, 6))
    both = projection.pca(np.vstack([base, new]), 2)  # refitting moves everything a bit
    mean, basis = base.mean(axis=0), np.linalg.svd(base - base.mean(axis=0))[2][:2]
    exact = (new - mean) @ basis.T
    placed = layout.place_linear(new, base, coords)
    assert np.allclose(np.abs(placed), np.abs(exact), atol=1e-8)
    assert not np.allclose(both[:40], coords)
    near = layout.place_near(base[:1] + 1e-3, base, coords, k=1)
    assert np.allclose(near, coords[:1])


def test_search_unknown_word_warns_with_suggestions():
    at = app().run()
    at.radio(key="map_method").set_value("PCA")
    at.text_input(key="map_query").input("appel").run()
    assert_clean(at)
    (warning,) = at.warning
    assert "appel" in warning.value and "apple" in warning.value
    (fig,) = charts(at)
    assert not [t for t in fig["data"] if t.get("marker", {}).get("color") == HIGHLIGHT]


def test_search_is_case_insensitive_fallback():
    at = app().run()
    at.radio(key="map_method").set_value("PCA")
    at.text_input(key="map_query").input("  Apple ").run()
    assert_clean(at)
    assert not at.warning
    assert highlighted(charts(at)[0])["text"][0] == "apple"


def test_words_are_escaped_on_the_page():
    at = app().run()
    at.radio(key="map_method").set_value("PCA")
    at.text_input(key="map_query").input(NASTY).run()
    assert_clean(at)
    spec = json.dumps(charts(at)[0], ensure_ascii=False)
    assert "<script" not in spec
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in spec
    heading = next(m.value for m in at.markdown if "Nearest neighbours" in m.value)
    assert "\\<script\\>" in heading


# -- edge cases ------------------------------------------------------------------------


def test_tiny_and_broken_vocabularies():
    tiny = KeyedVectors(["a", "b", "c"], np.random.default_rng(0).normal(size=(3, 5)))
    at = app(tiny).run()
    assert_clean(at)
    assert all_xy(charts(at)[0]) == 3

    at = app(KeyedVectors(["a"], np.ones((1, 5)))).run()
    assert not at.exception
    assert at.info

    broken = np.ones((20, 4))
    broken[3, 1] = np.nan
    at = app(KeyedVectors([f"w{i}" for i in range(20)], broken)).run()
    assert not at.exception
    assert "NaN" in at.error[0].value


def test_coordinates_csv():
    data = downloads.coordinates_csv(
        ["a", "=b"], np.array([5, 3]), np.array([[0.5, 1.0], [2.0, -1.0]]), np.array([1, 0])
    )
    frame = pd.read_csv(io.BytesIO(data))
    assert list(frame.columns) == ["word", "frequency", "x", "y", "cluster"]
    # "=b" would be a formula in a spreadsheet: neutralised with a quote (OWASP).
    assert list(frame["word"]) == ["a", "'=b"] and list(frame["frequency"]) == [5, 3]
    three = downloads.coordinates_csv(["a"], np.array([1]), np.zeros((1, 3)), None)
    assert pd.read_csv(io.BytesIO(three)).columns.tolist() == ["word", "frequency", "x", "y", "z"]


# -- training replay -------------------------------------------------------------------


def test_replay_with_snapshots():
    kv = make_kv()
    snapshots, words = make_snapshots(kv)
    at = app(kv, snapshots=snapshots, snapshot_words=words).run()
    at.radio(key="map_method").set_value("PCA").run()
    assert_clean(at)
    _, replay = charts(at)
    assert len(replay["frames"]) == 4
    assert [f["name"] for f in replay["frames"]] == ["start", "epoch 1", "epoch 2", "epoch 3"]
    assert len(values(replay["frames"][0]["data"][0]["x"])) == 40
    assert replay["layout"]["sliders"][0]["steps"][-1]["label"] == "3"
    assert at.selectbox(key="map_replay_word").value == "woman"  # a demo word it has

    at.selectbox(key="map_replay_word").set_value("apple")
    at.slider(key="map_replay_topn").set_value(3).run()
    assert_clean(at)
    # a static table (cells wrap: no column or last row cut off at 1280x720)
    table = at.table[-1].value
    assert list(table.columns) == [
        "nearest neighbours, best first (+ = new since the epoch before)",
        "left the list",
    ]
    assert list(table.index) == ["0", "1", "2", "3"]
    last = [cell.lstrip("+") for cell in table.iloc[-1, 0].split(", ")]
    assert set(last) == {"pear", "plum", "peach"}
    assert charts(at)[1]["data"][1]["text"][0] == "apple"

    at.radio(key="map_replay_method").set_value("t-SNE")
    at.slider(key="map_replay_n").set_value(30).run()
    assert_clean(at)
    assert len(charts(at)[1]["frames"]) == 4


def test_replay_follows_the_searched_word():
    kv = make_kv()
    snapshots, words = make_snapshots(kv)
    at = app(kv, snapshots=snapshots, snapshot_words=words).run()
    at.radio(key="map_method").set_value("PCA")
    at.text_input(key="map_query").input("pear").run()
    assert_clean(at)
    assert at.selectbox(key="map_replay_word").value == "pear"


def test_replay_with_mismatched_snapshots_warns():
    kv = make_kv()
    snapshots, words = make_snapshots(kv)
    at = app(kv, snapshots=snapshots, snapshot_words=words[:10]).run()
    at.radio(key="map_method").set_value("PCA").run()
    assert_clean(at)
    assert any("does not match" in w.value for w in at.warning)
    assert len(charts(at)) == 1


def test_neighbour_table_marks_entered_and_left():
    history = [
        [("rome", 0.1), ("cat", 0.1)],
        [("rome", 0.5), ("paris", 0.4)],
        [("paris", 0.8), ("rome", 0.7)],
    ]
    table = replay.neighbour_table(history)
    assert list(table["neighbours"]) == ["rome, cat", "rome, +paris", "paris, rome"]
    assert list(table["left"]) == ["", "cat", ""]


def isolated_page(kv, selected, root):
    import sys

    sys.path[:0] = [root, root + "/tests"]
    from test_map_view import map_page

    from dashboard import state
    from dashboard.map_selection import ISOLATE

    if state.get(ISOLATE) is None:
        state.put(ISOLATE, selected)
    map_page(kv, root=root)


def test_isolating_keeps_colours_and_legend_meaningful():
    selected = ("test-run", [*FRUIT, "car", "bus", "man", "woman", "bad"])
    at = AppTest.from_function(isolated_page, default_timeout=60, args=(make_kv(), selected, ROOT))
    at.run()
    assert_clean(at)
    (fig,) = charts(at)
    assert "9 selected words on their own" in fig["layout"]["title"]["text"]
    assert not [t for t in fig["data"] if t.get("marker", {}).get("color") == HIGHLIGHT]
    groups = points(fig)
    assert 2 <= len(groups) <= 3  # about three words a group, not nine groups of one
    assert all(len(values(t["x"])) >= 1 and t["name"] for t in groups)  # no empty entry
    assert sum(len(values(t["x"])) for t in groups) == 9
    assert set(named(fig)) >= {*FRUIT, "car", "bus"}  # every word labelled
