"""Reduced-window pair generation."""

import numpy as np

from w2v_core.pairs import skipgram_pairs


def test_context_distance_follows_the_reduced_window():
    """P(distance d used) = (W - d + 1) / W, for both sides, away from edges."""
    window, n = 5, 200_000
    ids = np.arange(n, dtype=np.int32)  # every position a distinct word: distance = id gap
    centers, contexts = skipgram_pairs(ids, window, np.random.default_rng(0))
    distance = np.abs(contexts.astype(np.int64) - centers)
    assert distance.min() >= 1 and distance.max() <= window
    histogram = np.bincount(distance, minlength=window + 1)[1:]
    expected = 2 * n * (window - np.arange(1, window + 1) + 1) / window
    np.testing.assert_allclose(histogram, expected, rtol=0.02)
    # left and right contexts are used equally often
    assert abs(np.mean(contexts > centers) - 0.5) < 0.01


def test_pairs_never_cross_a_sentence_break():
    ids = np.array([0, 1, 2, -1, 3, 4, -1, 5], dtype=np.int32)
    centers, contexts = skipgram_pairs(ids, 10, np.random.default_rng(0))
    sentence = {0: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 2}
    assert len(centers) > 0
    assert all(sentence[c] == sentence[o] for c, o in zip(centers, contexts, strict=True))
    assert -1 not in centers and -1 not in contexts
    assert 5 not in centers  # a one-word sentence has no pairs


def test_full_window_one_gives_every_neighbour():
    ids = np.array([10, 11, 12], dtype=np.int32)
    centers, contexts = skipgram_pairs(ids, 1, np.random.default_rng(0))
    assert sorted(zip(centers.tolist(), contexts.tolist(), strict=True)) == [
        (10, 11),
        (11, 10),
        (11, 12),
        (12, 11),
    ]


def test_pairs_are_in_reading_order_of_centers():
    ids = np.arange(1000, dtype=np.int32)
    centers, _ = skipgram_pairs(ids, 3, np.random.default_rng(0))
    assert np.all(np.diff(centers) >= 0)


def test_tiny_inputs():
    for ids in (np.array([], dtype=np.int32), np.array([4], dtype=np.int32)):
        centers, contexts = skipgram_pairs(ids, 5, np.random.default_rng(0))
        assert len(centers) == len(contexts) == 0
