"""Opening local vector files by path: only what the operator allowed (no traversal)."""

from __future__ import annotations

from pathlib import Path

from dashboard import local_vectors as lv


def _file(path: Path, text: str = "1 1\na 1\n") -> Path:
    path.write_text(text)
    return path


def test_command_line_paths_are_listed(tmp_path):
    one, two = _file(tmp_path / "one.bin"), _file(tmp_path / "two.txt")
    argv = ["--vectors", str(one), "--other", "x", "--vectors", str(two)]
    files = lv.available(argv, directory="")
    assert [f.name for f in files] == ["one.bin", "two.txt"]
    assert lv.resolve("two.txt", files) == two.resolve()


def test_directory_lists_vector_files_only(tmp_path):
    _file(tmp_path / "a.bin")
    _file(tmp_path / "b.npz")
    _file(tmp_path / "notes.md")
    (tmp_path / "sub.bin").mkdir()
    files = lv.available([], directory=tmp_path)
    assert [f.name for f in files] == ["a.bin", "b.npz"]


def test_names_from_the_browser_cannot_traverse(tmp_path):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    _file(allowed / "good.bin")
    secret = _file(tmp_path / "secret.bin")
    (allowed / "escape.bin").symlink_to(secret)  # a link leading outside the directory
    files = lv.available([], directory=allowed)
    assert [f.name for f in files] == ["good.bin"]
    for hostile in [
        "../secret.bin", str(secret), "escape.bin", "good.bin/../../secret.bin",
        "/etc/passwd", "good.bin\x00", "", "~/.ssh/id_rsa",
    ]:  # fmt: skip
        assert lv.resolve(hostile, files) is None


def test_missing_paths_and_duplicate_names(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    first, second = _file(tmp_path / "x" / "v.bin"), _file(tmp_path / "y" / "v.bin")
    argv = ["--vectors", str(first), "--vectors", str(second), "--vectors", "/no/such.bin"]
    files = lv.available(argv, directory="")
    assert [f.name for f in files] == ["v.bin", "v.bin (2)"]
    assert lv.resolve("v.bin (2)", files) == second.resolve()
