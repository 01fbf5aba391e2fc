"""The call being served: its request ID, its deadline and its principal.

The servicer glue (and the auth interceptor, when there is one) records the
call a servicer is serving in a context variable. From there:

* servicer code reads it: :func:`current_request_id`, :func:`time_remaining`,
  :func:`current_principal`;
* generated clients called while serving it send its request ID on, and keep
  within its deadline;
* :class:`RequestIdFilter` puts the request ID into log records.

Context variables follow the thread or asyncio task that serves the call, so
calls made from other threads (a thread pool of the servicer's own) do not
see it.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import sys
import time
from typing import Any, TypeVar

__all__ = [
    "ATTEMPT_HEADER",
    "REQUEST_ID_HEADER",
    "RequestIdFilter",
    "Served",
    "begin_served",
    "current_principal",
    "current_request_id",
    "end_served",
    "new_request_id",
    "served_now",
    "time_remaining",
]

REQUEST_ID_HEADER: str = "x-request-id"
"""The metadata key that carries a call's request ID, both ways."""

ATTEMPT_HEADER = "x-rpc-attempt"
"""The response header that says which attempt of a retried call answered
(from grpc's ``grpc-previous-rpc-attempts``; absent on a first attempt)."""

_PREVIOUS_ATTEMPTS = "grpc-previous-rpc-attempts"

_VALID_ID = re.compile(r"[!-~]{1,128}")  # printable ASCII, no spaces
_PrincipalT = TypeVar("_PrincipalT")


class Served:
    """One call being served (internal): what the runtime knows of it."""

    __slots__ = (
        "context",
        "request_id",
        "deadline",
        "attempt",
        "principal",
        "headers_sent",
        "id_from_caller",
    )

    def __init__(
        self,
        context: Any,
        request_id: str,
        deadline: float | None,
        attempt: int = 1,
        id_from_caller: bool = False,
    ) -> None:
        self.context = context
        self.request_id = request_id
        self.id_from_caller = id_from_caller  # else minted here
        self.deadline = deadline  # time.monotonic() at which the call expires
        self.attempt = attempt
        self.principal: object = None
        self.headers_sent = False

    @property
    def header(self) -> tuple[tuple[str, str], ...]:
        """The response metadata that echoes the request ID (and the attempt,
        on a retry): headers, or trailers (see the glue's echo)."""
        echo: tuple[tuple[str, str], ...] = ((REQUEST_ID_HEADER, self.request_id),)
        if self.attempt > 1:
            echo += ((ATTEMPT_HEADER, str(self.attempt)),)
        return echo


_SERVED: contextvars.ContextVar[Served | None] = contextvars.ContextVar(
    "platform_served", default=None
)


def served_now() -> Served | None:
    """The call being served by this thread or task, if any."""
    return _SERVED.get()


def begin_served(context: Any) -> tuple[Served, contextvars.Token[Any] | None]:
    """Record the call that ``context`` belongs to as the one being served.

    Returns it and the token that :func:`end_served` needs; when the call was
    already recorded (by the auth interceptor, before the glue), returns it
    with no token. The request ID is the caller's ``x-request-id`` when it is
    printable ASCII of at most 128 characters, else a new UUID.
    """
    current = _SERVED.get()
    if current is not None and current.context is context:
        return current, None
    request_id = None
    previous = 0
    for key, value in context.invocation_metadata() or ():
        if not isinstance(value, str):
            continue
        if key == REQUEST_ID_HEADER and _VALID_ID.fullmatch(value):
            request_id = request_id or value
        elif key == _PREVIOUS_ATTEMPTS and value.isdigit():
            previous = int(value)
    remaining = seconds_left(context)
    served = Served(
        context,
        request_id or new_request_id(),
        None if remaining is None else time.monotonic() + remaining,
        previous + 1,
        request_id is not None,
    )
    _tag_span(served.request_id)
    return served, _SERVED.set(served)


_NO_DEADLINE = 1e9
"""More seconds left than this (about 31 years) means no deadline: grpc reports
a call without one as ending in the year 292 billion."""


def seconds_left(context: Any) -> float | None:
    """Seconds left before the deadline of the call ``context`` serves, or
    None when it has none."""
    remaining: float | None = context.time_remaining()
    if remaining is None or remaining > _NO_DEADLINE:
        return None
    return remaining


SPAN_ATTRIBUTE = "rpc.request_id"
"""The attribute that carries the request ID on the server's span, when
OpenTelemetry's grpc instrumentation traces the call."""


def _tag_span(request_id: str) -> None:
    """Record the request ID on the current span, if OpenTelemetry is in use
    (it is never imported here: only looked up)."""
    trace = sys.modules.get("opentelemetry.trace")
    if trace is not None:
        trace.get_current_span().set_attribute(SPAN_ATTRIBUTE, request_id)


def new_request_id() -> str:
    """A new request ID: 32 random hex digits (as a UUID4's, made faster)."""
    return os.urandom(16).hex()


def end_served(token: contextvars.Token[Any] | None) -> None:
    """Forget the call recorded by the :func:`begin_served` that gave ``token``."""
    if token is not None:
        _SERVED.reset(token)


def current_request_id() -> str | None:
    """The request ID of the call being served, or None outside one.

    It is the caller's ``x-request-id``, or one minted for the call; the
    response echoes it (in its headers, or with a unary response to a caller
    that sent it, in its trailers), errors carry it, and the calls that generated
    clients make while serving it send it on.
    """
    served = _SERVED.get()
    return None if served is None else served.request_id


def time_remaining() -> float | None:
    """Seconds left before the deadline of the call being served; None when it
    has none, or outside a call."""
    served = _SERVED.get()
    if served is None or served.deadline is None:
        return None
    return max(0.0, served.deadline - time.monotonic())


def current_principal(kind: type[_PrincipalT]) -> _PrincipalT:
    """The principal that the auth interceptor validated for the call being
    served, checked to be a ``kind``.

    Raises LookupError outside a call, or when the call was not authenticated
    (no interceptor, or an exempt method); TypeError when the validator gave
    a principal of another type.
    """
    served = _SERVED.get()
    if served is None or served.principal is None:
        raise LookupError(
            "no authenticated principal: not serving a call, or the call's "
            "method is exempt from authentication"
        )
    if not isinstance(served.principal, kind):
        raise TypeError(
            f"the principal is a {type(served.principal).__name__}, not a "
            f"{kind.__name__}"
        )
    return served.principal


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record: the call's, or ``-``.

    Attach it to a handler and use ``%(request_id)s`` in its format::

        handler.addFilter(RequestIdFilter())
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Give ``record`` a ``request_id``: the served call's, else ``-``."""
        if not hasattr(record, "request_id"):  # a client's call log has its own
            record.request_id = current_request_id() or "-"
        return True
