"""Shared helpers for the benchmarks: alternating timed runs, medians, tables."""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Sequence

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
sys.path.insert(0, str(REPO / "tests"))  # support.py: protoc and tool helpers

SCRATCH_ENV = "BENCH_SCRATCH"
"""Names the folder where the benchmarks write their files; ``make bench``
sets it for all of them and deletes the folder once the last one is done."""


def _scratch() -> Path:
    named = os.environ.get(SCRATCH_ENV)
    if named:
        Path(named).mkdir(parents=True, exist_ok=True)
        return Path(named)
    folder = Path(tempfile.mkdtemp(prefix="protoc-gen-platform-bench-"))
    atexit.register(shutil.rmtree, folder, True)  # once every timing is done
    return folder


SCRATCH = _scratch()
"""Where a benchmark's files go. Nothing in it is deleted while benchmarks
run. On a filesystem such as this machine's (ext4 without a journal), a new
file may not take the inode of a file deleted in the last minute, or in the
last six while that inode is not yet written back, and creating one scans
past every such inode (``perf``: most of a file's creation is then in
ext4's ``recently_deleted``). A loop creating files here took 0.03 ms a
file, and 0.2 to 0.6 ms once a few thousand files had been deleted in the
minutes before, as when each run deleted the previous run's output.
``output_disk.py`` measures that case on purpose, for protoc."""


def fresh_folder(name: str, under: Path | None = None) -> Path:
    """A new, empty folder under ``under`` (else :data:`SCRATCH`), named
    after ``name``: never one that held files before."""
    base = under or SCRATCH
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=base))


def creation_probe(files: int = 500) -> float:
    """Seconds to create and write one small file in a fresh folder here:
    a few hundredths of a millisecond on this disk, unless many files were
    deleted here in the last minutes (see :data:`SCRATCH`)."""
    folder = fresh_folder("probe")
    start = time.perf_counter()
    for i in range(files):
        (folder / f"f{i}.py").write_bytes(b"x" * 1000)
    return (time.perf_counter() - start) / files


QUICK_CREATION = 0.0001
"""A file created in less than this (0.1 ms) shows no recent deletions."""


def quiet_disk(patience: float = 420.0, every: float = 15.0) -> str:
    """Wait, up to ``patience`` seconds, until creating a file here is quick
    (files deleted shortly before, by the tests say, slow every new one for
    up to six minutes); a sentence for the report on what it found."""
    began = time.perf_counter()
    took = creation_probe()
    while took > QUICK_CREATION and time.perf_counter() - began < patience:
        print(
            f"creating a file takes {took * 1e3:.2f} ms here: waiting for files "
            "deleted shortly before to age (see benchmarks/_common.py)",
            file=sys.stderr,
        )
        time.sleep(every)
        took = creation_probe()
    waited = time.perf_counter() - began
    note = (
        "Creating a file in a fresh folder on this disk took "
        f"{took * 1e3:.2f} ms when the timing began"
    )
    if waited >= 1:
        note += f", after waiting {waited:.0f} s for files deleted before to age"
    if took > QUICK_CREATION:
        return note + " (still slow: file creation costs more in these tables)."
    return note + "."


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
