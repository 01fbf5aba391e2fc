"""The ``platform-sdk`` command: ``build`` an SDK package (or ``--check`` one),
and build its API reference (``docs``)."""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

from google.protobuf import descriptor_pb2

from .apidocs import write_site
from .compile import BuildError, compile_protos, find_protos
from .layout import lay_out

__all__ = ["main"]


def _sdk_arguments(command: argparse.ArgumentParser) -> None:
    """The options ``build`` and ``docs`` share: where the SDK is, its name."""
    command.add_argument(
        "--package",
        default="platform_proto",
        help="the SDK's Python package name (default: platform_proto)",
    )
    command.add_argument(
        "--out",
        type=Path,
        default=Path("gen/python"),
        help="the SDK's output folder (default: gen/python)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="platform-sdk",
        description="Build an installable, typed Python SDK from gRPC contracts.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build",
        help="generate the SDK package (and optionally its wheel)",
        description="Generate the SDK package for a proto root into an output folder.",
    )
    build.add_argument(
        "--proto", type=Path, default=Path("proto"), help="proto root (default: proto)"
    )
    _sdk_arguments(build)
    build.add_argument(
        "--version", default="0.1.0", help="the package version (default: 0.1.0)"
    )
    build.add_argument(
        "--wheel", action="store_true", help="also build a wheel into --dist"
    )
    build.add_argument(
        "--dist",
        type=Path,
        default=Path("dist"),
        help="where --wheel puts it (default: dist)",
    )
    build.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and list the files if the output folder is stale",
    )
    docs = commands.add_parser(
        "docs",
        help="build the SDK's API reference as static HTML (pdoc)",
        description="Build a static HTML reference of a built SDK package with pdoc.",
    )
    _sdk_arguments(docs)
    docs.add_argument(
        "--site",
        type=Path,
        default=Path("gen/docs"),
        help="where the HTML goes (default: gen/docs)",
    )
    return parser


def _docs(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    site: Path = args.site
    with _staging(site) as staging:
        modules = write_site(args.out, args.package, staging)
        _swap_in(staging, site)
    seconds = time.perf_counter() - started
    _say(f"{modules} modules documented in {seconds:.1f} s -> {site / 'index.html'}")
    return 0


def _say(message: str) -> None:
    print(f"platform-sdk: {message}", file=sys.stderr, flush=True)


def _summary(
    files: descriptor_pb2.FileDescriptorSet, to_generate: list[str]
) -> tuple[int, int]:
    wanted = set(to_generate)
    services = [s for fd in files.file if fd.name in wanted for s in fd.service]
    return len(services), sum(len(s.method) for s in services)


def _generate(args: argparse.Namespace, into: Path) -> tuple[int, int, int]:
    """Build the package into ``into``; returns (files, services, RPCs)."""
    if not args.package.isidentifier():
        raise BuildError(
            f"--package {args.package!r} is not a valid Python package name"
        )
    protos = find_protos(args.proto)
    _say(f"compiling {len(protos)} proto files from {args.proto} ...")
    with tempfile.TemporaryDirectory(prefix="platform-sdk-") as scratch:
        compiled = Path(scratch)
        descriptors = compile_protos(args.proto, protos, compiled)
        lay_out(compiled, into, args.package, args.version, descriptors, protos)
    services, rpcs = _summary(descriptors, protos)
    return len(protos), services, rpcs


def _ignored(relative: Path) -> bool:
    """Caches and tool droppings are not part of the output."""
    return any(part == "__pycache__" or part.startswith(".") for part in relative.parts)


def _stale(fresh: Path, current: Path) -> list[str]:
    """Files that differ between two trees, are missing, or are extra."""

    def tree(root: Path) -> dict[str, Path]:
        if not root.is_dir():
            return {}
        return {
            p.relative_to(root).as_posix(): p
            for p in root.rglob("*")
            if p.is_file() and not _ignored(p.relative_to(root))
        }

    new, old = tree(fresh), tree(current)
    return sorted(
        name
        for name in new.keys() | old.keys()
        if name not in new
        or name not in old
        or not filecmp.cmp(new[name], old[name], shallow=False)
    )


@contextlib.contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A fresh folder beside ``out`` to build in (so that :func:`_swap_in` is
    a rename); whatever is left of it afterwards is removed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _swap_in(built: Path, out: Path) -> None:
    """Replace ``out`` by ``built`` (a sibling folder), leaving no mixture."""
    old = out.with_name(out.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    built.rename(out)
    if old.exists():
        shutil.rmtree(old)


def _wheel(out: Path, dist: Path) -> Path:
    dist.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--wheel-dir",
        str(dist),
    ]
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-build-isolation")
    result = subprocess.run([*command, str(out)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError(f"building the wheel failed:\n{result.stderr.strip()}")
    return max(dist.glob("*.whl"), key=lambda p: p.stat().st_mtime)


def _build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    out: Path = args.out
    with _staging(out) as staging:
        files, services, rpcs = _generate(args, staging)
        if args.check:
            stale = _stale(staging, out)
            for name in stale:
                print(f"stale: {out / name}")
            if stale:
                _say(
                    f"{out} is out of date: {len(stale)} files differ; run platform-sdk build"
                )
                return 1
            _say(f"{out} is up to date")
            return 0
        _swap_in(staging, out)
    seconds = time.perf_counter() - started
    _say(
        f"{files} files, {services} services, {rpcs} RPCs in {seconds:.1f} s "
        f"-> {out / args.package}"
    )
    if args.wheel:
        _say(f"built {_wheel(out, args.dist)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``platform-sdk`` console script."""
    args = _parser().parse_args(argv)
    try:
        return _docs(args) if args.command == "docs" else _build(args)
    except BuildError as exc:
        print(f"platform-sdk: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """The ``platform-sdk`` console script."""
    raise SystemExit(main())
