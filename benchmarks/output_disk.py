"""Where the output goes: the same protoc runs with their output on this
machine's disk and in memory (a tmpfs), to tell writing the files apart from
generating them.

Ours (cold), the whole floor (a plugin that replays our response, so protoc
writes our files) and ``--mypy_grpc_out`` run alternated, round after round,
into a folder on the disk and into one under ``/dev/shm``. Writes
``benchmarks/results/output_disk.md``.

    python benchmarks/output_disk.py [--sizes 100,1000] [--rounds 6]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from _common import RESULTS, markdown_table, median
from generation import (
    COLD,
    GENERATORS,
    REPLAY,
    record_response,
    run_protoc,
    write_tree,
)

MEMORY = Path("/dev/shm")
"""A folder in memory (tmpfs) on Linux."""
MYPY_GRPC = "mypy-protobuf (--mypy_grpc_out)"
KINDS = {name: GENERATORS[name] for name in (COLD, REPLAY, MYPY_GRPC)}


def measure(size: int, rounds: int) -> list[list[object]]:
    """Rows for N = ``size`` (one service per file): per place, the medians,
    the ratios to mypy_grpc and what each generator's files cost to write."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        tempfile.TemporaryDirectory(dir=MEMORY) as ram,
    ):
        root = Path(tmp) / "proto"
        files = write_tree(root, size, 1)
        record_response(root, files, Path(tmp) / "response.bin")
        places = {"disk": Path(tmp) / "out", "memory (tmpfs)": Path(ram) / "out"}
        times: dict[tuple[str, str], list[float]] = {
            (place, name): [] for place in places for name in KINDS
        }
        written: dict[str, int] = {}
        for turn in range(rounds):
            order = list(places.items())
            for place, out in order if turn % 2 == 0 else reversed(order):
                for name, kind in KINDS.items():
                    times[place, name].append(run_protoc(root, files, kind, out)[0])
                    if name not in written:  # the same files every round
                        written[name] = sum(1 for p in out.rglob("*") if p.is_file())
    rows: list[list[object]] = []
    for place in places:
        theirs = times[place, MYPY_GRPC]
        ours, replay = times[place, COLD], times[place, REPLAY]
        rows.append(
            [
                size,
                place,
                *(f"{median(times[place, name]):.2f} s" for name in KINDS),
                f"{median([a / b for a, b in zip(ours, theirs)]):.2f}",
                f"{median([a / b for a, b in zip(replay, theirs)]):.2f}",
                f"{median([a - b for a, b in zip(ours, replay)]) * 1e3:.0f} ms",
            ]
        )
    disk_cost = {
        name: (median(times["disk", name]) - median(times["memory (tmpfs)", name]))
        / written[name]
        for name in (REPLAY, MYPY_GRPC)
    }
    rows.append(
        [
            size,
            "disk − memory, per file written",
            f"{written[COLD]} files",
            f"{disk_cost[REPLAY] * 1e3:.2f} ms a file",
            f"{disk_cost[MYPY_GRPC] * 1e3:.2f} ms a file ({written[MYPY_GRPC]} files)",
            "",
            "",
            "",
        ]
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="numbers of services")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    if not (MEMORY.is_dir() and os.access(MEMORY, os.W_OK)):
        sys.exit(f"output_disk: no writable {MEMORY} (a tmpfs) here: nothing measured")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as pip leaves the plugin
    rows: list[list[object]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"N = {size}, 1/file: on disk and in memory", file=sys.stderr)
        rows += measure(size, args.rounds)
    header = [
        "N",
        "output on",
        *KINDS,
        "cold / mypy_grpc",
        "whole floor / mypy_grpc",
        "our code over the whole floor",
    ]
    report = (
        "# Where the output goes: disk or memory\n\n"
        f"Whole protoc runs, one service per file, median of {args.rounds} "
        "alternated rounds (ratios and differences: medians of the per-round "
        "ones), with the output folder on this machine's disk and in memory "
        f"({MEMORY}, a tmpfs), on {os.cpu_count()} cores. The last row of each "
        "N is what each file protoc writes costs on the disk over memory. "
        "Our SDK writes two modules per proto file (the client "
        "and servicer module, and the test kit) and the runtime package.\n\n"
        + markdown_table(header, rows)
    )
    (RESULTS / "output_disk.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
