"""The package follows its own rules: explicit __all__, and docstrings that name their notebooks."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import course_utils

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = {path.stem for path in (ROOT / "notebooks").glob("*.ipynb")}
MODULES = sorted(
    info.name for info in pkgutil.iter_modules(course_utils.__path__)
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
        assert match, f"course_utils.{name}.{public}: the docstring does not say which notebooks use it"
        named = set(re.findall(r"\b(\d\d_[a-z_]+[a-z])", match.group(1)))
        missing = named - NOTEBOOKS
        assert not missing, f"course_utils.{name}.{public} names notebooks that do not exist: {missing}"


def test_every_module_is_listed_as_a_lazy_submodule():
    assert set(MODULES) <= course_utils._SUBMODULES | {"session"}
