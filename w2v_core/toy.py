"""A small generated corpus in which word analogies are planted on purpose.

Real text needs hundreds of millions of words before ``king - man + woman`` lands on
``queen``.  This generator writes a few hundred thousand words of simple English in
which it happens after a few seconds of training, by following the recipe that
explains why analogies work at all.

The recipe
----------
Skip-gram with negative sampling learns vectors whose dot products approximate the
pointwise mutual information (PMI) of a word and its contexts.  Suppose the contexts of
every word are the sum of two independent parts:

* a **pair** part, shared by the two words of a pair and by no other word
  (``king`` and ``queen`` both appear near *crown*, *throne*, *kingdom*), and
* an **attribute** part, shared by every word on the same side of the relation
  (every male word appears near *he*, *his*, *sir*; every female word near *she*,
  *her*, *madam*).

Then PMI(word, context) splits into a pair term plus an attribute term, the vectors
split the same way, ``king ≈ pair(king/queen) + male``, ``woman ≈ pair(man/woman) +
female``, and ``king - man + woman ≈ pair(king/queen) + female ≈ queen``.

So every sentence here holds exactly one *target* word, one context word of its pair
(slot ``{p}``), and words of its attribute, which are baked into the template through
named slots such as ``{he}`` or ``{deg}``.  Each template is written once and filled in
for both sides of the relation, so the two sides differ only in the attribute words.
Two target words never share a sentence, which would blur the pairs.

Four relations are planted, a dozen or so pairs each: gender (king/queen), country and
capital (france/paris), animal and young (dog/puppy), adjective and comparative
(big/bigger).  :data:`TOY_ANALOGIES` lists analogies across pairs in each relation, in
both directions: ``man : king :: woman : queen`` and ``king : queen :: man : woman``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = [
    "DEFAULT_N_SENTENCES",
    "TOY_ANALOGIES",
    "TOY_GROUPS",
    "TOY_RELATIONS",
    "generate_toy_corpus",
]


@dataclass(frozen=True)
class Relation:
    """One planted relation.

    Attributes
    ----------
    name : str
        E.g. ``"gender"``.
    sides : tuple of two str
        Names of the two sides, e.g. ``("male", "female")``.
    pairs : tuple of (str, str, tuple of str)
        ``(word on side 0, word on side 1, context words of the pair)``.
    slots : dict
        Slot name -> (choices on side 0, choices on side 1): the attribute words.
    templates : tuple of str
        Sentences with ``{w}`` (the target), ``{p}`` (a pair context word) and slots.
    """

    name: str
    sides: tuple[str, str]
    pairs: tuple[tuple[str, str, tuple[str, ...]], ...]
    slots: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    templates: tuple[str, ...]


GENDER = Relation(
    name="gender",
    sides=("male", "female"),
    pairs=(
        ("king", "queen", ("crown", "throne", "kingdom")),
        ("man", "woman", ("office", "job", "newspaper")),
        ("prince", "princess", ("castle", "carriage", "heir")),
        ("boy", "girl", ("school", "toys", "playground")),
        ("father", "mother", ("family", "household", "kids")),
        ("son", "daughter", ("parents", "birthday", "homework")),
        ("husband", "wife", ("wedding", "marriage", "anniversary")),
        ("brother", "sister", ("sibling", "twin", "bedroom")),
        ("uncle", "aunt", ("cousins", "reunion", "christmas")),
        ("grandfather", "grandmother", ("grandchildren", "garden", "stories")),
        ("emperor", "empress", ("empire", "dynasty", "legions")),
        ("actor", "actress", ("theatre", "film", "stage")),
        ("waiter", "waitress", ("restaurant", "tips", "menu")),
        ("monk", "nun", ("monastery", "prayer", "abbey")),
    ),
    slots={
        "he": (("he",), ("she",)),
        "his": (("his",), ("her",)),
        "him": (("him",), ("her",)),
        "himself": (("himself",), ("herself",)),
        "sir": (("sir", "gentleman", "mister"), ("madam", "lady", "miss")),
    },
    templates=(
        "the {w} said that {he} would take care of the {p}",
        "everyone knew the {w} and {his} {p}",
        "the {w} looked at {his} {p} and {he} smiled",
        "{he} is the {w} who talks about the {p} all day",
        "the {w} {himself} told us about the {p}",
        "we asked the {w} about the {p} and {he} laughed",
        "the {p} belongs to the {w} and {he} is proud of it",
        "a kind {sir} and {w} , {he} loved the {p}",
        "people gave the {w} a gift for {his} {p}",
        "the old {sir} was a {w} with a {p}",
    ),
)

GEOGRAPHY = Relation(
    name="capital",
    sides=("country", "capital"),
    pairs=(
        ("france", "paris", ("french", "louvre", "seine")),
        ("italy", "rome", ("italian", "colosseum", "tiber")),
        ("germany", "berlin", ("german", "reichstag", "bratwurst")),
        ("spain", "madrid", ("spanish", "flamenco", "prado")),
        ("japan", "tokyo", ("japanese", "sushi", "shinto")),
        ("russia", "moscow", ("russian", "kremlin", "vodka")),
        ("china", "beijing", ("chinese", "mandarin", "pagoda")),
        ("egypt", "cairo", ("egyptian", "pyramids", "nile")),
        ("greece", "athens", ("greek", "acropolis", "olives")),
        ("england", "london", ("english", "thames", "cricket")),
        ("portugal", "lisbon", ("portuguese", "fado", "tagus")),
        ("austria", "vienna", ("austrian", "waltz", "danube")),
        ("poland", "warsaw", ("polish", "vistula", "pierogi")),
        ("canada", "ottawa", ("canadian", "maple", "hockey")),
    ),
    slots={
        "place": (("country", "nation", "state"), ("city", "capital", "metropolis")),
        "leader": (("president", "government", "parliament"), ("mayor", "council", "governor")),
        "part": (("borders", "provinces", "coast"), ("streets", "suburbs", "downtown")),
        "people": (("citizens", "population", "farmers"), ("residents", "commuters", "locals")),
    },
    templates=(
        "the {leader} of {w} spoke about the {p}",
        "{w} is a large {place} known for the {p}",
        "the {people} of {w} love the {p}",
        "in {w} the {part} are full of {p} things",
        "tourists travel to the {place} of {w} to see the {p}",
        "the {p} makes {w} a famous {place}",
        "many {people} in {w} talk about the {p}",
        "the {leader} in {w} praised the {p} and the {part}",
        "we visited the {part} of {w} and the {p}",
        "a {p} festival was held across {w} by the {leader}",
    ),
)

ANIMALS = Relation(
    name="young",
    sides=("adult", "young"),
    pairs=(
        ("dog", "puppy", ("bone", "leash", "kennel")),
        ("cat", "kitten", ("yarn", "whiskers", "litter")),
        ("cow", "calf", ("pasture", "udder", "moo")),
        ("sheep", "lamb", ("wool", "meadow", "shepherd")),
        ("horse", "foal", ("saddle", "stable", "hay")),
        ("pig", "piglet", ("mud", "sty", "trough")),
        ("duck", "duckling", ("pond", "quack", "reeds")),
        ("chicken", "chick", ("coop", "seeds", "eggs")),
        ("bear", "cub", ("honey", "cave", "salmon")),
        ("deer", "fawn", ("antlers", "woods", "clearing")),
        ("frog", "tadpole", ("swamp", "lily", "croak")),
        ("goose", "gosling", ("lake", "honk", "gander")),
        ("kangaroo", "joey", ("pouch", "outback", "hopping")),
    ),
    slots={
        "age": (("adult", "grown", "mature"), ("baby", "newborn", "tiny")),
        "did": (("guarded", "watched", "led"), ("followed", "chased", "played with")),
        "does": (("hunts", "works", "rests"), ("plays", "naps", "tumbles")),
    },
    templates=(
        "the {age} {w} {did} the {p}",
        "a {age} {w} {does} near the {p}",
        "we saw the {age} {w} by the {p}",
        "the farmer said the {w} is {age} and {does} by the {p}",
        "look , the {age} {w} {did} the {p} again",
        "every morning the {w} {does} close to the {p}",
        "that {w} is {age} and it {did} the {p}",
        "the children watched the {age} {w} and the {p}",
    ),
)

COMPARATIVES = Relation(
    name="comparative",
    sides=("adjective", "comparative"),
    pairs=(
        ("good", "better", ("advice", "news", "quality")),
        ("big", "bigger", ("elephant", "mansion", "whale")),
        ("small", "smaller", ("mouse", "pebble", "ant")),
        ("fast", "faster", ("car", "runner", "rocket")),
        ("slow", "slower", ("snail", "turtle", "queue")),
        ("tall", "taller", ("tower", "giraffe", "ladder")),
        ("long", "longer", ("road", "rope", "journey")),
        ("short", "shorter", ("pencil", "haircut", "skirt")),
        ("cold", "colder", ("winter", "snow", "freezer")),
        ("warm", "warmer", ("summer", "blanket", "sunshine")),
        ("heavy", "heavier", ("suitcase", "rock", "anvil")),
        ("cheap", "cheaper", ("ticket", "bargain", "market")),
        ("bad", "worse", ("weather", "storm", "mood")),
        ("happy", "happier", ("crowd", "smile", "party")),
    ),
    slots={
        "deg": (("very", "quite", "really"), ("much", "even", "far")),
        "tail": (("today", "indeed", "as usual"), ("than before", "than ever", "than expected")),
    },
    templates=(
        "the {p} was {deg} {w} {tail}",
        "this {p} is {deg} {w} {tail}",
        "everyone said the {p} seemed {deg} {w} {tail}",
        "i think that {p} looks {deg} {w} {tail}",
        "our {p} felt {deg} {w} {tail}",
        "they told us the {p} is {deg} {w} {tail}",
    ),
)

#: The planted relations.
TOY_RELATIONS: tuple[Relation, ...] = (GENDER, GEOGRAPHY, ANIMALS, COMPARATIVES)

#: Default number of sentences: about 300,000 tokens, a few seconds of training.
DEFAULT_N_SENTENCES = 30_000


def _analogies() -> list[tuple[str, str, str, str]]:
    """Analogies ``a : b :: c : d`` (``b - a + c ≈ d``) across neighbouring pairs."""
    analogies = []
    for relation in TOY_RELATIONS:
        pairs = relation.pairs
        for i, (a0, a1, _) in enumerate(pairs):
            c0, c1, _ = pairs[(i + 1) % len(pairs)]
            analogies.append((a0, a1, c0, c1))  # along the relation: king : queen :: man : woman
            analogies.append((c0, a0, c1, a1))  # across pairs: man : king :: woman : queen
    return analogies


_HEADLINES = [
    ("man", "king", "woman", "queen"),
    ("france", "paris", "italy", "rome"),
    ("dog", "puppy", "cat", "kitten"),
    ("big", "bigger", "small", "smaller"),
]

#: Analogies ``(a, b, c, expected)`` meaning ``a : b :: c : expected``, i.e.
#: ``most_similar(positive=[b, c], negative=[a])`` should give `expected`.
#: The headline examples come first.
TOY_ANALOGIES: list[tuple[str, str, str, str]] = _HEADLINES + [
    analogy for analogy in _analogies() if analogy not in _HEADLINES
]

#: Groups of related words, e.g. for a "which word doesn't match" demo or a 2-D plot.
TOY_GROUPS: dict[str, list[str]] = {
    f"{relation.name}: {side}": [pair[k] for pair in relation.pairs]
    for relation in TOY_RELATIONS
    for k, side in enumerate(relation.sides)
}


def generate_toy_corpus(n_sentences: int = DEFAULT_N_SENTENCES, seed: int = 0) -> str:
    """Generate the toy corpus: one sentence per line, lower case.

    Each sentence picks a relation, a pair, a side and a template at random and fills
    the template with the target word, one of the pair's context words and the side's
    attribute words (see the module docstring for why this plants analogies).

    Parameters
    ----------
    n_sentences : int, default DEFAULT_N_SENTENCES
        About ten tokens each.
    seed : int, default 0
        The same seed always gives the same text.

    Returns
    -------
    str
        The text, ending with a newline.
    """
    rng = random.Random(seed)
    lines = []
    for _ in range(n_sentences):
        relation = rng.choice(TOY_RELATIONS)
        *words, contexts = rng.choice(relation.pairs)
        side = rng.randrange(2)
        fill = {name: rng.choice(choices[side]) for name, choices in relation.slots.items()}
        fill["w"] = words[side]
        fill["p"] = rng.choice(contexts)
        lines.append(rng.choice(relation.templates).format(**fill))
    return "\n".join(lines) + "\n"
