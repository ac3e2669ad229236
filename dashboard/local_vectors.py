"""Vector files the server operator lets the app open by path, without an upload.

Two sources, both chosen by whoever starts the server, never by the browser:

* ``streamlit run dashboard/app.py -- --vectors PATH [--vectors PATH ...]``;
* ``W2V_VECTORS_DIR``: a directory whose vector files (names ending in ``.bin``,
  ``.vec``, ``.txt``, ``.w2v`` or ``.npz``) the app lists.

The page offers these files by *name* in a select box; a name is turned back into a
path only through :func:`resolve`, which accepts exactly the names it listed.  So a
browser cannot name ``../../etc/passwd``, an absolute path, or a symbolic link in the
directory that points outside it.

:func:`open_local` opens a listed file once per process (every session shares it).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from dashboard import presence
from dashboard.runs import Run
from w2v_core.errors import W2VError
from w2v_core.io import load_vectors

if TYPE_CHECKING:  # pragma: no cover
    from w2v_core.vectors import KeyedVectors

#: Environment variable naming the directory the app may list.
ENV_DIR = "W2V_VECTORS_DIR"
#: File names listed from that directory.
SUFFIXES = (".bin", ".vec", ".txt", ".npz", ".w2v")


@dataclass(frozen=True)
class LocalFile:
    """One file the app may open: its name on the page and its real path."""

    name: str
    path: Path
    size: int


def paths_from_argv(argv: Sequence[str]) -> list[Path]:
    """The ``--vectors PATH`` arguments given after ``--`` to ``streamlit run``."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--vectors", action="append", default=[])
    known, _ = parser.parse_known_args(list(argv))
    return [Path(p).expanduser() for p in known.vectors]


def available(
    argv: Sequence[str] | None = None, directory: str | os.PathLike | None = None
) -> list[LocalFile]:
    """Every file the operator allowed, each under a unique name.

    Files named on the command line come first, under their file names; a directory's
    files follow.  A path that is missing, not a regular file, or (for the directory)
    a link leading outside it is left out.
    """
    argv = sys.argv[1:] if argv is None else argv
    directory = os.environ.get(ENV_DIR) if directory is None else directory
    candidates: list[Path] = [p for p in paths_from_argv(argv) if _regular(p)]
    if directory:
        root = Path(directory).expanduser().resolve()
        if root.is_dir():
            for entry in sorted(root.iterdir()):
                if entry.suffix.lower() in SUFFIXES and _inside(entry, root) and _regular(entry):
                    candidates.append(entry)
    files: list[LocalFile] = []
    names: set[str] = set()
    for path in candidates:
        real = path.resolve()
        if any(f.path == real for f in files):
            continue
        name, number = path.name, 2
        while name in names:  # two files of the same name from different places
            name, number = f"{path.name} ({number})", number + 1
        names.add(name)
        files.append(LocalFile(name, real, real.stat().st_size))
    return files


def resolve(name: str, files: Sequence[LocalFile]) -> Path | None:
    """The path of the listed file called ``name``; None for any other name."""
    for file in files:
        if file.name == name:
            return file.path
    return None


def _regular(path: Path) -> bool:
    try:
        return path.resolve().is_file()
    except OSError:
        return False


def _inside(entry: Path, root: Path) -> bool:
    """True if ``entry`` (links followed) is inside ``root``."""
    try:
        return entry.resolve().is_relative_to(root)
    except OSError:
        return False


# --------------------------------------------------------------------------- opening


@st.cache_resource(show_spinner=False, max_entries=4)
def _opened(
    path: str, mtime_ns: int, size: int, _cancel: Callable[[], bool] | None = None
) -> KeyedVectors:
    """A local file's vectors, opened once per process and shared by every session.

    Read-only (a ``.npz`` is memory-mapped, so its pages are the page cache's); keyed by
    modification time and size, so a replaced file is opened again.  ``_cancel`` (not
    part of the key) stops a word2vec file's reading when the page that asked has gone.
    """
    del mtime_ns, size
    return load_vectors(path, cancel=_cancel)


def open_local(name: str, files: list[LocalFile]) -> Run:
    """The run for the listed local file ``name``.

    Raises
    ------
    W2VError
        For a name that is not listed (whatever a browser sends) or a bad file.
    """
    path = resolve(name, files)
    if path is None:
        raise W2VError(f"'{name}' is not one of the files this server offers")
    info = path.stat()
    stamp = f"{path}|{info.st_mtime_ns}|{info.st_size}".encode()
    key = "local-" + hashlib.sha256(stamp).hexdigest()[:16]
    try:
        kv = _opened(str(path), info.st_mtime_ns, info.st_size, _cancel=presence.page_gone())
    except W2VError as error:
        raise W2VError(str(error).replace(str(path), f"'{name}'")) from None
    return Run.from_file(key, kv, name)
