"""The "Used in:" lines of course_utils' docstrings tell the truth about the notebooks.

scripts/update_used_in.py parses the notebooks' code cells; a docstring that names a notebook
which does not use the function (or module, or class) fails here. `python
scripts/update_used_in.py` rewrites the lines from the notebooks.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "update_used_in", ROOT / "scripts" / "update_used_in.py"
)
used_in = importlib.util.module_from_spec(spec)
sys.modules["update_used_in"] = used_in
spec.loader.exec_module(used_in)


@pytest.fixture(scope="module")
def found():
    return used_in.usage(ROOT)


def claims(modules):
    for target in used_in.targets(modules):
        line = used_in.claimed_line(ast.get_docstring(target.node, clean=True) or "")
        if line:
            yield target, line


def test_every_named_notebook_uses_what_the_docstring_says(found):
    users, stems, modules = found
    wrong = []
    for target, line in claims(modules):
        really = set(users.get((target.module.name, target.name), []))
        named = set(used_in.NOTEBOOK_NAME.findall(line))
        if "every notebook" in line:
            named |= set(stems)
        for notebook in sorted(named):
            if notebook not in stems:
                wrong.append(f"{target.label}: names {notebook}, which does not exist")
            elif notebook not in really:
                wrong.append(f"{target.label}: names {notebook}, which does not use it")
    assert not wrong, "run `python scripts/update_used_in.py`:\n" + "\n".join(wrong)


def missing_notebooks(found) -> list[str]:
    """Notebooks that use a name but are left out of its Used-in line."""
    users, stems, modules = found
    missing = []
    for target, line in claims(modules):
        named = set(used_in.NOTEBOOK_NAME.findall(line)) | (
            set(stems) if "every notebook" in line else set()
        )
        for notebook in sorted(set(users.get((target.module.name, target.name), [])) & set(stems)):
            if notebook not in named:
                missing.append(f"{target.label}: used by {notebook}, which its line leaves out")
    return missing


def test_no_notebook_is_missing_from_a_used_in_line(found):
    missing = missing_notebooks(found)
    assert not missing, "run `python scripts/update_used_in.py`:\n" + "\n".join(missing)


def test_a_notebook_left_out_of_a_line_is_caught(tiny_course):
    """Mutation case: after the rewrite every line is right; drop one notebook and the test sees it."""
    used_in.run(tiny_course)
    assert missing_notebooks(used_in.usage(tiny_course)) == []
    audio = tiny_course / "course_utils" / "audio.py"
    audio.write_text(
        audio.read_text().replace(
            "Used in: 00_a, benchmarks/codec.py.", "Used in: benchmarks/codec.py."
        )
    )
    assert missing_notebooks(used_in.usage(tiny_course)) == [
        "course_utils.audio.frame_signal: used by 00_a, which its line leaves out"
    ]
    assert used_in.run(tiny_course, check=True) == 1


def test_the_claims_are_checked_at_all(found):
    _, stems, modules = found
    assert len(stems) >= 11
    assert sum(1 for _ in claims(modules)) > 50


def write_notebook(path: Path, *cells: str) -> None:
    path.write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "source": cell,
                        "metadata": {},
                        "outputs": [],
                        "execution_count": None,
                    }
                    for cell in cells
                ]
                + [{"cell_type": "markdown", "source": "audio.frame_signal(", "metadata": {}}],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )


@pytest.fixture
def tiny_course(tmp_path):
    """A package with two modules (one re-exporting), two notebooks and a benchmark."""
    package = tmp_path / "course_utils"
    (package / "efficiency").mkdir(parents=True)
    (package / "__init__.py").write_text(
        '"""The package."""\nfrom .session import setup_notebook\n'
    )
    (package / "session.py").write_text(
        '"""Sessions.\n\nUsed in: 01_b.\n"""\n\n\ndef setup_notebook():\n    """Set up.\n\n    Used in: 01_b.\n    """\n'
    )
    (package / "audio.py").write_text(
        '"""Audio."""\n\n\ndef frame_signal(x):\n    """Frames.\n\n    Used in: 00_a, 01_b.\n    """\n\n\n'
        'def load(x):\n    """Load."""\n\n\ndef unused(x):\n    """Nobody.\n\n    Used in: course_utils internals.\n    """\n\n\n'
        'def _private(x):\n    """Private.\n\n    Used in: 00_a.\n    """\n'
    )
    (package / "efficiency" / "__init__.py").write_text(
        '"""Efficiency."""\nfrom .cost import flops\n'
    )
    (package / "efficiency" / "cost.py").write_text(
        '"""Cost."""\n\n\ndef flops(n):\n    """Count."""\n'
    )
    (tmp_path / "notebooks").mkdir()
    write_notebook(
        tmp_path / "notebooks" / "00_a.ipynb",
        "import course_utils\ncourse_utils.setup_notebook()",
        "from course_utils import audio as au, efficiency\n%matplotlib inline\nau.frame_signal(1)\nefficiency.flops(2)",
    )
    write_notebook(
        tmp_path / "notebooks" / "01_b.ipynb",
        "import course_utils.audio as a\nx = a.load",
        "from course_utils.session import setup_notebook\nsetup_notebook()",
    )
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "codec.py").write_text(
        "import course_utils\ncourse_utils.audio.frame_signal(3)\n"
    )
    (tmp_path / "scripts").mkdir()
    return tmp_path


def test_all_three_import_styles_are_found(tiny_course):
    users, stems, _ = used_in.usage(tiny_course)
    assert stems == ["00_a", "01_b"]
    assert users[("audio", "frame_signal")] == ["00_a", "benchmarks/codec.py"]
    assert users[("audio", "load")] == ["01_b"]
    assert users[("session", "setup_notebook")] == ["00_a", "01_b"]
    assert users[("efficiency.cost", "flops")] == ["00_a"], (
        "a re-export counts for the defining module"
    )
    assert ("audio", "unused") not in users and ("audio", "_private") not in users


def test_check_finds_wrong_lines_and_the_rewrite_fixes_them(tiny_course, capsys):
    assert used_in.run(tiny_course, check=True) == 1
    report = capsys.readouterr().out
    assert (
        "course_utils.audio.frame_signal: 'Used in: 00_a, 01_b.' -> 'Used in: 00_a, benchmarks/codec.py.'"
        in report
    )
    assert used_in.run(tiny_course) == 0
    audio = (tiny_course / "course_utils" / "audio.py").read_text()
    assert '    Used in: 00_a, benchmarks/codec.py.\n    """' in audio
    assert '"""Load.\n\n    Used in: 01_b.\n    """' in audio, (
        "a line is added where there was none"
    )
    assert "Used in: course_utils internals." in audio, "a note about internal use is kept"
    assert "every notebook" in (tiny_course / "course_utils" / "session.py").read_text()
    ast.parse(audio)
    capsys.readouterr()
    assert used_in.run(tiny_course, check=True) == 0


def test_a_public_name_without_a_line_fails_until_it_is_private_or_says_who_uses_it(
    tiny_course, capsys
):
    """Mutation case: a public function nobody outside the package uses, with no Used in line."""
    assert used_in.run(tiny_course) == 0
    capsys.readouterr()
    audio = tiny_course / "course_utils" / "audio.py"
    clean = audio.read_text()
    audio.write_text(clean + '\n\ndef helper(x):\n    """Help."""\n\n\ndef bare(x):\n    pass\n')
    assert used_in.run(tiny_course, check=True) == 1
    report = capsys.readouterr().out
    assert "course_utils.audio.helper has no Used in line" in report
    assert "course_utils.audio.bare has no docstring" in report
    assert "2 public name(s) need a hand-written change." in report
    assert used_in.run(tiny_course) == 1, "the rewrite cannot invent a line: it fails too"
    audio.write_text(
        clean + '\n\ndef _helper(x):\n    """Help."""\n\n\ndef helper2(x):\n'
        '    """Help.\n\n    Used in: course_utils internals (the loader).\n    """\n'
    )
    assert used_in.run(tiny_course, check=True) == 0, "private, or a note: both pass"


def test_a_command_line_main_names_its_command(tiny_course, capsys):
    used_in.run(tiny_course)
    session = tiny_course / "course_utils" / "session.py"
    clean = session.read_text()
    session.write_text(
        clean
        + '\n\ndef main(argv=None):\n    """Run.\n\n    Used in: course_utils internals.\n    """\n'
    )
    capsys.readouterr()
    assert used_in.run(tiny_course, check=True) == 1
    assert "course_utils.session.main is a command-line entry point" in capsys.readouterr().out
    session.write_text(
        clean + '\n\ndef main(argv=None):\n    """Run.\n\n'
        '    Used in: ``python -m course_utils session``.\n    """\n'
    )
    assert used_in.run(tiny_course, check=True) == 0


def test_a_private_modules_names_are_private_unless_a_public_module_exports_them(tiny_course):
    package = tiny_course / "course_utils"
    (package / "_inner.py").write_text(
        '"""Inner."""\n\n\ndef helper():\n    """Help."""\n\n\nclass Shown:\n    """Shown."""\n'
    )
    (package / "efficiency" / "__init__.py").write_text(
        '"""Efficiency."""\nfrom .cost import flops\nfrom .._inner import Shown\n\n__all__ = ["flops", "Shown"]\n'
    )
    labels = {target.label for target in used_in.targets(used_in.load_package(package))}
    assert "course_utils._inner.Shown" in labels, "exported by a public module's __all__"
    assert "course_utils._inner.helper" not in labels and "course_utils._inner" not in labels
    assert "course_utils" not in labels, "the package's own docstring is its module table"
    assert "course_utils.efficiency" in labels and "course_utils.audio.load" in labels


def test_every_public_name_of_the_package_has_its_line(found):
    """The real package: what `update_used_in.py --check` demands, as a test."""
    users, stems, modules = found
    problems = [
        f"{target.label} {trouble}"
        for target in used_in.targets(modules)
        if (trouble := used_in.problem(target, used_in.wanted_line(target, users, stems)))
    ]
    assert not problems, "\n".join(problems)
