"""What every kind of bundled data shares: the seed, seeded generators, the WAV writer, decibels and note names."""

from __future__ import annotations

import shutil
import sys
import zlib
from pathlib import Path

import numpy as np
import soundfile

SEED = 2024


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
