"""Typed exceptions: one class per gRPC status code, all carrying full detail."""

from __future__ import annotations

import datetime
from typing import Any, Mapping, Sequence

import grpc

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


class PlatformError(Exception):
    """A failed call, from a gRPC status or from an in-band ``error`` result.

    Clients raise the subclass that matches the status code; servicers raise
    one to fail a call with that code and all its detail.

    Attributes:
        code: The gRPC status code.
        message: The developer-facing message.
        reason: Machine-readable cause in UPPER_SNAKE_CASE (AIP-193), or None.
        domain: The logical owner of ``reason``, such as ``auth.platform``.
        metadata: Extra key/value detail about the cause.
        field_violations: ``(field, description)`` pairs for bad requests.
        retry_delay: How long to wait before retrying, or None.
        request_id: The id of the failed request, if the server sent one.
        error: The ``platform.common.Error`` message, when the contracts
            define that type; otherwise None.
        details: The decoded ``google.rpc`` detail messages the status carried.
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
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.domain = domain
        self.metadata: dict[str, str] = dict(metadata or {})
        self.field_violations: list[tuple[str, str]] = [
            (field, description) for field, description in field_violations or ()
        ]
        self.retry_delay = retry_delay
        self.request_id = request_id
        self.error: Any = None
        self.details: list[Any] = []

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
        )

    def __str__(self) -> str:
        head = self.code.name + (f" ({self.reason})" if self.reason else "")
        return " ".join(f"{head}: {self.message}".split())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, reason={self.reason!r})"


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
