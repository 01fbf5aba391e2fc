"""A plain, non-editable install from a built wheel generates code.

The wheel is built with the project's PEP 517 backend and installed into an
empty folder; the plugin then runs from there, away from the repository, so
the templates must come from inside the wheel.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from support import REPO, protoc, read_tree


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = dist.glob("protoc_gen_platform-*.whl")
    return found


def test_wheel_ships_templates_and_runtime(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "protoc_gen_platform/templates/module.py.j2" in names
    assert "protoc_gen_platform/templates/_macros.j2" in names
    assert "protoc_gen_platform/runtime/__init__.py" in names
    assert "protoc_gen_platform/templates/testing.py.j2" in names
    assert "protoc_gen_platform/compiled_templates/__init__.py" in names
    assert "protoc_gen_platform/compiled_templates/module_py.py" in names
    assert "protoc_gen_platform/runtime/testing/pytest.py" in names
    assert "protoc_gen_platform/plugin.py" in names
    assert "protoc_gen_platform/templates/sdk_readme.md.j2" in names
    assert "protoc_gen_platform/sdk/pdoc_templates/index.html.jinja2" in names
    assert not any(name.startswith("tests/") for name in names)


def test_installed_wheel_generates_the_same_code(
    wheel: Path, tmp_path: Path, sdk_out: Path
) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    launcher = tmp_path / "protoc-gen-platform"
    launcher.write_text(
        "#!/bin/sh\n"
        f'cd "{tmp_path}" && PYTHONPATH="{site}" exec "{sys.executable}" -m protoc_gen_platform\n'
    )
    launcher.chmod(launcher.stat().st_mode | stat.S_IEXEC)
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import protoc_gen_platform as p, protoc_gen_platform.render as r;"
            " print(r._compiled_are_fresh(), p.__file__)",
        ],
        env={**os.environ, "PYTHONPATH": str(site)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # The installed plugin renders with its compiled templates, not Jinja.
    assert where.startswith(f"True {site}"), where

    out = tmp_path / "out"
    protoc(out, ["etl/v1/etl.proto"], outputs=("platform",), plugin=str(launcher))
    assert (out / "etl/v1/etl_platform.py").read_bytes() == (
        sdk_out / "etl/v1/etl_platform.py"
    ).read_bytes()
    assert read_tree(out / "platform_runtime") == read_tree(
        sdk_out / "platform_runtime"
    )
