"""The plugin's edges: stdin, stdout, parameters and protoc's view of errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2

from protoc_gen_platform.plugin import generate
from support import PROTO, protoc, request, tool

ENTRY_POINTS = {
    "console script": lambda: [tool("protoc-gen-platform")],
    "python -m": lambda: [sys.executable, "-m", "protoc_gen_platform"],
}


def _request(
    files: list[str], parameter: str = "", include: Path = PROTO
) -> plugin_pb2.CodeGeneratorRequest:
    """A real request, built by protoc itself, for ``files`` under ``include``
    (proto/ by default)."""
    return request(files, include, parameter)


def _run(entry: str, data: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(ENTRY_POINTS[entry](), input=data, capture_output=True)


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_a_closed_stdout_is_one_line_not_a_traceback(entry: str) -> None:
    data = _request(["auth/v1/auth.proto"]).SerializeToString()
    read, write = os.pipe()
    os.close(read)  # protoc gone: the response has nowhere to go
    try:
        result = subprocess.run(
            ENTRY_POINTS[entry](), input=data, stdout=write, stderr=subprocess.PIPE
        )
    finally:
        os.close(write)
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert lines == [
        "protoc-gen-platform: error: cannot write the response to stdout: Broken pipe"
    ]


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_entry_points_answer_a_request(entry: str) -> None:
    result = _run(entry, _request(["auth/v1/auth.proto"]).SerializeToString())
    assert result.returncode == 0, result.stderr
    response = plugin_pb2.CodeGeneratorResponse.FromString(result.stdout)
    assert not response.error
    names = [f.name for f in response.file]
    assert "auth/v1/auth_platform.py" in names
    assert "platform_runtime/__init__.py" in names


def test_response_declares_features_and_editions() -> None:
    response = generate(_request(["auth/v1/auth.proto"]))
    features = response.supported_features
    assert features & plugin_pb2.CodeGeneratorResponse.FEATURE_PROTO3_OPTIONAL
    assert features & plugin_pb2.CodeGeneratorResponse.FEATURE_SUPPORTS_EDITIONS
    assert response.minimum_edition == descriptor_pb2.EDITION_PROTO2
    assert response.maximum_edition == descriptor_pb2.EDITION_2023


BAD_STDIN = {
    "empty": b"",
    "garbage": b"\xff\xfe this is not a protobuf \x00\x01\x02",
    "truncated": None,  # filled from a real request below
    "valid bytes, no request": b"\x08\x01",
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("case", sorted(BAD_STDIN))
def test_unreadable_stdin_is_one_line_and_exit_1(entry: str, case: str) -> None:
    data = BAD_STDIN[case]
    if data is None:
        data = _request(["auth/v1/auth.proto"]).SerializeToString()[:-7]
    result = _run(entry, data)
    stderr = result.stderr.decode()
    assert result.returncode == 1
    assert result.stdout == b""
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert stderr.startswith("protoc-gen-platform: error:")


def test_file_to_generate_missing_from_proto_file_is_a_response_error() -> None:
    request = _request(["auth/v1/auth.proto"])
    request.file_to_generate.append("nowhere/missing.proto")
    response = generate(request)
    assert response.error == (
        "nowhere/missing.proto: listed in file_to_generate but absent from proto_file"
    )
    assert not response.file


def test_unknown_parameter_fails_protoc_with_one_line(tmp_path: Path) -> None:
    result = protoc(
        tmp_path,
        ["auth/v1/auth.proto"],
        outputs=("platform",),
        platform_opt="runtime_package=rt,flavour=vanilla",
        check=False,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "unknown option 'flavour'" in lines[0]
    assert "valid options: emit_runtime, package_markers, runtime_package" in lines[0]
    assert not any(tmp_path.iterdir()), "nothing may be written after an error"


def test_bad_value_names_the_key(tmp_path: Path) -> None:
    result = protoc(
        tmp_path,
        ["auth/v1/auth.proto"],
        outputs=("platform",),
        platform_opt="emit_runtime=perhaps",
        check=False,
    )
    assert result.returncode != 0
    assert "emit_runtime: 'perhaps' is not a boolean" in result.stderr


def test_out_dir_parameter_form_works(tmp_path: Path) -> None:
    """``--platform_out=k=v:DIR`` is the same as ``--platform_opt``."""
    import os

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{PROTO}",
            f"--plugin=protoc-gen-platform={tool('protoc-gen-platform')}",
            f"--platform_out=runtime_package=my_rt:{tmp_path}",
            "auth/v1/auth.proto",
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "my_rt" / "__init__.py").is_file()
    assert "import my_rt as _rt" in (tmp_path / "auth/v1/auth_platform.py").read_text()


def test_internal_errors_are_one_line_not_tracebacks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import protoc_gen_platform.model_builder as model_builder
    import protoc_gen_platform.plugin as plugin

    def explode(*args: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(model_builder, "build_model", explode)
    monkeypatch.delenv(plugin.DEBUG_ENV, raising=False)
    response = plugin.generate(_request(["auth/v1/auth.proto"]))
    assert response.error.startswith("internal error: KeyError: 'boom'")
    assert "\n" not in response.error
