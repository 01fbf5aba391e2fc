"""Long type names, as a large public corpus has them (request types of 60+
characters): the methods of clients and servicers come out in black's form
from the templates, so none of them goes to black, and the output is still
exactly what black makes of it.

A parameter annotated with such a type is a line black cannot shorten, in a
signature that black would give back as it is. Assignments with a long line
(RPC constants, fakes' annotations) still go to black: there black may wrap
a whole value in parentheses, which the templates do not foresee. So do
method bodies whose RPC constant alone is too long (a method name of 60+
characters), and a request *stream* of such a type (``Iterable[...]``)."""

from __future__ import annotations

from pathlib import Path

import black
import pytest

from protoc_gen_platform import formatting
from protoc_gen_platform.plugin import generate
from support import protoc
from test_plugin_io import _request

METHOD = "ReconcileQuarterlyLedgers"
REQUEST = "ReconcileTheQuarterlyLedgerEntriesAcrossEveryRegionalSubsidiaryRequest"


def _write(root: Path) -> str:
    (root / "ledger" / "v1").mkdir(parents=True)
    rpcs = "".join(
        f"  rpc {kind}{METHOD}({stream}{REQUEST}) returns ({out}Reply);\n"
        for kind, stream, out in [("", "", ""), ("Stream", "", "stream ")]
    )
    (root / "ledger" / "v1" / "ledger.proto").write_text(
        'syntax = "proto3";\npackage ledger.v1;\n'
        f"message {REQUEST} {{ string id = 1; }}\n"
        "message Reply { string id = 1; }\n"
        f"service Ledger {{\n{rpcs}}}\n"
    )
    return "ledger/v1/ledger.proto"


def test_long_names_send_no_block_to_black(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _write(tmp_path)
    sent: list[str] = []
    real = formatting._black

    def spy(code: str) -> str:
        sent.append(code)
        return real(code)

    monkeypatch.setattr(formatting, "_black", spy)
    response = generate(_request([name], include=tmp_path))
    assert not response.error
    sources = {f.name: f.content for f in response.file if f.name.endswith(".py")}
    longest = max(len(line) for text in sources.values() for line in text.split("\n"))
    assert longest > 88  # the names are long enough to matter
    methods = [code for code in sent if "def " in code]
    assert methods == []
    assert len(sent) == 1  # the fake class, whose annotations are assignments
    mode = black.Mode(target_versions={black.TargetVersion.PY310})
    for path, text in sources.items():
        assert black.format_str(text, mode=mode) == text, path


def test_the_long_name_module_is_strict_clean(tmp_path: Path) -> None:
    import subprocess
    import sys

    name = _write(tmp_path / "protos")
    protoc(tmp_path / "out", [name], include=tmp_path / "protos")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir=/dev/null", "ledger"],
        capture_output=True,
        text=True,
        cwd=tmp_path / "out",
    )
    assert result.returncode == 0, result.stdout
