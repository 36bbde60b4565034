"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    label: str
    samples_ms: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples_ms)

    def line(self) -> str:
        return (
            f"{self.label:<44} n={len(self.samples_ms):<7} mean={self.mean:9.4f} ms  "
            f"p50={self.p50:9.4f} ms  p95={self.p95:9.4f} ms"
        )


def time_each(label: str, items: Iterable, call: Callable) -> Timing:
    samples = []
    for item in items:
        start = time.perf_counter()
        call(item)
        samples.append((time.perf_counter() - start) * 1000)
    return Timing(label, samples)


def ratio_line(baseline: Timing, ours: Timing) -> str:
    return (
        f"time ratio baseline/ours: mean {baseline.mean / ours.mean:.2f}, "
        f"p95 {baseline.p95 / ours.p95:.2f} (above 1: ours is faster)"
    )
