"""Word-similarity and analogy evaluation, cross-checked against scipy and gensim."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKV
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from w2v_core import KeyedVectors, W2VError, eval_analogy
from w2v_core import evaluate as ev


def _dataset_words() -> list[str]:
    """Every (lower-cased) word of the three bundled datasets, in first-seen order."""
    words: list[str] = []
    for _, questions in ev.read_analogies(ev.dataset_path("analogies")):
        for question in questions:
            words.extend(question)
    for name in ("ws353", "simlex999"):
        for a, b, _ in ev.read_word_pairs(ev.dataset_path(name)):
            words += [a, b]
    return list(dict.fromkeys(words))


def _planted_vectors(dim: int = 24, noise: float = 1.2, seed: int = 0) -> KeyedVectors:
    """Vectors where each analogy section has its own offset, plus noise.

    Roughly half the questions come out right, so accuracies are far from 0 and
    from 1 and a mistake in either implementation would show.
    """
    rng = np.random.default_rng(seed)
    words = _dataset_words()
    order = rng.permutation(len(words))
    words = [words[i] for i in order]
    # Interleave unrelated words so restrict_vocab cuts through the datasets.
    words = words[:900] + [f"filler{i}" for i in range(400)] + words[900:]
    vectors = {w: rng.standard_normal(dim) for w in words}
    for _, questions in ev.read_analogies(ev.dataset_path("analogies")):
        offset = rng.standard_normal(dim) * 1.5
        for a, b, c, d in questions:
            vectors[b] = vectors[a] + offset + noise * rng.standard_normal(dim)
            vectors[d] = vectors[c] + offset + noise * rng.standard_normal(dim)
    matrix = np.array([vectors[w] for w in words], dtype=np.float32)
    return KeyedVectors(words, matrix)


@pytest.fixture(scope="module")
def planted() -> tuple[KeyedVectors, GensimKV]:
    kv = _planted_vectors()
    theirs = GensimKV(kv.dim)
    theirs.add_vectors(kv.words, np.array(kv.vectors))
    return kv, theirs


# --------------------------------------------------------------------------- ranks and Spearman


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-5, 5) | st.floats(-10, 10, width=32), min_size=1, max_size=40))
def test_rankdata_matches_scipy_average_ranks(values):
    np.testing.assert_allclose(ev.rankdata(values), stats.rankdata(values), rtol=0, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 40).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 6), min_size=n, max_size=n),
            st.lists(st.floats(-3, 3, allow_subnormal=False), min_size=n, max_size=n),
        )
    )
)
def test_spearman_matches_scipy_including_ties(pair):
    x, y = pair
    ours = ev.spearman(np.array(x, float), np.array(y, float))
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        assert np.isnan(ours)  # undefined for a constant side, as in scipy
        return
    expected = stats.spearmanr(x, y).statistic
    assert ours == pytest.approx(expected, abs=1e-9)


def test_spearman_edge_cases():
    assert np.isnan(ev.spearman(np.array([1.0]), np.array([2.0])))
    assert ev.spearman(np.arange(5.0), np.arange(5.0) ** 3) == pytest.approx(1.0)
    assert ev.spearman(np.arange(5.0), -np.arange(5.0)) == pytest.approx(-1.0)
    with pytest.raises(ValueError):
        ev.spearman(np.arange(3.0), np.arange(4.0))


# --------------------------------------------------------------------------- word pairs


@pytest.mark.parametrize("dataset", ["ws353", "simlex999"])
@pytest.mark.parametrize("restrict_vocab", [None, 1200])
def test_word_pairs_agree_with_gensim(planted, dataset, restrict_vocab):
    kv, theirs = planted
    ours = ev.word_pairs(kv, dataset=dataset, restrict_vocab=restrict_vocab)
    path = str(ev.dataset_path(dataset))
    _, spearman, oov_percent = theirs.evaluate_word_pairs(
        path, restrict_vocab=restrict_vocab or len(kv)
    )
    assert ours.spearman == pytest.approx(spearman.statistic, abs=1e-9)
    assert 100 * (1 - ours.coverage) == pytest.approx(oov_percent)
    assert ours.n_pairs == {"ws353": 353, "simlex999": 999}[dataset]
    assert ours.n_covered + len(ours.oov_pairs) == ours.n_pairs


def test_word_pairs_on_a_hand_made_file(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text(
        "# comment line\n"
        "Cat\tdog\t9.0\n"
        "cat\tcar\t2.0\n"
        "dog\tcar\t1.0\n"
        "cat\tunicorn\t5.0\n"
        "malformed line\n"
        "dog\tcat\tnot-a-number\n",
        encoding="utf-8",
    )
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]], dtype=np.float32)
    kv = KeyedVectors(["cat", "dog", "car"], vectors)
    result = ev.word_pairs(kv, path)
    assert (result.n_pairs, result.n_covered) == (4, 3)
    assert result.coverage == pytest.approx(0.75)
    assert result.oov_pairs == [("cat", "unicorn")]
    cosines = [
        kv.similarity("cat", "dog"),
        kv.similarity("cat", "car"),
        kv.similarity("dog", "car"),
    ]
    assert result.spearman == pytest.approx(stats.spearmanr([9, 2, 1], cosines).statistic)
    assert json.loads(json.dumps(result.to_dict()))["oov_pairs"] == [["cat", "unicorn"]]


def test_word_pairs_with_nothing_covered_is_nan_not_an_error(tmp_path):
    kv = KeyedVectors(["zzz", "yyy"], np.eye(2, dtype=np.float32))
    result = ev.word_pairs(kv, dataset="ws353")
    assert result.n_covered == 0 and np.isnan(result.spearman)
    assert result.to_dict()["spearman"] is None


# --------------------------------------------------------------------------- analogies


def _gensim_sections(sections: list[dict]) -> list[tuple[str, int, int]]:
    return [
        (s["section"], len(s["correct"]), len(s["correct"]) + len(s["incorrect"]))
        for s in sections
        if s["section"] != "Total accuracy"
    ]


@pytest.mark.parametrize("restrict_vocab", [600, 1500, 30000])
def test_analogies_agree_with_gensim(planted, restrict_vocab):
    kv, theirs = planted
    ours = ev.analogies(kv, restrict_vocab=restrict_vocab)
    score, sections = theirs.evaluate_word_analogies(
        str(ev.dataset_path("analogies")), restrict_vocab=restrict_vocab
    )
    assert ours.sections == _gensim_sections(sections)
    assert ours.accuracy == pytest.approx(score)
    assert ours.total + ours.n_skipped == 19544
    if restrict_vocab == 30000:
        assert ours.n_skipped == 0
        assert 0.2 < ours.accuracy < 0.9  # the planted structure is neither trivial nor absent


def test_analogies_with_case_variants_agree_with_gensim(tmp_path):
    """Gensim's case-insensitive rules: the first case variant wins; variants of inputs are
    never answers; a less frequent variant of the expected word still counts."""
    rng = np.random.default_rng(5)
    words = ["a", "b", "c", "d", "B", "D", "e", "Dd", "x", "y", "A"]
    vectors = rng.standard_normal((len(words), 6)).astype(np.float32)
    vectors[words.index("B")] = vectors[1] * 1.01  # a near-copy of "b" competes as an answer
    vectors[words.index("D")] = vectors[1] - vectors[0] + vectors[2]  # exact answer, variant of d
    path = tmp_path / "questions.txt"
    path.write_text(": one\na b c d\nA B C D\nx y a e\n: two\nb a d c\nd c x y\n", encoding="utf-8")
    kv = KeyedVectors(words, vectors)
    theirs = GensimKV(6)
    theirs.add_vectors(words, vectors)
    for restrict in (4, 8, None):
        ours = ev.analogies(kv, path, restrict_vocab=restrict)
        _, sections = theirs.evaluate_word_analogies(str(path), restrict_vocab=restrict or 100)
        assert ours.sections == _gensim_sections(sections), restrict


def test_vectorised_analogies_match_per_question_queries(planted):
    """The block matrix products give the same answers as one query per question."""
    kv, _ = planted
    rng = np.random.default_rng(0)
    sections = ev.read_analogies(ev.dataset_path("analogies"))
    restrict = 2000
    for method in ("add", "mul"):
        # A small file of sampled questions, with all words among the first `restrict`.
        allowed = set(kv.words[:restrict])
        chosen = []
        for name, questions in sections:
            known = [q for q in questions if all(w in allowed for w in q)]
            picks = rng.choice(len(known), size=min(15, len(known)), replace=False)
            chosen.append((name, [known[i] for i in picks]))
        expected = []
        for name, questions in chosen:
            correct = sum(
                kv.analogy(a, b, c, topn=1, method=method, restrict_vocab=restrict)[0][0] == d
                for a, b, c, d in questions
            )
            expected.append((name, correct, len(questions)))
        result = _analogies_from(chosen, kv, restrict, method)
        assert result.sections == expected, method


def _analogies_from(sections, kv, restrict, method):
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "q.txt"
        lines = []
        for name, questions in sections:
            lines.append(f": {name}")
            lines.extend(" ".join(q) for q in questions)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return ev.analogies(kv, path, restrict_vocab=restrict, method=method)


def test_small_blocks_give_the_same_result(planted, monkeypatch):
    kv, _ = planted
    full = ev.analogies(kv, restrict_vocab=1500)
    monkeypatch.setattr(eval_analogy, "ANALOGY_BLOCK", 7)
    assert ev.analogies(kv, restrict_vocab=1500) == full


def test_analogy_file_errors(tmp_path):
    kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    path = tmp_path / "q.txt"
    path.write_text("a b c d\n: late header\n", encoding="utf-8")
    with pytest.raises(W2VError, match="before any"):
        ev.analogies(kv, path)
    with pytest.raises(W2VError, match="not found"):
        ev.analogies(kv, tmp_path / "absent.txt")
    with pytest.raises(W2VError, match="method"):
        ev.analogies(kv, path, method="pow")
    empty = ev.analogies(kv, restrict_vocab=None)
    assert empty.total == 0 and np.isnan(empty.accuracy)
    assert empty.to_dict()["accuracy"] is None


# --------------------------------------------------------------------------- datasets, everything


def test_dataset_lookup(tmp_path):
    for name in ("ws353", "simlex999", "analogies"):
        assert ev.dataset_path(name).is_file()
    with pytest.raises(W2VError, match="unknown dataset"):
        ev.dataset_path("men3000")
    with pytest.raises(W2VError, match="does not exist"):
        ev.dataset_path("ws353", tmp_path)
    (tmp_path / "wordsim353.tsv").write_text("a\tb\t1\n", encoding="utf-8")
    assert ev.dataset_path("ws353", tmp_path) == tmp_path / "wordsim353.tsv"


def test_evaluate_vectors_is_json_serialisable(planted):
    kv, _ = planted
    report = ev.evaluate_vectors(kv, restrict_vocab=1500).to_dict()
    round_trip = json.loads(json.dumps(report, allow_nan=False))
    assert round_trip["vocab_size"] == len(kv)
    assert set(round_trip) >= {"ws353", "simlex999", "analogies", "toy_analogies", "scores"}
    assert round_trip["analogies"]["total"] == ev.analogies(kv, restrict_vocab=1500).total


def test_every_score_carries_its_coverage_and_the_ranking_rule():
    # Vectors knowing every dataset word except the second half of WordSim-353's pairs.
    pairs = ev.read_word_pairs(ev.dataset_path("ws353"))
    known = list(dict.fromkeys(w for a, b, _ in pairs[: len(pairs) // 3] for w in (a, b)))
    rng = np.random.default_rng(0)
    kv = KeyedVectors(known, rng.normal(size=(len(known), 8)).astype(np.float32))
    scores = {score.name: score for score in ev.evaluate_vectors(kv).scores()}
    ws = scores["ws353"]
    assert ws.total == len(pairs) and ws.covered >= len(pairs) // 3
    assert ws.coverage == ws.covered / ws.total < ev.MIN_COVERAGE and not ws.rankable
    assert scores["toy_analogies"].covered == 0 and not scores["toy_analogies"].rankable
    full = KeyedVectors(
        _dataset_words(), rng.normal(size=(len(_dataset_words()), 8)).astype(np.float32)
    )
    covered = {score.name: score for score in ev.evaluate_vectors(full).scores()}
    assert covered["ws353"].coverage == 1.0 and covered["ws353"].rankable
    summary = ev.evaluate_vectors(kv).summary()
    assert summary["ws353_coverage"] == round(ws.coverage, 4)


def test_toy_analogies_are_scored_on_the_planted_questions():
    from w2v_core.toy import TOY_ANALOGIES

    # Exact offsets: every toy analogy holds, so every known question is right.
    words = list(dict.fromkeys(w for q in TOY_ANALOGIES for w in q))
    rng = np.random.default_rng(1)
    base = {w: rng.normal(size=64) for w in words}
    a, b, c, d = TOY_ANALOGIES[0]
    base[d] = base[b] - base[a] + base[c]
    kv = KeyedVectors(words, np.stack([base[w] for w in words]).astype(np.float32))
    result = ev.toy_analogies(kv)
    assert result.total == len(TOY_ANALOGIES) and result.n_skipped == 0
    assert kv.analogy(a, b, c, topn=1)[0][0] == d and result.correct >= 1
    half = KeyedVectors(words[:-1], kv.vectors[:-1])
    assert ev.toy_analogies(half).n_skipped > 0


def test_gensim_parameters_are_one_mapping_of_every_shared_setting():
    from w2v_core.train import TrainConfig

    config = TrainConfig(
        dim=33, window=4, negatives=7, epochs=3, max_vocab=99, sample=1e-4,
        ns_exponent=0.5, alpha=0.03, min_alpha=0.001, seed=9, min_count=2,
    )  # fmt: skip
    params = ev.gensim_params(config, workers=3)
    assert params == {
        "sg": 1, "hs": 0, "negative": 7, "vector_size": 33, "window": 4, "min_count": 2,
        "sample": 1e-4, "ns_exponent": 0.5, "alpha": 0.03, "min_alpha": 0.001, "epochs": 3,
        "seed": 9, "workers": 3, "max_final_vocab": 99,
    }  # fmt: skip
    gensim = pytest.importorskip("gensim.models")
    accepted = set(gensim.Word2Vec.__init__.__code__.co_varnames)
    assert set(params) <= accepted


def test_evaluate_never_imports_gensim_or_scipy():
    code = (
        "import sys, numpy as np\n"
        "from w2v_core import KeyedVectors, evaluate, io, cli\n"
        "kv = KeyedVectors(['king', 'queen'], np.eye(2, dtype=np.float32))\n"
        "evaluate.evaluate_vectors(kv)\n"
        "bad = [m for m in ('gensim', 'scipy', 'streamlit', 'plotly') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)
