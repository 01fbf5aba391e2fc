"""The SDK package on disk: modules under one root, re-exports, metadata."""

from __future__ import annotations

import ast
import dataclasses
import keyword
from collections import Counter
from pathlib import Path

from google.protobuf import descriptor_pb2

from ..docs import sdk_readme
from ..formatting import format_python
from ..naming import module_name
from .imports import rewrite_imports

__all__ = ["EXTRAS", "Extra", "README", "lay_out"]

RUNTIME = "platform_runtime"

# Ranges the generated code works with: the runtime uses grpc.aio and
# grpc_status as they are since 1.66; protobuf must be at least the version
# of the protoc that generated the messages (read from them) and below 8.
GRPC_RANGE = ">=1.66,<2"

README = "README.md"
"""The SDK's generated README, beside its pyproject.toml (the package's readme)."""


@dataclasses.dataclass(frozen=True)
class Extra:
    """An optional dependency group of the SDK: ``pip install 'sdk[name]'``."""

    name: str
    description: str
    requirements: tuple[str, ...]


EXTRAS = (
    Extra(
        "server",
        "Serving with health checks and server reflection (serve(), Server).",
        (f"grpcio-health-checking{GRPC_RANGE}", f"grpcio-reflection{GRPC_RANGE}"),
    ),
    Extra(
        "otel",
        "OpenTelemetry spans for clients and servers, through its grpc instrumentation.",
        ("opentelemetry-api>=1.30,<2", "opentelemetry-instrumentation-grpc>=0.51b0,<1"),
    ),
    Extra(
        "typing",
        "Type stubs of the libraries the SDK's types rest on, for mypy or pyright.",
        (
            "types-protobuf>=5.28",
            "types-grpcio>=1.0.0.20250318",
            "types-grpcio-status>=1.0.0.20250318",
        ),
    ),
    Extra(
        "testing",
        "The test kit's pytest fixtures (platform_runtime.testing.pytest), asyncio tests included.",
        ("pytest>=8.0,<10", "pytest-asyncio>=0.23,<2"),
    ),
)
"""The SDK's extras, in the order its pyproject.toml and README list them."""


def lay_out(
    compiled: Path,
    out: Path,
    package: str,
    version: str,
    files: descriptor_pb2.FileDescriptorSet,
    to_generate: list[str],
) -> None:
    """Write the package ``package`` under ``out`` from protoc's output in ``compiled``."""
    sources = sorted(p for p in compiled.rglob("*") if p.suffix in (".py", ".pyi"))
    generated = _module_names(p.relative_to(compiled) for p in sources)
    root = out / package
    for source in sources:
        relative = source.relative_to(compiled)
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        text = rewrite_imports(source.read_text(encoding="utf-8"), package, generated)
        target.write_text(text, encoding="utf-8")
    by_dir: dict[str, list[descriptor_pb2.FileDescriptorProto]] = {}
    wanted = set(to_generate)
    for fd in files.file:
        if fd.name in wanted:
            by_dir.setdefault(str(Path(fd.name).parent), []).append(fd)
    for directory in sorted(_directories(root)):
        where = directory.relative_to(root).as_posix()
        if where.split("/")[0] == RUNTIME:
            continue
        text = _init_module(directory, package, where, by_dir.get(where, []))
        (directory / "__init__.py").write_text(text, encoding="utf-8")
    (root / "py.typed").write_text("")
    (out / "pyproject.toml").write_text(
        _pyproject(package, version, root), encoding="utf-8"
    )
    extras = [(extra.name, extra.description) for extra in EXTRAS]
    readme = sdk_readme(files, to_generate, package, extras)
    (out / README).write_text(readme, encoding="utf-8")


def _module_names(paths: object) -> frozenset[str]:
    """Dotted names of the modules at ``paths`` and of every package above them."""
    names: set[str] = set()
    for path in paths:  # type: ignore[attr-defined]
        parts = Path(path).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        for i in range(1, len(parts) + 1):
            names.add(".".join(parts[:i]))
    return frozenset(names)


def _directories(root: Path) -> list[Path]:
    return [root] + [
        p for p in root.rglob("*") if p.is_dir() and p.name != "__pycache__"
    ]


def _exports(fd: descriptor_pb2.FileDescriptorProto) -> list[str]:
    names = [m.name for m in fd.message_type] + [e.name for e in fd.enum_type]
    return [n for n in names if not keyword.iskeyword(n)]


def _platform_exports(path: Path) -> list[str]:
    if not path.is_file():
        return []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            return [str(v) for v in value]
    return []


def _init_module(
    directory: Path,
    package: str,
    relative: str,
    protos: list[descriptor_pb2.FileDescriptorProto],
) -> str:
    """The ``__init__.py`` of one directory: re-exports of what its modules define."""
    imports: list[tuple[str, list[str]]] = []
    for fd in sorted(protos, key=lambda f: f.name):
        leaf = module_name(Path(fd.name).name, "")
        imports.append((f"{leaf}_pb2", _exports(fd)))
        imports.append(
            (f"{leaf}_platform", _platform_exports(directory / f"{leaf}_platform.py"))
        )
    counts = Counter(name for _, names in imports for name in names)
    clashes = sorted(name for name, n in counts.items() if n > 1)
    dotted = package if relative == "." else f"{package}.{relative.replace('/', '.')}"
    packages = sorted({fd.package for fd in protos})
    lines = [
        f'"""{dotted}: '
        + (
            f"the messages, enums, clients and servicers of {', '.join(packages)}."
            if packages
            else "generated by protoc-gen-platform."
        ),
        "",
        "Generated by platform-sdk. DO NOT EDIT.",
        '"""',
        "",
    ]
    exported: list[str] = []
    for module, names in imports:
        names = [n for n in names if n not in clashes]
        if names:
            lines.append(f"from .{module} import {', '.join(names)}")
            exported += names
    if clashes:
        lines.append(
            f"# Not re-exported, defined by more than one module: {', '.join(clashes)}"
        )
    lines.append(f"__all__ = {sorted(exported)!r}")
    return format_python("\n".join(lines) + "\n", str(directory / "__init__.py"))


def _protobuf_floor(root: Path) -> str:
    """The protobuf version the generated messages require, read from them."""
    best = (5, 28, 0)
    for path in root.rglob("*_pb2.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "ValidateProtobufRuntimeVersion"
                and len(node.args) >= 4
            ):
                numbers = [
                    a.value
                    for a in node.args[1:4]
                    if isinstance(a, ast.Constant) and isinstance(a.value, int)
                ]
                if len(numbers) == 3:
                    best = max(best, (numbers[0], numbers[1], numbers[2]))
    return ".".join(str(v) for v in best)


def _pyproject(package: str, version: str, root: Path) -> str:
    floor = _protobuf_floor(root)
    major = int(floor.split(".")[0])
    extras = "\n".join(
        f"# {extra.description}\n{extra.name} = [\n"
        + "".join(f'    "{requirement}",\n' for requirement in extra.requirements)
        + "]"
        for extra in EXTRAS
    )
    return f"""\
# Generated by platform-sdk (protoc-gen-platform). DO NOT EDIT.
[build-system]
requires = ["hatchling>=1.24,<2"]
build-backend = "hatchling.build"

[project]
name = "{package.replace("_", "-")}"
version = "{version}"
description = "Typed Python SDK for the platform's gRPC services."
readme = "{README}"
requires-python = ">=3.10"
classifiers = ["Typing :: Typed"]
dependencies = [
    "grpcio{GRPC_RANGE}",
    "grpcio-status{GRPC_RANGE}",
    "protobuf>={floor},<{major + 1}",
]

[project.optional-dependencies]
{extras}

[tool.hatch.build.targets.wheel]
packages = ["{package}"]
"""
