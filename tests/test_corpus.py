"""Corpus: tokenising, streaming files of any size, bad input, the offline built-in corpora."""

import itertools
import random
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from w2v_core import corpus_files, corpus_tokens
from w2v_core.corpus import (
    BUILTIN_CORPORA,
    MAX_SENTENCE_LENGTH,
    TOKEN_PATTERN,
    Corpus,
    clean_wiki_markup,
    corpus_from_files,
    corpus_from_text,
    default_cache_dir,
    load_corpus,
    tokenize,
)
from w2v_core.errors import CorpusError


def sentences(corpus: Corpus) -> list[list[str]]:
    """The corpus back as lists of words, split at the breaks."""
    result: list[list[str]] = [[]]
    for i in corpus.ids.tolist():
        if i < 0:
            result.append([])
        else:
            result[-1].append(corpus.words[i])
    return result


def assert_same_corpus(a: Corpus, b: Corpus) -> None:
    assert a.words == b.words
    np.testing.assert_array_equal(a.counts, b.counts)
    np.testing.assert_array_equal(a.ids, b.ids)
    assert a.fingerprint == b.fingerprint


# --------------------------------------------------------------------------- tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Don't panic: it's 4 o'clock!", ["don't", "panic", "it's", "4", "o'clock"]),
        ("'Tis the dogs' bone", ["tis", "the", "dogs", "bone"]),  # outer apostrophes dropped
        ("don\u2019t", ["don't"]),  # typographic apostrophe
        ("rock'n'roll", ["rock'n'roll"]),
        ("it''s", ["it", "s"]),  # only single inner apostrophes join
        ("well-known snake_case a.b", ["well", "known", "snake", "case", "a", "b"]),
        (
            "Café NAÏVE Ελληνικά 東京 covid19 3.14",
            ["café", "naïve", "ελληνικά", "東京", "covid19", "3", "14"],
        ),
        ("  \t\n ... !!! ", []),
        ("", []),
    ],
)
def test_tokenize_examples(text, expected):
    assert tokenize(text) == expected


def test_tokenize_can_keep_case():
    assert tokenize("The Café", lowercase=False) == ["The", "Café"]


@given(st.text())
def test_tokenize_never_fails_on_any_unicode(text):
    pattern = re.compile(TOKEN_PATTERN)
    for token in tokenize(text):
        assert token
        assert token == token.lower()
        assert pattern.fullmatch(token)
    for token in tokenize(text, lowercase=False):
        assert pattern.fullmatch(token)


# --------------------------------------------------------------------------- corpus_from_text


@given(st.text(alphabet=st.sampled_from("ab cD\n\n.'é"), max_size=300))
def test_corpus_invariants_hold_for_any_text(text):
    try:
        corpus = corpus_from_text(text)
    except CorpusError:
        assert tokenize(text) == []
        return
    ids = corpus.ids.tolist()
    assert ids[0] >= 0 and ids[-1] >= 0
    assert all(a >= 0 or b >= 0 for a, b in itertools.pairwise(ids))  # no two breaks in a row
    assert sentences(corpus) == [tokenize(line) for line in text.split("\n") if tokenize(line)]
    assert corpus.counts.tolist() == [ids.count(i) for i in range(len(corpus.words))]


def test_corpus_from_text_ids_counts_and_breaks():
    corpus = corpus_from_text("The cat sat.\n\n\nthe DOG sat\n", name="pets")
    assert corpus.name == "pets"
    assert corpus.words == ["the", "cat", "sat", "dog"]  # first-appearance order
    assert corpus.counts.dtype == np.int64 and corpus.counts.tolist() == [2, 1, 2, 1]
    assert corpus.ids.dtype == np.int32
    assert corpus.ids.tolist() == [0, 1, 2, -1, 0, 3, 2]  # empty lines add no extra break
    assert corpus.n_tokens == 6 and corpus.n_sentences == 2
    assert corpus.most_common(2) == [("the", 2), ("sat", 2)]
    assert "pets" in repr(corpus) and len(repr(corpus)) < 200


def test_breaks_never_at_the_ends_or_doubled():
    corpus = corpus_from_text("\n\n  ...\nword\n!!!\n\nword word\n\n")
    ids = corpus.ids.tolist()
    assert ids == [0, -1, 0, 0]


def test_fingerprint_depends_on_text_and_settings_only():
    a = corpus_from_text("Hello world", name="a")
    assert a.fingerprint == corpus_from_text("Hello world", name="b").fingerprint
    assert re.fullmatch(r"[0-9a-f]{64}", a.fingerprint)
    assert a.fingerprint != corpus_from_text("Hello world!").fingerprint
    assert a.fingerprint != corpus_from_text("Hello world", lowercase=False).fingerprint


@pytest.mark.parametrize("text", ["", "   \n\n", "!!! --- ???"])
def test_text_without_words_is_refused(text):
    with pytest.raises(CorpusError, match="contains no words"):
        corpus_from_text(text)


def test_long_sentences_are_split_every_max_sentence_length_tokens():
    line = " ".join(f"w{i % 7}" for i in range(2 * MAX_SENTENCE_LENGTH + 5))
    exact = " ".join(["x"] * MAX_SENTENCE_LENGTH)
    corpus = corpus_from_text(f"{line}\n{exact}\nlast line")
    lengths = [len(s) for s in sentences(corpus)]
    assert lengths == [MAX_SENTENCE_LENGTH, MAX_SENTENCE_LENGTH, 5, MAX_SENTENCE_LENGTH, 2]


# --------------------------------------------------------------------------- files


def sample_text(n_lines: int = 300, seed: int = 0) -> str:
    """Lines of varied length, multi-byte characters and apostrophes."""
    rng = random.Random(seed)
    vocab = ["the", "Café", "naïve", "don't", "東京", "Ελλάδα", "o'clock", "x", "1984", "—", ","]
    lines = [
        " ".join(rng.choice(vocab) for _ in range(rng.randrange(0, 40))) for _ in range(n_lines)
    ]
    return "\n".join(lines)


def test_file_read_in_tiny_blocks_equals_corpus_from_text(tmp_path, monkeypatch):
    text = sample_text()
    expected = corpus_from_text(text, name="sample.txt")
    path = tmp_path / "sample.txt"
    path.write_bytes(text.encode("utf-8"))
    # Blocks of 7 bytes cut multi-byte characters and words; pieces of 50 characters
    # make most lines "huge", so they are cut at whitespace too.
    monkeypatch.setattr(corpus_files, "_BLOCK_SIZE", 7)
    monkeypatch.setattr(corpus_tokens, "_MAX_PIECE_CHARS", 50)
    corpus = load_corpus(path)
    assert corpus.name == "sample.txt"
    assert_same_corpus(corpus, expected)


def test_huge_single_line_is_tokenised_in_pieces(tmp_path, monkeypatch):
    rng = random.Random(1)
    words = [rng.choice(["alpha", "beta", "gamma", "delta", "ab", "c"]) for _ in range(300_000)]
    text = " ".join(words)  # ~1.6 MB, one line, no final newline (like text8)
    path = tmp_path / "one_line.txt"
    path.write_text(text, encoding="utf-8")

    monkeypatch.setattr(corpus_files, "_BLOCK_SIZE", 1 << 16)
    monkeypatch.setattr(corpus_tokens, "_MAX_PIECE_CHARS", 1 << 16)
    longest = 0
    real_tokenize = corpus_tokens.tokenize

    def spy(piece, *, lowercase=True):
        nonlocal longest
        longest = max(longest, len(piece))
        return real_tokenize(piece, lowercase=lowercase)

    monkeypatch.setattr(corpus_tokens, "tokenize", spy)
    corpus = load_corpus(path)
    assert longest <= 2 * (1 << 16)  # never the whole 1.6 MB line at once
    assert corpus.n_tokens == len(words)
    lengths = [len(s) for s in sentences(corpus)]
    assert lengths == [MAX_SENTENCE_LENGTH] * 30
    assert sentences(corpus)[0][:5] == words[:5] and sentences(corpus)[-1][-5:] == words[-5:]


def test_non_utf8_file_falls_back_to_cp1252_with_a_warning(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes("Café “naïve” façade\n".encode("cp1252"))
    with pytest.warns(UnicodeWarning, match="cp1252"):
        corpus = load_corpus(path)
    assert corpus.words == ["café", "naïve", "façade"]


def test_bytes_that_are_not_even_cp1252_fall_back_to_latin1(tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"caf\xe9 \x81 ok\n")  # 0x81 is unassigned in cp1252
    with pytest.warns(UnicodeWarning, match="latin-1"):
        corpus = load_corpus(path)
    assert corpus.words == ["café", "ok"]


def test_byte_order_marks_are_understood(tmp_path):
    (tmp_path / "bom8.txt").write_bytes(b"\xef\xbb\xbfHello world")
    (tmp_path / "bom16.txt").write_bytes("Hello world".encode("utf-16"))
    assert load_corpus(tmp_path / "bom8.txt").words == ["hello", "world"]
    assert load_corpus(tmp_path / "bom16.txt").words == ["hello", "world"]


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),  # NUL bytes
        random.Random(0).randbytes(8192).replace(b"\x00", b"\x01"),  # no NUL, not text
    ],
)
def test_binary_files_are_refused(tmp_path, data):
    path = tmp_path / "picture.png"
    path.write_bytes(data)
    with pytest.raises(CorpusError, match="looks like a binary file"):
        load_corpus(path)


@pytest.mark.parametrize("data", [b"", b"... !!! \n\n --"])
def test_files_without_words_are_refused(tmp_path, data):
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    with pytest.raises(CorpusError, match="contains no words"):
        load_corpus(path)


def test_missing_file_and_directory_are_refused_by_name(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(CorpusError, match=re.escape(str(missing))):
        load_corpus(missing)
    with pytest.raises(CorpusError, match="directory"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="directory"):
        corpus_from_files([tmp_path])


def test_unknown_builtin_name_lists_the_builtin_names():
    with pytest.raises(CorpusError) as info:
        load_corpus("shakespeare")
    message = str(info.value)
    assert "'shakespeare'" in message and "\n" not in message
    for name in BUILTIN_CORPORA:
        assert name in message


def test_several_files_make_one_corpus_with_a_break_between(tmp_path):
    (tmp_path / "a.txt").write_text("one two", encoding="utf-8")
    (tmp_path / "b.txt").write_text("two three\n", encoding="utf-8")
    corpus = corpus_from_files([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert corpus.name == "a.txt, b.txt"
    assert sentences(corpus) == [["one", "two"], ["two", "three"]]
    single = corpus_from_files([tmp_path / "a.txt"])
    assert_same_corpus(single, load_corpus(tmp_path / "a.txt"))
    with pytest.raises(CorpusError):
        corpus_from_files([])


def test_utf8_file_has_the_fingerprint_of_its_text(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("Ünïcode text\nline two\n".encode())
    assert load_corpus(path).fingerprint == corpus_from_text("Ünïcode text\nline two\n").fingerprint


# --------------------------------------------------------------------------- cache dir


def test_default_cache_dir_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("W2V_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "w2v_core"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir().parts[-2:] == (".cache", "w2v_core")
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"


# --------------------------------------------------------------------------- built-in corpora


def test_builtin_corpora_are_described():
    assert set(BUILTIN_CORPORA) == {"toy", "lee", "wiki", "alice", "text8"}
    for name, info in BUILTIN_CORPORA.items():
        assert info.name == name and info.description and info.approx_tokens > 0
        assert info.offline == (name in {"toy", "lee", "wiki"})


def test_toy_corpus_is_deterministic_and_small():
    a = load_corpus("toy")
    b = load_corpus("toy")
    assert a.name == "toy"
    assert_same_corpus(a, b)
    assert 200_000 <= a.n_tokens <= 400_000


def test_lee_corpus_loads(monkeypatch, tmp_path):
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path))
    corpus = load_corpus("lee")
    assert corpus.name == "lee"
    assert 55_000 <= corpus.n_tokens <= 70_000
    assert corpus.n_sentences == 300  # one news story per line
    assert corpus.most_common(1)[0][0] == "the"


def test_wiki_corpus_is_clean_cached_and_stable(monkeypatch, tmp_path):
    monkeypatch.setenv("W2V_CACHE_DIR", str(tmp_path))
    corpus = load_corpus("wiki")
    assert 350_000 <= corpus.n_tokens <= 550_000
    cached = list(tmp_path.iterdir())
    assert len(cached) == 1 and cached[0].suffix == ".txt"  # no temporary file left behind
    text = cached[0].read_text(encoding="utf-8")
    for leftover in ["{{", "}}", "[[", "]]", "<ref", "</", "http", "&nbsp;", "'''", "=="]:
        assert leftover not in text, leftover
    vocabulary = set(corpus.words)
    assert {"anarchism", "philosophy", "the"} <= vocabulary
    assert not {"http", "nbsp", "ref", "px", "jpg", "thumbnail"} & vocabulary

    assert load_corpus("wiki").fingerprint == corpus.fingerprint  # from the cache
    cached[0].unlink()
    assert load_corpus("wiki").fingerprint == corpus.fingerprint  # rebuilt identically


def test_clean_wiki_markup():
    wikitext = (
        "{{Infobox|name={{nested|x}}|y=1}}'''Anarchism''' is a ''political'' "
        "[[philosophy]]<ref name=a>Smith, [http://x.org p. 3]</ref> that [[Authority (x)|rejects]] "
        "[[hierarchy]]s.<ref name=b/> <!-- hidden -->\n"
        "[[File:A.jpg|thumb|A [[flag]] with [red] colours]]\n"
        "== History ==\n"
        "{| class=wikitable\n|-\n| cell || cell\n|}\n"
        "See [http://example.org the site] &amp; http://bare.example.org/x Caf&eacute;.\n"
        "[[Category:Anarchism]] [[de:Anarchismus]] __NOTOC__"
    )
    text = clean_wiki_markup(wikitext)
    assert tokenize(text) == [
        "anarchism", "is", "a", "political", "philosophy", "that", "rejects", "hierarchys",
        "history", "see", "the", "site", "café",
    ]  # fmt: skip
