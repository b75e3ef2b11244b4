"""release_memory (added for 04_training) hands freed memory back before a measurement."""

from __future__ import annotations

import numpy as np

from course_utils.profiling import measure, release_memory, resident_mb


def test_release_memory_returns_freed_small_allocations():
    before = release_memory()
    chunks = [np.ones(1000) for _ in range(20_000)]  # ~160 MB in 8 kB pieces, on the heap
    assert resident_mb() > before + 100
    del chunks
    after = release_memory()
    assert after < before + 50, (before, after)


def test_measure_after_release_sees_the_work_again():
    def allocate():
        chunks = [np.ones(1000) for _ in range(10_000)]  # ~80 MB
        return len(chunks)

    release_memory()
    first = measure(allocate)
    release_memory()
    second = measure(allocate)
    assert first.result == second.result == 10_000
    assert first.extra_mb > 50 and second.extra_mb > 50, (first.extra_mb, second.extra_mb)
