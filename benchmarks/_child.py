"""The child process of every benchmark run: ``python -m benchmarks._child SPEC OUT``.

It trains one system (ours in either mode, gensim in memory or from its ``corpus_file``,
fastText) on the corpus the parent handed over, and writes one JSON result
(:mod:`benchmarks._measure` starts it and reads the result; :mod:`benchmarks._peers`
runs the peers that read a text file).  Apart from both, so that neither imports the
other.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import (  # noqa: E402
    MB,
    Settings,
    _blas,
    _load_average,
    load_corpus_file,
    source_hash,
    train_gensim,
    train_ours,
)
from benchmarks._peers import train_fasttext  # noqa: E402


def child_main(spec_path: str, out_path: str) -> None:
    """Run the job described by ``spec_path`` (JSON) and write its result to ``out_path``."""
    spec = json.loads(Path(spec_path).read_text())
    settings = Settings(**spec["settings"])
    corpus = load_corpus_file(spec["corpus_path"])
    system = spec["system"]
    load_before = _load_average()
    if system in ("ours", "ours_shared"):
        result = train_ours(
            corpus, settings, system == "ours_shared", spec["evaluate"], int(spec["workers"])
        )
    elif system == "gensim":
        result = train_gensim(corpus, settings, int(spec["workers"]), spec["evaluate"])
    elif system == "gensim_corpus_file":
        result = train_gensim(
            corpus, settings, int(spec["workers"]), spec["evaluate"], spec["text_path"]
        )
    elif system == "fasttext":
        result = train_fasttext(
            spec["text_path"], Path(out_path).parent, settings, int(spec["workers"]),
            spec["evaluate"],
        )  # fmt: skip
    else:
        raise ValueError(f"unknown system {system!r}")
    n_tokens = int(corpus.n_tokens)
    result["load_average_before"] = load_before
    result["load_average_after"] = _load_average()
    result["corpus_tokens"] = n_tokens
    result["ids_mb"] = corpus.ids.nbytes / MB
    # One definition for every system: raw corpus words x epochs / training seconds.
    result["words_per_sec"] = n_tokens * settings.epochs / result["seconds"]
    result["blas"] = _blas()
    result["w2v_core_hash"] = source_hash()
    Path(out_path).write_text(json.dumps(result))


if __name__ == "__main__":
    child_main(sys.argv[1], sys.argv[2])
