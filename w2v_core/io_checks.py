"""What every vectors file format checks: words a line-based format can hold, rows
that hold only finite numbers, and the float format that round-trips float32."""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from .errors import ModelFileError
from .vectors import row_norms

PathLike = str | os.PathLike

#: Refuse word2vec headers asking for more floats than this (8 GB of float32).
MAX_FLOATS = 2_000_000_000

#: A function the readers call between chunks: True means "stop reading now" (the
#: page that asked has gone, a person pressed Stop).
CancelCheck = Callable[[], bool]


def check_savable_words(words: list[str], forbidden: str, fmt: str) -> None:
    """Refuse words a line-based format cannot represent (they would corrupt the file)."""
    for word in words:
        if word == "" or any(ch in word for ch in forbidden):
            raise ModelFileError(
                f"cannot save {word!r} in {fmt} format: words must be non-empty and may not "
                f"contain {', '.join(repr(ch) for ch in forbidden)}"
            )


def float_row_format(dim: int, sep: str) -> str:
    # '%.9g' is the shortest fixed precision that round-trips every float32 exactly.
    return sep.join(["%.9g"] * dim)


def finite_row_norms(vectors: np.ndarray, path: PathLike, where: str, first: int) -> np.ndarray:
    """Row norms (computed once, in blocks), refusing a row with ``nan`` or ``inf``."""
    norms = row_norms(vectors)
    bad = np.flatnonzero(~np.isfinite(norms))
    if len(bad):
        raise ModelFileError(
            f"{path}: {where.format(int(bad[0]) + first)} a non-finite value (nan or inf)"
            + (f"; {len(bad):,} vectors in all" if len(bad) > 1 else "")
        )
    return norms
