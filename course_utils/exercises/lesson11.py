"""Exercises for 11_synthesis: phase and SNR, walking between codes, the VAE's KL term, new codes
for the plain autoencoder (open).

Used in: 11_synthesis.
"""

from __future__ import annotations

import functools

import numpy as np

from ..checks import is_number
from ..i18n import N_, tr
from ..metrics import log_spectral_distance, snr_db
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3", "q4"]


# --- q1: same sound, different waveform ---------------------------------------------------------


def _q1_context():
    sr = 8000
    t = np.arange(4000) / sr
    tone = 0.4 * np.sin(2 * np.pi * 220 * t) + 0.2 * np.sin(2 * np.pi * 660 * t + 0.7)
    return {"signal": (tone * np.minimum(1.0, 5 * t)).astype(np.float32)}


def _q1_solution(signal):
    return -signal  # every sample on the other side of zero: same magnitudes, SNR -6 dB


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
    lsd = log_spectral_distance(signal, answer)
    if lsd > 0.5:
        raise Incorrect(
            tr(
                "The magnitude spectrogram changed: log-spectral distance {lsd:.1f} dB (want < 0.5 "
                "dB). Scaling, adding noise or filtering all change the magnitudes."
            ).format(lsd=lsd)
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
    N_(
        "Which waveform sounds exactly like `signal` (same magnitude at every time and frequency) "
        "but has every sample on the other side of zero? Check yours with "
        "`course_utils.metrics.snr_db` and `log_spectral_distance`."
    ),
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (lambda ctx: ctx["signal"].copy(), "signal itself"),
        (lambda ctx: 0.5 * ctx["signal"], "magnitude spectrogram changed"),
        (lambda ctx: np.zeros_like(ctx["signal"]), "silence"),
        (lambda ctx: ctx["signal"][:-10], "as many samples"),
    ],
)


# --- q2: a linear walk between two codes -------------------------------------------------------


def _q2_context():
    return {
        "code_a": np.array([1.0, -2.0, 0.5, 3.0]),
        "code_b": np.array([-1.0, 2.0, 2.5, 0.0]),
        "steps": 5,
    }


def _q2_solution(code_a, code_b, steps):
    t = np.linspace(0.0, 1.0, steps)[:, None]  # one row per step, t = 0 ... 1
    return (1 - t) * code_a + t * code_b


def _q2_check(answer, code_a, code_b, steps):
    answer = np.asarray(answer, dtype=float) if not isinstance(answer, str) else answer
    expected = _q2_solution(code_a, code_b, steps)
    if not isinstance(answer, np.ndarray) or answer.shape != expected.shape:
        shape = getattr(answer, "shape", type(answer).__name__)
        raise Incorrect(
            tr("Return an array of shape (steps, latent) = {shape}; got {shape2}.").format(
                shape=expected.shape, shape2=shape
            )
        )
    if not np.allclose(answer[0], code_a):
        if np.allclose(answer[0], code_b):
            raise Incorrect(
                tr("The walk runs backwards: the first row must be code_a and the last code_b.")
            )
        raise Incorrect(tr("The first row must be code_a itself (t = 0)."))
    if not np.allclose(answer[-1], code_b):
        raise Incorrect(
            tr(
                "The last row must be code_b itself (t = 1). np.linspace(0, 1, steps) includes both "
                "ends; endpoint=False or np.arange(steps) / steps stops short."
            )
        )
    if not np.allclose(answer, expected):
        raise Incorrect(
            tr(
                "The ends are right but the steps between them are not evenly spaced: use t = "
                "np.linspace(0, 1, steps)."
            )
        )


q2 = Exercise(
    N_("Exercise 2: walk from one code to another"),
    _q2_check,
    N_(
        "Make `t = np.linspace(0, 1, steps)` a column (`[:, None]`), then `(1 - t) * code_a + t * code_b` "
        "broadcasts to one row per step. Compare with `course_utils.synthesis.interpolate_codes`."
    ),
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (lambda ctx: _q2_solution(ctx["code_b"], ctx["code_a"], ctx["steps"]), "backwards"),
        (
            lambda ctx: (
                (1 - np.arange(5)[:, None] / 5) * ctx["code_a"]
                + np.arange(5)[:, None] / 5 * ctx["code_b"]
            ),
            "endpoint=False",
        ),
        (lambda ctx: _q2_solution(**ctx).T, "shape"),
        (
            lambda ctx: np.vstack(
                [ctx["code_a"], np.tile((ctx["code_a"] + ctx["code_b"]) / 2, (3, 1)), ctx["code_b"]]
            ),
            "evenly spaced",
        ),
    ],
)


# --- q3: the KL term of a VAE -------------------------------------------------------------------


def _q3_context():
    rng = np.random.default_rng(9)
    return {
        "z_mean": rng.normal(0.0, 1.5, size=(6, 3)),
        "z_log_var": rng.normal(-1.0, 0.8, size=(6, 3)),
    }


def _q3_solution(z_mean, z_log_var):
    kl = -0.5 * (
        1 + z_log_var - z_mean**2 - np.exp(z_log_var)
    )  # one value per example and dimension
    return float(np.mean(np.sum(kl, axis=1)))  # sum over latent dimensions, mean over the batch


def _q3_check(answer, z_mean, z_log_var):
    if not is_number(answer):
        raise Incorrect(tr("Return one number: the KL term averaged over the batch."))
    expected = _q3_solution(z_mean, z_log_var)

    def near(value):
        return abs(answer - value) < 1e-6 * max(1.0, abs(value))

    if near(expected):
        return
    per_element = -0.5 * (1 + z_log_var - z_mean**2 - np.exp(z_log_var))
    if near(-expected):
        raise Incorrect(tr("The sign is flipped: a KL divergence is never negative."))
    if near(2 * expected):
        raise Incorrect(
            tr("The factor 1/2 is missing: KL = -0.5 * (1 + log_var - mean**2 - exp(log_var)).")
        )
    if near(float(per_element.mean())):
        raise Incorrect(
            tr(
                "That averages over the latent dimensions too. Sum over the latent dimensions (each "
                "adds its own KL), then average over the examples in the batch."
            )
        )
    as_variance = -0.5 * (1 + np.log(np.abs(z_log_var) + 1e-12) - z_mean**2 - z_log_var)
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


q3 = Exercise(
    N_("Exercise 3: the KL term by hand"),
    _q3_check,
    N_(
        "For one dimension, KL(N(m, exp(v)) || N(0, 1)) = -0.5 * (1 + v - m**2 - exp(v)). "
        "Sum it over the latent dimensions (axis=1), then take the mean over the batch. "
        "The VAE's `elbo_terms` in `course_utils.synthesis` does the same with `keras.ops`."
    ),
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda ctx: -_q3_solution(**ctx), "never negative"),
        (lambda ctx: 2 * _q3_solution(**ctx), "1/2"),
        (
            lambda ctx: float(
                np.mean(
                    -0.5 * (1 + ctx["z_log_var"] - ctx["z_mean"] ** 2 - np.exp(ctx["z_log_var"]))
                )
            ),
            "Sum over the latent",
        ),
        (
            lambda ctx: float(
                np.mean(
                    np.sum(
                        -0.5
                        * (
                            1
                            + np.log(np.abs(ctx["z_log_var"]) + 1e-12)
                            - ctx["z_mean"] ** 2
                            - ctx["z_log_var"]
                        ),
                        axis=1,
                    )
                )
            ),
            "exp(z_log_var)",
        ),
        ("12", "one number"),
    ],
)


# --- q4 (open): new codes for the plain autoencoder ------------------------------------------

#: The check's own model: the lesson's synthetic notes, a small dense autoencoder trained briefly.
Q4_HIDDEN, Q4_CODE, Q4_STEPS, Q4_SAMPLES = (64,), 8, 300, 256
#: Median distance (dB) from the samples to the nearest held-out (mf) frame that passes; seeds 0-2:
#: a Gaussian fitted to the codes 10.8-12.0, a full-covariance Gaussian 9.2-9.7, N(0, I) 13.1;
#: mixing two training codes 7.1-7.3, a training code plus noise of 0.3 times the spread 7.5-7.6.
Q4_TARGET_DB = 8.5
#: A sample is "new" when its code lies at least this share of the codes' spread from every
#: training code (median over the samples); a training code plus 0.1 spread of noise: 0.08.
Q4_NOVELTY = 0.1
#: The samples' spread per code dimension, relative to the training codes' (mean over dimensions).
Q4_VARIETY = 0.5


@functools.lru_cache(maxsize=1)
def _q4_model():
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
    autoencoder, encoder, decoder = build_dense_autoencoder(513, Q4_CODE, hidden_sizes=Q4_HIDDEN)
    fit_autoencoder(
        autoencoder,
        ((train - offset) / scale).astype(np.float32),
        steps=Q4_STEPS,
        seed=0,
        progress=False,
    )
    codes = np.asarray(encoder(((train - offset) / scale).astype(np.float32), training=False))

    def decode(z):
        return np.asarray(decoder(np.asarray(z, dtype=np.float32), training=False)) * scale + offset

    return codes, decode, held_out


def _q4_context():
    _q4_model()  # trained once, before a check's time limit starts
    return {}


def _q4_solution():
    def sample_codes(codes, n, rng):
        # A random point on the line between two training codes: between two sounds the decoder knows.
        first, second = rng.integers(len(codes), size=(2, n))
        t = rng.uniform(0.25, 0.75, size=(n, 1))
        return (1 - t) * codes[first] + t * codes[second]

    return sample_codes


def _q4_check(answer, model=None):
    from ..synthesis import nearest_frame_distance

    if not callable(answer):
        raise Incorrect(
            tr("Give your function itself (`answer = sample_codes`), not the codes it returns.")
        )
    codes, decode, held_out = model if model is not None else _q4_model()
    codes = np.asarray(codes, dtype=np.float64)
    samples = answer(codes.copy(), Q4_SAMPLES, np.random.default_rng(1))
    if samples is None:
        raise Incorrect(tr("Your function returned None: `return` the new codes."))
    try:
        samples = np.asarray(samples, dtype=np.float64)
    except (TypeError, ValueError):
        raise Incorrect(tr("Return the codes as one array of numbers.")) from None
    expected = (Q4_SAMPLES, codes.shape[1])
    if samples.shape != expected:
        raise Incorrect(
            tr(
                "Asked for n = {Q4_SAMPLES} codes of the training codes' size {code_size}, your "
                "function returned shape {shape}; it must be (n, {code_size})."
            ).format(Q4_SAMPLES=Q4_SAMPLES, code_size=codes.shape[1], shape=samples.shape)
        )
    if not np.all(np.isfinite(samples)):
        raise Incorrect(tr("Your codes contain NaN or infinite values."))
    spread = codes.std(axis=0)
    variety = float(np.mean(samples.std(axis=0) / spread))
    if variety < Q4_VARIETY:
        raise Incorrect(
            tr(
                "Your {Q4_SAMPLES} codes hardly differ (per dimension {variety:.2f} times the "
                "training codes' spread, want at least {Q4_VARIETY}): that is one sound, or a few, "
                "not new sounds drawn at random. Use `rng` to draw each one."
            ).format(Q4_SAMPLES=Q4_SAMPLES, variety=variety, Q4_VARIETY=Q4_VARIETY)
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
    if novelty < Q4_NOVELTY:
        raise Incorrect(
            tr(
                "Half your codes lie within {novelty:.2f} of the codes' spread from a training code "
                "(want at least {Q4_NOVELTY}): near-copies that replay training frames with a little "
                "noise. Go further from any single training code."
            ).format(novelty=novelty, Q4_NOVELTY=Q4_NOVELTY)
        )
    distance = float(np.median(nearest_frame_distance(decode(samples), held_out)))
    if distance >= Q4_TARGET_DB:
        raise Incorrect(
            tr(
                "Decoded, your samples lie {distance:.1f} dB (median) from the nearest held-out mf "
                "frame; not yet below {Q4_TARGET_DB} dB. Section 5 found the codes on a thin, curved "
                "set: a cloud around them is mostly space the decoder never saw."
            ).format(distance=distance, Q4_TARGET_DB=Q4_TARGET_DB)
        )


def _q4_fitted_gaussian(codes, n, rng):
    return codes.mean(axis=0) + codes.std(axis=0) * rng.standard_normal((n, codes.shape[1]))


q4 = Exercise(
    N_("Exercise 4 (open): new sounds from the plain autoencoder"),
    _q4_check,
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
            "them, not too close to either end. `exercises.q4.solution()` shows one way."
        ),
    ],
    _q4_solution,
    context=_q4_context,
    wrong_answers=[
        (lambda ctx: _q4_fitted_gaussian, "not yet below"),
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
