"""UMAP on the word map: it keeps planted groups together about as well as t-SNE, it is
reproducible, it is cached, and it never slows the first screen (umap-learn and numba
are imported only when UMAP is chosen)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from planted import GROUPS, PAIRS, planted_text
from sklearn.metrics import silhouette_score
from test_map_view import app, assert_clean, charts, points
from test_projection import blobs

from dashboard.charts import projection
from w2v_core.corpus import corpus_from_text
from w2v_core.train import TrainConfig, train

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("umap", "numba", "pynndescent", "llvmlite")


@pytest.fixture(scope="module")
def planted():
    """Unit vectors of a model trained on the planted corpus, and the planted labels:
    the 12 group words by group (3 groups of 4), the 10 pair words by pair (5 pairs)."""
    model = train(
        corpus_from_text(planted_text(6000, seed=0), name="planted"),
        TrainConfig(dim=24, epochs=5, min_count=1, seed=0),
    )
    kv = model.wv
    label = {w: g for g, words in enumerate(GROUPS.values()) for w in words}
    label |= {w: len(GROUPS) + i for i, pair in enumerate(PAIRS) for w in pair}
    rows = np.array([kv.index[w] for w in label])
    return kv.unit(list(range(len(kv)))), rows, np.array(list(label.values()))


def purity(coords: np.ndarray, labels: np.ndarray, group_count: int) -> tuple[float, float]:
    """kNN purity among the labelled words: a group word's 3 nearest (its 3 partners),
    a pair word's 1 nearest (its partner), share of them with the same label."""
    d = ((coords[:, None] - coords[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    order = np.argsort(d, axis=1)
    group = [labels[order[i, :3]] == lab for i, lab in enumerate(labels) if lab < group_count]
    pair = [labels[order[i, :1]] == lab for i, lab in enumerate(labels) if lab >= group_count]
    return float(np.mean(group)), float(np.mean(pair))


@pytest.mark.parametrize("dims", [2, 3])
def test_umap_keeps_planted_groups_about_as_well_as_tsne(planted, dims):
    """Measured (seed 0, 60 words, 24-d vectors; the full space scores 1.0 on both):

    ======  =========================  ========================  ==========
    map     group purity (3 nearest)   pair purity (1 nearest)   silhouette
    ======  =========================  ========================  ==========
    t-SNE   2-D 1.00, 3-D 0.58         2-D 1.00, 3-D 0.70        0.67, 0.16
    UMAP    2-D 1.00, 3-D 1.00         2-D 1.00, 3-D 1.00        0.78, 0.70
    ======  =========================  ========================  ==========

    (silhouette of the 8 planted labels, 2-D then 3-D).  UMAP keeps every group and
    every pair whole; 3-D t-SNE, its perplexity capped at 20 for 60 words, mixes the
    groups.  (With umap-learn's 500 layout steps instead of 200, UMAP 2-D parted 2 of
    the 10 pairs: pair purity 0.80, silhouette 0.75.)  The margins below allow for
    other versions of the libraries.
    """
    x, rows, labels = planted
    assert purity(x[rows], labels, len(GROUPS)) == (1.0, 1.0)  # the structure is there
    maps = {"t-SNE": projection.tsne(x, dims, seed=0), "UMAP": projection.umap(x, dims, seed=0)}
    scores = {}
    for name, coords in maps.items():
        assert coords.shape == (len(x), dims) and np.isfinite(coords).all()
        group, pair = purity(coords[rows], labels, len(GROUPS))
        scores[name] = (group, pair, float(silhouette_score(coords[rows], labels)))
        print(
            f"\n{name} {dims}-D: group purity {group:.2f}, pair purity {pair:.2f}, "
            f"silhouette {scores[name][2]:.2f}"
        )
    assert scores["UMAP"][0] == 1.0 and scores["UMAP"][0] >= scores["t-SNE"][0]
    assert scores["UMAP"][1] >= scores["t-SNE"][1] - 0.25
    assert scores["UMAP"][2] >= scores["t-SNE"][2] - 0.1


def test_umap_is_reproducible_and_draws_3d():
    x, labels = blobs(n_per=20, dim=12)
    a = projection.umap(x, 3, n_neighbors=10, min_dist=0.2, seed=7)
    assert a.shape == (60, 3)
    np.testing.assert_array_equal(a, projection.umap(x, 3, n_neighbors=10, min_dist=0.2, seed=7))
    d = ((a[:, None] - a[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    assert (labels[d.argmin(axis=1)] == labels).all()  # every nearest word in its own blob


def test_umap_min_dist_packs_groups_tighter():
    """min_dist 0 packs a blob into a clump; 0.99 spreads it: the mean distance within
    a blob, relative to the map's size, shrinks as min_dist goes down."""
    x, labels = blobs(n_per=30, dim=12)

    def spread(coords):
        inner = [
            np.linalg.norm(coords[labels == k] - coords[labels == k].mean(0), axis=1).mean()
            for k in range(3)
        ]
        return float(np.mean(inner)) / float(np.ptp(coords, axis=0).max())

    tight, loose = (projection.umap(x, 2, min_dist=m, seed=0) for m in (0.0, 0.99))
    assert spread(tight) < spread(loose)


def test_umap_small_inputs():
    x = np.random.default_rng(0).normal(size=(6, 4))
    assert projection.umap(x, 2, n_neighbors=50).shape == (6, 2)  # neighbours clipped to n-1
    tiny = x[:3]  # below UMAP_MIN_WORDS: nothing to lay out, the PCA map is returned
    np.testing.assert_allclose(projection.umap(tiny, 2), projection.pca(tiny, 2))
    with pytest.raises(projection.W2VError):
        projection.umap(x, 4)


def test_prepare_umap_reports_its_steps(monkeypatch):
    monkeypatch.setitem(projection._UMAP_WARM, "done", False)
    steps: list[tuple[float, str]] = []
    seconds = projection.prepare_umap(lambda share, text: steps.append((share, text)))
    assert seconds > 0 and projection.umap_ready()
    assert [share for share, _ in steps] == [0.0, 0.3, 1.0]
    assert "Compiling" in steps[1][1]
    assert projection.prepare_umap() == 0.0  # ready: no second wait


FIRST_SCREEN = """
import json, os, sys
sys.path[:0] = [{root!r}, {tests!r}]
from streamlit.testing.v1 import AppTest
import dashboard.charts.projection, dashboard.map_umap, dashboard.downloads, dashboard.views.map
at = AppTest.from_file({app!r}, default_timeout=300)
at.run()
assert not at.exception, [e.value for e in at.exception]
from test_map_view import app
mapped = app()
mapped.run()  # the Map tab on its default, t-SNE
assert not mapped.exception and mapped.get("plotly_chart")
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r})))
"""


def test_first_screen_and_the_tsne_map_never_import_umap(tmp_path):
    """A fresh process: import the app's modules, open the app, draw the t-SNE map;
    neither umap-learn nor numba (seconds to import, more to compile) is loaded."""
    script = FIRST_SCREEN.format(
        root=str(ROOT),
        tests=str(ROOT / "tests"),
        app=str(ROOT / "dashboard" / "app.py"),
        heavy=HEAVY,
    )
    env = dict(os.environ, W2V_CACHE_DIR=str(tmp_path / "cache"), W2V_AUTOTRAIN="0")
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


# -- the Map tab -----------------------------------------------------------------------


def test_map_tab_draws_umap_in_2d_and_3d_with_its_settings():
    at = app()
    at.run()
    at.radio(key="map_method").set_value("UMAP").run()
    assert_clean(at)
    fig = charts(at)[0]
    assert fig["layout"]["title"]["text"].startswith("UMAP")
    assert {p["type"] for p in points(fig)} == {"scatter"}
    sliders = {s.key: s for s in at.slider}
    assert sliders["map_umap_neighbours"].value == projection.UMAP_NEIGHBOURS
    assert sliders["map_umap_min_dist"].value == pytest.approx(projection.UMAP_MIN_DIST)
    assert all(sliders[k].help for k in ("map_umap_neighbours", "map_umap_min_dist"))
    assert "UMAP" in at.radio(key="map_method").help  # when to pick which
    at.radio(key="map_dims").set_value("3D").run()
    assert_clean(at)
    assert {p["type"] for p in points(charts(at)[0])} == {"scatter3d"}


def test_umap_map_is_cached_and_follows_its_settings(monkeypatch):
    projection.prepare_umap()  # its warm-up fit is not one of the map's projections counted
    st.cache_data.clear()
    calls: list[tuple[int, float]] = []
    real = projection.umap

    def counted(vectors, dims, n_neighbors, min_dist, seed=0):
        calls.append((n_neighbors, min_dist))
        return real(vectors, dims, n_neighbors, min_dist, seed=seed)

    monkeypatch.setattr(projection, "umap", counted)
    at = app()
    at.run()
    at.radio(key="map_method").set_value("UMAP").run()
    at.slider(key="map_n_labels").set_value(5).run()  # not a UMAP setting: from the cache
    assert calls == [(projection.UMAP_NEIGHBOURS, projection.UMAP_MIN_DIST)]
    at.slider(key="map_umap_min_dist").set_value(0.5).run()
    at.slider(key="map_umap_neighbours").set_value(5).run()
    assert_clean(at)
    assert calls[1:] == [(projection.UMAP_NEIGHBOURS, 0.5), (5, 0.5)]
    at.slider(key="map_umap_min_dist").set_value(projection.UMAP_MIN_DIST).run()
    at.slider(key="map_umap_neighbours").set_value(projection.UMAP_NEIGHBOURS).run()
    assert len(calls) == 4  # (5, 0.1) once; back at the defaults: cached


def test_without_umap_learn_the_map_says_so(monkeypatch):
    """umap-learn missing (an install without it): a warning naming the package, no crash."""
    monkeypatch.setitem(projection._UMAP_WARM, "done", False)
    monkeypatch.setitem(sys.modules, "umap", None)  # "import umap" now raises ImportError
    st.cache_data.clear()
    at = app()
    at.run()
    at.radio(key="map_method").set_value("UMAP").run()
    assert not at.exception and not at.error
    assert any("pip install umap-learn" in w.value.replace("\\", "") for w in at.warning)
