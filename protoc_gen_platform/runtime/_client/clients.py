"""The base classes of generated clients, synchronous and asyncio.

Everything a client raises while making a call is either the typed
:class:`PlatformError` of the call's status, marked ``remote``, or, for a
mistake caught before anything is sent (bad metadata, a bad token, a closed
channel, the wrong event loop), a ValueError, TypeError or RuntimeError that
says what is wrong; an exception from the caller's own request iterator comes
out as it was raised.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
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

from .._shared.rpc import DEFAULT, Metadata, RequestT, ResponseT, Rpc, Timeout
from .._shared.rpc import serialize, warn_deprecated
from .._shared.status import from_rpc_error
from .metadata import AUTHORIZATION, Pairs, bearer, check_metadata, has_authorization
from .pagers import AsyncPager, Pager, Pages, check_max_items
from .streams import AsyncRequestPump, AsyncResponseStream, RequestPump, ResponseStream

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

_CallOptions = tuple[Union[float, None], Pairs]
_ClientT = TypeVar("_ClientT", bound="_BaseClient")


class _BaseClient:
    """What sync and asyncio clients share: settings, call options, ``repr``."""

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
        name = type(self).__name__
        if self._DEPRECATED:
            warn_deprecated(f"{name}: the service is deprecated")
        self._channel = channel
        self._owns_channel = False
        self._closed = False
        self._timeout = timeout
        self._metadata = check_metadata(metadata or (), f"{name}(metadata=...)")
        if token is not None and has_authorization(self._metadata):
            raise ValueError(
                f"{name}: pass the bearer token as token= or as 'authorization' "
                "metadata, not both"
            )
        self._token = token
        self._auth = None if callable(token) else bearer(token, f"{name}(token=...)")
        self._callables: dict[str, Any] = {}

    def __repr__(self) -> str:
        token = "<set>" if self._token is not None else None
        return f"{type(self).__name__}(timeout={self._timeout!r}, token={token})"

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
        options = [
            ("grpc.service_config", cls.SERVICE_CONFIG),
            ("grpc.enable_retries", 1),
        ]
        if insecure:
            return module.insecure_channel(target, options=options)
        creds = credentials or grpc.ssl_channel_credentials()
        return module.secure_channel(target, creds, options=options)

    def _merge(
        self, timeout: Timeout, metadata: Metadata | None, auth: Pairs
    ) -> _CallOptions:
        """The deadline and metadata of one call. The call's own
        ``authorization``, if it has one, replaces the client's."""
        seconds = self._timeout if timeout is DEFAULT else timeout
        if not metadata:
            return seconds, self._metadata + auth
        extra = check_metadata(metadata, "metadata")
        if has_authorization(extra):
            own = tuple(pair for pair in self._metadata if pair[0] != AUTHORIZATION)
            return seconds, own + extra
        return seconds, self._metadata + auth + extra

    def _fresh_auth(self, token: object) -> Pairs:
        """The header for a token that the client's token callable returned."""
        return bearer(token, f"{type(self).__name__}: the token callable's result")

    def _multicallable(self, channel: Any, rpc: Rpc[Any, Any]) -> Any:
        """The channel's multicallable for ``rpc``, created once and cached."""
        found = self._callables.get(rpc.path)
        if found is None:
            found = getattr(channel, rpc.kind)(
                rpc.path,
                request_serializer=serialize,
                response_deserializer=rpc.response_type.FromString,
            )
            self._callables[rpc.path] = found
        return found

    def _closed_error(self) -> ValueError:
        return ValueError(
            f"{type(self).__name__}: the channel is closed, so no more calls can "
            "be made with this client"
        )


def _check_credentials(
    credentials: grpc.ChannelCredentials | None, insecure: bool
) -> None:
    if insecure and credentials is not None:
        raise ValueError("pass either credentials or insecure=True, not both")


def _pages_of(rpc: Rpc[Any, Any]) -> Pages:
    if rpc.pages is None:
        raise TypeError(f"{rpc.path} is not paginated")
    return rpc.pages


class Client(_BaseClient):
    """Calls the RPCs of one service over a :class:`grpc.Channel`.

    Generated ``<Service>Client`` classes subclass this and add one method per
    RPC. Every call gets a deadline (the call's ``timeout``, else the client's;
    ``None`` means none), the client's metadata merged with the call's, and
    the bearer token as ``authorization: Bearer <token>`` (unless the call's
    metadata has its own ``authorization``, which then replaces it).

    Args:
        channel: The channel to call over; the client closes it only if it
            created it (see :meth:`connect`).
        timeout: Default seconds per call; ``None`` means no deadline.
        metadata: Metadata sent with every call.
        token: A bearer token, or a callable returning one, sent with every
            call. It never appears in ``repr()`` or in an error message.
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
        _check_credentials(credentials, insecure)
        client = cls(None, timeout=timeout, metadata=metadata, token=token)
        client._channel = cls._open_channel(grpc, target, credentials, insecure)
        client._owns_channel = True
        return client

    def close(self) -> None:
        """Close the channel if this client created it; otherwise do nothing."""
        if self._owns_channel and not self._closed:
            self._closed = True
            self._channel.close()

    def __enter__(self: _ClientT) -> _ClientT:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _invoke(
        self,
        rpc: Rpc[Any, Any],
        payload: Any,
        timeout: Timeout,
        metadata: Metadata | None,
        pump: RequestPump[Any] | None = None,
    ) -> Any:
        """Make one call: its response, or its response iterator."""
        auth = self._auth
        if auth is None:
            auth = self._fresh_auth(self._token())
        seconds, merged = self._merge(timeout, metadata, auth)
        try:
            return self._multicallable(self._channel, rpc)(
                payload, timeout=seconds, metadata=merged
            )
        except grpc.RpcError as exc:
            if pump is None or pump.failure is None:
                raise from_rpc_error(exc) from exc
            failure = pump.failure
        except ValueError as exc:  # grpc's "Cannot invoke RPC on closed channel!"
            if not (self._closed or "closed" in str(exc)):
                raise
            raise self._closed_error() from exc
        raise failure  # the caller's own exception, as it was raised

    def _unary_unary(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseT:
        rpc.warn_if_deprecated()
        response: ResponseT = self._invoke(rpc, request, timeout, metadata)
        return response

    def _unary_stream(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseStream[ResponseT]:
        rpc.warn_if_deprecated()
        return ResponseStream(self._invoke(rpc, request, timeout, metadata))

    def _stream_unary(
        self,
        rpc: Rpc[RequestT, ResponseT],
        requests: Iterable[RequestT],
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseT:
        rpc.warn_if_deprecated()
        pump = RequestPump(requests)
        response: ResponseT = self._invoke(rpc, pump, timeout, metadata, pump)
        return response

    def _stream_stream(
        self,
        rpc: Rpc[RequestT, ResponseT],
        requests: Iterable[RequestT],
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseStream[ResponseT]:
        rpc.warn_if_deprecated()
        pump = RequestPump(requests)
        return ResponseStream(self._invoke(rpc, pump, timeout, metadata, pump), pump)

    def _paginate(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
        page_size: int | None,
        max_items: int | None,
    ) -> Pager[Any]:
        rpc.warn_if_deprecated()
        pages = _pages_of(rpc)
        check_max_items(max_items)

        def fetch(page: Any) -> Any:
            return self._invoke(rpc, page, timeout, metadata)

        return Pager(fetch, pages, pages.first_request(request, page_size), max_items)


class AsyncClient(_BaseClient):
    """Calls the RPCs of one service over a :class:`grpc.aio.Channel`.

    The asyncio twin of :class:`Client`, with the same settings; ``token`` may
    also be an async callable. Unary-response methods are coroutines;
    streaming-response methods return an :class:`AsyncResponseStream` to use
    with ``async for``.

    A grpc.aio channel belongs to one event loop. A client made by
    :meth:`connect` opens its channel at its first call, in the loop running
    it, so it may be made before the loop starts; using a client in another
    loop than its channel's (a second ``asyncio.run()``, say) is a clear
    RuntimeError rather than grpc's own.
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
        self._loop: asyncio.AbstractEventLoop | None = getattr(channel, "_loop", None)
        self._opener: Callable[[], Any] | None = None

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
        policy is installed; :meth:`close` closes the channel. The channel is
        opened at the first call, in the event loop that makes it.
        """
        _check_credentials(credentials, insecure)
        client = cls(None, timeout=timeout, metadata=metadata, token=token)
        assert isinstance(client, AsyncClient)
        client._opener = functools.partial(
            cls._open_channel, grpc.aio, target, credentials, insecure
        )
        client._owns_channel = True
        return client

    async def close(self) -> None:
        """Close the channel if this client created it; otherwise do nothing."""
        if self._owns_channel and not self._closed:
            self._closed = True
            if self._channel is not None:
                await self._channel.close()

    async def __aenter__(self: _ClientT) -> _ClientT:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def _channel_here(self) -> Any:
        """The channel, opened if need be, once it is known to belong to the
        running event loop."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            if self._loop is not None:
                raise RuntimeError(
                    f"{type(self).__name__}: its channel belongs to another event "
                    "loop than the running one (each asyncio.run() starts a new "
                    "loop); make the client, or connect(), in the loop that uses it"
                )
            self._loop = loop
        if self._closed:
            raise self._closed_error()
        if self._channel is None and self._opener is not None:
            self._channel = self._opener()
        return self._channel

    def _options_now(
        self, timeout: Timeout, metadata: Metadata | None
    ) -> _CallOptions | Awaitable[object]:
        """Call options; or, for an async token source, the token to await."""
        auth = self._auth
        if auth is None:
            token = self._token()
            if inspect.isawaitable(token):
                return token
            auth = self._fresh_auth(token)
        return self._merge(timeout, metadata, auth)

    async def _options(
        self, timeout: Timeout, metadata: Metadata | None
    ) -> _CallOptions:
        options = self._options_now(timeout, metadata)
        if isinstance(options, tuple):
            return options
        return self._merge(timeout, metadata, self._fresh_auth(await options))

    def _start(
        self,
        rpc: Rpc[Any, Any],
        payload: Any,
        options: _CallOptions,
    ) -> Any:
        """The grpc.aio call object of one call."""
        seconds, merged = options
        try:
            return self._multicallable(self._channel_here(), rpc)(
                payload, timeout=seconds, metadata=merged
            )
        except grpc.aio.UsageError as exc:  # grpc's "Channel is closed."
            raise self._closed_error() from exc

    async def _invoke(
        self,
        rpc: Rpc[Any, Any],
        payload: Any,
        timeout: Timeout,
        metadata: Metadata | None,
        pump: AsyncRequestPump[Any] | None = None,
    ) -> Any:
        """Make one call with a single response; return it."""
        options = self._options_now(timeout, metadata)
        if not isinstance(options, tuple):
            options = self._merge(timeout, metadata, self._fresh_auth(await options))
        try:
            return await self._start(rpc, payload, options)
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from exc
        except grpc.aio.UsageError as exc:
            raise self._closed_error() from exc
        except asyncio.CancelledError:
            if pump is None or pump.failure is None:
                raise  # the caller's task itself was cancelled
            failure = pump.failure
        raise failure  # the caller's own exception, as it was raised

    async def _unary_unary(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseT:
        rpc.warn_if_deprecated()
        response: ResponseT = await self._invoke(rpc, request, timeout, metadata)
        return response

    def _unary_stream(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> AsyncResponseStream[ResponseT]:
        rpc.warn_if_deprecated()
        if metadata:
            check_metadata(metadata, "metadata")  # a mistake shows at the call

        async def start() -> Any:
            return self._start(rpc, request, await self._options(timeout, metadata))

        return AsyncResponseStream(start)

    async def _stream_unary(
        self,
        rpc: Rpc[RequestT, ResponseT],
        requests: AnyIterable[RequestT],
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseT:
        rpc.warn_if_deprecated()
        pump = AsyncRequestPump(requests)
        response: ResponseT = await self._invoke(rpc, pump, timeout, metadata, pump)
        return response

    def _stream_stream(
        self,
        rpc: Rpc[RequestT, ResponseT],
        requests: AnyIterable[RequestT],
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> AsyncResponseStream[ResponseT]:
        rpc.warn_if_deprecated()
        if metadata:
            check_metadata(metadata, "metadata")  # a mistake shows at the call
        pump = AsyncRequestPump(requests)

        async def start() -> Any:
            return self._start(rpc, pump, await self._options(timeout, metadata))

        return AsyncResponseStream(start, pump)

    async def _paginate(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
        page_size: int | None,
        max_items: int | None,
    ) -> AsyncPager[Any]:
        rpc.warn_if_deprecated()
        pages = _pages_of(rpc)
        check_max_items(max_items)

        async def fetch(page: Any) -> Any:
            return await self._invoke(rpc, page, timeout, metadata)

        first = pages.first_request(request, page_size)
        return await AsyncPager.start(fetch, pages, first, max_items)
