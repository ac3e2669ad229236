"""Run keys mean what they say: the vector settings of the configuration that trains."""

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from planted import planted_text

from w2v_core.config import (
    RUN_OPTIONS,
    TrainConfig,
    resolve,
    run_key,
    training_key,
    vector_settings,
)
from w2v_core.corpus import corpus_from_text

ROOT = Path(__file__).resolve().parent.parent
SMALL = dict(dim=12, window=3, negatives=3, epochs=2, min_count=1)


def test_run_options_do_not_change_the_key():
    base = TrainConfig(**SMALL, workers=1)
    for changed in (
        dict(log_every=7), dict(blas_threads=4), dict(snapshot_words=50),
    ):  # fmt: skip
        assert run_key("abc", dataclasses.replace(base, **changed)) == run_key("abc", base)
    assert set(RUN_OPTIONS).isdisjoint(vector_settings(base))
    for name, value in (("dim", 13), ("alpha", 0.05), ("seed", 2), ("batch_size", 64),
                        ("shared_negatives", False), ("heldout", 0.1)):  # fmt: skip
        assert run_key("abc", dataclasses.replace(base, **{name: value})) != run_key("abc", base)


def test_workers_are_part_of_the_key_only_above_one():
    one = TrainConfig(**SMALL, workers=1)
    assert "workers" not in vector_settings(one)
    assert vector_settings(dataclasses.replace(one, workers=2))["workers"] == 2
    assert run_key("abc", dataclasses.replace(one, workers=2)) != run_key("abc", one)


def test_the_key_is_the_configuration_that_trains():
    """A tiny corpus trains with one worker whatever was asked (and whatever this
    machine's core count, the default): its key is the one-worker key."""
    tiny = corpus_from_text(planted_text(200))
    asked = TrainConfig(**SMALL, workers=8)
    assert resolve(tiny, asked).workers == 1
    assert training_key(tiny, asked) == run_key(tiny.fingerprint, TrainConfig(**SMALL, workers=1))
    assert training_key(tiny, TrainConfig(**SMALL)) == training_key(tiny, asked)
    big = corpus_from_text(planted_text(30_000, seed=3))
    # 119,800 words + 30,000 sentence breaks: 15 chunks x 2 epochs, one worker per 8
    assert resolve(big, asked).workers == 3
    assert resolve(big, asked, budget=1).workers == 1


_CHILD = """
import hashlib, json, sys
sys.path.insert(0, {tests!r})
from planted import planted_text
from w2v_core.config import TrainConfig, training_key
from w2v_core.corpus import corpus_from_text
from w2v_core.train import train
corpus = corpus_from_text(planted_text(300))
config = TrainConfig(dim=12, window=3, negatives=3, epochs=2, min_count=1, workers=1)
model = train(corpus, config)
bits = hashlib.sha256(model.w_in.tobytes() + model.w_out.tobytes()).hexdigest()
print(json.dumps({{"key": training_key(corpus, config), "bits": bits}}))
"""


def test_one_worker_same_key_same_bits_in_fresh_processes():
    """Two fresh interpreters with different hash seeds (set iteration order differs):
    the same key, and the same bits."""
    results = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        code = _CHILD.format(tests=str(ROOT / "tests"))
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert results[0] == results[1]
    assert len(results[0]["bits"]) == len(hashlib.sha256().hexdigest())
