"""Does any setting the sliders reach make training diverge?  Ours and gensim side by side.

For each corpus, setting, mode (shared pool / per pair), worker count and seed, one
run of ours (:class:`w2v_core.train.Trainer`) and, per setting, worker count and seed,
one of gensim's ``Word2Vec(sg=1, hs=0)`` with the same dim, window, negatives,
learning rates, min-count, sample, epochs and seed (gensim has no batch size or
shared pool: its run stands beside both our modes).  A run **diverged** when it
raised :class:`~w2v_core.errors.TrainingDivergedError` or ended with non-finite
vectors or a mean row norm above :data:`EXPLODED` (gensim's runs here have mean
norms of about 0.3-5).

The settings are the sliders' extremes (dim 10-300, window 1-15, negatives 1-25,
learning rate 0.001-0.2, batch 64-4096), one at a time beside the default, and the
worst of them together; plus the command of issue 28
(``lee --dim 100 --window 4 --negatives 15 --min-count 5 --epochs 10``) with
``--issue-command``.

Usage::

    python -m benchmarks.stability                             # toy + lee, 3 seeds
    python -m benchmarks.stability --corpora toy --seeds 1 --epochs 1
    python -m benchmarks.stability --json stability.json --markdown table.md

Prints one line per run as it ends, then the table of divergences (ours / gensim,
out of the runs) per setting.  Nothing here is asserted in pytest;
``tests/test_stability.py`` runs a small fast subset.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from w2v_core.config import TrainConfig, resolve  # noqa: E402
from w2v_core.errors import TrainingDivergedError  # noqa: E402

EXPLODED = 100.0
"""A mean row norm above this is an exploded run."""

DEFAULT = dict(dim=100, window=5, negatives=5, alpha=0.025, batch_size=0)
#: name -> settings that differ from DEFAULT (the sliders' ends).
SETTINGS: dict[str, dict[str, Any]] = {
    "default": {},
    "dim 10, lr 0.2": dict(dim=10, alpha=0.2),
    "dim 300, lr 0.2": dict(dim=300, alpha=0.2),
    "window 1, neg 25": dict(window=1, negatives=25),
    "window 15": dict(window=15),
    "neg 25": dict(negatives=25),
    "lr 0.001": dict(alpha=0.001, min_alpha=0.0001),
    "lr 0.2": dict(alpha=0.2),
    "batch 64, lr 0.2": dict(batch_size=64, alpha=0.2),
    "batch 4096": dict(batch_size=4096),
    "neg 25, window 15, batch 4096": dict(negatives=25, window=15, batch_size=4096),
    "all at once, lr 0.2": dict(negatives=25, window=15, batch_size=4096, alpha=0.2),
}
ISSUE_COMMAND = dict(dim=100, window=4, negatives=15, min_count=5, epochs=10)


@dataclasses.dataclass
class Outcome:
    """One run: did it diverge, and the mean norm of its vectors."""

    system: str  # "shared", "per pair" or "gensim"
    corpus: str
    setting: str
    workers: int  # workers it really trained with
    seed: int
    diverged: bool
    mean_norm: float | None
    seconds: float
    message: str = ""


def _mean_norm(vectors: np.ndarray) -> float:
    return float(np.linalg.norm(vectors.astype(np.float64), axis=1).mean())


def _verdict(vectors: np.ndarray) -> tuple[bool, float | None]:
    if not np.isfinite(vectors).all():
        return True, None
    norm = _mean_norm(vectors)
    return norm > EXPLODED, norm


def run_ours(corpus: Any, config: TrainConfig) -> tuple[bool, float | None, str]:
    """Train ours; ``(diverged, mean norm, message)``."""
    from w2v_core.train import Trainer

    try:
        model = Trainer(corpus, config).run()
    except TrainingDivergedError as error:
        return True, None, str(error)
    diverged, norm = _verdict(model.w_in)
    return diverged, norm, ""


def run_gensim(corpus: Any, config: TrainConfig) -> tuple[bool, float | None, str]:
    """Train gensim with the same settings; ``(diverged, mean norm, message)``."""
    from gensim.models import Word2Vec

    model = Word2Vec(
        sentences=corpus.sentences(), vector_size=config.dim, window=config.window,
        negative=config.negatives, alpha=config.alpha, min_alpha=config.min_alpha,
        min_count=config.min_count, sample=config.sample, epochs=config.epochs,
        seed=config.seed, workers=config.workers, sg=1, hs=0,
    )  # fmt: skip
    diverged, norm = _verdict(model.wv.vectors)
    return diverged, norm, ""


def configs(
    base: dict[str, Any], settings: dict[str, dict[str, Any]]
) -> list[tuple[str, dict[str, Any]]]:
    return [(name, {**DEFAULT, **base, **changes}) for name, changes in settings.items()]


def run_all(args: argparse.Namespace) -> list[Outcome]:
    from w2v_core.corpus import load_corpus

    settings = dict(SETTINGS)
    base: dict[str, Any] = dict(epochs=args.epochs, min_count=1)
    if args.only:
        settings = {k: v for k, v in settings.items() if k in args.only}
    outcomes: list[Outcome] = []
    for corpus_name in args.corpora:
        corpus = load_corpus(corpus_name)
        plan = configs(base, settings)
        if args.issue_command and corpus_name == "lee":
            plan.append(("issue 28 command", {**DEFAULT, **ISSUE_COMMAND}))
        for seed in range(1, args.seeds + 1):
            for workers in args.workers:
                for name, values in plan:
                    systems = [("shared", True), ("per pair", False)]
                    systems += [] if args.no_gensim else [("gensim", None)]
                    for system, shared in systems:
                        if system == "per pair" and args.skip_per_pair:
                            continue
                        config = TrainConfig(
                            **values, seed=seed, workers=workers,
                            shared_negatives=bool(shared),
                        )  # fmt: skip
                        config = resolve(corpus, config)
                        start = time.perf_counter()
                        runner = run_gensim if system == "gensim" else run_ours
                        diverged, norm, message = runner(corpus, config)
                        outcome = Outcome(
                            system, corpus_name, name, config.workers, seed, diverged, norm,
                            time.perf_counter() - start, message,
                        )  # fmt: skip
                        outcomes.append(outcome)
                        shown = "DIVERGED" if diverged else f"norm {norm:.2f}"
                        print(
                            f"{corpus_name:4} {name:32} {system:8} w{config.workers} "
                            f"seed {seed}: {shown} ({outcome.seconds:.1f} s) {message}",
                            flush=True,
                        )
    return outcomes


def table(outcomes: Sequence[Outcome]) -> str:
    """Markdown: per corpus and setting, divergences of each system out of its runs."""
    systems = ["shared", "per pair", "gensim"]
    rows: dict[tuple[str, str], dict[str, list[Outcome]]] = {}
    for outcome in outcomes:
        rows.setdefault((outcome.corpus, outcome.setting), {}).setdefault(
            outcome.system, []
        ).append(outcome)
    lines = [
        "| corpus | setting | " + " | ".join(f"{s}: diverged / runs" for s in systems)
        + " | mean norm (shared / per pair / gensim) |",
        "|---|---|" + "---|" * (len(systems) + 1),
    ]  # fmt: skip
    for (corpus, setting), by_system in rows.items():
        cells, norms = [], []
        for system in systems:
            runs = by_system.get(system, [])
            bad = sum(r.diverged for r in runs)
            cells.append(f"{bad} / {len(runs)}" if runs else "-")
            finite = [r.mean_norm for r in runs if r.mean_norm is not None]
            norms.append(f"{np.median(finite):.2f}" if finite else "-")
        lines.append(f"| {corpus} | {setting} | " + " | ".join(cells) + f" | {' / '.join(norms)} |")
    total = {s: sum(o.diverged for o in outcomes if o.system == s) for s in systems}
    count = {s: sum(o.system == s for o in outcomes) for s in systems}
    lines.append(
        "| **all** | | " + " | ".join(f"**{total[s]} / {count[s]}**" for s in systems) + " | |"
    )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", nargs="+", default=["toy", "lee"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--only", nargs="*", help="only these settings (names of SETTINGS)")
    parser.add_argument("--issue-command", action="store_true", help="add issue 28's lee command")
    parser.add_argument("--skip-per-pair", action="store_true", help="only the shared mode")
    parser.add_argument("--no-gensim", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load = os.getloadavg()
    outcomes = run_all(args)
    text = table(outcomes)
    print(text)
    print(f"load average before: {load[0]:.1f}, after: {os.getloadavg()[0]:.1f}")
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    if args.json:
        data = {
            "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
            "runs": [dataclasses.asdict(o) for o in outcomes],
        }
        args.json.write_text(json.dumps(data, indent=1, allow_nan=False, default=str) + "\n")
    ours = [o for o in outcomes if o.system != "gensim"]
    return 1 if any(o.diverged for o in ours) else 0


if __name__ == "__main__":
    sys.exit(main())
