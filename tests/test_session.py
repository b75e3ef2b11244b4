"""setup_notebook: quiet, seeded, deterministic; importing course_utils does not import TensorFlow."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=180,
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
    noisy = [
        line
        for line in first.stderr.splitlines()
        if "cpu_feature_guard" in line or "oneDNN" in line
    ]
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

    with pytest.raises(AttributeError, match="nonsense"):  # lazy_loader's wording
        course_utils.nonsense  # noqa: B018


def test_setup_notebook_shows_one_readable_line():
    result = run_python(
        """
        import course_utils
        info = course_utils.setup_notebook(seed=4, tensorflow=False, style=False)
        print(repr(info))
        print(info["seed"], sorted(info))
        """
    )
    assert result.returncode == 0, result.stderr
    line, keys = result.stdout.splitlines()
    assert line.startswith("Notebook ready: seed 4, NumPy ") and "{" not in line
    assert keys == "4 ['numpy', 'seed']"


def test_no_late_setup_warning_when_the_environment_was_already_set():
    """The tests' conftest (and the Makefile, binder/start) set TF's environment before it loads."""
    result = run_python(
        """
        import os, warnings
        from course_utils.session import TF_ENVIRONMENT
        os.environ.update(TF_ENVIRONMENT)
        import tensorflow, course_utils
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            course_utils.setup_notebook(style=False)
        """
    )
    assert result.returncode == 0, result.stderr


def test_a_name_error_in_a_notebook_says_to_run_the_cells_above(tmp_path):
    """In a real kernel: after setup_notebook, a NameError's traceback ends with the hint."""
    import nbformat
    from nbclient import NotebookClient

    from course_utils.session import NAME_ERROR_HINT

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import course_utils\ncourse_utils.setup_notebook(tensorflow=False, style=False)"
        ),
        nbformat.v4.new_code_cell("frames_defined_in_an_earlier_cell.shape"),
        nbformat.v4.new_code_cell("{}['a key']"),
    ]
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    first, name_error, key_error = (cell.outputs for cell in notebook.cells)
    assert first[0]["data"]["text/plain"].startswith("Notebook ready: seed 0")
    (error,) = [output for output in name_error if output["output_type"] == "error"]
    assert error["ename"] == "NameError"
    assert error["traceback"][-1] == NAME_ERROR_HINT
    assert "Run > Run All Cells" in NAME_ERROR_HINT and "cells above" in NAME_ERROR_HINT
    (other,) = [output for output in key_error if output["output_type"] == "error"]
    assert other["ename"] == "KeyError" and NAME_ERROR_HINT not in other["traceback"]


def test_name_error_hint_is_only_installed_inside_ipython():
    from course_utils.session import _install_name_error_hint

    assert _install_name_error_hint() is False
