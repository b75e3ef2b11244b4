"""Exercises for 11_synthesis: phase and SNR, walking between codes, the VAE's sampling and KL term,
new codes for the plain autoencoder (open).

The learner writes functions, which the checks run: q2 ``walk``, q3 ``reparameterize`` and q4
``kl_divergence`` (the VAE of section 5 trains with both), q5 ``sample_codes`` (measured through
the check's own trained autoencoder).

Used in: 11_synthesis.
"""

from __future__ import annotations

import functools

import numpy as np

from ..i18n import N_, gettext, tr
from ..metrics import log_spectral_distance, snr_db
from ._core import Exercise, Incorrect, _refuse_shortcut

__all__ = ["q1", "q2", "q3", "q4", "q5"]


# --- q1: same sound, different waveform ---------------------------------------------------------

#: q1's bar for "the same magnitudes": Griffin-Lim (2.4 dB) and the 1 ms delay (1.8 dB) stay above it.
Q1_MAX_LSD = 1.0


def _q1_context():
    sr = 8000
    t = np.arange(4000) / sr
    tone = 0.4 * np.sin(2 * np.pi * 220 * t) + 0.2 * np.sin(2 * np.pi * 660 * t + 0.7)
    return {"signal": (tone * np.minimum(1.0, 5 * t)).astype(np.float32)}


def _q1_solution(signal):
    from course_utils.spectral import log_magnitude, to_audio

    log_mag, phase = log_magnitude(signal, n_fft=1024, hop_length=256)
    # Every phase turned by the same angle: the magnitudes stay, every sample moves.
    return to_audio(log_mag, phase + 2.5, hop_length=256, length=len(signal))


def _q1_check(answer, signal):
    answer = np.asarray(answer) if not isinstance(answer, str) else answer
    if (
        not isinstance(answer, np.ndarray)
        or answer.ndim != 1
        or not np.issubdtype(answer.dtype, np.number)
    ):
        raise Incorrect(tr("Return a 1-D array of samples, like `signal`."))
    if np.iscomplexobj(answer):
        raise Incorrect(
            tr(
                "Return real samples, like `signal`, not complex numbers (an STFT is not a waveform)."
            )
        )
    if answer.shape != signal.shape:
        raise Incorrect(
            tr(
                "Return as many samples as the signal has ({len_signal}); yours has {len_answer}."
            ).format(len_signal=len(signal), len_answer=len(answer))
        )
    if not np.all(np.isfinite(answer)):
        raise Incorrect(tr("Your waveform contains NaN or Inf."))
    if np.max(np.abs(answer)) == 0:
        raise Incorrect(
            tr(
                "That is silence: its magnitude spectrogram is all zeros, nothing like the signal's."
            )
        )
    if np.array_equal(answer, signal):
        raise Incorrect(
            tr(
                "That is the signal itself (SNR infinite). Find a *different* waveform with the same "
                "magnitudes."
            )
        )
    for shift in range(1, 65):  # the delayed copies of the table (1 ms is 8 to 48 samples)
        for late, early in ((answer[shift:], signal[:-shift]), (answer[:-shift], signal[shift:])):
            if snr_db(early, late) > 40:  # an exact copy; a turned phase is not
                raise Incorrect(
                    tr(
                        "That is the signal shifted by {shift} samples, like the delayed copy of "
                        "section 1's table. Find a waveform that is not a copy: what else can "
                        "change while the magnitudes stay?"
                    ).format(shift=shift)
                )
    if snr_db(-signal, answer) > 20:
        raise Incorrect(
            tr(
                "That is the polarity-inverted copy of section 1's table (or nearly). Find another "
                "waveform: what else can change while the magnitudes stay?"
            )
        )
    lsd = log_spectral_distance(signal, answer)
    if lsd > Q1_MAX_LSD:
        raise Incorrect(
            tr(
                "The magnitude spectrogram changed: log-spectral distance {lsd:.1f} dB (want < "
                "{limit} dB). Scaling, delaying, adding noise, filtering or a fresh Griffin-Lim all "
                "change the magnitudes more than that."
            ).format(lsd=lsd, limit=Q1_MAX_LSD)
        )
    snr = snr_db(signal, answer)
    if snr >= 0:
        raise Incorrect(
            tr("The SNR is still {snr:.1f} dB: the waveform is too close to the original.").format(
                snr=snr
            )
        )


q1 = Exercise(
    N_("Exercise 1: same magnitudes, negative SNR"),
    _q1_check,
    [
        N_(
            "A magnitude spectrogram keeps how loud each frequency is in each frame and forgets the "
            "phase. Section 1 rebuilt the trumpet from `log_mag` with several phases: which of them "
            "kept the magnitudes exactly?"
        ),
        N_(
            "Split `signal` with `log_magnitude` and rebuild it with `to_audio` and a phase of your "
            "own that differs from the stored one in the same way at every bin. Measure the SNR of a "
            "few choices with `snr_db`."
        ),
        N_("Still stuck? `exercises.q1.solution()` shows one way."),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (lambda ctx: ctx["signal"].copy(), "signal itself"),
        (lambda ctx: -ctx["signal"], "polarity-inverted copy"),
        (lambda ctx: 0.5 * ctx["signal"], "magnitude spectrogram changed"),
        (
            lambda ctx: np.concatenate([np.zeros(8, np.float32), ctx["signal"][:-8]]),
            "shifted by 8 samples",
        ),
        (lambda ctx: np.zeros_like(ctx["signal"]), "silence"),
        (lambda ctx: ctx["signal"][:-10], "as many samples"),
        (lambda ctx: ctx["signal"].astype(np.complex64), "complex"),
    ],
)


# --- q2: a linear walk between two codes -------------------------------------------------------

_Q2_SHORTCUTS = {
    "course_utils.synthesis:interpolate_codes": N_(
        "that is the course's own walk. Compute the steps yourself."
    ),
}


def _q2_cases():
    rng = np.random.default_rng(21)
    return [
        (np.array([1.0, -2.0, 0.5, 3.0]), np.array([-1.0, 2.0, 2.5, 0.0]), 5),
        (rng.normal(size=8), rng.normal(size=8), 3),
    ]


def _q2_solution():
    def walk(code_a, code_b, steps):
        t = np.linspace(0.0, 1.0, steps)[:, None]  # one row per step, t = 0 ... 1
        return (1 - t) * code_a + t * code_b

    return walk


def _q2_check(answer):
    if not callable(answer):
        raise Incorrect(tr("Give your function itself (`walk`), not the codes it returns."))
    _refuse_shortcut(answer, _Q2_SHORTCUTS)
    for code_a, code_b, steps in _q2_cases():
        result = answer(code_a.copy(), code_b.copy(), steps)
        if result is None:
            raise Incorrect(tr("Your function returns None: `return` the codes of the walk."))
        result = np.asarray(result, dtype=float)
        expected = _q2_solution()(code_a, code_b, steps)
        if result.shape != expected.shape:
            raise Incorrect(
                tr(
                    "Asked for steps={steps} between codes of {size} numbers, your walk has shape "
                    "{shape}; it should be one row per step, (steps, code size)."
                ).format(steps=steps, size=len(code_a), shape=result.shape)
            )
        if not np.allclose(result[0], code_a):
            if np.allclose(result[0], code_b):
                raise Incorrect(
                    tr("The walk runs backwards: the first row must be code_a and the last code_b.")
                )
            raise Incorrect(tr("The first row must be code_a itself (t = 0)."))
        if not np.allclose(result[-1], code_b):
            raise Incorrect(
                tr(
                    "The last row must be code_b itself (t = 1): your walk stops short of it. "
                    "Count the steps between the two ends."
                )
            )
        if not np.allclose(result, expected):
            raise Incorrect(
                tr(
                    "The ends are right but the steps between them are not evenly spaced: each "
                    "step should move the same distance along the line from code_a to code_b."
                )
            )


def _wrong_walk(kind):
    """A ``walk`` with one typical mistake, for the tests."""

    def walk(code_a, code_b, steps):
        if kind == "five":
            steps = 5
        if kind == "endpoint":
            t = (np.arange(steps) / steps)[:, None]
        elif kind == "middle":
            t = np.array([0.0] + [0.5] * (steps - 2) + [1.0])[:, None]
        else:
            t = np.linspace(0.0, 1.0, steps)[:, None]
        if kind == "backwards":
            code_a, code_b = code_b, code_a
        path = (1 - t) * code_a + t * code_b
        return path.T if kind == "transposed" else path

    return walk


def _walk_shortcut(code_a, code_b, steps):
    """The shortcut q2 refuses: the course's own walk (for the tests)."""
    from course_utils.synthesis import interpolate_codes

    return interpolate_codes(code_a, code_b, steps)


q2 = Exercise(
    N_("Exercise 2: walk from one code to another"),
    _q2_check,
    [
        N_(
            "A point on the straight line from `code_a` to `code_b` is `code_a` plus a fraction t of "
            "the way `code_b - code_a`: t = 0 at the start, t = 1 at the end."
        ),
        N_(
            "Make the `steps` values of t evenly spaced, both ends included, as a column "
            "(`[:, None]`): then one line of NumPy broadcasts to one row per step."
        ),
        N_("Still stuck? `exercises.q2.solution()` shows one way."),
    ],
    _q2_solution,
    wrong_answers=[
        (lambda ctx: _wrong_walk("backwards"), "backwards"),
        (lambda ctx: _wrong_walk("endpoint"), "stops short"),
        (lambda ctx: _wrong_walk("transposed"), "one row per step"),
        (lambda ctx: _wrong_walk("middle"), "evenly spaced"),
        (lambda ctx: _wrong_walk("five"), "steps=3"),
        (lambda ctx: _walk_shortcut, "course's own walk"),
        (lambda ctx: lambda code_a, code_b, steps: None, "returns None"),
        (np.zeros((5, 4)), "function itself"),
    ],
    solution_name="solution",
)


# --- q3: the reparameterization trick -----------------------------------------------------------

#: q3's test batch: every row has the same mean and log-variance, so the rows' spread is the noise's.
Q3_MEAN = (3.0, -1.0, 0.5)
Q3_STD = (2.0, 0.5, 1.0)
Q3_ROWS = 4096

_Q3_SHORTCUTS = {
    "course_utils.synthesis:Sampling": N_(
        "that is the course's own sampling layer. Draw the codes yourself."
    ),
    "course_utils.synthesis:_reparameterize": N_(
        "that is the course's own sampling. Draw the codes yourself."
    ),
}

_NUMPY_IN_GRAPH = N_(
    "Inside a compiled training step your function raised {kind}: {problem}. On tensors use "
    "`keras.ops` (`ops.exp`, `ops.shape`) and `keras.random`, not NumPy."
)


def _q3_solution():
    import keras
    from keras import ops

    def reparameterize(z_mean, z_log_var, seed_generator):
        epsilon = keras.random.normal(
            ops.shape(z_mean), seed=seed_generator
        )  # N(0, I), new each call
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon  # standard deviation = exp(log_var / 2)

    return reparameterize


def _q3_batch():
    import tensorflow as tf

    mean = np.tile(np.array(Q3_MEAN, np.float32), (Q3_ROWS, 1))
    log_var = np.tile(np.log(np.array(Q3_STD, np.float32) ** 2), (Q3_ROWS, 1))
    return tf.constant(mean), tf.constant(log_var)


def _last_line(problem) -> str:
    """The last line of an error's message (TensorFlow's start with the traced code)."""
    lines = [line.strip() for line in str(problem).splitlines() if line.strip()]
    return (lines[-1] if lines else type(problem).__name__)[:160]


def _codes(result, what):
    if result is None:
        raise Incorrect(tr("Your function returns None: `return` the {what}.").format(what=what))
    return np.asarray(result)


def _q3_check(answer):
    import keras
    import tensorflow as tf

    if not callable(answer):
        raise Incorrect(
            tr("Give your function itself (`reparameterize`), not the codes it returns.")
        )
    _refuse_shortcut(answer, _Q3_SHORTCUTS)
    z_mean, z_log_var = _q3_batch()
    z = _codes(answer(z_mean, z_log_var, keras.random.SeedGenerator(7)), tr("codes"))
    if z.shape != tuple(z_mean.shape):
        raise Incorrect(
            tr(
                "For z_mean and z_log_var of shape {expected} your codes have shape {shape}: one "
                "code per row, as many numbers as z_mean."
            ).format(expected=tuple(z_mean.shape), shape=z.shape)
        )
    if z.dtype != np.float32:
        raise Incorrect(
            tr(
                "Your codes are {dtype}; the model computes in float32, as z_mean does. Draw the "
                "noise with `keras.random.normal`, which follows the model's dtype."
            ).format(dtype=z.dtype)
        )
    mean, log_var = np.asarray(z_mean), np.asarray(z_log_var)
    if np.allclose(z, mean):
        raise Incorrect(
            tr(
                "Your codes are z_mean itself: nothing is drawn. A VAE samples each code around "
                "its mean, with the spread z_log_var gives."
            )
        )
    if np.allclose(z, z[0]):
        raise Incorrect(
            tr(
                "Every row got the same noise: draw epsilon with the shape of the whole batch "
                "(`ops.shape(z_mean)`), not of one code."
            )
        )
    spread, centre = z.std(axis=0), z.mean(axis=0)
    if not np.allclose(centre, Q3_MEAN, atol=0.2):
        raise Incorrect(
            tr(
                "Your codes are not centred on z_mean (their averages are {centre} for z_mean "
                "{mean}): the mean belongs in the code."
            ).format(centre=np.round(centre.astype(float), 2).tolist(), mean=list(Q3_MEAN))
        )
    std = np.exp(0.5 * log_var[0])
    if not np.allclose(spread, std, rtol=0.1):
        if np.allclose(spread, np.abs(log_var[0]), rtol=0.1, atol=0.05):
            reason = tr(
                "you used z_log_var as the standard deviation; it is the log of the variance."
            )
        elif np.allclose(spread, np.exp(log_var[0]), rtol=0.1):
            reason = tr(
                "you used exp(z_log_var), the variance, as the standard deviation; the standard "
                "deviation is its square root."
            )
        else:
            reason = tr("the standard deviation of each dimension should follow from z_log_var.")
        raise Incorrect(
            tr(
                "For z_log_var = {log_var}, your codes spread {spread} around their mean: {reason}"
            ).format(
                log_var=np.round(log_var[0].astype(float), 2).tolist(),
                spread=np.round(spread.astype(float), 2).tolist(),
                reason=reason,
            )
        )
    generator = keras.random.SeedGenerator(7)
    again = _codes(answer(z_mean, z_log_var, generator), tr("codes"))
    if not np.allclose(again, z):
        raise Incorrect(
            tr(
                "With the same fresh seed generator, two calls drew different codes: your noise "
                "does not come from `seed_generator`, so training cannot be repeated. Pass "
                "`seed=seed_generator` to `keras.random.normal`."
            )
        )
    following = _codes(answer(z_mean, z_log_var, generator), tr("codes"))
    if np.allclose(following, again):
        raise Incorrect(
            tr(
                "Two calls with the same seed generator drew the same noise: each training step "
                "needs new noise. Pass the generator itself (`seed=seed_generator`), not a fixed "
                "seed."
            )
        )

    generator = keras.random.SeedGenerator(7)

    @tf.function
    def step(mean, log_var):
        with tf.GradientTape() as tape:
            tape.watch([mean, log_var])
            codes = answer(mean, log_var, generator)
            total = tf.reduce_sum(tf.convert_to_tensor(codes))
        return codes, tape.gradient(total, [mean, log_var])

    try:
        first, gradients = step(z_mean, z_log_var)
        second, _ = step(z_mean, z_log_var)
    except Exception as problem:  # noqa: BLE001 - the learner's code may fail in any way
        raise Incorrect(
            gettext(_NUMPY_IN_GRAPH).format(
                kind=type(problem).__name__, problem=_last_line(problem)
            )
        ) from None
    if np.allclose(np.asarray(first), np.asarray(second)):
        raise Incorrect(
            tr(
                "Inside a compiled training step your function drew the same noise at every step: "
                "NumPy's random numbers are drawn once, when TensorFlow traces the step. Draw with "
                "`keras.random.normal(..., seed=seed_generator)`."
            )
        )
    if any(gradient is None for gradient in gradients):
        raise Incorrect(
            tr(
                "No gradient flows from your codes back to z_mean or z_log_var, so training could "
                "not move the encoder: compute the codes from both with `keras.ops`."
            )
        )


def _wrong_reparameterize(kind):
    """A ``reparameterize`` with one typical mistake, for the tests."""
    import keras
    from keras import ops

    def reparameterize(z_mean, z_log_var, seed_generator):
        shape = ops.shape(z_mean)
        if kind == "numpy":  # NumPy on the log-variance: works eagerly, not in a compiled step
            epsilon = keras.random.normal(shape, seed=seed_generator)
            return z_mean + np.exp(0.5 * np.asarray(z_log_var)) * epsilon
        if kind == "no seed":
            epsilon = keras.random.normal(shape)
        elif kind == "fixed seed":
            epsilon = keras.random.normal(shape, seed=0)
        elif kind == "one row":
            epsilon = keras.random.normal(shape[-1:], seed=seed_generator)
        else:
            epsilon = keras.random.normal(shape, seed=seed_generator)
        scale = {
            "log-var as std": z_log_var,
            "variance as std": ops.exp(z_log_var),
        }.get(kind, ops.exp(0.5 * z_log_var))
        if kind == "no noise":
            return z_mean
        if kind == "no mean":
            return scale * epsilon
        if kind == "float64":
            return np.asarray(z_mean, np.float64) + np.asarray(scale, np.float64) * np.asarray(
                epsilon, np.float64
            )
        return z_mean + scale * epsilon

    return reparameterize


def _sampling_shortcut(z_mean, z_log_var, seed_generator):
    """The shortcut q3 refuses: the course's own sampling (for the tests)."""
    from course_utils.synthesis import _reparameterize

    return _reparameterize(z_mean, z_log_var, seed_generator)


q3 = Exercise(
    N_("Exercise 3: draw a code (the reparameterization trick)"),
    _q3_check,
    [
        N_(
            "The encoder gives each frame a mean and a log-variance. A code is the mean plus noise "
            "with the right standard deviation: how do you get a standard deviation from a "
            "log-variance?"
        ),
        N_(
            "Draw the noise `epsilon ~ N(0, I)` with `keras.random.normal`, shaped like the whole "
            "batch (`ops.shape(z_mean)`), from the generator you are given (`seed=...`), so each "
            "step draws new noise, reproducibly."
        ),
        N_("Still stuck? `exercises.q3.solution()` shows the course's sampling."),
    ],
    _q3_solution,
    wrong_answers=[
        (lambda ctx: _wrong_reparameterize("log-var as std"), "used z_log_var as the standard"),
        (lambda ctx: _wrong_reparameterize("variance as std"), "the variance, as the standard"),
        (lambda ctx: _wrong_reparameterize("no noise"), "nothing is drawn"),
        (lambda ctx: _wrong_reparameterize("no mean"), "not centred on z_mean"),
        (lambda ctx: _wrong_reparameterize("one row"), "same noise"),
        (lambda ctx: _wrong_reparameterize("no seed"), "does not come from `seed_generator`"),
        (lambda ctx: _wrong_reparameterize("fixed seed"), "not a fixed seed"),
        (lambda ctx: _wrong_reparameterize("float64"), "float64"),
        (lambda ctx: _wrong_reparameterize("numpy"), "not NumPy"),
        (lambda ctx: _sampling_shortcut, "course's own sampling"),
    ],
    solution_name="solution",
)


# --- q4: the KL term ------------------------------------------------------------------------------

_Q4_SHORTCUTS = {
    "course_utils.synthesis:VAE.elbo_terms": N_(
        "that is the course's own loss. Write the KL term yourself."
    ),
    "course_utils.synthesis:_kl_divergence": N_(
        "that is the course's own KL term. Write it yourself."
    ),
}


def _q4_batch():
    rng = np.random.default_rng(9)
    return (
        rng.normal(0.0, 1.5, size=(6, 3)).astype(np.float32),
        rng.normal(-1.0, 0.8, size=(6, 3)).astype(np.float32),
    )


def _q4_solution():
    from keras import ops

    def kl_divergence(z_mean, z_log_var):
        kl = -0.5 * (
            1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var)
        )  # per example and dim
        return ops.mean(ops.sum(kl, axis=-1))  # sum over the latent dimensions, mean over the batch

    return kl_divergence


def _q4_check(answer):
    import tensorflow as tf

    if not callable(answer):
        raise Incorrect(
            tr("Give your function itself (`kl_divergence`), not the number it returns.")
        )
    _refuse_shortcut(answer, _Q4_SHORTCUTS)
    mean, log_var = _q4_batch()
    value = _codes(answer(tf.constant(mean), tf.constant(log_var)), tr("KL term"))
    per_element = -0.5 * (1 + log_var.astype(np.float64) - mean**2 - np.exp(log_var))
    if value.shape == per_element.shape[:1]:
        raise Incorrect(
            tr(
                "Your function returns one value per example (shape {shape}); the loss is one "
                "number, the mean over the batch."
            ).format(shape=value.shape)
        )
    if value.shape == per_element.shape:
        raise Incorrect(
            tr(
                "Your function returns one value per example and latent dimension (shape {shape}); "
                "sum over the latent dimensions, then average over the batch: one number."
            ).format(shape=value.shape)
        )
    if value.size != 1:
        raise Incorrect(
            tr("Your function returns shape {shape}; the KL term is one number.").format(
                shape=value.shape
            )
        )
    value = float(value)
    expected = float(np.mean(np.sum(per_element, axis=1)))

    def near(other):
        return abs(value - other) < 1e-4 * max(1.0, abs(other))

    if not near(expected):
        as_variance = -0.5 * (1 + np.log(np.abs(log_var) + 1e-12) - mean**2 - log_var)
        if near(-expected):
            raise Incorrect(
                tr(
                    "Your KL term is {value:.3f}, below 0: a KL divergence is never negative. "
                    "Check the sign in front."
                ).format(value=value)
            )
        if near(2 * expected):
            raise Incorrect(tr("Your KL term is twice too large: the factor 1/2 is missing."))
        if near(float(per_element.mean())):
            raise Incorrect(
                tr(
                    "That averages over the latent dimensions too. Sum over the latent dimensions "
                    "(each adds its own KL), then average over the examples in the batch."
                )
            )
        if near(float(per_element.sum())):
            raise Incorrect(
                tr(
                    "That sums over the batch too: average over the examples, so that the batch "
                    "size does not change the loss's scale."
                )
            )
        if near(float(np.mean(np.sum(as_variance, axis=1)))):
            raise Incorrect(
                tr("z_log_var is the *log* of the variance: the variance is exp(z_log_var).")
            )
        raise Incorrect(
            tr(
                "That is not the batch's KL term. Compute it for each example and latent dimension, "
                "sum over the latent dimensions, then average over the batch."
            )
        )

    @tf.function
    def step(m, v):
        with tf.GradientTape() as tape:
            tape.watch([m, v])
            loss = tf.convert_to_tensor(answer(m, v))
        return loss, tape.gradient(loss, [m, v])

    try:
        _, gradients = step(tf.constant(mean), tf.constant(log_var))
    except Exception as problem:  # noqa: BLE001 - the learner's code may fail in any way
        raise Incorrect(
            gettext(_NUMPY_IN_GRAPH).format(
                kind=type(problem).__name__, problem=_last_line(problem)
            )
        ) from None
    if any(gradient is None for gradient in gradients):
        raise Incorrect(
            tr(
                "No gradient flows from your KL term back to z_mean or z_log_var: compute it from "
                "both with `keras.ops`."
            )
        )


def _wrong_kl(kind):
    """A ``kl_divergence`` with one typical mistake, for the tests."""
    from keras import ops

    def kl_divergence(z_mean, z_log_var):
        if kind == "numpy":
            kl = -0.5 * (1 + np.asarray(z_log_var) - np.asarray(z_mean) ** 2 - np.exp(z_log_var))
            return float(np.mean(np.sum(kl, axis=1)))
        variance = z_log_var if kind == "log-var as variance" else ops.exp(z_log_var)
        log_variance = (
            ops.log(ops.abs(z_log_var) + 1e-12) if kind == "log-var as variance" else z_log_var
        )
        kl = 0.5 * (1.0 + log_variance - ops.square(z_mean) - variance)
        kl = -kl if kind != "sign" else kl
        if kind == "no half":
            kl = 2 * kl
        if kind == "per example":
            return ops.sum(kl, axis=-1)
        if kind == "mean over dims":
            return ops.mean(kl)
        if kind == "sum over batch":
            return ops.sum(kl)
        return ops.mean(ops.sum(kl, axis=-1))

    return kl_divergence


def _kl_shortcut(z_mean, z_log_var):
    """The shortcut q4 refuses: the course's own KL term (for the tests)."""
    from course_utils.synthesis import _kl_divergence

    return _kl_divergence(z_mean, z_log_var)


q4 = Exercise(
    N_("Exercise 4: the KL term"),
    _q4_check,
    [
        N_(
            "Section 5's equation gives the KL divergence of one latent dimension of one example from "
            "its mean and log-variance. Write it with `keras.ops` (`ops.exp`, `ops.square`), which "
            "works on a whole batch at once."
        ),
        N_(
            "Each latent dimension adds its own KL: sum over the last axis. The loss is then one "
            "number for the batch: average over the examples."
        ),
        N_("Still stuck? `exercises.q4.solution()` shows the course's KL term."),
    ],
    _q4_solution,
    wrong_answers=[
        (lambda ctx: _wrong_kl("sign"), "never negative"),
        (lambda ctx: _wrong_kl("no half"), "1/2"),
        (lambda ctx: _wrong_kl("mean over dims"), "Sum over the latent"),
        (lambda ctx: _wrong_kl("sum over batch"), "sums over the batch"),
        (lambda ctx: _wrong_kl("log-var as variance"), "exp(z_log_var)"),
        (lambda ctx: _wrong_kl("per example"), "one value per example"),
        (lambda ctx: _wrong_kl("numpy"), "not NumPy"),
        (lambda ctx: _kl_shortcut, "course's own KL term"),
    ],
    solution_name="solution",
)


# --- q5 (open): new codes for the plain autoencoder ------------------------------------------

#: The check's own model: the lesson's synthetic notes, a small dense autoencoder trained briefly.
Q5_HIDDEN, Q5_CODE, Q5_STEPS, Q5_SAMPLES = (64,), 8, 300, 256
#: Median distance (dB) from the samples to the nearest held-out (mf) frame that passes; seeds 0-2:
#: a Gaussian fitted to the codes 10.8-12.0, a full-covariance Gaussian 9.2-9.7, N(0, I) 13.1;
#: mixing two training codes 7.1-7.3, a training code plus noise of 0.3 times the spread 7.5-7.6.
Q5_TARGET_DB = 8.5
#: A sample is "new" when its code lies at least this share of the codes' spread from every
#: training code (median over the samples); a training code plus 0.1 spread of noise: 0.08.
Q5_NOVELTY = 0.1
#: The samples' spread per code dimension, relative to the training codes' (mean over dimensions).
Q5_VARIETY = 0.5


@functools.lru_cache(maxsize=1)
def _q5_model():
    """The check's autoencoder (seed 0), its codes of the training frames, and the held-out frames."""
    import keras

    from ..data import load_instrument_notes
    from ..models import build_dense_autoencoder
    from ..spectral import log_magnitude
    from ..training import fit_autoencoder

    clips, rows, _ = load_instrument_notes()
    train, held_out = [], []
    for row, clip in zip(rows, clips):
        frames = log_magnitude(clip, n_fft=1024, hop_length=256)[0].T
        (held_out if row["dynamic"] == "mf" else train).append(frames)
    train, held_out = np.concatenate(train), np.concatenate(held_out)
    offset, scale = float(train.mean()), float(train.std())
    keras.utils.set_random_seed(0)
    autoencoder, encoder, decoder = build_dense_autoencoder(513, Q5_CODE, hidden_sizes=Q5_HIDDEN)
    fit_autoencoder(
        autoencoder,
        ((train - offset) / scale).astype(np.float32),
        steps=Q5_STEPS,
        seed=0,
        progress=False,
    )
    codes = np.asarray(encoder(((train - offset) / scale).astype(np.float32), training=False))

    def decode(z):
        return np.asarray(decoder(np.asarray(z, dtype=np.float32), training=False)) * scale + offset

    return codes, decode, held_out


def _q5_context():
    _q5_model()  # trained once, before a check's time limit starts
    return {}


def _q5_solution():
    def sample_codes(codes, n, rng):
        # A random point on the line between two training codes: between two sounds the decoder knows.
        first, second = rng.integers(len(codes), size=(2, n))
        t = rng.uniform(0.25, 0.75, size=(n, 1))
        return (1 - t) * codes[first] + t * codes[second]

    return sample_codes


def _q5_check(answer, model=None):
    from ..synthesis import nearest_frame_distance

    if not callable(answer):
        raise Incorrect(
            tr("Give your function itself (`answer = sample_codes`), not the codes it returns.")
        )
    codes, decode, held_out = model if model is not None else _q5_model()
    codes = np.asarray(codes, dtype=np.float64)
    samples = answer(codes.copy(), Q5_SAMPLES, np.random.default_rng(1))
    if samples is None:
        raise Incorrect(tr("Your function returned None: `return` the new codes."))
    try:
        samples = np.asarray(samples, dtype=np.float64)
    except (TypeError, ValueError):
        raise Incorrect(tr("Return the codes as one array of numbers.")) from None
    expected = (Q5_SAMPLES, codes.shape[1])
    if samples.shape != expected:
        raise Incorrect(
            tr(
                "Asked for n = {Q5_SAMPLES} codes of the training codes' size {code_size}, your "
                "function returned shape {shape}; it must be (n, {code_size})."
            ).format(Q5_SAMPLES=Q5_SAMPLES, code_size=codes.shape[1], shape=samples.shape)
        )
    if not np.all(np.isfinite(samples)):
        raise Incorrect(tr("Your codes contain NaN or infinite values."))
    spread = codes.std(axis=0)
    variety = float(np.mean(samples.std(axis=0) / spread))
    if variety < Q5_VARIETY:
        raise Incorrect(
            tr(
                "Your {Q5_SAMPLES} codes hardly differ (per dimension {variety:.2f} times the "
                "training codes' spread, want at least {Q5_VARIETY}): that is one sound, or a few, "
                "not new sounds drawn at random. Use `rng` to draw each one."
            ).format(Q5_SAMPLES=Q5_SAMPLES, variety=variety, Q5_VARIETY=Q5_VARIETY)
        )
    nearest = np.sqrt(
        np.maximum(
            np.sum(samples**2, axis=1)[:, None]
            - 2 * samples @ codes.T
            + np.sum(codes**2, axis=1)[None, :],
            0.0,
        ).min(axis=1)
    ) / np.sqrt(np.sum(spread**2))
    novelty = float(np.median(nearest))
    if novelty < 1e-6:
        raise Incorrect(
            tr(
                "Your codes are training codes themselves: decoding them replays frames the model "
                "was trained on. The exercise asks for codes no training frame has."
            )
        )
    if novelty < Q5_NOVELTY:
        raise Incorrect(
            tr(
                "Half your codes lie within {novelty:.2f} of the codes' spread from a training code "
                "(want at least {Q5_NOVELTY}): near-copies that replay training frames with a little "
                "noise. Go further from any single training code."
            ).format(novelty=novelty, Q5_NOVELTY=Q5_NOVELTY)
        )
    distance = float(np.median(nearest_frame_distance(decode(samples), held_out)))
    if distance >= Q5_TARGET_DB:
        raise Incorrect(
            tr(
                "Decoded, your samples lie {distance:.1f} dB (median) from the nearest held-out mf "
                "frame; not yet below {Q5_TARGET_DB} dB. Section 5 found the codes on a thin, curved "
                "set: a cloud around them is mostly space the decoder never saw."
            ).format(distance=distance, Q5_TARGET_DB=Q5_TARGET_DB)
        )


def _q5_fitted_gaussian(codes, n, rng):
    return codes.mean(axis=0) + codes.std(axis=0) * rng.standard_normal((n, codes.shape[1]))


q5 = Exercise(
    N_("Exercise 5 (open): new sounds from the plain autoencoder"),
    _q5_check,
    [
        N_(
            "Section 5: codes drawn from N(0, I), or from a Gaussian fitted to the codes, decode far "
            "from the data, because the codes lie on a thin, curved set. Where are codes you *know* the "
            "decoder handles?"
        ),
        N_(
            "New codes should stay near that set without landing on a training code. Section 3 walked "
            "between two codes: each step of the walk decoded to a plausible frame."
        ),
        N_(
            "Draw two training codes at random for each sample (`rng.integers`) and a point between "
            "them, not too close to either end."
        ),
        N_("Still stuck? `exercises.q5.solution()` shows one way."),
    ],
    _q5_solution,
    context=_q5_context,
    wrong_answers=[
        (lambda ctx: _q5_fitted_gaussian, "not yet below"),
        (lambda ctx: lambda codes, n, rng: codes[rng.integers(len(codes), size=n)], "themselves"),
        (
            lambda ctx: (
                lambda codes, n, rng: (
                    codes[rng.integers(len(codes), size=n)]
                    + 0.05 * codes.std(axis=0) * rng.standard_normal((n, codes.shape[1]))
                )
            ),
            "near-copies",
        ),
        (lambda ctx: lambda codes, n, rng: np.tile(codes.mean(axis=0), (n, 1)), "hardly differ"),
        (lambda ctx: lambda codes, n, rng: rng.standard_normal((codes.shape[1], n)), "shape"),
        (lambda ctx: lambda codes, n, rng: None, "returned None"),
        (np.zeros((256, 8)), "function itself"),
    ],
    solution_name="solution",
)
