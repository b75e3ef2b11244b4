"""Autoencoder codes as features: trained inside each split, never on the held-out voice."""

from __future__ import annotations

import numpy as np
import pytest
from spoken_words import toy_digits

from course_utils import code_features, recognition
from course_utils.errors import SignalError


@pytest.mark.slow
def test_autoencoder_features_never_train_on_the_held_out_speaker():
    digits = toy_digits(speakers=("ann", "bob", "cho", "dev"), takes=range(6))
    rng = np.random.default_rng(0)
    patches = (
        np.eye(10)[digits.labels][:, :, None] * np.ones((1, 1, 4)) * 3
        + 0.1 * rng.standard_normal((len(digits), 10, 4))
    ).astype(np.float32)
    trained_on = []

    class Recording(code_features.AutoencoderFeatures):
        def _training_rows(self, clip_indices):
            trained_on.append(set(self.digits.speakers[clip_indices].tolist()))
            return super()._training_rows(clip_indices)

    autoencoder = Recording(
        digits, patches, speaker_groups=2, code_size=4, hidden_sizes=(8,), steps=5
    )
    loso = recognition.evaluate_leave_one_speaker_out(autoencoder, digits)
    assert len(autoencoder.encoders) == 2  # one per group, not one per speaker
    for group in autoencoder.groups:
        assert f"without {', '.join(group)}" in autoencoder.encoders
    assert 0.0 <= loso.accuracy <= 1.0
    standard = recognition.evaluate_standard_split(autoencoder, digits)
    assert len(autoencoder.encoders) == 3 and 0.0 <= standard.accuracy <= 1.0
    codes = code_features.encode_patches(next(iter(autoencoder.encoders.values())), patches)
    assert codes.shape == (len(digits), 4) and np.isfinite(codes).all()


@pytest.mark.slow
def test_extra_patches_train_the_autoencoder_and_extra_labels_the_classifier():
    digits = toy_digits(speakers=("ann", "bob", "cho"), takes=range(6))
    rng = np.random.default_rng(0)
    patches = rng.standard_normal((len(digits), 6, 4)).astype(np.float32)
    extra = rng.standard_normal((7, 6, 4)).astype(np.float32)
    extra_labels = np.arange(7) % 10
    sizes = []

    def recording_trainer(x, **kwargs):
        sizes.append(len(x))
        return real_trainer(x, **kwargs)

    real_trainer = code_features.train_patch_autoencoder
    code_features.train_patch_autoencoder = recording_trainer
    try:
        labelled = code_features.AutoencoderFeatures(
            digits,
            patches,
            speaker_groups=None,
            extra_patches=extra,
            extra_labels=extra_labels,
            code_size=3,
            hidden_sizes=(8,),
            steps=3,
        )
        train, test = (
            np.flatnonzero(digits.speakers != "ann"),
            np.flatnonzero(digits.speakers == "ann"),
        )
        x_train, y_train, x_test = labelled(train, test)
        assert sizes == [
            len(train) + len(extra)
        ]  # the autoencoder learnt from the extra patches too
        assert len(x_train) == len(train) + len(extra) and np.array_equal(
            y_train[len(train) :], extra_labels
        )
        assert len(x_test) == len(test)
        plain = labelled.without_extra_labels()
        x_plain, y_plain, _ = plain(train, test)
        assert sizes == [len(train) + len(extra)]  # shares the trained autoencoder: no new training
        assert len(x_plain) == len(train) and np.array_equal(y_plain, digits.labels[train])
        assert np.allclose(x_plain, x_train[: len(train)])
        assert labelled.extra_labels is not None and "labelled" in repr(labelled)
    finally:
        code_features.train_patch_autoencoder = real_trainer
    with pytest.raises(SignalError, match="extra_labels"):
        code_features.AutoencoderFeatures(digits, patches, extra_labels=extra_labels)
    with pytest.raises(SignalError, match="extra_patches have shape"):
        code_features.AutoencoderFeatures(digits, patches, extra_patches=np.zeros((2, 5, 4)))


def test_patch_rows_add_the_copies_of_training_clips_only_and_the_extra_voices():
    digits = toy_digits(speakers=("ann", "bob"), takes=range(3))
    patches = np.arange(len(digits), dtype=np.float32)[:, None, None] * np.ones((1, 2, 3))
    source = np.repeat(np.arange(len(digits)), 2)  # two copies of every clip
    augmented = patches[source] + 1000.0
    extra, extra_labels = np.full((4, 2, 3), -1.0), np.array([1, 2, 3, 4])
    train, test = np.arange(0, 10), np.arange(10, len(digits))
    x, y, x_test = code_features.patch_rows(digits, patches, augmented, source)(train, test)
    assert len(x) == 3 * len(train) and np.array_equal(x_test, patches[test])
    assert set(np.unique(x[len(train) :, 0, 0] - 1000.0)) == set(train.astype(float))
    assert np.array_equal(y[len(train) :], digits.labels[np.repeat(train, 2)])
    rows = code_features.patch_rows(
        digits, patches, augmented, source, extra_patches=extra, extra_labels=extra_labels
    )
    x, y, _ = rows(train, test)
    assert len(x) == 3 * len(train) + 4 and np.array_equal(y[-4:], extra_labels)


@pytest.mark.slow
def test_autoencoder_features_train_with_the_function_they_are_given():
    digits = toy_digits(speakers=("ann", "bob", "cho"), takes=range(6))
    patches = np.random.default_rng(0).standard_normal((len(digits), 6, 4)).astype(np.float32)
    given = []

    def train(x, code_size, steps, seed):
        given.append(len(x))
        return code_features.train_patch_autoencoder(x, code_size=code_size, steps=steps, seed=seed)

    features = code_features.AutoencoderFeatures(
        digits, patches, speaker_groups=None, train=train, code_size=3, steps=2, seed=0
    )
    recognition.evaluate_leave_one_speaker_out(features, digits)
    assert given == [2 * 60] * 3  # one autoencoder per held-out speaker, on the other two's clips


@pytest.mark.slow
def test_a_line_moves_while_the_autoencoders_train_and_ends_on_the_count(capsys):
    """#23 item 5: 10_recognition's cell trains five autoencoders; a line counts them as they train."""
    digits = toy_digits(speakers=("ann", "bob", "cho"), takes=range(6))
    patches = np.random.default_rng(0).standard_normal((len(digits), 6, 4)).astype(np.float32)
    trained = []

    def train(x, code_size, steps, seed):
        trained.append(features._bar.step)  # the bar has not counted this one yet
        return code_features.train_patch_autoencoder(x, code_size=code_size, steps=steps, seed=seed)

    features = code_features.AutoencoderFeatures(
        digits,
        patches,
        speaker_groups=None,
        train=train,
        progress=True,
        code_size=3,
        steps=2,
        seed=0,
    )
    recognition.evaluate_both(features, digits)
    assert trained == [0, 1, 2, 3]  # the standard split's autoencoder, then one per speaker
    # Outside a notebook only the end line is printed, once, when the last autoencoder is trained.
    assert capsys.readouterr().out == "trained [" + "#" * 24 + "] 4/4 autoencoders\n"
    quiet = code_features.AutoencoderFeatures(
        digits, patches, speaker_groups=None, train=train, code_size=3, steps=2, seed=0
    )
    recognition.evaluate_standard_split(quiet, digits)  # the default: shown in a notebook only
    assert capsys.readouterr().out == ""
