"""The base classes of generated clients, synchronous and asyncio."""

from __future__ import annotations

import warnings
from typing import (
    Any,
    AsyncIterable,
    Awaitable,
    Callable,
    ClassVar,
    Iterable,
    TypeVar,
    Union,
)

import grpc

from .pagers import AsyncPager, Pager, Pages
from .._shared.rpc import (
    DEFAULT,
    Metadata,
    RequestT,
    ResponseT,
    Rpc,
    Timeout,
    serialize,
)
from .._shared.status import from_rpc_error
from .streams import AsyncResponseStream, ResponseStream

__all__ = [
    "AnyIterable",
    "AsyncClient",
    "AsyncTokenSource",
    "Client",
    "DEFAULT_TIMEOUT",
    "TokenSource",
]

TokenSource = Union[str, Callable[[], str], None]
"""A bearer token, or a zero-argument callable that returns a fresh one."""

AsyncTokenSource = Union[str, Callable[[], str], Callable[[], Awaitable[str]], None]
"""As :data:`TokenSource`, and the callable may also be async."""

AnyIterable = Union[Iterable[RequestT], AsyncIterable[RequestT]]
"""Requests for a client-streaming call on an asyncio channel."""

DEFAULT_TIMEOUT = 30.0
"""Seconds a call may take when neither the call nor the client sets a timeout."""

_CallOptions = tuple[Union[float, None], tuple[tuple[str, Union[str, bytes]], ...]]
_ClientT = TypeVar("_ClientT", bound="_BaseClient")


class _BaseClient:
    """What sync and asyncio clients share: settings, ``connect``, ``repr``."""

    SERVICE_CONFIG: ClassVar[str] = '{"methodConfig": []}'
    """The service's gRPC service config (JSON), with its retry policy."""

    _DEPRECATED: ClassVar[bool] = False

    def __init__(
        self,
        channel: Any,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        metadata: Metadata | None = None,
        token: Any = None,
    ) -> None:
        if self._DEPRECATED:
            warnings.warn(
                f"{type(self).__name__}: the service is deprecated",
                DeprecationWarning,
                stacklevel=3,
            )
        self._channel = channel
        self._owns_channel = False
        self._timeout = timeout
        self._metadata = tuple(metadata or ())
        self._token = token
        self._callables: dict[str, Any] = {}

    def __repr__(self) -> str:
        token = "<set>" if self._token is not None else None
        return f"{type(self).__name__}(timeout={self._timeout!r}, token={token})"

    @classmethod
    def _channel_options(cls) -> list[tuple[str, Any]]:
        return [("grpc.service_config", cls.SERVICE_CONFIG), ("grpc.enable_retries", 1)]

    @classmethod
    def _open_channel(
        cls,
        module: Any,
        target: str,
        credentials: grpc.ChannelCredentials | None,
        insecure: bool,
    ) -> Any:
        """A channel from ``module`` (grpc or grpc.aio) carrying the service
        config: TLS with the system roots unless ``credentials`` are given or
        ``insecure`` asks for plaintext."""
        if insecure and credentials is not None:
            raise ValueError("pass either credentials or insecure=True, not both")
        options = cls._channel_options()
        if insecure:
            return module.insecure_channel(target, options=options)
        creds = credentials or grpc.ssl_channel_credentials()
        return module.secure_channel(target, creds, options=options)

    def _merge(
        self, timeout: Timeout, metadata: Metadata | None, token: str | None
    ) -> _CallOptions:
        seconds = self._timeout if timeout is DEFAULT else timeout
        merged = self._metadata + tuple(metadata or ())
        if token:
            merged += (("authorization", f"Bearer {token}"),)
        return seconds, merged

    def _callable(self, rpc: Rpc[Any, Any]) -> Any:
        """The channel's multicallable for ``rpc``, created once and cached."""
        found = self._callables.get(rpc.path)
        if found is None:
            found = getattr(self._channel, rpc.kind)(
                rpc.path,
                request_serializer=serialize,
                response_deserializer=rpc.response_type.FromString,
            )
            self._callables[rpc.path] = found
        return found


class Client(_BaseClient):
    """Calls the RPCs of one service over a :class:`grpc.Channel`.

    Generated ``<Service>Client`` classes subclass this and add one method per
    RPC. Every call gets a deadline (the call's ``timeout``, else the client's;
    ``None`` means none), the client's metadata merged with the call's, and
    the bearer token as ``authorization: Bearer <token>``.

    Args:
        channel: The channel to call over; the client closes it only if it
            created it (see :meth:`connect`).
        timeout: Default seconds per call; ``None`` means no deadline.
        metadata: Metadata sent with every call.
        token: A bearer token, or a callable returning one, sent with every
            call. It never appears in ``repr()``.
    """

    def __init__(
        self,
        channel: grpc.Channel,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        metadata: Metadata | None = None,
        token: TokenSource = None,
    ) -> None:
        super().__init__(channel, timeout=timeout, metadata=metadata, token=token)

    @classmethod
    def connect(
        cls: type[_ClientT],
        target: str,
        *,
        credentials: grpc.ChannelCredentials | None = None,
        insecure: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
        metadata: Metadata | None = None,
        token: TokenSource = None,
    ) -> _ClientT:
        """A client that owns a new channel to ``target``.

        The channel uses TLS with the system's root certificates, unless
        ``credentials`` are given or ``insecure=True`` asks for plaintext. It
        carries the service's :attr:`SERVICE_CONFIG`, so calls that are safe to
        repeat are retried on UNAVAILABLE. :meth:`close` closes it.
        """
        channel = cls._open_channel(grpc, target, credentials, insecure)
        client = cls(channel, timeout=timeout, metadata=metadata, token=token)
        client._owns_channel = True
        return client

    def close(self) -> None:
        """Close the channel if this client created it; otherwise do nothing."""
        if self._owns_channel:
            self._channel.close()

    def __enter__(self: _ClientT) -> _ClientT:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _options(self, timeout: Timeout, metadata: Metadata | None) -> _CallOptions:
        token = self._token() if callable(self._token) else self._token
        return self._merge(timeout, metadata, token)

    def _unary_unary(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseT:
        rpc.warn_if_deprecated()
        seconds, merged = self._options(timeout, metadata)
        try:
            response: ResponseT = self._callable(rpc)(
                request, timeout=seconds, metadata=merged
            )
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from exc
        return response

    def _unary_stream(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseStream[ResponseT]:
        rpc.warn_if_deprecated()
        seconds, merged = self._options(timeout, metadata)
        return ResponseStream(
            self._callable(rpc)(request, timeout=seconds, metadata=merged)
        )

    def _stream_unary(
        self,
        rpc: Rpc[RequestT, ResponseT],
        requests: Iterable[RequestT],
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseT:
        rpc.warn_if_deprecated()
        seconds, merged = self._options(timeout, metadata)
        try:
            response: ResponseT = self._callable(rpc)(
                iter(requests), timeout=seconds, metadata=merged
            )
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from exc
        return response

    def _stream_stream(
        self,
        rpc: Rpc[RequestT, ResponseT],
        requests: Iterable[RequestT],
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseStream[ResponseT]:
        rpc.warn_if_deprecated()
        seconds, merged = self._options(timeout, metadata)
        return ResponseStream(
            self._callable(rpc)(iter(requests), timeout=seconds, metadata=merged)
        )

    def _paginate(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
        page_size: int | None,
        max_items: int | None,
    ) -> Pager[Any]:
        pages = _pages_of(rpc)

        def fetch(page: Any) -> Any:
            return self._unary_unary(rpc, page, timeout, metadata)

        return Pager(fetch, pages, pages.first_request(request, page_size), max_items)


def _pages_of(rpc: Rpc[Any, Any]) -> Pages:
    if rpc.pages is None:
        raise TypeError(f"{rpc.path} is not paginated")
    return rpc.pages


class AsyncClient(_BaseClient):
    """Calls the RPCs of one service over a :class:`grpc.aio.Channel`.

    The asyncio twin of :class:`Client`, with the same settings; ``token`` may
    also be an async callable. Unary-response methods are coroutines;
    streaming-response methods return an :class:`AsyncResponseStream` to use
    with ``async for``.
    """

    def __init__(
        self,
        channel: grpc.aio.Channel,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        metadata: Metadata | None = None,
        token: AsyncTokenSource = None,
    ) -> None:
        super().__init__(channel, timeout=timeout, metadata=metadata, token=token)

    @classmethod
    def connect(
        cls: type[_ClientT],
        target: str,
        *,
        credentials: grpc.ChannelCredentials | None = None,
        insecure: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
        metadata: Metadata | None = None,
        token: AsyncTokenSource = None,
    ) -> _ClientT:
        """A client that owns a new asyncio channel to ``target``.

        As :meth:`Client.connect`: TLS with the system roots unless
        ``credentials`` or ``insecure=True``; the service config with its retry
        policy is installed; :meth:`close` closes the channel.
        """
        channel = cls._open_channel(grpc.aio, target, credentials, insecure)
        client = cls(channel, timeout=timeout, metadata=metadata, token=token)
        client._owns_channel = True
        return client

    async def close(self) -> None:
        """Close the channel if this client created it; otherwise do nothing."""
        if self._owns_channel:
            await self._channel.close()

    async def __aenter__(self: _ClientT) -> _ClientT:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def _options_now(
        self, timeout: Timeout, metadata: Metadata | None
    ) -> _CallOptions | Awaitable[str]:
        """Call options; or, for an async token source, the token to await."""
        token = self._token() if callable(self._token) else self._token
        if token is None or isinstance(token, str):
            return self._merge(timeout, metadata, token)
        awaitable: Awaitable[str] = token
        return awaitable

    async def _options(
        self, timeout: Timeout, metadata: Metadata | None
    ) -> _CallOptions:
        options = self._options_now(timeout, metadata)
        if isinstance(options, tuple):
            return options
        return self._merge(timeout, metadata, await options)

    async def _unary_unary(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseT:
        rpc.warn_if_deprecated()
        options = self._options_now(timeout, metadata)
        if not isinstance(options, tuple):
            options = self._merge(timeout, metadata, await options)
        seconds, merged = options
        try:
            response: ResponseT = await self._callable(rpc)(
                request, timeout=seconds, metadata=merged
            )
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from exc
        return response

    def _unary_stream(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> AsyncResponseStream[ResponseT]:
        rpc.warn_if_deprecated()

        async def start() -> Any:
            seconds, merged = await self._options(timeout, metadata)
            return self._callable(rpc)(request, timeout=seconds, metadata=merged)

        return AsyncResponseStream(start)

    async def _stream_unary(
        self,
        rpc: Rpc[RequestT, ResponseT],
        requests: AnyIterable[RequestT],
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseT:
        rpc.warn_if_deprecated()
        seconds, merged = await self._options(timeout, metadata)
        try:
            response: ResponseT = await self._callable(rpc)(
                requests, timeout=seconds, metadata=merged
            )
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from exc
        return response

    def _stream_stream(
        self,
        rpc: Rpc[RequestT, ResponseT],
        requests: AnyIterable[RequestT],
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> AsyncResponseStream[ResponseT]:
        rpc.warn_if_deprecated()

        async def start() -> Any:
            seconds, merged = await self._options(timeout, metadata)
            return self._callable(rpc)(requests, timeout=seconds, metadata=merged)

        return AsyncResponseStream(start)

    async def _paginate(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
        page_size: int | None,
        max_items: int | None,
    ) -> AsyncPager[Any]:
        pages = _pages_of(rpc)

        async def fetch(page: Any) -> Any:
            return await self._unary_unary(rpc, page, timeout, metadata)

        first = pages.first_request(request, page_size)
        return await AsyncPager.start(fetch, pages, first, max_items)
