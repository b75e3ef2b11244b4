"""The course's settings: one home for every number several lessons and modules share.

A lesson shows the values it uses (``from course_utils.settings import FRAME, HOP``),
the package's defaults read them from here, and ``tests/test_settings.py`` fails when a
notebook or module types one of them again. Change a value here and every lesson,
exercise, benchmark and data script follows.

The course's one model (lessons 03-07 and 12) frames audio into ``FRAME`` samples every
``HOP`` samples, squeezes each frame through ``HIDDEN`` units into ``CODE`` numbers and
back (compression ratio ``FRAME / CODE`` = 8), and is trained for ``STEPS`` mini-batches of
``BATCH`` frames.

One name for one thing: the number of values in a frame a model takes is ``frame_length``
everywhere in the package (librosa's name; ``PCACodec``, ``build_dense_autoencoder``,
``compression_ratio``, ``build_vae``, ...); only ``models.ArticleAutoencoder`` keeps the
article's own ``input_dim``, because lesson 03 quotes the article's class. A lesson that
needs another value under one of these names gives it another name (``STFT_HOP``,
``SHORT_STEPS``, ``ARTICLE_BATCH``), so ``HOP`` always means the course's hop.

Used in: 02_standardizing, 03_building_the_autoencoder, 04_training, 05_evaluating,
05_going_further_transform_coding, 06_troubleshooting, 07_compression, 07_going_further_codecs,
10_recognition, 11_synthesis, 12_efficiency_and_scale, 13_capstone, benchmarks/codec.py,
benchmarks/codes.py, scripts/bundled_data/denoising.py, scripts/bundled_data/digits.py,
scripts/bundled_data/instruments.py, scripts/bundled_data/real.py, scripts/make_weights.py,
scripts/measure_lapped.py.
"""

from __future__ import annotations

__all__ = [
    "FRAME",
    "HOP",
    "CODE",
    "HIDDEN",
    "STEPS",
    "BATCH",
    "SEEDS",
    "MUSIC_RATE",
    "SPEECH_RATE",
    "DIGITS_RATE",
]

#: Samples in one frame: the model's input and output size.
FRAME = 256
#: Samples between the starts of two training frames (frames overlap by FRAME - HOP).
HOP = 64
#: Numbers in the code (the bottleneck).
CODE = 32
#: Units in the hidden layer on each side of the code.
HIDDEN = 256
#: Mini-batch steps the course's model trains for.
STEPS = 600
#: Frames in one mini-batch.
BATCH = 64
#: The seeds every comparison runs over.
SEEDS = (0, 1, 2)

#: Music, instruments and nature clips are stored at this rate (librosa's default).
MUSIC_RATE = 22050
#: Speech (LibriSpeech readers) and machine sounds are stored at their own rate.
SPEECH_RATE = 16000
#: Spoken digits (FSDD and the synthetic digits) are stored at FSDD's rate.
DIGITS_RATE = 8000
