"""The verbs that ask vectors or a corpus about words: ``neighbors``, ``analogy``,
``contexts`` and ``compare``."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import TYPE_CHECKING

from ..io import load_vectors
from ..train import TrainConfig
from .common import MODEL_HELP, add_command, lookup, positive_int

if TYPE_CHECKING:  # pragma: no cover
    from ..contexts import Contexts


def _print_scored(pairs: list[tuple[str, float]]) -> None:
    for word, score in pairs:
        print(f"{word}\t{score:.4f}")


# --------------------------------------------------------------------------- neighbors, analogy


def add_neighbors(commands: argparse._SubParsersAction) -> None:
    """``neighbors MODEL WORD``: the nearest words by cosine."""
    p = add_command(
        commands,
        "neighbors",
        "nearest words by cosine similarity",
        "Print the nearest words, one 'word<TAB>cosine' line each.",
    )
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("word", metavar="WORD", help="the query word")
    p.add_argument("--topn", type=positive_int, default=10, help="number of neighbours")
    p.set_defaults(handler=_cmd_neighbors)


def _cmd_neighbors(args: argparse.Namespace) -> int:
    kv = load_vectors(args.model)
    _print_scored(kv.most_similar(lookup(kv, args.word), topn=args.topn))
    return 0


def add_analogy(commands: argparse._SubParsersAction) -> None:
    """``analogy MODEL A B C``: the words nearest to B - A + C."""
    p = add_command(
        commands,
        "analogy",
        '"A is to B as C is to ?"',
        "Answer 'A is to B as C is to ?' with the words nearest to B - A + C, "
        "one 'word<TAB>score' line each.",
    )
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("c", metavar="C")
    p.add_argument("--topn", type=positive_int, default=5, help="number of answers")
    p.add_argument(
        "--method", choices=("add", "mul"), default="add", help="3CosAdd (add) or 3CosMul (mul)"
    )
    p.set_defaults(handler=_cmd_analogy)


def _cmd_analogy(args: argparse.Namespace) -> int:
    kv = load_vectors(args.model)
    a, b, c = (lookup(kv, word) for word in (args.a, args.b, args.c))
    _print_scored(kv.analogy(a, b, c, topn=args.topn, method=args.method))
    return 0


# --------------------------------------------------------------------------- contexts


def add_contexts(commands: argparse._SubParsersAction) -> None:
    """``contexts CORPUS WORD [--with OTHER]``: the company a word keeps."""
    defaults = TrainConfig()
    p = add_command(
        commands,
        "contexts",
        "the company a word keeps: its characteristic context words",
        "Count the words within the training window of WORD over the whole corpus "
        "(every distance 1..window once, sentences never crossed, words below --min-count "
        "dropped first as in training) and rank them by positive PMI with context smoothing "
        "0.75, pairs seen fewer than --min-pair-count times scoring 0.  Prints "
        "'context<TAB>count<TAB>ppmi' lines.  With --with OTHER: the contexts both words "
        "share, 'context<TAB>count_word<TAB>count_other<TAB>share' (share: its part of the "
        "cosine of the two PPMI rows), after a '# ...' sentence; when the two share little, "
        "each word's own contexts as 'word<TAB>context<TAB>count<TAB>ppmi'.",
    )
    p.add_argument(
        "corpus",
        metavar="CORPUS",
        help="a built-in corpus name (toy, lee, wiki, alice, text8) or a text file",
    )
    p.add_argument("word", metavar="WORD", help="the word to explain")
    p.add_argument(
        "--with",
        dest="other",
        metavar="OTHER",
        default=None,
        help="a second word: show the contexts both share",
    )
    p.add_argument("--topn", type=positive_int, default=10, help="number of context words")
    p.add_argument(
        "--window",
        type=positive_int,
        default=defaults.window,
        help="maximum distance between the word and a context word",
    )
    p.add_argument(
        "--min-count",
        type=positive_int,
        default=defaults.min_count,
        help="drop words seen fewer times before counting (as training does)",
    )
    p.add_argument(
        "--min-pair-count",
        type=positive_int,
        default=5,
        help="a (word, context) pair seen fewer times scores 0",
    )
    p.add_argument(
        "--smoothing",
        type=float,
        default=0.75,
        help="power of the context counts in PMI (1: plain PMI)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")
    p.add_argument(
        "--cache-dir",
        default=None,
        help="where downloaded corpora are cached (None: $W2V_CACHE_DIR or ~/.cache/w2v_core)",
    )
    p.set_defaults(handler=_cmd_contexts)


def _cmd_contexts(args: argparse.Namespace) -> int:
    from ..contexts import Contexts  # imported here: only this command counts contexts
    from ..corpus import load_corpus

    corpus = load_corpus(args.corpus, cache_dir=args.cache_dir)
    contexts = Contexts(
        corpus,
        window=args.window,
        min_count=args.min_count,
        min_pair_count=args.min_pair_count,
        smoothing=args.smoothing,
    )
    word = _corpus_spelling(contexts, args.word)
    if args.other is None:
        scores = contexts.characteristic(word, topn=args.topn)
        if args.json:
            print(json.dumps({"word": word, "contexts": [dataclasses.asdict(s) for s in scores]}))
        else:
            for s in scores:
                print(f"{s.word}\t{s.count}\t{s.ppmi:.4f}")
        return 0
    pair = contexts.explain_pair(word, _corpus_spelling(contexts, args.other), topn=args.topn)
    if args.json:
        extra = {"close": pair.close, "sentence": pair.sentence()}
        print(json.dumps({**dataclasses.asdict(pair), **extra}))
        return 0
    print(f"# {pair.sentence()} (PPMI cosine {pair.similarity:.4f})")
    if pair.close:
        for s in pair.shared:
            print(f"{s.word}\t{s.count_a}\t{s.count_b}\t{s.share:.4f}")
    else:
        for side, scores in ((pair.a, pair.only_a), (pair.b, pair.only_b)):
            for s in scores:
                print(f"{side}\t{s.word}\t{s.count}\t{s.ppmi:.4f}")
    return 0


def _corpus_spelling(contexts: Contexts, word: str) -> str:
    """``word`` as given if the vocabulary has it, else lower-cased (corpora usually are)."""
    index = contexts.vocab.index
    return word.lower() if word not in index and word.lower() in index else word


# --------------------------------------------------------------------------- compare


def add_compare(commands: argparse._SubParsersAction) -> None:
    """``compare A B``: the most changed words between two runs."""
    from ..compare import MAX_WORDS, MEASURES

    p = add_command(
        commands,
        "compare",
        "what changed between two runs (seeds, settings or corpora)",
        "Rank the words two runs share by how far they moved after aligning B "
        "onto A (orthogonal Procrustes) and by how much their top-N neighbours changed "
        "(no alignment needed), most changed first.",
    )
    p.add_argument("a", metavar="A", help=MODEL_HELP)
    p.add_argument("b", metavar="B", help=MODEL_HELP)
    p.add_argument("--topn", type=positive_int, default=10, help="neighbours per word")
    p.add_argument("--by", choices=MEASURES, default="moved", help="what 'most changed' means")
    p.add_argument(
        "--words",
        type=positive_int,
        default=MAX_WORDS,
        help="compare this many of the most frequent shared words",
    )
    p.add_argument("--limit", type=positive_int, default=None, help="print only N words")
    p.add_argument("--json", action="store_true", help="print a JSON list instead of lines")
    p.set_defaults(handler=_cmd_compare)


def _cmd_compare(args: argparse.Namespace) -> int:
    from ..compare import compare  # imported here: only this command aligns runs

    kv_a, kv_b = load_vectors(args.a), load_vectors(args.b)
    result = compare(kv_a, kv_b, topn=args.topn, max_words=args.words, by=args.by)
    rows = result.changes[: args.limit]
    if args.json:
        print(json.dumps([change.to_dict() for change in rows], indent=2))
        return 0
    print(
        f"# {len(result.changes):,} shared words compared ({result.n_shared:,} shared, "
        f"{result.only_a:,} only in A, {result.only_b:,} only in B); most changed by {args.by} "
        "first.  moved: cosine distance after Procrustes alignment (0 = same place); "
        f"overlap: share of top-{result.topn} neighbours in common (1 = same)"
    )
    print("word\tmoved\toverlap\tneighbours in A\tneighbours in B")
    for change in rows:
        print(
            f"{change.word}\t{change.moved:.4f}\t{change.overlap:.2f}\t"
            f"{' '.join(change.neighbours_a)}\t{' '.join(change.neighbours_b)}"
        )
    return 0
