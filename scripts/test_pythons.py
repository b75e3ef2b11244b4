"""Test the course on every Python the lock promises: 3.10 to 3.13 (librosa 0.11 and 1.0).

    python scripts/test_pythons.py                    # every supported Python found here
    python scripts/test_pythons.py --pythons 3.13     # only these
    python scripts/test_pythons.py --require          # fail if a named Python is missing
    make test-pythons                                 # the same, through make

For each Python it makes (or reuses) a virtual environment from
``requirements.lock`` in ``.venvs/pyXY``, runs the package tests with the
course's own ``FutureWarning`` and ``DeprecationWarning`` turned into errors
(``pyproject.toml``'s ``filterwarnings``), executes every notebook once and
fails if a notebook errs or any output shows such a warning. It ends with a
table of Python, librosa, numpy, TensorFlow and Keras versions, pass or fail,
also written to ``build/test-pythons.md``. Needs only the standard library.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED = ("3.10", "3.11", "3.12", "3.13")
WARNING_WORDS = ("FutureWarning", "DeprecationWarning")
VERSIONS_SCRIPT = """
import importlib.metadata as m, json, platform
names = ["librosa", "numpy", "tensorflow-cpu", "tensorflow", "keras"]
found = {}
for name in names:
    try:
        found[name] = m.version(name)
    except m.PackageNotFoundError:
        pass
found["python"] = platform.python_version()
print(json.dumps(found))
"""


def find_python(version: str) -> str | None:
    """A ``pythonX.Y`` on PATH, else one under pyenv's versions folder."""
    for candidate in (
        shutil.which(f"python{version}"),
        *sorted(
            glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}"))
        ),
    ):
        if (
            candidate
            and subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0
        ):
            return candidate
    return None


def lock_digest() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv(python: str, version: str, venv_root: Path) -> Path:
    """The venv for one Python, installed from the lock (reused while the lock is unchanged)."""
    venv = venv_root / f"py{version.replace('.', '')}"
    stamp = venv / ".installed"
    if stamp.is_file() and stamp.read_text() == lock_digest():
        return venv
    print(f"[{version}] installing the lock into {venv} (a few minutes)", flush=True)
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-r", str(ROOT / "requirements.lock")], check=True)
    subprocess.run([*pip, "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True)
    stamp.write_text(lock_digest())
    return venv


def notebook_warnings(path: Path) -> list[str]:
    """Lines of an executed notebook's outputs that show a FutureWarning or DeprecationWarning."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for number, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            for data in output.get("data", {}).values():
                if isinstance(data, (str, list)):
                    text += "".join(data) if isinstance(data, list) else data
            for line in text.splitlines():
                if any(word in line for word in WARNING_WORDS):
                    found.append(f"{path.name} cell {number}: {line.strip()[:200]}")
    return found


def run_notebooks(venv: Path, version: str, out: Path, pattern: str) -> tuple[bool, list[str]]:
    """Execute every notebook once; (all ran, problems)."""
    out.mkdir(parents=True, exist_ok=True)
    problems = []
    for notebook in sorted((ROOT / "notebooks").glob(pattern)):
        started = time.perf_counter()
        result = subprocess.run(
            [
                str(venv / "bin" / "jupyter"),
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=300",
                "--ExecutePreprocessor.kernel_name=python3",
                "--output-dir",
                str(out),
                str(notebook),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT / "notebooks",
        )
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            tail = "\n".join(result.stderr.strip().splitlines()[-8:])
            problems.append(f"{notebook.name} failed:\n{tail}")
            print(f"[{version}] {notebook.name}: FAILED ({seconds:.0f} s)", flush=True)
            continue
        warnings = notebook_warnings(out / notebook.name)
        problems += warnings
        print(
            f"[{version}] {notebook.name}: {'warnings' if warnings else 'ok'} ({seconds:.0f} s)",
            flush=True,
        )
    return not problems, problems


def test_one(version: str, python: str, args) -> dict:
    venv = ensure_venv(python, version, args.venv_root)
    versions = json.loads(
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", VERSIONS_SCRIPT],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    row = {
        "python": versions["python"],
        "librosa": versions.get("librosa", "-"),
        "numpy": versions.get("numpy", "-"),
        "tensorflow": versions.get("tensorflow-cpu", versions.get("tensorflow", "-")),
        "keras": versions.get("keras", "-"),
        "problems": [],
    }
    print(f"[{version}] package tests", flush=True)
    tests = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pytest",
            "tests",
            "--ignore=tests/browser",
            "-q",
            "-p",
            "no:cacheprovider",
            *args.pytest_args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    summary = (tests.stdout.strip().splitlines() or ["(no output)"])[-1]
    row["package tests"] = f"{'pass' if tests.returncode == 0 else 'FAIL'}: {summary}"
    if tests.returncode != 0:
        row["problems"].append(tests.stdout[-3000:])
    if args.skip_notebooks:
        row["notebooks"] = "skipped"
    else:
        ok, problems = run_notebooks(
            venv, version, ROOT / "build" / f"notebooks-py{version}", args.notebooks
        )
        row["notebooks"] = "pass" if ok else f"FAIL ({len(problems)} problems)"
        row["problems"] += problems
    row["result"] = "pass" if tests.returncode == 0 and not row["problems"] else "FAIL"
    return row


def to_markdown(rows: list[dict]) -> str:
    columns = [
        "python",
        "librosa",
        "numpy",
        "tensorflow",
        "keras",
        "package tests",
        "notebooks",
        "result",
    ]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythons", nargs="+", default=list(SUPPORTED), choices=SUPPORTED)
    parser.add_argument(
        "--require", action="store_true", help="fail when a named Python is not found"
    )
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument(
        "--notebooks", default="[0-9][0-9]_*.ipynb", help="glob of notebooks to execute"
    )
    parser.add_argument("--venv-root", type=Path, default=ROOT / ".venvs")
    parser.add_argument("--pytest-args", nargs=argparse.REMAINDER, default=[])
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))  # course_utils.session needs only the standard library
    from course_utils.session import apply_tf_environment

    apply_tf_environment()  # TensorFlow's settings, defined once in course_utils.session
    os.environ.setdefault("PYTHONHASHSEED", "0")
    rows, missing = [], []
    for version in args.pythons:
        python = find_python(version)
        if python is None:
            missing.append(version)
            print(
                f"[{version}] not found on this machine (looked for python{version} and pyenv)",
                flush=True,
            )
            continue
        rows.append(test_one(version, python, args))
    table = to_markdown(rows)
    if missing:
        table += f"\nNot found here: Python {', '.join(missing)}.\n"
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "test-pythons.md").write_text(table, encoding="utf-8")
    for row in rows:
        for problem in row["problems"]:
            print(f"\n[{row['python']}] {problem}")
    print("\n" + table)
    failed = any(row["result"] != "pass" for row in rows) or not rows or (args.require and missing)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
