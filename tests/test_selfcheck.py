"""The plugin's own code meets the bar it sets for generated code."""

from __future__ import annotations

import subprocess
import sys

from support import REPO


def test_plugin_package_is_mypy_strict_clean() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir=/dev/null",
            "protoc_gen_platform",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_plugin_package_is_black_formatted() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "black",
            "--check",
            "--quiet",
            "protoc_gen_platform",
            "tests",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
