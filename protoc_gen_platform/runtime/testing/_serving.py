"""Real servers for tests, in one line: ``with serving(fake) as channel:``.

The servicers (fakes or real ones) are served on 127.0.0.1, on a port the
system chooses, by the same server the serving runtime runs in production;
the channel handed back carries the services' retry policies. Everything is
stopped on exit, even when the test fails inside the block.
"""

from __future__ import annotations

import contextlib
from typing import Any, AsyncGenerator, Generator

import grpc

from .._client.channels import (
    merge_service_configs,
    open_async_channel,
    open_channel,
)
from .._server.auth import AsyncValidator, Validator
from .._server.glue import AsyncServicer, Servicer
from .._server.serving import AsyncServer, Server

__all__ = ["serving", "serving_async"]


def _server_options(principal: object, auth: Any) -> dict[str, Any]:
    """How the kit's servers serve: on loopback, a port from the system, no
    health or reflection, and auth by ``auth``, or by a validator that gives
    every token the fixed ``principal``, or none."""
    if principal is not None and auth is not None:
        raise ValueError("pass a principal or a validator (auth), not both")
    if principal is not None:

        def fixed(token: str) -> object:
            return principal

        auth = fixed

    return dict(
        address="127.0.0.1:0", auth=auth, health=False, reflection=False, max_workers=4
    )


def _channel_options(servicers: tuple[Servicer | AsyncServicer, ...]) -> dict[str, Any]:
    """The channel's: insecure, with the retry policies of ``servicers``."""
    return dict(
        insecure=True,
        options=[
            (
                "grpc.service_config",
                merge_service_configs(s.SERVICE.config for s in servicers),
            )
        ],
    )


@contextlib.contextmanager
def serving(
    *servicers: Servicer,
    principal: object = None,
    auth: Validator | None = None,
) -> Generator[grpc.Channel, None, None]:
    """Serve ``servicers`` on a real server; yield a channel to it.

    With ``principal``, every call needs a bearer token (any will do), and
    servicer code gets ``principal`` from ``current_principal``; with
    ``auth``, tokens are checked by that validator instead.
    """
    for servicer in servicers:
        if isinstance(servicer, AsyncServicer):
            raise TypeError(
                f"{type(servicer).__name__} is an asyncio servicer: serve it with "
                "serving_async()"
            )
    server = Server(servicers, **_server_options(principal, auth))
    port = server.start()
    try:
        with open_channel(
            f"127.0.0.1:{port}", **_channel_options(servicers)
        ) as channel:
            yield channel
    finally:
        server.stop(None)


@contextlib.asynccontextmanager
async def serving_async(
    *servicers: Servicer | AsyncServicer,
    principal: object = None,
    auth: AsyncValidator | None = None,
) -> AsyncGenerator[grpc.aio.Channel, None]:
    """The asyncio twin of :func:`serving`: ``async with``, an asyncio server
    (asyncio servicers, and sync ones in a thread pool), an asyncio channel."""
    server = AsyncServer(servicers, **_server_options(principal, auth))
    port = await server.start()
    try:
        channel = open_async_channel(f"127.0.0.1:{port}", **_channel_options(servicers))
        async with channel:
            yield channel
    finally:
        await server.stop(None)
