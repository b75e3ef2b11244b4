"""Augmentation: seeded, switchable piece by piece, patches that depend only on their clip."""

from __future__ import annotations

import numpy as np
import pytest
from spoken_words import SR, word

from course_utils import augmentation
from course_utils.errors import SettingError


def test_augmentation_is_deterministic_given_a_seed_and_changes_the_signal():
    clip = word()
    first = augmentation.augment_clip(clip, SR, np.random.default_rng(7))
    again = augmentation.augment_clip(clip, SR, np.random.default_rng(7))
    other = augmentation.augment_clip(clip, SR, 8)
    np.testing.assert_array_equal(first, again)
    assert first.dtype == np.float32 and np.isfinite(first).all() and np.abs(first).max() <= 1.0
    assert len(first) != len(clip) or not np.allclose(first, clip)
    assert len(first) != len(other) or not np.allclose(first, other)


def test_augmentation_can_be_switched_off_piece_by_piece():
    clip = word()
    same = augmentation.augment_clip(
        clip,
        SR,
        0,
        speed=None,
        gain_db=None,
        snr_db=None,
        tilt=None,
        reverb_probability=0,
        shift_seconds=0,
    )
    np.testing.assert_allclose(same, clip, atol=1e-6)
    noisy = augmentation.augment_clip(
        clip,
        SR,
        0,
        speed=None,
        gain_db=None,
        snr_db=(10.0, 10.0),
        tilt=None,
        reverb_probability=0,
        shift_seconds=0,
    )
    loud = np.abs(clip) > 0.1 * np.abs(clip).max()
    snr = 10 * np.log10(np.mean(clip[loud] ** 2) / np.mean((noisy - clip) ** 2))
    assert 8.0 < snr < 12.0


def test_augmentation_rejects_a_bad_rng():
    with pytest.raises(SettingError, match="Generator"):
        augmentation.augment_clip(word(), SR, rng="seed")


def test_augmented_patches_shapes_sources_and_determinism():
    clips = [word(seed=1), word(seconds=0.3, seed=2, f0=200.0)]
    patches, source = augmentation.augmented_patches(clips, SR, copies=3, seed=5)
    again, _ = augmentation.augmented_patches(clips, SR, copies=3, seed=5)
    alone, _ = augmentation.augmented_patches(clips[:1], SR, copies=3, seed=5)
    assert patches.shape == (6, 40, 32) and np.isfinite(patches).all()
    np.testing.assert_array_equal(source, [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(patches, again)
    np.testing.assert_array_equal(patches[:3], alone)  # a clip's copies do not depend on the others
    assert not np.allclose(patches[0], patches[1])
    with pytest.raises(SettingError, match="copies"):
        augmentation.augmented_patches(clips, SR, copies=0)
