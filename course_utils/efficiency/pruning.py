"""Magnitude pruning that stays applied while training.

:class:`PruningMask` is a Keras constraint the optimizer applies after every
update; :func:`magnitude_masks`, :func:`prune` and :func:`strip_pruning`
set and remove it; :func:`kernel_sparsity` measures the zeros.

Importing this module imports TensorFlow: call ``setup_notebook()`` first.

Used in: 12_efficiency_and_scale.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ..diagrams import _dense_layers
from ..errors import SettingError, SignalError

__all__ = ["PruningMask", "magnitude_masks", "prune", "strip_pruning", "kernel_sparsity"]


@keras.saving.register_keras_serializable(package="course_utils")
class PruningMask(keras.constraints.Constraint):
    """A constraint that multiplies a weight by a 0/1 mask after every optimizer update.

    Keras applies ``variable.constraint`` right after ``apply_gradients``, in
    ``model.fit`` and in custom loops alike, so pruned weights stay zero. The
    mask lives in a (non-trainable) TensorFlow variable: :meth:`update` changes
    it in place, so an already compiled training step uses the new mask
    without being traced again.

    Used in: no notebook.
    """

    def __init__(self, mask):
        self.mask = tf.Variable(
            np.asarray(mask, dtype=np.float32), trainable=False, name="pruning_mask"
        )

    def update(self, mask):
        self.mask.assign(np.asarray(mask, dtype=np.float32))

    def __call__(self, w):
        return w * keras.ops.cast(self.mask, w.dtype)

    def get_config(self):
        return {"mask": self.mask.numpy().tolist()}


def magnitude_masks(model, sparsity: float) -> dict:
    """0/1 masks that zero the ``sparsity`` fraction of smallest-magnitude weights of each Dense kernel.

    Returns ``{variable.path: mask}``. Each kernel loses exactly
    ``round(sparsity * size)`` weights; biases are kept (they are few).

    Used in: no notebook.
    """
    if not 0.0 <= sparsity < 1.0:
        raise SettingError(
            f"sparsity is the fraction of weights set to zero, in [0, 1); got {sparsity}."
        )
    masks = {}
    for layer in _dense_layers(model):
        weights = np.abs(layer.kernel.numpy()).ravel()
        n_zero = int(round(sparsity * weights.size))
        mask = np.ones(weights.size, dtype=np.float32)
        mask[np.argsort(weights, kind="stable")[:n_zero]] = 0.0
        masks[layer.kernel.path] = mask.reshape(layer.kernel.shape)
    if not masks:
        raise SignalError(f"'{model.name}' has no built Dense layers to prune.")
    return masks


def prune(model, sparsity: float) -> dict:
    """Magnitude-prune every Dense kernel of ``model`` in place and keep it pruned while training.

    Zeroes the smallest weights (:func:`magnitude_masks`) and attaches a
    :class:`PruningMask` constraint to each kernel, so later training cannot
    revive them. Call it before the training step is first traced (before the
    first ``fit`` after ``compile``). Called again with a higher sparsity, it
    updates the masks in place, so pruning can proceed in stages without
    recompiling. Returns the masks. :func:`strip_pruning` removes the constraints.

    Used in: 12_efficiency_and_scale.
    """
    masks = magnitude_masks(model, sparsity)
    for layer in _dense_layers(model):
        mask = masks[layer.kernel.path]
        layer.kernel.assign(layer.kernel.numpy() * mask)
        if isinstance(layer.kernel.constraint, PruningMask):
            layer.kernel.constraint.update(mask)
        else:
            layer.kernel.constraint = PruningMask(mask)
    return masks


def strip_pruning(model):
    """Remove the :class:`PruningMask` constraints (the zeros stay); return the model.

    Used in: 12_efficiency_and_scale.
    """
    for layer in _dense_layers(model):
        if isinstance(layer.kernel.constraint, PruningMask):
            layer.kernel.constraint = None
    return model


def kernel_sparsity(model) -> float:
    """Fraction of the Dense kernels' weights that are exactly zero.

    Used in: 12_efficiency_and_scale.
    """
    kernels = [layer.kernel.numpy() for layer in _dense_layers(model)]
    if not kernels:
        raise SignalError(f"'{model.name}' has no built Dense layers.")
    return float(sum(int(np.sum(k == 0)) for k in kernels) / sum(k.size for k in kernels))
