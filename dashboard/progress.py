"""The training progress panel above the tabs: a progress bar with words/s and time
left, the live loss curve and a Stop button, redrawn until the job ends.

The app draws it while this page watches a training (:func:`dashboard.flow.watch`);
the Training tab shows the finished runs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from dashboard.charts.scores import loss_curve
from dashboard.ui import md

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import RunRegistry, TrainingJob

#: Seconds between two redraws of the live loss chart.
CHART_INTERVAL = 0.8
#: Seconds between two looks at a running job.
POLL_INTERVAL = 0.25


def progress_text(job: TrainingJob, queue_position: int | None, running: int) -> str:
    """One line saying where a job is: queued, starting, or epoch, speed and time left.

    ``running`` is the number of trainings running on the server *now* (not the
    number of slots: "2 trainings run at once" while one runs would not be true).
    """
    if job.state == job.QUEUED:
        where = f"position {queue_position}" if queue_position else "next"
        return (
            f"Waiting for a free training slot: {where} in the queue "
            f"({running} training{'s' if running != 1 else ''} running on this server now)."
        )
    progress = job.progress
    if progress is None:
        return "Preparing the vocabulary..."
    left = progress.seconds_left
    left_text = "" if not math.isfinite(left) else f" · about {format_seconds(left)} left"
    stopping = " · stopping..." if job.stop_requested else ""
    return (
        f"Epoch {progress.epoch} of {progress.epochs} · {progress.fraction:.0%} · "
        f"{progress.words_per_sec:,.0f} words/s{left_text}{stopping}"
    )


def format_seconds(seconds: float) -> str:
    """``75.2`` -> ``"1 min 15 s"``; ``4.2`` -> ``"4 s"``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s"


def watch_job(
    job: TrainingJob,
    registry: RunRegistry,
    panel: st.delta_generator.DeltaGenerator,
    session: str | None = None,
    on_detach: Callable[[], None] | None = None,
) -> None:
    """Show a job's progress in ``panel`` until it finishes.

    Draws a progress bar with words/s and time left, the live loss curve and a Stop
    button.  Returns when the job is done (the caller then reruns the page); a click
    anywhere on the page interrupts this loop, and the next run of the page resumes it.
    ``session`` marks this page as watching the job: Stop while another session watches
    it too only stops this page's watching, and ``on_detach`` is called (see
    :meth:`TrainingJob.request_stop`).
    """

    def stop() -> None:
        if not job.request_stop(session) and on_detach is not None:
            on_detach()

    with panel.container(border=True):
        head, button = st.columns([5, 1], vertical_alignment="center")
        head.markdown(f"**Training** · {md(job.label)}")
        # A callback runs before the page is drawn again: the trainer hears the click at
        # once, however long the rerun takes while other users train.
        button.button(
            "Stop",
            key="stop_training",
            icon=":material/stop_circle:",
            disabled=job.stop_requested,
            on_click=stop,
            help="Stop now and keep the model as trained so far.",
        )
        for note in job.notes:
            st.warning(md(note))
        text = progress_text(job, registry.queue_position(job), running_now(registry))
        bar = st.progress(0.0, text=text)
        chart = st.empty()
    last_chart = 0.0
    frame = 0
    while not job.done.is_set():
        if session is not None:
            job.watched_by(session)
        fraction = job.progress.fraction if job.progress is not None else 0.0
        bar.progress(
            min(1.0, max(0.0, fraction)),
            text=progress_text(job, registry.queue_position(job), running_now(registry)),
        )
        now = time.monotonic()
        if now - last_chart >= CHART_INTERVAL:
            words, losses, _ = job.losses()
            if words:
                fig = loss_curve([("this run", words, losses)], title="Loss so far")
                fig.update_layout(height=260)
                frame += 1
                chart.plotly_chart(fig, width="stretch", key=f"live_loss_{frame}")
            last_chart = now
        job.done.wait(POLL_INTERVAL)


def running_now(registry: RunRegistry) -> int:
    """How many trainings run on the server now."""
    return registry.counts()[0]
