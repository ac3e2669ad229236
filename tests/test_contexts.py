"""Context counts, PPMI and shared contexts against a brute-force count; concordance lines."""

from __future__ import annotations

import math
import random
from collections import Counter

import numpy as np
import pytest

from w2v_core.contexts import Contexts
from w2v_core.corpus import corpus_from_text, tokenize
from w2v_core.errors import ConfigError, UnknownWordError

WINDOW = 3
MIN_COUNT = 2


def small_text(seed: int = 0) -> str:
    """Short random sentences over a skewed vocabulary, with a few rare words."""
    rng = random.Random(seed)
    common = ["the", "cat", "dog", "sat", "on", "mat", "ran", "to", "a", "red", "ball"]
    weights = [12, 5, 5, 4, 4, 3, 3, 3, 6, 2, 2]
    lines = []
    for _ in range(150):
        words = rng.choices(common, weights, k=rng.randint(1, 9))
        if rng.random() < 0.1:
            words.insert(rng.randrange(len(words) + 1), f"rare{rng.randrange(40)}")
        lines.append(" ".join(words))
    return "\n".join(lines) + "\n"


def brute_force(text: str, window: int, min_count: int) -> Counter:
    """#(w, c) by two nested loops over every sentence, OOV words removed first."""
    sentences = [tokenize(line) for line in text.splitlines()]
    frequency = Counter(t for s in sentences for t in s)
    pairs: Counter = Counter()
    for sentence in sentences:
        kept = [t for t in sentence if frequency[t] >= min_count]
        for i, w in enumerate(kept):
            for j in range(max(0, i - window), min(len(kept), i + window + 1)):
                if j != i:
                    pairs[w, kept[j]] += 1
    return pairs


@pytest.fixture(scope="module")
def setup():
    text = small_text()
    corpus = corpus_from_text(text)
    return text, Contexts(
        corpus, window=WINDOW, min_count=MIN_COUNT, min_pair_count=3, smoothing=1.0
    )


def test_counts_equal_a_brute_force_count(setup):
    text, contexts = setup
    pairs = brute_force(text, WINDOW, MIN_COUNT)
    words = contexts.vocab.words
    assert not any(
        w.startswith("rare") and contexts.vocab.counts[i] < 2 for i, w in enumerate(words)
    )
    for w in words:
        counts = contexts.counts(w)
        assert {c: int(counts[i]) for i, c in enumerate(words) if counts[i]} == {
            c: n for (a, c), n in pairs.items() if a == w
        }
        # the row total is the number of context slots, counted separately
        assert counts.sum() == contexts.slots[contexts.word_id(w)]
    assert contexts.total == sum(pairs.values())


@pytest.mark.parametrize("smoothing", [1.0, 0.75])
def test_ppmi_equals_the_formula_on_brute_force_counts(smoothing):
    text = small_text(1)
    contexts = Contexts(
        corpus_from_text(text), WINDOW, MIN_COUNT, min_pair_count=3, smoothing=smoothing
    )
    pairs = brute_force(text, WINDOW, MIN_COUNT)
    row = Counter()
    for (w, _), n in pairs.items():
        row[w] += n
    total = sum(row.values())
    norm = sum(n**smoothing for n in row.values())
    for w in ["the", "cat", "red", "mat"]:
        got = dict(zip(contexts.vocab.words, contexts.ppmi(w), strict=True))
        for c in contexts.vocab.words:
            n = pairs[w, c]
            expected = 0.0
            if n >= 3:
                expected = max(0.0, math.log((n / row[w]) / (row[c] ** smoothing / norm)))
            assert got[c] == pytest.approx(expected, abs=1e-12), (w, c)
        if smoothing == 1.0:  # plain PMI: log(#(w,c) D / (#(w) #(c)))
            c = max((c for c in row if pairs[w, c] >= 3), key=lambda c: got[c])
            assert got[c] == pytest.approx(math.log(pairs[w, c] * total / (row[w] * row[c])))


def test_characteristic_contexts_are_the_top_ppmi_not_the_most_frequent(setup):
    _, contexts = setup
    scores = contexts.characteristic("cat", topn=4)
    ppmi = dict(zip(contexts.vocab.words, contexts.ppmi("cat"), strict=True))
    best = sorted((v for v in ppmi.values() if v > 0), reverse=True)[:4]
    assert [s.ppmi for s in scores] == pytest.approx(best)
    assert all(s.count >= 3 for s in scores)


def test_shared_contexts_shares_sum_to_the_ppmi_cosine(setup):
    _, contexts = setup
    a, b = contexts.ppmi("cat"), contexts.ppmi("dog")
    cosine = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    pair = contexts.explain_pair("cat", "dog", topn=100)
    assert pair.similarity == pytest.approx(cosine)
    assert sum(s.share for s in pair.shared) == pytest.approx(cosine)
    assert [s.share for s in pair.shared] == sorted((s.share for s in pair.shared), reverse=True)
    assert all(s.ppmi_a > 0 and s.ppmi_b > 0 for s in pair.shared)
    shared = {s.word for s in pair.shared}
    assert not shared & {s.word for s in pair.only_a + pair.only_b}


def test_planted_pair_is_explained_by_its_own_words_and_a_distant_pair_is_not():
    text = "\n".join(
        ["the king sat on the throne"] * 30
        + ["the queen sat on the throne"] * 30
        + ["a small mouse ate cheese"] * 30
        + ["a king wore a crown", "a queen wore a crown"] * 10
    )
    contexts = Contexts(corpus_from_text(text), window=4, min_count=5)
    close = contexts.explain_pair("king", "queen")
    assert close.close and {"throne", "crown"} <= {s.word for s in close.shared}
    assert close.sentence().startswith("king and queen are close because both appear near")
    far = contexts.explain_pair("king", "mouse")
    assert not far.close
    assert "cheese" in {s.word for s in far.only_b} and "throne" in {s.word for s in far.only_a}
    assert "share little company" in far.sentence() and "cheese" in far.sentence()


def test_concordance_has_the_word_at_the_centre_and_pages_on():
    text = "\n".join(f"line {i} with one dog in it and more words after the dog" for i in range(12))
    contexts = Contexts(corpus_from_text(text), window=2, min_count=1)
    first = contexts.concordance("dog", start=0, count=5, width=3)
    assert first.total == 24 and first.has_more and len(first.lines) == 5
    seen = []
    start = 0
    while True:
        page = contexts.concordance("dog", start=start, count=5, width=3)
        for line in page.lines:
            assert line.word == "dog"
            assert contexts.corpus.words[contexts.corpus.ids[line.position]] == "dog"
            # the centre token sits between its own left and right neighbours in the corpus
            ids = contexts.corpus.ids
            assert [
                contexts.corpus.words[i]
                for i in ids[line.position - len(line.left) : line.position]
            ] == list(line.left)
            assert len(line.left) <= 3 and len(line.right) <= 3
            seen.append(line.position)
        if not page.has_more:
            break
        start += 5
    assert len(seen) == len(set(seen)) == 24
    # a line never crosses a sentence break: the last "dog" of a line has nothing after it
    assert any(line.right == () for line in first.lines)


def test_concordance_prefers_lines_with_the_given_context_words():
    text = "\n".join(
        ["a dog in the park"] * 8 + ["my dog chewed a bone"] + ["a dog in the park"] * 3
    )
    contexts = Contexts(corpus_from_text(text), window=3, min_count=1)
    top = contexts.concordance("dog", count=1, prefer={"bone"})
    assert "bone" in top.lines[0].right and top.total == 12


def test_concordance_shows_rare_words_the_vocabulary_dropped():
    contexts = Contexts(corpus_from_text("the zyzzyva met the dog\n" + "the dog\n" * 5), 2, 3)
    lines = contexts.concordance("dog", count=10).lines
    assert lines[0].left == ("the", "zyzzyva", "met", "the")


def test_bad_input_is_one_clear_error(setup):
    _, contexts = setup
    with pytest.raises(UnknownWordError, match="not in the vocabulary"):
        contexts.counts("cta")
    with pytest.raises(UnknownWordError):
        contexts.concordance("rare0x")
    for kwargs in ({"window": 0}, {"min_pair_count": 0}, {"smoothing": 0.0}, {"min_count": 10**6}):
        with pytest.raises(ConfigError):
            Contexts(contexts.corpus, **kwargs)
    with pytest.raises(ConfigError):
        contexts.concordance("cat", start=-1)


def test_slots_counted_in_blocks_equal_one_pass(monkeypatch):
    from w2v_core import contexts as module

    rng = np.random.default_rng(0)
    ids = rng.integers(-1, 8, size=500).astype(np.int32)
    whole = module.context_slots(ids, 4, 8)
    assert whole.sum() == sum(module.cooccurrence_counts(ids, w, 4, 8).sum() for w in range(8))
    for block in (1, 3, 7, 64):
        monkeypatch.setattr(module, "SLOT_BLOCK", block)
        assert (module.context_slots(ids, 4, 8) == whole).all()


def test_distinct_concordance_skips_repeated_lines_and_pages_on():
    text = "\n".join(["the dog ran home"] * 5 + ["a dog sat down"] * 3 + ["one dog barked"])
    contexts = Contexts(corpus_from_text(text), window=2, min_count=1)
    everything = contexts.concordance("dog", count=20, distinct=True)
    assert [line.text() for line in everything.lines] == [
        "the dog ran home",
        "a dog sat down",
        "one dog barked",
    ]
    assert everything.total == 9 and not everything.has_more
    first = contexts.concordance("dog", count=2, distinct=True)
    second = contexts.concordance("dog", start=2, count=2, distinct=True)
    assert first.has_more and not second.has_more
    assert [line.text() for line in first.lines + second.lines] == [
        line.text() for line in everything.lines
    ]
