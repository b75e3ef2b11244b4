"""The source article is quoted faithfully, from one place (issue #25 items 3 and 6).

docs/article.md keeps every quotation of the article word for word. The Chinese lessons, README
and glossary may quote only those (or a part of one, cut with "……"); when a maintainer has the
article's text, each quotation must stand in it. The Chinese README's table of corrected claims
is lesson 00's table, so the two cannot drift.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_PAGE = ROOT / "docs" / "article.md"
QUOTE = re.compile(r"“([^”]+)”")
CJK = re.compile(r"[\u4e00-\u9fff]")
# A quotation is the article's when the text just before it names the article (原文, its FAQ).
ATTRIBUTION = re.compile(r"(原文|FAQ|文章)")
ATTRIBUTION_WINDOW = 40


def article_quotations(page: str) -> list[str]:
    """The quotations in the table of docs/article.md (its second column)."""
    table = page[page.index("| § | 原文 |") :]
    rows = re.findall(r"^\|[^|]*\|\s*“([^”]+)”\s*\|", table, re.M)
    return rows


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def quoted_from_the_article(text: str) -> list[str]:
    """Every “…” in ``text`` with Chinese in it whose preceding words attribute it to the article."""
    found = []
    for match in QUOTE.finditer(text):
        before = text[max(0, match.start() - ATTRIBUTION_WINDOW) : match.start()]
        if CJK.search(match.group(1)) and ATTRIBUTION.search(before):
            found.append(match.group(1))
    return found


def unfaithful(quotes: list[str], sources: list[str]) -> list[str]:
    """The quotes that are not a part of any source (each piece between "……" must be)."""
    sources = [compact(source) for source in sources]
    bad = []
    for quote in quotes:
        pieces = [compact(piece) for piece in re.split(r"……|…", quote) if piece.strip()]
        if not all(any(piece in source for source in sources) for piece in pieces):
            bad.append(quote)
    return bad


def chinese_texts() -> dict[str, str]:
    texts = {}
    for path in sorted((ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts[f"notebooks/zh/{path.name}"] = "\n\n".join(
            "".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"
        )
    for path in [ROOT / "README.zh-CN.md", *sorted((ROOT / "docs" / "zh").glob("*.md"))]:
        texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return texts


def test_the_article_page_quotes_its_code_and_claims():
    page = ARTICLE_PAGE.read_text(encoding="utf-8")
    assert "class Autoencoder(tf.keras.Model)" in page and "for epoch in range(1000)" in page
    assert len(article_quotations(page)) >= 12


def test_every_quotation_of_the_article_in_chinese_is_word_for_word():
    sources = article_quotations(ARTICLE_PAGE.read_text(encoding="utf-8"))
    problems = []
    for name, text in chinese_texts().items():
        problems += [
            f"{name}: “{quote}”" for quote in unfaithful(quoted_from_the_article(text), sources)
        ]
    assert not problems, (
        "quoted as the article's words but not in docs/article.md's quotations "
        "(quote the article word for word, or add the sentence there):\n" + "\n".join(problems)
    )


def test_a_paraphrase_inside_quotation_marks_is_caught():
    sources = ["减少训练数据的数量可以减少自动编码器的泛化能力，从而减少欠拟合的风险"]
    faithful = "原文的建议是“减少训练数据的数量……从而减少欠拟合的风险”。"
    paraphrase = "原文给欠拟合开出的补救办法中有一条是“减少训练数据量”。"
    own_words = "课程的习惯是“数字都经过检查”。"
    assert unfaithful(quoted_from_the_article(faithful), sources) == []
    assert unfaithful(quoted_from_the_article(paraphrase), sources) == ["减少训练数据量"]
    assert quoted_from_the_article(own_words) == []


def article_text() -> str | None:
    candidates = [
        os.environ.get("COURSE_ARTICLE"),
        ROOT.parent / "shared" / "seed" / "000_513e1be5ab24cf2b.txt",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    return None


def test_each_quotation_stands_in_the_article():
    text = article_text()
    if text is None:
        pytest.skip(
            "the article's text is not here (set COURSE_ARTICLE=path to check the quotations)"
        )
    page = ARTICLE_PAGE.read_text(encoding="utf-8")
    missing = [quote for quote in article_quotations(page) if compact(quote) not in compact(text)]
    assert not missing, f"not word for word in the article: {missing}"
    code = page[page.index("```python") : page.rindex("```") + 3]
    for block in re.findall(r"```python\n(.*?)```", code, re.S):
        assert compact(block) in compact(text), (
            f"the article's code is not quoted word for word:\n{block[:200]}"
        )


def table_rows(text: str) -> list[str]:
    table = text[text.index("| 原文 | 课程的实测 | 课 |") :].split("\n\n")[0]
    rows = []
    for row in table.splitlines():
        row = re.sub(r"\]\((?:\.\./\.\./|notebooks/zh/)?((?:docs/zh/)?[^)]*)\)", r"](\1)", row)
        rows.append(row.replace("](docs/zh/", "]("))
    return rows


def test_the_chinese_readme_carries_lesson_00s_table_of_corrections():
    cells = json.loads(
        (ROOT / "notebooks" / "zh" / "00_welcome.ipynb").read_text(encoding="utf-8")
    )["cells"]
    lesson = next(
        "".join(c["source"]) for c in cells if "| 原文 | 课程的实测 | 课 |" in "".join(c["source"])
    )
    readme = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    assert table_rows(readme) == table_rows(lesson)
    assert len(table_rows(lesson)) >= 10
