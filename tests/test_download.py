"""Downloads of alice and text8, against a real HTTP server on 127.0.0.1 (no internet)."""

import io
import socket
import threading
import zipfile
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pip_index import pip_only_from

from w2v_core import corpus as corpus_module
from w2v_core.corpus import BUILTIN_CORPORA, DOWNLOADS, download, load_corpus
from w2v_core.errors import DownloadError

TEXT8_MEMBER = (
    b" anarchism originated as a term of abuse first used against early working class" * 50
)


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


TEXT8_ZIP = make_zip({"text8": TEXT8_MEMBER})

ALICE = (
    "\ufeffThe Project Gutenberg eBook of Alice\u2019s Adventures in Wonderland\n"
    "This ebook is for the use of anyone anywhere under a licence.\n\n"
    "*** START OF THE PROJECT GUTENBERG EBOOK ALICE'S ADVENTURES IN WONDERLAND ***\n\n"
    "CHAPTER I.\nDown the Rabbit-Hole\n\n"
    "Alice was beginning to get very tired of sitting by her sister on the\n"
    "bank, and of having nothing to do: \u201cand what is the use of a book,\u201d\n"
    "thought Alice \u201cwithout pictures or conversations?\u201d\n\n"
    "*** END OF THE PROJECT GUTENBERG EBOOK ALICE'S ADVENTURES IN WONDERLAND ***\n"
    "Updated editions will replace the previous one. Licence terms follow.\n"
).encode()


class Handler(BaseHTTPRequestHandler):
    """Serves `server.routes`: path -> bytes, or a callable(handler) for odd behaviour."""

    def do_GET(self):  # noqa: N802 (the name http.server expects)
        self.server.hits.append(self.path)
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
        elif callable(route):
            route(self)
        else:
            self.send_response(200)
            self.send_header("Content-Length", str(len(route)))
            self.end_headers()
            self.wfile.write(route)

    def log_message(self, *args):  # keep the test output quiet
        pass


def truncated(handler):
    """Promise 100,000 bytes, send 1,000, hang up."""
    handler.send_response(200)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    handler.wfile.write(b"x" * 1000)
    handler.wfile.flush()
    handler.close_connection = True


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.routes = {
        "/text8.zip": TEXT8_ZIP,
        "/pg11.txt": ALICE,
        "/not-alice.txt": b"The Adventures of Tom Sawyer\n*** START OF\n*** END OF\n",
        "/truncated": truncated,
    }
    httpd.hits = []
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache directory, used by default."""
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def specs(server, monkeypatch):
    """Point the download specs at the local server, with the small file's sizes."""
    monkeypatch.setitem(
        DOWNLOADS,
        "text8",
        replace(
            DOWNLOADS["text8"],
            url=server.url + "/text8.zip",
            size=len(TEXT8_ZIP),
            member_size=len(TEXT8_MEMBER),
        ),
    )
    monkeypatch.setitem(
        DOWNLOADS, "alice", replace(DOWNLOADS["alice"], url=server.url + "/pg11.txt")
    )
    # Alice's second route, pip (tests/test_alice.py), finds nothing either.
    pip_only_from(monkeypatch, server.url + "/simple")
    return DOWNLOADS


def closed_port_url(path: str) -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"  # nothing listens there any more


def test_real_specs_match_the_published_files():
    text8 = DOWNLOADS["text8"]
    assert text8.url == "http://mattmahoney.net/dc/text8.zip"
    assert (text8.size, text8.member, text8.member_size) == (31_344_016, "text8", 100_000_000)
    assert DOWNLOADS["alice"].url == "https://www.gutenberg.org/cache/epub/11/pg11.txt"
    assert BUILTIN_CORPORA["text8"].download_bytes == text8.size


def test_text8_downloads_once_verifies_and_streams_from_the_zip(server, specs, cache):
    assert BUILTIN_CORPORA["text8"].needs_download()
    calls = []
    corpus = load_corpus("text8", progress=lambda done, total: calls.append((done, total)))
    assert corpus.name == "text8"
    assert corpus.n_tokens == len(TEXT8_MEMBER.split())
    assert corpus.words[:3] == ["anarchism", "originated", "as"]
    assert [p.name for p in cache.iterdir()] == ["text8.zip"]
    assert not BUILTIN_CORPORA["text8"].needs_download()

    # Progress: starts at 0, never decreases, ends at the full size.
    done = [d for d, _ in calls]
    assert done[0] == 0 and done == sorted(done) and done[-1] == len(TEXT8_ZIP)
    assert {total for _, total in calls} == {len(TEXT8_ZIP)}

    again = load_corpus("text8")
    assert server.hits == ["/text8.zip"]  # the second load used the cache
    assert again.fingerprint == corpus.fingerprint


def test_alice_is_checked_and_stripped_of_the_gutenberg_header_and_licence(server, specs, cache):
    corpus = load_corpus("alice")
    assert corpus.name == "alice"
    assert corpus.words[:4] == ["chapter", "i", "down", "the"]
    assert not {"gutenberg", "ebook", "licence", "updated"} & set(corpus.words)
    # One sentence per paragraph: the hard-wrapped lines of a paragraph are joined.
    assert corpus.n_sentences == 2
    assert (cache / "pg11.txt").read_bytes() == ALICE


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        ("text8", {"size": len(TEXT8_ZIP) + 1}, "expected [0-9,]+ bytes, got"),
        ("text8", {"member_size": 12}, "expected 'text8' of 12 bytes"),
        ("text8", {"member": "enwik8"}, "expected a zip archive holding only 'enwik8'"),
        ("alice", {"url": "/not-alice.txt"}, "it does not contain \"Alice's Adventures"),
    ],
)
def test_a_file_failing_its_integrity_check_leaves_nothing(
    server, specs, cache, name, change, message
):
    if "url" in change:
        change = {"url": server.url + change["url"]}
    specs[name] = replace(specs[name], **change)
    with pytest.raises(DownloadError, match="integrity check: " + message):
        load_corpus(name)
    assert list(cache.iterdir()) == []


def test_an_interrupted_transfer_leaves_no_partial_file(server, specs, cache):
    with pytest.raises(DownloadError, match="interrupted after 1,000 of 100,000 bytes"):
        download("text8", url=server.url + "/truncated")
    assert list(cache.iterdir()) == []


def test_a_keyboard_interrupt_leaves_no_partial_file(server, specs, cache):
    def impatient(done, total):
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_corpus("text8", progress=impatient)
    assert list(cache.iterdir()) == []


def test_offline_message_names_the_url_and_where_to_put_the_file(specs, cache):
    url = closed_port_url("/text8.zip")
    specs["text8"] = replace(specs["text8"], url=url)
    with pytest.raises(DownloadError) as info:
        load_corpus("text8")
    message = str(info.value)
    assert "\n" not in message
    assert url in message
    assert str(cache / "text8.zip") in message
    assert list(cache.iterdir()) == []


def test_http_errors_are_download_errors(server, specs, cache):
    with pytest.raises(DownloadError, match="HTTP 404"):
        download("alice", url=server.url + "/missing.txt")


def test_url_can_be_overridden_by_environment(server, specs, cache, monkeypatch):
    specs["alice"] = replace(specs["alice"], url=closed_port_url("/pg11.txt"))
    monkeypatch.setenv("W2V_ALICE_URL", server.url + "/pg11.txt")
    assert download("alice") == cache / "pg11.txt"


def test_a_file_placed_by_hand_is_used_without_downloading(specs, cache):
    for name in ("text8", "alice"):
        specs[name] = replace(specs[name], url=closed_port_url("/" + name))
    (cache / "text8.zip").write_bytes(TEXT8_ZIP)
    (cache / "pg11.txt").write_bytes(ALICE)
    assert load_corpus("text8").n_tokens == len(TEXT8_MEMBER.split())
    assert "alice" in load_corpus("alice").words


def test_an_unzipped_text8_placed_by_hand_is_used(specs, cache):
    specs["text8"] = replace(specs["text8"], url=closed_port_url("/text8.zip"))
    (cache / "text8").write_bytes(TEXT8_MEMBER)
    corpus = load_corpus("text8")
    assert corpus.n_tokens == len(TEXT8_MEMBER.split())
    assert not BUILTIN_CORPORA["text8"].needs_download()


def test_a_bad_file_placed_by_hand_is_reported_not_deleted(specs, cache):
    (cache / "text8.zip").write_bytes(b"not a zip at all")
    with pytest.raises(DownloadError, match="is not a good copy.*delete it"):
        load_corpus("text8")
    assert (cache / "text8.zip").exists()


def test_download_into_a_fresh_nested_cache_dir(server, specs, tmp_path):
    nested = tmp_path / "a" / "b"
    path = download("alice", cache_dir=nested)
    assert path == nested / "pg11.txt" and path.read_bytes() == ALICE


def test_unknown_download_name():
    with pytest.raises(corpus_module.CorpusError, match="not downloadable"):
        download("toy")
