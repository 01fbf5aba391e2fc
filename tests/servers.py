"""Live loopback servers for the tests: OS-chosen ports, always stopped."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent import futures
from typing import Any, AsyncIterator, Callable, Iterator

import grpc

LOOPBACK_OPTIONS = [("grpc.so_reuseport", 0)]
"""Options for every test server on 127.0.0.1:0. With grpc's default
SO_REUSEPORT, two processes (pytest-xdist workers) may be given the same
free port, and a client then reaches the other process's server, or none
(grpc/grpc#10755)."""

Register = Callable[[grpc.Server], None]
AsyncRegister = Callable[[grpc.aio.Server], None]


@contextlib.contextmanager
def sync_server(register: Register, workers: int = 8) -> Iterator[str]:
    """Serve with ``grpc.server`` on 127.0.0.1:<free port>; yield the target."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers), options=LOOPBACK_OPTIONS
    )
    register(server)
    port = server.add_insecure_port("127.0.0.1:0")
    assert port > 0
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(grace=None).wait()


@contextlib.asynccontextmanager
async def aio_server(
    register: AsyncRegister, *, migration_threads: int = 0
) -> AsyncIterator[str]:
    """Serve with ``grpc.aio.server`` on 127.0.0.1:<free port>; yield the target."""
    pool = futures.ThreadPoolExecutor(migration_threads) if migration_threads else None
    server = grpc.aio.server(migration_thread_pool=pool, options=LOOPBACK_OPTIONS)
    register(server)
    port = server.add_insecure_port("127.0.0.1:0")
    assert port > 0
    await server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        await server.stop(grace=None)
        if pool is not None:
            await drain_pool(pool)


async def drain_pool(pool: futures.ThreadPoolExecutor) -> None:
    """Shut a migration thread pool down while the event loop still runs.

    Its threads may be waiting for the loop (a sync servicer's abort is a
    coroutine run there); stopping the loop first would leave them waiting
    forever, and the interpreter would hang at exit joining them.
    """
    await asyncio.get_running_loop().run_in_executor(None, pool.shutdown)


def run(coroutine: object) -> object:
    """Run a coroutine to completion on a fresh event loop."""
    return asyncio.run(coroutine)  # type: ignore[arg-type]


class LoopThread:
    """An event loop in a thread, to serve an aio server and run calls from
    synchronous test code."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()
