"""A learner completes a skeleton cell of the student edition in JupyterLab and sees the feedback.

Builds the student edition (scripts/student_edition.py, what `make student` writes to
build/student/) into a temporary folder under build/, starts JupyterLab with the repository as
its root (as `make lab` does) and opens lesson 00's student edition in Debian's Chromium. Then,
as a learner:

1. Run > Run All Cells: no cell fails (an unanswered exercise does not stop Run All), and every
   skeleton's check shows the grey "Not answered yet" block;
2. replaces `# YOUR CODE HERE` and its `...` in exercise 1's cell with a wrong answer, runs the
   cell: the orange "Not yet" block;
3. replaces that line with the solution, typed key by key, runs the cell: the green "Correct"
   block, while exercise 2 still says "Not answered yet".

Each block is found by the course's CSS class (course-check-unanswered, -wrong, -correct), its
first word and its border colour as the page draws it (course_utils/exercises/_core.py's
_STYLES). Screenshots go to tests/screenshots/student-lab-*.png.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from test_jupyterlab import ERRORS_JS, PROMPTS_JS, SETTINGS

from course_utils.exercises import lesson00

ROOT = Path(__file__).resolve().parents[2]
LESSON = "00_welcome.ipynb"
SCREENSHOTS = ROOT / "tests" / "screenshots"

pytestmark = [pytest.mark.network, pytest.mark.browser]

spec = importlib.util.spec_from_file_location(
    "student_edition", ROOT / "scripts" / "student_edition.py"
)
student_edition = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student_edition)

#: The border colour of each kind of check block, as the browser reports it (rgb of _STYLES' hex).
BORDERS = {
    "correct": "rgb(26, 127, 55)",  # #1a7f37
    "wrong": "rgb(179, 89, 0)",  # #b35900
    "unanswered": "rgb(87, 96, 106)",  # #57606a
}
FIRST_WORDS = {"correct": "Correct", "wrong": "Not yet", "unanswered": "Not answered yet"}


@pytest.fixture
def student_lab(tmp_path, jupyterlab):
    """JupyterLab on the repository (as `make lab`) and the student edition built under build/."""
    (ROOT / "build").mkdir(exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix="student-lab-", dir=ROOT / "build"))
    try:
        student_edition.build(out)
        for name, values in SETTINGS.items():
            path = tmp_path / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        command = [
            str(Path(sys.executable).with_name("jupyter")),
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            "--port={port}",
            "--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={ROOT}",
            f"--ServerApp.runtime_dir={tmp_path / 'runtime'}",
            f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
            f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        lab = jupyterlab(command, cwd=ROOT)
        yield lab, (out / "notebooks" / LESSON).relative_to(ROOT).as_posix()
    finally:
        shutil.rmtree(out, ignore_errors=True)


def kernel_state(lab, path: str) -> str | None:
    for session in lab.get_json("/api/sessions"):
        if session.get("path", "").endswith(path) and session.get("kernel"):
            return session["kernel"].get("execution_state")
    return None


def accept_dialogs(page) -> None:
    """Accept JupyterLab's "Select Kernel" dialog when it asks."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count() and dialog.first.is_visible():
        dialog.first.locator(".jp-mod-accept").click()


def wait(condition, page, timeout: float, what: str, shot: str):
    deadline = time.monotonic() + timeout
    while True:
        accept_dialogs(page)
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            page.screenshot(path=str(SCREENSHOTS / f"student-lab-{shot}.png"))
            pytest.fail(f"{what} (after {timeout:.0f} s; tests/screenshots/student-lab-{shot}.png)")
        page.wait_for_timeout(250)


def feedback(cell) -> list[dict]:
    """The course's check blocks in a cell's output: kind (from the CSS class), text, border colour."""
    return cell.evaluate("""cell => [...cell.querySelectorAll('.jp-OutputArea-output .course-check')]
        .map(block => ({
            kind: [...block.classList].filter(c => c.startsWith('course-check-'))
                                      .map(c => c.slice('course-check-'.length)).join(' '),
            text: block.textContent.replace(/\\s+/g, ' ').trim(),
            border: getComputedStyle(block).borderLeftColor,
            visible: block.getBoundingClientRect().height > 0,
        }))""")


def assert_feedback(cell, kind: str, what: str) -> str:
    blocks = feedback(cell)
    assert len(blocks) == 1, f"{what}: expected one check block, the page shows {blocks}"
    [block] = blocks
    assert block["kind"] == kind, f"{what}: a '{block['kind']}' block, not '{kind}': {block}"
    assert block["text"].startswith(FIRST_WORDS[kind]), f"{what}: {block['text']!r}"
    assert block["border"] == BORDERS[kind], f"{what}: not styled as '{kind}': {block}"
    assert block["visible"], f"{what}: the block is not drawn"
    return block["text"]


def replace_lines(page, cell, first_line: str, count: int, lines: list[str]) -> None:
    """Select ``count`` lines of the cell's editor from the one that reads ``first_line``, type ``lines``."""
    line = cell.locator(".cm-line", has_text=first_line).first
    line.click()
    page.keyboard.press("Home")
    for _ in range(count - 1):
        page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+End")
    for index, text in enumerate(lines):
        if index:
            page.keyboard.press("Enter")
        page.keyboard.type(text, delay=5)


def run_cell_and_wait(page, lab, path, cell, kind: str, shot: str) -> None:
    """Run the cell being edited (Ctrl+Enter) and wait for its check block of ``kind``."""
    prompt = cell.locator(".jp-InputArea-prompt").first.text_content().strip()
    page.keyboard.press("Control+Enter")
    wait(
        lambda: (
            cell.locator(".jp-InputArea-prompt").first.text_content().strip()
            not in (prompt, "[*]:")
            and kernel_state(lab, path) == "idle"
            and feedback(cell)
        ),
        page,
        60,
        f"the cell did not run and show a check ({kind} expected)",
        shot,
    )


def test_a_learner_completes_a_skeleton_cell_and_sees_the_feedback(student_lab, browser):
    started = time.monotonic()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lab, path = student_lab
    page = browser.new_page()
    page.goto(lab.url(f"/lab/tree/{path}"), timeout=90_000)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
    wait(lambda: kernel_state(lab, path) == "idle", page, 120, "no kernel started", "no-kernel")
    page.wait_for_timeout(500)  # a "Select Kernel" dialog can arrive just after the kernel starts
    accept_dialogs(page)
    note = page.locator(".jp-MarkdownCell", has_text="Student edition.")
    assert note.count() == 1, "the student edition's note is not at the top of the lesson"

    built = nbformat.read(ROOT / path, as_version=4)
    expected = sum(c.cell_type == "code" and "# YOUR CODE HERE" in c.source for c in built.cells)
    skeletons = page.locator(".jp-CodeCell", has_text="# YOUR CODE HERE")
    assert expected >= 2 and skeletons.count() == expected, (
        f"the student edition of lesson 00 has {expected} skeleton cells, the page shows "
        f"{skeletons.count()}"
    )
    # Found by its check, which stays when the learner replaces the skeleton.
    cell = page.locator(".jp-CodeCell", has_text="exercises.q1.check(answer").first
    assert skeletons.filter(has_text="exercises.q1.check(answer").count() == 1

    # Run > Run All Cells, as a learner would (again if the first click landed too early).
    for _attempt in range(3):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
        try:
            wait(
                lambda: any(p != "[ ]:" for p in page.evaluate(PROMPTS_JS)),
                page,
                20,
                "Run All started nothing",
                "not-started",
            )
            break
        except pytest.fail.Exception:
            if _attempt == 2:
                raise

    def all_ran():
        prompts = page.evaluate(PROMPTS_JS)
        done = all(re.fullmatch(r"\[\d+\]:", p) for p in prompts)
        return done and kernel_state(lab, path) == "idle" and prompts

    prompts = wait(all_ran, page, 180, "Run All did not finish every cell", "run-all")
    ran_all = time.monotonic() - started
    errors = page.evaluate(ERRORS_JS)
    assert not errors, "A cell raised an error:\n" + "\n---\n".join(errors)
    assert len(prompts) >= 10
    for index in range(skeletons.count()):
        assert_feedback(skeletons.nth(index), "unanswered", f"skeleton {index + 1} after Run All")
    cell.scroll_into_view_if_needed()
    cell.screenshot(path=str(SCREENSHOTS / "student-lab-1-unanswered.png"))

    # A wrong answer first: the check says "Not yet" and why.
    replace_lines(page, cell, "# YOUR CODE HERE", 2, ["answer = 1000"])
    run_cell_and_wait(page, lab, path, cell, "wrong", "wrong")
    wrong = assert_feedback(cell, "wrong", "exercise 1 with answer = 1000")
    cell.screenshot(path=str(SCREENSHOTS / "student-lab-2-not-yet.png"))

    # The learner's code: load the recording, answer its sample rate.
    replace_lines(
        page,
        cell,
        "answer = 1000",
        1,
        ["samples, sample_rate = load_audio(trumpet_path)", "answer = sample_rate"],
    )
    source = cell.locator(".cm-content").inner_text()
    assert "samples, sample_rate = load_audio(trumpet_path)\nanswer = sample_rate\n" in source, (
        f"the editor holds {source!r}"
    )
    assert "YOUR CODE HERE" not in source and "\n...\n" not in source
    run_cell_and_wait(page, lab, path, cell, "correct", "correct")
    correct = assert_feedback(cell, "correct", "exercise 1 with the learner's code")
    cell.screenshot(path=str(SCREENSHOTS / "student-lab-3-correct.png"))
    title = lesson00.q1.name  # "Warm-up 1: the sample rate"
    assert correct == f"Correct · {title}", correct
    assert wrong.startswith(f"Not yet · {title}") and "not the rate stored in this file" in wrong
    assert page.evaluate(ERRORS_JS) == []
    # The other skeleton is untouched and still unanswered.
    other = page.locator(".jp-CodeCell", has_text="exercises.q2.check(answer").first
    assert_feedback(other, "unanswered", "exercise 2, not written yet")
    print(
        f"Run All after {ran_all:.0f} s, skeleton completed after {time.monotonic() - started:.0f} s: "
        f"{correct!r}"
    )
