"""Errors as a real service sends them, built in one call for tests."""

from __future__ import annotations

import datetime
from typing import Mapping, Sequence, TypeVar, Union, overload

import grpc

from .._shared.errors import PlatformError

__all__ = ["error"]

_ErrorT = TypeVar("_ErrorT", bound=PlatformError)
Violations = Union[Mapping[str, str], Sequence[tuple[str, str]]]


@overload
def error(
    kind: type[_ErrorT],
    message: str,
    *,
    reason: str | None = ...,
    domain: str | None = ...,
    metadata: Mapping[str, str] | None = ...,
    violations: Violations | None = ...,
    retry_after: float | datetime.timedelta | None = ...,
    in_band: bool = ...,
) -> _ErrorT: ...


@overload
def error(
    kind: grpc.StatusCode,
    message: str,
    *,
    reason: str | None = ...,
    domain: str | None = ...,
    metadata: Mapping[str, str] | None = ...,
    violations: Violations | None = ...,
    retry_after: float | datetime.timedelta | None = ...,
    in_band: bool = ...,
) -> PlatformError: ...


def error(
    kind: type[PlatformError] | grpc.StatusCode,
    message: str,
    *,
    reason: str | None = None,
    domain: str | None = None,
    metadata: Mapping[str, str] | None = None,
    violations: Violations | None = None,
    retry_after: float | datetime.timedelta | None = None,
    in_band: bool = False,
) -> PlatformError:
    """A PlatformError with all its detail: ``ErrorInfo`` (``reason``,
    ``domain``, ``metadata``), ``BadRequest`` (``violations``, a mapping of
    field to description or pairs) and ``RetryInfo`` (``retry_after``, in
    seconds or a timedelta). ``kind`` is an error class or a status code."""
    if isinstance(retry_after, (int, float)):
        retry_after = datetime.timedelta(seconds=retry_after)
    pairs = list(violations.items()) if isinstance(violations, Mapping) else violations
    common = dict(
        reason=reason,
        domain=domain,
        metadata=metadata,
        field_violations=pairs,
        retry_delay=retry_after,
        in_band=in_band,
    )
    if isinstance(kind, grpc.StatusCode):
        return PlatformError.from_code(kind, message, **common)  # type: ignore[arg-type]
    return kind(message, **common)  # type: ignore[arg-type]
