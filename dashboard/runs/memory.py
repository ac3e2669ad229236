"""Give memory back to the system once trainings end.

A training allocates and frees hundreds of megabytes of NumPy temporaries.  glibc's
allocator keeps freed heap pages for reuse, so a server's resident memory stayed near
its peak long after every training had ended (983 MB measured in the hostile pass).
``malloc_trim(0)`` returns the free pages at the top of every arena; it is called when
the last running training ends, after a garbage collection.

glibc also gives each thread that allocates under contention an arena of its own (up
to 8 per core), and a page of an arena that still holds one live object cannot be
returned: after the trainings of two visitors, 30-50 MB stayed in such arenas.
:func:`limit_arenas` caps them at :data:`ARENAS` for the threads created from then on
(trainings, pages): after the same trainings the server then settled at 299-304 MB
instead of 317-339 MB (docs/reliability.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging

log = logging.getLogger(__name__)


def _load_trim():
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None


_TRIM = _load_trim()

#: glibc's ``mallopt`` parameter for the number of arenas (``M_ARENA_MAX``).
M_ARENA_MAX = -8
#: Arenas the server's threads share (glibc's default: 8 per core).
ARENAS = 2


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Let the threads created from now on share at most ``arenas`` malloc arenas (as
    ``MALLOC_ARENA_MAX`` would from the start); True if the allocator took it."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        return bool(ctypes.CDLL(name).mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not glibc: nothing to set
        return False


def release() -> bool:
    """Collect garbage and return free heap pages to the system; True if trimmed."""
    gc.collect()
    if _TRIM is None:
        return False
    try:
        return bool(_TRIM(0))
    except Exception:  # never let housekeeping fail a training
        log.debug("malloc_trim failed", exc_info=True)
        return False
