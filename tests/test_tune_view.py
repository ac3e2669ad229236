"""The Tune tab through Streamlit's AppTest: start a sweep, watch its progress, stop it,
click a point to make that run active, the scoreboard and the budgeted search."""

from __future__ import annotations

import time

import pytest
from test_app import charts, env, ok, open_tab, set_settings, start, texts, use_paste  # noqa: F401

WAIT = 90.0
pytestmark = pytest.mark.usefixtures("env")  # a private cache, no training on open


def tune_app(**settings):
    at = start()
    use_paste(at)
    set_settings(at, **{"hp_epochs": 2, **settings})
    open_tab(at, "Tune")
    return at


def wait_for(at, condition, timeout: float = WAIT) -> None:
    """Rerun the page (as its one-second refresh does) until ``condition(job)`` holds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        at.run()
        ok(at)
        if condition(at.session_state["tune_job"]):
            at.run()  # the page as it is drawn once the condition holds
            ok(at)
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out; job: {at.session_state['tune_job']}")


def frames(at):
    return [df.value for df in at.dataframe]


def scoreboard(at):
    (board,) = [f for f in frames(at) if "held-out loss" in f.columns]
    return board


def test_sweep_runs_with_progress_then_chart_and_click_to_activate():
    at = tune_app()
    at.text_input(key="tune_values_window").input("1,2,3").run()
    ok(at)
    assert any("3 runs (0 already cached)" in c for c in texts(at.caption))
    at.button(key="tune_start").click().run()
    ok(at)
    job = at.session_state["tune_job"]
    assert [e.point for e in job.entries] == [{"window": 1}, {"window": 2}, {"window": 3}]
    # While it runs: one row per run with its status and progress, and one Stop.
    (progress,) = [f for f in frames(at) if "progress" in f.columns]
    assert list(progress.columns) == ["window", "status", "progress"] and len(progress) == 3
    wait_for(at, lambda j: not j.active)
    assert job.state == "done" and all(e.status == "done" for e in job.entries)
    assert any("Sweep of window" in m and "finished" in m for m in texts(at.markdown))
    # The chart: held-out loss against window, best starred, every point a run key.
    keys = [e.key for e in job.entries]
    (spec,) = [c.proto.spec for c in charts(at) if '"star"' in c.proto.spec]
    assert all(key in spec for key in keys) and "held-out loss (lower is better)" in spec
    # The scoreboard lists the three runs with their held-out loss.
    board = scoreboard(at)
    assert len(board) == 3 and board["held-out loss"].notna().all()
    assert sorted(board["window"]) == [1, 2, 3]
    # Clicking a point (Plotly's selection event) makes that run active in every tab.
    at.session_state["tune_chart"] = {
        "selection": {"points": [{"customdata": keys[2]}], "point_indices": [2],
                      "box": [], "lasso": []}
    }  # fmt: skip
    at.run()
    ok(at)
    assert at.session_state["active"] == keys[2]
    assert any("Showing:" in c and "window 3" in c for c in texts(at.caption))


def test_one_stop_ends_the_whole_sweep(monkeypatch, tmp_path):
    # Every training pauses at its first report (the release file never appears), so the
    # Stop surely lands while the first run trains, however fast the machine.
    monkeypatch.setenv("W2V_HOLD_TRAINING", str(tmp_path / "never-released"))
    at = tune_app(hp_epochs=50)
    at.text_input(key="tune_values_window").input("1,2,3").run()
    at.button(key="tune_start").click().run()
    ok(at)
    wait_for(at, lambda j: j.entries[0].status == "running")
    at.button(key="tune_stop").click().run()
    ok(at)
    wait_for(at, lambda j: not j.active)
    job = at.session_state["tune_job"]
    assert job.state == "stopped"
    assert [e.status for e in job.entries] == ["stopped", "skipped", "skipped"]
    assert any("stopped" in m for m in texts(at.markdown))


def test_stop_says_stopped_in_the_redraw_of_its_own_click(monkeypatch, tmp_path):
    # The click's redraw does not wait for the sweep to end: it already says "stopped",
    # offers no Stop, and the run in progress is "stopping" (or, if it ended meanwhile,
    # "stopped"); the runs not started are "skipped".
    monkeypatch.setenv("W2V_HOLD_TRAINING", str(tmp_path / "never-released"))
    at = tune_app(hp_epochs=50)
    at.text_input(key="tune_values_window").input("1,2,3").run()
    at.button(key="tune_start").click().run()
    wait_for(at, lambda j: j.entries[0].status == "running")
    at.button(key="tune_stop").click().run()
    ok(at)
    assert any("Sweep of window" in m and "stopped: 1 of 3 runs" in m for m in texts(at.markdown))
    assert not [b for b in at.button if b.key == "tune_stop"]
    (progress,) = [f for f in frames(at) if "progress" in f.columns]
    assert list(progress["status"])[0] in ("stopping", "stopped")
    assert list(progress["status"])[1:] == ["skipped", "skipped"]
    wait_for(at, lambda j: not j.active)
    (progress,) = [f for f in frames(at) if "progress" in f.columns]
    assert list(progress["status"]) == ["stopped", "skipped", "skipped"]


def test_a_stopping_sweep_is_shown_as_it_will_end():
    from dashboard.tuning import Entry, TuneJob
    from dashboard.views.tune import entry_status, shown_counts, stopping

    job = TuneJob("sweep", [("window", [1, 2, 3])], "fp")
    job.entries = [Entry({"window": w}, None) for w in (1, 2, 3)]
    job.entries[0].status = "done"
    job.entries[1].status = "running"
    assert not stopping(job) and shown_counts(job) == (1, 3)
    assert [entry_status(e, False) for e in job.entries] == ["done", "running", "waiting"]
    job.stop()  # no run registered as current: only the request is recorded
    assert stopping(job) and shown_counts(job) == (2, 3)
    assert [entry_status(e, True) for e in job.entries] == ["done", "stopping", "skipped"]
    job.state = "stopped"  # the sweep's thread has ended
    assert not stopping(job) and shown_counts(job) == (1, 3)


def test_bad_values_are_one_error_and_nothing_starts():
    at = tune_app()
    at.text_input(key="tune_values_window").input("2,x").run()
    ok(at)
    assert any("window takes numbers" in e for e in texts(at.error))
    assert "tune_start" not in [b.key for b in at.button]
    assert "tune_job" not in at.session_state


def test_grid_gives_a_heatmap_and_search_records_trials():
    at = tune_app()
    at.toggle(key="tune_grid").set_value(True).run()
    at.text_input(key="tune_values_window").input("1,2").run()
    at.selectbox(key="tune_param2").set_value("dim").run()
    at.text_input(key="tune_values2_dim").input("10,20").run()  # inside the slider
    ok(at)
    at.button(key="tune_start").click().run()
    wait_for(at, lambda j: not j.active)
    assert any('"heatmap"' in c.proto.spec for c in charts(at))
    # A budgeted search: its trials appear in the scoreboard, marked as such.
    at.multiselect(key="tune_search_params").set_value(["alpha"]).run()
    at.button(key="tune_search_start").click().run()
    ok(at)
    job = at.session_state["tune_job"]
    assert job.kind == "search"
    wait_for(at, lambda j: len(j.entries) >= 3, timeout=WAIT)
    job.stop()
    wait_for(at, lambda j: not j.active)
    board = scoreboard(at)
    assert board["from"].str.startswith("search trial").sum() >= 3
    assert any('"parcoords"' in c.proto.spec for c in charts(at))
