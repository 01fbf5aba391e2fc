"""The base class of generated synchronous clients."""

from __future__ import annotations

from typing import Any, Iterable

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
    ClientInterceptor,
    channel_credentials,
    check_plaintext_token,
    open_channel,
)
from .base import DEFAULT_TIMEOUT, BaseClient, ClientT, TokenSource
from .base import pages_of, sent_request_id
from .pagers import Pager, check_max_items
from .calllog import start_log
from .calls import Capture, capture_now
from .streams import RequestPump, ResponseStream, cancelled_by_caller

__all__ = ["Client"]


class Client(BaseClient):
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
        cls: type[ClientT],
        target: str,
        *,
        credentials: grpc.ChannelCredentials | None = None,
        insecure: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
        metadata: Metadata | None = None,
        token: TokenSource = None,
        interceptors: Iterable[ClientInterceptor] = (),
        options: ChannelOptions = (),
        compression: grpc.Compression | None = None,
        allow_plaintext_token: bool = False,
        load_balancing: LoadBalancing = "round_robin",
        keepalive: float | None = CLIENT_KEEPALIVE,
    ) -> ClientT:
        """A client that owns a new channel to ``target``.

        The channel uses TLS with the system's root certificates, unless
        ``credentials`` are given or ``insecure=True`` asks for plaintext. It
        carries the service's :attr:`SERVICE_CONFIG`, so calls that are safe to
        repeat are retried on UNAVAILABLE. :meth:`close` closes it.

        ``interceptors`` (grpc's client interceptors) see every call, of all
        four kinds; ``options`` are grpc channel options (keepalive, message
        sizes...), applied after the retry policy; ``compression`` is the
        channel's default. A bearer token is not sent in plaintext to another
        host than this one unless ``allow_plaintext_token=True`` (a trusted
        network, such as a service mesh): without it that is a ValueError.

        Calls are spread over the addresses ``target`` resolves to (a
        ``dns:///`` name with several, ``ipv4:a:p,b:p``...) by grpc's
        ``round_robin``, unless ``load_balancing="pick_first"``; a
        ``grpc.service_config`` in ``options`` replaces the whole service
        config, policy included. Keepalive pings go every ``keepalive``
        seconds (:data:`CLIENT_KEEPALIVE`), also while the channel is idle;
        None turns them off. ``xds:///name`` targets work where grpc's xDS
        is configured (``GRPC_XDS_BOOTSTRAP``): the xDS control plane then
        chooses the policy.
        """
        channel_credentials(credentials, insecure)
        check_plaintext_token(target, insecure, token, allow_plaintext_token)
        check_load_balancing(load_balancing)
        keepalive_options(keepalive)
        client = cls(None, timeout=timeout, metadata=metadata, token=token)
        client._channel = open_channel(
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
    def channel(self) -> grpc.Channel:
        """The channel the client calls over."""
        channel: grpc.Channel = self._channel
        return channel

    def close(self) -> None:
        """Close the channel if this client created it; otherwise do nothing."""
        if self._owns_channel and not self._closed:
            self._closed = True
            self._channel.close()

    def __enter__(self: ClientT) -> ClientT:
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
        """Make one call: its response, or its stream of responses."""
        auth = self._auth
        if auth is None:
            auth = self._fresh_auth(self._token())
        seconds, merged = self._merge(timeout, metadata, auth)
        call = self._multicallable(self._channel, rpc)
        log = start_log(rpc.path, merged)
        capture = capture_now()
        try:
            if rpc.kind.endswith("_stream"):
                responses = call(payload, timeout=seconds, metadata=merged)
                stream: ResponseStream[Any] = ResponseStream(responses, pump, log)
                return stream
            if log is not None and capture is None:
                capture = Capture()  # the log line wants the response's metadata
            if capture is not None and capture.claim(merged):
                response = _captured(call, payload, seconds, merged, capture)
                if log is not None:
                    log.done("OK", capture.initial, capture.trailing)
                return response
            return call(payload, timeout=seconds, metadata=merged)
        except grpc.RpcError as exc:
            error = sent_request_id(from_rpc_error(exc), merged)
            if capture is not None:
                capture.taken = False  # free for a retry of the call (a new token)
            if log is not None:
                log.done(
                    error.code.name, error.initial_metadata, error.trailing_metadata
                )
            if pump is None or pump.failure is None:
                raise error from exc
            failure = pump.failure
        except grpc.FutureCancelledError as exc:  # a PendingCall cancelled
            raise cancelled_by_caller() from exc
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
        warn: bool = True,
    ) -> ResponseT:
        """One unary call (pages of a pager pass ``warn=False``: the call
        warned once). Refused with UNAUTHENTICATED while the token comes from a
        callable, it is made once more, with a fresh token."""
        if warn:
            rpc.warn_if_deprecated()
        try:
            response: ResponseT = self._invoke(rpc, request, timeout, metadata)
        except UnauthenticatedError:
            if not callable(self._token):
                raise
        else:
            return response
        invalidate = getattr(self._token, "invalidate", None)
        if callable(invalidate):
            invalidate()
        retried: ResponseT = self._invoke(rpc, request, timeout, metadata)
        return retried

    def _unary_stream(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
    ) -> ResponseStream[ResponseT]:
        rpc.warn_if_deprecated()
        stream: ResponseStream[ResponseT] = self._invoke(
            rpc, request, timeout, metadata
        )
        return stream

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
        stream: ResponseStream[ResponseT] = self._invoke(
            rpc, pump, timeout, metadata, pump
        )
        return stream

    def _paginate(
        self,
        rpc: Rpc[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: Metadata | None,
        page_size: int | None,
        max_items: int | None,
    ) -> Pager[Any, ResponseT]:
        """A pager over ``rpc``'s pages; its item type is the generated
        method's to name."""
        rpc.warn_if_deprecated()
        pages = pages_of(rpc)
        check_max_items(max_items)

        def fetch(page: Any) -> ResponseT:
            return self._unary_unary(rpc, page, timeout, metadata, False)

        return Pager(fetch, pages, pages.first_request(request, page_size), max_items)


def _captured(
    call: Any, payload: Any, seconds: float | None, merged: Any, capture: Capture
) -> Any:
    """Make the call keeping its metadata in ``capture``; as a future that a
    PendingCall can cancel, when it is a PendingCall's."""
    if capture.background:
        future = call.future(payload, timeout=seconds, metadata=merged)
        capture.future = future
        if capture.cancelled:
            future.cancel()
        response = future.result()
        capture.keep(future.initial_metadata(), future.trailing_metadata())
        return response
    response, done = call.with_call(payload, timeout=seconds, metadata=merged)
    capture.keep(done.initial_metadata(), done.trailing_metadata())
    return response
