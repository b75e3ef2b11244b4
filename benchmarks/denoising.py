"""Denoising real speech: the shipped mask autoencoder against classical enhancement.

    python -m benchmarks --only denoising                                   # bundled held-out audio
    python -m benchmarks --only denoising --speech-dir DIR --noise-dir DIR  # your own recordings

Every speech recording (WAV, FLAC or OGG; any rate; mono, or the first channel) is cut into
4 s pieces and mixed with every noise recording at -5, 0 and +5 dB with a fixed seed; a
noise shorter than the speech is looped with a 50 ms crossfade. The shipped denoiser
(``make weights``, course_utils.denoising), spectral subtraction, the Wiener-style gain and
noisereduce's spectral gating (when installed) are scored by SI-SDR, its improvement over
the noisy input, STOI and PESQ (null when the ``pesq`` package is not installed). Without
folders it uses the bundled readers and noise types the model never trained on.
"""

from __future__ import annotations

from pathlib import Path

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".oga")


def load_folder(folder, what: str) -> dict:
    """Every audio file in ``folder`` at the denoiser's rate: name -> mono clip (first channel)."""
    import numpy as np
    import soundfile

    from course_utils.denoising import CONTEXT, HOP_LENGTH, N_FFT, RATE, at_model_rate
    from course_utils.errors import (
        AudioFileError,
        DatasetLayoutError,
        SignalError,
        SilentSignalError,
    )

    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetLayoutError(
            f"The {what} folder '{folder}' does not exist or is not a folder. Pass a folder of recordings."
        )
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise DatasetLayoutError(
            f"The {what} folder '{folder}' is empty. Put WAV, FLAC or OGG recordings in it."
        )
    minimum = N_FFT + 2 * CONTEXT * HOP_LENGTH
    clips = {}
    for path in files:
        try:
            samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
        except Exception as error:  # libsndfile raises its own error types
            raise AudioFileError(
                f"'{path}' in the {what} folder could not be read as audio ({error}). "
                f"Remove it, or convert it to WAV, FLAC or OGG ({', '.join(AUDIO_SUFFIXES)})."
            ) from None
        samples = samples[:, 0]
        if rate != RATE and len(samples):
            samples = at_model_rate(samples, rate)  # the whole band up to 8 kHz, as the model saw
        if len(samples) < minimum:
            raise SignalError(
                f"'{path}' lasts {len(samples) / RATE:.3f} s, shorter than the model's context "
                f"({minimum / RATE:.3f} s). Remove it or use a longer recording."
            )
        if not np.any(np.abs(samples) > 1e-6):
            raise SilentSignalError(
                f"'{path}' is silent: a {what} recording needs sound in it. Remove it."
            )
        clips[path.name] = samples.astype(np.float32)
    return clips


def run(quick: bool = False, speech_dir: str | None = None, noise_dir: str | None = None) -> dict:
    import course_utils

    course_utils.setup_notebook(seed=0, style=False)
    import numpy as np

    from course_utils import denoising as dn

    if speech_dir is None:
        speech = {f"reader {r}": dn.load_reader(r) for r in dn.TEST_READERS}
        speech_source = f"bundled held-out readers {', '.join(dn.TEST_READERS)}"
    else:
        speech, speech_source = load_folder(speech_dir, "speech"), f"folder {speech_dir}"
    if noise_dir is None:
        noises = {name: dn.load_noise(name) for name in dn.UNSEEN_NOISES}
        noise_source = f"bundled noise types never trained on ({', '.join(dn.UNSEEN_NOISES)})"
    else:
        noises, noise_source = load_folder(noise_dir, "noise"), f"folder {noise_dir}"
    segment = 4.0
    looped = sorted(
        n
        for n, clip in noises.items()
        if any(len(clip) < min(len(s), int(segment * dn.RATE)) for s in speech.values())
    )
    if looped:
        print(
            f"denoising: noise shorter than the speech, looped with a {dn.CROSSFADE_S * 1000:.0f} ms crossfade: "
            + ", ".join(looped),
            flush=True,
        )
    model, _ = dn.load_denoiser()
    methods = {
        "noisy input": None,
        "spectral subtraction": dn.spectral_subtraction,
        "Wiener gain": dn.wiener_filter,
        "noisereduce (defaults)": dn.spectral_gating,
        "denoising autoencoder": lambda x: dn.apply_mask_model(model, x),
    }
    kinds = {"noisy input": "none", "denoising autoencoder": "autoencoder"}
    mixtures = dn.test_mixtures(
        speech, noises, segment_s=segment, seed=0, segments_per_clip=1 if quick else None
    )
    per_mixture = dn.evaluate(methods, mixtures, stoi=True)
    summary = dn.summarise(per_mixture)
    rows = []
    for (method, snr), entry in summary.items():
        rows.append(
            {
                "method": method,
                "kind": kinds.get(method, "classical"),
                "input_snr_db": snr,
                "si_sdr_db": round(entry["si_sdr"], 2),
                "si_sdr_improvement_db": round(entry["improvement"], 2),
                "stoi": round(entry["stoi"], 3),
                "pesq": None if entry["pesq"] is None else round(entry["pesq"], 2),
                "mixtures": entry["count"],
            }
        )
    order = list(methods)
    rows.sort(key=lambda r: (r["input_snr_db"], order.index(r["method"])))
    targets = {}
    for snr in (-5.0, 0.0):
        dae = summary[("denoising autoencoder", snr)]["improvement"]
        best = max(
            summary[(m, snr)]["improvement"]
            for m in methods
            if kinds.get(m, "classical") == "classical" and (m, snr) in summary
        )
        targets[
            f"autoencoder's SI-SDR improvement >= best classical method's at {snr:+.0f} dB ({noise_source})"
        ] = bool(dae >= best)
    note = (
        f"Speech: {speech_source}; noise: {noise_source}; {len(per_mixture) // max(1, len(methods))} "
        "mixtures per method (4 s pieces, SNRs -5, 0, +5 dB, seed 0)."
    )
    if looped:
        note += f" Noise looped with a {dn.CROSSFADE_S * 1000:.0f} ms crossfade (shorter than the speech): {', '.join(looped)}."
    if not any(r["pesq"] is not None for r in rows):
        note += " PESQ is null: the pesq package is not installed (it ships only as C source)."
    return {
        "rows": rows,
        "note": note,
        "targets": targets,
        "mean_stoi_noisy": float(np.mean([r["stoi"] for r in rows if r["kind"] == "none"])),
    }
