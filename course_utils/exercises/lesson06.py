"""Exercises for 06_troubleshooting: learning curves, blocked folds, curing an over-fit, making a
deep stack learn (open).

Used in: 06_troubleshooting.
"""

from __future__ import annotations

import numpy as np

from ..checks import as_float_array
from ..errors import SignalError
from ..i18n import N_, tr
from ..settings import CODE, FRAME, HIDDEN
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3", "q4"]

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


# --- q4 (open): make a deep stack learn ------------------------------------------------------

#: The deep stack of section 6: 6 hidden layers of 64 units on each side of the code, so 14 weight
#: matrices (6 + code + 6 + output).
Q4_DEPTH = 6
Q4_KERNELS = 2 * Q4_DEPTH + 2
Q4_STEPS = 300
#: Validation relative error after Q4_STEPS steps (seed 0) that passes. Seeds 0-2: the sigmoid
#: stack 1.00 (it does not learn), ReLU with He initialization 0.87-0.91, sigmoid with batch
#: normalization 0.90-0.91, tanh 0.64-0.68.
Q4_TARGET = 0.95


def _q4_context():
    """All the fit frames (hop 64) and the validation frames of the lesson, standardized as there."""
    from .. import audio, data
    from ..settings import HOP

    music, _ = data.load_real_clip("orchestra")
    train_raw, _ = data.split_in_time(music)
    scaler = audio.fit_standardizer(train_raw)
    train_audio = scaler.transform(train_raw.reshape(-1, 1)).ravel().astype(np.float32)
    fit_part, val_audio = data.split_in_time(train_audio, train_fraction=0.8)
    frames = audio.frame_signal(fit_part, frame_length=FRAME, hop_length=HOP)
    val_frames = audio.frame_signal(val_audio, frame_length=FRAME, hop_length=FRAME, pad=True)
    return {"frames": frames, "val_frames": val_frames}


def _q4_solution(frames, val_frames):
    import keras

    from course_utils import models

    def build_deep(seed):
        keras.utils.set_random_seed(seed)
        # ReLU keeps a slope of 1 where it is active; He initialization keeps the signal's size.
        return models.build_dense_autoencoder(
            FRAME,
            CODE,
            hidden_sizes=(64,) * 6,
            activation="relu",
            kernel_initializer="he_uniform",
        )[0]

    return build_deep


def _q4_check(answer, frames, val_frames):
    import keras

    from .. import training

    if isinstance(answer, keras.Model) or not callable(answer):
        raise Incorrect(tr("Give your function itself (`answer = build_deep`), not the model."))
    frames = as_float_array(frames, "frames", ndim=2)
    val_frames = as_float_array(val_frames, "val_frames", ndim=2)
    model = answer(0)
    if not isinstance(model, keras.Model):
        raise Incorrect(
            tr("Your function returned {kind}; it must return the (untrained) Keras model.").format(
                kind=type(model).__name__
            )
        )
    kernels = [w for w in model.weights if len(w.shape) == 2]
    if len(kernels) < Q4_KERNELS:
        raise Incorrect(
            tr(
                "Your model has {count} weight matrices; the deep stack has {kernels} "
                "({depth} hidden layers on each side, the code and the output). Keep the depth: "
                "the exercise is to make a *deep* stack learn, not to remove it."
            ).format(count=len(kernels), kernels=Q4_KERNELS, depth=Q4_DEPTH)
        )
    if _narrowest_layer(model) > CODE:
        raise Incorrect(
            tr(
                "The model's narrowest layer has {units} units: it must still squeeze each frame "
                "through a code of at most {code} numbers."
            ).format(units=_narrowest_layer(model), code=CODE)
        )
    norms = list(training.gradient_norms(model, frames[:64]).values())
    ratio = norms[0] / norms[-1] if norms[-1] > 0 else float("nan")
    training.train_minibatch(model, frames, steps=Q4_STEPS, batch_size=32)
    val_error = _relative_error(model, val_frames)
    if not np.isfinite(val_error):
        raise Incorrect(tr("The model outputs NaN or infinite values: the training diverged."))
    if val_error >= Q4_TARGET:
        raise Incorrect(
            tr(
                "After {steps} steps the validation relative error is {error:.3f} (silence: 1.0): "
                "the model has hardly learned. Before training, the first layer's gradient was "
                "{ratio:.1e} times the last layer's."
            ).format(steps=Q4_STEPS, error=val_error, ratio=ratio)
        )


def _q4_sigmoid_stack(seed):
    import keras

    from course_utils import models

    keras.utils.set_random_seed(seed)
    return models.build_dense_autoencoder(
        FRAME, CODE, hidden_sizes=(64,) * 6, activation="sigmoid"
    )[0]


def _q4_shallow(seed):
    import keras

    from course_utils import models

    keras.utils.set_random_seed(seed)
    return models.build_dense_autoencoder(FRAME, CODE, hidden_sizes=(HIDDEN,))[0]


def _q4_wide_code(seed):
    import keras

    from course_utils import models

    keras.utils.set_random_seed(seed)
    return models.build_dense_autoencoder(
        FRAME, 128, hidden_sizes=(256,) * 6, activation="relu", kernel_initializer="he_uniform"
    )[0]


q4 = Exercise(
    N_("Exercise 4 (open): make the deep stack learn"),
    _q4_check,
    [
        N_(
            "Section 6 measured the deep sigmoid stack's gradients before training. What does a first "
            "layer whose gradient is a million times smaller than the last one's learn in 300 steps?"
        ),
        N_(
            "Keep the 6 hidden layers of 64 units on each side and the code of 32; change what makes the "
            "gradient vanish. `models.build_dense_autoencoder` takes `activation`, "
            "`kernel_initializer` and `batch_norm`."
        ),
        N_(
            "Either fix of section 6 works; so may an activation whose slope near 0 is 1. "
            "`exercises.q4.solution()` shows one way."
        ),
    ],
    _q4_solution,
    context=_q4_context,
    wrong_answers=[
        (lambda ctx: _q4_sigmoid_stack, "hardly learned"),
        (lambda ctx: _q4_shallow, "Keep the depth"),
        (lambda ctx: _q4_wide_code, "narrowest layer"),
        (lambda ctx: lambda seed: None, "must return"),
        (lambda ctx: _q4_shallow(0), "function itself"),
    ],
    solution_name="solution",
)
