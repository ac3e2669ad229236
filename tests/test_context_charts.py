"""The "why close?" chart builders and the map selection reader, without a browser."""

from __future__ import annotations

import numpy as np

from dashboard.charts.contexts import company_bars, context_bars, selection_rows, shared_bars
from w2v_core.contexts import Contexts
from w2v_core.corpus import corpus_from_text

HOSTILE = "<script>alert(1)</script>"


def explainer() -> Contexts:
    text = "\n".join(
        ["the king sat on the throne"] * 20
        + ["the queen sat on the throne"] * 20
        + ["a king wore a crown", "a queen wore a crown"] * 8
        + [f"one small mouse ate cheese {HOSTILE}"] * 20
    )
    return Contexts(corpus_from_text(text), window=4, min_count=5)


def test_context_bars_put_the_most_characteristic_on_top_with_counts():
    contexts = explainer()
    scores = contexts.characteristic("king", topn=5)
    fig = context_bars("king", scores)
    bar = fig.data[0]
    assert list(bar.y)[::-1] == [s.word for s in scores]  # first score drawn at the top
    assert list(bar.x)[::-1] == [s.ppmi for s in scores]
    # the label says first what the bar's length measures, then the count in words
    assert list(bar.text)[::-1] == [
        f"{s.ppmi:.1f} · seen together {s.count:,} times" for s in scores
    ]
    assert not any("×" in t for t in bar.text)
    assert fig.layout.xaxis.range[1] > 1.5 * max(s.ppmi for s in scores)  # room for labels
    assert "'king'" in fig.layout.title.text


def test_shared_bars_show_one_word_on_each_side():
    pair = explainer().explain_pair("king", "queen")
    fig = shared_bars(pair)
    left, right = fig.data
    assert all(x < 0 for x in left.x) and all(x > 0 for x in right.x)
    assert list(left.y)[::-1] == [s.word for s in pair.shared]
    assert list(right.text)[::-1] == [f"{s.ppmi_b:.1f} · {s.count_b:,} times" for s in pair.shared]
    assert {"throne", "crown"} <= set(left.y)


def test_company_bars_for_a_pair_that_is_not_close():
    pair = explainer().explain_pair("king", "mouse")
    assert not pair.close
    fig = company_bars(pair)
    assert len(fig.data) == 2
    assert "throne" in fig.data[0].y and "cheese" in fig.data[1].y


def test_corpus_words_are_escaped_in_every_label():
    contexts = explainer()
    word = "script"  # the tokeniser keeps letters: '<script>' reaches a chart only from imports
    assert word in contexts.vocab.index
    fig = context_bars(HOSTILE, contexts.characteristic("mouse"))
    pair = contexts.explain_pair("mouse", "king")
    figures = [fig, company_bars(pair)]
    # a hostile label as a word: build a pair explanation with it by hand
    from dataclasses import replace

    figures.append(shared_bars(replace(pair, a=HOSTILE, b="<b>bold</b>")))
    for figure in figures:
        text = figure.to_json()
        assert "<script>" not in text and "<b>bold" not in text
    assert "&lt;script&gt;" in fig.layout.title.text


def test_selection_rows_match_points_to_coordinates_whatever_the_traces():
    coords = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, -1.0], [0.5, 0.25]])
    event = {
        "selection": {
            "points": [
                {"x": 3.0, "y": -1.0, "curve_number": 2, "point_index": 0},
                {"x": 1.0, "y": 2.0, "curve_number": 0, "point_index": 7},
                {"x": 1.0, "y": 2.0, "curve_number": 5, "point_index": 0},  # a label trace
                {"x": 9.0, "y": 9.0},  # nothing drawn there
                {"y": 1.0},  # malformed
            ]
        }
    }
    assert selection_rows(event, coords) == [2, 1]
    assert selection_rows(event["selection"], coords) == [2, 1]
    assert selection_rows(None, coords) == [] and selection_rows({"selection": {}}, coords) == []
    three_d = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 2.0]])
    assert selection_rows({"points": [{"x": 0, "y": 0, "z": 2.0}]}, three_d) == [1]
