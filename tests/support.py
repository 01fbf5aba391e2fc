"""Helpers shared by the tests: running the real protoc and the plugin."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterable, Sequence

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2

REPO = Path(__file__).resolve().parents[1]
PROTO = REPO / "proto"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """The path of a console script installed next to this Python."""
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed; run the README's test command")
    return found


def proto_files(root: Path = PROTO) -> list[str]:
    """Every .proto under ``root``, relative to it, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.proto"))


def descriptors(
    files: Sequence[str], include: Path = PROTO
) -> descriptor_pb2.FileDescriptorSet:
    """What protoc parses from ``files`` under ``include``: with their imports
    and comments, as it gives them to a plugin."""
    data = subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{include}",
            "--include_imports",
            "--include_source_info",
            "--descriptor_set_out=/dev/stdout",
            *files,
        ],
        capture_output=True,
        check=True,
    ).stdout
    return descriptor_pb2.FileDescriptorSet.FromString(data)


def request(
    files: Sequence[str], include: Path = PROTO, parameter: str = ""
) -> plugin_pb2.CodeGeneratorRequest:
    """A real CodeGeneratorRequest for ``files``, built from protoc's own parse."""
    return plugin_pb2.CodeGeneratorRequest(
        file_to_generate=list(files),
        parameter=parameter,
        proto_file=descriptors(files, include).file,
    )


def protoc(
    out: Path,
    files: Iterable[str],
    *,
    include: Path = PROTO,
    outputs: Sequence[str] = ("python", "mypy", "platform"),
    platform_opt: str = "",
    plugin: str | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run grpc_tools' bundled protoc over ``files`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "grpc_tools.protoc", f"-I{include}"]
    for kind in outputs:
        args.append(f"--{kind}_out={out}")
    if "platform" in outputs:
        args.append(
            f"--plugin=protoc-gen-platform={plugin or tool('protoc-gen-platform')}"
        )
        if platform_opt:
            args.append(f"--platform_opt={platform_opt}")
    if "mypy" in outputs:
        args.append(f"--plugin=protoc-gen-mypy={tool('protoc-gen-mypy')}")
        args.append("--mypy_opt=quiet")
    args.extend(files)
    result = subprocess.run(
        args,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    if check and result.returncode != 0:
        raise AssertionError(f"protoc failed ({result.returncode}):\n{result.stderr}")
    return result


def read_tree(root: Path, pattern: str = "*") -> dict[str, bytes]:
    """Every file under ``root`` matching ``pattern``, by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob(pattern))
        if p.is_file()
    }


def platform_modules(root: Path) -> list[str]:
    """Dotted names of the generated ``_platform`` modules under ``root``."""
    return [
        p.relative_to(root).with_suffix("").as_posix().replace("/", ".")
        for p in sorted(root.rglob("*_platform.py"))
    ]


PYRIGHT_SETTINGS = {
    "typeCheckingMode": "strict",
    "pythonVersion": "3.10",
    # The runtime checks its arguments at run time too, for callers that are
    # not type-checked; strict pyright calls such checks unnecessary.
    "reportUnnecessaryIsInstance": False,
}


def pyright(
    targets: list[Path], search: Path, work: Path, python: str = sys.executable
) -> list[dict[str, Any]]:
    """basedpyright --strict over ``targets``, with ``search`` on the import
    path and ``python``'s packages: its diagnostics."""
    config = {
        **PYRIGHT_SETTINGS,
        "include": [str(t) for t in targets],
        "exclude": ["**/*_pb2.py", "**/*_pb2.pyi"],
        "extraPaths": [str(search)],
    }
    work.mkdir(parents=True, exist_ok=True)
    (work / "pyrightconfig.json").write_text(json.dumps(config))
    result = subprocess.run(
        [
            tool("basedpyright"),
            "--project",
            str(work),
            "--pythonpath",
            python,
            "--outputjson",
        ],
        capture_output=True,
        text=True,
        cwd=work,
        timeout=600,
    )
    report = json.loads(result.stdout)
    assert report["summary"]["filesAnalyzed"] >= len(targets), result.stdout[-2000:]
    diagnostics: list[dict[str, Any]] = report["generalDiagnostics"]
    return diagnostics
