"""Exercises for 05_evaluating: held-out splits, SNR, the PCA baseline, a codec that beats it, and a
convolutional autoencoder on overlapping frames.

The learner writes functions in q1, q2, q4 and q5; the checks run them on data of their own.
q1 and q2 refuse the library's shortcut (``data.split_in_time``, ``metrics.snr_db``) with a
reason; q5 names the typical mistakes of a convolutional builder in the learner's terms.

A first wrong answer is told what is wrong, never the expected value or the
method; ``hint()`` gives the method one step at a time.

Used in: 05_evaluating.
"""

from __future__ import annotations

import time

import numpy as np

from ..checks import is_close, is_number
from ..i18n import N_, tr
from ..settings import CODE, FRAME, HIDDEN, HOP
from ._core import Exercise, Incorrect, _refusing

__all__ = ["q1", "q2", "q3", "q4", "q5"]


class _WriteAFunction(Exercise):
    """An exercise whose answer is a function the learner writes; the reference solution is one."""

    def solve(self, *args, **kwargs):
        return self._solution


def _run_learners(answer, arguments, target, shortcut_message):
    """``answer(*arguments)``, refusing the library shortcut ``target`` (``"module:function"``)."""
    try:
        with _refusing(target, message=shortcut_message, function=answer):
            return answer(*arguments)
    except Incorrect:
        raise
    except Exception as problem:  # the learner's code: report its error as feedback
        raise Incorrect(
            tr("Your function raised {kind}: {problem}").format(
                kind=type(problem).__name__, problem=problem
            )
        ) from None


# --- q1: split in time ------------------------------------------------------------------------


#: The signals q1's check splits with the learner's function: lengths with and without a remainder.
Q1_LENGTHS = (1000, 1003, 10)


def _split_for_evaluation(signal):
    cut = int(0.75 * len(signal))
    return signal[:cut], signal[cut:]


def _q1_check(answer):

    if isinstance(answer, tuple):
        raise Incorrect(
            tr(
                "That is a split of one signal; pass your function itself, "
                "`split_for_evaluation` without parentheses: the check splits signals of its own."
            )
        )
    if not callable(answer):
        raise Incorrect(
            tr("Pass your function itself, `split_for_evaluation`, once it is written.")
        )
    shortcut = tr(
        "Your function calls `data.split_in_time`, which does the split for you: write the split "
        "yourself (then compare it with `data.split_in_time`)."
    )
    for length in Q1_LENGTHS:
        signal = np.sin(np.arange(length) * 0.05).astype(np.float32)
        result = _run_learners(
            answer, (signal.copy(),), "course_utils.data:split_in_time", shortcut
        )
        _q1_check_split(result, signal)


def _q1_check_split(answer, signal):
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise Incorrect(tr("Return a pair: `(train, held_out)`, two 1-D arrays."))
    train, held_out = (np.asarray(part) for part in answer)
    cut = int(0.75 * len(signal))
    if len(train) == int(round(0.75 * len(signal))):  # data.split_in_time rounds; accept either
        cut = len(train)
    if train.ndim != 1 or held_out.ndim != 1:
        raise Incorrect(tr("Both parts must be 1-D arrays of samples, not frames."))
    if len(train) + len(held_out) != len(signal):
        raise Incorrect(
            tr(
                "The two parts together do not hold the signal's samples: every sample belongs to "
                "exactly one part, none to both and none to neither."
            )
        )
    if len(train) == len(signal) - cut and np.array_equal(train, signal[cut:]):
        raise Incorrect(
            tr("The parts are swapped: the model trains on the beginning and is tested on the end.")
        )
    if len(train) != cut:
        raise Incorrect(
            tr("The training part has the wrong length: it should be three quarters of the signal.")
        )
    if not np.array_equal(train, signal[:cut]) or not np.array_equal(held_out, signal[cut:]):
        raise Incorrect(
            tr(
                "The parts have the right lengths but not the right samples: each must be one "
                "stretch of the signal, in its original order. Mixed-up samples put neighbours of "
                "every held-out sample into training, and the held-out score stops measuring "
                "anything new."
            )
        )


q1 = _WriteAFunction(
    N_("Exercise 1: a held-out split in time"),
    _q1_check,
    [
        N_(
            "Audio is a sequence: the held-out part must be *later* in time than everything the model trains on. "
            "Do not shuffle."
        ),
        N_(
            "Find the index where the training part ends, from `len(signal)`; it must be a whole number."
        ),
        N_("Two slices of `signal` at that index give the two parts; return them as a tuple."),
        N_("Still stuck? `exercises.q1.solution()` shows the course's function."),
    ],
    _split_for_evaluation,
    wrong_answers=[
        (lambda ctx: lambda signal: _split_for_evaluation(signal)[::-1], "swapped"),
        (
            lambda ctx: lambda signal: (signal, _split_for_evaluation(signal)[1]),
            "exactly one part",
        ),
        (
            lambda ctx: (
                lambda signal: tuple(
                    np.split(
                        np.random.default_rng(0).permutation(signal), [int(0.75 * len(signal))]
                    )
                )
            ),
            "one stretch",
        ),
        (lambda ctx: lambda signal: tuple(np.split(signal, 2)), "three quarters"),
        (lambda ctx: lambda signal: _split_for_evaluation(signal)[0], "a pair"),
        (lambda ctx: _shortcut_split, "does the split for you"),
        (lambda ctx: _split_for_evaluation(np.zeros(8)), "without parentheses"),
    ],
)


def _shortcut_split(signal):
    """A typical shortcut: the library's split instead of the learner's own."""
    from course_utils import data

    return data.split_in_time(signal)


# --- q2: SNR by hand ----------------------------------------------------------------------------


def _q2_pairs():
    """(reference, estimate) pairs q2's check scores with the learner's function."""
    rng = np.random.default_rng(5)
    reference = rng.standard_normal(400)
    yield reference, reference + 0.2 * rng.standard_normal(400)
    quiet = 0.1 * np.sin(np.arange(300) * 0.07)
    yield quiet, quiet + 0.05 * rng.standard_normal(300)


def _snr_by_hand(reference, estimate):
    error = reference - estimate
    return 10 * np.log10(np.sum(reference**2) / np.sum(error**2))


def _q2_check(answer):

    if is_number(answer):
        raise Incorrect(
            tr(
                "That is one number; pass your function itself, `snr_by_hand` without "
                "parentheses: the check scores signals of its own with it."
            )
        )
    if not callable(answer):
        raise Incorrect(tr("Pass your function itself, `snr_by_hand`, once it is written."))
    shortcut = tr(
        "Your function calls `metrics.snr_db`, which computes the SNR for you: compute it with "
        "NumPy (then compare with `metrics.snr_db`)."
    )
    for reference, estimate in _q2_pairs():
        value = _run_learners(
            answer, (reference.copy(), estimate.copy()), "course_utils.metrics:snr_db", shortcut
        )
        _q2_check_value(value, reference, estimate)


def _q2_check_value(answer, reference, estimate):
    if not is_number(answer):
        raise Incorrect(tr("Return one number: the SNR in dB."))
    expected = _snr_by_hand(reference, estimate)
    if is_close(answer, expected):
        return
    if is_close(answer, -expected):
        raise Incorrect(
            tr("The sign is flipped: an estimate this close to the reference has a positive SNR.")
        )
    if is_close(answer, 2 * expected):
        raise Incorrect(
            tr(
                "The number is twice too large: check the factor in front of the logarithm for a "
                "ratio of *energies*."
            )
        )
    ratio = np.sum(reference**2) / np.sum((reference - estimate) ** 2)
    if is_close(answer, ratio):
        raise Incorrect(tr("That number is not in decibels yet."))
    if is_close(answer, 10 * np.log10(np.sum(reference**2) / np.sum(estimate**2))):
        raise Incorrect(
            tr("The bottom of the ratio must measure the *error*, what the estimate got wrong.")
        )
    raise Incorrect(tr("That is not the SNR of `estimate` against `reference`."))


q2 = _WriteAFunction(
    N_("Exercise 2: the SNR in decibels"),
    _q2_check,
    [
        N_(
            "The SNR compares two energies: the reference's, and the error's. What is the error, as an array?"
        ),
        N_("The energy of an array is the sum of its squared samples (`np.sum(x**2)`)."),
        N_(
            "Divide the two energies, reference on top, and turn the ratio into decibels with the formula "
            "in section 3 (energies take 10, not 20)."
        ),
        N_("Still stuck? `exercises.q2.solution()` shows the course's function."),
    ],
    _snr_by_hand,
    wrong_answers=[
        (lambda ctx: lambda r, e: -_snr_by_hand(r, e), "sign"),
        (lambda ctx: lambda r, e: 2 * _snr_by_hand(r, e), "twice"),
        (lambda ctx: lambda r, e: 10 ** (_snr_by_hand(r, e) / 10), "not in decibels"),
        (lambda ctx: lambda r, e: 10 * np.log10(np.sum(r**2) / np.sum(e**2)), "error"),
        (lambda ctx: lambda r, e: "20 dB", "one number"),
        (lambda ctx: lambda r, e: 3.0, "not the SNR"),
        (lambda ctx: _shortcut_snr, "computes the SNR for you"),
        (7.2, "without parentheses"),
    ],
)


def _shortcut_snr(reference, estimate):
    """A typical shortcut: the library's SNR instead of the learner's NumPy."""
    from course_utils import metrics

    return metrics.snr_db(reference, estimate)


# --- q3: the PCA baseline on held-out audio ---------------------------------------------------


def _q3_context():
    rng = np.random.default_rng(3)
    t = np.arange(12_000)
    signal = (
        np.sin(0.031 * t)
        + 0.6 * np.sin(0.173 * t + 0.002 * t) * np.exp(-((t % 3000) / 1500))
        + 0.05 * rng.standard_normal(len(t))
    )
    signal = signal.astype(np.float32)
    return {"train": signal[:9000], "held_out": signal[9000:], "code_size": 4, "frame_length": 64}


def _q3_solution(train, held_out, code_size, frame_length):
    from course_utils.baselines import PCACodec
    from course_utils.metrics import snr_db

    codec = PCACodec(code_size=code_size, frame_length=frame_length).fit(train)
    return snr_db(held_out, codec.reconstruct(held_out))


def _q3_check(answer, train, held_out, code_size, frame_length):
    from course_utils.baselines import PCACodec
    from course_utils.metrics import snr_db

    if not is_number(answer):
        raise Incorrect(tr("Return one number: the held-out SNR in dB."))
    expected = _q3_solution(train, held_out, code_size, frame_length)
    if is_close(answer, expected, abs_tol=0.01):
        return
    on_train = snr_db(train, PCACodec(code_size, frame_length).fit(train).reconstruct(train))
    if is_close(answer, on_train, abs_tol=0.01):
        raise Incorrect(
            tr(
                "That is a score on the audio the codec was fitted to; the exercise asks how it does "
                "on audio it has not seen."
            )
        )
    cheat = snr_db(held_out, PCACodec(code_size, frame_length).fit(held_out).reconstruct(held_out))
    if is_close(answer, cheat, abs_tol=0.01):
        raise Incorrect(
            tr(
                "The codec has seen the held-out audio: the score is flattered. The held-out part "
                "may only be reconstructed and scored."
            )
        )
    raise Incorrect(tr("That is not the held-out SNR of a PCA codec with these settings."))


q3 = Exercise(
    N_("Exercise 3: the PCA baseline, scored honestly"),
    _q3_check,
    [
        N_("Three steps: fit a codec, code some audio, score it. Which audio may each step see?"),
        N_(
            "`baselines.PCACodec(code_size=..., frame_length=...)` has `.fit(signal)` and `.reconstruct(signal)`; "
            "both take 1-D audio."
        ),
        N_(
            "Score with `metrics.snr_db(reference, estimate)`; the reference is the audio you reconstructed."
        ),
    ],
    _q3_solution,
    context=_q3_context,
    solution_name="pca_test_snr",
    wrong_answers=[
        (
            lambda ctx: _q3_solution(
                ctx["train"], ctx["train"], ctx["code_size"], ctx["frame_length"]
            ),
            "fitted to",
        ),
        (
            lambda ctx: _q3_solution(
                ctx["held_out"], ctx["held_out"], ctx["code_size"], ctx["frame_length"]
            ),
            "has seen the held-out",
        ),
        (0.0, "not the held-out SNR"),
    ],
)


# --- q4: beat PCA at code 32 on the test audio --------------------------------------------------

MARGIN_DB = 0.2  # "beats" means by at least this much, not by rounding noise


def _q4_context():
    from course_utils import audio, data

    music, _ = data.load_real_clip("orchestra")
    train_raw, test_raw = data.split_in_time(music)
    scaler = audio.fit_standardizer(train_raw)

    def standardize(x):
        return scaler.transform(np.asarray(x).reshape(-1, 1)).ravel().astype(np.float32)

    return {"train_audio": standardize(train_raw), "test_audio": standardize(test_raw)}


def _build_codec(train_frames, code_size):
    from scipy.fft import dct, idct

    m = code_size // 2  # m values and their m positions: code_size numbers per frame
    mean = train_frames.mean(axis=0)

    def encode(frames):
        coefficients = dct(frames - mean, norm="ortho", axis=1)
        positions = np.argsort(-np.abs(coefficients), axis=1)[:, :m]
        values = np.take_along_axis(coefficients, positions, axis=1)
        return np.concatenate([values, positions], axis=1)

    def decode(codes):
        values, positions = codes[:, :m], np.rint(codes[:, m:]).astype(int)
        coefficients = np.zeros((len(codes), len(mean)))
        np.put_along_axis(coefficients, positions, values, axis=1)
        return idct(coefficients, norm="ortho", axis=1) + mean

    return encode, decode


def _q4_pca_codec(train_frames, code_size):
    from course_utils.baselines import PCACodec

    codec = PCACodec(code_size, train_frames.shape[1]).fit(train_frames)
    return codec.encode, codec.decode


def _q4_lowpass_codec(train_frames, code_size):
    from scipy.fft import dct, idct

    def encode(frames):
        return dct(frames, norm="ortho", axis=1)[:, :code_size]

    def decode(codes):
        return idct(
            np.pad(codes, ((0, 0), (0, train_frames.shape[1] - code_size))), norm="ortho", axis=1
        )

    return encode, decode


def _as_frames(value, what: str, shape: tuple[int, int]) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError):
        raise Incorrect(
            tr("{what} must return an array of numbers; it returned {kind}.").format(
                what=what, kind=type(value).__name__
            )
        ) from None
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim != 2 or array.shape[0] != shape[0]:
        raise Incorrect(
            tr(
                "{what} must return one row per frame, shape {shape}; it returned shape {shape2}."
            ).format(what=what, shape=shape, shape2=array.shape)
        )
    if not np.all(np.isfinite(array)):
        raise Incorrect(tr("{what} returned NaN or infinite values.").format(what=what))
    return array


def _q4_check(answer, train_audio, test_audio, code_size=CODE, frame_length=FRAME, hop_length=HOP):
    from course_utils.audio import frame_signal, overlap_add
    from course_utils.baselines import PCACodec
    from course_utils.metrics import snr_db

    if not callable(answer):
        raise Incorrect(
            tr(
                "Pass your function itself, `build_codec` without parentheses: the check calls it "
                "with the training frames."
            )
        )
    train_frames = frame_signal(train_audio, frame_length, hop_length)
    test_frames = frame_signal(test_audio, frame_length, frame_length, pad=True)
    started = time.perf_counter()
    try:
        codec = answer(train_frames.copy(), code_size)
    except Exception as problem:  # the learner's code: report its error as feedback
        raise Incorrect(
            tr("`build_codec(train_frames, code_size)` raised {kind}: {problem}").format(
                kind=type(problem).__name__, problem=problem
            )
        ) from None
    seconds = time.perf_counter() - started
    if not (isinstance(codec, tuple) and len(codec) == 2 and all(callable(part) for part in codec)):
        raise Incorrect(
            tr("`build_codec` must return two functions (or models): `encode, decode`.")
        )
    encode, decode = codec
    try:
        codes = encode(test_frames.copy())
    except Exception as problem:
        raise Incorrect(
            tr("`encode(frames)` raised {kind}: {problem}").format(
                kind=type(problem).__name__, problem=problem
            )
        ) from None
    codes = _as_frames(codes, "`encode(frames)`", (len(test_frames), code_size))
    if codes.shape[1] != code_size:
        raise Incorrect(
            tr(
                "The code has {numbers} numbers per frame; the exercise allows {code_size} "
                "(compression ratio {ratio}). Everything the decoder needs must fit "
                "in them."
            ).format(
                numbers=codes.shape[1],
                code_size=code_size,
                ratio=frame_length // code_size,
            )
        )
    sent = codes.astype(np.float16).astype(
        np.float32
    )  # each number sent as a 16-bit float: no packing tricks
    try:
        decoded = decode(sent)
    except Exception as problem:
        raise Incorrect(
            tr("`decode(codes)` raised {kind}: {problem}").format(
                kind=type(problem).__name__, problem=problem
            )
        ) from None
    decoded = _as_frames(decoded, "`decode(codes)`", test_frames.shape)
    if decoded.shape != test_frames.shape:
        raise Incorrect(
            tr(
                "`decode(codes)` must return frames of shape {shape}; it returned shape {shape2}."
            ).format(shape=test_frames.shape, shape2=decoded.shape)
        )
    yours = snr_db(test_audio, overlap_add(decoded, frame_length, length=len(test_audio)))
    pca = PCACodec(code_size, frame_length).fit(train_frames)
    baseline = snr_db(test_audio, pca.reconstruct(test_audio))
    if yours >= baseline + MARGIN_DB:
        print(
            tr(
                "On the test audio: your codec {yours:.2f} dB, PCA {baseline:.2f} dB, both with "
                "{code_size} numbers per frame (built in {seconds:.1f} s)."
            ).format(yours=yours, baseline=baseline, code_size=code_size, seconds=seconds)
        )
        return
    if abs(yours - baseline) < 0.05:
        raise Incorrect(
            tr(
                "Your codec scores the same as PCA on the test audio, within 0.05 dB. No linear code "
                "of {code_size} numbers does better than PCA, and a model that starts as PCA may not "
                "move far from it: the code must do something PCA cannot."
            ).format(code_size=code_size)
        )
    raise Incorrect(
        tr(
            "On the test audio (the orchestra's last quarter) your codec scores {yours:.2f} dB "
            "and PCA {baseline:.2f} dB with the same {code_size} numbers per frame: not better "
            "yet (it must win by at least {MARGIN_DB} dB)."
        ).format(yours=yours, baseline=baseline, code_size=code_size, MARGIN_DB=MARGIN_DB)
    )


q4 = _WriteAFunction(
    N_("Exercise 4: beat PCA at code 32"),
    _q4_check,
    [
        N_(
            "PCA is the best *linear* code, so a winner must do something PCA cannot. PCA sends the same "
            "32 directions for every frame; could each frame choose the directions that matter for it?"
        ),
        N_(
            "If each frame chooses, the decoder must learn *which* were chosen: a code of 32 numbers can hold "
            "16 values and 16 positions (an index 0-255 is a number too). Which transform of a frame puts "
            "most of its energy into few coefficients? MP3 and AAC use cosine transforms."
        ),
        N_(
            "`scipy.fft.dct(x, norm='ortho', axis=1)` and `idct` are an exact pair. For choosing per row, look "
            "at `np.argsort` on `np.abs(...)`, `np.take_along_axis` and `np.put_along_axis`."
        ),
        N_(
            "Subtract the training frames' mean before the transform and add it back after decoding; round "
            "the positions back to integers in `decode`."
        ),
    ],
    _build_codec,
    context=_q4_context,
    wrong_answers=[
        (lambda ctx: _q4_pca_codec, "same as PCA"),
        (lambda ctx: _q4_lowpass_codec, "not better yet"),
        (
            lambda ctx: lambda frames, code_size: _build_codec(frames, 2 * code_size),
            "numbers per frame",
        ),
        (lambda ctx: _build_codec(np.zeros((4, FRAME), np.float32), 32), "without parentheses"),
        (lambda ctx: lambda frames, code_size: (lambda f: f[:, :code_size], lambda c: c), "shape"),
        (lambda ctx: lambda frames, code_size: lambda f: f, "two functions"),
    ],
)


# --- q5: a convolutional autoencoder on frames overlapping by half --------------------------------


def _q5_context():
    return {"hop": 64, "code_size": 8}


def _build_conv_autoencoder(hop=FRAME, code_size=CODE, hidden=HIDDEN, seed=None):
    import keras

    if seed is not None:
        keras.utils.set_random_seed(seed)
    sound = keras.Input(shape=(None, 1), name="sound")
    x = keras.layers.Conv1D(
        hidden, kernel_size=2 * hop, strides=hop, activation="relu", name="analysis"
    )(sound)
    code = keras.layers.Conv1D(code_size, kernel_size=1, name="code")(x)
    encoder = keras.Model(sound, code, name="encoder")
    code_in = keras.Input(shape=(None, code_size), name="code_in")
    y = keras.layers.Conv1D(hidden, kernel_size=1, activation="relu", name="expand")(code_in)
    out = keras.layers.Conv1DTranspose(1, kernel_size=2 * hop, strides=hop, name="synthesis")(y)
    decoder = keras.Model(code_in, out, name="decoder")
    autoencoder = keras.Model(sound, decoder(encoder(sound)), name="conv_autoencoder")
    return autoencoder, encoder, decoder


def _q5_mistaken(
    *,
    frame=2,
    stride=1,
    expand=True,
    output_activation=None,
    code_activation=None,
    output_channels=1,
    transpose=True,
    nan=False,
    shared=True,
    returns="models",
):
    """A build_conv_autoencoder with one typical mistake, for the tests (frame and stride in hops)."""
    import keras

    def build_conv_autoencoder(hop=FRAME, code_size=CODE, hidden=HIDDEN, seed=None):
        if seed is not None:
            keras.utils.set_random_seed(seed)

        def build():
            sound = keras.Input(shape=(None, 1))
            x = keras.layers.Conv1D(
                hidden, kernel_size=frame * hop, strides=stride * hop, activation="relu"
            )(sound)
            code = keras.layers.Conv1D(code_size, kernel_size=1, activation=code_activation)(x)
            encoder = keras.Model(sound, code)
            code_in = keras.Input(shape=(None, code_size))
            y = code_in
            if expand:
                y = keras.layers.Conv1D(hidden, kernel_size=1, activation="relu")(y)
            if transpose:
                initializer = keras.initializers.Constant(float("nan")) if nan else "glorot_uniform"
                out = keras.layers.Conv1DTranspose(
                    output_channels,
                    kernel_size=frame * hop,
                    strides=stride * hop,
                    activation=output_activation,
                    kernel_initializer=initializer,
                )(y)
            else:
                out = keras.layers.Dense(hop)(y)
            decoder = keras.Model(code_in, out)
            return keras.Model(sound, decoder(encoder(sound))), encoder, decoder

        if returns == "builder":
            return build
        if returns == "none":
            build()
            return None
        autoencoder, encoder, decoder = build()
        if not shared:
            fresh = build()
            return fresh[0], encoder, decoder
        return autoencoder, encoder, decoder

    return build_conv_autoencoder


def _activation_name(layer):
    return getattr(getattr(layer, "activation", None), "__name__", "linear")


def _of_type(model, name):
    from course_utils.diagrams import _leaves

    return [layer for layer in _leaves(model) if type(layer).__name__ == name]


def _q5_frames_message(part, layer, hop):
    """What is wrong with a layer's frames (length ``kernel_size``, start every ``strides``), or None."""
    length, step = layer.kernel_size[0], layer.strides[0]
    if length == 2 * hop and step == hop:
        return None
    if step >= length:
        return tr(
            "Your {part} uses frames of {length} samples that start every {step} samples: they "
            "do not overlap. With hop={hop}, a frame is two hops long and a new one starts "
            "every hop."
        ).format(part=part, length=length, step=step, hop=hop)
    if length != 2 * hop:
        return tr(
            "Your {part} uses frames of {length} samples; with hop={hop}, a frame is two hops long."
        ).format(part=part, length=length, hop=hop)
    return tr(
        "Your {part} starts a frame every {step} samples; with hop={hop}, a new frame starts "
        "every hop, so that frames overlap by half."
    ).format(part=part, step=step, hop=hop)


def _q5_check(answer, hop=FRAME, code_size=CODE):
    import keras

    name = "build_conv_autoencoder"
    if isinstance(answer, tuple) and any(isinstance(part, keras.Model) for part in answer):
        raise Incorrect(
            tr(
                "Those are models your function built: pass the function itself, `{name}` without "
                "parentheses, so that the check can build it at its own sizes."
            ).format(name=name)
        )
    if not callable(answer):
        raise Incorrect(
            tr(
                "Pass your function itself, `build_conv_autoencoder` without parentheses: the check "
                "builds and trains a small one."
            )
        )
    hidden = 32
    try:
        built = answer(hop=hop, code_size=code_size, hidden=hidden, seed=0)
    except Exception as problem:  # the learner's code: report its error as feedback
        raise Incorrect(
            tr("`build_conv_autoencoder(...)` raised {kind}: {problem}").format(
                kind=type(problem).__name__, problem=problem
            )
        ) from None
    if built is None:
        raise Incorrect(
            tr(
                "Your function returns None: after building the three models it must end with "
                "`return autoencoder, encoder, decoder`."
            )
        )
    if callable(built) and not isinstance(built, keras.Model):
        raise Incorrect(
            tr(
                "Your function returns a function, not models: call what it builds inside "
                "`build_conv_autoencoder` and return the three models."
            )
        )
    if not (
        isinstance(built, tuple)
        and len(built) == 3
        and all(isinstance(m, keras.Model) for m in built)
    ):
        raise Incorrect(
            tr(
                "`build_conv_autoencoder` must return three Keras models: `autoencoder, encoder, "
                "decoder`."
            )
        )
    autoencoder, encoder, decoder = built
    readers = [layer for layer in _of_type(encoder, "Conv1D") if layer.kernel_size[0] > 1]
    if not readers:
        raise Incorrect(
            tr(
                "Your encoder has no Conv1D that reads frames of samples (a kernel_size above 1): "
                "the first layer slides a frame of two hops along the sound."
            )
        )
    problem = _q5_frames_message(tr("encoder"), readers[0], hop)
    if problem:
        raise Incorrect(problem)
    writers = _of_type(decoder, "Conv1DTranspose")
    if not writers:
        raise Incorrect(
            tr(
                "Your decoder has no Conv1DTranspose: it must write frames of 2 * hop samples "
                "every hop samples and add them (overlap-add)."
            )
        )
    problem = _q5_frames_message(tr("decoder"), writers[-1], hop)
    if problem:
        raise Incorrect(problem)
    if readers[0].filters != hidden:
        raise Incorrect(
            tr(
                "Asked for hidden={hidden}, your encoder's first layer has {filters} channels: "
                "give it `hidden` of them."
            ).format(hidden=hidden, filters=readers[0].filters)
        )
    code_layer = _of_type(encoder, "Conv1D")[-1]
    if code_layer is not readers[0] and _activation_name(code_layer) != "linear":
        raise Incorrect(
            tr(
                "Your code layer uses {activation}; it must be linear, or the code could not take "
                "every value."
            ).format(activation=_activation_name(code_layer))
        )
    expanders = [
        layer
        for layer in _of_type(decoder, "Conv1D")
        if layer.kernel_size[0] == 1 and layer.filters == hidden
    ]
    if not expanders:
        raise Incorrect(
            tr(
                "Your decoder goes from the code straight to the Conv1DTranspose: the one-step "
                "Conv1D back to `hidden` ReLU channels is missing, or created but never applied "
                "to the code."
            )
        )
    if writers[-1].filters != 1:
        raise Incorrect(
            tr(
                "Your decoder outputs {channels} numbers per sample; the sound has 1 channel."
            ).format(channels=writers[-1].filters)
        )
    if _activation_name(writers[-1]) != "linear":
        raise Incorrect(
            tr(
                "Your output layer uses {activation}; it must be linear, so that the sound can "
                "take any value, negative ones included."
            ).format(activation=_activation_name(writers[-1]))
        )
    sound = np.random.default_rng(0).normal(size=(1, 10 * hop, 1)).astype(np.float32)
    code_shape = tuple(encoder(sound).shape)
    if code_shape != (1, 9, code_size):
        raise Incorrect(
            tr(
                "For {samples} samples the code should hold {code_size} numbers for each of the 9 "
                "frames that fit, shape (1, 9, {code_size}); yours has shape {code_shape}."
            ).format(samples=10 * hop, code_size=code_size, code_shape=code_shape)
        )
    output = np.asarray(autoencoder(sound))
    if output.shape != sound.shape:
        raise Incorrect(
            tr(
                "The autoencoder must return as many samples as it reads, shape {shape}; it returned "
                "{output_shape}."
            ).format(shape=sound.shape, output_shape=output.shape)
        )
    if not np.all(np.isfinite(output)):
        raise Incorrect(
            tr(
                "Your autoencoder's output holds NaN or infinite values: look at how its weights "
                "start (the initializers)."
            )
        )
    if not np.allclose(output, np.asarray(decoder(encoder(sound))), atol=1e-5):
        raise Incorrect(
            tr(
                "autoencoder(x) differs from decoder(encoder(x)): build the autoencoder from "
                "the encoder and decoder you return, so that the three share their layers."
            )
        )
    from course_utils.lapped import lapped_reconstruct, train_lapped
    from course_utils.metrics import snr_db

    t = np.arange(8 * 10 * hop) / 8000
    tones = (np.sin(2 * np.pi * 440 * t) + 0.5 * np.sin(2 * np.pi * 1210 * t + 1)).astype(
        np.float32
    )
    before = snr_db(tones, lapped_reconstruct(autoencoder, tones))
    train_lapped(  # no progress line inside the check's feedback
        autoencoder,
        [tones],
        steps=60,
        batch_size=8,
        crop_hops=8,
        learning_rate=3e-3,
        seed=0,
        progress=False,
    )
    after = snr_db(tones, lapped_reconstruct(autoencoder, tones))
    if not after > before + 1.0:
        raise Incorrect(
            tr(
                "Trained for 60 steps on two steady tones, your model went from {before:.1f} to "
                "{after:.1f} dB: it does not learn. Are the code and the output linear (no "
                "activation)?"
            ).format(before=before, after=after)
        )


q5 = _WriteAFunction(
    N_("Exercise 5: a convolutional autoencoder"),
    _q5_check,
    [
        N_(
            "The encoder is one layer slid along the sound: each output step reads a frame. How long is a "
            "frame, and how far does the layer move between two frames, if frames overlap by half?"
        ),
        N_(
            "`keras.layers.Conv1D(filters, kernel_size=..., strides=...)` on input of shape `(None, 1)` "
            "gives one row of `filters` numbers per frame; a second Conv1D with `kernel_size=1` maps each "
            "row to the code."
        ),
        N_(
            "The decoder mirrors it: a Conv1D with `kernel_size=1` back to `hidden` channels, then a "
            "`keras.layers.Conv1DTranspose(1, kernel_size=..., strides=...)`, which writes one frame per "
            "step and adds the overlapping halves."
        ),
        N_("Still stuck? `exercises.q5.solution()` shows the course's builder."),
    ],
    _build_conv_autoencoder,
    context=_q5_context,
    wrong_answers=[
        (lambda ctx: _q5_mistaken(frame=1), "they do not overlap"),
        (lambda ctx: _q5_mistaken(stride=2), "they do not overlap"),
        (lambda ctx: _q5_mistaken(transpose=False), "no Conv1DTranspose"),
        (lambda ctx: _q5_mistaken(expand=False), "never applied to the code"),
        (lambda ctx: _q5_mistaken(output_activation="sigmoid"), "output layer uses sigmoid"),
        (lambda ctx: _q5_mistaken(code_activation="relu"), "code layer uses relu"),
        (lambda ctx: _q5_mistaken(output_channels=8), "outputs 8 numbers per sample"),
        (lambda ctx: _q5_mistaken(nan=True), "NaN"),
        (lambda ctx: _q5_mistaken(shared=False), "share their layers"),
        (lambda ctx: _q5_mistaken(returns="none"), "returns None"),
        (lambda ctx: _q5_mistaken(returns="builder"), "returns a function"),
        (lambda ctx: _build_conv_autoencoder(hop=64, code_size=8), "without parentheses"),
    ],
)
