"""What a run of the page does with the user's choice: choose → submit → watch → finish.

* :func:`handle_choice` turns the sidebar's choice into an active run: a cached run is
  shown at once, a click on Train (or a first visit) submits a training to the
  process-wide :class:`~dashboard.runs.RunRegistry`, and the page watches its job;
* :func:`watch` draws the job's progress above the tabs until it ends;
* :func:`finish` takes a finished job's run into this session, with a message saying
  how it ended (shown on the next run, see :func:`dashboard.session.flash`).

The session's bookkeeping (the active run, the job, the flashes) is
:mod:`dashboard.session`; this module decides, it does not remember.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import streamlit as st

from dashboard import budget, local_vectors, presence, progress, session
from dashboard.runs import JobState, RunStatus
from dashboard.ui import md
from w2v_core.errors import W2VError

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run, RunRegistry, TrainingJob
    from dashboard.sidebar import Choice

#: Set to 0 to open without training the quick demo (the tests do).
ENV_AUTOTRAIN = "W2V_AUTOTRAIN"
#: Seconds a run after a click on Stop waits for the stopped model before drawing.
STOP_WAIT = 5.0


# --------------------------------------------------------------------------- choose and submit


def handle_choice(choice: Choice, registry: RunRegistry) -> None:
    """Train on click (or on the first visit); show a cached run when the settings match."""
    key = choice.key
    first_visit = session.first_visit()
    session.mark_visited()
    # Started with --vectors: the first file is shown instead of training the demo.
    autotrain = os.environ.get(ENV_AUTOTRAIN, "1") != "0" and not session.opened_local()
    arrival = first_visit and autotrain and key is not None and not _link_waits(choice, registry)
    if key is not None and (choice.train_clicked or arrival):
        submit(choice, registry, retrain_stopped=choice.train_clicked)
    elif key is not None and key != session.last_key():
        running = registry.job(key)
        if running is not None and session.job() is None:
            session.set_job(running)  # trained for another session: show the same progress
        elif registry.is_cached(key):
            run, warning = registry.fetch(key)
            if run is not None:
                session.set_active(run.key)
            elif warning:  # a damaged cache entry: it was removed, train it again
                submit(choice, registry, retrain_stopped=False, note=warning)
    session.set_last_key(key)


def submit(
    choice: Choice, registry: RunRegistry, retrain_stopped: bool, note: str | None = None
) -> None:
    """Ask the registry for the chosen run: show it if cached, else watch its job.

    ``note`` (e.g. "the cached model was damaged") is shown with the job's progress.
    """
    assert choice.corpus is not None and choice.config is not None
    try:
        if _would_train(choice, registry, retrain_stopped):
            budget.check_budget(estimate(choice, registry), "This training")
        submission = registry.submit(
            choice.corpus,
            choice.config,
            retrain_stopped=retrain_stopped,
            owner=presence.session_id(),
        )
    except W2VError as error:
        st.error(f"Cannot train these settings: {md(error)}")
        return
    if submission.run is not None:
        session.set_active(submission.run.key)
        session.set_job(None)
    else:
        job = submission.job
        if note and job is not None and note not in job.notes:
            job.notes.append(note)
        session.set_job(job)


def estimate(choice: Choice, registry: RunRegistry) -> float:
    """Estimated seconds of training the choice (the cost model, scaled by this corpus's
    runs on this server; :mod:`dashboard.budget`)."""
    corpus, config = choice.corpus, choice.config
    assert corpus is not None and config is not None
    scale = budget.calibration(registry.list_runs(corpus.fingerprint), corpus)
    return budget.estimate_seconds([config], corpus, scale)


def _would_train(choice: Choice, registry: RunRegistry, retrain_stopped: bool) -> bool:
    """Would submitting the choice start a new training (not a cached run, not joining
    a training that runs already)?  Only those count against the session budget."""
    key = choice.key
    if key is None or registry.job(key) is not None:
        return False
    run = registry.fetch(key)[0] if registry.is_cached(key) else None
    return run is None or (retrain_stopped and run.status == RunStatus.STOPPED)


def _link_waits(choice: Choice, registry: RunRegistry) -> bool:
    """A link's settings that would train long on arrival wait for a click on Train."""
    if not session.link_chose_settings() or registry.is_cached(choice.key or ""):
        return False
    seconds = estimate(choice, registry)
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


# --------------------------------------------------------------------------- the run shown


def active_run(registry: RunRegistry) -> Run | None:
    """The run the tabs show: an import, or a cached run (None if it is gone)."""
    key = session.active_key()
    if key is None:
        return None
    imports = session.imports()
    if key in imports:
        return imports[key]
    run, warning = registry.fetch(key)
    if warning:
        st.warning(md(warning))
    if run is None:
        st.info("The run shown before is no longer cached: train it again from the sidebar.")
        session.set_active(None)
    return run


def arriving_with_vectors(argv: Sequence[str]) -> bool:
    """A first visit to a server started with ``--vectors``: the file is what this server
    is for, so no demo is trained (see :func:`open_first_local`)."""
    arriving = session.first_visit() and bool(local_vectors.paths_from_argv(argv))
    if arriving:
        session.mark_opened_local()
    return arriving


def open_first_local() -> None:
    """On the first visit of a server started with ``--vectors``, show the first file."""
    files = local_vectors.available()
    if not files:
        return
    try:
        with st.spinner(f"Opening {files[0].name}…"):
            run = local_vectors.open_local(files[0].name, files)
    except W2VError as error:
        st.error(f"Could not open {md(files[0].name)}: {md(error)}")
        return
    session.add_import(run)


# --------------------------------------------------------------------------- watch and finish


def take_finished() -> None:
    """Take the watched job's result if it ended since the last run of the page."""
    job = session.job()
    if job is not None and job.stop_requested:
        # Stop was just clicked (its callback ran before this run): the trainer ends
        # after one step and the model is saved; wait for that rather than draw the
        # whole page once more with the progress panel.
        job.done.wait(STOP_WAIT)
    if job is not None and job.done.is_set():
        # Finished (or stopped) since the last run: show its result in this very run,
        # not after one more full rerun (slow while other users train).
        finish(job)


def watch(registry: RunRegistry, panel: st.delta_generator.DeltaGenerator) -> None:
    """Draw the watched job's progress in ``panel`` until it ends, take its result, and
    draw the page again (nothing if no job is watched)."""
    job = session.job()
    if job is None:
        return
    if not job.done.is_set():
        progress.watch_job(job, registry, panel, presence.session_id(), on_detach=_detach)
    finish(job)
    st.rerun()


def _detach() -> None:
    """Stop's callback when another session watches the same training: stop watching."""
    session.set_job(None)
    session.flash(
        "info",
        "Another user is training these same settings: their training goes on. This page "
        "stopped watching it (click Train to watch it again).",
    )


def finish(job: TrainingJob) -> None:
    """Take the result of a finished job into this session."""
    session.set_job(None)
    for note in job.notes:
        session.flash("warning", md(note))
    run = job.run
    if job.state == JobState.DONE and run is not None:
        session.set_active(run.key)
        session.note_trained(run.key)
        if run.status == RunStatus.EARLY_STOP:
            total = run.config.epochs if run.config else run.stop_epoch
            session.flash(
                "info",
                f"Early stopping: the loss stopped improving, training ended after epoch "
                f"{run.stop_epoch} of {total}.",
            )
        elif run.stopped:
            session.flash(
                "info", "Training was stopped: the model trained so far is kept and shown."
            )
    elif job.state == JobState.FAILED:
        session.flash("error", f"Training failed: {md(job.error)}")
    elif job.state == JobState.CANCELLED:
        session.flash("info", "Training was stopped before it started.")
