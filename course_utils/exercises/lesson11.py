"""Exercises for 11_synthesis: phase and SNR, walking between codes, the VAE's KL term.

Used in: 11_synthesis.
"""

from __future__ import annotations

import numpy as np

from ..checks import is_number
from ..metrics import log_spectral_distance, snr_db
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3"]


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
        raise Incorrect("Return a 1-D array of samples, like `signal`.")
    if np.iscomplexobj(answer):
        raise Incorrect(
            "Return real samples, like `signal`, not complex numbers (an STFT is not a waveform)."
        )
    if answer.shape != signal.shape:
        raise Incorrect(
            f"Return as many samples as the signal has ({len(signal)}); yours has {len(answer)}."
        )
    if not np.all(np.isfinite(answer)):
        raise Incorrect("Your waveform contains NaN or Inf.")
    if np.max(np.abs(answer)) == 0:
        raise Incorrect(
            "That is silence: its magnitude spectrogram is all zeros, nothing like the signal's."
        )
    if np.array_equal(answer, signal):
        raise Incorrect(
            "That is the signal itself (SNR infinite). Find a *different* waveform with the same magnitudes."
        )
    lsd = log_spectral_distance(signal, answer)
    if lsd > 0.5:
        raise Incorrect(
            f"The magnitude spectrogram changed: log-spectral distance {lsd:.1f} dB (want < 0.5 dB). "
            "Scaling, adding noise or filtering all change the magnitudes."
        )
    snr = snr_db(signal, answer)
    if snr >= 0:
        raise Incorrect(
            f"The SNR is still {snr:.1f} dB: the waveform is too close to the original."
        )


q1 = Exercise(
    "Exercise 1: same magnitudes, negative SNR",
    _q1_check,
    "Which waveform sounds exactly like `signal` (same magnitude at every time and frequency) "
    "but has every sample on the other side of zero? Check yours with "
    "`course_utils.metrics.snr_db` and `log_spectral_distance`.",
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
            f"Return an array of shape (steps, latent) = {expected.shape}; got {shape}."
        )
    if not np.allclose(answer[0], code_a):
        if np.allclose(answer[0], code_b):
            raise Incorrect(
                "The walk runs backwards: the first row must be code_a and the last code_b."
            )
        raise Incorrect("The first row must be code_a itself (t = 0).")
    if not np.allclose(answer[-1], code_b):
        raise Incorrect(
            "The last row must be code_b itself (t = 1). np.linspace(0, 1, steps) includes both ends; "
            "endpoint=False or np.arange(steps) / steps stops short."
        )
    if not np.allclose(answer, expected):
        raise Incorrect(
            "The ends are right but the steps between them are not evenly spaced: use t = np.linspace(0, 1, steps)."
        )


q2 = Exercise(
    "Exercise 2: walk from one code to another",
    _q2_check,
    "Make `t = np.linspace(0, 1, steps)` a column (`[:, None]`), then `(1 - t) * code_a + t * code_b` "
    "broadcasts to one row per step. Compare with `course_utils.synthesis.interpolate_codes`.",
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
        raise Incorrect("Return one number: the KL term averaged over the batch.")
    expected = _q3_solution(z_mean, z_log_var)

    def near(value):
        return abs(answer - value) < 1e-6 * max(1.0, abs(value))

    if near(expected):
        return
    per_element = -0.5 * (1 + z_log_var - z_mean**2 - np.exp(z_log_var))
    if near(-expected):
        raise Incorrect("The sign is flipped: a KL divergence is never negative.")
    if near(2 * expected):
        raise Incorrect(
            "The factor 1/2 is missing: KL = -0.5 * (1 + log_var - mean**2 - exp(log_var))."
        )
    if near(float(per_element.mean())):
        raise Incorrect(
            "That averages over the latent dimensions too. Sum over the latent dimensions "
            "(each adds its own KL), then average over the examples in the batch."
        )
    as_variance = -0.5 * (1 + np.log(np.abs(z_log_var) + 1e-12) - z_mean**2 - z_log_var)
    if near(float(np.mean(np.sum(as_variance, axis=1)))):
        raise Incorrect("z_log_var is the *log* of the variance: the variance is exp(z_log_var).")
    raise Incorrect(
        "That is not the batch's KL term. Compute it for each example and latent dimension, "
        "sum over the latent dimensions, then average over the batch."
    )


q3 = Exercise(
    "Exercise 3: the KL term by hand",
    _q3_check,
    "For one dimension, KL(N(m, exp(v)) || N(0, 1)) = -0.5 * (1 + v - m**2 - exp(v)). "
    "Sum it over the latent dimensions (axis=1), then take the mean over the batch. "
    "The VAE's `elbo_terms` in `course_utils.synthesis` does the same with `keras.ops`.",
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
