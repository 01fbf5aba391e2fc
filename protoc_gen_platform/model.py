"""The model: immutable records over the descriptors of a CodeGeneratorRequest.

The model says what the contracts contain (files, services, methods and their
streaming kind, messages, enums, options), and the comments of services and
RPCs, which the generated docstrings and the SDK README quote (a message's or
a field's comment reaches no output, so the model does not carry it). It
knows nothing of Python naming; :mod:`protoc_gen_platform.naming` owns that.
:func:`~protoc_gen_platform.model_builder.build_model` builds it from a request.

Its records, like the options', the views' and the patterns', are typed
``NamedTuple`` classes: immutable, with fields that mypy checks; what a
record derives from its fields is a property or a short method, and the
rest of the work is plain functions. Frozen dataclasses would give the same,
but every plugin run pays for defining its classes: Python 3.11 writes four
or more methods per frozen dataclass with ``exec``, 0.3 to 0.6 ms a class,
and ``dataclasses`` imports ``inspect``. Over the plugin's twenty classes
that was 13 ms of each run, measured, against 2 ms as named tuples.
Modules that define records leave out ``from __future__ import
annotations``: typing.NamedTuple would compile every field's annotation
string into a ForwardRef, about a millisecond of each run over the records
it loads; a name only a type checker imports stays quoted.
A record compares and hashes by value. Within one model, services, methods
and messages have unique full names, so two of them are equal only if they
are the same; a message holds a dict (its fields by name) and is never
hashed.
"""

import enum
from typing import Mapping, NamedTuple, Union

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


class Field(NamedTuple):
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


class Enum(NamedTuple):
    """An enum, top-level or nested. ``local_name`` is ``Outer.Inner`` style."""

    full_name: str
    file: str
    local_name: str
    values: tuple[str, ...]


class Message(NamedTuple):
    """A message, top-level or nested, with its fields and nested types."""

    full_name: str
    file: str
    local_name: str
    fields: tuple[Field, ...]
    fields_by_name: Mapping[str, Field]
    """The same fields by name: the patterns look fields up by name for every
    RPC, in every message-typed field of its messages. (A dict: a message is
    never hashed, which would hash every field.)"""
    oneofs: tuple[str, ...]
    nested: tuple["Message", ...]
    enums: tuple[Enum, ...]
    is_map_entry: bool

    def field_named(self, name: str) -> Field | None:
        """Its field called ``name``, if it has one."""
        return self.fields_by_name.get(name)


class Method(NamedTuple):
    """One RPC of a service."""

    name: str
    path: str
    input_type: str
    output_type: str
    kind: StreamingKind
    idempotency: Idempotency
    deprecated: bool
    comment: str


class Service(NamedTuple):
    """A service and its RPCs, in declaration order."""

    name: str
    full_name: str
    methods: tuple[Method, ...]
    deprecated: bool
    comment: str


class ProtoFile(NamedTuple):
    """A .proto file: its package, syntax or edition, and what it declares."""

    name: str
    package: str
    syntax: str
    dependencies: tuple[str, ...]
    services: tuple[Service, ...]
    messages: tuple[Message, ...]
    enums: tuple[Enum, ...]


TypeDecl = Union[Message, Enum]


class Model(NamedTuple):
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
