"""Vocabulary: min_count, ordering, subsampling keep-probabilities, the noise distribution."""

from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

from w2v_core import ConfigError, NoiseSampler, Vocab
from w2v_core.pairs import subsample


def _corpus(words, counts, ids=None):
    return SimpleNamespace(name="test", words=words, counts=np.array(counts), ids=ids)


def test_build_sorts_by_count_and_applies_min_count_and_max_vocab():
    corpus = _corpus(["a", "b", "c", "d", "e"], [3, 10, 1, 10, 5])
    vocab = Vocab.build(corpus, min_count=2)
    assert vocab.words == ["b", "d", "e", "a"]  # ties keep first-appearance order
    assert vocab.counts.tolist() == [10, 10, 5, 3]
    assert vocab.index["e"] == 2
    assert Vocab.build(corpus, min_count=1, max_vocab=2).words == ["b", "d"]


def test_min_count_that_leaves_nothing_is_a_clear_error():
    with pytest.raises(ConfigError, match="min_count=50 leaves no vocabulary.*10 times"):
        Vocab.build(_corpus(["a", "b"], [10, 3]), min_count=50)


def test_encode_drops_rare_words_and_keeps_single_breaks():
    # words: 0=x 1=y 2=rare ; stream: x y rare | rare | y x
    ids = np.array([0, 1, 2, -1, 2, -1, 1, 0], dtype=np.int32)
    corpus = _corpus(["x", "y", "rare"], [2, 2, 1], ids)
    vocab = Vocab.build(corpus, min_count=2)
    encoded = vocab.encode(corpus)
    assert [(-1 if i < 0 else vocab.words[i]) for i in encoded] == ["x", "y", -1, "y", "x"]


def test_keep_probabilities_follow_word2vec_formula():
    counts = np.array([100_000, 10_000, 1_000, 100, 10])
    vocab = Vocab([f"w{i}" for i in range(5)], counts)
    sample = 1e-3
    f = counts / counts.sum()
    expected = np.minimum(1.0, (np.sqrt(f / sample) + 1) * sample / f)
    np.testing.assert_allclose(vocab.keep_probabilities(sample), expected, rtol=1e-6)
    assert vocab.keep_probabilities(sample)[-1] == 1.0  # rare words always kept
    assert np.all(vocab.keep_probabilities(0) == 1.0)


def test_subsampling_keeps_the_expected_fraction_of_each_word():
    rng = np.random.default_rng(0)
    counts = np.array([50_000, 20_000, 5_000, 1_000, 200])
    vocab = Vocab([f"w{i}" for i in range(5)], counts)
    ids = rng.permutation(np.repeat(np.arange(5, dtype=np.int32), counts))
    keep = vocab.keep_probabilities(1e-3)
    kept = subsample(ids, keep, rng)
    observed = np.bincount(kept, minlength=5)
    # binomial standard deviations: within 5 sigma
    sigma = np.sqrt(counts * keep * (1 - keep)) + 1e-9
    assert np.all(np.abs(observed - counts * keep) <= 5 * sigma + 1)
    assert observed[0] / counts[0] < 0.2  # the most frequent word is mostly dropped


def test_subsampling_keeps_sentence_breaks():
    vocab = Vocab(["the"], [10**6])
    ids = np.array([0, 0, -1, 0, 0, -1, 0], dtype=np.int32)
    kept = subsample(ids, vocab.keep_probabilities(1e-5), np.random.default_rng(0))
    assert np.count_nonzero(kept == -1) == 2


def test_noise_distribution_is_unigram_to_the_three_quarters():
    counts = np.array([1000, 100, 10, 1])
    p = Vocab(list("abcd"), counts).noise_distribution(0.75)
    np.testing.assert_allclose(p, counts**0.75 / (counts**0.75).sum())


def test_sampled_negatives_follow_unigram_075():
    rng = np.random.default_rng(1)
    counts = rng.zipf(1.3, size=200).clip(max=10**6)
    vocab = Vocab([f"w{i}" for i in range(200)], counts)
    p = vocab.noise_distribution(0.75)
    draws = NoiseSampler(p).sample(rng, (500, 400)).ravel()  # 200k samples
    assert draws.dtype == np.int32 and draws.min() >= 0 and draws.max() < 200
    observed = np.bincount(draws, minlength=200)
    # chi-square goodness of fit, pooling rare bins so expected counts are >= 5
    expected = p * len(draws)
    big = expected >= 5
    obs = np.append(observed[big], observed[~big].sum())
    exp = np.append(expected[big], expected[~big].sum())
    assert stats.chisquare(obs, exp).pvalue > 1e-3
    # and it is *not* the plain unigram distribution
    unigram = counts / counts.sum() * len(draws)
    assert (
        stats.chisquare(
            observed[big], unigram[big] * observed[big].sum() / unigram[big].sum()
        ).pvalue
        < 1e-6
    )
