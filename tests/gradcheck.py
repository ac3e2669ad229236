"""Finite differences, the check of every hand-written gradient in the tests."""

from __future__ import annotations

import numpy as np


def numeric_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of scalar ``f()`` with respect to every entry of ``x``.

    ``x`` is changed in place one entry at a time and restored:
    ``∂f/∂x_i ≈ (f(x + ε e_i) − f(x − ε e_i)) / 2ε``.
    """
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + eps
        up = f()
        x[index] = old - eps
        down = f()
        x[index] = old
        grad[index] = (up - down) / (2 * eps)
    return grad
