""" "Is this neighbour real?": the active run's configuration trained with more seeds.

The shared rendering behind the Neighbours tab's *check across seeds* (and the pooled
scores in Evaluate).  The extra seeds are ordinary runs: their keys differ from the
active run's only by the seed, they are trained through the shared registry like any
sweep (:func:`dashboard.tuning.start_sweep` over ``seed``: one place in the queue at a
time, progress, one Stop), cached, and reused by every session.

The measures are :mod:`w2v_core.stability`; the charts :mod:`dashboard.charts.compare`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard import session, state
from dashboard.charts import compare as compare_charts
from dashboard.ui import full_height, md, report, show
from w2v_core.errors import W2VError
from w2v_core.intervals import bootstrap_mean, percentile_interval
from w2v_core.stability import MAX_SEEDS, frequent_stability, seed_configs, word_stability
from w2v_core.train import run_key

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run
    from dashboard.tuning import TuneJob
    from dashboard.ui import Context
    from w2v_core.train import TrainConfig
    from w2v_core.vectors import KeyedVectors

#: Seconds between two redraws of the progress while seeds train.
REFRESH = 1.0
#: Most and least stable words listed.
LISTED = 10


def seed_keys(run: Run, seeds: int) -> list[tuple[str, TrainConfig]]:
    """(run key, configuration) of each seed; the first is the active run itself."""
    assert run.config is not None
    configs = seed_configs(run.config, seeds)
    keys = [run.key] + [run_key(run.corpus_fingerprint, c) for c in configs[1:]]
    return list(zip(keys, configs, strict=True))


@st.cache_data(show_spinner="Comparing the seeds…", max_entries=64)
def _word(keys: tuple[str, ...], word: str, topn: int, _kvs: list[KeyedVectors]):  # noqa: ANN202
    return word_stability(_kvs, word, topn=topn)


@st.cache_data(show_spinner="Ranking frequent words by stability…", max_entries=16)
def _frequent(keys: tuple[str, ...], _kvs: list[KeyedVectors]) -> list[tuple[str, int, float]]:
    return frequent_stability(_kvs)


def neighbours_frame(result: object) -> pd.DataFrame:
    """One row per neighbour: seeds listing it, mean cosine ± spread, a one-seed flag."""
    rows = [
        {
            "neighbour": n.word,
            "in seeds": f"{n.seeds} of {result.seeds}",
            "mean cosine": round(n.mean_cosine, 4),
            "± spread": round(n.spread, 4),
            "note": "1 seed only" if n.seeds == 1 else "",
        }
        for n in result.neighbours
    ]
    return pd.DataFrame(rows)


def render(ctx: Context, run: Run, words: list[str], topn: int) -> None:
    """The *check across seeds* section for the given query words."""
    if not st.toggle(
        "Check across seeds: is this neighbour real?",
        **state.widget("nb_seeds", False),
        help="Train the same settings with other seeds and keep the neighbours they agree on.",
    ):
        return
    if run.config is None:
        st.info("Imported vectors have no training settings to train again with other seeds.")
        return
    seeds = int(
        st.number_input(
            "Seeds (runs that differ only by their seed)",
            min_value=2,
            max_value=MAX_SEEDS,
            step=1,
            **state.widget("nb_seed_count", 3),
        )  # fmt: skip
    )
    pairs = seed_keys(run, seeds)
    missing = [(k, c) for k, c in pairs[1:] if not ctx.registry.is_cached(k)]
    job: TuneJob | None = session.seed_job()
    if missing:
        _train_missing(ctx, run, missing, job)
        return
    runs = [run] + [ctx.get_run(k) for k, _ in pairs[1:]]
    if any(r is None for r in runs):
        st.warning("A seed's run could not be opened; train it again.")
        return
    kvs = [r.kv for r in runs]
    keys = tuple(k for k, _ in pairs)
    st.caption(
        f"Seeds {', '.join(str(c.seed) for _, c in pairs)} of the same settings. "
        "Bars: mean cosine over the seeds ± one standard deviation; dark blue: every seed "
        "lists the neighbour, light: some, red: only one seed (most likely chance)."
    )
    for number, word in enumerate(words):
        try:
            result = _word(keys, word, topn, kvs)
        except W2VError as error:
            report(error, run.label, run.config.min_count)
            continue
        with st.container(border=True):
            one = result.one_seed_only()
            st.markdown(
                f"**{md(word)}**: stability **{result.stability:.2f}** "
                f"(mean share of top-10 neighbours two seeds agree on; 1 = all agree)"
                + (f" · only in one seed: {md(', '.join(one))}" if one else "")
            )
            table, bars = st.columns([1, 1])
            frame = neighbours_frame(result)
            table.dataframe(
                frame, hide_index=True, width="stretch", height=full_height(frame),
                column_config={
                    "neighbour": st.column_config.TextColumn("neighbour", width=110),
                    "in seeds": st.column_config.TextColumn("seeds", width=60),
                    "mean cosine": st.column_config.NumberColumn("mean cos", width=75),
                    "± spread": st.column_config.NumberColumn("±", width=60),
                    "note": st.column_config.TextColumn("", width=110),
                },
            )  # fmt: skip
            with bars:
                show(compare_charts.seed_neighbour_bars(result), key=f"nb_seed_bars_{number}")
    _stable_words(keys, kvs)


def _stable_words(keys: tuple[str, ...], kvs: list[KeyedVectors]) -> None:
    try:
        ranked = _frequent(keys, kvs)
    except W2VError as error:
        st.caption(md(error))
        return
    st.markdown(f"**Most and least stable of the {len(ranked):,} most frequent words**")
    frame = lambda items: pd.DataFrame(  # noqa: E731
        [{"word": w, "frequency": c, "stability": round(s, 2)} for w, c, s in items]
    )
    most, least = st.columns(2)
    most.caption("Most stable: every seed gives them the same company")
    most.dataframe(frame(ranked[:LISTED]), hide_index=True, width="stretch")
    least.caption("Least stable: their neighbours are mostly chance")
    least.dataframe(frame(ranked[::-1][:LISTED]), hide_index=True, width="stretch")


def _train_missing(
    ctx: Context, run: Run, missing: list[tuple[str, TrainConfig]], job: TuneJob | None
) -> None:
    """Offer to train the seeds not cached yet; follow their training with a Stop."""
    from dashboard.tuning import start_sweep

    mine = job is not None and {k for k, _ in missing} <= {e.key for e in job.entries if e.key}
    if job is not None and job.active:
        _progress(job)
        return
    corpus = ctx.corpus_for(run)
    if corpus is None:
        st.info(f"Select this run's corpus ({md(run.corpus_name)}) in the sidebar to train seeds.")
        return
    if mine and job is not None and job.error:
        st.error(md(job.error))
    minutes = run.seconds * len(missing) / 60
    when = f"about {math.ceil(minutes)} min" if minutes >= 1 else "under a minute"
    st.caption(
        f"{len(missing)} more seed(s) to train ({when}, like this run), one at a time in the "
        "shared queue; cached afterwards for everyone."
    )
    if st.button(f"Train {len(missing)} more seed(s)", key="nb_seed_train", type="primary"):
        try:
            seeds = [c.seed for _, c in missing]
            assert run.config is not None
            session.set_seed_job(start_sweep(ctx.registry, corpus, run.config, [("seed", seeds)]))
        except W2VError as error:
            st.error(md(error))
            return
        st.rerun()


def _progress(job: TuneJob) -> None:
    @st.fragment(run_every=REFRESH)
    def panel() -> None:
        done, total = job.counts()
        head, stop = st.columns([4, 1])
        head.markdown(f"**Training seeds**: {done} of {total} finished")
        if stop.button("Stop", key="nb_seed_stop", icon=":material/stop:"):
            job.stop()
        rows = [
            {"seed": e.point.get("seed"), "status": e.status, "progress": e.fraction}
            for e in job.entries
        ]
        st.dataframe(
            pd.DataFrame(rows), hide_index=True, width="stretch",
            column_config={"progress": st.column_config.ProgressColumn(
                "progress", min_value=0.0, max_value=1.0, format="percent")},
        )  # fmt: skip
        if not job.active:
            st.rerun(scope="app")

    panel()


@st.cache_data(show_spinner="Evaluating the seeds…", max_entries=16)
def _pooled(keys: tuple[str, ...], _kvs: list[KeyedVectors]) -> list:
    from w2v_core.evaluate import evaluate_vectors
    from w2v_core.stability import seed_scores

    return seed_scores([evaluate_vectors(kv) for kv in _kvs])


def pooled_frame(scores: list) -> pd.DataFrame:
    """One row per test: the mean over the seeds and its 95% interval."""
    rows = []
    for score in scores:
        accuracy = score.metric == "accuracy"
        fmt = (lambda v: f"{v:.1%}") if accuracy else (lambda v: f"{v:.3f}")
        finite = math.isfinite(score.value)
        rows.append(
            {
                "test": f"{score.title} ({score.metric})",
                "mean over seeds": (fmt(score.value) if finite else "n/a")
                + ("" if score.rankable or not finite else " (low coverage)"),
                "95% interval": (
                    f"{fmt(score.ci95[0])} to {fmt(score.ci95[1])}" if score.ci95 else "n/a"
                ),
                "seeds": score.seeds,
                "coverage": f"{score.coverage:.0%}",
            }
        )
    return pd.DataFrame(rows)


def pooled_scores(ctx: Context, run: Run) -> None:
    """In Evaluate: the scores over every cached seed of this run's settings, with an
    interval that holds both the test's and the seeds' randomness."""
    if run.config is None:
        return
    pairs = seed_keys(run, MAX_SEEDS)
    cached = [run] + [ctx.get_run(k) for k, _ in pairs[1:] if ctx.registry.is_cached(k)]
    cached = [r for r in cached if r is not None]
    st.subheader("Over seeds", anchor=False)
    if len(cached) < 2:
        st.caption(
            "One seed so far. Train more in the Neighbours tab (*check across seeds*): the "
            "interval here will then also hold the training's randomness."
        )
        return
    try:
        scores = _pooled(tuple(r.key for r in cached), [r.kv for r in cached])
    except W2VError as error:
        st.caption(md(error))
        return
    frame = pooled_frame(scores)
    losses = [r.history.heldout_loss[-1] for r in cached if r.history and r.history.heldout_loss]
    if len(losses) >= 2:
        interval = percentile_interval(bootstrap_mean(losses))
        low, high = interval if interval is not None else (math.nan, math.nan)
        row = {"test": "held-out loss (lower is better)", "mean over seeds":
               f"{sum(losses) / len(losses):.4f}", "95% interval": f"{low:.4f} to {high:.4f}",
               "seeds": len(losses), "coverage": "100%"}  # fmt: skip
        frame = pd.concat([pd.DataFrame([row]), frame], ignore_index=True)
    st.dataframe(frame, hide_index=True, width="stretch")
    st.caption(
        f"Mean of {len(cached)} runs that differ only by their seed; the interval resamples "
        "both the seeds and the test's items (the held-out loss: the seeds only)."
    )
