"""Synthetic spoken digits: espeak-ng voices, processed with sox, at the digits' rate."""

from __future__ import annotations

import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import librosa
import numpy as np
import soundfile

from course_utils.settings import DIGITS_RATE

from .common import db_to_gain, seeded_rng, write_wav

DIGIT_SR = DIGITS_RATE
TAKES = 8
MANDARIN_TAKES = 5
TRIM_FRAME, TRIM_HOP = (
    256,
    64,
)  # librosa.effects.trim's analysis frames (its defaults are 2048, 512)

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
    trimmed, _ = librosa.effects.trim(
        y=samples, top_db=40, frame_length=TRIM_FRAME, hop_length=TRIM_HOP
    )
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
