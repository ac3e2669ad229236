"""Fetch the downloadable corpora once, check them, and keep them in the cache directory.

Two built-in corpora do not ship with the code but come from the web: ``alice`` (a
Project Gutenberg book) and ``text8`` (100 MB of cleaned Wikipedia, zipped).
:func:`download` fetches one on first use and returns its path afterwards.  A file
arrives in a temporary file next to its final place, is checked against its
:class:`DownloadSpec` (size, zip contents, text it must contain), and only then is it
renamed into place, so the cache never holds a partial or damaged copy.  A file saved
there by hand, for a machine without internet, is checked and used as it is.

:func:`gutenberg_body` strips the header and licence that every Project Gutenberg book
carries, which would otherwise be part of the corpus.
"""

from __future__ import annotations

import http.client
import os
import re
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from w2v_core.errors import CorpusError, DownloadError
from w2v_core.files import default_cache_dir

__all__ = [
    "DOWNLOADS",
    "DownloadSpec",
    "FetchFailed",
    "ProgressCallback",
    "download",
    "gutenberg_body",
]

#: ``progress(bytes_done, bytes_total_or_None)``, called as the bytes of a download arrive.
ProgressCallback = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class DownloadSpec:
    """Where a downloaded corpus comes from and how to tell a good copy.

    Attributes
    ----------
    url : str
        Where to fetch it (the environment variable ``W2V_<NAME>_URL`` overrides it).
    filename : str
        Its file name in the cache directory; a file placed there by hand is used.
    size : int or None
        Exact size in bytes, if the file never changes.
    member, member_size : str and int, or None
        For a zip archive: the single member it must hold, and that member's size.
    must_contain : tuple of str
        Strings a good copy contains (for files that are revised, so have no fixed size),
        compared as :func:`_normalised` says: either apostrophe, any case, ``***START``
        or ``*** START``.
    alternatives : tuple of str
        Other file names that may be in the cache instead (text8: an unzipped copy;
        alice: the registry's copy, see :mod:`w2v_core.alice`).
    """

    url: str
    filename: str
    size: int | None = None
    member: str | None = None
    member_size: int | None = None
    must_contain: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()


#: The downloadable corpora.  Tests replace entries to point at a local server.
DOWNLOADS: dict[str, DownloadSpec] = {
    "text8": DownloadSpec(
        url="http://mattmahoney.net/dc/text8.zip",
        filename="text8.zip",
        size=31_344_016,
        member="text8",
        member_size=100_000_000,
        alternatives=("text8",),
    ),
    "alice": DownloadSpec(
        url="https://www.gutenberg.org/cache/epub/11/pg11.txt",
        filename="pg11.txt",
        # No size or hash: Project Gutenberg revises its files now and then.
        must_contain=("Alice's Adventures in Wonderland", "*** START OF", "*** END OF"),
        alternatives=("alice29.txt",),  # w2v_core.alice.REGISTRY_FILENAME
    ),
}

_USER_AGENT = "w2v_core/1.0 (educational word2vec)"


# --------------------------------------------------------------------------- checking


def _integrity_problem(path: Path, spec: DownloadSpec, thorough: bool) -> str | None:
    """Return what is wrong with a downloaded file, or None if it looks right.

    `thorough` also checks the CRC of every zip member (reads the whole archive).
    """
    size = path.stat().st_size
    if spec.size is not None and size != spec.size:
        return f"expected {spec.size:,} bytes, got {size:,}"
    if spec.member is not None:
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                if names != [spec.member]:
                    return f"expected a zip archive holding only '{spec.member}', found {names}"
                member_size = archive.getinfo(spec.member).file_size
                if spec.member_size is not None and member_size != spec.member_size:
                    expected = f"{spec.member_size:,}"
                    return f"expected '{spec.member}' of {expected} bytes, got {member_size:,}"
                if thorough and archive.testzip() is not None:
                    return f"'{spec.member}' is corrupt (CRC mismatch)"
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            return f"not a valid zip archive ({error})"
    if spec.must_contain:
        text = _normalised(path.read_bytes().decode("utf-8", errors="replace"))
        missing = [s for s in spec.must_contain if _normalised(s) not in text]
        if missing:
            return "it does not contain " + " or ".join(repr(s) for s in missing)
    return None


def _normalised(text: str) -> str:
    """Text as :attr:`DownloadSpec.must_contain` compares it, forgiving what editions vary in.

    Project Gutenberg's files differ in the apostrophe (``'`` or the typographic
    ``\u2019``), in case (the title inside the book is upper-case) and in the marker
    lines (``*** START OF`` or ``***START OF``).
    """
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\*\*\*[ \t]*", "*** ", text).casefold()


# --------------------------------------------------------------------------- fetching


class FetchFailed(DownloadError):
    """A download that failed, its reason kept apart from the advice that follows it.

    ``str(error)`` is the whole line (``"<reason>; <advice>"``); :attr:`reason` alone
    lets a caller that tries another route name both failures in one line.
    """

    def __init__(self, reason: str, advice: str) -> None:
        super().__init__(f"{reason}; {advice}")
        self.reason = reason


def _one_line(error: BaseException) -> str:
    """A short, single-line reason for a failed request or file operation."""
    if isinstance(error, urllib.error.HTTPError):
        reason = f"HTTP {error.code} {error.reason}"
    elif isinstance(error, urllib.error.URLError):
        reason = str(error.reason)
    else:
        reason = str(error) or type(error).__name__
    return " ".join(reason.split())


def _fetch(
    url: str, target: Path, spec: DownloadSpec, progress: ProgressCallback | None, timeout: float
) -> None:
    """Download `url` to `target` atomically, or raise DownloadError leaving nothing.

    The bytes go to a temporary file in the same directory, which is checked before it
    is renamed onto `target` (so :func:`w2v_core.files.write_file`, which renames as
    soon as writing ends, does not fit here).
    """
    manual = f"download it yourself and save it as {target}"
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    length = response.headers.get("Content-Length", "")
                    total = int(length) if length.isdigit() else None
                    done = 0
                    if progress is not None:
                        progress(done, total)
                    while block := response.read(1 << 16):
                        out.write(block)
                        done += len(block)
                        if progress is not None:
                            progress(done, total)
            except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
                raise FetchFailed(
                    f"could not download {url} ({_one_line(error)})", manual
                ) from None
        # urllib returns a short body without complaint when the connection drops.
        if total is not None and done != total:
            raise FetchFailed(
                f"download of {url} was interrupted after {done:,} of {total:,} bytes", manual
            )
        problem = _integrity_problem(temp, spec, thorough=True)
        if problem is not None:
            raise FetchFailed(f"{url} failed its integrity check: {problem}", "nothing was saved")
        os.replace(temp, target)
    except BaseException:  # also KeyboardInterrupt: never leave a partial file behind
        temp.unlink(missing_ok=True)
        raise


def download(
    name: str,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    url: str | None = None,
    timeout: float = 30.0,
) -> Path:
    """Return the local path of a downloadable corpus, fetching it on first use.

    The file is streamed into a temporary file next to its final place, checked, and
    only then renamed into place, so the cache never holds a partial or bad file.  A
    file placed in the cache by hand is checked and used as is.

    Parameters
    ----------
    name : str
        A key of :data:`DOWNLOADS` (``"alice"`` or ``"text8"``).
    cache_dir : path, optional
        Default :func:`w2v_core.files.default_cache_dir`.
    progress : callable, optional
        ``progress(bytes_done, bytes_total_or_None)``, called as bytes arrive.
    url : str, optional
        Fetch from here instead (also ``$W2V_<NAME>_URL``).
    timeout : float, default 30
        Seconds to wait for the server at each step.

    Returns
    -------
    Path
        The checked file in the cache directory.

    Raises
    ------
    CorpusError
        If `name` is not a key of :data:`DOWNLOADS`.
    DownloadError
        One line naming the URL and the path where the file may be placed by hand.
    """
    if name not in DOWNLOADS:
        raise CorpusError(f"'{name}' is not downloadable (choose from {', '.join(DOWNLOADS)})")
    spec = DOWNLOADS[name]
    url = url or os.environ.get(f"W2V_{name.upper()}_URL") or spec.url
    cache = default_cache_dir() if cache_dir is None else Path(cache_dir).expanduser()
    target = cache / spec.filename
    if target.is_file():
        problem = _integrity_problem(target, spec, thorough=False)
        if problem is not None:
            raise DownloadError(
                f"{target} is not a good copy of {url} ({problem}); delete it to download it again"
            )
        return target
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DownloadError(
            f"cannot create the cache directory {cache}: {_one_line(error)}"
        ) from None
    _fetch(url, target, spec, progress, timeout)
    return target


# --------------------------------------------------------------------------- Gutenberg


def gutenberg_body(text: str) -> str:
    """Strip a Project Gutenberg header and licence; one paragraph per line.

    Parameters
    ----------
    text : str
        A whole Project Gutenberg plain-text book.

    Returns
    -------
    str
        The text between the ``*** START OF`` and ``*** END OF`` lines (all of it if
        they are missing), each paragraph joined into one line.
    """
    start = re.search(r"^\*\*\* ?START OF.*$", text, re.MULTILINE)
    end = re.search(r"^\*\*\* ?END OF", text, re.MULTILINE)
    body = text[start.end() if start else 0 : end.start() if end else len(text)]
    # Lines are wrapped at ~70 characters; a sentence break at each would cut sentences.
    paragraphs = re.split(r"\n\s*\n", body.replace("\r\n", "\n"))
    return "\n".join(" ".join(p.split()) for p in paragraphs if p.strip()) + "\n"
