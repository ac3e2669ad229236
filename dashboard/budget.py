"""Budgets shown before starting: what a training costs, and how much one session may ask.

* :class:`CostModel`: seconds of a training from every setting that changes the work,
  fitted to measured trainings (``python -m benchmarks.cost_model --fit`` writes
  ``dashboard/cost_model.json``)::

      seconds = c0 + c1 N + c2 [workers > 1] + epochs * (Σ_i w_i f_i) / speedup(workers)
      f = [T, T P / S, T B dim, T X dim, T K dim]

  ``N`` the corpus's tokens (the vocabulary is counted once), ``c2`` starting the
  worker processes, ``T`` the tokens an
  epoch keeps after min-count and subsampling (:func:`kept_tokens`, exact from the
  corpus's counts), ``P = window + 1`` pairs per center (word2vec shrinks each
  side's window uniformly to 1..window), ``S`` the pairs per step (``batch_size``),
  ``B = 32 + 2 window`` the band row the engine scores per center
  (:mod:`w2v_core.steps`), ``X`` the negative rows per center: ``shared_pool`` with
  a shared pool (the number of negatives only weights them), ``P * negatives`` per
  pair; ``K = negatives`` again on its own: the step bound's checks
  (:mod:`w2v_core.rowbound`) grow with the negatives' weight in both modes (measured:
  a shared pool with 20 negatives took 1.5x the time of 2).  Each sampling mode has
  its own coefficients and its measured speed-up of two processes.
  :func:`calibration` scales the result by the runs already measured on this server
  and corpus (its load, its cores).
* :func:`session_budget_seconds`: the most training time one session may have
  planned at once (``W2V_SESSION_BUDGET_MINUTES``); :func:`check_budget` refuses
  more with a plain message, before anything starts.
* :data:`CONFIRM_SECONDS`: above this, a sweep or a link asks for a click first.
* :func:`check_slider_ranges`: sweep values must stay inside the sidebar's sliders.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
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


#: The cost model's terms, named as in the module docstring (and the fitted file).
RUN_TERMS = ("1", "N", "pool")
EPOCH_TERMS = ("T", "steps", "T*B*dim", "T*X*dim", "T*K*dim")


def run_features(corpus_tokens: float, workers: int = 1) -> list[float]:
    """Once per training: start-up, the vocabulary counted over the ``N`` tokens, and
    (``pool`` = 1 with two processes or more) starting the worker processes."""
    return [1.0, float(corpus_tokens), 1.0 if workers > 1 else 0.0]


def epoch_features(config: TrainConfig, tokens: float) -> list[float]:
    """Terms of one epoch on ``tokens`` kept tokens ``T`` (:data:`EPOCH_TERMS`).

    ``B = block + 2 window``: each center's band row (the positive scores of
    :mod:`w2v_core.steps`); ``X`` the negative rows per center: the shared pool's size
    (:func:`w2v_core.plan.pool_size`: ``shared_pool``, more at many negatives),
    ``(window + 1) negatives`` per pair otherwise (``window + 1`` pairs per center on average);
    ``steps = T (window + 1) / pairs per step``: the Python cost of each step;
    ``T K dim``: the step bound's work, which grows with the negatives' weight.
    """
    from w2v_core.plan import BLOCK, PAIRS_PER_STEP, StepPlan

    pairs = config.window + 1
    band = BLOCK + 2 * config.window
    plan = StepPlan.build(
        config.window, config.negatives, True, config.shared_pool, config.batch_size, config.workers
    )
    rows = plan.pool if config.shared_negatives else pairs * config.negatives
    steps = tokens * pairs / (config.batch_size or PAIRS_PER_STEP)
    d, k = config.dim, config.negatives
    return [tokens, steps, tokens * band * d, tokens * rows * d, tokens * k * d]


@dataclass(frozen=True)
class ModeCost:
    """One sampling mode's coefficients: per training (:data:`RUN_TERMS`), per epoch
    (:data:`EPOCH_TERMS`, one process) and the speed-up of a second process."""

    run: tuple[float, ...]
    epoch: tuple[float, ...]
    speedup_2: float = 1.0

    def speedup(self, workers: int) -> float:
        """``1 + (s2 - 1)(w - 1)``: measured on two processes, extended linearly."""
        return 1.0 + max(0.0, self.speedup_2 - 1.0) * (max(1, workers) - 1)


@dataclass(frozen=True)
class CostModel:
    """Seconds of a training, per sampling mode (see the module docstring)."""

    per_pair: ModeCost
    shared: ModeCost

    def seconds(
        self, config: TrainConfig, tokens: float, corpus_tokens: float | None = None,
        workers: int | None = None,
    ) -> float:  # fmt: skip
        """Estimated seconds of one training of ``config`` with ``tokens`` kept tokens
        per epoch, on a corpus of ``corpus_tokens`` (default ``tokens``), with
        ``workers`` processes (default ``config.workers``)."""
        mode = self.shared if config.shared_negatives else self.per_pair
        n = tokens if corpus_tokens is None else corpus_tokens
        processes = config.workers if workers is None else workers
        setup = float(np.dot(mode.run, run_features(n, processes)))
        epoch = float(np.dot(mode.epoch, epoch_features(config, tokens)))
        return setup + config.epochs * epoch / mode.speedup(processes)

    def to_json(self) -> dict[str, Any]:
        return {
            "run_terms": list(RUN_TERMS), "epoch_terms": list(EPOCH_TERMS),
            **{name: dataclasses.asdict(getattr(self, name)) for name in ("per_pair", "shared")},
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CostModel:
        """Raises ``ValueError`` if the file's terms are not this module's."""
        if list(data["run_terms"]) != list(RUN_TERMS) or list(data["epoch_terms"]) != list(
            EPOCH_TERMS
        ):
            raise ValueError("the cost model file has other terms than dashboard.budget")

        def mode(part: Mapping[str, Any]) -> ModeCost:
            return ModeCost(tuple(map(float, part["run"])), tuple(map(float, part["epoch"])),
                            float(part["speedup_2"]))  # fmt: skip

        return cls(mode(data["per_pair"]), mode(data["shared"]))


#: Where ``python -m benchmarks.cost_model --fit`` writes the fitted coefficients.
MODEL_FILE = Path(__file__).with_name("cost_model.json")
#: Used if the file is missing or unreadable: a rough model (one process, 2 cores).
FALLBACK = CostModel(
    per_pair=ModeCost((0.05, 1e-6, 1.0), (4e-6, 1e-3, 1e-9, 2.5e-8, 0.0), 1.3),
    shared=ModeCost((0.05, 1e-6, 1.0), (4e-6, 5e-4, 1e-9, 1e-9, 1e-9), 1.3),
)


def load_model(path: Path = MODEL_FILE) -> CostModel:
    """The fitted model from ``path``; :data:`FALLBACK` if it cannot be read."""
    try:
        return CostModel.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return FALLBACK


#: The model the app uses (docs/reliability.md: how close it is).
MEASURED = load_model()


def effective_processes(corpus: Corpus, config: TrainConfig) -> int:
    """Processes a training of ``config`` gets on ``corpus`` (fewer for a small text)."""
    from w2v_core.config import effective_workers
    from w2v_core.workers import available_cores

    return min(effective_workers(config, len(corpus.ids)), available_cores())


def corpus_seconds(config: TrainConfig, corpus: Corpus, model: CostModel = MEASURED) -> float:
    """Estimated seconds of training ``config`` on ``corpus``, unscaled."""
    return model.seconds(
        config, kept_tokens(corpus, config), corpus.n_tokens, effective_processes(corpus, config)
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
        estimate = corpus_seconds(config, corpus, model)
        if estimate > 0:
            ratios.append(info.seconds / estimate)
    return statistics.median(ratios) if ratios else 1.0


def estimate_seconds(
    configs: Sequence[TrainConfig], corpus: Corpus, scale: float = 1.0,
    model: CostModel = MEASURED,
) -> float:  # fmt: skip
    """Estimated seconds of training every configuration, one after another."""
    return scale * sum(corpus_seconds(c, corpus, model) for c in configs)


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
