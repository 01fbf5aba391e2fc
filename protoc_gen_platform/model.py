"""The model: frozen dataclasses over the descriptors of a CodeGeneratorRequest.

The model says what the contracts contain (files, services, methods and their
streaming kind, messages, enums, comments, options). It knows nothing of Python
naming; :mod:`protoc_gen_platform.naming` owns that.
:func:`~protoc_gen_platform.model_builder.build_model` builds it from a request.

Its objects, like the views', compare by identity (``eq=False``): one model is
built per request and nothing compares two of them, while value equality costs
start-up time (Python 3.11 writes ``__eq__`` and ``__hash__`` for each class
with ``exec``: about 0.6 ms a class, 12 ms over the plugin's twenty).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from typing import Mapping, Union

from .errors import GenerationError

__all__ = [
    "Enum",
    "Field",
    "Idempotency",
    "Message",
    "Method",
    "Model",
    "ProtoFile",
    "Service",
    "StreamingKind",
    "TypeDecl",
]


class StreamingKind(enum.Enum):
    """How requests and responses flow in one RPC; values are grpc's names."""

    client_streaming: bool
    """True when the client sends a stream of requests."""
    server_streaming: bool
    """True when the server answers with a stream of responses."""
    description: str
    """A short English phrase for docstrings, such as ``server-streaming``."""

    UNARY_UNARY = "unary_unary"
    UNARY_STREAM = "unary_stream"
    STREAM_UNARY = "stream_unary"
    STREAM_STREAM = "stream_stream"

    def __init__(self, value: str) -> None:
        # Plain attributes, not properties: templates read them for every RPC.
        self.client_streaming = value.startswith("stream_")
        self.server_streaming = value.endswith("_stream")
        self.description = {
            "unary_unary": "unary",
            "unary_stream": "server-streaming",
            "stream_unary": "client-streaming",
            "stream_stream": "bidirectional-streaming",
        }[value]


class Idempotency(enum.Enum):
    """The method option ``idempotency_level``."""

    UNKNOWN = "IDEMPOTENCY_UNKNOWN"
    NO_SIDE_EFFECTS = "NO_SIDE_EFFECTS"
    IDEMPOTENT = "IDEMPOTENT"

    @property
    def safe_to_retry(self) -> bool:
        """True when a failed call may be repeated without harm."""
        return self is not Idempotency.UNKNOWN


@dataclasses.dataclass(frozen=True, eq=False)
class Field:
    """One field of a message.

    ``type_name`` is the full name (without the leading dot) of a message or
    enum field's type, and empty for scalars. ``oneof`` names the real (not
    synthetic proto3-optional) oneof the field belongs to.
    """

    name: str
    number: int
    type: int
    type_name: str
    repeated: bool
    is_map: bool
    oneof: str | None
    comment: str


@dataclasses.dataclass(frozen=True, eq=False)
class Enum:
    """An enum, top-level or nested. ``local_name`` is ``Outer.Inner`` style."""

    full_name: str
    file: str
    local_name: str
    values: tuple[str, ...]
    comment: str


@dataclasses.dataclass(frozen=True, eq=False)
class Message:
    """A message, top-level or nested, with its fields and nested types."""

    full_name: str
    file: str
    local_name: str
    fields: tuple[Field, ...]
    oneofs: tuple[str, ...]
    nested: tuple[Message, ...]
    enums: tuple[Enum, ...]
    is_map_entry: bool
    comment: str

    @functools.cached_property
    def field_named(self) -> Mapping[str, Field]:
        """Its fields by name."""
        return {f.name: f for f in self.fields}


@dataclasses.dataclass(frozen=True, eq=False)
class Method:
    """One RPC of a service."""

    name: str
    path: str
    input_type: str
    output_type: str
    kind: StreamingKind
    idempotency: Idempotency
    deprecated: bool
    comment: str


@dataclasses.dataclass(frozen=True, eq=False)
class Service:
    """A service and its RPCs, in declaration order."""

    name: str
    full_name: str
    methods: tuple[Method, ...]
    deprecated: bool
    comment: str


@dataclasses.dataclass(frozen=True, eq=False)
class ProtoFile:
    """A .proto file: its package, syntax or edition, and what it declares."""

    name: str
    package: str
    syntax: str
    dependencies: tuple[str, ...]
    services: tuple[Service, ...]
    messages: tuple[Message, ...]
    enums: tuple[Enum, ...]


TypeDecl = Union[Message, Enum]


@dataclasses.dataclass(frozen=True, eq=False)
class Model:
    """Every file of the request, the ones to generate, and a type index."""

    files: Mapping[str, ProtoFile]
    to_generate: tuple[str, ...]
    types: Mapping[str, TypeDecl]
    imports: Mapping[str, tuple[str, ...]]
    """Each file's direct imports: its ``dependencies``, known without
    building the file's objects."""

    def message(self, full_name: str) -> Message:
        """The message called ``full_name``; its absence is a GenerationError."""
        decl = self.types.get(full_name)
        if not isinstance(decl, Message):
            raise GenerationError(f"message type {full_name!r} is not defined")
        return decl
