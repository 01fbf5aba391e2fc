"""Generated clients and servicers, live on loopback: all four RPC kinds, sync
and asyncio, deadlines, metadata, tokens, retries, cancellation, deprecation."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any, AsyncIterator

import grpc
import pytest

from servers import aio_server, run, sync_server


@pytest.fixture(scope="module")
def echo(corpus_out: Path) -> ModuleType:
    import echo_impl

    return echo_impl


def _requests(echo: ModuleType, *texts: str) -> list[Any]:
    return [echo.Request(text=t) for t in texts]


# --- all four kinds ----------------------------------------------------------


def test_sync_client_sync_server_all_kinds(echo: ModuleType) -> None:
    platform = echo.echo_platform
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(echo.SyncEcho(), s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            assert client.echo(echo.Request(text="hi")).text == "hi"
            stream = client.expand(echo.Request(text="x", count=3))
            assert [r.index for r in stream] == [0, 1, 2]
            assert client.collect(_requests(echo, "a", "b", "c")).text == "abc"
            replies = client.chat(iter(_requests(echo, "p", "q")))
            assert [(r.text, r.index) for r in replies] == [("P", 0), ("Q", 1)]


def test_async_client_async_server_all_kinds(echo: ModuleType) -> None:
    platform = echo.echo_platform

    async def scenario() -> None:
        servicer = echo.AsyncEcho()
        async with aio_server(
            lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
        ) as target:
            async with platform.EchoServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                assert (await client.echo(echo.Request(text="hi"))).text == "hi"
                indexes = [r.index async for r in client.expand(echo.Request(count=3))]
                assert indexes == [0, 1, 2]
                # Client streaming takes an iterable or an async iterable.
                assert (await client.collect(_requests(echo, "a", "b"))).text == "ab"

                async def produce() -> AsyncIterator[Any]:
                    for text in ("c", "d"):
                        yield echo.Request(text=text)

                assert (await client.collect(produce())).text == "cd"
                replies = [r.text async for r in client.chat(produce())]
                assert replies == ["C", "D"]

    run(scenario())


def test_sync_servicer_on_aio_server_and_sync_client(echo: ModuleType) -> None:
    platform = echo.echo_platform

    async def scenario() -> None:
        servicer = echo.SyncEcho()
        register = lambda s: platform.add_EchoServiceServicer_to_server(
            servicer, s
        )  # noqa: E731
        async with aio_server(register, migration_threads=4) as target:
            async with platform.EchoServiceAsyncClient(
                grpc.aio.insecure_channel(target)
            ) as client:
                assert (await client.echo(echo.Request(text="mixed"))).text == "mixed"
                assert [
                    r.index async for r in client.expand(echo.Request(count=2))
                ] == [0, 1]

    run(scenario())


def test_async_servicer_on_sync_server_is_a_clear_error(echo: ModuleType) -> None:
    platform = echo.echo_platform
    with pytest.raises(
        TypeError,
        match="AsyncEcho is an asyncio servicer: serve it with grpc.aio.server",
    ):
        with sync_server(
            lambda s: platform.add_EchoServiceServicer_to_server(echo.AsyncEcho(), s)
        ):
            pass


def test_unoverridden_async_methods_answer_unimplemented(echo: ModuleType) -> None:
    platform = echo.echo_platform

    async def scenario() -> None:
        register = lambda s: platform.add_EchoServiceServicer_to_server(
            echo.AsyncEcho(), s
        )  # noqa: E731
        async with aio_server(register) as target:
            async with platform.EchoServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                with pytest.raises(echo.rt.UnimplementedError) as info:
                    await client.append(echo.Request())
                assert info.value.code is grpc.StatusCode.UNIMPLEMENTED
                assert (
                    info.value.message
                    == "Method not implemented: /demo.echo.v1.EchoService/Append"
                )

    run(scenario())


# --- deadlines, metadata, tokens ---------------------------------------------


def test_deadlines_default_per_client_per_call_and_none(echo: ModuleType) -> None:
    platform = echo.echo_platform
    servicer = echo.SyncEcho()
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        with grpc.insecure_channel(target) as channel:
            platform.EchoServiceClient(channel).echo(echo.Request())
            platform.EchoServiceClient(channel, timeout=5).echo(echo.Request())
            platform.EchoServiceClient(channel, timeout=5).echo(
                echo.Request(), timeout=2
            )
            platform.EchoServiceClient(channel, timeout=5).echo(
                echo.Request(), timeout=None
            )
    default, client_level, call_level, none = servicer.time_remaining
    # The server's clock reading lags the client's by a little: allow 0.1 s.
    assert 25 < default <= 30.1
    assert 3 < client_level <= 5.1
    assert 1 < call_level <= 2.1
    assert none is None or none > 10**6


def test_short_deadline_surfaces_as_deadline_exceeded(echo: ModuleType) -> None:
    platform = echo.echo_platform
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(echo.SyncEcho(), s)
    ) as target:
        with platform.EchoServiceClient.connect(
            target, insecure=True, timeout=0.2
        ) as client:
            with pytest.raises(echo.rt.DeadlineExceededError) as info:
                client.echo(echo.Request(text="slow"))
    assert info.value.code is grpc.StatusCode.DEADLINE_EXCEEDED


def test_metadata_is_merged_and_token_is_sent(
    echo: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    platform = echo.echo_platform
    servicer = echo.SyncEcho()
    tokens = iter(["fresh-1", "fresh-2"])
    caplog.set_level(logging.DEBUG)
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        with grpc.insecure_channel(target) as channel:
            client = platform.EchoServiceClient(
                channel, metadata=[("x-client", "c")], token="s3cret-token"
            )
            client.echo(echo.Request(), metadata=[("x-call", "1")])
            rotating = platform.EchoServiceClient(channel, token=lambda: next(tokens))
            rotating.echo(echo.Request())
            rotating.echo(echo.Request())
    first, second, third = servicer.metadata
    assert (first["x-client"], first["x-call"]) == ("c", "1")
    assert first["authorization"] == "Bearer s3cret-token"
    assert second["authorization"] == "Bearer fresh-1"
    assert third["authorization"] == "Bearer fresh-2"
    assert "s3cret-token" not in repr(client) and "s3cret-token" not in str(client)
    assert "<set>" in repr(client)
    assert all("s3cret-token" not in record.getMessage() for record in caplog.records)


def test_async_token_callable(echo: ModuleType) -> None:
    platform = echo.echo_platform

    async def token() -> str:
        await asyncio.sleep(0)
        return "from-coroutine"

    async def scenario() -> None:
        servicer = echo.AsyncEcho()
        async with aio_server(
            lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
        ) as target:
            async with platform.EchoServiceAsyncClient.connect(
                target, insecure=True, token=token
            ) as client:
                await client.echo(echo.Request())
                async for _ in client.expand(echo.Request(count=1)):
                    pass
        assert servicer.metadata[0]["authorization"] == "Bearer from-coroutine"

    run(scenario())


# --- retries -------------------------------------------------------------------


def test_service_config_retries_only_safe_methods(echo: ModuleType) -> None:
    platform = echo.echo_platform
    config = json.loads(platform.EchoServiceClient.SERVICE_CONFIG)
    assert (
        platform.EchoServiceAsyncClient.SERVICE_CONFIG
        == platform.EchoServiceClient.SERVICE_CONFIG
    )
    (method_config,) = config["methodConfig"]
    names = {(n["service"], n["method"]) for n in method_config["name"]}
    assert names == {
        ("demo.echo.v1.EchoService", "Echo"),
        ("demo.echo.v1.EchoService", "Expand"),
        ("demo.echo.v1.EchoService", "Collect"),
    }
    policy = method_config["retryPolicy"]
    assert policy["retryableStatusCodes"] == ["UNAVAILABLE"]
    assert policy["backoffMultiplier"] > 1
    assert config["loadBalancingConfig"] == [{"round_robin": {}}]
    assert json.loads(platform.LegacyEchoServiceClient.SERVICE_CONFIG) == {
        "loadBalancingConfig": [{"round_robin": {}}],
        "methodConfig": [],
    }


def test_idempotent_rpc_is_retried_through_unavailable(echo: ModuleType) -> None:
    platform = echo.echo_platform
    servicer = echo.SyncEcho()
    servicer.fail_first = 2
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            assert client.echo(echo.Request(text="ok")).text == "ok"
    assert servicer.attempts == 3


def test_non_idempotent_rpc_is_not_retried(echo: ModuleType) -> None:
    platform = echo.echo_platform
    servicer = echo.SyncEcho()
    servicer.fail_first = 2
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            with pytest.raises(echo.rt.UnavailableError) as info:
                client.append(echo.Request(text="once"))
    assert info.value.message == "warming up"
    assert servicer.attempts == 1


def test_async_client_retries_too(echo: ModuleType) -> None:
    platform = echo.echo_platform

    async def scenario() -> int:
        servicer = echo.AsyncEcho()
        servicer.fail_first = 2
        async with aio_server(
            lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
        ) as target:
            async with platform.EchoServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                assert (await client.echo(echo.Request(text="ok"))).text == "ok"
        return servicer.attempts

    assert run(scenario()) == 3


# --- cancellation --------------------------------------------------------------


def test_cancelling_a_server_stream_ends_the_servers_loop(echo: ModuleType) -> None:
    platform = echo.echo_platform
    servicer = echo.SyncEcho()
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            stream = client.expand(echo.Request(count=-1))  # endless
            assert next(stream).index == 0
            assert stream.cancel()
            assert servicer.stream_ended.wait(5), "the server kept streaming"


def test_breaking_out_of_the_loop_cancels_the_call(echo: ModuleType) -> None:
    platform = echo.echo_platform
    servicer = echo.SyncEcho()
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            for response in client.expand(echo.Request(count=-1)):
                if response.index == 2:
                    break
            gc.collect()
            assert servicer.stream_ended.wait(5), "the server kept streaming"


def test_async_stream_cancel_ends_the_servers_loop(echo: ModuleType) -> None:
    platform = echo.echo_platform

    async def scenario() -> None:
        servicer = echo.AsyncEcho()
        async with aio_server(
            lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
        ) as target:
            async with platform.EchoServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                stream = client.expand(echo.Request(count=-1))
                async for response in stream:
                    if response.index == 2:
                        break
                stream.cancel()
                await asyncio.wait_for(servicer.stream_ended.wait(), 5)

    run(scenario())


# --- channels and context managers ---------------------------------------------


def test_client_closes_only_a_channel_it_owns(echo: ModuleType) -> None:
    platform = echo.echo_platform
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(echo.SyncEcho(), s)
    ) as target:
        with grpc.insecure_channel(target) as channel:
            with platform.EchoServiceClient(channel) as borrowed:
                borrowed.echo(echo.Request())
            # The user's channel is still open after the client closed.
            assert (
                platform.EchoServiceClient(channel)
                .echo(echo.Request(text="still"))
                .text
                == "still"
            )
        owned = platform.EchoServiceClient.connect(target, insecure=True)
        owned.echo(echo.Request())
        owned.close()
        with pytest.raises(ValueError, match="the channel is closed"):
            owned.echo(echo.Request())


def test_connect_uses_tls_unless_told_otherwise(echo: ModuleType) -> None:
    """Against a plaintext server, the default (TLS) handshake must fail."""
    platform = echo.echo_platform
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(echo.SyncEcho(), s)
    ) as target:
        with platform.EchoServiceClient.connect(target, timeout=3) as tls_client:
            with pytest.raises(echo.rt.UnavailableError):
                tls_client.echo(echo.Request())
        with pytest.raises(ValueError, match="either credentials or insecure"):
            platform.EchoServiceClient.connect(
                target, insecure=True, credentials=grpc.ssl_channel_credentials()
            )


# --- deprecation -----------------------------------------------------------------


def test_deprecated_rpc_and_service_warn_at_the_callers_line(echo: ModuleType) -> None:
    platform = echo.echo_platform

    class Legacy(platform.LegacyEchoServiceServicer):  # type: ignore[misc,name-defined]
        def echo(self, request: Any, context: Any) -> Any:
            return echo.Response(text=request.text)

    def register(server: grpc.Server) -> None:
        platform.add_EchoServiceServicer_to_server(echo.SyncEcho(), server)
        platform.add_LegacyEchoServiceServicer_to_server(Legacy(), server)

    with sync_server(register) as target, grpc.insecure_channel(target) as channel:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            client = platform.EchoServiceClient(channel)
            assert client.old_echo(echo.Request(text="x")).text == "old x"
            client.echo(echo.Request())
            legacy = platform.LegacyEchoServiceClient(channel)
            legacy.echo(echo.Request())
    messages = [
        (str(w.message), Path(w.filename).name)
        for w in caught
        if w.category is DeprecationWarning
    ]
    assert messages == [
        ("RPC /demo.echo.v1.EchoService/OldEcho is deprecated", "test_clients.py"),
        ("LegacyEchoServiceClient: the service is deprecated", "test_clients.py"),
    ]
    assert "Deprecated" in platform.EchoServiceClient.old_echo.__doc__


def test_method_docstrings_come_from_comments_or_name_the_rpc(echo: ModuleType) -> None:
    platform = echo.echo_platform
    doc = platform.EchoServiceClient.expand.__doc__
    assert doc.startswith("Sends `count` responses, numbered from 0.")
    assert "``/demo.echo.v1.EchoService/Expand`` (server-streaming)" in doc
    assert "Echoes text back" in platform.EchoServiceAsyncClient.__doc__
