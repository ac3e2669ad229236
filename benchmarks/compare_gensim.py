"""Benchmark our NumPy skip-gram against gensim's ``Word2Vec`` (``sg=1, hs=0``).

Both systems train on the same token stream with the same settings; each runs
with ``workers=1`` and ``workers=2``.  Runs are interleaved (ours per-pair, ours
shared, gensim 1, ours per-pair 2 workers, ours shared 2 workers, gensim 2, then
again with the next seed), each in a fresh child process, and the median of
``--repeats`` runs is reported.  Every run records the machine's load average
(``os.getloadavg()``) before and after it.

Usage (from the repository root)::

    python -m benchmarks.compare_gensim                        # wiki, default settings
    python -m benchmarks.compare_gensim --json bench.json      # also write JSON
    python -m benchmarks.compare_gensim --corpus text8 --repeats 1
    python -m benchmarks.compare_gensim --systems ours --skip-eval
    python -m benchmarks.compare_gensim --scale                # 1M/4M/16M-token Zipf corpora

Figures for each system
-----------------------
* ``words_per_sec``: raw corpus tokens x epochs / training seconds (one
  definition for all systems; gensim's own log counts differently).
* ``seconds``: the training call only -- ``Trainer.run()`` for ours, ``train()``
  for gensim; building the vocabulary and allocating weights is excluded
  (reported apart as ``setup_seconds``).
* ``peak_mb``: peak memory of training above the state before the vocabulary was
  built, so it includes the weights (RSS for both systems; ours is cross-checked
  with tracemalloc on the start of an extra untimed epoch; see :mod:`benchmarks._measure`).
  ``run_extra_mb`` is the part allocated during the training call itself.
* ``ws353``, ``simlex999``: Spearman correlations; ``analogy``: accuracy on the
  Google analogies, all with :mod:`w2v_core.evaluate` on the 30,000 most frequent
  words of each model.

The acceptance checks printed at the end (and stored under ``"checks"``), the
floors of issue 17 (:data:`SPEED_FLOORS`): words/s against gensim with the same
number of workers (per pair >= 0.27x / 0.25x, shared >= 1.20x); WordSim-353 >=
that gensim's - 0.02; peak memory <= 2 x (matrices + corpus ids) + 200 MB.
With 2 workers our peak memory is the parent process's (the shared weights are
mapped there; the other worker's private memory is not counted).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` and `w2v_core` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import (  # noqa: E402
    MB,
    RESTRICT_VOCAB,
    ChildError,
    Settings,
    fmt,
    machine_info,
    median_of,
    parse_sizes,
    run_child,
    save_corpus,
    zipf_corpus,
)

#: Run keys, in the order runs are interleaved: (system, workers).
RUNS: dict[str, tuple[str, int]] = {
    "ours": ("ours", 1),
    "ours_shared": ("ours_shared", 1),
    "gensim_w1": ("gensim", 1),
    "ours_workers_2": ("ours", 2),
    "ours_shared_workers_2": ("ours_shared", 2),
    "gensim_w2": ("gensim", 2),
}
LABELS = {
    "ours": "ours per-pair",
    "ours_shared": "ours shared",
    "gensim_w1": "gensim workers=1",
    "ours_workers_2": "ours per-pair w=2",
    "ours_shared_workers_2": "ours shared w=2",
    "gensim_w2": "gensim workers=2",
}
SYSTEM_ALIASES = {
    **{key: [key] for key in RUNS},
    "ours": ["ours", "ours_workers_2"],
    "ours_shared": ["ours_shared", "ours_shared_workers_2"],
    "ours1": ["ours", "ours_shared"],
    "ours2": ["ours_workers_2", "ours_shared_workers_2"],
    "gensim": ["gensim_w1", "gensim_w2"],
    "gensim1": ["gensim_w1"],
    "gensim2": ["gensim_w2"],
}
#: The speed floors of issue 17: our run key -> (gensim run key it is compared with, ratio).
SPEED_FLOORS: dict[str, tuple[str, float]] = {
    "ours": ("gensim_w1", 0.27),
    "ours_shared": ("gensim_w1", 1.20),
    "ours_workers_2": ("gensim_w2", 0.25),
    "ours_shared_workers_2": ("gensim_w2", 1.20),
}
WS353_TOLERANCE = 0.02
MEMORY_FACTOR, MEMORY_SLACK_MB = 2.0, 200.0
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
        default="ours,ours_shared,gensim",
        help="comma list of: ours, ours_shared (each with 1 and 2 workers), gensim (workers 1 "
        "and 2), ours1, ours2, gensim1, gensim2, or single run keys such as ours_workers_2",
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
) -> dict[str, dict[str, Any]]:
    """``repeats`` rounds of one run per system; returns the median summary per key."""
    runs: dict[str, list[dict[str, Any]]] = {key: [] for key in run_keys}
    for repeat in range(repeats):
        seeded = Settings(**{**settings.to_dict(), "seed": settings.seed + repeat})
        for key in run_keys:
            system, workers = RUNS[key]
            began = time.perf_counter()
            result = run_child(
                system, corpus_path, seeded, workdir, workers=workers, evaluate=evaluate
            )
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


# --------------------------------------------------------------------------- checks


def check(passed: bool | None, value: float | None, limit: float | None, text: str) -> dict:
    return {"passed": passed, "value": value, "limit": limit, "text": text}


def checks_for(
    key: str, ours: dict[str, Any], gensim: dict[str, Any] | None, gensim_label: str
) -> dict[str, dict]:
    """The acceptance checks of one of our run keys against its gensim reference."""
    floor = SPEED_FLOORS[key][1]
    result: dict[str, dict] = {}
    if gensim is None:
        result["speed"] = check(None, None, None, f"not measured: {gensim_label} was not run")
    else:
        ratio = ours["words_per_sec"] / gensim["words_per_sec"]
        result["speed"] = check(
            ratio >= floor,
            ratio,
            floor,
            f"{ours['words_per_sec']:,.0f} words/s = {ratio:.2f}x {gensim_label} "
            f"({gensim['words_per_sec']:,.0f}); need >= {floor:.2f}x "
            f"[median of per-repeat ratios: {paired_ratio(ours, gensim):.2f}x]",
        )
    ours_ws, gensim_ws = ours.get("ws353"), gensim.get("ws353") if gensim else None
    if ours_ws is None or gensim_ws is None:
        result["ws353"] = check(
            None,
            ours_ws,
            None,
            "not measured (evaluation skipped, gensim not run, or no WordSim-353 pair covered)",
        )
    else:
        limit = gensim_ws - WS353_TOLERANCE
        result["ws353"] = check(
            ours_ws >= limit,
            ours_ws,
            limit,
            f"Spearman {ours_ws:.3f} vs {gensim_label} {gensim_ws:.3f}; "
            f"need >= {gensim_ws:.3f} - {WS353_TOLERANCE} = {limit:.3f}",
        )
    weights, ids = ours["weights_mb"], ours["ids_mb"]
    limit = MEMORY_FACTOR * (weights + ids) + MEMORY_SLACK_MB
    result["memory"] = check(
        ours["peak_mb"] <= limit,
        ours["peak_mb"],
        limit,
        f"peak {ours['peak_mb']:.1f} MB ({ours['memory_method']}); need <= "
        f"{MEMORY_FACTOR:g} x ({weights:.1f} matrices + {ids:.1f} ids) + "
        f"{MEMORY_SLACK_MB:g} = {limit:.1f} MB",
    )
    return result


def all_checks(summary: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict]]:
    return {
        key: checks_for(
            key, summary[key], summary.get(SPEED_FLOORS[key][0]), LABELS[SPEED_FLOORS[key][0]]
        )
        for key in SPEED_FLOORS
        if key in summary
    }


def verdict(item: dict) -> str:
    return {True: "PASS", False: "FAIL", None: "n/a "}[item["passed"]]


# --------------------------------------------------------------------------- report


def comparison_table(
    summary: dict[str, dict[str, Any]], corpus_line: str, settings: Settings, repeats: int
) -> str:
    """The readable table for stdout."""
    lines = [
        corpus_line,
        "settings: "
        + ", ".join(
            f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}"
            for k, v in settings.to_dict().items()
            if k != "seed"
        )
        + f"; {repeats} interleaved repeat(s), medians shown",
        "",
    ]
    g1, g2 = summary.get("gensim_w1"), summary.get("gensim_w2")
    header = (
        f"{'system':<20}{'words/s':>11}{'train s':>9}{'setup s':>9}{'peak MB':>9}"
        f"{'run+ MB':>9}  {'memory via':<11}{'WS353':>7}{'SimLex':>8}{'analogy':>9}"
        f"{'/gensim1':>10}{'/gensim2':>10}"
    )
    lines += [header, "-" * len(header)]
    for key, row in summary.items():
        ratio1 = row["words_per_sec"] / g1["words_per_sec"] if g1 else None
        ratio2 = row["words_per_sec"] / g2["words_per_sec"] if g2 else None
        lines.append(
            f"{LABELS[key]:<20}{row['words_per_sec']:>11,.0f}{row['seconds']:>9.2f}"
            f"{row['setup_seconds']:>9.2f}{row['peak_mb']:>9.1f}{row['run_extra_mb']:>9.1f}  "
            f"{row['memory_method']:<11}{fmt(row.get('ws353'), '.3f'):>7}"
            f"{fmt(row.get('simlex999'), '.3f'):>8}{fmt(row.get('analogy'), '.3f'):>9}"
            f"{fmt(ratio1, '.2f', 'x'):>10}{fmt(ratio2, '.2f', 'x'):>10}"
        )
    lines += [
        "",
        "words/s = raw corpus tokens x epochs / training seconds (vocabulary building excluded).",
        "peak MB = peak above the state before the vocabulary was built (weights included);",
        "run+ MB = part of it allocated during the training call.  Both measured by RSS",
        "(ru_maxrss / sampling); ours also by tracemalloc over the first 500k words of an",
        "untimed extra epoch (JSON traced_peak_mb), since tracing every allocation would",
        "slow the timed run.",
        f"Quality: our evaluate functions, {RESTRICT_VOCAB:,} most frequent words of each model.",
    ]
    return "\n".join(lines)


def checks_text(checks: dict[str, dict[str, dict]]) -> str:
    lines = []
    for key, items in checks.items():
        lines.append(f"checks, {LABELS[key]}:")
        for name, item in items.items():
            lines.append(f"  {name:<7}{verdict(item)}  {item['text']}")
    return "\n".join(lines)


def paired_ratio(ours: dict[str, Any], gensim: dict[str, Any]) -> float:
    """Median over repeats of ours / gensim words/s within each repeat.

    Runs of one repeat are back to back, so this ratio is less sensitive to load that
    changes during the benchmark than the ratio of the two medians.
    """
    ratios = [
        a["words_per_sec"] / b["words_per_sec"]
        for a, b in zip(ours["runs"], gensim["runs"], strict=True)
    ]
    return float(statistics.median(ratios))


def public_results(summary: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Rename run keys to the JSON layout: ours, ours_shared, gensim.workers_N."""
    out: dict[str, Any] = {}
    for key, row in summary.items():
        row = dict(row)
        if key.startswith("ours"):
            row["workers"] = RUNS[key][1]
            for workers in (1, 2):
                reference = summary.get(f"gensim_w{workers}")
                name = f"speed_ratio_vs_gensim_workers_{workers}"
                row[name] = row["words_per_sec"] / reference["words_per_sec"] if reference else None
                row[name + "_paired"] = paired_ratio(row, reference) if reference else None
            out[key] = row
        else:
            out.setdefault("gensim", {})[f"workers_{RUNS[key][1]}"] = row
    return out


# --------------------------------------------------------------------------- modes


def compare(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """The main benchmark on one corpus; prints the table, returns the JSON document."""
    from w2v_core.corpus import load_corpus

    settings = settings_from(args)
    log(f"loading corpus {args.corpus!r} ...")
    corpus = load_corpus(args.corpus)
    corpus_path = workdir / "corpus.npz"
    save_corpus(corpus, corpus_path)
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
        args.run_keys, corpus_path, settings, args.repeats, workdir, not args.skip_eval
    )
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
            )
        )
        path.unlink()
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
        if key.startswith("ours"):
            results[key] = series
        else:
            results.setdefault("gensim", {})[f"workers_{RUNS[key][1]}"] = series
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


def scale_checks(series: list[dict[str, Any]]) -> dict[str, dict]:
    """Flat words/s, memory growing like the id array only, and the memory bar at each size."""
    small, large = series[0], series[-1]
    speed_ratio = large["words_per_sec"] / small["words_per_sec"]
    checks = {
        "flat_speed": check(
            speed_ratio >= 0.7,
            speed_ratio,
            0.7,
            f"words/s at {large['size']:,} tokens = {speed_ratio:.2f}x that at "
            f"{small['size']:,} (need >= 0.70x)",
        )
    }

    # The weights follow the vocabulary, not the corpus length: leave them out.  Ours
    # also has exact traced allocations, steadier than RSS for a growth figure.
    def peak(row: dict[str, Any]) -> float:
        return row.get("traced_peak_mb", row["peak_mb"])

    extra_tokens = large["tokens"] - small["tokens"]
    grown_mb = (peak(large) - large["weights_mb"]) - (peak(small) - small["weights_mb"])
    ids_grown_mb = large["ids_mb"] - small["ids_mb"]
    limit = 2 * ids_grown_mb + 16.0
    per_token = grown_mb * MB / extra_tokens if extra_tokens > 0 else math.nan
    checks["memory_growth"] = check(
        grown_mb <= limit,
        grown_mb,
        limit,
        f"peak less weights grew {grown_mb:.1f} MB ({per_token:.1f} bytes per extra token; "
        f"run+ {small['run_extra_mb']:.1f} -> {large['run_extra_mb']:.1f} MB) while the corpus "
        f"ids grew {ids_grown_mb:.1f} MB; need <= 2 x ids growth + 16 = {limit:.1f} MB",
    )
    worst = max(
        series,
        key=lambda r: r["peak_mb"] - (MEMORY_FACTOR * (r["weights_mb"] + r["ids_mb"])),
    )
    bar = MEMORY_FACTOR * (worst["weights_mb"] + worst["ids_mb"]) + MEMORY_SLACK_MB
    checks["memory_bar"] = check(
        all(
            r["peak_mb"] <= MEMORY_FACTOR * (r["weights_mb"] + r["ids_mb"]) + MEMORY_SLACK_MB
            for r in series
        ),
        worst["peak_mb"],
        bar,
        f"tightest at {worst['size']:,} tokens: peak {worst['peak_mb']:.1f} MB <= "
        f"2 x ({worst['weights_mb']:.1f} + {worst['ids_mb']:.1f}) + 200 = {bar:.1f} MB",
    )
    return checks


def scale_table(
    rows: dict[str, list[dict[str, Any]]], settings: Settings, args: argparse.Namespace
) -> str:
    header = (
        f"{'system':<20}{'tokens':>12}{'vocab':>8}{'words/s':>11}{'train s':>9}"
        f"{'peak MB':>9}{'run+ MB':>9}{'ids MB':>8}{'matrices MB':>13}  memory via"
    )
    lines = [
        f"scaling: Zipf corpora (exponent 1, {args.scale_vocab:,} words), epochs "
        f"{settings.epochs}, dim {settings.dim}, window {settings.window}, negatives "
        f"{settings.negatives}, {args.repeats} repeat(s), medians shown",
        "",
        header,
        "-" * len(header),
    ]
    for key, series in rows.items():
        for row in series:
            lines.append(
                f"{LABELS[key]:<20}{row['tokens']:>12,}{row['vocab_size']:>8,.0f}"
                f"{row['words_per_sec']:>11,.0f}{row['seconds']:>9.2f}{row['peak_mb']:>9.1f}"
                f"{row['run_extra_mb']:>9.1f}{row['ids_mb']:>8.1f}{row['weights_mb']:>13.1f}"
                f"  {row['memory_method']}"
            )
    return "\n".join(lines)


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
