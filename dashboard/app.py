"""The word2vec playground: ``streamlit run dashboard/app.py``.

This script stays thin: it wires the sidebar, the training progress panel and the tabs
together.  Training belongs to the process-wide :class:`~dashboard.runs.RunRegistry`;
the views live in :mod:`dashboard.views`.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

# Streamlit puts this file's directory on sys.path; the package needs the repository root.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import budget, local_vectors, presence, presentation, share, sidebar, stale  # noqa: E402
from dashboard.advice import corpus_advice, weak_settings  # noqa: E402
from dashboard.corpora import CorpusStore  # noqa: E402
from dashboard.runs import (  # noqa: E402
    JobState,
    RegistrySettings,
    Run,
    RunRegistry,
    RunStatus,
    TrainingJob,
)
from dashboard.views import (  # noqa: E402
    Context,
    analogies,
    evaluate,
    export,
    guard,
    learn,
    md,
    neighbours,
    overview,
    server,
    training,
    tune,
    why,
)
from dashboard.views import map as map_view  # noqa: E402
from w2v_core.errors import W2VError  # noqa: E402

log = logging.getLogger("dashboard")


def _configure_logging() -> None:
    """Send the dashboard's log (trainings started and finished, cache problems) to
    stderr, once per process: the server operator's record of what happened."""
    if not any(getattr(handler, "_w2v", False) for handler in log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._w2v = True  # type: ignore[attr-defined]
        log.addHandler(handler)
        log.setLevel(logging.INFO)


_configure_logging()

#: The tabs, in order: (title, the view's ``render(ctx)``).  A new view is one module in
#: dashboard/views/ with ``render(ctx: Context)``, and one line here.
VIEWS: list[tuple[str, Callable[[Context], None]]] = [
    ("Overview", overview.render),
    ("Training", training.render),
    ("Neighbours", neighbours.render),
    ("Analogies", analogies.render),
    ("Map", map_view.render),
    ("Why close?", why.render),
    ("How it learns", learn.render),
    ("Evaluate", evaluate.render),
    ("Tune", tune.render),
    ("Export / import", export.render),
]
TABS = [title for title, _ in VIEWS]
#: Set to 0 to open without training the quick demo (the tests do).
ENV_AUTOTRAIN = "W2V_AUTOTRAIN"
#: Seconds a run after a click on Stop waits for the stopped model before drawing.
STOP_WAIT = 5.0
#: Session-state keys of the app's own bookkeeping (not user inputs, see dashboard.state).
ACTIVE, JOB, TRAINED, OPENED_LOCAL = "active", "job", "_trained_here", "_opened_local"
SHARE_NOTICE, SESSION = "_share_notice", presence.SESSION


# --------------------------------------------------------------------------- process-wide state


@st.cache_resource(show_spinner=False)
def _registry(settings: RegistrySettings) -> RunRegistry:
    return RunRegistry(settings)


def get_registry() -> RunRegistry:
    """The registry for the current settings (one per process and settings: the
    settings dataclass is the cache key, so every setting counts)."""
    return _registry(RegistrySettings.from_env())


@st.cache_resource(show_spinner=False)
def get_store() -> CorpusStore:
    """The built-in corpora, loaded once per process."""
    return CorpusStore()


# --------------------------------------------------------------------------- session state


def _set_active(key: str | None) -> None:
    st.session_state[ACTIVE] = key


def _session_id() -> str:
    """This session's id: which pages watch a shared training (see TrainingJob.request_stop)."""
    return presence.session_id()


def _detach() -> None:
    """Stop's callback when another session watches the same training: stop watching."""
    st.session_state[JOB] = None
    _flash(
        "info",
        "Another user is training these same settings: their training goes on. This page "
        "stopped watching it (click Train to watch it again).",
    )


def _flash(kind: str, message: str) -> None:
    """Show a message on the next run of the page (e.g. after st.rerun)."""
    st.session_state.setdefault("_flash", []).append((kind, message))


def _show_flash() -> None:
    for kind, message in st.session_state.pop("_flash", []):
        {"info": st.info, "error": st.error, "warning": st.warning}.get(kind, st.info)(message)


def _submit(
    choice: sidebar.Choice, registry: RunRegistry, retrain_stopped: bool, note: str | None = None
) -> None:
    """Ask the registry for the chosen run: show it if cached, else watch its job.

    ``note`` (e.g. "the cached model was damaged") is shown with the job's progress.
    """
    assert choice.corpus is not None and choice.config is not None
    try:
        if _would_train(choice, registry, retrain_stopped):
            budget.check_budget(_estimate(choice, registry), "This training")
        submission = registry.submit(
            choice.corpus, choice.config, retrain_stopped=retrain_stopped, owner=_session_id()
        )
    except W2VError as error:
        st.error(f"Cannot train these settings: {md(error)}")
        return
    if submission.run is not None:
        _set_active(submission.run.key)
        st.session_state[JOB] = None
    else:
        job = submission.job
        if note and job is not None and note not in job.notes:
            job.notes.append(note)
        st.session_state[JOB] = job


def _estimate(choice: sidebar.Choice, registry: RunRegistry) -> float:
    """Estimated seconds of training the choice (the cost model, scaled by this corpus's
    runs on this server; :mod:`dashboard.budget`)."""
    corpus, config = choice.corpus, choice.config
    assert corpus is not None and config is not None
    scale = budget.calibration(registry.list_runs(corpus.fingerprint), corpus)
    return budget.estimate_seconds([config], corpus, scale)


def _would_train(choice: sidebar.Choice, registry: RunRegistry, retrain_stopped: bool) -> bool:
    """Would submitting the choice start a new training (not a cached run, not joining
    a training that runs already)?  Only those count against the session budget."""
    key = choice.key
    if key is None or registry.job(key) is not None:
        return False
    run = registry.fetch(key)[0] if registry.is_cached(key) else None
    return run is None or (retrain_stopped and run.status == RunStatus.STOPPED)


def _link_waits(choice: sidebar.Choice, registry: RunRegistry) -> bool:
    """A link's settings that would train long on arrival wait for a click on Train."""
    if not st.session_state.get(share.LINK_SETTINGS) or registry.is_cached(choice.key or ""):
        return False
    seconds = _estimate(choice, registry)
    if seconds <= budget.CONFIRM_SECONDS:
        return False
    over = seconds > budget.session_budget_seconds()
    st.info(
        f"This link's settings would train for about {budget.minutes(seconds)} on this "
        "shared server: "
        + (
            "more than one visitor may ask at once; lower the epochs or the dimension."
            if over
            else "click **Train** in the sidebar to start it."
        ),
        icon=":material/hourglass_top:",
    )
    return True


def _handle_choice(choice: sidebar.Choice, registry: RunRegistry) -> None:
    """Train on click (or on the first visit); show a cached run when the settings match."""
    state = st.session_state
    key = choice.key
    first_visit = not state.get("_visited")
    state["_visited"] = True
    # Started with --vectors: the first file is shown instead of training the demo.
    autotrain = os.environ.get(ENV_AUTOTRAIN, "1") != "0" and not state.get(OPENED_LOCAL)
    arrival = first_visit and autotrain and key is not None and not _link_waits(choice, registry)
    if key is not None and (choice.train_clicked or arrival):
        _submit(choice, registry, retrain_stopped=choice.train_clicked)
    elif key is not None and key != state.get("_last_key"):
        running = registry.job(key)
        if running is not None and state.get(JOB) is None:
            state[JOB] = running  # trained for another session: show the same progress
        elif registry.is_cached(key):
            run, warning = registry.fetch(key)
            if run is not None:
                _set_active(run.key)
            elif warning:  # a damaged cache entry: it was removed, train it again
                _submit(choice, registry, retrain_stopped=False, note=warning)
    state["_last_key"] = key


def _active_run(registry: RunRegistry, imports: dict[str, Run]) -> Run | None:
    key = st.session_state.get(ACTIVE)
    if key is None:
        return None
    if key in imports:
        return imports[key]
    run, warning = registry.fetch(key)
    if warning:
        st.warning(md(warning))
    if run is None:
        st.info("The run shown before is no longer cached: train it again from the sidebar.")
        _set_active(None)
    return run


def _finish(job: TrainingJob) -> None:
    """Take the result of a finished job into this session."""
    st.session_state[JOB] = None
    for note in job.notes:
        _flash("warning", md(note))
    run = job.run
    if job.state == JobState.DONE and run is not None:
        _set_active(run.key)
        trained = st.session_state.setdefault(TRAINED, [])
        if run.key in trained:
            trained.remove(run.key)
        trained.append(run.key)
        if run.status == RunStatus.EARLY_STOP:
            total = run.config.epochs if run.config else run.stop_epoch
            _flash(
                "info",
                f"Early stopping: the loss stopped improving, training ended after epoch "
                f"{run.stop_epoch} of {total}.",
            )
        elif run.stopped:
            _flash("info", "Training was stopped: the model trained so far is kept and shown.")
    elif job.state == JobState.FAILED:
        _flash("error", f"Training failed: {md(job.error)}")
    elif job.state == JobState.CANCELLED:
        _flash("info", "Training was stopped before it started.")


def _open_first_local(state) -> None:
    """On the first visit of a server started with ``--vectors``, show the first file."""
    files = local_vectors.available()
    if not files:
        return
    try:
        with st.spinner(f"Opening {files[0].name}…"):
            run = export.open_local(files[0].name, files)
    except W2VError as error:
        st.error(f"Could not open {md(files[0].name)}: {md(error)}")
        return
    state["imports"][run.key] = run
    _set_active(run.key)


# --------------------------------------------------------------------------- tabs


def _tabs(ctx: Context) -> None:
    tabs = st.tabs(TABS, key="tab", on_change="rerun")
    for tab, (title, render) in zip(tabs, VIEWS, strict=True):
        if tab.open is False:  # only the open tab is computed
            continue
        with tab, guard(f"the {title} tab"):
            render(ctx)


# --------------------------------------------------------------------------- page


def main() -> None:
    """Draw the page."""
    st.set_page_config(
        page_title="word2vec playground",
        page_icon="🔤",  # an emoji is drawn by the browser: nothing is fetched
        layout="wide",
        initial_sidebar_state="expanded",
    )
    state = st.session_state
    state.setdefault("imports", {})
    state.setdefault(JOB, None)
    registry = get_registry()
    store = get_store()
    me = presence.heartbeat(registry)  # this tab is here: its trainings stay wanted

    title, switch = st.columns([3, 1], vertical_alignment="center")
    title.title("word2vec playground")
    with switch:
        presentation.toggle()
    st.caption(
        "Word vectors learned from a text: which words are close, analogies, a map. "
        "Change the settings in the sidebar and click Train."
    )
    if registry.disk_problem and not state.get("_disk_warned"):
        st.warning(md(registry.disk_problem))
        state["_disk_warned"] = True
    finished: TrainingJob | None = state.get(JOB)
    if finished is not None and finished.stop_requested:
        # Stop was just clicked (its callback ran before this run): the trainer ends
        # after one step and the model is saved; wait for that rather than draw the
        # whole page once more with the progress panel.
        finished.done.wait(STOP_WAIT)
    if finished is not None and finished.done.is_set():
        # Finished (or stopped) since the last run: show its result in this very run,
        # not after one more full rerun (slow while other users train).
        _finish(finished)
    _show_flash()
    # a shared link: its settings, tab and word, before any widget is drawn
    share.restore_app(TABS, lambda text: state.__setitem__(SHARE_NOTICE, text))
    if state.get(SHARE_NOTICE):
        st.warning(md(state[SHARE_NOTICE]), icon=":material/link_off:")
    panel = st.empty()

    open_first = not state.get("_visited") and bool(local_vectors.paths_from_argv(sys.argv[1:]))
    if open_first:
        state[OPENED_LOCAL] = True  # no demo training: the file is what this server is for
    choice = sidebar.Choice(None, None)
    with guard("the sidebar"):
        choice = sidebar.render(registry, store)
    with st.sidebar, guard("the server queue"):
        server.render_queue(registry, me)
    choice.train_clicked = choice.train_clicked or stale.train_requested()
    _handle_choice(choice, registry)
    if open_first:  # after the sidebar, so that a slow first open never cuts it short
        _open_first_local(state)
    run = _active_run(registry, state["imports"])
    if choice.note is not None:
        active = run.key if run is not None else None
        note = sidebar.train_note(choice, registry, active, state.get(TRAINED, []))
        config = choice.config
        hint = config and weak_settings(config.dim, config.window, config.negatives, config.alpha)
        choice.note.caption(f"{note}  \n{hint}" if hint else note)
    if run is not None and (state.get(JOB) is None or state[JOB].done.is_set()):
        with guard("the settings check"):  # the tabs show an older run than the sidebar's
            stale.banner(run, choice.corpus, choice.config)
    if run is not None:
        st.caption(f"Showing: {md(run.label)}")
        # imported word2vec files have rank pseudo-counts, not a corpus: no corpus advice
        tokens = int(run.kv.counts.sum()) if run.model is not None else 0
        advice = corpus_advice(tokens, planted=run.corpus_name == "toy") if tokens else None
        if advice is not None and advice.level == "warning":  # a note above every tab
            st.warning(advice.text, icon=":material/menu_book:")
    ctx = Context(
        run,
        registry,
        store,
        choice.corpus,
        state["imports"],
        state.get("_own_corpora", set()),
        select=_set_active,
        config=choice.config,
        training=state.get(JOB) is not None and not state[JOB].done.is_set(),
    )
    _tabs(ctx)
    share.publish_app(TABS)  # the URL now reopens this view

    job: TrainingJob | None = state.get(JOB)
    if job is not None:
        if not job.done.is_set():
            training.watch_job(job, registry, panel, _session_id(), on_detach=_detach)
        _finish(job)
        st.rerun()  # the link's notice (if any) stays for this rerun
    state.pop(SHARE_NOTICE, None)  # and is gone at the user's next click


main()
