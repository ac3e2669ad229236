"""The one way this project writes a file, the one way it opens one, and its cache directory.

Writing (:func:`write_file`)
----------------------------
What "write to PATH" must do depends on what PATH *is*:

* a **regular file or a new path**: write a temporary file beside the real target
  (symbolic links resolved first), ``fsync`` it, and ``rename`` it onto the target.
  A crash or a full disk leaves the old file intact, and a link stays a link: it is
  the file it points to that gets the new content;
* a **FIFO or a character device** (``/dev/null``, a terminal, a pipe), or ``-``
  meaning standard output: write straight through.  Renaming a temporary file onto
  such a path would *replace* it (``/dev/full`` turned into a regular file for the
  whole machine);
* a directory, a block device or a socket: refused.

Any failed write, ``ENOSPC`` included, is one :class:`~w2v_core.errors.ModelFileError`
naming the path; success is never reported for bytes that did not arrive.

Reading (:func:`open_for_reading`)
----------------------------------
A path is opened **once** and read as a stream, so a FIFO (``train <(zcat c.gz)``)
works and a file cannot change between a check and a read.  What cannot hold text
(a directory, a block device, a socket) is refused with one line.

The cache directory (:func:`default_cache_dir`) lives here too, so that the modules
that fetch corpora and the ones that cache runs need not import each other.
"""

from __future__ import annotations

import contextlib
import glob
import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

from .errors import ModelFileError, W2VError

PathLike = str | os.PathLike

#: The path that means "standard output" to :func:`write_file`.
STDOUT = "-"

__all__ = ["STDOUT", "default_cache_dir", "open_for_reading", "spreadsheet_safe", "write_file"]


# --------------------------------------------------------------------------- cache directory


def default_cache_dir() -> Path:
    """Where downloads, prepared corpora and cached runs are kept.

    ``$W2V_CACHE_DIR`` if set; otherwise ``$XDG_CACHE_HOME/w2v_core``, and
    ``~/.cache/w2v_core`` if that variable is not set either.  It is created on use.
    """
    if override := os.environ.get("W2V_CACHE_DIR"):
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "w2v_core"


# --------------------------------------------------------------------------- writing


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


@contextlib.contextmanager
def write_file(path: PathLike, mode: str = "wb", encoding: str | None = None) -> Iterator[IO]:
    """Open ``path`` for writing the way its kind of file needs (see the module docstring).

    Parameters
    ----------
    path : str or PathLike
        The target; ``"-"`` is standard output.
    mode : {"wb", "w"}
        Binary or text.
    encoding : str, optional
        For text mode.

    Yields
    ------
    file object
        Write everything to it inside the ``with`` block.

    Raises
    ------
    ModelFileError
        If the target is a directory, block device or socket, its directory does not
        exist, or any write, flush, sync or rename fails (a full disk included).
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"write_file writes whole files: mode 'wb' or 'w', not {mode!r}")
    if os.fspath(path) == STDOUT:
        with _write_stdout(mode, encoding) as handle:
            yield handle
        return
    shown = Path(path)
    # A link is never replaced: what is written is the file it points to (a dangling
    # link creates its target, as `echo > link` does).
    target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise ModelFileError(f"cannot write {shown}: {_reason(exc)}") from None
    if info is None or stat.S_ISREG(info.st_mode):
        with _write_atomically(target, shown, mode, encoding, info) as handle:
            yield handle
    elif stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode):
        with _write_through(target, shown, mode, encoding) as handle:
            yield handle
    else:
        raise ModelFileError(f"cannot write {shown}: it is {_kind(info.st_mode)}, not a file")


def _kind(st_mode: int) -> str:
    if stat.S_ISDIR(st_mode):
        return "a directory"
    if stat.S_ISBLK(st_mode):
        return "a block device"
    if stat.S_ISSOCK(st_mode):
        return "a socket"
    return "not a regular file"


@contextlib.contextmanager
def _write_atomically(
    target: Path, shown: Path, mode: str, encoding: str | None, info: os.stat_result | None
) -> Iterator[IO]:
    directory = target.parent
    if not directory.is_dir():
        raise ModelFileError(f"cannot write {shown}: directory {directory} does not exist")
    _remove_orphaned_temp_files(directory, target.name)
    try:
        # The writer's pid in the name lets a later write tell an orphan from a live one.
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=directory
        )
    except OSError as exc:
        raise ModelFileError(f"cannot write {shown}: {_reason(exc)}") from None
    try:
        # mkstemp creates the file private (0600); give it the permissions an ordinary
        # open() would have, or keep those of the file being replaced.
        os.chmod(tmp_name, info.st_mode & 0o7777 if info is not None else _new_file_mode())
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except OSError as exc:
        _remove_quietly(tmp_name)
        raise ModelFileError(f"cannot write {shown}: {_reason(exc)}") from None
    except BaseException:
        _remove_quietly(tmp_name)
        raise
    _fsync_directory(directory)


@contextlib.contextmanager
def _write_through(target: Path, shown: Path, mode: str, encoding: str | None) -> Iterator[IO]:
    try:
        # No O_CREAT: if the node vanished since stat(), fail instead of creating a file.
        fd = os.open(target, os.O_WRONLY)
    except OSError as exc:
        raise ModelFileError(f"cannot write {shown}: {_reason(exc)}") from None
    try:
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()  # /dev/full fails here, not at write(): the data was buffered
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise ModelFileError(f"cannot write {shown}: {_reason(exc)}") from None


@contextlib.contextmanager
def _write_stdout(mode: str, encoding: str | None) -> Iterator[IO]:
    binary = getattr(sys.stdout, "buffer", None)
    try:
        if mode == "wb":
            if binary is None:
                raise ModelFileError("cannot write binary data to standard output here")
            yield binary
            binary.flush()
        elif binary is None:  # an in-memory stdout (tests, notebooks) takes text as is
            yield sys.stdout
            sys.stdout.flush()
        else:
            sys.stdout.flush()
            wrapper = io.TextIOWrapper(binary, encoding=encoding or "utf-8", newline="")
            try:
                yield wrapper
                wrapper.flush()
            finally:
                wrapper.detach()  # leave sys.stdout's own buffer open
    except BrokenPipeError:
        raise  # the reader went away (`| head`): the CLI stops quietly
    except OSError as exc:
        raise ModelFileError(f"cannot write to standard output: {_reason(exc)}") from None


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_orphaned_temp_files(directory: Path, name: str) -> None:
    """Delete temporary files of ``name`` whose writing process no longer exists.

    A process killed in the middle of :func:`write_file` cannot clean up after
    itself; the next write of the same file does it, sparing files whose writer
    is still alive (another process writing the same path right now).
    """
    prefix = f".{name}."
    for leftover in directory.glob(f"{glob.escape(prefix)}*.tmp"):
        pid_text = leftover.name[len(prefix) :].split(".", 1)[0]
        if pid_text.isdigit() and _process_exists(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # it exists but belongs to someone else (or cannot be a pid: keep it)
    return True


def _new_file_mode() -> int:
    """0o666 minus the process umask, read without changing it (os.umask is not thread-safe)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    return 0o644


def _remove_quietly(name: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(name)


# --------------------------------------------------------------------------- reading


def open_for_reading(
    path: PathLike, what: str = "file", error: type[W2VError] = ModelFileError
) -> BinaryIO:
    """Open ``path`` once, as a binary stream, refusing what cannot hold text or data.

    Regular files, FIFOs and character devices are accepted (a FIFO can be read only
    once: callers that need two passes over it must keep what they read).

    Parameters
    ----------
    path : str or PathLike
        The file.
    what : str
        How messages name it ("corpus file", "vector file").
    error : type of W2VError
        The exception to raise (``CorpusError`` for corpora).

    Raises
    ------
    W2VError
        One line: not found, permission denied, a directory, a block device, a socket.
    """
    shown = Path(path)
    try:
        # O_NONBLOCK would make a FIFO without a writer read as empty; a plain open
        # waits for the writer, which is what reading a stream means.
        fd = os.open(os.path.expanduser(os.fspath(path)), os.O_RDONLY)
    except FileNotFoundError:
        raise error(f"{what} not found: {shown}") from None
    except PermissionError:
        raise error(f"{shown} cannot be read (permission denied)") from None
    except OSError as exc:
        raise error(f"cannot read {shown}: {_reason(exc)}") from None
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        os.close(fd)
        raise error(f"{shown} is {_kind(mode)}, not a {what}")
    return os.fdopen(fd, "rb")


def is_regular(handle: IO) -> bool:
    """True if an open file is a regular file (seekable, with a size)."""
    return stat.S_ISREG(os.fstat(handle.fileno()).st_mode)


# --------------------------------------------------------------------------- CSV cells

#: First characters that make a spreadsheet read a cell as a formula (OWASP's list).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """Neutralise a CSV cell that a spreadsheet would run as a formula.

    OWASP's "CSV Injection" advice: a cell starting with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return gets a leading single quote, which spreadsheets show
    as text and do not evaluate.  Any other cell is returned unchanged (the CSV
    writer's own quoting handles commas and quotes).

    >>> spreadsheet_safe("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> spreadsheet_safe("king")
    'king'
    """
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell
