"""Lesson 05 in JupyterLab, in a real browser, as a learner meets it.

Starts JupyterLab on 127.0.0.1 with a token (on a copy of notebooks/, so
nothing is saved into the repository), opens 05_evaluating.ipynb in Debian's
Chromium, runs all cells from the Run menu, and checks that no cell failed,
that the code-size explorer's slider and audio players render, and that
moving the slider with the keyboard changes the figure and the player.
Screenshots go to tests/screenshots/; with UPDATE_DOCS_SCREENSHOT=1 (`make
screenshots`) the explorer's picture is also saved as docs/explorer.png for
the README.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = Path(os.environ.get("LAB_TEST_NOTEBOOK", ROOT / "notebooks" / "05_evaluating.ipynb"))
SCREENSHOTS = ROOT / "tests" / "screenshots"
RUN_TIMEOUT = float(os.environ.get("LAB_TEST_RUN_TIMEOUT", 300))

pytestmark = [pytest.mark.network, pytest.mark.browser]

# JupyterLab settings for a test: render every cell (no virtual scrolling, so the whole
# notebook is in the page), start the notebook's kernel on opening (what a learner does
# by clicking "Select" in the "Select Kernel" dialog), no autosave, no news pop-ups.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
        "autoStartDefaultKernel": True,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


@pytest.fixture
def lab(tmp_path, jupyterlab):
    """A JupyterLab server (tests/conftest.py's ``jupyterlab``) on a copy of the notebooks."""
    if not NOTEBOOK.exists():
        pytest.fail(
            f"{NOTEBOOK.relative_to(ROOT) if NOTEBOOK.is_relative_to(ROOT) else NOTEBOOK} "
            "does not exist: the browser test opens lesson 05.",
            pytrace=False,
        )
    work = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK.parent, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    if NOTEBOOK.parent != ROOT / "notebooks":
        shutil.copyfile(NOTEBOOK, work / NOTEBOOK.name)
    for name, values in SETTINGS.items():
        path = tmp_path / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    jupyter = Path(sys.executable).with_name("jupyter")
    command = [
        str(jupyter),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        "--port={port}",
        "--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={work}",
        f"--ServerApp.runtime_dir={tmp_path / 'runtime'}",
        f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return jupyterlab(command, cwd=work)


PROMPTS_JS = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
                   .map(e => e.textContent.trim())"""

ERRORS_JS = """() => {
  const outputs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')];
  return outputs.filter(o => {
      const mime = o.getAttribute('data-mime-type') || '';
      const text = o.textContent || '';
      return mime === 'application/vnd.jupyter.error' ||
             (mime === 'application/vnd.jupyter.stderr' && /Traceback|^\\s*\\w+(Error|Exception)\\b/m.test(text));
  }).map(o => (o.textContent || '').slice(-1500));
}"""


def started_running(page, lab, timeout: float) -> bool:
    """True once a cell is queued, running or done, or the kernel is busy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog")
        if dialog.count() and dialog.first.is_visible():
            dialog.first.locator(".jp-mod-accept").click()
        prompts = page.evaluate(PROMPTS_JS)
        if any(p != "[ ]:" for p in prompts) or kernel_state(lab) == "busy":
            return True
        page.wait_for_timeout(250)
    return False


def wait_until_all_cells_ran(page, timeout: float) -> list[str]:
    """Wait until no cell is running or queued ([*]); return the input prompts."""
    deadline = time.monotonic() + timeout
    seen_star = False
    while True:
        dialog = page.locator(".jp-Dialog")
        if (
            dialog.count() and dialog.first.is_visible()
        ):  # "Select Kernel", if no kernel started yet
            dialog.first.locator(".jp-mod-accept").click()
        prompts = page.evaluate(PROMPTS_JS)
        running = any("*" in p for p in prompts)
        seen_star |= running
        numbered = [p for p in prompts if re.fullmatch(r"\[\d+\]:", p)]
        idle = page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').count() > 0
        if not running and idle and numbered and (seen_star or len(numbered) == len(prompts)):
            return prompts
        if time.monotonic() > deadline:
            page.screenshot(path=str(SCREENSHOTS / "lab-05-timeout.png"))
            pytest.fail(
                f"The notebook was still running after {timeout:.0f} s (see "
                f"tests/screenshots/lab-05-timeout.png); prompts: {prompts}"
            )
        page.wait_for_timeout(500)


def kernel_state(lab) -> str | None:
    """The execution state of the notebook's kernel, from the server's API (None: no kernel)."""
    sessions = lab.get_json("/api/sessions")
    for session in sessions:
        if session.get("path", "").endswith(NOTEBOOK.name) and session.get("kernel"):
            return session["kernel"].get("execution_state")
    return None


def accept_kernel_and_wait_until_idle(page, lab, timeout: float = 120):
    """Accept JupyterLab's "Select Kernel" dialog if it asks, then wait for an idle kernel."""
    deadline = time.monotonic() + timeout
    while True:
        dialog = page.locator(".jp-Dialog")
        if dialog.count() and dialog.first.is_visible():
            dialog.first.locator(".jp-mod-accept").click()
        elif kernel_state(lab) == "idle":
            page.wait_for_timeout(500)  # a dialog can still arrive just after the kernel starts
            if not page.locator(".jp-Dialog").count():
                return
        if time.monotonic() > deadline:
            page.screenshot(path=str(SCREENSHOTS / "lab-05-no-kernel.png"))
            pytest.fail(
                "The notebook's kernel did not start (tests/screenshots/lab-05-no-kernel.png)"
            )
        page.wait_for_timeout(250)


def explorer_state(explorer) -> dict:
    return explorer.evaluate("""box => ({
        images: [...box.querySelectorAll('img')].map(i => i.src.length + ':' + i.src.slice(-80)),
        audio: [...box.querySelectorAll('audio')].map(a => {
            const s = a.currentSrc || a.src || (a.querySelector('source') || {}).src || '';
            return s.length + ':' + s.slice(-80);
        }),
        readout: [...box.querySelectorAll('.widget-readout')].map(r => r.textContent.trim()),
        text: box.textContent.replace(/\\s+/g, ' ').slice(0, 300),
    })""")


def test_lesson_05_runs_and_its_explorer_answers_the_slider(lab, browser, screenshots):
    started = time.monotonic()
    page = browser.new_page()
    page.goto(lab.url(f"/lab/tree/{NOTEBOOK.name}"), timeout=90_000)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
    accept_kernel_and_wait_until_idle(page, lab)

    # Run > Run All Cells, through the menu as a learner would (again if nothing started:
    # a click that lands while JupyterLab is still busy starting up can be lost).
    for _attempt in range(3):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
        if started_running(page, lab, timeout=30):
            break
    else:
        page.screenshot(path=str(SCREENSHOTS / "lab-05-not-started.png"))
        pytest.fail(
            "Run > Run All Cells started no cell (tests/screenshots/lab-05-not-started.png)"
        )
    prompts = wait_until_all_cells_ran(page, RUN_TIMEOUT)
    ran = time.monotonic() - started
    page.screenshot(path=str(screenshots / "lab-05-after-run-all.png"))

    errors = page.evaluate(ERRORS_JS)
    assert not errors, "A cell raised an error:\n" + "\n---\n".join(errors)
    unrun = [i for i, p in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", p)]
    assert not unrun, (
        f"Code cells {unrun} did not run (Run All stops at an error); prompts: {prompts}"
    )

    # The explorer: the widget box holding a slider, a figure and audio players.
    sliders = page.locator(".jp-OutputArea-output .widget-slider")
    sliders.first.wait_for(timeout=30_000)
    slider = sliders.filter(has_text=re.compile("code", re.IGNORECASE)).first
    if slider.count() == 0:
        slider = sliders.first
    explorer = slider.locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][1]")
    explorer.scroll_into_view_if_needed()
    assert page.locator(".jp-OutputArea-output audio").count() > 0, "no <audio> player rendered"
    before = explorer_state(explorer)
    assert before["images"], f"the explorer shows no figure: {before}"
    assert before["audio"], f"the explorer shows no audio player: {before}"
    explorer.screenshot(path=str(screenshots / "lab-05-explorer-before.png"))
    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
        (ROOT / "docs").mkdir(exist_ok=True)
        explorer.locator(
            "xpath=ancestor::div[contains(@class, 'jp-OutputArea-child')][1]"
        ).screenshot(path=str(ROOT / "docs" / "explorer.png"))

    # Move the slider one step with the keyboard (to the right, or to the left at the end).
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
    handle.press("ArrowLeft" if at_end else "ArrowRight")
    deadline = time.monotonic() + 30
    after = explorer_state(explorer)
    while after["images"] == before["images"] or after["audio"] == before["audio"]:
        if time.monotonic() > deadline:
            break
        page.wait_for_timeout(250)
        after = explorer_state(explorer)
    explorer.screenshot(path=str(screenshots / "lab-05-explorer-after.png"))
    assert after["readout"] != before["readout"], f"the slider did not move: {before['readout']}"
    assert after["images"] != before["images"], "moving the slider did not change the figure"
    assert after["audio"] != before["audio"], "moving the slider did not change the audio player"
    print(
        f"lesson ran in the browser in {ran:.0f} s; slider {before['readout']} -> {after['readout']}"
    )
