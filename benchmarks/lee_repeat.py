"""Issue 28's ``lee`` command, many seeds, every mode, gensim beside: any exploded run?

The command that gave vectors of mean norm ~10^12 in 6 of 10 runs (shared pool,
2 workers, exit 0, no warning)::

    python -m w2v_core train lee --dim 100 --window 4 --negatives 15 --min-count 5 \\
        --epochs 10 --seed S

is run as that command line, in a fresh process, for every seed and each of our four
modes (shared pool / per pair x 1 / 2 workers), and gensim's ``Word2Vec(sg=1, hs=0)``
trains with the same settings and seeds (``workers`` 1 and 2, through the core's one
mapping :func:`w2v_core.evaluate.gensim_params`).  Runs are interleaved seed by seed.

Per run: exit code (a run taking over ``--timeout`` seconds is killed and counted as
hung), the mean row norm of the saved vectors, whether they **exploded** (a non-finite
value or a mean norm above :data:`benchmarks.stability.EXPLODED`; gensim's are about
1-5 here), WordSim-353 on the words lee covers, and the 10 nearest neighbours of
:data:`PROBES`, frequent lee words.

Are the neighbours sensible?  Lee has 60,533 tokens: even gensim's neighbours change
a lot from one seed to the next, so an absolute overlap means little.  The measure is
relative: the top-10 overlap of each run with gensim's run of the same seed and
worker count, beside gensim's overlap with ITSELF on the next seed (the noise floor of
this corpus).  Ours are as sensible as gensim's when ours-vs-gensim is about
gensim-vs-gensim; an exploded run has an overlap near 0.  WS353 on lee covers few
pairs and is noisy; it is shown as a second view, not a verdict.

Usage::

    python -m benchmarks.lee_repeat                                # seeds 1-20, ~50 min
    python -m benchmarks.lee_repeat --seeds 1 2 --json out.json --markdown out.md

It takes about 150 s per seed on a busy 2-core machine (a per-pair run ~60 s, shared
~5-7 s, gensim ~7-9 s): about 50 minutes for the 20 seeds.  Exit status 1 when any
of our runs failed, hung or exploded.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks.stability import EXPLODED, run_cli  # noqa: E402

SETTINGS = dict(dim=100, window=4, negatives=15, min_count=5, epochs=10)
#: The issue's command: train lee --dim 100 --window 4 --negatives 15 --min-count 5 --epochs 10
COMMAND = ["train", "lee"]
for _name, _value in SETTINGS.items():
    COMMAND += [f"--{_name.replace('_', '-')}", str(_value)]
#: Our modes: name -> extra command-line flags.
MODES: dict[str, list[str]] = {
    "shared w1": ["--shared-negatives", "--workers", "1"],
    "shared w2": ["--shared-negatives", "--workers", "2"],
    "per pair w1": ["--per-pair-negatives", "--workers", "1"],
    "per pair w2": ["--per-pair-negatives", "--workers", "2"],
}
GENSIM = {"gensim w1": 1, "gensim w2": 2}
PROBES = ("government", "police", "australia", "fire", "palestinian", "afghanistan", "people")
TOPN = 10


@dataclasses.dataclass
class Run:
    """One training: how it ended, its vectors' size and its neighbours."""

    system: str
    seed: int
    workers: int
    exit_code: int | None  # None: killed after the timeout (hung)
    seconds: float
    message: str = ""  # the last line of stderr
    mean_norm: float | None = None
    finite: bool | None = None
    exploded: bool = False
    ws353: float | None = None
    ws353_covered: int = 0
    neighbours: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.exit_code != 0

    def measure(self, kv: Any) -> None:
        """Fill the vector figures from ``kv`` (our :class:`~w2v_core.vectors.KeyedVectors`)."""
        from w2v_core.eval_similarity import word_pairs

        vectors = np.asarray(kv.vectors, dtype=np.float64)
        self.finite = bool(np.isfinite(vectors).all())
        self.mean_norm = float(np.linalg.norm(vectors, axis=1).mean()) if self.finite else None
        self.exploded = not self.finite or (self.mean_norm or 0.0) > EXPLODED
        if not self.finite:
            return
        score = word_pairs(kv, dataset="ws353")
        self.ws353 = None if np.isnan(score.spearman) else float(score.spearman)
        self.ws353_covered = int(score.n_covered)
        self.neighbours = {
            word: [w for w, _ in kv.most_similar(word, topn=TOPN)] for word in PROBES if word in kv
        }


def run_ours(mode: str, seed: int, workdir: Path, timeout: float) -> Run:
    """The issue's command line in a fresh process; the model read back from its file."""
    from w2v_core.io import load_vectors

    out = workdir / f"{mode.replace(' ', '-')}-{seed}.npz"
    argv = [*COMMAND, "--seed", str(seed), *MODES[mode], "--out", str(out), "--quiet"]
    code, message, seconds = run_cli(argv, timeout)
    run = Run(mode, seed, int(MODES[mode][-1]), code, seconds)
    run.message = message
    if code == 0:
        run.measure(load_vectors(out))
        out.unlink()
    return run


def run_gensim(name: str, seed: int, corpus: Any) -> Run:
    """gensim with the same settings and seed (in this process; it never hangs here)."""
    from w2v_core.config import TrainConfig
    from w2v_core.eval_gensim import train_gensim

    workers = GENSIM[name]
    began = time.perf_counter()
    result = train_gensim(corpus, TrainConfig(**SETTINGS, seed=seed), workers=workers)
    run = Run(name, seed, workers, 0, time.perf_counter() - began)
    run.measure(result.kv)
    return run


def overlap(a: Run | None, b: Run | None) -> float | None:
    """Mean share of top-10 neighbours two runs have in common, over the probe words.

    ``None`` when either run is missing or ended without vectors; 0 for non-finite ones.
    """
    if a is None or b is None or a.failed or b.failed:
        return None
    if not a.finite or not b.finite:
        return 0.0
    shared = [len(set(a.neighbours[w]) & set(b.neighbours.get(w, []))) / TOPN for w in a.neighbours]
    return float(np.mean(shared)) if shared else None


def summarise(runs: Sequence[Run], seeds: Sequence[int]) -> dict[str, dict[str, Any]]:
    """Per system: failures, hangs, explosions, norms, and the two neighbour overlaps."""
    by_key = {(r.system, r.seed): r for r in runs}
    following = {s: seeds[(i + 1) % len(seeds)] for i, s in enumerate(seeds)}
    summary: dict[str, dict[str, Any]] = {}
    for system in [*MODES, *GENSIM]:
        mine = [r for r in runs if r.system == system]
        if not mine:
            continue
        reference = f"gensim w{mine[0].workers}"
        # gensim against itself on the same seed would be a trivial 1.0: not shown.
        with_gensim = [overlap(r, by_key.get((reference, r.seed))) for r in mine if system in MODES]
        with_self = [
            overlap(r, by_key.get((system, following[r.seed]))) for r in mine if len(seeds) > 1
        ]
        norms = [r.mean_norm for r in mine if r.mean_norm is not None]
        summary[system] = {
            "runs": len(mine),
            "failed": sum(r.failed and r.exit_code is not None for r in mine),
            "hung": sum(r.exit_code is None for r in mine),
            "exploded": sum(r.exploded for r in mine),
            "mean_norm_median": _median(norms),
            "mean_norm_min": min(norms, default=None),
            "mean_norm_max": max(norms, default=None),
            "overlap_with_gensim": _median(with_gensim),
            "overlap_with_itself_next_seed": _median(with_self),
            "ws353_median": _median([r.ws353 for r in mine]),
            "ws353_covered": max((r.ws353_covered for r in mine), default=0),
            "seconds_median": _median([r.seconds for r in mine]),
            "messages": sorted({r.message for r in mine if r.failed}),
        }
    return summary


def _median(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(statistics.median(known)) if known else None


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def table(summary: dict[str, dict[str, Any]]) -> str:
    """Markdown: one row per system."""
    lines = [
        "| system | runs | exit != 0 | hung | exploded | mean norm, median [min-max] "
        f"| top-{TOPN} overlap with gensim, same seed & workers | with itself, next seed "
        "| WS353 (pairs) | s per run |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for system, row in summary.items():
        norms = (
            f"{_fmt(row['mean_norm_median'], '.2f')} [{_fmt(row['mean_norm_min'], '.2f')}-"
            f"{_fmt(row['mean_norm_max'], '.3g')}]"
        )
        lines.append(
            f"| {system} | {row['runs']} | {row['failed']} | {row['hung']} | {row['exploded']} "
            f"| {norms} | {_fmt(row['overlap_with_gensim'], '.2f')} "
            f"| {_fmt(row['overlap_with_itself_next_seed'], '.2f')} "
            f"| {_fmt(row['ws353_median'], '.3f')} ({row['ws353_covered']}) "
            f"| {_fmt(row['seconds_median'], '.1f')} |"
        )
    return "\n".join(lines)


def neighbours_table(runs: Sequence[Run], seed: int, shown: int = 5) -> str:
    """Markdown: the first ``shown`` neighbours of each probe word, every system, one seed."""
    mine = [r for r in runs if r.seed == seed]
    lines = [
        f"| word (seed {seed}) | " + " | ".join(r.system for r in mine) + " |",
        "|---|" + "---|" * len(mine),
    ]
    for word in PROBES:
        cells = [", ".join(r.neighbours.get(word, [])[:shown]) or "-" for r in mine]
        lines.append(f"| {word} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.lee_repeat", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 21)))
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--no-gensim", action="store_true")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before 'hung'")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    from w2v_core.corpus import load_corpus

    args = parse_args(argv)
    load_before = os.getloadavg()
    corpus = None if args.no_gensim else load_corpus("lee")
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="w2v-lee-") as tmp:
        for seed in args.seeds:
            names = [*args.modes, *([] if corpus is None else GENSIM)]
            for name in names:
                if name in MODES:
                    run = run_ours(name, seed, Path(tmp), args.timeout)
                else:
                    run = run_gensim(name, seed, corpus)
                runs.append(run)
                shown = (
                    f"exit {run.exit_code}" if run.failed else
                    f"norm {_fmt(run.mean_norm, '.3g')}{' EXPLODED' if run.exploded else ''}"
                )  # fmt: skip
                print(f"seed {seed:2} {name:12} {shown:28} {run.seconds:6.1f} s {run.message}",
                      file=sys.stderr, flush=True)  # fmt: skip
    summary = summarise(runs, args.seeds)
    text = table(summary) + "\n\n" + neighbours_table(runs, args.seeds[0])
    load_after = os.getloadavg()
    text += f"\n\nload average {load_before[0]:.1f} before, {load_after[0]:.1f} after"
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text + "\n", encoding="utf-8")
    if args.json:
        document = {
            "command": "python -m w2v_core " + " ".join(COMMAND) + " --seed S",
            "modes": MODES,
            "seeds": args.seeds,
            "probes": PROBES,
            "exploded_above": EXPLODED,
            "load_average": {"before": load_before, "after": load_after},
            "summary": summary,
            "runs": [dataclasses.asdict(r) for r in runs],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, indent=1, allow_nan=False) + "\n")
    ours = [r for r in runs if r.system in MODES]
    return 1 if any(r.failed or r.exploded for r in ours) else 0


if __name__ == "__main__":
    sys.exit(main())
