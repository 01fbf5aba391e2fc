"""Channel control, live on loopback: interceptors on all four kinds (sync and
asyncio), channel options, compression, one channel shared by two services
with both retry policies, and no bearer token in plaintext to another host."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import grpc
import pytest

from servers import aio_server, run, sync_server


@pytest.fixture(scope="module")
def echo(corpus_out: Path) -> ModuleType:
    import echo_impl

    return echo_impl


def _with_header(details: Any, key: str, value: str) -> Any:
    """``details`` (grpc's ClientCallDetails) with one more metadata pair."""
    metadata = list(details.metadata or ()) + [(key, value)]
    return details._replace(metadata=metadata)


class Stamp(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    """A sync interceptor of every kind: counts calls and adds a header."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def _stamp(self, continuation: Callable[..., Any], details: Any, arg: Any) -> Any:
        self.seen.append(details.method)
        return continuation(_with_header(details, "x-stamp", "sync"), arg)

    intercept_unary_unary = _stamp
    intercept_unary_stream = _stamp
    intercept_stream_unary = _stamp
    intercept_stream_stream = _stamp


class AsyncStamp(
    grpc.aio.UnaryUnaryClientInterceptor,
    grpc.aio.UnaryStreamClientInterceptor,
    grpc.aio.StreamUnaryClientInterceptor,
    grpc.aio.StreamStreamClientInterceptor,
):
    """The grpc.aio twin of :class:`Stamp`."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def _stamp(
        self, continuation: Callable[..., Any], details: Any, arg: Any
    ) -> Any:
        self.seen.append(details.method)
        return await continuation(_with_header(details, "x-stamp", "async"), arg)

    intercept_unary_unary = _stamp
    intercept_unary_stream = _stamp
    intercept_stream_unary = _stamp
    intercept_stream_stream = _stamp


class Recording:
    """Adds to an echo servicer a record of every call's x-stamp header."""

    @staticmethod
    def sync(echo: ModuleType, stamps: list[str]) -> Any:
        class Sync(echo.SyncEcho):  # type: ignore[misc,name-defined]
            def _note(self, context: Any) -> None:
                stamps.append(dict(context.invocation_metadata()).get("x-stamp", ""))

            def echo(self, request: Any, context: Any) -> Any:
                self._note(context)
                return super().echo(request, context)

            def expand(self, request: Any, context: Any) -> Any:
                self._note(context)
                return super().expand(request, context)

            def collect(self, requests: Any, context: Any) -> Any:
                self._note(context)
                return super().collect(requests, context)

            def chat(self, requests: Any, context: Any) -> Any:
                self._note(context)
                return super().chat(requests, context)

        return Sync()


def _every_kind(echo: ModuleType, client: Any) -> None:
    request = echo.Request(text="x", count=1)
    client.echo(request)
    list(client.expand(request))
    client.collect([request])
    list(client.chat([request]))


KINDS = ["Echo", "Expand", "Collect", "Chat"]


def test_sync_interceptors_see_all_four_kinds(echo: ModuleType) -> None:
    stamps: list[str] = []
    servicer = Recording.sync(echo, stamps)
    interceptor = Stamp()
    platform = echo.echo_platform
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        with platform.EchoServiceClient.connect(
            target, insecure=True, interceptors=[interceptor]
        ) as client:
            _every_kind(echo, client)
            assert client.channel is not None
    assert [m.rsplit("/", 1)[1] for m in interceptor.seen] == KINDS
    assert stamps == ["sync"] * 4


def test_asyncio_interceptors_see_all_four_kinds(echo: ModuleType) -> None:
    stamps: list[str] = []
    servicer = Recording.sync(echo, stamps)
    interceptor = AsyncStamp()
    platform = echo.echo_platform

    async def scenario() -> None:
        async with aio_server(
            lambda s: platform.add_EchoServiceServicer_to_server(servicer, s),
            migration_threads=4,
        ) as target:
            client = platform.EchoServiceAsyncClient.connect(
                target, insecure=True, interceptors=[interceptor]
            )
            assert client.channel is None  # opened by the first call
            async with client:
                request = echo.Request(text="x", count=1)
                await client.echo(request)
                [r async for r in client.expand(request)]
                await client.collect([request])
                [r async for r in client.chat([request])]
                assert isinstance(client.channel, grpc.aio.Channel)

    run(scenario())
    methods = [m.decode() for m in interceptor.seen]  # grpc.aio's are bytes
    assert [m.rsplit("/", 1)[1] for m in methods] == KINDS
    assert stamps == ["async"] * 4


def test_channel_options_and_compression_reach_grpc(echo: ModuleType) -> None:
    platform = echo.echo_platform
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(echo.SyncEcho(), s)
    ) as target:
        with platform.EchoServiceClient.connect(
            target,
            insecure=True,
            options=[("grpc.max_receive_message_length", 64)],
            compression=grpc.Compression.Gzip,
        ) as client:
            assert client.echo(echo.Request(text="short")).text == "short"
            with pytest.raises(echo.rt.ResourceExhaustedError):
                client.echo(echo.Request(text="x" * 200))


def test_one_channel_serves_two_services_with_both_retry_policies(
    echo: ModuleType, corpus_out: Path
) -> None:
    import importlib

    rt, platform = echo.rt, echo.echo_platform
    library = importlib.import_module("demo.library.v1.library_platform")
    library_pb2 = importlib.import_module("demo.library.v1.library_pb2")
    merged = json.loads(
        rt.service_config(platform.EchoServiceClient, library.LibraryServiceClient)
    )
    names = [n for c in merged["methodConfig"] for n in c["name"]]
    assert {"service": "demo.echo.v1.EchoService", "method": "Echo"} in names
    assert {"service": "demo.library.v1.LibraryService", "method": "ListBooks"} in names

    echoes = echo.SyncEcho()
    echoes.fail_first = 2

    class Books(library.LibraryServiceServicer):  # type: ignore[misc,name-defined]
        attempts = 0

        def list_books(self, request: Any, context: Any) -> Any:
            type(self).attempts += 1
            if self.attempts <= 2:
                context.abort(grpc.StatusCode.UNAVAILABLE, "warming up")
            return library_pb2.ListBooksResponse()

    def register(server: grpc.Server) -> None:
        platform.add_EchoServiceServicer_to_server(echoes, server)
        library.add_LibraryServiceServicer_to_server(Books(), server)

    with sync_server(register) as target:
        channel = rt.open_channel(
            target,
            platform.EchoServiceClient,
            library.LibraryServiceClient,
            insecure=True,
        )
        with channel:
            platform.EchoServiceClient(channel).echo(echo.Request())
            list(
                library.LibraryServiceClient(channel).list_books(
                    library_pb2.ListBooksRequest()
                )
            )
    assert echoes.attempts == 3 and Books.attempts == 3  # both retried

    async def scenario() -> None:
        async with aio_server(
            lambda s: platform.add_EchoServiceServicer_to_server(echo.AsyncEcho(), s)
        ) as target:
            async with rt.open_async_channel(
                target, platform.EchoServiceAsyncClient, insecure=True
            ) as achannel:
                reply = await platform.EchoServiceAsyncClient(achannel).echo(
                    echo.Request(text="a")
                )
                assert reply.text == "a"

    run(scenario())


def test_the_callers_service_config_replaces_the_retry_policy(
    echo: ModuleType,
) -> None:
    """grpc reads the first of two equal keys: the caller's options must
    replace the default service config, not follow it."""
    rt, platform = echo.rt, echo.echo_platform
    no_retries = [("grpc.service_config", json.dumps({"methodConfig": []}))]
    echoes = echo.SyncEcho()

    def attempts(**options: Any) -> int:
        echoes.attempts, echoes.fail_first = 0, 1
        with sync_server(
            lambda s: platform.add_EchoServiceServicer_to_server(echoes, s)
        ) as target:
            with rt.open_channel(
                target, platform.EchoServiceClient, insecure=True, **options
            ) as channel:
                with contextlib.suppress(rt.UnavailableError):
                    platform.EchoServiceClient(channel).echo(echo.Request())
        return int(echoes.attempts)

    assert attempts(options=no_retries) == 1
    assert attempts() == 2  # the generated retry policy

    async def scenario() -> list[int]:
        echoes = echo.AsyncEcho()
        seen = []
        for options in (no_retries, []):
            echoes.attempts, echoes.fail_first = 0, 1
            async with aio_server(
                lambda s: platform.add_EchoServiceServicer_to_server(echoes, s)
            ) as target:
                async with rt.open_async_channel(
                    target,
                    platform.EchoServiceAsyncClient,
                    insecure=True,
                    options=options,
                ) as channel:
                    with contextlib.suppress(rt.UnavailableError):
                        await platform.EchoServiceAsyncClient(channel).echo(
                            echo.Request()
                        )
            seen.append(echoes.attempts)
        return seen

    assert run(scenario()) == [1, 2]


@pytest.mark.parametrize(
    "target, local",
    [
        ("127.0.0.1:50051", True),
        ("localhost:50051", True),
        ("[::1]:50051", True),
        ("unix:/tmp/socket", True),
        ("dns:///127.0.0.1:50051", True),
        ("etl.internal:50051", False),
        ("10.0.0.7:50051", False),
        ("[2001:db8::1]:443", False),
    ],
)
def test_no_plaintext_token_to_another_host_unless_allowed(
    echo: ModuleType, target: str, local: bool
) -> None:
    clients = (
        echo.echo_platform.EchoServiceClient,
        echo.echo_platform.EchoServiceAsyncClient,
    )
    for cls in clients:
        if local:
            cls.connect(target, insecure=True, token="t")
            continue
        with pytest.raises(
            ValueError, match="refusing to send a bearer token in plaintext"
        ):
            cls.connect(target, insecure=True, token="t")
        cls.connect(target, insecure=True, token="t", allow_plaintext_token=True)
        cls.connect(target, insecure=True)  # no token: nothing to protect
        cls.connect(target, token="t")  # TLS
