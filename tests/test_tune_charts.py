"""The Tune tab's chart builders, checked on their figures (no browser)."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts.tuning import (
    best_point,
    parallel_chart,
    score_title,
    sweep_heatmap,
    sweep_line,
)

LINE = [
    {"value": 10, "score": 2.1, "key": "k10", "label": "w10"},
    {"value": 2, "score": 2.4, "key": "k2", "label": "<b>w2</b>"},
    {"value": 5, "score": 1.9, "key": "k5", "label": "w5"},
    {"value": 20, "score": None, "key": "k20", "label": "still training"},
]


def test_line_is_ordered_by_value_with_the_lowest_loss_starred():
    fig = sweep_line(LINE, "window", "heldout_loss")
    line, best = fig.data
    assert list(line.x) == [2, 5, 10] and list(line.y) == [2.4, 1.9, 2.1]
    assert list(line.customdata) == ["k2", "k5", "k10"]  # a click names its run
    assert best.marker.symbol == "star" and list(best.x) == [5] and list(best.customdata) == ["k5"]
    assert "&lt;b&gt;w2&lt;/b&gt;" in line.text[0]  # labels are text, never markup
    assert fig.layout.yaxis.title.text == "held-out loss (lower is better)"
    assert fig.layout.xaxis.type != "log"  # 2..10 is a factor of 5


def test_for_a_benchmark_the_highest_score_is_best_and_wide_ranges_get_a_log_axis():
    points = [{"value": v, "score": s, "key": str(v)} for v, s in [(25, 0.1), (200, 0.3)]]
    fig = sweep_line(points, "dim", "ws353")
    assert list(fig.data[1].x) == [200] and fig.layout.xaxis.type == "log"
    assert score_title("ws353").endswith("(higher is better)")
    assert best_point([{"value": 1, "score": None}], "ws353") is None


def test_line_of_booleans_is_categorical():
    points = [{"value": False, "score": 2.0}, {"value": True, "score": 1.5}]
    fig = sweep_line(points, "shared_negatives", "heldout_loss")
    assert fig.layout.xaxis.type == "category" and list(fig.data[1].x) == ["True"]


def test_heatmap_rows_are_the_second_setting_and_every_cell_is_clickable():
    points = [
        {"value": w, "value2": d, "score": s, "key": f"{w}-{d}"}
        for (w, d), s in {(2, 50): 2.0, (5, 50): 1.8, (2, 100): 1.9, (5, 100): None}.items()
    ]
    fig = sweep_heatmap(points, "window", "dim", "heldout_loss")
    heat, cells, best = fig.data
    assert isinstance(heat, go.Heatmap)
    assert list(heat.x) == ["2", "5"] and list(heat.y) == ["50", "100"]
    assert [list(row) for row in heat.z] == [[2.0, 1.8], [1.9, None]]
    assert [list(row) for row in heat.text] == [["2.000", "1.800"], ["1.900", "–"]]
    assert heat.reversescale  # lower loss = the dark end of "Blues"
    assert sorted(cells.customdata) == ["2-100", "2-50", "5-100", "5-50"]
    assert (best.x[0], best.y[0], best.customdata[0]) == ("5", "50", "5-50")


def test_parallel_coordinates_show_settings_then_the_score():
    rows = [
        {"dim": 50, "window": 2, "shared_negatives": False, "heldout_loss": 2.0},
        {"dim": 100, "window": 5, "shared_negatives": True, "heldout_loss": 1.8},
        {"dim": 200, "window": 5, "shared_negatives": True, "heldout_loss": None},
    ]
    fig = parallel_chart(rows, ["dim", "window", "shared_negatives"], "heldout_loss")
    (par,) = fig.data
    labels = [d.label for d in par.dimensions]
    assert labels == ["dim", "window", "shared_negatives", "held-out loss"]
    assert list(par.dimensions[0].values) == [50, 100]  # the run without a score is left out
    assert list(par.dimensions[2].ticktext) == ["off", "on"]
    assert list(par.line.color) == [2.0, 1.8] and par.line.reversescale
