"""What the first screen says reads right: groups named by what characterises them,
content words on a real text's map, an example word the run knows well (issue 23)."""

from __future__ import annotations

import numpy as np
import pytest
from demo_model import quick_demo

from dashboard.charts import labels, layout, projection
from dashboard.views import overview
from w2v_core.toy import ANIMALS, GENDER
from w2v_core.vectors import KeyedVectors


def relation_words(relation) -> set[str]:
    """A planted relation's words: its pairs, their company and their themes' places."""
    pairs = {w for a, b, contexts in relation.pairs for w in (a, b, *contexts)}
    return pairs | {w for theme in relation.themes for w in theme.contexts}


PEOPLE = relation_words(GENDER)
"""king/queen, man/woman, waiter/waitress, ... crown, office, palace: the demo corpus
puts all 28 gendered words in the same sentences (he/she, sir/madam), so the map's
group holding king is a group of people, royalty among them."""
ANIMAL = relation_words(ANIMALS)


@pytest.fixture(scope="module")
def toy_kv() -> KeyedVectors:
    """The Quick demo preset's run on the demo corpus (one worker: reproducible; shared
    with ``test_toy.py``, :func:`demo_model.quick_demo`)."""
    return quick_demo().wv


def overview_groups(kv: KeyedVectors) -> tuple[list[str], np.ndarray, dict[int, str]]:
    """The Overview map's words, groups and group names, as the tab computes them."""
    analogy = overview.pick_analogy(kv)
    rows = overview.map_rows(kv, [*(analogy or ()), "puppy"])
    vectors = kv.normed[list(rows)]
    clusters = projection.kmeans_labels(vectors, overview.MAP_CLUSTERS, seed=0)
    words = [kv.words[i] for i in rows]
    names = labels.cluster_names(clusters, words, kv.counts[list(rows)], 2, vectors=vectors)
    return words, clusters, names


def test_toy_groups_are_named_by_their_theme(toy_kv):
    words, clusters, names = overview_groups(toy_kv)
    king = names[int(clusters[words.index("king")])].split(" · ")
    puppy = names[int(clusters[words.index("puppy")])].split(" · ")
    assert set(king) <= PEOPLE, king
    assert set(puppy) <= ANIMAL, puppy
    every = [w for name in names.values() for w in name.split(" · ")]
    assert all(labels.is_meaningful(w) for w in every), every


def test_a_group_is_named_by_its_own_words_not_its_most_frequent():
    # "table" is the most frequent word of the group, but it sits as close to the
    # other group as to its own: it does not characterise either
    words = ["table", "king", "queen", "dog", "puppy"]
    counts = [900, 50, 40, 60, 30]
    vectors = np.array([[1, 1, 0], [1, 0.1, 0], [1, -0.1, 0], [0, 1, 0.1], [0.1, 1, 0]], float)
    clusters = [0, 0, 0, 1, 1]
    names = labels.cluster_names(clusters, words, counts, members=2, vectors=vectors)
    assert {k: set(v.split(" · ")) for k, v in names.items()} == {
        0: {"king", "queen"},
        1: {"dog", "puppy"},
    }


def test_general_words_are_not_content_words():
    for word in ("first", "used", "many", "however", "often", "known", "the", "1848"):
        assert not labels.is_meaningful(word), word
    for word in ("music", "king", "paris", "acid", "languages"):
        assert labels.is_meaningful(word), word


def real_text_kv() -> KeyedVectors:
    """A vocabulary shaped like a real text's: function and general words first."""
    letters = "abcdefghijklmnopqrst"
    words = ["the", "of", "first", "used", "many", "however", "1848"] + [
        f"music{a}{b}" for a in letters for b in letters
    ]
    rng = np.random.default_rng(0)
    counts = np.arange(len(words), 0, -1) * 10
    return KeyedVectors(words, rng.normal(size=(len(words), 8)), counts)


def test_a_real_texts_map_shows_content_words():
    kv = real_text_kv()
    rows = overview.map_rows(kv, ["the"])
    shown = [kv.words[i] for i in rows]
    assert (
        shown[: overview.MAP_WORDS]
        == [w for w in kv.words if w.startswith("music")][: overview.MAP_WORDS]
    )
    assert shown[-1] == "the"  # a word of interest is still added


def test_a_small_real_text_says_its_neighbours_are_rough():
    note = overview.rough_note(462_702, planted=False)
    assert note is not None and "462,702" in note and "rough" in note
    assert overview.rough_note(462_702, planted=True) is None  # the demo corpus
    assert overview.rough_note(17_000_000, planted=False) is None
    assert overview.rough_note(0, planted=False) is None  # imported: no counts


def _no_run_tabs() -> None:
    """The Overview and Why close? tabs while the first training runs."""
    from dashboard.views import Context, overview, why

    ctx = Context(None, None, None, training=True)  # type: ignore[arg-type]
    overview.render(ctx)
    why.render(ctx)


def test_tabs_say_training_is_under_way():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_no_run_tabs, default_timeout=60)
    at.run()
    assert not at.exception
    shown = [i.value for i in at.info]
    assert len(shown) == 2 and all("Training the word vectors now" in s for s in shown), shown
    assert not any("Train a run first" in s for s in shown)


def test_default_custom_axes_put_the_demo_words_at_four_corners(toy_kv):
    axes = layout.default_axis_pairs(toy_kv)
    assert axes == (("man", "woman"), ("man", "king"))  # not bad → good: a shapeless cloud
    words = ["man", "woman", "king", "queen"]
    xy = projection.custom_axes(toy_kv, *axes, words)
    centre = np.median(projection.custom_axes(toy_kv, *axes, toy_kv.words[:300]), axis=0)
    corners = [(bool(x > centre[0]), bool(y > centre[1])) for x, y in xy]
    assert corners == [(False, False), (True, False), (False, True), (True, True)]


def test_why_close_opens_on_a_word_the_text_knows_well():
    from dashboard.views.why import _default_word

    words = ["the", "of", "music", "state", "king"]
    kv = KeyedVectors(words, np.eye(5), np.array([900, 800, 136, 300, 67]))
    assert _default_word(kv) == "music"  # king: 67 times, its company is "of, the"
