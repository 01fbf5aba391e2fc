"""How calls fail on the client, live on loopback: the caller's own request
iterator failing, event loops, mistakes caught before a call starts, async
streams that failed or were cancelled, and deprecation warnings that point at
the caller's line under Python's default filters."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any, AsyncIterator, Iterator

import grpc
import pytest

from servers import aio_server, run, sync_server


@pytest.fixture(scope="module")
def echo(corpus_out: Path) -> ModuleType:
    import echo_impl

    return echo_impl


@pytest.fixture
def served(echo: ModuleType) -> Iterator[tuple[str, Any]]:
    servicer = echo.SyncEcho()
    with sync_server(
        lambda s: echo.echo_platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        yield target, servicer


class Boom(Exception):
    """The caller's own failure, raised while producing requests."""


def _failing_requests(echo: ModuleType) -> Iterator[Any]:
    yield echo.Request(text="a")
    raise Boom("no more requests")


async def _failing_async_requests(echo: ModuleType) -> AsyncIterator[Any]:
    yield echo.Request(text="a")
    raise Boom("no more requests")


# --- the caller's request iterator fails ---------------------------------------


def test_a_failing_request_iterator_raises_the_callers_own_exception_sync(
    echo: ModuleType, served: tuple[str, Any]
) -> None:
    with echo.echo_platform.EchoServiceClient.connect(
        served[0], insecure=True
    ) as client:
        with pytest.raises(Boom, match="no more requests"):
            client.collect(_failing_requests(echo))
        with pytest.raises(Boom, match="no more requests"):
            list(client.chat(_failing_requests(echo)))


@pytest.mark.parametrize("kind", ["iterable", "async iterable"])
def test_a_failing_request_iterator_raises_the_callers_own_exception_async(
    echo: ModuleType, served: tuple[str, Any], kind: str
) -> None:
    def requests() -> Any:
        if kind == "iterable":
            return _failing_requests(echo)
        return _failing_async_requests(echo)

    async def scenario() -> list[BaseException]:
        caught: list[BaseException] = []
        async with echo.echo_platform.EchoServiceAsyncClient.connect(
            served[0], insecure=True
        ) as client:
            try:
                await client.collect(requests())
            except Exception as exc:  # not an asyncio.CancelledError
                caught.append(exc)
            try:
                async for _ in client.chat(requests()):
                    pass
            except Exception as exc:
                caught.append(exc)
        return caught

    caught = run(scenario())
    assert [type(e) for e in caught] == [Boom, Boom]  # type: ignore[attr-defined]


# --- event loops -----------------------------------------------------------------


def test_an_async_client_connected_outside_a_loop_works_in_the_next_one(
    echo: ModuleType, served: tuple[str, Any]
) -> None:
    platform = echo.echo_platform
    client = platform.EchoServiceAsyncClient.connect(served[0], insecure=True)

    async def one(text: str) -> str:
        return str((await client.echo(echo.Request(text=text))).text)

    assert asyncio.run(one("first loop")) == "first loop"
    with pytest.raises(RuntimeError, match="belongs to another event loop"):
        asyncio.run(one("second loop"))


def test_a_channel_made_outside_the_loop_is_a_clear_error(
    echo: ModuleType, served: tuple[str, Any]
) -> None:
    outside = asyncio.new_event_loop()  # current, but not running
    asyncio.set_event_loop(outside)
    try:
        channel = grpc.aio.insecure_channel(served[0])
        client = echo.echo_platform.EchoServiceAsyncClient(channel)
    finally:
        asyncio.set_event_loop(None)

    async def one() -> Any:
        return await client.echo(echo.Request())

    with pytest.raises(RuntimeError, match="belongs to another event loop"):
        asyncio.run(one())
    outside.run_until_complete(channel.close())
    outside.close()


# --- mistakes caught before a call starts ----------------------------------------


BAD_METADATA = [
    ((("X-Upper", "v"),), ValueError, "'X-Upper' is not a valid header name"),
    ((("x-name", "café"),), ValueError, "holds 'é' at index 3"),
    ((("x-name", "a\nb"),), ValueError, "holds '\\n' at index 1"),
    ((("x-data-bin", "text"),), TypeError, "must be bytes"),
    ((("grpc-timeout", "1S"),), ValueError, "reserved for grpc"),
    ((("x-n", 5),), TypeError, "must be a str"),
    (("not a pair",), TypeError, "expected a (key, value) pair"),
]


@pytest.mark.parametrize("metadata, kind, words", BAD_METADATA)
def test_bad_metadata_is_one_clear_error_before_the_call(
    echo: ModuleType,
    served: tuple[str, Any],
    metadata: Any,
    kind: type[Exception],
    words: str,
) -> None:
    target, servicer = served
    platform = echo.echo_platform
    with pytest.raises(kind) as at_construction:
        platform.EchoServiceClient.connect(target, insecure=True, metadata=metadata)
    assert words in str(at_construction.value)
    assert "EchoServiceClient(metadata=...)" in str(at_construction.value)
    with platform.EchoServiceClient.connect(target, insecure=True) as client:
        with pytest.raises(kind, match="^metadata") as per_call:
            client.echo(echo.Request(), metadata=metadata)
        with pytest.raises(kind):
            client.expand(echo.Request(count=1), metadata=metadata)
    assert words in str(per_call.value)

    async def scenario() -> None:
        async with platform.EchoServiceAsyncClient.connect(
            target, insecure=True
        ) as client:
            with pytest.raises(kind, match="^metadata"):
                await client.echo(echo.Request(), metadata=metadata)
            with pytest.raises(kind, match="^metadata"):
                client.expand(echo.Request(count=1), metadata=metadata)

    run(scenario())
    assert servicer.metadata == []  # nothing reached the server


@pytest.mark.parametrize(
    "token, kind, words",
    [
        ("s3cret\n", ValueError, "holds '\\n' at index 6; a token is printable"),
        ("s3 cret", ValueError, "holds ' ' at index 2"),
        (b"s3cret", TypeError, "must be a str, not bytes"),
        (42, TypeError, "must be a str, not int"),
    ],
)
def test_bad_tokens_are_one_clear_error_that_never_shows_the_token(
    echo: ModuleType, served: tuple[str, Any], token: Any, kind: type, words: str
) -> None:
    target, servicer = served
    platform = echo.echo_platform
    with pytest.raises(kind) as static:
        platform.EchoServiceClient.connect(target, insecure=True, token=token)
    errors = [static.value]
    with platform.EchoServiceClient.connect(
        target, insecure=True, token=lambda: token
    ) as client:
        with pytest.raises(kind) as from_callable:
            client.echo(echo.Request())
        errors.append(from_callable.value)

    async def produce() -> Any:
        return token

    async def scenario() -> list[BaseException]:
        caught = []
        for source in (lambda: token, produce):
            async with platform.EchoServiceAsyncClient.connect(
                target, insecure=True, token=source
            ) as client:
                try:
                    await client.echo(echo.Request())
                except (TypeError, ValueError) as exc:
                    caught.append(exc)
        return caught

    errors.extend(run(scenario()))  # type: ignore[arg-type]
    assert len(errors) == 4
    for error in errors:
        assert type(error) is kind and words in str(error)
        assert "s3cret" not in str(error) and "s3 cret" not in str(error)
    if "\n" in str(token):
        assert "read from a file with its newline?" in str(errors[0])
    assert servicer.metadata == []


def test_the_calls_own_authorization_replaces_the_clients(
    echo: ModuleType,
) -> None:
    seen: list[list[str]] = []

    class Recording(echo.echo_platform.EchoServiceServicer):  # type: ignore[misc,name-defined]
        def echo(self, request: Any, context: Any) -> Any:
            metadata = context.invocation_metadata()
            seen.append([v for k, v in metadata if k == "authorization"])
            return echo.Response()

    platform = echo.echo_platform
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(Recording(), s)
    ) as target:
        own = [("authorization", "Bearer the-calls")]
        with platform.EchoServiceClient.connect(
            target, insecure=True, token="the-clients"
        ) as client:
            client.echo(echo.Request(), metadata=own)
            client.echo(echo.Request())
        with platform.EchoServiceClient.connect(
            target, insecure=True, metadata=[("authorization", "Bearer md")]
        ) as client:
            client.echo(echo.Request(), metadata=own)
        with pytest.raises(ValueError, match="not both"):
            platform.EchoServiceClient.connect(
                target, insecure=True, token="t", metadata=own
            )

        async def scenario() -> None:
            async with platform.EchoServiceAsyncClient.connect(
                target, insecure=True, token="the-clients"
            ) as client:
                await client.echo(echo.Request(), metadata=own)

        run(scenario())
    assert seen == [
        ["Bearer the-calls"],
        ["Bearer the-clients"],
        ["Bearer the-calls"],
        ["Bearer the-calls"],
    ]


def test_a_closed_channel_is_one_clear_error(
    echo: ModuleType, served: tuple[str, Any]
) -> None:
    target = served[0]
    platform = echo.echo_platform
    channel = grpc.insecure_channel(target)
    borrowed = platform.EchoServiceClient(channel)
    channel.close()
    with pytest.raises(ValueError, match="the channel is closed"):
        borrowed.echo(echo.Request())

    async def scenario() -> list[BaseException]:
        caught: list[BaseException] = []
        owned = platform.EchoServiceAsyncClient.connect(target, insecure=True)
        await owned.echo(echo.Request())
        await owned.close()
        aio_channel = grpc.aio.insecure_channel(target)
        user = platform.EchoServiceAsyncClient(aio_channel)
        await aio_channel.close()
        for client in (owned, user):
            try:
                await client.echo(echo.Request())
            except ValueError as exc:
                caught.append(exc)
        return caught

    caught = run(scenario())
    assert [str(e) for e in caught] == [  # type: ignore[attr-defined]
        "EchoServiceAsyncClient: the channel is closed, so no more calls can be "
        "made with this client"
    ] * 2


# --- async streams that failed or were cancelled ---------------------------------


def test_an_async_stream_that_failed_to_start_keeps_failing(
    echo: ModuleType, served: tuple[str, Any]
) -> None:
    def broken_token() -> str:
        raise Boom("no token today")

    async def scenario() -> list[BaseException]:
        caught: list[BaseException] = []
        async with echo.echo_platform.EchoServiceAsyncClient.connect(
            served[0], insecure=True, token=broken_token
        ) as client:
            stream = client.expand(echo.Request(count=3))
            for _ in range(2):
                try:
                    await stream.__anext__()
                except BaseException as exc:
                    caught.append(exc)
        return caught

    caught = run(scenario())
    assert [type(e) for e in caught] == [Boom, Boom]  # type: ignore[attr-defined]


def test_a_stream_cancelled_before_it_starts_raises_cancelled_sync_and_async(
    echo: ModuleType, served: tuple[str, Any]
) -> None:
    platform = echo.echo_platform
    rt = echo.rt
    with platform.EchoServiceClient.connect(served[0], insecure=True) as client:
        stream = client.expand(echo.Request(count=3))
        assert stream.cancel()
        for _ in range(2):  # and on every later next()
            with pytest.raises(rt.CancelledError):
                next(stream)

    async def scenario() -> list[BaseException]:
        caught: list[BaseException] = []
        async with platform.EchoServiceAsyncClient.connect(
            served[0], insecure=True
        ) as client:
            before = client.expand(echo.Request(count=3))
            assert before.cancel()
            midway = client.expand(echo.Request(count=-1))
            await midway.__anext__()
            assert midway.cancel()
            for stream in (before, before, midway):
                try:
                    await stream.__anext__()
                except Exception as exc:  # typed, not asyncio.CancelledError
                    caught.append(exc)
        return caught

    caught = run(scenario())
    assert [type(e) for e in caught] == [rt.CancelledError] * 3  # type: ignore[attr-defined]


# --- deprecation warnings --------------------------------------------------------


DEPRECATION_SCRIPT = """\
import asyncio
from concurrent import futures

import grpc
import platform_runtime as rt
from demo.echo.v1 import echo_pb2, echo_platform
from demo.library.v1 import library_pb2, library_platform

paginator = rt.Paginator(b"k" * 16, default_page_size=2)

class Library(library_platform.LibraryServiceServicer):
    def list_old_books(self, request, context):
        books = [library_pb2.Book(name=str(i)) for i in range(5)]
        return paginator.page(request, books).write_to(library_pb2.ListBooksResponse())

class Echo(echo_platform.EchoServiceServicer):
    def old_echo(self, request, context):
        return echo_pb2.EchoResponse(text=request.text)

class Legacy(echo_platform.LegacyEchoServiceServicer):
    def echo(self, request, context):
        return echo_pb2.EchoResponse()

server = grpc.server(futures.ThreadPoolExecutor(4), options=[("grpc.so_reuseport", 0)])
library_platform.add_LibraryServiceServicer_to_server(Library(), server)
echo_platform.add_EchoServiceServicer_to_server(Echo(), server)
echo_platform.add_LegacyEchoServiceServicer_to_server(Legacy(), server)
target = f"127.0.0.1:{server.add_insecure_port('127.0.0.1:0')}"
server.start()

client = echo_platform.EchoServiceClient.connect(target, insecure=True)
client.old_echo(echo_pb2.EchoRequest())  # LINE old_echo
legacy = echo_platform.LegacyEchoServiceClient.connect(target, insecure=True)  # LINE connect
books = library_platform.LibraryServiceClient.connect(target, insecure=True)
print(len(list(books.list_old_books(library_pb2.ListBooksRequest()))))  # LINE pager

async def main():
    aclient = echo_platform.EchoServiceAsyncClient.connect(target, insecure=True)
    await aclient.old_echo(echo_pb2.EchoRequest())  # LINE async old_echo
    books = library_platform.LibraryServiceAsyncClient.connect(target, insecure=True)
    pager = await books.list_old_books(library_pb2.ListBooksRequest())  # LINE async pager
    print(len([book async for book in pager]))

asyncio.run(main())
server.stop(None)
"""


def test_deprecation_warnings_show_at_the_callers_line_under_default_filters(
    corpus_out: Path, tmp_path: Path
) -> None:
    script = tmp_path / "uses_deprecated.py"
    script.write_text(DEPRECATION_SCRIPT)
    lines = {
        line.split("# LINE ")[1]: number
        for number, line in enumerate(DEPRECATION_SCRIPT.splitlines(), start=1)
        if "# LINE " in line
    }
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(corpus_out)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["5", "5"]
    warned = [
        line for line in result.stderr.splitlines() if "DeprecationWarning" in line
    ]
    expected = {
        "old_echo": "RPC /demo.echo.v1.EchoService/OldEcho is deprecated",
        "connect": "LegacyEchoServiceClient: the service is deprecated",
        "pager": "RPC /demo.library.v1.LibraryService/ListOldBooks is deprecated",
        "async old_echo": "RPC /demo.echo.v1.EchoService/OldEcho is deprecated",
        "async pager": "RPC /demo.library.v1.LibraryService/ListOldBooks is deprecated",
    }
    assert sorted(warned) == sorted(
        f"{script}:{lines[where]}: DeprecationWarning: {message}"
        for where, message in expected.items()
    )


def test_a_paginated_deprecated_rpc_warns_once_per_call_not_per_page(
    corpus_out: Path,
) -> None:
    import platform_runtime as rt
    from demo.library.v1 import library_pb2, library_platform

    paginator = rt.Paginator(b"k" * 16, default_page_size=2)

    class Library(library_platform.LibraryServiceServicer):  # type: ignore[misc]
        def list_old_books(self, request: Any, context: Any) -> Any:
            books = [library_pb2.Book(name=str(i)) for i in range(5)]
            return paginator.page(request, books).write_to(
                library_pb2.ListBooksResponse()
            )

    with sync_server(
        lambda s: library_platform.add_LibraryServiceServicer_to_server(Library(), s)
    ) as target:
        with library_platform.LibraryServiceClient.connect(
            target, insecure=True
        ) as client:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                for _ in range(2):
                    assert (
                        len(list(client.list_old_books(library_pb2.ListBooksRequest())))
                        == 5
                    )
    assert [Path(w.filename).name for w in caught] == ["test_client_failures.py"] * 2


def test_leaving_a_with_block_over_a_stream_ends_the_call(echo: ModuleType) -> None:
    platform = echo.echo_platform
    servicer = echo.SyncEcho()
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            with client.expand(echo.Request(count=-1)) as stream:  # endless
                assert next(stream).index == 0
            assert servicer.stream_ended.wait(5), "the server kept streaming"

    async def scenario() -> None:
        aservicer = echo.AsyncEcho()
        async with aio_server(
            lambda s: platform.add_EchoServiceServicer_to_server(aservicer, s)
        ) as target:
            async with platform.EchoServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                async with client.expand(echo.Request(count=-1)) as stream:
                    assert (await stream.__anext__()).index == 0
                await asyncio.wait_for(aservicer.stream_ended.wait(), 5)

    run(scenario())
