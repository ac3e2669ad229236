"""Command-line interface: ``python -m w2v_core COMMAND ...``.

Commands
--------
train      train a model on a built-in corpus or a text file and save it (.npz)
neighbors  nearest words by cosine similarity
analogy    "A is to B as C is to ?" (B - A + C)
evaluate   WordSim-353, SimLex-999 and the analogy test
export     word2vec text/binary, or Embedding Projector TSV (OUT "-" is standard output)
convert    any vectors file to the memory-mappable .npz, optionally the N most frequent words
info       what a model file contains
sweep      one run per value of a setting (or a grid of two), cached, compared
search     find good settings within a time budget (Optuna, successive halving)
contexts   the company a word keeps in a corpus: characteristic and shared context words

Commands that read vectors accept a w2v_core ``.npz`` model or a word2vec
text/binary file (detected from the content).  Every user error is reported as
one line ``error: ...`` on stderr with exit status 2; Ctrl-C exits with 130.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from .config import NOT_REPRODUCIBLE
from .errors import ConfigError, ModelFileError, W2VError
from .evaluate import evaluate_vectors
from .files import STDOUT, write_file
from .io import (
    load_model,
    load_vectors,
    save_model,
    save_projector_tsv,
    save_vectors,
    save_word2vec_format,
    sniff_format,
)
from .sweep import SWEEP_HELDOUT
from .train import Progress, StopReason, TrainConfig, train
from .vectors import KeyedVectors

if TYPE_CHECKING:  # pragma: no cover
    from .contexts import Contexts

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130
EXPORT_FORMATS = ("word2vec", "word2vec-binary", "tsv")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one ``error: ...`` line, like ours."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USER_ERROR, f"error: {message} (see '{self.prog} --help')\n")


def _positive_int(text: str) -> int:
    """argparse type for counts such as --topn (training sizes are checked by TrainConfig)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


# --------------------------------------------------------------------------- progress display


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "--:--"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressBar:
    """A one-line ``\\r`` progress bar for training, drawn at most ~10 times a second."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self._last_draw = 0.0
        self._drawn = False

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if progress.fraction < 1.0 and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        filled = int(self.width * min(max(progress.fraction, 0.0), 1.0))
        bar = "#" * filled + "." * (self.width - filled)
        left = progress.elapsed * (1 - progress.fraction) / max(progress.fraction, 1e-9)
        line = (
            f"\r[{bar}] {100 * progress.fraction:5.1f}%  epoch {progress.epoch}/{progress.epochs}"
            f"  {progress.words_per_sec:>9,.0f} words/s  loss {progress.loss:.4f}"
            f"  ETA {_duration(left if progress.fraction > 0 else math.nan)}"
        )
        self.stream.write(line)
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


class DownloadProgress:
    """A ``progress(bytes_done, bytes_total)`` callback drawing a ``\r`` line for downloads."""

    def __init__(self, stream: TextIO, name: str) -> None:
        self.stream = stream
        self.name = name
        self._drawn = False

    def __call__(self, done: int, total: int | None) -> None:
        size = f"{done / 1e6:.1f} / {total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
        self.stream.write(f"\rdownloading {self.name}: {size}")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


# --------------------------------------------------------------------------- commands

#: The TrainConfig fields `train` exposes as options (``--min-count`` for ``min_count``).
TRAIN_OPTIONS: list[tuple[str, str]] = [
    ("dim", "vector dimensions"),
    ("window", "maximum distance between center and context word"),
    ("negatives", "negative samples per positive pair"),
    ("epochs", "passes over the corpus"),
    ("min_count", "ignore words seen fewer times"),
    ("max_vocab", "keep at most this many most frequent words (None: no limit)"),
    ("sample", "subsampling threshold for frequent words (0 disables)"),
    ("alpha", "initial learning rate"),
    ("min_alpha", "final learning rate (linear decay)"),
    ("seed", "random seed"),
    ("batch_size", "about this many training pairs per SGD step (0: automatic, 1536)"),
    ("shared_negatives", "share one pool of negatives per step (the fast default)"),
    ("shared_pool", "smallest size of that shared pool"),
    ("workers", "training processes (default: the cores available; 1 is reproducible)"),
    ("snapshot_words", "keep per-epoch vectors of this many most frequent words (0: none)"),
    (
        "heldout",
        "share of sentences kept out of training to report the held-out loss per epoch "
        "(0: train on everything, as word2vec does; sweeps use 0.05)",
    ),
    ("early_stop", "stop when an epoch lowers the loss by less than this share of it (0: off)"),
    ("early_stop_patience", "epochs in a row below --early-stop before stopping"),
]


#: Switches that also have a flag for their other value: field -> (flag, help).
OPPOSITE_FLAGS: dict[str, tuple[str, str]] = {
    "shared_negatives": (
        "--per-pair-negatives",
        "word2vec's exact sampling: K negatives of its own for every pair (several times slower)",
    ),
}


def _add_config_options(parser: argparse.ArgumentParser, defaults: TrainConfig) -> None:
    """One option per entry of :data:`TRAIN_OPTIONS`, typed by its default value."""
    for name, help_text in TRAIN_OPTIONS:
        flag = "--" + name.replace("_", "-")
        default = getattr(defaults, name)
        if name in OPPOSITE_FLAGS:  # --shared-negatives / --per-pair-negatives
            group = parser.add_mutually_exclusive_group()
            group.add_argument(
                flag, dest=name, action="store_true", default=default, help=help_text
            )
            other, other_help = OPPOSITE_FLAGS[name]
            # SUPPRESS: the help shows the field's default once, on the first flag.
            group.add_argument(
                other, dest=name, action="store_false", default=argparse.SUPPRESS, help=other_help
            )
        elif isinstance(default, bool):
            parser.add_argument(flag, action="store_true", help=help_text)
        else:
            kind = float if isinstance(default, float) else int
            parser.add_argument(flag, type=kind, default=default, help=help_text)


def _cmd_train(args: argparse.Namespace) -> int:
    from .corpus import load_corpus  # imported here: only training needs the corpus code

    config = TrainConfig(**{name: getattr(args, name) for name, _ in TRAIN_OPTIONS}).validate()
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


def _format_value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _format_score(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _format_percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


SWEEP_COLUMNS = (
    "seconds", "words/s", "loss", "held-out", "ws353", "simlex", "analogies", "toy", "",
)  # fmt: skip


def _sweep_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(cell.rjust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _cmd_sweep(args: argparse.Namespace) -> int:
    from .corpus import load_corpus
    from .sweep import best, grid, parse_values, sweep

    # Every mistake in the sweep itself is found before the corpus is loaded.
    axes = [(args.param, parse_values(args.param, args.values))]
    if (args.param2 is None) != (args.values2 is None):
        raise ConfigError("--param2 and --values2 go together")
    if args.param2 is not None:
        axes.append((args.param2, parse_values(args.param2, args.values2)))
    base = TrainConfig(**{name: getattr(args, name) for name, _ in TRAIN_OPTIONS}).validate()
    n_runs = len(grid(base, axes))
    json_out = Path(args.json) if args.json else None
    if json_out is not None and not json_out.parent.is_dir():
        raise ModelFileError(f"cannot write {json_out}: directory {json_out.parent} does not exist")

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
        cells = [_format_value(v) for v in run.point.values()] + [
            f"{run.seconds:.1f}",
            f"{run.words_per_sec:,.0f}",
            _format_score(run.final_loss),
            _format_score(run.heldout_loss),
            _format_score(run.scores.get("ws353"), 3),
            _format_score(run.scores.get("simlex999"), 3),
            _format_percent(run.scores.get("analogies")),
            _format_percent(run.scores.get("toy_analogies")),
            "cached" if run.cached else "",
        ]
        print(_sweep_row(cells, widths), flush=True)

    result = sweep(
        corpus,
        base,
        axes,
        cache_dir=args.cache_dir,
        use_cache=not args.no_cache,
        on_run=on_run,
        progress=None if bar is None else (lambda _i, p: bar(p)),
    )
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
            point = ", ".join(f"{k}={_format_value(v)}" for k, v in top.point.items())
            print(f"best by {score.replace('_', ' ')}: {point} ({top.score(score):.4f})")
    print(f"{n_runs} runs in {result.seconds:.1f} s")
    if json_out is not None:
        _write_json(json_out, result.to_dict())
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    from .corpus import load_corpus
    from .search import check_search, parse_range, search

    ranges = [parse_range(text) for text in args.range]
    if not ranges:
        raise ConfigError("give at least one --range SETTING=LOW:HIGH")
    base = TrainConfig(**{name: getattr(args, name) for name, _ in TRAIN_OPTIONS})
    base = check_search(base, ranges, 60 * args.minutes)
    json_out = Path(args.json) if args.json else None
    if json_out is not None and not json_out.parent.is_dir():
        raise ModelFileError(f"cannot write {json_out}: directory {json_out.parent} does not exist")
    corpus = load_corpus(args.corpus, cache_dir=args.cache_dir, lowercase=not args.keep_case)
    names = [r.name for r in ranges]
    print(f"search of {', '.join(names)} on {corpus.name} for {args.minutes:g} min", flush=True)

    def on_trial(trial) -> None:  # noqa: ANN001 - a search.Trial
        params = ", ".join(f"{k}={_format_value(v)}" for k, v in trial.params.items())
        print(
            f"trial {trial.number:>3}  {trial.state:<8}  epochs {len(trial.heldout_curve):>3}  "
            f"held-out {_format_score(trial.heldout_loss)}  {params}"
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
        params = ", ".join(f"{k}={_format_value(v)}" for k, v in top.params.items())
        print(f"best: trial {top.number}: {params} (held-out loss {top.heldout_loss:.4f})")
    print(f"{len(result.trials)} trials in {result.seconds:.1f} s")
    if json_out is not None:
        _write_json(json_out, result.to_dict())
    return 0


def _write_json(path: str | Path, data: dict) -> None:
    """Write ``data`` as indented JSON (atomically, see files.write_file) and say where."""
    with write_file(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")
    print(f"-> {path}")


def _lookup(kv: KeyedVectors, word: str) -> str:
    """The vocabulary spelling of ``word``: as given, else lower-cased (corpora usually are)."""
    if word not in kv and word.lower() in kv:
        return word.lower()
    kv.get_index(word)  # raises UnknownWordError with suggestions
    return word


def _print_scored(pairs: list[tuple[str, float]]) -> None:
    for word, score in pairs:
        print(f"{word}\t{score:.4f}")


def _cmd_neighbors(args: argparse.Namespace) -> int:
    kv = load_vectors(args.model)
    _print_scored(kv.most_similar(_lookup(kv, args.word), topn=args.topn))
    return 0


def _cmd_analogy(args: argparse.Namespace) -> int:
    kv = load_vectors(args.model)
    a, b, c = (_lookup(kv, word) for word in (args.a, args.b, args.c))
    _print_scored(kv.analogy(a, b, c, topn=args.topn, method=args.method))
    return 0


def _format_report(report: dict, source: str) -> str:
    lines = [f"vectors: {report['vocab_size']:,} words x {report['dim']} dimensions ({source})"]
    for key, title in (("ws353", "WordSim-353"), ("simlex999", "SimLex-999")):
        result = report[key]
        rho = "n/a" if result["spearman"] is None else f"{result['spearman']:.4f}"
        lines.append(
            f"{title:<12} Spearman {rho:>7}   "
            f"({result['n_covered']}/{result['n_pairs']} pairs covered, "
            f"{100 * result['coverage']:.1f}%)"
        )
    analogy = report["analogies"]
    accuracy = "n/a" if analogy["accuracy"] is None else f"{100 * analogy['accuracy']:.2f}%"
    restrict = report["restrict_vocab"]
    lines.append(
        f"{'Analogies':<12} accuracy {accuracy:>7}   ({analogy['correct']}/{analogy['total']} "
        f"questions; {analogy['n_skipped']:,} skipped with words outside the "
        f"{'whole vocabulary' if restrict is None else f'top {restrict:,} words'})"
    )
    for section in analogy["sections"]:
        if section["total"]:
            share = 100 * section["correct"] / section["total"]
            lines.append(
                f"  {section['name']:<28} {section['correct']:>5}/{section['total']:<5} "
                f"{share:6.2f}%"
            )
    toy = report["toy_analogies"]
    toy_accuracy = "n/a" if toy["accuracy"] is None else f"{100 * toy['accuracy']:.2f}%"
    lines.append(
        f"{'Toy':<12} accuracy {toy_accuracy:>7}   ({toy['correct']}/{toy['total']} planted "
        "analogies of the toy corpus)"
    )
    thin = [s["name"] for s in report["scores"] if s["value"] is not None and not s["rankable"]]
    if thin:
        lines.append(
            f"coverage below {report['min_coverage']:.0%} (not comparable across runs): "
            + ", ".join(thin)
        )
    return "\n".join(lines)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    kv = load_vectors(args.model)
    report = evaluate_vectors(
        kv, restrict_vocab=args.restrict_vocab, data_dir=args.data_dir
    ).to_dict()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(_format_report(report, str(args.model)))
    return 0


def metadata_path_for(vectors_path: Path) -> Path:
    """Sibling metadata file for a TSV export.

    ``vectors.tsv`` -> ``metadata.tsv`` and ``text8_vectors.tsv`` ->
    ``text8_metadata.tsv`` (the Projector's usual names); any other name gets
    ``_metadata`` before its suffix: ``emb.tsv`` -> ``emb_metadata.tsv``.
    """
    name = vectors_path.name
    if "vectors" in name:
        return vectors_path.with_name(name.replace("vectors", "metadata"))
    return vectors_path.with_name(f"{vectors_path.stem}_metadata{vectors_path.suffix or '.tsv'}")


def _cmd_export(args: argparse.Namespace) -> int:
    kv = load_vectors(args.model)
    to_stdout = args.out == STDOUT
    # With the vectors on standard output, the report goes to stderr.
    report = sys.stderr if to_stdout else sys.stdout
    out = Path(args.out)
    if args.format == "tsv":
        if to_stdout and not args.metadata:
            raise ModelFileError("with OUT '-', give --metadata FILE for the words")
        metadata = Path(args.metadata) if args.metadata else metadata_path_for(out)
        save_projector_tsv(kv, args.out, metadata)
        print(f"wrote {len(kv):,} vectors to {args.out} and their words to {metadata}", file=report)
    else:
        save_word2vec_format(kv, args.out, binary=args.format == "word2vec-binary")
        print(
            f"wrote {len(kv):,} vectors of dimension {kv.dim} to {args.out} ({args.format})",
            file=report,
        )
    return 0


def _cmd_convert(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    kv = load_vectors(args.source, limit=args.limit)
    save_vectors(kv, args.out, source=Path(args.source).name)
    print(
        f"converted {len(kv):,} words x {kv.dim} dimensions in "
        f"{time.perf_counter() - start:.1f} s -> {args.out} (opens memory-mapped)"
    )
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    fmt = sniff_format(args.model)
    if fmt != "npz":
        kv = load_vectors(args.model)
        print(f"file:        {args.model} ({fmt} format)")
        print(f"vocabulary:  {len(kv):,} words")
        print(f"dimensions:  {kv.dim}")
        print(f"first words: {' '.join(kv.words[:10])}")
        return 0
    model = load_model(args.model)
    history = model.history
    rows = [
        ("file", f"{args.model} (w2v_core model)"),
        ("corpus", f"{model.corpus_name or '?'} ({model.corpus_tokens:,} tokens)"),
        ("fingerprint", model.corpus_fingerprint[:16] or "-"),
        ("vocabulary", f"{len(model.vocab):,} words"),
        ("dimensions", str(model.w_in.shape[1])),
        (
            "trained",
            f"{model.seconds:.1f} s, {model.words_per_sec:,.0f} words/s"
            + (f" ({model.stop_reason} in epoch {model.stop_epoch})" if model.stopped else ""),
        ),
        ("epoch loss", ", ".join(f"{loss:.4f}" for loss in history.epoch_loss) or "-"),
        ("held-out loss", ", ".join(f"{loss:.4f}" for loss in history.heldout_loss) or "-"),
        (
            "snapshots",
            "-" if model.snapshots is None else "x".join(map(str, model.snapshots.shape)),
        ),
        ("most frequent", " ".join(model.vocab.words[:10])),
    ]
    for key, value in dataclasses.asdict(model.config).items():
        rows.append((f"config.{key}", str(value)))
    width = max(len(key) for key, _ in rows) + 1
    for key, value in rows:
        print(f"{key + ':':<{width}} {value}")
    return 0


def _cmd_contexts(args: argparse.Namespace) -> int:
    from .contexts import Contexts  # imported here: only this command counts contexts
    from .corpus import load_corpus

    corpus = load_corpus(args.corpus, cache_dir=args.cache_dir)
    contexts = Contexts(
        corpus,
        window=args.window,
        min_count=args.min_count,
        min_pair_count=args.min_pair_count,
        smoothing=args.smoothing,
    )
    word = _corpus_spelling(contexts, args.word)
    if args.other is None:
        scores = contexts.characteristic(word, topn=args.topn)
        if args.json:
            print(json.dumps({"word": word, "contexts": [dataclasses.asdict(s) for s in scores]}))
        else:
            for s in scores:
                print(f"{s.word}\t{s.count}\t{s.ppmi:.4f}")
        return 0
    pair = contexts.explain_pair(word, _corpus_spelling(contexts, args.other), topn=args.topn)
    if args.json:
        extra = {"close": pair.close, "sentence": pair.sentence()}
        print(json.dumps({**dataclasses.asdict(pair), **extra}))
        return 0
    print(f"# {pair.sentence()} (PPMI cosine {pair.similarity:.4f})")
    if pair.close:
        for s in pair.shared:
            print(f"{s.word}\t{s.count_a}\t{s.count_b}\t{s.share:.4f}")
    else:
        for side, scores in ((pair.a, pair.only_a), (pair.b, pair.only_b)):
            for s in scores:
                print(f"{side}\t{s.word}\t{s.count}\t{s.ppmi:.4f}")
    return 0


def _corpus_spelling(contexts: Contexts, word: str) -> str:
    """``word`` as given if the vocabulary has it, else lower-cased (corpora usually are)."""
    index = contexts.vocab.index
    return word.lower() if word not in index and word.lower() in index else word


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for all commands (every option shows its default)."""
    defaults = TrainConfig()
    formatter = argparse.ArgumentDefaultsHelpFormatter
    parser = _Parser(
        prog="python -m w2v_core",
        description="Skip-gram with negative sampling (word2vec) in pure NumPy.",
        formatter_class=formatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser(
        "train",
        help="train a model and save it (.npz)",
        description="Train skip-gram vectors with negative sampling and save the model.",
        formatter_class=formatter,
    )
    p.add_argument(
        "corpus",
        metavar="CORPUS",
        help="a built-in corpus name (toy, lee, wiki, alice, text8) or a text file",
    )
    p.add_argument("--out", "-o", default="model.npz", help="where to save the model")
    _add_config_options(p, defaults)
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

    p = commands.add_parser(
        "sweep",
        help="train one run per value of a setting (or a grid of two) and compare them",
        description="Train one run per value of --param (and per value of --param2: a grid), "
        "each cached under the cache directory so a later sweep reuses it; print a table as "
        "runs finish and optionally write everything as JSON.  Held-out loss is on (5%%) "
        "unless --heldout 0.",
        formatter_class=formatter,
    )
    p.add_argument("corpus", metavar="CORPUS", help="a built-in corpus name or a text file")
    p.add_argument("--param", required=True, help="the setting to sweep, e.g. window")
    p.add_argument("--values", required=True, help="comma-separated values, e.g. 2,5,10")
    p.add_argument("--param2", default=None, help="a second setting, for a grid")
    p.add_argument("--values2", default=None, help="its comma-separated values")
    p.add_argument("--json", default=None, metavar="FILE", help="write the results as JSON")
    _add_config_options(p, dataclasses.replace(defaults, heldout=SWEEP_HELDOUT))
    p.add_argument(
        "--cache-dir",
        default=None,
        help="corpora and cached runs (None: $W2V_CACHE_DIR or ~/.cache/w2v_core)",
    )
    p.add_argument("--no-cache", action="store_true", help="train every run, cache nothing")
    p.add_argument("--keep-case", action="store_true", help="do not lower-case the corpus")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(handler=_cmd_sweep)

    p = commands.add_parser(
        "search",
        help="find good settings within a time budget (Optuna, successive halving)",
        description="Search the given ranges for the lowest held-out loss within --minutes: "
        "Optuna's TPE sampler proposes settings and successive halving stops weak trials "
        "after an epoch.  Every complete trial is cached like any run.",
        formatter_class=formatter,
    )
    p.add_argument("corpus", metavar="CORPUS", help="a built-in corpus name or a text file")
    p.add_argument(
        "--range",
        action="append",
        default=[],
        metavar="SETTING=LOW:HIGH",
        help="a setting and its range (or SETTING=A,B,C choices); repeat for more",
    )
    p.add_argument("--minutes", type=float, default=5.0, help="time budget")
    p.add_argument("--trials", type=_positive_int, default=None, help="at most this many trials")
    p.add_argument("--search-seed", type=int, default=0, help="seed of the sampler")
    p.add_argument("--json", default=None, metavar="FILE", help="write the trials as JSON")
    _add_config_options(p, dataclasses.replace(defaults, heldout=SWEEP_HELDOUT))
    p.add_argument("--cache-dir", default=None, help="corpora and cached runs")
    p.add_argument("--no-cache", action="store_true", help="train every trial, cache nothing")
    p.add_argument("--keep-case", action="store_true", help="do not lower-case the corpus")
    p.set_defaults(handler=_cmd_search)

    model_help = "a w2v_core model (.npz) or a word2vec text/binary file"
    p = commands.add_parser(
        "neighbors",
        help="nearest words by cosine similarity",
        description="Print the nearest words, one 'word<TAB>cosine' line each.",
        formatter_class=formatter,
    )
    p.add_argument("model", metavar="MODEL", help=model_help)
    p.add_argument("word", metavar="WORD", help="the query word")
    p.add_argument("--topn", type=_positive_int, default=10, help="number of neighbours")
    p.set_defaults(handler=_cmd_neighbors)

    p = commands.add_parser(
        "analogy",
        help='"A is to B as C is to ?"',
        description="Answer 'A is to B as C is to ?' with the words nearest to B - A + C, "
        "one 'word<TAB>score' line each.",
        formatter_class=formatter,
    )
    p.add_argument("model", metavar="MODEL", help=model_help)
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("c", metavar="C")
    p.add_argument("--topn", type=_positive_int, default=5, help="number of answers")
    p.add_argument(
        "--method", choices=("add", "mul"), default="add", help="3CosAdd (add) or 3CosMul (mul)"
    )
    p.set_defaults(handler=_cmd_analogy)

    p = commands.add_parser(
        "evaluate",
        help="word similarity and analogy benchmarks",
        description="Spearman correlation on WordSim-353 and SimLex-999, accuracy on "
        "Mikolov's analogy questions (datasets from gensim's test data).",
        formatter_class=formatter,
    )
    p.add_argument("model", metavar="MODEL", help=model_help)
    p.add_argument("--json", action="store_true", help="print JSON instead of a report")
    p.add_argument(
        "--restrict-vocab",
        type=_positive_int,
        default=30000,
        help="analogy questions and answers use only this many most frequent words",
    )
    p.add_argument(
        "--data-dir",
        default=None,
        help="directory with wordsim353.tsv, simlex999.txt and questions-words.txt "
        "(None: gensim's bundled test data)",
    )
    p.set_defaults(handler=_cmd_evaluate)

    p = commands.add_parser(
        "export",
        help="write word2vec text/binary or Embedding Projector TSV",
        description="Export the word vectors.  With --format tsv, OUT is the vectors file and "
        "the words go to a sibling metadata file: vectors.tsv -> metadata.tsv, "
        "NAME_vectors.tsv -> NAME_metadata.tsv, otherwise NAME.tsv -> "
        "NAME_metadata.tsv (or --metadata).",
        formatter_class=formatter,
    )
    p.add_argument("model", metavar="MODEL", help=model_help)
    p.add_argument("out", metavar="OUT", help="output file ('-': standard output)")
    p.add_argument("--format", choices=EXPORT_FORMATS, default="word2vec", help="output format")
    p.add_argument(
        "--metadata",
        default=None,
        help="metadata file for --format tsv (None: derived from OUT, see above)",
    )
    p.set_defaults(handler=_cmd_export)

    p = commands.add_parser(
        "convert",
        help="write vectors as a memory-mappable .npz (fast to open, any size)",
        description="Read any vectors file this tool opens (word2vec text or binary, a model "
        ".npz) and write the vectors-only .npz that opens memory-mapped: nothing is read "
        "into memory until it is used, so a second open is instant.",
        formatter_class=formatter,
    )
    p.add_argument("source", metavar="SOURCE", help=model_help)
    p.add_argument("out", metavar="OUT", help="the .npz to write")
    p.add_argument(
        "--limit",
        type=_positive_int,
        default=None,
        help="keep only the N most frequent words (word2vec files are sorted by frequency; "
        "like gensim's limit)",
    )
    p.set_defaults(handler=_cmd_convert)

    p = commands.add_parser(
        "info",
        help="describe a model file",
        description="Print what a model file contains: corpus, vocabulary, configuration, "
        "training time and loss.",
        formatter_class=formatter,
    )
    p.add_argument("model", metavar="MODEL", help=model_help)
    p.set_defaults(handler=_cmd_info)

    p = commands.add_parser(
        "contexts",
        help="the company a word keeps: its characteristic context words",
        description="Count the words within the training window of WORD over the whole corpus "
        "(every distance 1..window once, sentences never crossed, words below --min-count "
        "dropped first as in training) and rank them by positive PMI with context smoothing "
        "0.75, pairs seen fewer than --min-pair-count times scoring 0.  Prints "
        "'context<TAB>count<TAB>ppmi' lines.  With --with OTHER: the contexts both words "
        "share, 'context<TAB>count_word<TAB>count_other<TAB>share' (share: its part of the "
        "cosine of the two PPMI rows), after a '# ...' sentence; when the two share little, "
        "each word's own contexts as 'word<TAB>context<TAB>count<TAB>ppmi'.",
        formatter_class=formatter,
    )
    p.add_argument(
        "corpus",
        metavar="CORPUS",
        help="a built-in corpus name (toy, lee, wiki, alice, text8) or a text file",
    )
    p.add_argument("word", metavar="WORD", help="the word to explain")
    p.add_argument(
        "--with",
        dest="other",
        metavar="OTHER",
        default=None,
        help="a second word: show the contexts both share",
    )
    p.add_argument("--topn", type=_positive_int, default=10, help="number of context words")
    p.add_argument(
        "--window",
        type=_positive_int,
        default=defaults.window,
        help="maximum distance between the word and a context word",
    )
    p.add_argument(
        "--min-count",
        type=_positive_int,
        default=defaults.min_count,
        help="drop words seen fewer times before counting (as training does)",
    )
    p.add_argument(
        "--min-pair-count",
        type=_positive_int,
        default=5,
        help="a (word, context) pair seen fewer times scores 0",
    )
    p.add_argument(
        "--smoothing",
        type=float,
        default=0.75,
        help="power of the context counts in PMI (1: plain PMI)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")
    p.add_argument(
        "--cache-dir",
        default=None,
        help="where downloaded corpora are cached (None: $W2V_CACHE_DIR or ~/.cache/w2v_core)",
    )
    p.set_defaults(handler=_cmd_contexts)
    return parser


def _error_line(exc: BaseException) -> str:
    # One line, whatever the message: the contract is "error: <one line>".
    return " ".join(str(exc).split()) or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except W2VError as exc:
        print(f"error: {_error_line(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: stop quietly, without a second error
        # when Python flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
