"""The plugin, run by the real protoc over all of proto/: output quality gates."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import black
import pytest

from protoc_gen_platform.formatting import format_python
from support import platform_modules, proto_files, protoc, read_tree

SERVICE_FILES = {
    "auth/v1/auth_platform.py",
    "common/health_platform.py",
    "config/v1/config_platform.py",
    "connector/v1/connector_platform.py",
    "data/v1/bronze_platform.py",
    "data/v1/gold_platform.py",
    "data/v1/silver_platform.py",
    "etl/v1/etl_platform.py",
    "intelligence/v1/analytics_platform.py",
    "intelligence/v1/calculation_platform.py",
    "intelligence/v1/rules_platform.py",
    "notification/v1/notification_platform.py",
    "query/v1/query_platform.py",
}


def test_one_module_per_file_with_services(sdk_out: Path) -> None:
    generated = {p for p in read_tree(sdk_out, "*_platform.py")}
    assert generated == SERVICE_FILES
    # Files without services (pagination, errors, types) get no module.
    assert not (sdk_out / "common" / "pagination_platform.py").exists()


def test_every_generated_module_imports(sdk_out: Path) -> None:
    for name in platform_modules(sdk_out):
        module = importlib.import_module(name)
        assert module.__all__, name
        for export in module.__all__:
            assert hasattr(module, export), f"{name}.{export}"


def test_mypy_strict_passes_on_the_output(sdk_out: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir=/dev/null",
            str(sdk_out),
        ],
        capture_output=True,
        text=True,
        cwd=sdk_out,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_output_is_what_black_makes_of_it(sdk_out: Path) -> None:
    mode = black.Mode(target_versions={black.TargetVersion.PY310})
    for path, content in read_tree(sdk_out, "*.py").items():
        if path.endswith("_pb2.py"):
            continue  # protobuf's own generator
        text = content.decode()
        assert black.format_str(text, mode=mode) == text, path


def test_output_is_byte_identical_across_runs(tmp_path: Path, sdk_out: Path) -> None:
    """A second run, under another hash seed and directory, changes no byte."""
    again = tmp_path / "again"
    protoc(again, proto_files(), outputs=("platform",), env={"PYTHONHASHSEED": "12345"})
    ours = {
        path: data
        for path, data in read_tree(sdk_out).items()
        if path.endswith(("_platform.py", "_testing.py"))
        or "platform_runtime" in path
        or path.endswith("__init__.py")
    }
    assert read_tree(again) == ours


def test_no_absolute_path_or_timestamp_leaks(sdk_out: Path) -> None:
    for path, content in read_tree(sdk_out, "*.py").items():
        if not path.endswith(("_platform.py", "_testing.py")):
            continue
        text = content.decode()
        assert str(sdk_out) not in text, path
        assert os.getcwd() not in text, path


def test_runtime_is_copied_verbatim(sdk_out: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "protoc_gen_platform" / "runtime"
    copied = read_tree(sdk_out / "platform_runtime", "*.py")
    assert copied == read_tree(source, "*.py")
    for path, content in copied.items():
        assert format_python(content.decode(), path) == content.decode(), path


def test_test_kit_false_leaves_the_fakes_out(tmp_path: Path, sdk_out: Path) -> None:
    """``test_kit=false``: no ``_testing`` module; the rest is unchanged."""
    protoc(
        tmp_path, proto_files(), outputs=("platform",), platform_opt="test_kit=false"
    )
    without, full = read_tree(tmp_path), read_tree(sdk_out)
    platform = [path for path in without if path.endswith("_platform.py")]
    assert len(platform) == 13
    assert not [path for path in without if path.endswith("_testing.py")]
    assert all(p.replace("_platform", "_testing") in full for p in platform)
    assert {path: full[path] for path in without} == without


def test_a_page_helper_is_left_out_when_an_rpc_has_its_name(tmp_path: Path) -> None:
    """``list_things_response`` is an RPC of its own here: the helper of the
    paginated ``ListThings`` makes way, and the module still checks."""
    root = tmp_path / "protos"
    (root / "clash").mkdir(parents=True)
    (root / "clash" / "clash.proto").write_text(
        'syntax = "proto3";\npackage clash;\n'
        "message Thing { string name = 1; }\n"
        "message ListThingsRequest { int32 page_size = 1; string page_token = 2; }\n"
        "message ListThingsResponse { repeated Thing things = 1; "
        "string next_page_token = 2; }\n"
        "message Other { string name = 1; }\n"
        "service Things {\n"
        "  rpc ListThings(ListThingsRequest) returns (.clash.ListThingsResponse);\n"
        "  rpc ListThingsResponse(Other) returns (Other);\n"
        "  rpc ListMore(ListThingsRequest) returns (.clash.ListThingsResponse);\n"
        "}\n"
    )
    out = tmp_path / "out"
    protoc(out, ["clash/clash.proto"], include=root)
    text = (out / "clash" / "clash_platform.py").read_text()
    # The RPC alone: its methods on the two clients and the two servicers.
    assert text.count("def list_things_response(") == 4
    assert "def list_more_response(\n        page: _rt.Page[clash_pb2.Thing]," in text
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir=/dev/null", "clash"],
        capture_output=True,
        text=True,
        cwd=out,
    )
    assert result.returncode == 0, result.stdout
