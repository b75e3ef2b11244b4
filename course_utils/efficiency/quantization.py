"""int8 weight quantization: the TensorFlow Lite (LiteRT) converter and Keras 3's own.

:func:`to_tflite` converts a Keras model (optionally with int8 weights),
:class:`TFLiteModel` runs the result like a Keras model, and
:func:`keras_int8_copy` is ``model.quantize("int8")`` on a copy.

Importing this module imports TensorFlow: call ``setup_notebook()`` first.

Used in: 12_efficiency_and_scale.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import warnings

import keras
import numpy as np
import tensorflow as tf

__all__ = ["to_tflite", "TFLiteModel", "keras_int8_copy"]


def to_tflite(model, int8: bool = True) -> bytes:
    """Convert a Keras model to a TensorFlow Lite (LiteRT) flatbuffer; return its bytes.

    The model is exported as a SavedModel (``model.export``) and converted
    with ``tf.lite.TFLiteConverter.from_saved_model``. With ``int8`` the
    converter's default optimization stores weights as 8-bit integers with a
    scale per output channel ("dynamic-range quantization"); activations stay
    float.

    Used in: 12_efficiency_and_scale.
    """
    with tempfile.TemporaryDirectory() as folder:
        model.export(folder, format="tf_saved_model", verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(folder)
        if int8:
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        return converter.convert()


@contextlib.contextmanager
def _quiet_native_stderr():
    # The TFLite runtime prints "INFO: Created TensorFlow Lite XNNPACK delegate" from C++,
    # straight to file descriptor 2, where Python's warnings filters cannot reach it.
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class TFLiteModel:
    """Run a TensorFlow Lite flatbuffer like a Keras model: ``tflite_model(x)``.

    Uses the ``ai_edge_litert`` interpreter when that package is installed,
    else ``tf.lite.Interpreter`` (deprecated in favour of LiteRT, still in
    TensorFlow 2.21; its warning is silenced here). The input is resized to
    each batch's shape.

    Used in: 12_efficiency_and_scale.
    """

    def __init__(self, flatbuffer: bytes, num_threads: int = 2):
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError:
            Interpreter = tf.lite.Interpreter
        with warnings.catch_warnings(), _quiet_native_stderr():
            warnings.simplefilter("ignore")
            self.interpreter = Interpreter(model_content=flatbuffer, num_threads=num_threads)
            self.interpreter.allocate_tensors()
        self.nbytes = len(flatbuffer)
        self._input = self.interpreter.get_input_details()[0]
        self._output = self.interpreter.get_output_details()[0]
        self._shape = None

    def __call__(self, x) -> np.ndarray:
        x = np.ascontiguousarray(x, dtype=np.float32)
        if self._shape != x.shape:
            self.interpreter.resize_tensor_input(self._input["index"], list(x.shape))
            with _quiet_native_stderr():
                self.interpreter.allocate_tensors()
            self._shape = x.shape
        self.interpreter.set_tensor(self._input["index"], x)
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self._output["index"]).copy()


def keras_int8_copy(model):
    """A copy of ``model`` with Keras 3's int8 weight quantization (``model.quantize("int8")``).

    ``Dense`` kernels become int8 with a float scale per output; layers
    without a ``quantize`` method (inputs, activations) are left as they are
    (Keras warns about each; the warnings are silenced here). The original
    model is not changed.

    Used in: 12_efficiency_and_scale.
    """
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copy.quantize("int8")
    return copy
