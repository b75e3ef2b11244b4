"""The student edition: the lessons with the learner's code taken out (``make student``).

The lessons in ``notebooks/`` (and their Chinese twins in ``notebooks/zh/``) are the complete
edition and the source of truth: they run end to end under nbval. What the learner writes
is marked in them the way nbgrader marks it::

    answer = ...  # the trumpet's sample rate, in Hz
    ### BEGIN SOLUTION
    samples, sample_rate = load_audio(trumpet_path)
    answer = sample_rate
    ### END SOLUTION
    exercises.q1.check(answer, path=trumpet_path)

This script writes ``build/student/notebooks/NN_name.ipynb`` and
``build/student/notebooks/zh/NN_name.ipynb`` with each region replaced by the skeleton
:data:`CODE_STUB` (``# YOUR CODE HERE`` and a ``...`` placeholder, at the region's
indentation), so the check after it reports "Not answered yet" until the learner writes the
code, and Run All still goes on past an unanswered exercise. A learner who is stuck runs the
exercise's ``solution()`` (it shows the course's code), or opens the same lesson in
``notebooks/`` (the complete edition) and goes on. Relative links out of ``notebooks/``
(the glossary, the README) are rewritten so that they still land in the repository.

The replacement is nbgrader's own (``ClearSolutions``, the step ``nbgrader generate_assignment``
applies), with this course's stub. Instructors on JupyterHub can give the lessons to
``nbgrader generate_assignment`` unchanged: every cell holding a region carries nbgrader's
"solution" cell metadata (``--mark`` adds it), and an ``nbgrader_config.py`` with ::

    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\n..."}

gives the same skeletons as this script (``tests/test_student_edition.py`` checks both).

Usage:
  python scripts/student_edition.py                 # build/student/ (make student)
  python scripts/student_edition.py --out DIR       # somewhere else
  python scripts/student_edition.py --mark NN       # add nbgrader's metadata to lesson NN's region cells
  python scripts/student_edition.py --list          # the regions, lesson by lesson
  python scripts/student_edition.py --verify build/executed   # every solution's check said Correct
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUT = ROOT / "build" / "student"

#: nbgrader's delimiters (``ClearSolutions.begin_solution_delimeter`` matches any line containing it).
BEGIN = "BEGIN SOLUTION"
END = "END SOLUTION"
#: What a region becomes in the student edition (nbgrader's ``ClearSolutions.code_stub`` for Python).
CODE_STUB = "# YOUR CODE HERE\n..."
_INDENT = re.compile(r"\s*")
# A Markdown link or an HTML src/href that climbs out of the lesson's folder: ](../x), src="../x".
_RELATIVE_LINK = re.compile(r"""(\]\(|(?:src|href)=["'])(\.\./)""")


class SolutionRegionError(ValueError):
    """A cell's solution markers do not pair up (nested, or a BEGIN without its END)."""


def has_region(source: str) -> bool:
    """Whether a cell's source holds a solution region."""
    return any(BEGIN in line for line in source.split("\n"))


def solution_regions(source: str) -> list[str]:
    """The code inside each region of a cell, in order (markers and indentation as written)."""
    regions, current = [], None
    for number, line in enumerate(source.split("\n"), start=1):
        if BEGIN in line:
            if current is not None:
                raise SolutionRegionError(
                    f"line {number}: a BEGIN SOLUTION inside another region; close the first with ### END SOLUTION"
                )
            current = []
        elif END in line:
            if current is None:
                raise SolutionRegionError(
                    f"line {number}: END SOLUTION without a BEGIN SOLUTION above it"
                )
            regions.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    if current is not None:
        raise SolutionRegionError(
            "a BEGIN SOLUTION has no END SOLUTION after it; add ### END SOLUTION"
        )
    return regions


def skeleton(source: str, stub: str = CODE_STUB) -> str:
    """``source`` with every solution region replaced by ``stub`` at the region's indentation.

    The same lines nbgrader's ``ClearSolutions`` writes with ``code_stub={"python": stub}``.
    """
    solution_regions(source)  # raises on unpaired markers
    lines, inside = [], False
    for line in source.split("\n"):
        if BEGIN in line:
            inside = True
            indent = _INDENT.match(line).group(0)
            lines.extend(indent + stub_line for stub_line in stub.split("\n"))
        elif END in line:
            inside = False
        elif not inside:
            lines.append(line)
    return "\n".join(lines)


def nbgrader_metadata(cell) -> dict:
    """nbgrader's metadata for a cell the learner completes (a solution cell, not graded itself)."""
    return {
        "grade": False,
        "grade_id": f"cell-{cell.id}",
        "locked": False,
        "schema_version": 3,
        "solution": True,
        "task": False,
    }


def mark(notebook) -> int:
    """Give every cell with a region nbgrader's solution metadata; return how many cells changed."""
    changed = 0
    for cell in notebook.cells:
        if cell.cell_type == "code" and has_region(cell.source):
            wanted = nbgrader_metadata(cell)
            if cell.metadata.get("nbgrader") != wanted:
                cell.metadata["nbgrader"] = wanted
                changed += 1
    return changed


def relink(text: str, levels: int) -> str:
    """Relative links that leave ``notebooks/`` climb ``levels`` folders more (the edition's depth)."""
    return _RELATIVE_LINK.sub(lambda match: match.group(1) + "../" * levels + match.group(2), text)


#: The note a student lesson with skeletons opens with (after its title cell), by language.
NOTE = {
    "en": (
        "**Student edition.** The code you write is left out: replace each `# YOUR CODE HERE` and "
        "its `...`, then run the cell; the check right after it says whether your code works. "
        "Stuck? `exercises.qN.hint()` gives a step at a time, `exercises.qN.solution()` shows the "
        "course's code, and [the complete lesson]({complete}) has every solution in place."
    ),
    "zh": (
        "**学生版。** 需要你自己写的代码被留空了：把每个 `# YOUR CODE HERE` 和它下面的 `...` "
        "换成你的代码，再运行这个单元格；紧接着的检查会告诉你代码对不对。卡住了？"
        "`exercises.qN.hint()` 一步一步给提示，`exercises.qN.solution()` 显示课程的代码，"
        "[完整版的这一课]({complete})里所有解答都在。"
    ),
}


def student_notebook(notebook, levels: int = 2, complete: str | None = None, language: str = "en"):
    """A copy of ``notebook`` with every region replaced by the skeleton, outputs cleared.

    ``complete``: the link to the complete lesson, for the note put after the title cell of a
    lesson that has skeletons (no note without it).
    """
    student = copy.deepcopy(notebook)
    for cell in student.cells:
        if cell.cell_type == "code":
            if has_region(cell.source):
                cell.source = skeleton(cell.source)
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown":
            cell.source = relink(cell.source, levels)
    if complete and any(
        cell.cell_type == "code" and has_region(cell.source) for cell in notebook.cells
    ):
        note = nbformat.v4.new_markdown_cell(NOTE[language].format(complete=complete))
        note.id = "student-edition-note"
        student.cells.insert(1, note)
    return student


_CHECK_CALL = re.compile(r"\.check\(")


def checked_after(source: str) -> bool:
    """Whether the code after a cell's last region calls an exercise's ``check(...)``."""
    return bool(_CHECK_CALL.search(source.split(END)[-1]))


def _output_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
        else:
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join("".join(part) if isinstance(part, list) else part for part in parts)


def verdicts(notebook, ids=None) -> dict:
    """``{cell id: check's output}`` of every executed region cell that ends with a check.

    ``ids``: these cells instead (a student edition's cells, whose regions are gone).
    """
    return {
        cell.id: _output_text(cell)
        for cell in notebook.cells
        if (
            cell.id in ids
            if ids is not None
            else cell.cell_type == "code" and has_region(cell.source) and checked_after(cell.source)
        )
    }


#: The word a passed check starts with, in each language the course speaks (course_utils.i18n).
CORRECT = ("Correct", "正确")


def verify_executed(paths) -> list[str]:
    """Problems with executed complete lessons: a region's check that did not say "Correct".

    A Chinese lesson (``setup_notebook(..., language="zh")``) says 正确 for Correct.
    """
    problems = []
    for path in paths:
        for cell_id, text in verdicts(nbformat.read(path, as_version=4)).items():
            if not text.lstrip().startswith(CORRECT):
                first = text.strip().splitlines()[0] if text.strip() else "no output"
                problems.append(
                    f"{Path(path).name}, cell {cell_id}: the solution's check says {first!r}, not 'Correct'"
                )
    return problems


def lessons(notebooks: Path = NOTEBOOKS) -> list[Path]:
    """Every lesson of both languages: ``notebooks/*.ipynb`` and ``notebooks/zh/*.ipynb``."""
    return sorted(notebooks.glob("[0-9][0-9]_*.ipynb")) + sorted(
        (notebooks / "zh").glob("[0-9][0-9]_*.ipynb")
    )


def build(out: Path = DEFAULT_OUT, notebooks: Path = NOTEBOOKS) -> list[Path]:
    """Write the student edition of every lesson under ``out/notebooks/``; return the paths written."""
    out = Path(out)
    # build/student/notebooks/X sits two folders deeper below the repository than notebooks/X.
    try:
        levels = len(out.resolve().relative_to(ROOT).parts)
    except ValueError:
        levels = 0  # outside the repository: links cannot be kept; leave them as written
    written = []
    for path in lessons(notebooks):
        relative = path.relative_to(notebooks)
        complete = (
            "../" * (levels + len(relative.parts)) + "notebooks/" + relative.as_posix()
            if levels
            else None
        )
        language = "zh" if relative.parts[0] == "zh" else "en"
        try:
            student = student_notebook(
                nbformat.read(path, as_version=4), levels, complete, language
            )
        except SolutionRegionError as error:
            raise SolutionRegionError(
                f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {error}"
            ) from None
        target = out / "notebooks" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(student, target)
        written.append(target)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="folder of the student edition (build/student)",
    )
    parser.add_argument(
        "--mark",
        metavar="NN",
        help="add nbgrader's solution metadata to lesson NN's region cells (both languages)",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="print the cells with solution regions, lesson by lesson",
    )
    parser.add_argument(
        "--verify",
        type=Path,
        metavar="DIR",
        help="check that in the executed lessons in DIR every solution's check said Correct",
    )
    args = parser.parse_args(argv)
    if args.verify:
        paths = sorted(args.verify.glob("*.ipynb"))
        problems = verify_executed(paths)
        for problem in problems:
            print(problem)
        print(
            f"{len(paths)} executed lessons, {sum(len(verdicts(nbformat.read(p, as_version=4))) for p in paths)} "
            f"checked solutions, {len(problems)} problems"
        )
        return 1 if problems else 0
    if args.mark:
        for path in [p for p in lessons() if p.name.startswith(args.mark)]:
            notebook = nbformat.read(path, as_version=4)
            changed = mark(notebook)
            nbformat.write(notebook, path)
            print(f"{path.relative_to(ROOT)}: {changed} cells marked")
        return 0
    if args.list:
        for path in lessons():
            cells = [
                cell
                for cell in nbformat.read(path, as_version=4).cells
                if cell.cell_type == "code" and has_region(cell.source)
            ]
            print(
                f"{path.relative_to(ROOT)}: {sum(len(solution_regions(c.source)) for c in cells)} regions"
            )
        return 0
    written = build(args.out)
    print(f"student edition: {len(written)} notebooks in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
