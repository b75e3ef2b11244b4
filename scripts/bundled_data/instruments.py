"""Synthesised instrument notes (additive, Karplus-Strong, FM) at the music rate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import signal

from course_utils.settings import MUSIC_RATE

from .common import note_frequency, seeded_rng, write_wav

SYNTH_SR = MUSIC_RATE
NOTE_SECONDS = 1.0
NOTES = ("A2", "E3", "C4", "A4")  # two octaves, 110 Hz to 440 Hz
DYNAMICS = {"pp": (0.12, 0.25), "mf": (0.35, 0.6), "ff": (0.8, 1.0)}  # (peak level, brightness)


def time_axis(duration: float, sr: int = SYNTH_SR) -> np.ndarray:
    """Sample times in seconds for a clip of the given duration."""
    return np.arange(int(round(duration * sr))) / sr


def envelope(n: int, attack: float, release: float, sr: int = SYNTH_SR) -> np.ndarray:
    """Linear attack, flat sustain and a raised-cosine release, in samples."""
    env = np.ones(n)
    a, r = min(n, max(1, int(attack * sr))), min(n, max(1, int(release * sr)))
    env[:a] = np.linspace(0.0, 1.0, a)
    env[n - r :] *= 0.5 * (1 + np.cos(np.linspace(0, np.pi, r)))
    return env


def harmonic_tone(freq: float, amps, t: np.ndarray, vibrato_hz=0.0, vibrato_depth=0.0, sr=SYNTH_SR):
    """Additive tone: amps[k-1] is harmonic k; harmonics above 0.45 * sr are left out."""
    inst_freq = freq * (
        1 + vibrato_depth * np.sin(2 * np.pi * vibrato_hz * t) * np.clip(t / 0.3, 0, 1)
    )
    phase = 2 * np.pi * np.cumsum(inst_freq) / sr
    tone = np.zeros_like(t)
    for k, amp in enumerate(amps, start=1):
        if amp and k * freq < 0.45 * sr:
            tone += amp * np.sin(k * phase)
    return tone


def normalise(x: np.ndarray) -> np.ndarray:
    """Scale to a peak of 1."""
    return x / np.max(np.abs(x))


def pluck(freq, duration, brightness, rng, decay_s=2.0, sr=SYNTH_SR):
    """Plucked string (Karplus-Strong) with a fractional, averaging delay loop."""
    n = int(round(duration * sr))
    delay = sr / freq - 0.5  # the two-tap average adds half a sample
    m = int(np.floor(delay))
    g = delay - m
    taps = (0.5 * (1 - g), 0.5, 0.5 * g)  # [0.5, 0.5] convolved with linear interpolation
    rho = 10 ** (-3 / (freq * decay_s))  # loop gain for a decay time of decay_s
    burst = rng.uniform(-1, 1, m + 2)
    smooth = 0.05 + 0.95 * brightness**2  # softer pluck: smoother (darker) excitation
    burst = signal.lfilter([smooth], [1, smooth - 1], burst)
    burst -= burst.mean()  # a DC offset would circulate in the loop
    y = np.zeros(n + 2)
    k = min(m + 2, n)
    y[2 : 2 + k] = burst[:k]
    for start in range(m + 4, n + 2, m):
        idx = np.arange(start, min(start + m, n + 2))
        y[idx] = rho * (taps[0] * y[idx - m] + taps[1] * y[idx - m - 1] + taps[2] * y[idx - m - 2])
    return normalise(y[2:] * envelope(n, 0.002, 0.05, sr))


def bell(freq, duration, brightness, rng, sr=SYNTH_SR):
    """FM bell: an inharmonic modulator (ratio 1.4) whose index decays with the note."""
    t = time_axis(duration, sr)
    index = (1.5 + 5 * brightness) * np.exp(-t / 0.4)
    tone = np.sin(2 * np.pi * freq * t + index * np.sin(2 * np.pi * 1.4 * freq * t))
    tone += 0.3 * np.sin(2 * np.pi * 2.76 * freq * t) * np.exp(-t / 0.25)
    return normalise(tone * np.exp(-t / 0.6) * envelope(len(t), 0.002, 0.05, sr))


def organ(freq, duration, brightness, rng, sr=SYNTH_SR):
    """Additive drawbar organ: fundamental, octaves and fifths, upper bars for brightness."""
    t = time_axis(duration, sr)
    amps = [1.0, 0.7, 0.45, 0.3 * brightness, 0, 0.2 * brightness, 0, 0.15 * brightness]
    tone = harmonic_tone(freq, amps, t)
    return normalise(tone * envelope(len(t), 0.015, 0.06, sr))


def clarinet(freq, duration, brightness, rng, sr=SYNTH_SR):
    """Clarinet-like: odd harmonics, steeper roll-off when soft, a little breath."""
    t = time_axis(duration, sr)
    rolloff = 2.2 - 1.1 * brightness
    amps = [(1.0 / k**rolloff if k % 2 else 0.04 / k) for k in range(1, 30)]
    tone = harmonic_tone(freq, amps, t, vibrato_hz=4.5, vibrato_depth=0.002)
    breath = signal.lfilter(*signal.butter(2, 3000, fs=sr), rng.normal(size=len(t)))
    return normalise((tone + 0.02 * breath) * envelope(len(t), 0.05, 0.08, sr))


def strings(freq, duration, brightness, rng, sr=SYNTH_SR):
    """Bowed string: band-limited sawtooth with vibrato, low-passed, slow attack."""
    t = time_axis(duration, sr)
    amps = [1.0 / k for k in range(1, 60)]
    tone = harmonic_tone(freq, amps, t, vibrato_hz=5.5, vibrato_depth=0.006)
    cutoff = min(freq * (2.5 + 10 * brightness), 0.4 * sr)
    tone = signal.lfilter(*signal.butter(2, cutoff, fs=sr), tone)
    return normalise(tone * envelope(len(t), 0.15, 0.15, sr))


def marimba(freq, duration, brightness, rng, sr=SYNTH_SR):
    """Mallet bar: modes at 1, 3.9 and 9.2 times the pitch, short decays, a mallet click."""
    t = time_axis(duration, sr)
    scale = (220.0 / freq) ** 0.5  # low bars ring longer
    tone = np.zeros_like(t)
    for ratio, amp, tau in (
        (1.0, 1.0, 0.45),
        (3.9, 0.5 * brightness, 0.12),
        (9.2, 0.25 * brightness, 0.04),
    ):
        if ratio * freq < 0.45 * sr:
            tone += amp * np.sin(2 * np.pi * ratio * freq * t) * np.exp(-t / (tau * scale))
    click = rng.normal(size=len(t)) * np.exp(-t / 0.003) * 0.3 * brightness
    return normalise((tone + click) * envelope(len(t), 0.001, 0.05, sr))


def flute(freq, duration, brightness, rng, sr=SYNTH_SR):
    """Flute: nearly sinusoidal with weak overtones, vibrato and band-passed breath noise."""
    t = time_axis(duration, sr)
    amps = [
        1.0,
        0.1 + 0.7 * brightness,
        0.03 + 0.4 * brightness,
        0.01 + 0.2 * brightness,
        0.1 * brightness,
    ]
    tone = harmonic_tone(freq, amps, t, vibrato_hz=5.0, vibrato_depth=0.004)
    band = (min(freq, 0.3 * sr), min(6 * freq, 0.45 * sr))
    breath = signal.lfilter(
        *signal.butter(2, band, btype="bandpass", fs=sr), rng.normal(size=len(t))
    )
    breath *= 0.05 + 0.12 * np.exp(-t / 0.1)  # breathier onset
    return normalise((tone + breath) * envelope(len(t), 0.09, 0.1, sr))


INSTRUMENTS = {
    "pluck": pluck,
    "bell": bell,
    "organ": organ,
    "clarinet": clarinet,
    "strings": strings,
    "marimba": marimba,
    "flute": flute,
}


def generate_instruments(out: Path) -> list[dict]:
    """Write every instrument x note x dynamic; return their manifest rows."""
    rows = []
    for name, synth in INSTRUMENTS.items():
        for note in NOTES:
            for dynamic, (level, brightness) in DYNAMICS.items():
                rng = seeded_rng(name, note, dynamic)
                samples = level * synth(note_frequency(note), NOTE_SECONDS, brightness, rng)
                path = out / "instruments" / f"{name}_{note}_{dynamic}.wav"
                write_wav(path, samples, SYNTH_SR)
                rows.append(
                    {
                        "path": path,
                        "kind": "instrument",
                        "label": name,
                        "speaker": name,
                        "note": note,
                        "dynamic": dynamic,
                    }
                )
    return rows


# ---------------------------------------------------------------- music
