"""Server-side helpers: servicer bases, registration, UNIMPLEMENTED answers."""

from __future__ import annotations

from typing import Any, AsyncIterator, Callable, Iterable, NoReturn

import grpc

from ._rpc import Rpc, serialize

__all__ = [
    "AsyncServicer",
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
    handlers: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}
    for rpc, behaviour in methods:
        if is_async and rpc.kind.endswith("_stream"):
            behaviour = _async_generator(behaviour)
        handlers[rpc.method_name] = _HANDLER_FACTORIES[rpc.kind](
            behaviour,
            request_deserializer=rpc.request_type.FromString,
            response_serializer=serialize,
        )
    generic = grpc.method_handlers_generic_handler(service_name, handlers)
    server.add_generic_rpc_handlers((generic,))


def _async_generator(
    behaviour: Callable[..., AsyncIterator[Any]],
) -> Callable[..., AsyncIterator[Any]]:
    """Adapt a method returning an async iterator to an async generator function.

    grpc.aio recognises streaming handlers by being async generator functions;
    servicer methods may be those or plain functions returning an iterator.
    """

    async def handler(request: Any, context: Any) -> AsyncIterator[Any]:
        async for response in behaviour(request, context):
            yield response

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
