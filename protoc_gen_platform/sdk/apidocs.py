"""``platform-sdk docs``: a static HTML reference of a built SDK, by pdoc.

pdoc imports each public module of the package (clients, servicers, fakes,
the re-exporting packages and the runtime's public face) and writes one page
per module from its docstrings and type annotations, with a front page that
lists them all. It runs in a child process, so the SDK is imported there and
not here, and needs no network.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from .compile import BuildError

__all__ = ["documented_modules", "write_site"]

DOCS_HINT = "pip install 'protoc-gen-platform[docs]'"
TEMPLATES = Path(__file__).resolve().parent / "pdoc_templates"


def documented_modules(root: Path, package: str) -> list[str]:
    """The dotted names of the public modules of ``package`` under ``root``:
    packages, ``*_platform`` and ``*_testing`` modules and the runtime's
    public modules (protobuf's ``_pb2`` modules are documented through the
    packages that re-export their messages)."""
    top = root / package
    if not (top / "__init__.py").is_file():
        raise BuildError(
            f"{top}: no SDK package there; run platform-sdk build first "
            "(or give --out and --package)"
        )
    names = []
    for path in sorted(top.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(p.startswith("_") for p in parts) or parts[-1].endswith("_pb2"):
            continue
        names.append(".".join(parts))
    return names


def write_site(root: Path, package: str, into: Path) -> int:
    """Write the HTML reference of ``package`` (found in ``root``) into the
    folder ``into``; returns the number of modules documented."""
    if importlib.util.find_spec("pdoc") is None:
        raise BuildError(f"pdoc is not installed; {DOCS_HINT}")
    modules = documented_modules(root, package)
    command = [
        sys.executable,
        "-m",
        "pdoc",
        "--docformat",
        "google",
        "--template-directory",
        str(TEMPLATES),
        "--output-directory",
        str(into),
        *modules,
    ]
    path = os.pathsep.join(
        p for p in (str(root.resolve()), os.environ.get("PYTHONPATH")) if p
    )
    result = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": path}
    )
    if result.returncode != 0:
        raise BuildError(f"pdoc failed:\n{result.stderr.strip()}")
    return len(modules)
