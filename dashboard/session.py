"""The app's own bookkeeping for one browser session, behind typed functions.

What the user typed or chose lives in :mod:`dashboard.state`; everything else the page
remembers between two runs lives here: the run shown, the training and the sweeps it
watches, messages for the next run, imported vectors, what was trained in this session,
its own corpora, and a few "already done" flags.  Nothing else touches these
``st.session_state`` entries; their names are defined once below (the tests read some of
them, e.g. ``at.session_state["active"]``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Literal

import streamlit as st

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run, TrainingJob

#: A :class:`dashboard.tuning.TuneJob` (not imported: tuning depends, through the budget
#: and the sidebar, on this module).
TuneJob = Any

#: This session's id (see :func:`dashboard.presence.session_id`).
SESSION = "_session"
#: The key of the run the tabs show (a cached run's or an import's).
ACTIVE = "active"
#: The training this page watches (a :class:`~dashboard.runs.TrainingJob`), or None.
JOB = "job"
#: The Tune tab's sweep or search, and the Evaluate tab's seed check (TuneJobs).
TUNE_JOB, SEED_JOB = "tune_job", "seed_job"
#: The sweep whose finish was already shown (its runs are then listed once).
TUNE_SHOWN = "_tune_ran"
#: Imported vectors (key -> Run): this session's only.
IMPORTS = "imports"
#: Fingerprints of the corpora this session uploaded or pasted (their runs are its own).
OWN_CORPORA = "_own_corpora"
#: Run keys trained in this session, oldest first.
TRAINED = "_trained_here"
#: Messages for the next run of the page: (kind, text).
FLASH = "_flash"
#: Flags: the page was drawn once; the run of the last choice; started with --vectors;
#: the cache's disk problem was shown; the banner's Train was clicked.
VISITED, LAST_KEY, OPENED_LOCAL = "_visited", "_last_key", "_opened_local"
DISK_WARNED, TRAIN_ASKED = "_disk_warned", "_train_from_banner"
#: A link's notice (what it held that was ignored), shown until the user's next click.
SHARE_NOTICE = "_share_notice"
#: Set when a link's values were read, and when it chose the settings.
LINK_RESTORED, LINK_SETTINGS = "_share_restored", "_link_settings"
#: A sidebar upload's and a paste's read corpus, kept with what they were read from.
UPLOAD, PASTE = "_upload_corpus", "_paste_corpus"
#: The "How it learns" tab's lesson, what it was made from, and the stage shown.
LESSON, LESSON_SIGNATURE, LESSON_STAGE = "_learn_lesson", "_learn_signature", "_learn_stage"

Kind = Literal["info", "warning", "error"]


# --------------------------------------------------------------------------- the run shown


def own_id() -> str:
    """This session's id (a random one, made on the first call)."""
    return st.session_state.setdefault(SESSION, uuid.uuid4().hex)


def start() -> None:
    """At the top of every run of the page: the entries other parts read exist."""
    st.session_state.setdefault(IMPORTS, {})
    st.session_state.setdefault(JOB, None)


def active_key() -> str | None:
    """The key of the run the tabs show (None: none)."""
    return st.session_state.get(ACTIVE)


def set_active(key: str | None) -> None:
    """Show the run ``key`` in the tabs (None: no run)."""
    st.session_state[ACTIVE] = key


def imports() -> dict[str, Run]:
    """This session's imported vectors, by key (the same dict every run)."""
    return st.session_state.setdefault(IMPORTS, {})


def add_import(run: Run) -> None:
    """Keep an imported run in this session and show it."""
    imports()[run.key] = run
    set_active(run.key)


def own_corpora() -> set[str]:
    """Fingerprints of the corpora this session uploaded or pasted."""
    return st.session_state.setdefault(OWN_CORPORA, set())


def trained_here() -> list[str]:
    """Keys of the runs trained in this session, oldest first."""
    return st.session_state.get(TRAINED, [])


def note_trained(key: str) -> None:
    """Record that run ``key`` was (again) trained in this session: it moves last."""
    trained = st.session_state.setdefault(TRAINED, [])
    if key in trained:
        trained.remove(key)
    trained.append(key)


# --------------------------------------------------------------------------- jobs


def job() -> TrainingJob | None:
    """The training this page watches, if any."""
    return st.session_state.get(JOB)


def set_job(job: TrainingJob | None) -> None:
    """Watch ``job`` (None: watch none)."""
    st.session_state[JOB] = job


def training() -> bool:
    """Does this page watch a training that has not ended?"""
    current = job()
    return current is not None and not current.done.is_set()


def tune_job() -> TuneJob | None:
    """The Tune tab's sweep or search, if one was started."""
    return st.session_state.get(TUNE_JOB)


def set_tune_job(job: TuneJob) -> None:
    st.session_state[TUNE_JOB] = job


def first_sight_of_finish(job: TuneJob) -> bool:
    """True once per finished sweep: the first run that sees it ended."""
    if job.active or st.session_state.get(TUNE_SHOWN) is job:
        return False
    st.session_state[TUNE_SHOWN] = job
    return True


def seed_job() -> TuneJob | None:
    """The Evaluate tab's check across seeds, if one was started."""
    return st.session_state.get(SEED_JOB)


def set_seed_job(job: TuneJob) -> None:
    st.session_state[SEED_JOB] = job


# --------------------------------------------------------------------------- messages


def flash(kind: Kind, message: str) -> None:
    """Show a message on the next run of the page (e.g. after ``st.rerun``)."""
    st.session_state.setdefault(FLASH, []).append((kind, message))


def show_flash() -> None:
    """Show (once) the messages left for this run."""
    for kind, message in st.session_state.pop(FLASH, []):
        {"info": st.info, "error": st.error, "warning": st.warning}.get(kind, st.info)(message)


def share_notice() -> str | None:
    """What a link held that was ignored (None: nothing, or already shown)."""
    return st.session_state.get(SHARE_NOTICE)


def set_share_notice(text: str) -> None:
    st.session_state[SHARE_NOTICE] = text


def drop_share_notice() -> None:
    st.session_state.pop(SHARE_NOTICE, None)


# --------------------------------------------------------------------------- flags


def first_visit() -> bool:
    """Is this the page's first run in this session (see :func:`mark_visited`)?"""
    return not st.session_state.get(VISITED)


def mark_visited() -> None:
    st.session_state[VISITED] = True


def last_key() -> str | None:
    """The run key of the choice the previous run saw."""
    return st.session_state.get(LAST_KEY)


def set_last_key(key: str | None) -> None:
    st.session_state[LAST_KEY] = key


def opened_local() -> bool:
    """Was the page started on a ``--vectors`` file (then no demo is trained)?"""
    return bool(st.session_state.get(OPENED_LOCAL))


def mark_opened_local() -> None:
    st.session_state[OPENED_LOCAL] = True


def disk_warning_due() -> bool:
    """True once per session: the first time the cache's disk problem may be shown."""
    if st.session_state.get(DISK_WARNED):
        return False
    st.session_state[DISK_WARNED] = True
    return True


def ask_to_train() -> None:
    """The stale-results banner's Train was clicked (a callback)."""
    st.session_state[TRAIN_ASKED] = True


def train_asked() -> bool:
    """Was the banner's Train clicked since the last run (read once)?"""
    return bool(st.session_state.pop(TRAIN_ASKED, False))


def first_link_restore() -> bool:
    """True once per session: the first run, when a link's values are read."""
    if st.session_state.get(LINK_RESTORED):
        return False
    st.session_state[LINK_RESTORED] = True
    return True


def link_chose_settings() -> bool:
    """Did a link choose the settings (then a long training waits for a click)?"""
    return bool(st.session_state.get(LINK_SETTINGS))


def mark_link_chose_settings() -> None:
    st.session_state[LINK_SETTINGS] = True


# --------------------------------------------------------------------------- page parts' memory


def recall(key: str, default: Any = None) -> Any:
    """A page part's remembered value (``key``: one of the constants above)."""
    return st.session_state.get(key, default)


def remember(key: str, value: Any) -> None:
    """Remember a page part's value until the session ends (``key``: a constant above)."""
    st.session_state[key] = value
