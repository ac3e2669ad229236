"""The server's queue, as every session sees it: what trains, for whom (anonymously),
for how long, and a Stop button on this session's own trainings."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import streamlit as st

from dashboard.presence import anonymous
from dashboard.views import md

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import RunRegistry, TrainingJob


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min" if minutes >= 10 else f"{minutes} min {seconds:02d} s"


def queue_lines(registry: RunRegistry, me: str, now: float | None = None) -> list[str]:
    """One line per training on the server, running first, then waiting in order."""
    now = time.time() if now is None else now
    running, waiting = registry.queue_snapshot()
    lines = []

    def label(job: TrainingJob) -> str:
        return f"{job.label} ({job.origin})" if job.origin else job.label

    for job in running:
        since = job.started or job.submitted
        fraction = job.progress.fraction if job.progress is not None else 0.0
        lines.append(
            f"▶ {label(job)} · for {anonymous(job.owner, me)} · running {_duration(now - since)}"
            f" · {fraction:.0%} · {job.workers} process{'es' if job.workers != 1 else ''}"
        )
    for place, job in enumerate(waiting, start=1):
        lines.append(
            f"{place}. {label(job)} · for {anonymous(job.owner, me)} · "
            f"waiting {_duration(now - job.submitted)}"
        )
    return lines


def render_queue(registry: RunRegistry, me: str) -> None:
    """The "Server queue" expander (in the sidebar)."""
    running, waiting = registry.queue_snapshot()
    title = f"Server queue: {len(running)} running, {len(waiting)} waiting"
    with st.expander(title, icon=":material/groups:"):
        if not running and not waiting:
            st.caption("Nobody is training on this server right now.")
            return
        lines = queue_lines(registry, me)
        jobs: list[TrainingJob] = [*running, *waiting]
        for index, (line, job) in enumerate(zip(lines, jobs, strict=True)):
            if job.owner == me and job.active:
                text, button = st.columns([4, 1], vertical_alignment="center")
                text.caption(md(line))
                button.button(
                    "Stop",
                    key=f"queue_stop_{index}_{job.key[:12]}",
                    on_click=registry.stop_own,
                    args=(me, job),
                    disabled=job.stop_requested,
                    help="Stop this training of yours (the part trained is kept).",
                )
            else:
                st.caption(md(line))
