"""``platform-sdk``: from proto/ to an installable, typed wheel, and buf.

The wheel goes into a fresh virtualenv that has none of protoc-gen-platform,
jinja2 or black; everything there runs in that venv's own Python.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import tomllib
import venv
import zipfile
from pathlib import Path
from typing import Iterator

import pytest

from support import PROTO, proto_files, protoc, pyright, read_tree, tool

SERVICE_MODULES = [
    "platform_proto.auth.v1.auth_platform",
    "platform_proto.common.health_platform",
    "platform_proto.config.v1.config_platform",
    "platform_proto.connector.v1.connector_platform",
    "platform_proto.data.v1.bronze_platform",
    "platform_proto.data.v1.gold_platform",
    "platform_proto.data.v1.silver_platform",
    "platform_proto.etl.v1.etl_platform",
    "platform_proto.intelligence.v1.analytics_platform",
    "platform_proto.intelligence.v1.calculation_platform",
    "platform_proto.intelligence.v1.rules_platform",
    "platform_proto.notification.v1.notification_platform",
    "platform_proto.query.v1.query_platform",
]


def _sdk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("platform-sdk"), *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder with proto/, the SDK in gen/python and its wheel in dist/."""
    work = tmp_path_factory.mktemp("sdk_build")
    shutil.copytree(PROTO, work / "proto")
    result = _sdk("build", "--wheel", "--version", "1.2.3", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "platform-sdk: compiling 16 proto files" in result.stderr
    assert "16 files, 13 services, 74 RPCs in" in result.stderr
    return work


def _python(env_dir: Path) -> str:
    return str(env_dir / "bin" / "python")


def _probe_names(python: str) -> dict[str, str | None]:
    code = (
        "import importlib.util, json\n"
        "print(json.dumps({n: getattr(importlib.util.find_spec(n), 'origin', None)"
        " for n in ['platform', 'common', 'auth', 'config', 'data', 'query']}))"
    )
    out = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True, cwd="/"
    )
    result: dict[str, str | None] = json.loads(out.stdout)
    return result


@pytest.fixture(scope="module")
def fresh_venv(
    built: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, str | None]]]:
    """A new virtualenv with the wheel and its ``[testing]`` and ``[typing]``
    extras installed: nothing else, so that the type stubs the consumer's
    mypy run needs come from the ``[typing]`` extra."""
    env_dir = tmp_path_factory.mktemp("fresh_venv")
    venv.create(env_dir, with_pip=True)
    python = _python(env_dir)
    before = _probe_names(python)
    (wheel,) = (built / "dist").glob("platform_proto-1.2.3-py3-none-any.whl")
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            f"{wheel}[testing,typing]",
        ],
        check=True,
        capture_output=True,
    )
    yield python, before


def test_package_layout_and_metadata(built: Path) -> None:
    root = built / "gen/python"
    assert (root / "platform_proto/py.typed").is_file()
    assert (root / "platform_proto/platform_runtime/__init__.py").is_file()
    assert not (root / "auth").exists() and not (root / "platform_runtime").exists()
    pyproject = (root / "pyproject.toml").read_text()
    assert 'name = "platform-proto"' in pyproject and 'version = "1.2.3"' in pyproject
    for dependency in ('"grpcio>=', '"grpcio-status>=', '"protobuf>='):
        assert dependency in pyproject
    for absent in ("jinja2", "black", "protoc-gen-platform"):
        assert absent not in pyproject.split("dependencies")[1]
    metadata = tomllib.loads(pyproject)["project"]
    assert [d.split(">")[0] for d in metadata["dependencies"]] == [
        "grpcio",
        "grpcio-status",
        "protobuf",
    ]
    extras = metadata["optional-dependencies"]
    assert [d.split(">")[0] for d in extras["server"]] == [
        "grpcio-health-checking",
        "grpcio-reflection",
    ]
    assert [d.split(">")[0] for d in extras["otel"]] == [
        "opentelemetry-api",
        "opentelemetry-instrumentation-grpc",
    ]
    assert [d.split(">")[0] for d in extras["testing"]] == ["pytest", "pytest-asyncio"]
    assert [d.split(">")[0] for d in extras["typing"]] == [
        "types-protobuf",
        "types-grpcio",
        "types-grpcio-status",
    ]
    assert (root / "platform_proto/platform_runtime/testing/pytest.py").is_file()
    assert (root / "platform_proto/auth/v1/auth_testing.py").is_file()
    (wheel,) = (built / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "platform_proto/platform_runtime/testing/pytest.py" in names
    assert len([n for n in names if n.endswith("_testing.py")]) == 13
    init = (root / "platform_proto/auth/v1/__init__.py").read_text()
    for name in [
        "AuthServiceClient",
        "AuthServiceAsyncClient",
        "AuthServiceServicer",
        "add_AuthServiceServicer_to_server",
        "ValidateTokenRequest",
        "PrincipalType",
    ]:
        assert name in init


def test_the_wheel_carries_the_generated_readme(built: Path) -> None:
    """The SDK's README is the wheel's long description (its package page)."""
    readme = (built / "gen/python/README.md").read_text(encoding="utf-8")
    assert 'readme = "README.md"' in (built / "gen/python/pyproject.toml").read_text()
    (wheel,) = (built / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = archive.read(name).decode("utf-8")
    headers, _, body = metadata.partition("\n\n")
    assert "Description-Content-Type: text/markdown" in headers.splitlines()
    assert body.strip() == readme.strip()
    assert "## Quickstart" in body and "#### EtlService" in body


def test_every_import_stays_inside_the_package(built: Path) -> None:
    import ast

    root = built / "gen/python/platform_proto"
    outside = {
        "auth",
        "common",
        "config",
        "connector",
        "data",
        "etl",
        "intelligence",
        "notification",
        "query",
        "platform_runtime",
    }
    for path in root.rglob("*.py*"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                assert node.module.split(".")[0] not in outside, (path, node.module)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] not in outside, (path, alias.name)


def test_fresh_venv_has_none_of_the_generator(
    fresh_venv: tuple[str, dict[str, str | None]],
) -> None:
    python, _ = fresh_venv
    for module in ["protoc_gen_platform", "jinja2", "black", "grpc_tools"]:
        found = subprocess.run(
            [python, "-c", f"import {module}"], capture_output=True, cwd="/"
        )
        assert found.returncode != 0, f"{module} is installed in the fresh venv"


def test_every_service_module_imports_from_the_wheel(
    fresh_venv: tuple[str, dict[str, str | None]],
) -> None:
    python, _ = fresh_venv
    code = "import importlib\n" + "".join(
        f"importlib.import_module({m!r})\n" for m in SERVICE_MODULES
    )
    code += "from platform_proto.auth.v1 import AuthServiceClient, ValidateTokenRequest\nprint('ok')"
    result = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, cwd="/"
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_top_level_names_are_not_shadowed(
    fresh_venv: tuple[str, dict[str, str | None]],
) -> None:
    python, before = fresh_venv
    after = _probe_names(python)
    assert after == before
    assert before["platform"] is not None and "site-packages" not in before["platform"]
    assert before["common"] is None and before["auth"] is None


LIVE_CALLS = textwrap.dedent("""
    import asyncio
    from concurrent import futures
    import grpc
    from platform_proto.etl.v1 import (
        EtlServiceAsyncClient, EtlServiceClient, EtlServiceServicer, GetPipelineRequest,
        GetPipelineResponse, Pipeline, add_EtlServiceServicer_to_server,
    )

    class Etl(EtlServiceServicer):
        def get_pipeline(self, request, context):
            return GetPipelineResponse(pipeline=Pipeline(pipeline_id=request.pipeline_id))

    server = grpc.server(futures.ThreadPoolExecutor(2), options=[("grpc.so_reuseport", 0)])
    add_EtlServiceServicer_to_server(Etl(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with EtlServiceClient.connect(f"127.0.0.1:{port}", insecure=True) as client:
            sync_id = client.get_pipeline(GetPipelineRequest(pipeline_id="s")).pipeline.pipeline_id

        async def call():
            async with EtlServiceAsyncClient.connect(f"127.0.0.1:{port}", insecure=True) as client:
                return (await client.get_pipeline(GetPipelineRequest(pipeline_id="a"))).pipeline.pipeline_id

        print(sync_id, asyncio.run(call()))
    finally:
        server.stop(None)
    """)


def test_live_calls_with_both_clients_from_the_wheel(
    fresh_venv: tuple[str, dict[str, str | None]],
) -> None:
    python, _ = fresh_venv
    result = subprocess.run(
        [python, "-c", LIVE_CALLS], capture_output=True, text=True, cwd="/", timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["s", "a"]


KIT_TESTS = textwrap.dedent("""
    import pytest

    from platform_proto.auth.v1 import AuthServiceAsyncClient, AuthServiceClient
    from platform_proto.auth.v1 import ValidatedToken, ValidateTokenRequest
    from platform_proto.auth.v1.auth_testing import AuthServiceFake

    pytest_plugins = ["platform_proto.platform_runtime.testing.pytest"]


    def test_sync(platform_serving):
        fake = AuthServiceFake()
        fake.validate_token.returns(ValidatedToken(expires_in={"seconds": 60}))
        client = AuthServiceClient(platform_serving(fake))
        assert client.validate_token(ValidateTokenRequest()).expires_in.seconds == 60


    @pytest.mark.asyncio
    async def test_async(platform_serving_async):
        fake = AuthServiceFake()
        fake.validate_token.returns(ValidatedToken(expires_in={"seconds": 61}))
        client = AuthServiceAsyncClient(await platform_serving_async(fake))
        validated = await client.validate_token(ValidateTokenRequest(token="t"))
        assert validated.expires_in.seconds == 61
        assert fake.validate_token.calls[0].request.token == "t"
    """)


def test_the_test_kit_runs_from_the_wheel_with_its_testing_extra(
    fresh_venv: tuple[str, dict[str, str | None]], tmp_path: Path
) -> None:
    """pytest and pytest-asyncio came with ``[testing]``: the fixtures run."""
    python, _ = fresh_venv
    (tmp_path / "test_kit.py").write_text(KIT_TESTS)
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_kit.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


CONSUMER = textwrap.dedent("""
    from __future__ import annotations

    import grpc
    from typing_extensions import assert_type

    from platform_proto.auth.v1 import AuthServiceClient, ValidatedToken, ValidateTokenRequest
    from platform_proto.common.errors_pb2 import Error
    from platform_proto.etl.v1 import EtlServiceAsyncClient, ListPipelinesRequest, ListPipelinesResponse, Pipeline
    from platform_proto.platform_runtime import NotFoundError, PlatformError


    def use(channel: grpc.Channel) -> None:
        client = AuthServiceClient(channel)
        assert_type(client.validate_token(ValidateTokenRequest(token="t")), ValidatedToken)
        try:
            client.validate_token(ValidateTokenRequest())
        except NotFoundError as error:
            assert_type(error.reason, str | None)


    async def use_async(channel: grpc.aio.Channel) -> None:
        pager = await EtlServiceAsyncClient(channel).list_pipelines(ListPipelinesRequest())
        async for pipeline in pager:
            assert_type(pipeline, Pipeline)
        assert_type(pager.first_page, ListPipelinesResponse)


    def use_error(error: PlatformError) -> None:
        assert_type(error.error_as(Error).reason, str)
    """)


def test_mypy_strict_on_a_consumer_against_the_installed_wheel(
    fresh_venv: tuple[str, dict[str, str | None]], tmp_path: Path
) -> None:
    python, _ = fresh_venv
    script = tmp_path / "consumer.py"
    script.write_text(CONSUMER)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir=/dev/null",
            f"--python-executable={python}",
            str(script),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_basedpyright_strict_on_a_consumer_against_the_installed_wheel(
    fresh_venv: tuple[str, dict[str, str | None]], tmp_path: Path
) -> None:
    """The stubs come from the ``[typing]`` extra alone (no stub is installed
    by hand in that venv)."""
    python, _ = fresh_venv
    script = tmp_path / "consumer.py"
    script.write_text(CONSUMER)
    diagnostics = pyright([script], tmp_path, tmp_path / "work", python=python)
    assert [d["message"] for d in diagnostics if d["severity"] == "error"] == []


# --- the drift gate and failures -----------------------------------------------------


def test_check_passes_on_fresh_output_and_fails_after_a_change(
    built: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    shutil.copytree(built / "proto", work / "proto")
    shutil.copytree(built / "gen", work / "gen")
    fresh = _sdk("build", "--check", "--version", "1.2.3", cwd=work)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "is up to date" in fresh.stderr
    auth = work / "proto/auth/v1/auth.proto"
    auth.write_text(
        auth.read_text().replace(
            "  string token = 1;\n",
            "  string token = 1;\n  // Added.\n  string extra = 99;\n",
            1,
        )
    )
    stale = _sdk("build", "--check", "--version", "1.2.3", cwd=work)
    assert stale.returncode == 1
    listed = stale.stdout.splitlines()
    assert "stale: gen/python/platform_proto/auth/v1/auth_pb2.py" in listed
    assert "stale: gen/python/platform_proto/auth/v1/auth_pb2.pyi" in listed
    assert not any("/etl/" in line for line in listed)


def test_a_protoc_error_names_the_place_and_leaves_the_output_alone(
    built: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    shutil.copytree(built / "proto", work / "proto")
    shutil.copytree(built / "gen", work / "gen")
    before = read_tree(work / "gen")
    etl = work / "proto/etl/v1/etl.proto"
    etl.write_text(etl.read_text() + "\nmessage Broken {\n")
    result = _sdk("build", cwd=work)
    assert result.returncode == 1
    assert "platform-sdk: error: proto/etl/v1/etl.proto:" in result.stderr
    assert "Traceback" not in result.stderr
    assert read_tree(work / "gen") == before
    assert sorted(p.name for p in (work / "gen").iterdir()) == ["python"]


# --- buf ------------------------------------------------------------------------------


def test_buf_generate_matches_the_protoc_path(tmp_path: Path) -> None:
    shutil.copytree(PROTO, tmp_path / "proto")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [tool("buf"), "generate"],
        cwd=tmp_path / "proto",
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    by_buf = tmp_path / "gen/buf"
    by_protoc = tmp_path / "protoc"
    protoc(by_protoc, proto_files())
    ours = lambda tree: {  # noqa: E731
        path: data
        for path, data in tree.items()
        if path.endswith(("_platform.py", "__init__.py"))
        or path.startswith("platform_runtime/")
    }
    buf_tree, protoc_tree = read_tree(by_buf), read_tree(by_protoc)
    assert ours(buf_tree) == ours(protoc_tree)
    assert len([p for p in buf_tree if p.endswith("_platform.py")]) == 13
    # The messages and stubs come out too, and the same.
    assert {p for p in buf_tree if p.endswith(("_pb2.py", "_pb2.pyi"))} == {
        p for p in protoc_tree if p.endswith(("_pb2.py", "_pb2.pyi"))
    }
