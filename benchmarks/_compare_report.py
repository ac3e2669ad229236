"""The tables, checks and JSON layout of :mod:`benchmarks.compare_gensim`: which runs
there are, what each of ours is compared with, and how the figures are printed.

Our speed is measured against the FASTEST gensim mode (in-memory sentences or
``corpus_file``) run with the same number of workers, the floors of issue 28
(:data:`SPEED_FLOORS`); WordSim-353 against that same gensim run, within
:data:`WS353_TOLERANCE`.
"""

from __future__ import annotations

import argparse
import math
import statistics
from typing import Any

from benchmarks._measure import MB, RESTRICT_VOCAB, Settings, fmt

#: Run keys, in the order runs are interleaved: (system, workers).
RUNS: dict[str, tuple[str, int]] = {
    "ours": ("ours", 1),
    "ours_shared": ("ours_shared", 1),
    "gensim_w1": ("gensim", 1),
    "gensim_corpus_file_w1": ("gensim_corpus_file", 1),
    "fasttext_w1": ("fasttext", 1),
    "ours_workers_2": ("ours", 2),
    "ours_shared_workers_2": ("ours_shared", 2),
    "gensim_w2": ("gensim", 2),
    "gensim_corpus_file_w2": ("gensim_corpus_file", 2),
    "fasttext_w2": ("fasttext", 2),
}
LABELS = {
    "ours": "ours per-pair",
    "ours_shared": "ours shared",
    "gensim_w1": "gensim workers=1",
    "gensim_corpus_file_w1": "gensim file w=1",
    "fasttext_w1": "fastText thread=1",
    "ours_workers_2": "ours per-pair w=2",
    "ours_shared_workers_2": "ours shared w=2",
    "gensim_w2": "gensim workers=2",
    "gensim_corpus_file_w2": "gensim file w=2",
    "fasttext_w2": "fastText thread=2",
}
#: Where each peer's figures go in the JSON: run key -> (system, entry).
PEER_ENTRIES = {
    "gensim_w1": ("gensim", "workers_1"),
    "gensim_w2": ("gensim", "workers_2"),
    "gensim_corpus_file_w1": ("gensim", "corpus_file_workers_1"),
    "gensim_corpus_file_w2": ("gensim", "corpus_file_workers_2"),
    "fasttext_w1": ("fasttext", "workers_1"),
    "fasttext_w2": ("fasttext", "workers_2"),
}
#: The gensim modes; our speed is measured against the fastest with the same workers.
GENSIM_MODES = ("gensim_w{}", "gensim_corpus_file_w{}")
SYSTEM_ALIASES = {
    **{key: [key] for key in RUNS},
    "all": list(RUNS),
    "ours": ["ours", "ours_workers_2"],
    "ours_shared": ["ours_shared", "ours_shared_workers_2"],
    "ours1": ["ours", "ours_shared"],
    "ours2": ["ours_workers_2", "ours_shared_workers_2"],
    "gensim": ["gensim_w1", "gensim_w2"],
    "gensim1": ["gensim_w1"],
    "gensim2": ["gensim_w2"],
    "gensim_corpus_file": ["gensim_corpus_file_w1", "gensim_corpus_file_w2"],
    "fasttext": ["fasttext_w1", "fasttext_w2"],
}
#: The speed floors of issue 28: our run key -> least ratio to the fastest gensim mode
#: with the same number of workers.
SPEED_FLOORS: dict[str, float] = {
    "ours": 0.45,
    "ours_shared": 2.0,
    "ours_workers_2": 0.45,
    "ours_shared_workers_2": 1.8,
}
WS353_TOLERANCE = 0.01
MEMORY_FACTOR, MEMORY_SLACK_MB = 2.0, 200.0


# --------------------------------------------------------------------------- checks


def check(passed: bool | None, value: float | None, limit: float | None, text: str) -> dict:
    return {"passed": passed, "value": value, "limit": limit, "text": text}


def fastest_gensim(summary: dict[str, dict[str, Any]], workers: int) -> str | None:
    """The run key of the fastest gensim mode measured with ``workers`` (None if none ran)."""
    keys = [mode.format(workers) for mode in GENSIM_MODES if mode.format(workers) in summary]
    return max(keys, key=lambda k: summary[k]["words_per_sec"], default=None)


def checks_for(
    key: str, ours: dict[str, Any], gensim: dict[str, Any] | None, gensim_label: str
) -> dict[str, dict]:
    """The acceptance checks of one of our run keys against its gensim reference."""
    floor = SPEED_FLOORS[key]
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
    """Each of our modes against the fastest gensim mode with the same workers."""
    checks = {}
    for key in SPEED_FLOORS:
        if key in summary:
            workers = RUNS[key][1]
            reference = fastest_gensim(summary, workers)
            label = f"fastest gensim ({LABELS[reference]})" if reference else "gensim"
            checks[key] = checks_for(
                key, summary[key], summary.get(reference) if reference else None, label
            )
    return checks


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
    header = (
        f"{'system':<20}{'words/s':>11}{'train s':>9}{'setup s':>9}{'peak MB':>9}"
        f"{'run+ MB':>9}  {'memory via':<12}{'WS353':>7}{'SimLex':>8}{'analogy':>9}"
        f"{'/gensim*':>10}{'/fastText':>10}"
    )
    lines += [header, "-" * len(header)]
    for key, row in summary.items():
        workers = RUNS[key][1]
        best, fasttext = fastest_gensim(summary, workers), summary.get(f"fasttext_w{workers}")
        ratio = row["words_per_sec"] / summary[best]["words_per_sec"] if best else None
        ratio_ft = row["words_per_sec"] / fasttext["words_per_sec"] if fasttext else None
        lines.append(
            f"{LABELS[key]:<20}{row['words_per_sec']:>11,.0f}{row['seconds']:>9.2f}"
            f"{row['setup_seconds']:>9.2f}{row['peak_mb']:>9.1f}"
            f"{fmt(row.get('run_extra_mb'), '.1f'):>9}  "
            f"{row['memory_method']:<12}{fmt(row.get('ws353'), '.3f'):>7}"
            f"{fmt(row.get('simlex999'), '.3f'):>8}{fmt(row.get('analogy'), '.3f'):>9}"
            f"{fmt(ratio, '.2f', 'x'):>10}{fmt(ratio_ft, '.2f', 'x'):>10}"
        )
    lines += [
        "",
        "words/s = raw corpus tokens x epochs / training seconds (vocabulary building excluded;",
        "fastText: its own clock from its threads' start to its final report).",
        "/gensim* = words/s / the fastest gensim mode (in-memory or corpus_file) with the same",
        "workers; /fastText = / fastText with as many threads.",
        "peak MB = peak above the state before the vocabulary was built (weights included;",
        "fastText: its whole process); run+ MB = part of it allocated during the training call.",
        "Both measured by RSS (ru_maxrss / sampling); ours also by tracemalloc over the first",
        "500k words of an untimed extra epoch (JSON traced_peak_mb), since tracing every",
        "allocation would slow the timed run.",
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
    """Rename run keys to the JSON layout: ours, ours_shared(_workers_2), gensim.workers_N,
    gensim.corpus_file_workers_N, fasttext.workers_N.

    Ours also get their ratios: ``speed_ratio_vs_gensim_workers_N`` (gensim in memory,
    as before), ``speed_ratio_vs_fastest_gensim`` (the checks' reference, same workers,
    named in ``fastest_gensim``) and ``speed_ratio_vs_fasttext`` (same workers); each
    ``_paired`` is the median of the per-repeat ratios.
    """
    out: dict[str, Any] = {}

    def ratios(row: dict[str, Any], name: str, reference: dict[str, Any] | None) -> None:
        row[name] = row["words_per_sec"] / reference["words_per_sec"] if reference else None
        row[name + "_paired"] = paired_ratio(row, reference) if reference else None

    for key, row in summary.items():
        row = dict(row)
        if key in PEER_ENTRIES:
            system, entry = PEER_ENTRIES[key]
            out.setdefault(system, {})[entry] = row
            continue
        workers = row["workers"] = RUNS[key][1]
        for n in (1, 2):
            ratios(row, f"speed_ratio_vs_gensim_workers_{n}", summary.get(f"gensim_w{n}"))
        best = fastest_gensim(summary, workers)
        row["fastest_gensim"] = PEER_ENTRIES[best][1] if best else None
        ratios(row, "speed_ratio_vs_fastest_gensim", summary.get(best) if best else None)
        ratios(row, "speed_ratio_vs_fasttext", summary.get(f"fasttext_w{workers}"))
        out[key] = row
    return out


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
                f"{fmt(row.get('run_extra_mb'), '.1f'):>9}{row['ids_mb']:>8.1f}"
                f"{row['weights_mb']:>13.1f}"
                f"  {row['memory_method']}"
            )
    return "\n".join(lines)
