"""The per-row step bound (w2v_core.rowbound) holds whatever the step's settings.

The property checked is the bound's promise, measured from outside: move ONE row
of a step by what the step did to it (``omega`` times that, for ``omega``
workers stepping at once), keep every other row where it was, and the step's
objective does not go up.  The objective is the one the steps descend: SGNS
with word2vec's clipped sigmoid, i.e. the logistic loss continued linearly
beyond scores of +-6 (its slope there is the clipped error).
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w2v_core.rowbound import bound_scale, members, suspect_rows
from w2v_core.sgns import MAX_EXP
from w2v_core.steps import band_pairs, band_step_exact, band_step_shared, chunk_band


def _smooth_loss(score: np.ndarray) -> np.ndarray:
    """-log sigma(s) on [-6, 6], continued linearly (the clipped sigmoid's integral)."""
    c = np.clip(score, -MAX_EXP, MAX_EXP)
    sig = 1.0 / (1.0 + np.exp(-c))
    return -np.log(sig) - (1.0 - sig) * (score - c)


class Step:
    """One band step of either mode, with the objective it descends (float64)."""

    def __init__(self, draw: dict) -> None:
        rng = np.random.default_rng(draw["seed"])
        v, d = draw["vocab"], draw["dim"]
        ids = rng.integers(0, v, size=draw["tokens"]).astype(np.int32)
        ids[rng.random(ids.size) < 0.05] = -1
        self.band = chunk_band(ids, draw["window"], rng, block=draw["block"])
        scale = draw["scale"]
        self.w_in = rng.normal(scale=scale, size=(v, d)).astype(np.float32)
        self.w_out = rng.normal(scale=scale, size=(v, d)).astype(np.float32)
        self.centers, self.contexts = band_pairs(self.band, 0, self.band.blocks)
        self.k, self.lr, self.omega, self.shared = (
            draw["negatives"], draw["lr"], draw["workers"], draw["shared"],
        )  # fmt: skip
        if self.shared:
            self.pool = rng.integers(0, v, size=draw["pool"]).astype(np.int32)
        else:
            self.noise = rng.integers(0, v, size=(len(self.centers), self.k)).astype(np.int32)

    def run(self) -> tuple[np.ndarray, np.ndarray]:
        w_in, w_out = self.w_in.copy(), self.w_out.copy()
        b, n = self.band, self.band.blocks
        if self.shared:
            band_step_shared(w_in, w_out, b, 0, n, self.pool, self.k, self.lr, None, self.omega)
        else:
            band_step_exact(w_in, w_out, b, 0, n, self.noise, self.lr, None, self.omega)
        return w_in, w_out

    def objective(self, w_in: np.ndarray, w_out: np.ndarray) -> float:
        h = w_in.astype(np.float64)[self.centers]
        out = w_out.astype(np.float64)
        total = _smooth_loss(np.einsum("pd,pd->p", h, out[self.contexts])).sum()
        if self.shared:
            neg = _smooth_loss(-(h @ out[self.pool].T))
            return float(total + self.k / len(self.pool) * neg.sum())
        keep = self.noise != self.contexts[:, None]
        neg = _smooth_loss(-np.einsum("pd,pkd->pk", h, out[self.noise]))
        return float(total + (neg * keep).sum())


configs = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 2**16),
        "vocab": st.integers(2, 60),
        "dim": st.integers(2, 40),
        "tokens": st.integers(20, 250),
        "window": st.integers(1, 15),
        "block": st.integers(1, 32),
        "negatives": st.integers(1, 25),
        "pool": st.integers(1, 64),
        "lr": st.floats(1e-3, 50.0),
        "scale": st.floats(0.01, 3.0),
        "workers": st.integers(1, 4),
        "shared": st.booleans(),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_no_row_update_raises_the_steps_objective(draw):
    """Each row's update, taken alone (omega times, for omega workers), never raises
    the objective, whatever the vocabulary, batch, window, K, pool, rate or workers."""
    step = Step(draw)
    if step.band.pairs == 0:
        return
    w_in, w_out = step.run()
    before = step.objective(step.w_in, step.w_out)
    tolerance = 1e-5 * (1.0 + abs(before))
    for name, start, after in (("w_in", step.w_in, w_in), ("w_out", step.w_out, w_out)):
        for row in np.flatnonzero(np.any(after != start, axis=1)):
            moved = start.copy()
            moved[row] += step.omega * (after[row] - start[row])
            weights = (moved, step.w_out) if name == "w_in" else (step.w_in, moved)
            assert step.objective(*weights) <= before + tolerance, (name, row)


def test_the_bound_shortens_exactly_the_updates_that_would_overshoot():
    """On a 3-word vocabulary at learning rate 5, the plain summed update of some row
    raises the objective; the bounded step's does not; at a tiny rate the step is
    plain SGD (scale 1: the references of test_steps.py hold exactly)."""
    draw = dict(seed=4, vocab=3, dim=5, tokens=300, window=5, block=8, negatives=10,
                pool=4, lr=5.0, scale=0.5, workers=1, shared=True)  # fmt: skip
    step = Step(draw)
    before = step.objective(step.w_in, step.w_out)
    w_in, _ = step.run()
    raised = []
    for row in range(3):
        plain = step.w_in.astype(np.float64)  # the plain SGD update: -lr * dF/dw
        plain[row] -= step.lr * _center_gradient(step, row)
        raised.append(step.objective(plain, step.w_out) > before)
        bounded = step.w_in.copy()
        bounded[row] = w_in[row]
        assert step.objective(bounded, step.w_out) <= before * (1 + 1e-6)
    assert any(raised)
    small = Step({**draw, "lr": 1e-4})
    small_in, _ = small.run()
    for row in range(3):
        expected = small.w_in[row] - 1e-4 * _center_gradient(small, row)
        np.testing.assert_allclose(small_in[row], expected, rtol=1e-3, atol=1e-7)


def _center_gradient(step: Step, row: int, eps: float = 1e-6) -> np.ndarray:
    """dF/dw_in[row] by central differences of the float64 objective."""
    grad = np.zeros(step.w_in.shape[1])
    for j in range(grad.size):
        plus, minus = step.w_in.astype(np.float64), step.w_in.astype(np.float64)
        plus[row, j] += eps
        minus[row, j] -= eps
        grad[j] = (step.objective(plus, step.w_out) - step.objective(minus, step.w_out)) / (2 * eps)
    return grad


def test_only_rows_whose_trace_bound_fails_are_suspects():
    """omega * alpha * T_r / 4 > 1, with T_r summed over a row's updates."""
    rows = np.array([0, 0, 1, 2, 2, 2])
    trace = np.array([30.0, 30.0, 100.0, 1.0, 1.0, 1.0])
    assert suspect_rows(rows, trace, 0.2, 1).tolist() == [0, 1]  # 0.2 * 60 / 8 = 1.5
    assert suspect_rows(rows, trace, 0.1, 1).tolist() == [1]  # 0.1 * 60 / 8 = 0.75
    assert suspect_rows(rows, trace, 0.1, 2).tolist() == [0, 1]
    at, which = members(np.array([[5, 1], [0, 1]]), np.array([1, 5]))
    assert at.tolist() == [0, 1, 3] and which.tolist() == [1, 0, 0]


@pytest.mark.parametrize("omega", [1, 2, 4])
def test_scale_is_one_when_safe_and_shrinks_with_the_workers(omega):
    delta = np.ones((2, 2), dtype=np.float32)
    np.testing.assert_array_equal(bound_scale(delta, np.array([1e-9, 1e-9]), 0.025), 1.0)
    curvature = np.array([1e6, 1e6])
    one = bound_scale(delta, curvature, 0.1, 1)
    assert (one < 1).all()
    np.testing.assert_allclose(bound_scale(delta, curvature, 0.1, omega), one / omega, rtol=1e-6)


@pytest.mark.parametrize("shared", [True, False])
@pytest.mark.parametrize("omega", [1, 2])
def test_each_row_moves_by_its_plain_update_times_its_exact_scale(shared, omega):
    """Every row of a step moves by s_r times its plain summed update, with
    s_r = min(1, 8 |D_r|^2 / (omega lr q_r)) and q_r = sum_i a_i (v_i . D_r)^2 counted
    term by term from the pairs (float64): the step's bound is the formula, exactly,
    for the rows it shortens and the rows it leaves alone."""
    draw = dict(seed=11, vocab=12, dim=6, tokens=400, window=4, block=8, negatives=6,
                pool=5, lr=2.0, scale=0.4, workers=omega, shared=shared)  # fmt: skip
    step = Step(draw)
    if not shared:  # the step skips a negative equal to its pair's context; the reference does not
        clash = step.noise == step.contexts[:, None]
        step.noise[clash] = (step.contexts[:, None].repeat(step.k, 1)[clash] + 1) % draw["vocab"]
    w_in, w_out = step.run()
    plain_in, plain_out, q_in, q_out = _plain_updates_and_curvatures(step)
    scaled = 0
    for after, start, plain, q in (
        (w_in, step.w_in, plain_in, q_in),
        (w_out, step.w_out, plain_out, q_out),
    ):
        norm2 = np.einsum("rd,rd->r", plain, plain)
        limit = omega * step.lr * q
        scale = np.where(limit > 8 * norm2, 8 * norm2 / np.maximum(limit, 1e-300), 1.0)
        scaled += int((scale < 0.99).sum())
        np.testing.assert_allclose(after - start, scale[:, None] * plain, rtol=2e-3, atol=1e-5)
    assert scaled > 0  # the rate is high enough that the bound acts on some rows


def _plain_updates_and_curvatures(step: Step):
    """Each row's plain summed update -lr dF/dw and its q_r, from the pairs one by one."""
    h = step.w_in.astype(np.float64)[step.centers]
    out = step.w_out.astype(np.float64)
    u_pos = out[step.contexts]
    g_pos = _clipped_sigmoid(np.einsum("pd,pd->p", h, u_pos)) - 1
    if step.shared:
        weight = step.k / len(step.pool)
        g_neg = weight * _clipped_sigmoid(h @ out[step.pool].T)
        neg_rows = np.broadcast_to(step.pool, g_neg.shape)
        u_neg = np.broadcast_to(out[step.pool], g_neg.shape + (h.shape[1],))
        a_neg = np.full(g_neg.shape, weight)
    else:
        u_neg = out[step.noise]
        g_neg = _clipped_sigmoid(np.einsum("pd,pkd->pk", h, u_neg))
        neg_rows = step.noise
        a_neg = np.ones(g_neg.shape)
    plain_in = np.zeros_like(step.w_in, dtype=np.float64)
    plain_out = np.zeros_like(step.w_out, dtype=np.float64)
    grad_h = g_pos[:, None] * u_pos + np.einsum("pk,pkd->pd", g_neg, u_neg)
    np.add.at(plain_in, step.centers, -step.lr * grad_h)
    np.add.at(plain_out, step.contexts, -step.lr * g_pos[:, None] * h)
    np.add.at(
        plain_out,
        neg_rows.reshape(-1),
        (-step.lr * g_neg[:, :, None] * h[:, None, :]).reshape(-1, h.shape[1]),
    )
    q_in = np.zeros(len(plain_in))
    q_out = np.zeros(len(plain_out))
    for i, (c, o) in enumerate(zip(step.centers, step.contexts, strict=True)):
        d_in = plain_in[c]
        q_in[c] += (u_pos[i] @ d_in) ** 2 + (a_neg[i] * (u_neg[i] @ d_in) ** 2).sum()
        q_out[o] += (h[i] @ plain_out[o]) ** 2
        for k, r in enumerate(neg_rows[i]):
            q_out[r] += a_neg[i, k] * (h[i] @ plain_out[r]) ** 2
    return plain_in, plain_out, q_in, q_out


def _clipped_sigmoid(score: np.ndarray) -> np.ndarray:
    """word2vec's sigmoid, its score clipped to +-6 (float64)."""
    return 1 / (1 + np.exp(-np.clip(score, -MAX_EXP, MAX_EXP)))
