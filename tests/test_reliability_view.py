"""The Neighbours tab's "check across seeds" and "what changed", driven through AppTest,
and their chart builders without a browser."""

from __future__ import annotations

import numpy as np
import pytest
from planted import planted_text
from test_app import (
    TEXT,
    ok,
    open_tab,
    set_settings,
    texts,
    train_clicked,
    trained_app,
    use_paste,
)

from dashboard.changes import changes_frame, movers_map
from dashboard.charts import compare as compare_charts
from w2v_core.compare import compare
from w2v_core.stability import SeedNeighbour, WordStability
from w2v_core.vectors import KeyedVectors

assert TEXT  # the pasted corpus trained by trained_app


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A private cache directory and no training on open (as in test_app)."""
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("W2V_AUTOTRAIN", "0")
    monkeypatch.setenv("W2V_MAX_CONCURRENT_TRAININGS", "2")
    return tmp_path


def _seed_job_done(at) -> None:
    job = at.session_state["seed_job"]
    assert job.wait(300), "the seeds did not finish"  # waits on the job's event
    at.run()
    ok(at)


def test_check_across_seeds_trains_the_missing_seeds_once_and_marks_one_seed_neighbours(env):
    at = trained_app(hp_dim=10)
    open_tab(at, "Neighbours")
    at.text_input(key="nb_words").input("king").run()
    at.toggle(key="nb_seeds").set_value(True).run()
    ok(at)
    at.number_input(key="nb_seed_count").set_value(3).run()
    assert any("2 more seed(s) to train" in c for c in texts(at.caption))
    at.button(key="nb_seed_train").click().run()
    ok(at)
    _seed_job_done(at)
    job = at.session_state["seed_job"]
    assert [e.status for e in job.entries] == ["done", "done"]
    tables = [d.value for d in at.main.dataframe if "in seeds" in d.value.columns]
    assert tables, "no across-seeds table"
    table = tables[0]
    assert set(table["in seeds"]) <= {"1 of 3", "2 of 3", "3 of 3"}
    one_seed = table["in seeds"] == "1 of 3"
    assert list(table.loc[one_seed, "note"]) == ["1 seed only"] * int(one_seed.sum())
    assert any("stability" in m for m in texts(at.markdown))
    assert any("Most and least stable" in m for m in texts(at.markdown))
    # A second look trains nothing: the seeds are cached runs.
    at.number_input(key="nb_seed_count").set_value(2).run()
    assert not [b for b in at.button if b.key == "nb_seed_train"]
    # Evaluate pools the three seeds' scores, each with its interval.
    open_tab(at, "Evaluate")
    pooled = next(d.value for d in at.main.dataframe if "mean over seeds" in d.value.columns)
    assert set(pooled["seeds"]) <= {3} and len(pooled) >= 4
    assert any("95% interval" in c for c in texts(at.caption))


def test_comparing_two_runs_lists_the_most_changed_words_and_draws_arrows(env):
    at = trained_app(hp_dim=10)
    first = at.session_state["active"]
    set_settings(at, hp_window=1)
    train_clicked(at)
    open_tab(at, "Neighbours")
    at.selectbox(key="nb_compare").set_value(first).run()
    at.text_input(key="nb_words").input("king").run()
    ok(at)
    frames = [d.value for d in at.main.dataframe if "moved" in d.value.columns]
    assert frames, "no table of changed words"
    frame = frames[0]
    assert list(frame["moved"]) == sorted(frame["moved"], reverse=True)
    assert any("moved" in m and "rank" in m for m in texts(at.markdown))
    at.radio(key="nb_change_by").set_value("overlap").run()
    frame = next(d.value for d in at.main.dataframe if "moved" in d.value.columns)
    assert list(frame["overlap"]) == sorted(frame["overlap"])


def test_two_pasted_corpora_compare_like_two_settings(env):
    at = trained_app(hp_dim=10)
    first = at.session_state["active"]
    use_paste(at, planted_text(800, seed=9))  # another text: another corpus of this session
    train_clicked(at)
    assert at.session_state["active"] != first
    open_tab(at, "Neighbours")
    at.selectbox(key="nb_compare").set_value(first).run()
    ok(at)
    frame = next(d.value for d in at.main.dataframe if "moved" in d.value.columns)
    assert len(frame) > 0 and frame["overlap"].between(0, 1).all()
    assert any("words compared" in c for c in texts(at.caption))


def test_seed_bars_mark_one_seed_neighbours_and_show_the_spread():
    result = WordStability(
        word="bank", count=10, stability=0.5, seeds=3, topn=2,
        neighbours=[SeedNeighbour("river", 1.0, 3, 0.8, 0.05),
                    SeedNeighbour("money", 1 / 3, 1, 0.4, 0.2)],
    )  # fmt: skip
    fig = compare_charts.seed_neighbour_bars(result)
    bar = fig.data[0]
    assert list(bar.error_x.array) == [0.2, 0.05]  # drawn bottom-up
    assert "one seed only" in bar.y[0] and bar.marker.color[0] == compare_charts.ONE_SEED_COLOUR
    assert bar.marker.color[1] == compare_charts.ALL_SEEDS_COLOUR


def test_movers_map_has_one_arrow_per_mover_from_a_to_b():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    a = KeyedVectors(words, rng.normal(size=(40, 6)))
    b = KeyedVectors(words, rng.normal(size=(40, 6)))
    comparison = compare(a, b, topn=5)
    fig = movers_map(comparison, n=7)
    assert len(fig.layout.annotations) == 7
    arrow = fig.layout.annotations[0]
    start, end = fig.data[0], fig.data[1]
    assert (arrow.ax, arrow.ay) == pytest.approx((start.x[0], start.y[0]))
    assert (arrow.x, arrow.y) == pytest.approx((end.x[0], end.y[0]))
    assert list(end.text) == [c.word for c in comparison.changes[:7]]
    assert len(changes_frame(comparison, rows=5)) == 5


def test_pair_projection_puts_identical_rows_at_the_same_place():
    rows = np.random.default_rng(1).normal(size=(5, 4))
    start, end = compare_charts.pair_projection(rows, rows)
    assert start.shape == (5, 2) and np.allclose(start, end)
