"""Fixtures for the browser tests: Debian's Chromium driven by Playwright for Python.

No browser is downloaded (never `playwright install`): the tests drive the
system Chromium. When it is missing and we are root on a Debian-like machine
(as CI is), it is installed with apt-get. When it cannot be had, the tests
fail with a clear message under CI (CI=true) and are skipped elsewhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CANDIDATES = ("chromium", "chromium-browser")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(message: str):
    """Fail under CI, skip elsewhere: a developer without a browser can still run the rest."""
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def install_chromium(package: str = "chromium") -> str:
    """apt-get install ``package`` when we may; return what happened, for the error message."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return f"not root, so apt-get cannot install {package}"
    if not shutil.which("apt-get"):
        return "no apt-get on this machine"
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]):
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=900, env=environment
            )
        except subprocess.TimeoutExpired:
            return f"`{' '.join(command)}` took more than 15 minutes"
        if result.returncode != 0:
            return f"`{' '.join(command)}` failed: {(result.stderr or result.stdout)[-800:]}"
    return f"apt-get install {package} ran"


def has_chinese_font() -> bool:
    found = (
        subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
        if shutil.which("fc-list")
        else None
    )
    return bool(found and found.stdout.strip())


@pytest.fixture(scope="session")
def chinese_font() -> None:
    """A font with Chinese glyphs, so the Chinese pages are drawn, not boxes (WenQuanYi Micro Hei, 5 MB).

    Every Chinese reader's system has one; a bare test machine may not: it is installed when
    we are root, as Chromium is, and the test that needs it is skipped otherwise.
    """
    if has_chinese_font():
        return
    what_happened = install_chromium("fonts-wqy-microhei")
    if not has_chinese_font():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"No font with Chinese glyphs ({what_happened}).", pytrace=False)
        pytest.skip(
            f"No font with Chinese glyphs here ({what_happened}): `apt-get install fonts-wqy-microhei`."
        )


@pytest.fixture(scope="session")
def chromium() -> str:
    path = find_chromium()
    configured = os.environ.get("CHROMIUM")
    if path is None and configured:
        unavailable(f"CHROMIUM={configured} is not a file: point it at a Chromium, or unset it.")
    if path is None:
        what_happened = install_chromium()
        path = find_chromium()
        if path is None:
            unavailable(
                "The browser tests need Debian's Chromium (/usr/bin/chromium) and could not install "
                f"it ({what_happened}). Install it with `sudo apt-get install chromium`, or set "
                "CHROMIUM=/path/to/chromium."
            )
    return path


@pytest.fixture(scope="session")
def playwright_api():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable(
            "Playwright for Python is missing: `pip install -r requirements.lock` installs it."
        )
    with sync_playwright() as api:
        yield api


@pytest.fixture
def browser(chromium, playwright_api, tmp_path):
    """A fresh headless Chromium (its own profile folder) that says where it went wrong."""
    context = playwright_api.chromium.launch_persistent_context(
        str(tmp_path / "chromium-profile"),
        executable_path=chromium,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
        accept_downloads=False,
    )
    context.set_default_timeout(30_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
