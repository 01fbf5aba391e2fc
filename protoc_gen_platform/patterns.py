"""Structural patterns in the contracts that the generated code makes easier.

Detection looks only at shapes, never at configuration:

* a **result oneof**: a response made of exactly one oneof holding a field
  named ``error`` of type ``platform.common.Error`` and one message-typed
  success field. Clients return the success payload and raise the error;
  servicers return the payload and raise to fill the error branch.
* **pagination**: a unary RPC whose request carries ``int32 page_size`` and
  ``string page_token`` and whose response carries ``string next_page_token``,
  each either at top level (AIP-158) or one message field down (such as
  ``PaginationRequest pagination``), and whose response has exactly one
  repeated, non-map field: the items, beside at most AIP-217's
  ``repeated string unreachable``. Clients return a pager over the items,
  which also collects the unreachable locations.
* **token checking**: a unary RPC whose request has ``string token`` and
  whose response is a result oneof whose success payload has a message field
  ``principal`` and a ``google.protobuf.Duration expires_in`` (as the
  platform's ``AuthService.ValidateToken``). The service then gets caching
  token validators for the serving runtime's auth interceptor.
* **token issuing**: a unary RPC whose response holds an issued token (a
  message with ``string access_token``, ``Timestamp access_token_expire_time``
  and ``string refresh_token``), and optionally one that takes
  ``string refresh_token`` and answers the same (as the platform's
  ``AuthService.IssueToken`` and ``RefreshToken``). The service then gets
  token sources that keep an access token fresh.
"""

import keyword
from typing import NamedTuple

from google.protobuf import descriptor_pb2

from .model import Field, Message, Method, Model, Service

__all__ = [
    "ERROR_TYPE",
    "Pagination",
    "ResultOneof",
    "TokenCheck",
    "TokenIssuing",
    "pagination",
    "result_oneof",
    "token_check",
    "token_issuing",
    "uses_error_type",
]

ERROR_TYPE = "platform.common.Error"
"""The in-band error message of the platform's contracts."""

_FDP = descriptor_pb2.FieldDescriptorProto
_MESSAGE = _FDP.TYPE_MESSAGE


class ResultOneof(NamedTuple):
    """A response of the form ``oneof <oneof> { <Payload> <success>; Error error; }``."""

    oneof: str
    success_field: str
    success_type: str


def result_oneof(model: Model, method: Method) -> ResultOneof | None:
    """The result oneof of ``method``'s response, if it has exactly that shape.

    Only RPCs with a single response qualify: streamed responses are handed
    over whole, since one failed item need not end the stream.
    """
    if method.kind.server_streaming:
        return None
    return _result_shape(model.message(method.output_type))


def _result_shape(message: Message) -> ResultOneof | None:
    if len(message.fields) != 2 or len(message.oneofs) != 1:
        return None
    oneof = message.oneofs[0]
    error = message.field_named("error")
    if error is None or error.type_name != ERROR_TYPE or error.repeated:
        return None
    (success,) = [f for f in message.fields if f.name != "error"]
    if success.type != _MESSAGE or any(f.oneof != oneof for f in message.fields):
        return None
    if keyword.iskeyword(success.name):
        return None  # generated code reads it as ``response.<name>``
    return ResultOneof(oneof, success.name, success.type_name)


def uses_error_type(model: Model, proto_file: str) -> bool:
    """Whether ``proto_file`` depends, directly or not, on the Error type's file."""
    target = model.types.get(ERROR_TYPE)
    if target is None:
        return False
    seen: set[str] = set()
    pending = [proto_file]
    while pending:
        name = pending.pop()
        if name == target.file:
            return True
        if name in seen or name not in model.imports:
            continue
        seen.add(name)
        pending.extend(model.imports[name])
    return False


class Pagination(NamedTuple):
    """Where a paginated RPC keeps its page fields, and its items.

    ``request_container`` and ``response_container`` name the message field
    holding the page fields, or are empty when they sit at top level.
    ``item_type`` is the full name of a message or enum item type, or empty
    for scalar items, whose protobuf type is then ``item_scalar``.
    """

    request_container: str
    response_container: str
    items_field: str
    item_type: str
    item_scalar: int
    has_total_size: bool
    unreachable_field: str = ""


class PaginationCheck(NamedTuple):
    """The outcome of looking for pagination: a Pagination, or why not."""

    pagination: Pagination | None
    reason: str


def pagination(model: Model, method: Method) -> PaginationCheck:
    """Whether ``method`` is paginated; if it looks like it but is not, why."""
    request_at = _container(model, model.message(method.input_type), _PAGE_REQUEST)
    if request_at is None:  # most requests: the response is not looked at
        return _NOT_PAGINATED
    response = model.message(method.output_type)
    response_at = _container(model, response, _PAGE_RESPONSE)
    if response_at is None:
        return _NOT_PAGINATED
    if method.kind.client_streaming or method.kind.server_streaming:
        return PaginationCheck(None, "Not paginated: only unary RPCs are.")
    unreachable = next(
        (
            f
            for f in response.fields
            if f.name == UNREACHABLE and f.repeated and f.type == _FDP.TYPE_STRING
        ),
        None,
    )
    repeated = [
        f
        for f in response.fields
        if f.repeated and not f.is_map and f is not unreachable
    ]
    maps = [f.name for f in response.fields if f.is_map]
    if len(repeated) != 1 or maps:
        found = ", ".join(f.name for f in repeated) or "none"
        extra = f" and map fields ({', '.join(maps)})" if maps else ""
        return PaginationCheck(
            None,
            "Not paginated: a pager needs exactly one repeated, non-map field in the\n"
            f"response to hold the items, and this one has: {found}{extra}.",
        )
    items = repeated[0]
    total = _field(model, response, response_at, "total_size")
    return PaginationCheck(
        Pagination(
            request_container=request_at,
            response_container=response_at,
            items_field=items.name,
            item_type=items.type_name,
            item_scalar=items.type,
            has_total_size=total is not None and total.type in _INTEGERS,
            unreachable_field=unreachable.name if unreachable else "",
        ),
        "",
    )


_NOT_PAGINATED = PaginationCheck(None, "")

_PAGE_REQUEST: dict[str, int] = {
    "page_size": _FDP.TYPE_INT32,
    "page_token": _FDP.TYPE_STRING,
}
"""The page fields of a paginated request, and their types."""
_PAGE_RESPONSE: dict[str, int] = {"next_page_token": _FDP.TYPE_STRING}
"""The page field of a paginated response, and its type."""

UNREACHABLE = "unreachable"
"""AIP-217's field of locations a list call could not reach."""

_INTEGERS = frozenset(
    {_FDP.TYPE_INT32, _FDP.TYPE_INT64, _FDP.TYPE_UINT32, _FDP.TYPE_UINT64}
)


def _has(message: Message, wanted: dict[str, int]) -> bool:
    for name, kind in wanted.items():
        field = message.field_named(name)
        if field is None or field.type != kind or field.repeated:
            return False
    return True


def _container(model: Model, message: Message, wanted: dict[str, int]) -> str | None:
    """ "" if ``message`` has the fields, the name of the field holding them, or None."""
    if _has(message, wanted):
        return ""
    for field in message.fields:
        if field.type == _MESSAGE and not field.repeated and field.oneof is None:
            inner = model.types.get(field.type_name)
            if isinstance(inner, Message) and _has(inner, wanted):
                return field.name
    return None


def _field(model: Model, message: Message, container: str, name: str) -> Field | None:
    if container:
        holder = message.field_named(container)
        assert holder is not None  # _container found it
        message = model.message(holder.type_name)
    return message.field_named(name)


class TokenCheck(NamedTuple):
    """An RPC that checks a bearer token: its method, and the full name of
    the principal type its success payload carries."""

    method: Method
    principal_type: str


_DURATION = "google.protobuf.Duration"


def token_check(model: Model, service: Service) -> TokenCheck | None:
    """The first RPC of ``service`` with the token-checking shape, if any."""
    for method in service.methods:
        # Cheapest test first: most requests have no ``token`` field.
        if method.kind.client_streaming or not _has(
            model.message(method.input_type), _TOKEN_REQUEST
        ):
            continue
        result = result_oneof(model, method)
        if result is None:
            continue
        payload = {f.name: f for f in model.message(result.success_type).fields}
        principal, lifetime = payload.get("principal"), payload.get("expires_in")
        if (
            principal is not None
            and principal.type == _MESSAGE
            and not principal.repeated
            and lifetime is not None
            and lifetime.type_name == _DURATION
            and not lifetime.repeated
        ):
            return TokenCheck(method, principal.type_name)
    return None


class TokenIssuing(NamedTuple):
    """RPCs that issue (and refresh) access tokens: the field of their
    responses that holds the issued token."""

    issue: Method
    issue_field: str
    refresh: Method | None
    refresh_field: str


_TIMESTAMP = "google.protobuf.Timestamp"
_TOKEN_REQUEST: dict[str, int] = {"token": _FDP.TYPE_STRING}
"""The field of a token-checking request."""
_ISSUED_TOKENS: dict[str, int] = {
    "access_token": _FDP.TYPE_STRING,
    "refresh_token": _FDP.TYPE_STRING,
}
"""The token fields of an issued token pair."""
_REFRESH_REQUEST: dict[str, int] = {"refresh_token": _FDP.TYPE_STRING}
"""The field of a request that redeems a refresh token."""


def _issued_field(model: Model, message: Message) -> str | None:
    """The field of ``message`` that holds an issued token, if any."""
    for field in message.fields:
        if field.type != _MESSAGE or field.repeated or keyword.iskeyword(field.name):
            continue
        inner = model.types.get(field.type_name)
        if not isinstance(inner, Message):
            continue
        expiry = inner.field_named("access_token_expire_time")
        if (
            _has(inner, _ISSUED_TOKENS)
            and expiry is not None
            and expiry.type_name == _TIMESTAMP
        ):
            return field.name
    return None


def token_issuing(model: Model, service: Service) -> TokenIssuing | None:
    """The token-issuing RPCs of ``service``, if it has them."""
    issue: tuple[Method, str] | None = None
    refresh: tuple[Method, str] | None = None
    for method in service.methods:
        if method.kind.client_streaming or method.kind.server_streaming:
            continue
        found = _issued_field(model, model.message(method.output_type))
        if found is None:
            continue
        redeems = _has(model.message(method.input_type), _REFRESH_REQUEST)
        if redeems and refresh is None:
            refresh = (method, found)
        elif not redeems and issue is None:
            issue = (method, found)
    if issue is None:
        return None
    return TokenIssuing(
        issue[0],
        issue[1],
        refresh[0] if refresh else None,
        refresh[1] if refresh else "",
    )
