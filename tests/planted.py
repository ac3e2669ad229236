"""A corpus with known structure, generated for tests.

* ``GROUPS``: words within a group share exactly the same contexts, so they are
  interchangeable and must be each other's nearest neighbours.
* ``PAIRS``: ``a_i`` / ``b_i`` words.  Every ``a`` word appears with the "A"
  context words, every ``b`` word with the "B" context words, and both words of a
  pair with their own pair-specific words.  So ``b_0 - a_0 + a_1`` points at ``b_1``.
"""

import random

GROUPS = {
    "fruit": ["apple", "pear", "plum", "peach"],
    "tool": ["hammer", "saw", "drill", "wrench"],
    "vehicle": ["car", "bus", "truck", "van"],
}
GROUP_CONTEXT = {
    "fruit": ["eat", "sweet", "ripe", "juice", "tree"],
    "tool": ["build", "metal", "shed", "repair", "handle"],
    "vehicle": ["drive", "road", "wheel", "engine", "park"],
}
PAIRS = [("king", "queen"), ("man", "woman"), ("boy", "girl"), ("lord", "lady"), ("sir", "madam")]
SIDE_CONTEXT = {"a": ["he", "him", "his", "male"], "b": ["she", "her", "hers", "female"]}
PAIR_CONTEXT = [[f"pc{i}x", f"pc{i}y", f"pc{i}z"] for i in range(len(PAIRS))]


def planted_text(n_sentences: int = 6000, seed: int = 0) -> str:
    rng = random.Random(seed)
    lines = []
    for _ in range(n_sentences):
        if rng.random() < 0.5:
            group = rng.choice(list(GROUPS))
            context = GROUP_CONTEXT[group]
            words = [rng.choice(context), rng.choice(GROUPS[group]), rng.choice(context)]
        else:
            i = rng.randrange(len(PAIRS))
            side = rng.choice("ab")
            word = PAIRS[i][0 if side == "a" else 1]
            words = [
                rng.choice(PAIR_CONTEXT[i]),
                rng.choice(SIDE_CONTEXT[side]),
                word,
                rng.choice(SIDE_CONTEXT[side]),
                rng.choice(PAIR_CONTEXT[i]),
            ]
        lines.append(" ".join(words))
    return "\n".join(lines)
