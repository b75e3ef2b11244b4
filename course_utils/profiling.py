"""Measure time and peak memory of a piece of work, as the benchmark does.

Used in: 04_training, 10_efficiency_and_scale, benchmarks.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

__all__ = ["Measurement", "measure", "resident_mb"]


def resident_mb() -> float:
    """This process's resident memory in MB now.

    Used in: 04_training, 10_efficiency_and_scale.
    """
    import psutil

    return psutil.Process(os.getpid()).memory_info().rss / 1e6


@dataclass
class Measurement:
    result: object
    seconds: float
    start_mb: float
    peak_mb: float

    @property
    def extra_mb(self) -> float:
        """Peak resident memory above what the process held before the work."""
        return self.peak_mb - self.start_mb


def measure(function, *args, interval: float = 0.002, **kwargs) -> Measurement:
    """Run ``function(*args, **kwargs)``; return its result, wall time and peak resident memory.

    A background thread samples the resident set size every ``interval``
    seconds (a peak shorter than that can be missed).

    Used in: 04_training, 10_efficiency_and_scale.
    """
    start_mb = resident_mb()
    peak = [start_mb]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], resident_mb())
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        result = function(*args, **kwargs)
    finally:
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    peak[0] = max(peak[0], resident_mb())
    return Measurement(result=result, seconds=seconds, start_mb=start_mb, peak_mb=peak[0])
