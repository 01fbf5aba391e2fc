"""mypy --strict on code that uses the generated SDK: what passes and what must not."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

TYPING = Path(__file__).parent / "typing"
_ERROR = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: .*\[(?P<code>[a-z-]+)\]$")


def _mypy(target: Path, sdk_out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir=/dev/null",
            str(target),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(sdk_out)},
    )


def test_consumer_script_is_strict_clean(sdk_out: Path) -> None:
    result = _mypy(TYPING / "consumer.py", sdk_out)
    assert result.returncode == 0, result.stdout + result.stderr


def _expect_errors(path: Path, sdk_out: Path, count: int) -> None:
    """mypy reports exactly the ``# expect: CODE`` lines of ``path``."""
    expected = {
        (number, match.group(1))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if (match := re.search(r"# expect: ([a-z-]+)", line))
    }
    assert len(expected) == count
    result = _mypy(path, sdk_out)
    found = {
        (int(m.group("line")), m.group("code"))
        for line in result.stdout.splitlines()
        if (m := _ERROR.match(line)) and m.group("file").endswith(path.name)
    }
    assert found == expected, result.stdout


def test_misuse_is_a_type_error(sdk_out: Path) -> None:
    _expect_errors(TYPING / "negative.py", sdk_out, 7)


def test_the_test_kit_is_strict_clean(sdk_out: Path) -> None:
    result = _mypy(TYPING / "testing.py", sdk_out)
    assert result.returncode == 0, result.stdout + result.stderr


def test_misusing_the_test_kit_is_a_type_error(sdk_out: Path) -> None:
    _expect_errors(TYPING / "testing_negative.py", sdk_out, 9)


def test_serving_names_are_strict_clean(sdk_out: Path) -> None:
    result = _mypy(TYPING / "serving.py", sdk_out)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_example_is_strict_clean(platform_sdk: Path) -> None:
    example = Path(__file__).parents[1] / "examples" / "platform"
    result = _mypy(example, platform_sdk)
    assert result.returncode == 0, result.stdout + result.stderr


def test_client_names_are_strict_clean(sdk_out: Path) -> None:
    result = _mypy(TYPING / "clients.py", sdk_out)
    assert result.returncode == 0, result.stdout + result.stderr
