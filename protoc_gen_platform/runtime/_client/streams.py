"""Response streams handed out by clients: iterate them, or cancel them."""

from __future__ import annotations

from typing import Any, AsyncIterator, Awaitable, Callable, Generic, Iterator

import grpc

from .._shared.rpc import ResponseT
from .._shared.status import from_rpc_error

__all__ = ["AsyncResponseStream", "ResponseStream"]


class ResponseStream(Generic[ResponseT], Iterator[ResponseT]):
    """The responses of a server- or bidirectional-streaming call.

    Iterate it to receive responses. Call :meth:`cancel` to end the call early;
    leaving a ``for`` loop early (``break``) and dropping the stream cancels it
    too, and so does leaving a ``with`` block.
    """

    __slots__ = ("_call",)

    def __init__(self, call: Any) -> None:
        self._call = call

    def __iter__(self) -> ResponseStream[ResponseT]:
        return self

    def __next__(self) -> ResponseT:
        try:
            response: ResponseT = next(self._call)
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from exc
        return response

    def cancel(self) -> bool:
        """Cancel the call; False if it had already finished."""
        cancelled: bool = self._call.cancel()
        return cancelled

    def __enter__(self) -> ResponseStream[ResponseT]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cancel()

    def __del__(self) -> None:
        _cancel_quietly(getattr(self, "_call", None))


class AsyncResponseStream(Generic[ResponseT], AsyncIterator[ResponseT]):
    """The responses of a streaming call on an asyncio channel.

    Use it with ``async for``. The call starts at the first iteration (so that
    an async token source can be awaited first). :meth:`cancel` ends it early;
    leaving the loop early and dropping the stream cancels it too.
    """

    __slots__ = ("_start", "_call", "_responses")

    def __init__(self, start: Callable[[], Awaitable[Any]]) -> None:
        self._start: Callable[[], Awaitable[Any]] | None = start
        self._call: Any = None
        self._responses: AsyncIterator[Any] | None = None

    def __aiter__(self) -> AsyncResponseStream[ResponseT]:
        return self

    async def __anext__(self) -> ResponseT:
        if self._responses is None:
            if self._start is None:
                raise StopAsyncIteration
            start, self._start = self._start, None
            self._call = await start()
            self._responses = self._call.__aiter__()
        try:
            response: ResponseT = await self._responses.__anext__()
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from exc
        return response

    def cancel(self) -> bool:
        """Cancel the call (or keep it from starting); False if already over."""
        self._start = None
        if self._call is None:
            return False
        cancelled: bool = self._call.cancel()
        return cancelled

    async def __aenter__(self) -> AsyncResponseStream[ResponseT]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.cancel()

    def __del__(self) -> None:
        _cancel_quietly(getattr(self, "_call", None))


def _cancel_quietly(call: Any) -> None:
    """Cancel a call that is being garbage-collected; never raise from there."""
    if call is None:
        return
    try:
        call.cancel()
    except Exception:  # the channel or event loop may already be gone
        pass
