"""Failures of calls being served: which status ends them, and the log.

Shared by the servicer glue and the auth interceptor, so that a refusal, an
error a servicer raises and an unexpected exception all end a call the same
way: a rich status carrying the request ID, and for what the caller must not
see, a log record on the ``<runtime package>.server`` logger.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

import grpc

from .._shared.context import Served
from .._shared.errors import InternalError, PlatformError, UnknownError
from .aborting import to_status

__all__ = [
    "INTERNAL_MESSAGE",
    "REMOTE_MESSAGE",
    "failure_status",
    "internal",
    "logger",
    "unsent_header",
    "with_request_id",
]

logger = logging.getLogger(str(__package__).rpartition(".")[0] + ".server")
"""Where the glue logs the failures it does not send to the caller."""

INTERNAL_MESSAGE = "internal error"
"""What the caller is told about an unexpected exception in a servicer."""

REMOTE_MESSAGE = "a dependency of this service failed"
"""What the caller is told about a remote error the servicer let escape."""


def with_request_id(error: PlatformError, served: Served) -> PlatformError:
    """``error``, or a copy carrying the served call's request ID when it has
    none (a copy: a servicer may raise one instance on many calls)."""
    if error.request_id is not None:
        return error
    stamped = copy.copy(error)
    stamped.request_id = served.request_id
    return stamped


def _is_abort(exc: BaseException, context: Any) -> bool:
    """True for the exception grpc raises when the servicer aborts the call."""
    if isinstance(exc, grpc.aio.AbortError):
        return True
    code = getattr(context, "code", None)
    return (
        type(exc) is Exception
        and not exc.args
        and callable(code)
        and code() is not None
    )


def _call_ended(exc: Exception, context: Any) -> bool:
    """True for grpc's own signal, from a request iterator, that the call is
    over (client cancelled, deadline passed, channel closed)."""
    is_active = getattr(context, "is_active", None)
    return (
        isinstance(exc, grpc.RpcError)
        and not isinstance(exc, PlatformError)
        and callable(is_active)
        and not is_active()
    )


def failure_status(
    path: str, exc: Exception, context: Any, served: Served
) -> grpc.Status | None:
    """The status that ends the call at ``path`` whose handler raised ``exc``,
    or None to let ``exc`` propagate (grpc's own signals).

    A PlatformError of the handler's own is sent with its details. A remote
    one (or a raw ``grpc.RpcError``) is logged in full and answered UNKNOWN,
    anything else logged and answered INTERNAL, with nothing of either in
    the answer.
    """
    if isinstance(exc, PlatformError) and not exc.remote:
        try:
            return to_status(with_request_id(exc, served))
        except Exception:
            return internal(path, served, f"cannot encode the {type(exc).__name__}")
    if _is_abort(exc, context) or _call_ended(exc, context):
        return None
    if isinstance(exc, (PlatformError, grpc.RpcError)):
        logger.error(
            "%s [request %s]: the servicer let a remote error escape; answering "
            "UNKNOWN (raise error.forward() to send it on): %s %s",
            path,
            served.request_id,
            exc,
            _full_detail(exc) if isinstance(exc, PlatformError) else "",
            exc_info=exc,
        )
        return to_status(UnknownError(REMOTE_MESSAGE, request_id=served.request_id))
    return internal(path, served, "unexpected exception")


def internal(path: str, served: Served, what: str) -> grpc.Status:
    """Log the exception being handled; the INTERNAL status to answer."""
    logger.exception(
        "%s [request %s]: %s; answering INTERNAL", path, served.request_id, what
    )
    return to_status(InternalError(INTERNAL_MESSAGE, request_id=served.request_id))


def _full_detail(error: PlatformError) -> str:
    return repr(
        {
            "domain": error.domain,
            "metadata": error.metadata,
            "field_violations": error.field_violations,
            "retry_delay": error.retry_delay,
            "request_id": error.request_id,
        }
    )


def unsent_header(served: Served) -> tuple[tuple[str, str], ...]:
    """The request ID for the trailers of a failed call, when no headers went
    out: sending headers first would commit the call, and grpc's retry
    policy never retries a committed call."""
    return () if served.headers_sent else served.header
