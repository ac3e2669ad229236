"""gensim beside us: the one mapping of a configuration to gensim's ``Word2Vec`` and the
one function that imports gensim (lazily: the core runs without it)."""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import W2VError
from .vectors import KeyedVectors

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus
    from .train import TrainConfig


def gensim_params(config: TrainConfig, workers: int = 2) -> dict[str, Any]:
    """The one mapping of a :class:`~w2v_core.train.TrainConfig` to gensim ``Word2Vec``
    arguments: skip-gram (``sg=1``) with negative sampling (``hs=0``) and the same
    dimension, window, negatives, vocabulary rules, subsampling, noise exponent,
    learning rates, epochs and seed.

    Our own speed options (batch size, shared negatives, BLAS threads) and early
    stopping have no gensim counterpart: gensim always trains every epoch.
    """
    params: dict[str, Any] = {
        "sg": 1,
        "hs": 0,
        "negative": config.negatives,
        "vector_size": config.dim,
        "window": config.window,
        "min_count": config.min_count,
        "sample": config.sample,
        "ns_exponent": config.ns_exponent,
        "alpha": config.alpha,
        "min_alpha": config.min_alpha,
        "epochs": config.epochs,
        "seed": config.seed,
        "workers": workers,
    }
    if config.max_vocab is not None:
        params["max_final_vocab"] = config.max_vocab
    return params


@dataclass
class GensimResult:
    """gensim's vectors trained with our configuration, and its training time."""

    kv: KeyedVectors
    seconds: float


def train_gensim(corpus: Corpus, config: TrainConfig, workers: int = 2) -> GensimResult:
    """Train gensim on the same sentences and settings; return its vectors as ours.

    gensim is imported here, and only here: the core runs without it.

    Raises
    ------
    W2VError
        If gensim is not installed.
    """
    try:  # imported by name: the core's modules import no framework (see tests/test_imports.py)
        Word2Vec = importlib.import_module("gensim.models").Word2Vec
    except ImportError:
        raise W2VError("gensim is not installed: pip install gensim") from None

    start = time.perf_counter()
    model = Word2Vec(corpus.sentences(), **gensim_params(config, workers))
    seconds = time.perf_counter() - start
    return GensimResult(gensim_vectors(model.wv), seconds)


def gensim_vectors(wv: Any) -> KeyedVectors:
    """gensim ``KeyedVectors`` (with counts) as ours, most frequent word first."""
    words = list(wv.index_to_key)
    counts = np.array([wv.get_vecattr(word, "count") for word in words], dtype=np.int64)
    return KeyedVectors(words, np.asarray(wv.vectors), counts)
