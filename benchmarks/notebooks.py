"""Wall time, CPU time and peak resident memory of every notebook, run headless as CI runs it.

The kernel is a child process; a sampling thread records the largest
resident set size among this process's descendants while the notebook runs,
and the CPU time (user + system) each of them has used. The budget is wall time
on 2 cores; the CPU time tells a slow notebook from a busy machine (it barely
changes when other work shares the cores, the wall time does).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TIME_BUDGET_S = 60.0
MEMORY_BUDGET_MB = 1200.0


def _descendants_rss_mb(cpu_seconds: dict | None = None) -> float:
    """The descendants' summed resident memory (MB); ``cpu_seconds`` gets each one's CPU time."""
    rss = 0
    for child in psutil.Process().children(recursive=True):
        try:
            with child.oneshot():
                rss += child.memory_info().rss
                if cpu_seconds is not None:
                    times = child.cpu_times()
                    cpu_seconds[child.pid] = times.user + times.system
        except psutil.Error:
            pass
    return rss / 1e6


def run_notebook(path: Path, timeout: int = 300) -> dict:
    """Execute one notebook in a fresh kernel; return its time, peak memory and status."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    peak = [0.0]
    cpu_seconds: dict[int, float] = {}  # pid -> CPU time, the last seen before it ended
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _descendants_rss_mb(cpu_seconds))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    error = ""
    try:
        client.execute()
    except Exception as exception:  # report, don't stop the whole benchmark
        error = f"{type(exception).__name__}: {str(exception).strip().splitlines()[-1][:200]}"
    finally:
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    return {
        "notebook": path.name,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(sum(cpu_seconds.values()), 1),
        "peak_mb": round(peak[0]),
        "within_budget": not error and seconds <= TIME_BUDGET_S and peak[0] <= MEMORY_BUDGET_MB,
        "error": error,
    }


def run_all(pattern: str = "*.ipynb") -> list[dict]:
    results = []
    for path in sorted((ROOT / "notebooks").glob(pattern)):
        result = run_notebook(path)
        print(
            f"  {result['notebook']}: {result['seconds']} s, {result['peak_mb']} MB {result['error']}",
            flush=True,
        )
        results.append(result)
    return results
