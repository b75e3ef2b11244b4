"""The student edition (scripts/student_edition.py, `make student`): skeletons where the lessons
mark the learner's code, the same skeletons as nbgrader's, checks that fail on a skeleton and pass
on the solution, and links that still land in the repository."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "student_edition", ROOT / "scripts" / "student_edition.py"
)
student_edition = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student_edition)

LESSONS = student_edition.lessons()
REGION_CELLS = [
    (path, cell)
    for path in LESSONS
    for cell in nbformat.read(path, as_version=4).cells
    if cell.cell_type == "code" and student_edition.has_region(cell.source)
]


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT / "notebooks"))


def test_skeleton_replaces_each_region_at_its_indentation():
    source = "x = 1\ndef f(a):\n    ### BEGIN SOLUTION\n    return a * 2\n    ### END SOLUTION\n\n### BEGIN SOLUTION\ny = f(x)\n### END SOLUTION\nprint(y)"
    assert student_edition.skeleton(source) == (
        "x = 1\ndef f(a):\n    # YOUR CODE HERE\n    ...\n\n# YOUR CODE HERE\n...\nprint(y)"
    )
    assert student_edition.solution_regions(source) == ["    return a * 2", "y = f(x)"]
    ast.parse(student_edition.skeleton(source))  # the skeleton runs: `...` is a statement


@pytest.mark.parametrize(
    "source, fragment",
    [
        ("### BEGIN SOLUTION\nx = 1", "no END SOLUTION"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another region"),
        ("x = 1\n### END SOLUTION", "without a BEGIN"),
    ],
)
def test_unpaired_markers_are_refused_with_the_fix(source, fragment):
    with pytest.raises(student_edition.SolutionRegionError, match=fragment):
        student_edition.skeleton(source)


def test_the_lessons_mark_the_learners_code():
    assert REGION_CELLS, "no lesson marks a solution region"
    english = {path.name[:2] for path, _ in REGION_CELLS if path.parent.name == "notebooks"}
    assert {"00", "01", "02", "03", "04", "06", "10", "11", "12"} <= english


@pytest.mark.parametrize(
    "path, cell", REGION_CELLS, ids=[f"{_name(p)}:{c.id}" for p, c in REGION_CELLS]
)
def test_every_region_is_an_nbgrader_solution_cell_followed_by_its_check(path, cell):
    assert cell.metadata.get("nbgrader") == student_edition.nbgrader_metadata(cell), (
        f"run `python scripts/student_edition.py --mark {path.name[:2]}`"
    )
    assert student_edition.checked_after(cell.source), (
        "the code after the region must call the exercise's check()"
    )
    # The skeleton fails its check: what reaches check() is the unanswered `...` (the exercise
    # then says "Not answered yet") or a function of the cell whose body is only `...` (it returns
    # None, which no check accepts), never a value the learner did not compute.
    tree = ast.parse(student_edition.skeleton(cell.source))
    checks = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "check"
    ]
    assert checks and all(
        checked.args and isinstance(checked.args[0], ast.Name) for checked in checks
    )
    functions = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    for checked in checks:
        name = checked.args[0].id
        if name in functions:
            body = [
                statement
                for statement in functions[name].body
                if not (
                    isinstance(statement, ast.Expr)
                    and isinstance(statement.value, ast.Constant)
                    and isinstance(statement.value.value, str)
                )
            ]  # its docstring stays
            assert (
                len(body) == 1
                and isinstance(body[0].value, ast.Constant)
                and body[0].value.value is Ellipsis
            ), f"in the skeleton {name}() must be only `...`"
        else:
            assigned = [
                node.value
                for node in ast.walk(tree)
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            ]
            assert assigned and all(
                isinstance(v, ast.Constant) and v.value is Ellipsis for v in assigned
            ), f"in the skeleton `{name}` must only be `...`"
    # No placeholder comment hands over the answer: the solution's code is not in the skeleton.
    skeleton = student_edition.skeleton(cell.source)
    for region in student_edition.solution_regions(cell.source):
        for line in region.split("\n"):
            code = line.split("#")[0].strip()
            if len(code) > 12:
                assert code not in skeleton, f"the skeleton still shows {code!r}"


def test_an_unanswered_exercise_fails_its_check(capsys):
    from course_utils.exercises import NOT_ANSWERED, lesson00, lesson10

    assert not lesson00.q1.check(NOT_ANSWERED)
    assert "Not answered yet" in capsys.readouterr().out

    def tone_contour(clip, sr):  # a skeleton function: its body is `...`
        ...

    assert not lesson10.q4.check(tone_contour, **lesson10.q4.context())
    assert "Not yet" in capsys.readouterr().out


def test_same_skeletons_as_nbgraders_clear_solutions():
    """nbgrader's ClearSolutions (what generate_assignment applies) with the course's stub
    writes exactly the student edition's code, for every lesson of both languages."""
    pytest.importorskip("nbgrader")
    from nbgrader.preprocessors import ClearSolutions

    clear = ClearSolutions(code_stub={"python": student_edition.CODE_STUB}, enforce_metadata=True)
    for path in LESSONS:
        notebook = nbformat.read(path, as_version=4)
        ours = student_edition.student_notebook(notebook)
        theirs, _ = clear.preprocess(nbformat.read(path, as_version=4), {})
        assert [c.source for c in theirs.cells if c.cell_type == "code"] == [
            c.source for c in ours.cells if c.cell_type == "code"
        ], _name(path)


@pytest.mark.slow
def test_nbgrader_generate_assignment_accepts_the_lessons(tmp_path):
    pytest.importorskip("nbgrader")
    source = tmp_path / "source" / "lessons"
    source.mkdir(parents=True)
    english = [path for path in LESSONS if path.parent.name == "notebooks"]
    for path in english:
        shutil.copy(path, source / path.name)
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.ClearSolutions.code_stub = {{'python': {student_edition.CODE_STUB!r}}}\n"
        "c.CourseDirectory.course_id = 'sound-autoencoders'\n"
    )
    env = dict(
        os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    )
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", "lessons", "--force"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for path in english:
        released = nbformat.read(tmp_path / "release" / "lessons" / path.name, as_version=4)
        ours = student_edition.student_notebook(nbformat.read(path, as_version=4))
        assert [c.source for c in released.cells if c.cell_type == "code"] == [
            c.source for c in ours.cells if c.cell_type == "code"
        ], path.name


def test_build_writes_both_languages_and_keeps_links_working():
    (ROOT / "build").mkdir(exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix="student-test-", dir=ROOT / "build"))
    try:
        written = student_edition.build(out)
        assert {p.relative_to(out / "notebooks") for p in written} == {
            p.relative_to(ROOT / "notebooks") for p in LESSONS
        }
        for target in written:
            notebook = nbformat.read(target, as_version=4)
            text = "\n".join(c.source for c in notebook.cells)
            assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text, target
            if any(c.id == "student-edition-note" for c in notebook.cells):
                [note] = [c for c in notebook.cells if c.id == "student-edition-note"]
                [complete] = re.findall(r"\]\(([^)]+)\)", note.source)
                assert (
                    target.parent / complete
                ).resolve() == ROOT / "notebooks" / target.relative_to(out / "notebooks")
            for link in re.findall(
                r"\]\(([^)#\s]+)",
                "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown"),
            ):
                if "://" in link or link.startswith("mailto:"):
                    continue
                assert (target.parent / link).exists(), (
                    f"{target.name}: the link {link} leads nowhere"
                )
    finally:
        shutil.rmtree(out)


@pytest.mark.slow
def test_the_check_fails_on_the_skeleton_and_passes_on_the_solution_in_a_kernel(tmp_path):
    """Lesson 00 in a kernel, both editions: every region's check says "Correct" on the course's
    solution and "Not answered yet" on the skeleton (every lesson's solutions are verified by
    `make notebooks`, which runs `student_edition.py --verify build/executed`)."""
    from nbclient import NotebookClient

    path = ROOT / "notebooks" / "00_welcome.ipynb"
    complete = nbformat.read(path, as_version=4)
    student = student_edition.student_notebook(complete)
    ids = set(student_edition.verdicts(complete))
    for notebook, verdict in ((complete, "Correct"), (student, "Not answered yet")):
        NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        verdicts = student_edition.verdicts(notebook, ids)
        assert verdicts and all(text.startswith(verdict) for text in verdicts.values()), verdicts


def test_verify_names_a_solution_whose_check_did_not_pass(tmp_path):
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(
        "answer = ...\n### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION\nexercises.q1.check(answer)"
    )
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/plain": "Not yet: Exercise 1\nThat is not it."}
        )
    ]
    notebook.cells.append(cell)
    nbformat.write(notebook, tmp_path / "x.ipynb")
    [problem] = student_edition.verify_executed([tmp_path / "x.ipynb"])
    assert cell.id in problem and "Not yet" in problem
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/plain": "Correct: Exercise 1"})
    ]
    nbformat.write(notebook, tmp_path / "x.ipynb")
    assert student_edition.verify_executed([tmp_path / "x.ipynb"]) == []
    # A Chinese lesson's verdicts (setup_notebook(language="zh")).
    for verdict, problems in (("还不对：练习 1\n不对。", 1), ("正确：练习 1", 0)):
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": verdict})]
        nbformat.write(notebook, tmp_path / "x.ipynb")
        assert len(student_edition.verify_executed([tmp_path / "x.ipynb"])) == problems, verdict
