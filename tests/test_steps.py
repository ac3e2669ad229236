"""The fast band steps against the readable per-pair reference of sgns.py."""

import numpy as np
import pytest

from w2v_core import sgns
from w2v_core.rowbound import ROUNDS, SMALL_SCATTER, add_at, scatter_add_rounds
from w2v_core.steps import (
    Workspace,
    band_pairs,
    band_step_exact,
    band_step_shared,
    chunk_band,
    pair_layout,
)
from w2v_core.vocab import UnigramTable

V, D, W, K = 23, 7, 3, 4


def _text(rng, n=150):
    """Word ids with sentence breaks (-1), including breaks next to each other's words."""
    ids = rng.integers(0, V, size=n).astype(np.int32)
    ids[rng.random(n) < 0.08] = -1
    return ids


def _weights(rng):
    w_in = rng.normal(scale=0.4, size=(V, D)).astype(np.float32)
    w_out = rng.normal(scale=0.4, size=(V, D)).astype(np.float32)
    return w_in, w_out


def _reference_update(w_in, w_out, centers, contexts, u_rows, grads, lr):
    """Apply -lr * gradients with np.add.at: the obvious, slow, exact scatter."""
    grad_h, grad_pos, grad_neg = grads
    w_in, w_out = w_in.astype(np.float64), w_out.astype(np.float64)
    np.add.at(w_in, centers, -lr * grad_h)
    np.add.at(w_out, contexts, -lr * grad_pos)
    np.add.at(w_out, u_rows.reshape(-1), -lr * grad_neg.reshape(-1, D))
    return w_in, w_out


def test_band_holds_exactly_the_reduced_window_pairs():
    rng = np.random.default_rng(0)
    ids = _text(rng, 200)
    band = chunk_band(ids, W, np.random.default_rng(5), block=8)
    # The same draws as chunk_band: one reduced window per word position.
    words = ids[ids >= 0]
    sentence = np.cumsum(ids < 0)[ids >= 0]
    reduced = np.random.default_rng(5).integers(1, W + 1, size=len(words), dtype=np.int32)
    expected = [
        (words[i], words[j])
        for i in range(len(words))
        for j in range(max(0, i - reduced[i]), min(len(words), i + reduced[i] + 1))
        if j != i and sentence[i] == sentence[j]
    ]
    centers, contexts = band_pairs(band, 0, band.blocks)
    got = list(zip(centers.tolist(), contexts.tolist(), strict=True))
    assert sorted(got) == sorted((int(a), int(b)) for a, b in expected)
    assert band.pairs == len(expected)


def test_pair_layout_groups_each_centers_pairs_by_their_count():
    """The exact step relies on it: a center's pairs are contiguous, centers by pair count."""
    rng = np.random.default_rng(4)
    band = chunk_band(_text(rng, 200), W, rng, block=8)
    layout = pair_layout(band.mask)
    runs = np.flatnonzero(np.diff(layout.center)) + 1
    starts = np.concatenate(([0], runs))
    sizes = np.diff(np.concatenate((starts, [len(layout.center)])))
    assert len(set(layout.center[starts].tolist())) == len(starts)  # contiguous per center
    assert np.all(np.diff(sizes) >= 0)  # by ascending pair count
    assert sizes.sum() == band.pairs
    counts = np.count_nonzero(band.mask.reshape(-1, band.mask.shape[2]), axis=1)
    np.testing.assert_array_equal(
        layout.per_count, np.bincount(counts, minlength=band.mask.shape[2])
    )


@pytest.mark.parametrize("block,lo,hi", [(8, 0, 4), (8, 1, 3), (5, 2, 9)])
def test_exact_band_step_equals_the_per_pair_reference(block, lo, hi):
    rng = np.random.default_rng(block + lo)
    band = chunk_band(_text(rng), W, rng, block=block)
    w_in, w_out = _weights(rng)
    centers, contexts = band_pairs(band, lo, hi)
    noise = rng.integers(0, V, size=(len(centers), K)).astype(np.int32)
    # word2vec skips a negative equal to the context (tested below): avoid those here.
    clash = noise == contexts[:, None]
    noise[clash] = (contexts[:, None].repeat(K, 1)[clash] + 1) % V
    lr = 0.1
    h, u_pos, u_neg = w_in[centers], w_out[contexts], w_out[noise]
    expected_loss = sgns.loss(h, u_pos, u_neg)
    grad_h, grad_pos, grad_neg, _ = sgns.gradients(h, u_pos, u_neg)
    want_in, want_out = _reference_update(
        w_in, w_out, centers, contexts, noise, (grad_h, grad_pos, grad_neg), lr
    )
    got_in, got_out = w_in.copy(), w_out.copy()
    loss = band_step_exact(got_in, got_out, band, lo, hi, noise, lr)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    np.testing.assert_allclose(got_in, want_in, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got_out, want_out, rtol=1e-5, atol=1e-5)
    assert not np.allclose(got_out, w_out)  # the step did something


def test_steps_sharing_one_workspace_equal_steps_with_fresh_buffers():
    """Reused scratch buffers (grown, then used smaller) leave no trace in the results."""
    rng = np.random.default_rng(7)
    band = chunk_band(_text(rng, 300), W, rng, block=8)
    w_in, w_out = _weights(rng)
    steps = [(0, 2), (2, 7), (7, 8)]  # small, larger (buffers grow), small again
    noises = [rng.integers(0, V, size=(len(band_pairs(band, lo, hi)[0]), K)) for lo, hi in steps]
    fresh_in, fresh_out, shared_in, shared_out = (
        w_in.copy(),
        w_out.copy(),
        w_in.copy(),
        w_out.copy(),
    )
    work = Workspace()
    for (lo, hi), noise in zip(steps, noises, strict=True):
        noise = noise.astype(np.int32)
        want = band_step_exact(fresh_in, fresh_out, band, lo, hi, noise, 0.1)
        got = band_step_exact(shared_in, shared_out, band, lo, hi, noise, 0.1, work)
        assert got == want
    np.testing.assert_array_equal(shared_in, fresh_in)
    np.testing.assert_array_equal(shared_out, fresh_out)


def test_a_negative_equal_to_the_context_is_skipped():
    rng = np.random.default_rng(11)
    band = chunk_band(_text(rng), W, rng, block=8)
    w_in, w_out = _weights(rng)
    centers, contexts = band_pairs(band, 0, band.blocks)
    noise = np.repeat(contexts[:, None], K, axis=1).astype(np.int32)  # every draw clashes
    h, u_pos = w_in[centers], w_out[contexts]
    no_negatives = np.zeros((len(centers), 0, D), dtype=np.float32)
    grad_h, grad_pos, grad_neg, _ = sgns.gradients(h, u_pos, no_negatives)
    want_in, want_out = _reference_update(
        w_in, w_out, centers, contexts, noise[:, :0], (grad_h, grad_pos, grad_neg), 0.1
    )
    got_in, got_out = w_in.copy(), w_out.copy()
    loss = band_step_exact(got_in, got_out, band, 0, band.blocks, noise, 0.1)
    assert loss == pytest.approx(sgns.loss(h, u_pos, no_negatives), rel=1e-5)
    np.testing.assert_allclose(got_in, want_in, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got_out, want_out, rtol=1e-5, atol=1e-5)


def test_shared_band_step_equals_the_shared_pool_reference():
    rng = np.random.default_rng(3)
    band = chunk_band(_text(rng), W, rng, block=8)
    w_in, w_out = _weights(rng)
    centers, contexts = band_pairs(band, 0, band.blocks)
    pool = rng.integers(0, V, size=6).astype(np.int32)
    lr = 0.05
    h, u_pos, u_pool = w_in[centers], w_out[contexts], w_out[pool]
    expected_loss = sgns.loss_shared(h, u_pos, u_pool, K)
    grad_h, grad_pos, grad_pool, _ = sgns.gradients_shared(h, u_pos, u_pool, K)
    want_in, want_out = _reference_update(
        w_in, w_out, centers, contexts, pool, (grad_h, grad_pos, grad_pool), lr
    )
    got_in, got_out = w_in.copy(), w_out.copy()
    loss = band_step_shared(got_in, got_out, band, 0, band.blocks, pool, K, lr)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    np.testing.assert_allclose(got_in, want_in, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got_out, want_out, rtol=1e-5, atol=1e-5)


def test_scatter_add_sums_repeated_rows_exactly():
    rng = np.random.default_rng(1)
    matrix = rng.normal(size=(9, 5)).astype(np.float32)
    rows = rng.integers(0, 9, size=60)
    updates = rng.normal(size=(60, 5)).astype(np.float32)
    want = matrix.astype(np.float64)
    np.add.at(want, rows, updates)
    scatter_add_rounds(matrix, rows, updates)
    np.testing.assert_allclose(matrix, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("n", [SMALL_SCATTER - 1, SMALL_SCATTER, 5000])
def test_scatter_add_by_rounds_sums_rare_and_frequent_rows_exactly(n):
    """Rows named once, a few times (the rounds) and hundreds of times (the runs)."""
    rng = np.random.default_rng(n)
    rows = rng.zipf(1.3, size=n) % 400  # row 1 about a third of the time, many rows once
    matrix = rng.normal(size=(400, 6)).astype(np.float32)
    updates = rng.normal(size=(n, 6)).astype(np.float32)
    assert np.bincount(rows).max() > 4 * ROUNDS and np.any(np.bincount(rows) == 1)
    want = matrix.astype(np.float64)
    np.add.at(want, rows, updates)
    got, simple = matrix.copy(), matrix.copy()
    scatter_add_rounds(got, rows, updates)
    add_at(simple, rows, updates)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(simple, want, rtol=1e-4, atol=1e-4)


def test_unigram_table_draws_the_noise_distribution():
    p = np.array([0.5, 0.3, 0.15, 0.05])
    table = UnigramTable(p)
    draws = table.sample(np.random.default_rng(0), 200_000)
    share = np.bincount(draws, minlength=4) / len(draws)
    np.testing.assert_allclose(share, p, atol=0.005)
    # each word holds its probability's share of the table, to within one slot
    slots = np.bincount(table.table, minlength=4)
    assert np.all(np.abs(slots - p * len(table.table)) <= 1)
