"""A Python package index on 127.0.0.1 that real pip can talk to, and nothing else.

:class:`LoopbackIndex` serves the "simple" pages of PEP 503 for one project over real
HTTP, with whatever source archive a test hands it (or none: every page is then a
404, an index that does not have the release).  :func:`pip_only_from` points pip, and
the pip subprocesses it starts, at such an index and nowhere else: no configuration
file, no extra index, no local wheels, no retries.

:func:`fake_brotli_sdist` builds a ``brotli-1.2.1.tar.gz`` that pip accepts: its
metadata comes from a ten-line build backend inside the archive, so pip needs no
setuptools (no internet), and it holds whatever ``alice29.txt`` the test wants.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

PROJECT, VERSION = "brotli", "1.2.1"
SDIST = f"{PROJECT}-{VERSION}.tar.gz"
TOP = f"{PROJECT}-{VERSION}"

_PYPROJECT = b"""[build-system]
requires = []
build-backend = "fake_backend"
backend-path = ["."]
"""

# Just enough of PEP 517 for `pip download`, which only asks for the metadata.
_BACKEND = b"""import os

def get_requires_for_build_wheel(config_settings=None):
    return []

def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    name = "brotli-1.2.1.dist-info"
    os.makedirs(os.path.join(metadata_directory, name))
    with open(os.path.join(metadata_directory, name, "METADATA"), "w") as out:
        out.write("Metadata-Version: 2.1\\nName: brotli\\nVersion: 1.2.1\\n")
    return name

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("a test archive: nothing to build")
"""


def fake_brotli_sdist(alice: bytes | None, *, symlink_to: str | None = None) -> bytes:
    """A ``brotli-1.2.1.tar.gz`` with `alice` as its ``tests/testdata/alice29.txt``.

    `alice` None leaves the book out; `symlink_to` makes that member a symbolic link
    to this target instead of a file.
    """
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        files = {"pyproject.toml": _PYPROJECT, "fake_backend.py": _BACKEND}
        if alice is not None:
            files["tests/testdata/alice29.txt"] = alice
        for name, data in files.items():
            info = tarfile.TarInfo(f"{TOP}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if symlink_to is not None:
            info = tarfile.TarInfo(f"{TOP}/tests/testdata/alice29.txt")
            info.type, info.linkname = tarfile.SYMTYPE, symlink_to
            tar.addfile(info)
    return buffer.getvalue()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server expects)
        self.server.hits.append(self.path)
        body, kind = self.server.pages.get(self.path.split("#")[0], (None, ""))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the test output quiet
        pass


class LoopbackIndex:
    """A PEP 503 index on 127.0.0.1 offering `sdist` as brotli 1.2.1 (None: 404s only)."""

    def __init__(self, sdist: bytes | None) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.hits = []
        self.httpd.pages = {}
        if sdist is not None:
            digest = hashlib.sha256(sdist).hexdigest()
            link = f'<a href="/files/{SDIST}#sha256={digest}">{SDIST}</a>'
            page = f"<!DOCTYPE html><html><body>{link}</body></html>".encode()
            for path in (f"/simple/{PROJECT}/", f"/simple/{PROJECT}"):
                self.httpd.pages[path] = (page, "text/html")
            self.httpd.pages[f"/files/{SDIST}"] = (sdist, "application/gzip")
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/simple"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,))
        self._thread.start()

    @property
    def hits(self) -> list[str]:
        return self.httpd.hits

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join()


def pip_only_from(monkeypatch: pytest.MonkeyPatch, index_url: str) -> None:
    """Make every pip started from now on use `index_url` and nothing else."""
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # pip's documented "no config files"
    monkeypatch.setenv("PIP_INDEX_URL", index_url)
    for name in ("PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX", "PIP_CONSTRAINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "15")
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
