"""grpc's standard services, added to a server: health checks and reflection.

They come from grpcio-health-checking and grpcio-reflection (an SDK's
``[server]`` extra), imported only when asked for.
"""

from __future__ import annotations

from typing import Any, Iterable, Protocol

import grpc

__all__ = [
    "HEALTH_SERVICE",
    "AsyncHealth",
    "Health",
    "add_health",
    "add_health_async",
    "add_reflection",
]

HEALTH_SERVICE = "grpc.health.v1.Health"


def _optional(module: str, package: str, what: str) -> Any:
    """Import an optional dependency, or say in one line (an ImportError) how
    to get it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"{what} needs the {package} package: install the SDK's [server] extra"
        ) from None


class Health(Protocol):
    """What the runtime and its users need of grpcio-health-checking's
    health servicer (which has no type hints of its own)."""

    def set(self, service: str, status: int) -> None:
        """Report ``service`` (``""`` for the whole server) as ``status``, a
        ``HealthCheckResponse.ServingStatus``."""
        ...

    def enter_graceful_shutdown(self) -> None:
        """Report NOT_SERVING for every service, from now on."""
        ...


class AsyncHealth(Protocol):
    """The asyncio twin of :class:`Health`: its methods are coroutines."""

    async def set(self, service: str, status: int) -> None:
        """As :meth:`Health.set`."""
        ...

    async def enter_graceful_shutdown(self) -> None:
        """As :meth:`Health.enter_graceful_shutdown`."""
        ...


def _health_modules() -> tuple[Any, Any, Any]:
    health, pb2, pb2_grpc = (
        _optional(f"grpc_health.v1.{name}", "grpcio-health-checking", "health")
        for name in ("health", "health_pb2", "health_pb2_grpc")
    )
    return health, pb2, pb2_grpc


def add_health(server: grpc.Server, service_names: Iterable[str]) -> Health:
    """Serve ``grpc.health.v1.Health`` on a ``grpc.server()``, reporting
    SERVING for each of ``service_names`` and for ``""`` (the whole server).

    Returns grpcio-health-checking's health servicer, whose
    ``enter_graceful_shutdown()`` turns every status to NOT_SERVING.
    """
    health, health_pb2, health_pb2_grpc = _health_modules()
    servicer = health.HealthServicer()
    for name in ("", *service_names):
        servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    typed: Health = servicer
    return typed


async def add_health_async(
    server: grpc.aio.Server, service_names: Iterable[str]
) -> AsyncHealth:
    """The asyncio twin of :func:`add_health`, for ``grpc.aio.server()``; the
    servicer's ``enter_graceful_shutdown()`` is a coroutine."""
    health, health_pb2, health_pb2_grpc = _health_modules()
    servicer = health.aio.HealthServicer()
    for name in ("", *service_names):
        await servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    typed: AsyncHealth = servicer
    return typed


def add_reflection(
    server: grpc.Server | grpc.aio.Server, service_names: Iterable[str]
) -> None:
    """Serve gRPC server reflection for ``service_names`` (and for itself),
    so that ``grpcurl`` and ``buf curl`` need no schema."""
    reflection = _optional(
        "grpc_reflection.v1alpha.reflection", "grpcio-reflection", "reflection"
    )
    names = (*service_names, reflection.SERVICE_NAME)
    reflection.enable_server_reflection(names, server)
