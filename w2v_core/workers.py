"""Hogwild: several processes train the same weights at once, without locks.

word2vec and gensim run threads over shared weights and let their updates
race ("Hogwild!", Recht et al. 2011): two workers rarely touch the same row at
the same moment, and when they do, one update is partly lost, which SGD
tolerates.  NumPy holds the GIL for too much of a step for threads to help
(two threads were slower than one process), so here the workers are
*processes* that map the same weights from one block of shared memory:

* one shared block holds ``w_in``, ``w_out``, the corpus ids, the noise table and
  a few counters;
* the corpus is dealt out in chunks of :data:`CHUNK_TOKENS` tokens, one at a time,
  to whichever worker asks next (one lock per chunk, none per step: a POSIX
  record lock on an already-deleted file, so there is nothing to clean up);
* the workers are plain Python subprocesses running :func:`_worker_main`, not
  :mod:`multiprocessing` ones: those re-import the parent's main script, and in a
  Streamlit server (or any unguarded script) that script is the whole app;
* each worker runs the loop the trainer runs (:class:`w2v_core.loop.ChunkLoop`) and
  adds the words it finished to its own counter (its :class:`WorkerSlot`); the
  learning rate follows their sum, the global progress, as with one process;
* the parent process trains too, and after every epoch waits for the others, so
  epoch-end work (snapshots, reports, early stopping) sees a finished epoch.

Cleanup on every exit path: the block is an anonymous ``memfd`` mapped by every
worker, never a name in ``/dev/shm``, so nothing can be left behind even when the
whole process group is killed.  A worker whose parent disappears exits on its own.

With more than one worker the result depends on timing, so it is not
reproducible (as with gensim's ``workers > 1``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import mmap
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

# The loop and what it is given live in loop.py; these names stay importable from here.
from .loop import CHUNK_TOKENS as CHUNK_TOKENS
from .loop import LOSS_INFINITE, WEIGHTS_BROKEN, ChunkLoop, Diverged, RunSpec, Step

SHM_PREFIX = "w2v_"
"""The prefix an earlier version gave its ``/dev/shm`` segments (tests check none appear)."""

_POLL = 0.002  # seconds between checks while a worker waits for the next epoch
_START_TIMEOUT = 120.0  # seconds a worker may take to start and attach

# Control slots (int64).
_EPOCH, _NEXT, _STOP, _DIVERGED, _QUIT = range(5)

#: What a worker saw when it set ``control[_DIVERGED]`` (the value of that slot).
_DIVERGENCE = {
    LOSS_INFINITE: "a worker's loss became infinite",
    WEIGHTS_BROKEN: "a worker found a vector non-finite or exploded",
}

#: What a worker process runs: its index in argv, the rest of its orders on stdin.  Not
#: ``python -m w2v_core.workers``: the package imports this module first, and runpy then
#: warns on every start that it runs a module already imported.
_WORKER_COMMAND = (
    "import json, sys; from w2v_core.workers import _worker_main; "
    "_worker_main(int(sys.argv[1]), json.loads(sys.stdin.read()))"
)


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class SharedBlock:
    """Arrays in one block of anonymous shared memory: ``block["w_in"]`` is a NumPy view.

    The block is a ``memfd`` (an anonymous in-memory file, Linux): it has no name in
    ``/dev/shm`` or anywhere else, so no exit path, not even the whole process
    group being killed, can leak it.  Workers inherit its descriptor and map it;
    the memory is freed when the last process unmaps it.
    """

    def __init__(self, layout: dict[str, tuple[tuple[int, ...], str]], fd: int | None = None):
        self.layout: dict[str, tuple[int, tuple[int, ...], str]] = {}
        offset = 0
        for key, (shape, dtype) in layout.items():
            self.layout[key] = (offset, tuple(shape), dtype)
            nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
            offset += -(-nbytes // 64) * 64  # keep every array 64-byte aligned
        self.size = max(64, offset)
        if fd is None:
            fd = os.memfd_create("w2v-block")
            os.ftruncate(fd, self.size)
        self.fd = fd
        self.map = mmap.mmap(fd, self.size)
        self.arrays = {
            key: np.ndarray(shape, dtype=dtype, buffer=self.map, offset=off)
            for key, (off, shape, dtype) in self.layout.items()
        }

    def __getitem__(self, key: str) -> np.ndarray:
        return self.arrays[key]

    def spec(self) -> dict[str, tuple[tuple[int, ...], str]]:
        """The layout, to map the same block in another process (with its descriptor)."""
        return {k: (shape, dtype) for k, (_, shape, dtype) in self.layout.items()}

    def close(self) -> None:
        """Drop the views and unmap; tolerate views still held elsewhere."""
        self.arrays = {}
        # A view may survive somewhere; the mapping then goes when it does.
        with contextlib.suppress(BufferError):
            self.map.close()
        with contextlib.suppress(OSError):
            os.close(self.fd)


def shared_memory_available() -> bool:
    """Whether this platform can run several workers (``os.memfd_create``, Linux)."""
    return hasattr(os, "memfd_create")


class HogwildPool:
    """``workers - 1`` child processes training beside the calling process.

    Use as a context manager; :meth:`close` (on exit) stops and joins the
    children and frees the shared block.
    """

    def __init__(
        self,
        workers: int,
        w_in: np.ndarray,
        w_out: np.ndarray,
        ids: np.ndarray,
        noise_table: np.ndarray,
        spec: RunSpec,
    ) -> None:
        self.workers = workers
        self.n_chunks = max(1, -(-len(ids) // CHUNK_TOKENS))
        self.block = SharedBlock(
            {
                "w_in": (w_in.shape, "float32"),
                "w_out": (w_out.shape, "float32"),
                "ids": (ids.shape, "int32"),
                "table": (noise_table.shape, "int32"),
                "keep": (spec.keep_probability.shape, "float32"),
                "control": ((8,), "int64"),
                "ready": ((workers,), "int64"),
                "done_epoch": ((workers,), "int64"),
                "words": ((workers,), "int64"),
                "pairs": ((workers,), "int64"),
                "loss": ((workers,), "float64"),
            }
        )
        self._slot = WorkerSlot(self.block, 0)  # the parent trains as worker 0
        self.processes: list[subprocess.Popen] = []
        self._closed = False
        self._lock_file: Any = None
        try:
            b = self.block
            b["w_in"][...] = w_in
            b["w_out"][...] = w_out
            b["ids"][...] = ids
            b["table"][...] = noise_table
            b["keep"][...] = spec.keep_probability
            for key in ("control", "ready", "done_epoch", "words", "pairs", "loss"):
                b[key][...] = 0
            b["ready"][0] = 1
            # The chunk lock: a record lock on a file deleted at once (its descriptor is
            # inherited by the workers), so no name is left behind on any exit path.
            self._lock_file = tempfile.TemporaryFile(prefix="w2v-lock-")  # noqa: SIM115 (closed in close())
            message = {
                "block_fd": b.fd,
                "layout": b.spec(),
                "spec": spec.to_json(),
                "parent": os.getpid(),
                "lock_fd": self._lock_file.fileno(),
            }
            root = str(Path(__file__).resolve().parent.parent)
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(
                filter(None, [root, os.environ.get("PYTHONPATH")]))}  # fmt: skip
            for index in range(1, workers):
                process = subprocess.Popen(
                    [sys.executable, "-c", _WORKER_COMMAND, str(index)],
                    stdin=subprocess.PIPE,
                    pass_fds=(self._lock_file.fileno(), b.fd),
                    env=env,
                    text=True,
                )
                self.processes.append(process)
                assert process.stdin is not None
                process.stdin.write(json.dumps(message))
                process.stdin.close()
        except BaseException:
            self.close()
            raise

    # -- views the trainer uses
    @property
    def w_in(self) -> np.ndarray:
        return self.block["w_in"]

    @property
    def w_out(self) -> np.ndarray:
        return self.block["w_out"]

    def __enter__(self) -> HogwildPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the parent's side of the protocol
    def start_epoch(self, epoch: int) -> None:
        control = self.block["control"]
        control[_NEXT] = 0
        control[_EPOCH] = epoch

    def next_chunk(self) -> int | None:
        """Claim the next chunk of the epoch, or ``None`` when all are taken."""
        self._check()
        assert self._lock_file is not None
        return _claim(self.block["control"], self._lock_file.fileno(), self.n_chunks)

    def add(self, words: int, pairs: int, loss: float) -> None:
        """Count the parent's own progress (slot 0)."""
        self._slot.add(words, pairs, loss)

    def words_done(self) -> int:
        """Words finished by all workers so far."""
        return self._slot.words_done()

    def totals(self) -> tuple[int, int, float]:
        """``(words, pairs, loss)`` summed over all workers so far."""
        b = self.block
        return int(b["words"].sum()), int(b["pairs"].sum()), float(b["loss"].sum())

    def diverged(self) -> bool:
        return bool(self.block["control"][_DIVERGED])

    def divergence(self) -> str:
        """What the worker that stopped the run saw."""
        return _DIVERGENCE.get(int(self.block["control"][_DIVERGED]), "a worker diverged")

    def request_stop(self) -> None:
        self.block["control"][_STOP] = 1

    def wait_epoch(self, epoch: int) -> None:
        """Return once every worker has finished its chunks of ``epoch``."""
        done, control = self.block["done_epoch"], self.block["control"]
        done[0] = epoch
        # A worker that diverged, or a stop, ends the epoch early: the workers stop
        # without marking it done, and waiting for them would wait for ever.
        while not (done >= epoch).all() and not (control[_DIVERGED] or control[_STOP]):
            self._check()
            time.sleep(_POLL)

    def _check(self) -> None:
        """Fail if a worker died."""
        for index, process in enumerate(self.processes, start=1):
            code = process.poll()
            if code is not None:
                control = self.block["control"]
                if control[_STOP] or control[_QUIT] or control[_DIVERGED]:
                    continue
                raise RuntimeError(
                    f"training worker {index} exited unexpectedly (exit code {code})"
                )

    def close(self) -> None:
        """Stop the children, wait for them (then kill stragglers), free the block."""
        if self._closed:
            return
        self._closed = True
        try:
            control = self.block["control"]
            control[_QUIT] = 1
            control[_STOP] = 1
        except (KeyError, TypeError):  # pragma: no cover - block never filled
            pass
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:  # pragma: no cover - ignores SIGTERM
                    process.kill()
                    process.wait()
        self.block.close()
        if self._lock_file is not None:
            self._lock_file.close()


class LocalDealer:
    """The same protocol as :class:`HogwildPool` for one process: chunks in order."""

    def __init__(self, n_tokens: int) -> None:
        self.n_chunks = max(1, -(-n_tokens // CHUNK_TOKENS))
        self._next = 0
        self._totals = [0, 0, 0.0]

    def start_epoch(self, epoch: int) -> None:
        self._next = 0

    def next_chunk(self) -> int | None:
        if self._next >= self.n_chunks:
            return None
        self._next += 1
        return self._next - 1

    def add(self, words: int, pairs: int, loss: float) -> None:
        self._totals[0] += words
        self._totals[1] += pairs
        self._totals[2] += loss

    def words_done(self) -> int:
        return int(self._totals[0])

    def totals(self) -> tuple[int, int, float]:
        return int(self._totals[0]), int(self._totals[1]), float(self._totals[2])

    def diverged(self) -> bool:
        return False

    def divergence(self) -> str:  # pragma: no cover - never diverged
        return ""

    def request_stop(self) -> None:
        pass

    def wait_epoch(self, epoch: int) -> None:
        pass


def _claim(control: np.ndarray, lock_fd: int, n_chunks: int) -> int | None:
    """Take the next chunk of the epoch under the chunk lock, or ``None`` when none is left."""
    fcntl.lockf(lock_fd, fcntl.LOCK_EX)
    try:
        chunk = int(control[_NEXT])
        if chunk >= n_chunks:
            return None
        control[_NEXT] = chunk + 1
        return chunk
    finally:
        fcntl.lockf(lock_fd, fcntl.LOCK_UN)


def _worker_main(index: int, message: dict[str, Any]) -> None:
    """A child: attach, then train the chunks it claims, epoch after epoch."""
    # One BLAS thread: the products of a step are small, and every core already has a worker.
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
    except ImportError:  # pragma: no cover
        pass
    layout = {k: (tuple(shape), dtype) for k, (shape, dtype) in message["layout"].items()}
    block = SharedBlock(layout, fd=message["block_fd"])
    try:
        spec = RunSpec.from_json(message["spec"], block["keep"])
        _worker_loop(block, spec, index, message["lock_fd"], message["parent"])
    finally:
        block.close()


def _worker_loop(block: SharedBlock, spec: RunSpec, index: int, lock_fd: int, parent: int) -> None:
    """Train the chunks this worker claims, epoch after epoch, until a stop or a quit
    (the steps themselves: :class:`w2v_core.loop.ChunkLoop`, as in one process)."""
    from .vocab import UnigramTable

    control = block["control"]
    noise = UnigramTable.from_table(block["table"])
    rng = np.random.default_rng([spec.seed, index])
    slot = WorkerSlot(block, index)
    loop = ChunkLoop(spec, block["w_in"], block["w_out"], block["ids"], noise, rng, slot)
    n_chunks = max(1, -(-len(block["ids"]) // CHUNK_TOKENS))

    def next_chunk() -> int | None:
        if control[_STOP] or os.getppid() != parent:
            return None
        return _claim(control, lock_fd, n_chunks)

    def stopping(step: Step) -> bool:
        return bool(control[_STOP])

    block["ready"][index] = 1
    epoch = 0
    with np.errstate(over="ignore", invalid="ignore"):
        while True:
            while int(control[_EPOCH]) <= epoch:  # wait for the next epoch
                if control[_QUIT] or control[_STOP] or os.getppid() != parent:
                    return
                time.sleep(_POLL)
            epoch = int(control[_EPOCH])
            try:
                loop.train_epoch(next_chunk, stopping)
                loop.check_weights()  # the epoch-end check, in every worker
            except Diverged as trouble:
                control[_DIVERGED] = trouble.code
                control[_STOP] = 1
                return
            block["done_epoch"][index] = epoch


class WorkerSlot:
    """A worker's own counters in the shared block (a :class:`w2v_core.loop.Tally`):
    it adds to slot ``index``; the global progress is the sum over all slots."""

    def __init__(self, block: SharedBlock, index: int) -> None:
        # The block, not views of it: views held here would keep it from being unmapped.
        self.block, self.index = block, index

    def add(self, words: int, pairs: int, loss: float) -> None:
        b, i = self.block, self.index
        b["words"][i] += words
        b["pairs"][i] += pairs
        b["loss"][i] += loss

    def words_done(self) -> int:
        return int(self.block["words"].sum())
