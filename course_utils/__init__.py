"""Helpers for the Sound Autoencoders course.

One module per concern, in the order the course meets them:

=====================  ========================================================================================================
``settings``           The course's settings: one home for every number several lessons and modules share
``session``            Prepare a notebook: quiet TensorFlow, seed everything, fix threads, set the plot style
``i18n``               The course's language at run time: English, or Chinese for the Chinese lessons
``ipython_extension``  The course's help in every kernel, from its first cell and after every restart
``audio``              Loading audio and cutting it into frames
``data``               The course's data: bundled clips, spoken digits and their splits
``fetch``              Real recordings on request: the Free Spoken Digit Dataset
``metrics``            How good is a reconstruction? Numbers that answer it
``plotting``           Pictures and players: waveforms, spectrograms, learning curves, listening tables
``diagrams``           Pictures of networks drawn from the model itself: a Dense layer, an autoencoder's shape
``baselines``          The baseline every audio autoencoder must beat: PCA on frames
``codec``              An honest audio codec: quantize a code, count every bit, store it, compare with real codecs
``models``             Autoencoder models: the article's, and ones with a real bottleneck
``training``           Three ways to train an autoencoder, from the article's to the one to use
``monitor``            A live training monitor: loss curves redrawn while ``model.fit`` runs, and progress lines
``seeds``              Run a comparison over several seeds and report the mean and the spread
``lapped``             Lapped (convolutional) autoencoders: frames that overlap by half, windowed, coded, overlap-added back
``sparse``             The k-sparse autoencoder: a code of the few values that matter in each frame, and where they are
``synthesis``          New sounds from a decoder: interpolation, a VAE, how far generated spectra are from the data
``spectral``           The course's one spectral front end: STFT, decibels, log-magnitude, mel, and back to sound
``denoising``          Denoising real speech: mixing at an SNR, SI-SDR, two classical baselines and a mask autoencoder
``anomaly``            Hearing a faulty machine: unsupervised anomaly detection on machine sounds (DCASE Task 2)
``features``           Features of a spoken word: a fixed-size log-mel patch, its cepstrum, MFCC statistics
``augmentation``       Augmentation of spoken digits: seeded changes of voice, microphone, room, noise and timing
``code_features``      Autoencoder codes of log-mel patches as recognition features, trained inside each split
``recognition``        Scoring spoken-digit recognisers honestly: classifiers, two splits, the whole comparison
``profiling``          Measure time and peak memory of a piece of work, as the benchmark does
``efficiency``         Cost, memory and size of an autoencoder, measured: FLOPs, timing, streaming, int8, distribution, pruning
``capstone``           The capstone (notebook 13): the best speech codec at 8 kbps or less, scored on a voice it never heard
``widgets``            Interactive explorers built with ipywidgets
``exercises``          Self-check exercises: ``check()``, ``hint()`` and ``solution()``
``checks``             Argument and answer checks, written once for the package and the exercises
``errors``             Errors the course raises for bad input
``compat``             Differences between the library versions the course supports, handled in one place
``doctor``             ``python -m course_utils doctor``: is this machine ready for the course?
=====================  ========================================================================================================

Importing ``course_utils`` does not import TensorFlow, so that
:func:`setup_notebook` can quiet it before it loads. Submodules are imported
on first use (``lazy_loader``, reading ``__init__.pyi``): ``course_utils.audio``
works without an explicit import, and ``dir(course_utils)`` and Tab completion
list every module. ``from course_utils import *`` brings only ``setup_notebook``
and ``__version__``, so it never imports TensorFlow.
"""

from __future__ import annotations

from .session import setup_notebook

__version__ = "1.0.0"

__all__ = ["setup_notebook", "__version__"]

try:
    import lazy_loader as _lazy
except ImportError:  # `python -E -S -m course_utils env` runs before anything is installed
    _lazy = None

if _lazy is not None:
    __getattr__, _lazy_dir, _ = _lazy.attach_stub(__name__, __file__)

    def __dir__():
        return sorted({*_lazy_dir(), "__version__"})
