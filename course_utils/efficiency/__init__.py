"""Cost, memory and size of an autoencoder, measured: FLOPs, timing, streaming, int8, distribution, pruning.

The article's FAQ answers "how do I make it cheaper?" with a list (smaller
layers, low precision, parallelism, quantization, sparsity, external
storage) and no numbers. This package makes each item measurable, one
module per concern; every name is also available as ``efficiency.<name>``:

==================  =============================================================
``cost``            parameters, FLOPs per frame and bytes of a model
``timing``          medians after a warm-up, ratios timed in alternation, step timers
``streaming``       WAV files on disk read lazily by ``tf.data``
``quantization``    int8 weights with TensorFlow Lite (LiteRT) and with Keras 3
``distribution``    a training loop for ``tf.distribute`` strategies
``pruning``         magnitude pruning that stays applied while training
==================  =============================================================

Importing this package imports TensorFlow: call ``setup_notebook()`` first.

Used in: 12_efficiency_and_scale.
"""

from __future__ import annotations

from .cost import compressed_nbytes, count_dense_flops, dense_autoencoder_cost, weights_nbytes
from .distribution import train_with_strategy
from .pruning import PruningMask, kernel_sparsity, magnitude_masks, prune, strip_pruning
from .quantization import TFLiteModel, keras_int8_copy, to_tflite
from .streaming import wav_frame_dataset, write_wav_chunks
from .timing import StepTimer, median_seconds, time_ratio, time_train_step, train_step_function

__all__ = [
    "dense_autoencoder_cost",
    "count_dense_flops",
    "median_seconds",
    "time_ratio",
    "StepTimer",
    "train_step_function",
    "time_train_step",
    "write_wav_chunks",
    "wav_frame_dataset",
    "to_tflite",
    "TFLiteModel",
    "keras_int8_copy",
    "train_with_strategy",
    "PruningMask",
    "magnitude_masks",
    "prune",
    "strip_pruning",
    "kernel_sparsity",
    "weights_nbytes",
    "compressed_nbytes",
]
