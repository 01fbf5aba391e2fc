"""The README's Testing examples, run as a user would: each a pytest file,
against the SDK that ``platform-sdk build`` makes, and clean under
``mypy --strict``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO

BLOCK = re.compile(r"<!-- test example: ([a-z-]+) -->\n```python\n(.*?)```", re.DOTALL)


def _examples() -> dict[str, str]:
    return dict(BLOCK.findall((REPO / "README.md").read_text()))


def test_the_readme_has_its_testing_examples() -> None:
    assert sorted(_examples()) == ["client-code", "servicer", "stream-midway"]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("readme_tests")
    for name, code in _examples().items():
        (folder / f"test_{name.replace('-', '_')}.py").write_text(code)
    return folder


@pytest.mark.parametrize("name", sorted(_examples()))
def test_the_example_passes(name: str, written: Path, platform_sdk: Path) -> None:
    test_file = f"test_{name.replace('-', '_')}.py"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test_file],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=written,
        env={**os.environ, "PYTHONPATH": str(platform_sdk)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout, result.stdout


def test_the_examples_are_strict_clean(written: Path, platform_sdk: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir=/dev/null", "."],
        capture_output=True,
        text=True,
        cwd=written,
        env={**os.environ, "MYPYPATH": str(platform_sdk)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
