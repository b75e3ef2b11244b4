"""Lesson times: every lesson's header states a range, and the course map agrees with it.

Each notebook's opening cell says `**Estimated time:** 45-80 minutes (...)`: a range for one
learner, reading + running and listening + exercises (issue #11 item 7). The range must match
what the notebook contains (`content_estimate`, within a tolerance), and lesson 00's course map
(its `course_map` code cell and its table), the README's table and docs/instructors.md must
state the same ranges, so a lesson that grows cannot leave the map behind. The parts in the
parentheses are the estimate's parts too, and the total is their sum rounded to 5 minutes, in
English and in the Chinese twin, so the header's text cannot drift from the content (#23 item 7).

Run `python tests/test_course_map.py` to print each lesson's content estimate and header.
"""

from __future__ import annotations

import ast
import json
import math
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WELCOME = ROOT / "notebooks" / "00_welcome.ipynb"

# How a learner spends the time (the assumptions behind every range; see docs/instructors.md).
PROSE_WORDS_PER_MINUTE = (140, 110)  # fast, slow reader of technical prose
CODE_LINES_PER_MINUTE = (15, 10)  # reading the code before running it
RUN_MINUTES = (2, 4)  # running the cells, restarts
LISTEN_MINUTES_PER_PLAYER = (1, 1.5)
EXERCISE_MINUTES = (6, 12)
TOLERANCE_MINUTES = 10  # a header may differ this much from the estimate at either end
# Each part's ends may differ this much from the estimate's: about 20 code lines or 220 words at
# the slow reading rate, or one audio player, so a small edit does not force a new header (and a
# new Chinese twin), while one exercise more (6-12 minutes) or a new section does. Three parts
# within 2 minutes each, summed and rounded to 5, keep the total within TOLERANCE_MINUTES.
PART_TOLERANCE_MINUTES = 2
PART_NAMES = ("reading", "running", "exercises")

TIME = re.compile(
    r"\*\*(?:Estimated )?time:\*\*\s*(?:about\s+)?(\d+)\s*(?:-|–|to)\s*(\d+)\s*(min|hour)", re.I
)
SINGLE_TIME = re.compile(r"\*\*(?:Estimated )?time:\*\*\s*(?:about\s+)?(\d+)\s*min", re.I)
#: The whole statement, on one line: `**Estimated time:** 55-95 minutes (reading 30-43, running
#: and listening 2-4, exercises 24-48).` ("no exercises" for none; a remark may follow a ";").
HEADER = re.compile(
    r"\*\*Estimated time:\*\* (\d+)-(\d+) minutes \(reading (\d+)-(\d+), running and listening "
    r"(\d+)-(\d+), (?:exercises (\d+)-(\d+)|no exercises)[;)]"
)
#: The Chinese twin's: `**预计用时：** 55-95 分钟（阅读 30-43，运行与试听 2-4，练习 24-48）。`
ZH_HEADER = re.compile(
    r"\*\*预计用时：\*\* (\d+)-(\d+) 分钟（阅读 (\d+)-(\d+)，运行与试听 (\d+)-(\d+)，"
    r"(?:练习 (\d+)-(\d+)|没有练习)[；）]"
)
PLAYERS = ("audio_player(", "listening_table(", "compare_audio(")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def markdown(notebook: dict) -> str:
    return "\n".join(
        "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"
    )


def header_range(path: Path) -> tuple[int, int]:
    first = "".join(load(path)["cells"][0]["source"])
    found = TIME.search(first)
    if not found:
        single = SINGLE_TIME.search(first)
        detail = f"it says {single.group(0)!r}, a single number" if single else "it states no time"
        pytest.fail(
            f"{path.name}: the header must state a range, e.g. '**Estimated time:** 45-80 minutes "
            f"(reading ..., running ..., exercises ...)'; {detail}. Suggested: {suggestion(path)}"
        )
    scale = 60 if found.group(3).lower() == "hour" else 1
    low, high = int(found.group(1)) * scale, int(found.group(2)) * scale
    assert 0 < low < high, (
        f"{path.name}: {found.group(0)!r} is not a range from fewer to more minutes"
    )
    return low, high


def content_counts(path: Path) -> dict:
    notebook = load(path)
    prose = re.sub(r"```.*?```", "", markdown(notebook), flags=re.S)
    prose = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", prose)  # a link reads as its text
    code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    shown = [c for c in code_cells if "check" not in c.get("metadata", {}).get("tags", [])]
    code_lines = sum(
        1
        for c in shown
        for line in "".join(c["source"]).splitlines()
        if line.strip() and not line.strip().startswith("#")
    )
    code = "\n".join("".join(c["source"]) for c in code_cells)
    return {
        "words": len(prose.split()),
        "code_lines": code_lines,
        "players": sum(code.count(name) for name in PLAYERS),
        "exercises": len(set(re.findall(r"\bexercises\.(\w+)\.check\(", code))),
    }


def content_estimate(path: Path) -> dict:
    """Minutes (fewest, most) for reading, running and listening, exercises, and in all."""
    n = content_counts(path)
    parts = {
        "reading": tuple(
            n["words"] / w + n["code_lines"] / c
            for w, c in zip(PROSE_WORDS_PER_MINUTE, CODE_LINES_PER_MINUTE)
        ),
        "running": tuple(
            r + n["players"] * p for r, p in zip(RUN_MINUTES, LISTEN_MINUTES_PER_PLAYER)
        ),
        "exercises": tuple(n["exercises"] * e for e in EXERCISE_MINUTES),
    }
    rounded = {k: (math.floor(a), math.ceil(b)) for k, (a, b) in parts.items()}
    return {**rounded, "total": total_of(rounded)}


def total_of(parts: dict) -> tuple[int, int]:
    """The whole range from its parts' whole minutes: fewest down, most up to 5 minutes.

    Summing the parts as the header states them, a reader gets a total inside the range.
    """
    low = 5 * math.floor(sum(parts[name][0] for name in PART_NAMES) / 5)
    high = 5 * math.ceil(sum(parts[name][1] for name in PART_NAMES) / 5)
    return low, high


def suggestion(path: Path) -> str:
    e = content_estimate(path)
    exercises = (
        f"exercises {e['exercises'][0]}-{e['exercises'][1]}"
        if e["exercises"] != (0, 0)
        else "no exercises"
    )
    return (
        f"**Estimated time:** {e['total'][0]}-{e['total'][1]} minutes (reading {e['reading'][0]}-"
        f"{e['reading'][1]}, running and listening {e['running'][0]}-{e['running'][1]}, "
        f"{exercises})."
    )


def stated_parts(text: str, pattern: re.Pattern = HEADER) -> dict | None:
    """The header's numbers: {"total": (low, high), "reading": ..., "running": ..., "exercises": ...}."""
    found = pattern.search(text)
    if not found:
        return None
    n = [int(g) if g is not None else 0 for g in found.groups()]
    return dict(zip(("total", *PART_NAMES), zip(n[0::2], n[1::2])))


def header_problems(path: Path) -> list[str]:
    """How the header's parts and total differ from the content estimate (empty when they agree)."""
    first = "".join(load(path)["cells"][0]["source"])
    stated = stated_parts(first)
    if stated is None:
        return ["the header does not state its parts on one line in the course's words"]
    estimate = content_estimate(path)
    problems = [
        f"{name} {stated[name][0]}-{stated[name][1]}, but the content gives "
        f"{estimate[name][0]}-{estimate[name][1]}"
        for name in PART_NAMES
        if any(abs(a - b) > PART_TOLERANCE_MINUTES for a, b in zip(stated[name], estimate[name]))
    ]
    if stated["total"] != total_of(stated):
        low, high = total_of(stated)
        problems.append(
            f"the total {stated['total'][0]}-{stated['total'][1]} is not its parts' sum "
            f"rounded to 5 minutes ({low}-{high})"
        )
    return problems


def headers() -> dict[str, tuple[int, int]]:
    return {path.stem: header_range(path) for path in NOTEBOOKS}


def welcome_course_map() -> dict[str, tuple[int, int]]:
    """Lesson 00's `course_map = {...}` code cell, read without running it."""
    for cell in load(WELCOME)["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "course_map = {" in source:
            for node in ast.walk(ast.parse(source)):
                if (
                    isinstance(node, ast.Assign)
                    and getattr(node.targets[0], "id", "") == "course_map"
                ):
                    value = ast.literal_eval(node.value)
                    return {name: tuple(minutes) for name, (_, minutes) in value.items()}
    pytest.fail("00_welcome.ipynb has no code cell defining course_map = {...}")


def table_times(text: str, pattern: str) -> dict[str, tuple[int, int]]:
    """Rows like `| [03 · Building ...](...03_building_the_autoencoder.ipynb) | ... | 45-80 min |`."""
    found = {}
    for name, low, high, unit in re.findall(pattern, text, re.M):
        scale = 60 if unit.startswith("h") else 1
        found[name] = (int(low) * scale, int(high) * scale)
    return found


TABLE_ROW = r"^\|\s*\[[^\]]*\]\((?:notebooks/)?(\d\d_[a-z0-9_]+)\.ipynb\)\s*\|.*\|\s*(\d+)\s*-\s*(\d+) (min|hours?)\s*\|\s*$"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_header_states_a_range_that_fits_the_content(path):
    low, high = header_range(path)
    if "open project" in "".join(load(path)["cells"][0]["source"]):
        pytest.skip(
            f"{path.name} is an open project: its time is the learner's project, not its content"
        )
    est_low, est_high = content_estimate(path)["total"]
    assert abs(low - est_low) <= TOLERANCE_MINUTES and abs(high - est_high) <= TOLERANCE_MINUTES, (
        f"{path.name} says {low}-{high} minutes, but its content (reading, running, exercises) "
        f"suggests {est_low}-{est_high}. Update the header: {suggestion(path)}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_headers_parts_are_the_content_estimates(path):
    if "open project" in "".join(load(path)["cells"][0]["source"]):
        pytest.skip(f"{path.name} is an open project: its time is the learner's project")
    problems = header_problems(path)
    assert not problems, (
        f"{path.name}'s header: {'; '.join(problems)} (each part within "
        f"{PART_TOLERANCE_MINUTES} minutes). Update it (and its Chinese twin, the course map, "
        f"the READMEs and docs/instructors.md if the total changes): {suggestion(path)}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_chinese_header_states_the_english_numbers(path):
    first = "".join(load(path)["cells"][0]["source"])
    if "open project" in first:
        pytest.skip(f"{path.name} is an open project: its time is the learner's project")
    twin = "".join(load(path.parent / "zh" / path.name)["cells"][0]["source"])
    english, chinese = stated_parts(first), stated_parts(twin, ZH_HEADER)
    assert chinese is not None, (
        f"zh/{path.name}'s header must say '**预计用时：** L-H 分钟（阅读 a-b，运行与试听 c-d，"
        f"练习 e-f）' (or 没有练习) on one line"
    )
    assert chinese == english, f"zh/{path.name} states {chinese}, its English header {english}"


def test_a_drifted_header_is_found(tmp_path):
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["word " * 1400]},
        {"cell_type": "code", "metadata": {}, "source": ["exercises.q1.check(answer)\n"]},
    ]
    path = tmp_path / "99_test.ipynb"

    def problems(header: str) -> list[str]:
        cells[0]["source"] = [header + "\n\n" + "word " * 1400]
        path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}))
        return header_problems(path)

    assert "in the course's words" in problems("**Estimated time:** 15-30 minutes.")[0]
    right = suggestion(path)  # reading 10-13, running and listening 2-4, exercises 6-12
    assert right.startswith("**Estimated time:** 15-30 minutes (reading 10-13,"), right
    assert problems(right) == []
    assert problems(right.replace("reading 10-13", "reading 11-14")) == []  # within 2
    assert "reading 14-18" in problems(right.replace("reading 10-13", "reading 14-18"))[0]
    assert "not its parts' sum" in problems(right.replace("15-30 minutes", "15-35 minutes"))[0]
    assert "on one line" in problems(right.replace(" (reading", "\n> (reading"))[0]
    assert "exercises 0-0" in problems(right.replace("exercises 6-12", "no exercises"))[0]


def test_the_course_map_in_lesson_00_matches_the_headers():
    assert welcome_course_map() == headers()


def test_lesson_00_table_and_total_match_the_headers():
    text = markdown(load(WELCOME))
    wanted = headers()
    assert table_times(text, TABLE_ROW) == wanted
    fewest, most = sum(low for low, _ in wanted.values()), sum(high for _, high in wanted.values())
    code = "\n".join(
        "".join(c["source"]) for c in load(WELCOME)["cells"] if c["cell_type"] == "code"
    )
    assert f"assert (fewest, most) == ({fewest}, {most})" in code, "00's asserted total is stale"
    hours = f"{fewest / 60:.0f} to {most / 60:.0f} hours"
    assert hours in text, f"00's prose should say about {hours} ({fewest} to {most} minutes)"


def test_the_readme_and_the_instructor_notes_match_the_headers():
    wanted = headers()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert table_times(readme, TABLE_ROW) == wanted
    notes = (ROOT / "docs" / "instructors.md").read_text(encoding="utf-8")
    stated = {}
    for number, further, low, high, unit in re.findall(
        r"^### (\d\d) · (Going further)?[^\n]*\n+\*\*Time:\*\* (\d+)-(\d+) (min|hours?)",
        notes,
        re.M,
    ):
        scale = 60 if unit.startswith("h") else 1
        stated[number + (" going further" if further else "")] = (
            int(low) * scale,
            int(high) * scale,
        )
    assert stated == {note_key(stem): times for stem, times in wanted.items()}


def note_key(stem: str) -> str:
    """docs/instructors.md's heading for a notebook: `### 05 · ...`, `### 05 · Going further: ...`."""
    return stem[:2] + (" going further" if "_going_further_" in stem else "")


def test_the_chinese_readme_matches_the_headers():
    """README.zh-CN.md's lesson table (issue #14): `| [03 · 构建自编码器](notebooks/zh/...) | ... | 50-90 分钟 |`."""
    text = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    found = {}
    row = r"^\|\s*\[[^\]]*\]\(notebooks/zh/(\d\d_[a-z0-9_]+)\.ipynb\)\s*\|.*\|\s*(\d+)\s*-\s*(\d+) ?(分钟|小时)\s*\|\s*$"
    for name, low, high, unit in re.findall(row, text, re.M):
        scale = 60 if unit == "小时" else 1
        found[name] = (int(low) * scale, int(high) * scale)
    assert found == headers()


def test_the_estimate_counts_what_a_notebook_contains(tmp_path):
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["word " * 280 + "[a link](x.md)"]},
        {
            "cell_type": "code",
            "metadata": {},
            "source": ["x = 1\n# a comment\n\ny = 2\nplotting.audio_player(x, 8000)\n"],
        },
        {"cell_type": "code", "metadata": {"tags": ["check"]}, "source": ["assert x == 1\n"]},
        {"cell_type": "code", "metadata": {}, "source": ["exercises.q1.check(answer)\n"]},
    ]
    path = tmp_path / "99_test.ipynb"
    path.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    assert content_counts(path) == {"words": 282, "code_lines": 4, "players": 1, "exercises": 1}
    estimate = content_estimate(path)["total"]
    assert estimate[0] < estimate[1] and estimate[0] >= 5


if __name__ == "__main__":
    for path in NOTEBOOKS:
        first = "".join(load(path)["cells"][0]["source"])
        stated = TIME.search(first) or SINGLE_TIME.search(first)
        print(
            f"{path.stem:32} {content_counts(path)}\n    header: {stated.group(0) if stated else None}"
            f"\n    suggested: {suggestion(path)}"
        )


# Asserts are the course's proof, not the learner's reading: a section's asserts sit in one
# collapsed cell tagged `check` (CONTRIBUTING, "Every number the prose quotes is asserted").
CHECK_METADATA = {"jupyter": {"source_hidden": True}, "tags": ["check"]}
#: Lessons whose asserts are still being collapsed (#23 item 7); remove each when it is done.
ASSERTS_NOT_YET_COLLAPSED: set[str] = set()
#: Visible on purpose: (lesson, cell id) -> why.
VISIBLE_ASSERTS = {
    ("00_welcome", "cc57ce0b"): "the course map: the text's first example of an asserted number",
    ("00_welcome", "2500aee5"): "the environment doctor's gate: it tells the learner what to fix",
}


def visible_asserts(path: Path) -> list[str]:
    """``cell id: line`` of every assert statement outside a collapsed check cell."""
    found = []
    for cell in load(path)["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or "check" in cell.get("metadata", {}).get("tags", []):
            continue
        if (path.stem, cell.get("id")) in VISIBLE_ASSERTS:
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Assert):
                found.append(f"{cell.get('id')}: {ast.get_source_segment(source, node)[:80]}")
    return found


@pytest.mark.parametrize(
    "path", [p for p in NOTEBOOKS if p.stem not in ASSERTS_NOT_YET_COLLAPSED], ids=lambda p: p.stem
)
def test_asserts_sit_in_collapsed_check_cells(path):
    shown = visible_asserts(path)
    assert not shown, (
        f"{path.name} shows {len(shown)} assert lines to the learner; move them into one check "
        f"cell at the end of their section, with metadata {CHECK_METADATA}: {shown[:5]}"
    )
    for cell in load(path)["cells"]:
        if "check" in cell.get("metadata", {}).get("tags", []):
            assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, (
                f"{path.name}, cell {cell.get('id')}: a check cell is collapsed ({CHECK_METADATA})"
            )


def test_visible_asserts_are_found(tmp_path):
    lesson = tmp_path / "99_x.ipynb"
    cells = [
        {"cell_type": "code", "id": "a", "metadata": {}, "source": ["x = 1\n", "assert x == 1\n"]},
        {"cell_type": "code", "id": "b", "metadata": CHECK_METADATA, "source": ["assert x\n"]},
    ]
    lesson.write_text(json.dumps({"cells": cells}))
    assert visible_asserts(lesson) == ["a: assert x == 1"]
