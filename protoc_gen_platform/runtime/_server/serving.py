"""Servers of generated servicers, with auth, health checks and reflection.

:class:`Server` (over ``grpc.server()``) and :class:`AsyncServer` (over
``grpc.aio.server()``) register the servicers, the auth interceptor, health
and reflection, listen (one clear OSError when they cannot), and stop
gracefully: health turns NOT_SERVING, new calls are refused, and calls in
flight get a grace period. :func:`serve` runs one until a signal.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from concurrent import futures
from typing import Any, Iterable, Sequence, Union

import grpc

from .auth import AsyncAuthInterceptor, AsyncValidator, AuthInterceptor, Validator
from .failures import logger
from .glue import AsyncServicer, Servicer, add_service
from .standard import (
    HEALTH_SERVICE,
    AsyncHealth,
    Health,
    add_health,
    add_health_async,
    add_reflection,
)

__all__ = ["AsyncServer", "Server", "ServerOptions"]

ServerOptions = Sequence[tuple[str, Union[str, int]]]
"""grpc server options, as ``(key, value)`` pairs."""


class _Settings:
    """What Server and AsyncServer share: the servicers and the options."""

    def __init__(
        self,
        servicers: Sequence[Servicer | AsyncServicer],
        *,
        address: str,
        credentials: grpc.ServerCredentials | None,
        health: bool,
        reflection: bool,
        exempt: Iterable[str],
        max_message_bytes: int | None,
        keepalive: float | None,
        compression: grpc.Compression | None,
        options: ServerOptions,
    ) -> None:
        if not servicers:
            raise ValueError("nothing to serve: pass at least one servicer")
        self.servicers = tuple(servicers)
        self.names = tuple(s.SERVICE.name for s in self.servicers)
        self.address = address
        self.credentials = credentials
        self.health_wanted = health
        self.reflection = reflection
        self.exempt = tuple(exempt)
        self.compression = compression
        self.options = _channel_options(max_message_bytes, keepalive, options)
        self.port: int | None = None

    def register(self, server: grpc.Server | grpc.aio.Server) -> None:
        """Add the servicers and reflection (health is added by the caller)."""
        for servicer in self.servicers:
            add_service(server, servicer)
        if self.reflection:
            extra = (HEALTH_SERVICE,) if self.health_wanted else ()
            add_reflection(server, (*self.names, *extra))

    def bind(self, server: grpc.Server | grpc.aio.Server) -> int:
        """Listen on the address; OSError (one line) when that fails."""
        _check_free(self.address)
        try:
            if self.credentials is None:
                port = server.add_insecure_port(self.address)
            else:
                port = server.add_secure_port(self.address, self.credentials)
        except RuntimeError:
            port = 0
        if not port:
            raise OSError(f"cannot listen on {self.address}")
        self.port = port
        return port

    def started(self) -> None:
        logger.info(
            "serving %s on %s (port %s)", ", ".join(self.names), self.address, self.port
        )


def _channel_options(
    max_message_bytes: int | None,
    keepalive: float | None,
    options: ServerOptions,
) -> list[tuple[str, Any]]:
    chosen: list[tuple[str, Any]] = [("grpc.so_reuseport", 0)]
    if max_message_bytes is not None:
        chosen += [
            ("grpc.max_receive_message_length", max_message_bytes),
            ("grpc.max_send_message_length", max_message_bytes),
        ]
    if keepalive is not None:
        chosen += [
            ("grpc.keepalive_time_ms", int(keepalive * 1000)),
            ("grpc.keepalive_timeout_ms", 20_000),
        ]
    return chosen + list(options)


def _check_free(address: str) -> None:
    """Refuse a TCP address that another process listens on, before grpc
    tries (and logs its own failure)."""
    host, _, port = address.rpartition(":")
    if not port.isdigit() or int(port) == 0 or "/" in host:
        return
    host = host.strip("[]") or "::"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, int(port)))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise OSError(f"cannot listen on {address}: the port is in use") from None


class Server:
    """A ``grpc.server()`` serving synchronous generated servicers, with auth,
    health checks and reflection.

    Args:
        servicers: Instances of generated ``<Service>Servicer`` subclasses.
        address: Where to listen; ``:0`` lets the system choose a port.
        auth: A validator (``token -> principal``): every call needs
            ``authorization: Bearer <token>`` except health checks,
            reflection and ``exempt`` methods.
        exempt: ``package.Service`` or ``package.Service/Method`` names.
        credentials: TLS credentials; plaintext without.
        health: Serve ``grpc.health.v1.Health``.
        reflection: Serve server reflection.
        max_workers: Threads serving calls.
        max_message_bytes: The largest message received or sent.
        keepalive: Seconds between keepalive pings to idle clients.
        compression: The default compression of responses.
        options: More grpc server options, as ``(key, value)`` pairs.
    """

    def __init__(
        self,
        servicers: Sequence[Servicer],
        *,
        address: str = "[::]:50051",
        auth: Validator | None = None,
        exempt: Iterable[str] = (),
        credentials: grpc.ServerCredentials | None = None,
        health: bool = True,
        reflection: bool = True,
        max_workers: int = 10,
        max_message_bytes: int | None = None,
        keepalive: float | None = None,
        compression: grpc.Compression | None = None,
        options: ServerOptions = (),
    ) -> None:
        for servicer in servicers:
            if not isinstance(servicer, Servicer):
                raise TypeError(
                    f"{type(servicer).__name__} is not a synchronous servicer; "
                    "serve asyncio servicers with AsyncServer or serve_async()"
                )
        self._settings = _Settings(
            servicers,
            address=address,
            credentials=credentials,
            health=health,
            reflection=reflection,
            exempt=exempt,
            max_message_bytes=max_message_bytes,
            keepalive=keepalive,
            compression=compression,
            options=options,
        )
        interceptors: list[grpc.ServerInterceptor] = (
            [] if auth is None else [AuthInterceptor(auth, exempt=exempt)]
        )
        self._pool = futures.ThreadPoolExecutor(max_workers)
        self.server = grpc.server(
            self._pool,
            interceptors=interceptors,
            options=self._settings.options,
            compression=compression,
        )
        """The ``grpc.Server`` underneath."""
        self._settings.register(self.server)
        self.health: Health | None = (
            add_health(self.server, self._settings.names) if health else None
        )
        """grpcio-health-checking's servicer, when health is served."""

    @property
    def port(self) -> int | None:
        """The port listened on, once started."""
        return self._settings.port

    def start(self) -> int:
        """Listen and start serving; the port. OSError if it cannot listen."""
        port = self._settings.bind(self.server)
        self.server.start()
        self._settings.started()
        return port

    def stop(self, grace: float | None = 10.0) -> None:
        """Turn health to NOT_SERVING, refuse new calls, give in-flight ones
        ``grace`` seconds, and return once the server has stopped."""
        if self.health is not None:
            self.health.enter_graceful_shutdown()
        self.server.stop(grace).wait()
        self._pool.shutdown()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop(None)


class AsyncServer:
    """The asyncio twin of :class:`Server`, over ``grpc.aio.server()``: it
    serves asyncio servicers, and synchronous ones in a thread pool. ``auth``
    may be an async validator."""

    def __init__(
        self,
        servicers: Sequence[Servicer | AsyncServicer],
        *,
        address: str = "[::]:50051",
        auth: AsyncValidator | None = None,
        exempt: Iterable[str] = (),
        credentials: grpc.ServerCredentials | None = None,
        health: bool = True,
        reflection: bool = True,
        max_workers: int = 10,
        max_message_bytes: int | None = None,
        keepalive: float | None = None,
        compression: grpc.Compression | None = None,
        options: ServerOptions = (),
    ) -> None:
        self._settings = _Settings(
            servicers,
            address=address,
            credentials=credentials,
            health=health,
            reflection=reflection,
            exempt=exempt,
            max_message_bytes=max_message_bytes,
            keepalive=keepalive,
            compression=compression,
            options=options,
        )
        self._auth = auth
        self._max_workers = max_workers
        self._pool: futures.ThreadPoolExecutor | None = None
        self.server: grpc.aio.Server | None = None
        """The ``grpc.aio.Server`` underneath, once started."""
        self.health: AsyncHealth | None = None
        """grpcio-health-checking's servicer, once started, when health is served."""

    @property
    def port(self) -> int | None:
        """The port listened on, once started."""
        return self._settings.port

    async def start(self) -> int:
        """Listen and start serving; the port. OSError if it cannot listen."""
        interceptors = (
            []
            if self._auth is None
            else [AsyncAuthInterceptor(self._auth, exempt=self._settings.exempt)]
        )
        self._pool = futures.ThreadPoolExecutor(self._max_workers)
        self.server = grpc.aio.server(
            migration_thread_pool=self._pool,
            interceptors=interceptors,
            options=self._settings.options,
            compression=self._settings.compression,
        )
        self._settings.register(self.server)
        if self._settings.health_wanted:
            self.health = await add_health_async(self.server, self._settings.names)
        port = self._settings.bind(self.server)
        await self.server.start()
        self._settings.started()
        return port

    async def stop(self, grace: float | None = 10.0) -> None:
        """As :meth:`Server.stop`."""
        if self.health is not None:
            await self.health.enter_graceful_shutdown()
        if self.server is not None:
            await self.server.stop(grace)
        if self._pool is not None:
            # Off the loop: the pool's threads may be waiting for the loop.
            await asyncio.get_running_loop().run_in_executor(None, self._pool.shutdown)

    async def __aenter__(self) -> AsyncServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop(None)
