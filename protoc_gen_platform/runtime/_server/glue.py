"""Server-side glue: servicer bases, registration, and failures on the wire.

Registration wraps every servicer method so that:

* a raised :class:`PlatformError` becomes its status code with rich details,
  or, for an RPC whose response is ``oneof result {success; error}``, the
  response's ``error`` branch (the method itself returns the success payload);
* any other exception becomes INTERNAL with a generic message: it is logged
  here, and no text or traceback of it reaches the caller;
* streams that fail midway keep the responses sent before the failure.
"""

from __future__ import annotations

import logging
from typing import Any, AsyncIterator, Callable, Iterable, Iterator, NoReturn

import grpc

from .._shared.errors import PlatformError
from .._shared.rpc import Rpc, serialize
from .._shared.status import to_error_message, to_grpc_status

__all__ = [
    "AsyncServicer",
    "Servicer",
    "add_service",
    "unimplemented",
    "unimplemented_async",
    "unimplemented_stream",
]

logger = logging.getLogger(__name__)

INTERNAL_MESSAGE = "internal error"
"""What the caller is told about an unexpected exception in a servicer."""

_HANDLER_FACTORIES: dict[str, Callable[..., grpc.RpcMethodHandler[Any, Any]]] = {
    "unary_unary": grpc.unary_unary_rpc_method_handler,
    "unary_stream": grpc.unary_stream_rpc_method_handler,
    "stream_unary": grpc.stream_unary_rpc_method_handler,
    "stream_stream": grpc.stream_stream_rpc_method_handler,
}


class Servicer:
    """Base of generated synchronous servicers, served by ``grpc.server()``."""


class AsyncServicer:
    """Base of generated asyncio servicers, served by ``grpc.aio.server()``."""


def add_service(
    server: grpc.Server | grpc.aio.Server,
    servicer: Servicer | AsyncServicer,
    service_name: str,
    methods: Iterable[tuple[Rpc[Any, Any], Callable[..., Any]]],
) -> None:
    """Register ``servicer``'s methods, given as ``(rpc, behaviour)`` pairs.

    A synchronous servicer can be served by ``grpc.server()`` or by
    ``grpc.aio.server()``; an asyncio servicer needs ``grpc.aio.server()``.
    """
    is_async = isinstance(servicer, AsyncServicer)
    if is_async and not isinstance(server, grpc.aio.Server):
        raise TypeError(
            f"{type(servicer).__name__} is an asyncio servicer: serve it with "
            "grpc.aio.server(), not grpc.server()"
        )
    wrap = _async_handler if is_async else _sync_handler
    handlers = {
        rpc.method_name: _HANDLER_FACTORIES[rpc.kind](
            wrap(rpc, behaviour),
            request_deserializer=rpc.request_type.FromString,
            response_serializer=serialize,
        )
        for rpc, behaviour in methods
    }
    generic = grpc.method_handlers_generic_handler(service_name, handlers)
    server.add_generic_rpc_handlers((generic,))


def _is_abort(exc: Exception, context: Any) -> bool:
    """True for the exception grpc raises when the servicer aborts the call."""
    if isinstance(exc, grpc.aio.AbortError):
        return True
    code = getattr(context, "code", None)
    return (
        type(exc) is Exception
        and not exc.args
        and callable(code)
        and code() is not None
    )


def _abort_with_status(context: grpc.ServicerContext, status: grpc.Status) -> NoReturn:
    """``context.abort_with_status``, also where a context lacks it (a sync
    servicer on ``grpc.aio.server()`` gets one without)."""
    if hasattr(context, "abort_with_status"):
        context.abort_with_status(status)
    context.set_trailing_metadata(status.trailing_metadata)
    context.abort(status.code, status.details)


def _log_unexpected(rpc: Rpc[Any, Any]) -> None:
    logger.exception("unexpected exception in %s; answering INTERNAL", rpc.path)


def _wrap_result(rpc: Rpc[Any, Any], payload: Any) -> Any:
    return rpc.response_type(**{rpc.result[1]: payload}) if rpc.result else payload


def _error_response(rpc: Rpc[Any, Any], exc: PlatformError) -> Any:
    """The in-band error response of a result-oneof RPC, or None."""
    message = to_error_message(exc) if rpc.result else None
    return None if message is None else rpc.response_type(error=message)


def _sync_handler(
    rpc: Rpc[Any, Any], behaviour: Callable[..., Any]
) -> Callable[..., Any]:
    def fail(context: grpc.ServicerContext, exc: Exception) -> NoReturn:
        if isinstance(exc, PlatformError):
            _abort_with_status(context, to_grpc_status(exc))
        if _is_abort(exc, context):
            raise exc
        _log_unexpected(rpc)
        context.abort(grpc.StatusCode.INTERNAL, INTERNAL_MESSAGE)

    if rpc.kind.endswith("_stream"):

        def stream_handler(
            request: Any, context: grpc.ServicerContext
        ) -> Iterator[Any]:
            try:
                yield from behaviour(request, context)
            except Exception as exc:
                fail(context, exc)

        return stream_handler

    def handler(request: Any, context: grpc.ServicerContext) -> Any:
        try:
            return _wrap_result(rpc, behaviour(request, context))
        except PlatformError as exc:
            response = _error_response(rpc, exc)
            if response is None:
                fail(context, exc)
            return response
        except Exception as exc:
            fail(context, exc)

    return handler


def _async_handler(
    rpc: Rpc[Any, Any], behaviour: Callable[..., Any]
) -> Callable[..., Any]:
    async def fail(
        context: grpc.aio.ServicerContext[Any, Any], exc: Exception
    ) -> NoReturn:
        if isinstance(exc, PlatformError):
            await context.abort_with_status(to_grpc_status(exc))
        if _is_abort(exc, context):
            raise exc
        _log_unexpected(rpc)
        await context.abort(grpc.StatusCode.INTERNAL, INTERNAL_MESSAGE)

    if rpc.kind.endswith("_stream"):
        # grpc.aio recognises streaming handlers by being async generator
        # functions; servicer methods may be those or return an async iterator.
        async def stream_handler(
            request: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            try:
                async for response in behaviour(request, context):
                    yield response
            except Exception as exc:
                await fail(context, exc)

        return stream_handler

    async def handler(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        try:
            return _wrap_result(rpc, await behaviour(request, context))
        except PlatformError as exc:
            response = _error_response(rpc, exc)
            if response is None:
                await fail(context, exc)
            return response
        except Exception as exc:
            await fail(context, exc)

    return handler


def _message(rpc: Rpc[Any, Any]) -> str:
    return f"Method not implemented: {rpc.path}"


def unimplemented(context: grpc.ServicerContext, rpc: Rpc[Any, Any]) -> NoReturn:
    """End the call with UNIMPLEMENTED, naming the RPC's full path."""
    context.abort(grpc.StatusCode.UNIMPLEMENTED, _message(rpc))


async def unimplemented_async(
    context: grpc.aio.ServicerContext[Any, Any], rpc: Rpc[Any, Any]
) -> NoReturn:
    """The asyncio twin of :func:`unimplemented`."""
    await context.abort(grpc.StatusCode.UNIMPLEMENTED, _message(rpc))


async def unimplemented_stream(
    context: grpc.aio.ServicerContext[Any, Any], rpc: Rpc[Any, Any]
) -> AsyncIterator[Any]:
    """An async response stream that ends the call with UNIMPLEMENTED."""
    await context.abort(grpc.StatusCode.UNIMPLEMENTED, _message(rpc))
    yield  # pragma: no cover - makes this an async generator
