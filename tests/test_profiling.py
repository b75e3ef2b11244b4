"""course_utils.profiling: release_memory hands freed memory back, measure sees the work again."""

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


def test_measure_exact_counts_a_peak_freed_before_any_sample():
    from course_utils.profiling import measure_exact

    def spike():
        block = np.ones(8_000_000)  # 64 MB, allocated and freed within microseconds of work
        return float(block[-1])

    release_memory()
    run = measure_exact(spike)
    assert run.result == 1.0
    assert run.extra_mb > 50, run.extra_mb


def test_measure_returns_the_result_even_for_quick_work():
    run = measure(sum, [1, 2, 3])
    assert run.result == 6 and run.seconds >= 0 and run.peak_mb >= run.start_mb
