"""Error bars and the "best" star's verdict in the Tune tab's charts (no browser)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dashboard.charts.tuning import best_verdict, interval_chart, star_text, sweep_line
from dashboard.scoreboard import run_interval


def _points(intervals):
    return [
        {"value": v, "score": s, "low": lo, "high": hi, "key": f"k{v}", "label": f"window {v}"}
        for v, (s, lo, hi) in zip((2, 5, 10), intervals, strict=True)
    ]


def test_the_star_says_whether_the_best_is_distinguishable_from_the_next():
    apart = _points([(0.20, 0.15, 0.25), (0.40, 0.35, 0.45), (0.30, 0.26, 0.33)])
    overlapping = _points([(0.20, 0.15, 0.25), (0.40, 0.30, 0.48), (0.35, 0.28, 0.41)])
    assert best_verdict(apart, "ws353") is True
    assert best_verdict(overlapping, "ws353") is False
    # Lower is better for a loss: the best is the smallest, compared with the next smallest.
    assert best_verdict(apart, "heldout_loss") is True  # 0.20 [.15, .25] vs 0.30 [.26, .33]
    close = _points([(0.20, 0.15, 0.27), (0.40, 0.35, 0.45), (0.30, 0.26, 0.33)])
    assert best_verdict(close, "heldout_loss") is False
    no_intervals = [{**p, "low": None, "high": None} for p in apart]
    assert best_verdict(no_intervals, "ws353") is None
    assert star_text(True) == "best (clearly)" and star_text(None) == "best"


def test_sweep_line_draws_asymmetric_error_bars_and_the_verdict():
    points = _points([(0.20, 0.15, 0.25), (0.40, 0.30, 0.48), (0.35, 0.28, 0.41)])
    fig = sweep_line(points, "window", "ws353")
    line, star = fig.data
    error = line.error_y
    assert list(error.array) == pytest.approx([0.05, 0.08, 0.06])  # high - score, by value
    assert list(error.arrayminus) == pytest.approx([0.05, 0.10, 0.07])
    assert star.text[0] == "best ≈ next"
    bare = sweep_line([{**p, "low": None, "high": None} for p in points], "window", "ws353")
    assert bare.data[0].error_y.array is None and bare.data[1].text[0] == "best"


def test_interval_chart_puts_the_best_on_top_with_its_band():
    rows = [
        {"label": "1. dim 50", "score": 0.30, "low": 0.25, "high": 0.35, "key": "a"},
        {"label": "2. dim 100", "score": 0.33, "low": 0.28, "high": 0.38, "key": "b"},
        {"label": "3. dim 25", "score": None, "low": None, "high": None, "key": "c"},
    ]
    fig = interval_chart(rows, "ws353")
    points, star = fig.data
    assert list(points.y) == ["1. dim 50", "2. dim 100"]  # the best last: drawn at the top
    assert list(star.y) == ["2. dim 100"]
    band = fig.layout.shapes[0]
    assert (band.x0, band.x1) == (0.28, 0.38)


def test_run_interval_reads_the_scores_sidecar_and_ignores_losses():
    info = SimpleNamespace(
        scores={"ws353": 0.3, "ws353_coverage": 0.9, "ws353_ci_low": 0.25, "ws353_ci_high": 0.35},
        heldout_loss=[2.5], epoch_loss=[2.4],
    )  # fmt: skip
    assert run_interval(info, "ws353") == (0.25, 0.35)
    assert run_interval(info, "heldout_loss") == (None, None)
    thin = SimpleNamespace(scores={**info.scores, "ws353_coverage": 0.1}, epoch_loss=[])
    assert run_interval(thin, "ws353") == (None, None)
    assert run_interval(None, "ws353") == (None, None)
