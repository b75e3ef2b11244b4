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
``synthesis``      spectrograms and phase, interpolation, a VAE, a latent explorer
``features``       log-mel patches, MFCC statistics, augmentation, recognition scores
``exercises``      ``check()``, ``hint()`` and ``solution()`` for each lesson
``profiling``      time and peak memory of a piece of work
``efficiency``     FLOPs, streaming from disk, int8 quantization, pruning, model sizes
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
    "baselines",
    "codec",
    "compat",
    "data",
    "doctor",
    "efficiency",
    "errors",
    "exercises",
    "features",
    "fetch",
    "metrics",
    "models",
    "monitor",
    "plotting",
    "profiling",
    "session",
    "sparse",
    "synthesis",
    "training",
    "widgets",
}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'course_utils' has no attribute '{name}'")
