"""The Quick demo preset's model, trained once per test process.

``tests/test_toy.py`` and ``tests/test_first_screen.py`` both check what the quick demo
shows; each used to train the same preset (seconds on a busy 2-core machine).  One
worker: the same vectors on every run, whichever test asks first.
"""

from __future__ import annotations

from functools import cache

from dashboard.presets import HELDOUT, PRESETS, SEED_SLIDERS
from w2v_core.corpus import load_corpus
from w2v_core.train import Model, TrainConfig, train

_PRESET = PRESETS["Quick demo"]

#: The dashboard's "Quick demo" preset (``dashboard/presets.py``), read from it so the
#: two never drift apart (a hand copy here once had batch 1024 against the preset's 1536).
QUICK_DEMO = dict(
    **{name: _PRESET[f"hp_{name}"] for name in SEED_SLIDERS},
    shared_negatives=_PRESET["hp_shared"],
    batch_size=_PRESET["hp_batch"],
    heldout=HELDOUT if _PRESET["hp_heldout"] else 0.0,
    # One process: the same vectors every run.  The app trains with two, whose updates
    # race (Hogwild); "good"'s first neighbour is a near-tie ("better" or the
    # same-theme "happy") that flipped once in a busy-machine suite run.
    workers=1,
)


@cache
def quick_demo() -> Model:
    """The preset's run on the demo corpus (trained on the first call, then shared)."""
    return train(load_corpus("toy"), TrainConfig(**QUICK_DEMO))
