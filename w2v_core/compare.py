r"""What changed between two runs: words ranked by how far they moved, and by how much
their neighbours changed.

Two runs (two seeds, two settings, two corpora) put the same word at unrelated
coordinates: each run's space is only defined up to a rotation.  Two measures get
around that (both over the words the runs share, at most ``max_words`` of the most
frequent):

* **Distance moved after alignment** (Hamilton, Leskovec & Jurafsky 2016).  With
  :math:`A` and :math:`B` the unit-length rows of the shared words in run A and run
  B, orthogonal Procrustes finds the rotation that best lays B onto A,

  .. math::  R = \arg\min_{R^\top R = I} \|B R - A\|_F = U V^\top,
             \quad U \Sigma V^\top = \operatorname{svd}(B^\top A),

  and a word moved by the cosine distance :math:`1 - \cos(a_w, b_w R)` (0: same
  place, up to 2: opposite).
* **Neighbour overlap, without any alignment** (Gonen, Jawahar, Schwartz & Goldberg,
  ACL 2020): the share of a word's top-*n* neighbours in A that are also among its
  top-*n* in B, :math:`|N_A(w) \cap N_B(w)| / n` (1: same company, 0: none in
  common).  Neighbours are searched among the compared words, in each run.

:func:`compare` ranks every compared word by both; :attr:`Comparison.changes` is
sorted most changed first by the measure asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import W2VError
from .knn import overlap, top_neighbours, unit_rows

if TYPE_CHECKING:  # pragma: no cover
    from .vectors import KeyedVectors

#: The measures a comparison can be ranked by.
MEASURES = ("moved", "overlap")
#: Words compared by default: the most frequent shared ones (rare words' vectors are
#: mostly noise, and the neighbour search costs words squared).
MAX_WORDS = 10_000
#: Fewer shared words than this, and there is nothing to align.
MIN_SHARED = 3


@dataclass(frozen=True)
class WordChange:
    """How one word differs between run A and run B.

    Attributes
    ----------
    word : str
        The word.
    moved : float
        Cosine distance between its vector in A and its aligned vector in B (0 to 2).
    overlap : float
        Share of its top-*n* neighbours the two runs have in common (0 to 1).
    neighbours_a, neighbours_b : list of str
        Its top-*n* neighbours in each run, nearest first.
    """

    word: str
    moved: float
    overlap: float
    neighbours_a: list[str]
    neighbours_b: list[str]

    def to_dict(self) -> dict[str, Any]:
        """What ``compare --json`` prints for one word."""
        return {
            "word": self.word,
            "moved": round(float(self.moved), 6),
            "overlap": round(float(self.overlap), 6),
            "neighbours_a": list(self.neighbours_a),
            "neighbours_b": list(self.neighbours_b),
        }


@dataclass
class Comparison:
    """Two runs compared word by word (see :func:`compare`).

    Attributes
    ----------
    changes : list of WordChange
        Every compared word, most changed first by :attr:`by`.
    by : str
        ``"moved"`` or ``"overlap"``.
    topn : int
        Neighbours per word.
    n_shared, only_a, only_b : int
        Words in both runs, and in one run only.
    rotation : numpy.ndarray
        The ``(dim_b, dim_a)`` Procrustes rotation taking B onto A.
    words : list of str
        The compared words, most frequent (in A) first.
    unit_a, aligned_b : numpy.ndarray
        Their unit vectors in A, and in B after the rotation (for maps with arrows).
    """

    changes: list[WordChange]
    by: str
    topn: int
    n_shared: int
    only_a: int
    only_b: int
    rotation: np.ndarray = field(repr=False)
    words: list[str] = field(repr=False)
    unit_a: np.ndarray = field(repr=False)
    aligned_b: np.ndarray = field(repr=False)

    def ranked(self, by: str) -> list[WordChange]:
        """The changes sorted most changed first by another measure."""
        return rank(self.changes, by)

    def to_list(self) -> list[dict[str, Any]]:
        """The JSON of ``python -m w2v_core compare --json``: most changed first."""
        return [change.to_dict() for change in self.changes]


def procrustes(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    r"""The orthogonal matrix :math:`R` minimising :math:`\|S R - T\|_F` (Schönemann 1966).

    :math:`R = U V^\top` where :math:`U \Sigma V^\top = \operatorname{svd}(S^\top T)`:
    the trace :math:`\operatorname{tr}(R^\top S^\top T)` is largest when :math:`R`
    turns the singular vectors of :math:`S^\top T` onto each other.

    Parameters
    ----------
    source, target : numpy.ndarray
        ``(n, d_s)`` and ``(n, d_t)``: row ``i`` of both is the same word.

    Returns
    -------
    numpy.ndarray
        ``(d_s, d_t)`` float64 with orthonormal columns (or rows, if ``d_s > d_t``).
    """
    source, target = np.asarray(source, np.float64), np.asarray(target, np.float64)
    if source.ndim != 2 or target.ndim != 2 or len(source) != len(target):
        raise W2VError("Procrustes needs two matrices with the same rows")
    u, _, vt = np.linalg.svd(source.T @ target, full_matrices=False)
    return u @ vt


def shared_words(kv_a: KeyedVectors, kv_b: KeyedVectors, max_words: int | None = None) -> list[str]:
    """Words in both runs, in A's order (most frequent first), at most ``max_words``."""
    words = [word for word in kv_a.words if word in kv_b.index]
    return words if max_words is None else words[:max_words]


def rank(changes: list[WordChange], by: str) -> list[WordChange]:
    """Most changed first: the largest distance moved, or the smallest neighbour overlap
    (ties broken by the other measure, then by frequency, the given order)."""
    if by == "moved":
        return sorted(changes, key=lambda c: (-c.moved, c.overlap))
    if by == "overlap":
        return sorted(changes, key=lambda c: (c.overlap, -c.moved))
    raise W2VError(f"unknown measure {by!r}: use one of {', '.join(MEASURES)}")


def compare(
    kv_a: KeyedVectors,
    kv_b: KeyedVectors,
    topn: int = 10,
    max_words: int | None = MAX_WORDS,
    by: str = "moved",
) -> Comparison:
    """Rank the words two runs share by how much they changed from A to B.

    Parameters
    ----------
    kv_a, kv_b : KeyedVectors
        The two runs' vectors (dimensions may differ).
    topn : int
        Neighbours per word for the overlap measure.
    max_words : int or None
        Compare only this many of the most frequent shared words (None: all).
    by : {"moved", "overlap"}
        The measure :attr:`Comparison.changes` is sorted by.

    Raises
    ------
    W2VError
        For an unknown measure, or fewer than :data:`MIN_SHARED` shared words.
    """
    if by not in MEASURES:
        raise W2VError(f"unknown measure {by!r}: use one of {', '.join(MEASURES)}")
    if max_words is not None and max_words < 1:
        raise W2VError(f"max_words must be at least 1, got {max_words}")
    all_shared = shared_words(kv_a, kv_b)
    words = all_shared if max_words is None else all_shared[:max_words]
    if len(words) < MIN_SHARED:
        raise W2VError(
            f"the two runs share {len(all_shared)} words: at least {MIN_SHARED} are needed"
        )
    rows_a = np.array([kv_a.index[w] for w in words], dtype=np.int64)
    rows_b = np.array([kv_b.index[w] for w in words], dtype=np.int64)
    unit_a = unit_rows(kv_a.vectors[rows_a])
    unit_b = unit_rows(kv_b.vectors[rows_b])

    rotation = procrustes(unit_b, unit_a)
    aligned_b = unit_rows(unit_b @ rotation.astype(np.float32))
    moved = 1.0 - np.einsum("ij,ij->i", unit_a, aligned_b)

    # Without alignment: neighbours among the compared words, in each run's own space.
    everyone = np.arange(len(words))
    near_a = top_neighbours(unit_a, everyone, topn)
    near_b = top_neighbours(unit_b, everyone, topn)
    shared_share = overlap(near_a, near_b)

    changes = [
        WordChange(
            word=word,
            moved=float(moved[i]),
            overlap=float(shared_share[i]),
            neighbours_a=[words[j] for j in near_a[i]],
            neighbours_b=[words[j] for j in near_b[i]],
        )
        for i, word in enumerate(words)
    ]
    return Comparison(
        changes=rank(changes, by),
        by=by,
        topn=near_a.shape[1],
        n_shared=len(all_shared),
        only_a=len(kv_a) - len(all_shared),
        only_b=len(kv_b) - len(all_shared),
        rotation=rotation,
        words=words,
        unit_a=unit_a,
        aligned_b=aligned_b,
    )
