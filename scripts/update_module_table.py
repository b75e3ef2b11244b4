"""Write the module table in ``course_utils/__init__.py``'s docstring from the package itself.

The modules and their order come from ``course_utils/__init__.pyi`` (the stub lazy_loader
reads), each description from the first line of that module's docstring, so the table lists
every module and says what each module says of itself.

    python scripts/update_module_table.py            # rewrite the table
    python scripts/update_module_table.py --check    # exit 1 if the table is not what it would write
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course_utils"
BEGIN = "One module per concern, in the order the course meets them:\n\n"
END = "\n\nImporting ``course_utils``"


def stub_modules(package: Path = PACKAGE) -> list[str]:
    """The submodules ``__init__.pyi`` lists, in its order."""
    tree = ast.parse((package / "__init__.pyi").read_text(encoding="utf-8"))
    return [
        alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None
        for alias in node.names
    ]


def first_line(package: Path, name: str) -> str:
    path = package / name / "__init__.py" if (package / name).is_dir() else package / f"{name}.py"
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    line = doc.strip().splitlines()[0] if doc.strip() else ""
    if not line:
        raise SystemExit(
            f"{path} has no docstring: its first line describes the module in the table."
        )
    return line.rstrip(".")


def table(package: Path = PACKAGE) -> str:
    rows = [(f"``{name}``", first_line(package, name)) for name in stub_modules(package)]
    left = max(len(cell) for cell, _ in rows)
    right = max(len(text) for _, text in rows)
    rule = f"{'=' * left}  {'=' * right}"
    return "\n".join([rule, *(f"{cell:<{left}}  {text}" for cell, text in rows), rule])


def rewritten(package: Path = PACKAGE) -> tuple[str, str]:
    """``(current, expected)`` text of ``__init__.py``."""
    path = package / "__init__.py"
    text = path.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(
            f"{path}: the docstring lost the lines around its module table ({BEGIN.strip()!r})."
        )
    return text, text[: start + len(BEGIN)] + table(package) + text[end:]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only check; exit 1 if the table is stale"
    )
    args = parser.parse_args(argv)
    current, expected = rewritten()
    if current == expected:
        print("The module table in course_utils/__init__.py is up to date.")
        return 0
    if args.check:
        print(
            "course_utils/__init__.py: the module table is stale; run python scripts/update_module_table.py"
        )
        return 1
    (PACKAGE / "__init__.py").write_text(expected, encoding="utf-8")
    print("Rewrote the module table in course_utils/__init__.py.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
