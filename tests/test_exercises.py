"""Every exercise: its solution passes its check, and typical mistakes fail with a helpful message."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import course_utils.exercises as exercises_package
from course_utils.exercises import Exercise


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
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize("exercise", EXERCISES)
def test_wrong_answers_fail_with_a_helpful_message(exercise, capsys):
    assert exercise.wrong_answers, f"{exercise.name} lists no typical wrong answers"
    context = exercise.context()
    for wrong, fragment in exercise.wrong_answers:
        answer = wrong(context) if callable(wrong) else wrong
        assert not exercise.check(answer, **context)
        message = capsys.readouterr().out
        assert "not yet" in message and fragment in message, message


@pytest.mark.parametrize("exercise", EXERCISES)
def test_unanswered_is_not_an_error(exercise, capsys):
    assert not exercise.check(..., **exercise.context())
    assert "not answered yet" in capsys.readouterr().out


@pytest.mark.parametrize("exercise", EXERCISES)
def test_hint_and_solution_show_text(exercise, capsys):
    exercise.hint()
    exercise.solution()
    shown = capsys.readouterr().out
    assert "Hint" in shown and "def " in shown


def test_check_result_is_a_truth_value_that_displays_nothing():
    from course_utils.exercises._core import CheckResult

    assert CheckResult(True) and not CheckResult(False)
    assert CheckResult(False) == False  # noqa: E712 - comparing with a bool is the point
    assert hasattr(CheckResult(False), "_ipython_display_")
    assert CheckResult(False)._ipython_display_() is None
