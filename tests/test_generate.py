"""The plugin, run by the real protoc over all of proto/: output quality gates."""

from __future__ import annotations

import importlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import black
import pytest

from protoc_gen_platform.errors import GenerationError
from protoc_gen_platform.formatting import format_python
from protoc_gen_platform.options import Options
from protoc_gen_platform.parallel import Encoded
from protoc_gen_platform.plugin import encode_response, generate
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


def test_parallel_and_sequential_rendering_agree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from test_plugin_io import _request

    import protoc_gen_platform.pipeline as pipeline

    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text().split())
    assert f"Requests of {pipeline.PARALLEL_MIN_SERVICES} services" in readme
    request = _request(proto_files())
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_SERVICES", 2)
    assert pipeline._workers(len(request.file_to_generate), 13) >= 2
    output = pipeline.generate_files(request, Options())
    assert any(isinstance(item, Encoded) for item in output)  # a worker's block
    parallel = encode_response(request)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_SERVICES", 10**6)
    assert pipeline._workers(len(request.file_to_generate), 13) == 1
    assert encode_response(request) == parallel
    assert generate(request).SerializeToString() == parallel


def test_workers_without_a_temporary_file_answer_through_a_pipe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from test_plugin_io import _request

    import protoc_gen_platform.parallel as parallel
    import protoc_gen_platform.pipeline as pipeline

    request = _request(proto_files())
    sequential = encode_response(request)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_SERVICES", 2)

    def unwritable(*_: object, **__: object) -> object:
        raise OSError("no temporary folder")

    monkeypatch.setattr(parallel.tempfile, "TemporaryFile", unwritable)
    channels = _record_channels(monkeypatch)
    assert encode_response(request) == sequential
    assert channels  # the workers' pipes, which brought their shares
    assert not _still_open(channels)


def test_workers_whose_temporary_file_cannot_be_written_answer_through_a_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_plugin_io import _request

    import protoc_gen_platform.parallel as parallel
    import protoc_gen_platform.pipeline as pipeline

    request = _request(proto_files())
    sequential = encode_response(request)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_SERVICES", 2)
    read_only = tmp_path / "read-only"
    read_only.write_bytes(b"")
    monkeypatch.setattr(
        parallel.tempfile, "TemporaryFile", lambda: read_only.open("rb")
    )
    assert encode_response(request) == sequential
    assert read_only.read_bytes() == b""  # nothing went there


def _record_channels(monkeypatch: pytest.MonkeyPatch) -> set[tuple[int, int]]:
    """The files (device, inode) of every pipe the workers answer through,
    recorded as they are made."""
    import protoc_gen_platform.parallel as parallel

    channels: set[tuple[int, int]] = set()
    os_pipe = os.pipe

    def pipe() -> tuple[int, int]:
        ends = os_pipe()
        status = os.fstat(ends[0])
        channels.add((status.st_dev, status.st_ino))
        return ends

    monkeypatch.setattr(parallel.os, "pipe", pipe)
    return channels


def _still_open(channels: set[tuple[int, int]]) -> list[str]:
    """This process's descriptors still open on one of ``channels``."""
    open_now = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            status = os.fstat(int(fd))
        except OSError:
            continue  # the listing's own descriptor, closed by now
        if (status.st_dev, status.st_ino) in channels:
            open_now.append(fd)
    return open_now


def _fail_in_workers(
    monkeypatch: pytest.MonkeyPatch, failure: Callable[[list[str]], None]
) -> None:
    """Render in parallel, with ``failure`` run on each share a worker
    process renders (never on the parent's)."""
    import protoc_gen_platform.parallel as parallel
    import protoc_gen_platform.pipeline as pipeline

    parent = os.getpid()
    render = parallel.render_modules

    def render_modules(model: Any, names: list[str], *args: Any) -> Any:
        if os.getpid() != parent:
            failure(names)
        return render(model, names, *args)

    monkeypatch.setattr(pipeline, "PARALLEL_MIN_SERVICES", 2)
    monkeypatch.setattr(parallel, "render_modules", render_modules)


def test_an_error_in_a_worker_process_is_the_plugins_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from test_plugin_io import _request

    def refuse(names: list[str]) -> None:
        raise GenerationError(f"{names[0]}: refused by the test")

    _fail_in_workers(monkeypatch, refuse)
    response = generate(_request(proto_files()))
    assert response.error.endswith(": refused by the test")
    assert "\n" not in response.error and not response.file


def test_a_worker_process_that_dies_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from test_plugin_io import _request

    def die(_: list[str]) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    _fail_in_workers(monkeypatch, die)
    request = _request(proto_files())
    channels = _record_channels(monkeypatch)
    response = generate(request)
    assert channels and not _still_open(channels)
    first_of_second_share = re.match(r"([\w/]+\.proto): ", response.error)
    assert first_of_second_share, response.error
    assert first_of_second_share[1] in request.file_to_generate
    assert response.error.endswith(
        "the worker process rendering it was stopped by signal 9 without an answer"
    )
    assert not response.file


def test_parallel_rendering_fills_the_cache_and_reads_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_plugin_io import _request

    import protoc_gen_platform.pipeline as pipeline

    request = _request(proto_files())
    uncached = encode_response(request)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_SERVICES", 2)
    monkeypatch.setenv("PROTOC_GEN_PLATFORM_CACHE", str(tmp_path))
    assert encode_response(request) == uncached  # workers fill the cache
    entries = sorted((tmp_path / "modules").rglob("*.py"))
    assert len(entries) == 2 * 13  # every _platform and _testing module
    for entry in [e for e in entries if e.name.endswith("_platform.py")][:6]:
        entry.unlink()  # six files' modules rendered again, in two processes
    assert encode_response(request) == uncached
    assert sorted((tmp_path / "modules").rglob("*.py")) == entries
    assert encode_response(request) == uncached  # all from the cache


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


def test_shares_are_runs_of_files_in_order_with_about_as_many_services() -> None:
    from protoc_gen_platform.parallel import _split

    names = [f"f{i}.proto" for i in range(10)]
    assert _split(names, dict.fromkeys(names, 10), 2) == [names[:5], names[5:]]
    assert [len(s) for s in _split(names, dict.fromkeys(names, 1), 3)] == [3, 4, 3]
    uneven = {"a": 100, "b": 1, "c": 1}
    shares = _split(list(uneven), uneven, 3)
    assert [name for share in shares for name in share] == list(uneven)
    assert ["a"] in shares  # the big file alone: a share may be left empty
