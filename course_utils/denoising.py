"""Denoising real speech: mixing at an SNR, SI-SDR, two classical baselines and a mask autoencoder.

The lesson's pieces (issue #21):

- :func:`mix_at_snr` scales a noise so that ``10 log10(P_speech / P_noise)`` is the
  SNR asked for and adds it; a noise shorter than the speech is looped with a short
  crossfade (:func:`loop_noise`).
- :func:`si_sdr`: the scale-invariant signal-to-distortion ratio (Le Roux et al. 2019).
- :func:`spectral_subtraction` and :func:`wiener_filter`: classical enhancement from a
  noise estimate taken from the quietest frames of the noisy clip itself
  (:func:`estimate_noise_power`), so they get no more information than the model.
- :func:`build_mask_model`, :func:`training_pairs` (a ``tf.data`` pipeline drawing random
  speech excerpt x random noise excerpt x random SNR x random level, on the fly) and
  :func:`train_mask_model`: the denoising autoencoder. Its input is the noisy clip's
  log-magnitude STFT with ``CONTEXT`` frames either side; its output a mask in [0, 1] that
  multiplies the noisy STFT, inverted with the noisy phase (:func:`apply_mask_model`).
- :func:`denoise`: the shipped model (``make weights``) on any clip at any rate.

The bundled data (``data/real/speech/``: 24 LibriSpeech readers; ``data/real/noise/``: 12
real noise excerpts) is split once, here: the readers in :data:`TEST_READERS` and the
noise types in :data:`UNSEEN_NOISES` are never trained on, and the trained noise types
keep their last quarter (in time) for testing.

Used in: 08_denoising, benchmarks/denoising.py, scripts/make_weights.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .audio import check_signal, load_audio
from .errors import AudioFileNotFoundError, SettingError, SignalError, SilentSignalError
from .settings import SPEECH_RATE
from .spectral import EPS, stft

__all__ = [
    "RATE",
    "N_FFT",
    "HOP_LENGTH",
    "CONTEXT",
    "TEST_READERS",
    "TRAINED_NOISES",
    "UNSEEN_NOISES",
    "SNRS_DB",
    "reader_ids",
    "load_reader",
    "training_speech",
    "load_noise",
    "loop_noise",
    "mix_at_snr",
    "si_sdr",
    "estimate_noise_power",
    "spectral_subtraction",
    "wiener_filter",
    "noisy_features",
    "build_mask_model",
    "training_pairs",
    "train_mask_model",
    "apply_mask_model",
    "save_denoiser",
    "load_denoiser",
    "denoise",
    "test_mixtures",
    "evaluate",
    "summarise",
]

#: The denoiser works at LibriSpeech's rate.
RATE = SPEECH_RATE
#: STFT size and hop (32 ms windows every 8 ms at 16 kHz).
N_FFT = 512
HOP_LENGTH = 128
#: Frames of context either side of the frame the model masks.
CONTEXT = 3
#: Readers never trained on: one woman and one man.
TEST_READERS = ("1116", "78")
#: Noise types the model trains on (first 75 % of each excerpt; the last 25 % is for testing).
TRAINED_NOISES = ("dishes", "tap", "bike", "cat", "birds", "rain", "waves", "babble")
#: Noise types the model never trains on.
UNSEEN_NOISES = ("boat", "wind", "fireplace", "crickets")
#: Input SNRs of every comparison.
SNRS_DB = (-5.0, 0.0, 5.0)
#: Seconds of crossfade where a looped noise joins its own start.
CROSSFADE_S = 0.05
WEIGHTS = ("weights", "denoiser.npz")
TRAIN_FRACTION = 0.75


# ---------------------------------------------------------------- data


def _rows(kind: str) -> list[dict]:
    from .data import load_manifest

    return [row for row in load_manifest() if row["kind"] == kind]


def reader_ids(split: str = "train") -> list[str]:
    """LibriSpeech reader ids of the bundled speech: ``"train"``, ``"test"`` or ``"all"``.

    Used in: 08_denoising, scripts/make_weights.py.
    """
    ids = sorted(row["speaker"] for row in _rows("real_reader"))
    if split == "all":
        return ids
    if split not in ("train", "test"):
        raise SettingError(f"split must be 'train', 'test' or 'all'; got {split!r}.")
    return [i for i in ids if (i in TEST_READERS) == (split == "test")]


def load_reader(reader: str) -> np.ndarray:
    """One bundled LibriSpeech reader's utterance at :data:`RATE`, float32.

    Used in: 08_denoising, benchmarks/denoising.py, scripts/make_weights.py.
    """
    from .data import data_dir

    rows = {row["speaker"]: row for row in _rows("real_reader")}
    if str(reader) not in rows:
        raise AudioFileNotFoundError(
            f"No bundled reader {reader!r}; the readers are {', '.join(sorted(rows))}."
        )
    audio, _ = load_audio(data_dir() / rows[str(reader)]["path"], sr=RATE)
    return audio.astype(np.float32)


def training_speech() -> list[np.ndarray]:
    """Every bundled clean speech clip the model may train on: the training readers and the female real clip.

    Never the capstone's scored reader (``speech_male``, :data:`course_utils.capstone.HIDDEN_CLIP`):
    no lesson loads it (#23 item 8).

    Used in: 08_denoising, scripts/make_weights.py.
    """
    from .data import load_real_clip

    clips = [load_reader(r) for r in reader_ids("train")]
    clips.append(load_real_clip("speech_female", sr=RATE)[0].astype(np.float32))
    return clips


def load_noise(name: str, part: str = "all") -> np.ndarray:
    """A bundled real noise excerpt at :data:`RATE`: ``part`` is ``"train"`` (first 75 %), ``"test"`` or ``"all"``.

    Used in: 08_denoising, benchmarks/denoising.py, scripts/make_weights.py.
    """
    from .data import data_dir

    rows = {row["label"]: row for row in _rows("real_noise")}
    if name not in rows:
        raise AudioFileNotFoundError(
            f"No bundled noise {name!r}; the noises are {', '.join(sorted(rows))}."
        )
    audio, _ = load_audio(data_dir() / rows[name]["path"], sr=RATE)
    cut = int(TRAIN_FRACTION * len(audio))
    if part == "train":
        return audio[:cut].astype(np.float32)
    if part == "test":
        return audio[cut:].astype(np.float32)
    if part != "all":
        raise SettingError(f"part must be 'train', 'test' or 'all'; got {part!r}.")
    return audio.astype(np.float32)


# ---------------------------------------------------------------- mixing and scoring


def loop_noise(noise, length: int, crossfade: int | None = None) -> np.ndarray:
    """``noise`` repeated to ``length`` samples, each join a linear crossfade of ``crossfade`` samples.

    Used in: no notebook.
    """
    noise = check_signal(noise, name="noise").astype(np.float64)
    length = int(length)
    if len(noise) >= length:
        return noise[:length].copy()
    fade = int(CROSSFADE_S * RATE) if crossfade is None else int(crossfade)
    fade = max(0, min(fade, len(noise) // 2))
    ramp = np.linspace(0.0, 1.0, fade, endpoint=False) if fade else np.zeros(0)
    out = noise.copy()
    while len(out) < length:
        if fade:
            # overlap the end of what we have with the start of the next copy
            joined = out[-fade:] * (1.0 - ramp) + noise[:fade] * ramp
            out = np.concatenate([out[:-fade], joined, noise[fade:]])
        else:
            out = np.concatenate([out, noise])
    return out[:length]


def _power(x) -> float:
    return float(np.mean(np.square(np.asarray(x, dtype=np.float64))))


def mix_at_snr(speech, noise, snr_db: float) -> tuple[np.ndarray, np.ndarray]:
    """``(mixture, scaled_noise)`` with ``10 log10(P_speech / P_noise) = snr_db``.

    The noise is scaled by ``g = sqrt(P_s / (P_n 10^(snr/10)))``; a noise shorter than the
    speech is looped with a crossfade, a longer one cut.

    Used in: 08_denoising.
    """
    speech = check_signal(speech, name="speech").astype(np.float64)
    noise = loop_noise(noise, len(speech))
    p_speech, p_noise = _power(speech), _power(noise)
    if p_speech == 0.0:
        raise SilentSignalError(
            "The speech is silent, so no SNR can be set. Pass a clip with sound in it."
        )
    if p_noise == 0.0:
        raise SilentSignalError(
            "The noise is silent, so it cannot be scaled to an SNR. Pass a noise with sound in it."
        )
    gain = np.sqrt(p_speech / (p_noise * 10.0 ** (float(snr_db) / 10.0)))
    scaled = gain * noise
    return (speech + scaled).astype(np.float32), scaled.astype(np.float32)


def si_sdr(reference, estimate) -> float:
    """Scale-invariant SDR in dB: ``10 log10(|a s|^2 / |a s - y|^2)`` with ``a = <y, s> / |s|^2``.

    Used in: 08_denoising.
    """
    s = check_signal(reference, name="reference").astype(np.float64)
    y = check_signal(estimate, name="estimate").astype(np.float64)
    if len(s) != len(y):
        raise SignalError(
            f"reference has {len(s)} samples, estimate {len(y)}; pass two clips of the same length."
        )
    energy = float(np.dot(s, s))
    if energy == 0.0:
        raise SilentSignalError(
            "The reference is silent: SI-SDR needs a clean clip with sound in it."
        )
    target = (np.dot(y, s) / energy) * s
    residual = target - y
    return float(
        10.0
        * np.log10(
            max(float(np.dot(target, target)), 1e-20)
            / max(float(np.dot(residual, residual)), 1e-20)
        )
    )


# ---------------------------------------------------------------- classical baselines


def _spectrum(x) -> np.ndarray:
    return stft(np.asarray(x, dtype=np.float32), n_fft=N_FFT, hop_length=HOP_LENGTH)


def _inverse(spectrum, length: int) -> np.ndarray:
    import librosa

    return librosa.istft(
        stft_matrix=spectrum, hop_length=HOP_LENGTH, n_fft=N_FFT, length=length
    ).astype(np.float32)


def estimate_noise_power(power, quiet_fraction: float = 0.2) -> np.ndarray:
    """Noise power per frequency: the mean power of the quietest ``quiet_fraction`` of frames.

    Speech pauses; noise (mostly) does not: the quietest frames are the best guess of the noise.

    Used in: 08_denoising.
    """
    power = np.asarray(power, dtype=np.float64)
    loudness = power.sum(axis=0)
    count = max(1, int(quiet_fraction * power.shape[1]))
    quietest = np.argsort(loudness, kind="stable")[:count]
    return power[:, quietest].mean(axis=1, keepdims=True)


def spectral_subtraction(noisy, over: float = 1.0, floor: float = 0.05) -> np.ndarray:
    """Boll's spectral subtraction: ``|S|^2 = max(|Y|^2 - over N, floor |Y|^2)``, noisy phase.

    Used in: 08_denoising, benchmarks/denoising.py, scripts/make_weights.py.
    """
    noisy = check_signal(noisy, name="noisy")
    spectrum = _spectrum(noisy)
    power = np.abs(spectrum) ** 2
    noise = estimate_noise_power(power)
    clean_power = np.maximum(power - over * noise, floor * power)
    gain = np.sqrt(clean_power / np.maximum(power, 1e-20))
    return _inverse(gain * spectrum, len(noisy))


def wiener_filter(noisy, floor: float = 0.1) -> np.ndarray:
    """A Wiener-style gain ``xi / (1 + xi)`` with the a-priori SNR ``xi = max(|Y|^2 / N - 1, 0)``.

    Used in: 08_denoising, benchmarks/denoising.py, scripts/make_weights.py.
    """
    noisy = check_signal(noisy, name="noisy")
    spectrum = _spectrum(noisy)
    power = np.abs(spectrum) ** 2
    noise = estimate_noise_power(power)
    xi = np.maximum(power / np.maximum(noise, 1e-20) - 1.0, 0.0)
    gain = np.maximum(xi / (1.0 + xi), floor)
    return _inverse(gain * spectrum, len(noisy))


def spectral_gating(noisy) -> np.ndarray | None:
    """``noisereduce.reduce_noise`` with its default settings, or None when noisereduce is not installed.

    Used in: 08_denoising, benchmarks/denoising.py, scripts/make_weights.py.
    """
    try:
        import noisereduce
    except ImportError:
        return None
    return np.asarray(
        noisereduce.reduce_noise(y=np.asarray(noisy, dtype=np.float32), sr=RATE), dtype=np.float32
    )


# ---------------------------------------------------------------- the mask autoencoder


def noisy_features(spectrum, context: int = CONTEXT) -> np.ndarray:
    """Model input from a noisy STFT ``(bins, frames)``: ``(frames, (2 context + 1) bins)`` float32.

    Each row is the log-magnitude of a frame and its ``context`` neighbours either side
    (edges repeated), minus the clip's mean log-magnitude, so a louder or quieter
    recording gives the same input.

    Used in: no notebook.
    """
    log_mag = np.log(np.abs(spectrum) + EPS).T.astype(np.float32)
    log_mag -= log_mag.mean()
    padded = np.pad(log_mag, ((context, context), (0, 0)), mode="edge")
    frames = len(log_mag)
    return np.concatenate([padded[i : i + frames] for i in range(2 * context + 1)], axis=1)


def build_mask_model(
    bins: int = N_FFT // 2 + 1, context: int = CONTEXT, hidden: int = 256, seed: int = 0
):
    """Dense mask model: ``(2 context + 1) bins`` log-magnitudes in, ``bins`` sigmoid gains out.

    Used in: 08_denoising, scripts/make_weights.py.
    """
    import keras

    keras.utils.set_random_seed(int(seed))
    return keras.Sequential(
        [
            keras.Input(shape=((2 * context + 1) * bins,)),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(bins, activation="sigmoid"),
        ],
        name="mask_autoencoder",
    )


def _excerpt(rng, audio, length: int) -> np.ndarray:
    if len(audio) <= length:
        return loop_noise(audio, length)
    start = int(rng.integers(0, len(audio) - length))
    return audio[start : start + length]


def training_pairs(
    speech,
    noises,
    seed: int = 0,
    batch_clips: int = 16,
    seconds: float = 1.0,
    snr_range=(-8.0, 8.0),
    context: int = CONTEXT,
):
    """A ``tf.data.Dataset`` of ``(features, noisy magnitude, clean magnitude)`` batches, made on the fly.

    Every batch draws ``batch_clips`` random speech excerpts of ``seconds``, each with a
    random noise excerpt at a random SNR in ``snr_range`` and a random level (-30 to -10 dB
    peak-free RMS), from a generator seeded by ``seed``: the same seed gives the same batches.

    Used in: 08_denoising, scripts/make_weights.py.
    """
    import tensorflow as tf

    speech = [check_signal(s, name="speech") for s in speech]
    noises = [check_signal(n, name="noise") for n in noises]
    if not speech or not noises:
        raise SettingError("training_pairs needs at least one speech clip and one noise clip.")
    length = int(seconds * RATE)
    bins, width = N_FFT // 2 + 1, (2 * context + 1) * (N_FFT // 2 + 1)

    def batches():
        rng = np.random.default_rng(int(seed))
        while True:
            feats, noisy_mags, clean_mags = [], [], []
            for _ in range(batch_clips):
                clean = _excerpt(rng, speech[int(rng.integers(len(speech)))], length)
                if _power(clean) == 0.0:
                    continue
                noise = _excerpt(rng, noises[int(rng.integers(len(noises)))], length)
                if _power(noise) == 0.0:
                    continue
                noisy, _ = mix_at_snr(clean, noise, rng.uniform(*snr_range))
                level = 10.0 ** (rng.uniform(-30.0, -10.0) / 20.0) / np.sqrt(
                    max(_power(noisy), 1e-12)
                )
                noisy_spec, clean_spec = _spectrum(noisy * level), _spectrum(clean * level)
                feats.append(noisy_features(noisy_spec, context))
                noisy_mags.append(np.abs(noisy_spec).T)
                clean_mags.append(np.abs(clean_spec).T)
            yield (
                np.concatenate(feats).astype(np.float32),
                np.concatenate(noisy_mags).astype(np.float32),
                np.concatenate(clean_mags).astype(np.float32),
            )

    spec = (
        tf.TensorSpec((None, width), tf.float32),
        tf.TensorSpec((None, bins), tf.float32),
        tf.TensorSpec((None, bins), tf.float32),
    )
    return tf.data.Dataset.from_generator(batches, output_signature=spec).prefetch(2)


def train_mask_model(
    model, pairs, steps: int = 1000, learning_rate: float = 1e-3, progress: bool | None = None
) -> list[float]:
    """Adam on ``mean((mask |Y|)^0.5 - |S|^0.5)^2``: the masked noisy magnitude against the clean one.

    The square root compresses the range, so quiet speech counts as well as loud speech.
    Returns the loss of every step. ``progress``: a line that moves while it trains
    (:class:`course_utils.monitor.TrainingProgress`); ``None``, the default, shows it only in
    a notebook.

    Used in: 08_denoising, scripts/make_weights.py.
    """
    import keras
    import tensorflow as tf

    optimizer = keras.optimizers.Adam(learning_rate)

    @tf.function
    def step(features, noisy_mag, clean_mag):
        with tf.GradientTape() as tape:
            mask = model(features, training=True)
            loss = tf.reduce_mean(
                tf.square(tf.sqrt(mask * noisy_mag + 1e-8) - tf.sqrt(clean_mag + 1e-8))
            )
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    from .monitor import progress as progress_line

    losses = []
    with progress_line(total=int(steps), unit="steps", show=progress) as bar:
        for features, noisy_mag, clean_mag in pairs.take(int(steps)):
            losses.append(float(step(features, noisy_mag, clean_mag)))
            bar.update(loss=losses[-1])
    return losses


def apply_mask_model(model, noisy, context: int | None = None) -> np.ndarray:
    """Denoise a 16 kHz clip: mask its STFT with the model's output and invert with the noisy phase.

    Used in: 08_denoising, benchmarks/denoising.py, scripts/make_weights.py.
    """
    noisy = check_signal(noisy, name="noisy").astype(np.float32)
    spectrum = _spectrum(noisy)
    bins = spectrum.shape[0]
    width = int(model.inputs[0].shape[-1])
    context = (width // bins - 1) // 2 if context is None else context
    mask = np.asarray(model(noisy_features(spectrum, context), training=False)).T
    return _inverse(mask * spectrum, len(noisy))


# ---------------------------------------------------------------- the shipped model


def save_denoiser(model, path, overwrite: bool = False, **metadata) -> Path:
    """Write the model's weights (``.npz``) and a ``.json`` with their SHA-256 and ``metadata``.

    An existing file is replaced only with ``overwrite=True`` (:func:`course_utils.data.save_weights`).

    Used in: scripts/make_weights.py.
    """
    from .data import save_weights

    arrays = {f"w{i}": w for i, w in enumerate(model.get_weights())}
    return save_weights(path, arrays, metadata, overwrite=overwrite, compressed=False)


def load_denoiser(path=None):
    """``(model, record)``: the shipped mask model from ``data/weights/denoiser.npz``, checksum checked.

    Used in: 08_denoising, benchmarks/denoising.py.
    """
    from .data import data_dir, load_weights

    path = data_dir().joinpath(*WEIGHTS) if path is None else Path(path)
    stored, record = load_weights(path)
    weights = [stored[f"w{i}"] for i in range(len(stored))]
    model = build_mask_model(
        bins=weights[-1].shape[0],
        context=record.get("context", CONTEXT),
        hidden=weights[0].shape[1],
    )
    model.set_weights(weights)
    return model, record


_SHIPPED = {}


def at_model_rate(audio, sample_rate: int, target_rate: int = RATE) -> np.ndarray:
    """``audio`` resampled from ``sample_rate`` to ``target_rate`` (the model's 16 kHz by default).

    The resampling is done in the Fourier domain (librosa's ``res_type="fft"``), which keeps
    every frequency up to the lower rate's Nyquist limit. soxr's filters start to cut about 9 %
    below it, which empties the top STFT bins the model was trained with and shifts its
    mean-normalized input: on lesson 08's crickets clip at 22.05 kHz that cost the model 5.4 of
    its 6.95 dB. ``tests/test_denoising.py`` checks that the gain at 22.05 kHz is now the gain
    at 16 kHz, within 0.5 dB.

    Used in: benchmarks/denoising.py.
    """
    import librosa

    if int(sample_rate) == int(target_rate):
        return np.asarray(audio, dtype=np.float32)
    return librosa.resample(
        y=np.asarray(audio, dtype=np.float32),
        orig_sr=int(sample_rate),
        target_sr=int(target_rate),
        res_type="fft",
    ).astype(np.float32)


def denoise(audio, sample_rate: int) -> np.ndarray:
    """Denoise a mono clip at any rate with the shipped model; the result has the input's rate and length.

    Used in: 08_denoising.
    """
    audio = check_signal(audio, name="audio").astype(np.float32)
    rate = int(sample_rate)
    if rate <= 0:
        raise SettingError(
            f"sample_rate must be a positive whole number of Hz; got {sample_rate!r}."
        )
    minimum = (N_FFT + 2 * CONTEXT * HOP_LENGTH) / RATE
    if len(audio) < minimum * rate:
        raise SignalError(
            f"The clip lasts {len(audio) / rate:.3f} s, shorter than the model's context "
            f"({minimum:.3f} s). Pass a longer recording."
        )
    if not np.any(audio):
        raise SilentSignalError("The clip is silent (all zeros): there is nothing to denoise.")
    if "model" not in _SHIPPED:
        _SHIPPED["model"] = load_denoiser()[0]
    y = apply_mask_model(_SHIPPED["model"], at_model_rate(audio, rate))
    if rate != RATE:
        y = at_model_rate(y, RATE, target_rate=rate)
        y = np.pad(y, (0, max(0, len(audio) - len(y))))[: len(audio)]
    return y.astype(np.float32)


# ---------------------------------------------------------------- measuring


def test_mixtures(
    speech,
    noises,
    snrs=SNRS_DB,
    segment_s: float = 4.0,
    seed: int = 0,
    segments_per_clip: int | None = None,
):
    """Deterministic test mixtures: every ``segment_s`` piece of every speech clip x noise x SNR.

    ``speech`` and ``noises`` are dicts name -> clip. Each mixture gets a noise excerpt at an
    offset drawn from ``seed``. Yields dicts with ``speech``, ``noise``, ``snr``, ``clean``, ``noisy``.

    Used in: 08_denoising, benchmarks/denoising.py, scripts/make_weights.py.
    """
    rng = np.random.default_rng(int(seed))
    length = int(segment_s * RATE)
    for speech_name, clip in speech.items():
        pieces = [clip[i : i + length] for i in range(0, len(clip) - length + 1, length)] or [clip]
        if segments_per_clip is not None:
            pieces = pieces[:segments_per_clip]
        for index, clean in enumerate(pieces):
            if _power(clean) == 0.0:
                continue
            for noise_name, noise in noises.items():
                excerpt = _excerpt(rng, noise, len(clean))
                for snr in snrs:
                    noisy, _ = mix_at_snr(clean, excerpt, snr)
                    yield {
                        "speech": f"{speech_name}#{index}",
                        "noise": noise_name,
                        "snr": float(snr),
                        "clean": clean.astype(np.float32),
                        "noisy": noisy,
                    }


def _stoi(clean, estimate):
    from pystoi import stoi

    return float(stoi(clean, estimate, RATE, extended=False))


def _pesq(clean, estimate):
    try:
        from pesq import pesq
    except ImportError:
        return None
    try:
        return float(pesq(RATE, clean, estimate, "wb"))
    except Exception:  # pesq raises its own errors on clips with no detectable speech
        return None


def evaluate(methods: dict, mixtures, stoi: bool = True) -> list[dict]:
    """Score every method (name -> function noisy -> estimate; ``None`` means the noisy input) on every mixture.

    Returns one row per mixture and method: ``method, noise, snr, si_sdr, improvement, stoi, pesq``.

    Used in: 08_denoising, benchmarks/denoising.py, scripts/make_weights.py.
    """
    rows = []
    for mix in mixtures:
        base = si_sdr(mix["clean"], mix["noisy"])
        for name, method in methods.items():
            estimate = mix["noisy"] if method is None else method(mix["noisy"])
            if estimate is None:
                continue
            score = si_sdr(mix["clean"], estimate)
            rows.append(
                {
                    "method": name,
                    "speech": mix["speech"],
                    "noise": mix["noise"],
                    "snr": mix["snr"],
                    "si_sdr": score,
                    "improvement": score - base,
                    "stoi": _stoi(mix["clean"], estimate) if stoi else None,
                    "pesq": _pesq(mix["clean"], estimate) if stoi else None,
                }
            )
    return rows


def summarise(rows, by=("method", "snr")) -> dict:
    """Mean ``improvement``, ``si_sdr``, ``stoi`` (and ``pesq``) per group: ``{(method, snr): {...}}``.

    Used in: 08_denoising, benchmarks/denoising.py, scripts/make_weights.py.
    """
    groups: dict = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in by), []).append(row)
    out = {}
    for key, members in sorted(groups.items(), key=lambda kv: tuple(str(k) for k in kv[0])):
        entry = {"count": len(members)}
        for field in ("improvement", "si_sdr", "stoi", "pesq"):
            values = [m[field] for m in members if m[field] is not None]
            entry[field] = float(np.mean(values)) if values else None
        out[key] = entry
    return out
