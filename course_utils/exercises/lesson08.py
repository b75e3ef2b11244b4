"""Exercises for 08_denoising: a mixer, SI-SDR, two classical enhancers, the mask model, and one that beats Wiener.

Every checker runs the learner's code on held-out audio: a bundled reader the shipped model never
trained on, mixed with real noise. Each names the typical mistakes in the learner's terms (#23
item 3) and refuses the shortcut of calling the course's own function for what it asks to write:
the lesson uses those from the next cell on, so a learner who is stuck can go on.

Used in: 08_denoising.
"""

from __future__ import annotations

import functools

import numpy as np

from ..i18n import N_, tr
from ._core import Exercise, Incorrect, _refuse_uncalled_layers, _refusing

__all__ = ["q1", "q2", "q3", "q4", "q5"]


def _held_out(seconds: float = 3.0, noises=("boat", "crickets")):
    from .. import denoising as dn

    speech = dn.load_reader(dn.TEST_READERS[0])[: int(seconds * dn.RATE)]
    return speech, [dn.load_noise(name)[: int(seconds * dn.RATE)] for name in noises]


def _refused(function: str, handle: str, answer):
    """The learner's ``answer`` may not call ``denoising.<function>`` while it is checked."""
    return _refusing(
        f"course_utils.denoising:{function}",
        message=tr(
            "Your {handle} calls `denoising.{function}`, the course's own version of what this "
            "exercise asks you to write. Write the computation yourself; the lesson uses the "
            "course's function from the next cell on."
        ).format(handle=handle, function=function),
        function=answer,
    )


def _result_problem(result, what: str) -> str | None:
    """What is wrong with a learner's function's result that should be one clip (or None)."""
    if result is None:
        return tr("Your {what} returns None: end it with `return` and the result.").format(
            what=what
        )
    if isinstance(result, tuple):
        return tr(
            "Your {what} returns a tuple of {count} values; return the clip alone (one array)."
        ).format(what=what, count=len(result))
    return None


def _relative_difference(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-20))


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


def _q1_noise(speech, noise):
    """The check's noise: a third longer than the speech, its extra part 3 times louder.

    So a mixer that forgets to cut the noise, or measures the power of the whole noise clip
    instead of the part it adds, shows it.
    """
    noise = np.asarray(noise, dtype=np.float64)
    extra = len(speech) // 3
    tail = 3.0 * np.resize(noise, extra)
    return np.concatenate([np.resize(noise, len(speech)), tail])


def _q1_mistaken_gains(speech, noise, snr):
    """The gains of typical mistakes, by their message, for the check to recognise them."""
    p_s, cut = np.mean(speech**2), noise[: len(speech)]
    p_n = np.mean(cut**2)
    return {
        tr(
            "Asked for {snr:+g} dB, your mixture's SNR is {reached:+.2f} dB, twice the SNR asked: "
            "10^(SNR/10) is a ratio of powers, and you scaled an amplitude by it. A gain multiplies "
            "amplitudes, and a signal's power grows with the square of its amplitude."
        ): np.sqrt(p_s / p_n) * 10 ** (-snr / 10),
        tr(
            "Asked for {snr:+g} dB, your mixture's SNR is {reached:+.2f} dB, half the SNR asked: "
            "10^(SNR/20) is a ratio of amplitudes, but the ratio under the square root is one of "
            "powers."
        ): np.sqrt(p_s / (p_n * 10 ** (snr / 20))),
        tr(
            "Asked for {snr:+g} dB, your mixture's SNR is {reached:+.2f} dB, the opposite sign: at "
            "a positive SNR the speech is the louder one, so the noise's gain must fall as the SNR "
            "rises. Check the sign of the exponent."
        ): np.sqrt(p_s * 10 ** (snr / 10) / p_n),
        tr(
            "Asked for {snr:+g} dB, your mixture's SNR is {reached:+.2f} dB: your gain is a ratio "
            "of powers. A gain multiplies amplitudes: take the square root of the power ratio."
        ): p_s / (p_n * 10 ** (snr / 10)),
        tr(
            "Asked for {snr:+g} dB, your mixture's SNR is {reached:+.2f} dB: your gain ignores how "
            "loud the speech is. The SNR compares the speech's power with the noise's: P_s belongs "
            "in the gain."
        ): np.sqrt(1.0 / (p_n * 10 ** (snr / 10))),
        tr(
            "Asked for {snr:+g} dB, your mixture's SNR is {reached:+.2f} dB: you measured the "
            "power of the whole noise clip, but you add only its first len(speech) samples. "
            "Measure the power of the part you add."
        ): np.sqrt(p_s / (np.mean(noise**2) * 10 ** (snr / 10))),
        tr(
            "Asked for {snr:+g} dB, your mixture's SNR is {reached:+.2f} dB: a power is the mean "
            "of the squared samples, mean(x**2), not their root mean square or mean magnitude."
        ): np.sqrt(np.sqrt(p_s) / (np.sqrt(p_n) * 10 ** (snr / 10))),
    }


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
    noise = _q1_noise(speech, noise)
    for snr in (-5.0, 0.0, 7.5):
        try:
            with _refused("mix_at_snr", "mix", answer):
                result = answer(speech, noise, snr)
        except ValueError as problem:
            if "broadcast" in str(problem):
                raise Incorrect(
                    tr(
                        "Your mix adds two arrays of different lengths: here the noise ({noise} "
                        "samples) is longer than the speech ({speech}). Cut the noise to the "
                        "speech's length first."
                    ).format(noise=len(noise), speech=len(speech))
                ) from None
            raise
        problem = _result_problem(result, "mix")
        if problem:
            raise Incorrect(problem)
        mixture = np.asarray(result)
        if mixture.dtype.kind not in "f":
            raise Incorrect(
                tr(
                    "Your mixture's samples are of type {dtype}; audio samples here are floats "
                    "(np.float32 or np.float64)."
                ).format(dtype=mixture.dtype)
            )
        mixture = mixture.astype(np.float64)
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
        if abs(np.corrcoef(added, noise[: len(speech)])[0, 1]) < 0.999:
            raise Incorrect(
                tr(
                    "What the mixture adds to the speech is not a scaled copy of the noise: add `gain * "
                    "noise`, and do not change the speech."
                )
            )
        reached = 10 * np.log10(np.mean(speech**2) / np.mean(added**2))
        if abs(reached - snr) <= 0.05:
            continue
        added_power = np.mean(noise[: len(speech)] ** 2)
        for message, gain in _q1_mistaken_gains(speech, noise, snr).items():
            mistaken = 10 * np.log10(np.mean(speech**2) / (gain**2 * added_power))
            if abs(mistaken - snr) > 0.1 and abs(mistaken - reached) < 0.05:
                raise Incorrect(message.format(snr=snr, reached=reached))
        raise Incorrect(
            tr(
                "Asked for {snr:+g} dB, the mixture's SNR is {reached:+.2f} dB. The gain multiplies "
                "amplitudes, while the SNR is a ratio of powers."
            ).format(snr=snr, reached=reached)
        )


def _wrong_mix(mistake):
    """A mix with one typical mistake, for the tests (``mistake`` is a key of the mistakes below)."""
    if mistake == "course":  # its own function: a check refuses any function that reaches it
        return _course_mix

    def mix(speech, noise, snr_db):
        speech = np.asarray(speech, dtype=np.float64)
        whole = np.asarray(noise, dtype=np.float64)
        noise = whole[: len(speech)]
        p_s, p_n = np.mean(speech**2), np.mean(noise**2)
        gains = {
            "amplitude by a power ratio": np.sqrt(p_s / p_n) * 10 ** (-snr_db / 10),
            "20 under the root": np.sqrt(p_s / (p_n * 10 ** (snr_db / 20))),
            "sign": np.sqrt(p_s * 10 ** (snr_db / 10) / p_n),
            "no square root": p_s / (p_n * 10 ** (snr_db / 10)),
            "speech power ignored": np.sqrt(1.0 / (p_n * 10 ** (snr_db / 10))),
            "whole noise power": np.sqrt(p_s / (np.mean(whole**2) * 10 ** (snr_db / 10))),
        }
        if mistake == "not cut":
            gain = np.sqrt(p_s / (np.mean(whole**2) * 10 ** (snr_db / 10)))
            return speech + gain * whole
        if mistake == "scaled speech":
            gain = np.sqrt(p_s / (p_n * 10 ** (snr_db / 10)))
            mixture = speech + gain * noise
            return mixture / np.max(np.abs(mixture))
        if mistake == "tuple":
            gain = np.sqrt(p_s / (p_n * 10 ** (snr_db / 10)))
            return speech + gain * noise, gain * noise
        if mistake == "integers":
            gain = np.sqrt(p_s / (p_n * 10 ** (snr_db / 10)))
            return np.round(1000 * (speech + gain * noise)).astype(np.int64)
        return speech + gains[mistake] * noise

    return mix


def _course_mix(speech, noise, snr_db):
    """The shortcut q1 refuses: the course's own mixer (for the tests)."""
    from course_utils import denoising

    return denoising.mix_at_snr(speech, noise, snr_db)[0]


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
        N_(
            "Cut the noise to the speech's length before measuring its power; then return "
            "`speech + gain * noise`."
        ),
        N_("Still stuck? `exercises.q1.solution()` shows the course's mixer."),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (lambda c: _wrong_mix("amplitude by a power ratio"), "twice the SNR asked"),
        (lambda c: _wrong_mix("20 under the root"), "half the SNR asked"),
        (lambda c: _wrong_mix("sign"), "opposite sign"),
        (lambda c: _wrong_mix("no square root"), "take the square root"),
        (lambda c: _wrong_mix("speech power ignored"), "ignores how loud the speech is"),
        (lambda c: _wrong_mix("whole noise power"), "power of the whole noise clip"),
        (lambda c: _wrong_mix("not cut"), "different lengths"),
        (lambda c: _wrong_mix("scaled speech"), "do not change the speech"),
        (lambda c: _wrong_mix("tuple"), "tuple of 2 values"),
        (lambda c: _wrong_mix("integers"), "of type int64"),
        (lambda c: _wrong_mix("course"), "`denoising.mix_at_snr`"),
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


def _q2_number(answer, reference, estimate) -> float:
    with _refused("si_sdr", "si_sdr", answer):
        got = answer(reference, estimate)
    if got is None:
        raise Incorrect(tr("Your si_sdr returns None: end it with `return` and the score in dB."))
    if np.ndim(got) and np.size(got) != 1:
        raise Incorrect(
            tr(
                "Your si_sdr returns an array of shape {shape}; SI-SDR is one number for the whole "
                "clip: sum the energies over all samples (np.sum or np.dot) before the ratio."
            ).format(shape=np.shape(got))
        )
    return float(np.asarray(got).ravel()[0])


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
    reference_si_sdr = dn.si_sdr
    for snr, scale in ((5.0, 0.3), (-5.0, 2.0), (0.0, 1.0)):
        noisy, _ = dn.mix_at_snr(speech, noise, snr)
        estimate = scale * np.asarray(noisy, dtype=np.float64)
        got = _q2_number(answer, speech, estimate)
        expected = reference_si_sdr(speech, estimate)
        if abs(got - expected) <= 0.01:
            continue
        plain = 10 * np.log10(np.sum(speech**2) / np.sum((speech - estimate) ** 2))
        if abs(got - plain) < 0.01:
            raise Incorrect(
                tr(
                    "That is the plain SNR: it punishes a louder or quieter estimate. Project the "
                    "estimate onto the reference first (the scale `a`)."
                )
            )
        if abs(got + expected) < 0.01:
            raise Incorrect(
                tr(
                    "Your SI-SDR is {got:.2f} dB where it should have the opposite sign: the "
                    "target's energy, ||a s||², goes on top of the ratio, the distortion's below."
                ).format(got=got)
            )
        if abs(got - 2 * expected) < 0.02:
            raise Incorrect(
                tr(
                    "Your SI-SDR is twice what it should be: 20 log10 is for a ratio of amplitudes; "
                    "a ratio of energies (squared norms) takes 10 log10."
                )
            )
        if abs(got - expected / 2) < 0.01:
            raise Incorrect(
                tr(
                    "Your SI-SDR is half what it should be: you took the ratio of norms; the "
                    "equation's ratio is of energies, the squared norms ||.||²."
                )
            )
        if abs(got - expected * np.log(10)) < 0.02:
            raise Incorrect(
                tr("Decibels use the base-10 logarithm, np.log10, not the natural one, np.log.")
            )
        quieter = _q2_number(answer, speech, 0.5 * estimate)
        if abs(quieter - got) > 0.01:
            raise Incorrect(
                tr(
                    "Your score changes when the estimate is only made quieter ({got:.2f} dB, at "
                    "half the level {quieter:.2f} dB): SI-SDR must not. The target is the "
                    "reference scaled by the projection `a = <y, s> / <s, s>`."
                ).format(got=got, quieter=quieter)
            )
        raise Incorrect(
            tr(
                "For an estimate at {scale:g} times a {snr:+g} dB mixture your SI-SDR is {got:.2f} "
                "dB; check the projection `a = <y, s> / <s, s>` and which of the two signals is "
                "scaled."
            ).format(scale=scale, snr=snr, got=got)
        )
    # 16-bit samples, as a WAV file holds them: products and squares overflow in int16.
    noisy, _ = dn.mix_at_snr(speech, noise, 0.0)
    s16 = np.round(0.5 * 32767 * speech / np.max(np.abs(speech))).astype(np.int16)
    y16 = np.round(0.5 * 32767 * noisy / np.max(np.abs(noisy))).astype(np.int16)
    got = _q2_number(answer, s16, y16)
    expected = reference_si_sdr(s16.astype(np.float64), y16.astype(np.float64))
    if not abs(got - expected) <= 0.01:
        raise Incorrect(
            tr(
                "On 16-bit integer samples (as a WAV file holds them) your SI-SDR is {got:.2f} dB, "
                "on the same samples as floats {expected:.2f} dB: in int16 the squares and products "
                "overflow. Convert both signals to float64 first."
            ).format(got=got, expected=expected)
        )


def _wrong_si_sdr(mistake):
    """An si_sdr with one typical mistake, for the tests."""

    if mistake == "course":  # its own function: a check refuses any function that reaches it
        return _course_si_sdr

    def si_sdr(reference, estimate):
        s, y = np.asarray(reference), np.asarray(estimate)
        if mistake != "integers":
            s, y = s.astype(np.float64), y.astype(np.float64)
        target = np.dot(y, s) / np.dot(s, s) * s
        if mistake == "plain SNR":
            return 10 * np.log10(np.sum(s**2) / np.sum((s - y) ** 2))
        if mistake == "upside down":
            return 10 * np.log10(np.sum((target - y) ** 2) / np.sum(target**2))
        if mistake == "20 log10":
            return 20 * np.log10(np.sum(target**2) / np.sum((target - y) ** 2))
        if mistake == "norms":
            return 10 * np.log10(np.linalg.norm(target) / np.linalg.norm(target - y))
        if mistake == "natural log":
            return 10 * np.log(np.sum(target**2) / np.sum((target - y) ** 2))
        if mistake == "per sample":
            return 10 * np.log10((target**2 + 1e-12) / ((target - y) ** 2 + 1e-12))
        if mistake == "estimate's energy":  # a = <y, s> / <y, y>: depends on the estimate's level
            target = np.dot(y, s) / np.dot(y, y) * s
            return 10 * np.log10(np.sum(target**2) / np.sum((target - y) ** 2))
        return 10 * np.log10(np.sum(target**2) / np.sum((target - y) ** 2))

    return si_sdr


def _course_si_sdr(reference, estimate):
    """The shortcut q2 refuses: the course's own SI-SDR (for the tests)."""
    from course_utils import denoising

    return denoising.si_sdr(reference, estimate)


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
        N_(
            "Work in float64 (`np.asarray(x, dtype=np.float64)`) and return one number: sums over "
            "all samples, then one logarithm."
        ),
        N_("Still stuck? `exercises.q2.solution()` shows the course's function."),
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (lambda c: _wrong_si_sdr("plain SNR"), "plain SNR"),
        (lambda c: _wrong_si_sdr("upside down"), "opposite sign"),
        (lambda c: _wrong_si_sdr("20 log10"), "twice"),
        (lambda c: _wrong_si_sdr("norms"), "half"),
        (lambda c: _wrong_si_sdr("natural log"), "np.log10"),
        (lambda c: _wrong_si_sdr("per sample"), "one number for the whole clip"),
        (lambda c: _wrong_si_sdr("estimate's energy"), "only made quieter"),
        (lambda c: _wrong_si_sdr("integers"), "16-bit"),
        (lambda c: _wrong_si_sdr("course"), "`denoising.si_sdr`"),
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


def _enhancer(gain_of, n_fft=None, hop=None, keep_phase=True):
    """A classical enhancer from ``gain_of(power, noise_power)``: the lesson's, or one with a mistake."""
    import librosa

    from .. import denoising as dn
    from .. import spectral

    n_fft = n_fft or dn.N_FFT
    hop = hop or dn.HOP_LENGTH

    def enhance(noisy):
        noisy = np.asarray(noisy, dtype=np.float32)
        Y = spectral.stft(noisy, n_fft=n_fft, hop_length=hop)
        power = np.abs(Y) ** 2
        gain = gain_of(power, dn.estimate_noise_power(power))
        kept = gain * Y if keep_phase else gain * np.abs(Y)
        return librosa.istft(stft_matrix=kept, hop_length=hop, n_fft=n_fft, length=len(noisy))

    return enhance


def _subtraction_gain(power, noise, floor=0.05):
    return np.sqrt(np.maximum(power - noise, floor * power) / np.maximum(power, 1e-20))


def _wiener_gain(power, noise, floor=0.1):
    xi = np.maximum(power / np.maximum(noise, 1e-20) - 1, 0)
    return np.maximum(xi / (1 + xi), floor)


def _q3_mistakes(which: str) -> dict:
    """Typical mistakes of spectral subtraction or the Wiener gain: message -> enhancer(s)."""
    safe = np.maximum
    stft_message = tr(
        "Your {name} does not use the lesson's STFT (512-sample Hann windows every 128 samples): "
        "call the cell's `stft` and `istft`, whose window and hop the noise estimate and the "
        "inverse share."
    )
    phase_message = tr(
        "Your {name} inverts a magnitude alone, so every bin's phase becomes 0: multiply the "
        "complex `Y` by the real gain, which keeps the noisy phase."
    )
    if which == "subtraction":
        return {
            tr(
                "Your spectral subtraction multiplies `Y` by a ratio of powers, "
                "max(|Y|² - N, β|Y|²) / |Y|². `Y` holds amplitudes: take the square root of that "
                "ratio."
            ): _enhancer(lambda p, n: safe(p - n, 0.05 * p) / safe(p, 1e-20)),
            tr(
                "Your spectral subtraction has no floor: bins where the noise estimate is above "
                "|Y|² go silent, which leaves 'musical noise'. Keep β|Y|² (β = 0.05) as the floor."
            ): _enhancer(lambda p, n: np.sqrt(safe(p - n, 0) / safe(p, 1e-20))),
            tr(
                "Your spectral subtraction subtracts magnitudes, |Y| - sqrt(N); the equation "
                "subtracts powers, |Y|² - N."
            ): _enhancer(
                lambda p, n: (
                    safe(np.sqrt(p) - np.sqrt(n), np.sqrt(0.05 * p)) / safe(np.sqrt(p), 1e-10)
                )
            ),
            phase_message: _enhancer(_subtraction_gain, keep_phase=False),
            stft_message: (
                _enhancer(_subtraction_gain, n_fft=2048, hop=512),
                _enhancer(_subtraction_gain, hop=512),
            ),
        }
    return {
        tr(
            "Your Wiener gain uses |Y|²/N as the speech-to-noise ratio; |Y|² holds the noise too, "
            "so the estimate of ξ is |Y|²/N - 1 (and never below 0)."
        ): _enhancer(lambda p, n: safe((p / safe(n, 1e-20)) / (1 + p / safe(n, 1e-20)), 0.1)),
        tr(
            "Your Wiener gain has no floor: where ξ is 0 the bin goes silent. Keep the gain at "
            "least 0.1."
        ): _enhancer(lambda p, n: _wiener_gain(p, n, floor=0.0)),
        tr(
            "Your Wiener gain is ξ itself, which rises far above 1 in loud bins: the gain is "
            "ξ / (1 + ξ), between 0 and 1."
        ): _enhancer(lambda p, n: safe(safe(p / safe(n, 1e-20) - 1, 0), 0.1)),
        tr(
            "Your Wiener gain takes a square root of ξ / (1 + ξ): that gain already multiplies "
            "`Y`, an amplitude, as it is."
        ): _enhancer(lambda p, n: np.sqrt(_wiener_gain(p, n))),
        phase_message: _enhancer(_wiener_gain, keep_phase=False),
        stft_message: (
            _enhancer(_wiener_gain, n_fft=2048, hop=512),
            _enhancer(_wiener_gain, hop=512),
        ),
    }


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
    noisy = noisy.astype(np.float32)
    base = dn.si_sdr(speech, noisy)
    references = {"subtraction": dn.spectral_subtraction(noisy), "wiener": dn.wiener_filter(noisy)}
    names = {"subtraction": tr("spectral subtraction"), "wiener": tr("Wiener gain")}
    refused = functools.partial(
        _refusing,
        "course_utils.denoising:spectral_subtraction",
        "course_utils.denoising:wiener_filter",
        message=tr(
            "Your function calls the course's `denoising.spectral_subtraction` or "
            "`denoising.wiener_filter`: write the gain yourself from the equations of section 4 "
            "(`denoising.estimate_noise_power` is yours to use). The lesson uses the course's "
            "functions from the next cell on."
        ),
    )
    for which, method in zip(("subtraction", "wiener"), answer):
        name, other = names[which], "wiener" if which == "subtraction" else "subtraction"
        with refused(function=method):
            result = method(noisy)
        problem = _result_problem(result, name)
        if problem:
            raise Incorrect(problem)
        out = np.asarray(result)
        if out.ndim == 2 or out.dtype.kind == "c":
            raise Incorrect(
                tr(
                    "Your {name} returns an array of shape {shape} and type {dtype}: a spectrum, "
                    "not a clip. Invert the masked spectrum with `istft(..., len(noisy))`."
                ).format(name=name, shape=out.shape, dtype=out.dtype)
            )
        if out.shape != noisy.shape:
            raise Incorrect(
                tr(
                    "{name} returns shape {shape}; give back a clip as long as the input, {shape2} "
                    "(`istft`'s `length`)."
                ).format(name=name, shape=out.shape, shape2=noisy.shape)
            )
        if not np.all(np.isfinite(out)):
            raise Incorrect(
                tr(
                    "Your {name} returns NaN or infinite samples: somewhere a power of 0 is divided "
                    "by. Guard each division, e.g. `np.maximum(power, 1e-20)`."
                ).format(name=name)
            )
        if _relative_difference(out, noisy) < 1e-3:
            raise Incorrect(
                tr("Your {name} returns the noisy clip unchanged: apply the gain to `Y`.").format(
                    name=name
                )
            )
        if _relative_difference(out, references[which]) < 1e-2:
            pass
        elif _relative_difference(out, references[other]) < 1e-2:
            raise Incorrect(
                tr(
                    "Your {name} computes the other method ({other}): give the pair in the order "
                    "(spectral_subtraction, wiener)."
                ).format(name=name, other=names[other])
            )
        else:
            for message, mistaken in _q3_mistakes(which).items():
                variants = mistaken if isinstance(mistaken, tuple) else (mistaken,)
                if any(_relative_difference(out, v(noisy)) < 1e-2 for v in variants):
                    raise Incorrect(message.format(name=name))
            got = dn.si_sdr(speech, out) - base
            expected = dn.si_sdr(speech, references[which]) - base
            if abs(got - expected) > 0.3:
                raise Incorrect(
                    tr(
                        "On a held-out reader with a running tap at 0 dB, your {name} improves "
                        "SI-SDR by {got:+.2f} dB; the equations of section 4 do noticeably better or "
                        "differently. Check the floor, the noise estimate and that the gain "
                        "multiplies the complex STFT (keeping its phase)."
                    ).format(name=name, got=got)
                )
        with refused(function=method):
            quiet_start = np.asarray(
                method(np.concatenate([np.zeros(2048, dtype=np.float32), noisy])), dtype=np.float64
            )
        if not np.all(np.isfinite(quiet_start)):
            raise Incorrect(
                tr(
                    "On a clip that starts with digital silence your {name} returns NaN or infinite "
                    "samples: there |Y|² is 0, and a division by it gives NaN. Guard each division, "
                    "e.g. `np.maximum(power, 1e-20)`."
                ).format(name=name)
            )


def _wrong_enhancers(mistake):
    """A pair (spectral_subtraction, wiener) with one typical mistake, for the tests."""
    import librosa

    from course_utils import denoising

    right = _q3_solution(None, None)
    if mistake == "swapped":
        return right[1], right[0]
    if mistake == "identity":
        return (lambda x: np.asarray(x), right[1])
    if mistake == "spectrum":
        return (lambda x: denoising._spectrum(x), right[1])
    if mistake == "no length":

        def short(noisy):
            Y = denoising._spectrum(noisy)
            return librosa.istft(stft_matrix=Y, hop_length=denoising.HOP_LENGTH, n_fft=512)[:-100]

        return short, right[1]
    if mistake == "unguarded":

        def unguarded(noisy):
            Y = denoising._spectrum(noisy)
            power = np.abs(Y) ** 2
            gain = np.sqrt(
                np.maximum(power - denoising.estimate_noise_power(power), 0.05 * power) / power
            )
            return denoising._inverse(gain * Y, len(noisy))

        return unguarded, right[1]
    if mistake == "course":
        return (lambda x: denoising.spectral_subtraction(x), right[1])
    which = "wiener" if mistake.startswith("wiener: ") else "subtraction"
    mistakes = [
        variant
        for value in _q3_mistakes(which).values()
        for variant in (value if isinstance(value, tuple) else (value,))
    ]
    chosen = mistakes[int(mistake.split(": ")[-1])]
    return (right[0], chosen) if which == "wiener" else (chosen, right[1])


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
        N_(
            "Spectral subtraction's gain is the square root of the cleaned power over the noisy "
            "power; the Wiener gain is ξ / (1 + ξ). Each has its floor, and no division by 0."
        ),
        N_("Still stuck? `exercises.q3.solution()` shows the course's two functions."),
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda c: _wrong_enhancers("0"), "take the square root"),
        (lambda c: _wrong_enhancers("1"), "no floor"),
        (lambda c: _wrong_enhancers("2"), "subtracts magnitudes"),
        (lambda c: _wrong_enhancers("3"), "phase becomes 0"),
        (lambda c: _wrong_enhancers("4"), "lesson's STFT"),
        (lambda c: _wrong_enhancers("5"), "lesson's STFT"),
        (lambda c: _wrong_enhancers("wiener: 0"), "|Y|²/N - 1"),
        (lambda c: _wrong_enhancers("wiener: 1"), "at least 0.1"),
        (lambda c: _wrong_enhancers("wiener: 2"), "far above 1"),
        (lambda c: _wrong_enhancers("wiener: 3"), "square root"),
        (lambda c: _wrong_enhancers("swapped"), "other method"),
        (lambda c: _wrong_enhancers("identity"), "unchanged"),
        (lambda c: _wrong_enhancers("spectrum"), "a spectrum, not a clip"),
        (lambda c: _wrong_enhancers("no length"), "as long as the input"),
        (lambda c: _wrong_enhancers("unguarded"), "digital silence"),
        (lambda c: _wrong_enhancers("course"), "write the gain yourself"),
        (lambda c: (lambda x: np.asarray(x), lambda x: np.asarray(x)), "unchanged"),
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


def _activation_name(layer) -> str:
    return getattr(getattr(layer, "activation", None), "__name__", "linear")


def _dense_layers(model) -> list:
    import keras

    found = []
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if isinstance(layer, keras.layers.Dense):
            found.append(layer)
    return found


def _q4_model(answer, width, bins, **options):
    import keras

    keras.utils.set_random_seed(0)
    with _refused("build_mask_model", "build_mask_model", answer):
        model = answer(width, bins, **options)
    if model is None:
        raise Incorrect(tr("Your build_mask_model returns None: return the Keras model you build."))
    if not isinstance(model, keras.Model):
        raise Incorrect(
            tr("build_mask_model returned {kind}; return a Keras model.").format(
                kind=type(model).__name__
            )
        )
    return model


def _q4_check(answer):
    import warnings

    import keras

    from .. import denoising as dn

    if isinstance(answer, keras.Model) or not callable(answer):
        raise Incorrect(
            tr("Give the function itself, `build_mask_model`, not a model: the check builds one.")
        )
    bins = dn.N_FFT // 2 + 1
    width = (2 * dn.CONTEXT + 1) * bins
    model = _q4_model(answer, width, bins)
    inputs = getattr(model, "inputs", None)
    if inputs and tuple(inputs[0].shape[1:]) != (width,):
        raise Incorrect(
            tr(
                "Your model takes {shape} numbers per row; each row of `features` holds the "
                "{width} log-magnitudes of 7 frames of {bins} bins."
            ).format(shape=tuple(inputs[0].shape[1:]), width=width, bins=bins)
        )
    probe = np.random.default_rng(0).normal(size=(64, width)).astype(np.float32) * 5
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            output = np.asarray(model(probe))
    except Exception as problem:  # noqa: BLE001 - say whose code failed, in the learner's terms
        raise Incorrect(
            tr("Calling your model on 64 rows of {width} numbers raised {kind}: {problem}").format(
                width=width, kind=type(problem).__name__, problem=problem
            )
        ) from None
    _refuse_uncalled_layers(model)
    if output.shape != (64, bins):
        raise Incorrect(
            tr(
                "For 64 rows your model gives shape {shape}; the mask has one gain per frequency "
                "bin, {bins} per row."
            ).format(shape=output.shape, bins=bins)
        )
    if not np.all(np.isfinite(output)):
        raise Incorrect(tr("Your model's output holds NaN or infinite values."))
    dense = _dense_layers(model)
    if output.min() < 0 or output.max() > 1:
        last = _activation_name(dense[-1]) if dense else "?"
        raise Incorrect(
            tr(
                "Your model's output ranges over [{probe_min:.2f}, {probe_max:.2f}] (its last "
                "layer's activation: {activation}). A mask is a gain between 0 and 1 per bin: "
                "which activation keeps every output there?"
            ).format(probe_min=output.min(), probe_max=output.max(), activation=last)
        )
    hidden = dense[:-1]
    if len(hidden) != 2:
        raise Incorrect(
            tr(
                "Your model has {count} hidden layers; the lesson's mask model has two of `hidden` "
                "units between the input and the mask."
            ).format(count=len(hidden))
        )
    for layer in hidden:
        if _activation_name(layer) == "linear":
            raise Incorrect(
                tr(
                    "Your hidden layer `{name}` has no activation: linear layers in a row are one "
                    "linear map. Give the hidden layers relu."
                ).format(name=layer.name)
            )
    small = _q4_model(answer, width, bins, hidden=32)
    widths = tuple(int(layer.units) for layer in _dense_layers(small)[:-1])
    if widths != (32, 32):
        raise Incorrect(
            tr(
                "Asked for hidden=32, your model's hidden layers have {widths} units: use the "
                "argument `hidden`, not a fixed number."
            ).format(widths=widths)
        )


def _course_mask_model(input_width, bins, hidden=256):
    """The shortcut q4 refuses: the course's own builder (for the tests)."""
    from course_utils import denoising

    return denoising.build_mask_model(seed=0)


def _wrong_mask_model(mistake):
    """A build_mask_model with one typical mistake, for the tests."""
    import keras

    if mistake == "course":  # its own function: a check refuses any function that reaches it
        return _course_mask_model

    def build_mask_model(input_width, bins, hidden=256):
        if mistake == "unused layer":

            class Masker(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.first = keras.layers.Dense(hidden, activation="relu")
                    self.second = keras.layers.Dense(hidden, activation="relu")
                    self.mask = keras.layers.Dense(bins, activation="sigmoid")

                def call(self, x):
                    return self.mask(self.first(x))

            return Masker()
        if mistake == "none":
            keras.Sequential([keras.Input(shape=(input_width,)), keras.layers.Dense(bins)])
            return None
        layers = [keras.Input(shape=(input_width,))]
        activation, last, units, out = "relu", "sigmoid", hidden, bins
        count = 2
        if mistake == "linear mask":
            last = None
        elif mistake == "relu mask":
            last = "relu"
        elif mistake == "tanh mask":
            last = "tanh"
        elif mistake == "no hidden":
            count = 0
        elif mistake == "linear hidden":
            activation = None
        elif mistake == "fixed width":
            units = 256
        elif mistake == "output width":
            out = bins // 2
        elif mistake == "input width":
            layers = [keras.Input(shape=(bins,))]
        for _ in range(count):
            layers.append(keras.layers.Dense(units, activation=activation))
        layers.append(keras.layers.Dense(out, activation=last))
        return keras.Sequential(layers)

    return build_mask_model


q4 = Exercise(
    N_("Exercise 4: the mask model"),
    _q4_check,
    [
        N_("Dense layers from the `input_width` context log-magnitudes to `bins` outputs."),
        N_(
            "Two hidden layers of `hidden` units with a nonlinear activation, then one output per "
            "bin. A mask is a gain in [0, 1] per frequency bin: choose the last layer's activation "
            "for that."
        ),
        N_(
            "`keras.Sequential([keras.Input(shape=(input_width,)), ...])` takes the layers in "
            "order; return the model."
        ),
        N_("Still stuck? `exercises.q4.solution()` shows the course's model."),
    ],
    _q4_solution,
    context=_q4_context,
    wrong_answers=[
        (lambda c: _wrong_mask_model("linear mask"), "between 0 and 1"),
        (lambda c: _wrong_mask_model("relu mask"), "activation: relu"),
        (lambda c: _wrong_mask_model("tanh mask"), "activation: tanh"),
        (lambda c: _wrong_mask_model("output width"), "one gain per frequency bin"),
        (lambda c: _wrong_mask_model("input width"), "takes (257,) numbers per row"),
        (lambda c: _wrong_mask_model("no hidden"), "0 hidden layers"),
        (lambda c: _wrong_mask_model("linear hidden"), "no activation"),
        (lambda c: _wrong_mask_model("fixed width"), "Asked for hidden=32"),
        (lambda c: _wrong_mask_model("unused layer"), "never calls it"),
        (lambda c: _wrong_mask_model("none"), "returns None"),
        (lambda c: _wrong_mask_model("course"), "`denoising.build_mask_model`"),
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


def _same_weights(model, other) -> bool:
    mine, theirs = model.get_weights(), other.get_weights()
    return len(mine) == len(theirs) and all(
        a.shape == b.shape and np.array_equal(a, b) for a, b in zip(mine, theirs)
    )


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
    if _same_weights(answer, dn.load_denoiser()[0]):
        raise Incorrect(
            tr(
                "That is the course's shipped model (`denoising.load_denoiser`): train one of "
                "your own."
            )
        )
    width = int(answer.inputs[0].shape[-1])
    context = (width // bins - 1) // 2
    if _same_weights(answer, dn.build_mask_model(bins=bins, context=context, seed=0)):
        raise Incorrect(
            tr(
                "Your model's weights are still those it was built with: it has not been trained. "
                "`denoising.train_mask_model(model, pairs, steps=...)` trains it."
            )
        )
    probe = np.asarray(answer(np.random.default_rng(0).normal(size=(64, width)).astype("float32")))
    if not np.all(np.isfinite(probe)):
        raise Incorrect(
            tr(
                "Your model outputs NaN or infinite values: the training diverged (a learning rate "
                "too large?)."
            )
        )
    if probe.min() < 0 or probe.max() > 1:
        raise Incorrect(
            tr(
                "Your model's output ranges over [{probe_min:.2f}, {probe_max:.2f}]: a mask is a gain "
                "between 0 and 1 (which activation gives that?)."
            ).format(probe_min=probe.min(), probe_max=probe.max())
        )
    scores = _held_out_scores(answer)
    if scores["model"] < 0:
        raise Incorrect(
            tr(
                "Your model makes the held-out speech worse ({scores_model:+.2f} dB of SI-SDR at 0 dB "
                "input): train it longer, on the training `pairs`."
            ).format(scores_model=scores["model"])
        )
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
        N_("Still stuck? `exercises.q5.solution()` shows one way."),
    ],
    _q5_solution,
    context=_q5_context,
    wrong_answers=[
        (
            lambda c: __import__("course_utils.denoising", fromlist=["x"]).build_mask_model(seed=0),
            "not been trained",
        ),
        (
            lambda c: __import__("course_utils.denoising", fromlist=["x"]).load_denoiser()[0],
            "shipped model",
        ),
        (lambda c: "model", "trained Keras mask model"),
    ],
)
