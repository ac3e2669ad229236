"""Smoke tests of the gensim comparison benchmark (structure only, never speed)."""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks._measure import (
    Settings,
    load_corpus_file,
    median_of,
    parse_sizes,
    save_corpus,
    zipf_corpus,
)
from benchmarks._peers import FASTTEXT, count_text, fasttext_available, write_corpus_text
from benchmarks.compare_gensim import resolve_systems
from w2v_core.corpus import corpus_from_text

REPO_ROOT = Path(__file__).resolve().parent.parent
METRICS = ("words_per_sec", "seconds", "peak_mb", "ws353", "simlex999", "analogy")


NEEDS_FASTTEXT = pytest.mark.skipif(
    not fasttext_available(),
    reason=f"fastText is not installed at {FASTTEXT} (Debian package fasttext, see .ci/run)",
)


def run_benchmark(tmp_path: Path, *args: str, timeout: float = 120) -> dict:
    """Run the benchmark script as a subprocess; return its JSON output."""
    out = tmp_path / "bench.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.compare_gensim", *args, "--json", str(out)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "PASS" in done.stdout or "FAIL" in done.stdout  # the checks are printed
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def tiny_text(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 random tokens over WordSim-353's words, so the evaluation has coverage."""
    from w2v_core.evaluate import dataset_path, read_word_pairs

    words = sorted({w for a, b, _ in read_word_pairs(dataset_path("ws353")) for w in (a, b)})
    rng = random.Random(0)
    lines = [" ".join(rng.choices(words, k=20)) for _ in range(1_000)]
    path = tmp_path_factory.mktemp("bench") / "tiny.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def positive(value: object) -> bool:
    return isinstance(value, int | float) and value > 0


#: Without fastText the shared run leaves it out (the default, every system, would refuse).
SMOKE_SYSTEMS = "ours,ours_shared,gensim"


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory, tiny_text: Path) -> dict:
    """One run of the comparison (2 epochs, 20-d), every system when fastText is there.

    Each system trains and is evaluated in a child process of its own (seconds each on a
    busy machine), so :func:`test_compare_smoke` and :func:`test_every_peer_in_one_run`
    check the one run's output instead of running the benchmark twice.
    """
    systems = () if fasttext_available() else ("--systems", SMOKE_SYSTEMS)
    return run_benchmark(
        tmp_path_factory.mktemp("compare"),
        *("--corpus", str(tiny_text), "--epochs", "2", "--repeats", "1", "--dim", "20"),
        *systems,
        timeout=600,
    )


@pytest.mark.slow
def test_compare_smoke(compared: dict) -> None:
    doc = compared
    assert set(doc) >= {"ours", "ours_shared", "gensim", "settings", "machine", "checks"}
    assert ("fasttext" in doc) == fasttext_available()  # the systems asked for, no more
    assert set(doc["gensim"]) >= {"workers_1", "workers_2"}
    systems = [doc["ours"], doc["ours_shared"], doc["gensim"]["workers_1"]]
    systems.append(doc["gensim"]["workers_2"])
    for figures in systems:
        assert set(METRICS) <= set(figures)
        for key in ("words_per_sec", "seconds"):
            assert positive(figures[key]), (key, figures[key])
        # An RSS delta in MB: ~0 on a tiny corpus, never the hundreds a unit slip would give.
        assert math.isfinite(figures["peak_mb"]) and -50 < figures["peak_mb"] < 200
        assert -1.0 <= figures["ws353"] <= 1.0  # every pair is covered by construction
        assert figures["analogy"] is None or 0.0 <= figures["analogy"] <= 1.0
        assert len(figures["runs"]) == 1
    assert doc["ours"]["memory_method"] == "rss"
    assert positive(doc["ours"]["traced_peak_mb"])
    assert doc["gensim"]["workers_1"]["memory_method"] == "rss"
    # One words/s definition: raw corpus tokens x epochs / seconds.
    ours = doc["ours"]
    assert ours["words_per_sec"] == pytest.approx(2 * 20_000 / ours["seconds"])
    assert positive(ours["speed_ratio_vs_gensim_workers_1"])
    assert positive(ours["speed_ratio_vs_gensim_workers_2_paired"])
    assert doc["settings"]["dim"] == 20 and doc["settings"]["epochs"] == 2
    assert doc["machine"]["cores"] >= 1 and doc["machine"]["numpy"]
    assert len(doc["machine"]["code"]["w2v_core_hashes"]) >= 1
    for mode in ("ours", "ours_shared"):
        assert set(doc["checks"][mode]) == {"speed", "ws353", "memory"}
        for name, item in doc["checks"][mode].items():
            # Each verdict is its value compared with its limit.
            within = (
                item["value"] <= item["limit"]
                if name == "memory"
                else (item["value"] >= item["limit"])
            )
            assert item["passed"] is within, (name, item)
            assert item["text"]


@pytest.mark.slow
@NEEDS_FASTTEXT
def test_every_peer_in_one_run(compared: dict) -> None:
    """The six peer entries of issue 28, each with words/s by one definition and WS353;
    our ratios are against the fastest gensim mode with the same workers."""
    doc = compared
    entries = {
        "gensim": {"workers_1", "workers_2", "corpus_file_workers_1", "corpus_file_workers_2"},
        "fasttext": {"workers_1", "workers_2"},
    }
    for system, names in entries.items():
        assert set(doc[system]) == names
        for name in names:
            figures = doc[system][name]
            assert positive(figures["words_per_sec"]), (system, name)
            # One definition of words: raw corpus tokens x epochs / training seconds.
            assert figures["words_per_sec"] == pytest.approx(2 * 20_000 / figures["seconds"])
            assert -1.0 <= figures["ws353"] <= 1.0 and figures["ws353_covered"] == 353
    for name in ("workers_1", "workers_2"):
        fasttext = doc["fasttext"][name]
        # Training alone, inside the span between its vocabulary and its last report.
        assert 0 < fasttext["seconds"] <= fasttext["pipe_seconds"] * 1.01 + 0.01
        assert fasttext["pipe_seconds"] < fasttext["total_seconds"]
        assert fasttext["workers"] == int(name[-1]) and "-minn 0 -maxn 0" in fasttext["command"]
    for key in ("ours", "ours_shared", "ours_workers_2", "ours_shared_workers_2"):
        row, workers = doc[key], doc[key]["workers"]
        peers = {
            n: doc["gensim"][n] for n in (f"workers_{workers}", f"corpus_file_workers_{workers}")
        }
        best = max(peers, key=lambda n: peers[n]["words_per_sec"])
        assert row["fastest_gensim"] == best
        assert row["speed_ratio_vs_fastest_gensim"] == pytest.approx(
            row["words_per_sec"] / peers[best]["words_per_sec"]
        )
        assert positive(row["speed_ratio_vs_fasttext"])
        speed = doc["checks"][key]["speed"]
        assert speed["value"] == pytest.approx(row["speed_ratio_vs_fastest_gensim"])
        assert speed["limit"] == {"ours": 0.45, "ours_workers_2": 0.45}.get(
            key, 2.0 if workers == 1 else 1.8
        )
        ws = doc["checks"][key]["ws353"]
        assert ws["limit"] == pytest.approx(peers[best]["ws353"] - 0.01)


def test_the_text_file_is_the_token_stream(tmp_path: Path) -> None:
    corpus = corpus_from_text("the cat sat\non the mat\n\nthe end\nrare\n", name="t")
    every, common = tmp_path / "all.txt", tmp_path / "common.txt"
    assert write_corpus_text(corpus, every) == 4
    assert every.read_text() == "the cat sat\non the mat\nthe end\nrare\n"
    assert count_text(every) == (corpus.n_tokens, 4)
    # fastText's file: words below min-count left out, a sentence of them dropped.
    assert write_corpus_text(corpus, common, min_count=2) == 3
    assert common.read_text() == "the\nthe\nthe\n"
    assert count_text(common) == (3, 3)


@pytest.mark.slow
def test_scale_smoke(tmp_path: Path) -> None:
    doc = run_benchmark(
        tmp_path,
        *("--scale", "--scale-sizes", "20000,40000", "--scale-vocab", "500"),
        *("--dim", "20", "--systems", "ours,gensim1"),
    )
    assert doc["mode"] == "scale"
    assert "ours_shared" not in doc
    series = [doc["ours"], doc["gensim"]["workers_1"]]
    for rows in series:
        assert [row["size"] for row in rows] == [20_000, 40_000]
        assert [row["tokens"] for row in rows] == [20_000, 40_000]
        for row in rows:
            for key in ("words_per_sec", "seconds", "ids_mb"):
                assert positive(row[key]), (key, row[key])
            assert math.isfinite(row["peak_mb"]) and -50 < row["peak_mb"] < 200
    assert set(doc["checks"]["ours"]) == {"flat_speed", "memory_growth", "memory_bar"}


def test_corpus_round_trip_and_sentences(tmp_path: Path) -> None:
    corpus = corpus_from_text("the cat sat\non the mat\n\nthe end", name="t")
    path = tmp_path / "c.npz"
    save_corpus(corpus, path)
    back = load_corpus_file(path)
    assert back.words == corpus.words and back.name == "t"
    np.testing.assert_array_equal(back.ids, corpus.ids)
    np.testing.assert_array_equal(back.counts, corpus.counts)
    assert back.sentences() == [["the", "cat", "sat"], ["on", "the", "mat"], ["the", "end"]]


def test_zipf_corpus_is_a_valid_corpus() -> None:
    corpus = zipf_corpus(25_000, vocab_size=300, sentence_length=1_000, seed=3)
    ids = corpus.ids
    assert corpus.n_tokens == 25_000
    assert ids[0] >= 0 and ids[-1] >= 0
    assert not np.any((ids[1:] < 0) & (ids[:-1] < 0))
    assert np.count_nonzero(ids < 0) == 24  # a break after every 1,000 tokens
    np.testing.assert_array_equal(np.bincount(ids[ids >= 0]), corpus.counts)
    assert corpus.counts.min() > 0 and corpus.counts[0] == corpus.counts.max()
    assert zipf_corpus(25_000, vocab_size=300, seed=3).ids.tobytes() == ids.tobytes()


def test_helpers() -> None:
    assert parse_sizes("1M, 4m,20000,2.5k") == [1_000_000, 4_000_000, 20_000, 2_500]
    with pytest.raises(ValueError):
        parse_sizes("0")
    assert resolve_systems("gensim,ours") == ["ours", "gensim_w1", "ours_workers_2", "gensim_w2"]
    assert resolve_systems("ours1") == ["ours", "ours_shared"]
    assert resolve_systems("fasttext,gensim_corpus_file") == [
        "gensim_corpus_file_w1", "fasttext_w1", "gensim_corpus_file_w2", "fasttext_w2",
    ]  # fmt: skip
    assert len(resolve_systems("all")) == 10
    with pytest.raises(ValueError):
        resolve_systems("word2vec")
    runs = [{"seconds": 3.0, "n": 5, "m": "rss", "x": None}, {"seconds": 1.0, "n": 7, "m": "rss"}]
    runs.append({"seconds": 2.0, "n": 6, "m": "rss", "x": None})
    summary = median_of(runs)
    assert summary["seconds"] == 2.0 and summary["n"] == 6 and summary["m"] == "rss"
    assert summary["x"] is None and len(summary["runs"]) == 3
    assert Settings().to_dict()["dim"] == 100


def test_the_browser_is_debians_chromium_whatever_else_is_on_the_path(tmp_path, monkeypatch):
    """One rule on every machine (the README's): never a Chrome found on the PATH nor
    Playwright's own download, only Debian's ``chromium``."""
    from benchmarks.load import DEBIAN_CHROMIUM, find_chromium

    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    assert find_chromium() in (DEBIAN_CHROMIUM, None)
    assert find_chromium() == (DEBIAN_CHROMIUM if os.access(DEBIAN_CHROMIUM, os.X_OK) else None)


def test_without_fasttext_the_benchmark_says_how_to_leave_it_out(monkeypatch, capsys):
    import benchmarks.compare_gensim as compare

    monkeypatch.setattr(compare, "fasttext_available", lambda: False)
    with pytest.raises(SystemExit) as stopped:
        compare.parse_args(["--systems", "ours,fasttext"])
    assert stopped.value.code == 2
    assert "apt-get install fasttext" in capsys.readouterr().err
    assert compare.parse_args(["--systems", "ours,gensim_corpus_file"]).run_keys == [
        "ours", "gensim_corpus_file_w1", "ours_workers_2", "gensim_corpus_file_w2",
    ]  # fmt: skip
