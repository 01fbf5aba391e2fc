"""Where protoc's Python generators, and this one, put a .proto file's modules."""

from __future__ import annotations

import functools
from pathlib import Path

__all__ = [
    "PLATFORM_SUFFIX",
    "TESTING_SUFFIX",
    "module_name",
    "output_path",
    "templates_dir",
]

PLATFORM_SUFFIX = "_platform"
"""The suffix of the modules this plugin generates: ``<stem>_platform.py``."""

TESTING_SUFFIX = "_testing"
"""The suffix of the test-kit modules beside them: ``<stem>_testing.py``."""


@functools.lru_cache(maxsize=8192)
def module_name(proto_file: str, suffix: str) -> str:
    """The dotted Python module protoc's Python generators use for a .proto file.

    ``auth/v1/auth.proto`` with suffix ``_pb2`` -> ``auth.v1.auth_pb2``.
    """
    stem = proto_file[: -len(".proto")] if proto_file.endswith(".proto") else proto_file
    return stem.replace("-", "_").replace("/", ".") + suffix


def output_path(proto_file: str, suffix: str) -> str:
    """The path of the generated ``.py`` file for ``proto_file``."""
    return module_name(proto_file, suffix).replace(".", "/") + ".py"


def templates_dir() -> Path:
    """Where the templates are: inside the installed package, else the repo's."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "module.py.j2").is_file():
            return candidate
    raise FileNotFoundError(f"templates not found next to {here}")
