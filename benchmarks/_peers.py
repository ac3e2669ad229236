"""The other peers of the speed benchmark: gensim's ``corpus_file`` mode and fastText.

Both read a text file: the token stream every system trains on, one sentence per
line, tokens separated by single spaces (:func:`write_corpus_text`, written once by
the parent).  Each run happens in the same fresh child process as the others
(:mod:`benchmarks._child`); fastText is a further process started by that child.

What is timed
-------------
* **gensim corpus_file** -- ``train(corpus_file=..., total_words=...)`` only, as the
  in-memory mode times ``train()``; ``build_vocab(corpus_file=...)`` is timed apart
  (``setup_seconds``).
* **fastText** (``fasttext skipgram -minn 0 -maxn 0``: word2vec's skip-gram with
  negative sampling, no character n-grams) reads the file, builds its vocabulary,
  builds its noise table (10 million entries, shuffled), trains and saves, all in one
  process.  Its standard error is read as it arrives and timestamped:
  ``setup_seconds`` runs from the process's start to the line ``Number of labels``
  (file read, vocabulary built); ``pipe_seconds`` from there to the newline ending
  its final ``Progress: 100.0%`` line (noise table, weights and training);
  ``total_seconds`` is the whole process, saving the ``.bin`` and ``.vec`` included.
  ``seconds`` -- the training alone, like the others' -- is fastText's own clock
  from the start of its threads to its final report: the tokens it counts
  (``epochs x (tokens + lines)`` of its file) / (its ``words/sec/thread`` x threads).
  It is never more than ``pipe_seconds`` (checked); both end up to 0.1 s late,
  since fastText's main thread looks at its workers every 100 ms.  Its peak memory
  is the whole process's ``ru_maxrss`` (about 120 MB of it is a fixed hash table).

One adjustment, so that ``-epoch E`` is E passes as for the others: fastText's file
has the words below min-count removed (every system skips them before taking the
window).  fastText counts an epoch as every token of its file, rare ones included,
while only in-vocabulary ones advance that count: on the raw file it trains
(tokens + lines) / (in-vocabulary tokens + lines) times the passes, 1.10x on
``wiki`` and 1.18x on ``lee`` at min-count 5.  Differences that remain (none changes
the amount of work much): fastText trains on an end-of-line token ``</s>`` as a
word, cuts lines longer than 1,024 tokens, and decays its learning rate to 0
rather than to ``min_alpha``.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._measure import MB, Settings, _evaluate

FASTTEXT = Path("/usr/bin/fasttext")
"""Debian's ``fasttext`` package (``.ci/run`` installs it); never one found on the PATH."""


def fasttext_available() -> bool:
    return os.access(FASTTEXT, os.X_OK)


def write_corpus_text(
    corpus: Any, path: str | os.PathLike[str], min_count: int | None = None
) -> int:
    """Write ``corpus`` as one sentence per line, tokens joined by spaces; returns lines.

    The sentences are :meth:`Corpus.sentences` -- the same tokens and breaks ours and
    gensim's in-memory mode train on (tokens never contain whitespace).  With
    ``min_count``, words seen fewer times are left out (for fastText, see above) and
    sentences left empty are dropped.
    """
    import numpy as np

    rare = set()
    if min_count is not None:
        rare = {corpus.words[i] for i in np.flatnonzero(np.asarray(corpus.counts) < min_count)}
    lines = 0
    with open(path, "w", encoding="utf-8") as handle:
        for sentence in corpus.sentences():
            kept = [word for word in sentence if word not in rare] if rare else sentence
            if kept:
                handle.write(" ".join(kept) + "\n")
                lines += 1
    return lines


def count_text(path: str | os.PathLike[str]) -> tuple[int, int]:
    """``(tokens, lines)`` of a file written by :func:`write_corpus_text`."""
    spaces = newlines = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            spaces += chunk.count(b" ")
            newlines += chunk.count(b"\n")
    return spaces + newlines, newlines  # a line of n tokens has n - 1 spaces


# --------------------------------------------------------------------------- fastText


def fasttext_command(settings: Settings, text_path: str, prefix: str, workers: int) -> list[str]:
    """``fasttext skipgram`` with our settings (``-minn 0 -maxn 0``: no subword n-grams)."""
    # fastText discards a word when rand > sqrt(t/f) + t/f, so t = 0 would drop every
    # word; t = 1 keeps them all (sqrt(1/f) >= 1), which is what sample = 0 means to us.
    threshold = settings.sample if settings.sample > 0 else 1.0
    options = {
        "-minn": 0, "-maxn": 0, "-dim": settings.dim, "-ws": settings.window,
        "-neg": settings.negatives, "-epoch": settings.epochs, "-minCount": settings.min_count,
        "-t": threshold, "-lr": settings.alpha, "-thread": workers, "-seed": settings.seed,
        "-verbose": 2,
    }  # fmt: skip
    command = [str(FASTTEXT), "skipgram", "-input", text_path, "-output", prefix]
    for flag, value in options.items():
        command += [flag, format(value, "g") if isinstance(value, float) else str(value)]
    return command


@dataclass
class FastTextRun:
    """The stderr timestamps and resources of one fastText process."""

    setup_seconds: float  # start -> "Number of labels" (file read, vocabulary built)
    seconds: float  # -> the newline after the final "Progress: 100.0%" (noise table, training)
    total_seconds: float  # the whole process, saving included
    peak_mb: float  # ru_maxrss of the fastText process
    stderr: str


def run_fasttext(command: list[str]) -> FastTextRun:
    """Run fastText, timestamping its standard error as it arrives (unbuffered in C++)."""
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    buffer, vocab_at, trained_at, training_from = b"", None, None, 0
    while chunk := os.read(process.stderr.fileno(), 1 << 16):
        now = time.perf_counter()
        buffer += chunk
        if vocab_at is None:
            marker = buffer.find(b"Number of labels")
            if marker >= 0 and buffer.find(b"\n", marker) >= 0:
                vocab_at, training_from = now, buffer.find(b"\n", marker) + 1
        if vocab_at is not None and trained_at is None:
            # Progress lines are rewritten with "\r"; only the last ends with "\n".
            progress = buffer.find(b"Progress:", training_from)
            if progress >= 0 and buffer.find(b"\n", progress) >= 0:
                trained_at = now
    process.wait()
    ended = time.perf_counter()
    stderr = buffer.decode("utf-8", "replace")
    if process.returncode != 0 or vocab_at is None or trained_at is None:
        raise RuntimeError(f"fasttext failed (exit {process.returncode}): {stderr[-2000:]}")
    # This child process starts exactly one process: the children's peak is fastText's.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return FastTextRun(vocab_at - began, trained_at - vocab_at, ended - began, peak / MB, stderr)


def _reported(stderr: str, pattern: str) -> int | None:
    found = re.findall(pattern, stderr)
    return int(found[-1]) if found else None


def train_fasttext(
    text_path: str, workdir: Path, settings: Settings, workers: int, evaluate: bool
) -> dict[str, Any]:
    """fastText's skip-gram on the text file; its vectors read back from the ``.vec``."""
    from w2v_core.io import load_vectors

    prefix = str(workdir / f"fasttext-{os.getpid()}")
    run = run_fasttext(fasttext_command(settings, text_path, prefix, workers))
    vocab_size = _reported(run.stderr, r"Number of words:\s*(\d+)")
    per_thread = _reported(run.stderr, r"words/sec/thread:\s*(\d+)")
    tokens, lines = count_text(text_path)
    # fastText's count: every token of its file plus one </s> per line, each epoch.
    counted = (tokens + lines) * settings.epochs
    own_seconds = counted / (per_thread * workers) if per_thread else None
    if own_seconds is None or own_seconds > run.seconds * 1.01 + 0.01:  # int rounding
        raise RuntimeError(
            f"fastText's own clock ({own_seconds} s) does not fit in its run ({run.seconds:.3f} "
            "s between its vocabulary and its final report): its output format changed?"
        )
    result: dict[str, Any] = {
        "seconds": own_seconds,
        "pipe_seconds": run.seconds,
        "setup_seconds": run.setup_seconds,
        "total_seconds": run.total_seconds,
        "peak_mb": run.peak_mb,
        "run_extra_mb": None,  # one process: no before/after split
        "peak_rss_mb": run.peak_mb,
        "memory_method": "rss process",
        "vocab_size": vocab_size,  # includes fastText's end-of-line token </s>
        "weights_mb": 2 * (vocab_size or 0) * settings.dim * 4 / MB,
        "workers": workers,
        "fasttext_words_per_sec_thread": per_thread,
        "fasttext_file_tokens": tokens,
        "command": " ".join(fasttext_command(settings, "CORPUS.txt", "OUT", workers)),
    }
    vec = Path(prefix + ".vec")
    if evaluate:
        result.update(_evaluate(load_vectors(vec)))
    for suffix in (".vec", ".bin"):
        Path(prefix + suffix).unlink(missing_ok=True)
    return result
