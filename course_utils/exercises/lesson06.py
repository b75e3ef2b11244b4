"""Exercises for 06_troubleshooting: learning curves, blocked folds, curing an over-fit.

Used in: 06_troubleshooting.
"""

from __future__ import annotations

import numpy as np

from ..checks import as_float_array
from ..errors import SignalError
from ..i18n import N_, tr
from ..settings import CODE, FRAME, HIDDEN
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3"]

DIAGNOSES = ("overfitting", "underfitting", "good fit")


# --- q1: read learning curves -------------------------------------------------------------------


def _q1_context():
    steps = np.arange(1, 21)
    return {
        "curves": {
            "A": {"loss": 0.9 - 0.002 * steps, "val_loss": 0.92 - 0.002 * steps},
            "B": {
                "loss": 0.5 * 0.85**steps + 0.01,
                "val_loss": 0.5 * 0.8**steps + 0.05 + 0.006 * steps**1.5,
            },
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


def _q1_check(answer, curves):
    if not isinstance(answer, dict):
        raise Incorrect(tr("Return a dict such as {'A': 'underfitting', 'B': ..., 'C': ...}."))
    expected = _q1_solution(curves)
    if set(answer) != set(expected):
        raise Incorrect(
            tr("Give a diagnosis for each curve: {sorted_expected}.").format(
                sorted_expected=sorted(expected)
            )
        )
    for value in answer.values():
        if value not in DIAGNOSES:
            raise Incorrect(
                tr("'{value}' is not one of {DIAGNOSES}.").format(value=value, DIAGNOSES=DIAGNOSES)
            )
    for name in sorted(expected):
        if answer[name] != expected[name]:
            raise Incorrect(
                tr(
                    "Curve {name} is not '{answer_name}'. Look again at where its training loss ends, "
                    "and at the gap between its two curves."
                ).format(name=name, answer_name=answer[name])
            )


q1 = Exercise(
    N_("Exercise 1: read the learning curves"),
    _q1_check,
    [
        N_(
            "Look at the plots above: for each curve, where does the *training* loss end, high or low?"
        ),
        N_(
            "A training loss that stays high means the model has not learned even what it sees. For the "
            "others, compare the two curves at the end: do they end together, or far apart?"
        ),
        N_(
            "A validation loss that turns back up while the training loss keeps falling is the classic "
            "picture of memorizing."
        ),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        ({"A": "overfitting", "B": "underfitting", "C": "good fit"}, "Curve A"),
        ({"A": "underfitting", "B": "good fit", "C": "good fit"}, "Curve B"),
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
        raise Incorrect(
            tr("Return a list of (train_indices, test_indices) pairs, as KFold.split gives.")
        ) from None
    if len(folds) != n_folds:
        raise Incorrect(
            tr("That is {len_folds} folds; the exercise asks for n_folds of them.").format(
                len_folds=len(folds)
            )
        )
    all_test = np.concatenate([test for _, test in folds])
    if sorted(all_test.tolist()) != list(range(n_frames)):
        raise Incorrect(tr("Every frame must be in exactly one test fold."))
    for train, test in folds:
        if np.intersect1d(train, test).size:
            raise Incorrect(tr("A frame is in both the training and the test part of a fold."))
        if sorted(np.concatenate([train, test]).tolist()) != list(range(n_frames)):
            raise Incorrect(tr("In each fold, every frame not tested on should be trained on."))
        if np.any(np.diff(np.sort(test)) != 1):
            raise Incorrect(
                tr(
                    "A test fold is not one contiguous block of frames: with overlapping frames, the "
                    "neighbours of its frames (sharing most of their samples) are in training, so the "
                    "score leaks."
                )
            )


q2 = Exercise(
    N_("Exercise 2: folds without leakage"),
    _q2_check,
    [
        N_(
            "Each test fold should be one run of consecutive frame indices, e.g. frames 10-19, so that "
            "no test frame has a neighbour in training (except at the block's two edges)."
        ),
        N_(
            "scikit-learn's `KFold` can split `np.arange(n_frames)`; read what its `shuffle` argument does."
        ),
        N_("`.split(...)` returns a generator of (train, test) pairs: turn it into a list."),
    ],
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
        (lambda ctx: _q2_solution(ctx["n_frames"], 5), "n_folds"),
        (
            lambda ctx: [(np.arange(40), test) for _, test in _q2_solution(**ctx)],
            "both the training",
        ),
        (42, "list of"),
    ],
)


# --- q3 (open): cure an over-fit model --------------------------------------------------------

Q3_TARGET = 1.0  # relative validation error: better than outputting silence


def _q3_context():
    """64 training frames from the start of the orchestra and validation frames from the end of its
    training part, standardized as in the lesson (small: the check trains on them)."""
    from .. import audio, data

    music, _ = data.load_real_clip("orchestra")
    train_raw, _ = data.split_in_time(music)
    scaler = audio.fit_standardizer(train_raw)
    train_audio = scaler.transform(train_raw.reshape(-1, 1)).ravel().astype(np.float32)
    fit_part, val_audio = data.split_in_time(train_audio, train_fraction=0.8)
    frames = audio.frame_signal(fit_part[: 64 * FRAME], frame_length=FRAME, hop_length=FRAME)
    val_frames = audio.frame_signal(val_audio, frame_length=FRAME, hop_length=FRAME, pad=True)
    return {"frames": frames, "val_frames": val_frames}


def _relative_error(model, frames) -> float:
    output = np.asarray(model(frames, training=False))
    return float(np.mean(np.square(frames - output)) / np.mean(np.square(frames)))


def _narrowest_layer(model) -> int:
    """The fewest outputs of any weight matrix in the model: its bottleneck."""
    return min(int(w.shape[-1]) for w in model.weights if len(w.shape) == 2)


def _q3_solution(frames, val_frames):
    import keras

    from course_utils import models, training

    def train_small(frames, seed=0):
        keras.utils.set_random_seed(seed)
        model, _, _ = models.build_dense_autoencoder(FRAME, CODE, hidden_sizes=(HIDDEN,), l2=1e-2)
        training.train_minibatch(model, frames, steps=200, batch_size=32)
        return model

    return train_small


def _q3_check(answer, frames, val_frames):
    import keras

    if isinstance(answer, keras.Model) or not callable(answer):
        raise Incorrect(
            tr("Give your training function itself (`answer = train_small`), not its result.")
        )
    frames = as_float_array(frames, "frames", ndim=2)
    val_frames = as_float_array(val_frames, "val_frames", ndim=2)
    if len(frames) > 256 or len(val_frames) > 1024:
        raise SignalError(
            f"The check trains on small data: pass at most 256 frames and 1024 validation frames "
            f"(got {len(frames)} and {len(val_frames)}); the lesson's tiny_frames and val_frames fit."
        )
    model = answer(frames, seed=0)
    if not isinstance(model, keras.Model):
        raise Incorrect(
            tr("Your function returned {kind}; it must return the trained Keras model.").format(
                kind=type(model).__name__
            )
        )
    if _narrowest_layer(model) > CODE:
        raise Incorrect(
            tr(
                "The model's narrowest layer has {narrowest} units: it must still "
                "squeeze each frame through a code of at most {CODE} numbers."
            ).format(narrowest=_narrowest_layer(model), CODE=CODE)
        )
    train_error, val_error = _relative_error(model, frames), _relative_error(model, val_frames)
    if not np.isfinite(val_error):
        raise Incorrect(tr("The model outputs NaN or infinite values: the training diverged."))
    if val_error >= Q3_TARGET:
        raise Incorrect(
            tr(
                "On the training frames the relative error is {train_error:.3f}, on the validation "
                "frames {val_error:.2f}: still no better than silence on music the model has not "
                "heard."
            ).format(train_error=train_error, val_error=val_error)
        )


def _q3_untouched(frames, seed=0):
    import keras

    from course_utils import models, training

    keras.utils.set_random_seed(seed)
    model, _, _ = models.build_dense_autoencoder(FRAME, CODE, hidden_sizes=(HIDDEN,))
    training.train_minibatch(model, frames, steps=200, batch_size=32)
    return model


def _q3_no_bottleneck(frames, seed=0):
    import keras

    from course_utils import models

    keras.utils.set_random_seed(seed)
    return models.build_dense_autoencoder(FRAME, 128, hidden_sizes=(HIDDEN,))[0]


q3 = Exercise(
    N_("Exercise 3: cure the over-fit"),
    _q3_check,
    [
        N_(
            "Read section 4 again: which changes lowered the validation error of the model trained on 64 "
            "frames? Any of them, put into `train_small`, is a start."
        ),
        N_(
            "`models.build_dense_autoencoder` takes options that change the model itself; look at its "
            "signature (`help(models.build_dense_autoencoder)`). The number of training steps matters too."
        ),
        N_(
            "A weight penalty strong enough to matter on 64 frames is larger than the usual 1e-4. Try a few "
            "values and watch both numbers the check prints."
        ),
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda ctx: _q3_untouched, "no better than silence"),
        (lambda ctx: _q3_no_bottleneck, "narrowest layer"),
        (lambda ctx: _q3_untouched(ctx["frames"]), "function itself"),
        (lambda ctx: lambda frames, seed=0: None, "must return the trained Keras model"),
    ],
    solution_name="train_small",
)
