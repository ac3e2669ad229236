"""The Training tab: loss curves, the runs table, choosing the active run.  (The live
progress panel shown while a run trains is :mod:`dashboard.progress`.)"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import session, state
from dashboard.charts.scores import differing_labels, epoch_loss_curve, loss_curve
from dashboard.runs import RunInfo, RunStatus
from dashboard.views import Context, explain, show
from w2v_core.evaluate import MIN_COVERAGE

EXPLANATION = """
Training reads the corpus word by word. For every word it looks at its neighbours
(the *window*) and nudges the word's vector towards theirs, and away from a few random
words (the *negatives*). The **loss** measures how badly the model currently tells real
neighbours from random words: it should go down quickly and then flatten.

* **Loss per step**: one point every few thousand word pairs. It is noisy, that's normal.
* **Loss per epoch**: the average over each pass through the corpus.
* **Runs**: every configuration trained so far. Pick one under *Show this run* to explore
  it in the other tabs.
"""

# --------------------------------------------------------------------------- the tab


def render(ctx: Context) -> None:
    """Draw the Training tab."""
    explain(EXPLANATION)
    run = ctx.run
    if run is None:
        st.info("Nothing trained yet: choose a corpus and settings in the sidebar, then **Train**.")
    elif run.history is None or not run.history.step_loss:
        st.info(
            "This run was imported from a file: it has no training history. "
            "Explore it in the other tabs."
        )
    else:
        _loss_charts(ctx)
    _runs_table(ctx)


def _loss_charts(ctx: Context) -> None:
    run = ctx.run
    assert run is not None and run.history is not None
    others = [
        info for info in ctx.runs(run.corpus_fingerprint) if info.key != run.key and info.step_loss
    ]
    labels = {info.key: info.label for info in others}
    # this session's own runs by default; other people's runs on this server are opt-in
    mine = [key for key in labels if key in session.trained_here()]
    chosen: list[str] = []
    if labels:
        chosen = st.multiselect(
            "Compare with other runs on this corpus",
            options=list(labels),
            format_func=lambda key: labels.get(key, key),
            # kept across tabs; follows this session's newest runs until the user picks
            **state.widget(
                f"overlay_runs_{run.key}",
                mine[-3:],
                basis=",".join(mine[-3:]),
                valid=lambda keys: all(key in labels for key in keys),
                param="default",
            ),
            help="Draw the loss curves of other runs on the same corpus on the same charts.",
        )
    selected = [info for info in others if info.key in chosen]
    # legend labels name only what differs between the runs drawn ("dim 50", "dim 100")
    short = differing_labels([run.info().config or {}] + [info.config or {} for info in selected])
    names = [f"▶ {short[0]}" if selected else f"▶ {run.label}", *short[1:]]
    step_runs = [(names[0], run.history.step_words, run.history.step_loss)]
    step_runs += [(n, i.step_words, i.step_loss) for n, i in zip(names[1:], selected, strict=True)]
    epoch_runs = [(names[0], run.history.epoch_loss)]
    epoch_runs += [
        (n, i.epoch_loss) for n, i in zip(names[1:], selected, strict=True) if i.epoch_loss
    ]
    steps = loss_curve(step_runs, title="Loss per step")
    epochs = None
    if any(losses for _, losses in epoch_runs):
        epochs = epoch_loss_curve(epoch_runs)
        epochs.update_layout(title="Loss per epoch", margin_t=50)  # as the step chart: aligned
    left, right = st.columns(2)
    for column, fig, key in ((left, steps, "loss_steps"), (right, epochs, "loss_epochs")):
        if fig is not None and len(fig.data) > 1:
            fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0})
        with column:
            if fig is None and key == "loss_epochs":
                st.caption("No epoch was completed: the loss per epoch appears after the first.")
            show(fig, key=key)
    if run.stopped:
        total = run.config.epochs if run.config else run.stop_epoch
        if run.status == RunStatus.EARLY_STOP:
            st.caption(
                f"Early stopping ended this run after epoch {run.stop_epoch} of {total}: "
                "the loss per epoch had stopped improving."
            )
        else:
            done = len(run.history.epoch_loss)
            st.caption(f"This run was stopped by the Stop button after {done} of {total} epochs.")


#: Settings the runs table gives a column each (short headers); the others are named in
#: one "other" column, and only where runs differ in them.
MAIN_SETTINGS = {"dim": "dim", "window": "win", "negatives": "neg", "epochs": "ep"}
OTHER_SETTINGS = ("min_count", "sample", "alpha", "seed", "shared_negatives", "batch_size")
SCORE_COLUMNS = {
    "ws353": ("WS-353", "Spearman correlation with WordSim-353 (see Evaluate)."),
    "simlex999": ("SimLex", "Spearman correlation with SimLex-999 (see Evaluate)."),
    "analogies": ("analog.", "Share of Google's analogy questions answered right."),
    "toy_analogies": ("toy", "Share of the toy corpus's planted analogies answered right."),
}


def runs_frame(infos: list[RunInfo], active: str | None) -> pd.DataFrame:
    """The runs table: configuration, training time and evaluation scores per run.

    It must fit a 1280x720 page without sideways scrolling, so: short headers, the
    less used settings in one "other" column that names only what differs between the
    runs (absent when nothing does), and no score column that no run has.
    """
    configs = [info.config or {} for info in infos]
    others = [{k: c[k] for k in OTHER_SETTINGS if k in c} for c in configs]
    differs = any(len({repr(o.get(k)) for o in others}) > 1 for k in OTHER_SETTINGS)
    other = differing_labels(others, fallback="") if differs else []
    rows = []
    for n, (info, config) in enumerate(zip(infos, configs, strict=True)):
        scores = info.scores or {}
        row = {
            "shown": "▶" if info.key == active else "",
            "corpus": info.corpus_name,
            "status": _status(info),
        }
        row.update({short: config.get(k) for k, short in MAIN_SETTINGS.items()})
        row["dim"] = config.get("dim", info.dim)
        if other:
            row["other"] = other[n].split(" (#")[0]
        row["vocab"] = info.vocab_size
        row["time (s)"] = round(info.seconds, 1) if info.config else None
        row["k words/s"] = round(info.words_per_sec / 1000, 1) if info.config else None
        for key, (header, _) in SCORE_COLUMNS.items():
            # a score on a small share of the test is no score (blank, as in Evaluate)
            coverage = scores.get(f"{key}_coverage")
            enough = coverage is None or coverage >= MIN_COVERAGE
            row[header] = scores.get(key) if enough else None
        rows.append(row)
    frame = pd.DataFrame(rows)
    # numbers as numbers: a column of ints and None (an imported run has no settings)
    # is an object column, which the table prints as "None"; NaN is shown blank
    for column in [*MAIN_SETTINGS.values(), "dim", "vocab", "time (s)", "k words/s"]:
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    empty = [h for h, _ in SCORE_COLUMNS.values() if frame[h].isna().all()]
    return frame.drop(columns=empty)


#: How the runs table writes each number (the table's grid writes a missing one "None").
SHOWN_FORMATS = {"vocab": "{:,.0f}", "time (s)": "{:.0f} s", "k words/s": "{:.0f}k/s"}
MISSING = "–"


def shown_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The runs table as text: numbers written as :func:`runs_columns` used to format
    them (scores with two decimals), a missing one as "–" rather than "None"."""
    shown = frame.copy()
    scores = {header for header, _ in SCORE_COLUMNS.values()}
    for column in shown.columns:
        if shown[column].dtype.kind not in "if":
            continue
        fmt = SHOWN_FORMATS.get(column, "{:.2f}" if column in scores else "{:.0f}")
        shown[column] = [MISSING if pd.isna(v) else fmt.format(v) for v in shown[column]]
    return shown


def runs_columns() -> dict[str, object]:
    """``column_config`` of the runs table: pixel widths that add up to the page width
    at 1280x720 (the main column is 818 px beside the sidebar): every column but one of
    the four scores fits in 800 px (a table of toy and real-text runs together is the
    only one with all four)."""

    def number(label: str, width: int, help: str | None = None) -> object:
        # text: shown_frame writes the numbers (the grid wrote a missing number "None")
        return st.column_config.TextColumn(label, width=width, help=help)

    columns: dict[str, object] = {
        "shown": st.column_config.TextColumn("", width=28, help="The run shown in every tab."),
        "corpus": st.column_config.TextColumn("corpus", width=60),
        "status": st.column_config.TextColumn("status", width=105),
        "other": st.column_config.TextColumn(
            "other", width=100, help="The other settings, where the runs differ."
        ),
        "vocab": number(
            "vocab",
            width=52,
            help="Words the run learned: those seen at least min-count times in the part "
            "of the text it trained on (the sidebar counts the whole text).",
        ),
        "time (s)": number("time", width=52, help="Training time."),
        "k words/s": number("speed", width=56, help="Words per second."),
    }
    helps = {"dim": "Dimensions", "win": "Window", "neg": "Negative samples", "ep": "Epochs"}
    for short, text in helps.items():
        columns[short] = number(short, width=44, help=text)
    blank = f" Blank: not measured, or under {MIN_COVERAGE:.0%} of the test covered."
    for header, text in SCORE_COLUMNS.values():
        columns[header] = number(header, width=54, help=text + blank)
    return columns


def _status(info: RunInfo) -> str:
    if info.status == RunStatus.EARLY_STOP:
        return f"early stop (epoch {info.stop_epoch})"
    return str(info.status)


def _runs_table(ctx: Context) -> None:
    st.subheader("Runs")
    infos = ctx.runs()
    if not infos:
        st.caption("No runs yet.")
        return
    active = ctx.run.key if ctx.run is not None else None
    st.dataframe(
        shown_frame(runs_frame(infos, active)),
        hide_index=True,
        width="stretch",
        column_config=runs_columns(),
    )
    labels = {info.key: info.label for info in infos}
    keys = list(labels)
    index = keys.index(active) if active in labels else None
    choice = st.selectbox(
        "Show this run in every tab",
        options=keys,
        index=index,
        placeholder="Choose a run",
        format_func=lambda key: labels.get(key, key),
        key=f"run_picker_{active}",
        help="The run the Neighbours, Analogies, Map, Evaluate and Export tabs look at.",
    )
    if choice is not None and choice != active:
        ctx.select(choice)
        st.rerun()
