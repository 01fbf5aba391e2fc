"""In-band errors: ``platform.common.Error``, and the ``oneof result`` that holds it.

The runtime knows the message only by name: it is looked up in protobuf's
default pool, so contracts without it (a third party's) work unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import grpc
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.message import Message

from .errors import InternalError, PlatformError, remote

if TYPE_CHECKING:
    from .limits import Fitted

__all__ = [
    "ERROR_TYPE",
    "code_of",
    "error_class",
    "from_error_message",
    "timedelta_or_none",
    "to_error_message",
    "unwrap_result",
]

ERROR_TYPE = "platform.common.Error"
"""Full name of the in-band error message of the platform's contracts."""

_CODES_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}
_PayloadT = TypeVar("_PayloadT")
_error_class: Any = None


def error_class() -> Any:
    """The ``platform.common.Error`` class, or None if no contract defines it.

    Looked up in protobuf's default pool, where it is registered as soon as a
    generated ``_pb2`` module that depends on it is imported.
    """
    global _error_class
    if _error_class is None:
        try:
            descriptor = descriptor_pool.Default().FindMessageTypeByName(ERROR_TYPE)
        except KeyError:
            return None
        _error_class = message_factory.GetMessageClass(descriptor)
    return _error_class


def code_of(number: int) -> grpc.StatusCode:
    """The status code numbered ``number``; UNKNOWN for OK or an unknown one."""
    code = _CODES_BY_NUMBER.get(number, grpc.StatusCode.UNKNOWN)
    return grpc.StatusCode.UNKNOWN if code is grpc.StatusCode.OK else code


def timedelta_or_none(duration: Any) -> Any:
    """A Duration as a timedelta, or None when no timedelta can hold it."""
    try:
        return duration.ToTimedelta()
    except (OverflowError, ValueError):
        return None


def to_error_message(error: PlatformError) -> Any:
    """``error`` as a ``platform.common.Error`` message (None if undefined).

    Its text is kept within the :data:`BODY` budget, so that the response
    that carries it never grows past what a client accepts.
    """
    cls = error_class()
    if cls is None:
        return None
    from .limits import BODY, fit  # servers, and PlatformError.error, only

    fitted = fit(error, BODY, lambda f: _message(cls, error, f).ByteSize())
    return _message(cls, error, fitted)


def _message(cls: Any, error: PlatformError, fitted: Fitted) -> Any:
    message = cls(
        code=error.code.value[0],
        message=fitted.message,
        reason=fitted.reason,
        domain=fitted.domain,
        metadata=dict(fitted.metadata),
        field_violations=[
            {"field": field, "description": description}
            for field, description in fitted.field_violations
        ],
        request_id=fitted.request_id,
    )
    if error.retry_delay is not None:
        message.retry_delay.FromTimedelta(error.retry_delay)
    return message


def from_error_message(message: Any) -> PlatformError:
    """The typed exception for a ``platform.common.Error`` message.

    Whatever the message holds, the result has its code (UNKNOWN for an
    unknown one); a ``retry_delay`` no timedelta can hold is left out.
    """
    error = PlatformError.from_code(code_of(message.code), message.message)
    error.reason = message.reason or None
    error.domain = message.domain or None
    error.metadata = dict(message.metadata)
    error.field_violations = [
        (v.field, v.description) for v in message.field_violations
    ]
    if message.HasField("retry_delay"):
        error.retry_delay = timedelta_or_none(message.retry_delay)
    error.request_id = message.request_id or None
    error.in_band = True
    error.error = message
    return error


def unwrap_result(response: Message, oneof: str, success: _PayloadT) -> _PayloadT:
    """The success payload of a ``oneof result {success; error}`` response.

    Raises the typed exception when the ``error`` branch is set, and
    InternalError when neither branch is; either is marked ``remote``.
    """
    branch = response.WhichOneof(oneof)
    if branch == "error":
        raise remote(from_error_message(getattr(response, "error")))
    if branch is None:
        raise remote(
            InternalError(
                f"{response.DESCRIPTOR.full_name}: the server set neither branch "
                f"of oneof {oneof}"
            )
        )
    return success
