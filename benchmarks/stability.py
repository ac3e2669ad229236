"""Does any setting the sliders reach make training diverge?  Ours and gensim side by side.

For each corpus, setting, mode (shared pool / per pair), worker count and seed, one
run of ours and, per setting, worker count and seed, one of gensim's
``Word2Vec(sg=1, hs=0)`` with the same dim, window, negatives, learning rates,
min-count, sample, epochs and seed (gensim has no batch size or shared pool: its run
stands beside both our modes).  Ours runs as a user would run it, as the command line
``python -m w2v_core train CORPUS ...`` in a fresh process (:func:`run_cli`), killed
after ``--timeout`` seconds: a run that hangs is counted, not waited for.

A run **diverged** when it stopped with "training diverged" (exit 2), hung, failed in
any other way, or ended with non-finite vectors or a mean row norm above
:data:`EXPLODED` (gensim's runs here have mean norms of about 0.06-4).

The settings are the sliders' extremes (dim 10-300, window 1-15, negatives 1-25,
learning rate 0.001-0.2, batch 64-4096), one at a time beside the default, the worst
of them together, and the learning rate 0.1 with 15 negatives that hung once (issue
28); plus the issue's command (``lee --dim 100 --window 4 --negatives 15 --min-count 5
--epochs 10``) with ``--issue-command``.  The others train 3 epochs at min-count 1.

Usage::

    python -m benchmarks.stability              # toy + lee, seeds 1-3: 468 runs, see below
    python -m benchmarks.stability --corpora toy --seeds 1 --workers 1   # 39 runs
    python -m benchmarks.stability --corpora lee --seeds 1 --only "neg 25" "lr 0.2"

Prints one line per run as it ends, then the markdown table (rows: corpus and setting;
columns: diverged / runs of ours in each mode and of gensim, median mean norms; totals
per worker count), and writes it with the JSON of every run to ``--markdown`` and
``--json`` (default ``benchmarks/results/stability-DATE.{md,json}``).  Exit status 1
when any of our runs diverged.  ``--plan`` prints the number of runs and exits.
Nothing here is asserted in pytest; ``tests/test_stability.py`` runs a small fast subset.

Duration, measured: ``--corpora toy --seeds 1`` (78 runs) took 40 min at load average
10 on 2 cores (19 min of CPU); toy's per-pair runs take 10-140 s each there, gensim's
2-10 s.  The full default (468 runs) is therefore about 4 hours on a busy machine and,
by the CPU time, about 2 hours on a quiet one (lee's runs, on 60k tokens against toy's
313k, are not timed yet).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
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

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "benchmarks" / "results"

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
    "neg 15, window 4, lr 0.1": dict(negatives=15, window=4, alpha=0.1),  # hung once
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
    status: str = "trained"  # trained, exploded, diverged (exit 2), hung, failed


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


def run_cli(argv: Sequence[str], timeout: float) -> tuple[int | None, str, float]:
    """``python -m w2v_core ARGV`` in a fresh process: (exit code, last stderr line, s).

    The exit code is ``None`` when the run took longer than ``timeout`` seconds; it
    is then killed with its worker processes (it has a session of its own).
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "w2v_core", *argv], cwd=REPO_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        _, stderr = process.communicate(timeout=timeout)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        _, stderr = process.communicate()
        code = None
    lines = [line for line in stderr.splitlines() if line.strip()]
    message = lines[-1] if lines else ""
    return (
        code,
        (f"hung: killed after {timeout:g} s" if code is None else message),
        (time.perf_counter() - began),
    )


def cli_flags(config: TrainConfig) -> list[str]:
    """The command-line flags that give ``config`` (its training settings)."""
    flags = []
    for name in ("dim", "window", "negatives", "epochs", "min_count", "sample", "alpha",
                 "min_alpha", "seed", "batch_size", "workers"):  # fmt: skip
        flags += [f"--{name.replace('_', '-')}", format(getattr(config, name))]
    return flags + ["--shared-negatives" if config.shared_negatives else "--per-pair-negatives"]


def run_ours_cli(
    corpus_name: str, config: TrainConfig, workdir: Path, timeout: float
) -> tuple[str, float | None, str]:
    """Train ours as the CLI does; ``(status, mean norm, message)``."""
    from w2v_core.io import load_vectors

    out = workdir / "model.npz"
    argv = ["train", corpus_name, *cli_flags(config), "--out", str(out), "--quiet"]
    code, message, _ = run_cli(argv, timeout)
    if code is None:
        return "hung", None, message
    if code != 0:
        return ("diverged" if "diverged" in message else "failed"), None, message
    diverged, norm = _verdict(np.asarray(load_vectors(out).vectors))
    out.unlink()
    return ("exploded" if diverged else "trained"), norm, ""


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


def plan_for(args: argparse.Namespace, corpus_name: str) -> list[tuple[str, dict[str, Any]]]:
    """The (setting name, values) pairs to train on one corpus."""
    settings = dict(SETTINGS)
    if args.only:
        settings = {k: v for k, v in settings.items() if k in args.only}
    plan = configs(dict(epochs=args.epochs, min_count=1), settings)
    if args.issue_command and corpus_name == "lee":
        plan.append(("issue 28 command", {**DEFAULT, **ISSUE_COMMAND}))
    return plan


def systems_for(args: argparse.Namespace) -> list[str]:
    systems = ["shared"] + ([] if args.skip_per_pair else ["per pair"])
    return systems + ([] if args.no_gensim else ["gensim"])


def run_all(args: argparse.Namespace) -> list[Outcome]:
    """Every corpus, seed, worker count, setting and system, one run each."""
    from w2v_core.corpus import load_corpus

    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="w2v-stability-") as tmp:
        for corpus_name in args.corpora:
            corpus = load_corpus(corpus_name)
            for seed in args.seeds:
                for workers in args.workers:
                    for name, values in plan_for(args, corpus_name):
                        for system in systems_for(args):
                            config = TrainConfig(
                                **values, seed=seed, workers=workers,
                                shared_negatives=system == "shared",
                            )  # fmt: skip
                            config = resolve(corpus, config)
                            start = time.perf_counter()
                            if system == "gensim":
                                diverged, norm, message = run_gensim(corpus, config)
                                status = "exploded" if diverged else "trained"
                            else:
                                status, norm, message = run_ours_cli(
                                    corpus_name, config, Path(tmp), args.timeout
                                )
                            outcome = Outcome(
                                system, corpus_name, name, config.workers, seed,
                                status != "trained", norm, time.perf_counter() - start,
                                message, status,
                            )  # fmt: skip
                            outcomes.append(outcome)
                            shown = status.upper() if outcome.diverged else f"norm {norm:.2f}"
                            print(
                                f"{corpus_name:4} {name:32} {system:8} w{config.workers} "
                                f"seed {seed}: {shown} ({outcome.seconds:.1f} s) {message}",
                                flush=True,
                            )
    return outcomes


def table(outcomes: Sequence[Outcome]) -> str:
    """Markdown: per corpus and setting, divergences of each system out of its runs; then
    the totals per worker count and every run of ours that did not train, with its line."""
    systems = ["shared", "per pair", "gensim"]
    rows: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in outcomes:
        rows.setdefault((outcome.corpus, outcome.setting), []).append(outcome)
    for workers in sorted({o.workers for o in outcomes}):
        rows[(f"**all, {workers} worker{'s' * (workers > 1)}**", "")] = [
            o for o in outcomes if o.workers == workers
        ]
    rows[("**all**", "")] = list(outcomes)
    lines = [
        "| corpus | setting | " + " | ".join(f"{s}: diverged / runs" for s in systems)
        + " | mean norm (shared / per pair / gensim) |",
        "|---|---|" + "---|" * (len(systems) + 1),
    ]  # fmt: skip
    for (corpus, setting), runs in rows.items():
        cells, norms = [], []
        for system in systems:
            mine = [r for r in runs if r.system == system]
            cells.append(f"{sum(r.diverged for r in mine)} / {len(mine)}" if mine else "-")
            finite = [r.mean_norm for r in mine if r.mean_norm is not None]
            norms.append(f"{np.median(finite):.2f}" if finite and setting else "-")
        norm_cell = " / ".join(norms) if setting else ""
        lines.append(f"| {corpus} | {setting} | " + " | ".join(cells) + f" | {norm_cell} |")
    failed = [o for o in outcomes if o.diverged]
    if failed:
        lines += ["", "Runs that did not train:", ""]
        lines += [
            f"- {o.corpus}, {o.setting}, {o.system}, {o.workers} worker(s), seed {o.seed}: "
            f"{o.status} -- {o.message}"
            for o in failed
        ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.stability", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--corpora", nargs="+", default=["toy", "lee"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--only", nargs="*", help="only these settings (names of SETTINGS)")
    parser.add_argument("--issue-command", action="store_true", help="add issue 28's lee command")
    parser.add_argument("--skip-per-pair", action="store_true", help="only the shared mode")
    parser.add_argument("--no-gensim", action="store_true")
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="seconds before a run of ours is 'hung'"
    )
    parser.add_argument("--plan", action="store_true", help="print the number of runs and exit")
    today = datetime.date.today().isoformat()
    parser.add_argument("--json", type=Path, default=RESULTS / f"stability-{today}.json")
    parser.add_argument("--markdown", type=Path, default=RESULTS / f"stability-{today}.md")
    args = parser.parse_args(argv)
    unknown = set(args.only or ()) - set(SETTINGS)
    if unknown:
        parser.error(f"unknown settings {sorted(unknown)}; choose from {list(SETTINGS)}")
    return args


def plan_text(args: argparse.Namespace) -> str:
    """How many runs the arguments ask for, per corpus and system."""
    systems = systems_for(args)
    per_corpus = {
        name: len(plan_for(args, name)) * len(args.seeds) * len(args.workers)
        for name in args.corpora
    }
    parts = [
        f"{name}: {len(plan_for(args, name))} settings x {len(args.seeds)} seeds x "
        f"{len(args.workers)} worker counts x {len(systems)} systems"
        for name in args.corpora
    ]
    return f"{sum(per_corpus.values()) * len(systems)} runs ({'; '.join(parts)})"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(plan_text(args), flush=True)
    if args.plan:
        return 0
    load = os.getloadavg()
    began = time.perf_counter()
    outcomes = run_all(args)
    text = table(outcomes)
    text += (
        f"\n\n{len(outcomes)} runs in {(time.perf_counter() - began) / 60:.1f} min; load "
        f"average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print(text)
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(text + "\n", encoding="utf-8")
    data = {
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "exploded_above": EXPLODED,
        "runs": [dataclasses.asdict(o) for o in outcomes],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=1, allow_nan=False, default=str) + "\n")
    print(f"wrote {args.markdown} and {args.json}", file=sys.stderr)
    ours = [o for o in outcomes if o.system != "gensim"]
    return 1 if any(o.diverged for o in ours) else 0


if __name__ == "__main__":
    sys.exit(main())
