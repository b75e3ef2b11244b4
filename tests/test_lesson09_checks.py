"""The checks after lesson 09's learner-written cells: the skeleton fails, the solution passes, and
each typical mistake gets its own message in the learner's terms (issue #23 items 2 and 3).

``tests/test_exercises.py`` runs every listed wrong answer against a fragment of its message; here
the messages are read whole, one test per mistake, and the skeletons (what the student edition
leaves: ``answer = ...`` and bodies of ``...``) are checked as a learner would pass them.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import lesson09


def _shown(capsys) -> str:
    return capsys.readouterr().out


@pytest.mark.parametrize("exercise", [lesson09.q1, lesson09.q2, lesson09.q3])
def test_an_unanswered_cell_says_so(exercise, capsys):
    assert not exercise.check(...)
    assert _shown(capsys).startswith("Not answered yet")


def test_the_skeleton_functions_fail_and_say_what_is_missing(capsys):
    def build_autoencoder(input_size, code_size=8, hidden=128, depth=4):
        """Dense autoencoder."""
        ...

    def auc_by_pairs(normal_scores, abnormal_scores):
        """The share of pairs."""
        ...

    def detector(train_mels, test_mels):
        """One score per test clip."""
        ...

    assert not lesson09.q1.check(build_autoencoder)
    assert "returned NoneType; it must return the Keras model" in _shown(capsys)
    assert not lesson09.q2.check(auc_by_pairs)
    assert "Your function returns None" in _shown(capsys)
    assert not lesson09.q3.check(detector)
    assert "Your detector returns None" in _shown(capsys)


@pytest.mark.parametrize("exercise", [lesson09.q1, lesson09.q2, lesson09.q3])
def test_the_solution_passes_and_the_last_hint_points_to_it(exercise, capsys):
    assert exercise.check(exercise.solve())
    assert _shown(capsys).startswith("Correct")
    assert "solution()" in exercise.hints[-1]


# --- q1: the baseline autoencoder ---------------------------------------------------------------


@pytest.mark.parametrize(
    "mistake, message",
    [
        (
            dict(norm="none"),
            "`build_autoencoder(640)` has 0 batch normalization layers for 9 hidden and code layers",
        ),
        (dict(norm="uncalled"), "A layer created but never called on `x` does not count."),
        (dict(skip_dense=True), "`build_autoencoder(640)` holds 1 Dense layers ([640])"),
        (
            dict(fixed=True),
            "`build_autoencoder(64, code_size=4, hidden=16, depth=2)` has Dense layers of "
            "[128, 128, 128, 128, 8, 128, 128, 128, 128, 64] units; these arguments ask for "
            "[16, 16, 4, 16, 16, 64]",
        ),
        (dict(output="sigmoid"), "Your output layer uses sigmoid."),
        (dict(no_relu=True), "has 0 ReLU activations for 9 hidden and code layers"),
        (dict(compile=False), "The model is not compiled"),
        (dict(loss="mae"), "The model is compiled with the loss mae"),
    ],
)
def test_each_builder_mistake_has_its_message(mistake, message, capsys):
    assert not lesson09.q1.check(lesson09._q1_wrong(**mistake))
    assert message in _shown(capsys)


def test_a_model_instead_of_the_builder_is_refused(capsys):
    assert not lesson09.q1.check(lesson09._q1_solution()(64))
    assert "Give your builder function itself" in _shown(capsys)


def test_a_builder_whose_output_is_nan_is_caught(capsys):
    def build_autoencoder(input_size, code_size=8, hidden=128, depth=4):
        model = lesson09._q1_solution()(input_size, code_size, hidden, depth)
        model.layers[-1].kernel.assign(np.full(model.layers[-1].kernel.shape, np.nan))
        return model

    assert not lesson09.q1.check(build_autoencoder)
    assert "Your model's output holds NaN or infinite values." in _shown(capsys)


# --- q2: the AUC by counting pairs --------------------------------------------------------------


@pytest.mark.parametrize(
    "mistake, message",
    [
        ("no ties", "Look at how it counts a tie: a pair with equal scores counts one half."),
        (
            "inverted",
            "one minus the AUC: it counts the pairs where the *normal* clip scores higher",
        ),
        ("pairs", "returns an array of shape (2, 3), one value per pair or per clip"),
        ("per clip", "returns an array of shape (2,)"),
        ("means", "all or nothing: it compares one summary of each group"),
        (
            "sklearn",
            "Your function calls scikit-learn's `roc_auc_score`. It gives the right number",
        ),
        ("course", "Your function calls the course's `anomaly.auc`."),
        ("none", "Your function returns None"),
    ],
)
def test_each_auc_mistake_has_its_message(mistake, message, capsys):
    assert not lesson09.q2.check(lesson09._q2_wrong(mistake))
    assert message in _shown(capsys)


def test_an_auc_that_returns_nan_is_caught(capsys):
    assert not lesson09.q2.check(lambda normal, abnormal: float("nan"))
    assert "NaN" in _shown(capsys)


# --- q3: a detector of your own -----------------------------------------------------------------


@pytest.mark.parametrize(
    "mistake, message",
    [
        ("inverted", "below 0.5 (guessing): your scores are upside down"),
        ("test fitted", "The scores of the same clips change when other clips leave the test set"),
        ("no training", "Your detector gives the same scores whatever normal clips it trains on"),
        ("per frame", "it returned shape ("),
        ("nan", "NaN"),
    ],
)
def test_each_detector_mistake_has_its_message(mistake, message, capsys):
    assert not lesson09.q3.check(lesson09._q3_wrong(mistake))
    assert message in _shown(capsys)


def test_a_weak_detector_is_told_its_measured_auc(capsys):
    assert not lesson09.q3.check(lesson09._q3_euclidean)
    shown = _shown(capsys)
    assert "Mean AUC over the five splits: 0.66 (per split [" in shown, shown
    assert "not yet 0.75" in shown


def test_other_correct_ways_to_write_the_builder_pass(capsys):
    """Activation("relu") layers and a loss object or function are the same model: not mistakes."""
    import keras

    def build_autoencoder(input_size, code_size=8, hidden=128, depth=4):
        x = inputs = keras.Input(shape=(input_size,))
        for width in [hidden] * depth + [code_size] + [hidden] * depth:
            x = keras.layers.Dense(width)(x)
            x = keras.layers.BatchNormalization()(x)
            x = keras.layers.Activation("relu")(x)
        model = keras.Model(inputs, keras.layers.Dense(input_size)(x))
        model.compile(optimizer="adam", loss=keras.losses.MeanSquaredError())
        return model

    assert lesson09.q1.check(build_autoencoder), _shown(capsys)
