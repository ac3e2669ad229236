"""Shared helpers of the benchmarks: corpus hand-over, child-process runs, memory, machine.

Every training run happens in a fresh child process (``python -m benchmarks._child
SPEC OUT``) so that its memory figures start from a clean interpreter and one run
cannot warm caches or fragment the heap for the next.  The parent prepares the
corpus once and writes it to an ``.npz`` file (:func:`save_corpus`); the child
loads it (:func:`load_corpus_file`), trains, optionally evaluates, and writes one
JSON result.  gensim's ``corpus_file`` mode and fastText are the other peers
(:mod:`benchmarks._peers`); they read the corpus as a text file the parent writes.

Memory
------
Both systems are measured the same way, by resident set size, because gensim's
Cython code allocates outside ``tracemalloc``'s view and because tracing every
allocation slows our many small per-step arrays.

* **ours** -- ``peak_mb`` is the peak RSS during ``Trainer.run()`` minus the RSS
  before ``Trainer(...)`` (which builds the vocabulary and allocates the weights).
  As a cross-check, the first 500,000 words of one more untimed epoch run under
  ``tracemalloc``
  (``traced_peak_mb``, ``traced_run_extra_mb``): NumPy reports every array to it.
* **gensim** --  ``peak_mb`` is the peak RSS during ``train()`` minus the RSS before
  ``build_vocab()``; ``run_extra_mb`` is that peak minus the RSS when ``train()``
  began.  The peak is ``ru_maxrss`` when that high-water mark rose during
  ``train()``, otherwise the highest RSS a 10 ms sampling thread saw.

The RSS figures are recorded for our engine too (``peak_rss_mb``), as a cross-check.
Sizes are in MB of 2**20 bytes.
"""

from __future__ import annotations

import datetime as _dt
import gc
import importlib.metadata
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from w2v_core.evaluate import RESTRICT_VOCAB  # one value for the app, the CLI and here

MB = float(2**20)
"""Bytes per MB in every figure of the benchmarks."""

REPO_ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """Hyper-parameters shared by both systems (``batch_size`` is ours only)."""

    dim: int = 100
    window: int = 5
    negatives: int = 5
    sample: float = 1e-3
    min_count: int = 5
    epochs: int = 5
    alpha: float = 0.025
    min_alpha: float = 0.0001
    batch_size: int = 0  # ours only; 0 = the trainer's automatic choice per sampling mode
    seed: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- corpus hand-over


def save_corpus(corpus: Any, path: str | os.PathLike[str]) -> None:
    """Write a :class:`w2v_core.corpus.Corpus` to ``path`` (``.npz``) for the children.

    The words are stored as one UTF-8 blob joined by newlines (tokens never contain
    whitespace), which is far smaller than a fixed-width NumPy string array.
    """
    blob = "\n".join(corpus.words).encode("utf-8")
    np.savez(
        path,
        ids=np.asarray(corpus.ids, dtype=np.int32),
        counts=np.asarray(corpus.counts, dtype=np.int64),
        words=np.frombuffer(blob, dtype=np.uint8),
        name=np.array(corpus.name),
        fingerprint=np.array(corpus.fingerprint),
    )


def load_corpus_file(path: str | os.PathLike[str]) -> Any:
    """Read a corpus written by :func:`save_corpus` back into a ``Corpus``."""
    from w2v_core.corpus import Corpus

    with np.load(path, allow_pickle=False) as data:
        blob = data["words"].tobytes().decode("utf-8")
        return Corpus(
            name=str(data["name"]),
            words=blob.split("\n") if blob else [],
            counts=data["counts"],
            ids=data["ids"],
            fingerprint=str(data["fingerprint"]),
        )


def zipf_corpus(
    n_tokens: int,
    vocab_size: int = 10_000,
    exponent: float = 1.0,
    sentence_length: int = 1_000,
    seed: int = 0,
) -> Any:
    """A synthetic corpus whose word frequencies follow Zipf's law.

    Word ``w{r}`` (rank ``r`` from 0) has probability proportional to
    ``1 / (r + 1) ** exponent``; tokens are drawn independently and cut into
    sentences of ``sentence_length`` tokens.  Words that were never drawn are left
    out, as a real corpus would.

    Returns
    -------
    w2v_core.corpus.Corpus
    """
    from w2v_core.corpus import Corpus

    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, vocab_size + 1, dtype=np.float64) ** exponent
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    tokens = np.empty(n_tokens, dtype=np.int32)
    step = 1 << 22
    for lo in range(0, n_tokens, step):  # bounded temporaries for large corpora
        hi = min(n_tokens, lo + step)
        drawn = np.searchsorted(cdf, rng.random(hi - lo), side="right")
        tokens[lo:hi] = np.minimum(drawn, vocab_size - 1)
    counts = np.bincount(tokens, minlength=vocab_size).astype(np.int64)
    present = np.flatnonzero(counts)
    remap = np.full(vocab_size, -1, dtype=np.int32)
    remap[present] = np.arange(len(present), dtype=np.int32)
    tokens = remap[tokens]
    # Insert a -1 after every full sentence except at the very end.
    n_breaks = (n_tokens - 1) // sentence_length if n_tokens else 0
    ids = np.empty(n_tokens + n_breaks, dtype=np.int32)
    positions = np.arange(1, n_breaks + 1) * (sentence_length + 1) - 1
    is_break = np.zeros(len(ids), dtype=bool)
    is_break[positions] = True
    ids[is_break] = -1
    ids[~is_break] = tokens
    return Corpus(
        name=f"zipf-{n_tokens}",
        words=[f"w{r}" for r in present],
        counts=counts[present],
        ids=ids,
        fingerprint=f"zipf:{n_tokens}:{vocab_size}:{exponent}:{sentence_length}:{seed}",
    )


# --------------------------------------------------------------------------- memory


def current_rss() -> int:
    """Resident set size of this process now, in bytes (``/proc/self/statm``)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            resident_pages = int(handle.read().split()[1])
        return resident_pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # not Linux: fall back to the high-water mark
        return max_rss()


def max_rss() -> int:
    """Highest resident set size of this process so far, in bytes (``ru_maxrss``)."""
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value if sys.platform == "darwin" else value * 1024


class RssPeak:
    """Peak RSS over a stretch of code: ``ru_maxrss`` if it rose, else a sampling thread.

    ``ru_maxrss`` never misses a spike but only says something when the stretch
    beats every earlier peak of the process; the thread (every ``interval`` seconds)
    covers the other case.
    """

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.sampled = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._max_before = 0
        self.peak = 0

    def _poll(self) -> None:
        while not self._stop.wait(self.interval):
            self.sampled = max(self.sampled, current_rss())

    def __enter__(self) -> RssPeak:
        self._max_before = max_rss()
        self.sampled = current_rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sampled = max(self.sampled, current_rss())
        after = max_rss()
        self.peak = after if after > self._max_before else self.sampled


# --------------------------------------------------------------------------- child side


def _evaluate(kv: Any) -> dict[str, Any]:
    """WordSim-353, SimLex-999 and analogy figures: the core's one evaluation entry point."""
    from w2v_core.evaluate import evaluate_vectors

    evaluation = evaluate_vectors(kv, restrict_vocab=RESTRICT_VOCAB)
    return {
        "ws353": _finite(evaluation.ws353.spearman),
        "simlex999": _finite(evaluation.simlex999.spearman),
        "analogy": _finite(evaluation.analogies.accuracy),
        "ws353_covered": evaluation.ws353.n_covered,
        "simlex999_covered": evaluation.simlex999.n_covered,
        "analogy_questions": evaluation.analogies.total,
        "coverage": {score.name: score.coverage for score in evaluation.scores()},
        "rankable": {score.name: score.rankable for score in evaluation.scores()},
    }


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _blas() -> list[dict[str, Any]]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keys = ("internal_api", "version", "num_threads", "architecture", "threading_layer")
    return [{k: info.get(k) for k in keys} for info in threadpool_info()]


def train_ours(
    corpus: Any, settings: Settings, shared: bool, evaluate: bool, workers: int = 1
) -> dict[str, Any]:
    """Train our engine on ``corpus``; time and trace only the training step."""
    from w2v_core import TrainConfig, Trainer

    # Every Settings field is a TrainConfig field of the same name and meaning.
    config = TrainConfig(**settings.to_dict(), shared_negatives=shared, workers=workers)
    gc.collect()
    rss_start = current_rss()
    began = time.perf_counter()
    trainer = Trainer(corpus, config)  # builds the vocabulary, encodes, allocates weights
    setup_seconds = time.perf_counter() - began
    rss_before_run = current_rss()
    # Timed exactly like gensim (RSS only): tracemalloc hooks every allocation and
    # slowed our many small per-step arrays by a third, which would be unfair to us.
    with RssPeak() as rss:
        began = time.perf_counter()
        model = trainer.run()
        seconds = time.perf_counter() - began
    vocab_size = len(model.vocab)
    result = {
        "seconds": seconds,
        "setup_seconds": setup_seconds,
        "peak_mb": (rss.peak - rss_start) / MB,
        "run_extra_mb": (rss.peak - rss_before_run) / MB,
        "peak_rss_mb": (rss.peak - rss_start) / MB,
        "memory_method": "rss",
        "vocab_size": vocab_size,
        "weights_mb": 2 * vocab_size * settings.dim * 4 / MB,
        "vocab_words_processed": int(trainer.words_processed),  # in-vocabulary, all epochs
        "stopped": bool(model.stopped),
        "workers": trainer.workers,
        **_traced_allocations(corpus, config),
    }
    if evaluate:
        result.update(_evaluate(model.wv))
    return result


TRACED_WORDS = 500_000
"""Words of the traced epoch (wiki has 463k tokens: its whole epoch is traced)."""


def _traced_allocations(corpus: Any, config: Any) -> dict[str, float]:
    """Exact NumPy allocations of an untimed epoch's start, traced with ``tracemalloc``.

    Every chunk allocates the same buffers (the step's workspace reaches its size
    within a few steps), so the first :data:`TRACED_WORDS` words show the peak of
    the whole run; it cross-checks the RSS figure without slowing the timed run.
    (A whole traced epoch of a 17M-token corpus took longer than the timed run.)
    """
    from dataclasses import replace

    from w2v_core import Trainer

    gc.collect()
    tracemalloc.start()
    trainer = Trainer(corpus, replace(config, epochs=1, workers=1))  # children are untraced
    before_run = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    trainer.run(lambda progress: progress.words_processed < TRACED_WORDS)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"traced_peak_mb": peak / MB, "traced_run_extra_mb": (peak - before_run) / MB}


def train_gensim(
    corpus: Any, settings: Settings, workers: int, evaluate: bool, corpus_file: str | None = None
) -> dict[str, Any]:
    """Train gensim's skip-gram (``sg=1, hs=0``); time ``build_vocab`` and ``train`` apart.

    With ``corpus_file`` (a text file, one sentence per line), gensim's faster file mode
    reads it instead of ``corpus``'s sentences in memory.
    """
    from gensim.models import Word2Vec
    from gensim.models.word2vec_inner import FAST_VERSION

    from w2v_core import TrainConfig
    from w2v_core.evaluate import gensim_params, gensim_vectors

    # The same tokens and breaks ours trains on, in memory or in the file.
    if corpus_file:
        source: dict[str, Any] = {"corpus_file": corpus_file}
    else:
        source = {"corpus_iterable": corpus.sentences()}
    # The core's one TrainConfig -> gensim mapping (build_vocab and train are timed apart).
    model = Word2Vec(**gensim_params(TrainConfig(**settings.to_dict()), workers=workers))
    gc.collect()
    rss_start = current_rss()
    began = time.perf_counter()
    model.build_vocab(**source)
    setup_seconds = time.perf_counter() - began
    rss_before_train = current_rss()
    # A file gives its word count; sentences in memory, their count.
    size = (
        {"total_words": model.corpus_total_words}
        if corpus_file
        else {"total_examples": model.corpus_count}
    )
    with RssPeak() as rss:
        began = time.perf_counter()
        effective_words, _ = model.train(**source, **size, epochs=model.epochs)
        seconds = time.perf_counter() - began
    vocab_size = len(model.wv.index_to_key)
    result = {
        "seconds": seconds,
        "setup_seconds": setup_seconds,
        "peak_mb": (rss.peak - rss_start) / MB,
        "run_extra_mb": (rss.peak - rss_before_train) / MB,
        "peak_rss_mb": (rss.peak - rss_start) / MB,
        "memory_method": "rss",
        "vocab_size": vocab_size,
        "weights_mb": 2 * vocab_size * settings.dim * 4 / MB,
        "effective_words": int(effective_words),  # gensim's count: after subsampling
        "workers": workers,
        "gensim_fast_version": int(FAST_VERSION),
    }
    if evaluate:
        result.update(_evaluate(gensim_vectors(model.wv)))
    return result


def source_hash() -> str:
    """Short SHA-256 of the ``w2v_core`` sources this process imported.

    The engine may be edited while a long benchmark runs; differing hashes across
    runs reveal that.
    """
    import hashlib

    import w2v_core

    digest = hashlib.sha256()
    for path in sorted(Path(w2v_core.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# --------------------------------------------------------------------------- parent side


class ChildError(RuntimeError):
    """A benchmark child process failed; the message carries its stderr."""


def run_child(
    system: str,
    corpus_path: str | os.PathLike[str],
    settings: Settings,
    workdir: str | os.PathLike[str],
    *,
    workers: int = 1,
    evaluate: bool = True,
    text_path: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Train one system in a fresh Python process and return its result dict.

    ``text_path``: the corpus as text, for the systems that read a file (gensim's
    ``corpus_file`` mode, fastText; see :mod:`benchmarks._peers`).
    """
    workdir = Path(workdir)
    tag = f"{system}-{workers}-{time.monotonic_ns()}"
    spec_path, out_path = workdir / f"{tag}.spec.json", workdir / f"{tag}.out.json"
    spec = {
        "system": system,
        "workers": workers,
        "corpus_path": str(corpus_path),
        "settings": settings.to_dict(),
        "evaluate": evaluate,
        "text_path": None if text_path is None else str(text_path),
    }
    spec_path.write_text(json.dumps(spec))
    env = dict(os.environ)  # OPENBLAS_* and friends are passed on untouched
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "benchmarks._child", str(spec_path), str(out_path)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not out_path.exists():
        raise ChildError(
            f"{system} (workers={workers}) failed with exit code {done.returncode}:\n"
            f"{done.stderr.strip()}"
        )
    result = json.loads(out_path.read_text())
    spec_path.unlink(missing_ok=True)
    out_path.unlink(missing_ok=True)
    return result


def median_of(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Median of every numeric field over the runs (``None`` values are ignored).

    Non-numeric fields (method names, BLAS info) are taken from the first run; the
    runs themselves are kept under ``"runs"``.
    """
    summary: dict[str, Any] = {}
    for key, first in runs[0].items():
        values = [run.get(key) for run in runs]
        numeric = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if numeric and len(numeric) == sum(v is not None for v in values):
            if all(isinstance(v, int) for v in numeric):  # counts stay whole numbers
                summary[key] = statistics.median_low(numeric)
            else:
                summary[key] = float(statistics.median(numeric))
        elif all(v is None for v in values):
            summary[key] = None
        else:
            summary[key] = first
    summary["runs"] = [{k: v for k, v in run.items() if k != "blas"} for run in runs]
    return summary


def machine_info() -> dict[str, Any]:
    """CPU, cores, memory, library versions, BLAS, date and load of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory_gb = None
    try:
        with open("/proc/meminfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    memory_gb = round(int(line.split()[1]) / 2**20, 1)
                    break
    except (OSError, ValueError):
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gb": memory_gb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "gensim": _version("gensim"),
        "scipy": _version("scipy"),
        "blas": _blas(),
        "blas_env": {
            k: v
            for k, v in sorted(os.environ.items())
            if k.startswith(("OPENBLAS_", "OMP_", "MKL_"))
        },
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "load_average": _load_average(),
        "code": code_version(),
    }


def code_version() -> dict[str, Any]:
    """Git commit of the repository and whether ``w2v_core`` differs from it."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    status = git("status", "--porcelain", "--", "w2v_core")
    commit = git("rev-parse", "--short", "HEAD")
    if commit is None and os.environ.get("W2V_CODE_COMMIT"):
        # An exported tree (git archive) benchmarked while the repository moves on.
        return {"commit": os.environ["W2V_CODE_COMMIT"], "w2v_core_modified": False}
    return {"commit": commit, "w2v_core_modified": None if status is None else bool(status)}


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def parse_sizes(text: str) -> list[int]:
    """Parse ``"1M,4M,16M"`` or ``"20000,40000"`` (suffixes k and M allowed)."""
    sizes = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        scale = {"k": 1_000, "m": 1_000_000}.get(part[-1].lower(), 1)
        number = part[:-1] if scale != 1 else part
        value = int(float(number) * scale)
        if value <= 0:
            raise ValueError(f"corpus size must be positive: {part!r}")
        sizes.append(value)
    if not sizes:
        raise ValueError("no corpus sizes given")
    return sizes


def fmt(value: float | None, spec: str, suffix: str = "") -> str:
    """Format a number for the table; ``None`` (not measured) becomes ``-``."""
    return "-" if value is None else format(value, spec) + suffix
