"""Exercises for 10_recognition: per-clip normalisation, a speaker-held-out split, reading a confusion matrix, a feature that keeps the tone.

Used in: 10_recognition.
"""

from __future__ import annotations

import numpy as np

from ..i18n import N_, tr
from ._core import Exercise, Incorrect, _refusing

__all__ = ["q1", "q2", "q3", "q4", "encoder"]


# --- q1: per-clip CMVN ---------------------------------------------------------------------------


def _q1_context():
    rng = np.random.default_rng(8)
    bands, frames = 6, 10
    # A word-like pattern plus a microphone colouring (a constant per band) and a loudness offset.
    word = rng.standard_normal((bands, frames)) * 4.0
    colouring = np.linspace(-6.0, 9.0, bands)[:, None]
    return {"patch": (word + colouring + 20.0).astype(np.float32)}


def _q1_solution(patch):
    centred = patch - patch.mean(axis=1, keepdims=True)
    return centred / centred.std()


def _q1_check(answer, patch):
    answer = np.asarray(answer, dtype=np.float64) if not isinstance(answer, (str, bytes)) else None
    if answer is None or answer.shape != patch.shape:
        shape = None if answer is None else answer.shape
        raise Incorrect(
            tr("Give an array of the patch's shape, {shape}; got {shape2}.").format(
                shape=patch.shape, shape2=shape
            )
        )
    expected = _q1_solution(patch.astype(np.float64))
    if np.allclose(answer, expected, atol=1e-4):
        return
    over_bands = patch - patch.mean(axis=0, keepdims=True)
    if np.allclose(answer, over_bands / over_bands.std(), atol=1e-4) or np.allclose(
        answer, over_bands, atol=1e-4
    ):
        raise Incorrect(
            tr(
                "That removes each *frame's* mean over the bands; the microphone's colouring is a "
                "constant per *band*, over time."
            )
        )
    centred = patch - patch.mean(axis=1, keepdims=True)
    if np.allclose(answer, centred, atol=1e-4):
        raise Incorrect(tr("The band means are removed, but the spread is not normalised yet."))
    per_band = centred / centred.std(axis=1, keepdims=True)
    if np.allclose(answer, per_band, atol=1e-4):
        raise Incorrect(
            tr(
                "That is the textbook per-band CMVN: each band divided by its *own* spread, a sound "
                "normalisation too. This course's patches divide the centred patch by *one* spread, so "
                "that a band that changes a lot over time (a formant moving through a word) keeps larger "
                "values than a band that barely changes. Use the whole centred patch's standard deviation."
            )
        )
    plain = patch - patch.mean()
    if np.allclose(answer, plain / plain.std(), atol=1e-4):
        raise Incorrect(
            tr(
                "That removes one overall mean (the loudness) but not each band's own offset (the "
                "microphone's colouring)."
            )
        )
    raise Incorrect(
        tr("That is not the patch with each band's offset removed and its spread normalised.")
    )


q1 = Exercise(
    N_("Exercise 1: per-clip mean and variance normalisation"),
    _q1_check,
    [
        N_(
            "A patch has shape `(bands, frames)`. A microphone colours a recording by adding a constant "
            "to each band (row) for the whole clip; loudness adds one constant to everything."
        ),
        N_(
            "Remove each band's own mean over time: a mean along `axis=1`, with `keepdims=True` so the "
            "shapes line up when you subtract."
        ),
        N_("Then divide the whole centred patch by its standard deviation."),
        N_("Still stuck? `exercises.q1.solution()` shows the course's answer."),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (lambda ctx: ctx["patch"] - ctx["patch"].mean(axis=0, keepdims=True), "frame's"),
        (lambda ctx: ctx["patch"] - ctx["patch"].mean(axis=1, keepdims=True), "spread"),
        (
            lambda ctx: (
                (ctx["patch"] - ctx["patch"].mean()) / (ctx["patch"] - ctx["patch"].mean()).std()
            ),
            "colouring",
        ),
        (lambda ctx: ctx["patch"][:, :5], "the patch's shape"),
        (
            lambda ctx: (
                (ctx["patch"] - ctx["patch"].mean(axis=1, keepdims=True))
                / ctx["patch"].std(axis=1, keepdims=True)
            ),
            "per-band CMVN",
        ),
    ],
    solution_name="cmvn",
)


# --- q2: a leave-one-speaker-out split by hand ----------------------------------------------------


def _q2_context():
    speakers = np.array(["ann", "bob", "cho", "dev"] * 6)
    return {"speakers": speakers, "held_out": "cho"}


def _q2_solution(speakers, held_out):
    test = np.flatnonzero(speakers == held_out)
    train = np.flatnonzero(speakers != held_out)
    return train, test


def _q2_check(answer, speakers, held_out):
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise Incorrect(tr("Give a pair `(train_indices, test_indices)` of integer index arrays."))
    train, test = (np.asarray(part) for part in answer)
    if train.dtype == bool or test.dtype == bool:
        raise Incorrect(tr("Those are boolean masks; the answer takes arrays of indices."))
    if not (np.issubdtype(train.dtype, np.integer) and np.issubdtype(test.dtype, np.integer)):
        raise Incorrect(tr("Both parts must be arrays of whole-number indices into `speakers`."))
    if len(np.intersect1d(train, test)):
        raise Incorrect(tr("Some clips are in both parts; every clip belongs to exactly one."))
    if len(train) + len(test) != len(speakers):
        raise Incorrect(
            tr("The parts hold {clips} clips but there are {len_speakers}; leave none out.").format(
                clips=len(train) + len(test), len_speakers=len(speakers)
            )
        )
    in_both = set(speakers[train].tolist()) & set(speakers[test].tolist())
    if in_both:
        raise Incorrect(
            tr(
                "Speaker(s) {both} appear in both parts: the test would then measure a "
                "voice the model already knows. Split by speaker, not by clip."
            ).format(both=sorted(in_both))
        )
    if set(speakers[train].tolist()) == {held_out}:
        raise Incorrect(
            tr(
                "The parts are swapped: the test part holds '{held_out}', the training part everyone "
                "else."
            ).format(held_out=held_out)
        )
    if set(speakers[test].tolist()) != {held_out}:
        raise Incorrect(
            tr("The test part must hold exactly the clips of '{held_out}'.").format(
                held_out=held_out
            )
        )


q2 = Exercise(
    N_("Exercise 2: hold out one speaker"),
    _q2_check,
    [
        N_(
            "Split by speaker, not by clip: every clip of the held-out speaker goes to the test part, "
            "every other clip to training."
        ),
        N_(
            "`speakers == held_out` is a boolean mask over the clips; `np.flatnonzero` turns a mask "
            "into indices."
        ),
        N_("Test indices from `==`, training indices from `!=`."),
        N_("Still stuck? `exercises.q2.solution()` shows the course's answer."),
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (lambda ctx: _q2_solution(**ctx)[::-1], "swapped"),
        (lambda ctx: (np.arange(0, 18), np.arange(18, 24)), "both parts"),
        (lambda ctx: (ctx["speakers"] != "cho", ctx["speakers"] == "cho"), "boolean masks"),
        (
            lambda ctx: (
                np.flatnonzero(ctx["speakers"] == "ann"),
                np.flatnonzero(ctx["speakers"] == "cho"),
            ),
            "leave none out",
        ),
    ],
    solution_name="leave_one_speaker_out",
)


# --- q3: the most confused pair -------------------------------------------------------------------


def _q3_context():
    rng = np.random.default_rng(3)
    y_true = np.repeat(np.arange(10), 20)
    y_pred = y_true.copy()
    # 9 is heard as 5 often, 1 as 9 a bit less, and a few scattered errors.
    y_pred[np.flatnonzero(y_true == 9)[:7]] = 5
    y_pred[np.flatnonzero(y_true == 1)[:4]] = 9
    y_pred[np.flatnonzero(y_true == 2)[:5]] = 6  # 2 and 6 swap both ways: 10 in all, 5 each way
    y_pred[np.flatnonzero(y_true == 6)[:5]] = 2
    scattered = rng.choice(len(y_true), size=6, replace=False)
    y_pred[scattered] = (y_true[scattered] + 3) % 10
    return {"y_true": y_true, "y_pred": y_pred}


def _q3_solution(y_true, y_pred):
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(y_true, y_pred, labels=range(10))
    np.fill_diagonal(matrix, 0)
    true_digit, predicted_digit = np.unravel_index(np.argmax(matrix), matrix.shape)
    return int(true_digit), int(predicted_digit)


def _q3_both_ways(y_true, y_pred):
    """The pair most confused in both directions together, for the tests (a typical slip)."""
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(y_true, y_pred, labels=range(10))
    np.fill_diagonal(matrix, 0)
    both = matrix + matrix.T
    first, second = np.unravel_index(np.argmax(np.triu(both)), both.shape)
    return int(first), int(second)


def _q3_check(answer, y_true, y_pred):
    from sklearn.metrics import confusion_matrix

    if isinstance(answer, (int, np.integer)) and not isinstance(answer, bool):
        raise Incorrect(
            tr(
                "That is one number, {answer}: `np.argmax` of a matrix gives one flat index into "
                "its rows laid end to end. `np.unravel_index` turns it into (row, column)."
            ).format(answer=int(answer))
        )
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise Incorrect(tr("Give a pair of digits, `(true_digit, predicted_digit)`."))
    expected = _q3_solution(y_true, y_pred)
    try:
        answer = tuple(int(a) for a in answer)
    except (TypeError, ValueError):
        raise Incorrect(tr("Give a pair of digits, `(true_digit, predicted_digit)`.")) from None
    if answer == expected:
        return
    if not all(0 <= a <= 9 for a in answer):
        raise Incorrect(
            tr("Digits go from 0 to 9; that pair holds {answer}.").format(answer=answer)
        )
    if answer == expected[::-1]:
        raise Incorrect(
            tr(
                "The order is swapped. Rows of the confusion matrix are the true digits, columns the "
                "predictions."
            )
        )
    if answer[0] == answer[1]:
        raise Incorrect(
            tr(
                "That is a correct prediction (the diagonal), not a confusion: set the diagonal to "
                "0 before you look for the largest count."
            )
        )
    matrix = confusion_matrix(y_true, y_pred, labels=range(10))
    np.fill_diagonal(matrix, 0)
    both_ways = matrix + matrix.T
    if both_ways[answer] == both_ways.max() and matrix[answer] < matrix.max():
        raise Incorrect(
            tr(
                "That pair is confused most often counting both directions; the exercise asks for "
                "one direction: a true digit, and the digit it was taken for."
            )
        )
    raise Incorrect(tr("That pair is not the most frequent confusion."))


q3 = Exercise(
    N_("Exercise 3: the most frequent confusion"),
    _q3_check,
    [
        N_(
            "A confusion matrix counts, for each true digit (row), how often each digit was predicted "
            "(column): `sklearn.metrics.confusion_matrix(y_true, y_pred)`."
        ),
        N_(
            "Its diagonal holds the correct predictions; set it to 0 (`np.fill_diagonal`) so only "
            "confusions remain."
        ),
        N_(
            "The row and column of the largest remaining count are the pair: "
            "`np.unravel_index(np.argmax(m), m.shape)`."
        ),
        N_("Still stuck? `exercises.q3.solution()` shows the course's answer."),
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda ctx: _q3_solution(**ctx)[::-1], "swapped"),
        ((0, 0), "diagonal"),
        ((1, 9), "most frequent confusion"),
        (95, "np.unravel_index"),
        ((9, 15), "0 to 9"),
        (lambda ctx: _q3_both_ways(**ctx), "both directions"),
    ],
    solution_name="most_confused_pair",
)


# --- q4 (open): a feature that keeps the tone --------------------------------------------------

TONE_TARGET = (
    0.55  # leave-one-voice-out accuracy on the synthetic Mandarin digits: above FSDD's PCA-128
)


def _q4_context():
    from course_utils import data

    return {"mandarin": data.load_spoken_digits(data.data_dir() / "digits_mandarin")}


class _WriteAFunction(Exercise):
    """An exercise whose answer is a function the learner writes; the reference solution is one."""

    def solve(self, *args, **kwargs):
        return self._solution


def _tone_contour(clip, sr):
    import librosa
    from scipy.signal import medfilt

    f0 = librosa.yin(clip, fmin=60, fmax=400, sr=sr, frame_length=512, hop_length=128)
    level = librosa.feature.rms(y=clip, frame_length=512, hop_length=128)[0][: len(f0)]
    semitones = 12 * np.log2(f0[level > 0.3 * level.max()])  # the loud, voiced middle of the word
    semitones = medfilt(semitones, 5)  # a pitch tracker's octave slips last a frame or two
    semitones -= np.median(semitones)  # the shape of the pitch, not the voice's own height
    return np.interp(np.linspace(0, 1, 8), np.linspace(0, 1, len(semitones)), semitones)


def _tone_height(clip, sr):
    """A contour in Hz that keeps the voice's height, for the tests (a typical slip)."""
    import librosa

    f0 = librosa.yin(clip, fmin=60, fmax=400, sr=sr, frame_length=512, hop_length=128)
    return np.interp(np.linspace(0, 1, 8), np.linspace(0, 1, len(f0)), f0)


def _q4_check(answer, mandarin):
    from course_utils import recognition

    if not callable(answer):
        raise Incorrect(
            tr(
                "Pass your function itself, `tone_contour` without parentheses: the check calls it "
                "on every clip."
            )
        )
    rows = []
    for clip in mandarin.audio:
        try:
            row = answer(clip.copy(), mandarin.sample_rate)
        except Exception as problem:  # the learner's code: its error is the feedback
            raise Incorrect(
                tr("`tone_contour(clip, sr)` raised {kind}: {problem}").format(
                    kind=type(problem).__name__, problem=problem
                )
            ) from None
        if row is None:
            raise Incorrect(
                tr("`tone_contour` returns None: `return` the resampled contour, an array.")
            )
        try:
            row = np.asarray(row, dtype=np.float64)
        except (TypeError, ValueError):
            raise Incorrect(tr("`tone_contour` must return an array of numbers.")) from None
        rows.append(row)
    lengths = sorted({row.shape for row in rows})
    if len(lengths) > 1 or rows[0].ndim != 1 or rows[0].size == 0:
        raise Incorrect(
            tr(
                "Every clip must give a 1-D vector of the same length (a fixed number of points "
                "along the word); the shapes were {shapes}. Resample the contour with `np.interp`."
            ).format(shapes=lengths[:4])
        )
    table = np.stack(rows)
    if not np.all(np.isfinite(table)):
        raise Incorrect(
            tr(
                "Some contours hold NaN or infinite values: a pitch tracker gives no pitch in "
                "silence (`librosa.pyin` marks it NaN). Keep the voiced frames only."
            )
        )
    if np.ptp(table, axis=0).max() == 0:
        raise Incorrect(
            tr("Every clip gives the same vector: the feature carries nothing about the word.")
        )
    accuracy = recognition.evaluate_leave_one_speaker_out(
        table, mandarin, recognition.make_classifier(kind="svm")
    ).accuracy
    levels = table.mean(axis=1)
    by_voice = [levels[mandarin.speakers == voice] for voice in sorted(set(mandarin.speakers))]
    gap = abs(by_voice[0].mean() - by_voice[1].mean())
    if accuracy < TONE_TARGET and gap > 2 * max(v.std() for v in by_voice):
        raise Incorrect(
            tr(
                "On the new voice your feature scores {accuracy:.0%}; the exercise asks for "
                "{TONE_TARGET:.0%}. Your contours keep each voice's own height: averaged over a "
                "clip, one voice's sit far above the other's. Subtract each clip's own median "
                "(in semitones), so that only the shape of the pitch is left."
            ).format(accuracy=accuracy, TONE_TARGET=TONE_TARGET)
        )
    if accuracy < TONE_TARGET:
        raise Incorrect(
            tr(
                "On the new voice your feature scores {accuracy:.0%} (chance 10 %); the exercise "
                "asks for {TONE_TARGET:.0%}. A voice's own pitch differs from the other's: does your "
                "contour keep the *shape* of the pitch (rising, falling, level) rather than its "
                "height?"
            ).format(accuracy=accuracy, TONE_TARGET=TONE_TARGET)
        )


q4 = _WriteAFunction(
    N_("Exercise 4 (open): a feature that keeps the tone"),
    _q4_check,
    [
        N_(
            "A tone is the shape of the pitch over the word. `librosa.yin(clip, fmin=..., fmax=..., sr=sr)` "
            "gives the pitch (f0, in Hz) of every frame."
        ),
        N_(
            "The frames before and after the word have no real pitch: keep the frames where the clip is "
            "loud (`librosa.feature.rms`, with the same `hop_length` as the pitch tracker)."
        ),
        N_(
            "Two voices speak at different heights: measure the pitch in semitones (`12 * np.log2(f0)`) and "
            "subtract the clip's own median, so that only the shape is left."
        ),
        N_(
            "Words differ in length: resample the contour to a fixed number of points with `np.interp`. "
            "Still stuck? `exercises.q4.solution()` shows one way."
        ),
    ],
    _tone_contour,
    context=_q4_context,
    wrong_answers=[
        (lambda ctx: lambda clip, sr: np.zeros(8), "same vector"),
        (lambda ctx: lambda clip, sr: np.zeros(len(clip)), "same length"),
        (lambda ctx: lambda clip, sr: [float(np.mean(clip**2))], "asks for"),
        (lambda ctx: lambda clip, sr: 1 / 0, "ZeroDivisionError"),
        (lambda ctx: lambda clip, sr: np.full(8, np.nan), "NaN"),
        (lambda ctx: _tone_height, "own height"),
        (lambda ctx: lambda clip, sr: None, "returns None"),
    ],
)


# --- encoder (open): the learner trains the autoencoder whose code the recogniser reads ----------

#: The checker's small run: patches of the lesson's shape, a small code, few steps.
ENCODER_CASE = {"clips": 160, "shape": (12, 32), "code_size": 16, "steps": 60, "seed": 0}


def _encoder_solution():
    import keras

    from course_utils import code_features, models
    from course_utils.settings import HIDDEN

    def train_code_encoder(train_patches, code_size=128, steps=400, seed=0):
        x = train_patches.reshape(len(train_patches), -1)  # one row of 12 x 32 = 384 numbers
        keras.utils.set_random_seed(seed)  # the same start every run
        autoencoder, encoder, _ = models.build_dense_autoencoder(
            x.shape[1], code_size, hidden_sizes=(HIDDEN,)
        )
        code_features.fit_rows(autoencoder, x, steps=steps, seed=seed)  # no labels: x rebuilds x
        return encoder

    return train_code_encoder


def _encoder_patches(seed, clips=None):
    """Patches with a structure a small code can learn: 24 fixed patterns, mixed, plus noise."""
    rng = np.random.default_rng(100)
    bands, frames = ENCODER_CASE["shape"]
    patterns = rng.normal(size=(24, bands * frames)) * np.linspace(2.0, 0.2, 24)[:, None]
    mix = np.random.default_rng(seed).normal(size=(clips or ENCODER_CASE["clips"], 24))
    rows = mix @ patterns + 0.1 * np.random.default_rng(seed + 1).normal(size=(len(mix), 1))
    return rows.reshape(len(mix), bands, frames).astype(np.float32)


def _encoder_call(answer, patches, **kwargs):
    arguments = ", ".join(f"{key}={value}" for key, value in kwargs.items())
    call = tr("`train_code_encoder(train_patches, {arguments})`").format(arguments=arguments)
    try:
        with _refusing(
            "course_utils.code_features:train_patch_autoencoder",
            message=tr(
                "Your function hands the whole job to {used}, the course's version of this "
                "exercise: build the autoencoder yourself (`models.build_dense_autoencoder`), "
                "train it on the patches (`code_features.fit_rows`) and return its encoder."
            ).format(used="`code_features.train_patch_autoencoder`"),
            function=answer,
        ):
            encoder = answer(patches, **kwargs)
    except Incorrect:
        raise
    except Exception as problem:  # the learner's code may fail in any way; say where
        raise Incorrect(
            tr("{call} raised {kind}: {problem}").format(
                call=call, kind=type(problem).__name__, problem=problem
            )
        ) from None
    return call, encoder


def _weights(model):
    return [np.asarray(w) for w in model.get_weights()]


def _same_weights(a, b):
    wa, wb = _weights(a), _weights(b)
    return len(wa) == len(wb) and all(
        x.shape == y.shape and np.array_equal(x, y) for x, y in zip(wa, wb)
    )


def _encoder_check(answer):
    import keras

    from course_utils import models
    from course_utils.settings import HIDDEN

    if isinstance(answer, keras.Model) or not callable(answer) or isinstance(answer, type):
        raise Incorrect(tr("Pass your function itself, `train_code_encoder`, without calling it."))
    case = ENCODER_CASE
    code_size, steps, seed = case["code_size"], case["steps"], case["seed"]
    width = int(np.prod(case["shape"]))
    patches = _encoder_patches(seed)
    call, encoder = _encoder_call(answer, patches, code_size=code_size, steps=steps, seed=seed)
    if isinstance(encoder, tuple) and encoder and all(isinstance(m, keras.Model) for m in encoder):
        raise Incorrect(
            tr(
                "{call} returns {count} models; return the encoder alone (the middle one of "
                "`build_dense_autoencoder`'s three): the recogniser reads its code."
            ).format(call=call, count=len(encoder))
        )
    if hasattr(encoder, "components_"):
        raise Incorrect(
            tr(
                "{call} returns a fitted PCA: section 5's baseline, the best *linear* code. The "
                "exercise asks for an autoencoder's encoder, a Keras model, to compare with it."
            ).format(call=call)
        )
    if isinstance(encoder, np.ndarray):
        raise Incorrect(
            tr(
                "{call} returns an array of shape {shape}: codes, not the encoder. Return the "
                "trained encoder (a Keras model); the lesson encodes every split's clips with it."
            ).format(call=call, shape=encoder.shape)
        )
    if not isinstance(encoder, keras.Model):
        raise Incorrect(
            tr("{call} returns {kind}; return the trained encoder, a Keras model.").format(
                call=call, kind=type(encoder).__name__
            )
        )
    if tuple(encoder.input_shape) != (None, width):
        raise Incorrect(
            tr(
                "Your encoder takes input of shape {shape}; a patch of 12 x 32 numbers, flattened "
                "to one row, has {width}: reshape the patches to `(len(train_patches), -1)`."
            ).format(shape=encoder.input_shape, width=width)
        )
    out = int(encoder.output_shape[-1])
    if out == width:
        raise Incorrect(
            tr(
                "Your model outputs {width} numbers per patch, a whole patch: that is the "
                "autoencoder. Return the encoder, whose output is the code."
            ).format(width=width)
        )
    if out != code_size:
        raise Incorrect(
            tr(
                "Asked for code_size={code_size}, your encoder outputs {out} numbers per patch: "
                "use the argument `code_size`, not a fixed number."
            ).format(code_size=code_size, out=out)
        )
    dense = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dense)]
    code_activation = getattr(getattr(dense[-1], "activation", None), "__name__", "linear")
    if dense and code_activation != "linear":
        raise Incorrect(
            tr(
                "Your code layer uses {activation}: the code must be linear, or it could not take "
                "every value the recogniser needs (a relu code is 0 for about half its numbers)."
            ).format(activation=code_activation)
        )
    held_out = _encoder_patches(seed + 7, clips=64).reshape(64, -1)
    codes = np.asarray(encoder(held_out, training=False))
    if not np.all(np.isfinite(codes)):
        raise Incorrect(
            tr("Your encoder's codes hold NaN or infinite values: did the training diverge?")
        )
    _, again = _encoder_call(answer, patches, code_size=code_size, steps=steps, seed=seed)
    if not (isinstance(again, keras.Model) and _same_weights(encoder, again)):
        raise Incorrect(
            tr(
                "Two calls with the same patches and seed={seed} give different encoders: call "
                "`keras.utils.set_random_seed(seed)` before you build the model, so that every "
                "split (and every rerun) starts the same way."
            ).format(seed=seed)
        )
    keras.utils.set_random_seed(seed)
    _, untrained, _ = models.build_dense_autoencoder(width, code_size, hidden_sizes=(HIDDEN,))
    if _same_weights(encoder, untrained):
        raise Incorrect(
            tr(
                "Your encoder's weights are the ones it was built with: it is never trained. "
                "Train the autoencoder on the patches (`code_features.fit_rows`) before returning "
                "its encoder."
            )
        )
    _, other = _encoder_call(
        answer, _encoder_patches(seed + 3), code_size=code_size, steps=steps, seed=seed
    )
    if isinstance(other, keras.Model) and _same_weights(encoder, other):
        raise Incorrect(
            tr(
                "Given other training patches, your function returns the same encoder: it does "
                "not learn from `train_patches`. Training it on another array, such as the "
                "lesson's `patches` (every clip), would let it hear the test voice."
            )
        )
    # The measure: how much of held-out patches a linear read-out of the code recovers, against
    # PCA with as many numbers (the best linear code) fitted on the same training patches.
    from sklearn.decomposition import PCA

    train_rows = patches.reshape(len(patches), -1)
    train_codes = np.asarray(encoder(train_rows, training=False))

    def kept(train_x, test_x):
        design = np.c_[train_x, np.ones(len(train_x))]
        weights = np.linalg.lstsq(design, train_rows, rcond=None)[0]
        rebuilt = np.c_[test_x, np.ones(len(test_x))] @ weights
        return 1.0 - float(np.mean((rebuilt - held_out) ** 2) / np.var(held_out))

    pca = PCA(n_components=code_size, random_state=0).fit(train_rows)
    ours = kept(train_codes, codes)
    best = kept(pca.transform(train_rows), pca.transform(held_out))
    if ours < ENCODER_SHARE * best:
        raise Incorrect(
            tr(
                "Trained for {steps} steps, your code keeps {ours:.0%} of new patches' variance, "
                "PCA's {best:.0%}: check what the autoencoder learns to rebuild (its input, "
                "`x`, as its target) and the learning rate."
            ).format(steps=steps, ours=ours, best=best)
        )


#: The share of PCA's kept variance the learner's code must keep on the checker's patches.
ENCODER_SHARE = 0.6


def _whole_job(train_patches, code_size=128, steps=400, seed=0):
    """The shortcut the encoder's check refuses: the course's own function (for the tests)."""
    from course_utils import code_features

    return code_features.train_patch_autoencoder(
        train_patches, code_size=code_size, steps=steps, seed=seed
    )


def _wrong_encoder(**mistakes):
    """A train_code_encoder with one typical mistake, for the tests."""
    import keras

    from course_utils import code_features, models
    from course_utils.settings import HIDDEN

    if mistakes.get("whole"):  # its own function: a check refuses any function that reaches it
        return _whole_job

    def train_code_encoder(train_patches, code_size=128, steps=400, seed=0):
        if mistakes.get("other_data"):
            train_patches = _encoder_patches(99)
        x = train_patches.reshape(len(train_patches), -1)
        if mistakes.get("unflattened"):
            x = train_patches[:, 0, :]
        if not mistakes.get("no_seed"):
            keras.utils.set_random_seed(seed)
        made = models.build_dense_autoencoder(
            x.shape[1],
            mistakes.get("fixed_code", code_size),
            hidden_sizes=(HIDDEN,),
            code_activation=mistakes.get("code_activation"),
        )
        autoencoder, encoder, _ = made
        if not mistakes.get("untrained"):
            target = np.zeros_like(x) if mistakes.get("zero_target") else x
            if mistakes.get("zero_target"):
                autoencoder.compile(optimizer="adam", loss="mse")
                autoencoder.fit(x, target, epochs=2, batch_size=64, verbose=0)
            else:
                code_features.fit_rows(autoencoder, x, steps=steps, seed=seed)
        if mistakes.get("returns") == "all":
            return made
        if mistakes.get("returns") == "autoencoder":
            return autoencoder
        if mistakes.get("returns") == "codes":
            return np.asarray(encoder(x))
        return encoder

    return train_code_encoder


encoder = Exercise(
    N_("Your train_code_encoder"),
    _encoder_check,
    [
        N_(
            "The patches arrive as a stack of 12 x 32 pictures; a Dense autoencoder reads rows. "
            "Reshape them first, then fix the random seed."
        ),
        N_(
            "Build the autoencoder with lesson 03's builder, from the row width to `code_size` "
            "and back, one hidden layer of the course's width; keep the encoder it returns."
        ),
        N_(
            "An autoencoder needs no labels: it learns to rebuild its own input. Train it on "
            "these rows only, for `steps` steps, then return the encoder."
        ),
        N_("Still stuck? `exercises.encoder.solution()` shows the course's function."),
    ],
    _encoder_solution,
    solution_name="make_train_code_encoder",
    wrong_answers=[
        (lambda ctx: _wrong_encoder(returns="all"), "return the encoder alone"),
        (lambda ctx: _wrong_encoder(returns="autoencoder"), "that is the autoencoder"),
        (lambda ctx: _wrong_encoder(returns="codes"), "codes, not the encoder"),
        (lambda ctx: _wrong_encoder(unflattened=True), "reshape the patches"),
        (lambda ctx: _wrong_encoder(fixed_code=128), "code_size=16"),
        (lambda ctx: _wrong_encoder(code_activation="relu"), "code layer uses relu"),
        (lambda ctx: _wrong_encoder(no_seed=True), "set_random_seed"),
        (lambda ctx: _wrong_encoder(untrained=True), "never trained"),
        (lambda ctx: _wrong_encoder(other_data=True), "hear the test voice"),
        (lambda ctx: _wrong_encoder(zero_target=True), "keeps"),
        (lambda ctx: _wrong_encoder(whole=True), "train_patch_autoencoder"),
        (
            lambda ctx: _encoder_solution()(_encoder_patches(0), code_size=4, steps=2),
            "without calling",
        ),
    ],
)
