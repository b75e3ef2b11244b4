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
    "sha256",
)


def write_manifest(out: Path, rows: list[dict]) -> list[dict]:
    """Add duration, rate and checksum to each row and write manifest.csv sorted by path."""
    finished = []
    for row in rows:
        info = soundfile.info(str(row["path"]))
        full = {column: row.get(column, "") for column in MANIFEST_COLUMNS}
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


LICENSE_TEXT = """\
# Licence of the bundled data

Every file in this folder was generated by `scripts/make_data.py`: the spoken digits
are speech synthesised with [espeak-ng](https://github.com/espeak-ng/espeak-ng) and
processed with sox, NumPy and librosa; the instrument notes and the music excerpt are
synthesised in NumPy/SciPy. No recordings of people or of real instruments are included.

The data are the course's own work and are dedicated to the public domain under
**CC0 1.0 Universal** (<https://creativecommons.org/publicdomain/zero/1.0/>): you may
copy, modify and use them for any purpose without asking and without attribution.

espeak-ng itself is licensed under the GPL v3. The GPL covers the program, not the audio
it produces, so the generated speech is not covered by it.

To regenerate the data (needs the apt packages `espeak-ng` and `sox`):

```
make data            # or: .venv/bin/python scripts/make_data.py --out data
```

Regeneration is deterministic: with the same versions of espeak-ng, sox and libsndfile
the files come out byte-identical and match the SHA-256 sums in `manifest.csv`.
"""


def write_readme(out: Path, rows: list[dict]) -> None:
    """Write data/README.md with the folders, their counts and the speakers table."""
    count = {
        kind: sum(r["kind"] == kind for r in rows)
        for kind in ("digit", "digit_mandarin", "instrument", "music")
    }
    speaker_rows = "\n".join(
        f"| `{s.name}` | {lang} | `{s.voice}` | {s.pitch} | {s.speed} | {s.description} |"
        for lang, group in (("English", ENGLISH_SPEAKERS), ("Mandarin", MANDARIN_SPEAKERS))
        for s in group
    )
    text = f"""\
# Bundled data

Small, synthetic and regenerable (CC0, see [LICENSE.md](LICENSE.md)). Every file is listed
with its duration, sample rate and SHA-256 in [manifest.csv](manifest.csv).

| Folder | Contents | Files |
|---|---|---|
| `digits/` | English spoken digits 0-9, {len(ENGLISH_SPEAKERS)} voices x {TAKES} takes, 8 kHz mono 16-bit, named `{{digit}}_{{speaker}}_{{take}}.wav` as in the Free Spoken Digit Dataset | {count["digit"]} |
| `digits_mandarin/` | Mandarin digits 零-九 (label 0-9), {len(MANDARIN_SPEAKERS)} voices x {MANDARIN_TAKES} takes, same format | {count["digit_mandarin"]} |
| `instruments/` | {len(INSTRUMENTS)} synthesised instruments ({", ".join(INSTRUMENTS)}) x notes {", ".join(NOTES)} x dynamics pp/mf/ff, {NOTE_SECONDS:.1f} s, 22050 Hz, named `{{instrument}}_{{note}}_{{dynamic}}.wav` | {count["instrument"]} |
| `music/` | `excerpt.wav`: {len(PROGRESSION) * 240 / MUSIC_BPM:.0f} s piece played by those instruments, 22050 Hz | {count["music"]} |

Dynamics differ in level (pp about -18 dBFS, mf -9 dBFS, ff -2 dBFS peak) and in brightness.

## Speakers

Each take varies the base pitch (+-8), the speed (+-12 %), the ending punctuation
(so the intonation), a small sox pitch shift (+-35 cents) and tempo change (+-5 %), the
peak level (-1 dBFS +- 0.6 dB) and a little background noise (-62 to -50 dBFS). The
digits are synthetic: a model that does well on them may still fail on human voices;
compare with the real Free Spoken Digit Dataset (`course_utils.data.fetch_fsdd`).

| Speaker | Language | espeak-ng voice | Pitch `-p` | Speed `-s` (wpm) | Character |
|---|---|---|---|---|---|
{speaker_rows}

## Regenerate

```
make data            # needs the apt packages espeak-ng and sox
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
    for kind in ("digit", "digit_mandarin", "instrument", "music"):
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
    args = parser.parse_args(argv)
    check_tools()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
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

    finished = write_manifest(out, rows)
    (out / "LICENSE.md").write_text(LICENSE_TEXT, encoding="utf-8")
    write_readme(out, finished)
    print_summary(out, finished)
    problems = check_digits(out, finished)
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
