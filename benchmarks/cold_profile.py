"""Where a cold run goes, one service per file: the plugin process step by
step, its work per file on one core, and what the target leaves it.

For N = 100 and 1000 with one service per file (the rows of
``generation.md`` that used to miss their target), it times:

- protoc with ``--platform_out`` (cold), with the whole floor (a plugin that
  replays our response) and with ``--mypy_grpc_out``, alternated, to know
  what the 1.2 target leaves our own code above the whole floor;
- the plugin process itself, step by step (its functions wrapped with
  timers, in the same process and in its worker), against the whole floor's
  plugin process on the same request;
- the work per file on one core, phase by phase.

From these it derives what the work per file would have to cost for the
row to meet its target here. Writes ``benchmarks/results/cold_profile.md``.

    python benchmarks/cold_profile.py [--sizes 100,1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from _common import RESULTS, fresh_folder, markdown_table, median, quiet_disk
from generation import (
    COLD,
    GENERATORS,
    PHASES,
    REPLAY,
    TARGETS,
    _request_bytes,
    record_response,
    run_protoc,
    write_tree,
)

MYPY_GRPC = "mypy-protobuf (--mypy_grpc_out)"

STEPS = r"""
import json, os, sys, time
start = time.perf_counter()
import gc
gc.disable()  # as the console script runs
from protoc_gen_platform import parallel, pipeline, plugin

marks = {"imports": time.perf_counter()}
parent = os.getpid()


def after(module, name, mark):
    wrapped = getattr(module, name)

    def timed(*args, **kwargs):
        result = wrapped(*args, **kwargs)
        marks.setdefault(mark, time.perf_counter())
        return result

    setattr(module, name, timed)


def share(model, names, *args, render=pipeline.render_modules):
    # Modules come one by one, each encoded as it comes: the share's time
    # runs until its last module is taken.
    names = list(names)
    began = time.perf_counter()
    yield from render(model, names, *args)
    took = time.perf_counter() - began
    who = "parent" if os.getpid() == parent else "worker"
    line = json.dumps({who: [began - start, took, len(names)]}) + "\n"
    os.write(2, line.encode())  # one write: the other process prints too


after(plugin, "read_request", "read")
after(plugin, "response_parts", "answered")
pipeline.render_modules = parallel.render_modules = share  # a share each process
plugin.main()
marks["written"] = time.perf_counter()
print(json.dumps({k: v - start for k, v in marks.items()}), file=sys.stderr)
os._exit(0)
"""
"""The plugin's console entry with timers around its steps; each process
prints its marks (seconds since the script started) as JSON on stderr."""

REPLAY_STEPS = r"""
import json, os, sys, time
start = time.perf_counter()
from google.protobuf.compiler import plugin_pb2
marks = {"imports": time.perf_counter()}
plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
marks["read"] = time.perf_counter()
with open(os.environ["BENCH_REPLAY_RESPONSE"], "rb") as response:
    sys.stdout.buffer.write(response.read())
sys.stdout.buffer.flush()
marks["written"] = time.perf_counter()
print(json.dumps({k: v - start for k, v in marks.items()}), file=sys.stderr)
os._exit(0)
"""
"""The whole floor's plugin (see generation.py), with the same marks."""


def _python(
    script: str, request: bytes, env: dict[str, str]
) -> subprocess.CompletedProcess[bytes]:
    """``script`` run by this interpreter with ``request`` on its stdin."""
    return subprocess.run(
        [sys.executable, "-c", script],
        input=request,
        capture_output=True,
        check=True,
        env=env,
    )


def _steps(script: str, request: bytes, env: dict[str, str]) -> dict[str, float]:
    """One process of ``script`` on ``request``: its wall time from exec to
    exit (``wall``) and its marks, merged from every process that printed."""
    began = time.perf_counter()
    done = _python(script, request, env)
    marks: dict[str, float] = {"wall": time.perf_counter() - began}
    for line in done.stderr.decode().splitlines():
        for key, value in json.loads(line).items():
            if isinstance(value, list):  # a share: started, took, files
                marks[f"{key} share"] = value[1]
                marks[f"{key} files"] = value[2]
                marks[f"{key} began"] = value[0]
            else:
                marks[key] = value
    return marks


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.0f} ms"


def measure(size: int, rounds: int) -> str:
    """The section of the report for N = ``size``, one service per file."""
    env = {**os.environ, "PROTOC_GEN_PLATFORM_CACHE": "off"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    kinds = {name: GENERATORS[name] for name in (COLD, REPLAY, MYPY_GRPC)}
    tmp = fresh_folder(f"n{size}")  # nothing deleted until the end (_common.SCRATCH)
    root = tmp / "proto"
    files = write_tree(root, size, 1)
    response = tmp / "response.bin"
    record_response(root, files, response)
    env["BENCH_REPLAY_RESPONSE"] = str(response)
    request = _request_bytes(root, files, generate_all=True)
    protoc: dict[str, list[float]] = {name: [] for name in kinds}
    ours: list[dict[str, float]] = []
    floor: list[dict[str, float]] = []
    for turn in range(rounds):
        for name, kind in kinds.items() if turn % 2 == 0 else reversed(kinds.items()):
            out = fresh_folder(kind, tmp)
            protoc[name].append(run_protoc(root, files, kind, out)[0])
        ours.append(_steps(STEPS, request, env))
        floor.append(_steps(REPLAY_STEPS, request, env))
    phases = _python(PHASES, request, env).stdout.decode()
    work = float(phases.splitlines()[-1])  # seconds on one core, every file
    generated = size  # one service per file, each a file to generate

    def mid(runs: list[dict[str, float]], key: str) -> float:
        return median([run[key] for run in runs])

    theirs = median(protoc[MYPY_GRPC])
    target = TARGETS[size]
    replay_ratio = median([a / b for a, b in zip(protoc[REPLAY], protoc[MYPY_GRPC])])
    left = (target - replay_ratio) * theirs
    over = median([a - b for a, b in zip(protoc[COLD], protoc[REPLAY])])
    # The steps of our process, each median across runs; shares run at once.
    render = max(mid(ours, "parent share"), mid(ours, "worker share"))
    before = mid(ours, "parent began") - mid(ours, "read")
    after = mid(ours, "answered") - (mid(ours, "parent began") + render)
    write = mid(ours, "written") - mid(ours, "answered")
    # What our code costs in the protoc runs besides rendering and encoding
    # the shares (set-up, the worker's answer, the runtime, and what
    # protoc's handling adds).
    fixed = max(0.0, over - render)  # below zero is this machine's noise
    cores = 2 if "worker share" in ours[0] else 1
    needed = (left - fixed) * cores / generated
    rows = [
        ["the process, exec to exit", _ms(mid(ours, "wall")), _ms(mid(floor, "wall"))],
        [
            "of which: start and imports",
            _ms(mid(ours, "imports")),
            _ms(mid(floor, "imports")),
        ],
        [
            "of which: read the request",
            _ms(mid(ours, "read") - mid(ours, "imports")),
            _ms(mid(floor, "read") - mid(floor, "imports")),
        ],
        ["of which: options, model index, fork", _ms(before), ""],
        [
            (
                "of which: render and encode the shares, at once "
                f"({mid(ours, 'parent files'):.0f} "
                f"and {mid(ours, 'worker files'):.0f} files)"
                if cores == 2
                else "of which: render and encode every file"
            ),
            _ms(render),
            "",
        ],
        ["of which: map the worker's answer, the runtime", _ms(after), ""],
        [
            "of which: write the response",
            _ms(write),
            _ms(mid(floor, "written") - mid(floor, "read")),
        ],
    ]
    per_file = work / generated
    section = (
        f"## N = {size}, one service per file\n\n"
        "Whole protoc runs, medians of "
        f"{rounds} alternated rounds: ours cold {median(protoc[COLD]):.2f} s, "
        f"the whole floor {median(protoc[REPLAY]):.2f} s, mypy_grpc "
        f"{theirs:.2f} s. The whole floor is {replay_ratio:.2f} × mypy_grpc, so the "
        f"{target} target leaves our code {_ms(left)} above it; our code took "
        f"{_ms(over)}.\n\n"
        "The plugin process, step by step (medians of the same rounds), against "
        "the whole floor's plugin (it reads the request and writes our "
        "response):\n\n"
        + markdown_table(["step", "ours", "whole floor's plugin"], rows)
        + "\nThe work per file, on one core, every phase (model, views, "
        f"rendering, formatting; {size} files in one process): "
        f"{per_file * 1e6:.0f} µs a file.\n\n"
        + "| phase | seconds, all files |\n|---|---|\n"
        + "\n".join(phases.splitlines()[:-1])
        + "\n\n"
        f"Of the {_ms(over)} our code took in the protoc runs, rendering and "
        f"encoding the shares took {_ms(render)} and the rest {_ms(fixed)} (at least "
        "0 ms: the two are medians of separate timings). To meet the "
        f"target with the rest as it is, rendering on {cores} "
        f"core{'s' if cores > 1 else ''} would have to fit in the "
        f"{_ms(max(0.0, left - fixed))} left, about "
        + (
            f"{needed * 1e6:.0f} µs of work a file, against {per_file * 1e6:.0f} "
            "µs now"
            + (
                f": {per_file / needed:.2f} times less."
                if needed < per_file
                else " (met in these rounds)."
            )
            if needed > 0
            else "no time at all: the steps besides rendering already take more "
            "than the target leaves."
        )
        + "\n"
    )
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    disk_note = quiet_disk()
    sections = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"N = {size}, one service per file", file=sys.stderr)
        sections.append(measure(size, args.rounds))
    report = (
        "# Where a cold run goes\n\n"
        "The rows of `generation.md` with one service per file at N = 100 and "
        "1000 (those that used to miss their target), taken apart on this "
        f"machine ({os.cpu_count()} cores), each protoc run writing into a "
        "folder of its own, nothing "
        "deleted until the end. `output_disk.md` shows what writing the files "
        f"costs on this disk. {disk_note}\n\n" + "\n".join(sections)
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cold_profile.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
