"""Generate the course's small bundled audio data in ``data/``, deterministically.

Run ``python scripts/make_data.py [--out data]`` (or ``make data``). It writes

* ``digits/``            spoken digits 0-9 from espeak-ng voices, 8 kHz, named like the
                         Free Spoken Digit Dataset: ``{digit}_{speaker}_{take}.wav``;
* ``digits_mandarin/``   the same for Mandarin (零 .. 九), two voices;
* ``instruments/``       synthesised notes, 22050 Hz: ``{instrument}_{note}_{dynamic}.wav``;
* ``music/excerpt.wav``  a 24 s piece played by those instruments;
* ``manifest.csv``, ``README.md`` and ``LICENSE.md``.

Every random choice comes from a NumPy generator seeded from ``SEED`` and the file's
identity, so running the script twice gives byte-identical files (with the same
espeak-ng, sox and libsndfile versions). It needs the programs espeak-ng and sox.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import librosa
import numpy as np
import soundfile
from scipy import signal

SEED = 2024
DIGIT_SR = 8000
SYNTH_SR = 22050
TAKES = 8
MANDARIN_TAKES = 5
NOTE_SECONDS = 1.0
MUSIC_BPM = 112

ENGLISH_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
MANDARIN_WORDS = ("零", "一", "二", "三", "四", "五", "六", "七", "八", "九")
# Trailing punctuation changes espeak-ng's intonation: falling, continuing, emphatic, rising.
ENGLISH_ENDINGS = (".", ",", "!", ".", ",", "?", ".", "!")


@dataclass(frozen=True)
class Speaker:
    """An espeak-ng voice with its base pitch (-p, 0-99) and speed (-s, words per minute)."""

    name: str
    voice: str
    pitch: int
    speed: int
    description: str


ENGLISH_SPEAKERS = (
    Speaker("m1slow", "en+m1", 35, 125, "low male, slow, British"),
    Speaker("m3fast", "en+m3", 70, 160, "male, fast, British"),
    Speaker("m7us", "en-us+m7", 65, 160, "male, American, bright formants"),
    Speaker("m2scot", "en-gb-scotland+m2", 55, 145, "male, Scottish"),
    Speaker("m5tenor", "en-gb-x-rp+m5", 90, 150, "higher male, RP"),
    Speaker("klatt", "en+klatt", 40, 155, "male, Klatt formant synthesiser"),
    Speaker("croak", "en+croak", 30, 135, "rough, creaky male"),
    Speaker("f2uk", "en+f2", 65, 150, "female, British"),
    Speaker("f4echo", "en+f4", 55, 135, "female, slow, slightly echoey"),
    Speaker("f3us", "en-us+f3", 75, 175, "high female, fast, American"),
    Speaker("f5carib", "en-029+f5", 85, 160, "very high female, Caribbean"),
)
MANDARIN_SPEAKERS = (
    # cmn-latn-pinyin is the Mandarin voice; plain "cmn" in espeak-ng 1.51 turns some
    # characters into pinyin with tone digits and then reads the digits in English.
    Speaker("zhm", "cmn-latn-pinyin", 55, 140, "Mandarin male"),
    Speaker("zhf", "cmn-latn-pinyin+f2", 70, 150, "Mandarin female"),
)

NOTES = ("A2", "E3", "C4", "A4")  # two octaves, 110 Hz to 440 Hz
DYNAMICS = {"pp": (0.12, 0.25), "mf": (0.35, 0.6), "ff": (0.8, 1.0)}  # (peak level, brightness)


# ---------------------------------------------------------------- helpers


def check_tools() -> None:
    """Exit with a clear message if espeak-ng or sox is not installed."""
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        sys.exit(
            f"make_data.py needs {' and '.join(missing)} on PATH. Install with "
            f"`sudo apt-get install {' '.join(missing)}` (Debian/Ubuntu packages "
            "'espeak-ng' and 'sox'), or `brew install espeak-ng sox` on macOS."
        )


def seeded_rng(*keys: str | int) -> np.random.Generator:
    """A generator seeded from SEED and stable keys (never Python's salted hash())."""
    numbers = [k if isinstance(k, int) else zlib.crc32(str(k).encode("utf-8")) for k in keys]
    return np.random.default_rng([SEED, *numbers])


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Write mono 16-bit PCM WAV, refusing to clip."""
    peak = float(np.max(np.abs(samples)))
    if not np.isfinite(peak) or peak >= 1.0:
        raise ValueError(f"{path.name}: peak {peak} would clip")
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), samples.astype(np.float64), sample_rate, subtype="PCM_16")


def db_to_gain(db: float) -> float:
    """Convert decibels to a linear amplitude factor."""
    return float(10.0 ** (db / 20.0))


def note_frequency(note: str) -> float:
    """Frequency in Hz of a note name such as 'A4', 'C#3' or 'Bb2' (A4 = 440 Hz)."""
    semitones = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}[note[0]]
    rest = note[1:]
    if rest[0] in "#b":
        semitones += 1 if rest[0] == "#" else -1
        rest = rest[1:]
    midi = 12 * (int(rest) + 1) + semitones
    return 440.0 * 2.0 ** ((midi - 69) / 12)


# ---------------------------------------------------------------- spoken digits


def run(command: list[str]) -> None:
    """Run a program, raising with its error output if it fails."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip()}")


def speak_digit(
    speaker: Speaker, digit: int, take: int, word: str, ending: str, workdir: Path
) -> np.ndarray:
    """Say one take of a digit: espeak-ng, then sox (pitch, tempo, 8 kHz), trim, level, noise."""
    rng = seeded_rng(speaker.name, digit, take)
    pitch = int(np.clip(speaker.pitch + rng.integers(-8, 9), 0, 99))
    speed = int(round(speaker.speed * rng.uniform(0.88, 1.12)))
    cents = float(rng.uniform(-35.0, 35.0))
    tempo = float(rng.uniform(0.95, 1.05))
    raw = workdir / f"{speaker.name}_{digit}_{take}_espeak.wav"
    resampled = workdir / f"{speaker.name}_{digit}_{take}_8k.wav"
    run(
        [
            "espeak-ng",
            "-v",
            speaker.voice,
            "-p",
            str(pitch),
            "-s",
            str(speed),
            "-w",
            str(raw),
            word + ending,
        ]
    )
    # -D: no dither; float output so the only rounding is the final 16-bit write.
    run(
        [
            "sox",
            "-D",
            "-V1",
            str(raw),
            "-e",
            "floating-point",
            "-b",
            "32",
            str(resampled),
            "pitch",
            f"{cents:.1f}",
            "tempo",
            "-s",
            f"{tempo:.3f}",
            "rate",
            "-v",
            str(DIGIT_SR),
        ]
    )
    samples, _ = soundfile.read(str(resampled), dtype="float64")
    trimmed, _ = librosa.effects.trim(y=samples, top_db=40, frame_length=256, hop_length=64)
    lead, tail = (int(rng.uniform(0.01, 0.04) * DIGIT_SR) for _ in range(2))
    tail = max(tail, int(0.32 * DIGIT_SR) - lead - len(trimmed))  # very short words: pad to 0.32 s
    clip = np.concatenate([np.zeros(lead), trimmed, np.zeros(tail)])
    fade = min(32, len(trimmed) // 4)  # 4 ms ramps so the trimmed edges do not click
    clip[lead : lead + fade] *= np.linspace(0.0, 1.0, fade)
    clip[lead + len(trimmed) - fade : lead + len(trimmed)] *= np.linspace(1.0, 0.0, fade)
    clip *= db_to_gain(-1.0 + rng.uniform(-0.6, 0.6)) / np.max(np.abs(clip))
    noise = rng.normal(size=len(clip)) * db_to_gain(rng.uniform(-62.0, -50.0))
    return np.clip(clip + noise, -0.999, 0.999)


def generate_digits(
    out: Path, folder: str, kind: str, speakers, words, takes: int, endings
) -> list[dict]:
    """Write every speaker x digit x take of one language; return their manifest rows."""
    jobs = [(s, d, t) for s in speakers for d in range(10) for t in range(takes)]
    with tempfile.TemporaryDirectory(prefix="make_data_") as tmp:

        def make(job):
            speaker, digit, take = job
            samples = speak_digit(
                speaker, digit, take, words[digit], endings[take % len(endings)], Path(tmp)
            )
            path = out / folder / f"{digit}_{speaker.name}_{take}.wav"
            write_wav(path, samples, DIGIT_SR)
            return {
                "path": path,
                "kind": kind,
                "label": str(digit),
                "speaker": speaker.name,
                "take": take,
            }

        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(make, jobs))


# ---------------------------------------------------------------- instruments


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


CHORDS = {  # root (bass octave) and chord tones (middle octave)
    "Am": ("A2", ("A3", "C4", "E4")),
    "F": ("F2", ("F3", "A3", "C4")),
    "C": ("C3", ("C4", "E4", "G4")),
    "G": ("G2", ("G3", "B3", "D4")),
    "Dm": ("D3", ("D4", "F4", "A4")),
    "E": ("E2", ("E3", "G#3", "B3")),
}
PROGRESSION = ("Am", "F", "C", "G", "Am", "F", "Dm", "E", "F", "G", "Am", "E")
SCALE = ("A4", "B4", "C5", "D5", "E5", "F5", "G5", "A5")  # A natural minor, melody range
RHYTHMS = (  # melody rhythms in beats, one bar of 4/4 each
    (1, 1, 1, 1),
    (1.5, 0.5, 1, 1),
    (0.5, 0.5, 1, 2),
    (2, 1, 1),
    (1, 0.5, 0.5, 1, 1),
    (0.5, 0.5, 0.5, 0.5, 2),
)


def add_note(mix: np.ndarray, start_s: float, samples: np.ndarray, gain: float) -> None:
    """Mix samples into mix at start_s seconds (cut at the end of mix)."""
    start = int(round(start_s * SYNTH_SR))
    end = min(len(mix), start + len(samples))
    if end > start:
        mix[start:end] += gain * samples[: end - start]


def melody_line(
    rng: np.random.Generator, chord: str, previous: int
) -> list[tuple[float, float, int]]:
    """One bar of melody as (beat, length, scale step): chord tones on beats 1 and 3, steps between."""
    tones = {n[:-1] for n in CHORDS[chord][1]}
    chord_steps = [i for i, n in enumerate(SCALE) if n[:-1] in tones]
    notes, beat = [], 0.0
    for length in RHYTHMS[rng.integers(len(RHYTHMS))]:
        if beat % 2 == 0 and chord_steps:
            step = min(chord_steps, key=lambda i: (abs(i - previous), i))
        else:
            step = int(np.clip(previous + rng.choice((-2, -1, 1, 2)), 0, len(SCALE) - 1))
        notes.append((beat, length, step))
        previous, beat = step, beat + length
    return notes


def compose_music() -> np.ndarray:
    """A 12-bar piece: bass, pad, melody and percussive plucks, changing texture every few bars."""
    beat_s = 60.0 / MUSIC_BPM
    bar_s = 4 * beat_s
    total_s = len(PROGRESSION) * bar_s
    mix = np.zeros(int(round(total_s * SYNTH_SR)))
    rng = seeded_rng("music")
    previous = 4
    for bar, chord in enumerate(PROGRESSION):
        t0 = bar * bar_s
        root, tones = CHORDS[chord]
        section = bar // 4  # 0: plucks and flute, 1: organ and clarinet, 2: strings, bell, both
        # Bass: marimba on beats 1 and 3, with a pluck pickup on beat 4 after the intro.
        for beat in (0, 2):
            add_note(
                mix, t0 + beat * beat_s, marimba(note_frequency(root), 2 * beat_s, 0.7, rng), 0.35
            )
        if bar > 0:
            add_note(
                mix, t0 + 3.5 * beat_s, pluck(note_frequency(root) * 2, beat_s, 0.5, rng), 0.25
            )
        # Harmony: arpeggiated plucks in 8ths, plus a sustained pad from bar 2.
        for i in range(8):
            tone = tones[(0, 1, 2, 1)[i % 4]] if section != 1 else tones[i % 3]
            add_note(
                mix, t0 + i * 0.5 * beat_s, pluck(note_frequency(tone), beat_s, 0.6, rng), 0.18
            )
        pad = organ if section == 1 else strings
        if bar >= 2:
            for tone in tones:
                add_note(mix, t0, pad(note_frequency(tone), bar_s + 0.05, 0.4, rng), 0.07)
        # Melody: flute, then clarinet, then both an octave apart.
        lead = (flute, clarinet, flute)[section]
        for beat, length, step in melody_line(rng, chord, previous):
            freq = note_frequency(SCALE[step])
            add_note(mix, t0 + beat * beat_s, lead(freq, length * beat_s + 0.05, 0.6, rng), 0.35)
            if section == 2:
                add_note(
                    mix,
                    t0 + beat * beat_s,
                    clarinet(freq / 2, length * beat_s + 0.05, 0.5, rng),
                    0.15,
                )
            previous = step
        # Percussion: a damped high pluck on beats 2 and 4; a bell each bar of the last section.
        for beat in (1, 3):
            add_note(
                mix,
                t0 + beat * beat_s,
                pluck(note_frequency("E6"), 0.15, 1.0, rng, decay_s=0.05),
                0.2,
            )
        if section == 2:
            add_note(mix, t0, bell(note_frequency(tones[0]) * 2, 1.5, 0.7, rng), 0.15)
    mix *= envelope(len(mix), 0.005, 0.3)
    return mix * db_to_gain(-1.0) / np.max(np.abs(mix))


# ---------------------------------------------------------------- real recordings


@dataclass(frozen=True)
class RealClip:
    """A real recording to bundle: its short name, source file, kind, rate and longest length."""

    name: str
    source_file: str
    kind: str
    sample_rate: int
    max_seconds: float
    description: str


MUSIC_SR = SYNTH_SR  # the course's rate for music and nature sounds
SPEECH_SR = 16000  # LibriSpeech's own rate; resampling speech up would add nothing
REAL_CLIPS = (
    RealClip("trumpet", "sorohanro_-_solo-trumpet-06.ogg", "real_music", MUSIC_SR, 30.0,
             "solo jazz trumpet (librosa's 'trumpet' example)"),
    RealClip("jazz", "Kevin_MacLeod_-_Vibe_Ace.ogg", "real_music", MUSIC_SR, 30.0,
             "jazz combo: vibraphone, bass, drums (first 30 s)"),
    RealClip("orchestra", "Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg",
             "real_music", MUSIC_SR, 30.0, "Brahms, Hungarian Dance No. 5, string orchestra (first 30 s)"),
    RealClip("speech_female", "198-209-0000.ogg", "real_speech", SPEECH_SR, 30.0,
             "read English speech, female reader (LibriSpeech 198)"),
    RealClip("speech_male", "3436-172162-0000.ogg", "real_speech", SPEECH_SR, 30.0,
             "read English speech, male reader (LibriSpeech 3436)"),
    RealClip("robin", "456440__inspectorj__bird-whistling-robin-single-13.ogg", "real_nature", MUSIC_SR, 30.0,
             "a robin's call"),
    RealClip("whale", "glacier-bay-humpback.ogg", "real_nature", MUSIC_SR, 20.0,
             "humpback whale song, Glacier Bay (first 20 s)"),
)
REAL_DIGIT_SPEAKERS = ("george", "jackson", "lucas", "nicolas")
REAL_DIGIT_TAKES = 20  # takes 0-19: the standard split tests on 0-4 and trains on 5-19
FSDD_SOURCE = "Free Spoken Digit Dataset, github.com/Jakobovski/free-spoken-digit-dataset, commit 26eb9aaf"
FSDD_ATTRIBUTION = "Zohar Jackson and the FSDD contributors (speaker {speaker})"


def read_attribution(text_path: Path) -> tuple[str, str, str]:
    """(title and author, source address, licence) from a clip's ``.txt`` attribution file."""
    if not text_path.is_file():
        sys.exit(f"{text_path} is missing: every real clip needs its attribution file beside it.")
    lines = [line.strip() for line in text_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    addresses = [line for line in lines if "http" in line]
    licence_line = addresses[-1] if addresses else ""
    source_line = next((line for line in lines if "http" in line and line != licence_line), licence_line)
    licence = licence_line.split("http")[0].strip(" :,") or licence_line
    return lines[0], source_line, licence


def spdx_licence(text: str) -> str:
    """The SPDX id for the licences the real clips carry."""
    lowered = text.lower().replace("-", " ")
    if "public domain" in lowered:
        return "public-domain"
    if "4.0" in lowered:
        return "CC-BY-4.0"
    if "3.0" in lowered or lowered.strip() in ("cc by", "cc by 3.0"):
        return "CC-BY-3.0"
    sys.exit(f"Unknown licence '{text}': add it to spdx_licence() after checking it allows redistribution.")


def bundle_real_clips(out: Path, source: Path) -> list[dict]:
    """Write each real clip as mono 16-bit WAV at the course's rate, trimmed to its longest length."""
    rows = []
    for clip in REAL_CLIPS:
        path = source / "clips" / clip.source_file
        if not path.is_file():
            sys.exit(f"{path} is missing: --real must name the folder that holds clips/ and fsdd-4-speakers/.")
        title, address, licence = read_attribution(path.with_suffix(".txt"))
        samples, rate = soundfile.read(str(path), dtype="float64", always_2d=True)
        samples = samples.mean(axis=1)[: int(clip.max_seconds * rate)]
        samples = librosa.resample(y=samples, orig_sr=rate, target_sr=clip.sample_rate, res_type="soxr_hq")
        peak = float(np.max(np.abs(samples)))
        if peak >= 0.999:  # resampling can overshoot a full-scale source
            samples *= 0.999 / peak
        fade = int(0.01 * clip.sample_rate)  # 10 ms ramps, so a trimmed end does not click
        samples[:fade] *= np.linspace(0.0, 1.0, fade)
        samples[-fade:] *= np.linspace(1.0, 0.0, fade)
        target = out / "real" / "clips" / f"{clip.name}.wav"
        write_wav(target, samples, clip.sample_rate)
        rows.append({
            "path": target, "kind": clip.kind, "label": clip.name,
            "source": f"{clip.source_file}: {address}", "licence": spdx_licence(licence),
            "attribution": f"{title} ({clip.description})",
        })
    return rows


def bundle_real_digits(out: Path, source: Path) -> list[dict]:
    """Copy FSDD takes 0-19 of each bundled speaker byte for byte (8 kHz mono 16-bit already)."""
    folder = source / "fsdd-4-speakers"
    rows = []
    for speaker in REAL_DIGIT_SPEAKERS:
        for digit in range(10):
            for take in range(REAL_DIGIT_TAKES):
                name = f"{digit}_{speaker}_{take}.wav"
                if not (folder / name).is_file():
                    sys.exit(f"{folder / name} is missing: the real digits need every speaker, digit and take.")
                target = out / "real" / "digits" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / name, target)
                rows.append({
                    "path": target, "kind": "real_digit", "label": str(digit), "speaker": speaker,
                    "take": take, "source": FSDD_SOURCE, "licence": "CC-BY-SA-4.0",
                    "attribution": FSDD_ATTRIBUTION.format(speaker=speaker),
                })
    return rows


def clear_real(out: Path) -> None:
    """Remove earlier real files, so a clip dropped from REAL_CLIPS does not linger."""
    for folder in ("real/digits", "real/clips"):
        for path in (out / folder).glob("*.wav"):
            path.unlink()


def _manifest_rows(out: Path, keep) -> list[dict]:
    manifest = out / "manifest.csv"
    if not manifest.is_file():
        return []
    with open(manifest, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if keep(row["kind"])]
    for row in rows:
        row["path"] = out / row["path"]
    return rows


def synthetic_rows_from_manifest(out: Path) -> list[dict]:
    """The synthetic rows of an existing manifest, for --real-only."""
    rows = _manifest_rows(out, lambda kind: kind in SYNTHETIC_SOURCES)
    if not rows:
        sys.exit(f"{out / 'manifest.csv'} lists no synthetic files: run without --real-only first.")
    return rows


def real_rows_from_manifest(out: Path) -> list[dict]:
    """The real rows of an existing manifest, kept when the script runs without --real."""
    return _manifest_rows(out, lambda kind: kind.startswith("real_"))


# ---------------------------------------------------------------- manifest, docs, checks


MANIFEST_COLUMNS = (
    "path",
    "kind",
    "label",
    "speaker",
    "take",
    "note",
    "dynamic",
    "duration_s",
    "sample_rate",
    "source",
    "licence",
    "attribution",
    "sha256",
)
SYNTHETIC_SOURCES = {
    "digit": "synthesised with espeak-ng and sox by scripts/make_data.py",
    "digit_mandarin": "synthesised with espeak-ng and sox by scripts/make_data.py",
    "instrument": "synthesised in NumPy/SciPy by scripts/make_data.py",
    "music": "synthesised in NumPy/SciPy by scripts/make_data.py",
}


def write_manifest(out: Path, rows: list[dict]) -> list[dict]:
    """Add duration, rate and checksum to each row and write manifest.csv sorted by path."""
    finished = []
    for row in rows:
        info = soundfile.info(str(row["path"]))
        full = {column: row.get(column, "") for column in MANIFEST_COLUMNS}
        if row["kind"] in SYNTHETIC_SOURCES:
            full["source"] = SYNTHETIC_SOURCES[row["kind"]]
            full["licence"] = "CC0-1.0"
            full["attribution"] = "Sound Autoencoders course (no attribution required)"
        full["path"] = row["path"].relative_to(out).as_posix()
        full["duration_s"] = f"{info.frames / info.samplerate:.3f}"
        full["sample_rate"] = info.samplerate
        full["sha256"] = hashlib.sha256(row["path"].read_bytes()).hexdigest()
        finished.append(full)
    finished.sort(key=lambda r: r["path"])
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(finished)
    return finished


SYNTHETIC_LICENCE = """\
# Licence of the bundled data

The data come in two parts with different licences. Each file's licence and
attribution are also in the `source`, `licence` and `attribution` columns of
[manifest.csv](manifest.csv).

## Synthetic data: CC0

`digits/`, `digits_mandarin/`, `instruments/` and `music/` were generated by
`scripts/make_data.py`: the spoken digits are speech synthesised with
[espeak-ng](https://github.com/espeak-ng/espeak-ng) and processed with sox, NumPy and
librosa; the instrument notes and the music excerpt are synthesised in NumPy/SciPy.

They are the course's own work and are dedicated to the public domain under
**CC0 1.0 Universal** (<https://creativecommons.org/publicdomain/zero/1.0/>): you may
copy, modify and use them for any purpose without asking and without attribution.
espeak-ng itself is licensed under the GPL v3. The GPL covers the program, not the audio
it produces, so the generated speech is not covered by it.

Regeneration is deterministic: with the same versions of espeak-ng, sox and libsndfile
the files come out byte-identical and match the SHA-256 sums in `manifest.csv`.
"""


def write_licence(out: Path, rows: list[dict]) -> None:
    """Write data/LICENSE.md: CC0 for the synthetic part, every real file's attribution."""
    digits = [r for r in rows if r["kind"] == "real_digit"]
    clips = [r for r in rows if r["kind"].startswith("real_") and r["kind"] != "real_digit"]
    text = SYNTHETIC_LICENCE
    if digits or clips:
        clip_lines = "\n".join(
            f"| `{r['path']}` | {r['attribution']} | {r['source']} | {r['licence']} |" for r in clips
        )
        speakers = sorted({r["speaker"] for r in digits})
        text += f"""
## Real recordings: their authors' licences

`real/` holds recordings made by people. They are **not** CC0: each keeps its own
licence, and using them requires the attribution given here.

### `real/clips/`: converted to mono, resampled and trimmed by `scripts/make_data.py`

The sources are Ogg Vorbis files (from librosa's example-data collection), so they were
lossy-coded once before the course converted them to WAV.

| file | title, author and what it is | source | licence |
|---|---|---|---|
{clip_lines}

Licences: CC-BY-3.0 <https://creativecommons.org/licenses/by/3.0/>, CC-BY-4.0
<https://creativecommons.org/licenses/by/4.0/>; public-domain: no rights reserved
(a work of the US government or marked public domain by its source).

### `real/digits/`: the Free Spoken Digit Dataset, copied unchanged

{len(digits)} recordings of speakers {", ".join(speakers)} (takes 0-{REAL_DIGIT_TAKES - 1} of every digit), from
the Free Spoken Digit Dataset by Zohar Jackson and contributors,
<https://github.com/Jakobovski/free-spoken-digit-dataset> (commit 26eb9aaf), licensed
**CC BY-SA 4.0** (<https://creativecommons.org/licenses/by-sa/4.0/>). If you share these
files or material adapted from them, you must give the same attribution and share under
the same licence.
"""
    text += """
## Regenerate

```
make data                          # synthetic part; needs the apt packages espeak-ng and sox
make data REAL=path/to/real        # also bundle real/ from a folder with clips/ and fsdd-4-speakers/
```
"""
    (out / "LICENSE.md").write_text(text, encoding="utf-8")


def write_readme(out: Path, rows: list[dict]) -> None:
    """Write data/README.md with the folders, their counts and the speakers table."""
    count = {
        kind: sum(r["kind"] == kind for r in rows)
        for kind in ("digit", "digit_mandarin", "instrument", "music", "real_digit")
    }
    clips = [r for r in rows if r["kind"] in ("real_music", "real_speech", "real_nature")]
    real_clip_rows = "\n".join(
        f"| `{r['label']}` | {r['kind'].removeprefix('real_')} | {float(r['duration_s']):.1f} s | "
        f"{r['sample_rate']} Hz | {r['attribution']} | {r['licence']} |"
        for r in clips
    )
    speaker_rows = "\n".join(
        f"| `{s.name}` | {lang} | `{s.voice}` | {s.pitch} | {s.speed} | {s.description} |"
        for lang, group in (("English", ENGLISH_SPEAKERS), ("Mandarin", MANDARIN_SPEAKERS))
        for s in group
    )
    text = f"""\
# Bundled data

Two parts: **real recordings** made by people (`real/`, each under its author's licence,
with attribution) and **synthetic** sounds the course generates (CC0). See
[LICENSE.md](LICENSE.md). Every file is listed with its duration, sample rate, source,
licence, attribution and SHA-256 in [manifest.csv](manifest.csv).

| Folder | Contents | Files |
|---|---|---|
| `real/digits/` | **real** spoken digits from the Free Spoken Digit Dataset (CC BY-SA 4.0): speakers {", ".join(REAL_DIGIT_SPEAKERS)}, digits 0-9, takes 0-{REAL_DIGIT_TAKES - 1}, 8 kHz mono 16-bit, unchanged | {count["real_digit"]} |
| `real/clips/` | **real** recordings (table below), mono 16-bit WAV | {len(clips)} |
| `digits/` | English spoken digits 0-9, {len(ENGLISH_SPEAKERS)} voices x {TAKES} takes, 8 kHz mono 16-bit, named `{{digit}}_{{speaker}}_{{take}}.wav` as in the Free Spoken Digit Dataset | {count["digit"]} |
| `digits_mandarin/` | Mandarin digits 零-九 (label 0-9), {len(MANDARIN_SPEAKERS)} voices x {MANDARIN_TAKES} takes, same format | {count["digit_mandarin"]} |
| `instruments/` | {len(INSTRUMENTS)} synthesised instruments ({", ".join(INSTRUMENTS)}) x notes {", ".join(NOTES)} x dynamics pp/mf/ff, {NOTE_SECONDS:.1f} s, 22050 Hz, named `{{instrument}}_{{note}}_{{dynamic}}.wav` | {count["instrument"]} |
| `music/` | `excerpt.wav`: {len(PROGRESSION) * 240 / MUSIC_BPM:.0f} s piece played by those instruments, 22050 Hz | {count["music"]} |

Dynamics differ in level (pp about -18 dBFS, mf -9 dBFS, ff -2 dBFS peak) and in brightness.

## Real clips

Load one with `course_utils.data.load_real_clip(name)`; the digits with
`course_utils.data.load_real_digits()`. The sources were Ogg Vorbis (lossy) files: keep
that in mind when a lesson compares codecs on them.

| name | kind | length | rate | what, by whom | licence |
|---|---|---|---|---|---|
{real_clip_rows}

## Synthetic speakers

Each take varies the base pitch (+-8), the speed (+-12 %), the ending punctuation
(so the intonation), a small sox pitch shift (+-35 cents) and tempo change (+-5 %), the
peak level (-1 dBFS +- 0.6 dB) and a little background noise (-62 to -50 dBFS). The
digits are synthetic: a model that does well on them may still fail on human voices,
which is why the course teaches on the real digits in `real/digits/`.

| Speaker | Language | espeak-ng voice | Pitch `-p` | Speed `-s` (wpm) | Character |
|---|---|---|---|---|---|
{speaker_rows}

## Regenerate

```
make data                          # synthetic part; needs the apt packages espeak-ng and sox
make data REAL=path/to/real        # also bundle real/ from a folder with clips/ and fsdd-4-speakers/
make data REAL=path/to/real REAL_ONLY=1   # only real/, the synthetic files stay as they are
```

`scripts/make_data.py` is deterministic: run twice, it writes byte-identical files.
"""
    (out / "README.md").write_text(text, encoding="utf-8")


def check_digits(out: Path, rows: list[dict]) -> list[str]:
    """Problems with the digit clips: wrong length, empty or silent."""
    problems = []
    for row in rows:
        if row["kind"] not in ("digit", "digit_mandarin"):
            continue
        samples, sr = soundfile.read(str(out / row["path"]), dtype="float64")
        duration = len(samples) / sr
        if not 0.3 <= duration <= 1.5:
            problems.append(f"{row['path']}: duration {duration:.3f} s outside 0.3-1.5 s")
        if len(samples) == 0 or np.max(np.abs(samples)) < 0.1:
            problems.append(f"{row['path']}: empty or silent")
    return problems


def print_summary(out: Path, rows: list[dict]) -> None:
    """Print files, seconds and durations per kind, and the total size."""
    print(f"{'kind':<16}{'files':>7}{'seconds':>10}{'min s':>8}{'max s':>8}")
    for kind in sorted({r["kind"] for r in rows}):
        durations = [float(r["duration_s"]) for r in rows if r["kind"] == kind]
        print(
            f"{kind:<16}{len(durations):>7}{sum(durations):>10.1f}{min(durations):>8.3f}{max(durations):>8.3f}"
        )
    speakers = sorted({r["speaker"] for r in rows if r["kind"] == "digit"})
    print(f"English speakers ({len(speakers)}): {', '.join(speakers)}")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"total size of {out}: {total / 1e6:.2f} MB")


def clear_generated(out: Path) -> None:
    """Remove WAV files from an earlier run so renamed or dropped files do not linger."""
    for folder in ("digits", "digits_mandarin", "instruments", "music"):
        for path in (out / folder).glob("*.wav"):
            path.unlink()


def main(argv=None) -> int:
    """Generate everything into --out (default: data/ beside scripts/)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    parser.add_argument("--real", type=Path, default=None,
                        help="folder of real recordings to bundle (clips/ and fsdd-4-speakers/)")
    parser.add_argument("--real-only", action="store_true",
                        help="keep the synthetic files and their manifest rows; redo only real/")
    args = parser.parse_args(argv)
    if args.real_only and args.real is None:
        parser.error("--real-only needs --real DIR")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.real_only:
        rows = synthetic_rows_from_manifest(out)
    else:
        rows = generate_synthetic(out)
    if args.real is not None:
        clear_real(out)
        rows += bundle_real_clips(out, args.real.resolve())
        rows += bundle_real_digits(out, args.real.resolve())
    else:
        # Without --real, keep the real files already bundled (they need the source folder to redo).
        rows += real_rows_from_manifest(out)

    finished = write_manifest(out, rows)
    write_licence(out, finished)
    write_readme(out, finished)
    print_summary(out, finished)
    problems = check_digits(out, finished)
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


def generate_synthetic(out: Path) -> list[dict]:
    """Generate the synthetic digits, notes and music; return their manifest rows."""
    check_tools()
    clear_generated(out)
    rows = generate_digits(
        out, "digits", "digit", ENGLISH_SPEAKERS, ENGLISH_WORDS, TAKES, ENGLISH_ENDINGS
    )
    rows += generate_digits(
        out,
        "digits_mandarin",
        "digit_mandarin",
        MANDARIN_SPEAKERS,
        MANDARIN_WORDS,
        MANDARIN_TAKES,
        ("",),
    )
    rows += generate_instruments(out)
    music_path = out / "music" / "excerpt.wav"
    write_wav(music_path, compose_music(), SYNTH_SR)
    rows.append({"path": music_path, "kind": "music", "label": "music"})
    return rows


if __name__ == "__main__":
    sys.exit(main())
