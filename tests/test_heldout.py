"""Held-out loss: never trained on, the same text for every run, falls with learning,
rises with over-training."""

import numpy as np
import pytest
from planted import planted_text

from w2v_core import TrainConfig, Trainer, train
from w2v_core.corpus import corpus_from_text
from w2v_core.heldout import PIECE_TOKENS, heldout_mask, piece_ids, split_corpus
from w2v_core.io import load_model, save_model

SMALL = dict(dim=20, window=4, epochs=4, min_count=1, sample=0, alpha=0.05)


@pytest.fixture(scope="module")
def planted():
    return corpus_from_text(planted_text(), name="planted")


@pytest.fixture(scope="module")
def tagged():
    """Planted sentences, each ending with its own word ``tagN``: a tag in the
    vocabulary means its sentence was trained on."""
    lines = planted_text(2000, seed=5).split("\n")
    return corpus_from_text("\n".join(f"{line} tag{i}" for i, line in enumerate(lines)), "tags")


def test_long_sentences_are_cut_into_pieces():
    ids = np.array([0] * (2 * PIECE_TOKENS + 5) + [-1] + [1] * 3, dtype=np.int32)
    units = piece_ids(ids)
    assert list(np.unique(units)) == [-1, 0, 1, 2, 3]
    assert np.bincount(units[units >= 0]).tolist() == [PIECE_TOKENS, PIECE_TOKENS, 5, 3]
    assert units[2 * PIECE_TOKENS + 5] == -1  # the break itself


def test_heldout_sentences_are_never_trained_on(tagged):
    trainer = Trainer(tagged, TrainConfig(**SMALL, heldout=0.1))
    tags = {w for w in tagged.words if w.startswith("tag")}
    trained_tags = tags & set(trainer.vocab.words)
    held_tags = tags - trained_tags
    assert len(held_tags) == 200  # 10% of 2,000 sentences, and none of their words was counted
    # No training position holds a held-out sentence's word, nor a count of one.
    index = {word: i for i, word in enumerate(tagged.words)}
    mask = heldout_mask(tagged.ids, 0.1)
    assert {tagged.words[i] for i in tagged.ids[mask]} & tags == held_tags
    training_part, heldout_part = split_corpus(tagged, 0.1)
    assert all(training_part.counts[index[t]] == 0 for t in held_tags)
    assert all(heldout_part.counts[index[t]] == 1 for t in held_tags)
    assert training_part.counts.sum() + heldout_part.counts.sum() == tagged.n_tokens
    # The model file keeps the training counts: the held-out text left no trace in it.
    assert trainer.vocab.total == training_part.counts.sum()


def test_same_heldout_text_for_every_run_of_a_corpus(planted):
    runs = [
        Trainer(planted, TrainConfig(**{**SMALL, **change}, heldout=0.05))
        for change in ({}, {"seed": 7}, {"window": 2, "dim": 8, "negatives": 15})
    ]
    first = runs[0].heldout
    assert first.n_pairs > 1000
    for other in runs[1:]:
        for name in ("centers", "contexts", "negatives"):
            assert np.array_equal(getattr(first, name), getattr(other.heldout, name))
    # A smaller share holds out a subset of a larger one.
    small, large = heldout_mask(planted.ids, 0.02), heldout_mask(planted.ids, 0.05)
    assert small.any() and not (small & ~large).any()


def test_heldout_loss_falls_with_training_on_a_planted_corpus(planted):
    reports = []
    model = train(planted, TrainConfig(**SMALL, heldout=0.05), reports.append)
    heldout = model.history.heldout_loss
    assert len(heldout) == SMALL["epochs"]
    assert all(b < a for a, b in zip(heldout, heldout[1:], strict=False))
    assert [r.heldout_loss for r in reports if r.epoch_done] == heldout
    assert all(r.heldout_loss is None for r in reports if not r.epoch_done)


def test_heldout_loss_rises_when_a_tiny_corpus_is_over_trained():
    tiny = corpus_from_text(planted_text(150, seed=3), name="tiny")
    config = TrainConfig(
        dim=50,
        window=4,
        epochs=100,
        min_count=1,
        sample=0,
        alpha=0.05,
        heldout=0.3,
        workers=1,  # one process: the same curve every run (two race, Hogwild)
    )
    model = train(tiny, config)
    heldout, training = model.history.heldout_loss, model.history.epoch_loss
    best = int(np.argmin(heldout))
    assert 0 < best < 50  # it fell at first ...
    assert heldout[-1] > heldout[best] + 0.05  # ... then rose, while
    assert training[-1] < training[best]  # the training loss kept falling


def test_no_heldout_by_default_and_the_history_round_trips(planted, tmp_path):
    assert Trainer(planted, TrainConfig(**SMALL)).heldout is None
    model = train(planted, TrainConfig(**{**SMALL, "epochs": 2}, heldout=0.05))
    save_model(model, tmp_path / "m.npz")
    assert load_model(tmp_path / "m.npz").history.heldout_loss == model.history.heldout_loss
