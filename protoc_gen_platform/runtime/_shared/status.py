"""Errors as gRPC statuses: rich ``google.rpc.Status`` details, both ways.

A :class:`PlatformError` travels as its status code, its message and, encoded
with grpcio-status, the standard details that any gRPC client can read:
``ErrorInfo`` (reason, domain, metadata), ``BadRequest`` (field violations),
``RetryInfo`` and ``RequestInfo`` (the request id). Each piece travels once
(the message twice, as the grpc-status protocol wants it in ``grpc-message``
and in ``Status.message``), and the whole is kept within the trailer budget of
:mod:`.limits`, so the code always arrives.

Decoding never fails: whatever the trailers hold, the caller gets the typed
exception of the status code; a detail that cannot be decoded is kept raw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import grpc
from google.protobuf import descriptor_pool, message_factory

from .context import REQUEST_ID_HEADER
from .errors import PlatformError, remote
from .inband import ERROR_TYPE, code_of, error_class, from_error_message
from .inband import timedelta_or_none

if TYPE_CHECKING:
    from .limits import Fitted

__all__ = ["from_rpc_error", "request_id_of", "to_grpc_status"]


def _rich() -> tuple[Any, Any, Any]:
    """google.rpc's detail and status messages, and grpcio-status.

    Imported on the first failure rather than with every generated module, so
    that importing an SDK module stays cheap.
    """
    from google.rpc import (  # type: ignore[import-untyped, unused-ignore]
        error_details_pb2,
        status_pb2,
    )
    from grpc_status import rpc_status

    return error_details_pb2, status_pb2, rpc_status


def to_grpc_status(error: PlatformError) -> grpc.Status:
    """The grpc.Status a servicer aborts with to send ``error`` to the caller.

    Text is cut, and violations or metadata entries left out (each marked),
    only as far as the trailer budget needs.
    """
    from .limits import TRAILERS, fit, percent_encoded_size  # servers only

    fitted = fit(error, TRAILERS, lambda f: _status(error, f).ByteSize())
    status = _status(error, fitted)
    if status.ByteSize() + percent_encoded_size(fitted.message) > TRAILERS.total:
        del status.details[:]  # not reached with the limits; never risk the code
    plain = _rich()[2].to_status(status)
    return _Status(
        plain.code, plain.details, plain.trailing_metadata + _pushback(error)
    )


class _Status(grpc.Status):
    """A status to end a call with: its code, message and trailers."""

    def __init__(
        self, code: grpc.StatusCode, details: str, trailing_metadata: tuple[Any, ...]
    ) -> None:
        self.code = code
        self.details = details
        self.trailing_metadata = trailing_metadata


PUSHBACK = "grpc-retry-pushback-ms"
"""The trailer grpc's own retry policy obeys: wait so many milliseconds
before the next attempt, or (-1) make none."""


def _pushback(error: PlatformError) -> tuple[tuple[str, str], ...]:
    """The retry pushback for ``error``: -1 when it refuses retries, else its
    ``retry_delay`` in milliseconds."""
    if not error.allow_retry:
        return ((PUSHBACK, "-1"),)
    if error.retry_delay is None:
        return ()
    return ((PUSHBACK, str(int(error.retry_delay.total_seconds() * 1000))),)


def _status(error: PlatformError, fitted: Fitted) -> Any:
    """The google.rpc.Status for ``error``, with its text as fitted."""
    error_details_pb2, status_pb2, _ = _rich()
    details: list[Any] = []
    if fitted.reason or fitted.domain or fitted.metadata:
        details.append(
            error_details_pb2.ErrorInfo(
                reason=fitted.reason,
                domain=fitted.domain,
                metadata=dict(fitted.metadata),
            )
        )
    if fitted.field_violations:
        details.append(
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(field=f, description=d)
                    for f, d in fitted.field_violations
                ]
            )
        )
    if error.retry_delay is not None:
        retry = error_details_pb2.RetryInfo()
        retry.retry_delay.FromTimedelta(error.retry_delay)
        details.append(retry)
    if fitted.request_id:
        details.append(error_details_pb2.RequestInfo(request_id=fitted.request_id))
    status = status_pb2.Status(code=error.code.value[0], message=fitted.message)
    for detail in details:
        status.details.add().Pack(detail)
    return status


def from_rpc_error(exc: grpc.RpcError) -> PlatformError:
    """The typed exception for a failed call, with its status details decoded.

    ``exc`` is what grpc raises for a failed call: a :class:`grpc.Call` (sync)
    or a ``grpc.aio.AioRpcError``; both have ``code()``, ``details()`` and
    ``trailing_metadata()``. The result is marked ``remote``. It never
    raises: details that cannot be decoded (a proxy's garbage, a corrupt
    payload, an absurd retry delay) are left out or kept raw, and the code
    always comes through.
    """
    call: Any = exc
    try:
        code = code_of(call.code().value[0])
        message = call.details() or ""
    except Exception:  # not a call (a bare RpcError): nothing more to read
        return remote(PlatformError.from_code(grpc.StatusCode.UNKNOWN, str(exc)))
    error = PlatformError.from_code(
        code, message if isinstance(message, str) else repr(message)
    )
    try:
        status = _rich()[2].from_call(call)
    except Exception:  # undecodable, or inconsistent with the status: ignore it
        status = None
    if status is not None:
        for packed in status.details:
            try:
                _apply_detail(error, packed)
            except Exception:  # a corrupt payload: keep it as it came
                error.details.append(packed)
    _apply_call(error, call)
    for key, value in error.trailing_metadata:
        if key == PUSHBACK and value == "-1":
            error.allow_retry = False
    return remote(error)


def _apply_call(error: PlatformError, call: Any) -> None:
    """Copy the call's metadata, debug string and request ID into ``error``."""
    try:
        error.initial_metadata = tuple(call.initial_metadata() or ())
        error.trailing_metadata = tuple(call.trailing_metadata() or ())
        error.debug_error_string = _debug_string(call)
    except Exception:  # a call that cannot say: keep what there is
        return
    if error.request_id is None:
        error.request_id = request_id_of(
            error.trailing_metadata, error.initial_metadata
        )


def _debug_string(call: Any) -> str | None:
    """grpc's debug string of a failed call, without waiting for it.

    A streaming call's (a ``grpc.Future``) waits for a string that a call
    cancelled on this side never gets, so it is read where grpc keeps it.
    """
    if isinstance(call, grpc.Future):
        state: Any = getattr(cast(object, call), "_state", None)
        debug = getattr(state, "debug_error_string", None)
    else:
        debug = call.debug_error_string()
    if isinstance(debug, bytes):
        debug = debug.decode("utf-8", "replace")
    return debug if isinstance(debug, str) else None


def request_id_of(*metadata: Any) -> str | None:
    """The first ``x-request-id`` in ``metadata`` (sequences of pairs)."""
    for pairs in metadata:
        for key, value in pairs:
            if key == REQUEST_ID_HEADER and isinstance(value, str):
                return value
    return None


def _apply_detail(error: PlatformError, packed: Any) -> None:
    """Decode one status detail into ``error``'s fields and ``.details``."""
    error_details_pb2 = _rich()[0]
    name = packed.TypeName()
    decoded: Any
    if name == "google.rpc.ErrorInfo":
        decoded = _unpack(packed, error_details_pb2.ErrorInfo)
        error.reason = decoded.reason or None
        error.domain = decoded.domain or None
        error.metadata = dict(decoded.metadata)
    elif name == "google.rpc.BadRequest":
        decoded = _unpack(packed, error_details_pb2.BadRequest)
        error.field_violations = [
            (v.field, v.description) for v in decoded.field_violations
        ]
    elif name == "google.rpc.RetryInfo":
        decoded = _unpack(packed, error_details_pb2.RetryInfo)
        error.retry_delay = timedelta_or_none(decoded.retry_delay)
    elif name == "google.rpc.RequestInfo":
        decoded = _unpack(packed, error_details_pb2.RequestInfo)
        error.request_id = decoded.request_id or None
    elif name == ERROR_TYPE and error_class() is not None:
        decoded = _unpack(packed, error_class())
        _fill_missing(error, from_error_message(decoded))
        error.error = decoded
    else:
        decoded = _decode_other(packed)
    error.details.append(decoded)


def _unpack(packed: Any, cls: Any) -> Any:
    message = cls()
    if not packed.Unpack(message):
        raise ValueError(f"cannot unpack {packed.TypeName()}")
    return message


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
    return _unpack(packed, message_factory.GetMessageClass(descriptor))
