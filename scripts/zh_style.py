"""The Chinese edition's house style (d2l-zh's), as rules a test can check and a script can apply.

- full-width punctuation around Chinese: a gloss is 自编码器（autoencoder）, not 自编码器 (autoencoder),
  and no space stands beside a full-width mark;
- ``75%``, not ``75 %``; ``×`` between counts, not ``x``; ``→``, not ``->``;
- a space between Chinese and Latin letters, numbers, inline code, inline math and link text;
- curly quotes “…” that balance, never straight quotes around Chinese;
- one pair of parentheses at a time: （seed，这样……）, not （seed）（这样……）;
- one exercise label: ``**练习 N**：`` (or a heading ``### 练习 N：标题``).

Code, math, link targets and HTML are left alone, and so is the text inside “…”, which may quote
the source article word for word (``docs/article.md``). ``house_style(text)`` applies the rules
(``zh_edition.build_translation`` applies it to every new translation); ``style_problems(text)``
lists what breaks them. ``python scripts/zh_style.py --fix`` restyles the whole edition.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HAN = "\u4e00-\u9fff"
FULL_WIDTH_MARKS = "（），。：；！？、“”《》"
# Placeholders (private-use characters) for what the rules must not touch. Code and math read as
# Latin text beside Chinese; a link target is invisible; HTML is left alone.
LATIN_OPEN, LATIN_CLOSE = "\ue000", "\ue001"
TARGET_OPEN, TARGET_CLOSE = "\ue002", "\ue003"
TAG_OPEN, TAG_CLOSE = "\ue004", "\ue005"
QUOTE_OPEN, QUOTE_CLOSE = "\ue006", "\ue007"

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_INLINE_MATH = re.compile(r"(?<![\\$])\$[^$\n]+?\$")
_LINK_TARGET = re.compile(r"(?<=\])\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_QUOTED = re.compile(r"“[^”]*”")

LATIN = rf"A-Za-z0-9{LATIN_OPEN}"
LATIN_END = rf"A-Za-z0-9%{LATIN_CLOSE}"


def _protect(text: str) -> tuple[str, list[str]]:
    kept: list[str] = []

    def keeper(opening: str, closing: str):
        def keep(match: re.Match) -> str:
            kept.append(match.group(0))
            return f"{opening}{len(kept) - 1}{closing}"

        return keep

    for pattern, (opening, closing) in (
        (_FENCE, (TAG_OPEN, TAG_CLOSE)),
        (_DISPLAY_MATH, (TAG_OPEN, TAG_CLOSE)),
        (_INLINE_CODE, (LATIN_OPEN, LATIN_CLOSE)),
        (_INLINE_MATH, (LATIN_OPEN, LATIN_CLOSE)),
        (_LINK_TARGET, (TARGET_OPEN, TARGET_CLOSE)),
        (_TAG, (TAG_OPEN, TAG_CLOSE)),
        (_QUOTED, (f"“{QUOTE_OPEN}", f"{QUOTE_CLOSE}”")),
    ):
        text = pattern.sub(keeper(opening, closing), text)
    return text, kept


def _restore(text: str, kept: list[str]) -> str:
    pattern = re.compile(
        f"“{QUOTE_OPEN}([0-9]+){QUOTE_CLOSE}”|"
        f"[{LATIN_OPEN}{TARGET_OPEN}{TAG_OPEN}]([0-9]+)[{LATIN_CLOSE}{TARGET_CLOSE}{TAG_CLOSE}]"
    )
    while pattern.search(text):
        text = pattern.sub(lambda match: kept[int(match.group(1) or match.group(2))], text)
    return text


_LINK_END = rf"\]{TARGET_OPEN}[0-9]+{TARGET_CLOSE}"
RULES: list[tuple[str, re.Pattern, str]] = [
    ("a space before % (write 75%)", re.compile(r"(?<=[0-9]) %"), "%"),
    ("-> for an arrow (write →)", re.compile(r"(?<![<-])->(?!>)"), "→"),
    ("x between counts (write ×)", re.compile(r"(?<=[0-9]) x (?=\S)|(?<=\S) x (?=[0-9])"), " × "),
    (
        "a half-width gloss after Chinese (write 自编码器（autoencoder）)",
        re.compile(rf"(?<=[{HAN}*{TARGET_CLOSE}）”]) \(([A-Za-z][^()\n{HAN}]*)\)"),
        r"（\1）",
    ),
    (
        "half-width parentheses around Chinese (write （…）)",
        re.compile(rf"\(([^()\n{TARGET_OPEN}+=·×/^]*[{HAN}][^()\n+=·×/^]*)\)"),
        r"（\1）",
    ),
    ("a straight quote beside a curly one (write “…”)", re.compile(r'"(?=[“”])|(?<=[“”])"'), ""),
    (
        "straight quotes around Chinese (write “…”)",
        re.compile(rf'"([^"\n]*[{HAN}][^"\n]*)"'),
        r"“\1”",
    ),
    (
        "an exercise label as **练习 N.** (write **练习 N**：)",
        re.compile(r"\*\*练习 ([0-9]+)((?:（[^）]*）)?)\.\*\* ?"),
        r"**练习 \1\2**：",
    ),
    (
        "two glosses in a row (merge them: （seed，…）)",
        re.compile(r"（([A-Za-z][^（）\n]*)）（"),
        r"（\1，",
    ),
    (
        "a space beside a full-width mark",
        re.compile(rf"(?<=[^\s|]) +(?=[{FULL_WIDTH_MARKS}])|(?<=[{FULL_WIDTH_MARKS}]) +(?=[^\s|])"),
        "",
    ),
    (
        "Chinese glued to Latin text, a number, code or math (put a space between)",
        re.compile(rf"(?<=[{HAN}])(?=[{LATIN}]|\[[{LATIN}])"),
        " ",
    ),
    (
        "Latin text, a number, code or math glued to Chinese (put a space between)",
        re.compile(rf"(?<=[{LATIN_END}])(?=[{HAN}])"),
        " ",
    ),
    (
        "a link whose text ends in Latin glued to Chinese (put a space between)",
        re.compile(rf"([A-Za-z0-9{LATIN_CLOSE}]{_LINK_END})(?=[{HAN}])"),
        r"\1 ",
    ),
]


def _restyle(text: str) -> str:
    for _, pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text


def house_style(text: str) -> str:
    """``text`` (Chinese Markdown) in the house style; code, math, links and quotations untouched."""
    protected, kept = _protect(text)
    return _restore(_restyle(protected), kept)


def style_problems(text: str) -> list[str]:
    """What in ``text`` breaks the house style: one line per broken rule, with an example."""
    protected, kept = _protect(text)
    outside = protected
    problems = []
    for name, pattern, _ in RULES:
        match = pattern.search(outside)
        if match:
            start = max(0, match.start() - 12)
            problems.append(f"{name}: …{_restore(outside[start : match.end() + 12], kept)}…")
    restored = _restore(protected, kept)
    if any('"' in line and re.search("[“”]", line) for line in restored.splitlines()):
        problems.append(
            "straight and curly quotes mixed in one line (write “…” for each quotation)"
        )
    opened = closed = 0
    for mark in re.findall("[“”]", restored):
        opened, closed = (opened + 1, closed) if mark == "“" else (opened, closed + 1)
        if closed > opened or opened - closed > 1:
            problems.append("curly quotes out of order (“ must open and ” close each quotation)")
            break
    else:
        if opened != closed:
            problems.append(f"unbalanced curly quotes: {opened} “ and {closed} ”")
    return problems


def chinese_documents() -> dict[Path, list[str]]:
    """Every Chinese Markdown text of the edition: per file, its texts (a notebook's Markdown cells)."""
    documents = {}
    for path in sorted((ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        documents[path] = [
            "".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"
        ]
    for path in [ROOT / "README.zh-CN.md", *sorted((ROOT / "docs" / "zh").glob("*.md"))]:
        documents[path] = [path.read_text(encoding="utf-8")]
    return documents


def fix_all() -> list[Path]:
    """Restyle every Chinese text in place; return the files changed."""
    changed = []
    for path in chinese_documents():
        if path.suffix == ".ipynb":
            notebook = json.loads(path.read_text(encoding="utf-8"))
            before = json.dumps(notebook, ensure_ascii=False)
            for cell in notebook["cells"]:
                if cell["cell_type"] == "markdown":
                    styled = house_style("".join(cell["source"]))
                    lines = styled.split("\n")
                    cell["source"] = [line + "\n" for line in lines[:-1]] + (
                        [lines[-1]] if lines[-1] else []
                    )
            if json.dumps(notebook, ensure_ascii=False) != before:
                path.write_text(
                    json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
                )
                changed.append(path)
        else:
            text = path.read_text(encoding="utf-8")
            styled = house_style(text)
            if styled != text:
                path.write_text(styled, encoding="utf-8")
                changed.append(path)
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="restyle every Chinese text in place")
    args = parser.parse_args(argv)
    if args.fix:
        for path in fix_all():
            print(f"restyled {path.relative_to(ROOT)}")
    count = 0
    for path, texts in chinese_documents().items():
        for index, text in enumerate(texts):
            for problem in style_problems(text):
                count += 1
                print(f"{path.relative_to(ROOT)} [{index}]: {problem}")
    print(f"{count} problems")
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
