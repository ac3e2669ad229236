"""Budgeted search: "find good settings within N minutes", with Optuna.

Each trial is one ordinary run (cached like any other, :func:`w2v_core.sweep.train_cached`)
whose settings Optuna's TPE sampler proposes inside the ranges given.  After
every epoch the run's held-out loss (:mod:`w2v_core.heldout`) is reported to
Optuna; its successive-halving pruner compares it with what the other trials
scored after as many epochs, and stops the weaker ones there.  Trials
train budget-aware: no new trial starts after the deadline, and one running
at the deadline is stopped and recorded as such.

Why a library: Optuna is the field's standard for this; its sampler and pruner
are well tested, and nothing here needed more than its public API.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, W2VError
from .sweep import SWEEPABLE, parse_values, runs_dir, summarise, train_cached
from .train import Progress, TrainConfig

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus
    from .sweep import SweepRun
    from .train import Model

TrainFunction = Callable[[TrainConfig, Callable[[Progress], bool]], "tuple[Model, bool]"]

#: Settings searched on a log scale (their useful values span orders of magnitude).
LOG_SCALE = {"alpha", "sample", "min_alpha", "dim"}
#: Successive halving keeps the best third of the trials at every rung (epochs 1, 3, 9, ...).
REDUCTION_FACTOR = 3


@dataclass(frozen=True)
class Range:
    """Where one setting is searched: ``low..high`` (numbers) or a list of ``choices``."""

    name: str
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] | None = None

    @property
    def log(self) -> bool:
        return self.name in LOG_SCALE and (self.low or 0) > 0

    def suggest(self, trial: Any) -> Any:
        """Ask an Optuna trial for a value of this setting."""
        if self.choices is not None:
            return trial.suggest_categorical(self.name, list(self.choices))
        if isinstance(getattr(TrainConfig(), self.name), float):
            return trial.suggest_float(self.name, self.low, self.high, log=self.log)
        return trial.suggest_int(self.name, int(self.low), int(self.high), log=self.log)


def parse_range(text: str) -> Range:
    """``"window=2:10"``, ``"alpha=0.005:0.1"`` or ``"shared_negatives=true,false"``.

    Raises
    ------
    ConfigError
        For an unknown setting, a malformed range, or ``low >= high``.
    """
    name, sep, spec = text.partition("=")
    name = name.strip().replace("-", "_")
    if not sep or not spec.strip():
        raise ConfigError(f"expected SETTING=LOW:HIGH or SETTING=A,B,C, got {text!r}")
    if ":" not in spec:
        return Range(name, choices=tuple(parse_values(name, spec)))
    low_text, _, high_text = spec.partition(":")
    low, high = parse_values(name, low_text)[0], parse_values(name, high_text)[0]
    if isinstance(low, bool) or low is None or high is None or not low < high:
        raise ConfigError(f"range for {name} must be LOW:HIGH with LOW < HIGH, got {spec!r}")
    return Range(name, float(low), float(high))


@dataclass
class Trial:
    """One trial: its settings, how far it trained, its held-out loss per epoch."""

    number: int
    params: dict[str, Any]
    state: str  # "complete", "pruned" (successive halving), "stopped" (budget) or "failed"
    heldout_curve: list[float]
    run: SweepRun | None = None
    cached: bool = False
    error: str | None = None  # state "failed": why (e.g. it diverged); never ranked

    @property
    def heldout_loss(self) -> float | None:
        return self.heldout_curve[-1] if self.heldout_curve else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "params": self.params,
            "state": self.state,
            "epochs_trained": len(self.heldout_curve),
            "heldout_loss": self.heldout_loss,
            "heldout_curve": self.heldout_curve,
            "cached": self.cached,
            "run": None if self.run is None else self.run.to_dict(),
            "error": self.error,
        }


@dataclass
class SearchResult:
    """Every trial in order, the best complete one, and the time it all took."""

    ranges: list[Range]
    trials: list[Trial] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def best(self) -> Trial | None:
        complete = [t for t in self.trials if t.state == "complete" and t.heldout_loss is not None]
        return min(complete, key=lambda t: t.heldout_loss) if complete else None

    def to_dict(self) -> dict[str, Any]:
        best = self.best
        return {
            "ranges": [dataclasses.asdict(r) for r in self.ranges],
            "seconds": round(self.seconds, 3),
            "best": None if best is None else best.number,
            "trials": [t.to_dict() for t in self.trials],
        }


def check_search(base: TrainConfig, ranges: Sequence[Range], budget_seconds: float) -> TrainConfig:
    """Refuse a search that cannot run (one ConfigError); return the validated base."""
    base = base.validate()
    if base.heldout <= 0:
        raise ConfigError("a search ranks runs by held-out loss: set heldout above 0")
    if not ranges:
        raise ConfigError("choose at least one setting to search")
    for r in ranges:
        if r.name not in SWEEPABLE:
            raise ConfigError(f"cannot search {r.name!r}; choose one of: {', '.join(SWEEPABLE)}")
    if not (math.isfinite(budget_seconds) and budget_seconds > 0):
        raise ConfigError(f"the time budget must be positive, got {budget_seconds!r}")
    return base


def search(
    corpus: Corpus,
    base: TrainConfig,
    ranges: Sequence[Range],
    budget_seconds: float,
    max_trials: int | None = None,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
    seed: int = 0,
    on_trial: Callable[[Trial], None] | None = None,
    progress: Callable[[int, Progress], bool | None] | None = None,
    train: TrainFunction | None = None,
    should_stop: Callable[[], bool] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> SearchResult:
    """Search ``ranges`` for the lowest held-out loss within ``budget_seconds``.

    Parameters
    ----------
    base : TrainConfig
        Every setting not searched; must hold out text (``heldout > 0``).
    ranges : list of Range
        The settings to search (see :func:`parse_range`).
    budget_seconds : float
        Wall-clock budget for the whole search.
    max_trials : int, optional
        Stop after this many trials even if time is left.
    seed : int
        Seeds Optuna's sampler (the runs keep ``base.seed``).
    on_trial : callable, optional
        Called with each trial as soon as it ends (complete, pruned or stopped).
    progress : callable, optional
        ``progress(trial_number, Progress)`` during training; returning ``False``
        stops the trial and the search (a user's Stop button).
    train : callable, optional
        ``train(config, callback) -> (model, was_cached)``; default
        :func:`~w2v_core.sweep.train_cached` on ``corpus`` (the dashboard passes
        one that trains through its shared queue).  ``callback`` must see every
        epoch-end :class:`Progress`, and training stops when it returns ``False``.
    should_stop : callable, optional
        Asked before and after every trial; ``True`` ends the search (a Stop button
        that may act between epochs, where ``progress`` does not see it).
    clock : callable
        Seconds, for the budget (default :func:`time.perf_counter`); a test passes a
        clock it moves itself, so that the budget runs out exactly where it wants.
    """
    import optuna  # lazily: only searching needs it

    base = check_search(base, ranges, budget_seconds)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.SuccessiveHalvingPruner(
            min_resource=1, reduction_factor=REDUCTION_FACTOR
        ),
    )
    if train is None:
        directory = runs_dir(cache_dir) if use_cache else None

        def train(config: TrainConfig, callback: Callable[[Progress], bool]) -> tuple[Model, bool]:
            return train_cached(corpus, config, directory, callback)

        with_benchmarks = True  # the CLI wants the scores in its JSON
    else:
        with_benchmarks = False  # the app scores its runs itself (the scoreboard)
    start = clock()
    run = _Search(base, list(ranges), train, with_benchmarks, clock, start + budget_seconds,
                  on_trial, progress, should_stop)  # fmt: skip
    study.optimize(run.objective, n_trials=max_trials, timeout=budget_seconds)
    run.result.seconds = clock() - start
    return run.result


@dataclass
class _Search:
    """One search's state: Optuna calls :meth:`objective` once per trial."""

    base: TrainConfig
    ranges: list[Range]
    train: TrainFunction
    with_benchmarks: bool
    clock: Callable[[], float]
    deadline: float
    on_trial: Callable[[Trial], None] | None
    progress: Callable[[int, Progress], bool | None] | None
    should_stop: Callable[[], bool] | None
    user_stop: bool = False
    result: SearchResult = field(init=False)

    def __post_init__(self) -> None:
        self.result = SearchResult(self.ranges)

    def stopping(self) -> bool:
        return self.user_stop or (self.should_stop is not None and self.should_stop())

    def out_of_time(self) -> bool:
        return self.clock() >= self.deadline

    def objective(self, trial: Any) -> float:
        """Train the trial's settings; its last held-out loss, or raise ``TrialPruned``."""
        import optuna

        if self.stopping():
            trial.study.stop()
            raise optuna.TrialPruned()
        params = {r.name: r.suggest(trial) for r in self.ranges}
        try:
            config = dataclasses.replace(self.base, **params).validate()
        except ConfigError:
            raise optuna.TrialPruned() from None  # a corner of the ranges the limits refuse
        pruned = [False]
        try:
            model, cached = self.train(config, self._progress_of(trial, config, pruned))
        except W2VError as error:  # it diverged (or could not train): a failed trial
            self._add(Trial(trial.number, params, "failed", [], error=str(error)))
            trial.set_user_attr("error", str(error))
            return math.nan  # Optuna records a NaN objective as FAIL, never as complete
        if cached:  # a run trained before: replay its epochs so the pruner can rank it
            for epoch, loss in enumerate(model.history.heldout_loss, start=1):
                trial.report(loss, epoch)
        curve = list(model.history.heldout_loss)  # the run's own record of every epoch
        state = "complete" if not model.stopped else ("pruned" if pruned[0] else "stopped")
        summary = summarise(model, params, cached, with_benchmarks=self.with_benchmarks)
        record = Trial(trial.number, params, state, curve, summary)
        record.cached = cached
        self._add(record)
        if state != "complete" or not curve:
            if self.stopping() or self.out_of_time():
                trial.study.stop()
            raise optuna.TrialPruned()
        return curve[-1]

    def _progress_of(
        self, trial: Any, config: TrainConfig, pruned: list[bool]
    ) -> Callable[[Progress], bool]:
        """The training callback of one trial: the user's Stop, the pruner after every
        epoch (``pruned[0]`` set when it stops the trial), and the budget."""

        def on_progress(p: Progress) -> bool:
            if self.progress is not None and self.progress(trial.number, p) is False:
                self.user_stop = True
                return False
            if p.epoch_done and p.heldout_loss is not None:
                trial.report(p.heldout_loss, p.epoch)
                if p.epoch < config.epochs and trial.should_prune():
                    pruned[0] = True
                    return False
            return not self.out_of_time()

        return on_progress

    def _add(self, record: Trial) -> None:
        self.result.trials.append(record)
        if self.on_trial is not None:
            self.on_trial(record)
