"""*Alice's Adventures in Wonderland*, the seed project's corpus, with or without internet.

Two routes lead to the book, tried in this order:

1. **Project Gutenberg** (``pg11.txt``, the Millennium Fulcrum Edition 3.0), fetched
   and checked by :func:`w2v_core.download.download` like every download;
2. **the Python package registry**: the source distribution of ``brotli`` 1.2.1 ships
   the Canterbury Corpus file ``alice29.txt`` (edition 2.9, 152,089 bytes) among its
   test data.  ``python -m pip download --no-deps --no-binary :all: brotli==1.2.1``,
   run by the same Python with the same pip configuration (index, proxy,
   certificates), fetches the archive; only that one member is read from it, and it
   must have :data:`ALICE_SHA256`.  pip reads the archive's metadata, which runs
   brotli's own ``setup.py`` in an isolated build environment (nothing is compiled).

A copy already in the cache directory (either file, placed there by an earlier run or
by hand) is checked and used without any network.  Whatever arrives is written
atomically (:func:`w2v_core.files.write_file`), so the cache never holds a partial or
unchecked file.  When neither route works, one :class:`DownloadError` line names both
failures and the two paths where a person may put a file by hand.

:func:`story_text` cuts either edition to the story itself: from the heading of
chapter I to the last paragraph, without Project Gutenberg's header and licence, the
title page, the table of contents, illustration marks or ``THE END``.  The two
editions still differ in a few words and in their quotation marks (```like this'``
in 2.9, curly quotes in 3.0, both lost in tokenising), so their token counts differ a
little and a run on one is not a run on the other (their fingerprints differ).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import subprocess
import sys
import tarfile
import tempfile
import zlib
from pathlib import Path

from w2v_core.download import DOWNLOADS, ProgressCallback, download
from w2v_core.errors import DownloadError, ModelFileError
from w2v_core.files import write_file

__all__ = [
    "ALICE_SHA256",
    "ALICE_SIZE",
    "REGISTRY_FILENAME",
    "REQUIREMENT",
    "alice_path",
    "fetch_from_registry",
    "story_text",
]

#: The package release whose source distribution holds the book.
REQUIREMENT = "brotli==1.2.1"
#: The file pip saves, and the book's path inside it.
SDIST = "brotli-1.2.1.tar.gz"
MEMBER = "brotli-1.2.1/tests/testdata/alice29.txt"
#: SHA-256 and size of the Canterbury Corpus ``alice29.txt`` (edition 2.9).
ALICE_SHA256 = "7467306ee0feed4971260f3c87421154a05be571d944e9cb021a5713700c38f0"
ALICE_SIZE = 152_089
#: Its name in the cache directory (also where a person may put it by hand).
REGISTRY_FILENAME = "alice29.txt"
#: Seconds pip may take altogether (it waits ``--timeout`` per request and retries).
PIP_TIMEOUT = 600.0


# --------------------------------------------------------------------------- the two routes


def alice_path(
    cache: Path, progress: ProgressCallback | None = None, timeout: float = 30.0
) -> Path:
    """Return a checked copy of the book in `cache`, fetching it on first use.

    Order: Gutenberg's ``pg11.txt`` in the cache, the registry's ``alice29.txt`` in the
    cache, a download from Gutenberg, pip.  The first that works is returned.

    Parameters
    ----------
    cache : Path
        The cache directory.
    progress : callable, optional
        ``progress(bytes_done, bytes_total_or_None)``: Gutenberg's bytes as they
        arrive; for pip (which shows no bytes to us) once before and once after.
    timeout : float, default 30
        Seconds to wait for Gutenberg at each step.

    Raises
    ------
    DownloadError
        A bad copy in the cache, or one line naming why both routes failed and where a
        person may put either file by hand.
    """
    spec = DOWNLOADS["alice"]
    gutenberg, registry = cache / spec.filename, cache / REGISTRY_FILENAME
    if gutenberg.is_file():
        return download("alice", cache_dir=cache)  # checks it, never downloads
    if registry.is_file():
        _check_registry_copy(registry)
        return registry
    try:
        return download("alice", cache_dir=cache, progress=progress, timeout=timeout)
    except DownloadError as error:
        web = getattr(error, "reason", str(error))
    try:
        if progress is not None:
            progress(0, None)
        path = fetch_from_registry(registry)
        if progress is not None:
            progress(ALICE_SIZE, ALICE_SIZE)
        return path
    except DownloadError as error:
        pip = str(error)
    url = os.environ.get("W2V_ALICE_URL") or spec.url
    raise DownloadError(
        f"'alice' could not be fetched from Project Gutenberg ({web}) nor from the package "
        f"registry ({pip}); put Gutenberg's {url} at {gutenberg}, or alice29.txt from "
        f"{SDIST} (sha256 {ALICE_SHA256[:12]}...) at {registry}"
    )


def _check_registry_copy(path: Path) -> None:
    """Raise DownloadError if `path` is not the Canterbury ``alice29.txt``."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != ALICE_SHA256:
        raise DownloadError(
            f"{path} is not alice29.txt from {SDIST} (its SHA-256 is {digest[:12]}..., "
            f"expected {ALICE_SHA256[:12]}...); delete it to fetch it again"
        )


def fetch_from_registry(target: Path, python: str | None = None) -> Path:
    """Fetch ``alice29.txt`` through pip, check it and save it atomically as `target`.

    Parameters
    ----------
    target : Path
        Where to save the book (its directory must exist or be creatable).
    python : str, optional
        The interpreter that runs pip; default this one (:data:`sys.executable`), so
        pip uses the same index, proxy and certificates as ``python -m pip install``.

    Raises
    ------
    DownloadError
        One line: pip missing, the index unreachable or without the release, an
        archive without the book, or a book with another SHA-256.  Nothing is saved.
    """
    with tempfile.TemporaryDirectory(prefix="w2v-alice-") as scratch:
        archive = _pip_download(python or sys.executable, Path(scratch))
        data = _read_member(archive, Path(scratch))
    digest = hashlib.sha256(data).hexdigest()
    if digest != ALICE_SHA256:
        raise DownloadError(
            f"{MEMBER} in {SDIST} has SHA-256 {digest[:12]}..., not the expected "
            f"{ALICE_SHA256[:12]}...; nothing was saved"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with write_file(target) as out:
            out.write(data)
    except (OSError, ModelFileError) as error:
        raise DownloadError(f"cannot save {target}: {error}") from None
    return target


def _pip_download(python: str, scratch: Path) -> Path:
    """Run pip to save the sdist in `scratch`; return its path or raise DownloadError."""
    command = [
        python, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
        "--no-input", "--progress-bar", "off", "--disable-pip-version-check",
        REQUIREMENT, "--dest", str(scratch),
    ]  # fmt: skip
    try:
        # cwd: `python -m` puts the working directory first on sys.path, where a stray
        # pip.py would be run instead of pip.  Its own session: pip's build helper is
        # ended with it on a timeout or Ctrl-C.
        process = subprocess.Popen(
            command,
            cwd=scratch,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as error:
        raise DownloadError(f"cannot run {python} to start pip: {error.strerror}") from None
    try:
        output, _ = process.communicate(timeout=PIP_TIMEOUT)
    except subprocess.TimeoutExpired:
        _end(process)
        raise DownloadError(
            f"pip download {REQUIREMENT} did not finish within {PIP_TIMEOUT:g} s"
        ) from None
    except BaseException:
        _end(process)
        raise
    text = output.decode("utf-8", errors="replace")
    if process.returncode != 0:
        raise DownloadError(_pip_failure(python, text, process.returncode))
    archive = scratch / SDIST
    if not archive.is_file():
        found = sorted(p.name for p in scratch.iterdir()) or ["nothing"]
        raise DownloadError(f"pip download {REQUIREMENT} saved {', '.join(found)}, not {SDIST}")
    return archive


def _end(process: subprocess.Popen) -> None:
    """Kill pip and whatever it started (its process group), and reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _pip_failure(python: str, output: str, status: int) -> str:
    """One line saying why pip failed, from what it printed."""
    if "No module named pip" in output:
        return f"pip is not installed for {python} (python -m pip: No module named pip)"
    lines = [" ".join(line.split()) for line in output.splitlines() if line.strip()]
    errors = [line.removeprefix("ERROR: ") for line in lines if line.startswith("ERROR:")]
    reason = errors[-1] if errors else (lines[-1] if lines else f"exit status {status}")
    # pip names the indexes it used (passwords hidden) and, when it retried, why.
    looked = next((line for line in lines if line.startswith("Looking in indexes:")), "")
    if looked:
        reason += f" ({looked[0].lower()}{looked[1:]})"
    unreachable = re.findall(r"Failed to establish a new connection: ([^'\")]+)", output)
    if unreachable:
        reason += f"; the index could not be reached ({unreachable[-1].strip()})"
    return f"pip download {REQUIREMENT} failed: {reason}"


def _read_member(archive: Path, scratch: Path) -> bytes:
    """The bytes of :data:`MEMBER`, read from the archive without extracting anything.

    Only that one member is looked at, and only if it is a regular file that
    :func:`tarfile.data_filter` accepts (no absolute path, no ``..``, no link or
    device); it is read into memory, at most :data:`ALICE_SIZE` bytes, so no name
    from the archive ever becomes a path on disk.
    """
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            try:
                member = tar.getmember(MEMBER)
            except KeyError:
                raise DownloadError(f"{SDIST} does not hold {MEMBER}") from None
            try:
                member = tarfile.data_filter(member, str(scratch))
            except tarfile.FilterError as error:
                raise DownloadError(f"{MEMBER} in {SDIST} is refused: {error}") from None
            if not member.isfile():
                raise DownloadError(f"{MEMBER} in {SDIST} is not a regular file")
            if member.size != ALICE_SIZE:
                raise DownloadError(
                    f"{MEMBER} in {SDIST} has {member.size:,} bytes, not {ALICE_SIZE:,}"
                )
            stream = tar.extractfile(member)
            if stream is None:  # pragma: no cover - isfile() members always have data
                raise DownloadError(f"{MEMBER} in {SDIST} cannot be read")
            return stream.read(ALICE_SIZE)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise DownloadError(f"{SDIST} from pip is not a readable archive ({error})") from None


# --------------------------------------------------------------------------- the story


_CHAPTER_ONE = re.compile(r"^[ \t]*CHAPTER I\b.*$", re.MULTILINE)
_THE_END = re.compile(r"^[ \t]*THE END[ \t]*$", re.MULTILINE)
_ILLUSTRATION = re.compile(r"^[ \t]*\[Illustration[^\]\n]*\][ \t]*$", re.MULTILINE)
_GUTENBERG_START = re.compile(r"^\*\*\* ?START OF.*$", re.MULTILINE)
_GUTENBERG_END = re.compile(r"^\*\*\* ?END OF", re.MULTILINE)


def story_text(text: str) -> str:
    """Cut either edition of the book to the story; one paragraph per line.

    The story runs from the *last* line that starts with ``CHAPTER I`` (a table of
    contents, when there is one, names chapter I earlier) to the last ``THE END``
    line, inside Project Gutenberg's ``*** START OF`` / ``*** END OF`` markers when
    they are there.  Illustration marks are dropped.  Lines are wrapped at about 70
    characters, so the lines of a paragraph are joined: a line break is no sentence
    break.

    Parameters
    ----------
    text : str
        ``pg11.txt`` or ``alice29.txt``, decoded.

    Returns
    -------
    str
        The chapters, one paragraph per line (``CHAPTER I Down the Rabbit-Hole`` is the
        first line, ``... and the happy summer days.`` the last).
    """
    text = text.replace("\r\n", "\n")
    start = _GUTENBERG_START.search(text)
    end = _GUTENBERG_END.search(text)
    body = text[start.end() if start else 0 : end.start() if end else len(text)]
    chapters = list(_CHAPTER_ONE.finditer(body))
    finish = list(_THE_END.finditer(body))
    body = body[chapters[-1].start() if chapters else 0 : finish[-1].start() if finish else None]
    body = _ILLUSTRATION.sub("", body)
    paragraphs = re.split(r"\n\s*\n", body)
    return "\n".join(" ".join(p.split()) for p in paragraphs if p.strip()) + "\n"
