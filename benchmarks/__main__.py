"""Measure the course on this machine and write a Markdown table (and JSON).

    python -m benchmarks                      # everything (about 15-25 minutes on 2 cores)
    python -m benchmarks --quick              # a small version of each part (CI)
    python -m benchmarks --only notebooks     # one part
    python -m benchmarks --digits-dir DIR     # recognition on any FSDD-layout folder
    python -m benchmarks --only anomaly --machine-dir DIR   # anomaly detection on DIR/normal, DIR/abnormal
    python -m benchmarks --only denoising --speech-dir DIR --noise-dir DIR   # your own recordings
    python -m benchmarks --only codes --music-dir DIR --speech-dir DIR      # codes judged on them too
    python -m benchmarks --markdown benchmarks/results.md --json benchmarks/results.json

Every target is reported as met or missed; a missed target is never hidden.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

PARTS = ("notebooks", "trainers", "codes", "recognition", "codec", "anomaly", "denoising")


def _machine() -> dict:
    import importlib.metadata

    import psutil

    versions = {}
    for name in ("tensorflow-cpu", "tensorflow", "keras", "librosa", "scikit-learn", "numpy"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return {
        "date": time.strftime("%Y-%m-%d"),
        "python": platform.python_version(),
        "cpu_cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1e9, 1),
        "versions": versions,
    }


def run_part(
    part: str,
    quick: bool,
    digits_dir: str | None,
    machine_dir: str | None = None,
    speech_dir: str | None = None,
    noise_dir: str | None = None,
    music_dir: str | None = None,
) -> dict:
    if part == "notebooks":
        from .notebooks import MEMORY_BUDGET_MB, TIME_BUDGET_S, run_all

        rows = run_all("0[0-2]*.ipynb" if quick else "*.ipynb")
        return {
            "rows": rows,
            "targets": {
                f"every notebook within {TIME_BUDGET_S:.0f} s and {MEMORY_BUDGET_MB:.0f} MB": all(
                    r["within_budget"] for r in rows
                )
            },
        }
    if part == "trainers":
        from .trainers import run

        return run(quick=quick)
    if part == "codes":
        from .codes import run

        return run(quick=quick, music_dir=music_dir, speech_dir=speech_dir)
    if part == "recognition":
        from .recognition import run

        return run(quick=quick, digits_dir=digits_dir)
    if part == "codec":
        from .codec import run

        return run(quick=quick)
    if part == "anomaly":
        from .anomaly import run

        return run(quick=quick, machine_dir=machine_dir)
    if part == "denoising":
        from .denoising import run

        return run(quick=quick, speech_dir=speech_dir, noise_dir=noise_dir)
    raise ValueError(part)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def to_markdown(results: dict) -> str:
    machine = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {machine['date']} on {machine['cpu_cores']} CPU cores, {machine['memory_gb']} GB, "
        f"Python {machine['python']}; "
        + ", ".join(f"{k} {v}" for k, v in machine["versions"].items())
        + ".",
        f"Mode: {'quick' if results['quick'] else 'full'}. Reproduce with `make benchmark`"
        " (or `python -m benchmarks --markdown benchmarks/results.md --json benchmarks/results.json`).",
        "",
        "## Targets",
        "",
        "| target | result |",
        "|---|---|",
    ]
    for part in results["parts"].values():
        for target, met in part.get("targets", {}).items():
            lines.append(f"| {target} | {'met' if met else '**missed**'} |")
    for name, part in results["parts"].items():
        rows = part.get("rows", [])
        lines += ["", f"## {name}", ""]
        if part.get("note"):
            lines += [part["note"], ""]
        if not rows:
            continue
        columns = list(rows[0].keys())
        lines.append("| " + " | ".join(columns) + " |")
        lines.append("|" + "---|" * len(columns))
        for row in rows:
            lines.append("| " + " | ".join(_fmt(row.get(c, "")) for c in columns) + " |")
    return "\n".join(lines) + "\n"


README_START = "<!-- benchmark:start (written by python -m benchmarks --readme README.md) -->"
README_END = "<!-- benchmark:end -->"


def update_readme(path: Path, markdown: str) -> None:
    """Put the results between the README's markers, demoting headings by one level."""
    text = path.read_text()
    if README_START not in text or README_END not in text:
        raise SystemExit(
            f"{path} has no benchmark markers; add {README_START!r} and {README_END!r}."
        )
    body = "\n".join(
        ("#" + line) if line.startswith("#") else line for line in markdown.splitlines()
    )
    before, rest = text.split(README_START, 1)
    _, after = rest.split(README_END, 1)
    path.write_text(f"{before}{README_START}\n{body}\n{README_END}{after}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="a small version of each part, for CI")
    parser.add_argument(
        "--only", choices=PARTS, action="append", help="run only this part (repeatable)"
    )
    parser.add_argument(
        "--skip",
        choices=PARTS,
        action="append",
        default=[],
        help="leave out this part (repeatable)",
    )
    parser.add_argument("--digits-dir", help="run recognition on this FSDD-layout folder")
    parser.add_argument(
        "--machine-dir", help="run anomaly detection on this folder (normal/ and abnormal/ inside)"
    )
    parser.add_argument(
        "--speech-dir",
        help="denoising and codes: a folder of clean speech recordings (WAV, FLAC, OGG)",
    )
    parser.add_argument(
        "--music-dir", help="codes: a folder of music recordings (WAV, FLAC, OGG) to judge on too"
    )
    parser.add_argument(
        "--noise-dir", help="denoising: a folder of noise recordings (WAV, FLAC, OGG)"
    )
    parser.add_argument("--markdown", type=Path, help="write the Markdown table here")
    parser.add_argument("--json", type=Path, help="write the raw results here")
    parser.add_argument(
        "--readme", type=Path, help="replace the table between the benchmark markers in this file"
    )
    parser.add_argument(
        "--readme-from",
        type=Path,
        metavar="MARKDOWN",
        help="run nothing: put this results file (benchmarks/results.md) into --readme",
    )
    args = parser.parse_args(argv)
    if args.readme_from is not None:  # make readme-table
        if args.readme is None:
            parser.error("--readme-from needs --readme README.md")
        update_readme(args.readme, args.readme_from.read_text(encoding="utf-8"))
        print(f"{args.readme}: benchmark section rewritten from {args.readme_from}")
        return 0
    from course_utils.session import apply_tf_environment

    apply_tf_environment()  # TensorFlow's settings, defined once in course_utils.session
    results = {"machine": _machine(), "quick": args.quick, "parts": {}}
    for part in [part for part in args.only or PARTS if part not in args.skip]:
        print(f"{part} ...", flush=True)
        started = time.perf_counter()
        results["parts"][part] = run_part(
            part,
            args.quick,
            args.digits_dir,
            args.machine_dir,
            args.speech_dir,
            args.noise_dir,
            args.music_dir,
        )
        results["parts"][part]["seconds"] = round(time.perf_counter() - started, 1)
    markdown = to_markdown(results)
    if args.markdown:
        args.markdown.write_text(markdown)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float))
    if "codec" in results["parts"] and (args.markdown or args.json):
        from .codec import plot_rate_distortion

        plot_path = (args.markdown or args.json).with_name("rate_distortion.png")
        plot_rate_distortion(results["parts"]["codec"]["rows"], plot_path)
        print(f"rate-distortion plot: {plot_path}")
    if args.readme:
        update_readme(args.readme, markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
