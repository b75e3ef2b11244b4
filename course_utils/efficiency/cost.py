"""What a dense autoencoder costs: parameters, FLOPs per frame, bytes to store.

- :func:`dense_autoencoder_cost` and :func:`count_dense_flops`: parameters
  and floating-point operations per frame, counted by hand and from a model.
- :func:`weights_nbytes` and :func:`compressed_nbytes`: what a model costs to store.

Importing this module imports TensorFlow: call ``setup_notebook()`` first.

Used in: 12_efficiency_and_scale.
"""

from __future__ import annotations

import io

import numpy as np

from ..diagrams import _dense_layers  # one rule for the package: built layers with a 2-D kernel
from ..errors import SettingError, SignalError

__all__ = ["dense_autoencoder_cost", "count_dense_flops", "weights_nbytes", "compressed_nbytes"]


def _dense_cost(fan_in: int, fan_out: int) -> tuple[int, int]:
    # A multiply and an add per weight, then one add per bias.
    return fan_in * fan_out + fan_out, 2 * fan_in * fan_out + fan_out


def dense_autoencoder_cost(frame_length: int, code_size: int, hidden_sizes=(512,)) -> dict:
    """Parameters and FLOPs per frame of the dense autoencoder, counted by hand.

    The model is ``input -> hidden... -> code -> ...hidden -> input``
    (:func:`course_utils.models.build_dense_autoencoder`). A ``Dense`` layer
    from ``n`` to ``m`` values has ``n*m + m`` parameters and costs
    ``2*n*m + m`` floating-point operations (FLOPs) per frame: one multiply
    and one add per weight, one add per bias. Activations (a ReLU is one
    comparison per value) are left out: they are a small share.

    Returns ``{"params": ..., "flops": ...}``; training costs about three
    times the FLOPs of a prediction (forward, and two products backward).

    Used in: 12_efficiency_and_scale.
    """
    sizes = [int(frame_length), *(int(h) for h in hidden_sizes), int(code_size)]
    for value in sizes:
        if value <= 0:
            raise SettingError(f"Layer sizes must be positive whole numbers; got {sizes}.")
    widths = sizes + sizes[-2::-1]  # encoder, then the mirror image
    params = flops = 0
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        p, f = _dense_cost(fan_in, fan_out)
        params, flops = params + p, flops + f
    return {"params": params, "flops": flops}


def count_dense_flops(model) -> int:
    """FLOPs per example of every ``Dense`` layer of a built Keras model.

    Same rule as :func:`dense_autoencoder_cost` (``2*n*m + m`` per layer),
    read from the layers' kernels, so the two can check each other.

    Used in: 12_efficiency_and_scale.
    """
    total = 0
    for layer in _dense_layers(model):
        fan_in, fan_out = (int(d) for d in layer.kernel.shape)
        total += _dense_cost(fan_in, fan_out)[1]
    if total == 0:
        raise SignalError(
            f"'{model.name}' has no built Dense layers; call it on data (or build it) first."
        )
    return total


def weights_nbytes(model) -> int:
    """Bytes of every weight of ``model`` as stored in memory (int8 kernels count 1 byte each).

    Used in: 12_efficiency_and_scale.
    """
    return int(sum(np.asarray(v.numpy()).nbytes for v in model.weights))


def compressed_nbytes(model) -> int:
    """Bytes of the model's weights in a ``np.savez_compressed`` archive (zip deflate).

    Zeros compress well, so this is where pruning saves space.

    Used in: 12_efficiency_and_scale.
    """
    buffer = io.BytesIO()
    arrays = {f"w{i}": np.asarray(v.numpy()) for i, v in enumerate(model.weights)}
    np.savez_compressed(buffer, **arrays)
    return buffer.getbuffer().nbytes
