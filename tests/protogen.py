"""Hypothesis strategies for random, valid sets of FileDescriptorProtos.

The sets mix proto2, proto3 and edition 2023 files that import one another
and the well-known types; names are drawn from Python keywords, builtins,
names that clash with generated members, and random identifiers. Every set is
one that protoc accepts: symbols are unique in their scope, and field names
stay distinct in their JSON form.
"""

from __future__ import annotations

import itertools
import keyword
from dataclasses import dataclass, field

from google.protobuf import descriptor_pb2, empty_pb2, timestamp_pb2
from google.protobuf.compiler import plugin_pb2
from hypothesis import strategies as st

FDP = descriptor_pb2.FieldDescriptorProto

TRICKY = sorted(
    set(keyword.kwlist)
    | {
        "self",
        "cls",
        "Return",
        "Yield",
        "Async",
        "Await",
        "async_",
        "match",
        "case",
        "type",
    }
    | {
        "Close",
        "Connect",
        "Channel",
        "close",
        "connect",
        "channel",
        "metadata",
        "timeout",
        "token",
    }
    | {
        "int",
        "str",
        "list",
        "dict",
        "object",
        "print",
        "grpc",
        "typing",
        "Iterator",
        "Iterable",
    }
    | {
        "Rpc",
        "Client",
        "Servicer",
        "Get",
        "GetFoo",
        "Get_Foo",
        "HTTPRequest",
        "X",
        "_x",
        "__init__",
    }
)
_NOT_FOR_PROTOBUF = {"DESCRIPTOR", "Extensions"}  # protobuf's own module/class members

identifiers = st.one_of(
    st.sampled_from(TRICKY),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True),
    # Long enough that generated lines pass black's limit and get split.
    st.from_regex(r"[A-Z][A-Za-z0-9]{45,70}", fullmatch=True),
).filter(lambda name: name not in _NOT_FOR_PROTOBUF and not name.startswith("__"))

SCALARS = [
    FDP.TYPE_INT32,
    FDP.TYPE_INT64,
    FDP.TYPE_STRING,
    FDP.TYPE_BOOL,
    FDP.TYPE_DOUBLE,
    FDP.TYPE_BYTES,
]
SYNTAXES = ["proto2", "proto3", "editions"]
_uid = itertools.count()

__all__ = ["requests"]


def _well_known() -> list[descriptor_pb2.FileDescriptorProto]:
    found = []
    for module in (empty_pb2, timestamp_pb2):
        proto = descriptor_pb2.FileDescriptorProto()
        module.DESCRIPTOR.CopyToProto(proto)
        found.append(proto)
    return found


WELL_KNOWN = _well_known()
WELL_KNOWN_TYPES = [".google.protobuf.Empty", ".google.protobuf.Timestamp"]


@dataclass
class _Scope:
    """Names taken in one protobuf scope, compared as protoc compares them."""

    taken: set[str] = field(default_factory=set)

    def claim(self, name: str) -> bool:
        key = name.lower().replace("_", "")
        if key in self.taken:
            return False
        self.taken.add(key)
        return True


@st.composite
def _file(
    draw: st.DrawFn,
    index: int,
    uid: int,
    earlier: list[descriptor_pb2.FileDescriptorProto],
) -> descriptor_pb2.FileDescriptorProto:
    depth = draw(st.integers(0, 2))
    directory = "/".join([f"hx{uid}"] + [f"d{index}{i}" for i in range(depth)])
    proto = descriptor_pb2.FileDescriptorProto(
        name=f"{directory}/f{index}.proto", package=f"hx{uid}.p{index}"
    )
    syntax = draw(st.sampled_from(SYNTAXES))
    if syntax == "editions":
        proto.syntax = "editions"
        proto.edition = descriptor_pb2.EDITION_2023
    elif syntax == "proto3":
        proto.syntax = "proto3"
    imported = (
        draw(st.lists(st.sampled_from(earlier), unique_by=lambda f: f.name, max_size=2))
        if earlier
        else []
    )
    with_wkt = draw(st.booleans())
    for dependency in imported + (WELL_KNOWN if with_wkt else []):
        proto.dependency.append(dependency.name)
    scope = _Scope()
    available: list[str] = [
        f".{f.package}.{m.name}" for f in imported for m in f.message_type
    ] + (WELL_KNOWN_TYPES if with_wkt else [])
    for name in draw(st.lists(identifiers, min_size=1, max_size=4)):
        if not scope.claim(name):
            continue
        message = proto.message_type.add(name=name)
        own = f".{proto.package}.{name}"
        _fill_message(draw, message, available, syntax)
        available.append(own)
        if draw(st.booleans()):
            nested_name = draw(identifiers)
            if (
                nested_name not in {f.name for f in message.field}
                and nested_name != name
            ):
                nested = message.nested_type.add(name=nested_name)
                _fill_message(draw, nested, [], syntax)
                available.append(f"{own}.{nested_name}")
    for service_name in draw(
        st.lists(identifiers, min_size=int(index == 0), max_size=2)
    ):
        if not scope.claim(service_name):
            continue
        service = proto.service.add(name=service_name)
        methods = _Scope()
        for method_name in draw(st.lists(identifiers, max_size=4)):
            if method_name in {m.name for m in service.method}:
                continue
            methods.claim(method_name)
            service.method.add(
                name=method_name,
                input_type=draw(st.sampled_from(available)),
                output_type=draw(st.sampled_from(available)),
                client_streaming=draw(st.booleans()),
                server_streaming=draw(st.booleans()),
            )
    return proto


def _fill_message(
    draw: st.DrawFn,
    message: descriptor_pb2.DescriptorProto,
    available: list[str],
    syntax: str,
) -> None:
    fields = _Scope()
    fields.claim(message.name)
    for number, name in enumerate(draw(st.lists(identifiers, max_size=3)), start=1):
        if not fields.claim(name):
            continue
        proto_field = message.field.add(
            name=name, number=number, json_name=_json_name(name)
        )
        repeated = draw(st.booleans())
        proto_field.label = FDP.LABEL_REPEATED if repeated else FDP.LABEL_OPTIONAL
        if available and draw(st.booleans()):
            proto_field.type = FDP.TYPE_MESSAGE
            proto_field.type_name = draw(st.sampled_from(available))
        else:
            proto_field.type = draw(st.sampled_from(SCALARS))


def _json_name(name: str) -> str:
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


@st.composite
def requests(draw: st.DrawFn) -> plugin_pb2.CodeGeneratorRequest:
    """A CodeGeneratorRequest over 1 to 3 random files, all to be generated."""
    uid = next(_uid)
    files: list[descriptor_pb2.FileDescriptorProto] = []
    for index in range(draw(st.integers(1, 3))):
        files.append(draw(_file(index, uid, list(files))))
    return plugin_pb2.CodeGeneratorRequest(
        file_to_generate=[f.name for f in files],
        proto_file=WELL_KNOWN + files,
    )
