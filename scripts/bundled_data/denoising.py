"""The denoising lesson's real speech and noise (issue #21): LibriSpeech readers and noise excerpts."""

from __future__ import annotations

import csv
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import librosa
import numpy as np
import soundfile

from course_utils.settings import SPEECH_RATE

# The denoising lesson's speech and noise (issue #21): the 24 LibriSpeech readers marked core24,
# copied unchanged, and an excerpt of every real noise recording, converted to 16 kHz mono FLAC.
LIBRISPEECH_SOURCE = "LibriSpeech ASR corpus train-clean-100 (OpenSLR SLR12, https://www.openslr.org/12), via resemble-ai/Resemblyzer commit 15d828ed"
LIBRISPEECH_ATTRIBUTION = (
    "Speech excerpt from the LibriSpeech ASR corpus (c) 2014 Vassil Panayotov, CC BY 4.0; "
    "derived from LibriVox public-domain audiobook recordings; reader {reader} ({name}, {gender}); unmodified"
)
SPEECH_COMMANDS = (
    "Pete Warden, Speech Commands dataset, _background_noise_/ (arXiv:1804.03209)",
    "CC-BY-4.0",
)
BLANKET = "Blanket ambient-sound app's sound folder (github.com/rafaelmardojai/blanket)"


@dataclass(frozen=True)
class NoiseExcerpt:
    """A real noise recording to bundle: name, source file, start and length of the excerpt, author, licence."""

    name: str
    source_file: str
    start_s: float
    seconds: float
    description: str
    author: str
    licence: str


# Noise types the denoiser trains on get 20 s (the last quarter is held out in time); the types
# it never trains on (course_utils.denoising.UNSEEN_NOISES) need only a test excerpt of 8 s.
NOISE_EXCERPTS = (
    NoiseExcerpt(
        "dishes",
        "doing_the_dishes.wav",
        10.0,
        20.0,
        "doing the dishes in a kitchen",
        *SPEECH_COMMANDS,
    ),
    NoiseExcerpt("tap", "running_tap.wav", 10.0, 20.0, "a running tap", *SPEECH_COMMANDS),
    NoiseExcerpt("bike", "exercise_bike.wav", 10.0, 20.0, "an exercise bike", *SPEECH_COMMANDS),
    NoiseExcerpt(
        "cat",
        "dude_miaowing.wav",
        10.0,
        20.0,
        "a living room with a miaowing cat",
        *SPEECH_COMMANDS,
    ),
    NoiseExcerpt(
        "birds",
        "birds.ogg",
        5.0,
        20.0,
        "birdsong",
        f"kvgarlic (freesound 156826), edited by Porrumentzio; {BLANKET}",
        "CC0-1.0",
    ),
    NoiseExcerpt(
        "rain",
        "rain.ogg",
        5.0,
        20.0,
        "rain",
        f"alex36917 (freesound 524605), edited by Porrumentzio; {BLANKET}",
        "CC-BY",
    ),
    NoiseExcerpt(
        "waves",
        "waves.ogg",
        5.0,
        20.0,
        "sea waves",
        f"Luftrum (freesound 48412), edited by Porrumentzio; {BLANKET}",
        "CC-BY",
    ),
    NoiseExcerpt(
        "babble",
        "coffee-shop.ogg",
        0.0,
        16.5,
        "restaurant babble in a coffee shop",
        f"stephan (soundbible 1664); {BLANKET}",
        "public-domain",
    ),
    NoiseExcerpt(
        "boat",
        "boat.ogg",
        5.0,
        8.0,
        "a boat",
        f"Falcet (freesound 439365), edited by Porrumentzio; {BLANKET}",
        "CC0-1.0",
    ),
    NoiseExcerpt(
        "wind",
        "wind.ogg",
        2.0,
        8.0,
        "wind",
        f"felix.blume (freesound 217506), edited by Porrumentzio; {BLANKET}",
        "CC0-1.0",
    ),
    NoiseExcerpt(
        "fireplace",
        "fireplace.ogg",
        5.0,
        8.0,
        "a crackling fireplace",
        f"ezwa (soundbible 1543); {BLANKET}",
        "public-domain",
    ),
    NoiseExcerpt(
        "crickets",
        "summer-night.ogg",
        5.0,
        8.0,
        "crickets on a summer night",
        f"Lisa Redfern (soundbible 2083); {BLANKET}",
        "public-domain",
    ),
)
NOISE_RATE = SPEECH_RATE


def bundle_real_denoising(out: Path, source: Path) -> list[dict]:
    """Copy the core24 LibriSpeech readers unchanged; write 16 kHz mono FLAC excerpts of the real noise."""
    rows = []
    speech = source / "speech-librispeech-100"
    manifest = speech / "MANIFEST.csv"
    if not manifest.is_file():
        sys.exit(
            f"{manifest} is missing: --real must name the folder that holds speech-librispeech-100/ and noise/."
        )
    with open(manifest, newline="", encoding="utf-8") as handle:
        readers = [row for row in csv.DictReader(handle) if row["core24"] == "1"]
    for row in readers:
        target = out / "real" / "speech" / row["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(speech / row["file"], target)
        rows.append(
            {
                "path": target,
                "kind": "real_reader",
                "label": row["gender"],
                "speaker": row["speaker"],
                "source": f"{LIBRISPEECH_SOURCE}, {row['source_path']}",
                "licence": "CC-BY-4.0",
                "attribution": LIBRISPEECH_ATTRIBUTION.format(
                    reader=row["speaker"],
                    name=row["reader_name"] or "unnamed",
                    gender=row["gender"],
                ),
            }
        )
    for noise in NOISE_EXCERPTS:
        path = source / "noise" / noise.source_file
        if not path.is_file():
            sys.exit(f"{path} is missing: --real must name the folder that holds noise/.")
        info = soundfile.info(str(path))
        start = int(noise.start_s * info.samplerate)
        samples, rate = soundfile.read(
            str(path),
            dtype="float64",
            always_2d=True,
            start=start,
            frames=int(noise.seconds * info.samplerate),
        )
        samples = samples.mean(axis=1)
        if rate != NOISE_RATE:
            samples = librosa.resample(
                y=samples, orig_sr=rate, target_sr=NOISE_RATE, res_type="soxr_hq"
            )
        peak = float(np.max(np.abs(samples)))
        if peak >= 0.999:
            samples *= 0.999 / peak
        fade = int(0.01 * NOISE_RATE)
        samples[:fade] *= np.linspace(0.0, 1.0, fade)
        samples[-fade:] *= np.linspace(1.0, 0.0, fade)
        target = out / "real" / "noise" / f"{noise.name}.flac"
        target.parent.mkdir(parents=True, exist_ok=True)
        soundfile.write(str(target), samples, NOISE_RATE, subtype="PCM_16", format="FLAC")
        rows.append(
            {
                "path": target,
                "kind": "real_noise",
                "label": noise.name,
                "note": f"{noise.start_s:g}-{noise.start_s + noise.seconds:g} s",
                "source": f"{noise.source_file}",
                "licence": noise.licence,
                "attribution": f"{noise.author} ({noise.description}; converted to mono and resampled; excerpt)",
            }
        )
    return rows


def denoising_licence(rows: list[dict]) -> str:
    """The LICENSE.md sections for the denoising lesson's readers and noise excerpts."""
    readers = [r for r in rows if r["kind"] == "real_reader"]
    noises = [r for r in rows if r["kind"] == "real_noise"]
    if not readers and not noises:
        return ""
    reader_lines = "\n".join(
        f"| `{r['path']}` | {r['attribution']} | {r['licence']} |" for r in readers
    )
    noise_lines = "\n".join(
        f"| `{r['path']}` | {r['attribution']} | {r['source']}, {r['note']} | {r['licence']} |"
        for r in noises
    )
    return f"""
### `real/speech/`: LibriSpeech readers, copied unchanged

{len(readers)} FLAC files, one utterance from each of {len(readers)} LibriSpeech train-clean-100 readers.
"Speech excerpts from the LibriSpeech ASR corpus (c) 2014 Vassil Panayotov, CC BY 4.0
(<https://creativecommons.org/licenses/by/4.0/>), <https://www.openslr.org/12>; derived from LibriVox
public-domain audiobook recordings; unmodified subset." Suggested citation: Panayotov et al.,
"Librispeech: an ASR corpus based on public domain audio books", ICASSP 2015.

| file | attribution | licence |
|---|---|---|
{reader_lines}

### `real/noise/`: real background noise, converted to mono and resampled; excerpt

Each file is an excerpt (the seconds given) of a real recording, converted to mono and resampled
to 16 kHz FLAC by `scripts/make_data.py`. The first four come from the Speech Commands dataset's
`_background_noise_/` folder (Pete Warden, CC BY 4.0); the others from the Blanket ambient-sound
app's sound folder, whose sounds table gives the authors and licences below (its code licence does
not cover them). `CC-BY` is the version-less "CC BY" that table gives: credit the author.

| file | author (what; how changed) | source | licence |
|---|---|---|---|
{noise_lines}

Licences: CC0-1.0 <https://creativecommons.org/publicdomain/zero/1.0/>; public-domain as marked by
its source.
"""
