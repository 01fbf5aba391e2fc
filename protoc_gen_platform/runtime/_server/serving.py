"""Servers of generated servicers, with auth, health checks and reflection.

:class:`Server` (over ``grpc.server()``) and :class:`AsyncServer` (over
``grpc.aio.server()``) register the servicers, the auth interceptor, health
and reflection, listen (one clear OSError when they cannot), and stop
gracefully: health turns NOT_SERVING, new calls are refused, and calls in
flight get a grace period. :func:`serve` runs one until a signal.

Both are made to run as one of several replicas: a connection lives at most
``max_connection_age`` seconds (then grpc's GOAWAY makes the client reconnect,
so a replica that joined later gets its share), and keepalive pings from
clients are accepted every :data:`MIN_PING_INTERVAL` seconds, idle or not, so
the clients' keepalive (``CLIENT_KEEPALIVE``) never earns a GOAWAY
``too_many_pings``.
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

__all__ = [
    "MAX_CONNECTION_AGE",
    "MAX_CONNECTION_AGE_GRACE",
    "MIN_PING_INTERVAL",
    "AsyncServer",
    "Server",
    "ServerOptions",
    "server_options",
]

ServerOptions = Sequence[tuple[str, Union[str, int]]]
"""grpc server options, as ``(key, value)`` pairs."""

MAX_CONNECTION_AGE = 300.0
"""Seconds a client connection lives by default before the server asks the
client to reconnect (grpc adds up to 10% jitter)."""

MAX_CONNECTION_AGE_GRACE = 30.0
"""Seconds the calls in flight on a connection that reached its age get to
finish (a stream still open then ends with UNAVAILABLE)."""

MIN_PING_INTERVAL = 10.0
"""The shortest interval, in seconds, between client keepalive pings that the
server accepts, also on a connection without calls."""


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
        max_connection_age: float | None,
        max_connection_age_grace: float | None,
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
        self.options = server_options(
            max_message_bytes=max_message_bytes,
            keepalive=keepalive,
            max_connection_age=max_connection_age,
            max_connection_age_grace=max_connection_age_grace,
            options=options,
        )
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
        if ("grpc.so_reuseport", 1) not in self.options:  # shared on purpose
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


def server_options(
    *,
    max_message_bytes: int | None = None,
    keepalive: float | None = None,
    max_connection_age: float | None = MAX_CONNECTION_AGE,
    max_connection_age_grace: float | None = MAX_CONNECTION_AGE_GRACE,
    options: ServerOptions = (),
) -> list[tuple[str, Any]]:
    """The grpc server options :class:`Server` and :class:`AsyncServer` run
    with: theirs, then the caller's ``options``, which replace any of ours with
    the same key (grpc reads the first of duplicated keys)."""
    chosen: list[tuple[str, Any]] = [
        ("grpc.so_reuseport", 0),
        (
            "grpc.http2.min_ping_interval_without_data_ms",
            _ms("MIN_PING_INTERVAL", MIN_PING_INTERVAL),
        ),
        ("grpc.keepalive_permit_without_calls", 1),
    ]
    if max_connection_age is not None:
        chosen.append(
            (
                "grpc.max_connection_age_ms",
                _ms("max_connection_age", max_connection_age),
            )
        )
    if max_connection_age_grace is not None:
        chosen.append(
            (
                "grpc.max_connection_age_grace_ms",
                _ms("max_connection_age_grace", max_connection_age_grace),
            )
        )
    if max_message_bytes is not None:
        chosen += [
            ("grpc.max_receive_message_length", max_message_bytes),
            ("grpc.max_send_message_length", max_message_bytes),
        ]
    if keepalive is not None:
        chosen += [
            ("grpc.keepalive_time_ms", _ms("keepalive", keepalive)),
            ("grpc.keepalive_timeout_ms", 20_000),
        ]
    given = [(key, value) for key, value in options]
    keys = {key for key, _ in given}
    return [(k, v) for k, v in chosen if k not in keys] + given


def _ms(name: str, seconds: float) -> int:
    """Seconds as grpc's whole milliseconds; ValueError unless positive."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name}={seconds!r}: expected seconds or None")
    if not seconds > 0:
        raise ValueError(f"{name}={seconds!r}: expected a positive number of seconds")
    return max(1, int(seconds * 1000))


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
        options: More grpc server options, as ``(key, value)`` pairs; one
            with the key of an option set here replaces it.
        max_connection_age: Seconds a client connection lives before the
            client is asked to reconnect (and so to rebalance); None: for ever.
        max_connection_age_grace: Seconds calls in flight on such a
            connection get to finish; None: as long as they take.

    Client keepalive pings are accepted every :data:`MIN_PING_INTERVAL`
    seconds, also on a connection without calls.
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
        max_connection_age: float | None = MAX_CONNECTION_AGE,
        max_connection_age_grace: float | None = MAX_CONNECTION_AGE_GRACE,
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
            max_connection_age=max_connection_age,
            max_connection_age_grace=max_connection_age_grace,
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
        max_connection_age: float | None = MAX_CONNECTION_AGE,
        max_connection_age_grace: float | None = MAX_CONNECTION_AGE_GRACE,
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
            max_connection_age=max_connection_age,
            max_connection_age_grace=max_connection_age_grace,
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
