"""Exercises for 09_anomaly_detection: the baseline autoencoder, the AUC by counting pairs, a detector of your own.

Used in: 09_anomaly_detection.
"""

from __future__ import annotations

import functools

import numpy as np

from ..i18n import N_, tr
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3"]

#: The mean AUC over the lesson's five splits that exercise 3's detector must reach.
Q3_TARGET = 0.75
Q3_SEEDS = range(5)


# --- q1: the DCASE 2020 baseline autoencoder --------------------------------------------------------


def _q1_context():
    return {}


def _q1_solution():
    import keras

    def build_autoencoder(input_size, code_size=8, hidden=128, depth=4):
        inputs = keras.Input(shape=(input_size,), name="stacked_log_mel")
        x = inputs
        widths = [hidden] * depth + [code_size] + [hidden] * depth
        for index, width in enumerate(widths):
            x = keras.layers.Dense(width, name="code" if index == depth else f"dense_{index}")(x)
            x = keras.layers.BatchNormalization()(x)
            x = keras.layers.ReLU()(x)
        outputs = keras.layers.Dense(input_size, name="reconstruction")(x)
        model = keras.Model(inputs, outputs, name="anomaly_autoencoder")
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
        return model

    return build_autoencoder


def _q1_check(answer):
    import keras

    if isinstance(answer, keras.Model) or not callable(answer):
        raise Incorrect(
            tr("Give your builder function itself (`answer = build_autoencoder`), not a model.")
        )
    try:
        model = answer(640)
    except Exception as error:  # the learner's code failed: say how
        raise Incorrect(
            tr("`build_autoencoder(640)` raised {kind}: {error}").format(
                kind=type(error).__name__, error=error
            )
        ) from None
    if not isinstance(model, keras.Model):
        raise Incorrect(
            tr("`build_autoencoder(640)` returned {kind}; it must return the Keras model.").format(
                kind=type(model).__name__
            )
        )
    if tuple(model.input_shape) != (None, 640) or tuple(model.output_shape) != (None, 640):
        raise Incorrect(
            tr(
                "The model maps {input_shape} to {output_shape}; it must map 640 numbers to 640 "
                "numbers."
            ).format(input_shape=model.input_shape, output_shape=model.output_shape)
        )
    dense = [layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(dense) != 10 or min(dense) != 8 or sorted(dense)[1:-1] != [128] * 8:
        raise Incorrect(
            tr(
                "The Dense layers have {dense} units: the baseline has four of 128, a code of 8, "
                "four of 128 and the output."
            ).format(dense=dense)
        )
    norms = sum(isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers)
    if norms != 9:
        raise Incorrect(
            tr(
                "The model has {norms} batch normalization layers: the baseline normalizes after "
                "each of its hidden and code layers."
            ).format(norms=norms)
        )
    if getattr(model, "optimizer", None) is None or not getattr(model, "loss", None):
        raise Incorrect(
            tr("The model is not compiled: call `model.compile(...)` with an optimizer and a loss.")
        )


def _q1_no_norm():
    import keras

    def build(input_size, code_size=8, hidden=128, depth=4):
        x = inputs = keras.Input(shape=(input_size,))
        for width in [hidden] * depth + [code_size] + [hidden] * depth:
            x = keras.layers.Dense(width, activation="relu")(x)
        model = keras.Model(inputs, keras.layers.Dense(input_size)(x))
        model.compile(optimizer="adam", loss="mse")
        return model

    return build


q1 = Exercise(
    N_("Exercise 1: the DCASE 2020 baseline autoencoder"),
    _q1_check,
    [
        N_(
            "Start from `keras.Input(shape=(input_size,))` and add layers in a loop over the widths: "
            "`depth` times `hidden`, then `code_size`, then `depth` times `hidden` again."
        ),
        N_(
            "Each of those layers is three Keras layers in a row: `Dense(width)`, `BatchNormalization()`, "
            "`ReLU()`. The output is one `Dense(input_size)` without an activation."
        ),
        N_(
            "Build `keras.Model(inputs, outputs)` and call `model.compile(...)` with Adam and the mean squared error."
        ),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (lambda ctx: _q1_no_norm(), "batch normalization"),
        (
            lambda ctx: lambda input_size, **kw: _q1_solution()(input_size, code_size=32),
            "Dense layers",
        ),
        (lambda ctx: lambda input_size, **kw: None, "must return the Keras model"),
    ],
    solution_name="solution",
)


# --- q2: the AUC by counting pairs ---------------------------------------------------------------


def _q2_context():
    return {}


def _q2_solution():
    def auc_by_pairs(normal_scores, abnormal_scores):
        normal = np.asarray(normal_scores, dtype=float)[None, :]  # a row
        abnormal = np.asarray(abnormal_scores, dtype=float)[:, None]  # a column: every pair at once
        return float(np.mean((abnormal > normal) + 0.5 * (abnormal == normal)))

    return auc_by_pairs


_auc_by_pairs = _q2_solution()


def _q2_cases():
    rng = np.random.default_rng(9)
    yield [0.1, 0.2, 0.3], [0.4, 0.5]  # perfect
    yield [0.4, 0.5], [0.1, 0.2, 0.3]  # upside down
    yield [1.0, 2.0, 2.0], [2.0, 3.0]  # ties
    for n_normal, n_abnormal in ((6, 20), (13, 7)):
        yield rng.normal(size=n_normal).tolist(), (rng.normal(size=n_abnormal) + 0.7).tolist()


def _q2_check(answer):
    if not callable(answer):
        raise Incorrect(tr("Give your function itself (`answer = auc_by_pairs`), not a number."))
    for normal, abnormal in _q2_cases():
        try:
            value = answer(np.array(normal), np.array(abnormal))
        except Exception as error:  # the learner's code failed: say how
            raise Incorrect(
                tr("Your function raised {kind}: {error}").format(
                    kind=type(error).__name__, error=error
                )
            ) from None
        if value is None or not np.isscalar(value) and np.ndim(value) != 0:
            raise Incorrect(tr("Your function must return one number, the AUC."))
        expected = _auc_by_pairs(normal, abnormal)
        if not np.isclose(float(value), expected, atol=1e-9):
            ties = len(set(normal) & set(abnormal)) > 0
            detail = tr(" Look at how it counts a tie.") if ties else ""
            raise Incorrect(
                tr(
                    "For normal scores {normal} and abnormal scores "
                    "{abnormal} your function returned {value:.4g}.{detail}"
                ).format(
                    normal=np.round(normal, 2).tolist(),
                    abnormal=np.round(abnormal, 2).tolist(),
                    value=float(value),
                    detail=detail,
                )
            )


q2 = Exercise(
    N_("Exercise 2: the AUC by counting pairs"),
    _q2_check,
    [
        N_(
            "Compare every abnormal score with every normal score. NumPy broadcasting does it in one line: "
            "a column of one against a row of the other."
        ),
        N_(
            "The AUC is the mean over all pairs of 1 when the abnormal score is higher, 0.5 when they are "
            "equal, 0 otherwise."
        ),
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (0.8, "function itself"),
        (
            lambda ctx: (
                lambda n, a: float(np.mean(np.asarray(a)[:, None] > np.asarray(n)[None, :]))
            ),
            "tie",
        ),
        (
            lambda ctx: (
                lambda n, a: float(np.mean(np.asarray(a)[:, None] < np.asarray(n)[None, :]))
            ),
            "returned",
        ),
    ],
    solution_name="solution",
)


# --- q3 (open): a detector of your own -----------------------------------------------------------


def _q3_context():
    return {}


@functools.lru_cache(maxsize=1)
def _bundled_mels():
    from .. import anomaly

    sounds = anomaly.load_machine_sounds()
    return (
        tuple(anomaly.log_mel_frames(c, sounds.sr) for c in sounds.normal),
        tuple(anomaly.log_mel_frames(c, sounds.sr) for c in sounds.abnormal),
    )


def _q3_solution():
    from course_utils import anomaly

    def detector(train_mels, test_mels):
        # A Gaussian on each clip's mean log-mel, scored by the Mahalanobis distance (section 6).
        return anomaly.gaussian_scores(
            [m.mean(axis=0) for m in train_mels], [m.mean(axis=0) for m in test_mels]
        )

    return detector


def _q3_check(answer, mels=None):
    from .. import anomaly

    if not callable(answer):
        raise Incorrect(
            tr("Give your detector function itself (`answer = detector`), not its scores.")
        )
    normal, abnormal = mels if mels is not None else _bundled_mels()
    aucs = []
    for seed in Q3_SEEDS:
        train, test = anomaly.split_normal(len(normal), seed)
        test_mels = [normal[i] for i in test] + list(abnormal)
        try:
            scores = np.asarray(answer([normal[i] for i in train], test_mels), dtype=float).ravel()
        except Exception as error:  # the learner's code failed: say how
            raise Incorrect(
                tr("Your detector raised {kind} on split {seed}: {error}").format(
                    kind=type(error).__name__, seed=seed, error=error
                )
            ) from None
        if scores.shape != (len(test_mels),):
            raise Incorrect(
                tr(
                    "Your detector must return one score per test clip ({len_test_mels}); it returned "
                    "{size}."
                ).format(len_test_mels=len(test_mels), size=scores.size)
            )
        if not np.all(np.isfinite(scores)):
            raise Incorrect(tr("Your detector returned NaN or infinite scores."))
        aucs.append(anomaly.auc(scores[: len(test)], scores[len(test) :]))
    mean = float(np.mean(aucs))
    if mean < Q3_TARGET:
        raise Incorrect(
            tr(
                "Mean AUC over the five splits: {mean:.2f} (per split {aucs}); not yet {Q3_TARGET}."
            ).format(mean=mean, aucs=np.round(aucs, 2).tolist(), Q3_TARGET=Q3_TARGET)
        )


def _q3_loudness(train_mels, test_mels):
    train_mean = np.mean([m.mean() for m in train_mels])
    return np.array([abs(m.mean() - train_mean) for m in test_mels])


q3 = Exercise(
    N_("Exercise 3 (open): a detector of your own"),
    _q3_check,
    [
        N_(
            "Start from what section 6 found strongest, then try to do better: which summary of a clip "
            "separates the two classes?"
        ),
        N_(
            "A clip's mean log-mel per band is 128 numbers; the normal training clips give 14 of those "
            "vectors. How far is a test clip's vector from theirs, taking their spread into account?"
        ),
        N_(
            "`anomaly.gaussian_scores(train_vectors, test_vectors)` computes a Mahalanobis distance with a "
            "Ledoit-Wolf covariance."
        ),
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda ctx: _q3_loudness, "not yet"),
        (lambda ctx: lambda train, test: np.zeros(3), "one score per test clip"),
        (lambda ctx: np.zeros(26), "function itself"),
    ],
    solution_name="solution",
)
