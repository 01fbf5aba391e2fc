"""A live round trip on loopback: a generated servicer, called by a generated client."""

from __future__ import annotations

import importlib
from concurrent import futures
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import grpc
import pytest

from servers import LOOPBACK_OPTIONS


@pytest.fixture(scope="module")
def auth(sdk_out: Path) -> tuple[ModuleType, ModuleType]:
    return (
        importlib.import_module("auth.v1.auth_pb2"),
        importlib.import_module("auth.v1.auth_platform"),
    )


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start grpc.server on 127.0.0.1:<os-chosen port>; stop it afterwards."""
    servers: list[grpc.Server] = []

    def start(register: Any) -> grpc.Channel:
        server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=4),
            options=LOOPBACK_OPTIONS,
        )
        register(server)
        port = server.add_insecure_port("127.0.0.1:0")
        assert port > 0
        server.start()
        servers.append(server)
        return grpc.insecure_channel(f"127.0.0.1:{port}")

    yield start
    for server in servers:
        server.stop(grace=None).wait()


def test_unary_round_trip(auth: tuple[ModuleType, ModuleType], serve: Any) -> None:
    pb2, platform = auth
    seen: list[Any] = []

    class Auth(platform.AuthServiceServicer):  # type: ignore[name-defined,misc]
        def validate_token(self, request: Any, context: grpc.ServicerContext) -> Any:
            seen.append((request.token, dict(context.invocation_metadata())))
            validated = pb2.ValidatedToken()
            validated.principal.principal_id = "user-42"
            return validated

    channel = serve(
        lambda server: platform.add_AuthServiceServicer_to_server(Auth(), server)
    )
    with channel:
        client = platform.AuthServiceClient(channel, metadata=[("x-trace", "t1")])
        validated = client.validate_token(pb2.ValidateTokenRequest(token="abc"))
    assert validated.principal.principal_id == "user-42"
    assert seen[0][0] == "abc"
    assert seen[0][1]["x-trace"] == "t1"


def test_unoverridden_method_answers_unimplemented(
    auth: tuple[ModuleType, ModuleType], serve: Any
) -> None:
    pb2, platform = auth
    import platform_runtime

    channel = serve(
        lambda server: platform.add_AuthServiceServicer_to_server(
            platform.AuthServiceServicer(), server
        )
    )
    with channel:
        client = platform.AuthServiceClient(channel)
        with pytest.raises(platform_runtime.UnimplementedError) as info:
            client.revoke_token(pb2.RevokeTokenRequest())
    assert info.value.code is grpc.StatusCode.UNIMPLEMENTED
    assert info.value.message == (
        "Method not implemented: /platform.auth.v1.AuthService/RevokeToken"
    )


def test_server_stream_round_trip(sdk_out: Path, serve: Any) -> None:
    pb2 = importlib.import_module("config.v1.config_pb2")
    platform = importlib.import_module("config.v1.config_platform")

    class Config(platform.ConfigServiceServicer):  # type: ignore[name-defined,misc]
        def watch_config(self, request: Any, context: grpc.ServicerContext) -> Any:
            for revision in range(1, 4):
                yield pb2.WatchConfigResponse(
                    event=pb2.ConfigChangeEvent(revision=revision)
                )

    channel = serve(
        lambda server: platform.add_ConfigServiceServicer_to_server(Config(), server)
    )
    with channel:
        client = platform.ConfigServiceClient(channel)
        revisions = [
            r.event.revision for r in client.watch_config(pb2.WatchConfigRequest())
        ]
    assert revisions == [1, 2, 3]
