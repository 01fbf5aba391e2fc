"""Generation speed: whole protoc runs over synthetic trees, side by side.

Writes contracts with N services (one or ten per file), each with 8 RPCs of all four
kinds, paginated and result-oneof ones among them, then times protoc with
``--platform_out`` against ``--grpc_python_out``, ``--mypy_grpc_out`` and
``--mypy_out`` on the same files, in alternation. Reports medians, the ratio
of ours to each, and peak memory; writes ``results/generation.md`` and
``results/generation.png``; and times the plugin process alone on one file
against the floor of an interpreter that imports ``descriptor_pb2``.

Run it with ``make bench`` (or ``.venv/bin/python benchmarks/generation.py``).
"""

from __future__ import annotations

import argparse
import atexit
import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    REPO,
    RESULTS,
    SCRATCH,
    fresh_folder,
    markdown_table,
    median,
    quiet_disk,
    verdict,
)
from protoc_gen_platform.pipeline import PARALLEL_MIN_SERVICES
from support import descriptors, tool

COMMON = """syntax = "proto3";
package bench.common;
import "google/protobuf/duration.proto";
message PaginationRequest { int32 page_size = 1; string page_token = 2; }
message PaginationResponse { string next_page_token = 1; int32 total_size = 2; }
message Error { int32 code = 1; string message = 2; string reason = 3;
  map<string, string> metadata = 4; google.protobuf.Duration retry_delay = 5; }
"""

SERVICE = """
// Service {n}: manages items.
service Item{n}Service {{
  // Gets one item.
  rpc GetItem{n}(GetItem{n}Request) returns (Item{n}) {{ option idempotency_level = NO_SIDE_EFFECTS; }}
  // Lists items.
  rpc ListItem{n}s(ListItem{n}sRequest) returns (ListItem{n}sResponse) {{ option idempotency_level = NO_SIDE_EFFECTS; }}
  // Creates an item.
  rpc CreateItem{n}(Item{n}) returns (CreateItem{n}Response);
  // Updates an item.
  rpc UpdateItem{n}(Item{n}) returns (Item{n}) {{ option idempotency_level = IDEMPOTENT; }}
  // Deletes an item.
  rpc DeleteItem{n}(GetItem{n}Request) returns (Item{n}) {{ option idempotency_level = IDEMPOTENT; }}
  // Watches items.
  rpc WatchItem{n}s(GetItem{n}Request) returns (stream Item{n});
  // Uploads items.
  rpc UploadItem{n}s(stream Item{n}) returns (CreateItem{n}Response);
  // Syncs items both ways.
  rpc SyncItem{n}s(stream Item{n}) returns (stream Item{n});
}}
// An item.
message Item{n} {{ string id = 1; string name = 2; int64 size = 3; }}
// Get request.
message GetItem{n}Request {{ string id = 1; }}
// List request.
message ListItem{n}sRequest {{ bench.common.PaginationRequest pagination = 1; string filter = 2; }}
// List response.
message ListItem{n}sResponse {{ repeated Item{n} items = 1; bench.common.PaginationResponse pagination = 2; }}
// Create response.
message CreateItem{n}Response {{ oneof result {{ Item{n} success = 1; bench.common.Error error = 2; }} }}
"""

PER_FILE = 10


def write_tree(root: Path, services: int, per_file: int = PER_FILE) -> list[str]:
    """The synthetic contracts: returns the .proto paths relative to root."""
    (root / "bench").mkdir(parents=True)
    (root / "bench/common.proto").write_text(COMMON)
    files = ["bench/common.proto"]
    for start in range(0, services, per_file):
        name = f"bench/s{start // per_file:04d}.proto"
        body = "".join(
            SERVICE.format(n=n) for n in range(start, min(start + per_file, services))
        )
        header = f'syntax = "proto3";\npackage bench.s{start // per_file};\nimport "bench/common.proto";\n'
        (root / name).write_text(header + body)
        files.append(name)
    return files


GENERATORS = {
    "ours, cold (--platform_out)": "platform",
    "floor (a plugin that only reads the request)": "floor",
    "whole floor (the floor, then our response replayed)": "replay",
    "ours, warm cache": "platform",
    "grpc (--grpc_python_out)": "grpc_python",
    "mypy-protobuf (--mypy_grpc_out)": "mypy_grpc",
    "mypy-protobuf (--mypy_out)": "mypy",
}
COLD, WARM = "ours, cold (--platform_out)", "ours, warm cache"
FLOOR_PLUGIN = "floor (a plugin that only reads the request)"
REPLAY = "whole floor (the floor, then our response replayed)"

FLOOR_PLUGIN_SOURCE = """#!{python}
# The least a Python plugin can do: start, read the request (importing
# protobuf's descriptors to parse it), answer with no files.
import sys
from google.protobuf.compiler import plugin_pb2
plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
sys.stdout.buffer.write(plugin_pb2.CodeGeneratorResponse().SerializeToString())
"""
REPLAY_PLUGIN = """#!{python}
# The least a Python plugin can do to give our output: start, read the
# request, and answer with our own response to it, computed beforehand
# (what protoc then spends on our output is in its time).
import os, sys
from google.protobuf.compiler import plugin_pb2
plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
with open(os.environ["BENCH_REPLAY_RESPONSE"], "rb") as response:
    sys.stdout.buffer.write(response.read())
"""
_PLUGIN_DIR = tempfile.mkdtemp(prefix="bench-plugins-")
atexit.register(shutil.rmtree, _PLUGIN_DIR, True)


def floor_plugin(name: str, source: str) -> str:
    """The path of the executable plugin ``protoc-gen-<name>``, written on
    first use."""
    path = Path(_PLUGIN_DIR) / f"protoc-gen-{name}"
    if not path.exists():
        path.write_text(source.format(python=sys.executable))
        path.chmod(0o755)
    return str(path)


def record_response(root: Path, files: list[str], into: Path) -> None:
    """Run our plugin once on ``files`` and keep its response for the replay
    plugin (``BENCH_REPLAY_RESPONSE``)."""
    env = {**os.environ, "PROTOC_GEN_PLATFORM_CACHE": "off"}
    response = subprocess.run(
        [tool("protoc-gen-platform")],
        input=_request_bytes(root, files, generate_all=True),
        capture_output=True,
        check=True,
        env=env,
    ).stdout
    into.write_bytes(response)
    os.environ["BENCH_REPLAY_RESPONSE"] = str(into)


def run_protoc(
    root: Path, files: list[str], kind: str, out: Path, cache: str = "off"
) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of one whole protoc run with one generator,
    its output going to ``out``, a fresh folder (see
    :func:`_common.fresh_folder`: never a folder emptied for the run).

    ``cache`` is our plugin's PROTOC_GEN_PLATFORM_CACHE: "off" for a cold run.
    """
    if any(out.iterdir()):
        raise ValueError(f"{out}: not a fresh folder")
    command = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        f"-I{root}",
        f"--{kind}_out={out}",
    ]
    for plugin in ("platform", "mypy", "mypy_grpc"):
        command.append(f"--plugin=protoc-gen-{plugin}={tool('protoc-gen-' + plugin)}")
    command.append(
        f"--plugin=protoc-gen-floor={floor_plugin('floor', FLOOR_PLUGIN_SOURCE)}"
    )
    command.append(
        f"--plugin=protoc-gen-replay={floor_plugin('replay', REPLAY_PLUGIN)}"
    )
    # protoc's messages go to a file kept in the scratch folder: a temporary
    # file would free an inode each run (see _common.SCRATCH).
    with open(SCRATCH / "protoc-stderr", "w+b") as errors:
        start = time.perf_counter()
        env = {**os.environ, "PROTOC_GEN_PLATFORM_CACHE": cache}
        process = subprocess.Popen([*command, *files], stderr=errors, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(
                f"protoc failed for {kind}: {errors.read().decode()[:500]}"
            )
    # wait4 reports the protoc process with the plugins it waited for.
    return elapsed, usage.ru_maxrss


PHASES = r"""
import sys, time
t0 = time.perf_counter()
from google.protobuf.compiler import plugin_pb2
from protoc_gen_platform import formatting, model_builder, options, render, views
t1 = time.perf_counter()
request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
render._renderer("module.py.j2")
render._renderer("testing.py.j2")
t2 = time.perf_counter()
m = model_builder.build_model(request)
built = [m.files[name] for name in m.files]  # a file is built on first lookup
t3 = time.perf_counter()
vs = [views.module_view(m, m.files[f], options.Options()) for f in m.to_generate if m.files[f].services]
t4 = time.perf_counter()
sources = [render.render_module(v) for v in vs] + [render.render_testing(v.testing) for v in vs if v.testing]
t5 = time.perf_counter()
[formatting.format_python(src, "x.py") for src in sources]
t6 = time.perf_counter()
print(f"| imports | {t1 - t0:.3f} s |\n| templates loaded (shipped compiled) | {t2 - t1:.3f} s |\n"
      f"| model (every file of the request) | {t3 - t2:.3f} s |\n| names and imports (views) | {t4 - t3:.3f} s |\n"
      f"| rendering, both modules (one core) | {t5 - t4:.3f} s |\n| formatting | {t6 - t5:.3f} s |")
print(t6 - t2)
"""


def phases(root: Path, files: list[str]) -> tuple[str, float]:
    """Where a cold run of the plugin spends its time, phase by phase, and
    the seconds of its work (the phases after the imports), on one core."""
    out = subprocess.run(
        [sys.executable, "-c", PHASES],
        input=_request_bytes(root, files, generate_all=True),
        capture_output=True,
        check=True,
    )
    *table, work = out.stdout.decode().splitlines()
    return "| phase | seconds |\n|---|---|\n" + "\n".join(table) + "\n", float(work)


def black_clean(out: Path) -> bool:
    """Whether ``black --check`` accepts every generated module as it is."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "black",
            "--check",
            "--quiet",
            "--target-version",
            "py310",
            str(out),
        ],
        capture_output=True,
    )
    return result.returncode == 0


def _request_bytes(root: Path, files: list[str], generate_all: bool = False) -> bytes:
    """The CodeGeneratorRequest protoc would send for ``files`` (all of them,
    or all but the first, the common types)."""
    from google.protobuf.compiler import plugin_pb2

    request = plugin_pb2.CodeGeneratorRequest(
        file_to_generate=files if generate_all else files[1:],
        proto_file=descriptors(files, root).file,
    )
    return request.SerializeToString()


FLOOR = "import google.protobuf.descriptor_pb2"
QUICK_EXIT = "import os; os._exit(0)"
"""How the plugin ends (no interpreter teardown), so that the rows that break
its gap down end alike."""


def plugin_alone(rounds: int) -> tuple[str, float]:
    """The plugin process on a 1-file request against the floor (an
    interpreter that imports descriptor_pb2), paired, and where the gap goes;
    and the seconds that importing the plugin's own modules takes."""
    env = {**os.environ, "PROTOC_GEN_PLATFORM_CACHE": "off"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    root = fresh_folder("proto")
    data = _request_bytes(root, write_tree(root, 1, 1))

    def timed(command: list[str], stdin: bytes | None = None) -> float:
        start = time.perf_counter()
        subprocess.run(command, input=stdin, capture_output=True, check=True, env=env)
        return time.perf_counter() - start

    commands = {
        "plugin process, 1 file": ([tool("protoc-gen-platform")], data),
        "of which: import the plugin's modules": (
            [
                sys.executable,
                "-c",
                f"{FLOOR}; import protoc_gen_platform.plugin, "
                "protoc_gen_platform.pipeline, protoc_gen_platform.render, "
                "protoc_gen_platform.views, "
                "protoc_gen_platform.compiled_templates.module_py; "
                f"{QUICK_EXIT}",
            ],
            None,
        ),
    }
    floor_command = [sys.executable, "-c", FLOOR]
    # Every round times the floor and each command in turn, so that this
    # machine's drift hits them alike; gaps are medians of per-round gaps.
    spent: dict[str, list[float]] = {name: [] for name in commands}
    gaps: dict[str, list[float]] = {name: [] for name in commands}
    floors: list[float] = []
    for _ in range(rounds):
        floor = timed(floor_command)
        floors.append(floor)
        for name, (command, stdin) in commands.items():
            took = timed(command, stdin)
            spent[name].append(took)
            gaps[name].append(took - floor)
    rows = []
    for name in commands:
        gap = median(gaps[name])
        rows.append(
            [
                name,
                f"{median(spent[name]) * 1e3:.0f} ms",
                f"{median(floors) * 1e3:.0f} ms",
                _gap(gap),
                f"≤ 40 ms {verdict(gap, 0.040)}" if name.startswith("plugin") else "",
            ]
        )
    imports = median(gaps["of which: import the plugin's modules"])
    whole = median(gaps["plugin process, 1 file"])
    rows.append(
        [
            "of which: the work (read, model, views, render, format, answer)",
            "",
            "",
            _gap(whole - imports),
            "",
        ]
    )
    table = markdown_table(
        ["what", "ours (median)", "floor (median)", "gap", "target"], rows
    )
    return table, imports


def _gap(seconds: float) -> str:
    """A median gap in whole milliseconds; one smaller than the noise of
    these machines (even below zero) reads as such."""
    if seconds < 0.0005:
        return f"under 1 ms (measured {seconds * 1e3:.1f} ms)"
    return f"{seconds * 1e3:.0f} ms"


TARGETS = {1: 1.3, 10: 1.5, 100: 1.2, 1000: 1.2}
"""Cold runs against mypy_grpc, by the number of services."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100,1000", help="numbers of services")
    parser.add_argument("--per-file", default="1,10", help="services per file")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    layouts = [int(n) for n in args.per_file.split(",")]
    RESULTS.mkdir(exist_ok=True)
    # An installed package has its bytecode compiled, as pip does on install;
    # an editable checkout under PYTHONDONTWRITEBYTECODE would recompile the
    # plugin's modules on every run, which no installed user pays.
    compileall.compile_dir(str(REPO / "protoc_gen_platform"), quiet=1)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    disk_note = quiet_disk()
    rows: list[list[object]] = []
    series: dict[str, list[float]] = {name: [] for name in GENERATORS}
    profile, work, left_at_100, over_at_100 = "", 0.0, 0.0, 0.0
    for per_file in layouts:
        for size in sizes:
            if size < per_file:
                continue  # the same tree as with fewer per file
            rounds = args.rounds if size < 1000 else max(2, args.rounds // 2)
            # Nothing is deleted until every size is done (see _common.SCRATCH).
            tmp = fresh_folder(f"n{size}-{per_file}")
            root = tmp / "proto"
            files = write_tree(root, size, per_file)
            times: dict[str, list[float]] = {name: [] for name in GENERATORS}
            print(f"N = {size}, {per_file}/file: {len(files)} files", file=sys.stderr)
            warm_cache = str(tmp / "cache")
            record_response(root, files, tmp / "response.bin")
            run_protoc(root, files, "platform", fresh_folder("out", tmp), warm_cache)
            for _ in range(rounds):
                for name, kind in GENERATORS.items():
                    cache = warm_cache if name == WARM else "off"
                    out = fresh_folder(kind, tmp)
                    elapsed, _ = run_protoc(root, files, kind, out, cache)
                    times[name].append(elapsed)
            if size == 100 and per_file == PER_FILE:
                profile, work = phases(root, files)
            ours_out = fresh_folder("ours", tmp)
            _, peak = run_protoc(root, files, "platform", ours_out)
            clean = black_clean(ours_out)
            # Paired per-round ratios resist this machine's drifting noise.
            theirs = times["mypy-protobuf (--mypy_grpc_out)"]
            cold = median([a / b for a, b in zip(times[COLD], theirs)])
            floor = median([a / b for a, b in zip(times[FLOOR_PLUGIN], theirs)])
            replay = median([a / b for a, b in zip(times[REPLAY], theirs)])
            target = TARGETS.get(size)
            # What our own code (imports and generation) costs above the
            # whole floor, and what the target leaves it.
            ours_over = median([a - b for a, b in zip(times[COLD], times[REPLAY])])
            left = (target - replay) * median(theirs) if target else 0.0
            if size == 100 and per_file == PER_FILE:
                left_at_100, over_at_100 = left, ours_over
            warm = median([a / b for a, b in zip(times[WARM], theirs)])
            cold_grpc = median(
                [a / b for a, b in zip(times[COLD], times["grpc (--grpc_python_out)"])]
            )
            if per_file == PER_FILE:
                for name in GENERATORS:
                    series[name].append(median(times[name]))
            rows.append(
                [
                    size,
                    per_file,
                    *(f"{median(times[name]):.2f} s" for name in GENERATORS),
                    f"{cold:.2f}",
                    f"{floor:.2f}",
                    f"{replay:.2f}",
                    f"{ours_over * 1e3:.0f} ms / {left * 1e3:.0f} ms",
                    f"{warm:.2f}",
                    f"{cold_grpc:.2f}",
                    "yes" if clean else "NO",
                    f"{peak / 1024:.0f} MiB",
                    f"cold ≤ {target}: {verdict(cold, target)}" if target else "",
                ]
            )
    alone, own_imports = plugin_alone(max(11, args.rounds * 3))
    header = [
        "N",
        "per file",
        *GENERATORS,
        "cold / mypy_grpc",
        "floor / mypy_grpc",
        "whole floor / mypy_grpc",
        "our code over the floor / what the target leaves it",
        "warm / mypy_grpc",
        "cold / grpc",
        "black-clean",
        "peak RSS, ours",
        "target",
    ]
    report = (
        "# Generation benchmarks\n\n"
        f"Whole protoc runs, median of {args.rounds} alternated rounds ("
        f"{max(2, args.rounds // 2)} at N = 1000; ratios: median "
        "of the per-round ratios), one or ten services per file, 8 RPCs per "
        f"service, on this machine ({os.cpu_count()} cores), the plugin's "
        "bytecode compiled as pip leaves it. Peak RSS is that of protoc with our "
        "plugin. Cold: no output cache (PROTOC_GEN_PLATFORM_CACHE=off); warm: "
        "the cache filled by a previous run over the same files. Floor: a "
        "Python plugin that starts, reads the request (importing protobuf's "
        "descriptors, as every Python plugin must) and answers with no files. "
        "Whole floor: the floor, answering with our own response to the same "
        "request (computed beforehand), so that protoc also reads and writes "
        "our output: the least any Python plugin can take to give it. The "
        "next column is what our own code (its imports and the generation) "
        "costs above that floor, median of the per-round differences, and "
        "what the target leaves it. The output goes to this machine's disk, "
        "each run into a folder of its own, and nothing is deleted until the "
        "last run: on this disk (ext4 without a journal) a file created "
        "shortly after others were deleted costs up to twenty times more, "
        "which `output_disk.md` measures, along with the same runs with the "
        f"output in memory. {disk_note}\n\n"
        + markdown_table(header, rows)
        + "\n## The plugin process alone\n\n"
        "One file, one service, cold: the whole plugin process against the floor, "
        "an interpreter that imports `descriptor_pb2` (which the plugin needs "
        "to read its request), paired rounds. The rows below break the gap "
        "down. The templates are shipped compiled to plain Python, so the "
        "plugin imports neither Jinja nor a template parser.\n\n" + alone
    )
    if profile:
        cores = os.cpu_count() or 1
        report += (
            "\n## Where a cold run goes, N = 100, ten per file\n\n"
            "The plugin's phases, timed in one process on this tree.\n\n"
            + profile
            + f"\nHere the target leaves our code {left_at_100 * 1e3:.0f} ms above "
            "the whole floor (table above). Importing the plugin's own modules "
            f"takes {_gap(own_imports)} (previous table), and the phases "
            f"after the imports {work * 1e3:.0f} ms on one core. The plugin splits "
            f"them over the {cores} cores (from {PARALLEL_MIN_SERVICES} services): "
            "split at no cost at all, our code would take "
            f"{(own_imports + work / cores) * 1e3:.0f} ms; it took "
            f"{over_at_100 * 1e3:.0f} ms.\n"
        )
    (RESULTS / "generation.md").write_text(report)
    if PER_FILE in layouts:  # the plot shows that layout only
        plot([n for n in sizes if n >= PER_FILE], series, RESULTS / "generation.png")
    print(report)


def plot(sizes: list[int], series: dict[str, list[float]], path: Path) -> None:
    """Time against N, one line per generator, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for name, values in series.items():
        axes.plot(sizes, values, marker="o", label=name)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("services (N)")
    axes.set_ylabel("protoc wall time, median (s)")
    axes.set_title("Generation time against N")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
