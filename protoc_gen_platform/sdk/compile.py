"""Running the bundled protoc with the three generators the SDK is made of."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from google.protobuf import descriptor_pb2

__all__ = ["BuildError", "compile_protos", "find_protos"]

INSTALL_HINT = "pip install 'protoc-gen-platform[sdk]'"


class BuildError(Exception):
    """The SDK cannot be built; the message says why, in a line or a few."""


def find_protos(root: Path) -> list[str]:
    """Every .proto file under ``root``, relative to it, sorted."""
    if not root.is_dir():
        raise BuildError(f"{root}: no such directory (the proto root)")
    found = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.proto"))
    if not found:
        raise BuildError(f"{root}: no .proto files under it")
    return found


def _plugin(name: str) -> str:
    """A protoc plugin installed beside this Python, or on PATH."""
    here = Path(sys.executable).parent
    found = shutil.which(name, path=str(here)) or shutil.which(name)
    if found is None:
        raise BuildError(f"{name} is not installed; {INSTALL_HINT}")
    return found


def compile_protos(
    root: Path, files: list[str], out: Path
) -> descriptor_pb2.FileDescriptorSet:
    """Run protoc over ``files`` (relative to ``root``) into ``out``.

    Returns the descriptors of the files and their imports. protoc's error
    lines are given back as it prints them: ``proto/auth/v1/auth.proto:12:3:
    ...``, with the path as the proto root was given.
    """
    if importlib.util.find_spec("grpc_tools") is None:
        raise BuildError(f"grpcio-tools is not installed; {INSTALL_HINT}")
    descriptors = out / "descriptors.binpb"
    command = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        f"-I{root}",
        f"--plugin=protoc-gen-mypy={_plugin('protoc-gen-mypy')}",
        f"--plugin=protoc-gen-platform={_plugin('protoc-gen-platform')}",
        f"--python_out={out}",
        f"--mypy_out=quiet:{out}",
        f"--platform_out=package_markers=false:{out}",
        "--include_imports",
        "--include_source_info",  # the comments, for the SDK's README
        f"--descriptor_set_out={descriptors}",
        *files,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError(result.stderr.strip() or "protoc failed")
    data = descriptors.read_bytes()
    descriptors.unlink()
    return descriptor_pb2.FileDescriptorSet.FromString(data)
