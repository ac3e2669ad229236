"""Fair scheduling of the training queue between sessions.

The registry's queue used to be one FIFO line: a session that queued first (a sweep,
a link training on arrival) held every slot and every worker process, and everyone
else waited behind it for as long as it liked.  :class:`FairQueue` orders waiting
jobs *round-robin by owner* (the session that asked) and admits them under three
rules:

* **Round-robin.**  The ``i``-th waiting job of an owner that already runs ``r``
  trainings has rank ``r + i``; lower ranks start first, ties go to the owner who
  has waited longest.  A session's tenth queued run waits behind everybody's first.
* **A slot kept for others.**  With ``max_concurrent >= 2`` slots, no owner runs more
  than ``max_concurrent - 1`` trainings at once, so another visitor's training
  always finds a slot free or freed by its own kind.
* **Nobody starves for workers.**  A job whose workers fit the budget starts with
  them (at most ``budget / owners waiting or running`` when others want some too).
  An owner with *nothing* running starts its first job even when the running
  trainings of others hold every worker: with one process, briefly over the budget
  (the cores are time-shared; a short training then starts within seconds, not
  after a sweep of hours).

Within one owner the order is first in, first out, and a job never overtakes the
one before it in the fair order for want of workers (that would starve big jobs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from dashboard.runs.job import TrainingJob

#: The owner of a job submitted without one (scripts, the CLI, tests): one "session".
NOBODY = ""


@dataclass(frozen=True)
class Start:
    """A job the queue lets start now, with the training processes it gets."""

    job: TrainingJob
    workers: int


def owner_of(job: TrainingJob) -> str:
    """The session a job belongs to (:data:`NOBODY` if none was given)."""
    return getattr(job, "owner", None) or NOBODY


class FairQueue:
    """Waiting training jobs, taken round-robin by owner (not thread-safe: the
    registry's lock guards it)."""

    def __init__(self) -> None:
        self._jobs: list[TrainingJob] = []  # in submission order

    def __len__(self) -> int:
        return len(self._jobs)

    def __contains__(self, job: object) -> bool:
        return any(queued is job for queued in self._jobs)

    def __iter__(self) -> Iterator[TrainingJob]:
        return iter(list(self._jobs))

    def append(self, job: TrainingJob) -> None:
        self._jobs.append(job)

    def remove(self, job: TrainingJob) -> None:
        self._jobs = [queued for queued in self._jobs if queued is not job]

    def order(self, running: Iterable[TrainingJob]) -> list[TrainingJob]:
        """The waiting jobs in the order they will start (round-robin by owner).

        rank of the ``i``-th waiting job of owner ``o`` = ``running(o) + i``; ties go
        to the owner whose first waiting job is oldest.
        """
        busy = Counter(owner_of(job) for job in running)
        seen: Counter[str] = Counter()
        first: dict[str, int] = {}
        ranked = []
        for index, job in enumerate(self._jobs):
            owner = owner_of(job)
            first.setdefault(owner, index)
            ranked.append(((busy[owner] + seen[owner], first[owner], index), job))
            seen[owner] += 1
        return [job for _, job in sorted(ranked, key=lambda pair: pair[0])]

    def position(self, job: TrainingJob, running: Iterable[TrainingJob]) -> int | None:
        """1-based place of ``job`` in :meth:`order` (None if it is not waiting)."""
        for place, queued in enumerate(self.order(running), start=1):
            if queued is job:
                return place
        return None

    def next_start(
        self,
        running: list[TrainingJob],
        busy_workers: int,
        budget: int,
        max_concurrent: int,
        wanted: dict[int, int],
    ) -> Start | None:
        """The job to start now, if any (see the module's rules).

        ``wanted[id(job)]`` is the workers a job asks for, already capped to the budget.
        """
        if not self._jobs or len(running) >= max_concurrent:
            return None
        busy = Counter(owner_of(job) for job in running)
        cap = max(1, max_concurrent - 1)
        demand = set(busy) | {owner_of(job) for job in self._jobs}
        share = max(1, budget // max(1, len(demand)))
        for job in self.order(running):
            owner = owner_of(job)
            if busy[owner] >= cap:
                continue  # its owner has its share of slots: the others go first
            want = wanted[id(job)] if len(demand) == 1 else min(wanted[id(job)], share)
            free = budget - busy_workers
            if want <= free:
                return Start(job, want)
            if busy[owner] == 0:  # starved by others' workers: one process, over budget
                return Start(job, max(1, min(want, free)))
            return None  # no overtaking for want of workers
        return None
