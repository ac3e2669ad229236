"""Every training mode learns a planted corpus as well as gensim does (group precision@5)."""

import random

import numpy as np
import pytest

from w2v_core import KeyedVectors, TrainConfig, train
from w2v_core.corpus import corpus_from_text

N_GROUPS, GROUP_SIZE, CONTEXTS = 8, 8, 6
FILLER = ["the", "of", "and", "a", "to", "in", "is", "was", "it", "for"]
SETTINGS = dict(dim=32, window=5, negatives=5, epochs=5, min_count=1, sample=1e-3, alpha=0.025)
GENSIM_JOB_WORDS = 1_000
"""gensim fixes the learning rate for each job of ``batch_words`` words (10,000 by
default) at its value when the job starts.  On a 31k-token corpus that runs it
~10% hotter on average than our per-step decay, and in this few-epoch regime
10% more learning rate moved precision@5 from 0.58 to 0.68 (measured).  Jobs
of 1,000 words make both decay alike."""


def grouped_text(n_sentences: int, seed: int) -> str:
    """Short sentences: one group word, some of its group's context words, filler words.

    Group words have Zipf-like frequencies (rare members are harder), filler words
    are frequent enough for subsampling to matter, and one sentence in five also
    carries a context word of a random other group (noise).
    """
    rng = random.Random(seed)
    weights = [1 / (r + 1) for r in range(GROUP_SIZE)]
    lines = []
    for _ in range(n_sentences):
        g = rng.randrange(N_GROUPS)
        words = [f"g{g}w{rng.choices(range(GROUP_SIZE), weights)[0]}"]
        words += [f"g{g}c{rng.randrange(CONTEXTS)}" for _ in range(rng.randint(1, 3))]
        words += rng.choices(FILLER, k=rng.randint(1, 3))
        if rng.random() < 0.2:
            words.append(f"g{rng.randrange(N_GROUPS)}c{rng.randrange(CONTEXTS)}")
        rng.shuffle(words)
        lines.append(" ".join(words))
    return "\n".join(lines)


def group_precision(kv: KeyedVectors, k: int = 5) -> float:
    """Mean share of each group word's k nearest neighbours that belong to its group."""
    scores = []
    for g in range(N_GROUPS):
        for i in range(GROUP_SIZE):
            top = [w for w, _ in kv.most_similar(f"g{g}w{i}", topn=k)]
            scores.append(sum(w.startswith(f"g{g}w") for w in top) / k)
    return float(np.mean(scores))


@pytest.fixture(scope="module")
def corpora():
    return [corpus_from_text(grouped_text(6000, seed), name=f"grouped-{seed}") for seed in (1, 2)]


@pytest.fixture(scope="module")
def gensim_precision(corpora):
    gensim = pytest.importorskip("gensim.models")
    scores = []
    for seed, corpus in enumerate(corpora, start=1):
        model = gensim.Word2Vec(
            corpus.sentences(), sg=1, hs=0, negative=SETTINGS["negatives"],
            vector_size=SETTINGS["dim"], window=SETTINGS["window"], sample=SETTINGS["sample"],
            min_count=1, epochs=SETTINGS["epochs"], alpha=SETTINGS["alpha"], seed=seed,
            workers=1, batch_words=GENSIM_JOB_WORDS,
        )  # fmt: skip
        counts = np.array([model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key])
        kv = KeyedVectors(model.wv.index_to_key, model.wv.vectors, counts)
        scores.append(group_precision(kv))
    return float(np.mean(scores))


@pytest.mark.parametrize("shared", [False, True], ids=["per-pair", "shared"])
def test_each_mode_learns_the_planted_groups_as_well_as_gensim(corpora, gensim_precision, shared):
    config = dict(SETTINGS, shared_negatives=shared, workers=1)
    ours = np.mean(
        [
            group_precision(train(corpus, TrainConfig(**config, seed=seed)).wv)
            for seed, corpus in enumerate(corpora, start=1)
        ]
    )
    print(f"group precision@5: ours {ours:.3f}, gensim {gensim_precision:.3f}")
    assert ours >= gensim_precision - 0.03
    assert 0.5 < gensim_precision < 0.97  # learnable in these epochs, yet not saturated
