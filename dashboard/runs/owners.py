"""Work belongs to someone: who is still there, and stopping what was left behind.

Every training and every sweep is started by a session (its *owner*).  A session
shows it is there by heartbeats (each run of its page) and by a *probe* the app
hands over with them (is the browser tab still connected?).  A training whose owner
has not been seen for :attr:`Presence.orphan_seconds`, and whose progress no other
page is watching, is stopped like any Stop: its partial model is kept.  A sweep is
stopped with its owner too (it would otherwise go on queueing runs for nobody).

The reaper is a daemon thread that looks every :attr:`Presence.check_seconds`; it
holds no lock while it calls ``stop`` (stopping takes the registry's lock).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)

#: Seconds without a heartbeat after which a session's work counts as abandoned.
DEFAULT_ORPHAN_SECONDS = 60.0


class Work(Protocol):
    """What the reaper needs of a training job or a sweep."""

    @property
    def active(self) -> bool: ...


Probe = Callable[[], bool]
#: Seconds after which a session that owns nothing is forgotten.
_FORGET_AFTER = 24 * 3600.0


class Presence:
    """Heartbeats of sessions and the work each one owns (thread-safe).

    Parameters
    ----------
    orphan_seconds : float
        A session unseen this long (and whose probe says it is gone) loses its work.
        ``0`` turns the reaper off.
    check_seconds : float, optional
        How often the reaper looks (default: a quarter of ``orphan_seconds``, at most 2 s).
    """

    def __init__(
        self, orphan_seconds: float = DEFAULT_ORPHAN_SECONDS, check_seconds: float | None = None
    ) -> None:
        self.orphan_seconds = orphan_seconds
        # a few looks per orphan period, at most every 2 s (a short period in tests)
        self.check_seconds = check_seconds or min(2.0, max(0.05, orphan_seconds / 4))
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}
        self._probes: dict[str, Probe] = {}
        self._work: list[tuple[str, Work, Callable[[], None]]] = []
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        self.stopped: list[str] = []  # what the reaper stopped (for logs and tests)

    def heartbeat(self, owner: str, probe: Probe | None = None) -> None:
        """``owner`` is here now; ``probe`` (optional) tells later whether it still is."""
        with self._lock:
            self._seen[owner] = time.monotonic()
            if probe is not None:
                self._probes[owner] = probe

    def own(self, owner: str, work: Work, stop: Callable[[], None]) -> None:
        """Record that ``owner`` started ``work``; ``stop`` ends it if the owner goes."""
        if not owner:
            return  # scripts and tests own nothing the reaper should end
        with self._lock:
            self._seen.setdefault(owner, time.monotonic())
            self._work = [entry for entry in self._work if entry[1].active]
            self._work.append((owner, work, stop))
        self._start()

    def stop_work_running(self, owner: str, job: object) -> None:
        """Stop ``owner``'s work (a sweep) whose run in progress is ``job``."""
        with self._lock:
            work = [(w, stop) for o, w, stop in self._work if o == owner and w is not job]
        for item, stop in work:
            if item.active and getattr(item, "current", None) is job:
                stop()

    def here(self, owner: str, now: float | None = None) -> bool:
        """Has ``owner`` been seen lately, or does its probe say it is still connected?"""
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._seen.get(owner, now)
            probe = self._probes.get(owner)
        if now - seen < self.orphan_seconds:
            return True
        try:
            alive = bool(probe()) if probe is not None else False
        except Exception:  # a probe that fails cannot vouch for anybody
            alive = False
        if alive:
            with self._lock:
                self._seen[owner] = now
        return alive

    def reap(self) -> list[Work]:
        """Stop the active work of every owner who has gone; return what was stopped."""
        with self._lock:
            work = [entry for entry in self._work if entry[1].active]
            self._work = work
            # forget sessions long gone that own nothing (one entry per visitor ever)
            busy, now = {owner for owner, _, _ in work}, time.monotonic()
            for owner in [o for o, seen in self._seen.items() if now - seen > _FORGET_AFTER]:
                if owner not in busy:
                    self._seen.pop(owner, None)
                    self._probes.pop(owner, None)
        stopped = []
        for owner, item, stop in work:
            watched = getattr(item, "watched", None)
            if self.here(owner) or (callable(watched) and watched()):
                continue
            what = getattr(item, "label", None) or getattr(item, "kind", type(item).__name__)
            log.info("stopping work of session %s, gone for %.0f s: %s", owner[:6],
                     self.orphan_seconds, what)  # fmt: skip
            stop()
            stopped.append(item)
            self.stopped.append(repr(item))
        return stopped

    def _start(self) -> None:
        if self.orphan_seconds <= 0 or self._thread is not None:
            return
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._loop, name="w2v-reaper", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._closed.wait(self.check_seconds):
            try:
                self.reap()
            except Exception:  # the reaper must outlive any bug in one stop
                log.exception("reaper failed")

    def close(self) -> None:
        self._closed.set()
