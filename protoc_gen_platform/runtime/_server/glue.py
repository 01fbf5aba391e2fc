"""Server-side glue: servicer bases, registration, and failures on the wire.

Registration wraps every servicer method so that:

* a :class:`PlatformError` the servicer raises becomes its status code with
  rich details, or, for an RPC whose response is ``oneof result {success;
  error}``, the response's ``error`` branch (the method itself returns the
  success payload);
* a *remote* error (one that a call made by the servicer raised, and that it
  let escape) is not passed on: the caller gets UNKNOWN with a generic
  message, and the server logs the error in full. ``error.forward()`` sends
  one on deliberately (AIP-193);
* any other exception, a failure to encode the error included, becomes
  INTERNAL with a generic message: it is logged here, and no text or
  traceback of it reaches the caller;
* streams that fail midway keep the responses sent before the failure.

Failures are logged on the ``<runtime package>.server`` logger
(``platform_runtime.server`` unless the runtime was renamed or moved).
"""

from __future__ import annotations

import logging
from typing import Any, AsyncIterator, Callable, Iterable, Iterator, NoReturn

import grpc

from .._shared.errors import PlatformError
from .._shared.inband import to_error_message
from .._shared.rpc import Rpc, serialize
from .._shared.status import to_grpc_status

__all__ = [
    "AsyncServicer",
    "INTERNAL_MESSAGE",
    "REMOTE_MESSAGE",
    "Servicer",
    "add_service",
    "logger",
    "unimplemented",
    "unimplemented_async",
    "unimplemented_stream",
]

logger = logging.getLogger(__package__.rpartition(".")[0] + ".server")
"""Where the glue logs the failures it does not send to the caller."""

INTERNAL_MESSAGE = "internal error"
"""What the caller is told about an unexpected exception in a servicer."""

REMOTE_MESSAGE = "a dependency of this service failed"
"""What the caller is told about a remote error the servicer let escape."""

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


class _Answer(grpc.Status):
    """A status to end a call with."""

    __slots__ = ("code", "details", "trailing_metadata")

    def __init__(
        self, code: grpc.StatusCode, details: str, trailing_metadata: tuple[()] = ()
    ) -> None:
        self.code = code
        self.details = details
        self.trailing_metadata = trailing_metadata


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


def _is_abort(exc: BaseException, context: Any) -> bool:
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


def _outcome(rpc: Rpc[Any, Any], exc: Exception, context: Any) -> Any:
    """What ends a call whose servicer raised ``exc``: a response to return
    (an in-band error), a grpc.Status to abort with, or None when ``exc`` is
    grpc's own signal that the servicer aborted the call."""
    if isinstance(exc, PlatformError) and not exc.remote:
        try:
            message = to_error_message(exc) if rpc.result else None
            if message is not None:
                return rpc.response_type(error=message)
            return to_grpc_status(exc)
        except Exception:
            return _internal(rpc, f"cannot encode the {type(exc).__name__} raised")
    if isinstance(exc, PlatformError):
        logger.error(
            "%s: the servicer let a remote error escape; answering UNKNOWN "
            "(raise error.forward() to send it on): %s %s",
            rpc.path,
            exc,
            _full_detail(exc),
            exc_info=exc,
        )
        return _Answer(grpc.StatusCode.UNKNOWN, REMOTE_MESSAGE)
    if _is_abort(exc, context):
        return None
    return _internal(rpc, "unexpected exception")


def _internal(rpc: Rpc[Any, Any], what: str) -> grpc.Status:
    """Log the exception being handled; the INTERNAL status to answer."""
    logger.exception("%s: %s; answering INTERNAL", rpc.path, what)
    return _Answer(grpc.StatusCode.INTERNAL, INTERNAL_MESSAGE)


def _full_detail(error: PlatformError) -> str:
    return repr(
        {
            "domain": error.domain,
            "metadata": error.metadata,
            "field_violations": error.field_violations,
            "retry_delay": error.retry_delay,
            "request_id": error.request_id,
        }
    )


def _abort_sync(context: grpc.ServicerContext, status: grpc.Status) -> NoReturn:
    """``context.abort_with_status``, also where a context lacks it (a sync
    servicer on ``grpc.aio.server()`` gets one without)."""
    if hasattr(context, "abort_with_status"):
        context.abort_with_status(status)
    context.set_trailing_metadata(status.trailing_metadata)
    context.abort(status.code, status.details)


def _wrap_result(rpc: Rpc[Any, Any], payload: Any) -> Any:
    return rpc.response_type(**{rpc.result[1]: payload}) if rpc.result else payload


def _sync_handler(
    rpc: Rpc[Any, Any], behaviour: Callable[..., Any]
) -> Callable[..., Any]:
    def fail(context: grpc.ServicerContext, exc: Exception) -> Any:
        outcome = _outcome(rpc, exc, context)
        if outcome is None:
            raise exc
        if isinstance(outcome, grpc.Status):
            _abort_sync(context, outcome)
        return outcome

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
        except Exception as exc:
            return fail(context, exc)

    return handler


def _async_handler(
    rpc: Rpc[Any, Any], behaviour: Callable[..., Any]
) -> Callable[..., Any]:
    async def fail(context: grpc.aio.ServicerContext[Any, Any], exc: Exception) -> Any:
        outcome = _outcome(rpc, exc, context)
        if outcome is None:
            raise exc
        if isinstance(outcome, grpc.Status):
            await context.abort(
                outcome.code, outcome.details, outcome.trailing_metadata
            )
        return outcome

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
        except Exception as exc:
            return await fail(context, exc)

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
