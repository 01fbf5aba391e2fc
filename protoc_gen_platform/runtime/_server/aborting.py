"""Ending a call with a PlatformError, for the glue and for hand-written code.

Interceptors and handlers that are not generated end calls the way the
generated glue does through :func:`abort`, :func:`abort_async` and
:func:`to_status`, never through private modules. Trailing metadata that the
servicer set before failing is kept beside the status details.
"""

from __future__ import annotations

from typing import Any, Callable, NoReturn, TypeVar, Union

import grpc

from .._shared.errors import PlatformError
from .._shared.status import to_grpc_status

__all__ = [
    "Answer",
    "abort",
    "abort_async",
    "abort_async_with",
    "abort_sync_with",
    "end_stream",
    "end_sync_stream_with",
    "to_status",
]

_Q = TypeVar("_Q")
_R = TypeVar("_R")

Pairs = tuple[tuple[str, Union[str, bytes]], ...]


class Answer(grpc.Status):
    """A status to end a call with: a code, its message and no details."""

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        self.code = code
        self.details = details
        self.trailing_metadata = ()


def to_status(error: PlatformError) -> grpc.Status:
    """The ``grpc.Status`` that carries ``error``: its code, message and rich
    details (``ErrorInfo``, ``BadRequest``, ``RetryInfo``, ``RequestInfo``),
    within the trailer budget."""
    return to_grpc_status(error)


def _trailers(context: Any, status: grpc.Status, extra: Pairs) -> Pairs:
    """The servicer's own trailing metadata, then the status's, then ``extra``."""
    own: Callable[[], Pairs | None] | None = getattr(context, "trailing_metadata", None)
    kept: Pairs = tuple(own() or ()) if own is not None else ()
    return kept + tuple(status.trailing_metadata or ()) + extra


def abort_sync_with(
    context: grpc.ServicerContext, status: grpc.Status, extra: Pairs = ()
) -> NoReturn:
    """End a call of a synchronous servicer with ``status``, adding ``extra``
    to the trailing metadata."""
    context.set_trailing_metadata(_trailers(context, status, extra))
    context.abort(status.code, status.details)
    raise AssertionError("unreachable: grpc's abort raises")  # pragma: no cover


def end_sync_stream_with(
    context: grpc.ServicerContext, status: grpc.Status, extra: Pairs = ()
) -> None:
    """Set ``status`` (and ``extra`` trailers) as the end of a synchronous
    servicer's response stream, which then returns instead of aborting.

    The responses it yielded all go out first. An abort would not wait for
    them on an asyncio server: grpc runs a synchronous stream there in a
    thread that runs ahead of the writes, and an abort from that thread can
    overtake responses still queued (measured: one stream in 70 on a busy
    machine lost its last response)."""
    context.set_trailing_metadata(_trailers(context, status, extra))
    context.set_code(status.code)
    context.set_details(status.details)


async def abort_async_with(
    context: grpc.aio.ServicerContext[Any, Any],
    status: grpc.Status,
    extra: Pairs = (),
) -> NoReturn:
    """The asyncio twin of :func:`abort_sync_with`."""
    await context.abort(status.code, status.details, _trailers(context, status, extra))


def abort(context: grpc.ServicerContext, error: PlatformError) -> NoReturn:
    """End the call being served with ``error``, as the generated glue sends
    it. For synchronous handlers; see :func:`abort_async` for asyncio ones,
    and :func:`end_stream` for a synchronous handler's response stream."""
    abort_sync_with(context, to_status(error))


def end_stream(context: grpc.ServicerContext, error: PlatformError) -> None:
    """Set ``error`` as the end of a synchronous handler's response stream,
    after the responses it yielded; the handler then returns.

    This is how the generated glue ends such a stream: an :func:`abort` there
    could overtake responses still queued when the handler runs on an
    asyncio server."""
    end_sync_stream_with(context, to_status(error))


async def abort_async(
    context: grpc.aio.ServicerContext[_Q, _R], error: PlatformError
) -> NoReturn:
    """The asyncio twin of :func:`abort`."""
    await abort_async_with(context, to_status(error))
