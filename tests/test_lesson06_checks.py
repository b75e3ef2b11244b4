"""The checks after lesson 06's learner-written cells (issue #23 item 3): exercise 2's blocked folds
and exercise 4's deep stack. The skeleton fails with a reason, the solution passes, the last hint
points to solution(), each typical mistake gets its own message in the learner's terms, and the
course's builder (which already holds the fix) is refused with a reason.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import lesson06


def _shown(capsys) -> str:
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def deep_context():
    """Exercise 4's data; its check trains for 300 steps, which a loaded machine makes slow."""
    limit, lesson06.q4.time_limit = lesson06.q4.time_limit, 600
    yield lesson06.q4.context()
    lesson06.q4.time_limit = limit


def test_the_folds_skeleton_fails_and_the_solution_passes(capsys):
    def blocked_folds(n_frames, n_folds, gap):
        """The student edition's skeleton: a body of `...`."""
        ...

    assert not lesson06.q2.check(...)
    assert _shown(capsys).startswith("Not answered yet")
    assert not lesson06.q2.check(blocked_folds)
    assert "Your blocked_folds(40, 4, gap=3) returns None" in _shown(capsys)
    assert lesson06.q2.check(lesson06.q2.solve())
    assert _shown(capsys).startswith("Correct")
    assert "solution()" in lesson06.q2.hints[-1]


def test_the_folds_solution_leaves_out_the_gap_on_both_sides():
    folds = lesson06.q2.solve()(40, 4, 3)
    train, test = folds[1]
    assert test.tolist() == list(range(10, 20))
    assert train.tolist() == list(range(0, 7)) + list(range(23, 40))


@pytest.mark.parametrize(
    "mistake, message",
    [
        ("shuffled", "test fold 0 is not one run of consecutive frames"),
        ("no gap", "fold 0 trains on frame 10, 1 frames after its test block (0-9)"),
        ("one side", "fold 0 trains on frame 10, 1 frames after its test block"),
        ("too much", "fold 0 does not train on frame 13, more than `gap` frames"),
        ("floats", "gives indices of type float64: frame indices are whole numbers"),
        ("plain", "blocked_folds(43, 4, gap=3): frames [40, 41, 42] are in no test fold"),
        ("last takes the rest", "gives test blocks of [10, 10, 10, 13] frames"),
        ("one fold short", "gives 3 folds; it should give n_folds of them"),
    ],
)
def test_each_folds_mistake_has_its_message(mistake, message, capsys):
    assert not lesson06.q2.check(lesson06._wrong_folds(mistake))
    assert message in _shown(capsys)


def test_folds_given_as_a_list_are_not_a_function(capsys):
    assert not lesson06.q2.check(lesson06.q2.solve()(40, 4, 3))
    assert "Give the function itself, `blocked_folds`" in _shown(capsys)


def test_a_fold_with_an_index_out_of_range_says_which(capsys):
    def blocked_folds(n_frames, n_folds, gap):
        return [
            (train + 1, test + 1) for train, test in lesson06.q2.solve()(n_frames, n_folds, gap)
        ]

    assert not lesson06.q2.check(blocked_folds)
    assert "gives the index 40, but the frames are numbered 0 to 39" in _shown(capsys)


def test_the_deep_skeleton_fails_and_the_solution_passes(deep_context, capsys):
    import keras

    def build_deep(seed):
        """The student edition's skeleton."""
        keras.utils.set_random_seed(seed)
        # YOUR CODE HERE
        ...

    assert not lesson06.q4.check(..., **deep_context)
    assert _shown(capsys).startswith("Not answered yet")
    assert not lesson06.q4.check(build_deep, **deep_context)
    assert "Your function returned NoneType" in _shown(capsys)
    assert lesson06.q4.check(lesson06.q4.solve(**deep_context), **deep_context)
    assert _shown(capsys).startswith("Correct")
    assert "solution()" in lesson06.q4.hints[-1]


@pytest.mark.parametrize(
    "build, message",
    [
        (
            lesson06._q4_sigmoid_stack,
            "it vanishes on its way down, so the first layers never learn",
        ),
        (lesson06._q4_shallow, "Your model has 4 weight matrices; the deep stack has 14"),
        (lesson06._q4_wide_code, "The model's narrowest layer has 128 units"),
        (lesson06._q4_unused_layer, "Your model creates the layer `dense"),
        (
            lambda seed: lesson06._q4_stack(seed, "relu", "he_uniform", chained=False),
            "(Does each Dense layer take the previous layer's output, `x = Dense(...)(x)`?)",
        ),
        (
            lambda seed: lesson06._q4_stack(seed, "relu", "he_uniform", width=128),
            "Your hidden layers have [128] units",
        ),
        (
            lambda seed: lesson06._q4_stack(
                seed, "relu", "he_uniform", output_activation="sigmoid"
            ),
            "Your output layer uses sigmoid; it must be linear",
        ),
        (lesson06._q4_course_builder, "Your build_deep calls `models.build_dense_autoencoder`"),
    ],
)
def test_each_deep_stack_mistake_has_its_message(build, message, deep_context, capsys):
    assert not lesson06.q4.check(build, **deep_context)
    assert message in _shown(capsys)


def test_a_deep_stack_that_diverges_is_not_correct(deep_context, capsys):
    import keras

    def build_deep(seed):
        model = lesson06._q4_stack(seed, "relu", "he_uniform")
        for weight in model.weights:
            weight.assign(np.full(weight.shape, np.nan, dtype="float32"))
        return model

    assert not lesson06.q4.check(build_deep, **deep_context)
    assert "NaN" in _shown(capsys)
    assert keras.Model  # the check ran to the measurement


def test_the_checks_speak_chinese(chinese, capsys):
    assert not lesson06.q2.check(lesson06._wrong_folds("floats"))
    shown = _shown(capsys)
    assert "整数" in shown, shown
