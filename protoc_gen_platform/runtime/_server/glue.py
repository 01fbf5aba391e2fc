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

from typing import (
    Any,
    AsyncIterator,
    Callable,
    ClassVar,
    Iterator,
    NoReturn,
    Sequence,
    TypeAlias,
    TypeVar,
)

import grpc
from google.protobuf.message import Message

from .._shared.context import Served, begin_served, end_served
from .._shared.errors import PlatformError
from .._shared.inband import to_error_message
from .._shared.rpc import Rpc, serialize
from .aborting import abort_async_with, abort_sync_with, end_sync_stream_with
from .failures import failure_status, internal, unsent_header, with_request_id

_Q = TypeVar("_Q", bound=Message)
_R = TypeVar("_R", bound=Message)

AsyncContext: TypeAlias = grpc.aio.ServicerContext[Any, Any]
"""The ``context`` of an asyncio servicer method, short:
``async def get_pipeline(self, request: GetPipelineRequest, context:
AsyncContext) -> GetPipelineResponse``. It overrides the generated
``grpc.aio.ServicerContext[Request, Response]`` soundly. Its type arguments
are ``Any``: they type only ``context.read()`` and ``context.write()``,
which servicers of the SDK never need (spell the long form out to have them
checked)."""

__all__ = [
    "AsyncContext",
    "AsyncServicer",
    "Service",
    "Servicer",
    "add_service",
    "unimplemented",
    "unimplemented_async",
    "unimplemented_stream",
]

_HANDLER_FACTORIES: dict[str, Callable[..., grpc.RpcMethodHandler[Any, Any]]] = {
    "unary_unary": grpc.unary_unary_rpc_method_handler,
    "unary_stream": grpc.unary_stream_rpc_method_handler,
    "stream_unary": grpc.stream_unary_rpc_method_handler,
    "stream_stream": grpc.stream_stream_rpc_method_handler,
}


class Service:
    """A service as the generated code describes it: its full name, each RPC
    with the name of the servicer method that serves it, and the service
    config (JSON) with its clients' retry policy."""

    __slots__ = ("name", "methods", "config")

    def __init__(
        self,
        name: str,
        methods: Sequence[tuple[Rpc[Any, Any], str]],
        config: str = '{"methodConfig": []}',
    ) -> None:
        self.name = name
        self.methods = tuple(methods)
        self.config = config

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


def _outcome(rpc: Rpc[Any, Any], exc: Exception, context: Any, served: Served) -> Any:
    """What ends a call whose servicer raised ``exc``: a response to return
    (an in-band error), a grpc.Status to abort with, or None to let ``exc``
    propagate (grpc's own signals)."""
    if rpc.result and isinstance(exc, PlatformError) and exc.in_band and not exc.remote:
        try:
            message = to_error_message(with_request_id(exc, served))
        except Exception:
            return internal(rpc.path, served, f"cannot encode the {type(exc).__name__}")
        if message is not None:
            return rpc.response_type(error=message)
    return failure_status(rpc.path, exc, context, served)


def _wrap_result(rpc: Rpc[Any, Any], payload: Any) -> Any:
    return rpc.response_type(**{rpc.result[1]: payload}) if rpc.result else payload


def _send_headers(context: Any, served: Served) -> Any:
    """Send the headers with the request ID, unless they went out already.
    Returns what grpc returns: an awaitable on an asyncio context."""
    if served.headers_sent:
        return None
    served.headers_sent = True
    return context.send_initial_metadata(served.header)


def _echo_with_response(context: Any, served: Served) -> Any:
    """Echo the request ID with a unary response: in the trailers, which go
    out with the response in one batch, when the caller sent the ID; else (a
    minted ID) in the headers. Headers sent apart commit the call before it
    ends, so a replica that died in between would fail a call that grpc's
    retry policy could have moved to another replica."""
    if served.headers_sent or not served.id_from_caller:
        return _send_headers(context, served)
    own = getattr(context, "trailing_metadata", None)
    kept = tuple(own() or ()) if own is not None else ()
    context.set_trailing_metadata(kept + served.header)
    served.headers_sent = True  # echoed: no more headers from the runtime
    return None


async def _echo_with_response_async(context: Any, served: Served) -> None:
    sending = _echo_with_response(context, served)
    if sending is not None:
        await sending


def _sync_handler(
    rpc: Rpc[Any, Any], behaviour: Callable[..., Any]
) -> Callable[..., Any]:
    def fail(context: grpc.ServicerContext, served: Served, exc: Exception) -> Any:
        outcome = _outcome(rpc, exc, context, served)
        if outcome is None:
            raise exc
        if isinstance(outcome, grpc.Status):
            abort_sync_with(context, outcome, unsent_header(served))
        _echo_with_response(context, served)
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
                outcome = _outcome(rpc, exc, context, served)
                if not isinstance(outcome, grpc.Status):
                    raise
                end_sync_stream_with(context, outcome, unsent_header(served))
            finally:
                end_served(token)

        return stream_handler

    def handler(request: Any, context: grpc.ServicerContext) -> Any:
        served, token = begin_served(context)
        try:
            response = _wrap_result(
                rpc, behaviour(request, _ServicerContext(context, served))
            )
            _echo_with_response(context, served)
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
            await abort_async_with(context, outcome, unsent_header(served))
        await _echo_with_response_async(context, served)
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
            await _echo_with_response_async(context, served)
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


def unimplemented(context: grpc.ServicerContext, rpc: Rpc[_Q, _R]) -> NoReturn:
    """End the call with UNIMPLEMENTED, naming the RPC's full path."""
    context.abort(grpc.StatusCode.UNIMPLEMENTED, _message(rpc))


async def unimplemented_async(
    context: grpc.aio.ServicerContext[_Q, _R], rpc: Rpc[_Q, _R]
) -> NoReturn:
    """The asyncio twin of :func:`unimplemented`."""
    await context.abort(grpc.StatusCode.UNIMPLEMENTED, _message(rpc))


async def unimplemented_stream(
    context: grpc.aio.ServicerContext[_Q, _R], rpc: Rpc[_Q, _R]
) -> AsyncIterator[_R]:
    """An async response stream that ends the call with UNIMPLEMENTED."""
    await context.abort(grpc.StatusCode.UNIMPLEMENTED, _message(rpc))
    yield  # pragma: no cover - makes this an async generator
