"""Interop with clients and servers written by nobody here.

grpc's standard stubs (grpc_tools, ``--grpc_python_out``) call our servicers
and are called by our clients; ``buf curl`` calls a generated servicer.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import grpc
import pytest

from servers import sync_server
from support import PROTO, REPO, protoc, tool


@pytest.fixture(scope="module")
def echo(corpus_out: Path) -> ModuleType:
    import echo_impl

    return echo_impl


@pytest.fixture(scope="module")
def standard(echo: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """grpc's own generated stubs for demo/echo/v1/echo.proto."""
    out = tmp_path_factory.mktemp("grpc_stubs")
    protoc(
        out,
        ["demo/echo/v1/echo.proto"],
        include=REPO / "tests" / "protos",
        outputs=("grpc_python",),
    )
    path = out / "demo/echo/v1/echo_pb2_grpc.py"
    spec = importlib.util.spec_from_file_location("echo_pb2_grpc", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_standard_stub_calls_our_servicer(
    echo: ModuleType, standard: ModuleType
) -> None:
    platform = echo.echo_platform
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(echo.SyncEcho(), s)
    ) as target:
        with grpc.insecure_channel(target) as channel:
            stub = standard.EchoServiceStub(channel)
            assert stub.Echo(echo.Request(text="std")).text == "std"
            assert [r.index for r in stub.Expand(echo.Request(count=2))] == [0, 1]
            assert (
                stub.Collect(
                    iter([echo.Request(text="a"), echo.Request(text="b")])
                ).text
                == "ab"
            )
            assert [r.text for r in stub.Chat(iter([echo.Request(text="z")]))] == ["Z"]


def test_our_client_calls_a_standard_servicer(
    echo: ModuleType, standard: ModuleType
) -> None:
    platform = echo.echo_platform

    class Standard(standard.EchoServiceServicer):  # type: ignore[misc,name-defined]
        def Echo(self, request: Any, context: Any) -> Any:
            return echo.Response(text="std:" + request.text)

        def Expand(self, request: Any, context: Any) -> Iterator[Any]:
            for i in range(request.count):
                yield echo.Response(index=i)

        def Collect(self, request_iterator: Any, context: Any) -> Any:
            return echo.Response(text="|".join(r.text for r in request_iterator))

        def Chat(self, request_iterator: Any, context: Any) -> Iterator[Any]:
            for r in request_iterator:
                yield echo.Response(text=r.text * 2)

    with sync_server(
        lambda s: standard.add_EchoServiceServicer_to_server(Standard(), s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            assert client.echo(echo.Request(text="x")).text == "std:x"
            assert [r.index for r in client.expand(echo.Request(count=3))] == [0, 1, 2]
            assert (
                client.collect([echo.Request(text="a"), echo.Request(text="b")]).text
                == "a|b"
            )
            assert [r.text for r in client.chat([echo.Request(text="q")])] == ["qq"]


def test_buf_curl_calls_a_generated_servicer(sdk_out: Path) -> None:
    pb2 = importlib.import_module("auth.v1.auth_pb2")
    auth = importlib.import_module("auth.v1.auth_platform")

    class Auth(auth.AuthServiceServicer):  # type: ignore[misc,name-defined]
        def validate_token(self, request: Any, context: Any) -> Any:
            validated = pb2.ValidatedToken()
            validated.principal.principal_id = "usr_" + request.token
            validated.claims.scopes.extend(request.required_scopes)
            return validated

    with sync_server(
        lambda s: auth.add_AuthServiceServicer_to_server(Auth(), s)
    ) as target:
        result = subprocess.run(
            [
                tool("buf"),
                "curl",
                "--schema",
                str(PROTO),
                "--protocol",
                "grpc",
                "--http2-prior-knowledge",
                "--data",
                json.dumps({"token": "abc", "requiredScopes": ["etl.read"]}),
                f"http://{target}/platform.auth.v1.AuthService/ValidateToken",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["success"]["principal"]["principalId"] == "usr_abc"
    assert answer["success"]["claims"]["scopes"] == ["etl.read"]
