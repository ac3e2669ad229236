"""Two generated corpora in which one word keeps different company, for tests of
:mod:`w2v_core.compare` and :mod:`w2v_core.stability`.

Words come in groups of :data:`GROUP_SIZE`; every sentence is ``context word context``
with both context words drawn from the word's group's own contexts.  So a word's
top-10 neighbours are its 10 group mates.  In the *moved* corpus, :data:`MOVER`
appears with another group's contexts: its company, and only its, differs.
"""

import random

GROUP_SIZE = 11
N_GROUPS = 5
CONTEXTS_PER_GROUP = 6
GROUPS = [[f"g{g}w{i}" for i in range(GROUP_SIZE)] for g in range(N_GROUPS)]
CONTEXTS = [[f"g{g}c{i}" for i in range(CONTEXTS_PER_GROUP)] for g in range(N_GROUPS)]
#: The word whose company differs between the two corpora (group 0 -> group 3).
MOVER = GROUPS[0][5]
MOVED_TO = 3
#: A word seen only a handful of times, with random company.
RARE = "rareword"


def company_text(
    n_sentences: int = 20000, seed: int = 0, moved: bool = False, rare: int = 0
) -> str:
    """The corpus; ``moved``: :data:`MOVER` keeps group :data:`MOVED_TO`'s company;
    ``rare``: that many sentences put :data:`RARE` beside random contexts."""
    rng = random.Random(seed)
    lines = []
    for _ in range(n_sentences):
        group = rng.randrange(N_GROUPS)
        word = rng.choice(GROUPS[group])
        home = MOVED_TO if moved and word == MOVER else group
        lines.append(f"{rng.choice(CONTEXTS[home])} {word} {rng.choice(CONTEXTS[home])}")
    for _ in range(rare):
        lines.append(
            f"{rng.choice(rng.choice(CONTEXTS))} {RARE} {rng.choice(rng.choice(CONTEXTS))}"
        )
    rng.shuffle(lines)
    return "\n".join(lines)
