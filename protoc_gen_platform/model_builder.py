"""Building the model from a CodeGeneratorRequest: the descriptors wrapped
in the immutable records of :mod:`protoc_gen_platform.model`.

A file's objects are built the first time the file, or a type it declares,
is looked up (see :func:`build_model`).
"""

from __future__ import annotations

from typing import AbstractSet, Callable, Iterator, Mapping, Sequence, TypeVar

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2

from .errors import GenerationError
from .model import (
    Enum,
    Field,
    Idempotency,
    Message,
    Method,
    Model,
    ProtoFile,
    Service,
    StreamingKind,
    TypeDecl,
)

__all__ = ["build_model"]

_REPEATED = descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED
_NONE: frozenset[str] = frozenset()
_MethodOptions = descriptor_pb2.MethodOptions

# SourceCodeInfo paths: field numbers inside FileDescriptorProto and
# ServiceDescriptorProto. Only services and RPCs have their comments read.
_FILE_SERVICE, _SERVICE_METHOD = 6, 2

Path = tuple[int, ...]


def build_model(request: plugin_pb2.CodeGeneratorRequest) -> Model:
    """Wrap every file of ``request`` in model objects.

    A file's objects are built the first time the file, or a type it declares,
    is looked up: a request carries every dependency of the files to generate,
    most of which are never read, and each worker process of a parallel run
    then builds only what its own share reads. Finding the file that declares
    a type reads only the files of the packages its name could be in.

    Raises:
        GenerationError: when ``file_to_generate`` names a file that the request
            does not carry, or a file is listed twice.
    """
    sources: dict[str, descriptor_pb2.FileDescriptorProto] = {}
    packages: dict[str, list[descriptor_pb2.FileDescriptorProto]] = {}
    for fd in request.proto_file:
        if fd.name in sources:
            raise GenerationError(f"{fd.name}: the request carries this file twice")
        sources[fd.name] = fd
        packages.setdefault(fd.package, []).append(fd)
    for name in request.file_to_generate:
        if name not in sources:
            raise GenerationError(
                f"{name}: listed in file_to_generate but absent from proto_file"
            )
    files = _Files(sources)
    return Model(
        files=files,
        to_generate=tuple(request.file_to_generate),
        types=_Types(packages, files),
        imports={name: tuple(fd.dependency) for name, fd in sources.items()},
    )


def _index_file(
    fd: descriptor_pb2.FileDescriptorProto, declared_in: dict[str, str]
) -> None:
    """Note the file of every message and enum ``fd`` declares."""
    for e in fd.enum_type:
        declared_in[_join(fd.package, e.name)] = fd.name
    for path, msg in _walk_messages(fd.message_type, ()):
        full_name = _join(fd.package, ".".join(path))
        declared_in[full_name] = fd.name
        for e in msg.enum_type:
            declared_in[f"{full_name}.{e.name}"] = fd.name


class _Files(Mapping[str, ProtoFile]):
    """The request's files by name, each built on first lookup."""

    def __init__(self, sources: dict[str, descriptor_pb2.FileDescriptorProto]) -> None:
        self._sources = sources
        self._built: dict[str, ProtoFile] = {}
        self.types: dict[str, TypeDecl] = {}
        """The types of the files built so far, by full name."""

    def __getitem__(self, name: str) -> ProtoFile:
        built = self._built.get(name)
        if built is None:
            built = _build_file(self._sources[name], self.types)
            self._built[name] = built
        return built

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)

    def __contains__(self, name: object) -> bool:
        return name in self._sources


class _Types(Mapping[str, TypeDecl]):
    """Every message and enum by full name; a lookup builds the declaring file.

    Which file declares a name is indexed package by package, as lookups
    need it: a name's package is one of its dotted prefixes (or none).
    """

    def __init__(
        self,
        packages: dict[str, list[descriptor_pb2.FileDescriptorProto]],
        files: _Files,
    ) -> None:
        self._unindexed = packages
        """The files of each package not yet indexed."""
        self._declared_in: dict[str, str] = {}
        self._files = files

    def _index_packages_of(self, full_name: str) -> None:
        """Index the files of every package that could declare ``full_name``."""
        prefix, dot = full_name, "."
        while dot:
            prefix, dot, _ = prefix.rpartition(".")
            self._index(prefix)

    def _index_all(self) -> None:
        for package in list(self._unindexed):
            self._index(package)

    def _index(self, package: str) -> None:
        for fd in self._unindexed.pop(package, ()):
            _index_file(fd, self._declared_in)

    def __getitem__(self, full_name: str) -> TypeDecl:
        decl = self.get(full_name)
        if decl is None:
            raise KeyError(full_name)
        return decl

    def get(  # type: ignore[override]
        self, full_name: str, default: TypeDecl | None = None
    ) -> TypeDecl | None:
        """The type called ``full_name``, else ``default``; the views look
        types up by the thousand, so this skips Mapping's KeyError round trip."""
        decl = self._files.types.get(full_name)
        if decl is None:
            file = self._declared_in.get(full_name)
            if file is None and self._unindexed:
                self._index_packages_of(full_name)
                file = self._declared_in.get(full_name)
            if file is None:
                return default
            self._files[file]  # builds the file, which registers its types
            decl = self._files.types[full_name]
        return decl

    def __iter__(self) -> Iterator[str]:
        self._index_all()
        return iter(self._declared_in)

    def __len__(self) -> int:
        self._index_all()
        return len(self._declared_in)

    def __contains__(self, full_name: object) -> bool:
        if not isinstance(full_name, str):
            return False
        if full_name not in self._declared_in and self._unindexed:
            self._index_packages_of(full_name)
        return full_name in self._declared_in or full_name in self._files.types


def _walk_messages(
    messages: object, prefix: tuple[str, ...]
) -> list[tuple[tuple[str, ...], descriptor_pb2.DescriptorProto]]:
    found: list[tuple[tuple[str, ...], descriptor_pb2.DescriptorProto]] = []
    for msg in messages:  # type: ignore[attr-defined]
        path = prefix + (msg.name,)
        found.append((path, msg))
        found.extend(_walk_messages(msg.nested_type, path))
    return found


def _join(package: str, name: str) -> str:
    return f"{package}.{name}" if package else name


class _Builder:
    """Builds the model objects of one file, with the comments of its
    services and RPCs at hand."""

    def __init__(
        self, fd: descriptor_pb2.FileDescriptorProto, types: dict[str, TypeDecl]
    ) -> None:
        self.fd = fd
        self.types = types
        self.comments: dict[Path, str] = {
            tuple(path): _clean_comment(text)
            for loc in fd.source_code_info.location
            if (text := loc.leading_comments)
            and (path := loc.path)  # a location may have an empty path
            and path[0] == _FILE_SERVICE
        }

    def enum(self, proto: descriptor_pb2.EnumDescriptorProto, scope: str) -> Enum:
        local = f"{scope}.{proto.name}" if scope else proto.name
        decl = Enum(
            full_name=_join(self.fd.package, local),
            file=self.fd.name,
            local_name=local,
            values=tuple(v.name for v in proto.value),
        )
        self.types[decl.full_name] = decl
        return decl

    def message(self, proto: descriptor_pb2.DescriptorProto, scope: str) -> Message:
        # A thousand files build five thousand messages: map entries are
        # looked for among the message's own nested types only, and
        # synthetic oneofs only when it has oneofs.
        local = f"{scope}.{proto.name}" if scope else proto.name
        full_name = _join(self.fd.package, local)
        nested_protos, field_protos = proto.nested_type, proto.field
        enum_protos, oneof_protos = proto.enum_type, proto.oneof_decl
        # Most messages have no nested types, enums or oneofs: each is looked
        # at only when there is one.
        # A map field's entry is nested in the field's own message (protoc
        # refuses a field typed with any other map entry).
        entries = (
            {f"{full_name}.{m.name}" for m in nested_protos if m.options.map_entry}
            if nested_protos
            else _NONE
        )
        oneofs: list[str] = [o.name for o in oneof_protos] if oneof_protos else []
        field = self.field
        fields = tuple([field(f, oneofs, entries) for f in field_protos])
        if oneofs:
            synthetic = {  # the oneof of each proto3 ``optional`` field
                f.oneof_index
                for f in field_protos
                if f.proto3_optional and f.HasField("oneof_index")
            }
            oneofs = [o for i, o in enumerate(oneofs) if i not in synthetic]
        nested = _each(self.message, nested_protos, local)
        enums = _each(self.enum, enum_protos, local)
        decl = Message(  # positional, as in ``field``
            full_name,  # full_name
            self.fd.name,  # file
            local,  # local_name
            fields,  # fields
            {f.name: f for f in fields},  # fields_by_name
            tuple(oneofs),  # oneofs
            nested,  # nested
            enums,  # enums
            proto.options.map_entry,  # is_map_entry
        )
        self.types[full_name] = decl
        return decl

    def field(
        self,
        proto: descriptor_pb2.FieldDescriptorProto,
        oneofs: list[str],
        map_entries: AbstractSet[str],
    ) -> Field:
        """A field of a message whose oneofs (synthetic ones included) are
        ``oneofs`` and whose nested map entries are ``map_entries``."""
        type_name = proto.type_name
        if type_name:
            type_name = type_name.lstrip(".")
        oneof = None
        if oneofs and proto.HasField("oneof_index") and not proto.proto3_optional:
            oneof = oneofs[proto.oneof_index]
        # Positional, in the fields' order: building ten thousand fields with
        # keywords took a tenth longer.
        return Field(
            proto.name,  # name
            proto.number,  # number
            proto.type,  # type
            type_name,  # type_name
            proto.label == _REPEATED,  # repeated
            type_name in map_entries,  # is_map
            oneof,  # oneof
        )

    def service(
        self, proto: descriptor_pb2.ServiceDescriptorProto, path: Path
    ) -> Service:
        full_name = _join(self.fd.package, proto.name)
        comments = self.comments
        methods = []
        for i, m in enumerate(proto.method):
            options, name = m.options, m.name
            methods.append(
                Method(  # positional, as in ``field``
                    name,  # name
                    f"/{full_name}/{name}",  # path
                    m.input_type.lstrip("."),  # input_type
                    m.output_type.lstrip("."),  # output_type
                    _KINDS[m.client_streaming, m.server_streaming],  # kind
                    _IDEMPOTENCY.get(  # idempotency
                        options.idempotency_level, Idempotency.UNKNOWN
                    ),
                    options.deprecated,  # deprecated
                    comments.get(path + (_SERVICE_METHOD, i), ""),  # comment
                )
            )
        return Service(
            proto.name,  # name
            full_name,  # full_name
            tuple(methods),  # methods
            proto.options.deprecated,  # deprecated
            comments.get(path, ""),  # comment
        )


_Proto = TypeVar("_Proto")
_Built = TypeVar("_Built")


def _each(
    build: Callable[[_Proto, str], _Built], protos: Sequence[_Proto], scope: str
) -> tuple[_Built, ...]:
    """``build`` over each of ``protos`` (empty at once when there are none,
    as for most messages)."""
    if not protos:
        return ()
    return tuple([build(proto, scope) for proto in protos])


def _build_file(
    fd: descriptor_pb2.FileDescriptorProto, types: dict[str, TypeDecl]
) -> ProtoFile:
    b = _Builder(fd, types)
    return ProtoFile(
        name=fd.name,
        package=fd.package,
        syntax=fd.syntax or "proto2",
        dependencies=tuple(fd.dependency),
        services=tuple(
            [b.service(s, (_FILE_SERVICE, i)) for i, s in enumerate(fd.service)]
        ),
        messages=_each(b.message, fd.message_type, ""),
        enums=_each(b.enum, fd.enum_type, ""),
    )


_KINDS = {
    (False, False): StreamingKind.UNARY_UNARY,
    (False, True): StreamingKind.UNARY_STREAM,
    (True, False): StreamingKind.STREAM_UNARY,
    (True, True): StreamingKind.STREAM_STREAM,
}
"""The streaming kind by ``(client_streaming, server_streaming)``."""

_IDEMPOTENCY = {
    _MethodOptions.IDEMPOTENCY_UNKNOWN: Idempotency.UNKNOWN,
    _MethodOptions.NO_SIDE_EFFECTS: Idempotency.NO_SIDE_EFFECTS,
    _MethodOptions.IDEMPOTENT: Idempotency.IDEMPOTENT,
}
"""The idempotency by the value of the method option ``idempotency_level``
(a value this table does not know reads as unknown)."""


def _clean_comment(text: str) -> str:
    """Normalise a protoc leading comment: CRLF to LF, common indent removed."""
    if text.count("\n") == 1 and text.endswith("\n") and "\r" not in text:
        return text.strip(" \n")  # the usual one-line "// Comment." case
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines)
