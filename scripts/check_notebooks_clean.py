"""Fail if a notebook carries outputs or execution counts; with --fix, strip them.

Stored outputs make diffs unreadable and the repository large, and they can
show results the current code no longer produces.

Usage: python scripts/check_notebooks_clean.py [--fix] notebooks   (and its zh/ edition)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat


def dirty_cells(notebook) -> list[int]:
    return [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]


def strip(notebook) -> None:
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--fix", action="store_true", help="strip outputs in place")
    args = parser.parse_args(argv)
    paths = sorted(args.folder.glob("*.ipynb")) + sorted(args.folder.glob("zh/*.ipynb"))
    problems = 0
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        cells = dirty_cells(notebook)
        if not cells:
            continue
        if args.fix:
            strip(notebook)
            nbformat.write(notebook, path)
            print(f"stripped {path}")
        else:
            problems += 1
            print(f"{path}: cells {cells} carry outputs; run `make strip`", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
