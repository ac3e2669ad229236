from dashboard.advice import FOR_ANALOGIES, TOO_SMALL, corpus_advice


def test_advice_by_size():
    tiny = corpus_advice(1_400)
    assert tiny is not None and tiny.level == "warning"
    assert "1,400" in tiny.text and f"{TOO_SMALL:,}" in tiny.text
    small = corpus_advice(61_000)
    assert small is not None and small.level == "info" and "most frequent" in small.text
    medium = corpus_advice(463_000)
    assert medium is not None and "tens of millions" in medium.text
    assert corpus_advice(FOR_ANALOGIES) is None
    # the generated demo corpus has its analogies built in, but is never exempt from "tiny"
    assert corpus_advice(260_000, planted=True) is None
    assert corpus_advice(1_000, planted=True).level == "warning"
