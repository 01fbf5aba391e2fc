"""Server-side pagination for servicers, following AIP-158.

:class:`Paginator` pages a sequence (by offset) or a keyed cursor. Page tokens
are opaque and tamper-evident: the position they carry is encrypted and
authenticated under the server's key (a synthetic-IV construction: an HMAC of
the position is both the tag and the seed of the SHAKE-256 keystream), and
bound to the request's other fields. So a token reveals nothing of what it
holds (an offset, or the key of the last item: an e-mail address, say), and
one that was forged, corrupted or replayed with a different filter is
INVALID_ARGUMENT. Equal positions of equal requests give equal tokens.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any, Callable, Generic, Sequence, TypeVar

from google.protobuf.message import Message

from .._shared.errors import InvalidArgumentError

__all__ = ["Page", "Paginator"]

ItemT = TypeVar("ItemT")
KeyT = TypeVar("KeyT", str, int)
ResponseT = TypeVar("ResponseT", bound=Message)

_MAC_BYTES = 16
MIN_KEY_BYTES = 16
"""The shortest key a Paginator accepts."""
_LABEL_REPEATED = 3


class Page(Generic[ItemT]):
    """One page of results: its items, the next token, and the total if known."""

    __slots__ = ("items", "next_page_token", "total_size")

    def __init__(
        self, items: list[ItemT], next_page_token: str, total_size: int | None
    ) -> None:
        self.items = items
        self.next_page_token = next_page_token
        self.total_size = total_size

    def __repr__(self) -> str:
        return f"Page({len(self.items)} items, last={not self.next_page_token})"

    def write_to(self, response: ResponseT) -> ResponseT:
        """Fill ``response``: its one repeated field with the items (an
        AIP-217 ``unreachable`` field is left to the caller), its
        ``next_page_token`` and (if it has one) ``total_size``. Returns it."""
        repeated = [
            f
            for f in response.DESCRIPTOR.fields
            if _is_repeated(f) and not _is_map(f) and f.name != "unreachable"
        ]
        if len(repeated) != 1:
            raise TypeError(
                f"{response.DESCRIPTOR.full_name} needs exactly one repeated field "
                "to hold the items"
            )
        getattr(response, repeated[0].name).extend(self.items)
        holder = _locate(response, ("next_page_token",))
        holder.next_page_token = self.next_page_token
        if (
            self.total_size is not None
            and "total_size" in holder.DESCRIPTOR.fields_by_name
        ):
            holder.total_size = self.total_size
        return response


class Paginator:
    """Pages results for list RPCs, with signed page tokens.

    Args:
        key: The secret, at least 16 random bytes, that encrypts and signs
            page tokens; keep it stable across server replicas and restarts,
            or outstanding tokens stop working.
        default_page_size: The page size when the request asks for 0.
        max_page_size: Larger requests are clamped to this.
    """

    def __init__(
        self, key: bytes, *, default_page_size: int = 50, max_page_size: int = 1000
    ) -> None:
        if not isinstance(key, bytes):
            raise TypeError(
                f"a Paginator key must be bytes (at least {MIN_KEY_BYTES} random "
                f"ones), not {type(key).__name__}"
            )
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(
                f"a Paginator key must be at least {MIN_KEY_BYTES} bytes, got "
                f"{len(key)}; use os.urandom({MIN_KEY_BYTES * 2}) once and keep it"
            )
        if not 0 < default_page_size <= max_page_size:
            raise ValueError("need 0 < default_page_size <= max_page_size")
        self._mac_key = hmac.new(key, b"page token: mac", hashlib.sha256).digest()
        self._stream_key = hmac.new(key, b"page token: stream", hashlib.sha256).digest()
        self.default_page_size = default_page_size
        self.max_page_size = max_page_size

    def page(self, request: Message, items: Sequence[ItemT]) -> Page[ItemT]:
        """The page of ``items`` (the full, stably ordered result) that
        ``request`` asks for."""
        size = self.page_size(request)
        offset = self._decode(request, "offset", int) or 0
        end = offset + size
        token = self._encode(request, "offset", end) if end < len(items) else ""
        return Page(list(items[offset:end]), token, len(items))

    def page_by_key(
        self,
        request: Message,
        fetch: Callable[[KeyT | None, int], Sequence[ItemT]],
        key: Callable[[ItemT], KeyT],
        *,
        total_size: int | None = None,
    ) -> Page[ItemT]:
        """A page from a keyed cursor: ``fetch(after, limit)`` returns up to
        ``limit`` items ordered by ``key`` and strictly after the key ``after``
        (None for the first page). ``total_size``, when the caller knows it
        (a count query, say), is reported in the page."""
        if total_size is not None and (
            not isinstance(total_size, int)
            or isinstance(total_size, bool)
            or total_size < 0
        ):
            raise ValueError(
                f"total_size must be a non-negative int, got {total_size!r}"
            )
        size = self.page_size(request)
        after = self._decode(request, "after", (str, int))
        rows = list(fetch(after, size + 1))
        more = len(rows) > size
        rows = rows[:size]
        token = self._encode(request, "after", key(rows[-1])) if more and rows else ""
        return Page(rows, token, total_size)

    def page_size(self, request: Message) -> int:
        """The request's page size: 0 means the default, over the maximum is
        clamped, and a negative size is INVALID_ARGUMENT."""
        holder, path = _locate(request, ("page_size", "page_token")), _path(request)
        size: int = holder.page_size
        if size < 0:
            raise InvalidArgumentError(
                f"page_size must not be negative, got {size}",
                reason="INVALID_PAGE_SIZE",
                field_violations=[(path + "page_size", "must not be negative")],
            )
        return min(size or self.default_page_size, self.max_page_size)

    def _fingerprint(self, request: Message) -> str:
        """A digest of the request's fields other than the page fields."""
        copy = type(request)()
        copy.CopyFrom(request)
        holder = _locate(copy, ("page_size", "page_token"))
        holder.ClearField("page_size")
        holder.ClearField("page_token")
        digest = hashlib.sha256(request.DESCRIPTOR.full_name.encode())
        digest.update(copy.SerializeToString(deterministic=True))
        return digest.hexdigest()[:24]

    def _encode(self, request: Message, kind: str, position: Any) -> str:
        payload = json.dumps(
            {kind: position, "for": self._fingerprint(request)},
            separators=(",", ":"),
            sort_keys=True,
        ).encode()
        tag = hmac.new(self._mac_key, payload, hashlib.sha256).digest()[:_MAC_BYTES]
        token = tag + self._xor_stream(tag, payload)
        return base64.urlsafe_b64encode(token).rstrip(b"=").decode()

    def _xor_stream(self, tag: bytes, data: bytes) -> bytes:
        """``data`` XOR the keystream that ``tag`` seeds: encrypts and decrypts."""
        stream = hashlib.shake_256(self._stream_key + tag).digest(len(data))
        mixed = int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")
        return mixed.to_bytes(len(data), "big")

    def _decode(self, request: Message, kind: str, types: Any) -> Any:
        """The position a request's page token carries; None on a first page."""
        token: str = _locate(request, ("page_size", "page_token")).page_token
        if not token:
            return None
        field = _path(request) + "page_token"
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raw = b""
        tag = raw[:_MAC_BYTES]
        payload = self._xor_stream(tag, raw[_MAC_BYTES:])
        expected = hmac.new(self._mac_key, payload, hashlib.sha256).digest()
        if len(raw) <= _MAC_BYTES or not hmac.compare_digest(
            tag, expected[:_MAC_BYTES]
        ):
            raise InvalidArgumentError(
                "page_token is not a token this server issued",
                reason="INVALID_PAGE_TOKEN",
                field_violations=[(field, "forged, corrupted or truncated")],
            )
        decoded = json.loads(payload)
        if decoded.get("for") != self._fingerprint(request):
            raise InvalidArgumentError(
                "page_token was issued for a request with other parameters",
                reason="PAGE_TOKEN_MISMATCH",
                field_violations=[(field, "reused with a different request")],
            )
        position = decoded.get(kind)
        if not isinstance(position, types) or isinstance(position, bool):
            raise InvalidArgumentError(
                "page_token belongs to another kind of listing",
                reason="INVALID_PAGE_TOKEN",
                field_violations=[(field, "not a token for this listing")],
            )
        return position


def _is_repeated(field: Any) -> bool:
    repeated = getattr(field, "is_repeated", None)  # protobuf >= 5.29
    if repeated is None:
        repeated = field.label == _LABEL_REPEATED
    return bool(repeated)


def _is_map(field: Any) -> bool:
    message = field.message_type
    return message is not None and bool(message.GetOptions().map_entry)


def _container_field(message: Message, names: tuple[str, ...]) -> str | None:
    """ "" when ``message`` has ``names``; else the field holding them; else None."""
    fields = message.DESCRIPTOR.fields_by_name
    if all(name in fields for name in names):
        return ""
    for field in message.DESCRIPTOR.fields:
        inner = field.message_type
        if inner is not None and not _is_repeated(field):
            if all(name in inner.fields_by_name for name in names):
                return str(field.name)
    return None


def _locate(message: Message, names: tuple[str, ...]) -> Any:
    """The message holding the fields ``names``: ``message`` or a field of it."""
    container = _container_field(message, names)
    if container is None:
        raise TypeError(f"{message.DESCRIPTOR.full_name} has no {', '.join(names)}")
    return getattr(message, container) if container else message


def _path(request: Message) -> str:
    container = _container_field(request, ("page_size", "page_token"))
    return f"{container}." if container else ""
