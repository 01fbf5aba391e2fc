"""Retry hints from servicers, live on loopback: a retry_delay holds grpc's
own retry policy back that long, and allow_retry=False vetoes the retry."""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from servers import sync_server


@pytest.fixture(scope="module")
def echo(corpus_out: Path) -> ModuleType:
    import echo_impl

    return echo_impl


def _servicer(echo: ModuleType, first_failure: Any) -> Any:
    """Echo (retried on UNAVAILABLE) that fails its first attempt."""

    class Once(echo.echo_platform.EchoServiceServicer):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            self.attempts: list[float] = []

        def echo(self, request: Any, context: Any) -> Any:
            self.attempts.append(time.monotonic())
            if len(self.attempts) == 1:
                raise first_failure
            return echo.Response(text=request.text)

    return Once()


def test_a_retry_delay_holds_the_next_attempt_back(echo: ModuleType) -> None:
    rt = echo.rt
    busy = rt.UnavailableError("busy", retry_delay=datetime.timedelta(milliseconds=300))
    servicer = _servicer(echo, busy)
    platform = echo.echo_platform
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            assert client.echo(echo.Request(text="ok")).text == "ok"
    first, second = servicer.attempts
    assert second - first >= 0.3  # grpc's own backoff would be about 0.1 s


def test_allow_retry_false_vetoes_the_retry(echo: ModuleType) -> None:
    rt = echo.rt
    servicer = _servicer(echo, rt.UnavailableError("going away", allow_retry=False))
    platform = echo.echo_platform
    with sync_server(
        lambda s: platform.add_EchoServiceServicer_to_server(servicer, s)
    ) as target:
        with platform.EchoServiceClient.connect(target, insecure=True) as client:
            with pytest.raises(rt.UnavailableError) as info:
                client.echo(echo.Request(text="ok"))
    assert len(servicer.attempts) == 1
    assert info.value.allow_retry is False
    assert ("grpc-retry-pushback-ms", "-1") in info.value.trailing_metadata
