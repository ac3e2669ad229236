"""Benchmark our NumPy skip-gram against every peer: gensim's ``Word2Vec`` (``sg=1, hs=0``)
in both its modes (in-memory sentences and ``corpus_file``) and fastText's skip-gram.

Every system trains on the same token stream with the same settings, with 1 and 2
workers (fastText: threads).  gensim's ``corpus_file`` mode and fastText read it as a
text file, one sentence per line (:mod:`benchmarks._peers`).  Runs are interleaved
(ours per-pair, ours shared, gensim, gensim corpus_file, fastText with 1 worker, the
same five with 2, then again with the next seed), each in a fresh child process, and
the median of ``--repeats`` runs is reported.  Every run records the machine's load
average (``os.getloadavg()``) before and after it.

Usage (from the repository root)::

    python -m benchmarks.compare_gensim                        # wiki, default settings
    python -m benchmarks.compare_gensim --json bench.json      # also write JSON
    python -m benchmarks.compare_gensim --corpus text8 --repeats 1
    python -m benchmarks.compare_gensim --systems ours --skip-eval
    python -m benchmarks.compare_gensim --systems ours_shared,gensim,gensim_corpus_file
    python -m benchmarks.compare_gensim --scale                # 1M/4M/16M-token Zipf corpora

Figures for each system
-----------------------
* ``words_per_sec``: raw corpus tokens (our corpus's, every token before the
  min-count and subsampling) x epochs / training seconds -- one definition for all
  systems; gensim's and fastText's own logs count differently.
* ``seconds``: the training only -- ``Trainer.run()`` for ours, ``train()`` for
  gensim (both modes); building the vocabulary and allocating weights is excluded
  (reported apart as ``setup_seconds``).  fastText runs in a process of its own
  that also reads the file and builds the vocabulary: its ``seconds`` are its own
  clock from the start of its threads to its final report, checked against the span
  its standard error shows between its vocabulary and the end of its training
  (``pipe_seconds``); ``total_seconds`` is the whole process (:mod:`benchmarks._peers`).
  Its file has the words below min-count removed, so that its epochs are the others'.
* ``peak_mb``: peak memory of training above the state before the vocabulary was
  built, so it includes the weights (RSS for both systems; ours is cross-checked
  with tracemalloc on the start of an extra untimed epoch; see :mod:`benchmarks._measure`).
  ``run_extra_mb`` is the part allocated during the training call itself.  fastText:
  its whole process's peak (about 120 MB of it a fixed-size hash table).
* ``ws353``, ``simlex999``: Spearman correlations; ``analogy``: accuracy on the
  Google analogies, all with :mod:`w2v_core.evaluate` on the 30,000 most frequent
  words of each model.

The acceptance checks printed at the end (and stored under ``"checks"``), the
floors of issue 28 (:data:`SPEED_FLOORS`): words/s against the FASTEST gensim mode
measured with the same number of workers (shared pool >= 2.0x with 1 worker and
>= 1.8x with 2, per pair >= 0.45x); WordSim-353 >= that gensim's - 0.01; peak memory
<= 2 x (matrices + corpus ids) + 200 MB.
With 2 workers our peak memory is the parent process's (the shared weights are
mapped there; the other worker's private memory is not counted).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` and `w2v_core` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._compare_report import (  # noqa: E402
    LABELS,
    PEER_ENTRIES,
    RUNS,
    SYSTEM_ALIASES,
    all_checks,
    checks_text,
    comparison_table,
    public_results,
    scale_checks,
    scale_table,
    verdict,
)
from benchmarks._measure import (  # noqa: E402
    MB,
    RESTRICT_VOCAB,
    ChildError,
    Settings,
    machine_info,
    median_of,
    parse_sizes,
    run_child,
    save_corpus,
    zipf_corpus,
)
from benchmarks._peers import FASTTEXT, fasttext_available, write_corpus_text  # noqa: E402

DEFAULT_SCALE_SIZES = "1M,4M,16M"


# --------------------------------------------------------------------------- arguments


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.compare_gensim",
        description="Benchmark our NumPy word2vec against gensim's Word2Vec (skip-gram, "
        "negative sampling): speed, peak memory and quality.",
    )
    parser.add_argument("--corpus", default="wiki", help="built-in corpus name or text file")
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--negatives", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=None, help="default 5 (1 with --scale)")
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--sample", type=float, default=1e-3)
    parser.add_argument("--alpha", type=float, default=0.025)
    parser.add_argument(
        "--batch-size", type=int, default=0, help="ours only; 0 = automatic per sampling mode"
    )
    parser.add_argument("--seed", type=int, default=1, help="repeat r uses seed + r")
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="interleaved runs per system (default 3; 1 with --scale); medians are reported",
    )
    parser.add_argument(
        "--systems",
        default="all",
        help="comma list of: all, ours, ours_shared (each with 1 and 2 workers), gensim "
        "(in-memory, workers 1 and 2), gensim_corpus_file, fasttext, ours1, ours2, gensim1, "
        "gensim2, or single run keys such as ours_workers_2 (default: all)",
    )
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--skip-eval", action="store_true", help="do not evaluate the vectors")
    parser.add_argument(
        "--scale", action="store_true", help="scaling run on synthetic Zipf corpora instead"
    )
    parser.add_argument(
        "--scale-sizes",
        default=DEFAULT_SCALE_SIZES,
        help=f"corpus sizes in tokens for --scale (default {DEFAULT_SCALE_SIZES})",
    )
    parser.add_argument(
        "--scale-vocab", type=int, default=10_000, help="distinct words of the Zipf corpora"
    )
    args = parser.parse_args(argv)
    try:
        args.run_keys = resolve_systems(args.systems)
        args.sizes = parse_sizes(args.scale_sizes)
    except ValueError as error:
        parser.error(str(error))
    if any(RUNS[key][0] == "fasttext" for key in args.run_keys) and not fasttext_available():
        parser.error(
            f"{FASTTEXT} not found: apt-get install fasttext, or leave it out with "
            "--systems ours,ours_shared,gensim,gensim_corpus_file"
        )
    if args.epochs is None:
        args.epochs = 1 if args.scale else 5
    if args.repeats is None:
        args.repeats = 1 if args.scale else 3
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def resolve_systems(text: str) -> list[str]:
    """``"ours,gensim"`` -> run keys in interleaving order; raises ValueError."""
    wanted: set[str] = set()
    for name in filter(None, (p.strip() for p in text.split(","))):
        if name not in SYSTEM_ALIASES:
            raise ValueError(f"unknown system {name!r}; choose from {', '.join(SYSTEM_ALIASES)}")
        wanted.update(SYSTEM_ALIASES[name])
    if not wanted:
        raise ValueError("no systems selected")
    return [key for key in RUNS if key in wanted]


def settings_from(args: argparse.Namespace) -> Settings:
    """The Settings fields given on the command line (the others keep their defaults)."""
    names = [f.name for f in dataclasses.fields(Settings) if hasattr(args, f.name)]
    return Settings(**{name: getattr(args, name) for name in names})


# --------------------------------------------------------------------------- running


def run_interleaved(
    run_keys: Sequence[str],
    corpus_path: Path,
    settings: Settings,
    repeats: int,
    workdir: Path,
    evaluate: bool,
    label: str = "",
    text_paths: dict[str, Path] | None = None,
) -> dict[str, dict[str, Any]]:
    """``repeats`` rounds of one run per system; returns the median summary per key.

    ``text_paths``: system -> the corpus as text, for gensim's ``corpus_file`` mode and
    fastText (:func:`text_for`).
    """
    runs: dict[str, list[dict[str, Any]]] = {key: [] for key in run_keys}
    for repeat in range(repeats):
        seeded = Settings(**{**settings.to_dict(), "seed": settings.seed + repeat})
        for key in run_keys:
            system, workers = RUNS[key]
            began = time.perf_counter()
            result = run_child(
                system, corpus_path, seeded, workdir, workers=workers, evaluate=evaluate,
                text_path=(text_paths or {}).get(system),
            )  # fmt: skip
            runs[key].append(result)
            log(
                f"{label}repeat {repeat + 1}/{repeats} {LABELS[key]:<21} "
                f"load {result['load_average_before'][0]:4.1f} "
                f"{result['words_per_sec']:>11,.0f} words/s  {result['seconds']:7.2f} s  "
                f"peak {result['peak_mb']:7.1f} MB  ({time.perf_counter() - began:.1f} s wall)"
            )
    return {key: median_of(results) for key, results in runs.items()}


def code_hashes(summaries: Sequence[dict[str, dict[str, Any]]]) -> list[str]:
    """The distinct ``w2v_core`` source hashes of all runs; warns when there are several."""
    hashes = sorted(
        {
            run["w2v_core_hash"]
            for summary in summaries
            for row in summary.values()
            for run in row["runs"]
            if run.get("w2v_core_hash")
        }
    )
    if len(hashes) > 1:
        log(f"warning: w2v_core changed during the benchmark (source hashes {hashes})")
    return hashes


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- modes


def text_for(
    run_keys: Sequence[str], corpus: Any, workdir: Path, min_count: int, stem: str = "corpus"
) -> dict[str, Path]:
    """Write the corpus as text for the runs that read a file: system -> path.

    gensim's ``corpus_file`` gets every token; fastText gets the words of at least
    ``min_count`` only, so that its epochs are the others' (see :mod:`benchmarks._peers`).
    """
    paths: dict[str, Path] = {}
    systems = {RUNS[key][0] for key in run_keys}
    if "gensim_corpus_file" in systems:
        paths["gensim_corpus_file"] = workdir / f"{stem}.txt"
        write_corpus_text(corpus, paths["gensim_corpus_file"])
    if "fasttext" in systems:
        paths["fasttext"] = workdir / f"{stem}-min{min_count}.txt"
        write_corpus_text(corpus, paths["fasttext"], min_count=min_count)
    return paths


def compare(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """The main benchmark on one corpus; prints the table, returns the JSON document."""
    from w2v_core.corpus import load_corpus

    settings = settings_from(args)
    log(f"loading corpus {args.corpus!r} ...")
    corpus = load_corpus(args.corpus)
    corpus_path = workdir / "corpus.npz"
    save_corpus(corpus, corpus_path)
    text_paths = text_for(args.run_keys, corpus, workdir, settings.min_count)
    corpus_info = {
        "name": corpus.name,
        "source": str(args.corpus),
        "tokens": corpus.n_tokens,
        "sentences": corpus.n_sentences,
        "distinct_words": len(corpus.words),
        "ids_mb": corpus.ids.nbytes / MB,
        "fingerprint": corpus.fingerprint,
    }
    del corpus
    machine = machine_info()
    summary = run_interleaved(
        args.run_keys, corpus_path, settings, args.repeats, workdir, not args.skip_eval,
        text_paths=text_paths,
    )  # fmt: skip
    machine["load_average_after"] = machine_info()["load_average"]
    machine["code"]["w2v_core_hashes"] = code_hashes([summary])
    checks = all_checks(summary)
    vocab = next(iter(summary.values()))["vocab_size"]
    corpus_line = (
        f"corpus {corpus_info['name']}: {corpus_info['tokens']:,} tokens, "
        f"{corpus_info['sentences']:,} sentences, vocabulary {vocab:,.0f} at min_count "
        f"{settings.min_count}"
    )
    print(comparison_table(summary, corpus_line, settings, args.repeats))
    print()
    print(checks_text(checks))
    return {
        **public_results(summary),
        "settings": {
            **settings.to_dict(),
            "repeats": args.repeats,
            "seeds": [settings.seed + r for r in range(args.repeats)],
            "systems": args.run_keys,
            "restrict_vocab": RESTRICT_VOCAB,
            "evaluated": not args.skip_eval,
            "words_per_sec": "raw corpus tokens x epochs / training seconds",
            "memory": {
                "ours": "RSS peak during Trainer.run() minus RSS before Trainer() (vocabulary, "
                "encoded ids, weights, temporaries); traced_peak_mb: tracemalloc over the "
                "first 500,000 words of an untimed extra epoch",
                "gensim": "RSS peak during train() (ru_maxrss, or 10 ms sampling when the "
                "high-water mark was set earlier) minus RSS before build_vocab()",
            },
        },
        "corpus": corpus_info,
        "machine": machine,
        "checks": checks,
    }


def scale(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Words/s and peak memory of each system on synthetic Zipf corpora of growing size."""
    settings = settings_from(args)
    machine = machine_info()
    per_size: list[dict[str, dict[str, Any]]] = []
    corpora = []
    for size in args.sizes:
        log(f"generating a {size:,}-token Zipf corpus ({args.scale_vocab:,} words) ...")
        corpus = zipf_corpus(size, vocab_size=args.scale_vocab, seed=args.seed)
        path = workdir / f"zipf-{size}.npz"
        save_corpus(corpus, path)
        text_paths = text_for(args.run_keys, corpus, workdir, settings.min_count, f"zipf-{size}")
        corpora.append({"tokens": corpus.n_tokens, "ids_mb": corpus.ids.nbytes / MB})
        del corpus
        per_size.append(
            run_interleaved(
                args.run_keys,
                path,
                settings,
                args.repeats,
                workdir,
                evaluate=False,
                label=f"[{size:,}] ",
                text_paths=text_paths,
            )  # fmt: skip
        )
        path.unlink()
        for text in text_paths.values():
            text.unlink()
    machine["load_average_after"] = machine_info()["load_average"]
    machine["code"]["w2v_core_hashes"] = code_hashes(per_size)

    rows: dict[str, list[dict[str, Any]]] = {key: [] for key in args.run_keys}
    for size, info, summary in zip(args.sizes, corpora, per_size, strict=True):
        for key in args.run_keys:
            rows[key].append({"size": size, **info, **summary[key]})
    checks = {key: scale_checks(rows[key]) for key in rows if key.startswith("ours")}

    print(scale_table(rows, settings, args))
    print()
    for key, items in checks.items():
        print(f"checks, {LABELS[key]}:")
        for name, item in items.items():
            print(f"  {name:<14}{verdict(item)}  {item['text']}")
    results: dict[str, Any] = {}
    for key, series in rows.items():
        if key in PEER_ENTRIES:
            system, entry = PEER_ENTRIES[key]
            results.setdefault(system, {})[entry] = series
        else:
            results[key] = series
    return {
        "mode": "scale",
        **results,
        "settings": {
            **settings.to_dict(),
            "repeats": args.repeats,
            "systems": args.run_keys,
            "sizes": args.sizes,
            "zipf": {"vocab_size": args.scale_vocab, "exponent": 1.0, "sentence_length": 1000},
        },
        "machine": machine,
        "checks": checks,
    }


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from w2v_core.errors import W2VError

    try:
        with tempfile.TemporaryDirectory(prefix="w2v-bench-") as tmp:
            document = scale(args, Path(tmp)) if args.scale else compare(args, Path(tmp))
    except (W2VError, ChildError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, indent=2, allow_nan=False) + "\n")
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
