"""Token validators that cache: one check per token and lifetime, not per call.

:class:`CachingValidator` and :class:`AsyncCachingValidator` wrap a *check*,
``token -> (principal, lifetime in seconds)``, such as a call to an auth
service, into a validator for :class:`AuthInterceptor`. For each token:

* an accepted token is remembered for its lifetime, at most ``max_ttl``
  seconds, so the cache never outlives the token;
* a refused one (the check raised a PlatformError that is a verdict: its own,
  or one the auth service sent in-band) is remembered for ``invalid_ttl``
  seconds, and refused with that error;
* when the check cannot tell (the auth service is unreachable, or failed),
  nothing is remembered and the call is refused with UNAVAILABLE: the
  validator fails closed, never open;
* concurrent calls with a token not yet known wait for one check.

At most ``max_entries`` tokens are remembered; the oldest go first.
"""

from __future__ import annotations

import asyncio
import copy
import threading
import time
from typing import Awaitable, Callable, Generic, TypeVar

from .._shared.errors import PlatformError, UnavailableError
from .failures import logger

__all__ = ["AsyncCachingValidator", "CachingValidator"]

_PrincipalT = TypeVar("_PrincipalT")

UNAVAILABLE_MESSAGE = "the token cannot be checked now"


class _Entry(Generic[_PrincipalT]):
    __slots__ = ("expires", "principal", "refusal")

    def __init__(
        self,
        expires: float,
        principal: _PrincipalT | None,
        refusal: PlatformError | None,
    ) -> None:
        self.expires = expires
        self.principal = principal
        self.refusal = refusal


class _Cache(Generic[_PrincipalT]):
    """What sync and async validators share: the entries and their rules."""

    def __init__(
        self,
        *,
        max_ttl: float,
        invalid_ttl: float,
        max_entries: int,
        clock: Callable[[], float],
    ) -> None:
        if max_ttl < 0 or invalid_ttl < 0 or max_entries < 1:
            raise ValueError("need max_ttl >= 0, invalid_ttl >= 0 and max_entries >= 1")
        self.max_ttl = max_ttl
        self.invalid_ttl = invalid_ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[str, _Entry[_PrincipalT]] = {}

    def _known(self, token: str) -> _Entry[_PrincipalT] | None:
        entry = self._entries.get(token)
        if entry is not None and entry.expires <= self._clock():
            self._entries.pop(token, None)
            return None
        return entry

    def _remember(self, token: str, entry: _Entry[_PrincipalT]) -> None:
        if entry.expires <= self._clock():
            return
        self._entries.pop(token, None)
        while len(self._entries) >= self.max_entries:
            self._entries.pop(next(iter(self._entries)))
        self._entries[token] = entry

    def _settle(
        self, token: str, outcome: tuple[_PrincipalT, float]
    ) -> _Entry[_PrincipalT]:
        """The entry for an accepted token."""
        principal, lifetime = outcome
        entry = _Entry(self._clock() + min(lifetime, self.max_ttl), principal, None)
        self._remember(token, entry)
        return entry

    def _refuse(self, token: str, exc: Exception) -> _Entry[_PrincipalT]:
        """The entry for a check that raised: a verdict, or UNAVAILABLE."""
        if isinstance(exc, PlatformError) and (exc.in_band or not exc.remote):
            refusal = exc.forward() if exc.remote else exc
            entry = _Entry[_PrincipalT](self._clock() + self.invalid_ttl, None, refusal)
            self._remember(token, entry)
            return entry
        logger.warning("cannot check a bearer token; refusing the call", exc_info=exc)
        return _Entry(0.0, None, UnavailableError(UNAVAILABLE_MESSAGE))

    @staticmethod
    def _answer(entry: _Entry[_PrincipalT]) -> _PrincipalT:
        if entry.refusal is not None:
            raise copy.copy(entry.refusal)  # one instance is never raised twice
        assert entry.principal is not None
        return entry.principal


class CachingValidator(_Cache[_PrincipalT]):
    """A validator for :class:`AuthInterceptor` that caches what ``check``
    says of each token (see the module's rules).

    Args:
        check: ``token -> (principal, lifetime in seconds)``; raises a
            PlatformError to refuse the token.
        max_ttl: Seconds an accepted token is remembered at most.
        invalid_ttl: Seconds a refused token is remembered.
        max_entries: Tokens remembered at most.
        clock: Seconds, monotonic (for tests).
    """

    def __init__(
        self,
        check: Callable[[str], tuple[_PrincipalT, float]],
        *,
        max_ttl: float = 300.0,
        invalid_ttl: float = 5.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            max_ttl=max_ttl,
            invalid_ttl=invalid_ttl,
            max_entries=max_entries,
            clock=clock,
        )
        self._checker = check
        self._lock = threading.Lock()
        self._flights: dict[str, _Flight[_PrincipalT]] = {}

    def __call__(self, token: str) -> _PrincipalT:
        """The principal of ``token``; raises the refusal otherwise."""
        entry = self._known(token)
        if entry is None:
            with self._lock:
                flight = self._flights.get(token)
                leader = flight is None
                if flight is None:
                    flight = self._flights[token] = _Flight()
            entry = self._fly(token, flight) if leader else flight.wait()
        return self._answer(entry)

    def _fly(self, token: str, flight: _Flight[_PrincipalT]) -> _Entry[_PrincipalT]:
        entry = _Entry[_PrincipalT](0.0, None, UnavailableError(UNAVAILABLE_MESSAGE))
        try:
            entry = self._settle(token, self._checker(token))
        except Exception as exc:
            entry = self._refuse(token, exc)
        finally:  # the waiting threads get an answer, whatever happened
            with self._lock:
                del self._flights[token]
            flight.land(entry)
        return entry


class _Flight(Generic[_PrincipalT]):
    """One check under way, that other threads wait for."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._entry: _Entry[_PrincipalT] | None = None

    def land(self, entry: _Entry[_PrincipalT]) -> None:
        self._entry = entry
        self._done.set()

    def wait(self) -> _Entry[_PrincipalT]:
        self._done.wait()
        assert self._entry is not None
        return self._entry


class AsyncCachingValidator(_Cache[_PrincipalT]):
    """The asyncio twin of :class:`CachingValidator`, for
    :class:`AsyncAuthInterceptor`: ``check`` is a coroutine function."""

    def __init__(
        self,
        check: Callable[[str], Awaitable[tuple[_PrincipalT, float]]],
        *,
        max_ttl: float = 300.0,
        invalid_ttl: float = 5.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            max_ttl=max_ttl,
            invalid_ttl=invalid_ttl,
            max_entries=max_entries,
            clock=clock,
        )
        self._checker = check
        self._flights: dict[str, asyncio.Future[_Entry[_PrincipalT]]] = {}

    async def __call__(self, token: str) -> _PrincipalT:
        """The principal of ``token``; raises the refusal otherwise."""
        entry = self._known(token)
        if entry is None:
            flight = self._flights.get(token)
            if flight is None:
                flight = asyncio.ensure_future(self._fly(token))
                self._flights[token] = flight
            # shielded: a caller that is cancelled leaves the check to the others
            entry = await asyncio.shield(flight)
        return self._answer(entry)

    async def _fly(self, token: str) -> _Entry[_PrincipalT]:
        try:
            return self._settle(token, await self._checker(token))
        except Exception as exc:
            return self._refuse(token, exc)
        finally:
            self._flights.pop(token, None)
