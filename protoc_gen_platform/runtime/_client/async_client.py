"""The base class of generated asyncio clients."""

from __future__ import annotations

import asyncio
import functools
from typing import Any, AsyncIterable, Awaitable, Callable, Iterable, Union, cast

import grpc

from .._shared.rpc import Metadata, RequestT, ResponseT, Rpc, Timeout
from .._shared.errors import UnauthenticatedError
from .._shared.status import from_rpc_error
from .channels import (
    CLIENT_KEEPALIVE,
    ChannelOptions,
    LoadBalancing,
    check_load_balancing,
    keepalive_options,
    channel_credentials,
    check_plaintext_token,
    open_async_channel,
)
from .base import DEFAULT_TIMEOUT, AsyncTokenSource, BaseClient, CallOptions
from .base import ClientT, pages_of, sent_request_id
from .calllog import CallLog, start_log
from .calls import capture_now
from .metadata import check_metadata
from .pagers import AsyncPager, check_max_items
from .streams import AsyncRequestPump, AsyncResponseStream

__all__ = ["AnyIterable", "AsyncClient"]

AnyIterable = Union[Iterable[RequestT], AsyncIterable[RequestT]]
"""Requests for a client-streaming call on an asyncio channel."""


class AsyncClient(BaseClient):
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
        cls: type[ClientT],
        target: str,
        *,
        credentials: grpc.ChannelCredentials | None = None,
        insecure: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
        metadata: Metadata | None = None,
        token: AsyncTokenSource = None,
        interceptors: Iterable[grpc.aio.ClientInterceptor] = (),
        options: ChannelOptions = (),
        compression: grpc.Compression | None = None,
        allow_plaintext_token: bool = False,
        load_balancing: LoadBalancing = "round_robin",
        keepalive: float | None = CLIENT_KEEPALIVE,
    ) -> ClientT:
        """A client that owns a new asyncio channel to ``target``.

        As :meth:`Client.connect`: TLS with the system roots unless
        ``credentials`` or ``insecure=True``; the service config with its retry
        policy is installed; ``interceptors`` (grpc.aio's), ``options``,
        ``compression``, ``allow_plaintext_token``, ``load_balancing`` and
        ``keepalive`` as there; :meth:`close`
        closes the channel. The channel is opened at the first call, in the
        event loop that makes it.
        """
        channel_credentials(credentials, insecure)
        check_plaintext_token(target, insecure, token, allow_plaintext_token)
        check_load_balancing(load_balancing)
        keepalive_options(keepalive)
        client = cls(None, timeout=timeout, metadata=metadata, token=token)
        assert isinstance(client, AsyncClient)
        client._opener = functools.partial(
            open_async_channel,
            target,
            cls,
            credentials=credentials,
            insecure=insecure,
            interceptors=interceptors,
            options=options,
            compression=compression,
            load_balancing=load_balancing,
            keepalive=keepalive,
        )
        client._owns_channel = True
        return client

    @property
    def channel(self) -> grpc.aio.Channel | None:
        """The channel the client calls over; for a client made by
        :meth:`connect`, None until its first call opens it."""
        channel: grpc.aio.Channel | None = self._channel
        return channel

    async def close(self) -> None:
        """Close the channel if this client created it; otherwise do nothing."""
        if self._owns_channel and not self._closed:
            self._closed = True
            if self._channel is not None:
                await self._channel.close()

    async def __aenter__(self: ClientT) -> ClientT:
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
    ) -> CallOptions | Awaitable[object]:
        """Call options; or, for an async token source, the token to await."""
        auth = self._auth
        if auth is None:
            token: object = self._token()
            if isinstance(token, Awaitable):
                return cast("Awaitable[object]", token)
            auth = self._fresh_auth(token)
        return self._merge(timeout, metadata, auth)

    async def _options(
        self, timeout: Timeout, metadata: Metadata | None
    ) -> CallOptions:
        options = self._options_now(timeout, metadata)
        if isinstance(options, tuple):
            return options
        return self._merge(timeout, metadata, self._fresh_auth(await options))

    def _start(
        self,
        rpc: Rpc[Any, Any],
        payload: Any,
        options: CallOptions,
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
        capture = capture_now()
        log = start_log(rpc.path, options[1])
        try:
            call = self._start(rpc, payload, options)
            response = await call
            if capture is not None and capture.claim(options[1]):
                capture.keep(
                    await call.initial_metadata(), await call.trailing_metadata()
                )
            if log is not None:
                log.done(
                    "OK", await call.initial_metadata(), await call.trailing_metadata()
                )
            return response
        except grpc.RpcError as exc:
            error = sent_request_id(from_rpc_error(exc), options[1])
            if capture is not None:
                capture.taken = False  # free for a retry of the call (a new token)
            if log is not None:
                log.done(
                    error.code.name, error.initial_metadata, error.trailing_metadata
                )
            raise error from exc
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
        warn: bool = True,
    ) -> ResponseT:
        """One unary call (pages of a pager pass ``warn=False``: the call
        warned once). Refused with UNAUTHENTICATED while the token comes from a
        callable, it is made once more, with a fresh token."""
        if warn:
            rpc.warn_if_deprecated()
        try:
            response: ResponseT = await self._invoke(rpc, request, timeout, metadata)
        except UnauthenticatedError:
            if not callable(self._token):
                raise
        else:
            return response
        invalidate = getattr(self._token, "invalidate", None)
        if callable(invalidate):
            invalidate()
        retried: ResponseT = await self._invoke(rpc, request, timeout, metadata)
        return retried

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

        async def start() -> tuple[Any, CallLog | None]:
            options = await self._options(timeout, metadata)
            log = start_log(rpc.path, options[1])
            return self._start(rpc, request, options), log

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

        async def start() -> tuple[Any, CallLog | None]:
            options = await self._options(timeout, metadata)
            log = start_log(rpc.path, options[1])
            return self._start(rpc, pump, options), log

        return AsyncResponseStream(start, pump)

    async def _paginate(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
        page_size: int | None,
        max_items: int | None,
    ) -> AsyncPager[Any, ResponseT]:
        """A pager over ``rpc``'s pages, its first page fetched; its item
        type is the generated method's to name."""
        rpc.warn_if_deprecated()
        pages = pages_of(rpc)
        check_max_items(max_items)

        async def fetch(page: Any) -> ResponseT:
            return await self._unary_unary(rpc, page, timeout, metadata, False)

        first = pages.first_request(request, page_size)
        return await AsyncPager[Any, ResponseT].start(fetch, pages, first, max_items)
