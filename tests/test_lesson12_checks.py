"""The checks of lesson 12's learner-written cells: the skeleton fails, the solution passes, and each
typical mistake gets its own message in the learner's terms (issue #23 items 2 and 3).

``tests/test_exercises.py`` runs every listed wrong answer against a fragment of its message; here
the messages are read whole, the skeletons (what the student edition leaves: bodies of ``...``)
are checked as a learner would pass them, and the shortcuts are refused with their reason.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import lesson12

pytestmark = pytest.mark.usefixtures("notebook_session")


def _shown(capsys) -> str:
    return capsys.readouterr().out


@pytest.mark.parametrize("exercise", [lesson12.q1, lesson12.q2, lesson12.q4])
def test_the_skeleton_function_fails_and_says_it_returns_nothing(exercise, capsys):
    def skeleton(*args):
        """The student edition's body: only `...`."""
        ...

    assert not exercise.check(skeleton)
    shown = _shown(capsys)
    assert shown.startswith("Not yet"), shown
    assert "None" in shown or "pair" in shown, shown


@pytest.mark.parametrize("exercise", [lesson12.q1, lesson12.q2, lesson12.q3, lesson12.q4])
def test_the_solution_passes_and_the_last_hint_points_to_it(exercise, capsys):
    answer = exercise.solve(**exercise.context())
    assert exercise.check(answer, **exercise.context())
    assert _shown(capsys).startswith("Correct")
    assert "solution()" in exercise.hints[-1]
    assert all("solution()" not in hint for hint in exercise.hints[:-1])


@pytest.mark.parametrize(
    "mistake, message",
    [
        ("params", "you count 18704, the number of parameters"),
        ("multiplies", "one multiply per weight, but neither the adds nor the biases"),
        ("no biases", "the weights' multiplies and adds, not the biases"),
        ("encoder", "the encoder alone; reconstructing a frame runs the decoder too"),
        ("top level", "counts 0: it found no Dense layer. `model.layers` holds the encoder"),
        ("hard-coded", "returns 37136 for every model, also for the autoencoder 64 -> 32"),
        ("float", "returned 37136.5; return one whole number"),
    ],
)
def test_each_flop_count_mistake_has_its_message(mistake, message, capsys):
    assert not lesson12.q1.check(lesson12._wrong_flops(mistake))
    assert message in _shown(capsys)


def test_the_flop_count_refuses_the_courses_own_count(capsys):
    assert not lesson12.q1.check(lesson12._flops_shortcut)
    assert "calls `count_dense_flops`: that is the course's own count" in _shown(capsys)


@pytest.mark.parametrize(
    "mistake, message",
    [
        ("signed", "prunes weights that are not the smallest by magnitude"),
        ("largest", "prunes the *largest* weights"),
        ("fixed half", "sparsity=0.2 your mask zeroes 15 of 30 weights, a sparsity of 0.50"),
        ("weights", "return the mask, not the pruned weights"),
        ("flat", "your mask has shape (12,); it must have the weights' shape"),
    ],
)
def test_each_pruning_mask_mistake_has_its_message(mistake, message, capsys):
    assert not lesson12.q2.check(lesson12._wrong_mask(mistake))
    assert message in _shown(capsys)


def test_the_pruning_mask_refuses_the_courses_pruning_and_nan(capsys):
    assert not lesson12.q2.check(lesson12._mask_shortcut)
    assert "calls `magnitude_masks`: that is the course's own pruning" in _shown(capsys)

    def pruning_mask(weights, sparsity):
        return np.full(weights.shape, np.nan)

    assert not lesson12.q2.check(pruning_mask)
    assert "NaN" in _shown(capsys)


def _quantizer(kind):
    def quantize_kernel(kernel):
        scale = np.abs(kernel).max(axis=0, keepdims=True) / 7
        if kind == "no clip, 8 bits":
            scale = np.abs(kernel).max() / 127
            return np.round(kernel / scale).astype(np.int8), scale
        if kind == "float levels":
            return np.round(kernel / scale), scale
        if kind == "no scale":
            return np.round(kernel).astype(np.int8), 1.0
        if kind == "zero column":
            return np.round(kernel / scale).astype(np.int8), scale * np.inf
        if kind == "one scale":
            scale = np.abs(kernel).max() / 7
        if kind == "truncate":
            return np.trunc(kernel / scale).astype(np.int8), scale
        if kind == "scale per weight":
            return np.ones(kernel.shape, np.int8), kernel
        return np.clip(np.round(kernel / scale), -7, 7).astype(np.int8), scale

    return quantize_kernel


@pytest.mark.parametrize(
    "mistake, message",
    [
        ("no clip, 8 bits", "`q` reaches 127; 4 bits hold -7 ... 7"),
        ("float levels", "`q` holds float32 values; stored weights are integers"),
        ("no scale", "the weights were rounded without a scale"),
        ("zero column", "with NaN or infinite values: a computation above divided by 0"),
        ("scale per weight", "a scale per weight would store a float for every weight"),
        ("truncate", "Every weight moved towards 0: that truncates"),
        ("one scale", "not yet under 1.6 dB"),
    ],
)
def test_each_quantization_mistake_has_its_message(mistake, message, capsys):
    assert not lesson12.q4.check(_quantizer(mistake))
    assert message in _shown(capsys)


def test_the_arithmetic_exercise_names_the_missing_replicas(capsys):
    assert not lesson12.q3.check((256, 391), **lesson12.q3.context())
    assert "each device is a replica" in _shown(capsys)
