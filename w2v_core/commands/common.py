"""What the verbs share: option helpers, progress bars, number formatting, JSON output."""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import TextIO

from ..files import write_file
from ..presets import Preset
from ..train import Progress, TrainConfig
from ..vectors import KeyedVectors

#: What every command that reads vectors says of its MODEL argument.
MODEL_HELP = "a w2v_core model (.npz) or a word2vec text/binary file"

#: The TrainConfig fields the training verbs expose as options (``--min-count`` for ``min_count``).
TRAIN_OPTIONS: list[tuple[str, str]] = [
    ("dim", "vector dimensions"),
    ("window", "maximum distance between center and context word"),
    ("negatives", "negative samples per positive pair"),
    ("epochs", "passes over the corpus"),
    ("min_count", "ignore words seen fewer times"),
    ("max_vocab", "keep at most this many most frequent words (None: no limit)"),
    ("sample", "subsampling threshold for frequent words (0 disables)"),
    ("alpha", "initial learning rate"),
    ("min_alpha", "final learning rate (linear decay)"),
    ("seed", "random seed"),
    ("batch_size", "about this many training pairs per SGD step (0: automatic, 1536)"),
    ("shared_negatives", "share one pool of negatives per step (the fast default)"),
    ("shared_pool", "smallest size of that shared pool"),
    ("workers", "training processes (default: the cores available; 1 is reproducible)"),
    ("snapshot_words", "keep per-epoch vectors of this many most frequent words (0: none)"),
    (
        "heldout",
        "share of sentences kept out of training to report the held-out loss per epoch "
        "(0: train on everything, as word2vec does; sweeps use 0.05)",
    ),
    ("early_stop", "stop when an epoch lowers the loss by less than this share of it (0: off)"),
    ("early_stop_patience", "epochs in a row below --early-stop before stopping"),
]


#: Switches that also have a flag for their other value: field -> (flag, help).
OPPOSITE_FLAGS: dict[str, tuple[str, str]] = {
    "shared_negatives": (
        "--per-pair-negatives",
        "word2vec's exact sampling: K negatives of its own for every pair (several times slower)",
    ),
}


# --------------------------------------------------------------------------- options


def add_command(
    commands: argparse._SubParsersAction, name: str, help_text: str, description: str
) -> argparse.ArgumentParser:
    """A verb's sub-parser; every option shows its default in ``--help``."""
    return commands.add_parser(
        name,
        help=help_text,
        description=description,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )


def positive_int(text: str) -> int:
    """argparse type for counts such as --topn (training sizes are checked by TrainConfig)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_config_options(parser: argparse.ArgumentParser, defaults: TrainConfig) -> None:
    """One option per entry of :data:`TRAIN_OPTIONS`, typed by its default value."""
    for name, help_text in TRAIN_OPTIONS:
        flag = "--" + name.replace("_", "-")
        default = getattr(defaults, name)
        if name in OPPOSITE_FLAGS:  # --shared-negatives / --per-pair-negatives
            group = parser.add_mutually_exclusive_group()
            group.add_argument(
                flag, dest=name, action="store_true", default=default, help=help_text
            )
            other, other_help = OPPOSITE_FLAGS[name]
            # SUPPRESS: the help shows the field's default once, on the first flag.
            group.add_argument(
                other, dest=name, action="store_false", default=argparse.SUPPRESS, help=other_help
            )
        elif isinstance(default, bool):
            parser.add_argument(flag, action="store_true", help=help_text)
        else:
            kind = float if isinstance(default, float) else int
            parser.add_argument(flag, type=kind, default=default, help=help_text)


def config_from(args: argparse.Namespace) -> TrainConfig:
    """The :class:`TrainConfig` the options of :data:`TRAIN_OPTIONS` spell (not validated)."""
    return TrainConfig(**{name: getattr(args, name) for name, _ in TRAIN_OPTIONS})


def preset_summary(preset: Preset) -> str:
    """The options a preset stands for, e.g. ``--dim 100, --per-pair-negatives``."""
    parts = []
    for name, value in preset.settings.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            parts.append(flag if value else OPPOSITE_FLAGS[name][0])
        else:
            parts.append(f"{flag} {value:g}")
    return ", ".join(parts)


def lookup(kv: KeyedVectors, word: str) -> str:
    """The vocabulary spelling of ``word``: as given, else lower-cased (corpora usually are)."""
    if word not in kv and word.lower() in kv:
        return word.lower()
    kv.get_index(word)  # raises UnknownWordError with suggestions
    return word


# --------------------------------------------------------------------------- progress display


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "--:--"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class _Line:
    """A line redrawn in place with ``\\r`` on ``stream``, ended by :meth:`close`."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._drawn = False

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


class ProgressBar(_Line):
    """A one-line ``\\r`` progress bar for training, drawn at most ~10 times a second."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        super().__init__(stream)
        self.width = width
        self._last_draw = 0.0

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if progress.fraction < 1.0 and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        filled = int(self.width * min(max(progress.fraction, 0.0), 1.0))
        bar = "#" * filled + "." * (self.width - filled)
        left = progress.elapsed * (1 - progress.fraction) / max(progress.fraction, 1e-9)
        line = (
            f"\r[{bar}] {100 * progress.fraction:5.1f}%  epoch {progress.epoch}/{progress.epochs}"
            f"  {progress.words_per_sec:>9,.0f} words/s  loss {progress.loss:.4f}"
            f"  ETA {_duration(left if progress.fraction > 0 else math.nan)}"
        )
        self.stream.write(line)
        self.stream.flush()
        self._drawn = True


class DownloadProgress(_Line):
    """A ``progress(bytes_done, bytes_total)`` callback drawing a ``\r`` line for downloads."""

    def __init__(self, stream: TextIO, name: str) -> None:
        super().__init__(stream)
        self.name = name

    def __call__(self, done: int, total: int | None) -> None:
        size = f"{done / 1e6:.1f} / {total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
        self.stream.write(f"\rdownloading {self.name}: {size}")
        self.stream.flush()
        self._drawn = True


# --------------------------------------------------------------------------- formatting


def format_value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def format_score(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def format_percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def format_ci(interval: list[float] | None, percent: bool = False) -> str:
    """A 95% interval as ``[0.1812, 0.2934]`` (``[12.1%, 14.0%]``), blank without one."""
    if interval is None:
        return " " * 18
    low, high = interval
    return f"[{100 * low:.1f}%, {100 * high:.1f}%]" if percent else f"[{low:.4f}, {high:.4f}]"


def write_json(path: str | Path, data: dict) -> None:
    """Write ``data`` as indented JSON (atomically, see files.write_file) and say where."""
    with write_file(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")
    print(f"-> {path}")
