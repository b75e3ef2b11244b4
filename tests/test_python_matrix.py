"""scripts/test_pythons.py: it finds warnings in notebook outputs and reports every Python honestly."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "test_pythons.py"


@pytest.fixture(scope="module")
def matrix():
    spec = importlib.util.spec_from_file_location("test_pythons_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["test_pythons_script"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("test_pythons_script", None)


def write_notebook(path, outputs):
    cells = [
        {
            "cell_type": "code",
            "source": "x",
            "metadata": {},
            "execution_count": 1,
            "outputs": outputs,
        }
    ]
    path.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    return path


def test_a_future_warning_on_stderr_is_found(matrix, tmp_path):
    notebook = write_notebook(
        tmp_path / "09_x.ipynb",
        [
            {"output_type": "stream", "name": "stdout", "text": "fine\n"},
            {
                "output_type": "stream",
                "name": "stderr",
                "text": [
                    "lib.py:3: FutureWarning: griffinlim() keyword argument 'random_state' has been renamed\n"
                ],
            },
        ],
    )
    found = matrix.notebook_warnings(notebook)
    assert len(found) == 1 and "09_x.ipynb cell 0" in found[0] and "random_state" in found[0]


def test_a_clean_notebook_has_no_warnings(matrix, tmp_path):
    notebook = write_notebook(
        tmp_path / "clean.ipynb",
        [
            {
                "output_type": "execute_result",
                "data": {"text/plain": "42"},
                "metadata": {},
                "execution_count": 1,
            },
        ],
    )
    assert matrix.notebook_warnings(notebook) == []


def test_table_names_every_version_and_the_result(matrix):
    rows = [
        {
            "python": "3.13.0",
            "librosa": "1.0.0",
            "numpy": "2.5.5",
            "tensorflow": "2.21.0",
            "keras": "3.15.1",
            "package tests": "pass: 400 passed",
            "notebooks": "pass",
            "result": "pass",
        },
        {
            "python": "3.10.13",
            "librosa": "0.11.0",
            "numpy": "2.2.6",
            "tensorflow": "2.21.0",
            "keras": "3.12.4",
            "package tests": "FAIL: 1 failed",
            "notebooks": "skipped",
            "result": "FAIL",
        },
    ]
    table = matrix.to_markdown(rows)
    assert "| 3.13.0 | 1.0.0 | 2.5.5 | 2.21.0 | 3.15.1 | pass: 400 passed | pass | pass |" in table
    assert "| FAIL |" in table


def test_a_missing_python_fails_when_required(matrix, monkeypatch, tmp_path):
    monkeypatch.setattr(matrix, "find_python", lambda version: None)
    monkeypatch.setattr(matrix, "ROOT", tmp_path)
    assert matrix.main(["--pythons", "3.13", "--require"]) == 1
    assert "Not found here: Python 3.13" in (tmp_path / "build" / "test-pythons.md").read_text()
