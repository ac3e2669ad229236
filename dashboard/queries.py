"""Queries two or more views share: parsing a user's words, default query words,
neighbour tables and example analogies.  Pure functions of the vectors (pandas for the
tables); the views cache what they need with ``st.cache_data``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from w2v_core.errors import W2VError
from w2v_core.toy import TOY_ANALOGIES, TOY_GROUPS
from w2v_core.vectors import KeyedVectors

#: Tried in order for the default query: the toy corpus's headline words first.
PREFERRED_QUERIES = ("king", "paris", "dog", "queen", "city", "water", "war", "music")


def parse_words(text: str) -> list[str]:
    """Split a user's list of words at commas and whitespace, dropping duplicates."""
    return list(dict.fromkeys(w for w in re.split(r"[,;\s]+", text.strip()) if w))


def resolve_word(kv: KeyedVectors, word: str) -> str:
    """``word`` itself if known, else its lower-case form if that is known, else ``word``."""
    if word in kv:
        return word
    lower = word.lower()
    return lower if lower in kv else word


def default_query(kv: KeyedVectors) -> str:
    """Two words worth looking at: known headline words, else mid-frequency words."""
    words = [w for w in PREFERRED_QUERIES if w in kv][:2]
    if not words:
        start = min(len(kv) - 1, 30) if len(kv) > 2 else 0
        words = kv.words[start : start + 2]
    return ", ".join(words)


def neighbours_frame(kv: KeyedVectors, word: str, topn: int, imported: bool) -> pd.DataFrame:
    """Top-n neighbours of ``word``: word, cosine similarity and corpus frequency
    (frequency rank for imported vectors, which come without counts).

    Raises
    ------
    UnknownWordError
        If ``word`` is not in the vocabulary.
    """
    rows = [
        {
            "word": other,
            "similarity": round(score, 4),
            ("frequency rank" if imported else "frequency"): (
                kv.get_index(other) + 1 if imported else kv.count(other)
            ),
        }
        for other, score in kv.most_similar(word, topn=topn)
    ]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- analogies


@dataclass(frozen=True)
class Example:
    """An analogy ``a : b :: c : expected`` and where it comes from."""

    a: str
    b: str
    c: str
    expected: str
    source: str

    def text(self) -> str:
        return f"{self.a} : {self.b} :: {self.c} : ?   — {self.source}"


#: Short names of the sections of Google's analogy test set, for tables that must fit
#: a projector ("Google · capitals" rather than "Google: capital-common-countries").
GOOGLE_SECTIONS = {
    "capital-common-countries": "capitals",
    "capital-world": "world capitals",
    "currency": "currencies",
    "city-in-state": "US states",
    "family": "family",
    "gram1-adjective-to-adverb": "adverbs",
    "gram2-opposite": "opposites",
    "gram3-comparative": "comparatives",
    "gram4-superlative": "superlatives",
    "gram5-present-participle": "-ing forms",
    "gram6-nationality-adjective": "nationalities",
    "gram7-past-tense": "past tense",
    "gram8-plural": "plurals",
    "gram9-plural-verbs": "verb forms",
}
TOY_SOURCE = "toy corpus (planted)"
#: The same list of simple analogies, for a run on another text (nothing was planted).
CLASSIC_SOURCE = "simple (toy list)"


def google_source(section: str) -> str:
    """``"capital-world"`` -> ``"Google · world capitals"`` (unknown names kept)."""
    return f"Google · {GOOGLE_SECTIONS.get(section, section)}"


@lru_cache(maxsize=1)
def _google_questions() -> tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...]:
    """Google's analogy questions by section (read once per process; empty if missing)."""
    from w2v_core.evaluate import dataset_path, read_analogies

    try:
        sections = read_analogies(dataset_path("analogies"))
    except W2VError:
        return ()
    return tuple((name, tuple(questions)) for name, questions in sections)


def toy_examples(kv: KeyedVectors, planted: bool = True) -> list[Example]:
    """The toy corpus's planted analogies whose words are all in ``kv`` (named as simple
    examples when ``planted`` is False: a run on another text)."""
    source = TOY_SOURCE if planted else CLASSIC_SOURCE
    return [
        Example(a, b, c, d, source)
        for a, b, c, d in TOY_ANALOGIES
        if all(w in kv for w in (a, b, c, d))
    ]


def google_examples(kv: KeyedVectors, n: int = 8, seed: int = 0) -> list[Example]:
    """Up to ``n`` Google analogy questions whose words are all in ``kv``, from as many
    sections as possible (the same ones every time for the same vocabulary)."""
    by_section = []
    for name, questions in _google_questions():
        known = [q for q in questions if all(w in kv for w in q)]
        if known:
            by_section.append((name, known))
    rng = random.Random(seed)
    picked: list[Example] = []
    while len(picked) < n and by_section:
        for name, known in list(by_section):
            if len(picked) >= n:
                break
            question = known.pop(rng.randrange(len(known)))
            picked.append(Example(*question, source=google_source(name)))
            if not known:
                by_section.remove((name, known))
    return picked


def examples_for(kv: KeyedVectors, planted: bool = True) -> list[Example]:
    """Examples to offer: toy analogies first (at most 8), then Google ones (``planted``:
    the run is on the toy corpus, so the toy ones were planted in its text)."""
    return toy_examples(kv, planted)[:8] + google_examples(kv)


def analogy_frame(kv: KeyedVectors, a: str, b: str, c: str, method: str, topn: int) -> pd.DataFrame:
    """The top answers to ``a : b :: c : ?`` with their scores.

    Raises
    ------
    UnknownWordError
        If one of the words is not in the vocabulary.
    """
    answers = kv.analogy(a, b, c, topn=topn, method=method)
    return pd.DataFrame(
        [{"rank": i, "word": w, "score": round(s, 4)} for i, (w, s) in enumerate(answers, 1)]
    )


def examples_frame(kv: KeyedVectors, examples: list[Example], method: str) -> pd.DataFrame:
    """Each example with the model's answer and whether it is right."""
    rows = []
    for ex in examples:
        answer = kv.analogy(ex.a, ex.b, ex.c, topn=1, method=method)
        guess = answer[0][0] if answer else ""
        rows.append(
            {
                "A": ex.a,
                "is to B": ex.b,
                "as C": ex.c,
                "is to (expected)": ex.expected,
                "model's answer": guess,
                "right?": "✓" if guess == ex.expected else "✗",
                "from": ex.source,
            }
        )
    return pd.DataFrame(rows)


def odd_one_out_default(kv: KeyedVectors, examples: list[Example]) -> str:
    """Four words, three of a kind and one not, from the toy groups or an example:
    the first such set the run answers right (the first one tried if none)."""
    groups = [[w for w in words if w in kv] for words in TOY_GROUPS.values()]
    groups = [g for g in groups if len(g) >= 3]
    candidates: list[list[str]] = []
    for i, group in enumerate(groups):
        for other in groups[i + 2 :] + groups[:i]:  # skip the paired group (male/female)
            candidates.append([*group[:3], other[0]])
    if examples and not candidates:
        ex = examples[0]
        same = [ex.a, ex.c] + [e.a for e in examples[1:] if e.source == ex.source][:1]
        candidates.append([*same, ex.b])
    for words in candidates[:12]:
        if len(set(words)) == 4 and kv.doesnt_match(words) == words[-1]:
            return " ".join(words)
    return " ".join(candidates[0]) if candidates else " ".join(kv.words[10:14])
