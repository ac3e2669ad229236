"""Command-line interface: ``python -m w2v_core COMMAND ...``.

Commands
--------
train      train a model on a built-in corpus or a text file and save it (.npz)
neighbors  nearest words by cosine similarity
analogy    "A is to B as C is to ?" (B - A + C)
evaluate   WordSim-353, SimLex-999 and the analogy test
export     word2vec text/binary, or Embedding Projector TSV (OUT "-" is standard output)
convert    any vectors file to the memory-mappable .npz, optionally the N most frequent words
info       what a model file contains
sweep      one run per value of a setting (or a grid of two), cached, compared
search     find good settings within a time budget (Optuna, successive halving)
contexts   the company a word keeps in a corpus: characteristic and shared context words
compare    what changed between two runs: words that moved most, neighbours that changed
stability  a word's neighbours across several seeds of one configuration
datasets   more word-similarity tests (MEN, MTurk-771, Rare Words): status, --fetch

Commands that read vectors accept a w2v_core ``.npz`` model or a word2vec
text/binary file (detected from the content).  Every user error is reported as
one line ``error: ...`` on stderr with exit status 2; Ctrl-C exits with 130.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from .commands import evaluation, model_files, queries, training
from .commands.common import DownloadProgress, ProgressBar
from .commands.model_files import metadata_path_for
from .errors import W2VError
from .presets import PRESETS
from .train import TrainConfig

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_USER_ERROR",
    "DownloadProgress",
    "ProgressBar",
    "build_parser",
    "main",
    "metadata_path_for",
]

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130

#: The verbs after ``train``, in the order ``--help`` lists them.
BUILDERS = (
    training.add_sweep,
    training.add_search,
    queries.add_neighbors,
    queries.add_analogy,
    evaluation.add_evaluate,
    model_files.add_export,
    model_files.add_convert,
    model_files.add_info,
    queries.add_contexts,
    queries.add_compare,
    training.add_stability,
    evaluation.add_datasets,
)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one ``error: ...`` line, like ours."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USER_ERROR, f"error: {message} (see '{self.prog} --help')\n")


def build_parser(train_defaults: TrainConfig | None = None) -> argparse.ArgumentParser:
    """The argument parser for all commands (every option shows its default).

    `train_defaults` are the defaults of ``train``'s options (a ``--preset``'s).
    """
    parser = _Parser(
        prog="python -m w2v_core",
        description="Skip-gram with negative sampling (word2vec) in pure NumPy.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    training.add_train(commands, train_defaults or TrainConfig())
    for add in BUILDERS:
        add(commands)
    return parser


def _error_line(exc: BaseException) -> str:
    # One line, whatever the message: the contract is "error: <one line>".
    return " ".join(str(exc).split()) or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "preset", None):
        # The preset becomes the options' defaults: what is typed still overrides it.
        args = build_parser(PRESETS[args.preset].config()).parse_args(argv)
    try:
        return args.handler(args)
    except W2VError as exc:
        print(f"error: {_error_line(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: stop quietly, without a second error
        # when Python flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
