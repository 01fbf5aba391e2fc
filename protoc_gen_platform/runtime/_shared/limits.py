"""How big an error may be on the wire, and the text helpers that keep it so.

A status travels in the trailers: ``grpc-message`` (percent-encoded) and
``grpc-status-details-bin``. grpc refuses trailers past 8 KiB at random and
past 16 KiB always, answering RESOURCE_EXHAUSTED in place of the real code. So
an error's share of the trailers is capped at :data:`TRAILER_BUDGET`, which
leaves room for the rest: long text is cut with :data:`TRUNCATED`, and the
field violations or metadata entries past the budget are replaced by one
entry keyed :data:`OMITTED` that says how many were left out.
"""

from __future__ import annotations

import re

__all__ = [
    "FIELD_LIMIT",
    "MESSAGE_BUDGET",
    "OMITTED",
    "TRAILER_BUDGET",
    "TRUNCATED",
    "VALUE_LIMIT",
    "clean",
    "clip",
    "fit_message",
    "percent_encoded_size",
]

TRAILER_BUDGET = 4096
"""Bytes an error takes at most in the trailers: the percent-encoded
``grpc-message`` plus the serialized ``google.rpc.Status``."""

MESSAGE_BUDGET = 2048
"""Bytes the message takes at most, in both places it travels: percent-encoded
in ``grpc-message`` and as UTF-8 in ``Status.message``."""

FIELD_LIMIT = 128
"""Characters kept of a reason, domain, request id, metadata key or field path."""

VALUE_LIMIT = 512
"""Characters kept of a metadata value or a violation's description."""

TRUNCATED = "...[truncated]"
"""Ends a text that was cut to fit."""

OMITTED = "..."
"""The field (or metadata key) of the entry that stands for those left out."""

_SURROGATES = re.compile("[\ud800-\udfff]")
_PLAIN = re.compile("[ -$&-~]*")  # bytes grpc sends as they are in grpc-message


def clean(text: str) -> str:
    """``text`` with lone surrogates (which UTF-8 cannot carry) as U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text)
    return text


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, marked if it was cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(TRUNCATED))] + TRUNCATED


def percent_encoded_size(text: str) -> int:
    """Bytes of ``text`` in ``grpc-message``, where grpc percent-encodes every
    byte outside printable ASCII, and ``%`` itself, as three."""
    if _PLAIN.fullmatch(text):
        return len(text)
    return sum(1 if 0x20 <= b <= 0x7E and b != 0x25 else 3 for b in text.encode())


def _cost(char: str) -> int:
    """What one character adds to the message's two copies."""
    encoded = char.encode()
    return len(encoded) + percent_encoded_size(char)


def fit_message(text: str) -> str:
    """``text`` (already :func:`clean`) cut so that its two copies on the wire
    take at most :data:`MESSAGE_BUDGET` bytes."""
    if percent_encoded_size(text) + len(text.encode()) <= MESSAGE_BUDGET:
        return text
    room = MESSAGE_BUDGET - 2 * len(TRUNCATED)
    kept = 0
    for index, char in enumerate(text):
        kept += _cost(char)
        if kept > room:
            return text[:index] + TRUNCATED
    return text  # pragma: no cover - the total above was over the budget
