"""How big an error may be on the wire, and how it is made to fit.

A status travels in the trailers: ``grpc-message`` (percent-encoded) and
``grpc-status-details-bin``. grpc refuses trailers past 8 KiB at random and
past 16 KiB always, answering RESOURCE_EXHAUSTED in place of the real code. So
an error's share of the trailers is capped by :data:`TRAILERS`, which leaves
room for the rest. An in-band error travels in the response body, whose
limit (4 MiB by default) is far larger, and is capped by :data:`BODY`.

Within a budget, long text is cut and marked with :data:`TRUNCATED`, and the
field violations or metadata entries past it are replaced by one entry, keyed
:data:`OMITTED`, that says how many were left out. Text that UTF-8 cannot
carry (a lone surrogate) is replaced, never refused.
"""

from __future__ import annotations

import re
from typing import Any, Callable, NamedTuple

__all__ = [
    "BODY",
    "Budget",
    "OMITTED",
    "TRAILERS",
    "TRUNCATED",
    "Fitted",
    "clean",
    "fit",
    "fit_message",
    "message_size",
    "percent_encoded_size",
]

TRUNCATED = "...[truncated]"
"""Ends a text that was cut to fit."""

OMITTED = "..."
"""The field (or metadata key) of the entry that stands for those left out."""


class Budget(NamedTuple):
    """What one error may take on the wire."""

    total: int
    """Bytes in all, message included."""
    message: int
    """Bytes the message may take (both copies, in the trailers)."""
    field: int
    """Characters kept of a reason, domain, request id, metadata key or field path."""
    value: int
    """Characters kept of a metadata value or a violation's description."""
    percent_encoded: bool
    """Whether the message also travels percent-encoded, in ``grpc-message``."""


TRAILERS = Budget(4096, 2048, 128, 512, percent_encoded=True)
"""A status: the percent-encoded ``grpc-message`` plus the serialized
``google.rpc.Status``, whose ``message`` repeats it."""

BODY = Budget(1 << 20, 1 << 18, 1 << 10, 1 << 16, percent_encoded=False)
"""An in-band ``platform.common.Error``, serialized."""

_SURROGATES = re.compile("[\ud800-\udfff]")
_PLAIN = re.compile("[ -$&-~]*")  # what grpc sends as it is in grpc-message
_OMITTED_COST = 64  # bytes of the entry that says how many were left out

Pairs = list[tuple[str, str]]


class Fitted(NamedTuple):
    """An error's text, cleaned and cut to a budget."""

    message: str
    reason: str
    domain: str
    request_id: str
    metadata: Pairs
    field_violations: Pairs


def clean(text: str) -> str:
    """``text`` with lone surrogates (which UTF-8 cannot carry) as U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text)
    return text


def _clip(text: str, limit: int) -> str:
    """``text`` (cleaned) cut to at most ``limit`` characters, marked if cut."""
    text = clean(text)
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(TRUNCATED))] + TRUNCATED


def percent_encoded_size(text: str) -> int:
    """Bytes of ``text`` in ``grpc-message``, where grpc percent-encodes every
    byte outside printable ASCII, and ``%`` itself, as three."""
    if _PLAIN.fullmatch(text):
        return len(text)
    return sum(1 if 0x20 <= b <= 0x7E and b != 0x25 else 3 for b in text.encode())


def message_size(text: str, budget: Budget) -> int:
    """Bytes ``text`` takes on the wire under ``budget``."""
    size = len(text.encode())
    return size + percent_encoded_size(text) if budget.percent_encoded else size


def fit_message(text: str, budget: Budget) -> str:
    """``text``, cleaned and cut so that it takes at most ``budget.message``
    bytes."""
    text = clean(text)
    if message_size(text, budget) <= budget.message:
        return text
    room = budget.message - message_size(TRUNCATED, budget)
    used = 0
    for index, char in enumerate(text):
        used += message_size(char, budget)
        if used > room:
            return text[:index] + TRUNCATED
    raise AssertionError("unreachable: the text was over its budget")


def _leave_out(entries: Pairs, over: int, noun: str) -> None:
    """Drop entries from the end until ``over`` bytes are freed; mark them."""
    freed = dropped = 0
    while entries and freed < over + _OMITTED_COST:
        key, value = entries.pop()
        freed += len(key.encode()) + len(value.encode()) + 8
        dropped += 1
    if dropped:
        entries.append((OMITTED, f"{dropped} {noun} left out: the error was too large"))


def fit(error: Any, budget: Budget, size: Callable[[Fitted], int]) -> Fitted:
    """``error``'s text within ``budget``, where ``size`` gives the bytes a
    fitted error takes: cut the text, then leave out field violations, then
    metadata entries, as far as the budget needs."""
    message = fit_message(error.message, budget)
    fitted = Fitted(
        message,
        _clip(error.reason or "", budget.field),
        _clip(error.domain or "", budget.field),
        _clip(error.request_id or "", budget.field),
        [
            (_clip(k, budget.field), _clip(v, budget.value))
            for k, v in error.metadata.items()
        ],
        [
            (_clip(f, budget.field), _clip(d, budget.value))
            for f, d in error.field_violations
        ],
    )
    room = budget.total - (
        percent_encoded_size(message) if budget.percent_encoded else 0
    )
    if _at_most(fitted) <= room:  # the usual, small error: no need to measure
        return fitted
    for entries, noun in (
        (fitted.field_violations, "field violations"),
        (fitted.metadata, "metadata entries"),
    ):
        over = size(fitted) - room
        if over <= 0:
            break
        _leave_out(entries, over, noun)
    return fitted


def _at_most(fitted: Fitted) -> int:
    """An upper bound of the bytes ``fitted`` takes, cheap to compute."""
    pairs = fitted.metadata + fitted.field_violations
    chars = sum(len(k) + len(v) for k, v in pairs) + sum(map(len, fitted[:4]))
    return 4 * chars + 16 * len(pairs) + 256
