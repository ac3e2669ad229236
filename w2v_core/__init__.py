"""w2v_core: skip-gram with negative sampling (word2vec) in pure NumPy."""

from .errors import (
    ConfigError,
    CorpusError,
    DownloadError,
    ModelFileError,
    TrainingDivergedError,
    UnknownWordError,
    W2VError,
)
from .train import History, Model, Progress, TrainConfig, Trainer, train
from .vectors import KeyedVectors
from .vocab import NoiseSampler, Vocab

__all__ = [
    "ConfigError",
    "CorpusError",
    "DownloadError",
    "History",
    "KeyedVectors",
    "Model",
    "ModelFileError",
    "NoiseSampler",
    "Progress",
    "TrainConfig",
    "Trainer",
    "TrainingDivergedError",
    "UnknownWordError",
    "Vocab",
    "W2VError",
    "train",
]
