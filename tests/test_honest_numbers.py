"""Numbers that seem to disagree say what they count (issue 23, item 12)."""

from __future__ import annotations

from dashboard.company import trained_on


def test_why_close_says_why_the_maps_frequency_is_lower():
    # king: 291 times in the corpus, 273 in the part trained on (the rest held out)
    note = trained_on(291, 273)
    assert "273" in note and "held out" in note
    assert trained_on(291, 291) == "" and trained_on(291, 0) == ""


def test_the_runs_table_leaves_an_imported_runs_settings_blank_not_none():
    from dashboard.runs import RunInfo, RunStatus
    from dashboard.views.training import runs_frame

    config = {"dim": 50, "window": 5, "negatives": 5, "epochs": 5}
    trained = RunInfo("a", "a", "toy", "f", config, RunStatus.COMPLETE, 5, 2.0, 9e4, 456, 50)
    imported = RunInfo("b", "b", "vec.txt", "g", None, RunStatus.IMPORTED, 0, 0.0, 0.0, 99, 50)
    frame = runs_frame([trained, imported], active="a")
    for column in ("win", "neg", "ep", "dim", "vocab", "time (s)"):
        assert frame[column].dtype.kind in "if", column  # numbers: blank when missing
    assert frame["win"].isna().tolist() == [False, True]
    alone = runs_frame([imported], active="b")  # a column of None alone printed "None"
    for column in ("win", "neg", "ep", "time (s)", "k words/s"):
        assert alone[column].dtype.kind == "f" and alone[column].isna().all(), column


def test_3cosmul_scores_above_one_are_explained():
    import numpy as np

    from dashboard.queries import analogy_frame
    from dashboard.views.analogies import SCORE_NOTES
    from w2v_core.vectors import KeyedVectors

    rng = np.random.default_rng(0)
    kv = KeyedVectors([f"w{a}{b}" for a in "abcdef" for b in "abcdef"], rng.normal(size=(36, 5)))
    scores = analogy_frame(kv, "waa", "wab", "wac", "mul", 5)["score"]
    assert scores.max() > 1.0  # it happens: hence the note
    assert "exceed 1" in SCORE_NOTES["mul"] and "1 at most" in SCORE_NOTES["add"]


def test_parallel_coordinates_ticks_never_crowd():
    from dashboard.charts.tuning import PARALLEL_TICK_GAP, parallel_chart, spaced_ticks

    rows = [
        {"alpha": a, "sample": s, "loss": 2.0 + a + s}
        for a in (0.01, 0.0125, 0.015, 0.025, 0.05, 0.1)
        for s in (0.0, 1e-5, 1e-4, 1e-3)
    ]
    fig = parallel_chart(rows, ["alpha", "sample"], "loss")
    for dim in fig.data[0].dimensions:
        ticks = sorted(dim.tickvals)
        span = max(dim.values) - min(dim.values)
        assert len(ticks) >= 2 and max(dim.values) in ticks, dim.label
        gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
        assert min(gaps) >= PARALLEL_TICK_GAP * span * 0.999, (dim.label, ticks)
    assert spaced_ticks([]) == {} and spaced_ticks([3, 3])["ticktext"] == ["3"]


def test_the_runs_table_writes_a_missing_number_as_a_dash():
    from dashboard.runs import RunInfo, RunStatus
    from dashboard.views.training import runs_frame, shown_frame

    config = {"dim": 100, "window": 5, "negatives": 5, "epochs": 10}
    wiki = RunInfo("w", "w", "wiki", "f", config, RunStatus.COMPLETE, 10, 259.8, 15e3, 8744, 100)
    toy = RunInfo("t", "t", "toy", "g", config, RunStatus.COMPLETE, 5, 27.0, 56e3, 456, 50,
                  scores={"toy_analogies": 1.0, "toy_analogies_coverage": 1.0})  # fmt: skip
    shown = shown_frame(runs_frame([toy, wiki], active="w"))
    assert list(shown["toy"]) == ["1.00", "–"]  # the grid wrote the wiki run's "None"
    assert list(shown["vocab"]) == ["456", "8,744"]  # as the sidebar writes 9,034
    assert list(shown["time (s)"]) == ["27 s", "260 s"]
    assert "None" not in shown.to_string() and "nan" not in shown.to_string()
