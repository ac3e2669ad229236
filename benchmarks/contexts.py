"""What "why are these words close?" costs on a text8-sized corpus.

Generates a 17-million-token Zipf corpus (``benchmarks._measure.zipf_corpus``; by default
250,000 distinct words like text8, exponent 1, sentences of 10,000 tokens like text8's
cut), then measures with :class:`w2v_core.contexts.Contexts`:

* ``build``: encoding the corpus and counting every word's context slots, done once per
  corpus, window and ``min_count`` (seconds, and memory above the corpus itself);
* ``explain``: the characteristic contexts of one word, for words of frequency rank
  1 (the most frequent, ~1 million occurrences), 10, 100, 1,000 and 10,000;
* ``pair``: the shared contexts of two words of rank 10 and 11;
* ``concordance``: one page of 5 lines of a rank-100 word, ranked by its top contexts.

Every figure is the median of ``--repeats`` runs; memory is the peak of NumPy's
allocations (``tracemalloc``) during the call, and the process's RSS growth for the build.
The numbers go to the README; they are never asserted in pytest.

Usage::

    python -m benchmarks.contexts                       # 17M tokens, 5 repeats
    python -m benchmarks.contexts --tokens 1000000 --repeats 3 --json contexts.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import MB, current_rss, machine_info, zipf_corpus  # noqa: E402
from w2v_core.contexts import Contexts  # noqa: E402

RANKS = (1, 10, 100, 1_000, 10_000)


def timed(call: Callable[[], Any], repeats: int) -> dict[str, float]:
    """Median seconds of ``repeats`` calls, then the traced peak MB of one more call."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": statistics.median(seconds), "peak_mb": peak / MB}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", type=int, default=17_000_000)
    parser.add_argument("--vocab", type=int, default=250_000, help="distinct words drawn from")
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", default=None, help="write the results here")
    args = parser.parse_args(argv)

    print(f"generating a {args.tokens:,}-token Zipf corpus ...", file=sys.stderr)
    corpus = zipf_corpus(args.tokens, vocab_size=args.vocab, sentence_length=10_000, seed=0)
    corpus_mb = (corpus.ids.nbytes + corpus.counts.nbytes) / MB

    builds = []
    rss_growth = []
    for _ in range(max(1, min(args.repeats, 3))):  # a few seconds each
        before = current_rss()
        start = time.perf_counter()
        contexts = Contexts(corpus, window=args.window, min_count=args.min_count)
        builds.append(time.perf_counter() - start)
        rss_growth.append((current_rss() - before) / MB)
        del contexts
    tracemalloc.start()
    contexts = Contexts(corpus, window=args.window, min_count=args.min_count)
    kept, build_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    words = contexts.vocab.words
    results: dict[str, Any] = {
        "tokens": corpus.n_tokens,
        "vocabulary": len(words),
        "window": args.window,
        "min_count": args.min_count,
        "corpus_mb": corpus_mb,
        "build": {
            "seconds": statistics.median(builds),
            "peak_mb": build_peak / MB,
            "kept_mb": kept / MB,
            "rss_growth_mb": statistics.median(rss_growth),
        },
        "explain": {},
    }
    for rank in RANKS:
        if rank > len(words):
            continue
        word = words[rank - 1]
        figures = timed(lambda w=word: contexts.characteristic(w, topn=10), args.repeats)
        figures["occurrences"] = int(contexts.vocab.counts[rank - 1])
        results["explain"][str(rank)] = figures
    a, b = words[9], words[10]
    results["pair"] = timed(lambda: contexts.explain_pair(a, b, topn=10), args.repeats)
    target = words[min(99, len(words) - 1)]
    prefer = {s.word for s in contexts.characteristic(target)}
    results["concordance"] = timed(
        lambda: contexts.concordance(target, count=5, prefer=prefer), args.repeats
    )
    results["machine"] = machine_info()

    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
