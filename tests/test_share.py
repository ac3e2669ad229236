"""Shareable URLs: parsing is strict, writing round-trips."""

from dashboard import share

FIELDS = {
    "corpus": share.Field("builtin", str, share.one_of(["toy", "lee"])),
    "dim": share.Field("hp_dim", share.integer, share.between(10, 300)),
    "lr": share.Field("hp_alpha", share.number, share.one_of([0.025, 0.05]), lambda v: f"{v:g}"),
    "shared": share.Field(
        "hp_shared", share.boolean, share.one_of([True, False]), lambda v: "1" if v else "0"
    ),  # fmt: skip
    "word": share.Field("word", str, lambda w: 0 < len(w) <= 50),
}


def test_read_accepts_valid_values():
    accepted, ignored = share.read(
        {"corpus": "lee", "dim": "100", "lr": "0.05", "shared": "no", "word": "king"}, FIELDS
    )
    assert accepted == {
        "builtin": "lee", "hp_dim": 100, "hp_alpha": 0.05, "hp_shared": False, "word": "king",
    }  # fmt: skip
    assert ignored == []


def test_read_drops_hostile_and_unknown_values():
    params = {
        "corpus": "../../etc/passwd",
        "dim": "1e9",
        "lr": "nan",
        "shared": "maybe",
        "word": "x" * 500,
        "<script>alert(1)</script>" * 3: "1",
        "tab": "Map",
    }
    accepted, ignored = share.read(params, FIELDS)
    assert accepted == {}
    assert len(ignored) == len(params) and all(len(name) <= 20 for name in ignored)
    assert share.read({"dim": "-5"}, FIELDS)[0] == {}
    assert share.read({"dim": "9"}, FIELDS)[0] == {}  # below the slider's range


def test_write_round_trips():
    state = {"builtin": "toy", "hp_dim": 50, "hp_alpha": 0.025, "hp_shared": True, "word": "queen"}
    params = share.write(state, FIELDS)
    assert params == {"corpus": "toy", "dim": "50", "lr": "0.025", "shared": "1", "word": "queen"}
    assert share.read(params, FIELDS) == (state, [])
    # invalid or missing state values are simply not written
    assert share.write({"hp_dim": 5000, "word": ""}, FIELDS) == {}


def test_app_fields_follow_the_widgets():
    fields = share.app_fields(["Overview", "Map"])
    accepted, ignored = share.read(
        {"corpus": "lee", "dim": "100", "lr": "0.05", "tab": "map", "word": "king", "neg": "7"},
        fields,
    )
    assert accepted == {
        "builtin": "lee", "hp_dim": 100, "hp_alpha": 0.05, "tab": "Map",
        "share_word": "king", "hp_negatives": 7,
    }  # fmt: skip
    bad = {"dim": "105", "tab": "evaluate", "corpus": "pasted", "lr": "0.03", "word": "a\nb"}
    assert share.read(bad, fields) == ({}, list(bad))
    assert share.write({"tab": "Map", "hp_dim": 50}, fields) == {"dim": "50", "tab": "map"}
