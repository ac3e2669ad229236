"""Training: learning planted structure, determinism, progress, stopping, history, config."""

import threading

import numpy as np
import pytest
from planted import GROUPS, PAIRS, planted_text

from w2v_core import ConfigError, TrainConfig, Trainer, train
from w2v_core.corpus import corpus_from_text
from w2v_core.io import load_model, save_model
from w2v_core.train import StopReason, relative_improvement

SMALL = dict(dim=20, window=4, negatives=5, epochs=4, min_count=1, sample=0, alpha=0.05, workers=1)


@pytest.fixture(scope="module")
def planted():
    return corpus_from_text(planted_text(), name="planted")


@pytest.fixture(scope="module", params=[False, True], ids=["per-pair", "shared"])
def planted_model(request, planted):
    return train(planted, TrainConfig(**SMALL, shared_negatives=request.param, batch_size=256))


def test_planted_groups_are_each_others_nearest_neighbours(planted_model):
    wv = planted_model.wv
    for members in GROUPS.values():
        for word in members:
            top = {w for w, _ in wv.most_similar(word, topn=len(members) - 1)}
            assert top == set(members) - {word}, (word, top)


def test_planted_analogy_is_answered(planted_model):
    wv = planted_model.wv
    (a0, b0), (a1, b1) = PAIRS[0], PAIRS[1]
    assert wv.analogy(a0, b0, a1, topn=1)[0][0] == b1  # king:queen :: man:woman
    assert wv.analogy(a1, b1, a0, topn=1, method="mul")[0][0] == b0
    correct = sum(
        wv.analogy(a, b, c, topn=1)[0][0] == d for a, b in PAIRS for c, d in PAIRS if a != c
    )
    assert correct >= 0.9 * len(PAIRS) * (len(PAIRS) - 1)


def test_loss_goes_down(planted_model):
    epoch_loss = planted_model.history.epoch_loss
    assert len(epoch_loss) == SMALL["epochs"]
    assert epoch_loss[-1] < epoch_loss[0]
    assert planted_model.history.step_loss[-1] < planted_model.history.step_loss[0]


def test_same_seed_gives_identical_vectors_and_other_seed_differs(planted):
    config = TrainConfig(**{**SMALL, "epochs": 1})
    first = train(planted, config)
    again = train(planted, config)
    other = train(planted, TrainConfig(**{**SMALL, "epochs": 1, "seed": 2}))
    assert np.array_equal(first.w_in, again.w_in) and np.array_equal(first.w_out, again.w_out)
    assert first.history.step_loss == again.history.step_loss
    assert not np.allclose(first.w_in, other.w_in)


def test_initialisation_is_gensims():
    corpus = corpus_from_text(" ".join(f"w{i}" for i in range(400)))
    trainer = Trainer(corpus, TrainConfig(dim=50, min_count=1))
    assert trainer.w_in.dtype == np.float32 and trainer.w_out.dtype == np.float32
    assert np.all(np.abs(trainer.w_in) <= 1 / 50) and np.all(trainer.w_out == 0)
    # uniform on ±1/d: mean 0, variance (2/d)^2 / 12
    assert abs(trainer.w_in.mean()) < 1e-3
    assert abs(trainer.w_in.var() / ((2 / 50) ** 2 / 12) - 1) < 0.05


def test_progress_reports_are_monotonic_and_complete(planted):
    reports = []
    model = train(planted, TrainConfig(**SMALL, log_every=5), callback=reports.append)
    fractions = [r.fraction for r in reports]
    assert len(reports) > 10
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert all(np.isfinite(r.loss) and r.words_per_sec > 0 for r in reports)
    alphas = [r.alpha for r in reports]
    assert alphas == sorted(alphas, reverse=True)
    # The last report closes the last epoch: the decay has reached min_alpha exactly.
    assert alphas[-1] == pytest.approx(TrainConfig().min_alpha, rel=1e-9)
    assert not model.stopped and model.words_per_sec > 0


def test_history_points_are_per_interval_means(planted):
    model = train(planted, TrainConfig(**SMALL, log_every=3))
    h = model.history
    assert len(h.step_words) == len(h.step_loss) == len(h.step_alpha)
    assert h.step_words == sorted(h.step_words)
    # A running total would grow; per-interval means of a loss per pair stay in range.
    assert max(h.step_loss) < 6 * np.log(2) + 1e-3  # loss at zero output vectors, K=5
    assert min(h.step_loss) > 0


def test_callback_returning_false_stops_with_a_usable_partial_model(planted):
    calls = []

    def stop_after_three(progress):
        calls.append(progress)
        return len(calls) < 3

    model = train(planted, TrainConfig(**SMALL, log_every=2), callback=stop_after_three)
    assert model.stopped and len(calls) == 3
    assert calls[-1].fraction < 0.5
    assert len(model.wv.most_similar("apple", topn=3)) == 3


def test_request_stop_from_another_thread(planted):
    trainer = Trainer(planted, TrainConfig(**{**SMALL, "epochs": 200}, log_every=1))
    running = threading.Event()  # set by the first progress report: a condition, not a delay

    def stop_once_running() -> None:
        if running.wait(60):
            trainer.request_stop()

    stopper = threading.Thread(target=stop_once_running)
    stopper.start()
    model = trainer.run(lambda _progress: running.set())
    stopper.join()
    assert model.stopped and model.history.step_loss


def test_exception_in_callback_leaves_partial_model(planted):
    trainer = Trainer(planted, TrainConfig(**SMALL, log_every=2))

    def boom(progress):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        trainer.run(boom)
    partial = trainer.model()
    assert partial.stopped and np.all(np.isfinite(partial.w_in))


def test_snapshots_per_epoch(planted):
    model = train(planted, TrainConfig(**SMALL, snapshot_words=10))
    assert model.snapshots.shape == (SMALL["epochs"] + 1, 10, SMALL["dim"])
    np.testing.assert_array_equal(model.snapshots[-1], model.w_in[:10])
    assert not np.allclose(model.snapshots[0], model.snapshots[-1])


@pytest.mark.parametrize(
    "field, value",
    [
        ("dim", 0),
        ("window", 0),
        ("negatives", 0),
        ("epochs", 0),
        ("dim", 10**6),
        ("alpha", -1.0),
        ("alpha", float("nan")),
        ("sample", 2.0),
        ("dim", 2.5),
        ("epochs", "5"),
        ("min_alpha", 0.5),
    ],
)
def test_absurd_hyper_parameters_are_refused(field, value):
    with pytest.raises(ConfigError, match=field):
        TrainConfig(**{field: value}).validate()


def test_config_round_trips_through_dict():
    config = TrainConfig(dim=7, shared_negatives=True, max_vocab=100)
    assert TrainConfig.from_dict({**config.to_dict(), "from_the_future": 1}) == config


def test_divergence_is_a_clear_error_naming_the_setting(planted):
    """A non-finite weight (what a diverged step leaves) stops the run with one line
    that names the setting furthest above its usual value; no model comes back."""
    from w2v_core import TrainingDivergedError

    trainer = Trainer(planted, TrainConfig(**{**SMALL, "alpha": 0.5, "epochs": 1}))
    trainer.w_in[5] = np.nan
    with pytest.raises(TrainingDivergedError, match=r"lower the learning rate \(alpha=0.5"):
        trainer.run()


def test_an_exploded_vector_is_caught_by_the_watchdog(planted):
    """Finite but absurd weights keep the loss finite (scores are clipped at 6): the
    weights' own check must catch them, and say which setting to lower."""
    from w2v_core import TrainingDivergedError

    trainer = Trainer(planted, TrainConfig(**{**SMALL, "negatives": 20, "epochs": 1}))
    trainer.w_in[3] = 1e4
    with pytest.raises(TrainingDivergedError, match="exploded.*fewer negatives"):
        trainer.run()


def test_a_huge_batch_on_a_tiny_vocabulary_still_learns(planted):
    """No cap by vocabulary any more: the per-row bound keeps the 100,000-pair step sane."""
    trainer = Trainer(planted, TrainConfig(**SMALL, batch_size=100_000))
    model = trainer.run()
    assert np.isfinite(model.history.epoch_loss).all()
    assert model.history.epoch_loss[-1] < model.history.epoch_loss[0]
    assert np.linalg.norm(model.w_in, axis=1).max() < 20


def test_epoch_end_reports_carry_the_epoch_loss(planted):
    reports = []
    model = train(planted, TrainConfig(**SMALL), callback=reports.append)
    ends = [r for r in reports if r.epoch_done]
    assert [r.epoch for r in ends] == list(range(1, SMALL["epochs"] + 1))
    assert [r.epoch_loss for r in ends] == model.history.epoch_loss
    assert all(r.epoch_loss is None for r in reports if not r.epoch_done)


def test_stop_requested_at_the_very_end_keeps_a_complete_model(planted):
    model = train(planted, TrainConfig(**SMALL), callback=lambda p: not p.epoch_done)
    assert len(model.history.epoch_loss) == 1 and model.stopped  # stopped after epoch 1
    last = SMALL["epochs"]
    at_the_end = lambda p: not (p.epoch_done and p.epoch == last)  # noqa: E731
    model = train(planted, TrainConfig(**SMALL), callback=at_the_end)
    assert not model.stopped and len(model.history.epoch_loss) == last


def test_blas_limit_is_held_until_the_last_overlapping_training_ends():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from w2v_core.train import blas_thread_limit

    def blas_threads():
        info = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
        return info[0]["num_threads"] if info else None

    original = blas_threads()
    if original is None or original < 2:
        pytest.skip("needs a multi-threaded BLAS")
    with blas_thread_limit(1):
        with blas_thread_limit(1):
            assert blas_threads() == 1
        assert blas_threads() == 1  # the inner training ended, the outer still runs
    assert blas_threads() == original


# --------------------------------------------------------------------------- early stopping


def test_early_stopping_stops_at_the_first_epoch_that_improves_too_little(planted):
    epochs = 8
    full = train(planted, TrainConfig(**{**SMALL, "epochs": epochs}))
    assert full.stop_reason == StopReason.COMPLETED and full.stop_epoch == epochs
    losses = full.history.epoch_loss
    gains = [relative_improvement(a, b) for a, b in zip(losses, losses[1:], strict=False)]
    # A tolerance between the 2nd and 3rd gains: the same seed retraces the same losses,
    # so training must end right after the epoch whose gain first falls below it.
    ordered = sorted(gains, reverse=True)
    tolerance = (ordered[1] + ordered[2]) / 2
    expected = next(e for e, gain in enumerate(gains, start=2) if gain < tolerance)
    assert expected < epochs
    model = train(planted, TrainConfig(**{**SMALL, "epochs": epochs, "early_stop": tolerance}))
    assert model.stop_reason == StopReason.EARLY_STOP and model.stopped
    assert model.stop_epoch == expected == len(model.history.epoch_loss)
    assert model.history.epoch_loss == losses[:expected]


def test_early_stopping_patience_waits_for_that_many_stalled_epochs(planted):
    # early_stop=1 means "a 100% gain needed": every epoch stalls.
    once = train(planted, TrainConfig(**{**SMALL, "epochs": 8, "early_stop": 1.0}))
    assert once.stop_epoch == 2 and once.stop_reason == StopReason.EARLY_STOP
    patient = TrainConfig(**{**SMALL, "epochs": 8, "early_stop": 1.0, "early_stop_patience": 3})
    assert train(planted, patient).stop_epoch == 4
    last = train(planted, TrainConfig(**{**SMALL, "epochs": 2, "early_stop": 1.0}))
    assert last.stop_reason == StopReason.COMPLETED and not last.stopped  # nothing left


def test_stop_record_survives_the_model_file(planted, tmp_path):
    model = train(planted, TrainConfig(**{**SMALL, "epochs": 6, "early_stop": 1.0}))
    save_model(model, tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz")
    assert (loaded.stop_epoch, loaded.stop_reason) == (2, StopReason.EARLY_STOP)
    assert loaded.config.early_stop == 1.0
    stopped = train(planted, TrainConfig(**SMALL, log_every=2), callback=lambda p: False)
    assert stopped.stop_reason == StopReason.REQUESTED and stopped.stop_epoch == 1


@pytest.mark.parametrize("field, value", [("early_stop", -0.1), ("early_stop", 1.5),
                                          ("early_stop_patience", 0)])  # fmt: skip
def test_early_stopping_settings_are_checked(field, value):
    with pytest.raises(ConfigError, match=field):
        TrainConfig(**{field: value}).validate()
