"""The checks after lesson 10's learner-written cells: the skeleton fails, the solution passes, and
each typical mistake gets its own message in the learner's terms (issue #23 items 2 and 3).

The central one is ``train_code_encoder``, the autoencoder whose code the recogniser reads: the
check builds it at the lesson's patch shape, trains it briefly on patches of its own, compares two
runs and two training sets, and measures its code against PCA's.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import lesson10


def _shown(capsys) -> str:
    return capsys.readouterr().out


EXERCISES = [lesson10.q1, lesson10.q2, lesson10.q3, lesson10.q4, lesson10.encoder]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_an_unanswered_cell_says_so_and_the_last_hint_points_to_the_solution(exercise, capsys):
    assert not exercise.check(...)
    assert _shown(capsys).startswith("Not answered yet")
    assert "solution()" in exercise.hints[-1]


def test_the_skeleton_functions_fail_and_say_what_is_missing(capsys):
    def train_code_encoder(train_patches, code_size=128, steps=400, seed=0):
        """The encoder of an autoencoder trained on `train_patches` alone."""
        ...

    def tone_contour(clip, sr): ...

    assert not lesson10.encoder.check(train_code_encoder)
    assert "returns NoneType; return the trained encoder, a Keras model." in _shown(capsys)
    assert not lesson10.q4.check(tone_contour, **lesson10.q4.context())
    assert "`tone_contour` returns None" in _shown(capsys)


def test_the_encoder_solution_passes(capsys):
    assert lesson10.encoder.check(lesson10.encoder.solve())
    assert _shown(capsys).startswith("Correct")


def test_the_encoder_solution_is_the_courses_function():
    """The lesson's numbers come from the course's function; the learner's solution is the same."""
    from course_utils import code_features

    patches = lesson10._encoder_patches(5, clips=96)
    ours = lesson10.encoder.solve()(patches, code_size=8, steps=20, seed=3)
    course = code_features.train_patch_autoencoder(patches, code_size=8, steps=20, seed=3)
    assert lesson10._same_weights(ours, course)


@pytest.mark.parametrize(
    "mistake, message",
    [
        (dict(returns="all"), "returns 3 models; return the encoder alone"),
        (
            dict(returns="autoencoder"),
            "Your model outputs 384 numbers per patch, a whole patch: that is the autoencoder.",
        ),
        (dict(returns="codes"), "returns an array of shape (160, 16): codes, not the encoder."),
        (
            dict(unflattened=True),
            "Your encoder takes input of shape (None, 32); a patch of 12 x 32",
        ),
        (
            dict(fixed_code=128),
            "Asked for code_size=16, your encoder outputs 128 numbers per patch",
        ),
        (dict(code_activation="relu"), "Your code layer uses relu: the code must be linear"),
        (dict(no_seed=True), "Two calls with the same patches and seed=0 give different encoders"),
        (dict(untrained=True), "it is never trained"),
        (dict(other_data=True), "it does not learn from `train_patches`"),
        (dict(zero_target=True), "of new patches' variance, PCA's"),
        (
            dict(whole=True),
            "Your function hands the whole job to `code_features.train_patch_autoencoder`",
        ),
    ],
)
def test_each_encoder_mistake_has_its_message(mistake, message, capsys):
    assert not lesson10.encoder.check(lesson10._wrong_encoder(**mistake))
    assert message in _shown(capsys)


def test_an_encoder_passed_as_a_model_or_a_pca_is_refused(capsys):
    from sklearn.decomposition import PCA

    patches = lesson10._encoder_patches(0, clips=64)
    assert not lesson10.encoder.check(lesson10.encoder.solve()(patches, code_size=4, steps=2))
    assert "Pass your function itself, `train_code_encoder`" in _shown(capsys)

    def train_code_encoder(train_patches, code_size=128, steps=400, seed=0):
        return PCA(n_components=code_size).fit(train_patches.reshape(len(train_patches), -1))

    assert not lesson10.encoder.check(train_code_encoder)
    assert "returns a fitted PCA: section 5's baseline" in _shown(capsys)


def test_an_encoder_with_nan_codes_is_caught(capsys):
    def train_code_encoder(train_patches, code_size=128, steps=400, seed=0):
        encoder = lesson10.encoder.solve()(train_patches, code_size=code_size, steps=2, seed=seed)
        encoder.layers[-1].kernel.assign(np.full(encoder.layers[-1].kernel.shape, np.nan))
        return encoder

    assert not lesson10.encoder.check(train_code_encoder)
    assert "Your encoder's codes hold NaN or infinite values" in _shown(capsys)


def test_the_encoder_check_speaks_chinese(chinese, capsys):
    assert not lesson10.encoder.check(lesson10._wrong_encoder(fixed_code=128))
    assert "要求 code_size=16，你的编码器每个图块输出 128 个数" in _shown(capsys)


# --- the short exercises ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrong, message",
    [
        (
            lambda p: p - p.mean(axis=0, keepdims=True),
            "That removes each *frame's* mean over the bands",
        ),
        (lambda p: p - p.mean(axis=1, keepdims=True), "the spread is not normalised yet"),
        (
            lambda p: (p - p.mean(axis=1, keepdims=True)) / p.std(axis=1, keepdims=True),
            "That is the textbook per-band CMVN",
        ),
        (lambda p: (p - p.mean()) / (p - p.mean()).std(), "not each band's own offset"),
        (lambda p: p[:, :5], "Give an array of the patch's shape, (6, 10); got (6, 5)."),
        (lambda p: np.full_like(p, np.nan), "NaN"),
    ],
)
def test_each_cmvn_mistake_has_its_message(wrong, message, capsys):
    patch = lesson10.q1.context()["patch"]
    assert not lesson10.q1.check(wrong(patch), patch=patch)
    assert message in _shown(capsys)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (
            lambda s: (np.flatnonzero(s == "cho"), np.flatnonzero(s != "cho")),
            "The parts are swapped",
        ),
        (lambda s: (s != "cho", s == "cho"), "Those are boolean masks"),
        (lambda s: (np.arange(0, 18), np.arange(18, 24)), "appear in both parts"),
        (lambda s: (np.flatnonzero(s == "ann"), np.flatnonzero(s == "cho")), "leave none out"),
        (lambda s: (np.arange(0, 20), np.arange(10, 24)), "Some clips are in both parts"),
        (lambda s: (np.arange(18.0), np.arange(18.0, 24.0)), "whole-number indices"),
    ],
)
def test_each_split_mistake_has_its_message(wrong, message, capsys):
    context = lesson10.q2.context()
    assert not lesson10.q2.check(wrong(context["speakers"]), **context)
    assert message in _shown(capsys)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda c: lesson10._q3_solution(**c)[::-1], "The order is swapped"),
        (lambda c: (0, 0), "set the diagonal to 0 before you look for the largest count"),
        (lambda c: 95, "That is one number, 95: `np.argmax` of a matrix gives one flat index"),
        (lambda c: (9, 15), "Digits go from 0 to 9; that pair holds (9, 15)."),
        (lambda c: lesson10._q3_both_ways(**c), "counting both directions"),
        (lambda c: "9 and 5", "Give a pair of digits"),
    ],
)
def test_each_confusion_mistake_has_its_message(wrong, message, capsys):
    context = lesson10.q3.context()
    assert not lesson10.q3.check(wrong(context), **context)
    assert message in _shown(capsys)


@pytest.fixture(scope="module")
def mandarin():
    return lesson10.q4.context()["mandarin"]


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda clip, sr: np.zeros(8), "Every clip gives the same vector"),
        (
            lambda clip, sr: np.zeros(len(clip)),
            "Every clip must give a 1-D vector of the same length",
        ),
        (lambda clip, sr: np.full(8, np.nan), "NaN"),
        (lesson10._tone_height, "Your contours keep each voice's own height"),
        (lambda clip, sr: [float(np.mean(clip**2))], "the exercise asks for 55%"),
        (lambda clip, sr: 1 / 0, "`tone_contour(clip, sr)` raised ZeroDivisionError"),
    ],
)
def test_each_tone_mistake_has_its_message(wrong, message, mandarin, capsys):
    assert not lesson10.q4.check(wrong, mandarin=mandarin)
    assert message in _shown(capsys)
