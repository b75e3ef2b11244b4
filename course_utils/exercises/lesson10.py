"""Exercises for 10_recognition: per-clip normalisation, a speaker-held-out split, reading a confusion matrix, a feature that keeps the tone.

Used in: 10_recognition.
"""

from __future__ import annotations

import numpy as np

from ..i18n import N_, tr
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3", "q4"]


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
    scattered = rng.choice(len(y_true), size=6, replace=False)
    y_pred[scattered] = (y_true[scattered] + 3) % 10
    return {"y_true": y_true, "y_pred": y_pred}


def _q3_solution(y_true, y_pred):
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(y_true, y_pred, labels=range(10))
    np.fill_diagonal(matrix, 0)
    true_digit, predicted_digit = np.unravel_index(np.argmax(matrix), matrix.shape)
    return int(true_digit), int(predicted_digit)


def _q3_check(answer, y_true, y_pred):
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise Incorrect(tr("Give a pair of digits, `(true_digit, predicted_digit)`."))
    expected = _q3_solution(y_true, y_pred)
    try:
        answer = tuple(int(a) for a in answer)
    except (TypeError, ValueError):
        raise Incorrect(tr("Give a pair of digits, `(true_digit, predicted_digit)`.")) from None
    if answer == expected:
        return
    if answer == expected[::-1]:
        raise Incorrect(
            tr(
                "The order is swapped. Rows of the confusion matrix are the true digits, columns the "
                "predictions."
            )
        )
    if answer[0] == answer[1]:
        raise Incorrect(tr("That is a correct prediction (the diagonal), not a confusion."))
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
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda ctx: _q3_solution(**ctx)[::-1], "swapped"),
        ((0, 0), "diagonal"),
        ((1, 9), "most frequent confusion"),
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
    ],
)
