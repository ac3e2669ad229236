"""The watchdog: notice a run that has gone wrong, and say which setting to change.

The step bound (:mod:`w2v_core.rowbound`) keeps every row's update from
overshooting, so a run that still goes wrong has met something the bound does
not cover (a bug, a corrupted input, a race of many workers).  Whatever the
cause, no run may end "complete" with garbage vectors: every process (the
trainer and each Hogwild worker) checks

* the loss of every step (a non-finite loss stops the run at once), and
* the weights themselves every :data:`CHECK_EVERY_STEPS` of its own steps and
  after every epoch: non-finite values, or a row longer than :data:`NORM_LIMIT`.

Word vectors trained by word2vec or gensim have row norms of about 0.3 to 5 on
every setting of the sliders (``benchmarks/stability.py``); a row a thousand long
is far outside anything a working run produces.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from .errors import TrainingDivergedError


class TrainConfig(Protocol):
    """The settings the advice reads (a :class:`w2v_core.config.TrainConfig`; a protocol
    here because the workers import this module, and the configuration imports them)."""

    alpha: float
    batch_size: int
    negatives: int
    window: int
    workers: int


CHECK_EVERY_STEPS = 500
"""Steps of one process between two checks of the weights (a check reads every
weight once: about 1 ms on ``wiki``, against about 2 s for 500 steps)."""

NORM_LIMIT = 1000.0
"""A row of ``w_in`` or ``w_out`` longer than this means the run has diverged."""


def weights_ok(*matrices: np.ndarray) -> bool:
    """True if every value is finite and no row is longer than :data:`NORM_LIMIT`."""
    for matrix in matrices:
        if matrix.size == 0:
            continue
        longest = float(np.einsum("ij,ij->i", matrix, matrix).max())
        # NaN compares False: a non-finite value fails this test too.
        if not longest <= NORM_LIMIT**2:
            return False
    return True


#: word2vec's values of the settings that can make a step too large.
_USUAL = {"alpha": 0.025, "batch_size": 1536, "negatives": 5, "window": 5}


def likely_culprit(config: TrainConfig) -> str:
    """The advice for a diverged run: the setting furthest above its usual value."""
    batch = config.batch_size or _USUAL["batch_size"]
    ratios = {
        "alpha": config.alpha / _USUAL["alpha"],
        "batch_size": batch / _USUAL["batch_size"],
        "negatives": config.negatives / _USUAL["negatives"],
        "window": config.window / _USUAL["window"],
    }
    name, ratio = max(ratios.items(), key=lambda item: item[1])
    if ratio <= 1.0:
        if config.workers > 1:
            return f"train with 1 worker instead of {config.workers}"
        return f"lower the learning rate (alpha={config.alpha:g})"
    advice = {
        "alpha": f"lower the learning rate (alpha={config.alpha:g}; word2vec uses 0.025)",
        "batch_size": f"lower the batch size ({batch}; the default is 1536)",
        "negatives": f"use fewer negatives ({config.negatives}; word2vec uses 5)",
        "window": f"use a smaller window ({config.window}; word2vec uses 5)",
    }
    return advice[name]


def diverged_error(config: TrainConfig, share_done: float, what: str) -> TrainingDivergedError:
    """The one-line error of a diverged run: where, what was seen, what to change."""
    return TrainingDivergedError(
        f"training diverged at {share_done:.0%} ({what}): {likely_culprit(config)}"
    )
