"""Token sources that keep an access token fresh: pass one as ``token=``.

:class:`RefreshingToken` (and :class:`AsyncRefreshingToken`, for asyncio
clients) gets an access token with ``issue()``, keeps it until ``margin``
seconds before it expires, then renews it: with ``refresh(refresh_token)``
when a refresh token came with it, else with ``issue()`` again. Concurrent
callers wait for one renewal. ``invalidate()`` drops the access token, so the
next call gets a new one: clients do that, and retry once, when a call with
a token from a callable is refused with UNAUTHENTICATED.

A *grant* is what issue and refresh return: ``(access_token, expires_at,
refresh_token)``, ``expires_at`` in seconds since the epoch (None if it does
not expire) and ``refresh_token`` empty if there is none. :func:`grant` reads
one from an issued-token message.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Awaitable, Callable, Optional, Protocol

from google.protobuf.timestamp_pb2 import Timestamp

from .._shared.errors import PlatformError

__all__ = [
    "AsyncRefreshingToken",
    "Grant",
    "IssuedToken",
    "RefreshingToken",
    "grant",
]

Grant = tuple[str, Optional[float], str]
"""``(access_token, expires_at or None, refresh_token or "")``."""


class IssuedToken(Protocol):
    """What :func:`grant` reads: a message with these fields (the platform's
    ``IssuedToken``, or any of the same shape)."""

    @property
    def access_token(self) -> str:
        """The access token."""
        ...

    @property
    def access_token_expire_time(self) -> Timestamp:
        """When it expires; unset (zero) if it does not."""
        ...

    @property
    def refresh_token(self) -> str:
        """The refresh token, or empty."""
        ...


def grant(issued: IssuedToken) -> Grant:
    """The grant in an issued-token message: its ``access_token``,
    ``access_token_expire_time`` (a Timestamp; unset means no expiry) and
    ``refresh_token``."""
    expiry = issued.access_token_expire_time
    expires = expiry.ToNanoseconds() / 1e9 if expiry.seconds or expiry.nanos else None
    return issued.access_token, expires, issued.refresh_token


class _Keeper:
    """What sync and async sources share: the current grant and its rules."""

    def __init__(self, margin: float, clock: Callable[[], float]) -> None:
        if margin < 0:
            raise ValueError("margin must not be negative")
        self.margin = margin
        self._clock = clock
        self._access: str | None = None
        self._expires: float | None = None
        self._refresh = ""

    def _fresh(self) -> str | None:
        """The access token, unless it is missing or about to expire."""
        if self._access is None:
            return None
        if self._expires is not None and self._clock() >= self._expires - self.margin:
            return None
        return self._access

    def _keep(self, new: Grant) -> str:
        self._access, self._expires, self._refresh = new
        if not self._access:
            raise ValueError("the token service issued an empty access token")
        return self._access

    def invalidate(self) -> None:
        """Drop the access token: the next call gets a new one."""
        self._access = None


class RefreshingToken(_Keeper):
    """A token source that keeps an access token fresh (see the module).

    Args:
        issue: Gets a new grant (a token from credentials or an API key).
        refresh: Redeems a refresh token for a new grant, if there is a way.
        margin: Seconds before expiry at which the token is renewed.
        clock: Seconds since the epoch (for tests).
    """

    def __init__(
        self,
        issue: Callable[[], Grant],
        refresh: Callable[[str], Grant] | None = None,
        *,
        margin: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(margin, clock)
        self._issuer = issue
        self._redeemer = refresh
        self._lock = threading.Lock()

    def __call__(self) -> str:
        """The access token, renewed first if it is about to expire."""
        with self._lock:
            token = self._fresh()
            if token is None:
                token = self._keep(self._renewed())
            return token

    def _renewed(self) -> Grant:
        if self._refresh and self._redeemer is not None:
            try:
                return self._redeemer(self._refresh)
            except PlatformError:  # a refresh token can be spent or revoked
                pass
        return self._issuer()


class AsyncRefreshingToken(_Keeper):
    """The asyncio twin of :class:`RefreshingToken`: ``issue`` and
    ``refresh`` are coroutine functions, and so is calling it."""

    def __init__(
        self,
        issue: Callable[[], Awaitable[Grant]],
        refresh: Callable[[str], Awaitable[Grant]] | None = None,
        *,
        margin: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(margin, clock)
        self._issuer = issue
        self._redeemer = refresh
        self._lock: asyncio.Lock | None = None

    async def __call__(self) -> str:
        """The access token, renewed first if it is about to expire."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            token = self._fresh()
            if token is None:
                token = self._keep(await self._renewed())
            return token

    async def _renewed(self) -> Grant:
        if self._refresh and self._redeemer is not None:
            try:
                return await self._redeemer(self._refresh)
            except PlatformError:  # a refresh token can be spent or revoked
                pass
        return await self._issuer()
