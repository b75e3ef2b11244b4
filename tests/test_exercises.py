"""Every exercise: its solution passes its check, typical mistakes fail with a message that says
what is wrong without giving the answer away, and the hints come in steps."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

import course_utils.exercises as exercises_package
from course_utils.exercises import Exercise
from course_utils.exercises import _core as core

ROOT = Path(__file__).resolve().parent.parent


def all_exercises():
    found = []
    for module_info in pkgutil.iter_modules(exercises_package.__path__):
        if not module_info.name.startswith("lesson"):
            continue
        module = importlib.import_module(f"course_utils.exercises.{module_info.name}")
        for name, value in sorted(vars(module).items()):
            if isinstance(value, Exercise):
                found.append(pytest.param(value, id=f"{module_info.name}.{name}"))
    return found


EXERCISES = all_exercises()


def _fresh(exercise: Exercise) -> Exercise:
    """The same exercise with no hints shown yet (check() and hint() keep a little state)."""
    exercise._hints_shown = 0
    return exercise


def value_patterns(expected) -> list[str]:
    """Regular expressions that find ``expected`` written out in a message (empty: not checkable).

    Whole numbers below 10 are too common in prose to look for alone; arrays and functions are
    not looked for (their checkers never print them).
    """
    if isinstance(expected, (bool, np.bool_)) or callable(expected):
        return []
    if (
        isinstance(expected, (tuple, list))
        and expected
        and all(isinstance(v, (int, float, np.number)) for v in expected)
    ):
        whole = re.escape("(" + ", ".join(f"{v:g}" for v in expected) + ")")
        return [whole] + [p for v in expected for p in value_patterns(v)]
    if not isinstance(expected, (int, float, np.integer, np.floating)):
        return []
    x = float(expected)
    if not np.isfinite(x):
        return []
    if x.is_integer():
        n = int(x)
        forms = {str(n), f"{n:,}"} if abs(n) >= 10 else set()
    else:
        forms = {f"{x:.{digits}f}" for digits in (2, 3, 4)} | {f"{x:g}", repr(x)}
        forms = {form for form in forms if len(form.strip("-0.")) >= 2}
    return [rf"(?<![\d.]){re.escape(form)}(?!\d)" for form in forms]


def shown_text(capsys) -> str:
    out = capsys.readouterr().out
    return "\n".join(out.splitlines()[1:])  # drop the first line, the exercise's name


def test_every_lesson_has_at_least_two_exercises():
    per_lesson = {}
    for param in EXERCISES:
        lesson = param.id.split(".")[0]
        per_lesson[lesson] = per_lesson.get(lesson, 0) + 1
    assert per_lesson, "no exercise modules found"
    assert all(count >= 2 for count in per_lesson.values()), per_lesson


@pytest.mark.parametrize("exercise", EXERCISES)
def test_solution_passes_check(exercise, capsys):
    context = exercise.context()
    answer = exercise.solve(**context)
    assert exercise.check(answer, **context), capsys.readouterr().out
    assert re.search(r"^Correct: ", capsys.readouterr().out, flags=re.MULTILINE)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_wrong_answers_fail_with_a_helpful_message(exercise, capsys):
    assert exercise.wrong_answers, f"{exercise.name} lists no typical wrong answers"
    context = exercise.context()
    for wrong, fragment in exercise.wrong_answers:
        answer = wrong(context) if callable(wrong) else wrong
        assert not exercise.check(answer, **context)
        message = capsys.readouterr().out
        assert message.startswith("Not yet") and fragment in message, message
        assert ".hint()" in message, "a wrong answer points to the hints"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_a_first_wrong_answer_does_not_give_the_expected_value(exercise, capsys):
    context = exercise.context()
    patterns = value_patterns(exercise.solve(**context))
    for wrong, _ in exercise.wrong_answers:
        answer = wrong(context) if callable(wrong) else wrong
        _fresh(exercise).check(answer, **context)
        message = shown_text(capsys)
        for pattern in patterns:
            assert not re.search(pattern, message), (
                f"{exercise.name}: the message gives the answer away:\n{message}"
            )


@pytest.mark.parametrize("exercise", EXERCISES)
def test_no_hint_states_the_answer(exercise):
    patterns = value_patterns(exercise.solve(**exercise.context()))
    for step, hint in enumerate(exercise.hints, start=1):
        for pattern in patterns:
            assert not re.search(pattern, hint), (
                f"{exercise.name}: hint {step} states the answer: {hint}"
            )


@pytest.mark.parametrize("exercise", EXERCISES)
def test_unanswered_is_not_an_error(exercise, capsys):
    assert not exercise.check(..., **exercise.context())
    assert capsys.readouterr().out.startswith("Not answered yet")


@pytest.mark.parametrize("exercise", EXERCISES)
def test_hints_come_in_steps_and_the_solution_has_a_readable_name(exercise, capsys):
    _fresh(exercise)
    steps = exercise.hints
    for number in range(
        1, len(steps) + 2
    ):  # one call more than there are steps: the last one stays
        exercise.hint()
        shown = capsys.readouterr().out
        assert shown.startswith("**Hint") and steps[min(number, len(steps)) - 1] in shown
    exercise.solution()
    shown = capsys.readouterr().out
    assert f"def {exercise.solution_name}(" in shown
    assert not re.search(r"def _(?!_init__)", shown), "the solution is shown under a readable name"
    _fresh(exercise)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_last_hint_points_to_the_solution(exercise, capsys):
    """#23 item 3: a learner who runs out of hints is told where the course's answer is."""
    _fresh(exercise)
    for _ in range(len(exercise.hints) + 1):  # past the last step: it stays the last
        exercise.hint()
        shown = capsys.readouterr().out
    assert ".solution()" in shown, shown
    _fresh(exercise)


def test_the_lessons_00_01_02_07_08_10_have_hint_ladders():
    for param in EXERCISES:
        exercise = param.values[0]
        if param.id.split(".")[0] in {
            "lesson00",
            "lesson01",
            "lesson02",
            "lesson07",
            "lesson10",
            "lesson12",
        }:
            assert len(exercise.hints) >= 2, param.id


def test_value_patterns_find_a_value_however_it_is_written():
    def found(expected, text):
        return any(re.search(p, text) for p in value_patterns(expected))

    assert found(0.5635, "Expected about 0.5635.") and found(0.5635, "about 0.56 then")
    assert not found(0.5635, "about 0.5 or 10.56") and not found(0.5635, "0.5612")
    assert found(1290, "it is 1290 frames") and found(12345, "Expected 12,345")
    assert not found(1290, "12901 frames") and not found(7, "7 frames")
    assert found((512, 196), "answer (512, 196)") and found((9, 5), "the pair (9, 5)")
    assert value_patterns(np.zeros(3)) == [] and value_patterns(len) == []


# --- the check's look: a styled block with words, readable without emoji ------------------------


def test_check_blocks_are_styled_html_with_words_not_emoji(monkeypatch):
    shown = []
    monkeypatch.setattr(core, "_in_ipython", lambda: True)
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    from course_utils.exercises import lesson01

    context = lesson01.q2.context()
    assert lesson01.q2.check(lesson01.q2.solve(**context), **context)
    assert not lesson01.q2.check(context["sample_rate"], **context)
    assert not lesson01.q2.check(..., **context)
    (correct, wrong, unanswered) = shown
    for block, word in ((correct, "Correct"), (wrong, "Not yet"), (unanswered, "Not answered yet")):
        html, text = block["text/html"], block["text/plain"]
        assert f'<strong style="font-size: 1.05em;">{word}</strong>' in html and text.startswith(
            word
        )
        assert "background:" in html and "color:" in html and "border-left:" in html
        assert "word-break: normal" in html, "long lines wrap between words"
        assert all(ord(character) < 0x2000 for character in html + text), (
            "no emoji or symbol fonts needed"
        )
    assert "<code>exercises.q2.hint()</code>" in wrong["text/html"]
    assert correct["text/html"] != wrong["text/html"]


def test_messages_are_escaped_in_html():
    block = core._block_html("wrong", "Q <1>", "a `b < c` and *d*")
    assert "Q &lt;1&gt;" in block and "<code>b &lt; c</code>" in block and "<em>d</em>" in block


def test_check_result_is_a_truth_value_that_displays_nothing():
    from course_utils.exercises._core import CheckResult

    assert CheckResult(True) and not CheckResult(False)
    assert CheckResult(False) == False  # noqa: E712 - comparing with a bool is the point
    assert hasattr(CheckResult(False), "_ipython_display_")
    assert CheckResult(False)._ipython_display_() is None


# --- lesson 02 with the arguments its notebook passes: the whole real orchestra split ------------


def _orchestra_split():
    from course_utils import data

    music, _ = data.load_real_clip("orchestra")
    return data.split_in_time(music)


def test_lesson02_q2_accepts_float32_arithmetic_on_the_whole_training_part(capsys):
    from course_utils.exercises import lesson02

    train, held_out = _orchestra_split()
    x = held_out[:5]
    assert train.dtype == np.float32
    assert lesson02.q2.check((x - np.mean(train)) / np.std(train), train=train, x=x)
    assert not lesson02.q2.check(x / np.std(train), train=train, x=x)
    assert "mean was not subtracted" in capsys.readouterr().out


def test_lesson02_q3_names_every_slip_a_number_could_come_from(capsys):
    from course_utils.exercises import lesson02

    _, held_out = _orchestra_split()
    args = {"n_samples": len(held_out), "frame_length": 256, "hop_length": 128}
    assert lesson02.q3.check(lesson02._q3_solution(**args), **args)
    assert not lesson02.q3.check(args["n_samples"] // args["hop_length"], **args)
    message = capsys.readouterr().out
    assert "one frame per hop" in message and "zero padding" in message, message


# --- Hardening II (#24): a check cannot hang, be fooled by NaN, or show a raw Python error ------


ODD_ANSWERS = [
    (float("nan"), "NaN"),
    (float("inf"), "infinite"),
    (-np.inf, "infinite"),
    (1 + 2j, "complex"),
    (np.array([np.nan, 1.0]), "NaN"),
    (np.array([1 + 1j, 2]), "complex"),
    (np.array([object(), object()]), "dtype object"),
    (10**400, "too large"),
    ([np.nan, 1.0], "NaN"),
]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_nan_inf_complex_and_object_answers_are_not_yet_with_a_reason(exercise, capsys):
    context = exercise.context()
    for answer, reason in ODD_ANSWERS:
        assert not _fresh(exercise).check(answer, **context)
        shown = capsys.readouterr().out
        assert shown.startswith("Not yet") and reason in shown, (answer, shown)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_strange_answers_never_raise_a_raw_python_error(exercise, capsys):
    context = exercise.context()
    for answer in ("text", None, object(), [], {}, -(10**30), np.zeros((0, 3)), {"a": [1, 2]}, len):
        assert not _fresh(exercise).check(answer, **context), answer
        assert capsys.readouterr().out.startswith("Not yet"), answer


@pytest.mark.parametrize("exercise", EXERCISES)
def test_a_check_without_its_context_says_which_arguments_to_pass(exercise, capsys):
    context = exercise.context()
    answer = exercise.solve(**context)
    needed = [
        p
        for p in list(inspect.signature(exercise._checker).parameters.values())[1:]
        if p.default is inspect.Parameter.empty
    ]
    if not needed:
        pytest.skip("this check needs nothing besides the answer")
    assert not exercise.check(answer)
    shown = capsys.readouterr().out
    assert shown.startswith("Not yet") and "also needs" in shown, shown
    for name in context:
        if name in shown.split(".check(")[0] or f"{name}={name}" in shown:
            continue
        raise AssertionError(f"the message does not name {name}: {shown}")
    assert not exercise.check(answer, **context, not_an_argument=1)
    assert "does not take `not_an_argument`" in capsys.readouterr().out


def _nanified(value):
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return np.full_like(value, np.nan)
    if isinstance(value, (float, np.floating)):
        return float("nan")
    if isinstance(value, tuple):
        return tuple(_nanified(v) for v in value)
    return value


def _is_learners_function(answer) -> bool:
    """A function the check runs; a Keras model is callable too, but it is the answer itself."""
    return callable(answer) and not hasattr(answer, "layers")


FUNCTION_EXERCISES = [
    p for p in EXERCISES if _is_learners_function(p.values[0].solve(**p.values[0].context()))
]


def test_five_exercises_take_the_learners_function():
    assert len(FUNCTION_EXERCISES) >= 5, [p.id for p in FUNCTION_EXERCISES]


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES)
def test_a_learners_function_that_hangs_raises_or_returns_nan_is_not_yet(exercise, capsys):
    context = exercise.context()
    solution = exercise.solve(**context)

    def endless(*args, **kwargs):
        while True:
            try:
                pass
            except Exception:  # a learner's catch-all does not stop the time limit
                pass

    def raises(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    limit, exercise.time_limit = exercise.time_limit, 1.0
    try:
        assert not _fresh(exercise).check(endless, **context)
        shown = capsys.readouterr().out
        assert shown.startswith("Not yet") and "stopped after 1 s" in shown, shown
    finally:
        exercise.time_limit = limit
    assert not _fresh(exercise).check(raises, **context)
    shown = capsys.readouterr().out
    assert (
        shown.startswith("Not yet") and "ZeroDivisionError" in shown and "Traceback" not in shown
    ), shown

    assert callable(solution)


def test_lesson07_quantizer_returning_nan_is_not_correct(capsys):
    from course_utils.exercises import lesson07

    context = lesson07.q2.context()
    solution = lesson07.q2.solve(**context)
    assert not lesson07.q2.check(lambda *a, **k: _nanified(solution(*a, **k)), **context)
    shown = capsys.readouterr().out
    assert shown.startswith("Not yet") and "NaN" in shown, shown


# --- a learner's solution region and the reference solution are the same code ------------------

SOLUTION_REGIONS = [("10_recognition.ipynb", "lesson10", "tone_contour")]


def solution_region(notebook: str, function: str) -> str:
    """The lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` in ``def function`` of a lesson."""

    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    [source] = [
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and f"def {function}(" in "".join(c["source"])
    ]
    region = re.search(r"### BEGIN SOLUTION\n(.*?)\n\s*### END SOLUTION", source, re.S)
    assert region, f"{notebook}: no solution region in def {function}"
    return region.group(1)


def code_lines(source: str) -> list[str]:
    """Statements without imports, indentation or blank lines: what the code does."""
    return [
        line.strip()
        for line in textwrap.dedent(source).splitlines()
        if line.strip() and not line.strip().startswith(("import ", "from ", "def "))
    ]


@pytest.mark.parametrize(("notebook", "module", "function"), SOLUTION_REGIONS)
def test_the_lessons_solution_is_the_reference_solution(notebook, module, function):
    """What the learner is shown as the solution (solution()) is what the complete lesson runs."""
    # The reference solution is private (a leading underscore): no notebook imports it.
    reference = inspect.getsource(
        getattr(importlib.import_module(f"course_utils.exercises.{module}"), f"_{function}")
    )
    assert code_lines(solution_region(notebook, function)) == code_lines(reference)


def test_a_changed_solution_region_is_caught():
    region = solution_region("10_recognition.ipynb", "tone_contour")
    changed = region.replace("0.3 * level.max()", "0.5 * level.max()")
    reference = inspect.getsource(
        importlib.import_module("course_utils.exercises.lesson10")._tone_contour
    )
    assert changed != region and code_lines(changed) != code_lines(reference)
