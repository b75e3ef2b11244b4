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
from ._core import Exercise, Incorrect, _refuse_uncalled_layers, _refusing

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


# --- q2: blocked folds with a gap ---------------------------------------------------------------

#: The sizes the check calls the learner's function with: (n_frames, n_folds, gap).
Q2_CASES = ((40, 4, 3), (43, 4, 3), (30, 3, 0), (26, 5, 2))


def _q2_context():
    return {}


def _q2_solution():
    def blocked_folds(n_frames, n_folds, gap):
        folds = []
        for test in np.array_split(np.arange(n_frames), n_folds):  # consecutive blocks
            far = (np.arange(n_frames) < test[0] - gap) | (np.arange(n_frames) > test[-1] + gap)
            folds.append((np.flatnonzero(far), test))
        return folds

    return blocked_folds


def _q2_fold_arrays(answer, n_frames, n_folds, gap):
    call = f"blocked_folds({n_frames}, {n_folds}, gap={gap})"
    result = answer(n_frames, n_folds, gap)
    if result is None:
        raise Incorrect(
            tr("Your {call} returns None: return the list of (train, test) pairs.").format(
                call=call
            )
        )
    try:
        folds = [(np.asarray(train), np.asarray(test)) for train, test in result]
    except (TypeError, ValueError):
        raise Incorrect(
            tr(
                "{call} should return a list of (train_indices, test_indices) pairs, one per fold."
            ).format(call=call)
        ) from None
    for train, test in folds:
        for part in (train, test):
            if part.size and part.dtype.kind not in "iu":
                raise Incorrect(
                    tr(
                        "{call} gives indices of type {dtype}: frame indices are whole numbers "
                        "(an integer array, such as np.arange gives)."
                    ).format(call=call, dtype=part.dtype)
                )
            if part.size and (part.min() < 0 or part.max() >= n_frames):
                raise Incorrect(
                    tr(
                        "{call} gives the index {index}, but the frames are numbered 0 to {last}."
                    ).format(
                        call=call,
                        index=int(part.min() if part.min() < 0 else part.max()),
                        last=n_frames - 1,
                    )
                )
    return call, folds


def _q2_check(answer):
    if not callable(answer):
        raise Incorrect(
            tr(
                "Give the function itself, `blocked_folds`, not its result: the check calls it "
                "with several numbers of frames, folds and gaps."
            )
        )
    for n_frames, n_folds, gap in Q2_CASES:
        call, folds = _q2_fold_arrays(answer, n_frames, n_folds, gap)
        if len(folds) != n_folds:
            raise Incorrect(
                tr("{call} gives {count} folds; it should give n_folds of them.").format(
                    call=call, count=len(folds)
                )
            )
        tested = np.concatenate([test for _, test in folds])
        missing = sorted(set(range(n_frames)) - set(tested.tolist()))
        if missing:
            raise Incorrect(
                tr(
                    "{call}: frames {missing} are in no test fold. When n_folds does not divide "
                    "n_frames, the blocks differ in size by one; no frame is left out."
                ).format(call=call, missing=missing[:5])
            )
        if len(tested) != n_frames:
            raise Incorrect(
                tr("{call}: a frame is in more than one test fold; each is tested once.").format(
                    call=call
                )
            )
        for number, (_, test) in enumerate(folds):
            if np.any(np.diff(np.sort(test)) != 1):
                raise Incorrect(
                    tr(
                        "{call}: test fold {number} is not one run of consecutive frames. Frames "
                        "that overlap share most of their samples, so a scattered test fold has "
                        "its neighbours in training, and the score leaks."
                    ).format(call=call, number=number)
                )
        sizes = [len(test) for _, test in folds]
        if max(sizes) - min(sizes) > 1:
            raise Incorrect(
                tr(
                    "{call} gives test blocks of {sizes} frames: make them as equal as possible "
                    "(sizes differing by at most one)."
                ).format(call=call, sizes=sizes)
            )
        for number, (train, test) in enumerate(folds):
            if np.intersect1d(train, test).size:
                raise Incorrect(
                    tr("{call}: fold {number} trains on frames it also tests on.").format(
                        call=call, number=number
                    )
                )
            first, last = int(test.min()), int(test.max())
            distance = np.where(train < first, first - train, train - last)
            close = train[distance <= gap]
            if close.size:
                frame = int(close[0])
                side = tr("before") if frame < first else tr("after")
                raise Incorrect(
                    tr(
                        "{call}: fold {number} trains on frame {frame}, {distance} frames {side} its "
                        "test block ({first}-{last}). Frames within `gap` of the block share "
                        "samples with it: leave them out of training, on both sides."
                    ).format(
                        call=call,
                        number=number,
                        frame=frame,
                        distance=int(abs(frame - (first if frame < first else last))),
                        side=side,
                        first=first,
                        last=last,
                    )
                )
            everything = np.arange(n_frames)
            wanted = everything[(everything < first - gap) | (everything > last + gap)]
            left_out = np.setdiff1d(wanted, train)
            if left_out.size:
                raise Incorrect(
                    tr(
                        "{call}: fold {number} does not train on frame {frame}, more than `gap` "
                        "frames from its test block ({first}-{last}). Train on every frame that is "
                        "farther away: data thrown away is data the model does not learn from."
                    ).format(
                        call=call, number=number, frame=int(left_out[0]), first=first, last=last
                    )
                )


def _wrong_folds(mistake):
    """A blocked_folds with one typical mistake, for the tests."""
    from sklearn.model_selection import KFold

    def blocked_folds(n_frames, n_folds, gap):
        frames = np.arange(n_frames)
        if mistake == "shuffled":
            return list(KFold(n_splits=n_folds, shuffle=True, random_state=0).split(frames))
        if mistake == "no gap":
            return list(KFold(n_splits=n_folds, shuffle=False).split(frames))
        if mistake == "generator":
            return None
        folds = []
        size = n_frames // n_folds
        for k in range(n_folds):
            test = np.arange(k * size, (k + 1) * size)
            if mistake == "floats":
                test = test.astype(float)
            if mistake == "last takes the rest" and k == n_folds - 1:
                test = np.arange(k * size, n_frames)
            lo, hi = test.min(), test.max()
            if mistake == "one side":
                train = frames[(frames < lo - gap) | (frames > hi)]
            elif mistake == "too much":
                train = frames[(frames < lo - 2 * gap - 1) | (frames > hi + 2 * gap + 1)]
            else:
                train = frames[(frames < lo - gap) | (frames > hi + gap)]
            folds.append((train, test))
        if mistake == "one fold short":
            return folds[:-1]
        return folds

    return blocked_folds


q2 = Exercise(
    N_("Exercise 2: blocked folds with a gap"),
    _q2_check,
    [
        N_(
            "Start with the test blocks: `np.array_split(np.arange(n_frames), n_folds)` cuts "
            "consecutive runs whose sizes differ by at most one."
        ),
        N_(
            "For each block, keep for training every frame index below `first - gap` or above "
            "`last + gap`, where `first` and `last` are the block's ends (a boolean mask on "
            "`np.arange(n_frames)`, then `np.flatnonzero`)."
        ),
        N_(
            "Check one fold by hand for n_frames=40, n_folds=4, gap=3: the second block tests "
            "frames 10-19 and trains on 0-6 and 23-39."
        ),
        N_("Still stuck? `exercises.q2.solution()` shows the course's function."),
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (lambda ctx: _wrong_folds("shuffled"), "not one run of consecutive frames"),
        (lambda ctx: _wrong_folds("no gap"), "Frames within `gap`"),
        (lambda ctx: _wrong_folds("one side"), "after its test block"),
        (lambda ctx: _wrong_folds("too much"), "does not train on frame"),
        (lambda ctx: _wrong_folds("floats"), "of type float64"),
        (lambda ctx: _wrong_folds("plain"), "are in no test fold"),
        (lambda ctx: _wrong_folds("last takes the rest"), "as equal as possible"),
        (lambda ctx: _wrong_folds("one fold short"), "gives 3 folds"),
        (lambda ctx: _wrong_folds("generator"), "returns None"),
        (lambda ctx: _q2_solution()(40, 4, 3), "function itself"),
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

    def build_deep(seed):
        keras.utils.set_random_seed(seed)
        frames = keras.Input(shape=(FRAME,))
        x = frames
        for _ in range(6):  # ReLU: slope 1 where active; He: the signal keeps its size
            x = keras.layers.Dense(64, activation="relu", kernel_initializer="he_uniform")(x)
        x = keras.layers.Dense(CODE)(x)  # the code: linear
        for _ in range(6):
            x = keras.layers.Dense(64, activation="relu", kernel_initializer="he_uniform")(x)
        return keras.Model(frames, keras.layers.Dense(FRAME)(x))  # the output: linear

    return build_deep


def _q4_activation(layer) -> str:
    return getattr(getattr(layer, "activation", None), "__name__", "linear")


def _q4_check(answer, frames, val_frames):
    import warnings

    import keras

    from .. import training

    if isinstance(answer, keras.Model) or not callable(answer):
        raise Incorrect(tr("Give your function itself (`answer = build_deep`), not the model."))
    frames = as_float_array(frames, "frames", ndim=2)
    val_frames = as_float_array(val_frames, "val_frames", ndim=2)
    with _refusing(
        "course_utils.models:build_dense_autoencoder",
        message=tr(
            "Your build_deep calls `models.build_dense_autoencoder` (perhaps through "
            "`deep_model`), which already holds section 6's fix: write the stack yourself, "
            "layer by layer, with `keras.Input` and `keras.layers.Dense`."
        ),
        function=answer,
    ):
        model = answer(0)
    if not isinstance(model, keras.Model):
        raise Incorrect(
            tr("Your function returned {kind}; it must return the (untrained) Keras model.").format(
                kind=type(model).__name__
            )
        )
    inputs = getattr(model, "inputs", None)
    if inputs and tuple(inputs[0].shape[1:]) != (FRAME,):
        raise Incorrect(
            tr("Your model takes {shape} numbers per row; a frame has {frame} samples.").format(
                shape=tuple(inputs[0].shape[1:]), frame=FRAME
            )
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        output = np.asarray(model(frames[:8]))
    _refuse_uncalled_layers(model)
    if output.shape != (8, FRAME):
        raise Incorrect(
            tr(
                "For 8 frames your model gives shape {shape}; it rebuilds each frame of {frame} "
                "samples."
            ).format(shape=output.shape, frame=FRAME)
        )
    kernels = [w for w in model.weights if len(w.shape) == 2]
    if len(kernels) < Q4_KERNELS:
        raise Incorrect(
            tr(
                "Your model has {count} weight matrices; the deep stack has {kernels} "
                "({depth} hidden layers on each side, the code and the output). Keep the depth: "
                "the exercise is to make a *deep* stack learn, not to remove it. (Does each Dense "
                "layer take the previous layer's output, `x = Dense(...)(x)`?)"
            ).format(count=len(kernels), kernels=Q4_KERNELS, depth=Q4_DEPTH)
        )
    if _narrowest_layer(model) > CODE:
        raise Incorrect(
            tr(
                "The model's narrowest layer has {units} units: it must still squeeze each frame "
                "through a code of at most {code} numbers."
            ).format(units=_narrowest_layer(model), code=CODE)
        )
    dense = [
        layer
        for layer in model._flatten_layers(include_self=False, recursive=True)
        if isinstance(layer, keras.layers.Dense)
    ]
    hidden = [layer for layer in dense[:-1] if int(layer.units) != CODE]
    widths = sorted({int(layer.units) for layer in hidden})
    if widths != [64]:
        raise Incorrect(
            tr(
                "Your hidden layers have {widths} units; the exercise keeps section 6's stack, "
                "64 units in every hidden layer. Change how it learns, not its size."
            ).format(widths=widths)
        )
    for layer, role in (
        (dense[-1], tr("output")),
        *((d, tr("code")) for d in dense[:-1] if int(d.units) == CODE),
    ):
        if _q4_activation(layer) != "linear":
            raise Incorrect(
                tr(
                    "Your {role} layer uses {activation}; it must be linear: the standardized "
                    "samples (and the code) take negative values too."
                ).format(role=role, activation=_q4_activation(layer))
            )
    norms = list(training.gradient_norms(model, frames[:64]).values())
    ratio = norms[0] / norms[-1] if norms[-1] > 0 else float("nan")
    try:
        training.train_minibatch(model, frames, steps=Q4_STEPS, batch_size=32)
    except SignalError:  # the course's trainer stops at a NaN or infinite loss
        raise Incorrect(
            tr("The model outputs NaN or infinite values: the training diverged.")
        ) from None
    val_error = _relative_error(model, val_frames)
    if not np.isfinite(val_error):
        raise Incorrect(tr("The model outputs NaN or infinite values: the training diverged."))
    if val_error >= Q4_TARGET:
        if ratio < 1e-3:
            raise Incorrect(
                tr(
                    "After {steps} steps the validation relative error is {error:.3f} (silence: "
                    "1.0). Before training, the first layer's gradient was {ratio:.1e} times the "
                    "last layer's: it vanishes on its way down, so the first layers never learn. "
                    "Which activation and initialization keep it alive (section 6)?"
                ).format(steps=Q4_STEPS, error=val_error, ratio=ratio)
            )
        raise Incorrect(
            tr(
                "After {steps} steps the validation relative error is {error:.3f} (silence: 1.0): "
                "the model has hardly learned. Before training, the first layer's gradient was "
                "{ratio:.1e} times the last layer's."
            ).format(steps=Q4_STEPS, error=val_error, ratio=ratio)
        )


def _q4_stack(seed, activation="sigmoid", initializer="glorot_uniform", depth=Q4_DEPTH,
              width=64, code=CODE, output_activation=None, chained=True):  # fmt: skip
    """A deep stack written layer by layer, with one typical mistake (for the tests)."""
    import keras

    keras.utils.set_random_seed(seed)
    frames = keras.Input(shape=(FRAME,))
    x = frames
    for index in range(2 * depth + 1):
        units, act = (code, None) if index == depth else (width, activation)
        layer = keras.layers.Dense(units, activation=act, kernel_initializer=initializer)
        x = layer(x) if chained or index == 2 * depth else layer(frames)
    return keras.Model(frames, keras.layers.Dense(FRAME, activation=output_activation)(x))


def _q4_sigmoid_stack(seed):
    return _q4_stack(seed)


def _q4_shallow(seed):
    return _q4_stack(seed, activation="relu", initializer="he_uniform", depth=1)


def _q4_wide_code(seed):
    return _q4_stack(seed, activation="relu", initializer="he_uniform", code=128, width=256)


def _q4_unused_layer(seed):
    """A subclassed deep stack whose call skips one of the layers it creates (for the tests)."""
    import keras

    class Deep(keras.Model):
        def __init__(self):
            super().__init__()
            self.stack = [keras.layers.Dense(64, activation="relu") for _ in range(12)]
            self.code = keras.layers.Dense(CODE)
            self.out = keras.layers.Dense(FRAME)

        def call(self, x):
            for layer in self.stack[:6]:
                x = layer(x)
            x = self.code(x)
            for layer in self.stack[6:11]:  # the twelfth is never called
                x = layer(x)
            return self.out(x)

    keras.utils.set_random_seed(seed)
    return Deep()


def _q4_course_builder(seed):
    from course_utils import models

    return models.build_dense_autoencoder(
        FRAME, CODE, hidden_sizes=(64,) * 6, activation="relu", kernel_initializer="he_uniform"
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
            "Start from `keras.Input(shape=(FRAME,))`; in a loop, apply 6 Dense layers of 64 units, "
            "each to the previous one's output; then the code layer (CODE units, no activation), "
            "6 more Dense layers of 64, and a linear output layer of FRAME units."
        ),
        N_(
            "`keras.layers.Dense` takes `activation=` and `kernel_initializer=`: pick the pair "
            "section 6 found keeps the gradient's size. Wrap it with `keras.Model(inputs, outputs)`."
        ),
        N_("Still stuck? `exercises.q4.solution()` shows one way."),
    ],
    _q4_solution,
    context=_q4_context,
    wrong_answers=[
        (lambda ctx: _q4_sigmoid_stack, "it vanishes"),
        (lambda ctx: _q4_shallow, "Keep the depth"),
        (lambda ctx: _q4_wide_code, "narrowest layer"),
        (
            lambda ctx: lambda seed: _q4_stack(seed, "relu", "he_uniform", chained=False),
            "`x = Dense(...)(x)`",
        ),
        (lambda ctx: _q4_unused_layer, "never calls it"),
        (lambda ctx: lambda seed: _q4_stack(seed, "relu", "he_uniform", width=128), "[128] units"),
        (
            lambda ctx: (
                lambda seed: _q4_stack(seed, "relu", "he_uniform", output_activation="sigmoid")
            ),
            "output layer uses sigmoid",
        ),
        (lambda ctx: _q4_course_builder, "`models.build_dense_autoencoder`"),
        (lambda ctx: lambda seed: None, "must return"),
        (lambda ctx: _q4_shallow(0), "function itself"),
    ],
    solution_name="solution",
)
# The check trains the learner's stack for Q4_STEPS steps: a few seconds on 2 idle cores, but a
# loaded machine (a shared JupyterHub, a busy laptop) can take more than the default 60 s.
q4.time_limit = 180.0
