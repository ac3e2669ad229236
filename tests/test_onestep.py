"""The one-step lesson: its numbers are the engine's, its steps are word2vec's."""

import numpy as np
import pytest
from gradcheck import numeric_gradient

from w2v_core import sgns
from w2v_core.errors import ConfigError
from w2v_core.onestep import Lesson, LessonConfig, toy_example
from w2v_core.pairs import window_pairs

TEXT = toy_example()


@pytest.fixture(scope="module")
def traces():
    lesson = Lesson(TEXT, LessonConfig(seed=3))
    lesson.run(40)  # away from the start, so the vectors are not all random
    return [lesson.step() for _ in range(5)]


def test_trace_numbers_are_the_engines(traces):
    for t in traces:
        h, u_pos, u_neg = t.h[None], t.u_pos[None], t.u_neg[None]
        grad_h, grad_pos, grad_neg, loss = sgns.gradients(h, u_pos, u_neg)
        np.testing.assert_allclose(t.grad_h, grad_h[0], rtol=1e-12)
        np.testing.assert_allclose(t.grad_pos, grad_pos[0], rtol=1e-12)
        np.testing.assert_allclose(t.grad_neg, grad_neg[0], rtol=1e-12)
        assert t.loss_before == pytest.approx(loss, rel=1e-12)
        assert t.loss_before == pytest.approx(sgns.loss(h, u_pos, u_neg), rel=1e-9)
        # Scores, probabilities and errors: sigma(score) and prediction minus label.
        assert t.pos_score == pytest.approx(float(t.h @ t.u_pos))
        np.testing.assert_allclose(t.neg_scores, t.u_neg @ t.h)
        assert t.pos_prob == pytest.approx(1 / (1 + np.exp(-t.pos_score)))
        np.testing.assert_allclose(t.neg_probs, 1 / (1 + np.exp(-t.neg_scores)))
        assert t.g_pos == pytest.approx(t.pos_prob - 1)
        np.testing.assert_allclose(t.g_neg, t.neg_probs)


def test_finite_differences_on_a_step(traces):
    for t in traces:
        h, u_pos, u_neg = t.h[None].copy(), t.u_pos[None].copy(), t.u_neg[None].copy()

        def f(h=h, u_pos=u_pos, u_neg=u_neg):
            return sgns.loss(h, u_pos, u_neg)

        np.testing.assert_allclose(numeric_gradient(f, h)[0], t.grad_h, atol=1e-6)
        np.testing.assert_allclose(numeric_gradient(f, u_pos)[0], t.grad_pos, atol=1e-6)
        np.testing.assert_allclose(numeric_gradient(f, u_neg)[0], t.grad_neg, atol=1e-6)


def test_update_is_sgd_step_on_a_batch_of_one():
    # Two words: negatives repeat and hit the context row, so repeated rows must be summed.
    for text in (TEXT, "a b a b b a"):
        lesson = Lesson(text, LessonConfig(seed=1, negatives=4))
        for _ in range(30):
            w_in, w_out = lesson.w_in.copy(), lesson.w_out.copy()
            t = lesson.step()
            loss = sgns.sgd_step(
                w_in,
                w_out,
                np.array([t.center], dtype=np.int32),
                np.array([t.context], dtype=np.int32),
                t.negatives[None].astype(np.int32),
                t.learning_rate,
            )
            np.testing.assert_allclose(lesson.w_in, w_in, atol=1e-6)
            np.testing.assert_allclose(lesson.w_out, w_out, atol=1e-6)
            assert t.loss_before == pytest.approx(loss, rel=1e-5)
            np.testing.assert_allclose(t.h_after, lesson.w_in[t.center])
            np.testing.assert_allclose(t.u_neg_after, lesson.w_out[t.negatives])


def test_pairs_follow_the_reduced_window():
    lesson = Lesson(TEXT, LessonConfig(window=3, seed=0))
    steps = [lesson.step() for _ in range(300)]
    for t in steps:
        assert 1 <= t.reduced_window <= 3
        assert 0 < abs(t.context_position - t.center_position) <= t.reduced_window
        sentence = lesson.sentences[t.sentence]
        assert lesson.word(t.center) == sentence[t.center_position]
        assert lesson.word(t.context) == sentence[t.context_position]
    # The first sentence's pairs, in reading order, are exactly window_pairs with the drawn b.
    first = []
    for t in steps:
        if t.sentence != 0:
            break
        first.append(t)
    n = len(lesson.sentences[0])
    b = dict((t.center_position, t.reduced_window) for t in first)
    assert sorted(b) == list(range(n))  # every center of a sentence has a pair
    centers, contexts = window_pairs(
        np.arange(n, dtype=np.int32), np.array([b[i] for i in range(n)], dtype=np.int32)
    )
    got = [(t.center_position, t.context_position) for t in first]
    assert got == list(zip(centers.tolist(), contexts.tolist(), strict=True))
    # All sizes 1..3 are drawn: the window really is reduced at random.
    assert {t.reduced_window for t in steps} == {1, 2, 3}


def test_the_noise_distribution_flattens_the_unigram_one():
    lesson = Lesson(TEXT, LessonConfig(negatives=20, seed=5))
    # (the draws themselves: test_redrawn_negatives_follow_the_noise_distribution_...)
    # The 0.75 power flattens the unigram distribution: the most frequent word loses share.
    assert lesson.noise[0] < lesson.unigram[0]
    assert lesson.noise[-1] > lesson.unigram[-1]


def test_deterministic_for_a_seed():
    def run(seed):
        lesson = Lesson(TEXT, LessonConfig(seed=seed))
        lesson.run(50)
        return lesson.w_in.copy(), lesson.losses

    (a, la), (b, lb), (c, _) = run(7), run(7), run(8)
    np.testing.assert_array_equal(a, b)
    assert la == lb
    assert not np.array_equal(a, c)


def test_loss_falls_and_related_words_drift_together():
    # 900 steps on 12 sentences: one seed in about ten has not yet pulled king nearer queen
    # than dog (seed 1, since negatives equal to the context are redrawn), so the claim is
    # made over six seeds: each loss falls, and most seeds pull the planted pairs together
    right = 0
    for seed in range(6):
        lesson = Lesson(TEXT, LessonConfig(seed=seed))
        lesson.run(900)
        kv = lesson.vectors()
        assert lesson.mean_loss(100) < np.mean(lesson.losses[:100]) - 0.1
        # Planted: king/queen share a template and contexts, so do dog/puppy; across, nothing.
        right += bool(
            kv.similarity("king", "queen") > kv.similarity("king", "dog")
            and kv.similarity("dog", "puppy") > kv.similarity("queen", "puppy")
        )
    assert right >= 5, right  # seed 1 is the one that has not got there yet


def test_bad_input():
    with pytest.raises(ConfigError):
        Lesson("one\ntwo\nthree")
    with pytest.raises(ConfigError):
        Lesson(TEXT, LessonConfig(learning_rate=0))
    with pytest.raises(ConfigError):
        Lesson(TEXT, LessonConfig(negatives=0))


def test_adjust_keeps_the_vectors_and_changes_the_next_step():
    lesson = Lesson(TEXT, LessonConfig(seed=4, negatives=2))
    lesson.run(10)
    w_in = lesson.w_in.copy()
    lesson.adjust(learning_rate=0.05, negatives=5, window=1)
    np.testing.assert_array_equal(lesson.w_in, w_in)
    t = lesson.step()
    assert len(t.negatives) == 5 and t.learning_rate == 0.05
    with pytest.raises(ConfigError):
        lesson.adjust(learning_rate=-1, negatives=5, window=1)
    assert lesson.config.learning_rate == 0.05


def test_a_negative_is_never_the_pairs_own_context():
    # with the default seed the toy example drew "dog" as a negative of (a, dog)
    for text, seed in ((toy_example(), 0), ("a b a b b a", 1), (TEXT, 3)):
        lesson = Lesson(text, LessonConfig(seed=seed, negatives=5))
        for _ in range(300):
            t = lesson.step()
            assert t.context not in set(t.negatives.tolist())
    only = Lesson("a a a", LessonConfig(seed=0))  # one word: nothing else to draw
    assert set(only.step().negatives.tolist()) == {0}


def test_redrawn_negatives_follow_the_noise_distribution_without_the_context():
    lesson = Lesson(TEXT, LessonConfig(negatives=20, seed=5))
    drawn, expected = [], np.zeros(len(lesson.vocab))
    for _ in range(500):
        t = lesson.step()
        drawn.append(t.negatives)
        p = lesson.noise.copy()
        p[t.context] = 0.0
        expected += p / p.sum()
    freq = np.bincount(np.concatenate(drawn), minlength=len(lesson.vocab)) / (500 * 20)
    np.testing.assert_allclose(freq, expected / 500, atol=0.01)


def test_the_first_step_starts_on_the_chosen_content_word():
    text = toy_example()
    assert text.splitlines()[0].startswith("a dog")
    first = Lesson(text, LessonConfig(seed=0), start="dog").step()
    assert first.center_position == 1  # "dog", not "a"
    lesson = Lesson(text, LessonConfig(seed=0), start="dog")
    assert lesson.word(lesson.step().center) == "dog"
    assert Lesson(text, LessonConfig(seed=0)).step().center_position == 0  # default: as before
