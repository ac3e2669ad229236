"""Sweeps: train one run per value of a setting (or per cell of a two-setting grid).

A sweep is nothing but many ordinary runs: each configuration is trained once
and cached on disk under its run key (the corpus fingerprint plus every field of
the validated :class:`~w2v_core.train.TrainConfig`), so a second sweep that
shares a value with the first reuses that run instead of training it again.

Every run is summarised by the same few numbers, whatever the corpus:

* ``final_loss``: the training loss of the last epoch;
* ``heldout_loss``: the loss on held-out sentences (:mod:`w2v_core.heldout`),
  the score that works on any text (lower is better);
* ``scores``: WordSim-353 and SimLex-999 (Spearman) and the Google analogies
  (accuracy), each ``None`` when the vocabulary covers too little of the test
  to rank by (:data:`w2v_core.evaluate.MIN_COVERAGE`), with the coverage beside it; and the
  planted analogies of the ``toy`` corpus (``toy_analogies``).

The dashboard's Tune tab uses the same pieces (:func:`parse_values`,
:func:`grid`, :func:`summarise`, :func:`best`) but trains through its shared
registry instead of :func:`train_cached`.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import resolve
from .errors import ConfigError, ModelFileError, TrainingDivergedError, W2VError
from .io import load_model, save_model
from .train import Progress, TrainConfig, Trainer, run_key

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus
    from .train import Model
    from .vectors import KeyedVectors

#: Settings a sweep may vary (the others do not change what is learnt).
SWEEPABLE = (
    "dim", "window", "negatives", "epochs", "min_count", "max_vocab", "sample",
    "ns_exponent", "alpha", "min_alpha", "seed", "batch_size", "shared_negatives",
    "shared_pool", "heldout",
)  # fmt: skip
#: Held-out share used by sweeps unless told otherwise: every run gets a score.
SWEEP_HELDOUT = 0.05
#: A sweep trains at most this many runs.
MAX_RUNS = 100
#: Which way is better, for every score a run is ranked by.
LOWER_IS_BETTER = {
    "heldout_loss": True,
    "final_loss": True,
    "ws353": False,
    "simlex999": False,
    "analogies": False,
    "toy_analogies": False,
}

_TRUE, _FALSE = {"true", "on", "yes", "1"}, {"false", "off", "no", "0"}


# --------------------------------------------------------------------------- values


def parse_values(param: str, text: str) -> list[Any]:
    """Parse ``"2,5,10"`` into the values of ``param``, typed like its default.

    Raises
    ------
    ConfigError
        For a setting that cannot be swept, an empty list, a value of the wrong
        type, or a repeated value (one line each).  Ranges are checked later, by
        :meth:`TrainConfig.validate` on each configuration.
    """
    if param not in SWEEPABLE:
        raise ConfigError(f"cannot sweep {param!r}; choose one of: {', '.join(SWEEPABLE)}")
    default = getattr(TrainConfig(), param)
    items = [item.strip() for item in str(text).split(",")]
    if not any(items):
        raise ConfigError(f"no values given for {param}: use a comma-separated list like 2,5,10")
    values: list[Any] = []
    for item in items:
        if not item:
            raise ConfigError(f"empty value in {text!r} for {param}")
        values.append(_parse_one(param, default, item))
    if len(set(values)) != len(values):
        raise ConfigError(f"repeated value in {text!r} for {param}")
    return values


def _parse_one(param: str, default: Any, item: str) -> Any:
    if isinstance(default, bool):
        if item.lower() in _TRUE | _FALSE:
            return item.lower() in _TRUE
        raise ConfigError(f"{param} takes true/false, got {item!r}")
    if param == "max_vocab" and item.lower() == "none":
        return None
    try:
        number = float(item)
    except ValueError:
        raise ConfigError(f"{param} takes numbers, got {item!r}") from None
    if isinstance(default, float):
        return number
    if not (math.isfinite(number) and number.is_integer()):
        raise ConfigError(f"{param} takes whole numbers, got {item!r}")
    return int(number)


def grid(base: TrainConfig, axes: Sequence[tuple[str, Sequence[Any]]]) -> list[TrainConfig]:
    """Every combination of the axes' values applied to ``base``, validated.

    The first axis varies slowest: ``[(a, [1, 2]), (b, [x, y])]`` gives
    ``(1, x), (1, y), (2, x), (2, y)``.
    """
    names = [name for name, _ in axes]
    if len(set(names)) != len(names):
        raise ConfigError(f"the two swept settings must differ, got {names[0]} twice")
    combos = list(itertools.product(*(values for _, values in axes)))
    if len(combos) > MAX_RUNS:
        raise ConfigError(f"a sweep of {len(combos)} runs is too large (at most {MAX_RUNS})")
    configs = []
    for combo in combos:
        config = dataclasses.replace(base, **dict(zip(names, combo, strict=True)))
        try:
            configs.append(config.validate())
        except ConfigError as error:
            raise ConfigError(f"in the sweep: {error}") from None
    return configs


# --------------------------------------------------------------------------- runs on disk


def runs_dir(cache_dir: str | Path | None = None) -> Path:
    """Where cached runs live: ``<cache dir>/runs`` (the dashboard's directory too)."""
    from .corpus import default_cache_dir

    return (Path(cache_dir) if cache_dir else default_cache_dir()) / "runs"


def train_cached(
    corpus: Corpus,
    config: TrainConfig,
    directory: Path | None,
    callback: Callable[[Progress], bool | None] | None = None,
) -> tuple[Model, bool]:
    """The model of ``config`` on ``corpus``: from ``directory`` if cached, else trained
    and saved there.  Returns ``(model, was_cached)``.

    A damaged cache file is trained again; a model stopped early is not cached
    (it is not what the configuration asks for), nor, of course, a diverged one
    (:class:`~w2v_core.errors.TrainingDivergedError` is raised before any saving).
    """
    config = resolve(corpus, config)  # the key of what really trains
    path = None if directory is None else directory / f"{run_key(corpus.fingerprint, config)}.npz"
    if path is not None and path.is_file():
        try:
            model = load_model(path)
            same = run_key(model.corpus_fingerprint, model.config) == path.stem
            if same and model.corpus_fingerprint == corpus.fingerprint:
                return model, True
        except ModelFileError:
            pass
    model = Trainer(corpus, config).run(callback)
    if path is not None and not model.stopped:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_model(model, path)
        except (OSError, ModelFileError):
            pass  # an unwritable cache costs a retrain next time, nothing else
    return model, False


# --------------------------------------------------------------------------- summaries


def benchmark_scores(kv: KeyedVectors) -> tuple[dict[str, float | None], dict[str, float]]:
    """WordSim-353, SimLex-999, Google and toy analogies with their coverage
    (:func:`w2v_core.evaluate.evaluate_vectors`).

    A score that may not rank runs (coverage below
    :data:`~w2v_core.evaluate.MIN_COVERAGE`, or nothing measurable) is ``None``: a
    number on a tenth of a test is not one to rank by.  Without the test data
    (it ships with gensim) there are no benchmark scores at all.
    """
    from .evaluate import evaluate_vectors

    try:
        evaluation = evaluate_vectors(kv)
    except W2VError:
        return {}, {}
    scores = {s.name: _rounded(s.value) if s.rankable else None for s in evaluation.scores()}
    coverage = {s.name: round(s.coverage, 4) for s in evaluation.scores()}
    return scores, coverage


def _rounded(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 4)


@dataclass
class SweepRun:
    """One run of a sweep: the swept values, the configuration and what it scored."""

    point: dict[str, Any]
    config: TrainConfig
    seconds: float
    words_per_sec: float
    final_loss: float | None
    heldout_loss: float | None
    scores: dict[str, float | None] = field(default_factory=dict)
    coverage: dict[str, float] = field(default_factory=dict)
    cached: bool = False
    stopped: bool = False
    error: str | None = None  # why it has no vectors (it diverged): never scored or ranked

    def score(self, name: str) -> float | None:
        """``heldout_loss``, ``final_loss`` or a benchmark score (``None`` if missing)."""
        if name in ("heldout_loss", "final_loss"):
            return getattr(self, name)
        return self.scores.get(name)

    def to_dict(self) -> dict[str, Any]:
        values = list(self.point.values())
        row: dict[str, Any] = {"value": values[0]}
        if len(values) > 1:
            row["value2"] = values[1]
        row.update(
            config=self.config.to_dict(),
            seconds=round(self.seconds, 3),
            words_per_sec=round(self.words_per_sec, 1),
            final_loss=self.final_loss,
            heldout_loss=self.heldout_loss,
            scores=self.scores,
            coverage=self.coverage,
            cached=self.cached,
            stopped=self.stopped,
        )
        if self.error is not None:
            row["error"] = self.error
        return row


def summarise(
    model: Model, point: dict[str, Any], cached: bool = False, with_benchmarks: bool = True
) -> SweepRun:
    """The numbers of one trained run, for tables, charts and JSON."""
    history = model.history
    scores, coverage = benchmark_scores(model.wv) if with_benchmarks else ({}, {})
    return SweepRun(
        point=dict(point),
        config=model.config,
        seconds=model.seconds,
        words_per_sec=model.words_per_sec,
        final_loss=_rounded(history.epoch_loss[-1]) if history.epoch_loss else None,
        heldout_loss=_rounded(history.heldout_loss[-1]) if history.heldout_loss else None,
        scores=scores,
        coverage=coverage,
        cached=cached,
        stopped=model.stopped,
    )


def best(runs: Sequence[SweepRun], score: str = "heldout_loss") -> SweepRun | None:
    """The best run by ``score`` (lowest loss, highest benchmark); ``None`` if none has it."""
    scored = [run for run in runs if run.error is None and run.score(score) is not None]
    if not scored:
        return None
    sign = 1.0 if LOWER_IS_BETTER.get(score, False) else -1.0
    return min(scored, key=lambda run: sign * run.score(score))


# --------------------------------------------------------------------------- the sweep


@dataclass
class Sweep:
    """A finished (or stopped) sweep: its axes, corpus and runs in order."""

    axes: list[tuple[str, list[Any]]]
    corpus_name: str
    corpus_fingerprint: str
    base: TrainConfig
    runs: list[SweepRun] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``python -m w2v_core sweep --json``."""
        data: dict[str, Any] = {"param": self.axes[0][0], "values": self.axes[0][1]}
        if len(self.axes) > 1:
            data.update(param2=self.axes[1][0], values2=self.axes[1][1])
        data.update(
            corpus={"name": self.corpus_name, "fingerprint": self.corpus_fingerprint},
            base_config=self.base.to_dict(),
            seconds=round(self.seconds, 3),
            runs=[run.to_dict() for run in self.runs],
        )
        return data


def sweep(
    corpus: Corpus,
    base: TrainConfig,
    axes: Sequence[tuple[str, Sequence[Any]]],
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
    on_run: Callable[[SweepRun], None] | None = None,
    progress: Callable[[int, Progress], bool | None] | None = None,
) -> Sweep:
    """Train (or fetch from the cache) one run per grid point, in order.

    Parameters
    ----------
    axes : list of (setting, values)
        One axis for a sweep, two for a grid.
    on_run : callable, optional
        Called with each run's summary as soon as it is known.
    progress : callable, optional
        ``progress(run_index, Progress)`` during each training.
    """
    configs = grid(base, axes)
    names = [name for name, _ in axes]
    directory = runs_dir(cache_dir) if use_cache else None
    result = Sweep([(n, list(v)) for n, v in axes], corpus.name, corpus.fingerprint, base)
    start = time.perf_counter()
    for index, config in enumerate(configs):
        callback = None if progress is None else (lambda p, i=index: progress(i, p))
        point = {name: getattr(config, name) for name in names}
        try:
            model, cached = train_cached(corpus, config, directory, callback)
            run = summarise(model, point, cached)
        except TrainingDivergedError as error:  # one bad corner does not end the sweep
            run = SweepRun(point, config, 0.0, 0.0, None, None, error=str(error))
        result.runs.append(run)
        if on_run is not None:
            on_run(run)
    result.seconds = time.perf_counter() - start
    return result
