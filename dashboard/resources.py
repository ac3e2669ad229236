"""What the Streamlit process holds once, for every session: the run registry, the
corpus store, and the dashboard log's handler.

``st.cache_resource`` keeps one of each per process (per settings, for the registry),
so every browser tab trains through the same :class:`~dashboard.runs.RunRegistry` and
reads the same corpora.
"""

from __future__ import annotations

import logging

import streamlit as st

from dashboard.corpora import CorpusStore
from dashboard.runs import RegistrySettings, RunRegistry

log = logging.getLogger("dashboard")


def configure_logging() -> None:
    """Send the dashboard's log (trainings started and finished, cache problems) to
    stderr, once per process: the server operator's record of what happened."""
    if not any(getattr(handler, "_w2v", False) for handler in log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._w2v = True  # type: ignore[attr-defined]
        log.addHandler(handler)
        log.setLevel(logging.INFO)


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
