"""Take away what you see: the map's image button, the selection and the neighbour table
as files, every CSV safe to open in a spreadsheet.

The bytes a download button serves are captured where Streamlit stores them
(``MediaFileManager.add``), so the tests read exactly the file a user would get.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from test_map_view import FRUIT, NASTY, app, assert_clean, make_kv

from dashboard import downloads
from dashboard.charts import projection

ROOT = str(Path(__file__).resolve().parents[1])
FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://x")']


@pytest.fixture
def served(monkeypatch) -> dict[str, tuple[bytes, str | None]]:
    """Every file a download button hands to Streamlit: url -> (bytes, file name)."""
    files: dict[str, tuple[bytes, str | None]] = {}
    real = MediaFileManager.add

    def add(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        url = real(self, data, mimetype, coordinates, file_name, is_for_static_download)
        files[url] = (bytes(data), file_name)
        return url

    monkeypatch.setattr(MediaFileManager, "add", add)
    return files


def download(at: AppTest, served: dict, label: str) -> tuple[bytes, str | None]:
    (button,) = [b for b in at.get("download_button") if b.proto.label == label]
    return served[button.proto.url]


def cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def assert_no_formula(data: bytes) -> None:
    """No cell of the CSV starts a formula, unless it is a plain number."""
    for row in cells(data)[1:]:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell)  # a negative coordinate is a number, not a formula


# -- the one CSV helper ----------------------------------------------------------------


def test_csv_bytes_neutralises_every_text_cell_and_keeps_numbers():
    frame = pd.DataFrame(
        {
            "word": [*FORMULAS, "king"],
            "group": ["-tools", *["fruit"] * (len(FORMULAS) - 1), "=x"],
            "x": np.linspace(-1.5, 1.5, len(FORMULAS) + 1),
            "n": np.arange(len(FORMULAS) + 1) - 3,
        }
    )
    back = pd.read_csv(io.BytesIO(downloads.csv_bytes(frame)), keep_default_na=False)
    assert list(back["word"]) == ["'" + w for w in FORMULAS] + ["king"]
    assert back["group"].iloc[0] == "'-tools" and back["group"].iloc[-1] == "'=x"
    np.testing.assert_allclose(back["x"], frame["x"])  # numbers stay numbers, signs too
    assert list(back["n"]) == list(frame["n"])
    assert_no_formula(downloads.csv_bytes(frame))
    assert list(frame["word"]) == [*FORMULAS, "king"]  # the caller's frame is untouched


def test_word_list_is_the_words_exactly():
    words = ["king", "=1+1", "naïve", NASTY]
    assert downloads.word_list(words).decode("utf-8").splitlines() == words
    assert downloads.word_list([]) == b""


def test_selection_frame_has_coordinates_and_group():
    coords = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    frame = downloads.selection_frame(
        [2, 0], ["a", "b", "c"], [30, 20, 10], coords, np.array([1, 0, 1]), {1: "a · c"}
    )
    assert list(frame.columns) == ["word", "frequency", "x", "y", "z", "cluster", "group"]
    assert list(frame["word"]) == ["c", "a"] and list(frame["frequency"]) == [10, 30]
    assert list(frame["z"]) == [8.0, 2.0] and list(frame["group"]) == ["a · c", "a · c"]
    plain = downloads.selection_frame([1], ["a", "b", "c"], [3, 2, 1], coords[:, :2])
    assert list(plain.columns) == ["word", "frequency", "x", "y"]
    assert downloads.selection_frame([], ["a"], [1], coords[:1, :2]).empty


def test_chart_config_saves_at_presentation_size():
    png = downloads.chart_config(("map", "run/1", "t-SNE", "2d"), "PNG")
    assert png["displaylogo"] is False
    options = png["toImageButtonOptions"]
    assert options == {
        "format": "png",
        "filename": "map_run_1_t-SNE_2d",
        "width": 960,
        "height": 600,
        "scale": 2,  # 1920 x 1200 pixels
    }
    svg = downloads.chart_config(("x",), "SVG")["toImageButtonOptions"]
    assert downloads.file_stem("map", "20200836cb866a98f9b6", "élan") == "map_20200836cb866a98_lan"
    assert svg["format"] == "svg" and svg["scale"] == 1


# -- on the Map tab --------------------------------------------------------------------


def chart_config(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.config)


def test_map_camera_button_saves_png_or_svg():
    at = app()
    at.run()
    assert_clean(at)
    options = chart_config(at)["toImageButtonOptions"]
    assert options["format"] == "png" and options["filename"] == "map_test-run_t-SNE_2d"
    assert (options["width"], options["height"], options["scale"]) == (960, 600, 2)
    at.radio(key="map_image_format").set_value("SVG").run()
    at.radio(key="map_method").set_value("PCA").run()
    at.radio(key="map_dims").set_value("3D").run()
    options = chart_config(at)["toImageButtonOptions"]
    assert options["format"] == "svg" and options["filename"] == "map_test-run_PCA_3d"


def test_search_result_as_word_list_and_csv(served):
    """Search "apple": the word and its neighbours (the other fruit first), with their
    coordinates on the map and their cluster's name, formulas neutralised."""
    kv = make_kv()
    at = app(kv)
    at.run()
    at.radio(key="map_method").set_value("PCA").run()
    at.text_input(key="map_query").input("apple").run()
    assert_clean(at)
    words, name = download(at, served, "Word list (.txt)")
    listed = words.decode("utf-8").splitlines()
    assert name == "map_test-run_apple_words.txt"
    assert listed[0] == "apple" and set(listed[1:4]) == set(FRUIT) - {"apple"}
    assert len(listed) == 11  # the word and its 10 neighbours (the slider's default)
    data, name = download(at, served, "Words with coordinates (CSV)")
    assert name == "map_test-run_apple.csv"
    frame = pd.read_csv(io.BytesIO(data), keep_default_na=False)
    assert list(frame.columns) == ["word", "frequency", "x", "y", "cluster", "group"]
    assert list(frame["word"]) == listed  # (no formula among these words)
    whole = pd.read_csv(io.BytesIO(download(at, served, "Download coordinates (CSV)")[0]))
    on_map = whole.set_index("word").loc[listed]  # the same place as in the map's own CSV
    np.testing.assert_allclose(frame[["x", "y"]].to_numpy(), on_map[["x", "y"]].to_numpy())
    assert list(frame["cluster"]) == list(on_map["cluster"])
    assert all(" · " in g or g.isdigit() for g in frame["group"])


def test_lasso_selection_as_files_with_formulas_neutralised(served):
    """A "word" that is a formula, selected with the lasso, arrives quoted in the CSV and
    exact in the word list."""
    kv = make_kv()
    words = list(kv.words)
    words[words.index("w0")] = '=HYPERLINK("http://x")'
    kv = type(kv)(words, kv.vectors, kv.counts)
    at = app(kv)
    at.run()
    at.radio(key="map_method").set_value("PCA").run()
    at.selectbox(key="map_colour").set_value("none").run()
    chosen = ['=HYPERLINK("http://x")', "apple", NASTY]
    rows = [words.index(w) for w in chosen]
    xy = projection.pca(kv.unit(list(range(len(kv)))), 2)  # where the PCA map draws them
    points = [{"x": xy[r, 0], "y": xy[r, 1]} for r in rows]
    selection = {"selection": {"points": points, "point_indices": [], "box": [], "lasso": []}}
    at.session_state["map_chart"] = selection
    at.run()
    assert_clean(at)
    listed = download(at, served, "Word list (.txt)")[0].decode("utf-8").splitlines()
    assert listed == chosen
    data, name = download(at, served, "Words with coordinates (CSV)")
    assert name == "map_test-run_selection.csv"
    frame = pd.read_csv(io.BytesIO(data), keep_default_na=False)
    assert list(frame.columns) == ["word", "frequency", "x", "y"]  # no colours: no group
    assert list(frame["word"]) == ['\'=HYPERLINK("http://x")', "apple", NASTY]
    np.testing.assert_allclose(frame[["x", "y"]].to_numpy(), xy[rows], atol=1e-9)
    assert_no_formula(data)


# -- the Neighbours tab ----------------------------------------------------------------


def neighbours_page(kv, root=""):
    import sys
    from types import SimpleNamespace

    if root not in sys.path:
        sys.path.insert(0, root)
    from dashboard.views import Context, neighbours

    run = SimpleNamespace(kv=kv, key="test-run", config=None, imported=True, label="test")
    ctx = Context(run=run, registry=None, store=None)
    ctx.run_choices = lambda: {}
    neighbours.render(ctx)


def test_neighbour_table_as_csv(served):
    kv = make_kv()
    words = list(kv.words)
    words[words.index("pear")] = "=pear()"
    kv = type(kv)(words, kv.vectors, kv.counts)
    at = AppTest.from_function(neighbours_page, default_timeout=60, kwargs={"kv": kv, "root": ROOT})
    at.session_state["nb_words"] = "apple"
    at.run()
    assert not at.exception, at.exception
    data, name = download(at, served, "Download table (CSV)")
    assert name == "neighbours_apple.csv"
    shown = at.dataframe[0].value
    frame = pd.read_csv(io.BytesIO(data), keep_default_na=False)
    assert list(frame.columns) == list(shown.columns)
    assert list(frame["word"]) == ["'" + w if w.startswith("=") else w for w in shown["word"]]
    assert "'=pear()" in list(frame["word"])
    np.testing.assert_allclose(frame["similarity"], shown["similarity"])
    assert_no_formula(data)
