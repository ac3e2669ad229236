"""The command line, through real subprocesses: python -m w2v_core ..."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import gensim
import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKV

from w2v_core import cli
from w2v_core import evaluate as ev
from w2v_core.commands import queries
from w2v_core.config import NOT_REPRODUCIBLE
from w2v_core.io import load_model, load_projector_tsv, load_word2vec_format
from w2v_core.train import Progress

REPO = Path(__file__).resolve().parent.parent
LEE = Path(gensim.__file__).parent / "test" / "test_data" / "lee_background.cor"
SCORED_LINE = re.compile(r"^\S+\t-?\d\.\d{4}$")


def run(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "w2v_core", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_user_error(result: subprocess.CompletedProcess, pattern: str = "") -> None:
    """Exit 2, nothing on stdout, exactly one 'error: ...' line on stderr, no traceback."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert re.search(pattern, lines[0]), lines[0]


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory) -> Path:
    """About 6,000 tokens of the Lee corpus: trains in well under a second."""
    lines = LEE.read_text(encoding="utf-8").splitlines()[:20]
    path = tmp_path_factory.mktemp("corpus") / "lee_small.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model_file(corpus_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("model") / "small.npz"
    result = run(
        "train", corpus_file, "--dim", 20, "--window", 3, "--negatives", 3, "--epochs", 1,
        "--min-count", 2, "--seed", 3, "--out", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # stderr is not a terminal: no progress bar
    summary = result.stdout.splitlines()
    assert len(summary) == 1
    assert re.search(
        r"trained on [\d,]+ words .*vocabulary [\d,]+.* s, .*words/s, final loss", summary[0]
    )
    assert str(out) in summary[0]
    return out


# --------------------------------------------------------------------------- working commands


def test_train_saves_a_loadable_model(model_file):
    model = load_model(model_file)
    assert model.w_in.shape[1] == 20
    assert model.config.epochs == 1 and model.config.window == 3 and model.config.seed == 3
    assert 100 < len(model.vocab) < 2000
    assert model.corpus_name == "lee_small.txt"


def test_train_defaults_to_the_shared_pool_and_takes_either_sampling_flag(model_file, tmp_path):
    assert load_model(model_file).config.shared_negatives is True  # the default
    parse = cli.build_parser().parse_args
    base = ["train", "corpus.txt", "--out", str(tmp_path / "m.npz")]
    assert parse(base).shared_negatives is True
    assert parse([*base, "--shared-negatives"]).shared_negatives is True
    assert parse([*base, "--per-pair-negatives"]).shared_negatives is False
    with pytest.raises(SystemExit) as stop:
        parse([*base, "--shared-negatives", "--per-pair-negatives"])
    assert stop.value.code == 2


def test_neighbors_prints_word_tab_cosine_lines_only(model_file):
    result = run("neighbors", model_file, "the", "--topn", 7)
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 7 and all(SCORED_LINE.match(line) for line in lines)
    expected = load_model(model_file).wv.most_similar("the", topn=7)
    assert [line.split("\t")[0] for line in lines] == [w for w, _ in expected]
    assert [float(line.split("\t")[1]) for line in lines] == [round(s, 4) for _, s in expected]
    # Query words are matched case-insensitively when only the lower-case form exists.
    assert run("neighbors", model_file, "THE", "--topn", 7).stdout == result.stdout


@pytest.mark.parametrize("method", ["add", "mul"])
def test_analogy(model_file, method):
    result = run("analogy", model_file, "the", "a", "in", "--method", method)
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 5 and all(SCORED_LINE.match(line) for line in lines)
    expected = load_model(model_file).wv.analogy("the", "a", "in", topn=5, method=method)
    assert [line.split("\t")[0] for line in lines] == [w for w, _ in expected]


def test_evaluate_report_and_json_agree_with_gensim(model_file, tmp_path):
    report = run("evaluate", model_file)
    assert report.returncode == 0 and report.stderr == ""
    assert "WordSim-353" in report.stdout and "Analogies" in report.stdout

    result = run("evaluate", model_file, "--json", "--restrict-vocab", 500)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["restrict_vocab"] == 500

    # The same vectors in gensim give the same numbers.
    exported = tmp_path / "v.txt"
    assert run("export", model_file, exported).returncode == 0
    theirs = GensimKV.load_word2vec_format(str(exported))
    for name in ("ws353", "simlex999"):
        _, spearman, _ = theirs.evaluate_word_pairs(str(ev.dataset_path(name)))
        ours = data[name]["spearman"]
        assert ours == pytest.approx(spearman.statistic, abs=1e-6) or (
            ours is None and np.isnan(spearman.statistic)
        )
    score, _ = theirs.evaluate_word_analogies(str(ev.dataset_path("analogies")), restrict_vocab=500)
    assert data["analogies"]["accuracy"] == pytest.approx(score)


@pytest.mark.parametrize("fmt", ["word2vec", "word2vec-binary"])
def test_export_word2vec_and_query_the_export(model_file, tmp_path, fmt):
    out = tmp_path / ("v.bin" if fmt == "word2vec-binary" else "v.txt")
    result = run("export", model_file, out, "--format", fmt)
    assert result.returncode == 0, result.stderr
    kv = load_word2vec_format(out)
    model = load_model(model_file)
    assert kv.words == model.vocab.words
    np.testing.assert_array_equal(kv.vectors, model.w_in)
    theirs = GensimKV.load_word2vec_format(str(out), binary=fmt == "word2vec-binary")
    np.testing.assert_array_equal(theirs.vectors, model.w_in)
    # Every MODEL argument also accepts the exported file.
    assert run("neighbors", out, "the").stdout == run("neighbors", model_file, "the").stdout
    info = run("info", out)
    assert info.returncode == 0 and f"{len(kv):,} words" in info.stdout


def test_export_tsv_writes_vectors_and_sibling_metadata(model_file, tmp_path):
    out = tmp_path / "lee_vectors.tsv"
    result = run("export", model_file, out, "--format", "tsv")
    assert result.returncode == 0, result.stderr
    metadata = tmp_path / "lee_metadata.tsv"
    assert metadata.exists()
    assert metadata.read_text(encoding="utf-8").splitlines()[0] == "word\tcount"
    kv = load_projector_tsv(out, metadata)
    model = load_model(model_file)
    assert kv.words == model.vocab.words
    np.testing.assert_array_equal(kv.counts, model.vocab.counts)
    np.testing.assert_array_equal(kv.vectors, model.w_in)


def test_metadata_naming():
    assert cli.metadata_path_for(Path("d/vectors.tsv")) == Path("d/metadata.tsv")
    assert cli.metadata_path_for(Path("text8_vectors.tsv")) == Path("text8_metadata.tsv")
    assert cli.metadata_path_for(Path("emb.tsv")) == Path("emb_metadata.tsv")
    assert cli.metadata_path_for(Path("emb")) == Path("emb_metadata.tsv")


def test_info_describes_a_model(model_file):
    result = run("info", model_file)
    assert result.returncode == 0 and result.stderr == ""
    assert "lee_small.txt" in result.stdout
    assert re.search(r"dimensions:\s+20", result.stdout)
    assert re.search(r"config.window:\s+3", result.stdout)


def test_help_documents_every_option_with_its_default():
    result = run("train", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for option, default in [
        ("--dim", "100"), ("--window", "5"), ("--negatives", "5"), ("--epochs", "5"),
        ("--min-count", "5"), ("--seed", "1"), ("--sample", "0.001"), ("--alpha", "0.025"),
        ("--out", "model.npz"), ("--batch-size", "0"),
    ]:  # fmt: skip
        assert option in text
        assert f"(default: {default})" in text, option
    for command in ("neighbors", "analogy", "evaluate", "export", "info"):
        assert run(command, "--help").returncode == 0


# --------------------------------------------------------------------------- progress display


def test_progress_bar_draws_percent_speed_loss_and_eta():
    stream = StringIO()
    bar = cli.ProgressBar(stream)
    bar(Progress(epoch=1, epochs=2, fraction=0.25, words_processed=2500, total_words=10000,
                 loss=2.5, alpha=0.02, words_per_sec=12345.0, elapsed=3.0))  # fmt: skip
    bar.close()
    text = stream.getvalue()
    assert text.startswith("\r[") and text.endswith("\n")
    assert "25.0%" in text and "12,345 words/s" in text and "loss 2.5000" in text
    assert "ETA 0:09" in text


def test_download_progress_line():
    stream = StringIO()
    progress = cli.DownloadProgress(stream, "text8")
    progress(5_000_000, 31_000_000)
    progress(31_000_000, None)
    progress.close()
    assert stream.getvalue() == ("\rdownloading text8: 5.0 / 31.0 MB\rdownloading text8: 31.0 MB\n")


def test_progress_bar_appears_only_on_a_terminal(corpus_file, tmp_path):
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "w2v_core", "train", str(corpus_file), "--epochs", "3",
         "--dim", "10", "--min-count", "2", "--out", str(tmp_path / "m.npz")],
        cwd=REPO, stdout=subprocess.PIPE, stderr=terminal, text=True,
    )  # fmt: skip
    os.close(terminal)
    output = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closes when the process exits
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    os.close(controller)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert b"\r[" in output and b"100.0%" in output and b"words/s" in output
    assert stdout.startswith("trained on")


# --------------------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory, model_file) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("bad")
    files = {
        "empty": directory / "empty.txt",
        "binary": directory / "random.bin",
        "object": directory / "object.npz",
        "truncated": directory / "truncated.npz",
        "random_npz": directory / "random.npz",
        "huge_header": directory / "huge.txt",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(np.random.default_rng(0).bytes(4096))
    with np.load(model_file, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays["words"] = arrays["words"].astype(object)
    np.savez(files["object"], **arrays)
    data = model_file.read_bytes()
    files["truncated"].write_bytes(data[: len(data) // 2])
    files["random_npz"].write_bytes(b"PK\x03\x04" + np.random.default_rng(1).bytes(3000))
    files["huge_header"].write_bytes(b"1000000000000 100\nthe 0.1\n")
    return files


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["train", "{empty}"], "empty|no words"),
        (["train", "{binary}"], "binary"),
        (["train", "{missing}"], "no such file|not found"),
        (["train", "no-such-corpus"], "no-such-corpus"),
        (["train", "{corpus}", "--dim", "0"], "dim"),
        (["train", "{corpus}", "--window", "0"], "window"),
        (["train", "{corpus}", "--negatives", "0"], "negatives"),
        (["train", "{corpus}", "--epochs", "0"], "epochs"),
        (["train", "{corpus}", "--dim", "-3"], "dim"),
        (["train", "{corpus}", "--min-count", "100000"], "no vocabulary"),
        (["train", "{corpus}", "--out", "{missing_dir}/m.npz"], "does not exist"),
        (["train", "{corpus}", "--dim", "ten"], "--dim"),
        (["neighbors", "{missing}", "the"], "not found"),
        (["neighbors", "{binary}", "the"], "neither"),
        (["neighbors", "{truncated}", "the"], "corrupt|truncated"),
        (["neighbors", "{random_npz}", "the"], "corrupt|not"),
        (["neighbors", "{object}", "the"], "pickle"),
        (["neighbors", "{huge_header}", "the"], "more than this tool loads"),
        (["neighbors", "{model}", "goverment"], "'goverment' is not in the vocabulary"),
        (["neighbors", "{model}", "the", "--topn", "0"], "--topn"),
        (["analogy", "{model}", "the", "a", "zzzqqq"], "'zzzqqq' is not in the vocabulary"),
        (["evaluate", "{missing}"], "not found"),
        (["evaluate", "{model}", "--data-dir", "{missing_dir}"], "not found"),
        (["export", "{model}", "{out}", "--format", "xml"], "invalid choice: 'xml'"),
        (["export", "{object}", "{out}"], "pickle"),
        (["info", "{truncated}"], "corrupt|truncated"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(args, pattern, bad_files, corpus_file,
                                                 model_file, tmp_path):  # fmt: skip
    names = {
        **{key: str(path) for key, path in bad_files.items()},
        "missing": str(tmp_path / "missing.txt"),
        "missing_dir": str(tmp_path / "no" / "dir"),
        "corpus": str(corpus_file),
        "model": str(model_file),
        "out": str(tmp_path / "out.txt"),
    }
    result = run(*[arg.format(**names) for arg in args])
    assert_user_error(result, pattern)
    assert not (tmp_path / "out.txt").exists()


def test_unknown_word_error_suggests_spellings(model_file):
    result = run("neighbors", model_file, "thee")
    assert_user_error(result, "did you mean.*'the'")


def test_keyboard_interrupt_exits_130_with_one_line(monkeypatch, capsys, model_file):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(queries, "_cmd_neighbors", interrupted)
    assert cli.main(["neighbors", str(model_file), "the"]) == 130
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "error: interrupted\n"


# --------------------------------------------------------------------------- contexts


def test_contexts_prints_characteristic_and_shared_context_words():
    words = run("contexts", "toy", "king", "--topn", "5")
    assert words.returncode == 0, words.stderr
    rows = [line.split("\t") for line in words.stdout.splitlines()]
    assert len(rows) == 5 and {"throne", "crown", "kingdom"} <= {row[0] for row in rows}
    assert all(int(row[1]) >= 5 and float(row[2]) > 0 for row in rows)
    pair = run("contexts", "toy", "King", "--with", "queen", "--json")
    assert pair.returncode == 0, pair.stderr
    report = json.loads(pair.stdout)
    assert report["close"] and report["sentence"].startswith("king and queen are close")
    assert {"throne", "crown"} <= {s["word"] for s in report["shared"][:5]}


@pytest.mark.parametrize(
    "args, pattern",
    [
        (("toy", "kingg"), "'kingg' is not in the vocabulary; did you mean 'king'"),
        (("toy", "king", "--with", "<script>"), "'<script>' is not in the vocabulary"),
        (("nosuch.txt", "king"), "no such file or built-in corpus"),
        (("toy", "king", "--topn", "0"), "--topn"),
        (("toy", "king", "--smoothing", "2"), "smoothing"),
        (("toy", "king", "--min-count", "1000000"), "leaves no vocabulary"),
    ],
)
def test_contexts_bad_input_is_one_line_and_exit_2(args, pattern):
    assert_user_error(run("contexts", *args), pattern)


def test_train_says_when_a_run_is_not_bit_reproducible(corpus_file, tmp_path):
    """16 epochs of one chunk: enough text for 2 workers, whose updates race."""
    common = ("--dim", 8, "--epochs", 16, "--min-count", 2, "--out", tmp_path / "m.npz")
    two = run("train", corpus_file, "--workers", 2, *common)
    assert two.returncode == 0, two.stderr
    assert two.stderr.splitlines() == [NOT_REPRODUCIBLE.format(workers=2)]
    one = run("train", corpus_file, "--workers", 1, *common)
    assert one.returncode == 0 and one.stderr == ""
