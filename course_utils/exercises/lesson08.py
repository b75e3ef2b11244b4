"""Exercises for 08_denoising: a mixer, SI-SDR, two classical enhancers, the mask model, and one that beats Wiener.

Every checker runs the learner's code on held-out audio: a bundled reader the shipped model never
trained on, mixed with real noise.

Used in: 08_denoising.
"""

from __future__ import annotations

import numpy as np

from ..i18n import N_, tr
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3", "q4", "q5"]


def _held_out(seconds: float = 3.0, noises=("boat", "crickets")):
    from .. import denoising as dn

    speech = dn.load_reader(dn.TEST_READERS[0])[: int(seconds * dn.RATE)]
    return speech, [dn.load_noise(name)[: int(seconds * dn.RATE)] for name in noises]


# --- q1: mix at an SNR -----------------------------------------------------------------------------


def _q1_context():
    speech, noises = _held_out()
    return {"speech": speech, "noise": noises[0]}


def _q1_solution(speech, noise):
    def mix(speech, noise, snr_db):
        speech = np.asarray(speech, dtype=np.float64)
        noise = np.asarray(noise, dtype=np.float64)[: len(speech)]
        gain = np.sqrt(np.mean(speech**2) / (np.mean(noise**2) * 10 ** (snr_db / 10)))
        return speech + gain * noise

    return mix


def _q1_check(answer, speech=None, noise=None):
    if speech is None or noise is None:
        speech, noise = _q1_context().values()
    if not callable(answer):
        raise Incorrect(
            tr(
                "Give the function itself, `mix`, not its result: the check calls it at several SNRs."
            )
        )
    speech = np.asarray(speech, dtype=np.float64)
    noise = np.asarray(noise, dtype=np.float64)[: len(speech)]
    for snr in (-5.0, 0.0, 7.5):
        mixture = np.asarray(answer(speech, noise, snr), dtype=np.float64)
        if mixture.shape != speech.shape:
            raise Incorrect(
                tr(
                    "At {snr:+g} dB the mixture has shape {shape}; it must have the speech's, {shape2}."
                ).format(snr=snr, shape=mixture.shape, shape2=speech.shape)
            )
        added = mixture - speech
        if not np.any(added):
            raise Incorrect(
                tr("At {snr:+g} dB the mixture is the speech alone: add the scaled noise.").format(
                    snr=snr
                )
            )
        if abs(np.corrcoef(added, noise)[0, 1]) < 0.999:
            raise Incorrect(
                tr(
                    "What the mixture adds to the speech is not a scaled copy of the noise: add `gain * "
                    "noise`, and do not change the speech."
                )
            )
        reached = 10 * np.log10(np.mean(speech**2) / np.mean(added**2))
        if abs(reached - snr) > 0.05:
            raise Incorrect(
                tr(
                    "Asked for {snr:+g} dB, the mixture's SNR is {reached:+.2f} dB. The gain multiplies "
                    "amplitudes, while the SNR is a ratio of powers."
                ).format(snr=snr, reached=reached)
            )


q1 = Exercise(
    N_("Exercise 1: mix at a target SNR"),
    _q1_check,
    [
        N_(
            "SNR in dB is `10 log10(P_speech / P_noise)`, with the power `P = mean(x**2)`. Solve for the power the "
            "scaled noise must have."
        ),
        N_(
            "Scaling a signal by `g` multiplies its power by `g**2`: the gain is a square root of a power ratio."
        ),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (
            lambda c: (
                lambda s, n, snr: (
                    np.asarray(s)
                    + np.sqrt(np.mean(np.square(s)) / np.mean(np.square(n)))
                    * 10 ** (-snr / 10)
                    * np.asarray(n)[: len(s)]
                )
            ),
            "ratio of powers",
        ),
        (
            lambda c: (
                lambda s, n, snr: (
                    np.asarray(s)
                    + np.sqrt(np.mean(np.square(s)) / (np.mean(np.square(n)) * 10 ** (-snr / 10)))
                    * np.asarray(n)[: len(s)]
                )
            ),
            "SNR",
        ),
        (
            lambda c: (lambda s, n, snr: np.asarray(s))(c["speech"], c["noise"], 0.0),
            "function itself",
        ),
    ],
)


# --- q2: SI-SDR -----------------------------------------------------------------------------------


def _q2_context():
    speech, noises = _held_out()
    return {"speech": speech, "noise": noises[1]}


def _q2_solution(speech, noise):
    def si_sdr(reference, estimate):
        reference = np.asarray(reference, dtype=np.float64)
        estimate = np.asarray(estimate, dtype=np.float64)
        target = np.dot(estimate, reference) / np.dot(reference, reference) * reference
        return 10 * np.log10(np.sum(target**2) / np.sum((target - estimate) ** 2))

    return si_sdr


def _q2_check(answer, speech=None, noise=None):
    from .. import denoising as dn

    if speech is None or noise is None:
        speech, noise = _q2_context().values()
    if not callable(answer):
        raise Incorrect(
            tr(
                "Give the function itself, `si_sdr`, not a number: the check calls it on several "
                "pairs."
            )
        )
    speech = np.asarray(speech, dtype=np.float64)
    noise = np.asarray(noise, dtype=np.float64)[: len(speech)]
    for snr, scale in ((0.0, 1.0), (5.0, 0.3), (-5.0, 2.0)):
        noisy, _ = dn.mix_at_snr(speech, noise, snr)
        estimate = scale * np.asarray(noisy, dtype=np.float64)
        got = float(answer(speech, estimate))
        expected = dn.si_sdr(speech, estimate)
        if abs(got - expected) > 0.01:
            plain = 10 * np.log10(np.sum(speech**2) / np.sum((speech - estimate) ** 2))
            if abs(got - plain) < 0.01:
                raise Incorrect(
                    tr(
                        "That is the plain SNR: it punishes a louder or quieter estimate. Project the "
                        "estimate onto the reference first (the scale `a`)."
                    )
                )
            raise Incorrect(
                tr(
                    "For an estimate at {scale:g} times a {snr:+g} dB mixture your SI-SDR is {got:.2f} "
                    "dB; check the projection `a = <y, s> / <s, s>` and which of the two signals is "
                    "scaled."
                ).format(scale=scale, snr=snr, got=got)
            )


q2 = Exercise(
    N_("Exercise 2: SI-SDR from its equation"),
    _q2_check,
    [
        N_(
            "First the part of the estimate that points along the reference: `a * s` with `a = <y, s> / <s, s>` "
            "(`np.dot`)."
        ),
        N_(
            "The rest, `a * s - y`, is the distortion; SI-SDR is `10 log10` of the two energies' ratio."
        ),
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (
            lambda c: (
                lambda s, y: (
                    10
                    * np.log10(
                        np.sum(np.square(s)) / np.sum(np.square(np.asarray(s) - np.asarray(y)))
                    )
                )
            ),
            "plain SNR",
        ),
        (lambda c: 3.0, "function itself"),
    ],
)


# --- q3: two classical enhancers -------------------------------------------------------------------


def _q3_context():
    speech, _ = _held_out()
    from .. import denoising as dn

    return {"speech": speech, "noise": dn.load_noise("tap", "test")[: len(speech)]}


def _q3_solution(speech, noise):
    import librosa

    from .. import denoising, spectral

    def stft(x):
        return spectral.stft(
            np.asarray(x, dtype=np.float32), n_fft=denoising.N_FFT, hop_length=denoising.HOP_LENGTH
        )

    def istft(spectrum, length):
        return librosa.istft(
            stft_matrix=spectrum,
            hop_length=denoising.HOP_LENGTH,
            n_fft=denoising.N_FFT,
            length=length,
        )

    def spectral_subtraction(noisy, floor=0.05):
        Y = stft(noisy)
        power = np.abs(Y) ** 2
        noise = denoising.estimate_noise_power(power)
        return istft(
            np.sqrt(np.maximum(power - noise, floor * power) / np.maximum(power, 1e-20)) * Y,
            len(noisy),
        )

    def wiener(noisy, floor=0.1):
        Y = stft(noisy)
        power = np.abs(Y) ** 2
        xi = np.maximum(power / np.maximum(denoising.estimate_noise_power(power), 1e-20) - 1, 0)
        return istft(np.maximum(xi / (1 + xi), floor) * Y, len(noisy))

    return spectral_subtraction, wiener


def _q3_check(answer, speech=None, noise=None):
    from .. import denoising as dn

    if speech is None or noise is None:
        speech, noise = _q3_context().values()
    if not (
        isinstance(answer, (tuple, list)) and len(answer) == 2 and all(callable(f) for f in answer)
    ):
        raise Incorrect(
            tr("Give a pair of functions, `(spectral_subtraction, wiener)`, not their results.")
        )
    noisy, _ = dn.mix_at_snr(speech, noise, 0.0)
    base = dn.si_sdr(speech, noisy)
    for name, method, reference in (
        ("spectral subtraction", answer[0], dn.spectral_subtraction),
        ("the Wiener gain", answer[1], dn.wiener_filter),
    ):
        out = np.asarray(method(noisy), dtype=np.float64)
        if out.shape != noisy.shape:
            raise Incorrect(
                tr(
                    "{name} returns shape {shape}; give back a clip as long as the input, {shape2}."
                ).format(name=name, shape=out.shape, shape2=noisy.shape)
            )
        got, expected = dn.si_sdr(speech, out) - base, dn.si_sdr(speech, reference(noisy)) - base
        if abs(got - expected) > 0.3:
            raise Incorrect(
                tr(
                    "On a held-out reader with a running tap at 0 dB, your {name} improves SI-SDR by "
                    "{got:+.2f} dB; the equations of section 4 do noticeably better or differently. "
                    "Check the floor, the noise estimate and that the gain multiplies the complex STFT "
                    "(keeping its phase)."
                ).format(name=name, got=got)
            )


q3 = Exercise(
    N_("Exercise 3: spectral subtraction and a Wiener gain"),
    _q3_check,
    [
        N_(
            "Both start from the noisy STFT `Y`, its power `|Y|**2`, and the noise power from "
            "`denoising.estimate_noise_power(power)`."
        ),
        N_(
            "Each computes a real gain per bin and multiplies `Y` by it: that keeps the noisy phase. Then `istft`."
        ),
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda c: (lambda x: np.asarray(x), lambda x: np.asarray(x)), "improves SI-SDR"),
        (lambda c: 2.0, "pair of functions"),
    ],
)


# --- q4: the mask model --------------------------------------------------------------------------


def _q4_context():
    return {}


def _q4_solution():
    import keras

    def build_mask_model(input_width, bins, hidden=256):
        return keras.Sequential(
            [
                keras.Input(shape=(input_width,)),
                keras.layers.Dense(hidden, activation="relu"),
                keras.layers.Dense(hidden, activation="relu"),
                keras.layers.Dense(bins, activation="sigmoid"),
            ]
        )

    return build_mask_model


def _q4_check(answer):
    import keras

    from .. import denoising as dn

    if not callable(answer):
        raise Incorrect(
            tr("Give the function itself, `build_mask_model`, not a model: the check builds one.")
        )
    bins = dn.N_FFT // 2 + 1
    width = (2 * dn.CONTEXT + 1) * bins
    keras.utils.set_random_seed(0)
    model = answer(width, bins)
    if not isinstance(model, keras.Model):
        raise Incorrect(
            tr("build_mask_model returned {kind}; return a Keras model.").format(
                kind=type(model).__name__
            )
        )
    if tuple(model.inputs[0].shape[1:]) != (width,) or tuple(model.outputs[0].shape[1:]) != (bins,):
        raise Incorrect(
            tr(
                "The model maps {input_shape} to {output_shape}; it must "
                "take the {width} context log-magnitudes and give one gain per bin ({bins})."
            ).format(
                input_shape=tuple(model.inputs[0].shape[1:]),
                output_shape=tuple(model.outputs[0].shape[1:]),
                width=width,
                bins=bins,
            )
        )
    probe = np.asarray(
        model(np.random.default_rng(0).normal(size=(64, width)).astype(np.float32) * 5)
    )
    if probe.min() < 0 or probe.max() > 1:
        raise Incorrect(
            tr(
                "The model's output ranges over [{probe_min:.2f}, {probe_max:.2f}]: a mask is a gain "
                "between 0 and 1 (which activation gives that?)."
            ).format(probe_min=probe.min(), probe_max=probe.max())
        )


q4 = Exercise(
    N_("Exercise 4: the mask model"),
    _q4_check,
    [
        N_("Dense layers from the `input_width` context log-magnitudes to `bins` outputs."),
        N_(
            "A mask is a gain in [0, 1] per frequency bin: choose the last layer's activation for that."
        ),
    ],
    _q4_solution,
    context=_q4_context,
    wrong_answers=[
        (
            lambda c: (
                lambda w, b: __import__("keras").Sequential(
                    [__import__("keras").Input(shape=(w,)), __import__("keras").layers.Dense(b)]
                )
            ),
            "between 0 and 1",
        ),
        (
            lambda c: (
                lambda w, b: __import__("keras").Sequential(
                    [
                        __import__("keras").Input(shape=(w,)),
                        __import__("keras").layers.Dense(b // 2, activation="sigmoid"),
                    ]
                )
            ),
            "one gain per bin",
        ),
        (lambda c: 5, "function itself"),
    ],
)


# --- q5 (open): a trained mask model that beats the Wiener gain on held-out audio ---------------------

Q5_MARGIN_DB = 0.25


def _held_out_scores(model) -> dict:
    """Mean SI-SDR improvement at 0 dB of a trained mask model and of the Wiener gain.

    On the first 4 s of each held-out reader, mixed with the held-out part of every trained noise
    type: ``{"model": ..., "wiener": ...}`` in dB. Used by :data:`q5`'s check.
    """
    from .. import denoising as dn

    test = {r: dn.load_reader(r) for r in dn.TEST_READERS}
    held = {n: dn.load_noise(n, "test") for n in dn.TRAINED_NOISES}
    rows = dn.evaluate(
        {"model": lambda x: dn.apply_mask_model(model, x), "wiener": dn.wiener_filter},
        dn.test_mixtures(test, held, snrs=(0.0,), segments_per_clip=1),
        stoi=False,
    )
    summary = dn.summarise(rows)
    return {
        "model": summary[("model", 0.0)]["improvement"],
        "wiener": summary[("wiener", 0.0)]["improvement"],
    }


def _q5_context():
    return {}


def _q5_solution(steps=300):
    from .. import denoising as dn

    model = dn.build_mask_model(seed=0)
    pairs = dn.training_pairs(
        dn.training_speech(), [dn.load_noise(n, "train") for n in dn.TRAINED_NOISES], seed=0
    )
    dn.train_mask_model(model, pairs, steps=steps)
    return model


def _q5_check(answer):
    import keras

    from .. import denoising as dn

    if not isinstance(answer, keras.Model):
        raise Incorrect(
            tr("Give a trained Keras mask model (the object), not a function or a number.")
        )
    bins = dn.N_FFT // 2 + 1
    if tuple(answer.outputs[0].shape[1:]) != (bins,) or int(answer.inputs[0].shape[-1]) % bins:
        raise Incorrect(
            tr(
                "The model must take context log-magnitudes (a multiple of {bins}) and give {bins} "
                "gains."
            ).format(bins=bins)
        )
    scores = _held_out_scores(answer)
    if scores["model"] < scores["wiener"] + Q5_MARGIN_DB:
        raise Incorrect(
            tr(
                "Your model improves SI-SDR by {scores_model:+.2f} dB at 0 dB input on the held-out "
                "readers; the Wiener gain does {scores_wiener:+.2f} dB. Beat it by {Q5_MARGIN_DB} dB."
            ).format(
                scores_model=scores["model"],
                scores_wiener=scores["wiener"],
                Q5_MARGIN_DB=Q5_MARGIN_DB,
            )
        )


q5 = Exercise(
    N_("Exercise 5 (open): a mask model that beats the Wiener gain on voices it never heard"),
    _q5_check,
    [
        N_(
            "Start from the live model of section 5 and `denoising.train_mask_model` with the same `pairs`."
        ),
        N_(
            "More steps help most early on; a wider first layer or more context frames are worth a try too."
        ),
    ],
    _q5_solution,
    context=_q5_context,
    wrong_answers=[
        (
            lambda c: __import__("course_utils.denoising", fromlist=["x"]).build_mask_model(seed=0),
            "Wiener gain",
        ),
        (lambda c: "model", "trained Keras mask model"),
    ],
)
