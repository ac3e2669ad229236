"""The disk cache of finished runs: ``<key>.npz`` (the model) + ``<key>.json`` (its
:class:`~dashboard.runs.record.RunInfo`), LRU by file time under a size cap.

* Every file is written atomically (temporary file + ``os.replace``); a process killed
  while writing leaves at most a hidden ``.<key>.npz.*.tmp`` file, never a ``<key>.npz``.
  A cache that starts on a directory no other registry is using (a shared ``flock`` on
  :data:`LOCK_NAME` tells) removes every such temporary file; otherwise only those older
  than an hour.
* A damaged entry is detected when it is loaded, removed and reported; the caller then
  trains the configuration again.  If the directory cannot be written, the cache turns
  itself off and says why in :attr:`DiskCache.problem`.
* Files are named by the hex run key only: nothing a user types or uploads ever becomes
  part of a path.
* Entries keyed by an older rule (every setting, run options included) are renamed to
  today's key at start-up (:meth:`DiskCache._rekey`); a cached model whose vectors had
  diverged (an older engine could finish such runs) is treated as damaged.
* Entries written before early stopping became a :class:`~w2v_core.train.TrainConfig`
  field (sidecar without a version) are migrated once at start-up: renamed to their new
  key, or, if they used early stopping, removed with one notice for the next request.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import tempfile
import threading
import time
from pathlib import Path

from dashboard.runs.record import Run, RunInfo, RunStatus, run_label
from w2v_core.errors import ConfigError, ModelFileError
from w2v_core.files import write_file
from w2v_core.io import load_model, save_model
from w2v_core.train import TrainConfig, run_key
from w2v_core.watchdog import weights_ok

log = logging.getLogger(__name__)

#: A run key: 64 lower-case hex digits (a SHA-256).  Only such names touch the disk.
_KEY_RE = re.compile(r"[0-9a-f]{64}")
#: Temporary files older than this (seconds) are leftovers of a crash and are removed.
_STALE_TEMP_SECONDS = 3600.0
#: A cached model used from memory has its file's time refreshed at most this often.
_TOUCH_INTERVAL = 60.0
#: Held (shared) by every registry using a cache directory; see DiskCache._claim_dir.
LOCK_NAME = ".registry.lock"
#: Told once to whoever next asks for a configuration whose old cache entry was dropped.
LEGACY_EARLY_STOP_NOTE = (
    "This configuration was cached by an older version of the app, from before early "
    "stopping became part of the training settings: it is trained again."
)


def _model_bytes(run: Run) -> int:
    """About the bytes of a run's model file: its arrays (the rest is small)."""
    model = run.model
    if model is None:
        return 0
    arrays = [model.w_in, model.w_out, model.snapshots]
    return sum(int(a.nbytes) for a in arrays if a is not None)


def is_run_key(key: str) -> bool:
    """True if ``key`` looks like a run key (the only names used for cache files)."""
    return isinstance(key, str) and _KEY_RE.fullmatch(key) is not None


#: Default share of the disk cache one run may take (W2V_DISK_SHARE).
DEFAULT_MAX_SHARE = 0.25


class DiskCache:
    """Finished runs on disk (thread-safe for writes through one instance)."""

    def __init__(
        self, directory: Path | None, cap_mb: float, max_share: float = DEFAULT_MAX_SHARE
    ) -> None:
        self.directory: Path | None = None
        self.cap_mb = cap_mb
        #: The largest share of the cap one run may take: a single huge run (a stopped
        #: dim-2000 training) stays in memory rather than flush everybody's cache.
        self.max_share = max_share
        self.problem: str | None = None
        self.temp_files_removed = 0
        self.legacy_notes: dict[str, str] = {}
        self._dir_lock: io.BufferedRandom | None = None
        self._info_cache: dict[str, tuple[float, RunInfo]] = {}
        self._touched: dict[str, float] = {}
        self._lock = threading.Lock()
        if directory is not None:
            self._open(directory)

    # ---- set-up

    def _open(self, directory: Path) -> None:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            handle, probe = tempfile.mkstemp(prefix=".probe-", suffix=".tmp", dir=directory)
            os.close(handle)
            os.remove(probe)
        except OSError as error:
            self._disable(directory, error)
            return
        self.directory = directory
        self._claim_dir(directory)
        self._migrate(directory)
        self._rekey(directory)

    def _claim_dir(self, directory: Path) -> None:
        """Hold a shared lock on the cache directory for this cache's lifetime, and
        remove the temporary files that interrupted writes left behind.

        If no other registry (in this or another process) holds the lock, every
        temporary file is such a leftover and is removed while an exclusive lock keeps
        new writers out.  Otherwise a writer may be busy, and only temporary files
        older than an hour are removed.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: age-based clean-up only
            self._remove_temp_files(directory, everything=False)
            return
        try:
            handle = open(directory / LOCK_NAME, "a+b")  # noqa: SIM115 - held until closed
        except OSError:
            self._remove_temp_files(directory, everything=False)
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            alone = True
        except OSError:
            alone = False
        self._remove_temp_files(directory, everything=alone)
        # Downgrade to (or wait briefly for) a shared lock: other registries may join;
        # one that is cleaning up right now holds the exclusive lock for milliseconds.
        deadline = time.monotonic() + 5.0
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    handle.close()
                    return
                time.sleep(0.01)
        self._dir_lock = handle

    def _remove_temp_files(self, directory: Path, everything: bool) -> None:
        now = time.time()
        for temp in directory.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                if everything or now - temp.stat().st_mtime > _STALE_TEMP_SECONDS:
                    temp.unlink()
                    self.temp_files_removed += 1
        if self.temp_files_removed:
            log.warning(
                "removed %d unfinished temporary file(s) from %s (left by interrupted writes)",
                self.temp_files_removed,
                directory,
            )

    def _migrate(self, directory: Path) -> None:
        """Rename entries of sidecar version 1 to today's run key (see the module doc)."""
        for sidecar in directory.glob("*.json"):
            old = sidecar.stem
            if not is_run_key(old):
                continue
            try:
                data = json.loads(sidecar.read_text(encoding="utf-8"))
                if not isinstance(data, dict) or "version" in data:
                    continue
                early_stop = data.get("early_stop")
                config = TrainConfig.from_dict(data["config"])
                if early_stop is not None:
                    config = TrainConfig.from_dict({**config.to_dict(), "early_stop": early_stop})
                new = run_key(str(data["corpus_fingerprint"]), config)
            except (OSError, ValueError, TypeError, KeyError, ConfigError):
                continue  # unreadable: found damaged (and removed) if it is ever asked for
            if early_stop is not None:
                # The model file's configuration lacks the early-stopping field: it can
                # never match its key again; train it once more, and say so.
                self.legacy_notes[new] = LEGACY_EARLY_STOP_NOTE
                self.remove(old)
                continue
            stopped = bool(data.get("stopped"))
            info = RunInfo(
                key=new,
                label=run_label(str(data.get("corpus_name", "")), config),
                corpus_name=str(data.get("corpus_name", "")),
                corpus_fingerprint=str(data["corpus_fingerprint"]),
                config=config.to_dict(),
                status=RunStatus.STOPPED if stopped else RunStatus.COMPLETE,
                stop_epoch=len(data.get("epoch_loss") or []),
                seconds=float(data.get("seconds", 0.0)),
                words_per_sec=float(data.get("words_per_sec", 0.0)),
                vocab_size=int(data.get("vocab_size", 0)),
                dim=int(data.get("dim", config.dim)),
                step_words=list(data.get("step_words") or []),
                step_loss=[float("nan") if x is None else x for x in data.get("step_loss") or []],
                epoch_loss=[float("nan") if x is None else x for x in data.get("epoch_loss") or []],
                scores=dict(data.get("scores") or {}),
                created=float(data.get("created", 0.0)),
            )
            with contextlib.suppress(OSError):
                os.replace(directory / f"{old}.npz", directory / f"{new}.npz")
                with write_file(directory / f"{new}.json", "w", encoding="utf-8") as handle:
                    handle.write(info.to_json())
                sidecar.unlink()
                log.info("cache entry %s renamed to %s (new run key)", old[:12], new[:12])

    def _rekey(self, directory: Path) -> None:
        """Rename entries keyed by an older rule to today's :func:`w2v_core.config.run_key`.

        Keys used to hash every setting, run options (log interval, BLAS threads,
        snapshots) and the worker count included; they now hash what defines the
        vectors (workers only above 1).  Such an entry is renamed; if today's key is
        already taken (two old runs differing only in run options), the older
        duplicate is removed.
        """
        for sidecar in directory.glob("*.json"):
            old = sidecar.stem
            if not is_run_key(old):
                continue
            try:
                info = RunInfo.from_json(sidecar.read_text(encoding="utf-8"))
                config = TrainConfig.from_dict(info.config)
                new = run_key(info.corpus_fingerprint, config)
            except (OSError, ValueError, TypeError, KeyError, ConfigError):
                continue  # unreadable: found damaged (and removed) if it is ever asked for
            if new == old:
                continue
            if (directory / f"{new}.npz").exists():
                self.remove(old)
                continue
            info.key = new
            with contextlib.suppress(OSError):
                os.replace(directory / f"{old}.npz", directory / f"{new}.npz")
                with write_file(directory / f"{new}.json", "w", encoding="utf-8") as handle:
                    handle.write(info.to_json())
                sidecar.unlink()
                log.info(
                    "cache entry %s renamed to %s (run key of vector settings)", old[:12], new[:12]
                )

    def close(self) -> None:
        """Release the cache directory."""
        handle, self._dir_lock = self._dir_lock, None
        if handle is not None:
            handle.close()

    def _disable(self, directory: Path, error: BaseException | str) -> None:
        reason = error if isinstance(error, str) else (error.strerror or str(error))
        self.directory = None
        self.close()
        self.problem = (
            f"The model cache directory {directory} cannot be written ({reason}). "
            "Trained models are kept in memory only and are lost when the server "
            "restarts; set W2V_CACHE_DIR to a writable directory to keep them."
        )
        log.warning(self.problem)

    def paths(self, key: str) -> tuple[Path, Path]:
        """(model, sidecar) of a key; ``ValueError`` for anything but a run key."""
        if self.directory is None or not is_run_key(key):
            raise ValueError(f"not a cacheable run key: {key!r}")
        return self.directory / f"{key}.npz", self.directory / f"{key}.json"

    # ---- reading

    def has(self, key: str) -> bool:
        """True if the model file exists (cheap: no loading)."""
        if self.directory is None or not is_run_key(key):
            return False
        return self.paths(key)[0].is_file()

    def read_info(self, key: str) -> RunInfo | None:
        """The sidecar of ``key`` (cached by file time), or None if missing or damaged."""
        if self.directory is None or not is_run_key(key):
            return None
        sidecar = self.paths(key)[1]
        try:
            mtime = sidecar.stat().st_mtime
            cached = self._info_cache.get(key)
            if cached is not None and cached[0] == mtime:
                return cached[1]
            info = RunInfo.from_json(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if info.key != key:
            return None
        self._info_cache[key] = (mtime, info)
        return info

    def infos(self, skip: set[str]) -> dict[str, RunInfo]:
        """Every readable sidecar, except the keys in ``skip``."""
        if self.directory is None:
            return {}
        result = {}
        for sidecar in self.directory.glob("*.json"):
            key = sidecar.stem
            if key in skip or not is_run_key(key):
                continue
            info = self.read_info(key)
            if info is not None:
                result[key] = info
        return result

    def load(self, key: str) -> tuple[Run | None, str | None]:
        """``(run, warning)``: the cached run, or None (with a warning if it was damaged
        and has been removed)."""
        if not self.has(key):
            return None, None
        model_path, _ = self.paths(key)
        try:
            model = load_model(model_path)
            if run_key(model.corpus_fingerprint, model.config) != key:
                raise ModelFileError("its contents do not match its configuration")
            if not weights_ok(model.w_in, model.w_out):  # an older version let it diverge
                raise ModelFileError("its vectors had diverged (non-finite or exploded)")
        except Exception as error:  # any failure to read it means the entry is damaged
            if not isinstance(error, ModelFileError | OSError | ValueError):
                log.exception("unexpected error reading the cached model %s", key[:12])
            self.remove(key)
            return None, (
                f"A cached model was damaged and has been removed ({error}). "
                "This configuration is trained again."
            )
        self.touch(key, force=True)  # most recently used: evicted last
        info = self.read_info(key)
        run = Run.from_model(
            key,
            model,
            scores=info.scores if info is not None else None,
            created=info.created if info is not None else model_path.stat().st_mtime,
        )
        if info is None:
            self.write_info(run)
        return run, None

    # ---- writing

    def save(self, run: Run) -> None:
        """Write the model and its sidecar atomically, then apply the size cap."""
        directory = self.directory
        if directory is None or run.model is None or not is_run_key(run.key):
            return
        size = _model_bytes(run)
        if size > self.max_share * self.cap_mb * 1e6:
            log.info(
                "run %s not written to the disk cache: %.0f MB is more than the %.0f%% "
                "share of the %.0f MB cache one run may take (kept in memory only)",
                run.key[:12], size / 1e6, 100 * self.max_share, self.cap_mb,
            )  # fmt: skip
            return
        model_path, info_path = self.paths(run.key)
        try:
            with self._lock:
                save_model(run.model, model_path)
                with write_file(info_path, "w", encoding="utf-8") as handle:
                    handle.write(run.info().to_json())
        except (ModelFileError, OSError) as error:
            self.remove(run.key)
            self._disable(directory, str(error))
            return
        self._enforce_cap(keep=run.key)

    def write_info(self, run: Run) -> None:
        """Rewrite the sidecar of a cached model (e.g. new scores)."""
        if self.directory is None or not is_run_key(run.key):
            return
        model_path, info_path = self.paths(run.key)
        if not model_path.is_file():
            return
        try:
            with self._lock, write_file(info_path, "w", encoding="utf-8") as handle:
                handle.write(run.info().to_json())
        except (ModelFileError, OSError) as error:
            self._disable(self.directory, str(error))

    def touch(self, key: str, force: bool = False) -> None:
        """Mark a cached model as just used (LRU on disk), at most once a minute."""
        if self.directory is None or not is_run_key(key):
            return
        now = time.time()
        if not force and now - self._touched.get(key, 0.0) < _TOUCH_INTERVAL:
            return
        self._touched[key] = now
        for path in self.paths(key):
            with contextlib.suppress(OSError):
                os.utime(path, (now, now))

    def remove(self, key: str) -> None:
        """Delete an entry's files (nothing for keys that are not run keys)."""
        if self.directory is None or not is_run_key(key):
            return
        with self._lock:
            for path in self.paths(key):
                with contextlib.suppress(OSError):
                    path.unlink()
        self._info_cache.pop(key, None)

    def usage(self) -> int:
        """Bytes used by cached models and sidecars."""
        return sum(size for _, size, _ in self._entries())

    def _entries(self) -> list[tuple[float, int, str]]:
        """(last use, bytes, key) of every cached model."""
        if self.directory is None:
            return []
        entries = []
        for model_path in self.directory.glob("*.npz"):
            key = model_path.stem
            if not is_run_key(key):
                continue
            try:
                stat = model_path.stat()
            except OSError:
                continue
            size = stat.st_size
            with contextlib.suppress(OSError):
                size += (self.directory / f"{key}.json").stat().st_size
            entries.append((stat.st_mtime, size, key))
        return entries

    def _enforce_cap(self, keep: str) -> None:
        """Delete least recently used models until the cache fits its size cap.

        ``keep`` (the model just written) goes last, and only if it alone is too big.
        """
        cap = self.cap_mb * 1e6
        entries = sorted(self._entries())
        total = sum(size for _, size, _ in entries)
        for used, size, key in entries:
            if total <= cap:
                break
            if key == keep:
                continue
            log.info(
                "evicted run %s from the disk cache (%.1f MB, unused for %.0f s): the cache "
                "held %.0f MB of its %.0f MB after run %s was written",
                key[:12], size / 1e6, time.time() - used, total / 1e6, self.cap_mb, keep[:12],
            )  # fmt: skip
            self.remove(key)
            total -= size
        if total > cap:
            log.info("run %s removed from the disk cache: alone over its cap", keep[:12])
            self.remove(keep)
