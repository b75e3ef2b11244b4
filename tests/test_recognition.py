"""Scoring recognisers: classifiers, splits, and what the scores mean."""

from __future__ import annotations

import numpy as np
import pytest
from spoken_words import toy_digits

from course_utils import recognition
from course_utils.errors import SettingError, SignalError


def test_perfectly_separable_features_score_one():
    digits = toy_digits()
    rng = np.random.default_rng(0)
    separable = np.eye(10)[digits.labels] * 5 + 0.1 * rng.standard_normal((len(digits), 10))
    standard = recognition.evaluate_standard_split(separable, digits)
    loso = recognition.evaluate_leave_one_speaker_out(separable, digits)
    assert standard.accuracy == 1.0 and loso.accuracy == 1.0
    assert set(loso.per_speaker) == {"ann", "bob", "cho"}
    assert len(loso.y_true) == len(digits) and len(standard.y_true) == 3 * 10 * 5


def test_accuracies_are_in_range_and_noise_is_near_chance():
    digits = toy_digits()
    noise = np.random.default_rng(1).standard_normal((len(digits), 3, 4))  # rows of any shape
    for score in (
        recognition.evaluate_standard_split(noise, digits),
        recognition.evaluate_leave_one_speaker_out(noise, digits),
    ):
        assert 0.0 <= score.accuracy <= 1.0
        assert all(0.0 <= a <= 1.0 for a in score.per_speaker.values())
        assert score.accuracy < 0.4
        assert score.worst_speaker in score.per_speaker


def test_features_function_sees_only_the_split_it_is_given():
    digits = toy_digits()
    seen = []

    def only_training_speakers(train, test):
        seen.append((set(digits.speakers[train]), set(digits.speakers[test])))
        onehot = np.eye(10)
        return onehot[digits.labels[train]], digits.labels[train], onehot[digits.labels[test]]

    score = recognition.evaluate_leave_one_speaker_out(only_training_speakers, digits)
    assert score.accuracy == 1.0
    assert all(not (train & test) for train, test in seen) and len(seen) == 3


def test_scoring_errors_say_what_is_wrong():
    digits = toy_digits()
    with pytest.raises(SignalError, match="one row per clip"):
        recognition.evaluate_standard_split(np.zeros((5, 3)), digits)
    with pytest.raises(SignalError, match="X_train, y_train, X_test"):
        recognition.evaluate_standard_split(lambda train, test: np.zeros(3), digits)
    bad = np.zeros((len(digits), 2))
    bad[0, 0] = np.nan
    with pytest.raises(SignalError, match="NaN"):
        recognition.evaluate_standard_split(bad, digits)


def test_pca_classifier_fits_pca_inside_the_pipeline():
    pipeline = recognition.make_classifier(pca=5)
    assert [name for name, _ in pipeline.steps] == ["pca", "standardscaler", "logisticregression"]


def test_svm_classifier_draws_curved_boundaries_where_logistic_regression_cannot():
    from sklearn.svm import SVC

    pipeline = recognition.make_classifier(kind="svm")
    assert [name for name, _ in pipeline.steps] == ["standardscaler", "svc"]
    assert pipeline.steps[-1][1].C == 10.0 and pipeline.steps[-1][1].gamma == "scale"
    assert isinstance(recognition.make_classifier(C=2.0, pca=3, kind="svm").steps[-1][1], SVC)
    assert recognition.make_classifier(C=0.5).steps[-1][1].C == 0.5
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (400, 2))
    y = (np.hypot(*x.T) < 0.6).astype(int)  # a disc inside a square: no straight line separates it
    svm = recognition.make_classifier(kind="svm").fit(x[:300], y[:300]).score(x[300:], y[300:])
    logistic = recognition.make_classifier().fit(x[:300], y[:300]).score(x[300:], y[300:])
    assert svm > 0.9 and svm > logistic + 0.15
    with pytest.raises(SettingError, match="kind"):
        recognition.make_classifier(kind="forest")


def test_evaluate_both_asks_the_two_questions():
    digits = toy_digits()
    rng = np.random.default_rng(2)
    features = np.eye(10)[digits.labels] + 0.8 * rng.standard_normal((len(digits), 10))
    standard, loso = recognition.evaluate_both(features, digits)
    assert standard.accuracy == recognition.evaluate_standard_split(features, digits).accuracy
    assert loso.accuracy == recognition.evaluate_leave_one_speaker_out(features, digits).accuracy
    assert set(loso.per_speaker) == {"ann", "bob", "cho"} and len(standard.y_true) == 150
