"""Test sounds and toy data sets for the spoken-digit modules (features, augmentation, recognition)."""

from __future__ import annotations

import numpy as np

from course_utils.data import SpokenDigits

SR = 8000


def word(seconds=0.5, sr=SR, seed=0, f0=140.0):
    """A word-like test sound: a voiced vowel glide with silence around it and a little noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    envelope = np.sin(np.pi * t / t[-1]) ** 2
    formant = 600 + 1200 * t / t[-1]
    voiced = sum(
        np.sin(2 * np.pi * k * f0 * t) / k * np.exp(-(((k * f0 - formant) / 400) ** 2))
        for k in range(1, 25)
    )
    silence = np.zeros(int(0.1 * sr))
    clip = np.concatenate([silence, 0.5 * envelope * voiced, silence])
    return (clip + 1e-3 * rng.standard_normal(len(clip))).astype(np.float32)


def toy_digits(speakers=("ann", "bob", "cho"), takes=range(7)):
    """A SpokenDigits of silent clips: every speaker says every digit once per take."""
    labels, who, take_numbers = [], [], []
    for speaker in speakers:
        for digit in range(10):
            for take in takes:
                labels.append(digit)
                who.append(speaker)
                take_numbers.append(take)
    n = len(labels)
    return SpokenDigits(
        audio=[np.zeros(10, dtype=np.float32)] * n,
        labels=np.array(labels),
        speakers=np.array(who),
        takes=np.array(take_numbers),
        sample_rate=SR,
        paths=[None] * n,
    )
