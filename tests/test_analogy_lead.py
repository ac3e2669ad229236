"""The Analogies tab leads with what the run gets right, on real text too (issue 23)."""

from __future__ import annotations

import numpy as np

from dashboard.analogy_examples import right_examples
from dashboard.views.analogies import _examples, examples_caption
from w2v_core.vectors import KeyedVectors


def capitals_kv() -> KeyedVectors:
    """Countries = capital + one shared offset; 300 random words beside them, and
    man/king/woman/queen with no relation at all."""
    rng = np.random.default_rng(0)
    capitals = ["athens", "baghdad", "bangkok", "beijing"]
    countries = ["greece", "iraq", "thailand", "china"]
    offset = rng.normal(size=20) * 2
    base = rng.normal(size=(4, 20))
    noise = [f"w{a}{b}" for a in "abcdefghijklmnopq" for b in "abcdefghijklmnopq"][:300]
    others = ["man", "king", "woman", "queen", *noise]
    vectors = np.vstack([base, base + offset, rng.normal(size=(len(others), 20))])
    return KeyedVectors(capitals + countries + others, vectors)


def test_right_examples_are_found_among_the_questions_the_run_knows():
    kv = capitals_kv()
    found = right_examples(kv, n=3)
    assert len(found) == 3
    for ex in found:
        assert kv.analogy(ex.a, ex.b, ex.c, topn=1)[0][0] == ex.expected
        assert "capitals" in ex.source


def test_a_real_text_run_leads_with_a_right_answer():
    kv = capitals_kv()
    examples = _examples("capitals", kv, planted=False)
    first = examples[0]
    assert kv.analogy(first.a, first.b, first.c, topn=1)[0][0] == first.expected
    assert first.source.startswith("Google")  # not "man : king :: woman : ?" answered wrong


def test_the_caption_does_not_pass_picked_answers_off_as_a_score():
    assert "Evaluate" in examples_caption(3, 16, planted=False)
    assert "picked" in examples_caption(3, 16, planted=False)
    assert "planted" in examples_caption(4, 4, planted=True)
