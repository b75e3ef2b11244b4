"""Exercises for 09_anomaly_detection: the baseline autoencoder, the AUC by counting pairs, a detector of your own.

Used in: 09_anomaly_detection.
"""

from __future__ import annotations

import functools

import numpy as np

from ..i18n import N_, tr
from ._core import Exercise, Incorrect, _refusing

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


#: The calls q1's check makes: the lesson's sizes, then small ones (a builder must follow its arguments).
Q1_CASES = (
    {"input_size": 640},
    {"input_size": 64, "code_size": 4, "hidden": 16, "depth": 2},
)


def _activation_name(layer):
    return getattr(getattr(layer, "activation", None), "__name__", "linear")


def _q1_call_text(case):
    return "`build_autoencoder({arguments})`".format(
        arguments=", ".join(
            [str(case["input_size"])] + [f"{k}={v}" for k, v in case.items() if k != "input_size"]
        )
    )


def _q1_check(answer):
    import keras

    if isinstance(answer, keras.Model) or not callable(answer):
        raise Incorrect(
            tr("Give your builder function itself (`answer = build_autoencoder`), not a model.")
        )
    for case in Q1_CASES:
        call = _q1_call_text(case)
        size, code = case["input_size"], case.get("code_size", 8)
        hidden, depth = case.get("hidden", 128), case.get("depth", 4)
        keras.utils.set_random_seed(0)
        try:
            model = answer(**case)
        except Exception as error:  # the learner's code failed: say how
            raise Incorrect(
                tr("{call} raised {kind}: {error}").format(
                    call=call, kind=type(error).__name__, error=error
                )
            ) from None
        if not isinstance(model, keras.Model):
            raise Incorrect(
                tr("{call} returned {kind}; it must return the Keras model.").format(
                    call=call, kind=type(model).__name__
                )
            )
        if tuple(model.input_shape) != (None, size) or tuple(model.output_shape) != (None, size):
            raise Incorrect(
                tr(
                    "{call} maps {input_shape} to {output_shape}; it must map input_size numbers "
                    "to input_size numbers."
                ).format(call=call, input_shape=model.input_shape, output_shape=model.output_shape)
            )
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        units = [int(layer.units) for layer in dense]
        wanted = [hidden] * depth + [code] + [hidden] * depth + [size]
        if len(units) < len(wanted):
            raise Incorrect(
                tr(
                    "{call} holds {count} Dense layers ({units}); it needs {needed}: depth hidden "
                    "layers, the code, depth hidden layers and the output. A layer that is created "
                    "but never called on `x` (`keras.layers.Dense(width)` without `(x)` after it) "
                    "is not part of the model."
                ).format(call=call, count=len(units), units=units, needed=len(wanted))
            )
        if units != wanted:
            raise Incorrect(
                tr(
                    "{call} has Dense layers of {units} units; these arguments ask for {wanted}. "
                    "Use the arguments code_size, hidden and depth, not fixed numbers."
                ).format(call=call, units=units, wanted=wanted)
            )
        norms = sum(isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers)
        if norms != 2 * depth + 1:
            raise Incorrect(
                tr(
                    "{call} has {norms} batch normalization layers for {layers} hidden and code "
                    "layers: the baseline normalizes after each of them. A layer created but never "
                    "called on `x` does not count."
                ).format(call=call, norms=norms, layers=2 * depth + 1)
            )
        if _activation_name(dense[-1]) != "linear":
            raise Incorrect(
                tr(
                    "Your output layer uses {activation}. Standardised log-mel numbers are negative "
                    "about half the time and can exceed 1: the reconstruction layer must be linear "
                    "(no activation)."
                ).format(activation=_activation_name(dense[-1]))
            )
        relus = sum(isinstance(layer, keras.layers.ReLU) for layer in model.layers)
        relus += sum(
            _activation_name(layer) == "relu"
            for layer in model.layers
            if isinstance(layer, (keras.layers.Dense, keras.layers.Activation))
            and layer is not dense[-1]
        )
        if relus < 2 * depth + 1:
            raise Incorrect(
                tr(
                    "{call} has {relus} ReLU activations for {layers} hidden and code layers: "
                    "without them the whole network is linear, no more than PCA."
                ).format(call=call, relus=relus, layers=2 * depth + 1)
            )
        if getattr(model, "optimizer", None) is None or not getattr(model, "loss", None):
            raise Incorrect(
                tr(
                    "The model is not compiled: call `model.compile(...)` with an optimizer and a "
                    "loss before returning it."
                )
            )
        loss = model.loss
        if not isinstance(loss, str):  # a loss object (MeanSquaredError()) or function
            loss = getattr(loss, "__name__", type(loss).__name__)
        if str(loss).lower().replace("_", "") not in {"mse", "meansquarederror"}:
            raise Incorrect(
                tr(
                    "The model is compiled with the loss {loss}; the anomaly score is the mean "
                    'squared reconstruction error, so train on that: loss="mse".'
                ).format(loss=loss)
            )
        frames = np.random.default_rng(0).normal(size=(16, size)).astype(np.float32)
        if not np.all(np.isfinite(np.asarray(model(frames, training=False)))):
            raise Incorrect(tr("Your model's output holds NaN or infinite values."))


def _q1_wrong(**mistakes):
    """A build_autoencoder with one typical mistake, for the tests."""
    import keras

    def build_autoencoder(input_size, code_size=8, hidden=128, depth=4):
        x = inputs = keras.Input(shape=(input_size,))
        if mistakes.get("fixed"):
            code_size, hidden, depth = 8, 128, 4
        for width in [hidden] * depth + [code_size] + [hidden] * depth:
            if mistakes.get("skip_dense"):
                keras.layers.Dense(width)  # built, never called
            else:
                x = keras.layers.Dense(width, activation=mistakes.get("activation"))(x)
            if mistakes.get("norm", "called") == "called":
                x = keras.layers.BatchNormalization()(x)
            elif mistakes.get("norm") == "uncalled":
                keras.layers.BatchNormalization()  # built, never called
            if not mistakes.get("no_relu"):
                x = keras.layers.ReLU()(x)
        outputs = keras.layers.Dense(input_size, activation=mistakes.get("output"))(x)
        model = keras.Model(inputs, outputs)
        if mistakes.get("compile", True):
            model.compile(optimizer="adam", loss=mistakes.get("loss", "mse"))
        return model

    return build_autoencoder


q1 = Exercise(
    N_("Exercise 1: the DCASE 2020 baseline autoencoder"),
    _q1_check,
    [
        N_(
            "Start from `keras.Input(shape=(input_size,))` and add layers in a loop over the widths: "
            "`depth` times `hidden`, then `code_size`, then `depth` times `hidden` again."
        ),
        N_(
            "Each of those layers is three Keras layers in a row, each called on the previous "
            "result: `x = layer(x)`. Which three does the text name? The output is one more Dense "
            "layer of `input_size` units."
        ),
        N_(
            "Build `keras.Model(inputs, outputs)` and call `model.compile(...)` with Adam and the "
            "mean squared error before returning it."
        ),
        N_("Still stuck? `exercises.q1.solution()` shows the course's builder."),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (lambda ctx: _q1_wrong(norm="none"), "batch normalization"),
        (lambda ctx: _q1_wrong(norm="uncalled"), "never called"),
        (lambda ctx: _q1_wrong(skip_dense=True), "never called on `x`"),
        (lambda ctx: _q1_wrong(fixed=True), "not fixed numbers"),
        (lambda ctx: _q1_wrong(output="sigmoid"), "output layer uses sigmoid"),
        (lambda ctx: _q1_wrong(no_relu=True), "ReLU"),
        (lambda ctx: _q1_wrong(compile=False), "not compiled"),
        (lambda ctx: _q1_wrong(loss="mae"), 'loss="mse"'),
        (lambda ctx: lambda input_size, **kw: None, "must return the Keras model"),
        (lambda ctx: _q1_solution()(64), "not a model"),
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

#: Where the ready-made AUCs live; the exercise asks for the pairs to be counted, not looked up.
_READY_MADE_AUC = {
    "sklearn.metrics:roc_auc_score": "scikit-learn's `roc_auc_score`",
    "course_utils.anomaly:auc": "the course's `anomaly.auc`",
    "sklearn.metrics:roc_curve": "scikit-learn's `roc_curve`",
}


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
    refusals = {
        name: tr(
            "Your function calls {used}. It gives the right number, but the exercise is to "
            "count the pairs yourself, so that you see what an AUC is: compare every "
            "abnormal score with every normal score."
        ).format(used=used)
        for name, used in _READY_MADE_AUC.items()
    }
    for normal, abnormal in _q2_cases():
        try:
            with _refusing(*_READY_MADE_AUC, message=refusals, function=answer):
                value = answer(np.array(normal), np.array(abnormal))
        except Incorrect:
            raise
        except Exception as error:  # the learner's code failed: say how
            raise Incorrect(
                tr("Your function raised {kind}: {error}").format(
                    kind=type(error).__name__, error=error
                )
            ) from None
        if value is None:
            raise Incorrect(tr("Your function returns None: `return` the AUC, one number."))
        if np.ndim(value) != 0:
            raise Incorrect(
                tr(
                    "Your function returns an array of shape {shape}, one value per pair or per "
                    "clip; the AUC is one number: the mean over all pairs."
                ).format(shape=np.shape(value))
            )
        expected = _auc_by_pairs(normal, abnormal)
        if np.isclose(float(value), expected, atol=1e-9):
            continue
        ties = len(set(normal) & set(abnormal)) > 0
        shown_normal, shown_abnormal = np.round(normal, 2).tolist(), np.round(abnormal, 2).tolist()
        if np.isclose(float(value), 1.0 - expected, atol=1e-9) and not np.isclose(expected, 0.5):
            raise Incorrect(
                tr(
                    "For normal scores {normal} and abnormal scores {abnormal} your function returned {value:.4g}, one minus the AUC: it counts the pairs "
                    "where the *normal* clip scores higher. The AUC counts those where the abnormal "
                    "one does."
                ).format(value=float(value), normal=shown_normal, abnormal=shown_abnormal)
            )
        if float(value) in (0.0, 1.0) and 0 < expected < 1:
            raise Incorrect(
                tr(
                    "For normal scores {normal} and abnormal scores {abnormal} your function returned {value:g}, all or nothing: it compares one summary of "
                    "each group (a mean?) instead of counting every (abnormal, normal) pair."
                ).format(value=float(value), normal=shown_normal, abnormal=shown_abnormal)
            )
        pairs_a, pairs_n = np.asarray(abnormal)[:, None], np.asarray(normal)[None, :]
        tie_miscounted = ties and any(
            np.isclose(float(value), float(np.mean(counted)), atol=1e-9)
            for counted in (pairs_a > pairs_n, pairs_a >= pairs_n)
        )
        if tie_miscounted:
            raise Incorrect(
                tr(
                    "For normal scores {normal} and abnormal scores {abnormal} your function returned {value:.4g}. Look at how it counts a tie: a pair with "
                    "equal scores counts one half."
                ).format(value=float(value), normal=shown_normal, abnormal=shown_abnormal)
            )
        raise Incorrect(
            tr(
                "For normal scores {normal} and abnormal scores {abnormal} your function returned {value:.4g}. Count every (abnormal, normal) pair once and "
                "divide by the number of pairs."
            ).format(value=float(value), normal=shown_normal, abnormal=shown_abnormal)
        )


def _q2_wrong(kind):
    """An auc_by_pairs with one typical mistake, for the tests."""
    if kind in ("sklearn", "course"):  # functions of their own: a check refuses what reaches them
        return {"sklearn": _sklearn_auc, "course": _course_auc}[kind]

    def auc_by_pairs(normal_scores, abnormal_scores):
        normal = np.asarray(normal_scores, dtype=float)[None, :]
        abnormal = np.asarray(abnormal_scores, dtype=float)[:, None]
        if kind == "no ties":
            return float(np.mean(abnormal > normal))
        if kind == "inverted":
            return float(np.mean((abnormal < normal) + 0.5 * (abnormal == normal)))
        if kind == "pairs":
            return (abnormal > normal) + 0.5 * (abnormal == normal)
        if kind == "means":
            return float(abnormal.mean() > normal.mean())
        if kind == "none":
            np.mean(abnormal > normal)
            return None
        if kind == "per clip":
            return (abnormal > normal).mean(axis=1)
        raise ValueError(kind)

    return auc_by_pairs


def _sklearn_auc(normal_scores, abnormal_scores):
    """A shortcut q2 refuses: scikit-learn's AUC (for the tests)."""
    from sklearn.metrics import roc_auc_score

    normal, abnormal = np.ravel(normal_scores), np.ravel(abnormal_scores)
    labels = np.r_[np.zeros(normal.size), np.ones(abnormal.size)]
    return float(roc_auc_score(labels, np.r_[normal, abnormal]))


def _course_auc(normal_scores, abnormal_scores):
    """A shortcut q2 refuses: the course's own AUC (for the tests)."""
    from course_utils import anomaly

    return anomaly.auc(normal_scores, abnormal_scores)


q2 = Exercise(
    N_("Exercise 2: the AUC by counting pairs"),
    _q2_check,
    [
        N_(
            "Compare every abnormal score with every normal score. NumPy broadcasting does it in one "
            "step: a column of one group against a row of the other gives a table of all pairs."
        ),
        N_(
            "Each pair counts 1 when the abnormal score is higher, one half when they are equal, 0 "
            "otherwise; the AUC is the mean over the table."
        ),
        N_("Still stuck? `exercises.q2.solution()` shows the course's function."),
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (0.8, "function itself"),
        (lambda ctx: _q2_wrong("no ties"), "tie"),
        (lambda ctx: _q2_wrong("inverted"), "one minus the AUC"),
        (lambda ctx: _q2_wrong("pairs"), "one number: the mean over all pairs"),
        (lambda ctx: _q2_wrong("per clip"), "array of shape"),
        (lambda ctx: _q2_wrong("means"), "all or nothing"),
        (lambda ctx: _q2_wrong("sklearn"), "roc_auc_score"),
        (lambda ctx: _q2_wrong("course"), "anomaly.auc"),
        (lambda ctx: _q2_wrong("none"), "returns None"),
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


def _run_detector(answer, train_mels, test_mels, seed):
    try:
        scores = answer(list(train_mels), list(test_mels))
    except Exception as error:  # the learner's code failed: say how
        raise Incorrect(
            tr("Your detector raised {kind} on split {seed}: {error}").format(
                kind=type(error).__name__, seed=seed, error=error
            )
        ) from None
    if scores is None:
        raise Incorrect(tr("Your detector returns None: `return` one score per test clip."))
    try:
        scores = np.asarray(scores, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(tr("Your detector must return numbers, one score per test clip.")) from None
    if scores.shape != (len(test_mels),):
        raise Incorrect(
            tr(
                "Your detector must return one score per test clip, an array of shape "
                "({count},); it returned shape {shape}. Summarise each clip's frames into one "
                "number."
            ).format(count=len(test_mels), shape=scores.shape)
        )
    if not np.all(np.isfinite(scores)):
        raise Incorrect(tr("Your detector returned NaN or infinite scores."))
    return scores


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
        train_mels = [normal[i] for i in train]
        test_mels = [normal[i] for i in test] + list(abnormal)
        scores = _run_detector(answer, train_mels, test_mels, seed)
        aucs.append(anomaly.auc(scores[: len(test)], scores[len(test) :]))
        if seed == Q3_SEEDS[0]:
            # A clip's score may depend on the training clips, never on the other test clips.
            fewer = _run_detector(answer, train_mels, test_mels[: len(test) + 5], seed)
            if not np.allclose(fewer, scores[: len(fewer)], rtol=1e-6, atol=1e-9):
                raise Incorrect(
                    tr(
                        "The scores of the same clips change when other clips leave the test set: "
                        "your detector learns from the test clips (their mean, their spread, a "
                        "model fitted to them). In a factory the faulty clips are not there to "
                        "learn from: fit everything on `train_mels` only."
                    )
                )
            other = anomaly.split_normal(len(normal), seed + 1)[0]
            moved = _run_detector(answer, [normal[i] for i in other], test_mels, seed)
            if np.allclose(moved, scores, rtol=1e-9, atol=1e-12):
                raise Incorrect(
                    tr(
                        "Your detector gives the same scores whatever normal clips it trains on: "
                        "it never uses `train_mels`. Compare each test clip with the normal "
                        "training clips (and with nothing else: not with the lesson's abnormal "
                        "clips)."
                    )
                )
    mean = float(np.mean(aucs))
    if mean < 0.5:
        raise Incorrect(
            tr(
                "Mean AUC over the five splits: {mean:.2f}, below 0.5 (guessing): your scores are "
                "upside down, higher for normal clips. Return a score that grows as a clip gets "
                "*less* like the training clips (e.g. a distance, not a similarity)."
            ).format(mean=mean)
        )
    if mean < Q3_TARGET:
        raise Incorrect(
            tr(
                "Mean AUC over the five splits: {mean:.2f} (per split {aucs}); not yet {Q3_TARGET}."
            ).format(mean=mean, aucs=np.round(aucs, 2).tolist(), Q3_TARGET=Q3_TARGET)
        )


def _q3_loudness(train_mels, test_mels):
    train_mean = np.mean([m.mean() for m in train_mels])
    return np.array([abs(m.mean() - train_mean) for m in test_mels])


def _q3_euclidean(train_mels, test_mels):
    """A plain distance from the training clips' mean log-mel: a fair start, below the target."""
    centre = np.mean([m.mean(axis=0) for m in train_mels], axis=0)
    return np.array([np.linalg.norm(m.mean(axis=0) - centre) for m in test_mels])


def _q3_wrong(kind):
    """A detector with one typical mistake, for the tests."""
    from course_utils import anomaly

    solution = _q3_solution()

    def detector(train_mels, test_mels):
        if kind == "inverted":
            return -solution(train_mels, test_mels)
        if kind == "test fitted":  # standardises with the test clips' statistics
            test = np.array([m.mean(axis=0) for m in test_mels])
            train = np.array([m.mean(axis=0) for m in train_mels])
            centre, spread = test.mean(axis=0), test.std(axis=0) + 1e-6
            return anomaly.gaussian_scores((train - centre) / spread, (test - centre) / spread)
        if kind == "no training":  # the lesson's own clips, abnormal ones included
            everything = list(_bundled_mels()[0]) + list(_bundled_mels()[1])
            return solution(everything, test_mels)
        if kind == "per frame":
            return np.concatenate([m.mean(axis=1) for m in test_mels])
        if kind == "nan":
            return np.full(len(test_mels), np.nan)
        raise ValueError(kind)

    return detector


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
            "The `anomaly` module has the distance section 6 used, fitted on training vectors and "
            "applied to test vectors. Still stuck? `exercises.q3.solution()` shows one detector."
        ),
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda ctx: _q3_loudness, "upside down"),
        (lambda ctx: _q3_euclidean, "not yet 0.75"),
        (lambda ctx: lambda train, test: np.zeros(3), "one score per test clip"),
        (lambda ctx: np.zeros(26), "function itself"),
        (lambda ctx: _q3_wrong("inverted"), "upside down"),
        (lambda ctx: _q3_wrong("test fitted"), "learns from the test clips"),
        (lambda ctx: _q3_wrong("no training"), "never uses `train_mels`"),
        (lambda ctx: _q3_wrong("per frame"), "Summarise each clip"),
        (lambda ctx: _q3_wrong("nan"), "NaN"),
    ],
    solution_name="solution",
)
