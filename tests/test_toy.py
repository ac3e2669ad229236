"""The toy corpus: deterministic, well formed, and SGNS really answers its planted analogies."""

import re
from collections import Counter

import pytest
from demo_model import quick_demo

from w2v_core.corpus import load_corpus, tokenize
from w2v_core.toy import (
    DEFAULT_N_SENTENCES,
    TOY_ANALOGIES,
    TOY_GROUPS,
    TOY_RELATIONS,
    generate_toy_corpus,
)

HEADLINES = [
    ("man", "king", "woman", "queen"),
    ("france", "paris", "italy", "rome"),
    ("dog", "puppy", "cat", "kitten"),
    ("big", "bigger", "small", "smaller"),
]

TARGETS = {word for relation in TOY_RELATIONS for pair in relation.pairs for word in pair[:2]}


def test_same_seed_same_text_other_seed_other_text():
    assert generate_toy_corpus(500, seed=3) == generate_toy_corpus(500, seed=3)
    assert generate_toy_corpus(500, seed=3) != generate_toy_corpus(500, seed=4)
    assert generate_toy_corpus() == generate_toy_corpus(DEFAULT_N_SENTENCES, seed=0)


def test_size_is_a_few_hundred_thousand_tokens():
    corpus = load_corpus("toy")
    assert 200_000 <= corpus.n_tokens <= 400_000
    assert set(corpus.words) >= TARGETS
    assert min(corpus.counts) >= 5  # every word survives min_count=5


def test_every_sentence_holds_exactly_one_target_word():
    for line in generate_toy_corpus(2000, seed=1).splitlines():
        assert sum(token in TARGETS for token in tokenize(line)) == 1, line


def test_target_words_and_context_words_do_not_overlap():
    # A word used both as a target and as a context word, or as the context of two
    # pairs, would blur the planted structure.
    pair_contexts = Counter(word for r in TOY_RELATIONS for pair in r.pairs for word in pair[2])
    assert max(pair_contexts.values()) == 1
    template_words = {
        token
        for r in TOY_RELATIONS
        for template in r.templates
        for token in tokenize(re.sub(r"\{\w+\}", " ", template))
    }
    theme_words = Counter(
        word for r in TOY_RELATIONS for theme in r.themes for word in theme.contexts
    )
    assert max(theme_words.values()) == 1
    assert not set(theme_words) & set(pair_contexts)
    slot_words = {
        token
        for r in TOY_RELATIONS
        for sides in r.slots.values()
        for side in sides
        for phrase in side
        for token in tokenize(phrase)
    }
    assert len(TARGETS) == 2 * sum(len(r.pairs) for r in TOY_RELATIONS)
    assert not TARGETS & (set(pair_contexts) | set(theme_words) | template_words | slot_words)
    assert not (set(pair_contexts) | set(theme_words)) & (template_words | slot_words)


def test_every_pair_belongs_to_exactly_one_theme():
    for relation in TOY_RELATIONS:
        members = [word for theme in relation.themes for word in theme.members]
        assert sorted(members) == sorted(pair[0] for pair in relation.pairs)


def test_analogies_and_groups_use_target_words():
    assert TOY_ANALOGIES[: len(HEADLINES)] == HEADLINES
    assert len(set(TOY_ANALOGIES)) == len(TOY_ANALOGIES) >= 40
    for analogy in TOY_ANALOGIES:
        assert set(analogy) <= TARGETS and len(set(analogy)) == 4
    assert set().union(*map(set, TOY_GROUPS.values())) == TARGETS


def accuracy(answer) -> tuple[float, list]:
    """Fraction of TOY_ANALOGIES whose top-1 answer is right, and the misses."""
    misses = [(a, b, c, d) for a, b, c, d in TOY_ANALOGIES if answer(a, b, c) != d]
    return 1 - len(misses) / len(TOY_ANALOGIES), misses


def test_gensim_answers_the_planted_analogies():
    gensim_models = pytest.importorskip("gensim.models")
    sentences = [tokenize(line) for line in generate_toy_corpus().splitlines()]
    model = gensim_models.Word2Vec(
        sentences,
        sg=1,
        negative=5,
        vector_size=50,
        window=5,
        min_count=5,
        epochs=5,
        seed=1,
        workers=1,
    )

    def answer(a, b, c):
        return model.wv.most_similar(positive=[b, c], negative=[a], topn=1)[0][0]

    score, misses = accuracy(answer)
    assert score >= 0.9, misses
    assert not set(HEADLINES) & set(misses)


#: The words a teacher types first, and the neighbour one of them must come first.
FIRST_NEIGHBOUR = {
    "king": {"queen", "prince"},
    "queen": {"king", "princess"},
    "man": {"woman", "boy"},
    "woman": {"man", "girl"},
    "paris": {"france"},
    "france": {"paris"},
    "dog": {"puppy", "cat", "bone", "leash", "kennel"},
    "puppy": {"dog", "kitten", "bone", "leash", "kennel"},
    "good": {"better", "bad", "news", "advice", "quality"},
    "better": {"good", "worse", "news", "advice", "quality"},
}


def planted_group(word: str) -> set[str]:
    """Words a reader accepts as neighbours: the targets of the word's theme, both
    sides, and the pair and theme context words of that theme."""
    for relation in TOY_RELATIONS:
        for pair in relation.pairs:
            if word in pair[:2]:
                theme = relation.theme_of(pair[0])
                group = set(theme.contexts)
                for other in relation.pairs:
                    if other[0] in theme.members:
                        group |= {other[0], other[1], *other[2]}
                return group - {word}
    raise KeyError(word)


@pytest.fixture(scope="module")
def quick_demo_model():
    """The Quick demo preset's run (:func:`demo_model.quick_demo`, shared with
    ``test_first_screen.py``: trained once)."""
    return quick_demo()


def test_quick_demo_answers_the_planted_analogies(quick_demo_model):
    def answer(a, b, c):
        return quick_demo_model.wv.analogy(a, b, c, topn=1)[0][0]

    score, misses = accuracy(answer)
    assert score >= 0.9, misses
    assert not set(HEADLINES) & set(misses)


def test_quick_demo_first_neighbours_read_right(quick_demo_model):
    kv = quick_demo_model.wv
    precision = {}
    for word, firsts in FIRST_NEIGHBOUR.items():
        top = [other for other, _ in kv.most_similar(word, topn=5)]
        precision[word] = sum(other in planted_group(word) for other in top) / 5
        assert top[0] in firsts, (word, top)
    assert min(precision.values()) >= 0.8, precision
    assert sum(precision.values()) / len(precision) >= 0.95, precision
