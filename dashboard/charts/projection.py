"""Flatten word vectors to 2-D or 3-D for the word map (pure NumPy / scikit-learn).

Nothing here imports Streamlit, so every function is testable on its own and the
dashboard caches the results at its boundary.

* :func:`pca` -- linear, exact, fast; distances along the axes mean something.
* :func:`tsne` -- non-linear; keeps *neighbourhoods* (who is close to whom) but
  distances between far-apart groups and the axes themselves mean nothing.
* :func:`umap` -- non-linear like t-SNE but keeps more of the layout *between* groups
  and scales to more words; its first use in a process compiles code (numba), which
  :func:`prepare_umap` does up front so the dashboard can show it happening.
* :func:`custom_axes` -- two interpretable directions chosen by the user, e.g.
  *man -> woman* horizontally and *bad -> good* vertically.
* :func:`common_frame` -- one frame of reference for all training epochs, so the
  replay animation shows the words moving rather than the axes spinning.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from collections.abc import Callable, Sequence

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from threadpoolctl import threadpool_limits

from w2v_core.errors import UnknownWordError, W2VError
from w2v_core.vectors import KeyedVectors

TSNE_PCA_DIMS = 50
"""Vectors wider than this are reduced by PCA before t-SNE (the usual recipe: it
removes noise and makes the neighbour search cheaper)."""

TSNE_MAX_ITER = 500
"""Optimisation steps: 250 with early exaggeration, then 250 more.  On 1,000 words the
KL divergence at 500 steps was within 1 % of its value at 1,000 steps, at half the time."""

TSNE_MIN_WORDS = 4
"""Below this many words t-SNE has no meaningful neighbourhoods; :func:`tsne` uses PCA."""


def _as_2d(vectors: np.ndarray) -> np.ndarray:
    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim != 2:
        raise W2VError(f"expected a 2-D array of vectors, got shape {x.shape}")
    return x


def _check_components(n_components: int) -> None:
    if n_components not in (2, 3):
        raise W2VError(f"the map has 2 or 3 dimensions, not {n_components}")


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), along the last axis."""
    x = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


#: Above this many rows, PCA diagonalises the d x d scatter matrix instead (seconds -> ms).
_SVD_UP_TO = 5000


def _pca_basis(x: np.ndarray, n_components: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and the top principal directions ``(n_components, d)`` of the rows of ``x``.

    Signs are fixed (largest loading positive) so the same data always gives the
    same picture; missing components (fewer words or dimensions than asked) are 0.
    """
    mean = x.mean(axis=0)
    basis = np.zeros((n_components, x.shape[1]))
    if x.shape[0] > _SVD_UP_TO:
        # Many words: the top eigenvectors of the d x d scatter matrix (X-m)^T (X-m) are
        # the same directions, from one matrix product instead of an n x d SVD.
        centred = x - mean
        values, vectors = np.linalg.eigh(centred.T @ centred)
        k = min(n_components, x.shape[1])
        basis[:k] = vectors[:, ::-1][:, :k].T
    elif x.shape[0] >= 2:
        _, _, vt = np.linalg.svd(x - mean, full_matrices=False)
        k = min(n_components, vt.shape[0])
        basis[:k] = vt[:k]
    big = np.argmax(np.abs(basis), axis=1)
    signs = np.sign(basis[np.arange(n_components), big])
    basis *= np.where(signs == 0, 1.0, signs)[:, None]
    return mean, basis


def pca(vectors: np.ndarray, n_components: int = 2, seed: int = 0) -> np.ndarray:
    """Project rows onto their top principal components.

    Parameters
    ----------
    vectors : numpy.ndarray
        ``(n, d)`` array (pass unit-length rows to map cosine geometry).
    n_components : int
        2 or 3.
    seed : int
        Unused (the SVD is exact); accepted so all methods share one signature.

    Returns
    -------
    numpy.ndarray
        ``(n, n_components)`` float64 coordinates, centred on the mean word.
        Components that do not exist (fewer than ``n_components`` words or
        dimensions) are zero.
    """
    del seed
    _check_components(n_components)
    x = _as_2d(vectors)
    if x.shape[0] == 0:
        return np.zeros((0, n_components))
    mean, basis = _pca_basis(x, n_components)
    return (x - mean) @ basis.T


def effective_perplexity(n: int, perplexity: float) -> float:
    """The perplexity actually used for ``n`` points: clipped to below ``n / 3``.

    scikit-learn requires ``perplexity < n``; t-SNE itself needs about three times
    as many points as the perplexity (it looks at roughly ``3 * perplexity``
    neighbours), so the value is capped at ``(n - 1) / 3`` and never below 1.
    """
    return float(max(1.0, min(float(perplexity), (n - 1) / 3.0)))


def tsne(
    vectors: np.ndarray,
    n_components: int = 2,
    perplexity: float = 30,
    seed: int = 0,
    max_iter: int = TSNE_MAX_ITER,
    init: np.ndarray | None = None,
) -> np.ndarray:
    """t-SNE map of the rows (scikit-learn Barnes-Hut, PCA initialisation by default).

    Parameters
    ----------
    vectors : numpy.ndarray
        ``(n, d)`` array (pass unit-length rows: Euclidean distance between unit
        vectors is a monotone function of cosine similarity).
    n_components : int
        2 or 3.
    perplexity : float
        Roughly the number of neighbours each word "pays attention to"; clipped by
        :func:`effective_perplexity` for small ``n``.
    seed : int
        Random state: the same data and seed give the same map.
    max_iter : int
        Optimisation steps (:data:`TSNE_MAX_ITER`).
    init : numpy.ndarray, optional
        ``(n, n_components)`` starting positions (e.g. the previous epoch's map, so
        the replay's words keep their places); default: the PCA of the rows.  A start
        at a converged map's scale moves little where the neighbourhoods did not change
        (measured on a planted drift: 0.03-0.13 of the map radius per settled epoch,
        against 0.25-0.9 for independent maps aligned afterwards).

    Returns
    -------
    numpy.ndarray
        ``(n, n_components)`` coordinates.  With fewer than :data:`TSNE_MIN_WORDS`
        words there is nothing for t-SNE to preserve and the PCA map is returned.

    Notes
    -----
    Vectors wider than :data:`TSNE_PCA_DIMS` are first reduced to that many
    principal components.  The optimiser runs on one OpenMP thread: on a small,
    shared machine several spinning threads were up to ten times slower and the
    single-threaded result is reproducible.  1,000 words x 100 dimensions take
    2-3 s on the 2-core development machine (about twice that with scikit-learn's
    default of 1,000 steps).
    """
    _check_components(n_components)
    x = _as_2d(vectors)
    n = x.shape[0]
    if n < TSNE_MIN_WORDS:
        return pca(x, n_components)
    if x.shape[1] > TSNE_PCA_DIMS and n > TSNE_PCA_DIMS:
        x = PCA(TSNE_PCA_DIMS, random_state=seed).fit_transform(x)
    model = TSNE(
        n_components=n_components,
        perplexity=effective_perplexity(n, perplexity),
        init="pca" if init is None else np.asarray(init, dtype=np.float64),
        learning_rate="auto",
        max_iter=max_iter,
        random_state=seed,
    )
    with threadpool_limits(1, user_api="openmp"):
        return np.asarray(model.fit_transform(x), dtype=np.float64)


UMAP_NEIGHBOURS = 15
"""UMAP's default ``n_neighbors``: how many neighbours define a word's neighbourhood."""

UMAP_MIN_DIST = 0.1
"""UMAP's default ``min_dist``: how tightly words may be packed on the map (0 to 1)."""

UMAP_EPOCHS = 200
"""Layout steps: umap-learn's own choice above 10,000 words (it takes 500 below).  On
1,000 words in 20 planted groups (50-d) the 10-nearest-neighbour purity of the map was
1.0 at 200 steps as at 500, in 2.8-4.5 s instead of 6.8 s (warm, 2 busy cores, load 15),
which puts UMAP beside t-SNE (4.0-5.6 s there)."""

UMAP_MIN_WORDS = 4
"""Below this many words :func:`umap` returns the PCA map, as :func:`tsne` does."""

_UMAP_WARM = {"done": False}


def umap_ready() -> bool:
    """Whether UMAP is imported and its code compiled in this process (no wait left)."""
    return _UMAP_WARM["done"]


def prepare_umap(progress: Callable[[float, str], None] | None = None) -> float:
    """Import ``umap-learn`` and compile its numba code once per process.

    ``umap`` (and numba, which it imports) is imported here and only here, so the
    first screen never waits for it.  The first fit in a process compiles a few
    dozen numba functions (measured in fresh processes on the busy 2-core development
    machine, load average 6-14: import 2-4 s, then 13-52 s of compilation; a warm fit
    of 1,000 words is 3-5 s); a fit of 64 random points compiles the same functions, so the user's
    map after it runs at the warm speed and the wait can be shown as two steps.

    Parameters
    ----------
    progress : callable, optional
        Called with ``(share done, what is happening)`` before each step and at the end.

    Returns
    -------
    float
        Seconds spent (0 when UMAP was ready already).
    """
    if umap_ready():
        return 0.0
    report = progress or (lambda share, text: None)
    start = time.perf_counter()
    report(0.0, "Loading UMAP and numba…")
    try:
        import umap as umap_learn  # noqa: F401  (lazy on purpose: seconds of import)
    except ImportError:
        raise W2VError("UMAP needs umap-learn: pip install umap-learn") from None

    report(0.3, "Compiling UMAP's code (first use on this server only)…")
    warm = np.random.default_rng(0).normal(size=(64, 8))
    umap(warm, 2, n_neighbors=UMAP_NEIGHBOURS, seed=0, n_epochs=10)
    _UMAP_WARM["done"] = True
    report(1.0, "UMAP is ready.")
    return time.perf_counter() - start


def umap(
    vectors: np.ndarray,
    n_components: int = 2,
    n_neighbors: int = UMAP_NEIGHBOURS,
    min_dist: float = UMAP_MIN_DIST,
    seed: int = 0,
    n_epochs: int = UMAP_EPOCHS,
) -> np.ndarray:
    """UMAP map of the rows (``umap-learn``, spectral initialisation, Euclidean).

    UMAP builds a graph joining each word to its ``n_neighbors`` nearest words (edge
    weights ``exp(-(d - rho_i) / sigma_i)``, ``rho_i`` the distance to the nearest
    neighbour), then lays the graph out so that joined words attract and others repel.

    Parameters
    ----------
    vectors : numpy.ndarray
        ``(n, d)`` array (pass unit-length rows: Euclidean distance between unit
        vectors is a monotone function of cosine similarity).
    n_components : int
        2 or 3.
    n_neighbors : int
        Small values show fine local groups, large values the overall layout; clipped
        to ``n - 1``.
    min_dist : float
        Smallest distance between words on the map: 0 packs groups into tight clumps,
        values near 1 spread them evenly.
    seed : int
        Random state: the same data and seed give the same map (UMAP then runs on one
        thread, as :func:`tsne` does).
    n_epochs : int
        Layout steps (:data:`UMAP_EPOCHS`).

    Returns
    -------
    numpy.ndarray
        ``(n, n_components)`` float64 coordinates; the PCA map below
        :data:`UMAP_MIN_WORDS` words.

    Raises
    ------
    W2VError
        If ``umap-learn`` is not installed.
    """
    _check_components(n_components)
    x = _as_2d(vectors)
    n = x.shape[0]
    if n < UMAP_MIN_WORDS:
        return pca(x, n_components)
    try:
        import umap as umap_learn  # lazy on purpose: see prepare_umap
    except ImportError:
        raise W2VError("UMAP needs umap-learn: pip install umap-learn") from None
    model = umap_learn.UMAP(
        n_components=n_components,
        n_neighbors=int(max(2, min(int(n_neighbors), n - 1))),
        min_dist=float(min_dist),
        random_state=seed,
        n_epochs=n_epochs,
    )
    with warnings.catch_warnings():
        # "n_jobs overridden to 1 by setting random_state": the reproducibility we want
        warnings.filterwarnings("ignore", message=".*n_jobs.*", category=UserWarning)
        return np.asarray(model.fit_transform(x), dtype=np.float64)


def _unit_direction(kv: KeyedVectors, pair: tuple[str, str]) -> np.ndarray:
    start, end = pair
    unit_end, unit_start = kv.unit([kv.get_index(end), kv.get_index(start)]).astype(np.float64)
    direction = unit_end - unit_start
    norm = np.linalg.norm(direction)
    if norm < 1e-9:
        raise W2VError(f"'{start}' and '{end}' point the same way: pick two different words")
    return direction / norm


def custom_axes(
    kv: KeyedVectors,
    x_pair: tuple[str, str],
    y_pair: tuple[str, str],
    words: Sequence[str],
) -> np.ndarray:
    """Place words on two user-chosen semantic directions.

    ``x`` is the projection of each word's unit vector on the unit direction
    ``B - A`` for ``x_pair = (A, B)`` (using the unit vectors of ``A`` and ``B``),
    and ``y`` likewise on ``D - C``.  A positive ``x`` means "more like B than A".

    Parameters
    ----------
    kv : KeyedVectors
        The vectors.
    x_pair, y_pair : tuple of str
        ``(A, B)`` and ``(C, D)``, e.g. ``("man", "woman")`` and ``("bad", "good")``.
    words : sequence of str
        The words to place.

    Returns
    -------
    numpy.ndarray
        ``(len(words), 2)`` coordinates, each in ``[-1, 1]``.

    Raises
    ------
    UnknownWordError
        If any axis word or listed word is not in the vocabulary.
    W2VError
        If the two words of a pair have the same direction.
    """
    axes = np.stack([_unit_direction(kv, x_pair), _unit_direction(kv, y_pair)])
    rows = [kv.get_index(w) for w in words]
    return kv.unit(rows).astype(np.float64) @ axes.T


def kmeans_labels(vectors: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """KMeans cluster of each row (``k`` is capped at the number of distinct rows).

    Returns
    -------
    numpy.ndarray
        ``(n,)`` int64 labels in ``0 .. k - 1``, numbered by decreasing cluster size
        so colours are stable for a given seed.
    """
    x = _as_2d(vectors)
    n_distinct = len(np.unique(x, axis=0)) if len(x) else 0
    k = int(min(k, n_distinct))
    if k <= 1:
        return np.zeros(len(x), dtype=np.int64)
    labels = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(x)
    order = np.argsort(-np.bincount(labels, minlength=k), kind="stable")
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    return rank[labels]


def procrustes_align(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Rotate/reflect, scale and shift ``source`` points to best match ``target``.

    Orthogonal Procrustes: the similarity transform minimising the squared
    distance between corresponding rows.  Shapes are preserved exactly; only the
    frame of reference changes.
    """
    src_mean, tgt_mean = source.mean(axis=0), target.mean(axis=0)
    a, b = source - src_mean, target - tgt_mean
    u, s, vt = np.linalg.svd(a.T @ b)
    rotation = u @ vt
    norm = float((a**2).sum())
    scale = float(s.sum()) / norm if norm > 0 else 1.0
    return scale * a @ rotation + tgt_mean


def common_frame(snapshots: np.ndarray, method: str = "pca", seed: int = 0) -> np.ndarray:
    """Project every epoch's vectors into one shared 2-D frame for the replay.

    Parameters
    ----------
    snapshots : numpy.ndarray
        ``(E + 1, n, d)``: the same ``n`` words after each epoch (row 0 = initial).
    method : {"pca", "tsne"}
        How to flatten.
    seed : int
        t-SNE random state.

    Returns
    -------
    numpy.ndarray
        ``(E + 1, n, 2)`` coordinates in one frame.

    Notes
    -----
    Rows are first scaled to unit length: the model's questions are about cosine
    similarity, and raw lengths grow a lot during training (the initial vectors are
    tiny), which would otherwise make the first frames a single dot.

    * ``"pca"``: the principal axes are fitted **once, on the final epoch**, and every
      epoch (centred on its own mean) is projected on them.  The frame is then
      literally the same linear map for all epochs, so a motion in the animation is
      a motion of the vectors.  Early, still-random vectors have little spread
      along the final axes and show as a small cloud that unfolds -- which is
      what training does.
    * ``"tsne"``: t-SNE cannot project new points into an existing map, so each
      epoch gets its own t-SNE, **started from the previous epoch's map** (epoch 0 from
      its PCA), so a word stays where it was unless its neighbours changed; each map
      is then Procrustes-aligned (rotation, reflection, uniform scale, shift) to the
      previous aligned one, which removes what is left of the arbitrary orientation.

    Every frame is finally scaled to the same root-mean-square radius as the last
    one: the initial random vectors are nearly orthogonal and have little spread along
    the trained axes, and at the common scale they would be one blob in the middle.
    The frame-to-frame motion is then a change of *arrangement*, which is what the
    replay is about.

    Identical snapshots therefore give identical frames with either method.
    """
    snaps = np.asarray(snapshots, dtype=np.float64)
    if snaps.ndim != 3:
        raise W2VError(f"expected snapshots of shape (epochs + 1, words, dim), got {snaps.shape}")
    unit = unit_rows(snaps)
    if method == "pca":
        _, basis = _pca_basis(unit[-1], 2)
        maps = [(frame - frame.mean(axis=0)) @ basis.T for frame in unit]
    elif method == "tsne":
        maps = []
        for e, frame in enumerate(unit):
            if e and np.array_equal(frame, unit[e - 1]):
                maps.append(maps[-1])  # nothing moved: neither does the map
                continue
            current = tsne(frame, 2, seed=seed, init=maps[-1] if maps else None)
            maps.append(procrustes_align(current, maps[-1]) if maps else current)
    else:
        raise W2VError(f"unknown projection method {method!r}: use 'pca' or 'tsne'")
    return _same_spread(np.stack(maps))


def _same_spread(frames: np.ndarray) -> np.ndarray:
    """Each ``(n, 2)`` frame centred and scaled to the last frame's RMS radius."""
    centred = frames - frames.mean(axis=1, keepdims=True)
    radius = np.sqrt((centred**2).sum(axis=2).mean(axis=1))
    target = radius[-1] if radius[-1] > 0 else 1.0
    scale = np.where(radius > 0, target / np.where(radius > 0, radius, 1.0), 1.0)
    return centred * scale[:, None, None] + frames[-1].mean(axis=0)


def neighbours_over_epochs(
    snapshots: np.ndarray, words: Sequence[str], word: str, topn: int = 10
) -> list[list[tuple[str, float]]]:
    """A word's nearest neighbours (cosine, among the snapshot words) at every epoch.

    Returns
    -------
    list of list of (str, float)
        One list per snapshot (epoch 0 = initial vectors), best first, the word
        itself excluded.

    Raises
    ------
    UnknownWordError
        If ``word`` is not one of the snapshot words.
    """
    words = list(words)
    try:
        row = words.index(word)
    except ValueError:
        raise UnknownWordError(word, words) from None
    unit = unit_rows(np.asarray(snapshots, dtype=np.float64))
    topn = max(0, min(int(topn), len(words) - 1))
    result = []
    for frame in unit:
        scores = frame @ frame[row]
        scores[row] = -np.inf
        best = np.argsort(-scores, kind="stable")[:topn]
        result.append([(words[i], float(scores[i])) for i in best])
    return result


def vectors_fingerprint(vectors: np.ndarray) -> str:
    """Short hash of the rows used, so a reused run id never serves stale projections."""
    data = np.ascontiguousarray(vectors)
    return hashlib.blake2b(data.tobytes(), digest_size=8).hexdigest() + str(data.shape)
