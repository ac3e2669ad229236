"""WordSim-353 over many seeds, one run per line: is a quality gap more than seed noise?

One run per invocation (a fresh process, so runs do not share caches or threads),
printed as one JSON line: the system, the mode, the workers, the seed, wall and CPU
seconds of the training call, WordSim-353 and the mean vector norm.  Loop over seeds
in the shell and take medians::

    for s in $(seq 1 9); do
        python -m benchmarks.seed_quality --system ours --mode per-pair --workers 2 --seed $s
        python -m benchmarks.seed_quality --system gensim --workers 2 --seed $s
    done >> results/perpair-w2-seeds.jsonl

Settings are :class:`benchmarks._measure.Settings` (``wiki``, dim 100, window 5,
K = 5, 5 epochs); ``--batch`` and ``--pool`` change ours only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks._measure import Settings, _evaluate, train_gensim  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--system", choices=("ours", "gensim"), default="ours")
    parser.add_argument("--mode", choices=("shared", "per-pair"), default="shared")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", default="wiki")
    parser.add_argument("--batch", type=int, default=0)
    parser.add_argument("--pool", type=int, default=32)
    args = parser.parse_args(argv)

    from w2v_core import TrainConfig, Trainer
    from w2v_core.corpus import load_corpus

    corpus = load_corpus(args.corpus)
    settings = Settings(seed=args.seed)
    if args.system == "gensim":
        result = train_gensim(corpus, settings, args.workers, evaluate=True)
        row = {"wall": result["seconds"], "ws353": result["ws353"]}
    else:
        config = TrainConfig(
            **{**settings.to_dict(), "batch_size": args.batch},
            shared_negatives=args.mode == "shared",
            workers=args.workers,
            shared_pool=args.pool,
        )
        trainer = Trainer(corpus, config)
        began, cpu = time.perf_counter(), time.process_time()
        model = trainer.run()
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        norm = float(np.linalg.norm(model.wv.vectors, axis=1).mean())
        row = {"wall": wall, "cpu": cpu, "ws353": _evaluate(model.wv)["ws353"], "norm": norm}
    mode = "" if args.system == "gensim" else args.mode
    print(
        json.dumps(
            {
                "system": args.system,
                "mode": mode,
                "workers": args.workers,
                "seed": args.seed,
                "batch": args.batch,
                "pool": args.pool,
                **row,
            }
        )
    )


if __name__ == "__main__":
    main()
