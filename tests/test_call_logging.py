"""One log line per call, live on loopback: its fields, every kind, sync and
asyncio, the attempt of a retried call, PLATFORM_SDK_LOG, and no token."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from servers import aio_server, run, sync_server

LOGGER = "platform_runtime.client"


@pytest.fixture(scope="module")
def echo(corpus_out: Path) -> ModuleType:
    import echo_impl

    return echo_impl


def _records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER]


def test_each_call_logs_one_line_with_its_fields(
    echo: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    platform, Request = echo.echo_platform, echo.Request
    servicer = echo.SyncEcho()
    servicer.fail_first = 1  # Echo's first attempt is UNAVAILABLE, then retried
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        with platform.EchoServiceClient.connect(
            target, insecure=True, token="s3cret-token"
        ) as client:
            client.echo(Request(text="a"))
            list(client.expand(Request(count=2)))
            client.collect([Request(text="b")])
            list(client.chat([Request(text="c")]))
            with pytest.warns(DeprecationWarning):
                legacy = platform.LegacyEchoServiceClient(client.channel)
            with pytest.raises(echo.rt.UnimplementedError):
                legacy.echo(Request())  # a service this server does not have
    records = _records(caplog)
    paths = [r.rpc for r in records]  # type: ignore[attr-defined]
    assert paths == [
        "/demo.echo.v1.EchoService/Echo",
        "/demo.echo.v1.EchoService/Expand",
        "/demo.echo.v1.EchoService/Collect",
        "/demo.echo.v1.EchoService/Chat",
        "/demo.echo.v1.LegacyEchoService/Echo",
    ]
    first = records[0]
    assert first.code == "OK" and first.attempt == 2  # type: ignore[attr-defined]
    assert first.duration_ms >= 0 and len(first.request_id) == 32  # type: ignore[attr-defined]
    message = first.getMessage()
    assert message.startswith("/demo.echo.v1.EchoService/Echo OK in ")
    assert f"(request {first.request_id}, attempt 2)" in message  # type: ignore[attr-defined]
    assert records[-1].code == "UNIMPLEMENTED"  # type: ignore[attr-defined]
    everything = " ".join(repr(vars(r)) for r in caplog.records)
    assert "s3cret-token" not in everything


def test_asyncio_calls_log_too(
    echo: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    platform, Request = echo.echo_platform, echo.Request

    async def scenario() -> None:
        async with aio_server(
            lambda s: platform.add_EchoServiceServicer_to_server(echo.AsyncEcho(), s)
        ) as target:
            async with platform.EchoServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                await client.echo(Request(text="a"))
                [r async for r in client.expand(Request(count=2))]

    run(scenario())
    assert [(r.rpc, r.code) for r in _records(caplog)] == [  # type: ignore[attr-defined]
        ("/demo.echo.v1.EchoService/Echo", "OK"),
        ("/demo.echo.v1.EchoService/Expand", "OK"),
    ]


def test_nothing_is_logged_when_the_logger_is_off(
    echo: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    platform = echo.echo_platform
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(echo.SyncEcho(), s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            client.echo(echo.Request())
    assert _records(caplog) == []


def test_the_environment_variable_turns_it_on(corpus_out: Path) -> None:
    script = (
        "from concurrent import futures\n"
        "import grpc\n"
        "from demo.echo.v1 import echo_pb2, echo_platform\n"
        "class Echo(echo_platform.EchoServiceServicer):\n"
        "    def echo(self, request, context):\n"
        "        return echo_pb2.EchoResponse(text=request.text)\n"
        "server = grpc.server(futures.ThreadPoolExecutor(2), options=[('grpc.so_reuseport', 0)])\n"
        "echo_platform.add_EchoServiceServicer_to_server(Echo(), server)\n"
        "port = server.add_insecure_port('127.0.0.1:0')\n"
        "server.start()\n"
        "with echo_platform.EchoServiceClient.connect(\n"
        "        f'127.0.0.1:{port}', insecure=True, token='hidden-token') as client:\n"
        "    client.echo(echo_pb2.EchoRequest(text='x'))\n"
        "server.stop(None)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(corpus_out), "PLATFORM_SDK_LOG": "debug"},
    )
    assert result.returncode == 0, result.stderr
    lines = [l for l in result.stderr.splitlines() if l.startswith(LOGGER)]
    assert len(lines) == 1
    assert lines[0].startswith(f"{LOGGER} DEBUG /demo.echo.v1.EchoService/Echo OK in ")
    assert "hidden-token" not in result.stderr
