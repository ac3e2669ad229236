"""Trained runs and training jobs, shared by every session of one server process.

The dashboard may serve a whole classroom from one process, so training is owned by a
process-wide :class:`RunRegistry` (created once per server by ``st.cache_resource`` in
:mod:`dashboard.app`), never by a page.  The package splits along its seams:

* :mod:`~dashboard.runs.record`: :class:`Run` (model + metadata, held once),
  :class:`RunInfo` (its light summary and disk sidecar), :class:`RunStatus`;
* :mod:`~dashboard.runs.job`: :class:`TrainingJob` and its :class:`JobState`;
* :mod:`~dashboard.runs.registry`: :class:`RunRegistry` (memory LRU, queue, threads)
  and :class:`RegistrySettings`;
* :mod:`~dashboard.runs.cache`: :class:`DiskCache`, the models on disk;
* :mod:`~dashboard.runs.queue`: the fair queue (round-robin by session);
* :mod:`~dashboard.runs.owners`: heartbeats, and the reaper of abandoned work;
* :mod:`~dashboard.runs.memory`: memory given back when trainings end.

A run's key is :func:`w2v_core.train.run_key`: corpus fingerprint + every field of the
validated configuration (early stopping included).
"""

from dashboard.runs.cache import LOCK_NAME, DiskCache, is_run_key
from dashboard.runs.job import JobState, TrainingJob
from dashboard.runs.record import Run, RunInfo, RunStatus, run_label
from dashboard.runs.registry import RegistrySettings, RunRegistry, Submission

__all__ = [
    "LOCK_NAME",
    "DiskCache",
    "JobState",
    "RegistrySettings",
    "Run",
    "RunInfo",
    "RunRegistry",
    "RunStatus",
    "Submission",
    "TrainingJob",
    "is_run_key",
    "run_label",
]
