"""Echo servicers, sync and asyncio, over the generated demo.echo.v1 module.

Import this only after the corpus output is on sys.path (the ``corpus_out``
fixture does that).
"""

from __future__ import annotations

import asyncio
import threading
from typing import AsyncIterator, Iterator

import grpc

import platform_runtime as rt
from demo.echo.v1 import echo_pb2, echo_platform

__all__ = ["AsyncEcho", "Request", "Response", "SyncEcho", "echo_platform", "rt"]

Request = echo_pb2.EchoRequest
Response = echo_pb2.EchoResponse


class SyncEcho(echo_platform.EchoServiceServicer):
    """Echo on grpc.server(); records what it sees."""

    def __init__(self) -> None:
        self.metadata: list[dict[str, str | bytes]] = []
        self.time_remaining: list[float | None] = []
        self.stream_ended = threading.Event()
        self.attempts = 0
        self.fail_first = 0

    def _see(self, context: grpc.ServicerContext) -> None:
        self.metadata.append(dict(context.invocation_metadata()))
        self.time_remaining.append(context.time_remaining())

    def echo(self, request: Request, context: grpc.ServicerContext) -> Response:
        self._see(context)
        self.attempts += 1
        if self.attempts <= self.fail_first:
            context.abort(grpc.StatusCode.UNAVAILABLE, "warming up")
        if request.text == "slow":
            threading.Event().wait(2.0)
        return Response(text=request.text)

    def append(self, request: Request, context: grpc.ServicerContext) -> Response:
        self.attempts += 1
        if self.attempts <= self.fail_first:
            context.abort(grpc.StatusCode.UNAVAILABLE, "warming up")
        return Response(text=request.text + "+")

    def expand(
        self, request: Request, context: grpc.ServicerContext
    ) -> Iterator[Response]:
        try:
            index = 0
            while request.count < 0 or index < request.count:
                if request.count < 0 and not context.is_active():
                    return
                yield Response(text=request.text, index=index)
                index += 1
                if request.count < 0:
                    threading.Event().wait(0.01)
        finally:
            self.stream_ended.set()

    def collect(
        self, request_iterator: Iterator[Request], context: grpc.ServicerContext
    ) -> Response:
        return Response(text="".join(r.text for r in request_iterator))

    def chat(
        self, request_iterator: Iterator[Request], context: grpc.ServicerContext
    ) -> Iterator[Response]:
        for index, request in enumerate(request_iterator):
            yield Response(text=request.text.upper(), index=index)

    def old_echo(self, request: Request, context: grpc.ServicerContext) -> Response:
        return Response(text="old " + request.text)


class AsyncEcho(echo_platform.EchoServiceAsyncServicer):
    """Echo on grpc.aio.server()."""

    def __init__(self) -> None:
        self.metadata: list[dict[str, str | bytes]] = []
        self.stream_ended = asyncio.Event()
        self.attempts = 0
        self.fail_first = 0

    async def echo(
        self, request: Request, context: grpc.aio.ServicerContext[Request, Response]
    ) -> Response:
        self.metadata.append(dict(context.invocation_metadata() or ()))
        self.attempts += 1
        if self.attempts <= self.fail_first:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "warming up")
        if request.text == "slow":
            await asyncio.sleep(2.0)
        return Response(text=request.text)

    async def expand(
        self, request: Request, context: grpc.aio.ServicerContext[Request, Response]
    ) -> AsyncIterator[Response]:
        try:
            index = 0
            while request.count < 0 or index < request.count:
                yield Response(text=request.text, index=index)
                index += 1
                if request.count < 0:
                    await asyncio.sleep(0.01)
        finally:
            self.stream_ended.set()

    async def collect(
        self,
        request_iterator: AsyncIterator[Request],
        context: grpc.aio.ServicerContext[Request, Response],
    ) -> Response:
        return Response(text="".join([r.text async for r in request_iterator]))

    async def chat(
        self,
        request_iterator: AsyncIterator[Request],
        context: grpc.aio.ServicerContext[Request, Response],
    ) -> AsyncIterator[Response]:
        index = 0
        async for request in request_iterator:
            yield Response(text=request.text.upper(), index=index)
            index += 1
