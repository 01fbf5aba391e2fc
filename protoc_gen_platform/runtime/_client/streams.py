"""Streams on the client side: the caller's requests going out, responses coming in.

The caller's request iterables are read through a pump that remembers an
exception the caller's own code raised, so the call ends with that exception
rather than grpc's stand-in for it (``UNKNOWN: Exception iterating
requests!`` on a sync channel, a bare ``asyncio.CancelledError`` on asyncio).
"""

from __future__ import annotations

import asyncio
from typing import (
    Any,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Generic,
    Iterable,
    Iterator,
    Union,
)

import grpc

from .._shared.errors import CancelledError, remote
from .._shared.rpc import RequestT, ResponseT
from .._shared.status import from_rpc_error
from .calllog import CallLog

__all__ = [
    "AsyncRequestPump",
    "AsyncResponseStream",
    "RequestPump",
    "ResponseStream",
    "cancelled_by_caller",
]


def cancelled_by_caller() -> CancelledError:
    """The error of a call that the caller cancelled."""
    return remote(CancelledError("the call was cancelled by the caller"))


class RequestPump(Generic[RequestT], Iterator[RequestT]):
    """The caller's requests, for a sync channel; remembers their failure."""

    __slots__ = ("_requests", "failure")

    def __init__(self, requests: Iterable[RequestT]) -> None:
        self._requests = iter(requests)
        self.failure: Exception | None = None

    def __iter__(self) -> RequestPump[RequestT]:
        return self

    def __next__(self) -> RequestT:
        try:
            return next(self._requests)
        except StopIteration:
            raise
        except Exception as exc:
            self.failure = exc
            raise


class AsyncRequestPump(Generic[RequestT], AsyncIterator[RequestT]):
    """The caller's requests (an iterable or async iterable), for an asyncio
    channel; remembers their failure."""

    __slots__ = ("_iterator", "_async_iterator", "failure")

    def __init__(
        self, requests: Union[Iterable[RequestT], AsyncIterable[RequestT]]
    ) -> None:
        self._iterator: Iterator[RequestT] | None = None
        self._async_iterator: AsyncIterator[RequestT] | None = None
        if isinstance(requests, AsyncIterable):
            self._async_iterator = requests.__aiter__()
        else:
            self._iterator = iter(requests)
        self.failure: Exception | None = None

    def __aiter__(self) -> AsyncRequestPump[RequestT]:
        return self

    async def __anext__(self) -> RequestT:
        try:
            if self._iterator is not None:
                return next(self._iterator)
            assert self._async_iterator is not None
            return await self._async_iterator.__anext__()
        except StopIteration:
            raise StopAsyncIteration from None
        except StopAsyncIteration:
            raise
        except Exception as exc:
            self.failure = exc
            raise


class ResponseStream(Generic[ResponseT], Iterator[ResponseT]):
    """The responses of a server- or bidirectional-streaming call.

    Iterate it to receive responses; a failure raises the typed error (or the
    exception the caller's request iterator raised), and so does every later
    ``next()``. Call :meth:`cancel` to end the call early; leaving a ``with``
    block cancels it too, and so does dropping the stream.
    """

    __slots__ = ("_call", "_pump", "_log")

    def __init__(
        self,
        call: Any,
        pump: RequestPump[Any] | None = None,
        log: CallLog | None = None,
    ) -> None:
        self._call = call
        self._pump = pump
        self._log = log

    def __iter__(self) -> ResponseStream[ResponseT]:
        return self

    def __next__(self) -> ResponseT:
        try:
            response: ResponseT = next(self._call)
        except StopIteration:
            self._end("OK")
            raise
        except grpc.RpcError as exc:
            error = from_rpc_error(exc)
            self._end(error.code.name)
            failure = self._pump.failure if self._pump is not None else None
            if failure is None:
                raise error from exc
        else:
            return response
        raise failure  # the caller's own exception, as it was raised

    def _end(self, code: str) -> None:
        """Write the call's log line, once, when the stream ends."""
        log, self._log = self._log, None
        if log is not None:
            log.done(code, self.initial_metadata(), self.trailing_metadata())

    def cancel(self) -> bool:
        """Cancel the call; False if it had already finished."""
        cancelled: bool = self._call.cancel()
        return cancelled

    def initial_metadata(self) -> tuple[tuple[str, str | bytes], ...]:
        """The response headers, once the server has sent them (this waits)."""
        return tuple(self._call.initial_metadata() or ())

    def trailing_metadata(self) -> tuple[tuple[str, str | bytes], ...]:
        """The response trailers, once the call has ended (this waits)."""
        return tuple(self._call.trailing_metadata() or ())

    def __enter__(self) -> ResponseStream[ResponseT]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cancel()

    def __del__(self) -> None:
        _cancel_quietly(getattr(self, "_call", None))


class AsyncResponseStream(Generic[ResponseT], AsyncIterator[ResponseT]):
    """The responses of a streaming call on an asyncio channel.

    Use it with ``async for``. The call starts at the first iteration (so that
    an async token source can be awaited first). A failure, including one in
    starting the call, raises the typed error (or the exception the caller's
    request iterator raised), and so does every later iteration, as on a sync
    stream. :meth:`cancel` ends the call early, or keeps it from starting;
    iterating a cancelled stream raises :class:`CancelledError`.
    """

    __slots__ = (
        "_start",
        "_call",
        "_responses",
        "_pump",
        "_failure",
        "_cancelled",
        "_log",
    )

    def __init__(
        self,
        start: Callable[[], Awaitable[tuple[Any, CallLog | None]]],
        pump: AsyncRequestPump[Any] | None = None,
    ) -> None:
        self._start: Callable[[], Awaitable[tuple[Any, CallLog | None]]] | None = start
        self._log: CallLog | None = None
        self._call: Any = None
        self._responses: AsyncIterator[Any] | None = None
        self._pump = pump
        self._failure: BaseException | None = None
        self._cancelled = False

    def __aiter__(self) -> AsyncResponseStream[ResponseT]:
        return self

    async def __anext__(self) -> ResponseT:
        if self._failure is not None:
            raise self._failure
        try:
            if self._responses is None:
                await self._begin()
            assert self._responses is not None
            response: ResponseT = await self._responses.__anext__()
        except StopAsyncIteration:
            await self._end("OK")
            raise
        except grpc.RpcError as exc:
            self._failure = from_rpc_error(exc)
            await self._end(self._failure.code.name)
            raise self._failure from exc
        except asyncio.CancelledError:
            self._failure = self._local_failure()
            if self._failure is None:
                raise  # the caller's task itself was cancelled
        except Exception as exc:
            self._failure = exc
            raise
        else:
            return response
        raise self._failure  # outside the handler: the exception as it was raised

    async def _begin(self) -> None:
        if self._start is None:
            raise asyncio.CancelledError  # cancelled before it started
        start, self._start = self._start, None
        self._call, self._log = await start()
        self._responses = self._call.__aiter__()

    async def _end(self, code: str) -> None:
        """Write the call's log line, once, when the stream ends."""
        log, self._log = self._log, None
        if log is not None:
            log.done(
                code,
                await self._call.initial_metadata(),
                await self._call.trailing_metadata(),
            )

    def _local_failure(self) -> BaseException | None:
        """Why grpc cancelled the call, when it was on this side."""
        if self._pump is not None and self._pump.failure is not None:
            return self._pump.failure
        return cancelled_by_caller() if self._cancelled else None

    def cancel(self) -> bool:
        """Cancel the call (or keep it from starting); False if already over."""
        if self._start is not None:
            self._start = None
            self._cancelled = True
            return True
        if self._call is None:
            return False
        cancelled: bool = self._call.cancel()
        self._cancelled = self._cancelled or cancelled
        return cancelled

    async def initial_metadata(self) -> tuple[tuple[str, str | bytes], ...]:
        """The response headers, once the server has sent them (this starts
        the call if it has not started)."""
        call = await self._started()
        return tuple(await call.initial_metadata() or ())

    async def trailing_metadata(self) -> tuple[tuple[str, str | bytes], ...]:
        """The response trailers, once the call has ended."""
        call = await self._started()
        return tuple(await call.trailing_metadata() or ())

    async def _started(self) -> Any:
        """The grpc call, started if it has not; raises why it could not be."""
        if self._call is None:
            if self._failure is not None:
                raise self._failure
            try:
                await self._begin()
            except asyncio.CancelledError:
                self._failure = self._local_failure()
                if self._failure is None:
                    raise
                raise self._failure from None
            except Exception as exc:
                self._failure = exc
                raise
        return self._call

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
