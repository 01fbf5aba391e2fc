"""Call metadata and bearer tokens, checked before a call starts.

grpc refuses bad metadata in ways that name nothing (``INTERNAL: Invalid
metadata``, or an internal ``ExecuteBatchError`` on asyncio), or sends it
wrongly (a bytes token as ``Bearer b'...'``). Here each mistake is one
ValueError or TypeError that says what is wrong and where, raised before
anything is sent. A token's value never appears in an error message.
"""

from __future__ import annotations

import re
from typing import Any, Sequence, Union

__all__ = [
    "AUTHORIZATION",
    "Pairs",
    "bearer",
    "check_metadata",
    "has_authorization",
]

AUTHORIZATION = "authorization"

Pairs = tuple[tuple[str, Union[str, bytes]], ...]

_KEY = re.compile(r"[0-9a-z_.\-]+")
_VALUE = re.compile(r"[ -~]*")  # printable ASCII: what an HTTP/2 header may hold
_VALUE_BYTES = re.compile(rb"[ -~]*")
_TOKEN = re.compile(r"[!-~]+")  # printable ASCII without spaces


def check_metadata(metadata: Sequence[tuple[str, str | bytes]], where: str) -> Pairs:
    """``metadata`` as a tuple of pairs, each checked as grpc will check it."""
    checked = tuple(metadata)
    for index, pair in enumerate(checked):
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(f"{where}[{index}]: expected a (key, value) pair")
        _check_pair(pair[0], pair[1], where)
    return checked


def _check_pair(key: Any, value: Any, where: str) -> None:
    if not isinstance(key, str):
        raise TypeError(f"{where}: key {key!r} is not a str")
    if not _KEY.fullmatch(key):
        raise ValueError(
            f"{where}: key {key!r} is not a valid header name "
            "(lowercase ASCII letters, digits, '-', '_' and '.' only)"
        )
    if key.startswith("grpc-"):
        raise ValueError(f"{where}: key {key!r} is reserved for grpc itself")
    if key.endswith("-bin"):
        if not isinstance(value, bytes):
            raise TypeError(
                f"{where}: {key!r} is a binary key ('-bin'), so its value must "
                f"be bytes, not {type(value).__name__}"
            )
        return
    shown = "the bearer token" if key == AUTHORIZATION else repr(key)
    if isinstance(value, str):
        bad = None if _VALUE.fullmatch(value) else _first_outside(value, " ")
    elif isinstance(value, bytes):
        text = value.decode("latin-1")
        bad = None if _VALUE_BYTES.fullmatch(value) else _first_outside(text, " ")
    else:
        raise TypeError(
            f"{where}: the value of {shown} must be a str, not {type(value).__name__}"
        )
    if bad is not None:
        index, char = bad
        raise ValueError(
            f"{where}: the value of {shown} holds {char!r} at index {index}; "
            "header values are printable ASCII (use a key ending in '-bin' for "
            "binary data)"
        )


def _first_outside(text: str, lowest: str) -> tuple[int, str]:
    """The first character of ``text`` outside ``lowest``..``~``, and its index."""
    for index, char in enumerate(text):
        if not lowest <= char <= "~":
            return index, char
    raise AssertionError("unreachable: the text has no character out of range")


def bearer(token: object, where: str) -> Pairs:
    """The ``authorization`` header for ``token``; nothing for None or ""."""
    if token is None or token == "":
        return ()
    if not isinstance(token, str):
        raise TypeError(
            f"{where}: a bearer token must be a str, not {type(token).__name__}"
        )
    if not _TOKEN.fullmatch(token):
        index, char = _first_outside(token, "!")
        hint = " (read from a file with its newline?)" if char in "\r\n" else ""
        raise ValueError(
            f"{where}: the bearer token holds {char!r} at index {index}; a token "
            f"is printable ASCII without spaces{hint}"
        )
    return ((AUTHORIZATION, f"Bearer {token}"),)


def has_authorization(metadata: Pairs) -> bool:
    """Whether ``metadata`` sets the ``authorization`` header itself."""
    return any(key == AUTHORIZATION for key, _ in metadata)
