"""Response metadata and request IDs on the client, live on loopback: with_call
on every kind, sync and async, on success and on error; stream metadata;
cancellable sync calls; and the x-request-id every call sends."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from types import ModuleType
from typing import Any, AsyncIterator, Iterator

import grpc
import pytest

from servers import aio_server, run, sync_server

HEX32 = re.compile(r"[0-9a-f]{32}")
HEAD = ("x-head", "h")
TAIL = ("x-tail", "t")


@pytest.fixture(scope="module")
def echo(corpus_out: Path) -> ModuleType:
    import echo_impl

    return echo_impl


def _servicers(echo: ModuleType) -> tuple[Any, Any]:
    """Echo servicers that send a header and a trailer on every kind, and
    fail (after sending them) when the text is "fail"."""
    rt, platform, Response = echo.rt, echo.echo_platform, echo.Response

    def mark(context: Any) -> None:
        context.send_initial_metadata((HEAD,))
        context.set_trailing_metadata((TAIL,))

    def verdict(text: str) -> Any:
        if text == "fail":
            raise rt.NotFoundError("no such text", reason="GONE")
        return Response(text=text)

    class Sync(platform.EchoServiceServicer):  # type: ignore[misc,name-defined]
        def echo(self, request: Any, context: Any) -> Any:
            mark(context)
            return verdict(request.text)

        def expand(self, request: Any, context: Any) -> Iterator[Any]:
            mark(context)
            yield Response(text="first")
            yield verdict(request.text)

        def collect(self, requests: Any, context: Any) -> Any:
            mark(context)
            return verdict("".join(r.text for r in requests))

        def chat(self, requests: Any, context: Any) -> Iterator[Any]:
            mark(context)
            for request in requests:
                yield verdict(request.text)

    class Async(platform.EchoServiceAsyncServicer):  # type: ignore[misc,name-defined]
        async def echo(self, request: Any, context: Any) -> Any:
            await context.send_initial_metadata((HEAD,))
            context.set_trailing_metadata((TAIL,))
            return verdict(request.text)

        async def expand(self, request: Any, context: Any) -> AsyncIterator[Any]:
            await context.send_initial_metadata((HEAD,))
            context.set_trailing_metadata((TAIL,))
            yield Response(text="first")
            yield verdict(request.text)

        async def collect(self, requests: Any, context: Any) -> Any:
            await context.send_initial_metadata((HEAD,))
            context.set_trailing_metadata((TAIL,))
            return verdict("".join([r.text async for r in requests]))

        async def chat(self, requests: Any, context: Any) -> AsyncIterator[Any]:
            await context.send_initial_metadata((HEAD,))
            context.set_trailing_metadata((TAIL,))
            async for request in requests:
                yield verdict(request.text)

    return Sync(), Async()


def _has_marks(initial: Any, trailing: Any) -> bool:
    return HEAD in tuple(initial) and TAIL in tuple(trailing)


def test_metadata_on_every_kind_sync(echo: ModuleType) -> None:
    rt, platform, Request = echo.rt, echo.echo_platform, echo.Request
    servicer = _servicers(echo)[0]
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            for call in (
                rt.with_call(client.echo, Request(text="ok")),
                rt.with_call(client.collect, [Request(text="o"), Request(text="k")]),
            ):
                assert call.response.text == "ok"
                assert _has_marks(call.initial_metadata, call.trailing_metadata)
                assert HEX32.fullmatch(call.request_id)
                assert ("x-request-id", call.request_id) in call.initial_metadata
            for stream in (
                client.expand(Request(text="ok")),
                client.chat([Request(text="ok")]),
            ):
                assert [r.text for r in stream][-1] in ("ok", "OK")
                assert _has_marks(stream.initial_metadata(), stream.trailing_metadata())
            for failing in (
                lambda: client.echo(Request(text="fail")),
                lambda: client.collect([Request(text="fail")]),
                lambda: list(client.expand(Request(text="fail"))),
                lambda: list(client.chat([Request(text="fail")])),
            ):
                with pytest.raises(rt.NotFoundError) as info:
                    failing()
                error = info.value
                assert _has_marks(error.initial_metadata, error.trailing_metadata)
                assert HEX32.fullmatch(error.request_id or "")
                assert isinstance(error.debug_error_string, str)


def test_metadata_on_every_kind_async(echo: ModuleType) -> None:
    rt, platform, Request = echo.rt, echo.echo_platform, echo.Request
    servicer = _servicers(echo)[1]

    async def requests(*texts: str) -> AsyncIterator[Any]:
        for text in texts:
            yield Request(text=text)

    async def scenario() -> None:
        async with aio_server(
            lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
        ) as target:
            async with platform.EchoServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                for call in (
                    await rt.with_call(client.echo, Request(text="ok")),
                    await rt.with_call(client.collect, requests("o", "k")),
                ):
                    assert call.response.text == "ok"
                    assert _has_marks(call.initial_metadata, call.trailing_metadata)
                    assert HEX32.fullmatch(call.request_id)
                for stream in (
                    client.expand(Request(text="ok")),
                    client.chat(requests("ok")),
                ):
                    assert [r.text async for r in stream][-1] == "ok"
                    assert _has_marks(
                        await stream.initial_metadata(),
                        await stream.trailing_metadata(),
                    )
                for failing in (
                    client.echo(Request(text="fail")),
                    client.collect(requests("fail")),
                ):
                    with pytest.raises(rt.NotFoundError) as info:
                        await failing
                    assert _has_marks(
                        info.value.initial_metadata, info.value.trailing_metadata
                    )
                for stream in (
                    client.expand(Request(text="fail")),
                    client.chat(requests("fail")),
                ):
                    with pytest.raises(rt.NotFoundError) as info:
                        [r async for r in stream]
                    assert _has_marks(
                        info.value.initial_metadata, info.value.trailing_metadata
                    )

    run(scenario())


def test_with_call_needs_a_method_with_one_response(echo: ModuleType) -> None:
    rt, platform = echo.rt, echo.echo_platform
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(echo.SyncEcho(), s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            with pytest.raises(TypeError, match="one response"):
                rt.with_call(client.expand, echo.Request(count=1))


# --- request IDs out --------------------------------------------------------------


def test_one_request_id_across_retries_a_new_one_per_call_and_the_callers(
    echo: ModuleType,
) -> None:
    platform = echo.echo_platform
    servicer = echo.SyncEcho()
    servicer.fail_first = 2  # UNAVAILABLE twice: grpc's policy retries Echo
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            client.echo(echo.Request())
            first = [m["x-request-id"] for m in servicer.metadata]
            assert len(first) == 3 and len(set(first)) == 1  # three attempts, one ID
            assert HEX32.fullmatch(first[0])
            client.echo(echo.Request())
            assert servicer.metadata[-1]["x-request-id"] not in first
            client.echo(echo.Request(), metadata=[("x-request-id", "mine-1")])
            assert servicer.metadata[-1]["x-request-id"] == "mine-1"
        with platform.EchoServiceClient.connect(
            target, insecure=True, metadata=[("x-request-id", "client-wide")]
        ) as fixed:
            fixed.echo(echo.Request())
            assert servicer.metadata[-1]["x-request-id"] == "client-wide"


# --- cancellable sync calls --------------------------------------------------------


def test_a_client_streaming_call_started_in_the_background_can_be_cancelled(
    echo: ModuleType,
) -> None:
    rt, platform, Request = echo.rt, echo.echo_platform, echo.Request
    reading = threading.Event()
    ended = threading.Event()

    class Slow(platform.EchoServiceServicer):  # type: ignore[misc,name-defined]
        def collect(self, requests: Any, context: Any) -> Any:
            try:
                for _ in requests:
                    reading.set()
            except grpc.RpcError:
                pass  # the client cancelled
            finally:
                ended.set()
            return echo.Response()

    gate = threading.Event()

    def endless() -> Iterator[Any]:
        yield Request(text="a")
        gate.wait(10)

    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(Slow(), s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            pending = rt.start(client.collect, endless())
            assert reading.wait(5) and not pending.done()
            assert pending.cancel()
            with pytest.raises(rt.CancelledError):
                pending.result(timeout=5)
            gate.set()
            assert ended.wait(5)  # the servicer saw the call end
            done = rt.start(client.collect, [Request(text="x"), Request(text="y")])
            call = done.call(timeout=5)
            assert call.response.text == "" and HEX32.fullmatch(call.request_id)
            assert not done.cancel()  # finished already
