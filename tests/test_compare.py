"""What changed between two runs: Procrustes alignment and neighbour overlap."""

import json

import numpy as np
import pytest
from planted_company import MOVER, company_text

from w2v_core.cli import main
from w2v_core.compare import compare, procrustes, rank, shared_words
from w2v_core.corpus import corpus_from_text
from w2v_core.errors import W2VError
from w2v_core.io import save_model
from w2v_core.train import TrainConfig, train
from w2v_core.vectors import KeyedVectors

CONFIG = TrainConfig(dim=30, window=2, epochs=5, min_count=1, sample=0, workers=1)


def _random_rotation(dim: int, seed: int) -> np.ndarray:
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(dim, dim)))
    return q * np.sign(np.diag(r))  # a proper random orthogonal matrix


def test_procrustes_is_orthogonal_and_recovers_a_known_rotation():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(200, 20))
    rotation = _random_rotation(20, 1)
    b = a @ rotation  # B is A turned by a known rotation
    found = procrustes(b, a)  # lays B back onto A
    assert np.allclose(found.T @ found, np.eye(20), atol=1e-10)
    assert np.allclose(found, rotation.T, atol=1e-10)
    assert np.allclose(b @ found, a, atol=1e-10)


def test_procrustes_with_noise_is_still_orthogonal_and_close():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(500, 10))
    rotation = _random_rotation(10, 3)
    b = a @ rotation + rng.normal(scale=0.05, size=a.shape)
    found = procrustes(b, a)
    assert np.allclose(found.T @ found, np.eye(10), atol=1e-10)
    assert np.abs(found - rotation.T).max() < 0.05


def test_a_rotated_copy_has_moved_nowhere_and_keeps_its_neighbours():
    rng = np.random.default_rng(4)
    words = [f"w{i}" for i in range(60)]
    vectors = rng.normal(size=(60, 16)).astype(np.float32)
    turned = vectors @ _random_rotation(16, 5).astype(np.float32)
    comparison = compare(KeyedVectors(words, vectors), KeyedVectors(words, turned), topn=5)
    assert max(c.moved for c in comparison.changes) < 1e-4
    assert min(c.overlap for c in comparison.changes) == 1.0
    assert comparison.n_shared == 60 and comparison.only_a == comparison.only_b == 0


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Runs on two generated corpora in which only MOVER keeps different company."""
    before = train(corpus_from_text(company_text(), "before"), CONFIG)
    after = train(corpus_from_text(company_text(seed=1, moved=True), "after"), CONFIG)
    directory = tmp_path_factory.mktemp("compare")
    save_model(before, directory / "a.npz")
    save_model(after, directory / "b.npz")
    return before, after, directory


@pytest.mark.parametrize("by", ["moved", "overlap"])
def test_the_word_whose_company_changed_is_among_the_three_most_changed(two_runs, by):
    before, after, _ = two_runs
    comparison = compare(before.wv, after.wv, topn=10, by=by)
    top3 = [change.word for change in comparison.changes[:3]]
    assert MOVER in top3
    mover = next(c for c in comparison.changes if c.word == MOVER)
    others = [c for c in comparison.changes if c.word != MOVER]
    # Its old group mates are gone from its neighbours; the other words keep most of theirs.
    assert mover.overlap < np.median([c.overlap for c in others])
    assert mover.moved > np.median([c.moved for c in others])


def test_rank_orders_by_either_measure():
    comparison = compare(*_pair_of_small_runs(), topn=3)
    by_overlap = comparison.ranked("overlap")
    assert [c.overlap for c in by_overlap] == sorted(c.overlap for c in by_overlap)
    moved = [c.moved for c in comparison.changes]
    assert moved == sorted(moved, reverse=True)
    with pytest.raises(W2VError):
        rank(comparison.changes, "size")


def _pair_of_small_runs():
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(30)]
    return (KeyedVectors(words, rng.normal(size=(30, 8))),
            KeyedVectors(words[5:] + ["x", "y"], rng.normal(size=(27, 6))))  # fmt: skip


def test_shared_words_keep_a_s_order_and_differing_dimensions_align():
    a, b = _pair_of_small_runs()
    assert shared_words(a, b)[:3] == ["w5", "w6", "w7"]
    comparison = compare(a, b, topn=3, max_words=10)
    assert len(comparison.changes) == 10 and comparison.rotation.shape == (6, 8)
    assert comparison.only_a == 5 and comparison.only_b == 2


def test_too_few_shared_words_is_a_user_error():
    a = KeyedVectors(["x", "y"], np.eye(2))
    with pytest.raises(W2VError, match="share 2 words"):
        compare(a, a)


def test_cli_compare_json_lists_the_most_changed_first(two_runs, capsys):
    _, _, directory = two_runs
    status = main(["compare", str(directory / "a.npz"), str(directory / "b.npz"), "--json"])
    assert status == 0
    rows = json.loads(capsys.readouterr().out)
    assert set(rows[0]) == {"word", "moved", "overlap", "neighbours_a", "neighbours_b"}
    assert MOVER in [row["word"] for row in rows[:3]]
    assert [r["moved"] for r in rows] == sorted((r["moved"] for r in rows), reverse=True)
    assert len(rows[0]["neighbours_a"]) == 10


def test_cli_compare_text_and_bad_input(two_runs, capsys, tmp_path):
    _, _, directory = two_runs
    assert main(["compare", str(directory / "a.npz"), str(directory / "b.npz"),
                 "--topn", "3", "--by", "overlap", "--limit", "5"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert MOVER in out and "overlap" in out
    assert main(["compare", str(directory / "a.npz"), str(tmp_path / "missing.npz")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and len(err.strip().splitlines()) == 1
