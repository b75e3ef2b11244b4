"""Write each public course_utils function's "Used in:" docstring line from the code that calls it.

The notebooks' code cells are parsed (``ast``), not searched as text. A notebook uses
``course_utils.<module>.<name>`` when a code cell

- imports it: ``from course_utils.audio import frame_signal``;
- reaches it through an imported module: ``from course_utils import audio`` or
  ``import course_utils.audio as au``, then ``audio.frame_signal`` / ``au.frame_signal``;
- reaches it from the package: ``import course_utils``, then ``course_utils.setup_notebook(...)``
  or ``course_utils.audio.frame_signal(...)``.

A module is used by a notebook that imports it or uses anything in it. Names a module re-exports
(``from .cost import dense_autoencoder_cost`` in ``efficiency/__init__.py``) count for the module
that defines them. The benchmarks and scripts are parsed the same way and named as extras
(``benchmarks/codec.py``) after the notebooks.

    python scripts/update_used_in.py            # rewrite the lines in course_utils/
    python scripts/update_used_in.py --check    # list what differs; exit 1 if anything does
    python scripts/update_used_in.py --check course_utils/session.py   # only these files

Lines are generated for public functions and classes at a module's top level and for
module docstrings. A line that names no notebook and no extra (for example "course_utils
internals") is kept when nothing outside the package uses the name; a line that names
notebooks which do not use the name becomes "Used in: no notebook.".

What is public, and what ``--check`` demands of it:

- A name is public when it has no leading underscore and its module is public. A module is
  private when a part of its name has one (``_scoring``, ``exercises._core``; ``__main__`` is
  the command line, public); its names are the package's own, except those a public module
  re-exports in its ``__all__`` (``Exercise`` in ``course_utils.exercises``). The package's own
  docstring (its module table) is not a target: every notebook imports the package.
- Every public name has a docstring with a "Used in:" line. Nobody outside the package uses a
  name that has none? Then make it private (a leading underscore), or, when it is meant for
  other code, write a note of what uses it (``Used in: course_utils internals (...).``).
- A command-line entry point, a public function named ``main``, names the command that runs it
  between double backquotes: ``Used in: ``python -m course_utils doctor``, ``make doctor``.``.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "course_utils"
EXTRA_FOLDERS = ("benchmarks", "scripts")
USED_IN = re.compile(r"^(?P<indent>\s*)Used in:")
NOTEBOOK_NAME = re.compile(r"\b\d\d_[a-z0-9_]+\b")
COMMAND = re.compile(r"``(python -m |make )[^`]+``")
WIDTH = 100


# --- what the package defines --------------------------------------------------------------------


@dataclass
class Module:
    name: str  # "audio", "efficiency.cost", "" for the package itself
    path: Path
    tree: ast.Module
    defined: dict[str, ast.AST] = field(
        default_factory=dict
    )  # public top-level functions and classes
    reexports: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (module, name)
    exported: set[str] = field(default_factory=set)  # the names in its __all__

    @property
    def private(self) -> bool:
        """``_scoring``, ``exercises._core``: a part with one leading underscore (not ``__main__``)."""
        return any(
            part.startswith("_") and not (part.startswith("__") and part.endswith("__"))
            for part in self.name.split(".")
            if part
        )


def _module_name(path: Path, package_dir: Path) -> str:
    parts = list(path.relative_to(package_dir).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve_relative(module: Module, node: ast.ImportFrom) -> str | None:
    """The package-relative module an ``from . import`` / ``from .x import`` in ``module`` names."""
    if node.level == 0:
        if node.module == PACKAGE:
            return ""
        if node.module and node.module.startswith(PACKAGE + "."):
            return node.module[len(PACKAGE) + 1 :]
        return None
    base = module.name.split(".") if module.name else []
    if module.path.name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def load_package(package_dir: Path) -> dict[str, Module]:
    modules = {}
    for path in sorted(package_dir.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        module = Module(_module_name(path, package_dir), path, tree)
        for node in tree.body:
            if isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
            ) and not node.name.startswith("_"):
                module.defined[node.name] = node
            elif isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
            ):
                try:
                    module.exported = set(ast.literal_eval(node.value))
                except ValueError:
                    pass
        modules[module.name] = module
    for module in modules.values():
        for node in module.tree.body:
            if isinstance(node, ast.ImportFrom):
                source = _resolve_relative(module, node)
                if source is None:
                    continue
                for alias in node.names:
                    module.reexports[alias.asname or alias.name] = (source, alias.name)
    return modules


def resolve(
    modules: dict[str, Module], module_name: str, name: str, depth: int = 0
) -> tuple[str, str] | None:
    """The (module, name) that defines ``module_name.name``, following re-exports."""
    module = modules.get(module_name)
    if module is None or depth > 10:
        return None
    if name in module.defined:
        return module_name, name
    if name in module.reexports:
        return resolve(modules, *module.reexports[name], depth + 1)
    return None


# --- what a piece of code uses ----------------------------------------------------------------------


def _strip_magics(source: str) -> str:
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def _submodule(modules, parent: str, name: str) -> str | None:
    candidate = f"{parent}.{name}" if parent else name
    return candidate if candidate in modules else None


def uses_in_code(source: str, modules: dict[str, Module]) -> set[tuple[str, str | None]]:
    """``{(module, name)}`` the code uses; ``(module, None)`` means the module itself."""
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return set()
    used: set[tuple[str, str | None]] = set()
    aliases: dict[str, str] = {}  # local name -> package-relative module ("" is the package)

    def use(module_name: str, name: str) -> None:
        target = resolve(modules, module_name, name)
        if target:
            used.add(target)
            used.add((target[0], None))
        submodule = _submodule(modules, module_name, name)
        if submodule is not None:
            used.add((submodule, None))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    relative = alias.name[len(PACKAGE) + 1 :] if alias.name != PACKAGE else ""
                    if relative:
                        used.add((relative, None))
                    if alias.asname:
                        aliases[alias.asname] = relative
                    else:
                        aliases[PACKAGE] = ""
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module != PACKAGE and not node.module.startswith(PACKAGE + "."):
                continue
            relative = node.module[len(PACKAGE) + 1 :] if node.module != PACKAGE else ""
            if relative:
                used.add((relative, None))
            for alias in node.names:
                submodule = _submodule(modules, relative, alias.name)
                if submodule is not None:
                    aliases[alias.asname or alias.name] = submodule
                    used.add((submodule, None))
                else:
                    use(relative, alias.name)
    # Attribute chains on the aliases: course_utils.audio.frame_signal, au.frame_signal, ...
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        chain = []
        current = node
        while isinstance(current, ast.Attribute):
            chain.append(current.attr)
            current = current.value
        if not isinstance(current, ast.Name) or current.id not in aliases:
            continue
        module_name = aliases[current.id]
        for attribute in reversed(chain):
            submodule = _submodule(modules, module_name, attribute)
            if submodule is not None:
                used.add((submodule, None))
                module_name = submodule
                continue
            use(module_name, attribute)
            break
    return used


def notebook_code(path: Path) -> str:
    notebook = json.loads(path.read_text())
    cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    return "\n\n".join(
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for cell in cells
    )


def notebooks(root: Path = ROOT) -> list[Path]:
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def usage(
    root: Path = ROOT,
) -> tuple[dict[tuple[str, str | None], list[str]], list[str], dict[str, Module]]:
    """``{(module, name or None): [users]}`` (notebook stems first, then extras), notebook stems, modules."""
    modules = load_package(root / PACKAGE)
    users: dict[tuple[str, str | None], list[str]] = {}
    stems = []
    for path in notebooks(root):
        stems.append(path.stem)
        for key in uses_in_code(notebook_code(path), modules):
            users.setdefault(key, []).append(path.stem)
    for folder in EXTRA_FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            if "__pycache__" in path.parts or path.resolve() == Path(__file__).resolve():
                continue
            for key in uses_in_code(path.read_text(), modules):
                users.setdefault(key, []).append(path.relative_to(root).as_posix())
    return users, stems, modules


# --- the docstring lines -----------------------------------------------------------------------------


def used_in_text(users: list[str], all_notebooks: list[str]) -> str | None:
    """``Used in: 03_building_the_autoencoder, benchmarks/codec.py.`` (None when nobody uses it)."""
    if not users:
        return None
    in_notebooks = [user for user in users if user in all_notebooks]
    extras = [user for user in users if user not in all_notebooks]
    if all_notebooks and len(in_notebooks) == len(all_notebooks):
        in_notebooks = ["every notebook"]
    return "Used in: " + ", ".join(in_notebooks + extras) + "."


def docstring_node(node) -> ast.Constant | None:
    body = getattr(node, "body", None)
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        return body[0].value
    return None


def claimed_line(docstring: str) -> str | None:
    """The docstring's "Used in:" text, continuation lines joined."""
    lines = docstring.splitlines()
    for index, line in enumerate(lines):
        if USED_IN.match(line):
            parts = [line.strip()]
            for more in lines[index + 1 :]:
                if not more.strip():
                    break
                parts.append(more.strip())
            return " ".join(parts)
    return None


@dataclass
class Target:
    module: Module
    name: str | None  # None: the module docstring
    node: ast.AST

    @property
    def label(self) -> str:
        where = f"{PACKAGE}.{self.module.name}" if self.module.name else PACKAGE
        return f"{where}.{self.name}" if self.name else where


def public_names(modules: dict[str, Module]) -> set[tuple[str, str]]:
    """``{(module, name)}`` of the private modules' names that a public module exports."""
    found = set()
    for module in modules.values():
        if module.private:
            continue
        for name in module.exported & set(module.reexports):
            target = resolve(modules, *module.reexports[name])
            if target and modules[target[0]].private:
                found.add(target)
    return found


def targets(modules: dict[str, Module]):
    """The module docstrings and names that carry a Used in line: the public ones."""
    exported = public_names(modules)
    for module in modules.values():
        if not module.private and module.name:
            yield Target(module, None, module.tree)
        for name, node in module.defined.items():
            if not module.private or (module.name, name) in exported:
                yield Target(module, name, node)


def problem(target: Target, wanted: str | None) -> str | None:
    """What ``--check`` cannot rewrite: a public name with no docstring, no line, or no command."""
    if docstring_node(target.node) is None:
        return "has no docstring: write one (with its Used in line), or make the name private"
    if wanted is None:
        return (
            "has no Used in line and nothing outside the package uses it: make it private "
            "(a leading underscore), or say what uses it (Used in: course_utils internals (...).)"
        )
    if target.name == "main" and isinstance(target.node, ast.FunctionDef):
        if not COMMAND.search(wanted):
            return "is a command-line entry point: name its command (Used in: ``python -m ...``.)"
    return None


def wanted_line(target: Target, users, stems) -> str | None:
    key = (target.module.name, target.name)
    text = used_in_text(users.get(key, []), stems)
    if text is not None:
        return text
    docstring = ast.get_docstring(target.node, clean=True) or ""
    current = claimed_line(docstring)
    if (
        current
        and not NOTEBOOK_NAME.search(current)
        and "notebook" not in current
        and "benchmarks" not in current
    ):
        return current  # a hand-written note about internal use, e.g. "course_utils internals"
    return "Used in: no notebook." if current else None


def _rewrite(source_lines: list[str], constant: ast.Constant, line: str | None) -> bool:
    """Replace (or add, or remove) the Used in line of the docstring ``constant``; True if changed."""
    start, end = constant.lineno - 1, constant.end_lineno - 1
    block = source_lines[start : end + 1]
    for index, text in enumerate(block):
        match = USED_IN.match(text)
        if not match or (index == 0 and not text.lstrip().startswith("Used in:")):
            continue
        stop = index + 1
        while (
            stop < len(block)
            and block[stop].strip()
            and not block[stop].strip().startswith(('"""', "'''"))
        ):
            stop += 1
        tail = ""
        last = block[stop - 1].rstrip("\n")
        for quote in ('"""', "'''"):
            if last.rstrip().endswith(quote):
                tail = quote
        indent = match.group("indent")
        new = [] if line is None else _wrapped(line, indent)
        if tail:
            new = new[:-1] + [new[-1].rstrip("\n") + tail + "\n"] if new else [indent + tail + "\n"]
        if block[index:stop] == new:
            return False
        source_lines[start + index : start + stop] = new
        return True
    if line is None:
        return False
    # No Used in line yet: add one before the closing quotes.
    closing = block[-1]
    indent = re.match(r"\s*", source_lines[start]).group(0)
    if constant.col_offset == 0 and not indent:
        indent = ""
    if len(block) == 1:
        text = closing.rstrip("\n")
        quote = '"""' if text.rstrip().endswith('"""') else "'''"
        head = text.rstrip()[: -len(quote)]
        source_lines[start : start + 1] = [
            head + "\n",
            "\n",
            *_wrapped(line, indent),
            indent + quote + "\n",
        ]
        return True
    if closing.strip() in ('"""', "'''"):
        insert = ["\n"] if block[-2].strip() else []
        source_lines[end:end] = insert + _wrapped(line, indent)
    else:  # text and closing quotes on the last line
        text = closing.rstrip("\n")
        quote = '"""' if text.rstrip().endswith('"""') else "'''"
        source_lines[end : end + 1] = [
            text.rstrip()[: -len(quote)] + "\n",
            "\n",
            *_wrapped(line, indent),
            indent + quote + "\n",
        ]
    return True


def _wrapped(line: str, indent: str) -> list[str]:
    return [
        text + "\n"
        for text in textwrap.wrap(
            line,
            width=WIDTH,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )
    ]


def run(root: Path = ROOT, check: bool = False, only: list[Path] | None = None, out=None) -> int:
    out = out or sys.stdout
    users, stems, modules = usage(root)
    only_paths = {path.resolve() for path in only} if only else None
    by_file: dict[Path, list[Target]] = {}
    for target in targets(modules):
        if only_paths is None or target.module.path.resolve() in only_paths:
            by_file.setdefault(target.module.path, []).append(target)
    differences = 0
    problems = []
    for path, file_targets in sorted(by_file.items()):
        source_lines = path.read_text().splitlines(keepends=True)
        # Bottom to top, so earlier line numbers stay valid while lines are replaced.
        for target in sorted(
            file_targets,
            key=lambda t: -(docstring_node(t.node).lineno if docstring_node(t.node) else 0),
        ):
            constant = docstring_node(target.node)
            wanted = wanted_line(target, users, stems)
            trouble = problem(target, wanted)
            if trouble:
                problems.append(f"{path.relative_to(root)}: {target.label} {trouble}")
            if constant is None:
                continue
            current = claimed_line(ast.get_docstring(target.node, clean=True) or "")
            if current == wanted:
                continue
            differences += 1
            print(f"{path.relative_to(root)}: {target.label}: {current!r} -> {wanted!r}", file=out)
            if not check:
                _rewrite(source_lines, constant, wanted)
        if not check:
            new_text = "".join(source_lines)
            if new_text != path.read_text():
                path.write_text(new_text)
    for text in problems:
        print(text, file=out)
    if check:
        print(
            f"{differences} docstring line(s) differ from what the notebooks use."
            if differences
            else "Every Used in line agrees with the notebooks.",
            file=out,
        )
        if problems:
            print(f"{len(problems)} public name(s) need a hand-written change.", file=out)
        return 1 if differences or problems else 0
    print(f"{differences} docstring line(s) rewritten.", file=out)
    if problems:
        print(f"{len(problems)} public name(s) need a hand-written change.", file=out)
    return 1 if problems else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only list the lines that differ; exit 1 if any"
    )
    parser.add_argument(
        "files", nargs="*", type=Path, help="only these course_utils files (default: all)"
    )
    args = parser.parse_args(argv)
    return run(check=args.check, only=args.files or None)


if __name__ == "__main__":
    sys.exit(main())
