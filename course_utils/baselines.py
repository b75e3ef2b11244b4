"""The baseline every audio autoencoder must beat: PCA on frames.

PCA fitted to frames of audio is the best *linear* autoencoder: among all
encoders ``code = W (frame - mean)`` and decoders ``frame ≈ mean + V code``
with ``code_size`` numbers in the code, it gives the lowest mean squared
error on the frames it was fitted to (Eckart-Young; Baldi & Hornik 1989
showed a linear autoencoder trained with MSE learns the same subspace).
It fits in a fraction of a second and has no learning rate, no
initialization and no training steps to get wrong. A nonlinear autoencoder
is worth its training time only if it beats PCA *at the same code size*,
on held-out audio.

- :class:`PCACodec`: fit on training frames, ``encode``, ``decode``, and
  ``reconstruct`` a whole signal through framing and overlap-add.
- :func:`reconstruct_signal`: put any frame-to-frame function (a PCA codec,
  a Keras model's ``predict``) between :func:`~course_utils.audio.frame_signal`
  and :func:`~course_utils.audio.overlap_add`.

This module does not import TensorFlow.

Used in: 05_evaluating, 05_going_further_transform_coding, 06_troubleshooting, 07_compression,
07_going_further_codecs, 13_capstone, benchmarks/codec.py, benchmarks/codes.py,
scripts/make_weights.py, scripts/measure_lapped.py.
"""

from __future__ import annotations

import numpy as np

from .audio import check_signal, frame_signal, overlap_add
from .checks import positive_int
from .errors import SettingError, SignalError
from .settings import FRAME

__all__ = ["PCACodec", "reconstruct_signal"]


def reconstruct_signal(
    transform, signal, frame_length: int, hop_length: int | None = None, window=None
):
    """Frame ``signal``, pass the frames through ``transform``, overlap-add them back.

    ``transform`` maps an array of frames ``(n_frames, frame_length)`` to an
    array of the same shape, e.g. ``codec.reconstruct_frames`` or
    ``lambda f: model.predict(f, verbose=0)``. The signal is zero-padded so
    every sample lands in a frame, and the result is trimmed to the
    signal's length, so it can be compared sample by sample with the input.
    With the default ``hop_length = frame_length`` the frames do not overlap
    and every sample is coded exactly once (the honest setting for a codec).

    Used in: 05_evaluating, 05_going_further_transform_coding, 06_troubleshooting,
    benchmarks/codes.py, scripts/make_weights.py.
    """
    signal = check_signal(signal)
    hop_length = frame_length if hop_length is None else hop_length
    frames = frame_signal(signal, frame_length, hop_length, pad=True)
    output = np.asarray(transform(frames))
    if output.ndim == 3 and output.shape[-1] == 1:
        output = output[..., 0]
    if output.shape != frames.shape:
        raise SignalError(
            f"The transform turned frames of shape {frames.shape} into shape {output.shape}; "
            "it must return one frame of the same length per input frame."
        )
    return overlap_add(output, hop_length, window=window, length=len(signal)).astype(np.float32)


class PCACodec:
    """PCA on audio frames, used as a linear autoencoder with ``code_size`` numbers per frame.

    Parameters
    ----------
    code_size : int
        Numbers in the code of one frame (the principal components kept).
    frame_length : int
        Samples per frame.
    hop_length : int, optional
        Hop between the *training* frames cut by :meth:`fit` from a 1-D
        signal; smaller than ``frame_length`` gives overlapping frames, more
        training examples. Default: ``frame_length`` (no overlap).

    Examples
    --------
    >>> codec = PCACodec(code_size=32, frame_length=256).fit(train_signal)  # doctest: +SKIP
    >>> estimate = codec.reconstruct(test_signal)                            # doctest: +SKIP

    Used in: 05_evaluating, 05_going_further_transform_coding, 07_compression,
    07_going_further_codecs, 13_capstone, benchmarks/codec.py, benchmarks/codes.py,
    scripts/make_weights.py, scripts/measure_lapped.py.
    """

    def __init__(self, code_size: int, frame_length: int = FRAME, hop_length: int | None = None):
        code_size = positive_int(code_size, "code_size", "code_size=32")
        frame_length = positive_int(frame_length, "frame_length", "frame_length=256")
        if code_size >= frame_length:
            raise SettingError(
                f"code_size={code_size} is not smaller than frame_length={frame_length}: the "
                "codec would keep every dimension and compress nothing. Choose a smaller code_size."
            )
        self.code_size = int(code_size)
        self.frame_length = int(frame_length)
        self.hop_length = self.frame_length if hop_length is None else int(hop_length)
        self.pca = None

    def __repr__(self) -> str:
        state = "fitted" if self.pca is not None else "not fitted"
        return f"PCACodec(code_size={self.code_size}, frame_length={self.frame_length}, {state})"

    def _frames(self, x, name: str) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim == 1:
            return frame_signal(x, self.frame_length, self.hop_length)
        if x.ndim != 2 or x.shape[1] != self.frame_length:
            raise SignalError(
                f"{name} has shape {x.shape}; pass a 1-D signal or frames of shape "
                f"(n_frames, {self.frame_length})."
            )
        check_signal(x.ravel(), name=name)
        return x

    def _check_fitted(self) -> None:
        if self.pca is None:
            raise SignalError(
                "This PCACodec is not fitted yet: call codec.fit(training_audio) first."
            )

    def fit(self, x) -> PCACodec:
        """Fit the principal components to a 1-D training signal or to training frames.

        Returns the codec itself, so ``PCACodec(32).fit(x)`` reads naturally.
        """
        from sklearn.decomposition import PCA

        frames = self._frames(x, "training audio").astype(np.float64)
        if len(frames) < self.code_size:
            raise SignalError(
                f"Only {len(frames)} training frames for code_size={self.code_size}: PCA needs at "
                "least as many frames as components. Use more audio or a smaller hop_length."
            )
        # "auto" picks the covariance eigendecomposition for many short frames: 20x faster than a full SVD.
        with np.errstate(all="ignore"):
            pca = PCA(n_components=self.code_size, svd_solver="auto", random_state=0).fit(frames)
        fitted = (pca.mean_, pca.components_, pca.explained_variance_)
        if not all(np.all(np.isfinite(statistic)) for statistic in fitted):
            raise SignalError(
                f"The PCA fitted on this training audio is not finite (its values reach "
                f"{float(np.max(np.abs(frames))):.3g}, and their squares overflow). Audio samples lie in "
                "[-1, 1]: divide by the peak, or standardize first."
            )
        self.pca = pca
        return self

    def encode(self, frames) -> np.ndarray:
        """Frames ``(n, frame_length)`` to codes ``(n, code_size)``."""
        self._check_fitted()
        return self.pca.transform(self._frames(frames, "frames")).astype(np.float32)

    def decode(self, codes) -> np.ndarray:
        """Codes ``(n, code_size)`` back to frames ``(n, frame_length)``."""
        self._check_fitted()
        codes = np.asarray(codes)
        if codes.ndim != 2 or codes.shape[1] != self.code_size:
            raise SignalError(f"codes must have shape (n, {self.code_size}); got {codes.shape}.")
        return self.pca.inverse_transform(codes).astype(np.float32)

    def reconstruct_frames(self, frames) -> np.ndarray:
        """Encode then decode frames."""
        return self.decode(self.encode(frames))

    def reconstruct(self, signal, hop_length: int | None = None, window=None) -> np.ndarray:
        """Code a whole 1-D signal frame by frame and put it back together (same length).

        By default the frames do not overlap (``hop_length = frame_length``).
        """
        self._check_fitted()
        return reconstruct_signal(
            self.reconstruct_frames, signal, self.frame_length, hop_length, window
        )

    @property
    def explained_variance(self) -> float:
        """Fraction of the training frames' variance the code keeps (0 to 1)."""
        self._check_fitted()
        return float(np.sum(self.pca.explained_variance_ratio_))
