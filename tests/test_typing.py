"""Two type checkers, mypy --strict and basedpyright --strict, on the generated
SDK and on code that uses it: what passes, what must not, and what each
infers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support import pyright

TYPING = Path(__file__).parent / "typing"
_MYPY_ERROR = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+): error: .*\[(?P<code>[a-z-]+)\]$"
)
_MYPY_REVEAL = re.compile(
    r'^(?P<file>[^:]+):(?P<line>\d+): note: Revealed type is "(?P<type>.*)"$'
)
_EXPECT = re.compile(r"# expect: ([a-z-]+), (report\w+)")
_REVEAL = re.compile(r"reveal_type\(.*# reveal: (.+)$")
_QUALIFIER = re.compile(r"\b(?:[A-Za-z_][A-Za-z0-9_]*\.)+(?=[A-Za-z_])")


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


def _errors(diagnostics: list[dict[str, Any]]) -> list[str]:
    return [
        f"{d['file']}:{d['range']['start']['line'] + 1}: {d.get('rule')}: {d['message']}"
        for d in diagnostics
        if d["severity"] == "error"
    ]


def _expected(path: Path) -> dict[int, tuple[str, str]]:
    """``line -> (mypy code, pyright rule)`` of every ``# expect:`` line."""
    return {
        number: (match.group(1), match.group(2))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if (match := _EXPECT.search(line))
    }


# -- mypy ----------------------------------------------------------------------


def _expect_mypy_errors(path: Path, sdk_out: Path, count: int) -> None:
    """mypy reports exactly the ``# expect:`` lines of ``path``, with their codes."""
    expected = {(line, codes[0]) for line, codes in _expected(path).items()}
    assert len(expected) == count
    result = _mypy(path, sdk_out)
    found = {
        (int(m.group("line")), m.group("code"))
        for line in result.stdout.splitlines()
        if (m := _MYPY_ERROR.match(line)) and m.group("file").endswith(path.name)
    }
    assert found == expected, result.stdout


def test_consumer_script_is_strict_clean(sdk_out: Path) -> None:
    result = _mypy(TYPING / "consumer.py", sdk_out)
    assert result.returncode == 0, result.stdout + result.stderr


def test_misuse_is_a_type_error(sdk_out: Path) -> None:
    _expect_mypy_errors(TYPING / "negative.py", sdk_out, 11)


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


def test_the_test_kit_is_strict_clean(sdk_out: Path) -> None:
    result = _mypy(TYPING / "testing.py", sdk_out)
    assert result.returncode == 0, result.stdout + result.stderr


def test_misusing_the_test_kit_is_a_type_error(sdk_out: Path) -> None:
    _expect_mypy_errors(TYPING / "testing_negative.py", sdk_out, 9)


def _revealed_by_mypy(path: Path, sdk_out: Path) -> dict[int, str]:
    result = _mypy(path, sdk_out)
    assert result.returncode == 0, result.stdout
    return {
        int(m.group("line")): m.group("type")
        for line in result.stdout.splitlines()
        if (m := _MYPY_REVEAL.match(line))
    }


def _revealed_by_pyright(path: Path, sdk_out: Path, work: Path) -> dict[int, str]:
    diagnostics = pyright([path], sdk_out, work)
    assert not _errors(diagnostics), _errors(diagnostics)
    return {
        d["range"]["start"]["line"] + 1: d["message"].rpartition(' is "')[2][:-1]
        for d in diagnostics
        if d["severity"] == "information" and d["message"].startswith("Type of ")
    }


@pytest.mark.parametrize("checker", ["mypy", "basedpyright"])
def test_revealed_types(checker: str, sdk_out: Path, tmp_path: Path) -> None:
    path = TYPING / "reveal.py"
    expected = {
        number: match.group(1).strip()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if (match := _REVEAL.search(line))
    }
    assert len(expected) == 24
    if checker == "mypy":
        revealed = _revealed_by_mypy(path, sdk_out)
    else:
        revealed = _revealed_by_pyright(path, sdk_out, tmp_path)
    unqualified = {line: _QUALIFIER.sub("", text) for line, text in revealed.items()}
    assert unqualified == expected


# -- basedpyright ----------------------------------------------------------------


def test_generated_code_and_runtime_are_pyright_strict_clean(
    sdk_out: Path, tmp_path: Path
) -> None:
    targets = [sdk_out / "platform_runtime"] + sorted(
        p
        for p in sdk_out.rglob("*.py")
        if p.name.endswith(("_platform.py", "_testing.py"))
    )
    assert len(targets) == 27
    assert _errors(pyright(targets, sdk_out, tmp_path)) == []


def test_consumers_are_pyright_strict_clean(sdk_out: Path, tmp_path: Path) -> None:
    targets = [
        TYPING / f"{name}.py" for name in ("consumer", "clients", "serving", "testing")
    ]
    assert _errors(pyright(targets, sdk_out, tmp_path)) == []


@pytest.mark.parametrize(("name", "count"), [("negative", 11), ("testing_negative", 9)])
def test_misuse_is_a_pyright_error(
    name: str, count: int, sdk_out: Path, tmp_path: Path
) -> None:
    path = TYPING / f"{name}.py"
    expected = _expected(path)
    assert len(expected) == count
    found: dict[int, set[str]] = {}
    for d in pyright([path], sdk_out, tmp_path):
        if d["severity"] == "error":
            found.setdefault(d["range"]["start"]["line"] + 1, set()).add(
                d.get("rule", "")
            )
    assert set(found) == set(expected), _errors(pyright([path], sdk_out, tmp_path))
    for line, (_, rule) in expected.items():
        assert rule in found[line], (line, rule, found[line])


def test_the_example_is_pyright_strict_clean(
    platform_sdk: Path, tmp_path: Path
) -> None:
    example = Path(__file__).parents[1] / "examples" / "platform"
    assert _errors(pyright([example], platform_sdk, tmp_path)) == []
