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


# --- Every region of every lesson, both languages, found generically (no list of regions here).

_EXERCISES_IMPORT = re.compile(
    r"^from course_utils\.exercises import (lesson\d\d) as (\w+)\s*$", re.MULTILINE
)


def _exercise_modules(path: Path) -> dict:
    """``{name in the notebook: course_utils.exercises module}`` from the lesson's import lines."""
    import importlib

    found = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            for module, alias in _EXERCISES_IMPORT.findall(cell.source):
                found[alias] = importlib.import_module(f"course_utils.exercises.{module}")
    return found


def skeleton_checks(path: Path, cell) -> list[tuple]:
    """``[(exercise, what the skeleton passes to its check), ...]`` for one region cell's skeleton.

    What is passed is the unanswered ``...`` or, when the check gets a function the cell defines,
    that function as the skeleton leaves it (its body only ``...``: it returns None).
    """
    modules = _exercise_modules(path)
    source = student_edition.skeleton(cell.source)
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "check"
            and isinstance(node.func.value, ast.Attribute)
            and isinstance(node.func.value.value, ast.Name)
        ):
            continue
        module = modules.get(node.func.value.value.id)
        assert module is not None, (
            f"{_name(path)}: `{node.func.value.value.id}` is not a course_utils.exercises module "
            "imported in the lesson"
        )
        exercise = getattr(module, node.func.value.attr)
        name = node.args[0].id
        if name in functions:
            namespace = {}
            exec(compile(ast.Module([functions[name]], []), "<skeleton>", "exec"), namespace)
            found.append((exercise, namespace[name]))
        else:
            found.append((exercise, ...))
    return found


@pytest.mark.parametrize(
    "path, cell", REGION_CELLS, ids=[f"{_name(p)}:{c.id}" for p, c in REGION_CELLS]
)
def test_every_skeletons_check_says_not_answered(path, cell, capsys):
    """The check after each skeleton, called as the student edition calls it, is not passed: it
    says "Not answered yet" (the `...` placeholder) or "Not yet" (a function whose body is `...`),
    never a raw error. (The same exercises pass the course's solution: test_exercises.py's
    test_solution_passes_check for every exercise, and `make notebooks` runs
    `student_edition.py --verify` on every executed lesson, where each region's own code must
    make its check say "Correct".)"""
    checks = skeleton_checks(path, cell)
    assert checks, f"{_name(path)}: no exercise check after the region"
    for exercise, skeleton in checks:
        # `...` is refused before the context is looked at; a function needs the context.
        context = {} if skeleton is ... else exercise.context()
        capsys.readouterr()
        assert not exercise.check(skeleton, **context), f"{exercise.name} passed a skeleton"
        said = capsys.readouterr().out
        expected = "Not answered yet: " if skeleton is ... else "Not yet: "
        assert said.startswith(expected + exercise.name), said
        assert "Traceback" not in said, said


def _module_names(sources) -> tuple[set, set]:
    """Names the cells bind at the notebook's top level, and the global names they read."""
    import symtable

    from IPython.core.inputtransformer2 import TransformerManager

    transform = TransformerManager().transform_cell
    bound, read = set(), set()

    def scopes(table):
        yield table
        for child in table.get_children():
            yield from scopes(child)

    for source in sources:
        for scope in scopes(symtable.symtable(transform(source), "cell", "exec")):
            for symbol in scope.get_symbols():
                if scope.get_type() == "module":
                    if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace():
                        bound.add(symbol.get_name())
                    if symbol.is_referenced():
                        read.add(symbol.get_name())
                elif symbol.is_global() and symbol.is_referenced():
                    read.add(symbol.get_name())
    return bound, read


def names_only_the_solutions_give(notebook) -> set:
    """Names that the student edition reads but only a solution region binds: NameErrors there.

    A learner who leaves a skeleton unanswered and runs all cells must get "Not answered yet"
    and go on, so no later cell may need what the learner did not write yet (lesson 03 falls
    back to the course's class: ``if not exercises.article.check(answer): ArticleAutoencoder =
    models.ArticleAutoencoder``, which binds the name in the student edition too).
    """
    complete, _ = _module_names(c.source for c in notebook.cells if c.cell_type == "code")
    student = student_edition.student_notebook(notebook)
    bound, read = _module_names(c.source for c in student.cells if c.cell_type == "code")
    return (complete - bound) & read


def test_a_name_only_a_solution_binds_is_found():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "answer = ...\n### BEGIN SOLUTION\nscaler = 2\nanswer = scaler\n### END SOLUTION\n"
            "exercises.q1.check(answer)"
        ),
        nbformat.v4.new_code_cell("%matplotlib inline\ndef later():\n    return scaler * 3"),
    ]
    assert names_only_the_solutions_give(notebook) == {"scaler"}
    notebook.cells.append(nbformat.v4.new_code_cell("if not answer:\n    scaler = 1"))
    assert names_only_the_solutions_give(notebook) == set()


@pytest.mark.parametrize("path", LESSONS, ids=[_name(p) for p in LESSONS])
def test_the_student_edition_needs_nothing_only_a_solution_defines(path):
    missing = names_only_the_solutions_give(nbformat.read(path, as_version=4))
    assert not missing, (
        f"{_name(path)}: the student edition reads {sorted(missing)}, which only a solution region "
        "binds: an unanswered exercise would stop Run All with a NameError. Keep that code out of "
        "the region, or fall back to the course's version when the check fails."
    )


@pytest.mark.slow
def test_run_all_of_lesson_03s_student_edition_goes_on_past_every_skeleton():
    """Lesson 03's student edition in a kernel, every cell run as Run All does: no cell raises
    (a skeleton left as it is must not stop the lesson: 03's later cells train and draw the
    class, the loop and the builder the learner writes, and fall back to the course's), and
    every region's check says "Not answered yet"."""
    from nbclient import NotebookClient

    path = ROOT / "notebooks" / "03_building_the_autoencoder.ipynb"
    complete = nbformat.read(path, as_version=4)
    student = student_edition.student_notebook(complete)
    ids = {cell.id for cell in complete.cells if student_edition.has_region(cell.source)}
    NotebookClient(
        student,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()  # raises CellExecutionError at the first cell that fails
    verdicts = student_edition.verdicts(student, ids)
    assert set(verdicts) == ids
    assert all(text.startswith("Not answered yet") for text in verdicts.values()), verdicts
