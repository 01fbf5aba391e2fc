"""Misuse of the test kit that mypy --strict must reject: each ``# expect:
CODE`` line is an error (tests/test_typing.py checks exactly these)."""

from __future__ import annotations

from auth.v1 import auth_pb2
from auth.v1.auth_testing import AuthServiceFake
from data.v1.bronze_testing import BronzeServiceFake
from etl.v1 import etl_pb2
from etl.v1.etl_testing import EtlServiceFake
from platform_runtime.testing import error


def wrong_types() -> None:
    fake = AuthServiceFake()
    fake.revoke_token.returns(auth_pb2.ValidatedToken())  # expect: arg-type
    fake.validate_token.returns(auth_pb2.ValidateTokenResponse())  # expect: arg-type
    fake.list_api_keys.returns_items(["key"])  # expect: list-item
    fake.get_api_key.raises(ValueError("no"))  # expect: arg-type
    fake.get_api_key.calls_through(lambda r, c: r.no_such_field)  # expect: attr-defined
    etl = EtlServiceFake()
    etl.stream_run_events.streams([etl_pb2.RunEvent()])  # expect: list-item
    ingest = BronzeServiceFake().ingest_records
    ingest.calls_through(lambda rs, c: rs.api_key)  # expect: attr-defined
    error("NOT_FOUND", "no")  # expect: call-overload
    fake.validate_token.calls[0].request.pagination  # expect: attr-defined
