"""setup_notebook: quiet, seeded, deterministic; importing course_utils does not import TensorFlow."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=180,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )


def test_import_does_not_load_tensorflow():
    result = run_python(
        """
        import sys, course_utils, course_utils.audio, course_utils.metrics, course_utils.data
        assert "tensorflow" not in sys.modules, "course_utils imported TensorFlow too early"
        """
    )
    assert result.returncode == 0, result.stderr


def test_tensorflow_is_quiet_and_training_is_deterministic():
    code = """
        import course_utils
        course_utils.setup_notebook(seed=3)
        import numpy as np
        from course_utils.models import build_dense_autoencoder
        from course_utils.training import fit_autoencoder
        frames = np.random.default_rng(0).normal(size=(256, 32)).astype("float32")
        model, _, _ = build_dense_autoencoder(32, 4, hidden_sizes=(16,))
        history = fit_autoencoder(model, frames, steps=40, batch_size=32)
        print(repr(history.history["loss"][-1]))
    """
    first, second = run_python(code), run_python(code)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    # No C++ INFO/WARNING lines from TensorFlow (they start with a date and "I "/"W ").
    noisy = [line for line in first.stderr.splitlines() if "cpu_feature_guard" in line or "oneDNN" in line]
    assert not noisy, noisy


def test_late_setup_warns():
    result = run_python(
        """
        import warnings, tensorflow, course_utils
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            course_utils.setup_notebook(style=False)
        assert any("before setup_notebook" in str(w.message) for w in caught)
        """
    )
    assert result.returncode == 0, result.stderr


def test_unknown_submodule_is_an_attribute_error():
    import pytest

    import course_utils

    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        course_utils.nonsense  # noqa: B018
