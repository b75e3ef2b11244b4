"""Prepare a notebook: quiet TensorFlow, seed everything, fix threads, set the plot style.

Call ``course_utils.setup_notebook()`` in the first code cell, before
anything imports TensorFlow: TensorFlow reads its logging and oneDNN settings
once, at import time.

Used in: every notebook (first code cell).
"""

from __future__ import annotations

import os
import random
import sys
import warnings

import numpy as np

__all__ = ["setup_notebook", "TF_ENVIRONMENT"]

#: Environment variables set before TensorFlow is imported. The binder/start
#: script and the Makefile set the same ones; a test keeps them in agreement.
TF_ENVIRONMENT = {
    # Hide TensorFlow's C++ INFO/WARNING lines (CPU feature notices, oneDNN).
    "TF_CPP_MIN_LOG_LEVEL": "3",
    # oneDNN's fused kernels change float rounding from run to run; off for determinism.
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
}


def setup_notebook(seed: int = 0, threads: int = 2, tensorflow: bool = True, style: bool = True):
    """Make a notebook quiet, deterministic and sized for a 2-core machine.

    Parameters
    ----------
    seed : int
        Seeds Python's ``random``, NumPy and (through ``keras.utils.set_random_seed``)
        Keras and TensorFlow.
    threads : int
        Threads TensorFlow may use inside one operation. Two matches Binder
        and the course's CI machine; more threads can change float rounding.
    tensorflow : bool
        Import and configure TensorFlow now (about 3 s and 600 MB). Notebooks
        that never train a model pass ``False``.
    style : bool
        Set the course's matplotlib style.

    Returns
    -------
    dict
        The versions and settings in force, for the record.

    Used in: every notebook.
    """
    tensorflow_was_imported = "tensorflow" in sys.modules
    for key, value in TF_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    info = {"seed": seed, "numpy": np.__version__}

    if style:
        from .plotting import use_course_style

        use_course_style()

    if tensorflow:
        if tensorflow_was_imported:
            warnings.warn(
                "TensorFlow was imported before setup_notebook(); its log settings are already "
                "fixed. Restart the kernel and call setup_notebook() first to keep outputs quiet.",
                stacklevel=2,
            )
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:
            # Threads can only be set before TensorFlow runs its first operation.
            pass
        tf.config.experimental.enable_op_determinism()
        import keras

        keras.utils.set_random_seed(seed)
        info.update(tensorflow=tf.__version__, keras=keras.__version__)
    return info
