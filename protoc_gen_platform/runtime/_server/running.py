"""Running a service until it is told to stop: :func:`serve` and
:func:`serve_async`, for a service's ``main()``.

They serve until SIGTERM or SIGINT, then stop gracefully and return, so the
program exits 0. An address that cannot be listened on, or health or
reflection without the packages they need, ends the program with one line
(``SystemExit``), not a traceback.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from typing import TYPE_CHECKING, Iterable, Sequence

import grpc

from .failures import logger
from .glue import AsyncServicer, Servicer
from .serving import AsyncServer, Server

if TYPE_CHECKING:
    from typing import Any

    from typing_extensions import TypedDict, Unpack

    from .auth import AsyncValidator, Validator

    class _Settings(TypedDict, total=False):
        address: str
        exempt: Iterable[str]
        credentials: grpc.ServerCredentials | None
        health: bool
        reflection: bool
        max_workers: int
        max_message_bytes: int | None
        keepalive: float | None
        compression: grpc.Compression | None
        options: Sequence[tuple[str, Any]]
        max_connection_age: float | None
        max_connection_age_grace: float | None

    class ServeSettings(_Settings, total=False):
        auth: Validator | None

    class AsyncServeSettings(_Settings, total=False):
        auth: AsyncValidator | None


__all__ = ["serve", "serve_async"]

_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def serve(
    servicers: Sequence[Servicer],
    *,
    grace: float = 10.0,
    **settings: Unpack[ServeSettings],
) -> None:
    """Serve ``servicers`` until SIGTERM or SIGINT, then stop and return.

    Takes :class:`Server`'s keyword arguments (``address``, ``auth``,
    ``exempt``, ``health``, ``reflection``, ...). On a signal, health turns
    NOT_SERVING, new calls are refused and in-flight ones get ``grace``
    seconds. Call it from the main thread.
    """
    try:
        server = Server(servicers, **settings)
        server.start()
    except (OSError, ImportError) as exc:  # a busy port, a missing extra
        raise SystemExit(f"serve: {exc}") from None
    stopping = threading.Event()

    def stop(signum: int, frame: object) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in _SIGNALS}
    try:
        stopping.wait()
        logger.info("stopping: %s s for calls in flight", grace)
        server.stop(grace)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


async def serve_async(
    servicers: Sequence[Servicer | AsyncServicer],
    *,
    grace: float = 10.0,
    **settings: Unpack[AsyncServeSettings],
) -> None:
    """The asyncio twin of :func:`serve`, with :class:`AsyncServer`'s keyword
    arguments: ``asyncio.run(serve_async(...))``."""
    try:
        server = AsyncServer(servicers, **settings)
        await server.start()
    except (OSError, ImportError) as exc:  # a busy port, a missing extra
        raise SystemExit(f"serve: {exc}") from None
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in _SIGNALS:
        loop.add_signal_handler(sig, stopping.set)
    try:
        await stopping.wait()
        logger.info("stopping: %s s for calls in flight", grace)
        await server.stop(grace)
    finally:
        for sig in _SIGNALS:
            loop.remove_signal_handler(sig)
