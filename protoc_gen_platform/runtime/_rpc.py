"""Descriptions of RPCs shared by clients and servers, and call-option types."""

from __future__ import annotations

import enum
from typing import Generic, Sequence, TypeVar, Union

from google.protobuf.message import Message

__all__ = ["DEFAULT", "Default", "Metadata", "Rpc", "Timeout", "serialize"]

RequestT = TypeVar("RequestT", bound=Message)
ResponseT = TypeVar("ResponseT", bound=Message)

Metadata = Sequence[tuple[str, Union[str, bytes]]]
"""Call metadata: a sequence of ``(key, value)`` pairs, as grpc takes it."""


class Default(enum.Enum):
    """The type of :data:`DEFAULT`, the "use the client's setting" marker."""

    DEFAULT = "DEFAULT"

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT = Default.DEFAULT
"""Marks an argument left out, so the client's own default applies."""

Timeout = Union[float, None, Default]
"""Seconds until the deadline; ``None`` for no deadline; DEFAULT for the client's."""


class Rpc(Generic[RequestT, ResponseT]):
    """One RPC: its full path on the wire and its message types.

    Attributes:
        path: grpc's full method name, ``/package.Service/Method``.
        kind: ``unary_unary``, ``unary_stream``, ``stream_unary`` or
            ``stream_stream``, as grpc names the four kinds.
        request_type: The request message class.
        response_type: The response message class.
    """

    __slots__ = ("path", "kind", "request_type", "response_type")

    def __init__(
        self,
        path: str,
        kind: str,
        request_type: type[RequestT],
        response_type: type[ResponseT],
    ) -> None:
        self.path = path
        self.kind = kind
        self.request_type = request_type
        self.response_type = response_type

    def __repr__(self) -> str:
        return f"Rpc({self.path!r})"

    @property
    def method_name(self) -> str:
        """The RPC's name as declared in the proto, such as ``GetPipeline``."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def service_name(self) -> str:
        """The full service name, such as ``platform.etl.v1.EtlService``."""
        return self.path[1:].rsplit("/", 1)[0]


def serialize(message: Message) -> bytes:
    """A message's wire bytes: the serializer every generated call uses."""
    return message.SerializeToString()
