"""Errors on the wire: google.rpc.Status details and ``platform.common.Error``.

A :class:`PlatformError` travels as a gRPC status whose details (decoded and
encoded with grpcio-status) hold ``ErrorInfo``, ``BadRequest``, ``RetryInfo``
and, when the contracts define it, a packed ``platform.common.Error``; or
in-band, as the ``error`` branch of a ``oneof result``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import grpc
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.message import Message

from .errors import InternalError, PlatformError

__all__ = [
    "ERROR_TYPE",
    "error_class",
    "from_error_message",
    "from_rpc_error",
    "to_error_message",
    "to_grpc_status",
    "unwrap_result",
]

ERROR_TYPE = "platform.common.Error"
"""Full name of the in-band error message of the platform's contracts."""

_CODES_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}
_PayloadT = TypeVar("_PayloadT")
_error_class: Any = None


def _rich() -> tuple[Any, Any, Any, Any]:
    """google.rpc's detail messages, Duration and grpcio-status.

    Imported on the first failure rather than with every generated module, so
    that importing an SDK module stays cheap.
    """
    from google.protobuf import duration_pb2
    from google.rpc import (  # type: ignore[import-untyped, unused-ignore]
        error_details_pb2,
        status_pb2,
    )
    from grpc_status import rpc_status

    return error_details_pb2, status_pb2, duration_pb2, rpc_status


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


def _code(number: int) -> grpc.StatusCode:
    code = _CODES_BY_NUMBER.get(number, grpc.StatusCode.UNKNOWN)
    return grpc.StatusCode.UNKNOWN if code is grpc.StatusCode.OK else code


def to_error_message(error: PlatformError) -> Any:
    """``error`` as a ``platform.common.Error`` message (None if undefined)."""
    cls = error_class()
    if cls is None:
        return None
    message = cls(
        code=error.code.value[0],
        message=error.message,
        reason=error.reason or "",
        domain=error.domain or "",
        metadata=error.metadata,
        field_violations=[
            {"field": field, "description": description}
            for field, description in error.field_violations
        ],
        request_id=error.request_id or "",
    )
    if error.retry_delay is not None:
        message.retry_delay.FromTimedelta(error.retry_delay)
    return message


def from_error_message(message: Any) -> PlatformError:
    """The typed exception for a ``platform.common.Error`` message."""
    error = PlatformError.from_code(
        _code(message.code),
        message.message,
        reason=message.reason or None,
        domain=message.domain or None,
        metadata=dict(message.metadata),
        field_violations=[(v.field, v.description) for v in message.field_violations],
        retry_delay=(
            message.retry_delay.ToTimedelta()
            if message.HasField("retry_delay")
            else None
        ),
        request_id=message.request_id or None,
    )
    error.error = message
    return error


def to_grpc_status(error: PlatformError) -> grpc.Status:
    """The grpc.Status a servicer aborts with to send ``error`` to the caller."""
    error_details_pb2, status_pb2, duration_pb2, rpc_status = _rich()
    details: list[Any] = []
    if error.reason or error.domain or error.metadata:
        details.append(
            error_details_pb2.ErrorInfo(
                reason=error.reason or "",
                domain=error.domain or "",
                metadata=error.metadata,
            )
        )
    if error.field_violations:
        details.append(
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(field=f, description=d)
                    for f, d in error.field_violations
                ]
            )
        )
    if error.retry_delay is not None:
        delay = duration_pb2.Duration()
        delay.FromTimedelta(error.retry_delay)
        details.append(error_details_pb2.RetryInfo(retry_delay=delay))
    packed = to_error_message(error)
    if packed is not None:
        details.append(packed)
    status = status_pb2.Status(code=error.code.value[0], message=error.message)
    for detail in details:
        status.details.add().Pack(detail)
    result: grpc.Status = rpc_status.to_status(status)
    return result


def from_rpc_error(exc: grpc.RpcError) -> PlatformError:
    """The typed exception for a failed call, with its status details decoded.

    ``exc`` is what grpc raises for a failed call: a :class:`grpc.Call` (sync)
    or a ``grpc.aio.AioRpcError``; both have ``code()``, ``details()`` and
    ``trailing_metadata()``.
    """
    call: Any = exc
    if not callable(getattr(call, "code", None)):
        return PlatformError.from_code(grpc.StatusCode.UNKNOWN, str(exc))
    error = PlatformError.from_code(_code(call.code().value[0]), call.details() or "")
    rpc_status = _rich()[3]
    try:
        status = rpc_status.from_call(call)
    except ValueError:  # details inconsistent with the status: ignore them
        status = None
    if status is not None:
        for packed in status.details:
            _apply_detail(error, packed)
    return error


def _apply_detail(error: PlatformError, packed: Any) -> None:
    """Decode one status detail into ``error``'s fields and ``.details``."""
    error_details_pb2 = _rich()[0]
    name = packed.TypeName()
    if name == ERROR_TYPE:
        cls = error_class()
        if cls is None:
            error.details.append(packed)
            return
        message = cls()
        packed.Unpack(message)
        _fill_missing(error, from_error_message(message))
        error.error = message
        error.details.append(message)
        return
    decoded: Any
    if name == "google.rpc.ErrorInfo":
        decoded = error_details_pb2.ErrorInfo()
        packed.Unpack(decoded)
        error.reason = decoded.reason or None
        error.domain = decoded.domain or None
        error.metadata = dict(decoded.metadata)
    elif name == "google.rpc.BadRequest":
        decoded = error_details_pb2.BadRequest()
        packed.Unpack(decoded)
        error.field_violations = [
            (v.field, v.description) for v in decoded.field_violations
        ]
    elif name == "google.rpc.RetryInfo":
        decoded = error_details_pb2.RetryInfo()
        packed.Unpack(decoded)
        error.retry_delay = decoded.retry_delay.ToTimedelta()
    else:
        error.details.append(_decode_other(packed))
        return
    error.details.append(decoded)


def _fill_missing(error: PlatformError, source: PlatformError) -> None:
    """Copy into ``error`` the fields it lacks and ``source`` has."""
    error.reason = error.reason or source.reason
    error.domain = error.domain or source.domain
    error.metadata = error.metadata or source.metadata
    error.field_violations = error.field_violations or source.field_violations
    if error.retry_delay is None:
        error.retry_delay = source.retry_delay
    error.request_id = error.request_id or source.request_id


def _decode_other(packed: Any) -> Any:
    """Unpack a detail whose type is known to protobuf; else keep the Any."""
    try:
        descriptor = descriptor_pool.Default().FindMessageTypeByName(packed.TypeName())
    except KeyError:
        return packed
    message = message_factory.GetMessageClass(descriptor)()
    packed.Unpack(message)
    return message


def unwrap_result(response: Message, oneof: str, success: _PayloadT) -> _PayloadT:
    """The success payload of a ``oneof result {success; error}`` response.

    Raises the typed exception when the ``error`` branch is set, and
    InternalError when neither branch is.
    """
    branch = response.WhichOneof(oneof)
    if branch == "error":
        raise from_error_message(getattr(response, "error"))
    if branch is None:
        raise InternalError(
            f"{response.DESCRIPTOR.full_name}: the server set neither branch of "
            f"oneof {oneof}"
        )
    return success
