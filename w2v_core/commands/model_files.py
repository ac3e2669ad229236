"""The verbs about vector files: ``export``, ``convert`` and ``info``."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from ..errors import ModelFileError
from ..files import STDOUT
from ..io import (
    load_model,
    load_vectors,
    save_projector_tsv,
    save_vectors,
    save_word2vec_format,
    sniff_format,
)
from .common import MODEL_HELP, add_command, positive_int

EXPORT_FORMATS = ("word2vec", "word2vec-binary", "tsv")


# --------------------------------------------------------------------------- export


def add_export(commands: argparse._SubParsersAction) -> None:
    """``export MODEL OUT [--format]``: word2vec text/binary or Projector TSV."""
    p = add_command(
        commands,
        "export",
        "write word2vec text/binary or Embedding Projector TSV",
        "Export the word vectors.  With --format tsv, OUT is the vectors file and "
        "the words go to a sibling metadata file: vectors.tsv -> metadata.tsv, "
        "NAME_vectors.tsv -> NAME_metadata.tsv, otherwise NAME.tsv -> "
        "NAME_metadata.tsv (or --metadata).",
    )
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("out", metavar="OUT", help="output file ('-': standard output)")
    p.add_argument("--format", choices=EXPORT_FORMATS, default="word2vec", help="output format")
    p.add_argument(
        "--metadata",
        default=None,
        help="metadata file for --format tsv (None: derived from OUT, see above)",
    )
    p.set_defaults(handler=_cmd_export)


def metadata_path_for(vectors_path: Path) -> Path:
    """Sibling metadata file for a TSV export.

    ``vectors.tsv`` -> ``metadata.tsv`` and ``text8_vectors.tsv`` ->
    ``text8_metadata.tsv`` (the Projector's usual names); any other name gets
    ``_metadata`` before its suffix: ``emb.tsv`` -> ``emb_metadata.tsv``.
    """
    name = vectors_path.name
    if "vectors" in name:
        return vectors_path.with_name(name.replace("vectors", "metadata"))
    return vectors_path.with_name(f"{vectors_path.stem}_metadata{vectors_path.suffix or '.tsv'}")


def _cmd_export(args: argparse.Namespace) -> int:
    kv = load_vectors(args.model)
    to_stdout = args.out == STDOUT
    # With the vectors on standard output, the report goes to stderr.
    report = sys.stderr if to_stdout else sys.stdout
    out = Path(args.out)
    if args.format == "tsv":
        if to_stdout and not args.metadata:
            raise ModelFileError("with OUT '-', give --metadata FILE for the words")
        metadata = Path(args.metadata) if args.metadata else metadata_path_for(out)
        save_projector_tsv(kv, args.out, metadata)
        print(f"wrote {len(kv):,} vectors to {args.out} and their words to {metadata}", file=report)
    else:
        save_word2vec_format(kv, args.out, binary=args.format == "word2vec-binary")
        print(
            f"wrote {len(kv):,} vectors of dimension {kv.dim} to {args.out} ({args.format})",
            file=report,
        )
    return 0


# --------------------------------------------------------------------------- convert


def add_convert(commands: argparse._SubParsersAction) -> None:
    """``convert SOURCE OUT [--limit N]``: any vectors file to the memory-mappable .npz."""
    p = add_command(
        commands,
        "convert",
        "write vectors as a memory-mappable .npz (fast to open, any size)",
        "Read any vectors file this tool opens (word2vec text or binary, a model "
        ".npz) and write the vectors-only .npz that opens memory-mapped: nothing is read "
        "into memory until it is used, so a second open is instant.",
    )
    p.add_argument("source", metavar="SOURCE", help=MODEL_HELP)
    p.add_argument("out", metavar="OUT", help="the .npz to write")
    p.add_argument(
        "--limit",
        type=positive_int,
        default=None,
        help="keep only the N most frequent words (word2vec files are sorted by frequency; "
        "like gensim's limit)",
    )
    p.set_defaults(handler=_cmd_convert)


def _cmd_convert(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    kv = load_vectors(args.source, limit=args.limit)
    save_vectors(kv, args.out, source=Path(args.source).name)
    print(
        f"converted {len(kv):,} words x {kv.dim} dimensions in "
        f"{time.perf_counter() - start:.1f} s -> {args.out} (opens memory-mapped)"
    )
    return 0


# --------------------------------------------------------------------------- info


def add_info(commands: argparse._SubParsersAction) -> None:
    """``info MODEL``: what a model file holds."""
    p = add_command(
        commands,
        "info",
        "describe a model file",
        "Print what a model file contains: corpus, vocabulary, configuration, "
        "training time and loss.",
    )
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.set_defaults(handler=_cmd_info)


def _cmd_info(args: argparse.Namespace) -> int:
    fmt = sniff_format(args.model)
    if fmt != "npz":
        kv = load_vectors(args.model)
        print(f"file:        {args.model} ({fmt} format)")
        print(f"vocabulary:  {len(kv):,} words")
        print(f"dimensions:  {kv.dim}")
        print(f"first words: {' '.join(kv.words[:10])}")
        return 0
    model = load_model(args.model)
    history = model.history
    rows = [
        ("file", f"{args.model} (w2v_core model)"),
        ("corpus", f"{model.corpus_name or '?'} ({model.corpus_tokens:,} tokens)"),
        ("fingerprint", model.corpus_fingerprint[:16] or "-"),
        ("vocabulary", f"{len(model.vocab):,} words"),
        ("dimensions", str(model.w_in.shape[1])),
        (
            "trained",
            f"{model.seconds:.1f} s, {model.words_per_sec:,.0f} words/s"
            + (f" ({model.stop_reason} in epoch {model.stop_epoch})" if model.stopped else ""),
        ),
        ("epoch loss", ", ".join(f"{loss:.4f}" for loss in history.epoch_loss) or "-"),
        ("held-out loss", ", ".join(f"{loss:.4f}" for loss in history.heldout_loss) or "-"),
        (
            "snapshots",
            "-" if model.snapshots is None else "x".join(map(str, model.snapshots.shape)),
        ),
        ("most frequent", " ".join(model.vocab.words[:10])),
    ]
    for key, value in dataclasses.asdict(model.config).items():
        rows.append((f"config.{key}", str(value)))
    width = max(len(key) for key, _ in rows) + 1
    for key, value in rows:
        print(f"{key + ':':<{width}} {value}")
    return 0
