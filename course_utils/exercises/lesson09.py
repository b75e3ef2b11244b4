"""Exercises for 09_anomaly_detection: the AUC by counting pairs, and a detector of your own.

Used in: 09_anomaly_detection.
"""

from __future__ import annotations

import numpy as np

from ._core import Exercise, Incorrect

__all__ = ["q1", "q2"]

#: The mean AUC over the lesson's five splits that exercise 2's detector must reach.
Q2_TARGET = 0.75
Q2_SEEDS = range(5)


# --- q1: the AUC by counting pairs ---------------------------------------------------------------


def _q1_context():
    return {}


def _q1_solution():
    def auc_by_pairs(normal_scores, abnormal_scores):
        normal = np.asarray(normal_scores, dtype=float)[None, :]  # a row
        abnormal = np.asarray(abnormal_scores, dtype=float)[:, None]  # a column: every pair at once
        return float(np.mean((abnormal > normal) + 0.5 * (abnormal == normal)))

    return auc_by_pairs


_auc_by_pairs = _q1_solution()


def _q1_cases():
    rng = np.random.default_rng(9)
    yield [0.1, 0.2, 0.3], [0.4, 0.5]  # perfect
    yield [0.4, 0.5], [0.1, 0.2, 0.3]  # upside down
    yield [1.0, 2.0, 2.0], [2.0, 3.0]  # ties
    for n_normal, n_abnormal in ((6, 20), (13, 7)):
        yield rng.normal(size=n_normal).tolist(), (rng.normal(size=n_abnormal) + 0.7).tolist()


def _q1_check(answer):
    if not callable(answer):
        raise Incorrect("Give your function itself (`answer = auc_by_pairs`), not a number.")
    for normal, abnormal in _q1_cases():
        try:
            value = answer(np.array(normal), np.array(abnormal))
        except Exception as error:  # the learner's code failed: say how
            raise Incorrect(f"Your function raised {type(error).__name__}: {error}") from None
        if value is None or not np.isscalar(value) and np.ndim(value) != 0:
            raise Incorrect("Your function must return one number, the AUC.")
        expected = _auc_by_pairs(normal, abnormal)
        if not np.isclose(float(value), expected, atol=1e-9):
            ties = len(set(normal) & set(abnormal)) > 0
            detail = " Look at how it counts a tie." if ties else ""
            raise Incorrect(
                f"For normal scores {np.round(normal, 2).tolist()} and abnormal scores "
                f"{np.round(abnormal, 2).tolist()} your function returned {float(value):.4g}.{detail}"
            )


q1 = Exercise(
    "Exercise 1: the AUC by counting pairs",
    _q1_check,
    [
        "Compare every abnormal score with every normal score. NumPy broadcasting does it in one line: "
        "a column of one against a row of the other.",
        "The AUC is the mean over all pairs of 1 when the abnormal score is higher, 0.5 when they are "
        "equal, 0 otherwise.",
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (0.8, "function itself"),
        (lambda ctx: (lambda n, a: float(np.mean(np.asarray(a)[:, None] > np.asarray(n)[None, :]))), "tie"),
        (lambda ctx: (lambda n, a: float(np.mean(np.asarray(a)[:, None] < np.asarray(n)[None, :]))), "returned"),
    ],
    solution_name="solution",
)


# --- q2 (open): a detector of your own -----------------------------------------------------------


def _q2_context():
    return {}


def _bundled_mels():
    from .. import anomaly

    sounds = anomaly.load_machine_sounds()
    return ([anomaly.log_mel_frames(c, sounds.sr) for c in sounds.normal],
            [anomaly.log_mel_frames(c, sounds.sr) for c in sounds.abnormal])


def _q2_solution():
    from course_utils import anomaly

    def detector(train_mels, test_mels):
        # A Gaussian on each clip's mean log-mel, scored by the Mahalanobis distance (section 6).
        return anomaly.gaussian_scores([m.mean(axis=0) for m in train_mels], [m.mean(axis=0) for m in test_mels])

    return detector


def _q2_check(answer, mels=None):
    from .. import anomaly

    if not callable(answer):
        raise Incorrect("Give your detector function itself (`answer = detector`), not its scores.")
    normal, abnormal = mels if mels is not None else _bundled_mels()
    aucs = []
    for seed in Q2_SEEDS:
        train, test = anomaly.split_normal(len(normal), seed)
        test_mels = [normal[i] for i in test] + list(abnormal)
        try:
            scores = np.asarray(answer([normal[i] for i in train], test_mels), dtype=float).ravel()
        except Exception as error:  # the learner's code failed: say how
            raise Incorrect(f"Your detector raised {type(error).__name__} on split {seed}: {error}") from None
        if scores.shape != (len(test_mels),):
            raise Incorrect(f"Your detector must return one score per test clip ({len(test_mels)}); "
                            f"it returned {scores.size}.")
        if not np.all(np.isfinite(scores)):
            raise Incorrect("Your detector returned NaN or infinite scores.")
        aucs.append(anomaly.auc(scores[: len(test)], scores[len(test):]))
    mean = float(np.mean(aucs))
    if mean < Q2_TARGET:
        raise Incorrect(
            f"Mean AUC over the five splits: {mean:.2f} (per split {np.round(aucs, 2).tolist()}); "
            f"not yet {Q2_TARGET}."
        )


def _q2_loudness(train_mels, test_mels):
    train_mean = np.mean([m.mean() for m in train_mels])
    return np.array([abs(m.mean() - train_mean) for m in test_mels])


q2 = Exercise(
    "Exercise 2 (open): a detector of your own",
    _q2_check,
    [
        "Start from what section 6 found strongest, then try to do better: which summary of a clip "
        "separates the two classes?",
        "A clip's mean log-mel per band is 128 numbers; the normal training clips give 14 of those "
        "vectors. How far is a test clip's vector from theirs, taking their spread into account?",
        "`anomaly.gaussian_scores(train_vectors, test_vectors)` computes a Mahalanobis distance with a "
        "Ledoit-Wolf covariance.",
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (lambda ctx: _q2_loudness, "not yet"),
        (lambda ctx: (lambda train, test: np.zeros(3)), "one score per test clip"),
        (lambda ctx: np.zeros(26), "function itself"),
    ],
    solution_name="solution",
)
