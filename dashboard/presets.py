"""The presets and the sliders' ranges: what the sidebar offers, in one place.

A preset is a set of sidebar values (``hp_dim`` ...) applied when picked; the sliders'
ranges are what is useful in a browser, always inside :data:`w2v_core.train.LIMITS`.
"""

from __future__ import annotations

from typing import Any

from w2v_core.presets import SEED
from w2v_core.workers import available_cores

#: Vectors of this many most frequent words are kept after every epoch (training replay).
SNAPSHOT_WORDS = 300
#: Share of the sentences held out in the app (on by default: every run gets a score).
HELDOUT = 0.05
#: Training processes a preset asks for: every core (the registry shares them out).
CORES = available_cores()

SOURCES = {
    "builtin": "Built-in corpus",
    "upload": "Upload .txt files",
    "paste": "Paste text",
}

#: The seed preset's settings that are sidebar inputs as they are (``hp_<name>``).
SEED_SLIDERS = ("dim", "window", "negatives", "epochs", "min_count", "sample", "alpha", "seed")

PRESETS: dict[str, dict[str, Any]] = {
    "Quick demo": {
        "corpus_source": "builtin",
        "builtin": "toy",
        "hp_dim": 50,
        "hp_window": 5,
        "hp_negatives": 5,
        "hp_epochs": 5,
        "hp_min_count": 5,
        "hp_sample": 1e-3,
        "hp_alpha": 0.025,
        "hp_seed": 1,
        "hp_shared": True,
        "hp_batch": 1536,  # the core's automatic step size
        "hp_workers": CORES,
        "hp_early": False,
        "hp_tol": 0.01,
        "hp_heldout": True,
    },
    "Quality": {
        "corpus_source": "builtin",
        "builtin": "wiki",
        "hp_dim": 100,
        "hp_window": 5,
        "hp_negatives": 5,
        "hp_epochs": 10,
        "hp_min_count": 5,
        "hp_sample": 1e-3,
        "hp_alpha": 0.025,
        "hp_seed": 1,
        "hp_shared": False,
        "hp_batch": 1536,
        "hp_workers": CORES,
        "hp_early": False,
        "hp_tol": 0.01,
        "hp_heldout": True,
    },
    # The seed project's settings (w2v_core.presets.SEED says where each comes from);
    # no held-out share, as the seed trained on the whole book.
    SEED.name: {
        "corpus_source": "builtin",
        "builtin": SEED.corpus,
        **{f"hp_{key}": SEED.settings[key] for key in SEED_SLIDERS},
        "hp_shared": SEED.settings["shared_negatives"],
        "hp_batch": 1536,
        "hp_workers": SEED.settings["workers"],
        "hp_early": False,
        "hp_tol": 0.01,
        "hp_heldout": False,
    },
}
#: What a new session starts with.
DEFAULT_PRESET = "Quick demo"
#: What the preset reads when a setting differs from every preset.
CUSTOM = "Custom"
#: The user's inputs a preset sets (every preset sets all of them).
PRESET_KEYS = tuple(PRESETS[DEFAULT_PRESET])
PRESET_HELP = (
    "Quick demo: a generated corpus (310k words) built for the demo: trains in seconds, "
    "and its planted analogies come out right (king − man + woman = queen, paris − france "
    "+ italy = rome). Quality: real text (116 Wikipedia articles, 460k words), bigger "
    "vectors, more passes, word2vec's exact method; about half a minute on 2 cores. That is "
    "enough for sensible neighbours of frequent words (music: folk, poetry, dance, songs), "
    "not for analogies: those need tens of millions of words. It gets about 3 % of the "
    "Google questions it can try, and king − man + woman is not queen there; the Overview "
    "shows a simpler one it gets right (he : his :: she : her) and says which one failed. "
    "Once text8 (17M words) has been downloaded, Quality trains on it instead "
    "(5 passes, shared negatives: several minutes). "
    f"{SEED.name}: the book and settings of the small NumPy word2vec this project grew "
    "from (100 dimensions, 30 passes, words seen 3 times or more, negatives drawn for "
    "each pair; the rest word2vec's defaults), so its published neighbours can be "
    "compared (rabbit: white, hole, kid); about ten seconds, one process. "
    f"{CUSTOM}: shown when a setting differs from every preset."
)

#: Quality's settings when the 17M-word text8 is on disk: analogies start to work, and
#: shared negatives keep the training to minutes.
TEXT8_QUALITY = {"builtin": "text8", "hp_epochs": 5, "hp_shared": True, "hp_batch": 1024}


def text8_on_disk() -> bool:
    """Has text8 been downloaded (or put in the cache by hand)?"""
    from w2v_core.corpus import default_cache_dir
    from w2v_core.download import DOWNLOADS

    spec = DOWNLOADS["text8"]
    cache = default_cache_dir()
    return any((cache / name).is_file() for name in (spec.filename, *spec.alternatives))


def presets() -> dict[str, dict[str, Any]]:
    """:data:`PRESETS`, with Quality on text8 when text8 is on disk."""
    if not text8_on_disk():
        return PRESETS
    return {**PRESETS, "Quality": {**PRESETS["Quality"], **TEXT8_QUALITY}}


#: (low, high, step) of each slider: what is useful in a browser, always inside
#: :data:`w2v_core.train.LIMITS` (see :func:`slider_range`).
SLIDERS: dict[str, tuple[int, int, int]] = {
    "dim": (10, 300, 10),
    "window": (1, 15, 1),
    "negatives": (1, 25, 1),
    "epochs": (1, 50, 1),
    "min_count": (1, 100, 1),
}
SAMPLE_CHOICES = [0.0, 1e-5, 1e-4, 1e-3, 1e-2]
ALPHA_CHOICES = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2]
BATCH_CHOICES = [64, 128, 256, 512, 1024, 1536, 2048, 4096]
TOLERANCE_CHOICES = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1]
