"""Label placement: which words are named, and no two label boxes overlap."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.charts import labels


def boxes_disjoint(placed):
    return all(not a.box.overlaps(b.box) for a, b in itertools.combinations(placed, 2))


def test_box_geometry():
    a = labels.Box(0, 0, 10, 10)
    assert a.overlaps(labels.Box(5, 5, 15, 15))
    assert not a.overlaps(labels.Box(10, 0, 20, 10))  # sharing an edge is not overlapping
    assert a.inside(10, 10) and not labels.Box(-1, 0, 5, 5).inside(10, 10)
    top = labels.label_box(50, 50, "king", "top center", 10, 6)
    assert top.y1 < 50 and abs((top.x0 + top.x1) / 2 - 50) < 1e-9  # above, centred
    right = labels.label_box(50, 50, "king", "middle right", 10, 6)
    assert right.x0 > 50 and right.y0 < 50 < right.y1
    left = labels.label_box(50, 50, "king", "middle left", 10, 6)
    assert left.x1 < 50
    assert labels.text_size("queen", 10)[0] > labels.text_size("he", 10)[0]


def test_to_pixels_maps_corners():
    px = labels.to_pixels(np.array([[0.0, 0.0], [10.0, 5.0]]), (0, 10), (0, 5), 200, 100)
    np.testing.assert_allclose(px, [[0, 100], [200, 0]])  # screen y grows downwards


def test_label_order_priority_then_frequency():
    counts = [5, 50, 1, 20]
    assert labels.label_order(counts) == [1, 3, 0, 2]
    assert labels.label_order(counts, priority=[2, 2, 9]) == [2, 1, 3, 0]


def test_crowded_points_are_thinned_not_stacked():
    """Twenty words on one spot: at most one label per free slot, none overlapping."""
    pixels = np.full((20, 2), 200.0)
    texts = [f"word{i}" for i in range(20)]
    placed = labels.place_labels(pixels, texts, range(20), 20, 400, 400)
    assert 1 <= len(placed) <= len(labels.POSITIONS)
    assert boxes_disjoint(placed)
    assert placed[0].index == 0  # the first in priority order always wins


def test_spread_points_all_get_labels_and_priority_is_kept():
    grid = np.array([(x, y) for x in range(40, 400, 80) for y in range(30, 400, 60)], float)
    texts = [f"w{i}" for i in range(len(grid))]
    order = labels.label_order(np.arange(len(grid)), priority=[3])
    placed = labels.place_labels(grid, texts, order, 10, 420, 420, always=1)
    assert [p.index for p in placed][0] == 3
    assert len(placed) == 11  # the priority word plus max_labels frequent ones
    assert boxes_disjoint(placed)
    assert all(p.box.inside(420, 420) for p in placed)


def test_points_outside_the_view_get_no_label():
    pixels = np.array([[-10.0, 50.0], [50.0, 50.0], [50.0, 500.0]])
    placed = labels.place_labels(pixels, ["a", "b", "c"], [0, 1, 2], 5, 100, 100)
    assert [p.index for p in placed] == [1]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 500), st.floats(0, 300), st.text("abcdefghij", min_size=1, max_size=12)
        ),
        min_size=1,
        max_size=60,
    ),
    st.integers(6, 24),
)
def test_never_overlapping(points, font):
    pixels = np.array([(x, y) for x, y, _ in points])
    texts = [t for _, _, t in points]
    placed = labels.place_labels(pixels, texts, range(len(points)), 60, 500, 300, font_size=font)
    assert boxes_disjoint(placed)
    assert all(p.box.inside(500, 300) and p.text == texts[p.index] for p in placed)


def test_cluster_names_use_most_frequent_members():
    words = ["the", "king", "queen", "prince", "paris", "rome", "berlin", "madrid"]
    counts = [1, 90, 80, 70, 60, 50, 40, 30]
    clusters = [1, 0, 0, 0, 1, 1, 1, 1]
    names = labels.cluster_names(clusters, words, counts)
    assert names == {0: "king · queen · prince", 1: "paris · rome · berlin"}


def test_meaningful_word_skips_function_words():
    words = ["the", "of", "about", "that", "it's", "king", "queen"]
    assert labels.meaningful_word(words) == "king"
    assert labels.meaningful_word(words, prefer=["", "zebra", "queen"]) == "queen"
    assert labels.meaningful_word(["the", "of"]) == "the"  # nothing better: the first
    assert labels.meaningful_word([]) is None


def test_function_words_are_labelled_last():
    words = ["the", "of", "king", "queen"]
    assert labels.label_order([100, 90, 10, 5], words=words) == [2, 3, 0, 1]
    names = labels.cluster_names([0, 0, 0, 1], words, [100, 90, 10, 5])
    assert names == {0: "king · the · of", 1: "queen"}


def test_every_cluster_gets_its_turn():
    words = ["told", "asked", "said", "king", "paris"]
    counts = [90, 80, 70, 5, 4]
    groups = [0, 0, 0, 1, 2]
    assert labels.label_order(counts, words=words, groups=groups)[:3] == [0, 3, 4]


def test_obstacles_are_never_covered():
    pixels = np.array([[100.0, 100.0], [100.0, 88.0]])  # a dot just above the labelled one
    blocker = labels.marker_box(100, 88, 12)
    placed = labels.place_labels(pixels[:1], ["queen"], [0], 1, 300, 300, obstacles=[blocker])
    assert placed and placed[0].position != "top center"
    assert not placed[0].box.overlaps(blocker)


def test_room_keeps_other_labels_away_from_the_key_words():
    """A crowd around two priority words: with ``room``, no other label comes within
    that many pixels of theirs; priority words still get labels next to each other."""
    rng = np.random.default_rng(1)
    pixels = np.vstack([[[150.0, 150.0], [150.0, 170.0]], rng.uniform(100, 200, (60, 2))])
    texts = ["king", "queen"] + [f"w{i}" for i in range(60)]
    order = list(range(len(texts)))
    room = 8.0
    placed = labels.place_labels(pixels, texts, order, 60, 300, 300, always=2, room=room)
    key = [p.box for p in placed if p.index < 2]
    others = [p.box for p in placed if p.index >= 2]
    assert len(key) == 2 and others and boxes_disjoint(placed)
    grown = [labels.Box(b.x0 - room, b.y0 - room, b.x1 + room, b.y1 + room) for b in key]
    assert not any(g.overlaps(o) for g in grown for o in others)
    crowded = labels.place_labels(pixels, texts, order, 60, 300, 300, always=2)
    near = [p.box for p in crowded if p.index >= 2]
    assert any(g.overlaps(o) for g in grown for o in near)  # without room, the crowd is close


def test_wide_letters_are_measured_wider():
    """'woman' is wider than 'lilts' (same length): one average width drew labels touching."""
    assert labels.text_size("woman", 12)[0] > 1.5 * labels.text_size("lilts", 12)[0]
    assert labels.text_size("WOMAN", 12)[0] > labels.text_size("woman", 12)[0]


def test_priority_labels_are_placed_at_the_size_they_are_drawn():
    """Two highlighted words side by side (the Overview's queen and woman, drawn a size
    larger): measured at their own size, their boxes keep apart."""
    pixels = np.array([[100.0, 100.0], [140.0, 100.0]])
    texts = ["queen", "woman"]
    small = labels.place_labels(pixels, texts, [0, 1], 0, 400, 300, font_size=12, always=2)
    big = labels.place_labels(
        pixels, texts, [0, 1], 0, 400, 300, font_size=12, always=2, always_font_size=13
    )
    assert len(big) == 2 and boxes_disjoint(big)
    width = {label.text: label.box.x1 - label.box.x0 for label in big}
    assert width["woman"] == pytest.approx(labels.text_size("woman", 13)[0])
    assert width["woman"] > {label.text: label.box.x1 - label.box.x0 for label in small}["woman"]


def test_a_label_avoids_another_groups_dots_when_a_free_slot_can():
    """A word with another group's dots just above it: its first slot ("top center") is
    free of labels but would write the word over that group, so the label goes where it
    covers no other group's dot; without ``groups`` the first free slot is kept."""
    pixels = np.array([[150.0, 150.0], [145.0, 136.0], [155.0, 136.0], [150.0, 132.0]])
    groups = [0, 1, 1, 1]
    texts = ["horse", "a", "b", "c"]
    plain = labels.place_labels(pixels, texts, [0], 1, 300, 300)
    assert plain[0].position == "top center"
    placed = labels.place_labels(pixels, texts, [0], 1, 300, 300, groups=groups)
    assert placed[0].position != "top center"
    assert labels.covered_dots(placed[0].box, pixels, groups, 0, 6.0) == (0, 0)
    assert labels.covered_dots(plain[0].box, pixels, groups, 0, 6.0)[0] >= 1


def test_with_groups_labels_still_never_overlap_and_every_cluster_is_named():
    rng = np.random.default_rng(3)
    pixels = rng.uniform(20, 280, (120, 2))
    groups = rng.integers(0, 6, 120)
    texts = [f"word{i}" for i in range(120)]
    order = labels.label_order(np.arange(120)[::-1], groups=groups)
    placed = labels.place_labels(pixels, texts, order, 30, 300, 300, groups=groups)
    assert boxes_disjoint(placed)
    assert {int(groups[p.index]) for p in placed} == set(range(6))


def test_a_word_ringed_by_another_group_is_left_unnamed_unless_it_is_a_key_word():
    """Every slot around "horse" would cover group 1's dots: the label goes to the next
    word instead; a priority word (the searched one) is still named."""
    ring = [(150 + 30 * np.cos(a), 150 + 14 * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 24)]
    inner = [(150 + 16 * np.cos(a), 150 + 9 * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 16)]
    pixels = np.array([[150.0, 150.0], [60.0, 60.0], *ring, *inner])
    groups = [0, 0] + [1] * (len(ring) + len(inner))
    texts = ["horse", "calf"] + [f"w{i}" for i in range(len(ring) + len(inner))]
    placed = labels.place_labels(pixels, texts, [0, 1], 1, 300, 300, groups=groups)
    assert [p.text for p in placed] == ["calf"]
    key = labels.place_labels(pixels, texts, [0, 1], 1, 300, 300, always=1, groups=groups)
    assert key[0].text == "horse"


def test_labels_side_by_side_keep_a_gap_so_two_words_never_read_as_one():
    """ "newspapers" and "full" once touched on the first screen ("newspapersfull")."""
    rng = np.random.default_rng(5)
    pixels = rng.uniform(10, 290, (150, 2))
    texts = [f"word{i}" for i in range(150)]
    placed = labels.place_labels(pixels, texts, list(range(150)), 60, 300, 300, font_size=12)
    assert len(placed) > 20
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            if a.box.y0 < b.box.y1 and b.box.y0 < a.box.y1:  # on the same line
                apart = max(b.box.x0 - a.box.x1, a.box.x0 - b.box.x1)
                assert apart >= labels.GAP * 12 - 1e-9, (a.text, b.text, apart)
