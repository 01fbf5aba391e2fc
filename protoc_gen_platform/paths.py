"""Where protoc's Python generators, and this one, put a .proto file's modules."""

from __future__ import annotations

import functools
import os

__all__ = [
    "PACKAGE_DIR",
    "PLATFORM_SUFFIX",
    "TESTING_SUFFIX",
    "module_name",
    "output_path",
    "package_files",
    "template_module",
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


PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))
"""The plugin package's folder. (Paths here are strings: importing pathlib
would cost every plugin run a millisecond.)"""


def templates_dir() -> str:
    """Where the templates are: inside the installed package, else the repo's."""
    for candidate in (
        os.path.join(PACKAGE_DIR, "templates"),
        os.path.join(os.path.dirname(PACKAGE_DIR), "templates"),
    ):
        if os.path.isfile(os.path.join(candidate, "module.py.j2")):
            return candidate
    raise FileNotFoundError(f"templates not found next to {PACKAGE_DIR}")


def template_module(template: str) -> str:
    """The module a template compiles to: ``module.py.j2`` -> ``module_py``."""
    return template.removesuffix(".j2").replace(".", "_").replace("-", "_")


def package_files(root: str, suffix: str, recursive: bool = True) -> list[str]:
    """The files under ``root`` whose names end in ``suffix``, as relative
    ``/``-separated paths sorted part by part (the order of sorted pathlib
    paths)."""
    found: list[str] = []
    for folder, _, names in os.walk(root):
        relative = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        found.extend(prefix + name for name in names if name.endswith(suffix))
        if not recursive:
            break
    return sorted(found, key=lambda path: path.split("/"))
