"""What a corpus of a given size can show: the plain warning before training, and the
note every tab repeats for a small corpus.

Word2vec learns a word from the company it keeps, so it needs each word many times in
many contexts.  Rough bounds (this engine, default settings; figures from the issue and the README):

* a pasted text of 1,400 words gave cosine similarities of 0.999 between almost all
  pairs: nothing was learned;
* ``lee`` (61k words) gives sensible neighbours for its frequent words, ``wiki`` (463k)
  for many more; neither answers general analogies (``wiki``, Quality preset: 113 of the 3,340
  Google questions whose words it knows, 3 %);
* analogies such as king − man + woman → queen need tens of millions of words of real
  text (the word2vec literature's rule of thumb; ``text8`` has 17M), unless the text is
  built for it like the ``toy`` corpus.
"""

from __future__ import annotations

from dataclasses import dataclass

TOO_SMALL = 20_000
"""Fewer tokens than this: nothing useful is learned."""
FOR_NEIGHBOURS = 200_000
"""From here the neighbours of frequent words are mostly sensible."""
FOR_ANALOGIES = 10_000_000
"""Below this, real text does not answer analogies reliably."""


@dataclass(frozen=True)
class Advice:
    """``level`` is ``"warning"`` (train anyway, but expect nothing) or ``"info"``."""

    level: str
    text: str


def corpus_advice(tokens: int, planted: bool = False) -> Advice | None:
    """What ``tokens`` words of text can and cannot show (None: nothing to say).

    ``planted`` is True for the generated demo corpus, whose analogies are built in.
    """
    if tokens < TOO_SMALL:
        return Advice(
            "warning",
            f"This text has only {tokens:,} words: too few to learn from. Every word will "
            "look similar to every other (similarities near 1). Word2vec needs at least "
            f"{TOO_SMALL:,} words to find any neighbours, a few hundred thousand for good "
            "ones, and tens of millions for analogies such as king − man + woman → queen.",
        )
    if planted:
        return None
    if tokens < FOR_NEIGHBOURS:
        return Advice(
            "info",
            f"{tokens:,} words: enough for the neighbours of the most frequent words only; "
            f"rarer words need more text (a few hundred thousand words), and analogies "
            "need tens of millions.",
        )
    if tokens < FOR_ANALOGIES:
        return Advice(
            "info",
            f"{tokens:,} words: enough for neighbours; analogies such as king − man + woman "
            "→ queen need tens of millions of words of real text (try text8), so expect "
            "few of them right.",
        )
    return None


#: Below these the vectors come out near random whatever the corpus (found with the
#: sliders' minima: dim 10, window 1, 1 negative, rate 0.001 gave "king -> litter 0.84").
WEAK = {"dim": 20, "window": 2, "negatives": 2, "alpha": 0.0025}


def weak_settings(dim: int, window: int, negatives: int, alpha: float) -> str | None:
    """A hint when some settings are too weak to learn much (None: nothing to say)."""
    weak = []
    if dim < WEAK["dim"]:
        weak.append(f"dimension {dim}")
    if window < WEAK["window"]:
        weak.append(f"window {window}")
    if negatives < WEAK["negatives"]:
        weak.append(f"{negatives} negative sample")
    if alpha < WEAK["alpha"]:
        weak.append(f"learning rate {alpha:g}")
    if not weak:
        return None
    return (
        f"Weak settings ({', '.join(weak)}): expect nearly random neighbours. "
        "The presets are good starting points."
    )
