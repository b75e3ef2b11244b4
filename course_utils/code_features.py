"""Autoencoder codes of log-mel patches as recognition features, trained inside each split.

- :func:`train_patch_autoencoder`: a dense autoencoder on log-mel patches
  (no labels), trained with the compiled step of 04_training; its encoder
  is returned.
- :func:`fit_rows`: that training loop alone, for an autoencoder built elsewhere
  (the learner's ``train_code_encoder`` in 10_recognition).
- :func:`encode_patches`: the codes of patches under that encoder.
- :func:`patch_rows`: the same training rows without an autoencoder (for PCA).
- :class:`AutoencoderFeatures`: a *features function* for
  :mod:`course_utils.recognition` that trains the autoencoder on the
  training speakers of each split only, so a held-out voice is never heard.

TensorFlow is imported only when an autoencoder is trained or used.

Used in: 10_recognition.
"""

from __future__ import annotations

import numpy as np

from .checks import positive_int
from .errors import SignalError
from .settings import BATCH, HIDDEN

__all__ = [
    "train_patch_autoencoder",
    "fit_rows",
    "encode_patches",
    "patch_rows",
    "AutoencoderFeatures",
]


def train_patch_autoencoder(
    patches,
    code_size: int = 64,
    hidden_sizes=(HIDDEN,),
    steps: int = 300,
    batch_size: int = BATCH,
    learning_rate: float = 2e-3,
    seed: int = 0,
):
    """Train a dense autoencoder on log-mel patches; return its encoder.

    ``patches`` has shape ``(n, n_mels, n_frames)`` and is flattened inside:
    ``n_mels * n_frames -> hidden_sizes -> code_size -> ... -> n_mels * n_frames``
    (:func:`course_utils.models.build_dense_autoencoder`), trained with Adam
    on the mean squared error for ``steps`` optimizer steps of ``batch_size``
    patches, in shuffled passes over the data. No labels are used.

    The loop is the compiled ``GradientTape`` step of 04_training, fed with
    NumPy batches: unlike ``model.fit`` on a ``tf.data`` pipeline it keeps no
    second copy of the training set in TensorFlow, which matters when a
    notebook trains several autoencoders on thousands of patches.

    Returns the Keras encoder (flattened patch -> code); see :func:`encode_patches`.
    The final training loss is in ``encoder.final_loss``.

    Used in: 10_recognition.
    """
    import keras

    from .models import build_dense_autoencoder

    x = np.asarray(patches, dtype=np.float32).reshape(len(patches), -1)
    keras.utils.set_random_seed(seed)
    autoencoder, encoder, _ = build_dense_autoencoder(
        x.shape[1], code_size, hidden_sizes=hidden_sizes
    )
    encoder.final_loss = fit_rows(
        autoencoder, x, steps=steps, batch_size=batch_size, learning_rate=learning_rate, seed=seed
    )
    return encoder


def fit_rows(
    autoencoder,
    rows,
    steps: int = 300,
    batch_size: int = BATCH,
    learning_rate: float = 2e-3,
    seed: int = 0,
) -> float:
    """Train ``autoencoder`` to rebuild ``rows`` (one example per row); return the last loss.

    Adam on the mean squared error for ``steps`` optimizer steps of
    ``batch_size`` rows, in shuffled passes over the data (seeded by ``seed``):
    the compiled ``GradientTape`` step of 04_training, fed with NumPy batches.
    Unlike ``model.fit`` on a ``tf.data`` pipeline it keeps no second copy of
    the training set in TensorFlow, which matters when a notebook trains
    several autoencoders on thousands of patches.

    Used in: 10_recognition.
    """
    import keras
    import tensorflow as tf

    from .training import make_train_step

    x = np.ascontiguousarray(np.asarray(rows, dtype=np.float32).reshape(len(rows), -1))
    if len(x) == 0 or not np.isfinite(x).all():
        raise SignalError("The training patches are empty or contain NaN/Inf.")
    steps = positive_int(steps, "steps (optimizer steps)", "steps=400")
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    step = make_train_step(autoencoder, optimizer, keras.losses.MeanSquaredError())
    rng = np.random.default_rng(seed)
    batch_size = min(int(batch_size), len(x))
    order, position, loss = rng.permutation(len(x)), 0, None
    for _ in range(steps):
        if position + batch_size > len(order):
            order, position = rng.permutation(len(x)), 0
        batch = tf.constant(x[order[position : position + batch_size]])
        loss = step(batch, batch)
        position += batch_size
    return float(loss)


def encode_patches(encoder, patches, batch_size: int = 1024) -> np.ndarray:
    """The codes of ``patches`` (shape ``(n, n_mels, n_frames)``) under a trained encoder.

    Used in: 10_recognition.
    """
    x = np.asarray(patches, dtype=np.float32).reshape(len(patches), -1)
    chunks = [
        np.asarray(encoder(x[start : start + batch_size], training=False))
        for start in range(0, len(x), batch_size)
    ]
    return np.concatenate(chunks) if chunks else np.zeros((0, encoder.output_shape[-1]), np.float32)


def patch_rows(digits, patches, augmented, source, extra_patches=None, extra_labels=None):
    """A features function: each split's training patches with their augmented copies (and extra voices).

    Called with ``(train_indices, test_indices)`` it returns ``(x_train,
    y_train, x_test)`` for :mod:`course_utils.recognition`: the training
    clips' patches, the augmented copies of *those* clips only (``source``
    says which clip each copy came from, as
    :func:`course_utils.augmentation.augmented_patches` returns it), and,
    when given, ``extra_patches`` with ``extra_labels`` (other speakers, never
    tested on); the test clips' patches alone.

    Used in: 10_recognition.
    """
    patches, augmented, source = np.asarray(patches), np.asarray(augmented), np.asarray(source)

    def rows(train, test):
        keep = np.isin(source, train)  # only the copies of *training* clips
        x = [patches[train], augmented[keep]]
        y = [digits.labels[train], digits.labels[source[keep]]]
        if extra_patches is not None:
            x, y = x + [np.asarray(extra_patches)], y + [np.asarray(extra_labels)]
        return np.concatenate(x), np.concatenate(y), patches[test]

    return rows


class AutoencoderFeatures:
    """Autoencoder codes as features, with the autoencoder trained on the training clips of each split.

    An instance is a *features function* for
    :func:`course_utils.recognition.evaluate_standard_split` and
    :func:`~course_utils.recognition.evaluate_leave_one_speaker_out`: called with
    ``(train_indices, test_indices)`` it trains an autoencoder on the
    training clips' patches (plus their augmented copies), encodes, and
    returns ``(codes_train, labels_train, codes_test)``. The autoencoder
    uses no labels, but it must still not see the test clips: an
    autoencoder that has heard the held-out voice has adapted to it, and
    the score would flatter it.

    Training one autoencoder per held-out speaker is the cleanest, and the
    most expensive. With ``speaker_groups=k`` the speakers are dealt into
    ``k`` groups and one autoencoder is trained per group, on the clips of
    every speaker *outside* that group; a held-out speaker is encoded by the
    autoencoder of its group, which has never heard it. (The classifier on
    top is still trained on every other speaker.) ``speaker_groups=None``
    trains one autoencoder per split. When the test clips' speakers also
    have training clips (the standard split), the autoencoder is trained on
    exactly the training clips.

    Parameters
    ----------
    digits : SpokenDigits
    patches : array (n_clips, n_mels, n_frames)
        One clean patch per clip, e.g. from :func:`course_utils.features.log_mel_patches`.
    augmented, source : optional
        From :func:`course_utils.augmentation.augmented_patches`: extra training patches and the clip
        each came from. They join the autoencoder's and the classifier's
        training data when their clip is a training clip.
    speaker_groups : int or None
    extra_patches : optional array (n_extra, n_mels, n_frames)
        Patches of *other* recordings (e.g. the synthetic voices of
        ``data.load_synthetic_digits()``), never tested on. They join every
        autoencoder's training data, unlabelled.
    extra_labels : optional array (n_extra,)
        Their digits. When given, the extra patches' codes also join the
        classifier's training rows: extra training speakers.
        :meth:`without_extra_labels` gives a features function that shares
        the trained autoencoders but leaves them out of the classifier.
    train : optional function
        ``train(patches, **autoencoder_kwargs)`` returns a trained encoder; by default
        :func:`train_patch_autoencoder`. 10_recognition passes the learner's ``train_code_encoder``.
    progress : bool or None
        Show a line that moves as the autoencoders train (one per standard split and one per
        speaker group, as ``recognition.evaluate_both`` trains them); ``None``, the default,
        shows it only in a notebook.
    **autoencoder_kwargs
        Passed to ``train`` (``code_size``, ``steps``, ...).

    After use, ``encoders`` maps each trained autoencoder's name to its
    encoder and ``seconds`` to its training time.

    Used in: 10_recognition.
    """

    def __init__(
        self,
        digits,
        patches,
        augmented=None,
        source=None,
        speaker_groups: int | None = 3,
        extra_patches=None,
        extra_labels=None,
        train=None,
        progress: bool | None = None,
        **autoencoder_kwargs,
    ):
        patches = np.asarray(patches, dtype=np.float32)
        if len(patches) != len(digits):
            raise SignalError(
                f"patches has {len(patches)} rows but there are {len(digits)} clips: one patch per clip."
            )
        if (augmented is None) != (source is None):
            raise SignalError(
                "Pass both augmented and source (as returned by augmented_patches), or neither."
            )
        self.digits = digits
        self.patches = patches
        self.augmented = None if augmented is None else np.asarray(augmented, dtype=np.float32)
        self.source = None if source is None else np.asarray(source)
        self.extra_patches = (
            None if extra_patches is None else np.asarray(extra_patches, dtype=np.float32)
        )
        self.extra_labels = None if extra_labels is None else np.asarray(extra_labels)
        if self.extra_labels is not None and (
            self.extra_patches is None or len(self.extra_labels) != len(self.extra_patches)
        ):
            raise SignalError("extra_labels needs extra_patches, one label per extra patch.")
        if self.extra_patches is not None and self.extra_patches.shape[1:] != patches.shape[1:]:
            raise SignalError(
                f"extra_patches have shape {self.extra_patches.shape[1:]} per patch, the clips' patches "
                f"{patches.shape[1:]}: make both the same way."
            )
        speakers = sorted(set(digits.speakers.tolist()))
        if speaker_groups is None or speaker_groups >= len(speakers):
            self.groups = [[s] for s in speakers]
        else:
            self.groups = [speakers[g::speaker_groups] for g in range(speaker_groups)]
        self.train = train_patch_autoencoder if train is None else train
        self.autoencoder_kwargs = autoencoder_kwargs
        self.progress = progress
        self._bar = None
        self.encoders = {}
        self.seconds = {}

    def __repr__(self) -> str:
        extra = (
            ""
            if self.extra_patches is None
            else (
                f", {len(self.extra_patches)} extra patches"
                + (" (labelled)" if self.extra_labels is not None else "")
            )
        )
        return (
            f"AutoencoderFeatures({len(self.patches)} clips{extra}, groups={self.groups}, "
            f"trained={list(self.encoders)})"
        )

    def without_extra_labels(self) -> AutoencoderFeatures:
        """The same features function, sharing the trained autoencoders, without the extra classifier rows.

        The autoencoders still learn from the extra patches (unlabelled);
        only the classifier no longer gets them as training speakers. Use it
        to measure what the extra speakers add.
        """
        import copy

        twin = copy.copy(self)  # shallow: encoders and seconds are the same dicts
        twin.extra_labels = None
        return twin

    def _training_rows(self, clip_indices):
        x, y = [self.patches[clip_indices]], [self.digits.labels[clip_indices]]
        if self.augmented is not None:
            keep = np.isin(self.source, clip_indices)
            x.append(self.augmented[keep])
            y.append(self.digits.labels[self.source[keep]])
        return np.concatenate(x), np.concatenate(y)

    def _encoder(self, name, clip_indices):
        import time

        if name not in self.encoders:
            x, _ = self._training_rows(clip_indices)
            if self.extra_patches is not None:
                x = np.concatenate([x, self.extra_patches])
            bar = self._progress_bar()
            started = time.perf_counter()
            self.encoders[name] = self.train(x, **self.autoencoder_kwargs)
            self.seconds[name] = time.perf_counter() - started
            bar.on_train_batch_end(bar.step)
            if bar.step == bar.total_steps:
                bar.on_train_end()
        return self.encoders[name]

    def _progress_bar(self):
        """The line that moves while the autoencoders train (a new one once a round is done)."""
        from .monitor import TrainingProgress

        if self._bar is None or self._bar.step >= self._bar.total_steps:
            self._bar = TrainingProgress(
                1 + len(self.groups),  # the standard split's and one per speaker group
                label="training the autoencoders",
                min_interval=0.0,
                show=self.progress,
                unit="autoencoders",
            )
            self._bar.on_train_begin()
        return self._bar

    def __call__(self, train, test):
        train, test = np.asarray(train), np.asarray(test)
        speakers = self.digits.speakers
        test_speakers = set(speakers[test].tolist())
        if test_speakers & set(speakers[train].tolist()):
            # Standard split: the same voices on both sides; train on exactly the training clips.
            name = f"split of {len(train)} training clips"
            encoder = self._encoder(name, train)
        else:
            group = next((g for g in self.groups if test_speakers <= set(g)), None)
            if group is None:
                name = "without " + ", ".join(sorted(test_speakers))
                allowed = np.flatnonzero(~np.isin(speakers, sorted(test_speakers)))
            else:
                name = "without " + ", ".join(group)
                allowed = np.flatnonzero(~np.isin(speakers, group))
            encoder = self._encoder(name, allowed)
        x_train, y_train = self._training_rows(train)
        if self.extra_labels is not None:
            x_train = np.concatenate([x_train, self.extra_patches])
            y_train = np.concatenate([y_train, self.extra_labels])
        return (
            encode_patches(encoder, x_train),
            y_train,
            encode_patches(encoder, self.patches[test]),
        )
