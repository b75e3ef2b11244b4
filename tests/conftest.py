"""Shared fixtures: small signals and files made by the tests themselves."""

from __future__ import annotations

import os

import numpy as np
import pytest

# TensorFlow reads these once, at import time; set them before any test imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


@pytest.fixture
def tone():
    """One second of a 440 Hz tone at 8 kHz, float32."""
    sr = 8000
    t = np.arange(sr) / sr
    return (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), sr


@pytest.fixture
def wav_file(tmp_path, tone):
    import soundfile

    samples, sr = tone
    path = tmp_path / "tone.wav"
    soundfile.write(path, samples, sr, subtype="PCM_16")
    return path
