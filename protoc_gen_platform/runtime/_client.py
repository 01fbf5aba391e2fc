"""The base class of generated synchronous clients."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Union

import grpc

from ._rpc import DEFAULT, Metadata, RequestT, ResponseT, Rpc, Timeout, serialize

__all__ = ["Client", "TokenSource"]

TokenSource = Union[str, Callable[[], str], None]
"""A bearer token, or a zero-argument callable that returns a fresh one."""

DEFAULT_TIMEOUT = 30.0
"""Seconds a call may take when neither the call nor the client sets a timeout."""


class Client:
    """Calls the RPCs of one service over a :class:`grpc.Channel`.

    Generated ``<Service>Client`` classes subclass this and add one method per
    RPC. Every call gets a deadline (the call's ``timeout``, else the client's),
    the client's metadata merged with the call's, and the bearer token.

    Args:
        channel: The channel to call over. The client does not close it.
        timeout: Default seconds per call; ``None`` means no deadline.
        metadata: Metadata sent with every call.
        token: A bearer token (or a callable returning one) sent as
            ``authorization: Bearer <token>`` on every call.
    """

    def __init__(
        self,
        channel: grpc.Channel,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        metadata: Metadata | None = None,
        token: TokenSource = None,
    ) -> None:
        self._channel = channel
        self._timeout = timeout
        self._metadata = tuple(metadata or ())
        self._token = token
        self._callables: dict[str, Any] = {}

    def __repr__(self) -> str:
        token = "set" if self._token is not None else "none"
        return f"{type(self).__name__}(timeout={self._timeout!r}, token={token})"

    def _call_options(
        self, timeout: Timeout, metadata: Metadata | None
    ) -> tuple[float | None, tuple[tuple[str, str | bytes], ...]]:
        """The deadline and merged metadata for one call."""
        seconds = self._timeout if timeout is DEFAULT else timeout
        merged = self._metadata + tuple(metadata or ())
        token = self._token() if callable(self._token) else self._token
        if token:
            merged += (("authorization", f"Bearer {token}"),)
        return seconds, merged

    def _callable(self, rpc: Rpc[Any, Any], kind: str) -> Any:
        """The channel's multicallable for ``rpc``, created once and cached."""
        found = self._callables.get(rpc.path)
        if found is None:
            factory = getattr(self._channel, kind)
            found = factory(
                rpc.path,
                request_serializer=serialize,
                response_deserializer=rpc.response_type.FromString,
            )
            self._callables[rpc.path] = found
        return found

    def _unary_unary(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseT:
        seconds, merged = self._call_options(timeout, metadata)
        response: ResponseT = self._callable(rpc, "unary_unary")(
            request, timeout=seconds, metadata=merged
        )
        return response

    def _unary_stream(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> Iterator[ResponseT]:
        seconds, merged = self._call_options(timeout, metadata)
        call = self._callable(rpc, "unary_stream")(
            request, timeout=seconds, metadata=merged
        )
        return _iterate(call)

    def _stream_unary(
        self,
        rpc: Rpc[RequestT, ResponseT],
        requests: Iterable[RequestT],
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseT:
        seconds, merged = self._call_options(timeout, metadata)
        response: ResponseT = self._callable(rpc, "stream_unary")(
            iter(requests), timeout=seconds, metadata=merged
        )
        return response

    def _stream_stream(
        self,
        rpc: Rpc[RequestT, ResponseT],
        requests: Iterable[RequestT],
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> Iterator[ResponseT]:
        seconds, merged = self._call_options(timeout, metadata)
        call = self._callable(rpc, "stream_stream")(
            iter(requests), timeout=seconds, metadata=merged
        )
        return _iterate(call)


def _iterate(call: Any) -> Iterator[Any]:
    """Yield a streaming call's responses; leaving the loop early cancels it."""
    try:
        yield from call
    finally:
        call.cancel()
