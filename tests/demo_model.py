"""The Quick demo preset's model, trained once per test process.

``tests/test_toy.py`` and ``tests/test_first_screen.py`` both check what the quick demo
shows; each used to train the same preset (seconds on a busy 2-core machine).  One
worker: the same vectors on every run, whichever test asks first.
"""

from __future__ import annotations

from functools import cache

from w2v_core.corpus import load_corpus
from w2v_core.train import Model, TrainConfig, train

#: The dashboard's "Quick demo" preset (``dashboard/presets.py``): what a teacher sees.
QUICK_DEMO = dict(
    dim=50,
    window=5,
    negatives=5,
    epochs=5,
    min_count=5,
    sample=1e-3,
    alpha=0.025,
    seed=1,
    shared_negatives=True,
    batch_size=1536,  # the preset's (the core's automatic step size for these settings)
    # One process: the same vectors every run.  The app trains with two, whose updates
    # race (Hogwild); "good"'s first neighbour is a near-tie ("better" or the
    # same-theme "happy") that flipped once in a busy-machine suite run.
    workers=1,
)


@cache
def quick_demo() -> Model:
    """The preset's run on the demo corpus (trained on the first call, then shared)."""
    return train(load_corpus("toy"), TrainConfig(**QUICK_DEMO))
