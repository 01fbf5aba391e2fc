"""What sync and asyncio clients share: settings, call options, channels.

Everything a client raises while making a call is either the typed
:class:`PlatformError` of the call's status, marked ``remote``, or, for a
mistake caught before anything is sent (bad metadata, a bad token, a closed
channel, the wrong event loop), a ValueError, TypeError or RuntimeError that
says what is wrong; an exception from the caller's own request iterator comes
out as it was raised.
"""

from __future__ import annotations

import time
from typing import Any, Awaitable, Callable, ClassVar, TypeVar, Union


from .._shared.context import REQUEST_ID_HEADER, new_request_id, served_now
from .._shared.errors import DeadlineExceededError, PlatformError, remote
from .._shared.rpc import DEFAULT, Metadata, Rpc, Timeout, serialize, warn_deprecated
from .metadata import AUTHORIZATION, Pairs, bearer, check_metadata, has_authorization
from .pagers import Pages

__all__ = [
    "AsyncTokenSource",
    "BaseClient",
    "CallOptions",
    "ClientT",
    "DEFAULT_TIMEOUT",
    "TokenSource",
    "pages_of",
    "sent_request_id",
]

TokenSource = Union[str, Callable[[], str], None]
"""A bearer token, or a zero-argument callable that returns a fresh one."""

AsyncTokenSource = Union[str, Callable[[], str], Callable[[], Awaitable[str]], None]
"""As :data:`TokenSource`, and the callable may also be async."""

DEFAULT_TIMEOUT = 30.0
"""Seconds a call may take when neither the call nor the client sets a timeout."""

CallOptions = tuple[Union[float, None], Pairs]
"""A call's deadline in seconds (or None) and its metadata."""

ClientT = TypeVar("ClientT", bound="BaseClient")


class BaseClient:
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
        self._own_request_id = _sets(self._metadata, REQUEST_ID_HEADER)
        self._token: Any = token  # a str, a callable, or None
        self._auth = None if callable(token) else bearer(token, f"{name}(token=...)")
        self._callables: dict[str, Any] = {}

    def __repr__(self) -> str:
        token = "<set>" if self._token is not None else None
        return f"{type(self).__name__}(timeout={self._timeout!r}, token={token})"

    def _merge(
        self, timeout: Timeout, metadata: Metadata | None, auth: Pairs
    ) -> CallOptions:
        """The deadline and metadata of one call.

        The call's own ``authorization``, if it has one, replaces the
        client's. Every call sends an ``x-request-id``: the caller's (in the
        call's or the client's metadata), else the one of the call being
        served (see ``current_request_id``), else a new one; grpc's retries
        resend it. While a call is served, the deadline is at most what is
        left of the served call's, unless the call passes its own
        ``timeout``; when none is left, the call fails with
        DeadlineExceededError before it is sent.
        """
        served = served_now()
        seconds = self._timeout if timeout is DEFAULT else timeout
        if served is not None and timeout is DEFAULT and served.deadline is not None:
            left = served.deadline - time.monotonic()
            if left <= 0:  # grpc may still deliver a call with no time left
                raise remote(
                    DeadlineExceededError(
                        "the deadline of the call being served has passed"
                    )
                )
            seconds = left if seconds is None else min(seconds, left)
        if not self._own_request_id and not (
            metadata and _sets(metadata, REQUEST_ID_HEADER)
        ):
            request_id = served.request_id if served else new_request_id()
            auth = auth + ((REQUEST_ID_HEADER, request_id),)
        if not metadata:
            return seconds, self._metadata + auth
        extra = check_metadata(metadata, "metadata")
        if has_authorization(extra):
            own = tuple(pair for pair in self._metadata if pair[0] != AUTHORIZATION)
            return (
                seconds,
                own + tuple(p for p in auth if p[0] != AUTHORIZATION) + extra,
            )
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


def pages_of(rpc: Rpc[Any, Any]) -> Pages:
    """Where ``rpc``'s page fields and items are; it must be paginated."""
    if rpc.pages is None:
        raise TypeError(f"{rpc.path} is not paginated")
    return rpc.pages


def _sets(metadata: Metadata, key: str) -> bool:
    return any(pair[0] == key for pair in metadata)


def sent_request_id(error: PlatformError, sent: Pairs) -> PlatformError:
    """``error``, with the request ID the call sent when the server named none."""
    if error.request_id is None:
        error.request_id = next(
            (v for k, v in sent if k == REQUEST_ID_HEADER and isinstance(v, str)), None
        )
    return error
