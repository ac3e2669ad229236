"""The math of SGNS: analytic gradients against finite differences, and the update step."""

import numpy as np
import pytest
from gradcheck import numeric_gradient

from w2v_core import sgns


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    batch_size, negatives, dim = 4, 3, 6
    h = rng.normal(scale=0.5, size=(batch_size, dim))
    u_pos = rng.normal(scale=0.5, size=(batch_size, dim))
    u_neg = rng.normal(scale=0.5, size=(batch_size, negatives, dim))
    return h, u_pos, u_neg


def test_per_pair_gradients_match_finite_differences(batch):
    h, u_pos, u_neg = batch
    grad_h, grad_pos, grad_neg, batch_loss = sgns.gradients(h, u_pos, u_neg)
    loss = lambda: sgns.loss(h, u_pos, u_neg)
    assert batch_loss == pytest.approx(loss(), rel=1e-10)
    np.testing.assert_allclose(grad_h, numeric_gradient(loss, h), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grad_pos, numeric_gradient(loss, u_pos), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grad_neg, numeric_gradient(loss, u_neg), rtol=1e-6, atol=1e-8)


def test_shared_pool_gradients_match_finite_differences(batch):
    h, u_pos, _ = batch
    pool = np.random.default_rng(1).normal(scale=0.5, size=(7, h.shape[1]))
    grad_h, grad_pos, grad_pool, batch_loss = sgns.gradients_shared(h, u_pos, pool, negatives=3)
    loss = lambda: sgns.loss_shared(h, u_pos, pool, negatives=3)
    assert batch_loss == pytest.approx(loss(), rel=1e-6)
    np.testing.assert_allclose(grad_h, numeric_gradient(loss, h), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grad_pos, numeric_gradient(loss, u_pos), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grad_pool, numeric_gradient(loss, pool), rtol=1e-6, atol=1e-8)


def test_shared_pool_matches_per_pair_loss_in_expectation():
    """K/P weighting: a pool holding every word once per pair equals K per-pair copies of it."""
    rng = np.random.default_rng(2)
    h, u_pos = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    pool = rng.normal(size=(4, 5))
    # per pair: K = 4 negatives that are exactly the pool's rows -> same loss with K = P
    per_pair = sgns.loss(h, u_pos, np.broadcast_to(pool, (3, 4, 5)))
    assert sgns.loss_shared(h, u_pos, pool, negatives=4) == pytest.approx(per_pair)


def test_sigmoid_is_clipped_and_correct():
    x = np.array([-100.0, -1.0, 0.0, 2.0, 100.0], dtype=np.float32)
    s = sgns.sigmoid(x.copy())
    expected = 1 / (1 + np.exp(-np.clip(x.astype(np.float64), -6, 6)))
    np.testing.assert_allclose(s, expected, rtol=1e-6)
    assert np.all((s > 0) & (s < 1))


def test_scatter_add_sums_repeated_rows():
    rng = np.random.default_rng(3)
    matrix = rng.normal(size=(10, 4)).astype(np.float32)
    rows = np.array([3, 1, 3, 3, 9, 1, 0], dtype=np.int32)
    updates = rng.normal(size=(len(rows), 4)).astype(np.float32)
    expected = matrix.copy()
    np.add.at(expected, rows, updates)
    sgns.scatter_add(matrix, rows, updates)
    np.testing.assert_allclose(matrix, expected, rtol=1e-6)


@pytest.mark.parametrize("shared", [False, True])
def test_sgd_step_applies_minus_lr_times_gradient(shared):
    rng = np.random.default_rng(4)
    vocab, dim, lr = 12, 5, 0.1
    w_in = rng.normal(scale=0.3, size=(vocab, dim)).astype(np.float32)
    w_out = rng.normal(scale=0.3, size=(vocab, dim)).astype(np.float32)
    centers = np.array([0, 2, 2, 5], dtype=np.int32)
    contexts = np.array([1, 1, 3, 0], dtype=np.int32)
    if shared:
        negatives = np.array([4, 7, 1], dtype=np.int32)
        grads = sgns.gradients_shared(w_in[centers], w_out[contexts], w_out[negatives], 2)
    else:
        negatives = np.array([[4, 7], [7, 7], [1, 9], [2, 4]], dtype=np.int32)
        grads = sgns.gradients(w_in[centers], w_out[contexts], w_out[negatives])
    grad_h, grad_pos, grad_neg, expected_loss = grads
    expected_in, expected_out = w_in.copy(), w_out.copy()
    np.add.at(expected_in, centers, -lr * grad_h)
    np.add.at(expected_out, contexts, -lr * grad_pos)
    np.add.at(expected_out, negatives.ravel(), -lr * grad_neg.reshape(-1, dim))
    loss = sgns.sgd_step(w_in, w_out, centers, contexts, negatives, lr, 2 if shared else 0)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    np.testing.assert_allclose(w_in, expected_in, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(w_out, expected_out, rtol=1e-5, atol=1e-7)


def test_sgd_steps_lower_the_loss():
    rng = np.random.default_rng(5)
    w_in = rng.normal(scale=0.1, size=(20, 8)).astype(np.float32)
    w_out = np.zeros_like(w_in)
    centers = rng.integers(0, 20, 64).astype(np.int32)
    contexts = ((centers + 1) % 20).astype(np.int32)
    negatives = rng.integers(0, 20, (64, 3)).astype(np.int32)
    losses = [sgns.sgd_step(w_in, w_out, centers, contexts, negatives, 0.05) for _ in range(50)]
    assert losses[-1] < 0.5 * losses[0]
