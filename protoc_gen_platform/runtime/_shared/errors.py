"""Typed exceptions: one class per gRPC status code, all carrying full detail."""

from __future__ import annotations

import datetime
from typing import Mapping, Sequence, TypeVar

import grpc
from google.protobuf.message import Message

__all__ = [
    "AbortedError",
    "AlreadyExistsError",
    "CancelledError",
    "DataLossError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "InternalError",
    "InvalidArgumentError",
    "NotFoundError",
    "OutOfRangeError",
    "PermissionDeniedError",
    "PlatformError",
    "ResourceExhaustedError",
    "UnauthenticatedError",
    "UnavailableError",
    "UnimplementedError",
    "UnknownError",
]

MAX_RETRY_DELAY = datetime.timedelta(seconds=315_576_000_000)
"""The longest delay a ``google.protobuf.Duration`` can carry (10,000 years)."""

_ErrorT = TypeVar("_ErrorT", bound="PlatformError")
_MessageT = TypeVar("_MessageT", bound=Message)


class PlatformError(Exception):
    """A failed call, from a gRPC status or from an in-band ``error`` result.

    Clients raise the subclass that matches the status code; servicers raise
    one to fail a call with that code and all its detail. The constructor
    checks its arguments and raises TypeError or ValueError for a wrong one,
    so a mistake shows where the error is built, not on the wire.

    Attributes:
        code: The gRPC status code.
        message: The developer-facing message.
        reason: Machine-readable cause in UPPER_SNAKE_CASE (AIP-193), or None.
        domain: The logical owner of ``reason``, such as ``auth.platform``.
        metadata: Extra key/value detail about the cause.
        field_violations: ``(field, description)`` pairs for bad requests.
        retry_delay: How long to wait before retrying, or None. A servicer's
            also tells grpc's retry policy on the client to wait that long
            before its next attempt (``grpc-retry-pushback-ms``).
        allow_retry: False when the error asks the client's retry policy
            not to retry the call at all, whatever its code (a pushback of
            -1); a servicer sets it with ``allow_retry=False``.
        request_id: The id of the failed request: the server's (its
            ``RequestInfo``, else its ``x-request-id`` header), else the one
            the client sent.
        in_band: Whether the error travels in the ``error`` branch of a
            ``oneof result`` response rather than as a status. A servicer
            asks for that with ``in_band=True`` (on other RPCs it has no
            effect); on a client it says which way the error came.
        initial_metadata: The response headers of the failed call, as
            ``(key, value)`` pairs (empty for an error built here).
        trailing_metadata: Its trailers, likewise.
        debug_error_string: grpc's own description of the failure, for
            debugging, when grpc gave one.
        remote: True when the error came from a call this process made (a
            generated client, stream or pager raised it, or
            :func:`from_rpc_error` built it). A servicer never passes a
            remote error on to its own caller by accident: see
            :meth:`forward`.
        details: The decoded ``google.rpc`` detail messages the status
            carried; a detail that could not be decoded is kept as its
            ``google.protobuf.Any``.
    """

    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        domain: str | None = None,
        metadata: Mapping[str, str] | None = None,
        field_violations: Sequence[tuple[str, str]] | None = None,
        retry_delay: datetime.timedelta | None = None,
        request_id: str | None = None,
        in_band: bool = False,
        allow_retry: bool = True,
    ) -> None:
        super().__init__(_text("message", message))
        self.message = message
        self.reason = _optional_text("reason", reason)
        self.domain = _optional_text("domain", domain)
        self.metadata: dict[str, str] = _metadata(metadata)
        self.field_violations: list[tuple[str, str]] = _violations(field_violations)
        self.retry_delay = _retry_delay(retry_delay)
        self.request_id = _optional_text("request_id", request_id)
        self.in_band = bool(in_band)
        self.allow_retry = bool(allow_retry)
        self.initial_metadata: tuple[tuple[str, str | bytes], ...] = ()
        self.trailing_metadata: tuple[tuple[str, str | bytes], ...] = ()
        self.debug_error_string: str | None = None
        self.remote = False
        self.details: list[Message] = []
        self._error: Message | None = None

    @staticmethod
    def from_code(
        code: grpc.StatusCode,
        message: str,
        *,
        reason: str | None = None,
        domain: str | None = None,
        metadata: Mapping[str, str] | None = None,
        field_violations: Sequence[tuple[str, str]] | None = None,
        retry_delay: datetime.timedelta | None = None,
        request_id: str | None = None,
        in_band: bool = False,
        allow_retry: bool = True,
    ) -> PlatformError:
        """The exception of the subclass for ``code`` (which must not be OK)."""
        cls = _BY_CODE.get(code)
        if cls is None:
            raise ValueError(f"{code} is not an error code")
        return cls(
            message,
            reason=reason,
            domain=domain,
            metadata=metadata,
            field_violations=field_violations,
            retry_delay=retry_delay,
            request_id=request_id,
            in_band=in_band,
            allow_retry=allow_retry,
        )

    @property
    def error(self) -> Message | None:
        """This error as a ``platform.common.Error`` message, or None when no
        contract in the process defines that type. For an in-band error it
        is the message the server sent. :meth:`error_as` gives it typed."""
        if self._error is None:
            from .inband import to_error_message

            self._error = to_error_message(self)
        return self._error

    @error.setter
    def error(self, message: Message | None) -> None:
        self._error = message

    def error_as(self, kind: type[_MessageT]) -> _MessageT:
        """This error as a ``kind``: the contracts' ``platform.common.Error``
        class (``error.error_as(errors_pb2.Error).reason`` is typed).

        Raises TypeError when ``kind`` is not that message type.
        """
        from .inband import ERROR_TYPE

        name = getattr(getattr(kind, "DESCRIPTOR", None), "full_name", None)
        if name != ERROR_TYPE:
            raise TypeError(
                f"error_as() takes the {ERROR_TYPE} message class, not "
                f"{getattr(kind, '__name__', kind)!r}"
            )
        found = self.error
        if isinstance(found, kind):
            return found
        converted = kind()
        if found is not None:
            converted.ParseFromString(found.SerializeToString())
        return converted

    def forward(self: _ErrorT) -> _ErrorT:
        """A copy of this error, with every detail, that a servicer may raise
        to send it on to its own caller.

        An error that a call raised (``remote``) and that a servicer lets
        escape is not sent on: the caller gets UNKNOWN with nothing of it,
        and the server logs it in full (AIP-193: a downstream service's
        error is usually meaningless, or a leak, to the caller). Raise
        ``error.forward()`` only when the error is meaningful to your caller
        as it is; otherwise raise a fresh error of your own.
        """
        copy = type(self)(
            self.message,
            reason=self.reason,
            domain=self.domain,
            metadata=self.metadata,
            field_violations=self.field_violations,
            retry_delay=self.retry_delay,
            request_id=self.request_id,
            in_band=self.in_band,
            allow_retry=self.allow_retry,
        )
        copy.__cause__ = self
        return copy

    def __str__(self) -> str:
        head = self.code.name + (f" ({self.reason})" if self.reason else "")
        return " ".join(f"{head}: {self.message}".split())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, reason={self.reason!r})"


def _text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return value


def _optional_text(name: str, value: object) -> str | None:
    return None if value is None else _text(name, value)


def _metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise TypeError(
            f"metadata must be a mapping of str to str, not {type(metadata).__name__}"
        )
    for key, value in metadata.items():
        _text("each metadata key", key)
        _text(f"metadata[{key!r}]", value)
    return dict(metadata)


def _violations(
    violations: Sequence[tuple[str, str]] | None,
) -> list[tuple[str, str]]:
    checked: list[tuple[str, str]] = []
    for index, pair in enumerate(violations or ()):
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise TypeError(
                f"field_violations[{index}] must be a (field, description) pair"
            )
        field, description = pair
        checked.append(
            (
                _text(f"field_violations[{index}] field", field),
                _text(f"field_violations[{index}] description", description),
            )
        )
    return checked


def _retry_delay(delay: datetime.timedelta | None) -> datetime.timedelta | None:
    if delay is None:
        return None
    if not isinstance(delay, datetime.timedelta):
        raise TypeError(f"retry_delay must be a timedelta, not {type(delay).__name__}")
    if not datetime.timedelta(0) <= delay <= MAX_RETRY_DELAY:
        raise ValueError(
            f"retry_delay must be between 0 and 10,000 years, got {delay!r}"
        )
    return delay


class CancelledError(PlatformError):
    """The call was cancelled, typically by the caller."""

    code = grpc.StatusCode.CANCELLED


class UnknownError(PlatformError):
    """An error with no better-fitting code."""

    code = grpc.StatusCode.UNKNOWN


class InvalidArgumentError(PlatformError):
    """The request is invalid, whatever the state of the system."""

    code = grpc.StatusCode.INVALID_ARGUMENT


class DeadlineExceededError(PlatformError):
    """The deadline expired before the call completed."""

    code = grpc.StatusCode.DEADLINE_EXCEEDED


class NotFoundError(PlatformError):
    """A requested entity was not found."""

    code = grpc.StatusCode.NOT_FOUND


class AlreadyExistsError(PlatformError):
    """The entity the call tried to create already exists."""

    code = grpc.StatusCode.ALREADY_EXISTS


class PermissionDeniedError(PlatformError):
    """The caller may not perform this operation."""

    code = grpc.StatusCode.PERMISSION_DENIED


class ResourceExhaustedError(PlatformError):
    """A quota or resource ran out."""

    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class FailedPreconditionError(PlatformError):
    """The system is not in a state the operation requires."""

    code = grpc.StatusCode.FAILED_PRECONDITION


class AbortedError(PlatformError):
    """The operation was aborted, typically by a concurrency conflict."""

    code = grpc.StatusCode.ABORTED


class OutOfRangeError(PlatformError):
    """The operation went past the valid range."""

    code = grpc.StatusCode.OUT_OF_RANGE


class UnimplementedError(PlatformError):
    """The operation is not implemented or not supported."""

    code = grpc.StatusCode.UNIMPLEMENTED


class InternalError(PlatformError):
    """An invariant of the system is broken."""

    code = grpc.StatusCode.INTERNAL


class UnavailableError(PlatformError):
    """The service is unavailable for now; retrying may succeed."""

    code = grpc.StatusCode.UNAVAILABLE


class DataLossError(PlatformError):
    """Unrecoverable data loss or corruption."""

    code = grpc.StatusCode.DATA_LOSS


class UnauthenticatedError(PlatformError):
    """The call lacks valid authentication credentials."""

    code = grpc.StatusCode.UNAUTHENTICATED


_BY_CODE: dict[grpc.StatusCode, type[PlatformError]] = {
    cls.code: cls
    for cls in (
        CancelledError,
        UnknownError,
        InvalidArgumentError,
        DeadlineExceededError,
        NotFoundError,
        AlreadyExistsError,
        PermissionDeniedError,
        ResourceExhaustedError,
        FailedPreconditionError,
        AbortedError,
        OutOfRangeError,
        UnimplementedError,
        InternalError,
        UnavailableError,
        DataLossError,
        UnauthenticatedError,
    )
}


def remote(error: _ErrorT) -> _ErrorT:
    """Mark ``error`` as raised by a call this process made; return it."""
    error.remote = True
    return error
