"""The Chinese edition (issue #14): every lesson has a current Chinese twin with the same code.

A twin is ``notebooks/zh/<same name>``: the same cells (ids, types, tags), the same code
(comments may be translated), Chinese Markdown that records which English text it
translates, and every number of the English text. ``scripts/zh_edition.py`` builds and
checks them; these tests run its checks and show that they can fail.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import zh_edition  # noqa: E402

ENGLISH = zh_edition.english_lessons()
NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.])[0-9]+(?:[.,][0-9]+)*"
)  # "第5节" counts: 第 is no ASCII letter


def numbers_in(text: str) -> set[str]:
    """The numbers a text states, in digits ("1,000" and "1000" are the same number)."""
    return {match.replace(",", "") for match in NUMBER.findall(text)}


@pytest.mark.parametrize("english", ENGLISH, ids=lambda path: path.name[:2])
def test_every_lesson_has_a_current_chinese_twin(english):
    problems = zh_edition.parity_problems(english)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("english", ENGLISH, ids=lambda path: path.name[:2])
def test_the_chinese_text_keeps_every_number_of_the_english(english):
    chinese = zh_edition.chinese_twin(english)
    if not chinese.exists():
        pytest.fail(f"no {chinese.name} in notebooks/zh/")
    twins = {cell.id: cell for cell in nbformat.read(chinese, as_version=4).cells}
    lost = []
    for cell in nbformat.read(english, as_version=4).cells:
        if cell.cell_type == "markdown" and cell.id in twins:
            missing = numbers_in(cell.source) - numbers_in(twins[cell.id].source)
            if missing:
                lost.append(f"cell {cell.id}: {sorted(missing)}")
    assert not lost, (
        f"{english.name}: numbers of the English text missing in the Chinese:\n" + "\n".join(lost)
    )


def test_no_chinese_lesson_without_an_english_one():
    english = {path.name for path in ENGLISH}
    orphans = [
        path.name for path in zh_edition.ZH_NOTEBOOKS.glob("*.ipynb") if path.name not in english
    ]
    assert not orphans, f"Chinese lessons with no English lesson: {orphans}"


def test_numbers_in_the_check_ignore_thousands_separators_and_names():
    assert numbers_in("7.38 dB at 1,000 steps, 03_building, x2, v0.11") == {"7.38", "1000", "03"}


# -- the checks can fail -------------------------------------------------------------------------
def _pair(tmp_path: Path):
    english = tmp_path / "07_demo.ipynb"
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 07 · Demo\n\nThe codec reaches 7.38 dB.", id="title"),
            nbformat.v4.new_code_cell("x = 1  # one\nprint(x)", id="code"),
            nbformat.v4.new_code_cell("assert x == 1", id="checks", metadata={"tags": ["check"]}),
        ]
    )
    nbformat.write(notebook, english)
    translated = zh_edition.build_translation(
        english, {"title": "# 07 · 演示\n\n编解码器达到 7.38 dB。"}
    )
    chinese = tmp_path / "zh" / english.name
    chinese.parent.mkdir()
    nbformat.write(translated, chinese)
    return english, chinese


def _edit(path: Path, index: int, **changes) -> None:
    notebook = nbformat.read(path, as_version=4)
    for key, value in changes.items():
        if key == "tags":
            notebook.cells[index].metadata["tags"] = value
        else:
            notebook.cells[index][key] = value
    nbformat.write(notebook, path)


def test_a_faithful_twin_has_no_problems_even_with_translated_comments(tmp_path):
    english, chinese = _pair(tmp_path)
    assert zh_edition.parity_problems(english, chinese) == []
    _edit(chinese, 1, source="x = 1  # 一\nprint(x)")
    assert zh_edition.parity_problems(english, chinese) == []


@pytest.mark.parametrize(
    ("side", "index", "changes", "expected"),
    [
        ("zh", 1, {"source": "x = 2\nprint(x)"}, "code differs"),
        ("zh", 2, {"tags": []}, "tags"),
        (
            "en",
            0,
            {"source": "# 07 · Demo\n\nThe codec reaches 8.1 dB."},
            "changed since it was translated",
        ),
        ("zh", 0, {"source": "# 07 · Demo\n\nThe codec reaches 7.38 dB."}, "no Chinese"),
    ],
)
def test_the_parity_check_finds_each_kind_of_drift(tmp_path, side, index, changes, expected):
    english, chinese = _pair(tmp_path)
    _edit(chinese if side == "zh" else english, index, **changes)
    problems = zh_edition.parity_problems(english, chinese)
    assert len(problems) == 1 and expected in problems[0], problems


def test_the_parity_check_finds_a_missing_cell_and_a_missing_twin(tmp_path):
    english, chinese = _pair(tmp_path)
    notebook = nbformat.read(chinese, as_version=4)
    del notebook.cells[2]
    nbformat.write(notebook, chinese)
    assert "cell for cell" in zh_edition.parity_problems(english, chinese)[0]
    chinese.unlink()
    assert "no Chinese twin" in zh_edition.parity_problems(english, chinese)[0]


def test_a_translation_must_cover_every_markdown_cell(tmp_path):
    english, _ = _pair(tmp_path)
    with pytest.raises(SystemExit, match="no translation for Markdown cells"):
        zh_edition.build_translation(english, {})


def test_localize_shows_the_english_outputs_under_the_chinese_text(tmp_path):
    english, chinese = _pair(tmp_path)
    executed = nbformat.read(english, as_version=4)
    executed.cells[1].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    page = zh_edition.localize(executed, nbformat.read(chinese, as_version=4))
    assert page.cells[0].source.startswith("# 07 · 演示")
    assert page.cells[1].outputs[0]["text"] == "1\n"
    assert page.metadata["language"] == "zh-CN"
    assert executed.cells[0].source.startswith("# 07 · Demo"), (
        "the English notebook is left as it was"
    )


def test_wrapped_chinese_lines_are_joined_but_code_math_and_lists_are_not():
    text = (
        "第一行中文\n第二行，\n**粗体**继续\nEnglish\n> 引用一\n> 引用二\n- 项一\n  续行\n- 项二\n"
        "$$\n中\n文\n$$\n```\n# 中\n# 文\n```"
    )
    assert zh_edition.join_chinese_lines(text) == (
        "第一行中文第二行，**粗体**继续\nEnglish\n> 引用一引用二\n- 项一续行\n- 项二\n$$\n中\n文\n$$\n```\n# 中\n# 文\n```"
    )


@pytest.mark.parametrize("english", ENGLISH, ids=lambda path: path.name[:2])
def test_no_chinese_paragraph_breaks_a_line_between_two_characters(english):
    """A line break is a space in Markdown: "自编码 器" on the page."""
    chinese = zh_edition.chinese_twin(english)
    if not chinese.exists():
        pytest.fail(f"no {chinese.name} in notebooks/zh/")
    broken = [
        cell.id
        for cell in nbformat.read(chinese, as_version=4).cells
        if cell.cell_type == "markdown"
        and zh_edition.join_chinese_lines(cell.source) != cell.source
    ]
    assert not broken, (
        f"{chinese.name}: cells {broken} break lines inside Chinese text: run zh_edition.join_chinese_lines"
    )


@pytest.mark.parametrize("english", ENGLISH, ids=lambda path: path.name[:2])
def test_chinese_bold_and_italics_render(english):
    """`**粗体。**接着` is no bold in CommonMark: punctuation before the closing ** and a
    character after it. The page would show the asterisks."""
    from bs4 import BeautifulSoup
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    chinese = zh_edition.chinese_twin(english)
    if not chinese.exists():
        pytest.fail(f"no {chinese.name} in notebooks/zh/")
    shown = []
    for cell in nbformat.read(chinese, as_version=4).cells:
        if cell.cell_type == "markdown":
            soup = BeautifulSoup(
                markdown2html_mistune(
                    re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$", "", cell.source, flags=re.S)
                ),
                "html.parser",
            )
            for code in soup.find_all(["code", "pre"]):
                code.decompose()
            if "**" in soup.get_text():
                shown.append(cell.id)
    assert not shown, (
        f"{chinese.name}: cells {shown} show ** on the page: move the punctuation or add a space"
    )


def test_links_to_a_chinese_lesson_call_it_by_its_title():
    """`[05 · 评估自编码器](05_evaluating.ipynb)`: one name per lesson, the part of its title before "："."""
    titles = {}
    for path in zh_edition.ZH_NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"):
        first = nbformat.read(path, as_version=4).cells[0].source
        titles[path.name] = re.search(r"^#\s+(.+?)\s*$", first, re.M).group(1).split("：")[0]
    texts = [
        (path.name, cell.source)
        for path in zh_edition.ZH_NOTEBOOKS.glob("*.ipynb")
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "markdown"
    ]
    texts += [
        (path.name, path.read_text(encoding="utf-8"))
        for path in [ROOT / "README.zh-CN.md", *sorted((ROOT / "docs" / "zh").glob("*.md"))]
    ]
    wrong = [
        f"{where}: [{text}] -> {name} is '{titles[name]}'"
        for where, source in texts
        for text, name in re.findall(
            r"\[(\d\d · [^\]]+)\]\((?:[./]*notebooks/zh/)?(\d\d_\w+\.ipynb)", source
        )
        if name in titles and text != titles[name]
    ]
    assert not wrong, "\n".join(wrong)


def test_the_lessons_code_does_not_depend_on_the_folder_it_runs_in():
    """The twins run from notebooks/zh/, one folder deeper, and are not executed in CI (the
    parity test stands in): no code cell may name a file relative to the notebook's folder."""
    relative = re.compile(r"""["'](?:\.\.?/|notebooks/|data/|docs/)""")
    found = [
        f"{path.name} cell {cell.id}: {line.strip()}"
        for path in ENGLISH
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if relative.search(line)
    ]
    assert not found, "use data.data_path(...) or an absolute path:\n" + "\n".join(found)


def test_sync_carries_new_code_and_cells_into_the_twin_and_keeps_the_chinese(tmp_path, monkeypatch):
    english, chinese = _pair(tmp_path)
    monkeypatch.setattr(zh_edition, "english_lessons", lambda: [english])
    monkeypatch.setattr(zh_edition, "ZH_NOTEBOOKS", chinese.parent)
    notebook = nbformat.read(english, as_version=4)
    notebook.cells[1].source = "x = 2  # two\nprint(x)"
    notebook.cells.insert(2, nbformat.v4.new_markdown_cell("A new paragraph.", id="new"))
    nbformat.write(notebook, english)
    assert zh_edition.parity_problems(english, chinese)
    path, untranslated = zh_edition.sync("07")
    assert path == chinese and untranslated == ["new"]
    synced = nbformat.read(chinese, as_version=4)
    assert synced.cells[0].source.startswith("# 07 · 演示") and synced.cells[1].source.startswith(
        "x = 2"
    )
    problems = zh_edition.parity_problems(english, chinese)
    assert len(problems) == 2 and all(
        "cell 2 (new)" in problem for problem in problems
    )  # stale, not Chinese


def test_two_digits_name_the_lesson_and_a_full_name_its_going_further_notebook(
    monkeypatch, tmp_path
):
    """`--sync 05` is lesson 05 itself; `--sync 05_going_further_x` its optional notebook."""
    names = ["05_evaluating", "05_going_further_transform_coding", "06_troubleshooting"]
    monkeypatch.setattr(
        zh_edition, "english_lessons", lambda: [tmp_path / f"{name}.ipynb" for name in names]
    )
    assert zh_edition.english_lesson("05").stem == "05_evaluating"
    assert zh_edition.english_lesson("05_going").stem == "05_going_further_transform_coding"
    assert zh_edition.english_lesson("05_going_further_transform_coding").stem == names[1]
    with pytest.raises(SystemExit, match="names 0 lessons"):
        zh_edition.english_lesson("14")


# --- house style (issue #25 item 2): d2l-zh's typography, each rule able to fail --------------

import zh_style  # noqa: E402


@pytest.mark.parametrize("path", list(zh_style.chinese_documents()), ids=lambda path: path.name)
def test_the_chinese_text_follows_the_house_style(path):
    problems = [
        problem
        for text in zh_style.chinese_documents()[path]
        for problem in zh_style.style_problems(text)
    ]
    assert not problems, (
        f"{path.name} (fix with `python scripts/zh_style.py --fix`):\n" + "\n".join(problems)
    )


@pytest.mark.parametrize(
    ("broken", "styled"),
    [
        ("自编码器 (autoencoder) 把输入压缩", "自编码器（autoencoder）把输入压缩"),
        (
            "[瓶颈](../../docs/zh/glossary.md#bottleneck) (bottleneck)",
            "[瓶颈](../../docs/zh/glossary.md#bottleneck)（bottleneck）",
        ),
        ("前 75 % 用于训练", "前 75% 用于训练"),
        ("4 位说话人 x 10 个数字", "4 位说话人 × 10 个数字"),
        ("输入 -> 编码", "输入 → 编码"),
        ("用tf.data读取32个帧", "用 tf.data 读取 32 个帧"),
        ("调用`model.fit`训练", "调用 `model.fit` 训练"),
        ("见[README](../README.md)中的表", "见 [README](../README.md) 中的表"),
        ('它说"声音压缩"', "它说“声音压缩”"),
        ("**练习 1.** 只加载两秒", "**练习 1**：只加载两秒"),
        ("**练习 4（开放题）.** 胜过 PCA", "**练习 4（开放题）**：胜过 PCA"),
        ("随机种子（seed）（这样结果可复现）", "随机种子（seed，这样结果可复现）"),
        ("误差 （见下）", "误差（见下）"),
    ],
)
def test_each_house_style_rule_can_fail_and_is_fixed(broken, styled):
    assert zh_style.style_problems(broken), f"no rule caught: {broken}"
    assert zh_style.house_style(broken) == styled
    assert zh_style.style_problems(styled) == []
    assert zh_style.house_style(styled) == styled  # applying it twice changes nothing


def test_quotes_that_do_not_pair_are_caught():
    assert zh_style.style_problems(
        '（"seven“ 和 ”nevse" 看起来一样）'
    )  # the slip found in lesson 10
    assert zh_style.style_problems("“一个“嵌套”的引号")
    assert zh_style.style_problems("一个没有闭合的“引号")


def test_the_house_style_leaves_code_math_links_and_quotations_alone():
    text = (
        "原文说“这里我们使用了Librosa库提供的一组声音数据”；代码 `x -> y` 和 $a (b) x 2$ 不变，"
        '链接 [文档](../docs/a_b.md#x-y) 也不变。\n\n```python\nprint("中文")  # 75 %\n```'
    )
    assert zh_style.house_style(text) == text
    assert zh_style.style_problems(text) == []
