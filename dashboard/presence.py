"""Which session this page belongs to, and telling the registry it is still here.

A session's id (kept by :mod:`dashboard.session`) names the trainings and sweeps it
starts.  :func:`heartbeat` is called on every run of the page and hands the
registry a *probe*: is this browser tab still connected to the server?  With it,
an idle but open tab keeps its work, and a closed one loses it after
``W2V_ORPHAN_SECONDS`` (:mod:`dashboard.runs.owners`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from dashboard import session

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import RunRegistry


def session_id() -> str:
    """This session's id: owner of its work, watcher of shared trainings."""
    return session.own_id()


def anonymous(owner: str | None, me: str) -> str:
    """How the server queue names an owner: "you", or "visitor" + a short digest
    (never the id itself: it would let another page act as that session)."""
    if not owner:
        return "the server"
    if owner == me:
        return "you"
    return "visitor " + hashlib.sha256(owner.encode()).hexdigest()[:4]


def _connected_probe() -> Callable[[], bool] | None:
    """A function telling whether this page's browser tab is still connected."""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # pragma: no cover (another Streamlit layout)
        return None
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return None  # AppTest and bare scripts: heartbeats only
    runtime, streamlit_id = Runtime.instance(), ctx.session_id
    return lambda: runtime.is_active_session(streamlit_id)


def page_gone() -> Callable[[], bool]:
    """A check for long reads: True once this page's browser tab has disconnected
    (always False where that cannot be known, e.g. in AppTest)."""
    probe = _connected_probe()
    if probe is None:
        return lambda: False
    return lambda: not probe()


def heartbeat(registry: RunRegistry) -> str:
    """Tell the registry this session is here (each run of the page); its id."""
    me = session_id()
    registry.heartbeat(me, _connected_probe())
    return me
