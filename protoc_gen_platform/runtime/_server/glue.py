"""Server-side glue: servicer bases, registration, and failures on the wire.

Registration wraps every servicer method so that:

* the call is recorded as the one being served (see :mod:`.._shared.context`):
  its request ID (the caller's ``x-request-id``, else a new one) is echoed in
  the response headers (in the trailers of a call that fails before sending
  any, since headers would commit it and stop grpc's retries) and put into
  every error it answers with, and the generated clients the servicer calls
  send it on within its deadline;
* a :class:`PlatformError` the servicer raises becomes its status code with
  rich details, keeping trailing metadata the servicer set; on an RPC whose
  response is ``oneof result {success; error}``, one raised with
  ``in_band=True`` fills the response's ``error`` branch instead (the method
  itself returns the success payload);
* a *remote* error (one that a call made by the servicer raised, and that it
  let escape, a raw ``grpc.RpcError`` included) is not passed on: the caller
  gets UNKNOWN with a generic message, and the server logs the error in full.
  ``error.forward()`` sends one on deliberately (AIP-193);
* any other exception, a failure to encode the error included, becomes
  INTERNAL with a generic message: it is logged here, and no text or
  traceback of it reaches the caller;
* grpc's own signal that the call has ended (the client cancelled, the
  deadline passed), raised from a request iterator, ends the handler quietly,
  as it does in grpc's own servicers;
* streams that fail midway keep the responses sent before the failure.

Failures are logged on the ``<runtime package>.server`` logger
(``platform_runtime.server`` unless the runtime was renamed or moved), each
with the request ID the caller sees on its error.
"""

from __future__ import annotations

import copy
import logging
from typing import (
    Any,
    AsyncIterator,
    Callable,
    ClassVar,
    Iterator,
    NoReturn,
    Sequence,
)

import grpc

from .._shared.context import Served, begin_served, end_served
from .._shared.errors import InternalError, PlatformError, UnknownError
from .._shared.inband import to_error_message
from .._shared.rpc import Rpc, serialize
from .aborting import abort_async_with, abort_sync_with, to_status

__all__ = [
    "AsyncServicer",
    "INTERNAL_MESSAGE",
    "REMOTE_MESSAGE",
    "Service",
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


class Service:
    """A service as the generated code describes it: its full name, and each
    RPC with the name of the servicer method that serves it."""

    __slots__ = ("name", "methods")

    def __init__(self, name: str, methods: Sequence[tuple[Rpc[Any, Any], str]]) -> None:
        self.name = name
        self.methods = tuple(methods)

    def __repr__(self) -> str:
        return f"Service({self.name!r})"


class Servicer:
    """Base of generated synchronous servicers, served by ``grpc.server()``."""

    SERVICE: ClassVar[Service]
    """The service that the generated subclass serves."""


class AsyncServicer:
    """Base of generated asyncio servicers, served by ``grpc.aio.server()``."""

    SERVICE: ClassVar[Service]
    """The service that the generated subclass serves."""


def add_service(
    server: grpc.Server | grpc.aio.Server, servicer: Servicer | AsyncServicer
) -> None:
    """Register ``servicer`` (a generated servicer's instance) with ``server``.

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
    service = servicer.SERVICE
    handlers = {
        rpc.method_name: _HANDLER_FACTORIES[rpc.kind](
            wrap(rpc, getattr(servicer, name)),
            request_deserializer=rpc.request_type.FromString,
            response_serializer=serialize,
        )
        for rpc, name in service.methods
    }
    generic = grpc.method_handlers_generic_handler(service.name, handlers)
    server.add_generic_rpc_handlers((generic,))


class _ServicerContext:
    """The context a servicer method gets: grpc's own, except that the
    headers it sends also carry the request ID."""

    __slots__ = ("_context", "_served")

    def __init__(self, context: Any, served: Served) -> None:
        self._context = context
        self._served = served

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def send_initial_metadata(self, metadata: Any) -> Any:
        """grpc's, with the ``x-request-id`` header added."""
        self._served.headers_sent = True
        return self._context.send_initial_metadata(
            tuple(metadata) + self._served.header
        )


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


def _call_ended(exc: Exception, context: Any) -> bool:
    """True for grpc's own signal, from a request iterator, that the call is
    over (client cancelled, deadline passed, channel closed)."""
    is_active = getattr(context, "is_active", None)
    return (
        isinstance(exc, grpc.RpcError)
        and not isinstance(exc, PlatformError)
        and callable(is_active)
        and not is_active()
    )


def _outcome(rpc: Rpc[Any, Any], exc: Exception, context: Any, served: Served) -> Any:
    """What ends a call whose servicer raised ``exc``: a response to return
    (an in-band error), a grpc.Status to abort with, or None to let ``exc``
    propagate (grpc's own signals)."""
    if isinstance(exc, PlatformError) and not exc.remote:
        if exc.request_id is None:  # a copy: the servicer may raise one twice
            exc = copy.copy(exc)
            exc.request_id = served.request_id
        try:
            message = to_error_message(exc) if rpc.result and exc.in_band else None
            if message is not None:
                return rpc.response_type(error=message)
            return to_status(exc)
        except Exception:
            return _internal(rpc, served, f"cannot encode the {type(exc).__name__}")
    if _is_abort(exc, context) or _call_ended(exc, context):
        return None
    if isinstance(exc, (PlatformError, grpc.RpcError)):
        logger.error(
            "%s [request %s]: the servicer let a remote error escape; answering "
            "UNKNOWN (raise error.forward() to send it on): %s %s",
            rpc.path,
            served.request_id,
            exc,
            _full_detail(exc) if isinstance(exc, PlatformError) else "",
            exc_info=exc,
        )
        return to_status(UnknownError(REMOTE_MESSAGE, request_id=served.request_id))
    return _internal(rpc, served, "unexpected exception")


def _internal(rpc: Rpc[Any, Any], served: Served, what: str) -> grpc.Status:
    """Log the exception being handled; the INTERNAL status to answer."""
    logger.exception(
        "%s [request %s]: %s; answering INTERNAL", rpc.path, served.request_id, what
    )
    return to_status(InternalError(INTERNAL_MESSAGE, request_id=served.request_id))


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


def _wrap_result(rpc: Rpc[Any, Any], payload: Any) -> Any:
    return rpc.response_type(**{rpc.result[1]: payload}) if rpc.result else payload


def _unsent_header(served: Served) -> tuple[tuple[str, str], ...]:
    """The request ID for the trailers of a failed call, when no headers went
    out: sending headers first would commit the call, and grpc's retry
    policy never retries a committed call."""
    return () if served.headers_sent else served.header


def _send_headers(context: Any, served: Served) -> Any:
    """Send the headers with the request ID, unless they went out already.
    Returns what grpc returns: an awaitable on an asyncio context."""
    if served.headers_sent:
        return None
    served.headers_sent = True
    return context.send_initial_metadata(served.header)


def _sync_handler(
    rpc: Rpc[Any, Any], behaviour: Callable[..., Any]
) -> Callable[..., Any]:
    def fail(context: grpc.ServicerContext, served: Served, exc: Exception) -> Any:
        outcome = _outcome(rpc, exc, context, served)
        if outcome is None:
            raise exc
        if isinstance(outcome, grpc.Status):
            abort_sync_with(context, outcome, _unsent_header(served))
        _send_headers(context, served)
        return outcome

    if rpc.kind.endswith("_stream"):

        def stream_handler(
            request: Any, context: grpc.ServicerContext
        ) -> Iterator[Any]:
            served, token = begin_served(context)
            try:
                for response in behaviour(request, _ServicerContext(context, served)):
                    _send_headers(context, served)
                    yield response
                _send_headers(context, served)
            except Exception as exc:
                fail(context, served, exc)
            finally:
                end_served(token)

        return stream_handler

    def handler(request: Any, context: grpc.ServicerContext) -> Any:
        served, token = begin_served(context)
        try:
            response = _wrap_result(
                rpc, behaviour(request, _ServicerContext(context, served))
            )
            _send_headers(context, served)
            return response
        except Exception as exc:
            return fail(context, served, exc)
        finally:
            end_served(token)

    return handler


def _async_handler(
    rpc: Rpc[Any, Any], behaviour: Callable[..., Any]
) -> Callable[..., Any]:
    async def fail(
        context: grpc.aio.ServicerContext[Any, Any], served: Served, exc: Exception
    ) -> Any:
        outcome = _outcome(rpc, exc, context, served)
        if outcome is None:
            raise exc
        if isinstance(outcome, grpc.Status):
            await abort_async_with(context, outcome, _unsent_header(served))
        await _send_headers_async(context, served)
        return outcome

    if rpc.kind.endswith("_stream"):
        # grpc.aio recognises streaming handlers by being async generator
        # functions; servicer methods may be those or return an async iterator.
        async def stream_handler(
            request: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            served, token = begin_served(context)
            try:
                async for response in behaviour(
                    request, _ServicerContext(context, served)
                ):
                    await _send_headers_async(context, served)
                    yield response
                await _send_headers_async(context, served)
            except Exception as exc:
                await fail(context, served, exc)
            finally:
                end_served(token)

        return stream_handler

    async def handler(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        served, token = begin_served(context)
        try:
            response = _wrap_result(
                rpc, await behaviour(request, _ServicerContext(context, served))
            )
            await _send_headers_async(context, served)
            return response
        except Exception as exc:
            return await fail(context, served, exc)
        finally:
            end_served(token)

    return handler


async def _send_headers_async(context: Any, served: Served) -> None:
    sending = _send_headers(context, served)
    if sending is not None:
        await sending


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
