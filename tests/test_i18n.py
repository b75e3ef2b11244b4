"""Chinese at run time (#25 item 1): one gettext catalogue per language, English the fallback.

``scripts/i18n.py`` extracts every ``tr()``/``N_()`` message of the package with Babel and
compares it with ``course_utils/locale/zh/LC_MESSAGES/course_utils.po``: every English message
needs a Chinese one with the same placeholders and numbers, in the house style, and the
committed ``.mo`` must be the ``.po`` compiled. The last tests run a check in Chinese, through the
API and in a real kernel.
"""

from __future__ import annotations

import ast
import io
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import i18n as catalogues  # noqa: E402  (scripts/i18n.py)

from course_utils import i18n  # noqa: E402


def test_every_english_message_has_a_chinese_one_and_the_mo_is_current():
    problems = catalogues.problems("zh")
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} problems)"


def test_the_catalogue_holds_the_exercises_the_doctor_and_the_session():
    messages = catalogues.extract()
    files = {path for locations in messages.values() for path, _line in locations}
    assert len(messages) >= 450, len(messages)
    for module in ("exercises/_core.py", "exercises/lesson03.py", "exercises/lesson12.py"):
        assert f"course_utils/{module}" in files, module


def test_an_untranslated_or_mismatched_message_or_a_stale_mo_is_a_problem(monkeypatch, tmp_path):
    from babel.messages.pofile import read_po

    po = catalogues.po_path("zh").read_bytes()
    english = "Give one number: the lowest mean squared error a sigmoid output can reach."
    catalogue = read_po(io.BytesIO(po), locale="zh")
    assert catalogue.get(english).string
    # A new English message without Chinese.
    real_extract = catalogues.extract
    monkeypatch.setattr(
        catalogues,
        "extract",
        lambda: {**real_extract(), "A brand-new message with {count} steps.": [("x.py", 1)]},
    )
    assert any("brand-new" in problem for problem in catalogues.problems("zh"))
    monkeypatch.setattr(catalogues, "extract", real_extract)
    # A translation that drops a placeholder, changes a number or breaks the house style; a stale .mo.
    entry = catalogue.get(
        "With {answer} epochs, training falls short of the {steps} steps asked for."
    )
    entry.string = "用 {answer} 轮，训练达不到要求的步数。"
    catalogue.get(
        "Exercise 2: how many epochs make 3000 steps?"
    ).string = "练习 2：多少轮才能达到 300 步？"
    catalogue.get(english).string = "请给出一个数:Sigmoid输出所能达到的最低均方误差."
    monkeypatch.setattr(catalogues, "read_catalogue", lambda language: catalogue)
    problems = "\n".join(catalogues.problems("zh"))
    assert "placeholders differ, ['answer', 'steps'] in English, ['answer']" in problems
    assert "numbers differ, ['2', '3000'] in English, ['2', '300'] in zh" in problems
    assert "house style" in problems and "Sigmoid输出" in problems
    assert "is stale" in problems


def test_placeholders_and_numbers_are_read_as_a_reader_sees_them():
    assert catalogues.placeholders("{snr:+g} dB, {shape} and {shape2}; {{not one}}") == [
        "shape",
        "shape2",
        "snr",
    ]
    assert catalogues.numbers("At {snr:+g} dB: 2 of 16 bits, t = -0.7, a 1-D array") == [
        "0.7",
        "16",
        "2",
    ]


def _calls(tree, names):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in names:
            yield node


def test_messages_are_plain_strings_with_named_placeholders():
    """No f-string, concatenation or positional "{}" inside tr(): gettext looks the text up as written."""
    problems = []
    for path in sorted((ROOT / "course_utils").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree, {"tr", "N_"}):
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            if len(call.args) != 1 or not (
                isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)
            ):
                problems.append(f"{where}: {ast.unparse(call)[:80]}")
            elif "{}" in call.args[0].value or "{0" in call.args[0].value:
                problems.append(f"{where}: positional placeholder in {call.args[0].value[:60]!r}")
    assert not problems, "\n".join(problems)


def test_every_exercise_name_and_hint_is_in_the_catalogue():
    """Names and hints are translated when shown: each must be a marked message (N_)."""
    import importlib

    messages = catalogues.extract()
    missing = []
    for number in range(13):
        module = importlib.import_module(f"course_utils.exercises.lesson{number:02d}")
        for exercise in (value for key, value in vars(module).items() if key[:1] == "q"):
            for text in [exercise.name, *exercise.hints]:
                if text not in messages:
                    missing.append(f"lesson{number:02d}: {text[:70]!r}")
    assert not missing, "\n".join(missing)


def test_english_is_the_default_and_unknown_text_stays_english(chinese):
    assert i18n.get_language() == "zh"
    assert i18n.tr("Correct") == "正确"
    assert i18n.tr("A message nobody translated.") == "A message nobody translated."
    i18n.set_language("en")
    assert i18n.tr("Correct") == "Correct"


def test_an_unknown_language_is_a_setting_error():
    from course_utils.errors import SettingError

    with pytest.raises(SettingError, match="'fr'.*'en', 'zh'"):
        i18n.set_language("fr")
    assert i18n.get_language() == "en"
    assert i18n.set_language("zh-CN") == "zh"
    assert i18n.set_language(None) == "en"


def test_a_failing_check_a_hint_and_a_solution_speak_chinese(chinese, capsys):
    from course_utils.exercises import lesson03, lesson04

    context = lesson03.q1.context()
    assert not lesson03.q1.check(-1.0, **context)
    assert not lesson04.q2.check(2, **lesson04.q2.context())
    lesson03.q1.hint()
    lesson03.q1.solution()
    shown = capsys.readouterr().out
    assert "还不对：练习 1：手算 Sigmoid 的误差下限\n平方的平均值不可能是负数。" in shown
    assert "卡住了？`exercises.q1.hint()` 会给出第一步提示。" in shown
    assert "用 2 轮，训练达不到要求的" in shown  # a message with values
    assert "**提示 1/3（练习 1：手算 Sigmoid 的误差下限）。**一次只看一个目标" in shown
    assert "**参考答案（练习 1：手算 Sigmoid 的误差下限）。**" in shown
    assert lesson03.q1.check(lesson03.q1.solve(**context), **context)
    assert capsys.readouterr().out.startswith("正确：练习 1")


def test_a_chinese_lesson_in_a_real_kernel_gets_chinese_feedback(tmp_path):
    """The Chinese lessons' first cell, then a wrong answer and the solution, in a kernel."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import course_utils\n"
            'course_utils.setup_notebook(seed=0, tensorflow=False, style=False, language="zh")'
        ),
        nbformat.v4.new_code_cell(
            "from course_utils.exercises import lesson01 as exercises\nexercises.q2.check(16000, sample_rate=8000)"
        ),
        nbformat.v4.new_code_cell("exercises.q2.check(4000, sample_rate=8000)"),
    ]
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    ready, wrong, right = (cell.outputs for cell in notebook.cells)
    assert ready[0]["data"]["text/plain"].startswith("笔记本已就绪：随机种子 0，NumPy ")
    html = wrong[0]["data"]["text/html"]
    assert "还不对" in html and "练习 2：奈奎斯特频率" in html and "你把采样率加倍了" in html
    assert right[0]["data"]["text/plain"] == "正确：练习 2：奈奎斯特频率"


def test_every_chinese_lesson_sets_the_language_and_the_parity_test_says_so(tmp_path):
    import nbformat
    import zh_edition

    for twin in sorted(zh_edition.ZH_NOTEBOOKS.glob("[0-9]*.ipynb")):
        first = next(
            cell
            for cell in nbformat.read(twin, as_version=4).cells
            if cell.cell_type == "code" and "setup_notebook(" in cell.source
        )
        assert 'language="zh"' in first.source, twin.name
    english = zh_edition.english_lessons()[3]
    twin = nbformat.read(zh_edition.chinese_twin(english), as_version=4)
    for cell in twin.cells:
        cell.source = cell.source.replace(', language="zh"', "")
    broken = tmp_path / english.name
    nbformat.write(twin, broken)
    assert any(
        'needs language="zh"' in problem for problem in zh_edition.parity_problems(english, broken)
    )


def test_plot_labels_are_chinese_only_where_a_chinese_font_can_draw_them(chinese, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course_utils import diagrams, plotting

    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}
    monkeypatch.setattr(plotting, "chinese_font", lambda: None)
    ax = plotting.plot_learning_curves(history)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "loss")  # no font: English, no boxes
    monkeypatch.setattr(plotting, "chinese_font", lambda: "WenQuanYi Micro Hei")
    ax = plotting.plot_learning_curves(history)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("轮", "损失")
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["损失", "验证损失"]
    ax = diagrams.draw_dense_layer(4, 3)
    assert ax.get_title() == "Dense(3)：4 × 3 个权重 + 3 个偏置 = 15 个参数"
    plt.close("all")
    table = plotting.listening_table({"a": [0.0, 0.1]}, 8000).data
    assert "<th>音频</th><th>度量</th><th>试听</th>" in table


def test_every_format_call_fills_exactly_the_placeholders_of_its_message():
    """tr("... {n} ...").format(n=...): a missing name would raise KeyError in a learner's check."""
    problems, checked = [], 0
    for path in sorted((ROOT / "course_utils").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "format"
                and isinstance(node.func.value, ast.Call)
                and getattr(node.func.value.func, "id", None) in ("tr", "plot_text")
            ):
                continue
            checked += 1
            inner = node.func.value
            message = inner.args[0]
            if getattr(message, "func", None) is not None:  # plot_text(N_("..."))
                message = message.args[0]
            names = {keyword.arg for keyword in node.keywords}
            wanted = set(catalogues.placeholders(message.value))
            if names != wanted or node.args:
                problems.append(
                    f"{path.relative_to(ROOT)}:{node.lineno}: fills {sorted(names)}, "
                    f"the message has {sorted(wanted)}"
                )
    assert checked > 100 and not problems, "\n".join(problems) or checked


def _is_marked(node) -> bool:
    """tr("..."), N_("..."), tr("...").format(...), or a name/expression built from them."""
    if isinstance(node, ast.Call):
        function = node.func
        if getattr(function, "id", None) in ("tr", "N_", "gettext", "plot_text"):
            return True
        if isinstance(function, ast.Attribute) and function.attr in ("format", "join"):
            return _is_marked(function.value)
        return False
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        return not (isinstance(node, ast.Constant) and isinstance(node.value, str))
    if isinstance(node, ast.BinOp):
        return _is_marked(node.left) and _is_marked(node.right)
    return True  # a variable: where it is built, the other rules apply


def test_every_message_of_a_check_and_every_name_and_hint_is_marked_for_translation():
    """A new Incorrect("...") or hint written as a plain string would stay English in the Chinese lessons."""
    problems = []
    for path in sorted((ROOT / "course_utils" / "exercises").glob("lesson*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree, {"Incorrect"}):
            if call.args and not _is_marked(call.args[0]):
                problems.append(
                    f"{path.name}:{call.lineno}: Incorrect({ast.unparse(call.args[0])[:60]})"
                )
        for call in _calls(tree, {"Exercise", "_WriteAFunction"}):
            texts = [call.args[0]] if call.args else []
            hint = call.args[2] if len(call.args) > 2 else None
            hint = next((k.value for k in call.keywords if k.arg == "hint"), hint)
            if hint is not None:
                texts += hint.elts if isinstance(hint, (ast.List, ast.Tuple)) else [hint]
            for text in texts:
                if not _is_marked(text):
                    problems.append(f"{path.name}:{text.lineno}: {ast.unparse(text)[:60]} (use N_)")
    assert not problems, (
        "wrap these in tr(...) (N_(...) for names and hints), then run python scripts/i18n.py "
        "and give each its Chinese msgstr:\n" + "\n".join(problems)
    )
