"""Budgets shown before starting: what a training costs, and how much one session may ask.

* :class:`CostModel`: seconds of a training from every setting that changes the work,
  fitted to measured trainings (``python -m benchmarks.cost_model``)::

      seconds = c0 + epochs * T * (a + P * (b + c * dim * k))

  ``T`` the tokens kept by min-count and subsampling (:func:`kept_tokens`, exact from
  the corpus's counts), ``P = window + 1`` the word pairs per token (word2vec shrinks
  each side's window uniformly to 1..window, mean ``(window + 1) / 2``), ``k =
  negatives + 1`` output vectors per pair; each sampling mode has its own
  coefficients.  Measured with one process: more processes are faster, so there the
  figure is an upper bound, and :func:`calibration` scales it by the runs already
  measured on this server and corpus.
* :func:`session_budget_seconds`: the most training time one session may have
  planned at once (``W2V_SESSION_BUDGET_MINUTES``); :func:`check_budget` refuses
  more with a plain message, before anything starts.
* :data:`CONFIRM_SECONDS`: above this, a sweep or a link asks for a click first.
* :func:`check_slider_ranges`: sweep values must stay inside the sidebar's sliders.
"""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dashboard.settings import ENV_SESSION_BUDGET
from w2v_core.errors import W2VError

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import RunInfo
    from w2v_core.corpus import Corpus
    from w2v_core.train import TrainConfig

#: Training time one session may have planned at once (a sweep, a link, a training).
DEFAULT_SESSION_BUDGET_MINUTES = 30.0
#: A sweep or a link estimated above this asks for a confirming click.
CONFIRM_SECONDS = 120.0


class BudgetError(W2VError):
    """A request for more training than one session may have at once."""


def kept_tokens(corpus: Corpus, config: TrainConfig) -> float:
    """Tokens a training epoch reads: those of words kept by ``min_count``, each kept
    with word2vec's subsampling probability ``min(1, (sqrt(f/t) + 1) t / f)``."""
    counts = np.asarray(corpus.counts, dtype=np.float64)
    counts = counts[counts >= config.min_count]
    total = counts.sum()
    if total <= 0:
        return 0.0
    if config.sample <= 0:
        return float(total)
    frequency = counts / total
    keep = np.minimum(1.0, (np.sqrt(frequency / config.sample) + 1.0) * config.sample / frequency)
    return float((counts * keep).sum())


def features(config: TrainConfig, tokens: float) -> list[float]:
    """The terms of the cost model for one epoch: ``[1, T, T P, T P dim k]``."""
    pairs = config.window + 1
    k = config.negatives + 1
    return [1.0, tokens, tokens * pairs, tokens * pairs * config.dim * k]


@dataclass(frozen=True)
class CostModel:
    """Coefficients ``(c0, a, b, c)`` per sampling mode (see the module docstring)."""

    per_pair: tuple[float, ...]
    shared: tuple[float, ...]

    def seconds(self, config: TrainConfig, tokens: float) -> float:
        """Estimated seconds of one training of ``config`` on ``tokens`` kept tokens."""
        c0, *rest = self.shared if config.shared_negatives else self.per_pair
        terms = features(config, tokens)[1:]
        return c0 + config.epochs * sum(w * t for w, t in zip(rest, terms, strict=True))


#: Fitted by ``python -m benchmarks.cost_model`` (benchmarks/results/cost_model.json):
#: 24 one-epoch trainings on wiki and its first quarter, one process, on this project's
#: 2-core test machine while other jobs ran (docs/reliability.md: how close it is).
MEASURED = CostModel(
    per_pair=(1.177, 3.940e-06, 3.973e-06, 2.5642e-08),
    shared=(0.979, 0.0, 0.0, 3.7983e-09),
)


def calibration(infos: Iterable[RunInfo], corpus: Corpus, model: CostModel = MEASURED) -> float:
    """Median of actual / estimated seconds over this corpus's finished runs (1 if none):
    the server's own speed, its processes and its load, measured."""
    from w2v_core.train import TrainConfig

    ratios = []
    for info in infos:
        if not info.config or info.stopped or info.seconds <= 0:
            continue
        try:
            config = TrainConfig.from_dict(dict(info.config))
        except (TypeError, ValueError, KeyError, W2VError):
            continue
        estimate = model.seconds(config, kept_tokens(corpus, config))
        if estimate > 0:
            ratios.append(info.seconds / estimate)
    return statistics.median(ratios) if ratios else 1.0


def estimate_seconds(
    configs: Sequence[TrainConfig], corpus: Corpus, scale: float = 1.0,
    model: CostModel = MEASURED,
) -> float:  # fmt: skip
    """Estimated seconds of training every configuration, one after another."""
    return scale * sum(model.seconds(c, kept_tokens(corpus, c)) for c in configs)


def session_budget_seconds(environ: Mapping[str, str] | None = None) -> float:
    """``W2V_SESSION_BUDGET_MINUTES`` in seconds (default 30 min; ``0``: no budget)."""
    env = os.environ if environ is None else environ
    raw = env.get(ENV_SESSION_BUDGET, "").strip()
    try:
        minutes = float(raw) if raw else DEFAULT_SESSION_BUDGET_MINUTES
    except ValueError:
        minutes = DEFAULT_SESSION_BUDGET_MINUTES
    if not math.isfinite(minutes) or minutes < 0:
        minutes = DEFAULT_SESSION_BUDGET_MINUTES
    return 60.0 * minutes if minutes > 0 else math.inf


def check_budget(seconds: float, what: str, environ: Mapping[str, str] | None = None) -> None:
    """Refuse ``what`` (e.g. "this sweep") if its estimate is over the session budget.

    Raises
    ------
    BudgetError
        With the estimate, the budget and the variable that changes it.
    """
    budget = session_budget_seconds(environ)
    if seconds > budget:
        raise BudgetError(
            f"{what} would need about {minutes(seconds)} of training, more than the "
            f"{minutes(budget)} one visitor may ask of this shared server at once. "
            "Use fewer epochs, a smaller dimension or window (or fewer values in a sweep); "
            f"the operator can change the budget with {ENV_SESSION_BUDGET}."
        )


def minutes(seconds: float) -> str:
    """``95`` -> ``"2 min"``, ``40`` -> ``"40 s"``, ``7300`` -> ``"2 h 2 min"``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    total = round(seconds / 60)
    hours, mins = divmod(total, 60)
    return f"{hours} h {mins} min" if hours else f"{total} min"


def check_slider_ranges(axes: Sequence[tuple[str, Sequence[Any]]]) -> None:
    """Sweep values must lie inside the sidebar's slider ranges (a sweep is a batch of
    trainings anyone could click in the sidebar, not a door to the engine's limits).

    Raises
    ------
    BudgetError
        Naming the first value outside, and the range.
    """
    from dashboard.sidebar import ALPHA_CHOICES, SAMPLE_CHOICES, SLIDERS, slider_range

    ranges: dict[str, tuple[float, float]] = {n: slider_range(n)[:2] for n in SLIDERS}
    ranges["alpha"] = (min(ALPHA_CHOICES), max(ALPHA_CHOICES))
    ranges["sample"] = (min(SAMPLE_CHOICES), max(SAMPLE_CHOICES))
    for name, values in axes:
        if name not in ranges:
            continue
        low, high = ranges[name]
        for value in values:
            if not low <= value <= high:
                raise BudgetError(
                    f"{name} {value:g} is outside the sidebar's range ({low:g} to {high:g})"
                )
