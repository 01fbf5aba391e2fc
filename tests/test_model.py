"""The model over proto/: kinds, options, comments and nested types."""

from __future__ import annotations

from typing import Iterable

import pytest
from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2

from protoc_gen_platform.model import Idempotency, Model, StreamingKind
from protoc_gen_platform.model_builder import _Builder, build_model
from support import proto_files, request


def _model() -> Model:
    return build_model(request(proto_files()))


MODEL = _model()


def _method(service: str, name: str):  # type: ignore[no-untyped-def]
    for proto in MODEL.files.values():
        for s in proto.services:
            if s.full_name == service:
                return next(m for m in s.methods if m.name == name)
    raise KeyError(service)


def test_streaming_kinds() -> None:
    assert (
        _method("platform.auth.v1.AuthService", "ValidateToken").kind
        is StreamingKind.UNARY_UNARY
    )
    assert (
        _method("platform.config.v1.ConfigService", "WatchConfig").kind
        is StreamingKind.UNARY_STREAM
    )
    assert (
        _method("platform.data.v1.BronzeService", "IngestRecords").kind
        is StreamingKind.STREAM_UNARY
    )
    assert (
        _method("platform.intelligence.v1.CalculationService", "EvaluateStream").kind
        is StreamingKind.STREAM_STREAM
    )


def test_idempotency_and_paths() -> None:
    get = _method("platform.etl.v1.EtlService", "GetPipeline")
    assert get.idempotency is Idempotency.NO_SIDE_EFFECTS
    assert get.path == "/platform.etl.v1.EtlService/GetPipeline"
    assert (
        _method("platform.etl.v1.EtlService", "CancelRun").idempotency
        is Idempotency.IDEMPOTENT
    )
    assert (
        _method("platform.etl.v1.EtlService", "TriggerRun").idempotency
        is Idempotency.UNKNOWN
    )


def test_every_service_and_rpc_of_proto_has_a_comment() -> None:
    for proto in MODEL.files.values():
        for service in proto.services:
            assert service.comment, service.full_name
            for method in service.methods:
                assert method.comment, method.path
                assert "\r" not in method.comment


def test_only_the_comments_of_services_and_rpcs_are_read_and_cleaned() -> None:
    """Source info written by hand: a comment on the file itself (an empty
    path), on a message and on a field is not read; those of the service and
    of its RPC are, cleaned, and reach their records."""
    fd = descriptor_pb2.FileDescriptorProto(name="c.proto", package="c")
    fd.message_type.add(name="M").field.add(name="f", number=1, type=9)
    rpc = fd.service.add(name="S").method.add(name="Do")
    rpc.input_type = rpc.output_type = ".c.M"
    for path, text in [
        ([], " the file\n"),
        ([4, 0], " a message\n"),
        ([4, 0, 2, 0], " a field\n"),
        ([6, 0], " A service.\r\n"),
        ([6, 0, 2, 0], "  Does it.\n   Twice.\n"),
    ]:
        fd.source_code_info.location.add(path=path, leading_comments=text)
    made = plugin_pb2.CodeGeneratorRequest(
        file_to_generate=["c.proto"], proto_file=[fd]
    )
    assert _Builder(fd, {}).comments == {
        (6, 0): "A service.",
        (6, 0, 2, 0): "Does it.\n Twice.",
    }
    proto = build_model(made).files["c.proto"]
    assert proto.services[0].comment == "A service."
    assert proto.services[0].methods[0].comment == "Does it.\n Twice."


def test_types_index_covers_nested_messages_and_map_entries() -> None:
    error = MODEL.message("platform.common.Error")
    metadata = next(f for f in error.fields if f.name == "metadata")
    assert metadata.is_map and metadata.repeated
    violations = next(f for f in error.fields if f.name == "field_violations")
    assert violations.repeated and not violations.is_map
    assert violations.type_name == "platform.common.FieldViolation"
    response = MODEL.message("platform.auth.v1.ValidateTokenResponse")
    assert response.oneofs == ("result",)
    assert {f.name: f.oneof for f in response.fields} == {
        "success": "result",
        "error": "result",
    }


def test_files_are_built_on_first_lookup_and_imports_need_none() -> None:
    model = _model()
    built = model.files._built  # type: ignore[attr-defined]
    assert not built
    assert model.imports == {
        name: tuple(fd.dependency) for name, fd in model.files._sources.items()  # type: ignore[attr-defined]
    }
    assert not built  # reading the imports built no file
    decl = model.types["platform.auth.v1.ValidateTokenRequest"]
    assert list(built) == [decl.file]  # a type lookup builds its file alone
    assert {name: model.files[name].dependencies for name in model.files} == dict(
        model.imports
    )


def _declared(model: Model) -> dict[str, str]:
    """Every message and enum of the request, by full name, with its file,
    read from the descriptors."""
    found: dict[str, str] = {}

    def walk(
        fd: descriptor_pb2.FileDescriptorProto,
        prefix: str,
        messages: Iterable[descriptor_pb2.DescriptorProto],
        enums: Iterable[descriptor_pb2.EnumDescriptorProto],
    ) -> None:
        for e in enums:
            found[f"{prefix}{e.name}"] = fd.name
        for m in messages:
            found[f"{prefix}{m.name}"] = fd.name
            walk(fd, f"{prefix}{m.name}.", m.nested_type, m.enum_type)

    for fd in model.files._sources.values():  # type: ignore[attr-defined]
        walk(fd, f"{fd.package}." if fd.package else "", fd.message_type, fd.enum_type)
    return found


def test_a_type_lookup_reads_only_the_packages_its_name_could_be_in() -> None:
    model = _model()
    unindexed = model.types._unindexed  # type: ignore[attr-defined]
    packages = set(unindexed)
    assert "platform.auth.v1" in packages and "platform.common" in packages
    assert model.types["platform.auth.v1.ValidateTokenRequest"].local_name == (
        "ValidateTokenRequest"
    )
    assert packages - set(unindexed) == {"platform.auth.v1"}  # and no other
    assert model.types.get("platform.nowhere.Missing") is None
    assert "platform.common.Error" in model.types
    assert "platform.common.NoSuchType" not in model.types
    assert set(unindexed) == packages - {"platform.auth.v1", "platform.common"}


def test_types_iterate_lookup_and_count_every_declared_type() -> None:
    model = _model()
    declared = _declared(model)
    assert len(model.types) == len(declared)
    assert sorted(model.types) == sorted(declared)
    fresh = _model()  # lookups in any order, with nothing indexed beforehand
    for name, file in sorted(declared.items(), reverse=True):
        assert name in fresh.types
        assert fresh.types[name].file == file
        assert fresh.types[name].full_name == name


def test_model_and_view_records_are_immutable() -> None:
    from protoc_gen_platform.options import Options
    from protoc_gen_platform.views import module_view

    proto = next(p for p in MODEL.files.values() if p.services)
    service = proto.services[0]
    method = service.methods[0]
    message = MODEL.message(method.input_type)
    view = module_view(MODEL, proto, Options())
    records = (proto, service, method, message, view, view.services[0])
    for record in records + (view.services[0].methods[0], MODEL):
        with pytest.raises(AttributeError):
            record.name = "changed"  # type: ignore[misc, union-attr]
    assert method.name != "changed" and proto.name != "changed"


def test_record_annotations_are_evaluated_when_their_module_loads() -> None:
    """A module that defines records has no ``from __future__ import
    annotations``: with it, typing.NamedTuple compiles every field's
    annotation string into a ForwardRef, which cost each plugin run about a
    millisecond over the records it loads."""
    import importlib
    import pkgutil

    import protoc_gen_platform

    with_records = []
    for info in pkgutil.iter_modules(protoc_gen_platform.__path__):
        if info.name == "__main__":  # runs the plugin
            continue
        module = importlib.import_module(f"protoc_gen_platform.{info.name}")
        records = [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, tuple)
            and hasattr(value, "_fields")
            and value.__module__ == module.__name__
        ]
        if records:
            with_records.append(info.name)
            assert "annotations" not in vars(module), info.name
            quoted = [
                f"{record.__name__}.{field}"
                for record in records
                for field, hint in record.__annotations__.items()
                if isinstance(hint, str)
            ]
            # Only names a module cannot import at run time stay quoted.
            assert len(quoted) <= 3, quoted
    assert {"model", "views", "patterns", "options"} <= set(with_records)


def test_a_message_finds_its_fields_by_name() -> None:
    error = MODEL.message("platform.common.Error")
    assert [error.field_named(f.name) for f in error.fields] == list(error.fields)
    assert error.field_named("no_such_field") is None
    assert error.fields_by_name == {f.name: f for f in error.fields}
