"""Shared helpers for the benchmarks: alternating timed runs, medians, tables."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
sys.path.insert(0, str(REPO / "tests"))  # support.py: protoc and tool helpers


def alternate(
    contenders: dict[str, Callable[[], object]], rounds: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Time each contender ``rounds`` times, interleaved so that noise on this
    machine hits all of them alike, and in reversed order every other round so
    that going first or second favours none. Returns seconds per round, by name."""
    for _ in range(warmup):
        for run in contenders.values():
            run()
    timings: dict[str, list[float]] = {name: [] for name in contenders}
    items = list(contenders.items())
    for round_number in range(rounds):
        for name, run in items if round_number % 2 == 0 else reversed(items):
            start = time.perf_counter()
            run()
            timings[name].append(time.perf_counter() - start)
    return timings


def median(values: Sequence[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def verdict(ratio: float, target: float) -> str:
    """``met`` or how far the ratio is from its target."""
    if ratio <= target:
        return "met"
    short = ratio / target - 1
    return f"missed by {short:.1%}" if short < 0.01 else f"missed by {short:.0%}"
