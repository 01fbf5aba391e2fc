"""Naming: snake_case, keyword mangling, module paths and import aliases."""

from __future__ import annotations

import pytest

from protoc_gen_platform import naming
from protoc_gen_platform.errors import GenerationError


@pytest.mark.parametrize(
    ("rpc", "expected"),
    [
        ("GetV2HTTPStatus", "get_v2_http_status"),
        ("ValidateToken", "validate_token"),
        ("ListAPIKeys", "list_api_keys"),
        ("HTTPRequest", "http_request"),
        ("getFoo", "get_foo"),
        ("Get_Foo", "get_foo"),
        ("X", "x"),
        ("OAuth2Token", "o_auth2_token"),
    ],
)
def test_snake_case(rpc: str, expected: str) -> None:
    assert naming.snake_case(rpc) == expected


@pytest.mark.parametrize(
    ("rpc", "expected"),
    [
        ("Import", "import_"),
        ("From", "from_"),
        ("Async", "async_"),
        ("None", "none"),
        ("Match", "match_"),
        ("Close", "close_"),
        ("Connect", "connect_"),
        ("Channel", "channel_"),
        ("_Hidden", "rpc_hidden"),
    ],
)
def test_method_names_never_clash_with_keywords_or_members(
    rpc: str, expected: str
) -> None:
    assert naming.method_name(rpc) == expected


@pytest.mark.parametrize(
    ("proto", "module", "path"),
    [
        ("auth/v1/auth.proto", "auth.v1.auth_pb2", "auth/v1/auth_pb2.py"),
        ("google/protobuf/timestamp.proto", "google.protobuf.timestamp_pb2", None),
        ("top.proto", "top_pb2", "top_pb2.py"),
        ("a-b/c-d.proto", "a_b.c_d_pb2", "a_b/c_d_pb2.py"),
    ],
)
def test_module_names_follow_protobuf_python(
    proto: str, module: str, path: str | None
) -> None:
    assert naming.module_name(proto, "_pb2") == module
    if path:
        assert naming.output_path(proto, "_pb2") == path


def test_aliases_are_distinct_and_readable() -> None:
    aliases = naming._aliases(
        sorted(
            ["common.types_pb2", "data.v1.types_pb2", "auth.v1.auth_pb2", "types_pb2"]
        )
    )
    assert aliases["auth.v1.auth_pb2"] == "auth_pb2"
    assert len(set(aliases.values())) == len(aliases)
    assert aliases["common.types_pb2"] == "common_types_pb2"
    assert aliases["data.v1.types_pb2"] == "v1_types_pb2"
    assert all(alias.endswith("_pb2") for alias in aliases.values())


def test_scope_reports_both_owners_of_a_name() -> None:
    scope = naming.Scope("x.proto")
    scope.claim("FooAsyncClient", "service FooAsync")
    with pytest.raises(GenerationError, match="service FooAsync and service Foo"):
        scope.claim("FooAsyncClient", "service Foo")
    assert scope.claim_private("_X", "a") == "_X"
    assert scope.claim_private("_X", "b") == "_X_2"
