"""A small generated corpus in which word analogies are planted on purpose.

Real text needs hundreds of millions of words before ``king - man + woman`` lands on
``queen``.  This generator writes a few hundred thousand words of simple English in
which it happens after a few seconds of training, by following the recipe that
explains why analogies work at all.

The recipe
----------
Skip-gram with negative sampling learns vectors whose dot products approximate the
pointwise mutual information (PMI) of a word and its contexts.  Suppose the contexts of
every word are the sum of three independent parts:

* a **pair** part, shared by the two words of a pair and by no other word
  (``king`` and ``queen`` both appear near *crown*, *throne*, *kingdom*),
* a **theme** part, shared by the few pairs of one topic (``king/queen``,
  ``prince/princess`` and ``emperor/empress`` appear near *palace*, *court*), and
* an **attribute** part, shared by every word on the same side of the relation
  (every male word appears near *he*, *sir*; every female word near *she*, *madam*).

Then PMI(word, context) splits into the three terms, the vectors split the same way,
``king ≈ pair(king/queen) + royalty + male``, ``woman ≈ pair(man/woman) + people +
female``, and ``king - man + woman ≈ pair(king/queen) + royalty + female ≈ queen``.

What a reader sees first are the nearest neighbours, so the weights of the parts are set
for them: the pair part is the heaviest (up to two pair words per sentence, against an
attribute word in about a third of the sentences), so a word's partner comes first
(king → queen, paris → france); the theme part puts the topic's other words next (king →
prince, princess; dog → cat), rather than any word of the same side (king → boy).
The attribute part is light but the same in every pair, which is all the analogies need.

So every sentence here holds exactly one *target* word, one or two context words of its
pair (slots ``{p}``, ``{q}``), one of its theme (``{t}``), and sometimes words of its
attribute, through named slots such as ``{he}`` or ``{deg}``.  Each template is written
once and filled in for both sides of the relation, so the two sides differ only in the
attribute words.  Two target words never share a sentence, which would blur the pairs.

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
class Theme:
    """Pairs of one relation that share a topic, and the topic's context words.

    ``king/queen``, ``prince/princess`` and ``emperor/empress`` all appear near *palace*
    and *court*: that is what puts ``prince`` among the first neighbours of ``king``,
    where a reader expects it, rather than any other male word.
    """

    name: str
    contexts: tuple[str, ...]
    members: tuple[str, ...]  # the side-0 word of each pair in the theme


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
    themes : tuple of Theme
        Every pair belongs to exactly one theme.
    slots : dict
        Slot name -> (choices on side 0, choices on side 1): the attribute words.
    templates : tuple of str
        Sentences with ``{w}`` (the target), ``{p}`` (a pair context word), ``{t}`` (a
        theme context word) and attribute slots.
    """

    name: str
    sides: tuple[str, str]
    pairs: tuple[tuple[str, str, tuple[str, ...]], ...]
    themes: tuple[Theme, ...]
    slots: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    templates: tuple[str, ...]

    def theme_of(self, word: str) -> Theme:
        """The theme of the pair whose side-0 word is ``word``."""
        return next(theme for theme in self.themes if word in theme.members)


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
        ("uncle", "aunt", ("cousins", "visit", "christmas")),
        ("grandfather", "grandmother", ("grandchildren", "garden", "stories")),
        ("emperor", "empress", ("empire", "dynasty", "legions")),
        ("actor", "actress", ("theatre", "film", "stage")),
        ("waiter", "waitress", ("restaurant", "tips", "menu")),
        ("monk", "nun", ("monastery", "prayer", "abbey")),
    ),
    themes=(
        Theme("royalty", ("palace", "court", "ceremony"), ("king", "prince", "emperor")),
        Theme("people", ("bus", "square", "station"), ("man", "boy")),
        Theme(
            "family",
            ("dinner", "picnic", "table"),
            ("father", "son", "husband", "brother", "uncle", "grandfather"),
        ),
        Theme("work", ("meeting", "canteen", "studio"), ("actor", "waiter", "monk")),
    ),
    slots={
        "he": (("he",), ("she",)),
        "sir": (("sir", "gentleman", "mister"), ("madam", "lady", "miss")),
    },
    templates=(
        "the {w} said that {he} would take care of the {p} after the {t}",
        "everyone at the {t} knew the {w} and the {p}",
        "the {w} looked at the {p} and the {q} during the {t}",
        "{he} is the {w} who talks about the {p} and the {t} all day",
        "the {w} told us about the {p} at the {t}",
        "we asked the {w} about the {p} , the {q} and the {t}",
        "the {p} belongs to the {w} from the {t}",
        "a kind {sir} , the {w} loved the {p} and the {t}",
        "people at the {t} gave the {w} a gift for the {p}",
        "the {w} brought the {p} and the {q} to the {t}",
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
    themes=(
        Theme(
            "western europe",
            ("wine", "cathedrals", "beaches"),
            ("france", "italy", "spain", "england", "portugal"),
        ),
        Theme(
            "central europe",
            ("beer", "trains", "orchestras"),
            ("germany", "austria", "poland", "greece", "russia"),
        ),
        Theme(
            "far away", ("embassies", "airlines", "visas"), ("japan", "china", "egypt", "canada")
        ),
    ),
    slots={
        "place": (("country", "nation", "state"), ("city", "capital", "metropolis")),
        "leader": (("president", "government", "parliament"), ("mayor", "council", "governor")),
        "part": (("borders", "provinces", "coast"), ("streets", "suburbs", "downtown")),
        "people": (("citizens", "population", "farmers"), ("residents", "commuters", "locals")),
    },
    templates=(
        "the newspapers of {w} wrote about the {p} and the {t}",
        "{w} is a {place} known for the {p} and the {t}",
        "the {people} of {w} love the {p} and the {t}",
        "in {w} the {t} are full of {p} things",
        "tourists travel to {w} to see the {p} , the {q} and the {t}",
        "the {p} and the {q} make {w} famous",
        "many visitors in {w} talk about the {p} and the {t}",
        "visitors in {w} praised the {p} , the {q} and the {t}",
        "we visited the {part} of {w} , the {p} and the {t}",
        "a {p} festival was held across {w} with {t}",
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
    themes=(
        Theme("pets", ("sofa", "vet", "collar"), ("dog", "cat")),
        Theme("farm", ("farm", "barn", "tractor"), ("cow", "sheep", "horse", "pig", "chicken")),
        Theme("water", ("river", "bank", "rain"), ("duck", "frog", "goose")),
        Theme("wild", ("forest", "wilderness", "zoo"), ("bear", "deer", "kangaroo")),
    ),
    slots={
        "age": (("adult", "grown", "mature"), ("baby", "newborn", "tiny")),
        "did": (("guarded", "watched", "led"), ("followed", "chased", "played with")),
        "does": (("hunts", "works", "rests"), ("plays", "naps", "tumbles")),
    },
    templates=(
        "the {w} saw the {p} near the {t}",
        "a {w} {does} near the {p} by the {t}",
        "we saw the {w} with the {p} and the {q} by the {t}",
        "the farmer said the {w} at the {t} loves the {p}",
        "look , the {w} {did} the {p} at the {t} again",
        "every morning the {w} {does} close to the {p} and the {t}",
        "that {age} {w} sleeps by the {p} at the {t}",
        "the children watched the {w} , the {p} and the {q} at the {t}",
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
    themes=(
        Theme(
            "size",
            ("size", "length", "weight"),
            ("big", "small", "tall", "long", "short", "heavy"),
        ),
        Theme("speed", ("speed", "pace", "tempo"), ("fast", "slow")),
        Theme("temperature", ("temperature", "climate", "degrees"), ("cold", "warm")),
        Theme("quality", ("value", "opinion", "spirit"), ("good", "bad", "cheap", "happy")),
    ),
    slots={
        "deg": (("very", "quite", "really"), ("much", "even", "far")),
        "tail": (("today", "indeed", "as usual"), ("than before", "than ever", "than expected")),
    },
    templates=(
        "the {p} was {deg} {w} in {t}",
        "this {p} and that {q} are {w} in {t}",
        "everyone said the {p} seemed {deg} {w} in {t}",
        "i think that {p} looks {w} in {t} {tail}",
        "our {p} felt {w} in {t} {tail}",
        "they told us the {p} and the {q} are {w} in {t}",
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
        fill["p"], fill["q"] = rng.sample(contexts, 2)
        fill["t"] = rng.choice(relation.theme_of(words[0]).contexts)
        lines.append(rng.choice(relation.templates).format(**fill))
    return "\n".join(lines) + "\n"
