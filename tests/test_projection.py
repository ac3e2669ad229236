"""Projections for the word map: shapes, determinism, and that they keep planted structure."""

import numpy as np
import pytest

from dashboard.charts import projection
from w2v_core.errors import UnknownWordError, W2VError
from w2v_core.vectors import KeyedVectors


def blobs(n_per: int = 40, dim: int = 30, k: int = 3, spread: float = 0.3, seed: int = 0):
    """``k`` well-separated Gaussian blobs; returns vectors and blob labels."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dim)) * 3.0
    x = np.concatenate([c + spread * rng.normal(size=(n_per, dim)) for c in centres])
    return x, np.repeat(np.arange(k), n_per)


def nearest_neighbour_agreement(coords: np.ndarray, labels: np.ndarray, k: int = 5) -> float:
    d = ((coords[:, None, :] - coords[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    nn = np.argsort(d, axis=1)[:, :k]
    return float((labels[nn] == labels[:, None]).mean())


# -- PCA -------------------------------------------------------------------------------


def test_pca_shapes_and_determinism():
    x = np.random.default_rng(1).normal(size=(50, 20))
    for dims in (2, 3):
        a = projection.pca(x, dims, seed=3)
        assert a.shape == (50, dims)
        np.testing.assert_array_equal(a, projection.pca(x, dims, seed=3))


def test_pca_recovers_planted_plane():
    """Points on a 2-D plane inside 40-D space (plus tiny noise): PCA keeps all distances."""
    rng = np.random.default_rng(0)
    plane = rng.normal(size=(200, 2)) * [5.0, 2.0]
    basis, _ = np.linalg.qr(rng.normal(size=(40, 2)))
    x = plane @ basis.T + 1e-4 * rng.normal(size=(200, 40)) + 7.0
    y = projection.pca(x, 2)
    d_true = np.linalg.norm(plane[:, None] - plane[None], axis=-1)
    d_map = np.linalg.norm(y[:, None] - y[None], axis=-1)
    np.testing.assert_allclose(d_map, d_true, atol=1e-2)
    # the first axis is the long one
    assert y[:, 0].std() > 2 * y[:, 1].std()


def test_pca_tiny_inputs():
    assert projection.pca(np.zeros((0, 5))).shape == (0, 2)
    np.testing.assert_array_equal(projection.pca(np.ones((1, 5))), np.zeros((1, 2)))
    # two points in 1 dimension: the second component does not exist and is zero
    y = projection.pca(np.array([[0.0], [2.0]]), 3)
    assert y.shape == (2, 3)
    np.testing.assert_allclose(np.abs(y[:, 0]), [1.0, 1.0])
    np.testing.assert_array_equal(y[:, 1:], 0.0)
    with pytest.raises(W2VError):
        projection.pca(np.ones((4, 4)), 4)


# -- t-SNE -----------------------------------------------------------------------------


def test_tsne_keeps_planted_clusters_apart():
    x, labels = blobs()
    y = projection.tsne(x, 2, perplexity=15, seed=0)
    assert y.shape == (len(x), 2)
    assert nearest_neighbour_agreement(y, labels) == 1.0


def test_tsne_deterministic_for_a_seed_and_3d():
    x, _ = blobs(n_per=15, dim=10)
    a = projection.tsne(x, 3, perplexity=5, seed=7, max_iter=300)
    assert a.shape == (45, 3)
    np.testing.assert_array_equal(a, projection.tsne(x, 3, perplexity=5, seed=7, max_iter=300))


def test_tsne_small_inputs():
    assert projection.effective_perplexity(10, 30) == pytest.approx(3.0)
    assert projection.effective_perplexity(2, 30) == 1.0
    assert projection.effective_perplexity(1000, 30) == 30.0
    x = np.random.default_rng(0).normal(size=(6, 4))
    assert projection.tsne(x, 2, perplexity=30, max_iter=250).shape == (6, 2)
    # below TSNE_MIN_WORDS there are no neighbourhoods: the PCA map is returned
    tiny = x[:3]
    np.testing.assert_allclose(projection.tsne(tiny, 2), projection.pca(tiny, 2))


def test_tsne_reduces_wide_vectors_first_and_keeps_their_clusters():
    """Rows wider than TSNE_PCA_DIMS go through PCA first (the path of 100-d models).

    (This was a 1,000 x 100 timing print, seconds of the suite asserting only the
    shape; the map's time is measured by benchmarks/dashboard_latency.py.)"""
    x, labels = blobs(n_per=40, dim=2 * projection.TSNE_PCA_DIMS)
    assert x.shape[0] > projection.TSNE_PCA_DIMS  # both conditions of the reduction
    y = projection.tsne(x, 2, perplexity=15, seed=0)
    assert y.shape == (len(x), 2)
    assert nearest_neighbour_agreement(y, labels) == 1.0


# -- custom axes -----------------------------------------------------------------------


def axes_kv() -> KeyedVectors:
    eye = np.eye(4, dtype=np.float32)
    vectors = np.vstack([eye * 3.0, [[1.0, 1.0, 0.0, 0.0]], [[0.0, 0.0, 0.0, 2.0]]])
    return KeyedVectors(["man", "woman", "bad", "good", "both", "other"], vectors)


def test_custom_axes_known_coordinates():
    kv = axes_kv()
    xy = projection.custom_axes(kv, ("man", "woman"), ("bad", "good"), kv.words)
    s = 1 / np.sqrt(2)
    expected = np.array([[-s, 0], [s, 0], [0, -s], [0, s], [0, 0], [0, s]])
    np.testing.assert_allclose(xy, expected, atol=1e-6)


def test_custom_axes_errors():
    kv = axes_kv()
    with pytest.raises(UnknownWordError):
        projection.custom_axes(kv, ("man", "wman"), ("bad", "good"), kv.words)
    with pytest.raises(UnknownWordError) as info:
        projection.custom_axes(kv, ("man", "woman"), ("bad", "good"), ["goood"])
    assert "good" in info.value.suggestions
    with pytest.raises(W2VError):
        projection.custom_axes(kv, ("man", "man"), ("bad", "good"), kv.words)


# -- clusters --------------------------------------------------------------------------


def test_kmeans_labels_find_blobs():
    x, labels = blobs(n_per=20)
    found = projection.kmeans_labels(x, 3, seed=0)
    assert found.shape == labels.shape and found.dtype == np.int64
    # each blob is one cluster (up to renaming)
    assert all(len(set(found[labels == b])) == 1 for b in range(3))
    assert len(set(found)) == 3
    np.testing.assert_array_equal(found, projection.kmeans_labels(x, 3, seed=0))
    # k larger than the number of distinct points is capped
    assert set(projection.kmeans_labels(np.ones((5, 3)), 4)) == {0}


# -- training replay -------------------------------------------------------------------


@pytest.mark.parametrize("method", ["pca", "tsne"])
def test_common_frame_static_snapshots_give_identical_frames(method):
    x, _ = blobs(n_per=10, dim=8)
    snaps = np.stack([x, x, x])
    frames = projection.common_frame(snaps, method=method)
    assert frames.shape == (3, 30, 2)
    np.testing.assert_allclose(frames[0], frames[2], atol=1e-6)
    np.testing.assert_allclose(frames[1], frames[2], atol=1e-6)


def test_common_frame_pca_is_one_linear_map():
    """The final epoch's PCA axes are applied to every epoch (lengths do not matter)."""
    x, _ = blobs(n_per=10, dim=8)
    rng = np.random.default_rng(3)
    longer = 5.0 * x  # same directions, longer vectors: same unit rows, same frame
    frames = projection.common_frame(np.stack([rng.normal(size=x.shape), longer, x]))
    assert frames.shape == (3, 30, 2)
    np.testing.assert_allclose(frames[1], frames[2], atol=1e-9)
    unit = projection.unit_rows(x)
    expected = projection.pca(unit, 2)
    np.testing.assert_allclose(frames[-1], expected, atol=1e-9)
    # random initial vectors have little spread along the final axes, and are scaled
    # up to the final spread: the first frame is a cloud, not a dot
    radius = np.sqrt(((frames - frames.mean(axis=1, keepdims=True)) ** 2).sum(axis=2).mean(axis=1))
    np.testing.assert_allclose(radius, radius[-1])


def test_common_frame_tsne_moves_words_smoothly():
    """Planted drift from noise to four groups, then small jitter: once the groups have
    formed, a t-SNE frame started from the previous one barely moves (independent
    maps aligned afterwards moved 0.25-0.9 of the radius per epoch here)."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 16)) * 3
    final = np.concatenate([c + 0.5 * rng.normal(size=(30, 16)) for c in centres])
    noise = rng.normal(size=final.shape) * 2
    snaps = np.stack([noise + (final - noise) * min(1.0, e / 3) for e in range(6)])
    snaps += 0.05 * rng.normal(size=snaps.shape)
    frames = projection.common_frame(snaps, method="tsne")
    centred = frames - frames.mean(axis=1, keepdims=True)
    radius = np.sqrt((centred**2).sum(axis=2).mean(axis=1))
    np.testing.assert_allclose(radius, radius[-1])  # epoch 0 is as wide as the last
    steps = np.linalg.norm(np.diff(frames, axis=0), axis=2).mean(axis=1) / radius[-1]
    assert steps[3:].max() < 0.2  # settled epochs: words stay put
    groups = np.repeat(np.arange(4), 30)
    members = [centred[-1][groups == g] for g in range(4)]
    spread = np.mean([np.linalg.norm(m - m.mean(axis=0), axis=1).mean() for m in members])
    assert spread < 0.3 * radius[-1]  # and the groups are really there


def test_procrustes_align_recovers_rotation():
    rng = np.random.default_rng(0)
    target = rng.normal(size=(20, 2))
    angle = 1.1
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    source = 3.0 * target @ rot * [1, -1] + 4.0  # rotated, reflected, scaled, shifted
    np.testing.assert_allclose(projection.procrustes_align(source, target), target, atol=1e-9)


def test_common_frame_rejects_bad_input():
    with pytest.raises(W2VError):
        projection.common_frame(np.zeros((3, 4)))
    with pytest.raises(W2VError):
        projection.common_frame(np.zeros((2, 4, 3)), method="umap")


def test_neighbours_over_epochs():
    words = ["a", "b", "c", "d"]
    start = np.array([[1, 0], [0, 1], [-1, 0], [0.9, 0.1]])
    end = np.array([[1, 0], [0.95, 0.05], [-1, 0], [0, 1]])
    history = projection.neighbours_over_epochs(np.stack([start, end]), words, "a", topn=2)
    assert len(history) == 2
    assert [w for w, _ in history[0]] == ["d", "b"]
    assert [w for w, _ in history[1]] == ["b", "d"]
    assert history[1][0][1] == pytest.approx(0.95 / np.hypot(0.95, 0.05))
    assert len(projection.neighbours_over_epochs(np.stack([start]), words, "a", 99)[0]) == 3
    with pytest.raises(UnknownWordError):
        projection.neighbours_over_epochs(np.stack([start]), words, "zz", 2)


def test_pca_of_many_rows_equals_the_svd_route(monkeypatch):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(6000, 12)) * np.linspace(3, 0.1, 12)  # distinct variances
    fast = projection.pca(x, 3)
    monkeypatch.setattr(projection, "_SVD_UP_TO", 10**9)
    np.testing.assert_allclose(fast, projection.pca(x, 3), atol=1e-8)
