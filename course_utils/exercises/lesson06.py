"""Exercises for 06_troubleshooting: learning curves, blocked cross-validation, clipping.

Used in: 06_troubleshooting.
"""

from __future__ import annotations

import numpy as np

from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3"]

DIAGNOSES = ("overfitting", "underfitting", "good fit")


# --- q1: read learning curves -------------------------------------------------------------------


def _q1_context():
    steps = np.arange(1, 21)
    return {
        "curves": {
            "A": {"loss": 0.9 - 0.002 * steps, "val_loss": 0.92 - 0.002 * steps},
            "B": {"loss": 0.5 * 0.85**steps + 0.01, "val_loss": 0.5 * 0.8**steps + 0.05 + 0.006 * steps**1.5},
            "C": {"loss": 0.5 * 0.8**steps + 0.05, "val_loss": 0.5 * 0.8**steps + 0.06},
        }
    }


def _q1_solution(curves):
    diagnosis = {}
    for name, curve in curves.items():
        train, val = np.asarray(curve["loss"]), np.asarray(curve["val_loss"])
        if np.argmin(val) < len(val) - 1 and val[-1] > 1.2 * val.min() and train[-1] < val[-1]:
            diagnosis[name] = "overfitting"  # validation turned back up while training kept falling
        elif train[-1] > 0.5 * train[0]:
            diagnosis[name] = "underfitting"  # training loss itself stays high
        else:
            diagnosis[name] = "good fit"
    return diagnosis


_Q1_REASONS = {
    "A": "both losses stay high and nearly flat: the model cannot even fit the training data",
    "B": "the training loss keeps falling while the validation loss turns back up",
    "C": "both losses fall together to a low level, with a small gap",
}


def _q1_check(answer, curves):
    if not isinstance(answer, dict):
        raise Incorrect("Return a dict such as {'A': 'underfitting', 'B': ..., 'C': ...}.")
    expected = _q1_solution(curves)
    if set(answer) != set(expected):
        raise Incorrect(f"Give a diagnosis for each curve: {sorted(expected)}.")
    for value in answer.values():
        if value not in DIAGNOSES:
            raise Incorrect(f"'{value}' is not one of {DIAGNOSES}.")
    for name in sorted(expected):
        if answer[name] != expected[name]:
            raise Incorrect(f"Curve {name} is not '{answer[name]}': {_Q1_REASONS[name]}.")


q1 = Exercise(
    "Exercise 1: read the learning curves",
    _q1_check,
    "Plot each curve with `course_utils.plotting.plot_learning_curves(curves['A'])`. Where is the "
    "training loss at the end? Does the validation loss turn back up?",
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        ({"A": "overfitting", "B": "underfitting", "C": "good fit"}, "Curve A"),
        ({"A": "underfitting", "B": "good fit", "C": "good fit"}, "turns back up"),
        ({"A": "underfitting", "B": "overfitting"}, "each curve"),
        ({"A": "underfitting", "B": "overfit", "C": "good fit"}, "not one of"),
    ],
)


# --- q2: blocked folds --------------------------------------------------------------------------


def _q2_context():
    return {"n_frames": 40, "n_folds": 4}


def _q2_solution(n_frames, n_folds):
    from sklearn.model_selection import KFold

    return list(KFold(n_splits=n_folds, shuffle=False).split(np.arange(n_frames)))


def _q2_check(answer, n_frames, n_folds):
    try:
        folds = [(np.asarray(train), np.asarray(test)) for train, test in answer]
    except (TypeError, ValueError):
        raise Incorrect("Return a list of (train_indices, test_indices) pairs, as KFold.split gives.") from None
    if len(folds) != n_folds:
        raise Incorrect(f"Expected {n_folds} folds; got {len(folds)}.")
    all_test = np.concatenate([test for _, test in folds])
    if sorted(all_test.tolist()) != list(range(n_frames)):
        raise Incorrect("Every frame must be in exactly one test fold.")
    for train, test in folds:
        if np.intersect1d(train, test).size:
            raise Incorrect("A frame is in both the training and the test part of a fold.")
        if sorted(np.concatenate([train, test]).tolist()) != list(range(n_frames)):
            raise Incorrect("In each fold, every frame not tested on should be trained on.")
        if np.any(np.diff(np.sort(test)) != 1):
            raise Incorrect(
                "A test fold is not one contiguous block of frames. With overlapping frames, "
                "shuffled folds put the neighbours (sharing most samples) of every test frame into "
                "training: the score leaks. Use KFold(shuffle=False)."
            )


q2 = Exercise(
    "Exercise 2: folds without leakage",
    _q2_check,
    "`sklearn.model_selection.KFold(n_splits=n_folds, shuffle=False).split(np.arange(n_frames))` "
    "gives contiguous test blocks; wrap it in `list(...)`.",
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (
            lambda ctx: list(
                __import__("sklearn.model_selection", fromlist=["KFold"])
                .KFold(n_splits=ctx["n_folds"], shuffle=True, random_state=0)
                .split(np.arange(ctx["n_frames"]))
            ),
            "contiguous",
        ),
        (lambda ctx: _q2_solution(ctx["n_frames"], 5), "Expected 4 folds"),
        (lambda ctx: [(np.arange(40), test) for _, test in _q2_solution(**ctx)], "both the training"),
        (42, "list of"),
    ],
)


# --- q3: clipping by norm -----------------------------------------------------------------------


def _q3_context():
    return {"gradient": np.array([30.0, -40.0, 0.5, 2.0]), "clipnorm": 1.0}


def _q3_solution(gradient, clipnorm):
    norm = np.linalg.norm(gradient)
    return gradient * min(1.0, clipnorm / norm)


def _q3_check(answer, gradient, clipnorm):
    answer = np.asarray(answer, dtype=float)
    if answer.shape != np.shape(gradient):
        raise Incorrect(f"Return a gradient of the same shape, {np.shape(gradient)}.")
    expected = _q3_solution(gradient, clipnorm)
    if np.allclose(answer, expected):
        return
    if np.allclose(answer, np.clip(gradient, -clipnorm, clipnorm)):
        raise Incorrect(
            "That clips each value separately (Keras' clipvalue), which changes the gradient's "
            "direction. clipnorm rescales the whole vector, keeping its direction."
        )
    if np.linalg.norm(answer) > clipnorm * (1 + 1e-6):
        raise Incorrect(f"Its norm is {np.linalg.norm(answer):.3g}, longer than clipnorm={clipnorm}.")
    raise Incorrect("Scale the gradient by min(1, clipnorm / norm); the direction must not change.")


q3 = Exercise(
    "Exercise 3: clip a gradient by its norm",
    _q3_check,
    "`norm = np.linalg.norm(gradient)`; if it is above `clipnorm`, multiply the gradient by "
    "`clipnorm / norm`.",
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda ctx: np.clip(ctx["gradient"], -1, 1), "clipvalue"),
        (lambda ctx: ctx["gradient"], "longer than clipnorm"),
        (lambda ctx: ctx["gradient"][:2], "same shape"),
        (lambda ctx: np.array([0.1, 0.1, 0.1, 0.1]), "direction"),
    ],
)
