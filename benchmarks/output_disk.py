"""Where the output goes: the same protoc runs with their output on this
machine's disk and in memory (a tmpfs), to tell writing the files apart from
generating them.

Ours (cold), the whole floor (a plugin that replays our response, so protoc
writes our files) and ``--mypy_grpc_out`` run alternated, round after round,
each into a fresh folder on the disk and into one under ``/dev/shm``; then,
last, into one folder on the disk that each run empties first (deleting the
previous run's output, as this benchmark's runs used to), which on this
machine's disk slows every file created after it (see ``_common.SCRATCH``). Writes
``benchmarks/results/output_disk.md``.

    python benchmarks/output_disk.py [--sizes 100,1000] [--rounds 6]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from _common import RESULTS, fresh_folder, markdown_table, median, quiet_disk
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
DISK, RAM = "disk", "memory (tmpfs)"
DELETED = "disk, the previous run's output deleted first"


class Tree(NamedTuple):
    """The protos of one size, and where their runs write."""

    size: int
    root: Path
    files: list[str]
    folder: Path
    """Where the disk runs write, a fresh folder each."""
    memory: Path
    """Where the in-memory runs write, a fresh folder each."""


def tree(size: int, memory: Path) -> Tree:
    """A tree of ``size`` services, one per file, with our response recorded."""
    folder = fresh_folder(f"n{size}")
    root = folder / "proto"
    files = write_tree(root, size, 1)
    record_response(root, files, folder / "response.bin")
    return Tree(size, root, files, folder, fresh_folder(f"n{size}", memory))


def _run(
    tree: Tree, place: str, name: str, times: dict[tuple[str, str], list[float]]
) -> Path:
    """One protoc run of ``name`` with its output at ``place``; its folder."""
    kind = KINDS[name]
    # The replay plugin answers with this tree's response.
    os.environ["BENCH_REPLAY_RESPONSE"] = str(tree.folder / "response.bin")
    if place == DELETED:  # as this benchmark used to: one folder, emptied
        out = tree.folder / "out"
        if out.exists():
            shutil.rmtree(out)
        out.mkdir()
    else:
        out = fresh_folder(kind, tree.folder if place == DISK else tree.memory)
    times[place, name].append(run_protoc(tree.root, tree.files, kind, out)[0])
    return out


def measure(
    tree: Tree,
    places: list[str],
    rounds: int,
    times: dict[tuple[str, str], list[float]],
) -> dict[str, int]:
    """Time ``rounds`` alternated rounds at each of ``places`` (places and
    generators in reversed order every other round); the number of files
    each generator writes. Where a run deletes the output of the one before,
    a first, untimed round leaves every run an output to delete."""
    written: dict[str, int] = {}
    if DELETED in places:
        for name in KINDS:
            _run(tree, DELETED, name, {key: [] for key in times})
    names = list(KINDS)
    for turn in range(rounds):
        for place in places if turn % 2 == 0 else reversed(places):
            for name in names if turn % 2 == 0 else reversed(names):
                out = _run(tree, place, name, times)
                if name not in written:  # the same files every round
                    written[name] = sum(1 for p in out.rglob("*") if p.is_file())
    return written


def rows(
    tree: Tree, times: dict[tuple[str, str], list[float]], written: dict[str, int]
) -> list[list[object]]:
    """Per place, the medians, the ratios to mypy_grpc, and what each file
    written costs on the disk over memory, and after a deletion."""
    found: list[list[object]] = []
    for place in (DISK, RAM, DELETED):
        theirs = times[place, MYPY_GRPC]
        ours, replay = times[place, COLD], times[place, REPLAY]
        found.append(
            [
                tree.size,
                place,
                *(f"{median(times[place, name]):.2f} s" for name in KINDS),
                f"{median([a / b for a, b in zip(ours, theirs)]):.2f}",
                f"{median([a / b for a, b in zip(replay, theirs)]):.2f}",
                f"{median([a - b for a, b in zip(ours, replay)]) * 1e3:.0f} ms",
            ]
        )
    for label, slower, faster in (
        ("disk − memory, per file written", DISK, RAM),
        ("deleted first − disk, per file written", DELETED, DISK),
    ):
        cost = {
            name: (median(times[slower, name]) - median(times[faster, name]))
            / written[name]
            for name in (REPLAY, MYPY_GRPC)
        }
        found.append(
            [
                tree.size,
                label,
                f"{written[COLD]} files",
                f"{cost[REPLAY] * 1e3:.2f} ms a file",
                f"{cost[MYPY_GRPC] * 1e3:.2f} ms a file ({written[MYPY_GRPC]} files)",
                "",
                "",
                "",
            ]
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="numbers of services")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    if not (MEMORY.is_dir() and os.access(MEMORY, os.W_OK)):
        sys.exit(f"output_disk: no writable {MEMORY} (a tmpfs) here: nothing measured")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as pip leaves the plugin
    disk_note = quiet_disk()
    found: list[list[object]] = []
    with tempfile.TemporaryDirectory(dir=MEMORY) as memory:
        trees = [tree(int(size), Path(memory)) for size in args.sizes.split(",")]
        times: dict[int, dict[tuple[str, str], list[float]]] = {
            t.size: {(p, name): [] for p in (DISK, RAM, DELETED) for name in KINDS}
            for t in trees
        }
        written: dict[int, dict[str, int]] = {}
        for t in trees:
            print(f"N = {t.size}, 1/file: on disk and in memory", file=sys.stderr)
            written[t.size] = measure(t, [DISK, RAM], args.rounds, times[t.size])
        # Last: each deletion makes every file created here for minutes slower.
        for t in trees:
            print(f"N = {t.size}, 1/file: after deleting the output", file=sys.stderr)
            measure(t, [DELETED], args.rounds, times[t.size])
    for t in trees:
        found += rows(t, times[t.size], written[t.size])
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
        f"ones), on {os.cpu_count()} cores, with the output in a fresh folder on "
        f"this machine's disk, and in one in memory ({MEMORY}, a tmpfs). Then, "
        "last, on the disk again the way `generation.py` ran them until it "
        "wrote each run into a folder of its own: each run first deletes the "
        "output of the run before it, whichever generator's. This disk is ext4 "
        "without a journal, which keeps a new file "
        "from taking the inode of one deleted in the last minute (six while "
        "that inode is not written back) and scans past every such inode to "
        "create it: after a deletion, each file created costs more, the more "
        "files were deleted. The last rows of each N are what each file protoc "
        "writes costs on the disk over memory, and after a deletion over a "
        "fresh folder (the deleting runs come minutes after the others, so "
        "that row compares medians of different periods). "
        "Our SDK writes two modules per proto file (the client "
        "and servicer module, and the test kit) and the runtime package. "
        f"{disk_note}\n\n" + markdown_table(header, found)
    )
    (RESULTS / "output_disk.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
