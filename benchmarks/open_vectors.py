"""Opening real-size vectors: ours against gensim, on one generated file per format.

A file of ``--words`` x ``--dim`` random float32 vectors (default 1,000,000 x 300,
1.2 GB as a matrix) with made-up words is written once as word2vec binary (and text,
unless ``--skip-text``), then converted with ``python -m w2v_core convert`` to the
memory-mappable ``.npz``.  Each measurement runs in a fresh child process, so that
peak memory is that of one open; systems are interleaved (ours, gensim, ours, ...)
and the median of ``--repeats`` runs is reported.

Figures per (format, system)
----------------------------
* ``load_s``: opening the file until the vectors can be queried.
* ``peak_mb``: the child's peak resident memory (``ru_maxrss``) above its start,
  and ``peak_over_matrix``: that divided by the matrix's size.  For the memory-mapped
  ``.npz`` the resident pages are the file's page cache, shared and reclaimable;
  ``anon_mb`` (``RssAnon`` after the queries) is the private memory.
* ``first_query_s``: the first ``most_similar`` (ours computes the row norms while
  loading; gensim on its first query); ``later_query_s``: median of 5 more words.
* ``analogy_s``: one analogy; ``suggest_s``: an unknown word with "did you mean".
* ``map_10k_s``, ``map_100k_s`` (ours only): PCA to 2-D of the 10k / 100k most
  frequent words, as the app's map does (:func:`dashboard.charts.projection.pca`).

Usage (from the repository root)::

    python -m benchmarks.open_vectors                      # 1M x 300: ~20 GB of disk I/O
    python -m benchmarks.open_vectors --words 100000 --skip-text --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` and `w2v_core` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MB = 2**20
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"] + ["an", "er", "in", "on", "us"]


def make_words(n: int) -> list[str]:
    """Distinct made-up words ("kamero", "tisul"...): realistic for "did you mean"."""
    base = len(SYLLABLES)
    words = []
    for i in range(n):
        parts, k = [], i + base
        while k:
            k, r = divmod(k, base)
            parts.append(SYLLABLES[r])
        words.append("".join(parts))
    return words


def generate(directory: Path, n_words: int, dim: int, text: bool) -> dict[str, Path]:
    """Write the word2vec binary (and text) file a block of rows at a time."""
    rng = np.random.default_rng(0)
    words = make_words(n_words)
    paths = {"word2vec-binary": directory / "big.bin"}
    if text:
        paths["word2vec-text"] = directory / "big.txt"
    handles = {fmt: open(path, "wb") for fmt, path in paths.items()}  # noqa: SIM115
    try:
        for handle in handles.values():
            handle.write(f"{n_words} {dim}\n".encode())
        for start in range(0, n_words, 10_000):
            block = rng.standard_normal((min(10_000, n_words - start), dim), dtype=np.float32)
            for offset, row in enumerate(block):
                word = words[start + offset].encode()
                handles["word2vec-binary"].write(word + b" " + row.tobytes() + b"\n")
                if text:
                    values = " ".join(f"{x:.6f}" for x in row.tolist())
                    handles["word2vec-text"].write(word + b" " + values.encode() + b"\n")
    finally:
        for handle in handles.values():
            handle.close()
    return paths


CHILD = r"""
import json, os, resource, statistics, sys, time
import numpy as np
system, fmt, path, words = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
def rss_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
def anon_mb():
    for line in open("/proc/self/status"):
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
if system == "ours":
    from w2v_core.io import load_vectors
else:
    from gensim.models import KeyedVectors
start_rss = rss_kb()  # after the imports: the figure is the open and the queries
t = time.perf_counter()
if system == "ours":
    kv = load_vectors(path)
    query = lambda w: kv.most_similar(w, topn=10)
    analogy = lambda a, b, c: kv.analogy(a, b, c, topn=5)
    def suggest(w):
        try:
            kv.get_index(w)
        except KeyError as error:
            return error.suggestions
else:
    kv = KeyedVectors.load_word2vec_format(path, binary=fmt == "word2vec-binary")
    query = lambda w: kv.most_similar(w, topn=10)
    analogy = lambda a, b, c: kv.most_similar([b, c], [a], topn=5)
    suggest = None
result = {"load_s": time.perf_counter() - t}
t = time.perf_counter(); query(words[0]); result["first_query_s"] = time.perf_counter() - t
later = []
for w in words[1:6]:
    t = time.perf_counter(); query(w); later.append(time.perf_counter() - t)
result["later_query_s"] = statistics.median(later)
t = time.perf_counter(); analogy(*words[6:9]); result["analogy_s"] = time.perf_counter() - t
if suggest is not None:
    t = time.perf_counter(); found = suggest(words[9] + "x")
    result["suggest_s"] = time.perf_counter() - t
    result["suggested"] = found
result["peak_mb"] = (rss_kb() - start_rss) / 1024  # before the map: loading and queries
result["anon_mb"] = anon_mb()
if system == "ours" and os.environ.get("BENCH_MAP"):
    sys.path.insert(0, os.environ["BENCH_REPO"])
    from dashboard.charts.projection import pca
    for n in (10_000, 100_000):
        t = time.perf_counter(); pca(kv.unit(np.arange(min(n, len(kv)))), 2)
        result[f"map_{n // 1000}k_s"] = time.perf_counter() - t
print(json.dumps(result))
"""


def measure(system: str, fmt: str, path: Path, words: list[str], with_map: bool) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO), "BENCH_REPO": str(REPO)}
    if with_map:
        env["BENCH_MAP"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", CHILD, system, fmt, str(path), json.dumps(words)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"{system} on {fmt} failed: {result.stderr.strip()[-500:]}")
    return json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--skip-text", action="store_true", help="no word2vec text file")
    parser.add_argument("--skip-gensim", action="store_true")
    parser.add_argument("--dir", default=None, help="where the files go (default: a temp dir)")
    parser.add_argument("--json", default=None, help="also write the results here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="w2v-open-", dir=args.dir) as tmp:
        directory = Path(tmp)
        t = time.perf_counter()
        paths = generate(directory, args.words, args.dim, text=not args.skip_text)
        print(f"generated {args.words:,} x {args.dim} in {time.perf_counter() - t:.0f} s")
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "w2v_core", "convert", paths["word2vec-binary"],
             directory / "big.npz"],
            check=True, cwd=REPO, capture_output=True,
        )  # fmt: skip
        convert_s = time.perf_counter() - t
        paths["npz (mmap)"] = directory / "big.npz"
        words = make_words(args.words)
        rng = np.random.default_rng(1)
        picked = [words[i] for i in rng.integers(0, args.words, size=10)]
        matrix_mb = args.words * args.dim * 4 / MB
        results: dict[str, dict[str, list[dict]]] = {}
        for _ in range(args.repeats):
            for fmt, path in paths.items():
                systems = ["ours"] + ([] if args.skip_gensim or "npz" in fmt else ["gensim"])
                for system in systems:
                    run = measure(system, fmt, path, picked, with_map=fmt.startswith("npz"))
                    results.setdefault(fmt, {}).setdefault(system, []).append(run)
                    print(f"  {fmt:<16} {system:<7} " + json.dumps(run), flush=True)

    summary = {
        "words": args.words, "dim": args.dim, "matrix_mb": matrix_mb,
        "convert_s": convert_s, "repeats": args.repeats, "cpus": os.cpu_count(),
        "results": {},
    }  # fmt: skip
    print(f"\nmatrix {matrix_mb:,.0f} MB; convert big.bin -> big.npz {convert_s:.1f} s")
    header = f"{'format':<16} {'system':<7} {'load s':>7} {'peak MB':>8} {'xmatrix':>7} "
    print(header + f"{'anon MB':>8} {'1st q s':>8} {'later q s':>9} {'suggest s':>9}")
    for fmt, systems in results.items():
        for system, runs in systems.items():
            med = {
                key: statistics.median(run[key] for run in runs)
                for key in runs[0] if isinstance(runs[0][key], float)
            }  # fmt: skip
            med["peak_over_matrix"] = med["peak_mb"] / matrix_mb
            summary["results"].setdefault(fmt, {})[system] = med
            print(
                f"{fmt:<16} {system:<7} {med['load_s']:7.2f} {med['peak_mb']:8.0f} "
                f"{med['peak_over_matrix']:7.2f} {med['anon_mb']:8.0f} "
                f"{med['first_query_s']:8.3f} {med['later_query_s']:9.3f} "
                + (f"{med['suggest_s']:9.3f}" if "suggest_s" in med else f"{'-':>9}")
            )
            for key in ("map_10k_s", "map_100k_s"):
                if key in med:
                    print(f"{'':<25}{key}: {med[key]:.2f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    raise SystemExit(main())
