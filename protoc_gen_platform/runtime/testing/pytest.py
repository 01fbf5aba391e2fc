"""pytest fixtures of the test kit, opt-in: in a ``conftest.py``,
``pytest_plugins = ["<sdk>.platform_runtime.testing.pytest"]``.

* ``platform_serving``: a function that serves servicers (fakes or real
  ones) for the test and returns a channel; all are stopped after it.
* ``platform_serving_async``: its asyncio twin, for ``async def`` tests run
  by pytest-asyncio (the SDK's ``[testing]`` extra installs it).
"""

from __future__ import annotations

import contextlib
from typing import Any, AsyncIterator, Awaitable, Callable, Iterator

import grpc
import pytest
import pytest_asyncio

from ._serving import serving, serving_async

__all__ = ["AsyncServe", "Serve", "platform_serving", "platform_serving_async"]

Serve = Callable[..., grpc.Channel]
"""The type of the ``platform_serving`` fixture, to annotate a test with."""
AsyncServe = Callable[..., Awaitable[grpc.aio.Channel]]
"""The type of the ``platform_serving_async`` fixture."""


@pytest.fixture
def platform_serving() -> Iterator[Serve]:
    """``platform_serving(*servicers, principal=None, auth=None)`` serves the
    servicers on a real server for this test, and returns a channel to it."""
    with contextlib.ExitStack() as stack:

        def serve(*servicers: Any, **options: Any) -> grpc.Channel:
            return stack.enter_context(serving(*servicers, **options))

        yield serve


@pytest_asyncio.fixture
async def platform_serving_async() -> AsyncIterator[AsyncServe]:
    """The asyncio twin of ``platform_serving``: ``await
    platform_serving_async(...)`` returns an asyncio channel."""
    async with contextlib.AsyncExitStack() as stack:

        async def serve(*servicers: Any, **options: Any) -> grpc.aio.Channel:
            return await stack.enter_async_context(serving_async(*servicers, **options))

        yield serve
