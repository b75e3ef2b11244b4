"""Measure time and peak memory of a piece of work, as the benchmark does.

Used in: 00_welcome, 04_training, 11_synthesis, 12_efficiency_and_scale, benchmarks/trainers.py.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

__all__ = ["Measurement", "measure", "measure_exact", "resident_mb", "release_memory"]


def resident_mb() -> float:
    """This process's resident memory in MB now.

    Used in: 00_welcome, 11_synthesis.
    """
    import psutil

    return psutil.Process(os.getpid()).memory_info().rss / 1e6


def release_memory() -> float:
    """Give freed memory back to the operating system; return the resident MB after.

    Runs Python's garbage collector, then, on Linux (glibc), ``malloc_trim(0)``:
    memory a finished computation freed can otherwise stay in the process,
    counted as resident, and be reused by the next one, so that a second
    :func:`measure` under-reports what its work needs. Call it before each
    measurement that should start from a clean slate.

    Used in: 04_training, 12_efficiency_and_scale.
    """
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    library = ctypes.util.find_library("c")
    if library:
        try:
            ctypes.CDLL(library).malloc_trim(0)
        except (OSError, AttributeError):
            pass  # not glibc (macOS, musl): garbage collection is all we can do
    return resident_mb()


@dataclass
class Measurement:
    """What :func:`measure` returns: the result, wall time, and resident memory at start and peak.

    Used in: no notebook.
    """

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

    Used in: 04_training, benchmarks/trainers.py.
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


_STATUS = "/proc/self/status"
_CLEAR_REFS = "/proc/self/clear_refs"


def _reset_high_water_mark() -> bool:
    # Linux: writing "5" to clear_refs resets VmHWM, the kernel's record of the peak RSS.
    try:
        with open(_CLEAR_REFS, "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _high_water_mark_mb() -> float | None:
    try:
        with open(_STATUS) as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / 1e6  # kB -> MB
    except OSError:
        pass
    return None


def measure_exact(function, *args, **kwargs) -> Measurement:
    """Like :func:`measure`, but the peak is the kernel's own record, so no short peak is missed.

    On Linux the process's peak resident size (``VmHWM``) is reset before the
    work and read after it: a buffer allocated and freed between two samples
    of :func:`measure` (large arrays go straight back to the system) is
    still counted. Elsewhere it falls back to :func:`measure`.

    Used in: 12_efficiency_and_scale.
    """
    if not _reset_high_water_mark():
        return measure(function, *args, **kwargs)
    run = measure(function, *args, **kwargs)
    kernel_peak = _high_water_mark_mb()
    if kernel_peak is not None:
        run.peak_mb = max(run.peak_mb, kernel_peak)
    return run
