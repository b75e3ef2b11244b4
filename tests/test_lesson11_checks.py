"""The checks of lesson 11's learner-written cells: the skeleton fails, the solution passes, and each
typical mistake gets its own message in the learner's terms (issue #23 items 2 and 3).

The VAE of section 5 trains with the learner's ``reparameterize`` and ``kl_divergence``; their
checks run them eagerly and inside a compiled step, as training does. ``tests/test_exercises.py``
runs every listed wrong answer against a fragment of its message; here the messages are read
whole, and the shortcuts are refused with their reason.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import lesson11

pytestmark = pytest.mark.usefixtures("notebook_session")


def _shown(capsys) -> str:
    return capsys.readouterr().out


@pytest.mark.parametrize("exercise", [lesson11.q2, lesson11.q3, lesson11.q4])
def test_the_skeleton_function_fails_and_says_it_returns_nothing(exercise, capsys):
    def skeleton(*args):
        """The student edition's body: only `...`."""
        ...

    assert not exercise.check(skeleton)
    assert "returns None" in _shown(capsys)


def test_the_unanswered_waveform_is_not_answered(capsys):
    assert not lesson11.q1.check(..., **lesson11.q1.context())
    assert _shown(capsys).startswith("Not answered yet")


@pytest.mark.parametrize("exercise", [lesson11.q1, lesson11.q2, lesson11.q3, lesson11.q4])
def test_the_solution_passes_and_the_last_hint_points_to_it(exercise, capsys):
    context = exercise.context()
    answer = exercise.solve(**context)
    assert exercise.check(answer, **context)
    assert _shown(capsys).startswith("Correct")
    assert "solution()" in exercise.hints[-1]
    assert all("solution()" not in hint for hint in exercise.hints[:-1])


def test_the_open_sampler_s_last_hint_points_to_the_solution():
    assert "solution()" in lesson11.q5.hints[-1]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda s: -s, "the polarity-inverted copy of section 1's table"),
        (
            lambda s: np.concatenate([np.zeros(8, np.float32), s[:-8]]),
            "shifted by 8 samples, like the delayed copy",
        ),
        (lambda s: 0.5 * s, "The magnitude spectrogram changed: log-spectral distance"),
        (lambda s: s.copy(), "That is the signal itself"),
        (lambda s: np.zeros_like(s), "That is silence"),
        (lambda s: s[:-10], "Return as many samples as the signal has (4000); yours has 3990."),
    ],
)
def test_each_waveform_mistake_has_its_message(make, message, capsys):
    context = lesson11.q1.context()
    assert not lesson11.q1.check(make(context["signal"]), **context)
    assert message in _shown(capsys)


@pytest.mark.parametrize(
    "mistake, message",
    [
        ("backwards", "The walk runs backwards"),
        ("endpoint", "your walk stops short of it"),
        ("transposed", "your walk has shape (4, 5); it should be one row per step"),
        ("middle", "not evenly spaced"),
        ("five", "Asked for steps=3 between codes of 8 numbers, your walk has shape (5, 8)"),
    ],
)
def test_each_walk_mistake_has_its_message(mistake, message, capsys):
    assert not lesson11.q2.check(lesson11._wrong_walk(mistake))
    assert message in _shown(capsys)


def test_the_walk_refuses_the_courses_own(capsys):
    assert not lesson11.q2.check(lesson11._walk_shortcut)
    assert "calls `interpolate_codes`: that is the course's own walk" in _shown(capsys)


@pytest.mark.parametrize(
    "mistake, message",
    [
        ("log-var as std", "you used z_log_var as the standard deviation; it is the log"),
        ("variance as std", "you used exp(z_log_var), the variance, as the standard deviation"),
        ("no noise", "Your codes are z_mean itself: nothing is drawn"),
        ("no mean", "Your codes are not centred on z_mean"),
        ("one row", "Every row got the same noise"),
        ("no seed", "your noise does not come from `seed_generator`"),
        ("fixed seed", "Two calls with the same seed generator drew the same noise"),
        ("float64", "Your codes are float64; the model computes in float32"),
        ("numpy", "Inside a compiled training step your function raised"),
    ],
)
def test_each_sampling_mistake_has_its_message(mistake, message, capsys):
    assert not lesson11.q3.check(lesson11._wrong_reparameterize(mistake))
    assert message in _shown(capsys)


def test_the_sampling_refuses_the_courses_own(capsys):
    assert not lesson11.q3.check(lesson11._sampling_shortcut)
    assert "calls `_reparameterize`: that is the course's own sampling" in _shown(capsys)


@pytest.mark.parametrize(
    "mistake, message",
    [
        ("sign", "below 0: a KL divergence is never negative"),
        ("no half", "twice too large: the factor 1/2 is missing"),
        ("mean over dims", "That averages over the latent dimensions too"),
        ("sum over batch", "That sums over the batch too"),
        ("log-var as variance", "z_log_var is the *log* of the variance"),
        ("per example", "one value per example (shape (6,))"),
        ("numpy", "not NumPy"),
    ],
)
def test_each_kl_mistake_has_its_message(mistake, message, capsys):
    assert not lesson11.q4.check(lesson11._wrong_kl(mistake))
    assert message in _shown(capsys)


def test_the_kl_term_refuses_the_courses_own(capsys):
    assert not lesson11.q4.check(lesson11._kl_shortcut)
    assert "calls `_kl_divergence`: that is the course's own KL term" in _shown(capsys)


def test_the_vae_trains_with_the_learners_functions(notebook_session):
    """build_vae takes the learner's two functions; with the course's own it is the same model."""
    import keras

    from course_utils.synthesis import build_vae

    calls = []
    reparameterize, kl_divergence = lesson11.q3.solve(), lesson11.q4.solve()

    def counted_kl(z_mean, z_log_var):
        calls.append(1)
        return kl_divergence(z_mean, z_log_var)

    frames = np.random.default_rng(0).normal(size=(64, 16)).astype(np.float32)
    losses = []
    for kwargs in ({}, {"reparameterize": reparameterize, "kl_divergence": counted_kl}):
        keras.utils.set_random_seed(0)
        vae = build_vae(16, latent_dim=2, hidden_sizes=(8,), seed=0, **kwargs)
        vae.compile(optimizer=keras.optimizers.Adam(1e-3))
        losses.append(vae.fit(frames, epochs=2, batch_size=32, verbose=0).history["loss"])
    assert calls, "the VAE never called the learner's KL term"
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)
