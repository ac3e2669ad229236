"""Named sets of settings that the command line and the dashboard share.

One preset so far: **"As in the seed (Alice)"**, the settings of the small NumPy
word2vec this project grew from, on the corpus it was trained on.  The seed's README
gives only some of them; every other one is word2vec's default, and
:attr:`Preset.origin` says which is which, so that the README, ``train --help`` and
the sidebar can say so too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .train import TrainConfig

__all__ = ["PRESETS", "SEED", "Preset"]


@dataclass(frozen=True)
class Preset:
    """A corpus and the training settings that go with it.

    Attributes
    ----------
    name : str
        What people read (the sidebar's radio).
    key : str
        What ``train --preset`` takes.
    corpus : str
        The built-in corpus it was meant for.
    settings : dict
        :class:`~w2v_core.train.TrainConfig` fields; the others keep their defaults.
    origin : dict
        Field -> where its value comes from, in a few words.
    """

    name: str
    key: str
    corpus: str
    settings: dict[str, Any]
    origin: dict[str, str] = field(default_factory=dict)

    def config(self, **overrides: Any) -> TrainConfig:
        """The :class:`TrainConfig` of this preset, with `overrides` on top."""
        return TrainConfig(**{**self.settings, **overrides})


_SEED_README = "the seed's README"
_WORD2VEC = "word2vec's default"

#: The seed's published results came from skip-gram with negative sampling, 100
#: dimensions and 30 epochs on Alice; its table implies the min-count and its loss the
#: per-pair negatives; the rest is not stated there (word2vec's defaults).
SEED = Preset(
    name="As in the seed (Alice)",
    key="seed",
    corpus="alice",
    settings={
        "dim": 100,
        "epochs": 30,
        "window": 5,
        "negatives": 5,
        "min_count": 3,
        "sample": 1e-3,
        "alpha": 0.025,
        "min_alpha": 0.0001,
        "shared_negatives": False,
        "seed": 1,
        "workers": 1,
    },
    origin={
        "dim": _SEED_README,
        "epochs": _SEED_README,
        "window": _WORD2VEC,
        "negatives": _WORD2VEC,
        # Four of the seed's published neighbours (trumpet, guests, suit, teacup) occur
        # 3 times in the book: its vocabulary kept words seen 3 times.
        "min_count": "implied by the seed's README (words seen 3 times are in its table)",
        "sample": _WORD2VEC,
        "alpha": _WORD2VEC,
        "min_alpha": _WORD2VEC,
        "shared_negatives": "the seed's README: its loss has K negatives of its own for "
        "each pair, as word2vec draws them",
        "seed": "ours (the README does not give one; other seeds: docs/alice.md)",
        "workers": "ours: one process, so a run is reproducible bit for bit",
    },
)

#: The presets ``train --preset`` knows, by key.
PRESETS: dict[str, Preset] = {preset.key: preset for preset in (SEED,)}
