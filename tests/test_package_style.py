"""The package follows its own rules: explicit __all__, and docstrings that name their notebooks."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import course_utils

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = {path.stem for path in (ROOT / "notebooks").glob("*.ipynb")}
MODULES = sorted(
    info.name
    for info in pkgutil.iter_modules(course_utils.__path__)
    if not info.name.startswith("_") and info.name != "exercises"
)


@pytest.mark.parametrize("name", MODULES)
def test_module_declares_all_and_documents_each_public_name(name):
    module = importlib.import_module(f"course_utils.{name}")
    assert module.__doc__, f"course_utils.{name} has no module docstring"
    assert hasattr(module, "__all__"), f"course_utils.{name} has no __all__"
    for public in module.__all__:
        value = getattr(module, public)
        if not (inspect.isfunction(value) or inspect.isclass(value)):
            continue
        doc = inspect.getdoc(value) or ""
        if inspect.isclass(value) and issubclass(value, Exception):
            continue
        match = re.search(r"Used in:(.*)", doc, flags=re.DOTALL)
        assert match, (
            f"course_utils.{name}.{public}: the docstring does not say which notebooks use it"
        )
        named = set(re.findall(r"\b(\d\d_[a-z_]+[a-z])", match.group(1)))
        missing = named - NOTEBOOKS
        assert not missing, (
            f"course_utils.{name}.{public} names notebooks that do not exist: {missing}"
        )


def _module_table_script():
    spec = importlib.util.spec_from_file_location(
        "update_module_table", ROOT / "scripts" / "update_module_table.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dir_and_the_stub_list_every_module():
    """dir(course_utils) (Tab completion) lists every module, read lazily from __init__.pyi."""
    every = {
        info.name
        for info in pkgutil.iter_modules(course_utils.__path__)
        if not info.name.startswith("_")
    }
    assert every <= set(dir(course_utils))
    assert set(_module_table_script().stub_modules()) == every
    assert "setup_notebook" in dir(course_utils) and course_utils.__all__ == [
        "setup_notebook",
        "__version__",
    ]
    for name in every:  # each resolves to its module on first use
        assert getattr(course_utils, name).__name__ == f"course_utils.{name}"


def test_module_table_is_generated_from_the_modules(tmp_path):
    """The docstring's table is what scripts/update_module_table.py writes; a changed first line shows."""
    import shutil

    script = _module_table_script()
    current, expected = script.rewritten()
    assert current == expected, "run python scripts/update_module_table.py"
    assert all(f"``{name}``" in current for name in script.stub_modules())
    copy = tmp_path / "course_utils"
    shutil.copytree(ROOT / "course_utils", copy, ignore=shutil.ignore_patterns("__pycache__"))
    audio = copy / "audio.py"
    audio.write_text(
        audio.read_text(encoding="utf-8").replace(
            '"""Loading audio and cutting it into frames.',
            '"""Loading, checking and framing audio.',
            1,
        ),
        encoding="utf-8",
    )
    stale, fresh = script.rewritten(copy)
    assert stale != fresh and "Loading, checking and framing audio" in fresh
