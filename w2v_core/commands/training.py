"""The verbs that train: ``train``, ``sweep``, ``search`` and ``stability``.

The corpus, sweep, search and stability code is imported inside the handlers: the
other verbs never need it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ..config import NOT_REPRODUCIBLE
from ..errors import ConfigError, ModelFileError
from ..io import save_model
from ..presets import PRESETS
from ..sweep import SWEEP_HELDOUT
from ..train import StopReason, TrainConfig, train
from .common import (
    DownloadProgress,
    ProgressBar,
    add_command,
    add_config_options,
    config_from,
    format_percent,
    format_score,
    format_value,
    lookup,
    positive_int,
    preset_summary,
    write_json,
)

_CORPUS_HELP = "a built-in corpus name (toy, lee, wiki, alice, text8) or a text file"
_SHORT_CORPUS_HELP = "a built-in corpus name or a text file"


def _check_json_out(path: str | None) -> Path | None:
    """The ``--json FILE`` path, refused before a long run if its directory is missing."""
    json_out = Path(path) if path else None
    if json_out is not None and not json_out.parent.is_dir():
        raise ModelFileError(f"cannot write {json_out}: directory {json_out.parent} does not exist")
    return json_out


# --------------------------------------------------------------------------- train


def add_train(commands: argparse._SubParsersAction, defaults: TrainConfig) -> None:
    """``train CORPUS``: train and save a model; `defaults` are a ``--preset``'s settings."""
    p = add_command(
        commands,
        "train",
        "train a model and save it (.npz)",
        "Train skip-gram vectors with negative sampling and save the model.",
    )
    p.add_argument("corpus", metavar="CORPUS", help=_CORPUS_HELP)
    p.add_argument("--out", "-o", default="model.npz", help="where to save the model")
    p.add_argument(
        "--preset",
        choices=list(PRESETS),
        default=None,
        help="start from a preset's settings; options given here still win "
        "(seed: as in the seed project, for alice: " + preset_summary(PRESETS["seed"]) + ")",
    )
    add_config_options(p, defaults)
    p.add_argument(
        "--cache-dir",
        default=None,
        help="where downloaded corpora are cached (None: $W2V_CACHE_DIR or ~/.cache/w2v_core)",
    )
    p.add_argument(
        "--keep-case", action="store_true", help="do not lower-case the corpus when tokenising"
    )
    p.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress bar (it is only shown when stderr is a terminal)",
    )
    p.set_defaults(handler=_cmd_train)


def _cmd_train(args: argparse.Namespace) -> int:
    from ..corpus import load_corpus  # imported here: only training needs the corpus code

    config = config_from(args).validate()
    out = Path(args.out)
    # Fail before a long run, not after it, if the model cannot be saved.
    if not out.parent.is_dir():
        raise ModelFileError(f"cannot write {out}: directory {out.parent} does not exist")
    if out.is_dir():
        raise ModelFileError(f"cannot write {out}: it is a directory")

    show = sys.stderr.isatty() and not args.quiet
    download = DownloadProgress(sys.stderr, str(args.corpus)) if show else None
    try:
        corpus = load_corpus(
            args.corpus, cache_dir=args.cache_dir, progress=download, lowercase=not args.keep_case
        )
    finally:
        if download is not None:
            download.close()
    bar = ProgressBar(sys.stderr) if show else None
    try:
        model = train(corpus, config, callback=bar)
    finally:
        if bar is not None:
            bar.close()
    save_model(model, out)
    if model.config.workers > 1:
        print(NOT_REPRODUCIBLE.format(workers=model.config.workers), file=sys.stderr)

    loss = model.history.epoch_loss[-1] if model.history.epoch_loss else float("nan")
    heldout = model.history.heldout_loss
    if model.stop_reason == StopReason.EARLY_STOP:
        print(
            f"early stopping after epoch {model.stop_epoch} of {config.epochs}: the epoch loss "
            f"improved by less than {100 * config.early_stop:g}% "
            f"for {config.early_stop_patience} epoch(s) in a row"
        )
    print(
        f"trained on {corpus.n_tokens:,} words ({corpus.name}), vocabulary {len(model.vocab):,}, "
        f"{model.seconds:.1f} s, {model.words_per_sec:,.0f} words/s, final loss {loss:.4f}"
        + (f", held-out loss {heldout[-1]:.4f}" if heldout else "")
        + f" -> {out}"
    )
    return 0


# --------------------------------------------------------------------------- sweep


def add_sweep(commands: argparse._SubParsersAction) -> None:
    """``sweep CORPUS --param P --values ...``: one cached run per value (or grid cell)."""
    p = add_command(
        commands,
        "sweep",
        "train one run per value of a setting (or a grid of two) and compare them",
        "Train one run per value of --param (and per value of --param2: a grid), "
        "each cached under the cache directory so a later sweep reuses it; print a table as "
        "runs finish and optionally write everything as JSON.  Held-out loss is on (5%%) "
        "unless --heldout 0.",
    )
    p.add_argument("corpus", metavar="CORPUS", help=_SHORT_CORPUS_HELP)
    p.add_argument("--param", required=True, help="the setting to sweep, e.g. window")
    p.add_argument("--values", required=True, help="comma-separated values, e.g. 2,5,10")
    p.add_argument("--param2", default=None, help="a second setting, for a grid")
    p.add_argument("--values2", default=None, help="its comma-separated values")
    p.add_argument("--json", default=None, metavar="FILE", help="write the results as JSON")
    add_config_options(p, dataclasses.replace(TrainConfig(), heldout=SWEEP_HELDOUT))
    p.add_argument(
        "--cache-dir",
        default=None,
        help="corpora and cached runs (None: $W2V_CACHE_DIR or ~/.cache/w2v_core)",
    )
    p.add_argument("--no-cache", action="store_true", help="train every run, cache nothing")
    p.add_argument("--keep-case", action="store_true", help="do not lower-case the corpus")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(handler=_cmd_sweep)


SWEEP_COLUMNS = (
    "seconds", "words/s", "loss", "held-out", "ws353", "simlex", "analogies", "toy", "",
)  # fmt: skip


def _sweep_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(cell.rjust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _sweep_cells(run) -> list[str]:  # noqa: ANN001 - a sweep.SweepRun
    """One table row: the run's setting values, then :data:`SWEEP_COLUMNS`."""
    return [format_value(v) for v in run.point.values()] + [
        f"{run.seconds:.1f}",
        f"{run.words_per_sec:,.0f}",
        format_score(run.final_loss),
        format_score(run.heldout_loss),
        format_score(run.scores.get("ws353"), 3),
        format_score(run.scores.get("simlex999"), 3),
        format_percent(run.scores.get("analogies")),
        format_percent(run.scores.get("toy_analogies")),
        "cached" if run.cached else "",
    ]


def _cmd_sweep(args: argparse.Namespace) -> int:
    from ..corpus import load_corpus
    from ..sweep import grid, parse_values, sweep

    # Every mistake in the sweep itself is found before the corpus is loaded.
    axes = [(args.param, parse_values(args.param, args.values))]
    if (args.param2 is None) != (args.values2 is None):
        raise ConfigError("--param2 and --values2 go together")
    if args.param2 is not None:
        axes.append((args.param2, parse_values(args.param2, args.values2)))
    base = config_from(args).validate()
    n_runs = len(grid(base, axes))
    json_out = _check_json_out(args.json)

    corpus = load_corpus(args.corpus, cache_dir=args.cache_dir, lowercase=not args.keep_case)
    names = [name for name, _ in axes]
    widths = [max(8, len(name)) for name in names] + [8, 9, 7, 8, 6, 6, 9, 6, 6]
    print(
        f"sweep of {' x '.join(names)} on {corpus.name} ({corpus.n_tokens:,} words): {n_runs} runs",
        flush=True,
    )
    print(_sweep_row([*names, *SWEEP_COLUMNS], widths), flush=True)
    show = sys.stderr.isatty() and not args.quiet
    bar = ProgressBar(sys.stderr) if show else None

    def on_run(run) -> None:  # noqa: ANN001 - a sweep.SweepRun
        if bar is not None:
            bar.close()
        print(_sweep_row(_sweep_cells(run), widths), flush=True)

    result = sweep(
        corpus,
        base,
        axes,
        cache_dir=args.cache_dir,
        use_cache=not args.no_cache,
        on_run=on_run,
        progress=None if bar is None else (lambda _i, p: bar(p)),
    )
    _print_sweep_summary(result, n_runs)
    if json_out is not None:
        write_json(json_out, result.to_dict())
    return 0


def _print_sweep_summary(result, n_runs: int) -> None:  # noqa: ANN001 - a sweep.Sweep
    """Scores too thin to rank by, the best run by each score, and the time taken."""
    from ..sweep import best

    low = {
        name: share
        for run in result.runs[-1:]
        for name, share in run.coverage.items()
        if run.scores.get(name) is None
    }
    if low:
        shares = ", ".join(f"{name} {100 * share:.0f}%" for name, share in low.items())
        print(f"n/a: too little of the test in the vocabulary to rank by ({shares} covered)")
    for score in ("heldout_loss", "ws353", "toy_analogies"):
        top = best(result.runs, score)
        if top is not None:
            point = ", ".join(f"{k}={format_value(v)}" for k, v in top.point.items())
            print(f"best by {score.replace('_', ' ')}: {point} ({top.score(score):.4f})")
    print(f"{n_runs} runs in {result.seconds:.1f} s")


# --------------------------------------------------------------------------- search


def add_search(commands: argparse._SubParsersAction) -> None:
    """``search CORPUS --range S=LOW:HIGH ...``: Optuna within a time budget."""
    p = add_command(
        commands,
        "search",
        "find good settings within a time budget (Optuna, successive halving)",
        "Search the given ranges for the lowest held-out loss within --minutes: "
        "Optuna's TPE sampler proposes settings and successive halving stops weak trials "
        "after an epoch.  Every complete trial is cached like any run.",
    )
    p.add_argument("corpus", metavar="CORPUS", help=_SHORT_CORPUS_HELP)
    p.add_argument(
        "--range",
        action="append",
        default=[],
        metavar="SETTING=LOW:HIGH",
        help="a setting and its range (or SETTING=A,B,C choices); repeat for more",
    )
    p.add_argument("--minutes", type=float, default=5.0, help="time budget")
    p.add_argument("--trials", type=positive_int, default=None, help="at most this many trials")
    p.add_argument("--search-seed", type=int, default=0, help="seed of the sampler")
    p.add_argument("--json", default=None, metavar="FILE", help="write the trials as JSON")
    add_config_options(p, dataclasses.replace(TrainConfig(), heldout=SWEEP_HELDOUT))
    p.add_argument("--cache-dir", default=None, help="corpora and cached runs")
    p.add_argument("--no-cache", action="store_true", help="train every trial, cache nothing")
    p.add_argument("--keep-case", action="store_true", help="do not lower-case the corpus")
    p.set_defaults(handler=_cmd_search)


def _cmd_search(args: argparse.Namespace) -> int:
    from ..corpus import load_corpus
    from ..search import check_search, parse_range, search

    ranges = [parse_range(text) for text in args.range]
    if not ranges:
        raise ConfigError("give at least one --range SETTING=LOW:HIGH")
    base = check_search(config_from(args), ranges, 60 * args.minutes)
    json_out = _check_json_out(args.json)
    corpus = load_corpus(args.corpus, cache_dir=args.cache_dir, lowercase=not args.keep_case)
    names = [r.name for r in ranges]
    print(f"search of {', '.join(names)} on {corpus.name} for {args.minutes:g} min", flush=True)

    def on_trial(trial) -> None:  # noqa: ANN001 - a search.Trial
        params = ", ".join(f"{k}={format_value(v)}" for k, v in trial.params.items())
        print(
            f"trial {trial.number:>3}  {trial.state:<8}  epochs {len(trial.heldout_curve):>3}  "
            f"held-out {format_score(trial.heldout_loss)}  {params}"
            + ("  (cached)" if trial.cached else ""),
            flush=True,
        )

    result = search(
        corpus,
        base,
        ranges,
        budget_seconds=60 * args.minutes,
        max_trials=args.trials,
        cache_dir=args.cache_dir,
        use_cache=not args.no_cache,
        seed=args.search_seed,
        on_trial=on_trial,
    )
    top = result.best
    if top is None:
        print("no trial completed within the budget")
    else:
        params = ", ".join(f"{k}={format_value(v)}" for k, v in top.params.items())
        print(f"best: trial {top.number}: {params} (held-out loss {top.heldout_loss:.4f})")
    print(f"{len(result.trials)} trials in {result.seconds:.1f} s")
    if json_out is not None:
        write_json(json_out, result.to_dict())
    return 0


# --------------------------------------------------------------------------- stability


def add_stability(commands: argparse._SubParsersAction) -> None:
    """``stability CORPUS WORD``: a word's neighbours across several seeds."""
    from ..stability import MAX_SEEDS, SEEDS

    p = add_command(
        commands,
        "stability",
        "a word's neighbours across several seeds: which ones are real?",
        "Train --seeds runs of one configuration that differ only in their seed "
        "(seed, seed+1, ...; each cached like any run, so a second call trains nothing), and "
        "show for each neighbour of WORD in how many seeds it is among the top N, with its "
        "mean cosine and spread; the word's stability is the mean overlap of its top-10 "
        "lists over every pair of seeds.",
    )
    p.add_argument("corpus", metavar="CORPUS", help=_SHORT_CORPUS_HELP)
    p.add_argument("word", metavar="WORD", help="the query word")
    p.add_argument(
        "--seeds", type=int, default=SEEDS, help=f"how many seeds to train (2 to {MAX_SEEDS})"
    )
    p.add_argument("--topn", type=positive_int, default=10, help="neighbours per seed")
    p.add_argument(
        "--frequent",
        type=int,
        default=10,
        help="also list the N most and least stable of the 1,000 most frequent words (0: no)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")
    add_config_options(p, TrainConfig())
    p.add_argument("--cache-dir", default=None, help="corpora and cached runs")
    p.add_argument("--no-cache", action="store_true", help="train every seed, cache nothing")
    p.add_argument("--keep-case", action="store_true", help="do not lower-case the corpus")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(handler=_cmd_stability)


def _cmd_stability(args: argparse.Namespace) -> int:
    from ..corpus import load_corpus  # imported here: only training commands need them
    from ..stability import frequent_stability, train_seeds, word_stability

    config = config_from(args).validate()
    corpus = load_corpus(args.corpus, cache_dir=args.cache_dir, lowercase=not args.keep_case)
    show = sys.stderr.isatty() and not args.quiet
    bar = ProgressBar(sys.stderr) if show else None
    try:
        models = train_seeds(
            corpus, config, args.seeds, args.cache_dir, not args.no_cache,
            None if bar is None else (lambda index, progress: bar(progress)),
        )  # fmt: skip
    finally:
        if bar is not None:
            bar.close()
    kvs = [model.wv for model in models]
    result = word_stability(kvs, lookup(kvs[0], args.word), topn=args.topn)
    ranked = frequent_stability(kvs) if args.frequent else []
    most, least = ranked[: args.frequent], ranked[::-1][: args.frequent]
    if args.json:
        as_rows = lambda items: [  # noqa: E731
            {"word": w, "count": c, "stability": round(s, 4)} for w, c, s in items
        ]
        report = {**result.to_dict(), "most_stable": as_rows(most), "least_stable": as_rows(least)}
        print(json.dumps(report, indent=2))
        return 0
    seeds = ", ".join(str(model.config.seed) for model in models)
    print(
        f"# '{result.word}' ({result.count:,} times) over seeds {seeds}: stability "
        f"{result.stability:.2f} (mean overlap of the seeds' top-10 lists; 1 = all agree)"
    )
    print("neighbour\tseeds\tmean cosine\tspread")
    for n in result.neighbours:
        flag = "\tonly in one seed" if n.seeds == 1 else ""
        print(f"{n.word}\t{n.seeds}/{result.seeds}\t{n.mean_cosine:.4f}\t{n.spread:.4f}{flag}")
    for title, items in (("most stable", most), ("least stable", least)):
        if items:
            print(f"# {title} of the {len(ranked):,} most frequent words: "
                  + ", ".join(f"{w} {s:.2f}" for w, _, s in items))  # fmt: skip
    return 0
