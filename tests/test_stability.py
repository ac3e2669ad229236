"""A fast subset of benchmarks/stability.py: the sliders' worst corner trains, in every mode.

The full benchmark (toy and lee, every extreme, 1 and 2 workers, 3 seeds, gensim beside)
takes many minutes; this runs, on the first 8 lines of Lee (about 2,500 words), the corner
(negatives 25, window 15, batch 4096, learning rate 0.2) whose vectors reached norms of about
10^6 in both modes before the per-row bound, with no error.
"""

from pathlib import Path

import gensim
import numpy as np
import pytest

from benchmarks.stability import EXPLODED, SETTINGS, run_ours
from w2v_core.config import TrainConfig
from w2v_core.corpus import corpus_from_text

LEE = Path(gensim.__file__).parent / "test" / "test_data" / "lee_background.cor"


@pytest.fixture(scope="module")
def lee_part():
    lines = LEE.read_text(encoding="utf-8").splitlines()[:8]
    return corpus_from_text("\n".join(lines), name="lee-8")


@pytest.mark.parametrize("shared", [True, False], ids=["shared", "per-pair"])
@pytest.mark.parametrize("setting", ["all at once, lr 0.2", "window 1, neg 25"])
def test_the_worst_slider_corners_train(lee_part, shared, setting):
    values = {"dim": 100, "window": 5, "negatives": 5, "alpha": 0.025, **SETTINGS[setting]}
    config = TrainConfig(**values, epochs=1, min_count=1, seed=1, workers=1,
                         shared_negatives=shared)  # fmt: skip
    diverged, norm, message = run_ours(lee_part, config)
    assert not diverged, message
    assert norm is not None and 0.01 < norm < EXPLODED
    assert np.isfinite(norm)
