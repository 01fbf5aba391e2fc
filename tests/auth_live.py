"""Live AuthService servers, sync and asyncio, whose servicers raise whatever
error a test sets; shared by the error tests. A pytest plugin (see
conftest.py): its fixtures ``m`` and ``live`` are available to every test."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Iterator

import grpc
import pytest

from servers import LoopThread, aio_server, sync_server

__all__ = ["Modules", "Raiser", "call_failing", "live", "m"]


class Modules:
    """The generated modules these tests use, imported from the SDK output."""

    def __init__(self) -> None:
        self.rt = importlib.import_module("platform_runtime")
        self.auth_pb2 = importlib.import_module("auth.v1.auth_pb2")
        self.auth = importlib.import_module("auth.v1.auth_platform")
        self.config_pb2 = importlib.import_module("config.v1.config_pb2")
        self.config = importlib.import_module("config.v1.config_platform")
        self.errors_pb2 = importlib.import_module("common.errors_pb2")
        self.etl_pb2 = importlib.import_module("etl.v1.etl_pb2")
        self.etl = importlib.import_module("etl.v1.etl_platform")
        self.bronze_pb2 = importlib.import_module("data.v1.bronze_pb2")
        self.bronze = importlib.import_module("data.v1.bronze_platform")


@pytest.fixture(scope="module")
def m(sdk_out: Path) -> Modules:
    return Modules()


class Raiser:
    """Holds the error the servicers raise next: an exception, or a callable
    that the servicer calls to build it (so that building it can fail there)."""

    def __init__(self) -> None:
        self.error: Any = None

    def raise_it(self) -> Any:
        raise self.error() if callable(self.error) else self.error


def _servicers(m: Modules, raiser: Raiser) -> tuple[Any, Any]:
    class SyncAuth(m.auth.AuthServiceServicer):  # type: ignore[misc,name-defined]
        def validate_token(self, request: Any, context: Any) -> Any:
            raiser.raise_it()

        def revoke_token(self, request: Any, context: Any) -> Any:
            raiser.raise_it()

    class AsyncAuth(m.auth.AuthServiceAsyncServicer):  # type: ignore[misc,name-defined]
        async def validate_token(self, request: Any, context: Any) -> Any:
            raiser.raise_it()

        async def revoke_token(self, request: Any, context: Any) -> Any:
            raiser.raise_it()

    return SyncAuth(), AsyncAuth()


@pytest.fixture(scope="module")
def live(m: Modules) -> Iterator[dict[str, Any]]:
    """Sync and asyncio AuthService servers, with a client for each."""
    raiser = Raiser()
    sync_servicer, async_servicer = _servicers(m, raiser)
    loop = LoopThread()
    aio_context = aio_server(
        lambda s: m.auth.add_AuthServiceServicer_to_server(async_servicer, s)
    )
    aio_target = loop.run(aio_context.__aenter__())

    async def make_async_client() -> Any:
        return m.auth.AuthServiceAsyncClient(grpc.aio.insecure_channel(aio_target))

    async_client = loop.run(make_async_client())
    with sync_server(
        lambda s: m.auth.add_AuthServiceServicer_to_server(sync_servicer, s)
    ) as target:
        with grpc.insecure_channel(target) as channel:
            yield {
                "raiser": raiser,
                "sync": m.auth.AuthServiceClient(channel),
                "async": async_client,
                "loop": loop,
                "target": target,
            }
    loop.run(async_client._channel.close())
    loop.run(aio_context.__aexit__(None, None, None))
    loop.close()


def call_failing(live: dict[str, Any], m: Modules, flavour: str, path: str) -> Any:
    """Make one call that fails; return the exception the client raised."""
    client = live[flavour]
    method = client.validate_token if path == "result" else client.revoke_token
    request = (
        m.auth_pb2.ValidateTokenRequest()
        if path == "result"
        else m.auth_pb2.RevokeTokenRequest()
    )
    try:
        if flavour == "sync":
            method(request)
        else:
            live["loop"].run(method(request))
    except m.rt.PlatformError as error:
        return error
    raise AssertionError("the call did not fail")
