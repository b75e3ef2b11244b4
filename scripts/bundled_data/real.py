"""Real recordings bundled from a source folder: clips (music, speech, nature), FSDD digits, a MIMII fan."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import librosa
import numpy as np
import soundfile

from course_utils.settings import MUSIC_RATE, SPEECH_RATE

from .common import write_wav


@dataclass(frozen=True)
class RealClip:
    """A real recording to bundle: its short name, source file, kind, rate and longest length."""

    name: str
    source_file: str
    kind: str
    sample_rate: int
    max_seconds: float
    description: str


MUSIC_SR = MUSIC_RATE  # the course's rate for music and nature sounds
SPEECH_SR = SPEECH_RATE  # LibriSpeech's own rate; resampling speech up would add nothing
REAL_CLIPS = (
    RealClip(
        "trumpet",
        "sorohanro_-_solo-trumpet-06.ogg",
        "real_music",
        MUSIC_SR,
        30.0,
        "solo jazz trumpet (librosa's 'trumpet' example)",
    ),
    RealClip(
        "jazz",
        "Kevin_MacLeod_-_Vibe_Ace.ogg",
        "real_music",
        MUSIC_SR,
        30.0,
        "jazz combo: vibraphone, bass, drums (first 30 s)",
    ),
    RealClip(
        "orchestra",
        "Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg",
        "real_music",
        MUSIC_SR,
        30.0,
        "Brahms, Hungarian Dance No. 5, string orchestra (first 30 s)",
    ),
    RealClip(
        "speech_female",
        "198-209-0000.ogg",
        "real_speech",
        SPEECH_SR,
        30.0,
        "read English speech, female reader (LibriSpeech 198)",
    ),
    RealClip(
        "speech_male",
        "3436-172162-0000.ogg",
        "real_speech",
        SPEECH_SR,
        30.0,
        "read English speech, male reader (LibriSpeech 3436)",
    ),
    RealClip(
        "robin",
        "456440__inspectorj__bird-whistling-robin-single-13.ogg",
        "real_nature",
        MUSIC_SR,
        30.0,
        "a robin's call",
    ),
    RealClip(
        "whale",
        "glacier-bay-humpback.ogg",
        "real_nature",
        MUSIC_SR,
        20.0,
        "humpback whale song, Glacier Bay (first 20 s)",
    ),
)
REAL_DIGIT_SPEAKERS = ("george", "jackson", "lucas", "nicolas")
REAL_DIGIT_TAKES = 20  # takes 0-19: the standard split tests on 0-4 and trains on 5-19
FSDD_SOURCE = (
    "Free Spoken Digit Dataset, github.com/Jakobovski/free-spoken-digit-dataset, commit 26eb9aaf"
)
FSDD_ATTRIBUTION = "Zohar Jackson and the FSDD contributors (speaker {speaker})"


def read_attribution(text_path: Path) -> tuple[str, str, str]:
    """(title and author, source address, licence) from a clip's ``.txt`` attribution file."""
    if not text_path.is_file():
        sys.exit(f"{text_path} is missing: every real clip needs its attribution file beside it.")
    lines = [
        line.strip() for line in text_path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    addresses = [line for line in lines if "http" in line]
    licence_line = addresses[-1] if addresses else ""
    source_line = next(
        (line for line in lines if "http" in line and line != licence_line), licence_line
    )
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
    sys.exit(
        f"Unknown licence '{text}': add it to spdx_licence() after checking it allows redistribution."
    )


def bundle_real_clips(out: Path, source: Path) -> list[dict]:
    """Write each real clip as mono 16-bit WAV at the course's rate, trimmed to its longest length."""
    rows = []
    for clip in REAL_CLIPS:
        path = source / "clips" / clip.source_file
        if not path.is_file():
            sys.exit(
                f"{path} is missing: --real must name the folder that holds clips/ and fsdd-4-speakers/."
            )
        title, address, licence = read_attribution(path.with_suffix(".txt"))
        samples, rate = soundfile.read(str(path), dtype="float64", always_2d=True)
        samples = samples.mean(axis=1)[: int(clip.max_seconds * rate)]
        samples = librosa.resample(
            y=samples, orig_sr=rate, target_sr=clip.sample_rate, res_type="soxr_hq"
        )
        peak = float(np.max(np.abs(samples)))
        if peak >= 0.999:  # resampling can overshoot a full-scale source
            samples *= 0.999 / peak
        fade = int(0.01 * clip.sample_rate)  # 10 ms ramps, so a trimmed end does not click
        samples[:fade] *= np.linspace(0.0, 1.0, fade)
        samples[-fade:] *= np.linspace(1.0, 0.0, fade)
        target = out / "real" / "clips" / f"{clip.name}.wav"
        write_wav(target, samples, clip.sample_rate)
        rows.append(
            {
                "path": target,
                "kind": clip.kind,
                "label": clip.name,
                "source": f"{clip.source_file}: {address}",
                "licence": spdx_licence(licence),
                "attribution": f"{title} ({clip.description})",
            }
        )
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
                    sys.exit(
                        f"{folder / name} is missing: the real digits need every speaker, digit and take."
                    )
                target = out / "real" / "digits" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / name, target)
                rows.append(
                    {
                        "path": target,
                        "kind": "real_digit",
                        "label": str(digit),
                        "speaker": speaker,
                        "take": take,
                        "source": FSDD_SOURCE,
                        "licence": "CC-BY-SA-4.0",
                        "attribution": FSDD_ATTRIBUTION.format(speaker=speaker),
                    }
                )
    return rows


MACHINE_SOURCE_FOLDER = "machines/mimii-fan-id00"
MACHINE_TARGET_FOLDER = "real/machines/fan-id00"
MACHINE_SECONDS = (
    5.0  # the first 5 s of each 10 s recording: 40 clips in 3.2 MB of FLAC (issue #22)
)
MACHINE_SOURCE = (
    "MIMII dataset (Hitachi, Ltd.), fan, machine ID 00, channel 1 of the 8-channel array, "
    "https://zenodo.org/record/3384388"
)
MACHINE_ATTRIBUTION = (
    'H. Purohit, R. Tanabe, K. Ichige, T. Endo, Y. Nikaido, K. Suefusa, Y. Kawaguchi, "MIMII Dataset: '
    'Sound Dataset for Malfunctioning Industrial Machine Investigation and Inspection", Proc. DCASE 2019 '
    "Workshop (arXiv:1909.09347); {state} fan recording {name}, first {seconds:g} s, as FLAC"
)


def bundle_real_machines(out: Path, source: Path) -> list[dict]:
    """Write the first MACHINE_SECONDS of each MIMII fan recording as mono 16-bit FLAC, samples unchanged."""
    rows = []
    for state in ("normal", "abnormal"):
        folder = source / MACHINE_SOURCE_FOLDER / state
        paths = sorted(folder.glob("*.wav")) if folder.is_dir() else []
        if not paths:
            sys.exit(
                f"{folder} holds no recordings: --real must name the folder that holds {MACHINE_SOURCE_FOLDER}/."
            )
        for path in paths:
            samples, rate = soundfile.read(str(path), dtype="int16", always_2d=True)
            target = out / MACHINE_TARGET_FOLDER / state / f"{path.stem}.flac"
            target.parent.mkdir(parents=True, exist_ok=True)
            soundfile.write(
                str(target),
                samples[: int(MACHINE_SECONDS * rate), 0],
                rate,
                format="FLAC",
                subtype="PCM_16",
            )
            rows.append(
                {
                    "path": target,
                    "kind": "real_machine",
                    "label": state,
                    "take": path.stem,
                    "source": MACHINE_SOURCE,
                    "licence": "CC-BY-SA-4.0",
                    "attribution": MACHINE_ATTRIBUTION.format(
                        state=state, name=path.name, seconds=MACHINE_SECONDS
                    ),
                }
            )
    return rows


def clear_real(out: Path) -> None:
    """Remove earlier real files, so a clip dropped from REAL_CLIPS does not linger."""
    for folder in ("real/digits", "real/clips", "real/speech", "real/noise"):
        for path in (out / folder).glob("*.*"):
            path.unlink()
    for path in (out / MACHINE_TARGET_FOLDER).glob("*/*.flac"):
        path.unlink()
