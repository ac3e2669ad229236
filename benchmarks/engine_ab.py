"""Two checkouts of the engine, A and B, interleaved on this machine: is B faster?

Each case is one ``python -m w2v_core train`` command, run in a fresh process from each
checkout (its own ``.venv``), the order of A and B alternating between repeats; the
speed is the words/s the CLI reports (training only, vocabulary excluded).  Run it on a
quiet machine::

    python -m benchmarks.engine_ab OLD_CHECKOUT NEW_CHECKOUT --repeats 5 --json out.json

The cases are the app's default mode on ``wiki`` and issue 28's ``lee`` command (K = 15)
with 1 and 2 workers, in the shared mode: where the shared pool's size matters.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CASES = {
    "wiki, defaults, 2 workers": "wiki --epochs 5 --workers 2",
    "lee, K = 15, 1 worker": "lee --dim 100 --window 4 --negatives 15 --min-count 5 "
    "--epochs 10 --workers 1",
    "lee, K = 15, 2 workers": "lee --dim 100 --window 4 --negatives 15 --min-count 5 "
    "--epochs 10 --workers 2",
}


def words_per_sec(root: Path, args: str, seed: int, out: Path) -> int:
    """One training from checkout ``root``; the words/s its CLI printed."""
    python = root / ".venv" / "bin" / "python"
    command = [str(python), "-m", "w2v_core", "train", *args.split()]
    command += ["--shared-negatives", "--seed", str(seed), "--out", str(out)]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True)
    return int(re.search(r"([\d,]+) words/s", done.stdout).group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path, help="checkout A (the old engine)")
    parser.add_argument("b", type=Path, help="checkout B (the new engine)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args(argv)
    roots = {"A": options.a.resolve(), "B": options.b.resolve()}
    results: dict[str, dict[str, list[int]]] = {case: {"A": [], "B": []} for case in CASES}
    with tempfile.TemporaryDirectory(prefix="engine-ab-") as work:
        out = Path(work) / "model.npz"  # each run overwrites it
        for repeat in range(options.repeats):
            order = ["A", "B"] if repeat % 2 == 0 else ["B", "A"]
            for case, args in CASES.items():
                for name in order:
                    speed = words_per_sec(roots[name], args, repeat + 1, out)
                    results[case][name].append(speed)
                    line = f"repeat {repeat + 1}  {case:26s} {name}  {speed:>9,} words/s"
                    print(line, flush=True)
    print()
    for case, by in results.items():
        a, b = statistics.median(by["A"]), statistics.median(by["B"])
        paired = statistics.median(y / x for x, y in zip(by["A"], by["B"], strict=True))
        print(f"{case}: A {a:,.0f}, B {b:,.0f} words/s: B/A {b / a:.2f}x (paired {paired:.2f}x)")
    if options.json:
        payload = {"a": str(roots["A"]), "b": str(roots["B"]), "results": results}
        options.json.write_text(json.dumps(payload, indent=1))


if __name__ == "__main__":
    sys.exit(main())
