"""Helpers for the Sound Autoencoders course.

One module per concern, in the order the course meets them:

=================  ==========================================================
``audio``          loading audio, checking signals, framing and overlap-add
``data``           the bundled data, spoken digits and their splits
``fetch``          real datasets on request (pooch, hash-checked)
``metrics``        MSE, SNR, log-spectral distance, compression ratio
``plotting``       waveforms, spectrograms, learning curves, listening tables
``codec``          quantizing codes, counting bits, compressed files, MP3/Opus
``models``         the article's model and bottleneck autoencoders
``training``       the article's loop, a tf.data mini-batch loop, model.fit
``monitor``        a live training monitor: loss curves redrawn during model.fit
``synthesis``      interpolating codes, a VAE, rendering a code as sound
``spectral``       the one STFT, decibels, log-magnitude, mel filters, Griffin-Lim
``features``       log-mel patches and MFCC statistics of spoken digits
``augmentation``   seeded changes of voice, microphone, room and noise
``code_features``  autoencoder codes of log-mel patches as features
``recognition``    classifiers, honest splits and the whole feature comparison
``exercises``      ``check()``, ``hint()`` and ``solution()`` for each lesson
``checks``         argument and answer checks, written once (numbers, whole numbers, arrays)
``profiling``      time and peak memory of a piece of work
``efficiency``     FLOPs, timing, streaming, int8, tf.distribute, pruning (a package)
``doctor``         ``python -m course_utils doctor``
=================  ==========================================================

Importing ``course_utils`` does not import TensorFlow, so that
:func:`setup_notebook` can quiet it before it loads. Submodules are imported
on first use: ``course_utils.audio`` works without an explicit import.
"""

from __future__ import annotations

import importlib

from .session import setup_notebook

__version__ = "1.0.0"

__all__ = ["setup_notebook", "__version__"]

_SUBMODULES = {
    "audio",
    "augmentation",
    "baselines",
    "capstone",
    "checks",
    "codec",
    "compat",
    "data",
    "diagrams",
    "doctor",
    "efficiency",
    "ipython_extension",
    "errors",
    "exercises",
    "features",
    "fetch",
    "lapped",
    "metrics",
    "models",
    "monitor",
    "code_features",
    "plotting",
    "profiling",
    "recognition",
    "seeds",
    "session",
    "settings",
    "sparse",
    "spectral",
    "synthesis",
    "training",
    "widgets",
}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'course_utils' has no attribute '{name}'")
