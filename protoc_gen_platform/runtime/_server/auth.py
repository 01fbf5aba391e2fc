"""Bearer authentication on every call, as a server interceptor.

:class:`AuthInterceptor` (for ``grpc.server()``) and
:class:`AsyncAuthInterceptor` (for ``grpc.aio.server()``) read
``authorization: Bearer <token>`` from each call, hand the token to a
*validator*, and make what it returns, the principal, available to servicer
code through :func:`current_principal`. They wrap the handler of each of the
four RPC kinds alike, so that the check runs in the thread or task that
serves the call.

A validator is any callable ``token -> principal`` (an async one too, for
the asyncio interceptor). To refuse a token it raises a PlatformError, which
ends the call with that error's code and details; a missing or malformed
header ends it with UNAUTHENTICATED. Health checks, server reflection and the
methods named in ``exempt`` are not checked.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Iterable, TypeVar, Union, cast

import grpc

from .._shared.context import Served, begin_served, end_served
from .._shared.errors import UnauthenticatedError
from .aborting import abort_async_with, abort_sync_with
from .failures import failure_status, unsent_header

__all__ = [
    "ALWAYS_EXEMPT",
    "AsyncAuthInterceptor",
    "AsyncValidator",
    "AuthInterceptor",
    "Validator",
]

_Q = TypeVar("_Q")
_R = TypeVar("_R")

Validator = Callable[[str], object]
"""Turns a bearer token into a principal; raises a PlatformError to refuse it."""

AsyncValidator = Callable[[str], Union[object, Awaitable[object]]]
"""As :data:`Validator`, and it may be a coroutine function."""

ALWAYS_EXEMPT = (
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
)
"""Services that are never checked: health checks and server reflection."""

_BEARER = "bearer "


class _Exemptions:
    """Which methods are not checked: whole services or single methods,
    named ``package.Service`` or ``package.Service/Method``."""

    def __init__(self, exempt: Iterable[str]) -> None:
        self._names = frozenset(name.strip("/") for name in (*ALWAYS_EXEMPT, *exempt))

    def __contains__(self, method: str) -> bool:
        name = method.strip("/")
        return name in self._names or name.rpartition("/")[0] in self._names


def _token(context: Any) -> str:
    """The bearer token of the call; UnauthenticatedError when there is none."""
    values = [v for k, v in context.invocation_metadata() or () if k == "authorization"]
    if not values:
        raise UnauthenticatedError(
            "the call has no bearer token: send 'authorization: Bearer <token>'",
            reason="TOKEN_MISSING",
        )
    value = values[0]
    if (
        len(values) > 1
        or not isinstance(value, str)
        or not value[: len(_BEARER)].lower() == _BEARER
        or not value[len(_BEARER) :].strip()
    ):
        raise UnauthenticatedError(
            "the authorization header is not one 'Bearer <token>'",
            reason="TOKEN_MALFORMED",
        )
    return value[len(_BEARER) :].strip()


def _wrap(
    handler: grpc.RpcMethodHandler[_Q, _R],
    wrap_behaviour: Callable[[Callable[..., Any], bool], Any],
) -> grpc.RpcMethodHandler[_Q, _R]:
    """``handler`` (grpc's RpcMethodHandler) with its behaviour wrapped."""
    for kind in ("unary_unary", "unary_stream", "stream_unary", "stream_stream"):
        behaviour = getattr(handler, kind)
        if behaviour is not None:
            streaming = kind.endswith("_stream")
            # grpc's handlers are namedtuples; its stubs do not say so.
            wrapped: grpc.RpcMethodHandler[_Q, _R] = getattr(handler, "_replace")(
                **{kind: wrap_behaviour(behaviour, streaming)}
            )
            return wrapped
    return handler  # pragma: no cover - grpc always sets one


def _sync_checked(
    behaviour: Callable[..., Any],
    streaming: bool,
    authenticate: Callable[[Any, Served], None],
) -> Callable[..., Any]:
    """A synchronous behaviour that runs ``authenticate`` first, in the
    thread that serves the call."""
    if streaming:

        def checked_stream(request: Any, context: Any) -> Any:
            served, token = begin_served(context)
            try:
                authenticate(context, served)
                yield from behaviour(request, context)
            finally:
                end_served(token)

        return checked_stream

    def checked(request: Any, context: Any) -> Any:
        served, token = begin_served(context)
        try:
            authenticate(context, served)
            return behaviour(request, context)
        finally:
            end_served(token)

    return checked


def _sync_authenticator(
    method: str, principal_of: Callable[[Any], object]
) -> Callable[[Any, Served], None]:
    """Records the call's principal, or ends the call as the refusal says."""

    def authenticate(context: Any, served: Served) -> None:
        try:
            served.principal = principal_of(context)
        except Exception as exc:
            status = failure_status(method, exc, context, served)
            if status is None:
                raise
            abort_sync_with(context, status, unsent_header(served))

    return authenticate


class AuthInterceptor(grpc.ServerInterceptor):
    """Checks the bearer token of every call on a ``grpc.server()``.

    Args:
        validator: ``token -> principal``; raises a PlatformError to refuse.
        exempt: Services (``package.Service``) or methods
            (``package.Service/Method``) that need no token, besides health
            checks and reflection, such as the method that issues tokens.
    """

    def __init__(self, validator: Validator, *, exempt: Iterable[str] = ()) -> None:
        self._validator = validator
        self._exempt = _Exemptions(exempt)

    def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], grpc.RpcMethodHandler[_Q, _R] | None
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[_Q, _R] | None:
        """Wrap the handler of a method that needs a token with the check."""
        handler = continuation(handler_call_details)
        method: str = handler_call_details.method
        if handler is None or method in self._exempt:
            return handler
        authenticate = _sync_authenticator(method, self._principal)
        return _wrap(handler, lambda b, s: _sync_checked(b, s, authenticate))

    def _principal(self, context: Any) -> object:
        principal = self._validator(_token(context))
        if asyncio.iscoroutine(principal):
            principal.close()
            raise TypeError(
                "an async validator needs AsyncAuthInterceptor and grpc.aio.server()"
            )
        return principal


class AsyncAuthInterceptor(grpc.aio.ServerInterceptor):
    """The asyncio twin of :class:`AuthInterceptor`, for ``grpc.aio.server()``.

    The validator may be a coroutine function; a synchronous one runs in the
    event loop, so it must not block. A synchronous servicer served by the
    same server is checked too: its check runs in the server's event loop.
    """

    def __init__(
        self, validator: AsyncValidator, *, exempt: Iterable[str] = ()
    ) -> None:
        self._validator = validator
        self._exempt = _Exemptions(exempt)

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[_Q, _R] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[_Q, _R] | None:
        """Wrap the handler of a method that needs a token with the check."""
        handler = await continuation(handler_call_details)
        method: str = handler_call_details.method
        if handler is None or method in self._exempt:
            return handler
        loop = asyncio.get_running_loop()

        def in_loop(context: Any) -> object:
            checking = asyncio.run_coroutine_threadsafe(self._principal(context), loop)
            return checking.result(timeout=context.time_remaining())

        authenticate = _sync_authenticator(method, in_loop)

        def wrap(behaviour: Callable[..., Any], streaming: bool) -> Any:
            if _is_async(behaviour):
                return self._checked(method, behaviour, streaming)
            return _sync_checked(behaviour, streaming, authenticate)

        return _wrap(handler, wrap)

    async def _principal(self, context: Any) -> object:
        principal = self._validator(_token(context))
        if asyncio.iscoroutine(principal) or isinstance(principal, asyncio.Future):
            return await cast("Awaitable[object]", principal)
        return principal

    async def _authenticate(self, method: str, context: Any, served: Served) -> None:
        try:
            served.principal = await self._principal(context)
        except Exception as exc:
            status = failure_status(method, exc, context, served)
            if status is None:
                raise
            await abort_async_with(context, status, unsent_header(served))

    def _checked(
        self, method: str, behaviour: Callable[..., Any], streaming: bool
    ) -> Callable[..., Any]:
        if streaming:

            async def checked_stream(request: Any, context: Any) -> Any:
                served, token = begin_served(context)
                try:
                    await self._authenticate(method, context, served)
                    async for response in behaviour(request, context):
                        yield response
                finally:
                    end_served(token)

            return checked_stream

        async def checked(request: Any, context: Any) -> Any:
            served, token = begin_served(context)
            try:
                await self._authenticate(method, context, served)
                return await behaviour(request, context)
            finally:
                end_served(token)

        return checked


def _is_async(behaviour: Any) -> bool:
    """Whether grpc.aio runs ``behaviour`` in the loop (not in a thread)."""
    import inspect  # not at module level: it is slow to import

    return inspect.iscoroutinefunction(behaviour) or inspect.isasyncgenfunction(
        behaviour
    )
