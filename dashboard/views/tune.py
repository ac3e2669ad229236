"""The Tune tab: sweep a setting (or a grid of two), a budgeted search, and the
scoreboard of every run of this corpus.

Sweeps and searches train through the shared registry, one run at a time
(:mod:`dashboard.tuning`); the charts come from :mod:`dashboard.charts.tuning`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from dashboard import budget, presence, session, state
from dashboard.scoreboard import (
    SCORES,
    SETTINGS,
    SHORT_SCORES,
    board_columns,
    job_points,
    run_interval,
    run_score,
    scoreboard_frame,
)
from dashboard.views import Context, explain, md
from w2v_core.errors import W2VError
from w2v_core.sweep import SWEEP_HELDOUT

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import RunInfo
    from dashboard.tuning import Entry, TuneJob
    from w2v_core.corpus import Corpus
    from w2v_core.train import TrainConfig

#: Seconds between two redraws while a sweep runs.
REFRESH = 1.0

EXPLANATION = """
Which settings give the best vectors? **Sweep** one setting over a few values (or two
settings as a grid) and see how a score moves. Every run is trained once and cached, so
sweeps that share a value share that run.

* **Held-out loss** works on any text: 5% of the sentences are kept out of training, and
  the loss on them says how well the vectors predict words they have never seen together.
  Lower is better; when it starts rising while the training loss still falls, the model
  is memorising its corpus (over-fitting).
* **WordSim-353, SimLex-999, analogies** compare with people's judgements, but only
  when the corpus knows enough of their words (shown as *n/a* otherwise).
* **Budgeted search** tries settings for a few minutes by itself (Optuna): it stops
  weak runs after an epoch or three and spends the time on promising ones.
* **Scoreboard**: every run of this corpus so far. The lines chart links each run's
  settings to its score: look for the settings where the best (blue) lines pass.

Click a point of the sweep chart to explore that run in every tab.
"""

#: Settings offered in the tab, with suggested values.
SUGGESTED = {
    "window": "2,5,10",
    "dim": "25,50,100",
    "negatives": "2,5,10",
    "epochs": "1,3,5",
    "min_count": "1,3,5",
    "sample": "0,0.0001,0.001",
    "alpha": "0.01,0.025,0.05",
    "shared_negatives": "false,true",
}
#: Default search ranges: (low, high).
SEARCH_RANGES = {
    "window": (2, 10),
    "dim": (20, 200),
    "negatives": (2, 15),
    "alpha": (0.005, 0.1),
    "sample": (0.00001, 0.01),
    "min_count": (1, 10),
}


# --------------------------------------------------------------------------- the tab


def _format(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def render(ctx: Context) -> None:
    """Draw the Tune tab."""
    explain(EXPLANATION)
    corpus, base = ctx.corpus, ctx.config
    if corpus is None or base is None:
        st.info("Choose a corpus and possible settings in the sidebar first: sweeps train on it.")
        return
    if base.heldout <= 0:
        base = dataclasses.replace(base, heldout=SWEEP_HELDOUT)  # every run gets a score
    select = ctx.select
    infos = ctx.runs(corpus.fingerprint)
    by_key = {info.key: info for info in infos}
    job: TuneJob | None = session.tune_job()
    if job is not None and job.corpus_fingerprint != corpus.fingerprint:
        job = None

    score = st.selectbox(
        "Score",
        options=list(SCORES),
        format_func=SCORES.get,
        **state.widget("tune_score", "heldout_loss", options=list(SCORES)),
        help="What the charts and 'best' rank by. Losses: lower is better; "
        "benchmarks: higher is better.",
    )
    sweep_tab, search_tab = st.columns([1, 1], gap="large")
    with sweep_tab:
        _sweep_form(ctx, base, infos, job)
    with search_tab:
        _search_form(ctx, base, job)

    job = session.tune_job()
    if job is not None and job.corpus_fingerprint == corpus.fingerprint:
        _job_panel(ctx, job, score, select)
    _scoreboard(ctx, infos, by_key, score, select)


def _sweep_form(
    ctx: Context, base: TrainConfig, infos: Sequence[RunInfo], job: TuneJob | None
) -> None:
    from dashboard.tuning import start_sweep, sweep_estimate, sweep_todo
    from w2v_core.sweep import grid, parse_values

    st.subheader("Sweep")
    grid_mode = st.toggle("Grid of two settings", **state.widget("tune_grid", False))
    names = list(SUGGESTED)
    left, right = st.columns([1, 2])
    param = left.selectbox("Setting", names, **state.widget("tune_param", "window", options=names))
    values_text = right.text_input(
        "Values (comma-separated)",
        **state.widget(f"tune_values_{param}", SUGGESTED[param]),
        help="Each value is one run; the other settings come from the sidebar.",
    )
    axes_text = [(param, values_text)]
    if grid_mode:
        others = [n for n in names if n != param]
        param2 = left.selectbox(
            "Second setting", others,
            **state.widget(
                "tune_param2", others[0], valid=lambda v: v in others, options=others
            ),
        )  # fmt: skip
        values2 = right.text_input(
            "Its values", **state.widget(f"tune_values2_{param2}", SUGGESTED[param2])
        )
        axes_text.append((param2, values2))
    try:
        axes = [(name, parse_values(name, text)) for name, text in axes_text]
        budget.check_slider_ranges(axes)  # the sidebar's ranges, not the engine's limits
        configs = grid(base, axes)
    except W2VError as error:
        st.error(md(error))
        return
    corpus = ctx.corpus
    assert corpus is not None
    to_train = sweep_todo(ctx.registry, corpus, configs)
    # the cost model (every setting that changes the work), scaled by this server's runs
    seconds = sweep_estimate(ctx.registry, corpus, configs)
    cached = len(configs) - len(to_train)
    when = f"about {budget.minutes(seconds)} of training" if to_train else "nothing to train"
    st.caption(
        f"{len(configs)} runs ({cached} already cached), the other settings from the "
        f"sidebar · {when}"
    )
    busy = job is not None and job.active
    allowed = _budget_ok(seconds, len(to_train), repr(axes))
    if st.button("Start sweep", type="primary", disabled=busy or not allowed, key="tune_start"):
        try:
            owner = presence.session_id()
            session.set_tune_job(start_sweep(ctx.registry, corpus, base, axes, owner=owner))
        except W2VError as error:
            st.error(md(error))
        st.rerun()


def _search_form(ctx: Context, base: TrainConfig, job: TuneJob | None) -> None:
    from dashboard.tuning import start_search
    from w2v_core.search import Range

    st.subheader("Budgeted search")
    chosen = st.multiselect(
        "Settings to search",
        list(SEARCH_RANGES),
        **state.widget("tune_search_params", ["window", "dim"], param="default"),
        help="Optuna proposes values inside these ranges; weak runs are stopped early.",
    )
    ranges = []
    for name in chosen:
        low, high = SEARCH_RANGES[name]
        a, b = st.columns(2)
        is_int = isinstance(low, int)
        step = 1 if is_int else None
        fmt = "%d" if is_int else "%g"
        lo = a.number_input(f"{name}: from", step=step, format=fmt,
                            **state.widget(f"tune_lo_{name}", low))  # fmt: skip
        hi = b.number_input(f"{name}: to", step=step, format=fmt,
                            **state.widget(f"tune_hi_{name}", high))  # fmt: skip
        ranges.append(Range(name, float(lo), float(hi)))
    minutes = st.slider("Time budget (minutes)", 1, 30, **state.widget("tune_minutes", 3))
    busy = job is not None and job.active
    if st.button("Start search", disabled=busy or not ranges, key="tune_search_start"):
        try:
            corpus = ctx.corpus
            assert corpus is not None
            for r in ranges:
                if not r.low < r.high:
                    raise W2VError(f"the range of {r.name} must go from low to high")
            search = start_search(
                ctx.registry, corpus, base, ranges, 60.0 * minutes, owner=presence.session_id()
            )
            session.set_tune_job(search)
        except W2VError as error:
            st.error(md(error))
            return
        st.rerun()


def _budget_ok(seconds: float, runs: int, plan: str) -> bool:
    """Over the session budget: say so (no start).  Over :data:`budget.CONFIRM_SECONDS`:
    a box to tick first.  Returns whether the sweep may start."""
    limit = budget.session_budget_seconds()
    if seconds > limit:
        st.warning(
            f"About {budget.minutes(seconds)} of training: more than the "
            f"{budget.minutes(limit)} one visitor may plan at once on this shared server. "
            "Use fewer values, fewer epochs or a smaller dimension.",
            icon=":material/hourglass_disabled:",
        )
        return False
    if seconds <= budget.CONFIRM_SECONDS:
        return True
    return st.checkbox(
        f"Yes, train {runs} runs for about {budget.minutes(seconds)}",
        key=f"tune_confirm_{abs(hash(plan))}",  # a new plan asks again
        help="Long sweeps hold a training slot of this shared server; the queue in the "
        "sidebar shows everyone's trainings.",
    )


def _key(corpus: Corpus, config: TrainConfig) -> str:
    from w2v_core.config import training_key

    return training_key(corpus, config)


def _stop(job: TuneJob) -> None:
    """Stop's callback: ask the sweep (or search) to stop, and return at once.

    The run in progress ends after its current step, its partial model kept, and no
    other run starts; the panel drawn right after says so (:func:`stopping`), and its
    next redraw shows the run's end.  Waiting here for the end (up to 3 s, before)
    held the click's redraw while the run was saved and the server collected garbage.
    """
    job.stop()


#: Seconds the Stop drawn outside the panel (see :func:`_job_panel`) waits for the
#: sweep's end: that page cannot redraw the panel later, until its training ends.
STOP_WAIT = 3.0


def _stop_and_wait(job: TuneJob) -> None:
    job.stop()
    job.wait(STOP_WAIT)


def stopping(job: TuneJob) -> bool:
    """True between a Stop and the end of the sweep's thread (a fraction of a second)."""
    return job.active and job.stop_requested


def entry_status(entry: Entry, ending: bool) -> str:
    """What the panel says of one run.  While a Stop takes effect (``ending``), the run
    in progress is "stopping" and the runs not started yet "skipped", as they will be."""
    if ending and entry.status in ("running", "queued"):
        return "stopping"
    if ending and entry.status == "waiting":
        return "skipped"
    return entry.status + (" (cached)" if entry.cached else "")


def shown_counts(job: TuneJob) -> tuple[int, int]:
    """(runs finished, runs planned) as the panel says them: a stopping run counts as
    finished (it is, as far as the sweep goes: it ends after its current step)."""
    done, total = job.counts()
    if stopping(job):
        done += sum(e.status in ("running", "queued") for e in job.entries)
    return done, total


def _stop_button(job: TuneJob, wait: bool = False, disabled: bool = False) -> None:
    callback = _stop_and_wait if wait else _stop
    st.button("Stop", key="tune_stop", icon=":material/stop:", on_click=callback, args=(job,),
              disabled=disabled)  # fmt: skip


def _job_panel(ctx: Context, job: TuneJob, score: str, select: Callable[[str], None]) -> None:
    """Progress per run, one Stop, and the chart (drawn again every second while running).

    The panel is a fragment: its redraws and a click on its Stop rerun only it.  While
    this page also watches a training of its own, the whole script loops in
    :func:`dashboard.flow.watch` and a fragment cannot rerun until that training ends
    (minutes); the Stop is then drawn outside the fragment, where a click reruns the
    page at once, and waits for the sweep's end (that page cannot redraw the panel
    later); once used it stays, disabled, as long as the page watches (the browser
    would show the removed button, greyed, until the page's run ends).
    """
    outside = session.job() is not None
    if outside:
        _stop_button(job, wait=True, disabled=not job.active or job.stop_requested)

    @st.fragment(run_every=REFRESH if job.active else None)
    def panel() -> None:
        done, total = shown_counts(job)
        what = "Sweep" if job.kind == "sweep" else "Search"
        names = " × ".join(job.names)
        ending = stopping(job)
        if job.active and not ending:
            head, stop = st.columns([4, 1])
            head.markdown(f"**{what} of {md(names)}**: {done} of {total} runs finished")
            if not outside:
                with stop:
                    _stop_button(job)
        else:
            state = "stopped" if ending else job.state
            word = {"done": "finished", "stopped": "stopped", "failed": "failed"}[state]
            st.markdown(f"**{what} of {md(names)}** {word}: {done} of {total} runs")
            if ending:
                st.caption("The run in progress ends after its current step; what it has "
                           "learnt so far is kept.")  # fmt: skip
            if job.error:
                st.error(md(job.error))
        rows = [
            {
                **{name: _format(entry.point.get(name)) for name in job.names},
                "status": entry_status(entry, ending),
                "progress": entry.fraction,
            }
            for entry in job.entries
        ]
        if rows:
            st.dataframe(
                pd.DataFrame(rows),
                hide_index=True,
                width="stretch",
                column_config={
                    "progress": st.column_config.ProgressColumn(
                        "progress", min_value=0.0, max_value=1.0, format="percent"
                    )
                },
            )
        if session.first_sight_of_finish(job):
            st.rerun()  # once at the end: the scoreboard below picks up the new runs
        infos = {i.key: i for i in ctx.runs(job.corpus_fingerprint)}
        _chart(job, infos, score, select)

    panel()


def _chart(
    job: TuneJob, infos: dict[str, RunInfo], score: str, select: Callable[[str], None]
) -> None:
    from dashboard.charts.tuning import sweep_heatmap, sweep_line

    if job.kind != "sweep":
        return
    points = job_points(job, infos, score)
    if not any(p["score"] is not None for p in points):
        if points:
            st.caption(f"No {SCORES[score]} for these runs (see the scoreboard).")
        return
    names = job.names
    fig = (
        sweep_line(points, names[0], score)
        if len(names) == 1
        else sweep_heatmap(points, names[0], names[1], score)
    )
    fig.update_layout(height=380)
    _verdict_caption(points, score)
    event = st.plotly_chart(
        fig, width="stretch", key="tune_chart", on_select="rerun",
        selection_mode="points",
    )  # fmt: skip
    key = _clicked_key(event)
    if key and key != session.active_key():
        select(key)
        st.rerun(scope="app")


def _verdict_caption(points: list[dict[str, Any]], score: str) -> None:
    """Say whether the starred best run is distinguishable from the next one."""
    from dashboard.charts.tuning import best_verdict

    verdict = best_verdict(points, score)
    if verdict is None:
        if score in ("heldout_loss", "final_loss"):
            st.caption("No interval for the loss of one run: train seeds to see the spread.")
        return
    st.caption(
        "Bars: 95% intervals. The best run is clearly better than the next (their intervals "
        "do not overlap)."
        if verdict
        else "Bars: 95% intervals. The best run's interval overlaps the next one's: on a test "
        "of this size the two are not distinguishable."
    )


def _clicked_key(event: Any) -> str | None:
    """The run key carried by a clicked point (its ``customdata``), if any."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points:
        data = point.get("customdata")
        if isinstance(data, list):
            data = data[0] if data else None
        if isinstance(data, str) and data:
            return data
    return None


def _scoreboard(
    ctx: Context,
    infos: Sequence[RunInfo],
    by_key: dict[str, RunInfo],
    score: str,
    select: Callable[[str], None],
) -> None:
    from dashboard.charts.tuning import parallel_chart

    st.subheader("Scoreboard")
    if not infos:
        st.caption("No runs of this corpus yet.")
        return
    origins = _origins()
    active = ctx.run.key if ctx.run is not None else None
    frame = scoreboard_frame(infos, origins, active)
    columns = board_columns(frame)
    config: dict[str, Any] = {
        title: st.column_config.NumberColumn(
            SHORT_SCORES.get(title, title), format="%.4f", width=78, help=title
        )
        for title in SCORES.values()
    }
    config["shown"] = st.column_config.TextColumn("", width=28)
    config["seconds"] = st.column_config.NumberColumn("time", format="%.0f s", width=60)
    config["from"] = st.column_config.TextColumn("from", width=130)
    config.update({n: st.column_config.NumberColumn(n, width=70) for n in SETTINGS})
    st.dataframe(frame[columns], hide_index=True, width="stretch", column_config=config)
    hidden = [n for n in SETTINGS if n not in columns]
    st.caption(
        "Click a column header to sort. None: no score (held-out loss off, or a benchmark "
        "that covers too few of this corpus's words)."
        + (f" The same for every run, so not shown: {', '.join(hidden)}." if hidden else "")
    )
    varied = [name for name in SETTINGS if frame[name].nunique(dropna=True) > 1]
    rows = [{**(info.config or {}), score: run_score(info, score)} for info in infos if info.config]
    scored = [r for r in rows if r[score] is not None]
    if varied and len(scored) >= 2:
        fig = parallel_chart(scored, varied, score)
        fig.update_layout(height=360)
        st.plotly_chart(fig, width="stretch", key="tune_parallel")
    elif len(infos) >= 1:
        st.caption(f"The settings chart appears once two runs with a {SCORES[score]} differ.")
    _intervals(infos, score)


def _intervals(infos: Sequence[RunInfo], score: str) -> None:
    """The scoreboard's runs with their 95% intervals: which differences are real?"""
    from dashboard.charts.scores import differing_labels
    from dashboard.charts.tuning import interval_chart

    runs = [i for i in infos if run_score(i, score) is not None]
    if not any(run_interval(i, score)[0] is not None for i in runs):
        return
    labels = differing_labels([i.config or {} for i in runs])
    rows = [
        {"label": f"{n + 1}. {label}", "score": run_score(i, score), "key": i.key,
         **dict(zip(("low", "high"), run_interval(i, score), strict=True))}
        for n, (i, label) in enumerate(zip(runs, labels, strict=True))
    ]  # fmt: skip
    st.markdown(f"**{SCORES[score]} with 95% intervals**")
    st.plotly_chart(interval_chart(rows[-30:], score), width="stretch", key="tune_intervals")
    st.caption(
        "Each bar: the range the score would likely take on another test of the same size "
        "(bootstrap over its pairs or questions). Runs whose bars reach into the shaded band "
        "of the best (gold star) are not clearly worse."
    )


def _origins() -> dict[str, str]:
    """Which sweep or search trial of this session made each run."""
    job: TuneJob | None = session.tune_job()
    if job is None:
        return {}
    origins = {}
    for number, entry in enumerate(job.entries):
        if entry.key:
            origin = f"search trial {number}" if job.kind == "search" else "sweep"
            if entry.status == "pruned":
                origin += " (pruned)"
            origins[entry.key] = origin
    return origins
