"""Server-side helpers: registering servicers and answering UNIMPLEMENTED."""

from __future__ import annotations

from typing import Any, Callable, Iterable, NoReturn

import grpc

from ._rpc import Rpc, serialize

__all__ = ["add_service", "unimplemented"]

_HANDLER_FACTORIES: dict[str, Callable[..., grpc.RpcMethodHandler[Any, Any]]] = {
    "unary_unary": grpc.unary_unary_rpc_method_handler,
    "unary_stream": grpc.unary_stream_rpc_method_handler,
    "stream_unary": grpc.stream_unary_rpc_method_handler,
    "stream_stream": grpc.stream_stream_rpc_method_handler,
}


def add_service(
    server: grpc.Server | grpc.aio.Server,
    service_name: str,
    methods: Iterable[tuple[Rpc[Any, Any], Callable[..., Any]]],
) -> None:
    """Register the methods of ``service_name``, given as ``(rpc, behaviour)`` pairs.

    Works with ``grpc.server()`` and ``grpc.aio.server()`` alike: an asyncio
    server accepts coroutine functions and async generators as behaviours.
    """
    handlers: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}
    for rpc, behaviour in methods:
        handlers[rpc.method_name] = _HANDLER_FACTORIES[rpc.kind](
            behaviour,
            request_deserializer=rpc.request_type.FromString,
            response_serializer=serialize,
        )
    generic = grpc.method_handlers_generic_handler(service_name, handlers)
    server.add_generic_rpc_handlers((generic,))


def unimplemented(context: grpc.ServicerContext, rpc: Rpc[Any, Any]) -> NoReturn:
    """End the call with UNIMPLEMENTED, naming the RPC's full path."""
    context.abort(grpc.StatusCode.UNIMPLEMENTED, f"Method not implemented: {rpc.path}")
