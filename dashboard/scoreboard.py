"""The Tune tab's numbers: a run's score and its interval, a sweep's chart points, the
scoreboard's rows and the columns worth showing.

Pure functions of run summaries (:class:`dashboard.runs.RunInfo`), tested without
Streamlit; :mod:`dashboard.views.tune` draws them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from w2v_core.evaluate import MIN_COVERAGE

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import RunInfo
    from dashboard.tuning import TuneJob

#: The scores a run can be ranked by, and their names on the page.
SCORES = {
    "heldout_loss": "held-out loss",
    "final_loss": "training loss",
    "ws353": "WordSim-353",
    "simlex999": "SimLex-999",
    "analogies": "Google analogies",
    "toy_analogies": "toy analogies",
}
#: The settings the scoreboard shows (the sliders'), in the sidebar's order.
SETTINGS = ("dim", "window", "negatives", "epochs", "min_count", "sample", "alpha", "seed")


def run_score(info: RunInfo | None, score: str) -> float | None:
    """A run's value of ``score`` from its summary (None when it has none)."""
    if info is None:
        return None
    if score == "heldout_loss":
        losses = getattr(info, "heldout_loss", None) or []
        value = losses[-1] if losses else None
    elif score == "final_loss":
        value = info.epoch_loss[-1] if info.epoch_loss else None
    else:
        scores = info.scores or {}
        value = scores.get(score)
        coverage = scores.get(f"{score}_coverage")
        if isinstance(coverage, int | float) and coverage < MIN_COVERAGE:
            return None  # too little of the test covered: not a number to rank by
    return value if isinstance(value, int | float) and math.isfinite(value) else None


def run_interval(info: RunInfo | None, score: str) -> tuple[float | None, float | None]:
    """A run's 95% interval of a benchmark ``score`` (``(None, None)`` without one:
    losses of one run, runs scored before intervals existed, thin coverage)."""
    if info is None or run_score(info, score) is None:
        return None, None
    scores = info.scores or {}
    low, high = scores.get(f"{score}_ci_low"), scores.get(f"{score}_ci_high")
    ok = all(isinstance(v, int | float) and math.isfinite(v) for v in (low, high))
    return (low, high) if ok else (None, None)


def job_points(job: TuneJob, infos: dict[str, RunInfo], score: str) -> list[dict[str, Any]]:
    """The chart points of a sweep: one per finished run of it."""
    names = job.names
    points = []
    for entry in job.entries:
        if entry.key is None or entry.status not in ("done", "stopped"):
            continue
        info = infos.get(entry.key)
        point: dict[str, Any] = {
            "value": entry.point[names[0]],
            "score": run_score(info, score),
            "key": entry.key,
            "label": info.label if info is not None else "",
        }
        point["low"], point["high"] = run_interval(info, score)
        if len(names) > 1:
            point["value2"] = entry.point[names[1]]
        points.append(point)
    return points


def scoreboard_frame(
    infos: Sequence[RunInfo], origins: dict[str, str], active: str | None
) -> pd.DataFrame:
    """Every run of the corpus: settings, held-out loss, benchmarks, where it came from."""
    rows = []
    for info in infos:
        config = info.config or {}
        row: dict[str, Any] = {"shown": "▶" if info.key == active else ""}
        row.update({name: config.get(name) for name in SETTINGS})
        row["shared negatives"] = bool(config.get("shared_negatives"))
        for score, title in SCORES.items():
            row[title] = run_score(info, score)
        row["seconds"] = round(info.seconds, 1)
        row["from"] = origins.get(info.key, "")
        row["key"] = info.key
        rows.append(row)
    return pd.DataFrame(rows)


#: Short headers of the scoreboard's score columns (it must fit 1280x720).
SHORT_SCORES = {
    "held-out loss": "held-out", "training loss": "train loss", "WordSim-353": "WS-353",
    "SimLex-999": "SimLex", "Google analogies": "analog.", "toy analogies": "toy",
}  # fmt: skip


def board_columns(frame: pd.DataFrame) -> list[str]:
    """The scoreboard columns worth a place on the page: the settings that differ between
    the runs (dim and window when none does), scores some run has, time, origin."""
    varied = [n for n in SETTINGS if n in frame and frame[n].nunique(dropna=False) > 1]
    columns = ["shown", *(varied or ["dim", "window"])]
    if frame["shared negatives"].nunique() > 1:
        columns.append("shared negatives")
    columns += [t for t in SCORES.values() if frame[t].notna().any()]
    columns.append("seconds")
    if (frame["from"] != "").any():
        columns.append("from")
    return columns
