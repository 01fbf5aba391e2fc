"""Generation speed: whole protoc runs over synthetic trees, side by side.

Writes contracts with N services (ten per file), each with 8 RPCs of all four
kinds, paginated and result-oneof ones among them, then times protoc with
``--platform_out`` against ``--grpc_python_out``, ``--mypy_grpc_out`` and
``--mypy_out`` on the same files, in alternation. Reports medians, the ratio
of ours to each, and peak memory; writes ``results/generation.md`` and
``results/generation.png``.

Run it with ``make bench`` (or ``.venv/bin/python benchmarks/generation.py``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import RESULTS, markdown_table, median, verdict
from support import tool

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


def write_tree(root: Path, services: int) -> list[str]:
    """The synthetic contracts: returns the .proto paths relative to root."""
    (root / "bench").mkdir(parents=True)
    (root / "bench/common.proto").write_text(COMMON)
    files = ["bench/common.proto"]
    for start in range(0, services, PER_FILE):
        name = f"bench/s{start // PER_FILE:04d}.proto"
        body = "".join(SERVICE.format(n=n) for n in range(start, min(start + PER_FILE, services)))
        header = f'syntax = "proto3";\npackage bench.s{start // PER_FILE};\nimport "bench/common.proto";\n'
        (root / name).write_text(header + body)
        files.append(name)
    return files


GENERATORS = {
    "ours (--platform_out)": "platform",
    "grpc (--grpc_python_out)": "grpc_python",
    "mypy-protobuf (--mypy_grpc_out)": "mypy_grpc",
    "mypy-protobuf (--mypy_out)": "mypy",
}
OURS = "ours (--platform_out)"


def run_protoc(root: Path, files: list[str], kind: str, out: Path) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of one whole protoc run with one generator."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()
    command = [sys.executable, "-m", "grpc_tools.protoc", f"-I{root}", f"--{kind}_out={out}"]
    for plugin in ("platform", "mypy", "mypy_grpc"):
        command.append(f"--plugin=protoc-gen-{plugin}={tool('protoc-gen-' + plugin)}")
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen([*command, *files], stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"protoc failed for {kind}: {errors.read().decode()[:500]}")
    # wait4 reports the protoc process with the plugins it waited for.
    return elapsed, usage.ru_maxrss


def black_clean(out: Path) -> bool:
    """Whether ``black --check`` accepts every generated module as it is."""
    result = subprocess.run(
        [sys.executable, "-m", "black", "--check", "--quiet", "--target-version", "py310", str(out)],
        capture_output=True,
    )
    return result.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000", help="numbers of services")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    RESULTS.mkdir(exist_ok=True)
    rows, series = [], {name: [] for name in GENERATORS}
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "proto"
            files = write_tree(root, size)
            times: dict[str, list[float]] = {name: [] for name in GENERATORS}
            peaks: dict[str, int] = {}
            print(f"N = {size}: {len(files)} files ...", file=sys.stderr)
            for _ in range(args.rounds):
                for name, kind in GENERATORS.items():
                    elapsed, _ = run_protoc(root, files, kind, Path(tmp) / "out")
                    times[name].append(elapsed)
            ours_out = Path(tmp) / "ours"
            _, peak = run_protoc(root, files, "platform", ours_out)
            clean = black_clean(ours_out)
            mine = median(times[OURS])
            for name in GENERATORS:
                series[name].append(median(times[name]))
            ratio_grpc = mine / median(times["mypy-protobuf (--mypy_grpc_out)"])
            target = 1.5 if size >= 1000 else 1.2 if size >= 100 else None
            rows.append(
                [
                    size,
                    *(f"{median(times[name]):.2f} s" for name in GENERATORS),
                    f"{ratio_grpc:.2f}",
                    f"{mine / median(times['grpc (--grpc_python_out)']):.2f}",
                    "yes" if clean else "NO",
                    f"{peak / 1024:.0f} MiB",
                    "(none)" if target is None else f"≤ {target}: {verdict(ratio_grpc, target)}",
                ]
            )
    header = ["N", *GENERATORS, "ours / mypy_grpc", "ours / grpc", "black-clean", "peak RSS, ours", "target"]
    report = (
        "# Generation benchmarks\n\n"
        f"Whole protoc runs, median of {args.rounds} alternated rounds, "
        f"{PER_FILE} services per file, 8 RPCs per service, on this machine "
        f"({os.cpu_count()} cores). Peak RSS is that of protoc with our plugin.\n\n"
        + markdown_table(header, rows)
    )
    (RESULTS / "generation.md").write_text(report)
    plot(sizes, series, RESULTS / "generation.png")
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
