"""Generated clients under load and faults, against live loopback servers."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from concurrent import futures
from pathlib import Path
from types import ModuleType

import pytest

from servers import aio_server, run, sync_server
from support import REPO

SERVER = """
import sys, threading
from concurrent import futures
import grpc
import echo_impl
server = grpc.server(
    futures.ThreadPoolExecutor(max_workers=8), options=[("grpc.so_reuseport", 0)]
)
echo_impl.echo_platform.add_EchoServiceServicer_to_server(echo_impl.SyncEcho(), server)
port = server.add_insecure_port(f"127.0.0.1:{sys.argv[1]}")
server.start()
print(port, flush=True)
threading.Event().wait()
"""


@pytest.fixture(scope="module")
def echo(corpus_out: Path) -> ModuleType:
    import echo_impl

    return echo_impl


def test_a_thousand_concurrent_asyncio_calls(echo: ModuleType) -> None:
    platform = echo.echo_platform

    async def scenario() -> list[str]:
        async with aio_server(
            lambda s: platform.add_EchoServiceServicer_to_server(echo.AsyncEcho(), s)
        ) as target:
            async with platform.EchoServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                calls = [client.echo(echo.Request(text=str(i))) for i in range(1000)]
                return [r.text for r in await asyncio.gather(*calls)]

    assert run(scenario()) == [str(i) for i in range(1000)]


def test_a_hundred_threads_share_a_sync_client(echo: ModuleType) -> None:
    platform = echo.echo_platform
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(echo.SyncEcho(), s),
        workers=16,
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:

            def work(i: int) -> list[str]:
                return [
                    client.echo(echo.Request(text=f"{i}-{j}")).text for j in range(5)
                ]

            with futures.ThreadPoolExecutor(max_workers=100) as pool:
                results = list(pool.map(work, range(100)))
    assert results == [[f"{i}-{j}" for j in range(5)] for i in range(100)]


def _start(corpus_out: Path, port: int = 0) -> tuple[subprocess.Popen[str], int]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(corpus_out), str(REPO / "tests")]),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line and int(line) > 0, "the server did not start"
    return process, int(line)


def test_server_killed_mid_stream_then_back(echo: ModuleType, corpus_out: Path) -> None:
    platform = echo.echo_platform
    server, port = _start(corpus_out)
    try:
        with platform.EchoServiceClient.connect(
            f"127.0.0.1:{port}", insecure=True, timeout=30
        ) as client:
            stream = client.expand(echo.Request(text="x", count=-1))
            assert next(stream).index == 0
            server.send_signal(signal.SIGKILL)
            server.wait(10)
            with pytest.raises(echo.rt.UnavailableError):
                for _ in stream:
                    pass
            # The same client, on the same channel, recovers once the server is back.
            server, _ = _start(corpus_out, port)
            deadline = time.monotonic() + 20
            while True:
                try:
                    assert (
                        client.echo(echo.Request(text="back"), timeout=2).text == "back"
                    )
                    break
                except echo.rt.UnavailableError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
    finally:
        server.kill()
        server.wait(10)
